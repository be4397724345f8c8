import CircuitIR
import HDL

/// One generated Verilog module: the comment that heads it (the block's bit-exact equations), its
/// port list and its body. Names come from the netlist: the module is `<type>_<instance>`, ports
/// are the block's port names, registers keep their port names as wires, so a simulator's
/// hierarchy shows `top.h.u` where the model shows `h.u`.
struct ModuleText {
    let name: String
    var comment: [String] = []
    var ports: [String] = []
    var body: [String] = []
    /// Port names in order, for the top module's instantiation.
    var portNames: [String] = []

    init(_ instance: Circuit.Instance) {
        name = "\(instance.typeName)_\(instance.name)"
    }

    mutating func input(_ name: String, width: Int, _ why: String = "") {
        portNames.append(name)
        ports.append("input  wire \(ModuleText.range(name, width))\(name)\(why.isEmpty ? "" : "  // \(why)")")
    }
    mutating func output(_ name: String, width: Int, _ why: String = "") {
        portNames.append(name)
        ports.append("output wire \(ModuleText.range(name, width))\(name)\(why.isEmpty ? "" : "  // \(why)")")
    }

    /// The clock and sequencing inputs are scalars; every other port carries lanes and is a
    /// vector even when it has one lane of one bit, so `spike[k]` is legal for lanes = 1.
    static let scalarPorts: Set<String> = ["clk", "rst", "tick", "load", "reading", "updating", "read_busy", "update_busy"]
    static func range(_ name: String, _ width: Int) -> String {
        width > 1 || !scalarPorts.contains(name) ? "[\(width - 1):0] " : ""
    }
    mutating func line(_ s: String) { body.append(s) }

    /// The clock inputs of a block whose registers commit once per tick (`V.clocked`): the system
    /// clock, `tick` (high in a tick's last system cycle, whose edge commits the tick's state) and
    /// the model's reset() between images.
    mutating func clockInputs(_ rstWhy: String) {
        input("clk", width: 1, "system clock")
        input("tick", width: 1, "high in the last system cycle of a tick: registers commit at its edge")
        input("rst", width: 1, rstWhy)
    }

    /// A register port of the model, as a lane-packed wire named after it: read by waveforms and
    /// co-simulation only, so nothing inside the module uses it.
    mutating func register(_ name: String, width: Int, _ why: String = "") {
        body.append("/* verilator lint_off UNUSEDSIGNAL */")
        body.append("wire [\(width - 1):0] \(name);   // register \(name)\(why.isEmpty ? "" : ": \(why)")")
        body.append("/* verilator lint_on UNUSEDSIGNAL */")
    }
    mutating func lines(_ s: [String]) { body += s }

    /// Closes a `generate for` over the lanes whose body was opened under `lint_off
    /// UNUSEDSIGNAL` (its exact 64-bit intermediates leave upper bits unused by design).
    mutating func endLaneLoop() {
        body.append("end endgenerate")
        body.append("/* verilator lint_on UNUSEDSIGNAL */")
    }

    var text: String {
        var s = comment.map { "// \($0)".replacingOccurrences(of: " +$", with: "", options: .regularExpression) }.joined(separator: "\n") + "\n"
        // Port and register names are the netlist's, so one may equal an instance name elsewhere in
        // the hierarchy (the tiny design has an instance `count` and a port `count`): not a bug.
        s += "/* verilator lint_off VARHIDDEN */\n"
        s += "module \(name) (\n"
        // Comments after a port would swallow the separating comma: put the comma first.
        for (i, p) in ports.enumerated() {
            let comma = i + 1 < ports.count ? "," : ""
            if let c = p.range(of: "  //") {
                s += "    " + p[..<c.lowerBound] + comma + p[c.lowerBound...] + "\n"
            } else {
                s += "    \(p)\(comma)\n"
            }
        }
        s += ");\n"
        for l in body { s += l.isEmpty ? "\n" : "    \(l)\n" }
        s += "endmodule\n/* verilator lint_on VARHIDDEN */\n"
        return s
    }
}

/// What an emitter knows about one instance: its Circuit entry and which optional inputs the
/// wiring drives (an undriven optional input reads 0 in the model; the module then has no such
/// port and uses 0).
struct InstanceContext {
    let instance: Circuit.Instance
    let driven: Set<String>
    let block: Block

    var name: String { instance.name }
    func port(_ n: String) -> PortDeclaration { instance.interface.port(named: n)! }
    func isDriven(_ n: String) -> Bool { driven.contains(n) }
    func param(_ n: String) -> String { instance.parameters.values[n]?.description ?? "?" }
}
