import EqSpike
import Foundation
import Blocks
import Datasets
import Netlist

/// A training run's directory as `eqspike train` leaves it: metrics.csv, checkpoint.bin (chip runs)
/// and run.json (netlist path, overrides, seed, limits, model).
public struct RunDirectory: Sendable {
    public var path: String
    public var netlist: String?
    public var overrides: [String]
    public var seed: UInt64?
    public var trainLimit: Int?
    public var testLimit: Int?
    /// "fixed" (the chip), "rate" (the C-EP reference) or another model name from run.json.
    public var model: String
    public var metrics: MetricsTable
    public var checkpoint: String?

    public var isChip: Bool { model == "fixed" }

    public enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        case invalid(String)
        public var description: String {
            switch self {
            case .missing(let m), .invalid(let m): return m
            }
        }
    }

    public static func load(_ path: String) throws -> RunDirectory {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw LoadError.missing("\(path): no such run directory (expected the --out directory of eqspike train)")
        }
        let metricsPath = path + "/metrics.csv"
        guard let data = fm.contents(atPath: metricsPath), let text = String(data: data, encoding: .utf8) else {
            throw LoadError.missing("\(metricsPath): missing; is \(path) a training run directory?")
        }
        let metrics = try MetricsTable(csv: text, path: metricsPath)
        var run = RunDirectory(path: path, netlist: nil, overrides: [], seed: nil, trainLimit: nil, testLimit: nil,
                               model: "fixed", metrics: metrics, checkpoint: nil)
        if let d = fm.contents(atPath: path + "/run.json") {
            guard let obj = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else {
                throw LoadError.invalid("\(path)/run.json: not a JSON object")
            }
            run.netlist = obj["netlist"] as? String
            run.overrides = obj["overrides"] as? [String] ?? []
            if let s = obj["seed"] as? NSNumber { run.seed = s.uint64Value }
            run.trainLimit = (obj["train_limit"] as? NSNumber)?.intValue
            run.testLimit = (obj["test_limit"] as? NSNumber)?.intValue
            run.model = obj["model"] as? String ?? "fixed"
        }
        // A float run's checkpoint holds the golden model's Doubles, not chip weights.
        if run.model == "fixed" && fm.fileExists(atPath: path + "/checkpoint.bin") { run.checkpoint = path + "/checkpoint.bin" }
        return run
    }

    /// Display name: the directory's last path component.
    public var name: String { URL(fileURLWithPath: path).lastPathComponent }
}

/// What `eqspike report` is asked for.
public struct ReportOptions: Sendable {
    /// Test images for Fig. 3 and the energy table (nil: the run's test limit, else every test image).
    public var testLimit: Int? = nil
    /// Training images of the STDP recording (the paper used 100 of the first epoch; 1000 so that
    /// the curves split by nudge sign have bins filled by enough images: about 15 s on 784-100-10).
    public var stdpImages = 1000
    /// Nudge strengths of the STDP recording (nil: the design's beta).
    public var betas: [Double]? = nil
    /// Energy per SynOp (nil: the design's synop_energy_pj).
    public var picojoulesPerSynop: Double? = nil
    public var jobs = 1
    /// Run the chip (Fig. 3, 5c, energy, raster, weights); false: metrics-only figures.
    public var simulate = true
    public var stdp = STDPAnalysis.Options()
    public init() {}
}

/// Everything the report shows, computed (ReportHTML renders it).
public struct ReportData {
    public struct AccuracyGroup {
        public var label: String
        public var runs: [String]
        public var train: RunAggregate
        public var test: RunAggregate
    }
    public struct Trace {
        public var imageIndex: Int
        public var label: Int
        public var prediction: Int
        public var nudged: Bool
        public var clocks: Int
        public var nudgeStart: Int?
        public var input: [SpikeEvent], hidden: [SpikeEvent], output: [SpikeEvent]
        public var inputs: Int, hiddenLanes: Int, outputs: Int
        public var outputMembrane: [[Double]]
        public var hiddenMembrane: [[Double]]
        public var threshold: Double
    }

    public var runs: [RunDirectory] = []
    public var design: [(String, String)] = []
    public var accuracy: [AccuracyGroup] = []
    public var training: [(run: String, series: TrainingSeries)] = []
    public var nudged: RunAggregate? = nil
    public var spikes: RunAggregate? = nil
    public var curves: AccuracyOverTime.Curves? = nil
    public var chipReadoutAccuracy: Double? = nil
    public var chipReadoutWindow = (0, 0)
    public var synopsByClock: [Double] = []
    public var fMax = 0.5
    public var deadline = 20
    public var tFree = 100
    public var tNudge = 100
    /// Fig. 5c: one curve per (beta, nudge rule, nudge sign of the image).
    public struct STDPCurve {
        public var beta: Double
        public var rule: NudgeUnit.Sign
        /// The images nudged by -beta (random-sign rule only).
        public var negative: Bool
        public var paper: STDPAnalysis.Histogram
        public var updateAnchored: STDPAnalysis.Histogram
        /// Images of this curve's chip that were not nudged (already learned: no update, no sign).
        public var skipped: Int

        public var label: String {
            let b = SVG.tickLabel(beta)
            return rule == .positive ? "positive sign (paper), beta \(b)" : negative ? "random sign, -beta images (beta \(b))" : "random sign, +beta images (beta \(b))"
        }
    }
    public var stdp: [STDPCurve] = []
    public var stdpOptions = STDPAnalysis.Options()
    public var stdpImages = 0
    /// Wall time of the recording (seconds).
    public var stdpSeconds = 0.0
    public var energy: EnergyTable? = nil
    public var activityEnergy: ActivityEnergyTable? = nil
    public var trace: Trace? = nil
    public var weights: (tiles: [[Double]], rows: Int, cols: Int, hidden: Int)? = nil
    /// The same tiles minus the initial weights (regenerated from the seed).
    public var weightChanges: [[Double]]? = nil
    public var comparison: [ComparisonRow] = []
    public var model = ModelNumbers()
    public var notes: [String] = []
    public var command = ""
    public var dataSource = ""
    public var testImagesUsed = 0
    public init() {}
}

/// Computes the report from run directories: metrics-only figures from every run, chip
/// simulations (inference pass with the checkpoint, STDP recording from the initial weights, one
/// traced image) from the first chip run.
public enum ReportAnalysis {
    /// `makeChip(netlist, overrides)` elaborates a chip (the CLI prints diagnostics on failure);
    /// `train`/`test` are the data fitted to that design.
    public static func run(runs: [RunDirectory], netlistOverride: String?, options: ReportOptions,
                           train: LabeledImages?, test: LabeledImages?,
                           makeChip: (String, [String]) throws -> Chip,
                           log: (String) -> Void = { _ in }) throws -> ReportData {
        var data = ReportData()
        data.runs = runs
        // Fig. 2: one accuracy group per model.
        var models: [String] = []
        for r in runs where !models.contains(r.model) { models.append(r.model) }
        for m in models {
            let group = runs.filter { $0.model == m }
            let label = m == "fixed" ? "EqSpike chip (fixed point)" : m == "rate" ? "C-EP (rate-based reference)" : "model \(m)"
            data.accuracy.append(.init(label: label, runs: group.map(\.name),
                                       train: RunAggregate.of(group.map(\.metrics), column: "train_accuracy"),
                                       test: RunAggregate.of(group.map(\.metrics), column: "test_accuracy")))
        }
        let chipRuns = runs.filter(\.isChip)
        // Fig. 4 from the chip runs' metrics.
        for r in chipRuns { data.training.append((r.name, TrainingSeries(r.metrics))) }
        if !chipRuns.isEmpty {
            data.nudged = RunAggregate.of(chipRuns.map(\.metrics), column: "nudged_fraction")
            data.spikes = RunAggregate.of(chipRuns.map(\.metrics), column: "spikes_per_neuron_per_image")
        }
        // Model numbers from metrics.
        var m = ModelNumbers()
        m.runs = chipRuns.count
        if let g = data.accuracy.first(where: { $0.label.hasPrefix("EqSpike") }) {
            if let last = g.test.last { m.testAccuracy = last.mean; m.testAccuracyStd = last.std; m.epochs = last.epoch }
            if let last = g.train.last { m.trainAccuracy = last.mean; if m.epochs == 0 { m.epochs = last.epoch } }
        }
        if let g = data.accuracy.first(where: { $0.label.hasPrefix("C-EP") }) {
            m.cepTestAccuracy = g.test.last?.mean
            m.cepTrainAccuracy = g.train.last?.mean
            m.cepEpochs = g.test.last?.epoch ?? g.train.last?.epoch ?? 0
        }
        if let n = data.nudged, !n.epochs.isEmpty {
            let k = min(20, n.epochs.count)
            let xs = n.mean.suffix(k).filter(\.isFinite)
            m.nudgedFraction = xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count)
            m.nudgedEpochs = k
        }
        if let s = data.spikes?.last { m.spikesPerNeuronPerImage = s.mean }

        guard let first = chipRuns.first else {
            data.notes.append("No chip run among the run directories: only the accuracy figure is drawn.")
            data.model = m
            data.comparison = PaperComparison.rows(m)
            return data
        }
        guard let netlist = netlistOverride ?? first.netlist else {
            data.notes.append("\(first.path)/run.json names no netlist (give --netlist): chip figures skipped.")
            data.model = m
            data.comparison = PaperComparison.rows(m)
            return data
        }
        let chip = try makeChip(netlist, first.overrides)
        m.hidden = chip.hiddenLayer.lanes
        m.network = chip.neuronLayers.map { "\($0.lanes)" }.joined(separator: "-")
        data.fMax = chip.nudge.fMax
        data.deadline = chip.settings.firstSpikeDeadline
        data.tFree = chip.phase.tFree
        data.tNudge = chip.phase.tNudge
        m.firstSpikeDeadlineClock = data.deadline
        let pj = options.picojoulesPerSynop ?? chip.settings.synopEnergyPicojoules
        let seed = first.seed ?? chip.settings.seed
        // What the Circuit says of the weight arrays (any SynapseArray type; `?` if it has no `update`).
        let updates = zip(1..., chip.weightArrays).map { k, w in (name: "w\(k)", mode: chip.parameter("update", of: w) ?? "?") }
        data.design = [
            ("netlist", netlist + (first.overrides.isEmpty ? "" : "  --set " + first.overrides.joined(separator: " --set "))),
            ("network", m.network),
            ("phases", "T_free \(chip.phase.tFree), T_nudge \(chip.phase.tNudge) clocks; readout [\(chip.phase.readoutFrom), \(chip.phase.readoutTo))"),
            ("f_max", "\(SVG.tickLabel(chip.nudge.fMax)) spike/clock (t x f_max = clocks x \(SVG.tickLabel(chip.nudge.fMax)))"),
            ("first-spike deadline", "clock \(data.deadline) (t x f_max = \(SVG.tickLabel(Double(data.deadline) * chip.nudge.fMax)))"),
            ("nudge", "beta \(SVG.tickLabel(chip.nudge.beta)) (\(chip.nudge.sign == .random ? "random sign per image, eta with it" : "positive sign")), skip threshold \(SVG.tickLabel(chip.nudge.threshold))"),
            ("weight updates", Set(updates.map(\.mode)).count == 1 ? updates[0].mode : updates.map { "\($0.name) \($0.mode)" }.joined(separator: ", ")),
            ("energy", "\(SVG.tickLabel(pj)) pJ per SynOp"),
            ("seed", "\(seed)"),
        ]
        if let s = data.training.first?.series {
            let images = s.trainImages.filter(\.isFinite)
            data.energy = EnergyTable(picojoulesPerSynop: pj, inference: InferenceCounts(), trainingSynops: s.cumulativeSynops.last ?? 0,
                                      trainingEpochs: s.epochs.count,
                                      trainingImagesPerEpoch: images.isEmpty ? 0 : images.reduce(0, +) / Double(images.count))
        }
        guard options.simulate else {
            data.notes.append("--no-sim: chip figures (Fig. 3, 5c, energy per inference, raster, weights) skipped.")
            data.energy = nil
            finish(&data, m)
            return data
        }
        guard let test = test, let train = train else {
            data.notes.append("No data: chip figures skipped.")
            finish(&data, m)
            return data
        }

        // Fig. 3 and energy: the test set through the trained chip.
        if let ckpt = first.checkpoint {
            let ck = try Checkpoint.read(from: ckpt)
            guard ck.header.fingerprint == chip.fingerprint else {
                throw RunDirectory.LoadError.invalid("\(ckpt): checkpoint of another design (\(ck.header.design)); the report's design is \(netlist) with \(first.overrides)")
            }
            try chip.restore(ck.entries, from: ckpt)
            let n = min(options.testLimit ?? first.testLimit ?? test.count, test.count)
            data.testImagesUsed = n
            log("inference pass: \(n) test images with \(ckpt)")
            let jobs = max(1, min(options.jobs, n))
            var chips = [chip]
            for _ in 1 ..< jobs {
                let c = try makeChip(netlist, first.overrides)
                try c.restore(ck.entries, from: ckpt)
                chips.append(c)
            }
            let recorders = chips.map { InferenceRecorder(chip: $0) }
            for (c, r) in zip(chips, recorders) { c.simulator.attach(r) }
            let shared = UncheckedSendable((recorders, test))
            DispatchQueue.concurrentPerform(iterations: jobs) { j in
                let (recorders, test) = shared.value
                let lo = n * j / jobs, hi = n * (j + 1) / jobs
                for i in lo ..< hi { _ = test.withImage(i) { recorders[j].present(pixels: $0, label: Int(test.labels[i])) } }
            }
            for (c, r) in zip(chips, recorders) { c.simulator.detach(r); c.recordsReadoutActivity = false }
            let all = recorders[0]
            for r in recorders.dropFirst() { all.merge(r) }
            let curves = AccuracyOverTime.curves(all.trains, outputs: chip.outputs, horizon: chip.phase.tFree)
            data.curves = curves
            data.chipReadoutWindow = (chip.phase.readoutFrom, chip.phase.readoutTo)
            data.chipReadoutAccuracy = AccuracyOverTime.windowAccuracy(all.trains, outputs: chip.outputs,
                                                                       from: chip.phase.readoutFrom, to: chip.phase.readoutTo)
            data.synopsByClock = all.synopsThrough.map { $0 / Double(max(n, 1)) }
            let d = min(data.deadline, curves.clocks.count - 1)
            m.firstSpikeAccuracy = curves.firstSpike[d]
            m.rateAccuracyAtDeadline = curves.rate[d]
            m.meanFirstSpikeXfmax = curves.meanFirstSpikeClock * data.fMax
            let perImage = 1 / Double(max(n, 1))
            let blocks = chip.energy(from: chip.noActivity, to: all.activity, costs: chip.settings.energy).map { b -> BlockEnergy in
                var b = b
                b.sram *= perImage; b.arithmetic *= perImage; b.registers *= perImage
                return b
            }
            // The first-spike readout's clocks exist only when its deadline falls in the free phase.
            let deadlineInFreePhase = chip.settings.firstSpikeDeadline < chip.phase.tFree
            data.activityEnergy = ActivityEnergyTable(blocks: blocks, freeClocks: chip.phase.tFree,
                                                      perInferenceByDeadline: deadlineInFreePhase ? chip.totalEnergy(of: all.activityByDeadline) * perImage : nil,
                                                      deadline: chip.settings.firstSpikeDeadline, images: n,
                                                      perTrainingImage: first.metrics.column("energy_per_training_image_uj").last.flatMap { $0 }.map { $0 * 1e-6 })
            let counts = all.meanCounts
            if var e = data.energy {
                e.inference = counts
                data.energy = e
            } else {
                data.energy = EnergyTable(picojoulesPerSynop: pj, inference: counts, trainingSynops: 0, trainingEpochs: 0, trainingImagesPerEpoch: 0)
            }
            if let e = data.energy {
                m.synopsPerInference = counts.synopsByDeadline
                m.energyPerInference = e.energyPerInferenceByDeadline
                m.inputSpikeShare = e.inputSpikeShare
                m.inputHiddenSynopShare = e.inputHiddenSynopShare
                m.spikesBeforeFirstOutput = counts.spikesBeforeFirstOutput
                if e.trainingEpochs > 0 {
                    m.trainingSynops50 = e.extrapolatedTrainingSynops
                    m.trainingEnergy50 = e.extrapolatedTrainingEnergy
                }
            }
            // Learned input -> hidden weights: column h of W1 as an image.
            let w = chip.w1.realWeights
            let side = Int(Double(chip.inputs).squareRoot().rounded())
            let (rows, cols) = side * side == chip.inputs ? (side, side) : (1, chip.inputs)
            let shown = min(chip.hiddenLayer.lanes, 100)
            let H = chip.hiddenLayer.lanes
            let tiles = (0 ..< shown).map { h in (0 ..< chip.inputs).map { w[$0 * H + h] } }
            data.weights = (tiles, rows, cols, H)
            let initial = try makeChip(netlist, first.overrides)
            try initial.initialiseMemories(seed: seed)
            let w0 = initial.w1.realWeights
            data.weightChanges = (0 ..< shown).map { h in (0 ..< chip.inputs).map { w[$0 * H + h] - w0[$0 * H + h] } }
            // One image through both phases, with the trained weights (a throwaway chip: learning on).
            let traceChip = try makeChip(netlist, first.overrides)
            try traceChip.restore(ck.entries, from: ckpt)
            let rec = TraceRecorder(chip: traceChip)
            traceChip.simulator.attach(rec)
            let order = SeededShuffle.epochOrder(count: min(first.trainLimit ?? train.count, train.count), seed: seed, epoch: 0)
            for k in 0 ..< min(50, order.count) {
                let i = order[k]
                let r = train.withImage(i) { traceChip.present(pixels: $0, label: Int(train.labels[i]), train: true) }
                if r.nudged || k == min(50, order.count) - 1 {
                    data.trace = ReportData.Trace(imageIndex: i, label: r.label, prediction: r.prediction, nudged: r.nudged, clocks: rec.clocks,
                                                  nudgeStart: rec.nudgeStart, input: rec.input, hidden: rec.hidden, output: rec.output,
                                                  inputs: traceChip.inputs, hiddenLanes: traceChip.hiddenLayer.lanes, outputs: traceChip.outputs,
                                                  outputMembrane: rec.outputMembrane, hiddenMembrane: rec.hiddenMembrane,
                                                  threshold: traceChip.outputLayer.threshold)
                    break
                }
            }
            traceChip.simulator.detach(rec)
        } else {
            data.notes.append("\(first.path) has no checkpoint.bin: Fig. 3, the energy per inference, the raster and the weights are skipped.")
        }

        // Fig. 5c: fresh chips from the initial weights (the run's seed), learning on, the first
        // images of epoch 1 in the run's order; per beta, the design's rule (random sign: its +beta
        // and -beta images as two curves, since a -beta image slows the neurons a +beta image speeds
        // up while its update keeps the +beta sign) and the paper's positive-sign rule.
        let betas = options.betas ?? [chip.nudge.beta]
        let rules: [NudgeUnit.Sign] = chip.nudge.sign == .random ? [.random, .positive] : [chip.nudge.sign]
        let nTrain = min(first.trainLimit ?? train.count, train.count)
        let order = Array(SeededShuffle.epochOrder(count: nTrain, seed: seed, epoch: 0).prefix(options.stdpImages))
        data.stdpImages = order.count
        data.stdpOptions = options.stdp
        log("STDP recording: \(order.count) training images from the initial weights, beta \(betas.map { SVG.tickLabel($0) }.joined(separator: ", ")), nudge sign \(rules.map(\.rawValue).joined(separator: " and "))")
        let started = Date()
        let multiplier = chip.settings.learningRateMultiplier(epoch: 0)
        var fresh: [(beta: Double, rule: NudgeUnit.Sign, chip: Chip)] = []
        for b in betas {
            for rule in rules {
                let c = try makeChip(netlist, first.overrides + ["beta=\(b)"] + (rule == chip.nudge.sign ? [] : ["nudge_sign=\(rule.rawValue)"]))
                try c.initialiseMemories(seed: seed)
                try c.setLearningRateMultiplier(multiplier)
                fresh.append((b, rule, c))
            }
        }
        let recorders = fresh.map { LearningRecorder(chip: $0.chip, options: options.stdp) }
        for (f, r) in zip(fresh, recorders) { f.chip.simulator.attach(r) }
        let shared = UncheckedSendable((recorders, train, order))
        let parallel = max(1, min(options.jobs, recorders.count))
        DispatchQueue.concurrentPerform(iterations: parallel) { j in
            let (recorders, train, order) = shared.value
            for k in stride(from: j, to: recorders.count, by: parallel) {
                for i in order { _ = train.withImage(i) { recorders[k].present(pixels: $0, label: Int(train.labels[i])) } }
            }
        }
        for (f, r) in zip(fresh, recorders) { f.chip.simulator.detach(r) }
        data.stdpSeconds = Date().timeIntervalSince(started)
        for (f, r) in zip(fresh, recorders) {
            for negative in f.rule == .random ? [false, true] : [false] {
                data.stdp.append(.init(beta: f.beta, rule: f.rule, negative: negative,
                                       paper: r.paper[negative], updateAnchored: r.updateAnchored[negative], skipped: r.skipped))
            }
        }
        finish(&data, m)
        return data
    }

    static func finish(_ data: inout ReportData, _ m: ModelNumbers) {
        data.model = m
        data.comparison = PaperComparison.rows(m)
    }
}
