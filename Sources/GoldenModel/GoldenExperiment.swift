import Datasets
import Foundation

/// Training and evaluation loops of the golden model, and the experiment driver that the CLI exposes
/// as `eqspike train --model float` (docs/experiments.md records the runs made with it).

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

    public mutating func add(_ r: GoldenImageResult, deadline: Int) {
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
    public func train(images: LabeledImages, order: [Int]? = nil, epoch: Int,
                      reportEvery: Int = 0, progress: (Int, GoldenStats) -> Void = { _, _ in }) -> GoldenStats {
        etaScale = config.etaMultiplier(epoch: epoch)
        var stats = GoldenStats()
        stats.neurons = config.layerSizes.reduce(0, +)
        let idx = order ?? Array(0 ..< images.count)
        for (n, k) in idx.enumerated() {
            let r = present(image: images.image(k), label: Int(images.label(k)), train: true)
            stats.add(r, deadline: config.firstSpikeDeadline)
            if reportEvery > 0, (n + 1) % reportEvery == 0 { progress(n + 1, stats) }
        }
        return stats
    }

    /// Inference (free phase only, no learning) on the first `limit` images.
    public func evaluate(images: LabeledImages, limit: Int? = nil) -> GoldenStats {
        var stats = GoldenStats()
        stats.neurons = config.layerSizes.reduce(0, +)
        for k in 0 ..< min(limit ?? images.count, images.count) {
            stats.add(present(image: images.image(k), label: Int(images.label(k)), train: false),
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

    /// Runs `epochs` epochs on the first `trainLimit` training images, testing on the first
    /// `testLimit` test images after each epoch. `log` receives one line per report.
    public static func run(config: GoldenConfig, train: LabeledImages, test: LabeledImages, epochs: Int,
                           trainLimit: Int? = nil, testLimit: Int? = nil, shuffle: Bool = true,
                           reportEvery: Int = 10_000, log: (String) -> Void = { _ in }) throws -> [EpochReport] {
        let net = try GoldenNetwork(config: config)
        let trainSet = trainLimit.map { train.prefix($0) } ?? train
        var reports: [EpochReport] = []
        let clock = ContinuousClock()
        for epoch in 0 ..< epochs {
            let order = shuffle ? SeededShuffle.epochOrder(count: trainSet.count, seed: config.seed, epoch: epoch) : nil
            let t0 = clock.now
            var last = GoldenStats()
            let tr = net.train(images: trainSet, order: order, epoch: epoch, reportEvery: reportEvery) { n, s in
                // Statistics of the images since the last report.
                let k = max(s.images - last.images, 1)
                let acc = Double(s.correct - last.correct) / Double(k)
                let nudged = Double(s.nudged - last.nudged) / Double(k)
                let rate = Double(s.free.hidden - last.free.hidden) / Double(k * config.hiddenSizes.reduce(0, +) * config.tFree)
                last = s
                log("  epoch \(epoch + 1) image \(n): train \(pct(acc)) (running \(pct(s.accuracy))), nudged \(pct(nudged)), "
                    + "hidden rate " + String(format: "%.3f", rate) + ", " + net.weightSummary)
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

    /// Mean and mean absolute value, per synapse and per image, of the update one nudge phase
    /// would make (deferred accumulation, weights frozen at their initial values, every image
    /// nudged), over the first `count` images, with the nudge of `config` and with beta = 0. With
    /// beta = 0 there is nothing to learn: what is measured is the estimator's spurious update
    /// (free-phase transient left in the baseline window, spike ripple). Returns one line per beta.
    public static func spuriousUpdates(config: GoldenConfig, images: LabeledImages, count: Int) throws -> [String] {
        var lines: [String] = []
        for beta in [0.0, config.beta] {
            var c = config
            c.beta = beta; c.updateMode = .deferred; c.skipThreshold = -1; c.antiNudgeClocks = 0
            let net = try GoldenNetwork(config: c)
            var sums = [Double](repeating: 0, count: 8)
            let n = min(count, images.count)
            for k in 0 ..< n {
                net.beginImage(pixels: images.image(k), label: Int(images.label(k)))
                for _ in 0 ..< c.tFree { net.step() }
                net.beginNudge()
                for _ in 0 ..< c.tNudge { net.step() }
                let d = net.pendingDeltas
                for (j, a) in [d.w1, d.w2, d.bH, d.bO].enumerated() {
                    sums[2 * j] += a.reduce(0, +) / Double(a.count)
                    sums[2 * j + 1] += a.reduce(0) { $0 + abs($1) } / Double(a.count)
                }
                net.discardPendingDeltas()
            }
            let m = sums.map { String(format: "%.2e", $0 / Double(max(n, 1))) }
            lines.append("beta \(beta): dW1 mean \(m[0]) |.| \(m[1]); dW2 mean \(m[2]) |.| \(m[3]); "
                         + "db_h mean \(m[4]) |.| \(m[5]); db_o mean \(m[6]) |.| \(m[7])")
        }
        return lines
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
        let rate = Double(te.free.hidden) / Double(max(te.images, 1) * config.hiddenSizes.reduce(0, +) * config.tFree)
        line += " hidden rate(test) " + String(format: "%.3f", rate)
        line += " [\(trainCount) train in \(Int(r.trainSeconds)) s, \(te.images) test in \(Int(r.testSeconds)) s]"
        return line
    }

    static func pct(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

extension GoldenNetwork {
    /// A one-line summary of the memories: mean |W1|, max |W1|, mean |W2|, max |W2|, mean and
    /// range of the biases (for watching drift and divergence during training).
    public var weightSummary: String {
        func stats(_ p: UnsafeMutablePointer<Double>, _ n: Int) -> (mean: Double, maxAbs: Double, lo: Double, hi: Double) {
            var s = 0.0, m = 0.0, lo = Double.infinity, hi = -Double.infinity
            for k in 0 ..< n { let x = p[k]; s += abs(x); m = max(m, abs(x)); lo = min(lo, x); hi = max(hi, x) }
            return (s / Double(n), m, lo, hi)
        }
        let a = stats(w[0], n[0] * n[1]), b = stats(w[1], n[1] * n[2]), c = stats(self.b[0], n[1]), d = stats(self.b[top - 1], nO)
        func f(_ x: Double) -> String { String(format: "%.4f", x) }
        return "|W1| \(f(a.mean)) max \(f(a.maxAbs)) |W2| \(f(b.mean)) max \(f(b.maxAbs)) "
            + "bH [\(f(c.lo)), \(f(c.hi))] bO [\(f(d.lo)), \(f(d.hi))]"
    }
}
