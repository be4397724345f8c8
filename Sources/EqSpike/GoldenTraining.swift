import Foundation
import Datasets
import GoldenModel

/// `eqspike train --model float`: the float golden model trained exactly as the Trainer trains the
/// chip — the GoldenConfig derived from the design (`GoldenDesign`), the same training images
/// (first `trainLimit`), the same initial weights (`GoldenInit` draws what
/// `Chip.initialiseMemories` draws, without the rounding), the same per-epoch shuffle
/// (`SeededShuffle.epochOrder`), the same learning-rate
/// schedule and the same test images — and the same metrics.csv columns, so that a fixed and a
/// float run can be laid side by side. Train accuracy is the running accuracy of the free-phase
/// predictions, as for the chip; saturations are 0 (Doubles do not saturate).
public final class GoldenTrainer {
    public let design: GoldenDesign
    public let options: TrainOptions
    public let neurons: Int
    /// The design's `epochs` (used when the options give none).
    public let defaultEpochs: Int
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Show a progress line on stderr while training.
    public var showProgress = true

    /// Called after each training image with its position in the epoch (tests).
    public var afterEachImage: ((_ epoch: Int, _ imageInEpoch: Int) -> Void)? = nil
    /// Wall time between checkpoints written at image boundaries inside an epoch.
    public var checkpointSeconds: Double = 60
    /// The design's fingerprint (`Chip.fingerprint`): a float checkpoint continues only a run of
    /// the same design (its header says `model: float`, so a chip's checkpoint is never taken).
    public let fingerprint: String

    public init(chip: Chip, options: TrainOptions) throws {
        design = try GoldenDesign(chip: chip)
        self.options = options
        neurons = chip.neuronLayers.reduce(0) { $0 + $1.lanes }
        defaultEpochs = chip.settings.epochs
        fingerprint = chip.fingerprint
    }

    public var metricsPath: String { options.outDirectory + "/metrics.csv" }
    public var checkpointPath: String { options.outDirectory + "/checkpoint.bin" }

    /// Trains, evaluates after each epoch, writes metrics.csv, run.json and checkpoint.bin (the
    /// network's weights, biases and sign register, as `Trainer` does for the chip: at the start,
    /// after every epoch, every `checkpointSeconds` between images and at an interruption, so that
    /// `--resume` continues bit for bit after a kill at any moment); returns the metrics of the
    /// epochs trained now. Without an output directory (empty string) nothing is written.
    public func run(train: LabeledImages, test: LabeledImages) throws -> (metrics: [EpochMetrics], network: GoldenNetwork) {
        let writes = !options.outDirectory.isEmpty
        let seed = options.seed ?? design.config.seed
        let epochs = options.epochs ?? defaultEpochs
        let (trainSet, validationSet) = try options.split(train)
        let testCount = min(options.testLimit ?? test.count, test.count)
        var config = design.config
        config.seed = seed
        let net = try GoldenNetwork(config: config)
        let identity = RunIdentity(training: trainSet)
        var startEpoch = 0, startImage = 0
        var partial: EpochTally? = nil
        if writes {
            try RunFiles.prepare(options.outDirectory)
            // A resume of a run killed before its first checkpoint starts it again (same bits).
            if options.resume && !RunFiles.killedBeforeFirstCheckpoint(options.outDirectory) {
                guard let ck = try RunFiles.resumableCheckpoint(path: checkpointPath, model: "float", fingerprint: fingerprint, seed: seed,
                                                                identity: identity, epochs: epochs, classes: config.outputs, log: log) else { return ([], net) }
                do { try net.restore(ck.entries) } catch { throw TrainError.resume("cannot resume: \(checkpointPath): \(error)") }
                try RunFiles.continueRun(options, from: ck, checkpoint: checkpointPath, metrics: metricsPath, epochs: epochs, log: log)
                startEpoch = ck.header.epoch
                startImage = ck.header.imageInEpoch
                partial = ck.header.partial
            } else {
                try RunFiles.beginNewRun(options, log: log)
                try writeRunRecord(config: config, epochs: epochs, identity: identity)
                try AtomicFile.write(Data((EpochMetrics.csvHeader(validation: validationSet != nil) + "\n").utf8), to: metricsPath)
                try checkpoint(net, seed: seed, epoch: 0, imageInEpoch: 0, partial: nil, identity: identity)
            }
        } else if options.resume {
            throw TrainError.resume("--resume needs the run's directory (--out)")
        }
        for w in design.warnings { log("warning: \(w)") }
        /// Ctrl-C: keeps the epoch's training so far on disk (`partial`, when the last checkpoint
        /// does not already hold it) and stops; without files it just stops.
        func stop(epoch: Int, partial: EpochTally?) throws -> Never {
            guard writes else { throw TrainError.resume("interrupted (a float run without --out keeps no checkpoint)") }
            if let p = partial { try checkpoint(net, seed: seed, epoch: epoch, imageInEpoch: p.images, partial: p, identity: identity) }
            throw TrainError.interrupted(checkpoint: checkpointPath)
        }
        var all: [EpochMetrics] = []
        var lastCheckpoint = Date()
        for epoch in startEpoch..<epochs {
            let started = Date()
            let order = SeededShuffle.epochOrder(count: trainSet.count, seed: seed, epoch: epoch)
            var tally = partial ?? EpochTally(classes: config.outputs, firstSpikeDeadline: config.firstSpikeDeadline)
            partial = nil
            let progress = showProgress ? Progress(total: trainSet.count, label: "float epoch \(epoch + 1)/\(epochs)") : nil
            for k in (epoch == startEpoch ? startImage : 0)..<trainSet.count {
                let i = order[k]
                net.etaScale = config.etaMultiplier(epoch: epoch, image: k, images: trainSet.count)
                let r = net.present(image: trainSet.image(i), label: Int(trainSet.label(i)), train: true)
                tally.add(GoldenTrainer.imageResult(r, config: config))
                progress?.update(done: k + 1, fields: [("acc", String(format: "%.2f%%", 100 * tally.accuracy)),
                                                       ("nudged", String(format: "%.1f%%", 100 * tally.nudgedFraction))])
                afterEachImage?(epoch, k + 1)
                if Interrupt.requested { try stop(epoch: epoch, partial: tally) }
                if writes && k + 1 < trainSet.count && Date().timeIntervalSince(lastCheckpoint) > checkpointSeconds {
                    try checkpoint(net, seed: seed, epoch: epoch, imageInEpoch: k + 1, partial: tally, identity: identity)
                    lastCheckpoint = Date()
                }
            }
            // Evaluation must not move what training reads next: the sign register steps on every
            // clock outside a nudge phase, test images included, so it is put back afterwards
            // (before an interruption's checkpoint too).
            let signState = net.signLFSR?.state
            var testTally: EpochTally? = nil
            if testCount > 0 {
                testTally = GoldenTrainer.evaluate(net, images: test, count: testCount, stopOnInterrupt: true)
                if let s = signState { net.loadSignState(s) }
                if testTally == nil { try stop(epoch: epoch, partial: tally) }
            }
            var validationTally: EpochTally? = nil
            if let v = validationSet {
                validationTally = GoldenTrainer.evaluate(net, images: v, count: v.count, stopOnInterrupt: true)
                if let s = signState { net.loadSignState(s) }
                if validationTally == nil { try stop(epoch: epoch, partial: tally) }
            }
            // metrics.csv: the multiplier the epoch ended with
            let multiplier = config.etaMultiplier(epoch: epoch, image: trainSet.count - 1, images: trainSet.count)
            let m = EpochMetrics(epoch: epoch + 1, train: tally, test: testTally, learningRateMultiplier: multiplier,
                                 wallSeconds: Date().timeIntervalSince(started), neurons: neurons, validation: validationTally)
            all.append(m)
            if writes {
                try RunFiles.appendLine(m.csvLine, to: metricsPath)
                try checkpoint(net, seed: seed, epoch: epoch + 1, imageInEpoch: 0, partial: nil, identity: identity)
                lastCheckpoint = Date()
            }
            log(String(format: "float epoch %d: train %.2f%%  %@test %@  nudged %.1f%%  %.1f s", epoch + 1, 100 * tally.accuracy,
                       validationTally.map { String(format: "validation %.2f%%  ", 100 * $0.accuracy) } ?? "",
                       testTally.map { String(format: "%.2f%%", 100 * $0.accuracy) } ?? "-", 100 * tally.nudgedFraction, m.wallSeconds))
            if Interrupt.requested { try stop(epoch: epoch + 1, partial: nil) }
        }
        return (all, net)
    }

    func checkpoint(_ net: GoldenNetwork, seed: UInt64, epoch: Int, imageInEpoch: Int, partial: EpochTally?, identity: RunIdentity) throws {
        var header = Checkpoint.Header(design: options.netlist, fingerprint: fingerprint, epoch: epoch,
                                       imageInEpoch: imageInEpoch, seed: seed, version: options.version, partial: partial)
        header.run = identity
        header.model = "float"
        try Checkpoint(header: header, entries: net.persistentState()).write(to: checkpointPath)
    }

    /// Inference on the first `count` images (learning off), tallied like the chip's evaluation.
    public static func evaluate(_ net: GoldenNetwork, images: LabeledImages, count: Int) -> EpochTally {
        evaluate(net, images: images, count: count, stopOnInterrupt: false)!
    }

    /// The same, returning nil when `stopOnInterrupt` and Ctrl-C came before the last image.
    static func evaluate(_ net: GoldenNetwork, images: LabeledImages, count: Int, stopOnInterrupt: Bool) -> EpochTally? {
        let c = net.config
        var tally = EpochTally(classes: c.outputs, firstSpikeDeadline: c.firstSpikeDeadline)
        for i in 0..<min(count, images.count) {
            if stopOnInterrupt && Interrupt.requested { return nil }
            tally.add(imageResult(net.present(image: images.image(i), label: Int(images.label(i)), train: false), config: c))
        }
        return tally
    }

    /// The golden model's result in the chip's terms (same counting conventions: spikes and SynOps
    /// of the spike registers s(t), first output spike of the free phase).
    public static func imageResult(_ g: GoldenImageResult, config c: GoldenConfig) -> ImageResult {
        var r = ImageResult(label: g.label)
        r.prediction = g.prediction
        r.counts = g.counts
        r.firstSpikeClass = g.firstSpikeClass ?? -1
        r.firstSpikeClock = g.firstSpikeTime ?? -1
        r.nudged = g.nudged
        r.clocks = c.tFree + (g.nudged ? c.tNudge + c.antiNudgeClocks : 0)
        r.synopsFree = g.free.synOps
        r.synopsNudge = g.nudge.synOps
        r.spikes = (g.free.input + g.nudge.input, g.free.hidden + g.nudge.hidden, g.free.output + g.nudge.output)
        return r
    }

    func writeRunRecord(config: GoldenConfig, epochs: Int, identity: RunIdentity) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var record = RunRecord.common(options, seed: config.seed, epochs: epochs)
        record["model"] = "float"
        record["train_images"] = identity.trainImages
        record["train_data_hash"] = identity.trainData
        record["design_fingerprint"] = fingerprint
        record["golden_config"] = try JSONSerialization.jsonObject(with: encoder.encode(config))
        record["warnings"] = design.warnings
        try RunRecord.write(record, in: options.outDirectory)
    }
}
