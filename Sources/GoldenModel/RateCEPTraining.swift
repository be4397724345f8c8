import Foundation
import Datasets

/// One epoch of the C-EP reference: what its line of metrics.csv holds.
public struct RateCEPEpoch: Sendable, Equatable {
    public var epoch: Int
    public var trainImages = 0
    public var trainCorrect = 0
    public var testImages = 0
    public var testCorrect = 0
    public var multiplier = 1.0
    public var seconds = 0.0

    public var trainAccuracy: Double { trainImages == 0 ? 0 : Double(trainCorrect) / Double(trainImages) }
    public var testAccuracy: Double { testImages == 0 ? .nan : Double(testCorrect) / Double(testImages) }

    /// The chip's metrics.csv columns (EpochMetrics.csvHeader in the EqSpike module), so one
    /// reader takes both. Spiking quantities (first spike, spikes, SynOps, saturations) do not
    /// exist in the rate model and are left empty; every image is nudged.
    public static let csvHeader = "epoch,train_images,train_accuracy,test_images,test_accuracy,test_first_spike_accuracy,"
        + "test_mean_first_spike_clock,nudged_fraction,spikes_per_neuron_per_image,synops_free_per_image,"
        + "synops_nudge_per_image,test_synops_per_inference,train_saturations,lr_multiplier,wall_seconds"

    public var csvLine: String {
        func f(_ x: Double, _ d: Int = 6) -> String { x.isFinite ? String(format: "%.\(d)f", x) : "" }
        return [String(epoch), String(trainImages), f(trainAccuracy), String(testImages),
                testImages > 0 ? f(testAccuracy) : "", "", "", trainImages > 0 ? f(1) : "", "", "", "", "", "",
                f(multiplier), f(seconds, 2)].joined(separator: ",")
    }
}

/// Training loop of the C-EP reference, with the chip Trainer's data handling: the first
/// `trainLimit` training images, each epoch in `SeededShuffle.epochOrder`, batch size 1, train accuracy = running
/// accuracy of the free-phase predictions made before each image's nudged phase, then the first
/// `testLimit` test images with frozen weights.
public enum RateCEPTrainer {
    /// Trains for `epochs` epochs. With `outDirectory`, writes metrics.csv there (header, then one
    /// line per epoch as soon as it ends). `log` gets progress lines.
    @discardableResult
    public static func run(network net: RateCEPNetwork, train: LabeledImages, test: LabeledImages, epochs: Int,
                           trainLimit: Int? = nil, testLimit: Int? = nil, outDirectory: String? = nil,
                           log: (String) -> Void = { _ in }) throws -> [RateCEPEpoch] {
        let n = min(trainLimit ?? train.count, train.count)
        let nTest = min(testLimit ?? test.count, test.count)
        let metricsPath = outDirectory.map { $0 + "/metrics.csv" }
        if let dir = outDirectory, let path = metricsPath {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try (RateCEPEpoch.csvHeader + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        var all: [RateCEPEpoch] = []
        for epoch in 0 ..< epochs {
            let started = Date()
            net.etaScale = net.config.multiplier(epoch: epoch)
            var e = RateCEPEpoch(epoch: epoch + 1, multiplier: net.etaScale)
            let order = SeededShuffle.epochOrder(count: n, seed: net.config.seed, epoch: epoch)
            let every = max(n / 10, 1)
            for (k, i) in order.enumerated() {
                let r = train.withImage(i) { net.train(pixels: $0, label: Int(train.labels[i])) }
                e.trainImages += 1
                if r.correct { e.trainCorrect += 1 }
                if (k + 1) % every == 0 || k + 1 == n {
                    log(String(format: "C-EP epoch %d: %d/%d images, running train accuracy %.2f%%", epoch + 1, k + 1, n, 100 * e.trainAccuracy))
                }
            }
            for i in 0 ..< nTest {
                let r = test.withImage(i) { net.infer(pixels: $0, label: Int(test.labels[i])) }
                e.testImages += 1
                if r.correct { e.testCorrect += 1 }
            }
            e.seconds = Date().timeIntervalSince(started)
            all.append(e)
            if let path = metricsPath { try appendLine(e.csvLine, to: path) }
            log(String(format: "C-EP epoch %d: train %.2f%%  test %@  lr x%g  %.1f s", e.epoch, 100 * e.trainAccuracy,
                       nTest > 0 ? String(format: "%.2f%%", 100 * e.testAccuracy) : "-", e.multiplier, e.seconds))
        }
        return all
    }

    /// Test accuracy with frozen weights on the first `limit` images.
    public static func evaluate(network net: RateCEPNetwork, images: LabeledImages, limit: Int? = nil) -> Double {
        let n = min(limit ?? images.count, images.count)
        guard n > 0 else { return .nan }
        var correct = 0
        for i in 0 ..< n where images.withImage(i, { net.infer(pixels: $0, label: Int(images.labels[i])) }).correct { correct += 1 }
        return Double(correct) / Double(n)
    }

    static func appendLine(_ line: String, to path: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: Data((line + "\n").utf8))
    }
}
