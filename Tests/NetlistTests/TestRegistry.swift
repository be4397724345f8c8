import FixedPoint
import HDL
@testable import Netlist

/// Small block types so the netlist tests do not depend on the real blocks.
enum TestBlocks {
    static let s3_12 = QFormat(signed: true, intBits: 3, fracBits: 12)

    /// y(t+1) = constant; registered output.
    final class Source: Block {
        init(_ name: String, lanes: Int, format: QFormat) {
            super.init(name: name)
            addOutput("y", lanes: lanes, format: format, timing: .registered)
        }
        override var typeName: String { "source" }
    }

    /// y = x (combinational), for loops.
    final class Wire: Block {
        init(_ name: String, lanes: Int, format: QFormat) {
            super.init(name: name)
            addInput("x", lanes: lanes, format: format)
            addOutput("y", lanes: lanes, format: format, timing: .combinational)
        }
    }

    /// A neuron bank: current in, spike out (registered), u register; `en` is optional.
    final class Neuron: Block {
        init(_ name: String, lanes: Int, u: QFormat, current: QFormat) {
            super.init(name: name)
            addInput("current", lanes: lanes, format: current)
            addInput("en", lanes: 1, format: .bit, optional: true)
            addOutput("spike", lanes: lanes, format: .bit, timing: .registered)
            addRegister("u", lanes: lanes, format: u)
        }
    }

    /// A memory: row spikes in, column currents out; SRAM rows x cols.
    final class Memory: Block {
        let rows: Int, cols: Int, weight: QFormat
        init(_ name: String, rows: Int, cols: Int, weight: QFormat) {
            self.rows = rows
            self.cols = cols
            self.weight = weight
            super.init(name: name)
            addInput("row_spike", lanes: rows, format: .bit)
            addOutput("col_current", lanes: cols, format: s3_12, timing: .registered)
        }
        override var storage: [StorageItem] {
            [StorageItem(name: "weights", kind: .sram, bits: rows * cols * weight.width),
             StorageItem(name: "delay", kind: .delayLine, bits: 3 * cols)]
        }
    }

    static let lanes = ParameterSpec("lanes", .int(1...1_000_000), doc: "lanes")

    static let registry = BlockRegistry([
        BlockType(name: "source", doc: "constant source", parameters: [
            lanes, ParameterSpec("format", .format, default: .format(s3_12), doc: "format"),
        ]) { name, p in Source(name, lanes: p.int("lanes"), format: p.format("format")) },
        BlockType(name: "wire", doc: "combinational wire", parameters: [
            lanes, ParameterSpec("format", .format, default: .format(s3_12), doc: "format"),
        ]) { name, p in Wire(name, lanes: p.int("lanes"), format: p.format("format")) },
        BlockType(name: "neuron", doc: "neuron bank", parameters: [
            lanes,
            ParameterSpec("u", .format, doc: "membrane format"),
            ParameterSpec("current", .format, default: .format(s3_12), doc: "current format"),
            ParameterSpec("threshold", .real(0.0625...4), default: .real(1), doc: "threshold"),
            ParameterSpec("refractory", .int(1...16), default: .int(2), doc: "refractory clocks"),
            ParameterSpec("reset", .choice(["subtract", "zero"]), default: .word("subtract"), doc: "reset"),
            .rounding("rounding", default: .nearest, doc: "rounding"),
            ParameterSpec("leak", .bool, default: .bool(false), doc: "leak"),
        ]) { name, p throws(ParameterError) in
            if p.format("u").width > 24 { throw ParameterError(parameter: "u", message: "membrane wider than 24 bits") }
            return Neuron(name, lanes: p.int("lanes"), u: p.format("u"), current: p.format("current"))
        },
        BlockType(name: "memory", doc: "crossbar-like memory", parameters: [
            ParameterSpec("rows", .int(1...100_000), doc: "rows"),
            ParameterSpec("cols", .int(1...100_000), doc: "cols"),
            ParameterSpec("weight", .format, default: .format(QFormat(signed: true, intBits: 1, fracBits: 15)), doc: "weight"),
        ]) { name, p in Memory(name, rows: p.int("rows"), cols: p.int("cols"), weight: p.format("weight")) },
    ])
}
