import Foundation
import Datasets

/// What `eqspike train` asks for.
public struct TrainOptions: Sendable {
    public var netlist: String
    public var overrides: [String] = []
    public var epochs: Int? = nil
    public var trainLimit: Int? = nil
    public var testLimit: Int? = nil
    /// `--validation N`: the last N training images are held out and evaluated every epoch.
    public var validation: Int? = nil
    public var seed: UInt64? = nil
    public var outDirectory: String
    public var resume = false
    /// Start a new run in a directory that holds one (replacing it).
    public var force = false
    public var jobs = 1
    public var version = "dev"
    public init(netlist: String, outDirectory: String) {
        self.netlist = netlist
        self.outDirectory = outDirectory
    }
}

/// One line of metrics.csv.
public struct EpochMetrics: Sendable {
    public var epoch: Int
    public var train: EpochTally
    public var test: EpochTally?
    public var learningRateMultiplier: Double
    public var wallSeconds: Double
    public var neurons: Int
    /// The held-out training images of `--validation N`, evaluated like the test set.
    public var validation: EpochTally? = nil
    /// Energy from activity (joules per image) of the epoch's training images and of one test
    /// inference (the rate readout's whole free phase); nil: the file has no energy columns (float
    /// and rate models, runs begun before they existed). A value is nil when its tally was not counted.
    public var energy: (training: Double?, inference: Double?)? = nil

    /// The columns every run has (the float and rate models' files, and the chip's before energy).
    public static let csvHeader = columnsBeforeWall + ",wall_seconds"
    static let columnsBeforeWall = "epoch,train_images,train_accuracy,test_images,test_accuracy,test_first_spike_accuracy,"
        + "test_mean_first_spike_clock,nudged_fraction,spikes_per_neuron_per_image,synops_free_per_image,"
        + "synops_nudge_per_image,test_synops_per_inference,train_saturations,lr_multiplier"
    /// Appended to the header, and each row, by runs made with `--validation` (other runs keep the
    /// columns they always had, so their files stay byte for byte what they were).
    public static let validationColumns = ",validation_images,validation_accuracy,validation_first_spike_accuracy"

    /// Written by the chip's runs before wall_seconds (which stays the last column of a run
    /// without validation, the one that differs between two runs): energy from the activity
    /// account (`Chip.energy`, 45 nm event costs of the design's experiment section), uJ per
    /// training image and per test inference of the rate readout (its whole free phase).
    public static let energyColumns = ",energy_per_training_image_uj,energy_per_inference_uj"

    public static func csvHeader(validation: Bool, energy: Bool = false) -> String {
        columnsBeforeWall + (energy ? energyColumns : "") + ",wall_seconds" + (validation ? validationColumns : "")
    }

    /// Every header a run's metrics.csv may start with.
    public static var csvHeaders: [String] {
        [false, true].flatMap { e in [false, true].map { v in csvHeader(validation: v, energy: e) } }
    }

    public var csvLine: String {
        func f(_ x: Double, _ digits: Int = 6) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : "" }
        return [String(epoch), String(train.images), f(train.accuracy), String(test?.images ?? 0),
                test.map { f($0.accuracy) } ?? "", test.map { f($0.firstSpikeAccuracy) } ?? "",
                test.map { f($0.meanFirstSpikeClock, 3) } ?? "", f(train.nudgedFraction),
                f(train.spikesPerNeuronPerImage(neurons: neurons), 3), f(train.synopsFreePerImage, 1),
                f(train.synopsNudgePerImage, 1), test.map { f($0.synopsFreePerImage, 1) } ?? "",
                String(train.saturations), f(learningRateMultiplier)].joined(separator: ",")
            + (energy.map { e in "," + [e.training, e.inference].map { $0.map { f($0 * 1e6, 4) } ?? "" }.joined(separator: ",") } ?? "")
            + "," + f(wallSeconds, 2)
            + (validation.map { ",\($0.images),\(f($0.accuracy)),\(f($0.firstSpikeAccuracy))" } ?? "")
    }
}

extension TrainOptions {
    /// The images trained on (after `--validation`, then `--train-limit`) and the held-out ones.
    /// The validation images are the training file's last ones whatever the limit, so a short run
    /// and a full one are judged on the same images.
    public func split(_ train: LabeledImages) throws -> (training: LabeledImages, validation: LabeledImages?) {
        var rest = train, held: LabeledImages? = nil
        if let n = validation {
            do {
                let s = try ValidationSplit(train, heldOut: n)
                rest = s.training; held = s.validation
            } catch { throw TrainError.data(error.description) }
        }
        return (trainLimit.map { rest.prefix(min($0, rest.count)) } ?? rest, held)
    }
}

public enum TrainError: Error, CustomStringConvertible {
    case interrupted(checkpoint: String)
    case resume(String)
    /// Data that cannot be trained on or tested with this design.
    case data(String)
    /// A run directory or file that cannot be written.
    case files(String)
    public var description: String {
        switch self {
        case .interrupted(let p): return "interrupted: the last consistent checkpoint is \(p); continue with --resume"
        case .resume(let m), .data(let m), .files(let m): return m
        }
    }
}

/// Trains the chip on-chip, one image at a time (batch size 1), as the paper's Algorithm 1.
///
/// Per epoch: shuffle with the seed (a permutation from SeededGenerator(seed, stream: epoch)), set
/// the learning-rate multiplier of the schedule, present every image with learning on, then
/// evaluate the test set with frozen weights on copies of the chip (`Evaluator.replicas`: the
/// training chip is never clocked by evaluation, so no LFSR or counter it reads moves, and the
/// bits of training depend neither on `jobs` nor on the test set), append a line to metrics.csv
/// and write checkpoint.bin (atomically, after the metrics line: a resume drops rows the
/// checkpoint has not seen). Train accuracy is the running accuracy of the free-phase prediction
/// made before each image's nudge phase.
///
/// Ctrl-C: between images the trainer checkpoints and stops; inside a long image the chip stops
/// within about a second and the run keeps its last consistent checkpoint (written at the start,
/// after every epoch, and at image boundaries every `checkpointSeconds`). `--resume` continues
/// from the checkpoint and gives the same bits as an uninterrupted run.
public final class Trainer {
    public let chip: Chip
    public let options: TrainOptions
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Called after each training image with its position in the epoch (progress observers, tests).
    public var afterEachImage: ((_ epoch: Int, _ imageInEpoch: Int) -> Void)? = nil
    /// Wall time between checkpoints written at image boundaries inside an epoch.
    public var checkpointSeconds: Double = 60

    public init(chip: Chip, options: TrainOptions) {
        self.chip = chip
        self.options = options
    }

    public var checkpointPath: String { options.outDirectory + "/checkpoint.bin" }
    public var metricsPath: String { options.outDirectory + "/metrics.csv" }

    public func run(train: LabeledImages, test: LabeledImages) throws -> [EpochMetrics] {
        let seed = options.seed ?? chip.settings.seed
        let epochs = options.epochs ?? chip.settings.epochs
        let (trainSet, validationSet) = try options.split(train)
        let testCount = min(options.testLimit ?? test.count, test.count)
        // Every data set is checked against the design before any work, so nothing fails later.
        try chip.checkFits(trainSet, as: "training set")
        if options.testLimit != 0 {
            guard !test.isEmpty else { throw TrainError.data("the test set is empty: give a test set, or --test-limit 0 to train without evaluation") }
            try chip.checkFits(test, as: "test set")
        }
        if let v = validationSet { try chip.checkFits(v, as: "validation set") }
        let identity = RunIdentity(training: trainSet)
        let neurons = chip.neuronLayers.reduce(0) { $0 + $1.lanes }
        try RunFiles.prepare(options.outDirectory)

        var startEpoch = 0
        var startImage = 0
        var partial: EpochTally? = nil
        // Energy columns in metrics.csv: every new run; a resumed run keeps its file's header.
        var energyColumns = true
        // A resume of a run killed before its first checkpoint has nothing to continue: it starts
        // the run again, which gives the same bits.
        let resuming = options.resume && !RunFiles.killedBeforeFirstCheckpoint(options.outDirectory)
        if resuming {
            guard let ck = try RunFiles.resumableCheckpoint(path: checkpointPath, model: nil, fingerprint: chip.fingerprint, seed: seed,
                                                            identity: identity, epochs: epochs, classes: chip.outputs, log: log) else { return [] }
            do { try chip.restore(ck.entries, from: checkpointPath) } catch { throw TrainError.resume("cannot resume: \(error)") }
            if let a = ck.header.partial?.activity, !a.fits(crossbars: chip.crossbars.count, biases: chip.biases.count) {
                throw TrainError.resume("cannot resume: \(checkpointPath): its partial epoch counts activity for another design")
            }
            try RunFiles.continueRun(options, from: ck, checkpoint: checkpointPath, metrics: metricsPath, epochs: epochs, log: log)
            startEpoch = ck.header.epoch
            startImage = ck.header.imageInEpoch
            partial = ck.header.partial
            energyColumns = RunFiles.metricsHeader(metricsPath)?.contains(EpochMetrics.energyColumns) ?? true
        } else {
            try RunFiles.beginNewRun(options, log: log)
            try chip.initialiseMemories(seed: seed)
            try writeRunRecord(seed: seed, epochs: epochs, identity: identity)
            try AtomicFile.write(Data((EpochMetrics.csvHeader(validation: validationSet != nil, energy: true) + "\n").utf8), to: metricsPath)
            try checkpoint(seed: seed, epoch: 0, imageInEpoch: 0, partial: nil, identity: identity)
        }
        let evalChips = testCount > 0 || validationSet != nil
            ? try Evaluator.replicas(of: chip, jobs: options.jobs) : []
        var all: [EpochMetrics] = []
        var lastCheckpoint = Date()
        for epoch in startEpoch..<epochs {
            let started = Date()
            let order = SeededShuffle.epochOrder(count: trainSet.count, seed: seed, epoch: epoch)
            var tally = partial ?? EpochTally(classes: chip.outputs, firstSpikeDeadline: chip.settings.firstSpikeDeadline)
            // The energy account of the epoch: the chip's counters now less what the epoch had
            // counted before a resume (nil when a checkpoint from before the account says nothing).
            let epochStart: ActivitySnapshot? = partial == nil ? chip.activity : tally.activity.map { chip.activity.minus($0) }
            func countActivity() { tally.activity = epochStart.map { chip.activity.minus($0) } }
            partial = nil
            let progress = Progress(total: trainSet.count, label: "epoch \(epoch + 1)/\(epochs)")
            for k in (epoch == startEpoch ? startImage : 0)..<trainSet.count {
                let i = order[k]
                try chip.followLearningRateSchedule(epoch: epoch, image: k, images: trainSet.count)
                let r = trainSet.withImage(i) { chip.present(pixels: $0, label: Int(trainSet.labels[i]), train: true, stopOnInterrupt: true) }
                // An image cut short leaves the chip mid-image: keep the last checkpoint on disk.
                if r.interrupted { throw TrainError.interrupted(checkpoint: checkpointPath) }
                tally.add(r)
                progress.update(done: k + 1, fields: [("acc", String(format: "%.2f%%", 100 * tally.accuracy)),
                                                      ("nudged", String(format: "%.1f%%", 100 * tally.nudgedFraction))])
                afterEachImage?(epoch, k + 1)
                if Interrupt.requested {
                    countActivity()
                    try checkpoint(seed: seed, epoch: epoch, imageInEpoch: k + 1, partial: tally, identity: identity)
                    throw TrainError.interrupted(checkpoint: checkpointPath)
                }
                if k + 1 < trainSet.count && Date().timeIntervalSince(lastCheckpoint) > checkpointSeconds {
                    countActivity()
                    try checkpoint(seed: seed, epoch: epoch, imageInEpoch: k + 1, partial: tally, identity: identity)
                    lastCheckpoint = Date()
                }
            }
            countActivity()
            // metrics.csv: the multiplier the epoch ended with
            let multiplier = chip.settings.learningRateMultiplier(epoch: epoch, image: trainSet.count - 1, images: trainSet.count)
            var testTally: EpochTally? = nil
            if testCount > 0 {
                try Evaluator.sync(evalChips, from: chip)
                let e = Evaluator.evaluate(chips: evalChips, images: test, count: testCount,
                                           progress: Progress(total: testCount, label: "  test"), stopOnInterrupt: true)
                if e.interrupted {
                    // The epoch's training is done: keep it, evaluation runs again on resume.
                    try checkpoint(seed: seed, epoch: epoch, imageInEpoch: trainSet.count, partial: tally, identity: identity)
                    throw TrainError.interrupted(checkpoint: checkpointPath)
                }
                testTally = e.tally
            }
            var validationTally: EpochTally? = nil
            if let v = validationSet {
                try Evaluator.sync(evalChips, from: chip)
                let e = Evaluator.evaluate(chips: evalChips, images: v, count: v.count,
                                           progress: Progress(total: v.count, label: "  validation"), stopOnInterrupt: true)
                if e.interrupted {
                    try checkpoint(seed: seed, epoch: epoch, imageInEpoch: trainSet.count, partial: tally, identity: identity)
                    throw TrainError.interrupted(checkpoint: checkpointPath)
                }
                validationTally = e.tally
            }
            var m = EpochMetrics(epoch: epoch + 1, train: tally, test: testTally, learningRateMultiplier: multiplier,
                                 wallSeconds: Date().timeIntervalSince(started), neurons: neurons, validation: validationTally)
            if energyColumns {
                func perImage(_ t: EpochTally?) -> Double? {
                    guard let t, t.images > 0, let a = t.activity else { return nil }
                    return chip.totalEnergy(of: a) / Double(t.images)
                }
                m.energy = (perImage(tally), perImage(testTally))
            }
            all.append(m)
            try RunFiles.appendLine(m.csvLine, to: metricsPath)
            try checkpoint(seed: seed, epoch: epoch + 1, imageInEpoch: 0, partial: nil, identity: identity)
            lastCheckpoint = Date()
            log(String(format: "epoch %d: train %.2f%%  %@test %@  nudged %.1f%%  %.1f s", epoch + 1, 100 * tally.accuracy,
                       validationTally.map { String(format: "validation %.2f%%  ", 100 * $0.accuracy) } ?? "",
                       testTally.map { String(format: "%.2f%%", 100 * $0.accuracy) } ?? "-", 100 * tally.nudgedFraction, m.wallSeconds))
            if Interrupt.requested { throw TrainError.interrupted(checkpoint: checkpointPath) }
        }
        return all
    }

    func checkpoint(seed: UInt64, epoch: Int, imageInEpoch: Int, partial: EpochTally?, identity: RunIdentity) throws {
        var header = Checkpoint.Header(design: options.netlist, fingerprint: chip.fingerprint, epoch: epoch,
                                       imageInEpoch: imageInEpoch, seed: seed, version: options.version, partial: partial)
        header.run = identity
        try Checkpoint(header: header, entries: chip.persistentState()).write(to: checkpointPath)
    }

    /// run.json: what is needed to reproduce the run bit for bit.
    func writeRunRecord(seed: UInt64, epochs: Int, identity: RunIdentity) throws {
        var record = RunRecord.common(options, seed: seed, epochs: epochs)
        record["train_images"] = identity.trainImages
        record["train_data_hash"] = identity.trainData
        record["netlist_sha"] = RunFiles.fileFingerprint(options.netlist)
        record["design_fingerprint"] = chip.fingerprint
        try RunRecord.write(record, in: options.outDirectory)
    }
}
