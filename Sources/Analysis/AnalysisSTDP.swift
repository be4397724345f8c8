import EqSpike
import Foundation

/// What one training image did to the input -> hidden synapses, as recorded clock by clock.
public struct STDPImage: Sendable, Equatable {
    /// Clocks recorded (free + nudge phase).
    public var clocks: Int
    /// Length of the free phase (post rates for the quiet-neuron filter are measured there).
    public var freeClocks: Int
    /// Per input lane: the clocks at which its spike register was high, ascending.
    public var pre: [[Int]]
    /// Per hidden lane: the same.
    public var post: [[Int]]
    /// Learning clocks: at `clock`, every input that spiked received `deltas[h]` on W1[i][h].
    public var updates: [Update]

    public struct Update: Sendable, Equatable {
        public var clock: Int
        public var deltas: [Double]
        public init(clock: Int, deltas: [Double]) { self.clock = clock; self.deltas = deltas }
    }

    public init(clocks: Int, freeClocks: Int, pre: [[Int]], post: [[Int]], updates: [Update]) {
        self.clocks = clocks; self.freeClocks = freeClocks; self.pre = pre; self.post = post; self.updates = updates
    }
}

/// Fig. 5c: the STDP-like curve of EqSpike's input -> hidden updates.
///
/// W1 is written when an input (pre) spikes: W1[i][h] += eta1 F_h(t) (docs/algorithm.md), F_h being
/// the hidden neuron's rate-derivative estimate. Each such update event (i, h, t) is placed at
///
///     dt = mean(t_post of h's spikes within t +- w) - t,    w = min(halfWindow, t, clocks - 1 - t)
///
/// (a window of 2 x halfWindow = 200 clocks, kept symmetric about the update so that a neuron firing
/// at a steady rate gives dt ~ 0 wherever the window is clipped by the image), and the histogram
/// averages the update over the events of each dt bin (2 clocks by default). A post neuron that accelerates has more
/// spikes after the pre spike than before (dt > 0) and a positive F (potentiation); one that slows
/// down, the reverse: the mechanism of the paper's Fig. 5b. Filters, as the paper's: inputs whose
/// rate over the image is below `minRate` spikes/clock, and hidden neurons whose free-phase rate is
/// below `minRate` (quiet neurons that jump from zero rate at the start of the nudge make large
/// updates the paper calls noise), are left out; so are events whose window would be narrower than
/// `minHalfWindow` clocks, or that have no post spike in it.
///
/// Why not the other way round: inputs are clamped, so a pre spike train is periodic and the mean
/// pre-spike time in a window anchored on a post spike only reflects where the window is clipped.
public enum STDPAnalysis {
    public struct Options: Sendable, Equatable {
        public var halfWindow = 100
        public var minHalfWindow = 20
        public var minRate = 0.05
        public var binWidth = 2
        public init() {}
    }

    public struct Histogram: Sendable, Equatable {
        public let options: Options
        /// Per bin: sum of updates, number of update events.
        public var sums: [Double]
        public var counts: [Int]
        /// Events left out: no post spike in the window; window too narrow; filtered by rate.
        public var withoutPost = 0
        public var narrow = 0
        public var filtered = 0
        public var images = 0

        public init(options: Options) {
            self.options = options
            let bins = max(1, 2 * options.halfWindow / max(options.binWidth, 1))
            sums = [Double](repeating: 0, count: bins)
            counts = [Int](repeating: 0, count: bins)
        }

        /// Centre of bin k (clocks).
        public func centre(_ k: Int) -> Double {
            Double(-options.halfWindow) + (Double(k) + 0.5) * Double(options.binWidth)
        }

        public var centres: [Double] { (0 ..< sums.count).map(centre) }
        /// Mean update per event in each bin (NaN for an empty bin).
        public var means: [Double] { zip(sums, counts).map { $1 > 0 ? $0 / Double($1) : .nan } }
        public var events: Int { counts.reduce(0, +) }

        /// The bin of a time difference (clamped to the outermost bins).
        public func bin(_ dt: Double) -> Int {
            let k = Int(((dt + Double(options.halfWindow)) / Double(options.binWidth)).rounded(.down))
            return min(max(k, 0), sums.count - 1)
        }

        public mutating func merge(_ o: Histogram) {
            for k in sums.indices { sums[k] += o.sums[k]; counts[k] += o.counts[k] }
            withoutPost += o.withoutPost; narrow += o.narrow; filtered += o.filtered; images += o.images
        }
    }

    /// Adds the update events of one image to `h`.
    public static func add(_ image: STDPImage, to h: inout Histogram) {
        let o = h.options
        let clocks = max(image.clocks, 1)
        h.images += 1
        // Pre spikes per clock from inputs above the rate filter.
        var preAt = [Int](repeating: 0, count: clocks)
        var preAll = [Int](repeating: 0, count: clocks)
        for train in image.pre {
            let keep = Double(train.count) / Double(clocks) >= o.minRate
            for t in train where t >= 0 && t < clocks {
                preAll[t] += 1
                if keep { preAt[t] += 1 }
            }
        }
        // Post prefix counts and sums of spike clocks; the quiet-neuron filter.
        let nPost = image.post.count
        var cnt = [[Int]](repeating: [], count: nPost), sum = [[Int]](repeating: [], count: nPost)
        var postKept = [Bool](repeating: false, count: nPost)
        for (k, train) in image.post.enumerated() {
            var c = [Int](repeating: 0, count: clocks + 1), s = [Int](repeating: 0, count: clocks + 1)
            var spikesAt = [Int](repeating: 0, count: clocks)
            for t in train where t >= 0 && t < clocks { spikesAt[t] += 1 }
            for t in 0 ..< clocks { c[t + 1] = c[t] + spikesAt[t]; s[t + 1] = s[t] + spikesAt[t] * t }
            cnt[k] = c; sum[k] = s
            let freeSpikes = c[min(image.freeClocks, clocks)]
            postKept[k] = Double(freeSpikes) / Double(max(image.freeClocks, 1)) >= o.minRate
        }
        for u in image.updates where u.clock >= 0 && u.clock < clocks {
            let t = u.clock
            let m = preAt[t]
            let dropped = preAll[t] - m
            guard preAll[t] > 0 else { continue }
            let w = min(o.halfWindow, t, clocks - 1 - t)
            for (k, d) in u.deltas.enumerated() where k < nPost {
                guard postKept[k] else { h.filtered += preAll[t]; continue }
                h.filtered += dropped
                guard m > 0 else { continue }
                guard w >= o.minHalfWindow else { h.narrow += m; continue }
                let n = cnt[k][t + w + 1] - cnt[k][t - w]
                guard n > 0 else { h.withoutPost += m; continue }
                let mean = Double(sum[k][t + w + 1] - sum[k][t - w]) / Double(n)
                let b = h.bin(mean - Double(t))
                h.sums[b] += Double(m) * d
                h.counts[b] += m
            }
        }
    }

    /// Least-squares slope of mean update against bin centre, weighted by events (a one-number
    /// summary of the curve's sign: > 0 is STDP-like, potentiation for post-after-pre).
    public static func slope(_ h: Histogram) -> Double {
        var sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        for k in h.sums.indices where h.counts[k] > 0 {
            let w = Double(h.counts[k]), x = h.centre(k), y = h.sums[k] / w
            sw += w; sx += w * x; sy += w * y; sxx += w * x * x; sxy += w * x * y
        }
        let den = sw * sxx - sx * sx
        return den > 0 ? (sw * sxy - sx * sy) / den : .nan
    }
}
