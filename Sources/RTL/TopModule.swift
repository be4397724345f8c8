import CircuitIR
import FixedPoint
import HDL

/// The top module, generated from the netlist's wiring: one net per block output named
/// `<instance>_<port>`, one per driven input (assembled from its wires' slices, converted where a
/// `resize` says so), one instance per block under its netlist name, and the host's ports.
///
/// Host protocol (README.md in the output directory): `clk` is the system clock; `load` and
/// `rst` high together for one clock start an image (pixels, target, train written; every
/// per-image register cleared; memories and LFSRs kept), then clock until
/// `<phase_controller>_done`; a tick takes the system cycles its crossbars need (`tick_done`
/// follows each).
enum TopModule {
    static let name = "eqspike_top"

    static func net(_ instance: String, _ port: String) -> String { "\(instance)_\(port)" }

    static func emit(circuit: Circuit, modules: [(instance: Circuit.Instance, module: ModuleText)]) throws -> String {
        var out: [String] = []
        var ports: [String] = ["input  wire clk   // the system clock (a tick is one or more of its cycles)",
                               "input  wire rst   // with load: start an image (the model's reset())",
                               "input  wire load   // host writes: pixels, target, train",
                               "output reg  tick_done   // high for one cycle after the edge that committed a tick"]
        var names = Set<String>()
        func claim(_ n: String, _ what: String) throws {
            guard names.insert(n).inserted else {
                throw RTLError(instance: "", "two signals of the top module would both be named '\(n)' (\(what)); rename an instance")
            }
        }
        for n in ["clk", "rst", "load", "tick_done", "tick", "reading", "updating"] { names.insert(n) }
        var hostInputs: [String: [String: String]] = [:]   // instance -> module port -> top port
        var topOutputs: Set<String> = []
        for (inst, _) in modules {
            switch inst.typeName {
            case "pixel_encoder":
                let n = net(inst.name, "pixel"); try claim(n, "host pixels")
                ports.append("input  wire [\(inst.interface.port(named: "pixel")!.lanes * 8 - 1):0] \(n)   // host: pixels of the next image, u8.0 per lane")
                hostInputs[inst.name] = ["load": "load", "pixel_in": n]
            case "nudge":
                let n = net(inst.name, "target"); try claim(n, "host target")
                let l = inst.interface.port(named: "target")!.lanes
                ports.append("input  wire [\(l - 1):0] \(n)   // host: target of the next image, one-hot")
                hostInputs[inst.name] = ["load": "load", "target_in": n]
            case "phase_controller":
                let n = net(inst.name, "train"); try claim(n, "host train flag")
                ports.append("input  wire \(n)   // host: 1 = learn from the next image")
                hostInputs[inst.name] = ["load": "load", "train_in": n]
                let d = net(inst.name, "done"); try claim(d, "done")
                ports.append("output wire [0:0] \(d)   // the image is finished (phase done)")
                topOutputs.insert(d)
            default: break
            }
        }
        out.append("// \(name): the design of \(circuit.sourcePath), wired as its netlist says.")
        out.append("// Nets are named <instance>_<port> after the netlist. Protocol: README.md beside this file.")
        out.append("module \(name) (")
        for (i, p) in ports.enumerated() {
            let comma = i + 1 < ports.count ? "," : ""
            if let c = p.range(of: "   //") { out.append("    " + p[..<c.lowerBound] + comma + p[c.lowerBound...]) } else { out.append("    \(p)\(comma)") }
        }
        out.append(");")
        out.append("    // Every block output has a net, read or not, so that waveforms and co-simulation see it.")
        out.append("    /* verilator lint_off UNUSEDSIGNAL */")
        // Nets: outputs, then driven inputs; every one a vector of lanes (even one bit), as the
        // modules' ports are, so a wire may select lanes of any of them.
        var driven: [String: Set<String>] = [:]
        for w in circuit.wires { driven[w.destination.instance, default: []].insert(w.destination.port) }
        for (inst, _) in modules {
            for p in inst.interface.outputs {
                let n = net(inst.name, p.name)
                if topOutputs.contains(n) { continue }
                try claim(n, "output \(inst.name).\(p.name)")
                out.append("    wire [\(width(p) - 1):0] \(n);")
            }
        }
        for (inst, _) in modules {
            for p in inst.interface.inputs where driven[inst.name]?.contains(p.name) == true {
                let n = net(inst.name, p.name)
                try claim(n, "input \(inst.name).\(p.name)")
                out.append("    wire [\(width(p) - 1):0] \(n);")
            }
        }
        out.append("    /* verilator lint_on UNUSEDSIGNAL */")
        out.append("")
        // The tick controller.
        let crossbars = modules.filter { $0.instance.typeName == "crossbar" }.map(\.instance.name)
        for x in crossbars {
            for p in ["read_busy", "update_busy"] { try claim(net(x, p), "crossbar sequencer \(x).\(p)") ; out.append("    wire \(net(x, p));") }
        }
        let anyRead = crossbars.isEmpty ? "1'b0" : crossbars.map { net($0, "read_busy") }.joined(separator: " || ")
        let anyUpdate = crossbars.isEmpty ? "1'b0" : crossbars.map { net($0, "update_busy") }.joined(separator: " || ")
        out.append("    // Tick controller: every crossbar reads its spiking rows and columns through its SRAM port")
        out.append("    // (`reading`), then every crossbar updates (`updating`: a delta may depend on any read), then")
        out.append("    // one cycle (`tick`) in which every other block's registers commit. No access in the reset clock.")
        out.append("    wire reading = !rst && (\(anyRead));")
        out.append("    wire updating = !rst && !reading && (\(anyUpdate));")
        out.append("    wire tick = !rst && !reading && !updating;")
        out.append("    initial tick_done = 1'b0;")
        out.append("    always @(posedge clk) tick_done <= tick;")
        out.append("")
        // Wiring.
        for w in circuit.wires {
            guard let si = circuit.instance(named: w.source.instance), let sp = si.interface.port(named: w.source.port),
                  let di = circuit.instance(named: w.destination.instance), let dp = di.interface.port(named: w.destination.port) else {
                throw RTLError(instance: w.destination.instance, "a wire refers to a port the circuit does not have (\(w.source) -> \(w.destination))")
            }
            let src = net(si.name, sp.name), dst = net(di.name, dp.name)
            let sw = sp.format.width, dw = dp.format.width
            let n = w.source.lanes.count
            let note = "// \(w.source) -> \(w.destination)"
            if let r = w.resize {
                guard r.rounding != .stochastic || sp.format.fracBits <= dp.format.fracBits else {
                    throw RTLError(instance: di.name, "the resize of \(w.source) -> \(w.destination) rounds stochastically, which the RTL back end does not reproduce")
                }
                let label = "resize_\(di.name)_\(dp.name)_\(w.destination.lanes.lowerBound)"
                out.append("    \(note) resize(\(r.rounding), \(r.overflow)): \(sp.format) -> \(dp.format)")
                out.append("    /* verilator lint_off UNUSEDSIGNAL */")
                out.append("    genvar \(label)_k;")
                out.append("    generate for (\(label)_k = 0; \(label)_k < \(n); \(label)_k = \(label)_k + 1) begin : \(label)")
                let k = "\(label)_k"
                out.append("        wire signed [63:0] x = \(V.ext("\(src)[(\(w.source.lanes.lowerBound) + \(k))*\(sw) +: \(sw)]", msb: "\(src)[(\(w.source.lanes.lowerBound) + \(k))*\(sw) + \(sw - 1)]", width: sw, signed: sp.format.isSigned));")
                let sh = sp.format.fracBits - dp.format.fracBits
                out.append("        wire signed [63:0] r = \(V.round("x", sh, r.rounding));")
                out.append("        wire signed [63:0] y = \(V.fit("r", dp.format, r.overflow));")
                out.append("        assign \(dst)[(\(w.destination.lanes.lowerBound) + \(k))*\(dw) +: \(dw)] = y[\(dw - 1):0];")
                out.append("    end endgenerate")
                out.append("    /* verilator lint_on UNUSEDSIGNAL */")
            } else if w.source.lanes.count == sp.lanes && w.destination.lanes.count == dp.lanes {
                out.append("    assign \(dst) = \(src);   \(note)")
            } else {
                out.append("    assign \(dst)[\(w.destination.lanes.upperBound * dw - 1):\(w.destination.lanes.lowerBound * dw)] = \(src)[\(w.source.lanes.upperBound * sw - 1):\(w.source.lanes.lowerBound * sw)];   \(note)")
            }
        }
        out.append("")
        // Instances.
        for (inst, m) in modules {
            var conns: [String] = []
            for p in m.portNames {
                if ["clk", "rst", "load", "tick", "reading", "updating"].contains(p) { conns.append(".\(p)(\(p))"); continue }
                if let h = hostInputs[inst.name]?[p] { conns.append(".\(p)(\(h))"); continue }
                conns.append(".\(p)(\(net(inst.name, p)))")
            }
            out.append("    \(m.name) \(inst.name) (")
            out.append(conns.map { "        \($0)" }.joined(separator: ",\n"))
            out.append("    );")
        }
        out.append("endmodule")
        return out.joined(separator: "\n") + "\n"
    }

    static func width(_ p: PortDeclaration) -> Int { p.lanes * p.format.width }
}
