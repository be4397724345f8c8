import EqSpike
import Foundation

/// One spike: the clock (since stimulus onset) at which a lane's spike register was high.
public struct SpikeEvent: Sendable, Equatable, Hashable {
    public var clock: Int
    public var lane: Int
    public init(clock: Int, lane: Int) { self.clock = clock; self.lane = lane }
}

/// The output spikes of one image during its free phase, in clock order, and its label.
///
/// Clock convention (as Chip.present and EpochTally): an event at clock c means the output spike
/// register was high during clock c (the spike was emitted at the edge that ended clock c - 1);
/// ImageResult.firstSpikeClock is the clock of the first event.
public struct OutputSpikeTrain: Sendable, Equatable {
    public var label: Int
    public var events: [SpikeEvent]
    public init(label: Int, events: [SpikeEvent]) { self.label = label; self.events = events }

    /// The first event (ties in one clock: the lowest output index, as the chip's readout).
    public var firstSpike: SpikeEvent? {
        guard let c = events.first?.clock else { return nil }
        return events.prefix { $0.clock == c }.min { $0.lane < $1.lane }
    }
}

/// Fig. 3: test accuracy as a function of time for the two readouts.
public enum AccuracyOverTime {
    public struct Curves: Sendable, Equatable {
        /// Clocks t = 0 ... horizon-1.
        public var clocks: [Int]
        /// Rate readout by clock t: the output with the most spikes in clocks 0 ... t (ties: lowest
        /// index); an image with no output spike yet has no answer and counts as wrong.
        public var rate: [Double]
        /// First-spike readout by clock t: correct when the first output spike came at a clock <= t
        /// from the labelled output (the chip's first-spike readout with deadline t).
        public var firstSpike: [Double]
        /// Fraction of images with at least one output spike by clock t.
        public var answered: [Double]
        /// Mean clock of the first output spike over images that have one (NaN if none).
        public var meanFirstSpikeClock: Double
        public var images: Int
        public var imagesWithoutSpike: Int
    }

    /// Curves over clocks 0 ..< horizon from the output spike trains of `outputs` neurons.
    public static func curves(_ trains: [OutputSpikeTrain], outputs: Int, horizon: Int) -> Curves {
        let n = trains.count
        var rateCorrect = [Int](repeating: 0, count: horizon)
        var firstCorrect = [Int](repeating: 0, count: horizon)
        var answered = [Int](repeating: 0, count: horizon)
        var firstSum = 0, withSpike = 0
        var counts = [Int](repeating: 0, count: outputs)
        for train in trains {
            for o in 0 ..< outputs { counts[o] = 0 }
            if let f = train.firstSpike {
                withSpike += 1
                firstSum += f.clock
                if f.clock < horizon {
                    for t in max(f.clock, 0) ..< horizon {
                        answered[t] += 1
                        if f.lane == train.label { firstCorrect[t] += 1 }
                    }
                }
            }
            // Rate readout: walk the clocks, updating the counts with the events of each clock.
            var k = 0
            var best = -1
            for t in 0 ..< horizon {
                var changed = false
                while k < train.events.count && train.events[k].clock <= t {
                    let e = train.events[k]
                    if e.lane >= 0 && e.lane < outputs { counts[e.lane] += 1; changed = true }
                    k += 1
                }
                if changed {
                    best = 0
                    for o in 1 ..< outputs where counts[o] > counts[best] { best = o }
                }
                if best >= 0 && best == train.label { rateCorrect[t] += 1 }
            }
        }
        let d = Double(max(n, 1))
        return Curves(clocks: Array(0 ..< horizon), rate: rateCorrect.map { Double($0) / d },
                      firstSpike: firstCorrect.map { Double($0) / d }, answered: answered.map { Double($0) / d },
                      meanFirstSpikeClock: withSpike > 0 ? Double(firstSum) / Double(withSpike) : .nan,
                      images: n, imagesWithoutSpike: n - withSpike)
    }

    /// Accuracy of the chip's rate readout: most spikes in clocks [from, to) (ties and no spikes:
    /// the lowest index, as Chip.present).
    public static func windowAccuracy(_ trains: [OutputSpikeTrain], outputs: Int, from: Int, to: Int) -> Double {
        guard !trains.isEmpty else { return .nan }
        var correct = 0
        var counts = [Int](repeating: 0, count: outputs)
        for train in trains {
            for o in 0 ..< outputs { counts[o] = 0 }
            for e in train.events where e.clock >= from && e.clock < to && e.lane >= 0 && e.lane < outputs { counts[e.lane] += 1 }
            var best = 0
            for o in 1 ..< outputs where counts[o] > counts[best] { best = o }
            if best == train.label { correct += 1 }
        }
        return Double(correct) / Double(trains.count)
    }
}
