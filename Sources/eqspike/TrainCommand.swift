import Foundation
import EqSpike
import GoldenModel

/// `eqspike train`: on-chip learning of the fixed-point chip.
enum TrainCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["data", "epochs", "train-limit", "test-limit", "validation", "seed", "out", "jobs", "set", "model"],
                            booleans: ["resume", "force", "json"])
        let path = try o.positional("netlist file")
        let model = o.string("model") ?? "fixed"
        guard model == "fixed" || model == "float" || model == "rate" else { throw CLIError.usage("--model \(model): use 'fixed' (the chip), 'float' (the golden model) or 'rate' (the C-EP reference)") }
        if model == "rate" { try trainRate(o, netlist: path); return }
        let chip = try Setup.chip(path, overrides: o.all("set"))
        let data = try Setup.data(o.string("data"), for: chip)
        var opts = TrainOptions(netlist: path, outDirectory: o.string("out") ?? (defaultRunDirectory(path) + (model == "float" ? "-float" : "")))
        opts.overrides = o.all("set")
        opts.epochs = try o.int("epochs", range: 1...100_000)
        opts.trainLimit = try o.int("train-limit", range: 1...Int.max)
        opts.testLimit = try o.int("test-limit", range: 0...Int.max)
        opts.validation = try o.int("validation", range: 1...Int.max)
        opts.seed = try o.int("seed", range: 0...Int(Int32.max)).map(UInt64.init)
        opts.resume = o.flag("resume")
        opts.force = o.flag("force")
        if opts.resume && opts.force { throw CLIError.usage("--resume continues a run and --force replaces it: give one of them") }
        opts.jobs = try o.int("jobs", range: 1...256) ?? Setup.cores
        opts.version = version
        Interrupt.install()
        if model == "float" {
            // The golden model configured like the design (GoldenDesign), same data, init and shuffle.
            let golden = try GoldenTrainer(chip: chip, options: opts)
            FileHandle.standardError.write(Data("training the float golden model of \(path) on \(data.source): \(imagesPerEpoch(opts, data.train.count)), writing \(opts.outDirectory)\n".utf8))
            let metrics = try golden.run(train: data.train, test: data.test).metrics
            if o.flag("json") { try printJSON(path: path, out: opts.outDirectory, model: model, metrics: metrics, checkpoint: nil); return }
            print("metrics:    \(golden.metricsPath)")
            return
        }
        let trainer = Trainer(chip: chip, options: opts)
        FileHandle.standardError.write(Data("training \(path) on \(data.source): \(imagesPerEpoch(opts, data.train.count)), writing \(opts.outDirectory)\n".utf8))
        let metrics = try trainer.run(train: data.train, test: data.test)
        if o.flag("json") {
            try printJSON(path: path, out: opts.outDirectory, model: model, metrics: metrics, checkpoint: trainer.checkpointPath)
            return
        }
        print("metrics:    \(trainer.metricsPath)")
        print("checkpoint: \(trainer.checkpointPath)")
    }

    /// `--json`: the run's files and the rows of the epochs this invocation trained, on stdout
    /// (progress and the per-epoch log stay on stderr).
    static func printJSON(path: String, out: String, model: String, metrics: [EpochMetrics], checkpoint: String?) throws {
        let obj: [String: Any] = [
            "netlist": path, "model": model, "out": out, "metrics": out + "/metrics.csv",
            "checkpoint": checkpoint ?? NSNull(), "epochs": metrics.map(\.jsonObject),
        ]
        let d = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: d, as: UTF8.self))
    }

    /// "N images per epoch", and what --validation holds out.
    static func imagesPerEpoch(_ o: TrainOptions, _ count: Int) -> String {
        let held = o.validation.map { min($0, count) } ?? 0
        if held >= count { return "no images left to train on" }
        let n = o.trainLimit.map { min($0, count - held) } ?? count - held
        return "\(n) images per epoch" + (held > 0 ? " (the last \(held) held out for validation)" : "")
    }

    static func defaultRunDirectory(_ netlist: String) -> String {
        let base = URL(fileURLWithPath: netlist).deletingPathExtension().lastPathComponent
        return "runs/\(base)"
    }
}

// MARK: --model rate: the rate-based C-EP reference (GoldenModel/RateCEP*.swift)

extension TrainCommand {
    /// `eqspike train <netlist> --model rate`: Continual Equilibrium Propagation on the design's
    /// sizes, seed and initialisation, the same data, limits and per-epoch shuffle as the chip.
    /// `--set cep.KEY=value` sets a C-EP parameter (dt, T, K, beta, eta1, eta2, eta, lr_schedule);
    /// other `--set` entries go to the netlist (e.g. H=300, seed=2, init_scale=0.5).
    static func trainRate(_ o: Options, netlist path: String) throws {
        guard !o.flag("resume") else { throw CLIError.usage("--resume is for the chip model; a C-EP run is short enough to rerun") }
        guard o.string("validation") == nil else { throw CLIError.usage("--validation is for --model fixed and --model float; the C-EP reference evaluates the test set only") }
        let sets = o.all("set")
        let cepSets = sets.filter { $0.hasPrefix("cep.") }
        let netSets = sets.filter { !$0.hasPrefix("cep.") }
        let chip = try Setup.chip(path, overrides: netSets)
        let data = try Setup.data(o.string("data"), for: chip)
        var c = RateCEPConfig()
        c.inputs = chip.inputs
        guard chip.hiddenLayers.count == 1 else { throw CLIError.usage("--model rate (C-EP) has one hidden layer; \(path) has \(chip.hiddenLayers.count)") }
        c.hidden = chip.hiddenLayer.lanes
        c.outputs = chip.outputs
        c.initScale = chip.settings.initScale
        c.seed = try o.int("seed", range: 0...Int(Int32.max)).map(UInt64.init) ?? chip.settings.seed
        do {
            for s in cepSets {
                guard let eq = s.firstIndex(of: "=") else { throw RateCEPError.invalid("--set \(s): expected cep.KEY=value") }
                try c.set(String(s[s.index(s.startIndex, offsetBy: 4) ..< eq]), String(s[s.index(after: eq)...]))
            }
            try c.validate()
        } catch let e as RateCEPError { throw CLIError.usage(e.description) }
        let epochs = try o.int("epochs", range: 1...100_000) ?? chip.settings.epochs
        let trainLimit = try o.int("train-limit", range: 1...Int.max)
        let testLimit = try o.int("test-limit", range: 0...Int.max)
        let out = o.string("out") ?? defaultRunDirectory(path) + "-rate"
        let net = try RateCEPNetwork(config: c)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var options = TrainOptions(netlist: path, outDirectory: out)
        options.overrides = netSets
        options.trainLimit = trainLimit
        options.testLimit = testLimit
        options.version = version
        var record = RunRecord.common(options, seed: c.seed, epochs: epochs)
        record["model"] = "rate"
        record["cep_overrides"] = cepSets
        record["cep"] = ["dt": c.dt, "T": c.tFree, "K": c.kNudge, "beta": c.beta, "eta1": c.eta1, "eta2": c.eta2,
                         "lr_schedule": c.lrSchedule, "init_scale": c.initScale, "sizes": [c.inputs, c.hidden, c.outputs]] as [String: Any]
        record["data"] = data.source
        try RunRecord.write(record, in: out)
        let n = trainLimit.map { min($0, data.train.count) } ?? data.train.count
        FileHandle.standardError.write(Data("training the rate-based C-EP reference on \(data.source): \(n) images per epoch, writing \(out)\n\(c.summary)\n".utf8))
        try RateCEPTrainer.run(network: net, train: data.train, test: data.test, epochs: epochs, trainLimit: trainLimit,
                               testLimit: testLimit, outDirectory: out) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        print("metrics:    \(out)/metrics.csv")
    }
}
