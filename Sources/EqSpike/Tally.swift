/// Running sums over a set of presented images: what metrics.csv and eval reports are made of.
public struct EpochTally: Codable, Equatable, Sendable {
    public var images = 0
    public var correct = 0
    public var firstSpikeCorrect = 0
    public var withOutputSpike = 0
    public var firstSpikeClockSum = 0
    public var nudged = 0
    public var spikesInput = 0
    public var spikesHidden = 0
    public var spikesOutput = 0
    public var synopsFree = 0
    public var synopsNudge = 0
    public var clocks = 0
    public var saturations = 0
    /// confusion[label * classes + prediction]
    public var confusion: [Int]
    public let classes: Int
    /// First-spike readout deadline (clocks): an output spike shown after clock `deadline` counts
    /// as none (`<=`: the golden model's `GoldenImageResult.firstSpikeCorrect` reads the same clocks).
    public let firstSpikeDeadline: Int
    /// The energy account's counters over this tally's images (`Chip.activity` differences), for
    /// energy per image; set by whoever presents the images (Trainer, Evaluator), carried through
    /// a checkpoint's partial epoch. nil: not counted (checkpoints written before it existed).
    public var activity: ActivitySnapshot? = nil

    public init(classes: Int, firstSpikeDeadline: Int) {
        self.classes = classes
        self.firstSpikeDeadline = firstSpikeDeadline
        confusion = [Int](repeating: 0, count: classes * classes)
    }

    public mutating func add(_ r: ImageResult) {
        images += 1
        if r.correct { correct += 1 }
        if r.firstSpikeClock >= 0 {
            withOutputSpike += 1
            firstSpikeClockSum += r.firstSpikeClock
            if r.firstSpikeClock <= firstSpikeDeadline && r.firstSpikeClass == r.label { firstSpikeCorrect += 1 }
        }
        if r.nudged { nudged += 1 }
        spikesInput += r.spikes.input
        spikesHidden += r.spikes.hidden
        spikesOutput += r.spikes.output
        synopsFree += r.synopsFree
        synopsNudge += r.synopsNudge
        clocks += r.clocks
        saturations += r.saturations
        if r.label >= 0 && r.label < classes && r.prediction < classes { confusion[r.label * classes + r.prediction] += 1 }
    }

    public mutating func merge(_ o: EpochTally) {
        images += o.images; correct += o.correct; firstSpikeCorrect += o.firstSpikeCorrect
        withOutputSpike += o.withOutputSpike; firstSpikeClockSum += o.firstSpikeClockSum; nudged += o.nudged
        spikesInput += o.spikesInput; spikesHidden += o.spikesHidden; spikesOutput += o.spikesOutput
        synopsFree += o.synopsFree; synopsNudge += o.synopsNudge; clocks += o.clocks; saturations += o.saturations
        for i in confusion.indices { confusion[i] += o.confusion[i] }
        if let a = activity, let b = o.activity { activity = a.plus(b) } else { activity = nil }
    }

    /// What is impossible in a tally read from a file, or nil (checkpoints are input).
    public var problem: String? {
        guard (1...65_536).contains(classes) else { return "classes \(classes) is outside 1...65536" }
        guard confusion.count == classes * classes else { return "the confusion matrix has \(confusion.count) entries, not \(classes * classes)" }
        let counts = [images, correct, firstSpikeCorrect, withOutputSpike, firstSpikeClockSum, nudged, spikesInput, spikesHidden,
                      spikesOutput, synopsFree, synopsNudge, clocks, saturations, firstSpikeDeadline] + confusion
        // Bounded so that no sum made of them later can overflow.
        guard (counts + (activity?.counts ?? [])).allSatisfy({ $0 >= 0 && $0 <= 1 << 56 }) else { return "a count outside 0...2^56" }
        guard correct <= images, firstSpikeCorrect <= images, withOutputSpike <= images, nudged <= images else {
            return "more correct, nudged or spiking images than images"
        }
        var counted = 0
        for c in confusion {
            counted += c
            guard counted <= images else { return "the confusion matrix counts more images than the tally" }
        }
        return nil
    }

    private func per(_ x: Int) -> Double { images > 0 ? Double(x) / Double(images) : 0 }
    public var accuracy: Double { per(correct) }
    public var firstSpikeAccuracy: Double { per(firstSpikeCorrect) }
    public var nudgedFraction: Double { per(nudged) }
    public var meanFirstSpikeClock: Double { withOutputSpike > 0 ? Double(firstSpikeClockSum) / Double(withOutputSpike) : .nan }
    public var synopsFreePerImage: Double { per(synopsFree) }
    public var synopsNudgePerImage: Double { per(synopsNudge) }
    public func spikesPerNeuronPerImage(neurons: Int) -> Double {
        neurons > 0 ? per(spikesInput + spikesHidden + spikesOutput) / Double(neurons) : 0
    }
}
