/// The phase controller of one image (docs/algorithm.md, "Per image"): reset, free phase, readout
/// and skip test, nudge phase with learning (training only), deferred commit.

/// What one presentation produced, in the golden model's terms (optional first spike, per-phase
/// counts). Named apart from the chip's `ImageResult` (EqSpike), which has other fields;
/// `GoldenTrainer.imageResult` is the one place that maps this onto that.
public struct GoldenImageResult: Sendable, Equatable {
    public var label: Int
    /// Output with the highest count over the readout window (ties: lowest index).
    public var prediction: Int
    /// Output spike counts over the readout window.
    public var counts: [Int]
    /// First output spike of the free phase: its class (lowest index on a tie) and clock (the first
    /// t with some s_o(t) = 1), nil if no output spiked.
    public var firstSpikeClass: Int?
    public var firstSpikeTime: Int?
    /// Whether the nudge phase ran (training and the skip test failed).
    public var nudged: Bool
    /// Spikes per layer and SynOps in each phase.
    public var free: LayerCounts
    public var nudge: LayerCounts
    /// SynOps of the free-phase clocks before `firstSpikeDeadline` (inference cost of a
    /// first-spike readout).
    public var synOpsEarly: Int

    public var correct: Bool { prediction == label }
    /// First-spike readout with the deadline: correct if the first output spike came by it (clock
    /// `deadline` included) and names the label. The same rule as the chip's `EpochTally`, which
    /// counts a spike register shown during clock `deadline`; `firstSpikeTime` is that clock's
    /// index (the step whose counters see s(t)), so both models read the same clocks.
    public func firstSpikeCorrect(deadline: Int) -> Bool {
        guard let t = firstSpikeTime, let c = firstSpikeClass else { return false }
        return t <= deadline && c == label
    }
}

extension GoldenNetwork {
    /// Presents one image: reset, T_free free clocks, readout; when `train` and the outputs miss
    /// their targets, T_nudge nudge clocks with learning, then the deferred commit.
    @discardableResult
    public func present<C: Collection>(image pixels: C, label: Int, train: Bool) -> GoldenImageResult where C.Element == UInt8 {
        beginImage(pixels: pixels, label: label)
        for _ in 0 ..< config.tFree { step() }
        let prediction = self.prediction
        let counts = self.counts
        let nudge = train && config.tNudge > 0 && !outputsOnTarget
        if nudge {
            if config.antiNudgeClocks > 0 {
                // Extension: the opposite of this image's beta, without learning, first
                // (symmetric estimate).
                let wasLearning = learning
                beginNudge()
                nudgeSign = -nudgeSign
                learning = false
                for _ in 0 ..< config.antiNudgeClocks { step() }
                learning = wasLearning
            }
            beginNudge()
            for _ in 0 ..< config.tNudge { step() }
            endNudge()
        }
        return GoldenImageResult(label: label, prediction: prediction, counts: counts,
                           firstSpikeClass: firstSpikeClass, firstSpikeTime: firstSpikeTime,
                           nudged: nudge, free: spikesFree, nudge: spikesNudge, synOpsEarly: synOpsEarly)
    }
}
