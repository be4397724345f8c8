import Datasets

/// The host's test bench: one image through the chip. Every caller that clocks the chip through an
/// image (training, evaluation, the report's recorders, compare, bench) goes through `load` and
/// `runImage`, so the load / reset / clock-until-done sequence and its clock limit exist once.
extension Chip {
    /// Spikes emitted by all hidden layers so far.
    var hiddenSpikesEmitted: Int { hiddenLayers.reduce(0) { $0 + $1.spikesEmitted } }

    /// Longest an image may take: a guard against a controller that never finishes.
    var maxClocks: Int { phase.tFree + phase.tNudge + 4 }

    /// Clocks between two looks at Ctrl-C inside an image (about a millisecond of simulation).
    static let interruptPollClocks = 1024

    /// Loads one image as a test bench does, without clocking: the pixels, the target, train or
    /// inference. (Loading counts the encoder's saturations: callers read counters around it.)
    package func load(pixels: UnsafeBufferPointer<UInt8>, label: Int, train: Bool) {
        encoder.load(pixels: pixels)
        nudge.load(target: label)
        phase.train = train
    }

    /// Runs the loaded image: pulse reset, then clock until the phase controller is done.
    /// `beforeClock(t)` sees the settled state after `t` clocks, just before the next edge;
    /// `afterClock(t)` sees it after the edge of clock `t` (1-based) and returns false to stop
    /// there. At most `min(clockLimit, maxClocks)` clocks. Returns the number of clocks run.
    @inline(__always)
    package func runImage(clockLimit: Int = .max, beforeClock: (_ clocks: Int) -> Void = { _ in },
                  afterClock: (_ clocks: Int) -> Bool = { _ in true }) -> Int {
        let sim = simulator
        sim.reset()
        let limit = min(clockLimit, maxClocks)
        var clocks = 0
        while !phase.isDone && clocks < limit {
            beforeClock(clocks)
            sim.step()
            systemCycles.record(lastTickSystemCycles)
            clocks += 1
            if !afterClock(clocks) { break }
        }
        return clocks
    }

    /// The prediction the readout counters hold now (`Readout.predictedClass`).
    package var readoutPrediction: Int { Readout.predictedClass(readout.count.values) }

    /// Presents one image: reset, free phase, readout, nudge phase unless skipped (training only).
    /// With `stopOnInterrupt`, Ctrl-C stops the image within `interruptPollClocks` clocks and the
    /// result is marked `interrupted` (the chip is then mid-image: its state is not consistent).
    @discardableResult
    public func present(pixels: UnsafeBufferPointer<UInt8>, label: Int, train: Bool, stopOnInterrupt: Bool = false) -> ImageResult {
        load(pixels: pixels, label: label, train: train)
        let synBefore = synapticOperations
        let spikesBefore = (inputLayer.spikesEmitted, hiddenSpikesEmitted, outputLayer.spikesEmitted)
        let saturationsBefore = simulator.saturations
        let cyclesBefore = systemCycles.total
        var result = ImageResult(label: label)
        // Activity at the start and at the first-spike readout's answer (clocks 0 ... deadline), so
        // that the energy of that readout is its own, not the whole free phase's; only when asked
        // (eval), as the snapshots allocate.
        let deadlineClocks = recordsReadoutActivity ? settings.firstSpikeDeadline + 1 : -1
        if recordsReadoutActivity { result.activityAtStart = activity }
        let outSpike = outputLayer.spike.pointer
        let nOut = outputs
        let tFree = phase.tFree
        var freeSynOps = 0
        let clocks = runImage(beforeClock: { clocks in
            guard result.firstSpikeClock < 0 else { return }
            for o in 0..<nOut where outSpike[o] != 0 {
                result.firstSpikeClock = clocks
                result.firstSpikeClass = o
                break
            }
        }, afterClock: { clocks in
            if stopOnInterrupt && clocks % Chip.interruptPollClocks == 0 && Interrupt.requested {
                result.interrupted = true
                return false
            }
            if clocks == deadlineClocks { result.activityAtDeadline = self.activity }
            if clocks == tFree {
                freeSynOps = synapticOperations - synBefore
                result.counts = readout.count.values.map(Int.init)
            }
            return true
        })
        if result.interrupted { return result }
        result.clocks = clocks
        result.systemCycles = systemCycles.total - cyclesBefore
        result.saturations = simulator.saturations - saturationsBefore
        result.nudged = phase.nudgedThisImage
        result.synopsFree = freeSynOps
        result.synopsNudge = synapticOperations - synBefore - freeSynOps
        result.spikes = (inputLayer.spikesEmitted - spikesBefore.0, hiddenSpikesEmitted - spikesBefore.1,
                         outputLayer.spikesEmitted - spikesBefore.2)
        // Highest count over the readout window (as latched at the end of the free phase).
        result.prediction = Readout.predictedClass(result.counts)
        return result
    }
}

/// What one image did on the chip.
public struct ImageResult: Sendable {
    public var label: Int
    public var prediction = 0
    public var counts: [Int] = []
    public var firstSpikeClass = -1
    public var firstSpikeClock = -1
    public var nudged = false
    public var clocks = 0
    public var synopsFree = 0
    public var synopsNudge = 0
    /// System cycles the image's ticks took (`SystemCycleHistogram`).
    public var systemCycles = 0
    /// The chip's activity counters when the image started and after clock `first_spike_deadline`
    /// (nil if the image ended before it): the first-spike readout's energy lies between them.
    public var activityAtStart: ActivitySnapshot? = nil
    public var activityAtDeadline: ActivitySnapshot? = nil
    /// Values clamped or wrapped by any block while this image ran.
    public var saturations = 0
    /// Spikes per layer; `hidden` sums every hidden layer.
    public var spikes: (input: Int, hidden: Int, output: Int) = (0, 0, 0)
    /// Stopped by Ctrl-C before the phase controller was done (the other fields are incomplete).
    public var interrupted = false

    public init(label: Int) { self.label = label }
    public var correct: Bool { prediction == label }
}
