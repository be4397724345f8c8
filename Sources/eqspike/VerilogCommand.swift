import Foundation
import EqSpike
import RTL

/// `eqspike verilog`: the design as synthesizable Verilog-2005 (RTL back end, Sources/RTL).
enum VerilogCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["weights", "out", "set", "seed"], booleans: [])
        let path = try o.positional("netlist file")
        guard let out = o.string("out") else { throw CLIError.usage("verilog needs --out DIR") }
        try OutputFiles.directory(out)   // a bad --out is reported before the design is loaded
        let chip = try Setup.chip(path, overrides: o.all("set"))
        try loadMemories(chip, weights: o.string("weights"), seed: o.int("seed", range: 0...Int(Int32.max)))
        let rtl: RTLDesign
        do { rtl = try RTLDesign.emit(circuit: chip.design.circuit, blocks: chip.design.blocks) } catch let e as RTLError {
            throw CLIError.failed("\(path): \(e)")
        }
        try rtl.write(to: out)
        print("\(out): \(rtl.sources.count) Verilog modules (top \(rtl.topName)), \(rtl.files.count - rtl.sources.count - 2) memory images, files.f, README.md")
    }

    /// The memories the RTL starts from: a checkpoint, or the design's initial weights.
    static func loadMemories(_ chip: Chip, weights: String?, seed: Int?) throws {
        if let w = weights {
            try Setup.loadWeights(w, into: chip)
        } else {
            try chip.initialiseMemories(seed: seed.map(UInt64.init) ?? chip.settings.seed)
        }
    }
}
