import EqSpike
import Foundation
import HDL
import Blocks

// Host-side observers for the report. Each is a ClockObserver attached to chip.simulator: it reads
// port values in the sample step of every clock (after every block evaluated, before the edge), so
// it sees exactly what the blocks see and changes nothing. The simulator's cycle counter restarts
// at 0 with the reset that starts every image, so `cycle` is the clock since stimulus onset.

/// Fig. 3 and the energy table: output spikes of each test image during its free phase, SynOps by
/// the first-spike deadline and by clock, spikes before the first output spike.
public final class InferenceRecorder: ClockObserver {
    let chip: Chip
    let outSpike: UnsafeMutablePointer<Int32>
    let inSpike: UnsafeMutablePointer<Int32>
    /// Every hidden layer's spike register and lanes.
    let hidSpikes: [(UnsafeMutablePointer<Int32>, Int)]
    let nOut: Int, nIn: Int
    public let horizon: Int
    public let deadline: Int

    private var events: [SpikeEvent] = []
    private var synopsStart = 0
    private var seenOutput = false
    private var spikesBefore = 0

    /// One train per image, in presentation order.
    public private(set) var trains: [OutputSpikeTrain] = []
    /// Sum over images of the SynOps made in clocks 0 ... t, per clock t.
    public private(set) var synopsThrough: [Double]
    public private(set) var counts = InferenceCounts()
    private var spikesBeforeImages = 0
    /// The energy account's counters summed over the images: whole inferences (the rate
    /// readout's free phase) and each image up to the first-spike deadline.
    public private(set) var activity: ActivitySnapshot
    public private(set) var activityByDeadline: ActivitySnapshot

    public init(chip: Chip) {
        self.chip = chip
        outSpike = chip.outputLayer.spike.pointer
        inSpike = chip.inputLayer.spike.pointer
        hidSpikes = chip.hiddenLayers.map { ($0.spike.pointer, $0.lanes) }
        nOut = chip.outputs; nIn = chip.inputs
        horizon = chip.phase.tFree
        deadline = min(chip.settings.firstSpikeDeadline, chip.phase.tFree - 1)
        synopsThrough = [Double](repeating: 0, count: chip.phase.tFree)
        counts.deadline = deadline
        activity = chip.noActivity
        activityByDeadline = chip.noActivity
        chip.recordsReadoutActivity = true   // for the first-spike readout's energy; ReportRun turns it off after the pass
    }

    public func sample(cycle: Int) {
        guard cycle < horizon else { return }
        if cycle == 0 {
            events.removeAll(keepingCapacity: true)
            seenOutput = false
            spikesBefore = 0
        }
        var any = false
        for o in 0 ..< nOut where outSpike[o] != 0 {
            events.append(SpikeEvent(clock: cycle, lane: o))
            any = true
        }
        if any { seenOutput = true }
        if !seenOutput {
            var n = 0
            for i in 0 ..< nIn { n &+= Int(inSpike[i]) }
            for (hidSpike, nHid) in hidSpikes { for h in 0 ..< nHid { n &+= Int(hidSpike[h]) } }
            spikesBefore += n
        }
        synopsThrough[cycle] += Double(chip.synapticOperations - synopsStart)
    }

    /// Presents one test image (inference) and records it.
    @discardableResult
    public func present(pixels: UnsafeBufferPointer<UInt8>, label: Int) -> ImageResult {
        synopsStart = chip.synapticOperations
        // Past W1, every array's rows are forward reads and its columns back reads.
        let deeper = chip.weightArrays.dropFirst()
        let w1r = chip.w1.rowReads, w2r = deeper.reduce(0) { $0 + $1.rowReads }, w2c = deeper.reduce(0) { $0 + $1.colReads }
        let r = chip.present(pixels: pixels, label: label, train: false)
        if let a = r.activityAtStart {
            activity = activity.plus(chip.activity.minus(a))
            if let b = r.activityAtDeadline { activityByDeadline = activityByDeadline.plus(b.minus(a)) }
        }
        trains.append(OutputSpikeTrain(label: label, events: events))
        counts.images += 1
        counts.spikesInput += Double(r.spikes.input)
        counts.spikesHidden += Double(r.spikes.hidden)
        counts.spikesOutput += Double(r.spikes.output)
        counts.synopsInputHidden += Double(chip.w1.rowReads - w1r)
        counts.synopsHiddenOutput += Double(deeper.reduce(0) { $0 + $1.rowReads } - w2r)
        counts.synopsOutputHidden += Double(deeper.reduce(0) { $0 + $1.colReads } - w2c)
        if seenOutput { counts.spikesBeforeFirstOutput += Double(spikesBefore); spikesBeforeImages += 1 }
        return r
    }

    /// Per-image means (the sums divided by the number of images).
    public var meanCounts: InferenceCounts {
        var c = counts
        let n = Double(max(c.images, 1))
        c.spikesInput /= n; c.spikesHidden /= n; c.spikesOutput /= n
        c.synopsInputHidden /= n; c.synopsHiddenOutput /= n; c.synopsOutputHidden /= n
        c.synopsByDeadline = deadline < synopsThrough.count ? synopsThrough[deadline] / n : .nan
        c.spikesBeforeFirstOutput = spikesBeforeImages > 0 ? c.spikesBeforeFirstOutput / Double(spikesBeforeImages) : .nan
        return c
    }

    /// Merges another recorder's results (another chip's share of the test set, later images).
    public func merge(_ o: InferenceRecorder) {
        trains += o.trains
        for t in synopsThrough.indices where t < o.synopsThrough.count { synopsThrough[t] += o.synopsThrough[t] }
        counts.images += o.counts.images
        counts.spikesInput += o.counts.spikesInput; counts.spikesHidden += o.counts.spikesHidden; counts.spikesOutput += o.counts.spikesOutput
        counts.synopsInputHidden += o.counts.synopsInputHidden; counts.synopsHiddenOutput += o.counts.synopsHiddenOutput
        counts.synopsOutputHidden += o.counts.synopsOutputHidden
        counts.spikesBeforeFirstOutput += o.counts.spikesBeforeFirstOutput
        spikesBeforeImages += o.spikesBeforeImages
        activity = activity.plus(o.activity)
        activityByDeadline = activityByDeadline.plus(o.activityByDeadline)
    }
}

/// Fig. 5c: input and hidden spikes, the W1 increments of training images clock by clock, and the
/// image's nudge sign.
///
/// The increment is read from the crossbar's update port: on a learning clock (its `learn` input
/// high) every row whose `row_spike` is high receives `row_delta` (docs/algorithm.md; in deferred
/// mode into the shadow array, committed when the nudge phase ends). These are the values that
/// reach the shadow exactly (ReportTests checks it against `shadowValues`). A rank-1 W1
/// (docs/rank1-commit.md) does not write them one by one: its commit gives every spike of the
/// phase the phase's mean row_delta, so the figure then shows the rule that commit approximates.
/// The sign is the nudge unit's `negative` output on a learning clock (it holds through the nudge
/// phase; always 0 under the positive-sign rule).
public final class LearningRecorder: ClockObserver {
    let chip: Chip
    let rowSpike: UnsafeMutablePointer<Int32>
    let hidSpike: UnsafeMutablePointer<Int32>
    let negativePort: UnsafeMutablePointer<Int32>
    let learn: HDL.Port
    let rowDelta: HDL.Port
    let nIn: Int, nHid: Int
    public let options: STDPAnalysis.Options
    private var pre: [[Int]]
    private var post: [[Int]]
    private var updates: [STDPImage.Update] = []
    private var negative = false
    private var clocks = 0
    /// The paper's definition and the update-anchored one, each split by the images' nudge sign.
    public private(set) var paper: STDPSplit
    public private(set) var updateAnchored: STDPSplit
    /// Images not nudged (the skip decision): no learning, so no events and no sign.
    public private(set) var skipped = 0
    /// The last image's record (tests).
    public private(set) var lastImage: STDPImage?

    public init(chip: Chip, options: STDPAnalysis.Options = .init()) {
        self.chip = chip
        self.options = options
        rowSpike = chip.inputLayer.spike.pointer
        hidSpike = chip.hiddenLayer.spike.pointer
        negativePort = chip.nudge.negative.pointer
        learn = chip.w1.learn
        rowDelta = chip.w1.rowDelta
        nIn = chip.inputs; nHid = chip.hiddenLayer.lanes
        pre = [[Int]](repeating: [], count: nIn)
        post = [[Int]](repeating: [], count: nHid)
        paper = STDPSplit(STDPAnalysis.paperHistogram(options))
        updateAnchored = STDPSplit(STDPAnalysis.updateAnchoredHistogram(options))
    }

    public func sample(cycle: Int) {
        if cycle == 0 {
            for i in 0 ..< nIn { pre[i].removeAll(keepingCapacity: true) }
            for h in 0 ..< nHid { post[h].removeAll(keepingCapacity: true) }
            updates.removeAll(keepingCapacity: true)
            negative = false
        }
        clocks = cycle + 1
        var anyPre = false
        for i in 0 ..< nIn where rowSpike[i] != 0 { pre[i].append(cycle); anyPre = true }
        for h in 0 ..< nHid where hidSpike[h] != 0 { post[h].append(cycle) }
        let learning = learn.isConnected && learn.pointer[0] != 0
        if learning { negative = negativePort[0] != 0 }
        if anyPre && learning && rowDelta.isConnected {
            updates.append(STDPImage.Update(clock: cycle, deltas: (0 ..< nHid).map { rowDelta.real($0) }))
        }
    }

    /// Presents one training image (learning on) and, if it was nudged, adds its events to the
    /// histograms of its sign.
    @discardableResult
    public func present(pixels: UnsafeBufferPointer<UInt8>, label: Int) -> ImageResult {
        let r = chip.present(pixels: pixels, label: label, train: true)
        let image = STDPImage(clocks: clocks, freeClocks: chip.phase.tFree, pre: pre, post: post, updates: updates, negative: negative)
        lastImage = image
        guard r.nudged else { skipped += 1; return r }
        STDPAnalysis.addPaper(image, to: &paper[image.negative], options: options)
        STDPAnalysis.addUpdateAnchored(image, to: &updateAnchored[image.negative], options: options)
        return r
    }
}

/// One image through both phases: spikes of every layer and membrane potentials, clock by clock.
public final class TraceRecorder: ClockObserver {
    let chip: Chip
    public private(set) var input: [SpikeEvent] = []
    public private(set) var hidden: [SpikeEvent] = []
    public private(set) var output: [SpikeEvent] = []
    /// Output membrane potentials, [clock][output].
    public private(set) var outputMembrane: [[Double]] = []
    /// Membrane potentials of the first hidden neurons, [clock][k].
    public private(set) var hiddenMembrane: [[Double]] = []
    public let hiddenShown: Int
    public private(set) var nudgeStart: Int? = nil

    public init(chip: Chip, hiddenShown: Int = 4) {
        self.chip = chip
        self.hiddenShown = min(hiddenShown, chip.hiddenLayer.lanes)
    }

    public func sample(cycle: Int) {
        if cycle == 0 {
            input = []; hidden = []; output = []; outputMembrane = []; hiddenMembrane = []; nudgeStart = nil
        }
        func spikes(_ l: any NeuronLayer, into a: inout [SpikeEvent]) {
            let p = l.spike.pointer
            for k in 0 ..< l.lanes where p[k] != 0 { a.append(SpikeEvent(clock: cycle, lane: k)) }
        }
        spikes(chip.inputLayer, into: &input)
        spikes(chip.hiddenLayer, into: &hidden)
        spikes(chip.outputLayer, into: &output)
        outputMembrane.append((0 ..< chip.outputs).map { chip.outputLayer.membrane.real($0) })
        hiddenMembrane.append((0 ..< hiddenShown).map { chip.hiddenLayer.membrane.real($0) })
        if nudgeStart == nil && chip.phase.phase.pointer[0] == PhaseController.Phase.nudge.rawValue { nudgeStart = cycle }
    }

    public var clocks: Int { outputMembrane.count }
}
