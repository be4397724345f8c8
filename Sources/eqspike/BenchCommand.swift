import Foundation
import Blocks
import Datasets
import EqSpike
import Tooling
import GoldenModel

/// `eqspike bench`: speed of the chip model (clocks/s per phase, images/s, fixed vs float, tracing
/// cost, evaluation scaling, peak memory). The measurements are in `Tooling.Bench`; this file
/// parses the options, builds the golden model configured like the design, and prints or writes
/// the results.
enum BenchCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["data", "images", "repeat", "eval-images", "out", "set", "trace-block"],
                            booleans: ["json", "no-golden", "quick"], maxPositionals: nil)
        guard !o.positionals.isEmpty else { throw CLIError.usage("missing netlist file") }
        // Default data: the subset the repository carries, so the numbers are comparable everywhere.
        let data = try Setup.data(o.string("data") ?? Setup.subsetDirectory)
        let images = try o.int("images", range: 1...100_000) ?? 100
        let repeats = try o.int("repeat", range: 1...100) ?? 3
        let evalImages = try o.int("eval-images", range: 2...100_000)
        let quiet = o.flag("json") && o.string("out") == nil
        func log(_ s: String) { if !quiet { FileHandle.standardError.write(Data("bench: \(s)\n".utf8)) } }

        let machineBefore = Bench.machine()
        var reports: [Bench.Report] = []
        for path in o.positionals {
            var opts = Bench.Options(netlist: path)
            opts.overrides = o.all("set")
            opts.images = images
            opts.repeats = repeats
            opts.evalImages = evalImages
            opts.traceBlock = o.string("trace-block")
            opts.quick = o.flag("quick")
            log("\(path): \(images) images, \(repeats) repeats")
            let reference = o.flag("no-golden") || opts.quick ? nil : try golden(for: Setup.chip(path, overrides: opts.overrides))
            let r = try Bench.run(opts, train: data.train, test: data.test, reference: reference, log: { log("  \($0)") })
            if !o.flag("json") { print(r.text) }
            reports.append(r)
        }
        let record: [String: Any] = [
            "command": RunRecord.commandLine(program: "eqspike"),
            "version": version,
            "date": ISO8601DateFormatter().string(from: Date()),
            "data": data.source,
            "machine": machineBefore,
            "loadavg_after": Bench.loadAverage(),
            "designs": reports.map(\.json),
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys]),
                          as: UTF8.self)
        if let out = o.string("out") {
            let dir = URL(fileURLWithPath: out).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try (json + "\n").write(toFile: out, atomically: true, encoding: .utf8)
            log("wrote \(out)")
        }
        if o.flag("json") && o.string("out") == nil { print(json) }
    }

    /// The float golden model with the design's parameters (`GoldenDesign`: the same mapping that
    /// `train --model float` and `compare` use), as a `Bench.Reference`.
    static func golden(for chip: Chip) throws -> Bench.Reference {
        let c = try GoldenDesign(chip: chip).config
        var net = try GoldenNetwork(config: c)
        return Bench.Reference(name: "golden", reset: { net = try GoldenNetwork(config: c) }, present: { px, label, train in
            let r = net.present(image: px, label: label, train: train)
            return (c.tFree + (r.nudged ? c.antiNudgeClocks + c.tNudge : 0), r.nudged)
        })
    }
}
