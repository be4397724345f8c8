import EqSpike
import Foundation

/// What one training image did to the input -> hidden synapses, as recorded clock by clock.
public struct STDPImage: Sendable, Equatable {
    /// Clocks recorded (free + nudge phase).
    public var clocks: Int
    /// Length of the free phase (post rates for the quiet-neuron filter are measured there; the
    /// nudge phase, where W1 learns, follows it).
    public var freeClocks: Int
    /// Per input lane: the clocks at which its spike register was high, ascending.
    public var pre: [[Int]]
    /// Per hidden lane: the same.
    public var post: [[Int]]
    /// Learning clocks: at `clock`, every input that spiked received `deltas[h]` on W1[i][h].
    public var updates: [Update]
    /// The image was nudged by -beta (random-sign rule; its eta is negated with it, so its updates
    /// have the sign a +beta image would give). False for +beta and for the positive-sign rule.
    public var negative: Bool

    public struct Update: Sendable, Equatable {
        public var clock: Int
        public var deltas: [Double]
        public init(clock: Int, deltas: [Double]) { self.clock = clock; self.deltas = deltas }
    }

    public init(clocks: Int, freeClocks: Int, pre: [[Int]], post: [[Int]], updates: [Update], negative: Bool = false) {
        self.clocks = clocks; self.freeClocks = freeClocks; self.pre = pre; self.post = post; self.updates = updates
        self.negative = negative
    }

    /// The rate filter shared by both definitions (the paper: "filtering out very low frequencies
    /// below 0.05"): inputs by their rate over the image (they are clamped, so it is their only
    /// rate), hidden neurons by their free-phase rate (quiet neurons that jump from zero rate at the
    /// start of the nudge make large updates the paper calls noise).
    func keptInputs(minRate: Double) -> [Bool] {
        pre.map { Double($0.count) / Double(max(clocks, 1)) >= minRate }
    }

    func keptHidden(minRate: Double) -> [Bool] {
        post.map { train in
            Double(train.filter { $0 >= 0 && $0 < freeClocks }.count) / Double(max(freeClocks, 1)) >= minRate
        }
    }
}

/// Fig. 5c: the STDP-like curve of EqSpike's input -> hidden updates, in two definitions, each a
/// histogram of mean update against a time difference (the paper's: `AnalysisSTDPPaper.swift`; the
/// one anchored on the update: `AnalysisSTDPUpdate.swift`), split by the nudge sign of the image
/// (`STDPSplit`).
public enum STDPAnalysis {
    public struct Options: Sendable, Equatable {
        /// The paper's window: pre spikes in the `paperWindow` clocks before a post spike.
        public var paperWindow = 200
        /// The update-anchored window: post spikes within +-halfWindow of the update.
        public var halfWindow = 100
        public var minHalfWindow = 20
        public var minRate = 0.05
        public var binWidth = 2
        /// Bins with fewer events than this, or with events from fewer images than `minImages`,
        /// are not drawn (they stay in the CSV with their counts): the events of one image and
        /// neuron are strongly correlated, so a bin filled by a handful of images is noise however
        /// many events it holds.
        public var minEvents = 100
        public var minImages = 20
        public init() {}
    }

    public struct Histogram: Sendable, Equatable {
        /// Left edge of bin 0 (clocks); every bin is `binWidth` clocks wide.
        public let lowerBound: Double
        public let binWidth: Int
        /// Per bin: sum of updates, number of events, number of images with an event in it.
        public var sums: [Double]
        public var counts: [Int]
        public var imageCounts: [Int]
        /// Events left out by the rate filter.
        public var filtered = 0
        /// Update-anchored only: events with no post spike in the window; windows too narrow.
        public var withoutPost = 0
        public var narrow = 0
        /// Paper only: events kept whose 200-clock window the image onset cuts short.
        public var clipped = 0
        public var images = 0

        /// Bins of `binWidth` clocks covering `range` (its upper end rounded up to a whole bin).
        public init(range: ClosedRange<Double>, binWidth: Int) {
            lowerBound = range.lowerBound
            self.binWidth = max(binWidth, 1)
            let bins = max(1, Int(((range.upperBound - range.lowerBound) / Double(self.binWidth)).rounded(.up)))
            sums = [Double](repeating: 0, count: bins)
            counts = [Int](repeating: 0, count: bins)
            imageCounts = [Int](repeating: 0, count: bins)
        }

        /// Centre of bin k (clocks).
        public func centre(_ k: Int) -> Double { lowerBound + (Double(k) + 0.5) * Double(binWidth) }

        public var centres: [Double] { (0 ..< sums.count).map(centre) }
        /// Mean update per event in each bin (NaN for an empty bin).
        public var means: [Double] { zip(sums, counts).map { $1 > 0 ? $0 / Double($1) : .nan } }
        public var events: Int { counts.reduce(0, +) }

        /// The bin of a time difference (clamped to the outermost bins).
        public func bin(_ dt: Double) -> Int {
            let k = Int(((dt - lowerBound) / Double(binWidth)).rounded(.down))
            return min(max(k, 0), sums.count - 1)
        }

        /// The bins with at least `minEvents` events from at least `minImages` images: a mean of
        /// fewer is noise, not a curve.
        public func meaningful(minEvents: Int, minImages: Int = 1) -> [Int] {
            counts.indices.filter { counts[$0] >= max(minEvents, 1) && imageCounts[$0] >= minImages }
        }

        /// Adds one image's bins (sums and counts of its events) and counts the image in each bin
        /// it reached.
        mutating func add(image sums: [Double], _ counts: [Int]) {
            images += 1
            for k in counts.indices where counts[k] > 0 {
                self.sums[k] += sums[k]; self.counts[k] += counts[k]; imageCounts[k] += 1
            }
        }

        public mutating func merge(_ o: Histogram) {
            precondition(o.lowerBound == lowerBound && o.binWidth == binWidth && o.sums.count == sums.count, "histograms of other bins")
            for k in sums.indices { sums[k] += o.sums[k]; counts[k] += o.counts[k]; imageCounts[k] += o.imageCounts[k] }
            withoutPost += o.withoutPost; narrow += o.narrow; filtered += o.filtered; clipped += o.clipped; images += o.images
        }
    }

    /// Least-squares slope of mean update against bin centre, weighted by events, over the bins
    /// `meaningful` keeps (a one-number summary of the curve's sign: > 0 is STDP-like,
    /// potentiation for post-after-pre).
    public static func slope(_ h: Histogram, minEvents: Int = 1, minImages: Int = 1) -> Double {
        var sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        for k in h.meaningful(minEvents: minEvents, minImages: minImages) {
            let w = Double(h.counts[k]), x = h.centre(k), y = h.sums[k] / w
            sw += w; sx += w * x; sy += w * y; sxx += w * x * x; sxy += w * x * y
        }
        let den = sw * sxx - sx * sx
        return den > 0 ? (sw * sxy - sx * sy) / den : .nan
    }

    /// Event-weighted mean update over the meaningful bins whose centre lies in `within` (all of
    /// them by default): the curve's offset from zero, or one side of it.
    public static func meanUpdate(_ h: Histogram, minEvents: Int = 1, minImages: Int = 1,
                                  within: ClosedRange<Double> = -Double.infinity...Double.infinity) -> Double {
        let ks = h.meaningful(minEvents: minEvents, minImages: minImages).filter { within.contains(h.centre($0)) }
        let n = ks.reduce(0) { $0 + h.counts[$1] }
        return n > 0 ? ks.reduce(0.0) { $0 + h.sums[$1] } / Double(n) : .nan
    }
}

/// One definition's histograms, one per nudge sign of the image: under the random-sign rule a -beta
/// image slows the neurons a +beta image speeds up while its update keeps the +beta sign (eta is
/// negated with beta), so mixing the two would cancel the timing the curve is about.
public struct STDPSplit: Sendable, Equatable {
    /// Images nudged by +beta (every image under the positive-sign rule).
    public var plus: STDPAnalysis.Histogram
    /// Images nudged by -beta.
    public var minus: STDPAnalysis.Histogram

    public init(_ empty: STDPAnalysis.Histogram) { plus = empty; minus = empty }

    public subscript(negative: Bool) -> STDPAnalysis.Histogram {
        get { negative ? minus : plus }
        set { if negative { minus = newValue } else { plus = newValue } }
    }
}
