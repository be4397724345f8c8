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

    public init(chip: Chip, options: TrainOptions) throws {
        design = try GoldenDesign(chip: chip)
        self.options = options
        neurons = chip.neuronLayers.reduce(0) { $0 + $1.lanes }
        defaultEpochs = chip.settings.epochs
    }

    public var metricsPath: String { options.outDirectory + "/metrics.csv" }

    /// Trains, evaluates after each epoch, writes metrics.csv and run.json; returns the metrics.
    /// Without an output directory (empty string) nothing is written.
    public func run(train: LabeledImages, test: LabeledImages) throws -> (metrics: [EpochMetrics], network: GoldenNetwork) {
        if options.resume { throw TrainError.resume("--resume is not available with --model float (a float run keeps no checkpoint)") }
        let writes = !options.outDirectory.isEmpty
        let seed = options.seed ?? design.config.seed
        let epochs = options.epochs ?? defaultEpochs
        let (trainSet, validationSet) = try options.split(train)
        let testCount = min(options.testLimit ?? test.count, test.count)
        var config = design.config
        config.seed = seed
        let net = try GoldenNetwork(config: config)
        if writes {
            try FileManager.default.createDirectory(atPath: options.outDirectory, withIntermediateDirectories: true)
            try AtomicFile.write(Data((EpochMetrics.csvHeader(validation: validationSet != nil) + "\n").utf8), to: metricsPath)
            try writeRunRecord(config: config, epochs: epochs)
        }
        for w in design.warnings { log("warning: \(w)") }
        var all: [EpochMetrics] = []
        for epoch in 0..<epochs {
            let started = Date()
            let order = SeededShuffle.epochOrder(count: trainSet.count, seed: seed, epoch: epoch)
            var tally = EpochTally(classes: config.outputs, firstSpikeDeadline: config.firstSpikeDeadline)
            let progress = showProgress ? Progress(total: trainSet.count, label: "float epoch \(epoch + 1)/\(epochs)") : nil
            for (k, i) in order.enumerated() {
                net.etaScale = config.etaMultiplier(epoch: epoch, image: k, images: trainSet.count)
                let r = net.present(image: trainSet.image(i), label: Int(trainSet.label(i)), train: true)
                tally.add(GoldenTrainer.imageResult(r, config: config))
                progress?.update(done: k + 1, fields: [("acc", String(format: "%.2f%%", 100 * tally.accuracy)),
                                                       ("nudged", String(format: "%.1f%%", 100 * tally.nudgedFraction))])
                if Interrupt.requested { throw TrainError.resume("interrupted (a float run keeps no checkpoint)") }
            }
            // Evaluation must not move what training reads next: the sign register steps on every
            // clock outside a nudge phase, test images included, so it is put back afterwards.
            let signState = net.signLFSR?.state
            let testTally: EpochTally? = testCount > 0 ? GoldenTrainer.evaluate(net, images: test, count: testCount) : nil
            if let s = signState { net.loadSignState(s) }
            let validationTally = validationSet.map { GoldenTrainer.evaluate(net, images: $0, count: $0.count) }
            if let s = signState { net.loadSignState(s) }
            let m = EpochMetrics(epoch: epoch + 1, train: tally, test: testTally, learningRateMultiplier: net.etaScale,
                                 wallSeconds: Date().timeIntervalSince(started), neurons: neurons, validation: validationTally)
            all.append(m)
            if writes { try RunFiles.appendLine(m.csvLine, to: metricsPath) }
            log(String(format: "float epoch %d: train %.2f%%  test %@  nudged %.1f%%  %.1f s", epoch + 1, 100 * tally.accuracy,
                       testTally.map { String(format: "%.2f%%", 100 * $0.accuracy) } ?? "-", 100 * tally.nudgedFraction, m.wallSeconds))
        }
        return (all, net)
    }

    /// Inference on the first `count` images (learning off), tallied like the chip's evaluation.
    public static func evaluate(_ net: GoldenNetwork, images: LabeledImages, count: Int) -> EpochTally {
        let c = net.config
        var tally = EpochTally(classes: c.outputs, firstSpikeDeadline: c.firstSpikeDeadline)
        for i in 0..<min(count, images.count) {
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

    func writeRunRecord(config: GoldenConfig, epochs: Int) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var record = RunRecord.common(options, seed: config.seed, epochs: epochs)
        record["model"] = "float"
        record["golden_config"] = try JSONSerialization.jsonObject(with: encoder.encode(config))
        record["warnings"] = design.warnings
        try RunRecord.write(record, in: options.outDirectory)
    }
}
