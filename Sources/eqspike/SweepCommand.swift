import Foundation
import EqSpike
import Tooling
import RTL

/// `eqspike sweep`: a grid of designs (cartesian product of --set lists), each point an
/// independent short training plus test on its own chip, several points at a time; resumable,
/// splittable into shards (--shard k/n) and mergeable (--merge).
enum SweepCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["set", "jobs", "out", "train-limit", "test-limit", "epochs", "shard", "data", "seed", "merge", "progress"],
                            booleans: ["float", "area"], maxPositionals: nil)
        if !o.all("merge").isEmpty {
            guard let out = o.string("out") else { throw CLIError.usage("--merge needs --out DIR") }
            let dirs = o.all("merge") + o.positionals
            let (found, missing) = try SweepRunner.merge(dirs, into: out)
            print("merged \(dirs.count) director\(dirs.count == 1 ? "y" : "ies"): \(found) point(s) into \(out)/results.csv")
            if !missing.isEmpty {
                print("missing point(s): \(missing.map(String.init).joined(separator: " ")) (run their shards, then merge again)")
            }
            return
        }
        let path = try o.positional("netlist file")
        // Checked first, so that a missing tool is not found after hours of training.
        if o.flag("area") && HDLSimulator.which("yosys") == nil { throw CLIError.failed("sweep --area: \(Synth.Failure.noYosys)") }
        let axes = try o.all("set").map { s -> SweepAxis in
            do { return try SweepAxis.parse(s) } catch { throw CLIError.usage("\(error)") }
        }
        guard !axes.isEmpty else {
            throw CLIError.usage("sweep needs at least one --set key=v1,v2,...")
        }
        // The base design (fixed overrides) must elaborate; it also fits the data.
        let fixed = axes.filter { $0.values.count == 1 }.map { "\($0.key)=\($0.values[0])" }
        let chip = try Setup.chip(path, overrides: fixed)
        let data = try Setup.data(o.string("data"), for: chip)
        let epochs = try o.int("epochs", range: 1...100_000) ?? chip.settings.epochs
        let spec = try SweepSpec(netlist: path, axes: axes, trainLimit: try o.int("train-limit", range: 1...Int.max),
                                 testLimit: try o.int("test-limit", range: 0...Int.max), epochs: epochs,
                                 seed: try o.int("seed", range: 0...Int(Int32.max)).map(UInt64.init), data: data.source)
        // Every point must elaborate before hours are spent on the first ones.
        for p in spec.points {
            do { _ = try Chip(path: path, overrides: p.overrides) } catch {
                throw CLIError.failed("point \(p.index) (\(p.overrides.joined(separator: " "))): \(error)")
            }
        }
        let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let runner = SweepRunner(spec: spec, directory: o.string("out") ?? "runs/sweep-\(base)")
        runner.jobs = try o.int("jobs", range: 1...256) ?? Setup.cores
        runner.floatBaseline = o.flag("float")
        if o.flag("area") {
            var settings = Synth.Settings()
            settings.laneScaling = true
            runner.area = settings
        }
        runner.progressEvery = try o.int("progress", range: 0...Int.max) ?? 5000
        if let s = o.string("shard") {
            let parts = s.split(separator: "/").map { Int($0) }
            guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, k >= 0, k < n else {
                throw CLIError.usage("--shard expects k/n with 0 <= k < n (point i belongs to shard i mod n), got '\(s)'")
            }
            runner.shard = (k, n)
        }
        Interrupt.install()
        let results = try runner.run(train: data.train, test: data.test)
        let plots = ["plot.svg"] + (results.contains { $0.energyPerInference != nil } ? ["energy.svg"] : [])
            + (results.contains { $0.area != nil } ? ["area.svg"] : [])
        print("\(results.count) point(s): \(runner.resultsCSVPath), results.json, \(plots.joined(separator: ", ")) in \(runner.directory)")
    }
}
