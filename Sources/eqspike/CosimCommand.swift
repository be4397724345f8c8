import Foundation
import EqSpike
import RTL
import Tooling

/// `eqspike cosim`: the design's RTL under Icarus Verilog or Verilator against the model.
enum CosimCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["weights", "images", "simulator", "rtl", "out", "data", "set", "seed", "vcd", "verilator-opt"], booleans: ["learn", "json", "light"])
        let path = try o.positional("netlist file")
        let count = try o.int("images", range: 1...1_000_000) ?? 2
        let simName = o.string("simulator") ?? "icarus"
        guard let sim = HDLSimulator(rawValue: simName) else {
            throw CLIError.usage("--simulator \(simName): use icarus or verilator")
        }
        if let m = sim.missing { throw CLIError.failed("cosim --simulator \(sim.rawValue): \(m)") }
        if let u = o.string("rtl") {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: u, isDirectory: &isDir), isDir.boolValue else {
                throw CLIError.usage("--rtl \(u): no such directory")
            }
        }
        let dir: String
        if let d = o.string("out") {
            try OutputFiles.directory(d)
            dir = d
        } else {
            dir = NSTemporaryDirectory() + "eqspike-cosim-\(ProcessInfo.processInfo.processIdentifier)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        // The RTL's waveform, written by the HDL simulator (which runs in `dir`): an absolute path.
        let vcd = o.string("vcd").map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if let v = vcd { try OutputFiles.parentDirectory(of: v) }
        let chip = try Setup.chip(path, overrides: o.all("set"))
        try VerilogCommand.loadMemories(chip, weights: o.string("weights"), seed: o.int("seed", range: 0...Int(Int32.max)))
        let data = try Setup.data(o.string("data"), for: chip)
        let images = o.flag("learn") ? data.train : data.test
        let report: Cosim.Report
        do {
            report = try Cosim.run(chip: chip, images: images, count: count, learn: o.flag("learn"), simulator: sim,
                                   directory: dir, userRTL: o.string("rtl"), vcd: vcd, signals: !o.flag("light"),
                                   cOptimization: o.string("verilator-opt").map { $0.hasPrefix("-") ? $0 : "-\($0)" })
        } catch let e as RTLError {
            throw CLIError.failed("\(path): \(e)")
        } catch let e as HDLSimulator.Failure {
            throw CLIError.failed("\(e)")
        } catch let e as Cosim.Failure {
            throw CLIError.failed("\(e)")
        }
        if o.flag("json") {
            print(report.json)
        } else {
            if let m = report.mismatch { print(m.description) }
            print("system cycles per tick: model \(report.modelCycles.summary()); RTL mean \(String(format: "%.2f", report.rtlCycles.mean)), max \(report.rtlCycles.max), \(report.rtlCycles.total) in all")
            print("\(report.mismatch == nil ? "match" : "stopped"): \(report.images) image(s), \(report.ticks) ticks compared, \(report.signals) signals (\(report.lanesPerTick) lanes) per tick, \(report.comparisons) lane comparisons, \(report.memoryWords) memory words at image ends; \(report.nudged) image(s) nudged (\(report.nudgedNegative) with -beta)")
            // Ticks per second of each side (the RTL's includes writing its trace).
            let ticks = Double(max(report.ticks, 1))
            print(String(format: "%@: build %.1f s, run %.2f s (%.0f ticks/s); model %.3f s (%.0f ticks/s) (%@, files in %@)", sim.rawValue,
                         report.rtlBuildSeconds, report.rtlRunSeconds, ticks / max(report.rtlRunSeconds, 1e-9), report.modelSeconds,
                         ticks / max(report.modelSeconds, 1e-9), o.flag("learn") ? "learning" : "inference", dir))
        }
        if report.mismatch != nil { exit(1) }
    }
}
