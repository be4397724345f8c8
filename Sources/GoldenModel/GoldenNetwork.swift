import Datasets
import FixedPoint

/// The float (Double) golden model of EqSpike: input -> hidden <-> output, one clock per `step()`,
/// following docs/algorithm.md. The phase controller (`present`) lives in GoldenPresent.swift.
///
/// Memories (row-major, flat):
///   W1[i * hidden + h]   input i -> hidden h      (inputs x hidden)
///   W2[h * outputs + o]  hidden h <-> output o    (hidden x outputs, read by rows and by columns)
///   bH[h], bO[o]
/// Deferred mode adds shadow arrays dW1, dW2, dBH, dBO of the same shapes; rank-1 mode replaces
/// dW1 by the spike counts r1Count[i] (inputs), the sums r1Acc[h] (hidden) and the clock count r1Clocks.
public final class GoldenNetwork {
    /// The parameter set. Changing sizes or estimator lengths needs a new network; learning rates,
    /// beta, readout and skip settings may be changed between images through `setConfig`.
    public private(set) var config: GoldenConfig

    public let inputLayer: GoldenLIFBank
    public let hiddenLayer: GoldenLIFBank
    public let outputLayer: GoldenLIFBank
    public let hiddenEstimator: GoldenEstimatorBank
    public let outputEstimator: GoldenEstimatorBank

    let nIn: Int, nH: Int, nO: Int
    let w1: UnsafeMutablePointer<Double>
    let w2: UnsafeMutablePointer<Double>
    let bH: UnsafeMutablePointer<Double>
    let bO: UnsafeMutablePointer<Double>
    let dW1: UnsafeMutablePointer<Double>
    let dW2: UnsafeMutablePointer<Double>
    let dBH: UnsafeMutablePointer<Double>
    let dBO: UnsafeMutablePointer<Double>
    /// Rows of dW1 touched since the last commit (so the commit sweeps only those).
    let dW1Touched: UnsafeMutablePointer<Bool>
    /// Rank-1 mode: spikes of each input in the learning clocks, sum of eta1 * F_h over them, their number.
    let r1Count: UnsafeMutablePointer<Int>
    let r1Acc: UnsafeMutablePointer<Double>
    var r1Clocks = 0

    // Per-clock scratch: currents and scaled derivatives.
    let iX: UnsafeMutablePointer<Double>
    let iH: UnsafeMutablePointer<Double>
    let iO: UnsafeMutablePointer<Double>
    let gH: UnsafeMutablePointer<Double>
    let gO: UnsafeMutablePointer<Double>
    /// One-hot target y.
    let target: UnsafeMutablePointer<Double>

    /// Clock index within the current image (0 = first free-phase clock).
    public private(set) var clock = 0
    /// Nudge on (and learning on, when `learning`) for the clocks now being stepped.
    public private(set) var nudging = false
    /// Sign of the nudge (+1; -1 for an image drawn negative by random-sign nudging, and during the
    /// anti-nudge clocks of the symmetric extension). The learning rates carry the same sign.
    public var nudgeSign = 1.0
    /// Random-sign nudging: the sign source, as the chip's `nudge` block (`config.nudgeSignState`;
    /// stepped once per clock outside the nudge phase).
    public private(set) var signLFSR: LFSR32?
    /// Weight updates applied in nudge clocks (false: nudge without learning, for analysis).
    public var learning = true
    /// Multiplier applied to eta1, eta2 and etaB (the per-epoch schedule).
    public var etaScale = 1.0

    // Per-image counters (reset at `beginImage`).
    /// Output spike counts over the readout window.
    let readoutCounts: UnsafeMutablePointer<Int>
    /// Spikes per layer [input, hidden, output] per phase [free, nudge]: counts of s(t) = 1.
    public internal(set) var spikesFree = LayerCounts()
    public internal(set) var spikesNudge = LayerCounts()
    /// SynOps of clocks before `firstSpikeDeadline`.
    public internal(set) var synOpsEarly = 0
    public internal(set) var firstSpikeClass: Int?
    public internal(set) var firstSpikeTime: Int?

    /// Builds a network with the initial weights of `GoldenInit` drawn from
    /// `SeededGenerator(seed: config.seed)`, biases 0.
    public convenience init(config: GoldenConfig) throws {
        var rng = SeededGenerator(seed: config.seed)
        try self.init(config: config, rng: &rng)
    }

    /// Builds a network with the initial weights of `GoldenInit` drawn from `rng`, biases 0.
    public init<G: RandomNumberGenerator>(config: GoldenConfig, rng: inout G) throws {
        let errors = config.validationErrors()
        guard errors.isEmpty else { throw GoldenError.invalidConfig(errors) }
        self.config = config
        nIn = config.inputs; nH = config.hidden; nO = config.outputs
        inputLayer = GoldenLIFBank(count: nIn, config: config)
        hiddenLayer = GoldenLIFBank(count: nH, config: config)
        outputLayer = GoldenLIFBank(count: nO, config: config)
        hiddenEstimator = GoldenEstimatorBank(count: nH, config: config)
        outputEstimator = GoldenEstimatorBank(count: nO, config: config)
        w1 = .allocate(capacity: nIn * nH); dW1 = .allocate(capacity: nIn * nH)
        w2 = .allocate(capacity: nH * nO); dW2 = .allocate(capacity: nH * nO)
        bH = .allocate(capacity: nH); dBH = .allocate(capacity: nH)
        bO = .allocate(capacity: nO); dBO = .allocate(capacity: nO)
        dW1Touched = .allocate(capacity: nIn)
        r1Count = .allocate(capacity: nIn); r1Acc = .allocate(capacity: nH)
        r1Count.update(repeating: 0, count: nIn); r1Acc.update(repeating: 0, count: nH)
        iX = .allocate(capacity: nIn); iH = .allocate(capacity: nH); iO = .allocate(capacity: nO)
        gH = .allocate(capacity: nH); gO = .allocate(capacity: nO)
        target = .allocate(capacity: nO)
        readoutCounts = .allocate(capacity: nO)
        dW1.update(repeating: 0, count: nIn * nH)
        dW2.update(repeating: 0, count: nH * nO)
        bH.update(repeating: 0, count: nH); dBH.update(repeating: 0, count: nH)
        bO.update(repeating: 0, count: nO); dBO.update(repeating: 0, count: nO)
        dW1Touched.update(repeating: false, count: nIn)
        iX.update(repeating: 0, count: nIn); iH.update(repeating: 0, count: nH); iO.update(repeating: 0, count: nO)
        gH.update(repeating: 0, count: nH); gO.update(repeating: 0, count: nO)
        target.update(repeating: 0, count: nO)
        readoutCounts.update(repeating: 0, count: nO)
        GoldenInit.fill(w1: w1, w2: w2, config: config, rng: &rng)
        if config.nudgeSignState != 0 { signLFSR = LFSR32(seed: config.nudgeSignState) }
    }

    deinit {
        for p in [w1, w2, bH, bO, dW1, dW2, dBH, dBO, iX, iH, iO, gH, gO, target] { p.deallocate() }
        dW1Touched.deallocate()
        r1Count.deallocate(); r1Acc.deallocate()
        readoutCounts.deallocate()
    }

    /// Replaces the parameters that may change between images (learning rates, schedule, beta,
    /// nudge length, readout window, skip test, update mode). Sizes, neuron and estimator
    /// parameters must stay the same.
    public func setConfig(_ c: GoldenConfig) throws {
        var a = c, b = config
        for x in [\GoldenConfig.eta1, \.eta2, \.etaB, \.beta, \.skipThreshold] { a[keyPath: x] = 0; b[keyPath: x] = 0 }
        a.etaSchedule = []; b.etaSchedule = []
        a.etaStepsPerEpoch = 1; b.etaStepsPerEpoch = 1
        a.tNudge = 0; b.tNudge = 0
        a.readoutFrom = 0; b.readoutFrom = 0; a.readoutTo = 1; b.readoutTo = 1
        a.firstSpikeDeadline = 0; b.firstSpikeDeadline = 0
        a.updateMode = .deferred; b.updateMode = .deferred
        a.seed = 0; b.seed = 0; a.initScale = 0; b.initScale = 0
        a.antiNudgeClocks = 0; b.antiNudgeClocks = 0;
        a.nudgeSignState = 0; b.nudgeSignState = 0
        guard a == b else { throw GoldenError.invalidConfig(["setConfig may change only learning, nudge and readout parameters"]) }
        let errors = c.validationErrors()
        guard errors.isEmpty else { throw GoldenError.invalidConfig(errors) }
        commitDeferred()
        if c.nudgeSignState != config.nudgeSignState {
            signLFSR = c.nudgeSignState != 0 ? LFSR32(seed: c.nudgeSignState) : nil
        }
        config = c
    }

    // MARK: - per image

    /// Reset of every neuron register, integrator, delay line, filter and counter; loads the pixel
    /// encoder (I_x = gIn * pixel / 255) and the one-hot target. Weights keep their values.
    public func beginImage<C: Collection>(pixels: C, label: Int) where C.Element == UInt8 {
        precondition(pixels.count == nIn, "image has \(pixels.count) pixels, network has \(nIn) inputs")
        var k = 0
        let scale = config.gIn / 255.0
        for p in pixels { iX[k] = Double(p) * scale; k += 1 }
        target.update(repeating: 0, count: nO)
        if label >= 0 && label < nO { target[label] = 1 }
        inputLayer.reset(); hiddenLayer.reset(); outputLayer.reset()
        hiddenEstimator.reset(); outputEstimator.reset()
        readoutCounts.update(repeating: 0, count: nO)
        spikesFree = LayerCounts(); spikesNudge = LayerCounts()
        synOpsEarly = 0
        firstSpikeClass = nil; firstSpikeTime = nil
        clock = 0
        nudging = false
        nudgeSign = 1
    }

    /// Sets the random sign's register (random-sign nudging only), e.g. to a chip's state.
    public func loadSignState(_ state: UInt32) {
        precondition(signLFSR != nil && state != 0, "loadSignState needs random-sign nudging and a non-zero state")
        signLFSR = LFSR32(seed: state)
    }

    /// Turns the nudge (and learning) on for the following clocks, with the sign of this image
    /// (random-sign nudging: the top bit of the sign register, set = -beta). Called by `present`
    /// after the free phase; public for lockstep drivers.
    public func beginNudge() {
        nudging = true
        nudgeSign = signLFSR.map { $0.state >> 31 != 0 ? -1 : 1 } ?? 1
    }

    /// Ends the nudge phase: in deferred (and rank-1) mode, writes the accumulated deltas to the weights.
    public func endNudge() {
        nudging = false
        commitDeferred()
    }

    /// Deferred (and rank-1) mode: drops the shadow deltas without writing them (for measurements
    /// with frozen weights).
    public func discardPendingDeltas() {
        dW1.update(repeating: 0, count: nIn * nH); dW2.update(repeating: 0, count: nH * nO)
        dBH.update(repeating: 0, count: nH); dBO.update(repeating: 0, count: nO)
        dW1Touched.update(repeating: false, count: nIn)
        clearRank1()
    }

    func clearRank1() {
        r1Count.update(repeating: 0, count: nIn); r1Acc.update(repeating: 0, count: nH)
        r1Clocks = 0
    }

    /// Deferred mode: weights += shadow deltas, shadow to 0 (only touched W1 rows are swept).
    /// Rank-1 mode: W1[i][h] += n_i * A_h / T for the inputs that spiked, then n, A, T to 0.
    func commitDeferred() {
        for i in 0 ..< nIn where dW1Touched[i] {
            let row = w1 + i * nH, d = dW1 + i * nH
            for h in 0 ..< nH { row[h] += d[h]; d[h] = 0 }
            dW1Touched[i] = false
        }
        if r1Clocks > 0 {
            let t = Double(r1Clocks)
            for i in 0 ..< nIn where r1Count[i] > 0 {
                let row = w1 + i * nH, n = Double(r1Count[i])
                for h in 0 ..< nH { row[h] += n * r1Acc[h] / t }
            }
            clearRank1()
        }
        for k in 0 ..< nH * nO { w2[k] += dW2[k]; dW2[k] = 0 }
        for h in 0 ..< nH { bH[h] += dBH[h]; dBH[h] = 0 }
        for o in 0 ..< nO { bO[o] += dBO[o]; dBO[o] = 0 }
    }

    // MARK: - the clock

    /// One clock t: currents from s(t); spike-triggered updates (nudge phase); counters; estimators
    /// to t+1; LIF to t+1.
    public func step() {
        let t = clock
        let c = config
        let xs = inputLayer.spikeIndices
        let hs = hiddenLayer.spikeIndices
        let os = outputLayer.spikeIndices
        let nH = self.nH, nO = self.nO

        // 1. Currents (combinational), from s(t) and the weights as they are during clock t.
        for h in 0 ..< nH { iH[h] = bH[h] }
        for i in xs {
            let row = w1 + Int(i) * nH
            for h in 0 ..< nH { iH[h] += row[h] }
        }
        for o in os {
            let col = w2 + Int(o)
            for h in 0 ..< nH { iH[h] += col[h * nO] }
        }
        for o in 0 ..< nO { iO[o] = bO[o] }
        for h in hs {
            let row = w2 + Int(h) * nO
            for o in 0 ..< nO { iO[o] += row[o] }
        }
        if nudging {
            let k = c.gammaLI / c.fMax
            let vO = outputEstimator.V
            let b = nudgeSign * c.beta
            for o in 0 ..< nO { iO[o] += b * (target[o] - k * vO[o]) }
        }

        // 2. Spike-triggered updates with F(t); immediate: visible from clock t+1.
        if nudging && learning {
            applyUpdates(xs: xs, hs: hs, os: os)
        }

        // 3. Counters over s(t).
        let nx = xs.count, nh = hs.count, no = os.count
        let synOps = nx * nH + nh * nO + no * nH
        if nudging {
            spikesNudge.input += nx; spikesNudge.hidden += nh; spikesNudge.output += no
            spikesNudge.synOps += synOps
        } else {
            spikesFree.input += nx; spikesFree.hidden += nh; spikesFree.output += no
            spikesFree.synOps += synOps
            if t >= c.readoutFrom && t < c.readoutTo {
                for o in os { readoutCounts[Int(o)] += 1 }
            }
            if firstSpikeTime == nil && no > 0 {
                firstSpikeTime = t
                firstSpikeClass = Int(os[0])   // ascending list: lowest index wins a tie
            }
            if t < c.firstSpikeDeadline { synOpsEarly += synOps }
        }

        // 4. Estimators consume s(t): V, F -> clock t+1.
        hiddenEstimator.step(spikes: hs)
        outputEstimator.step(spikes: os)

        // 5. Neurons: u, r, s -> clock t+1 (spike lists are swapped inside).
        inputLayer.step(current: iX)
        hiddenLayer.step(current: iH)
        outputLayer.step(current: iO)
        if !nudging, signLFSR != nil { _ = signLFSR!.next() }
        clock = t + 1
    }

    /// The updates of docs/algorithm.md at a nudge clock (all signs +):
    ///   s_x,i(t):  W1[i][:] += eta1 * F_h(t)       (row)
    ///   s_h,h(t):  W2[h][:] += eta2 * F_o(t)       (row)
    ///   s_o,o(t):  W2[:][o] += eta2 * F_h(t)       (column)
    ///   always:    bH += etaB * fMax * F_h(t),  bO += etaB * fMax * F_o(t)
    @inline(__always)
    func applyUpdates(xs: UnsafeBufferPointer<Int32>, hs: UnsafeBufferPointer<Int32>, os: UnsafeBufferPointer<Int32>) {
        let c = config
        let fH = hiddenEstimator.F, fO = outputEstimator.F
        let rate = etaScale * nudgeSign        // random-sign nudging: -beta images learn with -eta
        let e1 = c.eta1 * rate, e2 = c.eta2 * rate, eb = c.etaB * rate * c.fMax
        let deferred = c.updateMode != .immediate       // rank-1: W2 and the biases deferred
        let rank1 = c.updateMode == .rank1
        let m1 = deferred ? dW1 : w1
        let m2 = deferred ? dW2 : w2
        let mbH = deferred ? dBH : bH
        let mbO = deferred ? dBO : bO
        let nH = self.nH, nO = self.nO

        for h in 0 ..< nH { gH[h] = e1 * fH[h] }
        if rank1 {
            for h in 0 ..< nH { r1Acc[h] += gH[h] }
            for i in xs { r1Count[Int(i)] += 1 }
            r1Clocks += 1
        } else {
            for i in xs {
                let row = m1 + Int(i) * nH
                for h in 0 ..< nH { row[h] += gH[h] }
                if deferred { dW1Touched[Int(i)] = true }
            }
        }
        for o in 0 ..< nO { gO[o] = e2 * fO[o] }
        for h in hs {
            let row = m2 + Int(h) * nO
            for o in 0 ..< nO { row[o] += gO[o] }
        }
        if !os.isEmpty {
            for h in 0 ..< nH { gH[h] = e2 * fH[h] }
            for o in os {
                let col = m2 + Int(o)
                for h in 0 ..< nH { col[h * nO] += gH[h] }
            }
        }
        for h in 0 ..< nH { mbH[h] += eb * fH[h] }
        for o in 0 ..< nO { mbO[o] += eb * fO[o] }
    }

    // MARK: - readout

    /// Output spike counts over the readout window (so far).
    public var counts: [Int] { Array(UnsafeBufferPointer(start: readoutCounts, count: nO)) }

    /// Prediction: the output with the highest count (ties: lowest index).
    public var prediction: Int { Readout.predictedClass(UnsafeBufferPointer(start: readoutCounts, count: nO)) }

    /// Skip test of docs/algorithm.md: every |count / (fMax * window) - y| <= skipThreshold.
    public var outputsOnTarget: Bool {
        let c = config
        let norm = 1.0 / (c.fMax * Double(c.readoutTo - c.readoutFrom))
        for o in 0 ..< nO where abs(Double(readoutCounts[o]) * norm - target[o]) > c.skipThreshold { return false }
        return true
    }
}

/// Spike and SynOp counts of one phase. SynOps: every spike of s(t) read through its synapses
/// (input: hidden, hidden: outputs, output: hidden).
public struct LayerCounts: Sendable, Equatable, Codable {
    public var input = 0
    public var hidden = 0
    public var output = 0
    public var synOps = 0
    public init() {}
    public var total: Int { input + hidden + output }
}

// MARK: - state accessors (copies, for probes and lockstep comparison)

public enum GoldenLayer: String, Sendable, CaseIterable { case input, hidden, output }

extension GoldenNetwork {
    func bank(_ l: GoldenLayer) -> GoldenLIFBank {
        switch l { case .input: inputLayer; case .hidden: hiddenLayer; case .output: outputLayer }
    }

    /// u(t) of a layer.
    public func u(_ l: GoldenLayer) -> [Double] { bank(l).potentials }
    /// s(t) of a layer as 0/1.
    public func s(_ l: GoldenLayer) -> [Double] { bank(l).spikeVector }
    /// r(t) of a layer.
    public func refractory(_ l: GoldenLayer) -> [Int] { bank(l).refractory }
    /// V(t) of a layer (inputs have no estimator: zeros).
    public func V(_ l: GoldenLayer) -> [Double] {
        switch l {
        case .input: [Double](repeating: 0, count: nIn)
        case .hidden: hiddenEstimator.integrator
        case .output: outputEstimator.integrator
        }
    }
    /// F(t) of a layer (inputs: zeros).
    public func F(_ l: GoldenLayer) -> [Double] {
        switch l {
        case .input: [Double](repeating: 0, count: nIn)
        case .hidden: hiddenEstimator.filtered
        case .output: outputEstimator.filtered
        }
    }
    /// Input currents I(t) of the last clock stepped (input: the encoder current).
    public func current(_ l: GoldenLayer) -> [Double] {
        switch l {
        case .input: Array(UnsafeBufferPointer(start: iX, count: nIn))
        case .hidden: Array(UnsafeBufferPointer(start: iH, count: nH))
        case .output: Array(UnsafeBufferPointer(start: iO, count: nO))
        }
    }

    /// W1, row-major inputs x hidden.
    public var weights1: [Double] {
        get { Array(UnsafeBufferPointer(start: w1, count: nIn * nH)) }
        set { precondition(newValue.count == nIn * nH); w1.update(from: newValue, count: nIn * nH) }
    }
    /// W2, row-major hidden x outputs.
    public var weights2: [Double] {
        get { Array(UnsafeBufferPointer(start: w2, count: nH * nO)) }
        set { precondition(newValue.count == nH * nO); w2.update(from: newValue, count: nH * nO) }
    }
    public var biasHidden: [Double] {
        get { Array(UnsafeBufferPointer(start: bH, count: nH)) }
        set { precondition(newValue.count == nH); bH.update(from: newValue, count: nH) }
    }
    public var biasOutput: [Double] {
        get { Array(UnsafeBufferPointer(start: bO, count: nO)) }
        set { precondition(newValue.count == nO); bO.update(from: newValue, count: nO) }
    }
    /// Rank-1 mode's pending state: spikes per input, sum of eta1 * F per hidden neuron, learning
    /// clocks (zeros in the other modes and after a commit).
    public var pendingRank1: (counts: [Int], accumulators: [Double], clocks: Int) {
        (Array(UnsafeBufferPointer(start: r1Count, count: nIn)), Array(UnsafeBufferPointer(start: r1Acc, count: nH)), r1Clocks)
    }

    /// Pending deferred deltas (zeros in immediate mode and after a commit).
    public var pendingDeltas: (w1: [Double], w2: [Double], bH: [Double], bO: [Double]) {
        (Array(UnsafeBufferPointer(start: dW1, count: nIn * nH)), Array(UnsafeBufferPointer(start: dW2, count: nH * nO)),
         Array(UnsafeBufferPointer(start: dBH, count: nH)), Array(UnsafeBufferPointer(start: dBO, count: nO)))
    }
}
