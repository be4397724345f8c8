import FixedPoint
import HDL

/// Builds the simulator of a `Circuit`: the memory limit, each instance's cycle model (from its
/// block type), the wires as connections, probes and roles as ports and blocks.
///
/// The circuit has been fully checked (parameters, wiring, wiring rules, combinational loops), so
/// what can fail here is only the size: `ElaborationLimits.maxStateWords`, which protects the
/// machine, and applies to building, not to describing a design.
struct DesignBuilder {
    let registry: BlockRegistry
    let limits: ElaborationLimits
    let sink: DiagnosticSink

    func build(_ circuit: Circuit) -> Design? {
        guard withinMemoryLimit(circuit) else { return nil }
        var instances: [BlockInstance] = []
        var byName: [String: Block] = [:]
        for inst in circuit.instances {
            guard let type = registry[inst.typeName] else {
                sink.error(inst.location, "unknown block type '\(inst.typeName)'")
                return nil
            }
            let block: Block
            do {
                block = try type.cycleModel(inst.name, inst.parameters)
            } catch {
                sink.error(inst.location, "\(type.name) \(error)")
                return nil
            }
            instances.append(BlockInstance(block: block, typeName: inst.typeName, location: inst.location, parameters: inst.parameters))
            byName[inst.name] = block
        }
        // The model must have the ports its type declares (tested for every shipped design);
        // a mismatch is a bug in a block type, reported rather than trapped.
        func port(_ s: Circuit.PortSlice, at location: SourceLocation) -> Port? {
            guard let p = byName[s.instance]?.port(named: s.port), p.lanes >= s.lanes.upperBound else {
                sink.error(location, "internal error: the cycle model of '\(s.instance)' has no port \(s.port) as its type declares")
                return nil
            }
            return p
        }
        var connections: [Connection] = []
        for w in circuit.wires {
            guard let sp = port(w.source, at: w.location), let dp = port(w.destination, at: w.location) else { return nil }
            connections.append(Connection(sp, w.source.lanes, dp, w.destination.lanes, resize: w.resize))
        }
        var probes: [Probe] = []
        for p in circuit.probes {
            guard let port = port(p.slice, at: p.location) else { return nil }
            probes.append(Probe(port: port, lanes: p.slice.lanes, location: p.location))
        }
        var roles: [String: Block] = [:]
        for r in circuit.roles { roles[r.role] = byName[r.instance] }
        let simulator: Simulator
        do {
            simulator = try Simulator(blocks: instances.map(\.block), connections: connections)
        } catch {
            sink.error(circuit.wires.first?.location ?? SourceLocation(file: circuit.sourcePath, line: 1, column: 1), error.description)
            return nil
        }
        return Design(circuit: circuit, simulator: simulator, instances: instances, probes: probes, roles: roles)
    }

    /// Refuses a design whose instances would together hold more than `maxStateWords` words of
    /// lane and memory state (ports and storage, from their interfaces), naming each block that
    /// does not fit.
    private func withinMemoryLimit(_ circuit: Circuit) -> Bool {
        let limit = limits.maxStateWords
        var total = 0
        var ok = true
        for inst in circuit.instances {
            let words = inst.interface.stateWords
            if words > limit {
                sink.error(inst.location, "block '\(inst.name)' would hold \(words) words of state (\(describe(inst))), over the limit of \(limit); `eqspike check` budgets it without building it")
                ok = false
                continue
            }
            let (sum, o) = total.addingReportingOverflow(words)
            if o || sum > limit {
                sink.error(inst.location, "with block '\(inst.name)' (\(describe(inst))) the design would hold more than \(limit) words of state, the limit; `eqspike check` budgets it without building it")
                ok = false
                continue
            }
            total = sum
        }
        return ok
    }

    /// `weights 78400 + shadow 78400 + ports 1899`: where an instance's words are.
    private func describe(_ inst: Circuit.Instance) -> String {
        let ports = inst.interface.ports.reduce(0) { $0 + $1.lanes }
        return (inst.interface.storage.map { "\($0.name) \($0.words)" } + ["ports \(ports)"]).joined(separator: " + ")
    }
}
