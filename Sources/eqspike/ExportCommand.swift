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
        let chip = try Setup.chip(path, overrides: o.all("set"))
        try Setup.loadWeights(weights, into: chip)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for m in MemoryImage.all(of: chip) {
            let file = "\(out)/\(m.name).hex"
            try m.readmemh.write(toFile: file, atomically: true, encoding: .utf8)
            print("\(file): \(m.summary)")
        }
    }
}
