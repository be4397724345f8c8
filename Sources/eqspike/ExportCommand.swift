import Foundation
import EqSpike
import HDL

/// `eqspike export`: memories as $readmemh files for an RTL test bench.
enum ExportCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["weights", "out", "set"], booleans: [])
        let path = try o.positional("netlist file")
        guard let weights = o.string("weights") else { throw CLIError.usage("export needs --weights CKPT") }
        guard let out = o.string("out") else { throw CLIError.usage("export needs --out DIR") }
        try OutputFiles.directory(out)   // a bad --out is reported before the design is loaded
        let chip = try Setup.chip(path, overrides: o.all("set"))
        try Setup.loadWeights(weights, into: chip)
        for m in MemoryImage.all(of: chip) {
            let file = "\(out)/\(m.name).hex"
            try OutputFiles.write(m.readmemh, to: file)
            print("\(file): \(m.summary)")
        }
    }
}
