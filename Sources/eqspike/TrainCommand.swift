import Foundation
import EqSpike

/// `eqspike train`: on-chip learning of the fixed-point chip.
enum TrainCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["data", "epochs", "train-limit", "test-limit", "seed", "out", "jobs", "set", "model"],
                            booleans: ["resume"])
        let path = try o.positional("netlist file")
        let model = o.string("model") ?? "fixed"
        guard model == "fixed" || model == "float" else { throw CLIError.usage("--model \(model): use 'fixed' (the chip) or 'float' (the golden model)") }
        let chip = try Setup.chip(path, overrides: o.all("set"))
        let data = try Setup.data(o.string("data"), for: chip)
        var opts = TrainOptions(netlist: path, outDirectory: o.string("out") ?? (defaultRunDirectory(path) + (model == "float" ? "-float" : "")))
        opts.overrides = o.all("set")
        opts.epochs = try o.int("epochs", range: 1...100_000)
        opts.trainLimit = try o.int("train-limit", range: 1...Int.max)
        opts.testLimit = try o.int("test-limit", range: 0...Int.max)
        opts.seed = try o.int("seed", range: 0...Int(Int32.max)).map(UInt64.init)
        opts.resume = o.flag("resume")
        opts.jobs = try o.int("jobs", range: 1...256) ?? Setup.cores
        opts.version = version
        Interrupt.install()
        if model == "float" {
            // The golden model configured like the design (GoldenDesign), same data, init and shuffle.
            let golden = try GoldenTrainer(chip: chip, options: opts)
            FileHandle.standardError.write(Data("training the float golden model of \(path) on \(data.source): \(opts.trainLimit.map { min($0, data.train.count) } ?? data.train.count) images per epoch, writing \(opts.outDirectory)\n".utf8))
            _ = try golden.run(train: data.train, test: data.test)
            print("metrics:    \(golden.metricsPath)")
            return
        }
        let trainer = Trainer(chip: chip, options: opts)
        FileHandle.standardError.write(Data("training \(path) on \(data.source): \(opts.trainLimit.map { min($0, data.train.count) } ?? data.train.count) images per epoch, writing \(opts.outDirectory)\n".utf8))
        _ = try trainer.run(train: data.train, test: data.test)
        print("metrics:    \(trainer.metricsPath)")
        print("checkpoint: \(trainer.checkpointPath)")
    }

    static func defaultRunDirectory(_ netlist: String) -> String {
        let base = URL(fileURLWithPath: netlist).deletingPathExtension().lastPathComponent
        return "runs/\(base)"
    }
}
