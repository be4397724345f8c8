import Foundation

/// Training and evaluation loops of the golden model, and the experiment driver that the CLI exposes
/// as `eqspike train --model float` (docs/experiments.md records the runs made with it).

/// Images as the golden model reads them: `count` images of `size` bytes, contiguous.
public struct GoldenImages: Sendable {
    public let count: Int
    public let size: Int
    public let pixels: [UInt8]
    public let labels: [UInt8]

    public init(pixels: [UInt8], labels: [UInt8], size: Int) {
        precondition(size > 0 && pixels.count == labels.count * size, "pixels must hold labels.count images of size bytes")
        self.pixels = pixels
        self.labels = labels
        self.size = size
        count = labels.count
    }

    @inline(__always)
    public func image(_ k: Int) -> ArraySlice<UInt8> { pixels[k * size ..< (k + 1) * size] }
    @inline(__always)
    public func label(_ k: Int) -> Int { Int(labels[k]) }

    /// The first `n` images.
    public func prefix(_ n: Int) -> GoldenImages {
        let m = min(max(n, 0), count)
        return GoldenImages(pixels: Array(pixels[0 ..< m * size]), labels: Array(labels[0 ..< m]), size: size)
    }
}

/// Accumulated statistics over a set of presentations.
public struct GoldenStats: Sendable, Equatable, Codable {
    public var images = 0
    public var correct = 0
    /// First-spike readout correct before the deadline.
    public var firstSpikeCorrect = 0
    /// Images with some output spike in the free phase, and the sum of their first-spike clocks.
    public var firstSpikeImages = 0
    public var firstSpikeTimeSum = 0
    public var nudged = 0
    public var free = LayerCounts()
    public var nudge = LayerCounts()
    public var synOpsEarly = 0
    public var neurons = 0

    public init() {}

    public mutating func add(_ r: ImageResult, deadline: Int) {
        images += 1
        if r.correct { correct += 1 }
        if r.firstSpikeCorrect(deadline: deadline) { firstSpikeCorrect += 1 }
        if let t = r.firstSpikeTime { firstSpikeImages += 1; firstSpikeTimeSum += t }
        if r.nudged { nudged += 1 }
        free.input += r.free.input; free.hidden += r.free.hidden; free.output += r.free.output; free.synOps += r.free.synOps
        nudge.input += r.nudge.input; nudge.hidden += r.nudge.hidden; nudge.output += r.nudge.output; nudge.synOps += r.nudge.synOps
        synOpsEarly += r.synOpsEarly
    }

    public var accuracy: Double { images == 0 ? 0 : Double(correct) / Double(images) }
    public var firstSpikeAccuracy: Double { images == 0 ? 0 : Double(firstSpikeCorrect) / Double(images) }
    public var meanFirstSpikeTime: Double { firstSpikeImages == 0 ? .nan : Double(firstSpikeTimeSum) / Double(firstSpikeImages) }
    public var nudgedFraction: Double { images == 0 ? 0 : Double(nudged) / Double(images) }
    /// Spikes per neuron per image over both phases (all layers).
    public var spikesPerNeuronPerImage: Double {
        images == 0 || neurons == 0 ? 0 : Double(free.total + nudge.total) / Double(images * neurons)
    }
    /// SynOps of a whole free phase, per image.
    public var synOpsPerFreePhase: Double { images == 0 ? 0 : Double(free.synOps) / Double(images) }
    /// SynOps before the first-spike deadline, per image.
    public var synOpsPerEarlyInference: Double { images == 0 ? 0 : Double(synOpsEarly) / Double(images) }
    /// Fraction of all spikes emitted by the input layer.
    public var inputSpikeFraction: Double {
        let all = free.total + nudge.total
        return all == 0 ? 0 : Double(free.input + nudge.input) / Double(all)
    }
}

extension GoldenNetwork {
    /// One training pass over `images` in `order` (default: as stored) with the learning-rate
    /// multiplier of `epoch`. `progress` gets the running statistics every `reportEvery` images.
    public func train(images: GoldenImages, order: [Int]? = nil, epoch: Int,
                      reportEvery: Int = 0, progress: (Int, GoldenStats) -> Void = { _, _ in }) -> GoldenStats {
        etaScale = config.etaMultiplier(epoch: epoch)
        var stats = GoldenStats()
        stats.neurons = config.inputs + config.hidden + config.outputs
        let idx = order ?? Array(0 ..< images.count)
        for (n, k) in idx.enumerated() {
            let r = present(image: images.image(k), label: images.label(k), train: true)
            stats.add(r, deadline: config.firstSpikeDeadline)
            if reportEvery > 0, (n + 1) % reportEvery == 0 { progress(n + 1, stats) }
        }
        return stats
    }

    /// Inference (free phase only, no learning) on the first `limit` images.
    public func evaluate(images: GoldenImages, limit: Int? = nil) -> GoldenStats {
        var stats = GoldenStats()
        stats.neurons = config.inputs + config.hidden + config.outputs
        for k in 0 ..< min(limit ?? images.count, images.count) {
            stats.add(present(image: images.image(k), label: images.label(k), train: false),
                      deadline: config.firstSpikeDeadline)
        }
        return stats
    }
}

/// The experiment driver: build a network from a config, train for some epochs (each on a fresh
/// deterministic shuffle), test after each epoch.
public enum GoldenExperiment {
    public struct EpochReport: Sendable, Codable {
        public var epoch: Int
        public var etaMultiplier: Double
        /// Running statistics of the training pass (free-phase predictions before each update).
        public var train: GoldenStats
        public var test: GoldenStats
        public var trainSeconds: Double
        public var testSeconds: Double
    }

    /// Shuffled order of epoch `epoch`: Fisher-Yates over 0 ..< n driven by
    /// `GoldenSplitMix64(seed: seed &+ 0x9E37_79B9 &* (epoch + 1))`.
    public static func order(count n: Int, seed: UInt64, epoch: Int) -> [Int] {
        var g = GoldenSplitMix64(seed: seed &+ 0x9E37_79B9 &* UInt64(epoch + 1))
        var a = Array(0 ..< n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                let j = Int(g.next() % UInt64(i + 1))
                a.swapAt(i, j)
            }
        }
        return a
    }

    /// Runs `epochs` epochs on the first `trainLimit` training images, testing on the first
    /// `testLimit` test images after each epoch. `log` receives one line per report.
    public static func run(config: GoldenConfig, train: GoldenImages, test: GoldenImages, epochs: Int,
                           trainLimit: Int? = nil, testLimit: Int? = nil, shuffle: Bool = true,
                           reportEvery: Int = 10_000, log: (String) -> Void = { _ in }) throws -> [EpochReport] {
        var rng = GoldenSplitMix64(seed: config.seed)
        let net = try GoldenNetwork(config: config, rng: &rng)
        let trainSet = trainLimit.map { train.prefix($0) } ?? train
        var reports: [EpochReport] = []
        let clock = ContinuousClock()
        for epoch in 0 ..< epochs {
            let order = shuffle ? Self.order(count: trainSet.count, seed: config.seed, epoch: epoch) : nil
            let t0 = clock.now
            let tr = net.train(images: trainSet, order: order, epoch: epoch, reportEvery: reportEvery) { n, s in
                log("  epoch \(epoch + 1) image \(n): running train \(pct(s.accuracy)), nudged \(pct(s.nudgedFraction))")
            }
            let t1 = clock.now
            let te = net.evaluate(images: test, limit: testLimit)
            let t2 = clock.now
            let r = EpochReport(epoch: epoch + 1, etaMultiplier: config.etaMultiplier(epoch: epoch), train: tr, test: te,
                                trainSeconds: seconds(t1 - t0), testSeconds: seconds(t2 - t1))
            reports.append(r)
            log(summary(r, config: config, trainCount: trainSet.count))
        }
        return reports
    }

    /// One line per epoch: accuracies, first-spike readout, nudged fraction, SynOps, spikes, time.
    public static func summary(_ r: EpochReport, config: GoldenConfig, trainCount: Int) -> String {
        let tr = r.train, te = r.test
        var line = "epoch \(r.epoch): train(running) \(pct(tr.accuracy)) test \(pct(te.accuracy))"
        line += " first-spike@\(config.firstSpikeDeadline) \(pct(te.firstSpikeAccuracy))"
        line += " t_first " + String(format: "%.2f", te.meanFirstSpikeTime)
        line += " nudged \(pct(tr.nudgedFraction))"
        line += " synops/free \(Int(te.synOpsPerFreePhase)) synops@deadline \(Int(te.synOpsPerEarlyInference))"
        line += " spikes/neuron/img(train) " + String(format: "%.1f", tr.spikesPerNeuronPerImage)
        line += " [\(trainCount) train in \(Int(r.trainSeconds)) s, \(te.images) test in \(Int(r.testSeconds)) s]"
        return line
    }

    static func pct(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): the host PRNG of the golden model until the Datasets
/// module's `SeededGenerator` is used.
public struct GoldenSplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
