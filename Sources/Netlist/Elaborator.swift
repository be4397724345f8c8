import FixedPoint
import HDL

/// Limits that keep a hostile or mistyped netlist from allocating gigabytes.
public struct ElaborationLimits: Sendable {
    /// Words of lane and memory state a simulator of the design may allocate (every instance's
    /// ports and storage, from its declared interface). Checked when a simulator is built, not
    /// when a `Circuit` is only described (`eqspike check` budgets any size). 2^23 words
    /// (32 MiB of Int32 lanes) is ~14x the 784-300-10 design.
    public var maxStateWords: Int
    /// Diagnostics reported before giving up (a binary file would give thousands).
    public var maxErrors: Int

    public init(maxStateWords: Int = 1 << 23, maxErrors: Int = 100) {
        self.maxStateWords = maxStateWords
        self.maxErrors = maxErrors
    }

    public static let standard = ElaborationLimits()
}

/// Turns a parsed netlist into a `Circuit` (checked, nothing allocated), collecting every error on
/// the way. `DesignBuilder` then builds a simulator from the circuit.
final class Elaborator {
    private let sink: DiagnosticSink
    private let registry: BlockRegistry
    private let parsed: ParsedNetlist
    private var evaluator: Evaluator

    private enum LaneSpec {
        case whole
        case lanes(Int, Int, SourceLocation)
        case broken
    }
    private struct PendingConnect {
        let statement: ConnectStatement
        let source: LaneSpec
        let destinations: [LaneSpec]
    }
    private struct Drive {
        let lanes: Range<Int>
        let location: SourceLocation
        let source: String
    }

    private var declarations: [String: BlockDeclaration] = [:]
    private var failedBlocks = Set<String>()
    private var instances: [Circuit.Instance] = []
    private var instanceByName: [String: Circuit.Instance] = [:]
    private var parameterLocations: [String: SourceLocation] = [:]
    private var parameterOrder: [String] = []
    private var connects: [PendingConnect] = []
    private var probes: [(ProbeStatement, [LaneSpec])] = []
    private var clock: Clock?
    private var settings: [ExperimentTable.Entry] = []
    private var settingLocations: [String: SourceLocation] = [:]
    private var roleBindings: [RoleBinding] = []

    init(parsed: ParsedNetlist, registry: BlockRegistry, sink: DiagnosticSink) {
        self.parsed = parsed
        self.registry = registry
        self.sink = sink
        evaluator = Evaluator(sink: sink)
        // Named parameters and experiment keys share one namespace.
        evaluator.scope.broken = parsed.brokenParameters.union(parsed.brokenSettings)
        for s in parsed.statements {
            let n: Name
            switch s {
            case .parameter(let p): n = p.name
            case .setting(let e): n = e.key
            default: continue
            }
            if evaluator.scope.definitions[n.text] == nil { evaluator.scope.definitions[n.text] = n.location }
        }
    }

    /// The circuit, or nil when anything was reported.
    func run() -> Circuit? {
        for s in parsed.statements {
            if sink.isFull { return nil }
            switch s {
            case .parameter(let p): define(p)
            case .block(let b): declare(b)
            case .connect(let c):
                connects.append(PendingConnect(statement: c, source: laneSpec(c.source.lanes), destinations: c.destinations.map { laneSpec($0.lanes) }))
            case .clock(let c): defineClock(c)
            case .probe(let p): probes.append((p, p.patterns.map { laneSpec($0.lanes) }))
            case .setting(let e): set(e)
            case .role(let r):
                if let previous = roleBindings.first(where: { $0.role.text == r.role.text }) {
                    sink.error(r.role.location, "role '\(r.role.text)' is already bound at line \(previous.role.location.line)")
                } else {
                    roleBindings.append(r)
                }
            }
        }
        let wires = wire()
        checkDrivers()
        checkWiringRules()
        let probeList = resolveProbes()
        for r in roleBindings where instanceByName[r.instance.text] == nil {
            if declarations[r.instance.text] == nil && !parsed.brokenBlocks.contains(r.instance.text) {
                sink.error(r.instance.location, "unknown block instance '\(r.instance.text)'\(Suggestions.hint(for: r.instance.text, among: declarations.keys))")
            }
        }
        guard sink.isEmpty else { return nil }
        checkCombinationalLoops(wires)
        guard sink.isEmpty else { return nil }
        var parameters: [(name: String, value: ParameterValue)] = []
        for n in parameterOrder {
            switch evaluator.scope.values[n] {
            case .int(let v)?: parameters.append((n, .int(v)))
            case .real(let v)?: parameters.append((n, .real(v)))
            case .format(let v)?: parameters.append((n, .format(v)))
            case .word(let w, _)?: parameters.append((n, .word(w)))
            case .bool(let b)?: parameters.append((n, .bool(b)))
            default: break
            }
        }
        let table = ExperimentTable(entries: settings, usedByDesign: evaluator.used.intersection(settings.map(\.key)),
                                    roles: roleBindings.map { ($0.role.text, $0.instance.text, $0.role.location) },
                                    location: parsed.experimentLocation ?? SourceLocation(file: parsed.path, line: 1, column: 1))
        return Circuit(sourcePath: parsed.path, instances: instances, wires: wires, probes: probeList,
                       clock: clock ?? Clock(periodSeconds: Clock.defaultPeriod), experiment: table, parameters: parameters)
    }

    // MARK: Parameters

    private func define(_ p: ParameterDefinition) {
        let n = p.name.text
        if let first = parameterLocations[n] ?? settingLocations[n] {
            sink.error(p.name.location, "'\(n)' is already defined at line \(first.line)")
            return
        }
        parameterLocations[n] = p.name.location
        parameterOrder.append(n)
        var v = evaluator.evaluate(p.value)
        if p.isFormat {
            switch v {
            case .format, .poison: break
            case .word(let w, let loc):
                sink.error(loc, evaluator.unknownName(w))
                v = .poison
            default:
                sink.error(p.value.location, "format '\(n)' must be a fixed-point format such as s1.15, got \(v.kindDescription)")
                v = .poison
            }
        }
        if case .poison = v { evaluator.scope.broken.insert(n) } else { evaluator.scope.values[n] = v }
    }

    // MARK: Blocks

    private func declare(_ d: BlockDeclaration) {
        let n = d.name.text
        if let first = declarations[n] {
            sink.error(d.name.location, "block '\(n)' is already declared at line \(first.name.location.line)")
            return
        }
        declarations[n] = d
        guard let type = registry[d.type.text] else {
            sink.error(d.type.location, "unknown block type '\(d.type.text)'\(Suggestions.hint(for: d.type.text, among: registry.names))")
            failedBlocks.insert(n)
            return
        }
        var ok = true
        var given: [String: ParameterValue] = [:]
        var argumentLocations: [String: SourceLocation] = [:]
        var suggested = Set<String>()
        for a in d.arguments {
            argumentLocations[a.name.text] = a.value.location
            guard let spec = type.parameters.first(where: { $0.name == a.name.text }) else {
                let best = Suggestions.best(for: a.name.text, among: type.parameters.map(\.name))
                if let best { suggested.insert(best) }
                sink.error(a.name.location, "\(type.name) has no parameter '\(a.name.text)'\(best.map { " (did you mean '\($0)'?)" } ?? "")")
                ok = false
                continue
            }
            if let v = parameterValue(evaluator.evaluate(a.value), spec: spec, type: type.name, at: a.value.location) {
                given[spec.name] = v
            } else {
                ok = false
            }
        }
        // A misspelt parameter was reported with its suggestion: do not also call it missing.
        for s in type.parameters where s.defaultValue == nil && argumentLocations[s.name] == nil && !suggested.contains(s.name) {
            sink.error(d.type.location, "\(type.name) '\(n)' needs parameter '\(s.name)' (\(s.kind.wanted))")
            ok = false
        }
        // Kinds and ranges, by the block type's own check; after an error the parameter is taken
        // out and the rest checked again, so that every bad parameter is reported.
        // (Parameters already reported, given or missing, are left out of the check.)
        var specs = type.parameters.filter { given[$0.name] != nil || ($0.defaultValue != nil && argumentLocations[$0.name] == nil) }
        var checked: BlockParameters? = nil
        while checked == nil {
            do {
                checked = try BlockParameters(given, specs: specs)
            } catch {
                sink.error(argumentLocations[error.parameter] ?? d.type.location, "\(type.name) \(error)")
                ok = false
                given.removeValue(forKey: error.parameter)
                let before = specs.count
                specs.removeAll { $0.name == error.parameter }
                if specs.count == before { break }
            }
        }
        guard ok, let parameters = checked else { failedBlocks.insert(n); return }
        let interface: BlockInterface
        do {
            interface = try type.interface(parameters)
        } catch {
            sink.error(argumentLocations[error.parameter] ?? d.name.location, "\(type.name) \(error)")
            failedBlocks.insert(n)
            return
        }
        let inst = Circuit.Instance(name: n, typeName: type.name, parameters: parameters, interface: interface, location: d.name.location)
        instances.append(inst)
        instanceByName[n] = inst
    }

    /// Converts an evaluated value for a block parameter (words against choices, with suggestions).
    private func parameterValue(_ v: Value, spec: ParameterSpec, type: String, at loc: SourceLocation) -> ParameterValue? {
        let pv: ParameterValue
        switch v {
        case .poison: return nil
        case .list:
            sink.error(loc, "\(type) parameter '\(spec.name)': a list is not allowed here")
            return nil
        case .word(let w, let wloc):
            switch spec.kind {
            case .choice(let options):
                guard options.contains(w) else {
                    sink.error(wloc, "\(type) parameter '\(spec.name)': '\(w)' is not one of \(options.joined(separator: ", "))\(Suggestions.hint(for: w, among: options))")
                    return nil
                }
                pv = .word(w)
            case .bool:
                sink.error(wloc, "\(type) parameter '\(spec.name)': expected true or false, got '\(w)'")
                return nil
            default:
                // A kind that takes any word (checked by the block type) accepts it; for numbers
                // and formats an unknown word is an unknown name.
                if (try? BlockParameters([spec.name: .word(w)], specs: [spec])) != nil {
                    pv = .word(w)
                } else {
                    sink.error(wloc, evaluator.unknownName(w))
                    return nil
                }
            }
        case .int(let i): pv = .int(i)
        case .real(let r): pv = .real(r)
        case .format(let f): pv = .format(f)
        case .bool(let b): pv = .bool(b)
        }
        return pv   // kind and range: checked with the others in `declare`
    }

    // MARK: Clock and experiment

    private static let periodUnits: [String: Double] = ["s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9, "ps": 1e-12]
    private static let frequencyUnits: [String: Double] = ["Hz": 1, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9]

    private func defineClock(_ c: ClockStatement) {
        if let previous = clock?.location {
            sink.error(c.keyword, "the clock is already defined at line \(previous.line)")
            return
        }
        let isPeriod = c.property.text == "period"
        let units = isPeriod ? Elaborator.periodUnits : Elaborator.frequencyUnits
        let others = isPeriod ? Elaborator.frequencyUnits : Elaborator.periodUnits
        let v = evaluator.evaluate(c.value)
        guard let scale = units[c.unit.text] else {
            let expected = isPeriod ? "s, ms, us, ns or ps" : "Hz, kHz, MHz or GHz"
            if others[c.unit.text] != nil {
                sink.error(c.unit.location, "'\(c.unit.text)' is a \(isPeriod ? "frequency" : "time") unit; the clock \(c.property.text) takes \(expected)")
            } else {
                sink.error(c.unit.location, "unknown unit '\(c.unit.text)' (the clock \(c.property.text) takes \(expected))\(Suggestions.hint(for: c.unit.text, among: units.keys))")
            }
            return
        }
        let x: Double
        switch v {
        case .int(let i): x = Double(i)
        case .real(let r): x = r
        case .poison: return
        case .word(let w, let loc): sink.error(loc, evaluator.unknownName(w)); return
        default:
            sink.error(c.value.location, "the clock \(c.property.text) must be a number, got \(v.kindDescription)")
            return
        }
        let period = isPeriod ? x * scale : 1 / (x * scale)
        guard x > 0, period.isFinite, period > 0 else {
            sink.error(c.value.location, "the clock \(c.property.text) must be a positive number")
            return
        }
        clock = Clock(periodSeconds: period, location: c.keyword)
    }

    private func set(_ s: ExperimentSetting) {
        let k = s.key.text
        if let first = settingLocations[k] {
            sink.error(s.key.location, "experiment key '\(k)' is already set at line \(first.line)")
            return
        }
        if let first = parameterLocations[k] {
            sink.error(s.key.location, "'\(k)' is already defined at line \(first.line)")
            return
        }
        settingLocations[k] = s.key.location
        let value = evaluator.evaluate(s.value)
        if let v = experimentValue(value, at: s.value.location, nested: false) {
            settings.append(ExperimentTable.Entry(key: k, value: v, location: s.value.location))
            evaluator.scope.values[k] = value   // usable by what follows, like a named parameter
        } else {
            evaluator.scope.broken.insert(k)
        }
    }

    private func experimentValue(_ v: Value, at loc: SourceLocation, nested: Bool) -> ExperimentValue? {
        switch v {
        case .int(let i): return .int(i)
        case .real(let r): return .real(r)
        case .format(let f): return .format(f)
        case .word(let w, _): return .word(w)
        case .bool(let b): return .bool(b)
        case .poison: return nil
        case .list(let items):
            if nested { sink.error(loc, "lists do not nest"); return nil }
            var out: [ExperimentValue] = []
            for i in items {
                guard let x = experimentValue(i, at: loc, nested: true) else { return nil }
                out.append(x)
            }
            return .list(out)
        }
    }

    // MARK: Wiring

    private func laneSpec(_ r: LaneRange?) -> LaneSpec {
        guard let r else { return .whole }
        guard let a = evaluator.integer(r.from, what: "a lane index") else { return .broken }
        guard let t = r.to else { return .lanes(a, a, r.location) }
        guard let b = evaluator.integer(t, what: "a lane index") else { return .broken }
        return .lanes(a, b, r.location)
    }

    /// A port of an instance, as its type declares it.
    private struct ResolvedPort {
        let instance: String
        let declaration: PortDeclaration
        var name: String { declaration.name }
        var lanes: Int { declaration.lanes }
        var format: QFormat { declaration.format }
        var kind: Port.Kind { declaration.kind }
        /// `instance.port`.
        var fullName: String { "\(instance).\(declaration.name)" }
        func slice(_ r: Range<Int>) -> Circuit.PortSlice { Circuit.PortSlice(instance: instance, port: declaration.name, lanes: r) }
    }

    private enum Resolved {
        case port(ResolvedPort)
        /// Already reported, or refers to something that failed earlier: stay quiet.
        case broken
    }

    /// Finds `instance.port`; `direction` is "source" or "destination".
    private func resolve(_ ref: SignalReference, asSource: Bool) -> Resolved {
        let n = ref.instance.text
        guard let inst = instanceByName[n] else {
            if declarations[n] == nil && !parsed.brokenBlocks.contains(n) {
                sink.error(ref.instance.location, "unknown block instance '\(n)'\(Suggestions.hint(for: n, among: declarations.keys))")
            }
            return .broken
        }
        let ports = inst.interface.ports
        guard let decl = inst.interface.port(named: ref.port.text) else {
            let all = ports.map(\.name)
            var message = "\(inst.typeName) '\(n)' has no port '\(ref.port.text)'"
            let hint = Suggestions.hint(for: ref.port.text, among: all)
            if hint.isEmpty {
                let candidates = asSource ? ports.filter { $0.kind != .input }.map(\.name) : ports.filter { $0.kind == .input }.map(\.name)
                message += candidates.isEmpty ? "" : " (its \(asSource ? "outputs" : "inputs"): \(candidates.joined(separator: ", ")))"
            } else {
                message += hint
            }
            sink.error(ref.port.location, message)
            return .broken
        }
        let p = ResolvedPort(instance: n, declaration: decl)
        if asSource && p.kind == .input {
            sink.error(ref.port.location, "\(p.fullName) is an input; a connection starts at an output or register")
            return .broken
        }
        if !asSource && p.kind != .input {
            sink.error(ref.port.location, "\(p.fullName) is \(p.kind == .output ? "an output" : "a register"); only inputs can be driven")
            return .broken
        }
        return .port(p)
    }

    /// The lanes a reference selects, checked against the port.
    private func lanes(_ spec: LaneSpec, of p: ResolvedPort) -> Range<Int>? {
        switch spec {
        case .whole: return 0..<p.lanes
        case .broken: return nil
        case .lanes(let a, let b, let loc):
            if a < 0 || b < 0 {
                sink.error(loc, "lane indices must not be negative (\(a):\(b))")
                return nil
            }
            if b < a {
                sink.error(loc, "empty lane range \(a):\(b): the first lane is after the last")
                return nil
            }
            if b >= p.lanes {
                sink.error(loc, "lane\(a == b ? " \(a) is" : "s \(a):\(b) are") outside \(p.fullName), which has \(p.lanes) lane\(p.lanes == 1 ? "" : "s") (0:\(p.lanes - 1))")
                return nil
            }
            return a..<(b + 1)
        }
    }

    /// Drivers of each input, by `instance.port`.
    private var drives: [String: [Drive]] = [:]
    private var unknownDrivers = Set<String>()
    private var blocksWithUnknownDrivers = Set<String>()

    private func wire() -> [Circuit.Wire] {
        var wires: [Circuit.Wire] = []
        for pc in connects {
            let c = pc.statement
            var source: (ResolvedPort, Range<Int>)? = nil
            if case .port(let p) = resolve(c.source, asSource: true), let r = lanes(pc.source, of: p) { source = (p, r) }
            var resize: Connection.Resize? = nil
            var resizeOK = true
            if let (rn, on) = c.resize {
                let rounding = Rounding(rawValue: rn.text)
                let overflow = Overflow(rawValue: on.text)
                if rounding == nil {
                    let options = Rounding.allCases.map(\.rawValue)
                    sink.error(rn.location, "unknown rounding mode '\(rn.text)' (one of \(options.joined(separator: ", ")))\(Suggestions.hint(for: rn.text, among: options))")
                }
                if overflow == nil {
                    let options = Overflow.allCases.map(\.rawValue)
                    sink.error(on.location, "unknown overflow mode '\(on.text)' (one of \(options.joined(separator: ", ")))\(Suggestions.hint(for: on.text, among: options))")
                }
                if let rounding, let overflow { resize = Connection.Resize(rounding: rounding, overflow: overflow) } else { resizeOK = false }
            }
            for (d, spec) in zip(c.destinations, pc.destinations) {
                guard case .port(let dp) = resolve(d, asSource: false) else {
                    // We cannot tell which input was meant: do not call that block's inputs undriven.
                    blocksWithUnknownDrivers.insert(d.instance.text)
                    continue
                }
                guard let dr = lanes(spec, of: dp) else { unknownDrivers.insert(dp.fullName); continue }
                let sourceText = source.map { describe($0.0, $0.1) } ?? c.source.text
                drives[dp.fullName, default: []].append(Drive(lanes: dr, location: d.location, source: sourceText))
                guard let (sp, sr) = source, resizeOK else { continue }
                if sr.count != dr.count {
                    sink.error(d.location, "\(describe(sp, sr)) gives \(sr.count) lane\(sr.count == 1 ? "" : "s") but \(describe(dp, dr)) takes \(dr.count)")
                    continue
                }
                if resize == nil && sp.format != dp.format {
                    sink.error(d.location, "format mismatch: \(sp.fullName) is \(sp.format) but \(dp.fullName) is \(dp.format); add resize(rounding, overflow) to convert")
                    continue
                }
                wires.append(Circuit.Wire(source: sp.slice(sr), destination: dp.slice(dr), resize: sp.format == dp.format ? nil : resize,
                                          location: d.location))
            }
        }
        return wires
    }

    /// `x.y` for the whole port, `x.y[a:b]` for part of it.
    private func describe(_ p: ResolvedPort, _ r: Range<Int>) -> String {
        if r == 0..<p.lanes { return p.fullName }
        return r.count == 1 ? "\(p.fullName)[\(r.lowerBound)]" : "\(p.fullName)[\(r.lowerBound):\(r.upperBound - 1)]"
    }

    /// `lane 3`, `lanes 0:9`, `lanes 0:3, 8:9 and 5 more`.
    private func describeLanes(_ lanes: [Int]) -> String {
        var runs: [(Int, Int)] = []
        for l in lanes {
            if let last = runs.last, last.1 == l - 1 { runs[runs.count - 1].1 = l } else { runs.append((l, l)) }
        }
        let shown = runs.prefix(3).map { $0.0 == $0.1 ? "\($0.0)" : "\($0.0):\($0.1)" }.joined(separator: ", ")
        let more = runs.count > 3 ? " and \(runs.count - 3) more ranges" : ""
        return (lanes.count == 1 ? "lane " : "lanes ") + shown + more
    }

    /// Every required input driven exactly once per lane; reports every offence.
    private func checkDrivers() {
        for inst in instances {
            for decl in inst.interface.inputs {
                let input = ResolvedPort(instance: inst.name, declaration: decl)
                let id = input.fullName
                let list = drives[id] ?? []
                // (Plain index loops: this runs over every lane of every input.)
                if list.count == 1, list[0].lanes == 0..<input.lanes { continue }   // the usual case
                var owner = [Int](repeating: -1, count: input.lanes)
                var covered = 0
                for k in 0..<list.count {
                    let d = list[k]
                    var overlap: [Int] = []
                    var l = d.lanes.lowerBound
                    while l < d.lanes.upperBound {
                        if owner[l] >= 0 { overlap.append(l) } else { owner[l] = k; covered += 1 }
                        l += 1
                    }
                    if let first = overlap.first {
                        let previous = list[owner[first]]
                        sink.error(d.location, "\(describeLanes(overlap)) of input \(input.fullName) \(overlap.count == 1 ? "is" : "are") already driven by \(previous.source) (line \(previous.location.line))")
                    }
                }
                if unknownDrivers.contains(id) || blocksWithUnknownDrivers.contains(inst.name) { continue }
                if list.isEmpty {
                    if !decl.isOptional { sink.error(inst.location, "input \(input.fullName) is not driven") }
                    continue
                }
                if covered < input.lanes {
                    var missing: [Int] = []
                    for l in 0..<input.lanes where owner[l] < 0 { missing.append(l) }
                    sink.error(inst.location, "\(describeLanes(missing)) of input \(input.fullName) \(missing.count == 1 ? "is" : "are") not driven")
                }
            }
        }
    }

    /// The block types' own rules on which inputs may be wired together (`BlockType.wiringRules`),
    /// reported at the connection that breaks them.
    private func checkWiringRules() {
        for inst in instances {
            guard let rules = registry[inst.typeName]?.wiringRules else { continue }
            for v in rules(inst.parameters, { self.drives["\(inst.name).\($0)"]?.isEmpty == false }) {
                let at = drives["\(inst.name).\(v.input)"]?.first?.location ?? inst.location
                sink.error(at, "\(inst.typeName) '\(inst.name)': \(v.message)")
            }
        }
    }

    /// A cycle among combinational edges (a block reading a combinational output of a block that
    /// reads it back) is reported at the connections on it.
    private func checkCombinationalLoops(_ wires: [Circuit.Wire]) {
        let index = Dictionary(uniqueKeysWithValues: instances.enumerated().map { ($0.element.name, $0.offset) })
        var edges: [(Int, Int)] = []
        var combinational: [Bool] = []
        for w in wires {
            let decl = instanceByName[w.source.instance]?.interface.port(named: w.source.port)
            let isCombinational = decl?.kind == .output && decl?.timing == .combinational
            combinational.append(isCombinational)
            if isCombinational, let a = index[w.source.instance], let b = index[w.destination.instance] { edges.append((a, b)) }
        }
        do {
            _ = try Schedule.order(names: instances.map(\.name), combinationalEdges: edges)
        } catch {
            guard case .combinationalLoop(let names) = error, !names.isEmpty else {
                sink.error(wires.first?.location ?? SourceLocation(file: parsed.path, line: 1, column: 1), error.description)
                return
            }
            var found = false
            for (k, a) in names.enumerated() {
                let b = names[(k + 1) % names.count]
                for (i, w) in wires.enumerated() where w.source.instance == a && w.destination.instance == b && combinational[i] {
                    sink.error(w.location, "\(error.description) (via \(w.source.instance).\(w.source.port) -> \(w.destination.instance).\(w.destination.port), combinational)")
                    found = true
                }
            }
            if !found {
                let at = names.first.flatMap { instanceByName[$0]?.location } ?? SourceLocation(file: parsed.path, line: 1, column: 1)
                sink.error(at, error.description)
            }
        }
    }

    // MARK: Probes

    private func resolveProbes() -> [Circuit.Probe] {
        var out: [Circuit.Probe] = []
        var seen = Set<String>()
        for (statement, specs) in probes {
            for (pattern, spec) in zip(statement.patterns, specs) {
                let wildInstance = pattern.instance.text == "*", wildPort = pattern.port.text == "*"
                var blocks: [Circuit.Instance]
                if wildInstance {
                    blocks = instances
                } else if let inst = instanceByName[pattern.instance.text] {
                    blocks = [inst]
                } else {
                    let n = pattern.instance.text
                    if declarations[n] == nil && !parsed.brokenBlocks.contains(n) {
                        sink.error(pattern.instance.location, "unknown block instance '\(n)'\(Suggestions.hint(for: n, among: declarations.keys))")
                    }
                    continue
                }
                var ports: [ResolvedPort] = []
                for b in blocks {
                    if wildPort {
                        ports += b.interface.ports.map { ResolvedPort(instance: b.name, declaration: $0) }
                    } else if let p = b.interface.port(named: pattern.port.text) {
                        ports.append(ResolvedPort(instance: b.name, declaration: p))
                    }
                }
                if ports.isEmpty {
                    let candidates = blocks.flatMap { $0.interface.ports.map(\.name) }
                    let whose = wildInstance ? "no block has" : "\(blocks[0].typeName) '\(blocks[0].name)' has no"
                    if !blocks.isEmpty || !wildInstance {
                        sink.error(pattern.port.location, "probe \(pattern.text): \(whose) signal '\(pattern.port.text)'\(Suggestions.hint(for: pattern.port.text, among: candidates))")
                    }
                    continue
                }
                let exact = !wildInstance && !wildPort
                if !exact, case .lanes(let a, let b, let loc) = spec, a < 0 || b < a {
                    sink.error(loc, a < 0 || b < 0 ? "lane indices must not be negative (\(a):\(b))" : "empty lane range \(a):\(b): the first lane is after the last")
                    continue
                }
                for p in ports {
                    var r = 0..<p.lanes
                    switch spec {
                    case .whole: break
                    case .broken: continue
                    case .lanes(let a, let b, _):
                        if exact {
                            guard let checked = lanes(spec, of: p) else { continue }
                            r = checked
                        } else {
                            // A wildcard takes the lanes each matching signal has.
                            guard a < p.lanes else { continue }
                            r = a..<(min(b, p.lanes - 1) + 1)
                        }
                    }
                    if seen.insert("\(p.fullName)[\(r.lowerBound)..<\(r.upperBound)]").inserted {
                        out.append(Circuit.Probe(slice: p.slice(r), location: pattern.location))
                    }
                }
            }
        }
        return out
    }
}

extension ParameterSpec.Kind {
    /// What a value of this kind looks like, for messages.
    var wanted: String {
        switch self {
        case .int(let r): return "an integer in \(r.lowerBound)...\(r.upperBound)"
        case .real(let r): return "a number in \(r.lowerBound)...\(r.upperBound)"
        case .format: return "a fixed-point format such as s1.15"
        case .choice(let o): return "one of \(o.joined(separator: ", "))"
        case .bool: return "true or false"
        default: return "a word"
        }
    }
}
