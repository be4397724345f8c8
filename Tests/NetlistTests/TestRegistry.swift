import FixedPoint
import HDL
@testable import Netlist

/// Small block types so the netlist tests do not depend on the real blocks.
enum TestBlocks {
    static let s3_12 = QFormat(signed: true, intBits: 3, fracBits: 12)

    /// A test block: its ports and storage are its declared interface.
    final class Declared: Block {
        init(_ name: String, _ interface: BlockInterface) {
            super.init(name: name, ports: DeclaredPorts(interface))
        }
    }

    static let lanes = ParameterSpec("lanes", .int(1...1_000_000), doc: "lanes")

    static func type(_ name: String, _ doc: String, _ parameters: [ParameterSpec],
                     interface: @escaping BlockType.Interface) -> BlockType {
        BlockType(name: name, doc: doc, parameters: parameters, interface: interface,
                  cycleModel: { n, p throws(ParameterError) in Declared(n, try interface(p)) })
    }

    static let registry = BlockRegistry([
        // y(t+1) = constant; registered output.
        type("source", "constant source", [lanes, ParameterSpec("format", .format, default: .format(s3_12), doc: "format")]) { p in
            BlockInterface(ports: [.output("y", lanes: p.int("lanes"), format: p.format("format"), timing: .registered)])
        },
        // y = x (combinational), for loops.
        type("wire", "combinational wire", [lanes, ParameterSpec("format", .format, default: .format(s3_12), doc: "format")]) { p in
            BlockInterface(ports: [.input("x", lanes: p.int("lanes"), format: p.format("format")),
                                   .output("y", lanes: p.int("lanes"), format: p.format("format"), timing: .combinational)])
        },
        // A neuron bank: current in, spike out (registered), u register; `en` is optional.
        type("neuron", "neuron bank", [
            lanes,
            ParameterSpec("u", .format, doc: "membrane format"),
            ParameterSpec("current", .format, default: .format(s3_12), doc: "current format"),
            ParameterSpec("threshold", .real(0.0625...4), default: .real(1), doc: "threshold"),
            ParameterSpec("refractory", .int(1...16), default: .int(2), doc: "refractory clocks"),
            ParameterSpec("reset", .choice(["subtract", "zero"]), default: .word("subtract"), doc: "reset"),
            .rounding("rounding", default: .nearest, doc: "rounding"),
            ParameterSpec("leak", .bool, default: .bool(false), doc: "leak"),
        ]) { p throws(ParameterError) in
            if p.format("u").width > 24 { throw ParameterError(parameter: "u", message: "membrane wider than 24 bits") }
            let n = p.int("lanes")
            return BlockInterface(ports: [.input("current", lanes: n, format: p.format("current")),
                                          .input("en", lanes: 1, format: .bit, optional: true),
                                          .output("spike", lanes: n, format: .bit, timing: .registered),
                                          .register("u", lanes: n, format: p.format("u"))])
        },
        // A memory: row spikes in, column currents out; SRAM rows x cols.
        type("memory", "crossbar-like memory", [
            ParameterSpec("rows", .int(1...100_000), doc: "rows"),
            ParameterSpec("cols", .int(1...100_000), doc: "cols"),
            ParameterSpec("weight", .format, default: .format(QFormat(signed: true, intBits: 1, fracBits: 15)), doc: "weight"),
        ]) { p in
            let rows = p.int("rows"), cols = p.int("cols")
            return BlockInterface(ports: [.input("row_spike", lanes: rows, format: .bit),
                                          .output("col_current", lanes: cols, format: s3_12, timing: .registered)],
                                  storage: [StorageItem(name: "weights", kind: .sram, words: rows * cols, format: p.format("weight")),
                                            StorageItem(name: "delay", kind: .delayLine, words: 3 * cols, wordBits: 1)])
        },
    ])
}
