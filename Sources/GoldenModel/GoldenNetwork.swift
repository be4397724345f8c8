import Datasets
import FixedPoint

/// The float (Double) golden model of EqSpike: input -> hidden_1 <-> ... <-> hidden_L <-> output,
/// one clock per `step()`, following docs/algorithm.md. The phase controller (`present`) lives in
/// GoldenPresent.swift.
///
/// Layers are numbered k = 0 (input), 1 ... L (hidden), L+1 (output). Memories (row-major, flat):
///   W_k[i * n_k + j]   layer k-1 neuron i -> layer k neuron j   (n_{k-1} x n_k), k = 1 ... L+1;
///                      read by rows (forward) and, for k >= 2, by columns (back: the symmetric synapse)
///   b_k[j]             k = 1 ... L+1
/// With one hidden layer W_1 is W1 (inputs x hidden) and W_2 is W2 (hidden x outputs).
/// Deferred mode adds shadow arrays of the same shapes; rank-1 mode replaces W1's shadow by the
/// spike counts r1Count[i] (inputs), the sums r1Acc[h] (first hidden layer) and the clock count r1Clocks.
public final class GoldenNetwork {
    /// The parameter set. Changing sizes or estimator lengths needs a new network; learning rates,
    /// beta, readout and skip settings may be changed between images through `setConfig`.
    public private(set) var config: GoldenConfig {
        didSet { weightEtas = config.weightEtas }
    }
    /// `config.weightEtas`, kept so that a learning clock reads it without building the array.
    private var weightEtas: [Double]

    /// Every LIF bank, input first, output last.
    public let layers: [GoldenLIFBank]
    /// The estimator of layer k at index k - 1 (hidden layers, then the output; inputs have none).
    public let estimators: [GoldenEstimatorBank]
    public var inputLayer: GoldenLIFBank { layers[0] }
    /// The first hidden layer.
    public var hiddenLayer: GoldenLIFBank { layers[1] }
    public var outputLayer: GoldenLIFBank { layers[layers.count - 1] }
    public var hiddenEstimator: GoldenEstimatorBank { estimators[0] }
    public var outputEstimator: GoldenEstimatorBank { estimators[estimators.count - 1] }

    /// Layer sizes n_0 ... n_{L+1}.
    let n: [Int]
    let nIn: Int, nH: Int, nO: Int
    /// Index of the output layer (L + 1).
    let top: Int
    /// W_k, its shadow, b_k and its shadow at index k - 1.
    let w: [UnsafeMutablePointer<Double>]
    let dw: [UnsafeMutablePointer<Double>]
    let b: [UnsafeMutablePointer<Double>]
    let db: [UnsafeMutablePointer<Double>]
    /// Rows of dW1 touched since the last commit (so the commit sweeps only those).
    let dW1Touched: UnsafeMutablePointer<Bool>
    /// Rank-1 mode: spikes of each input in the learning clocks, sum of eta1 * F_h over them, their number.
    let r1Count: UnsafeMutablePointer<Int>
    let r1Acc: UnsafeMutablePointer<Double>
    var r1Clocks = 0

    // Per-clock scratch: currents I_k (index k, the input's is the encoder current) and scaled
    // derivatives (index k - 1).
    let cur: [UnsafeMutablePointer<Double>]
    let g: [UnsafeMutablePointer<Double>]
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
    /// Multiplier applied to every learning rate (the per-epoch schedule).
    public var etaScale = 1.0

    // Per-image counters (reset at `beginImage`).
    /// Output spike counts over the readout window.
    let readoutCounts: UnsafeMutablePointer<Int>
    /// Spikes per layer [input, hidden (all hidden layers), output] per phase [free, nudge]: counts of s(t) = 1.
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
        weightEtas = config.weightEtas
        n = config.layerSizes
        top = n.count - 1
        nIn = config.inputs; nH = config.hidden; nO = config.outputs
        layers = n.map { GoldenLIFBank(count: $0, config: config) }
        estimators = n.dropFirst().map { GoldenEstimatorBank(count: $0, config: config) }
        func zeros<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: count)
            p.initialize(repeating: value, count: count)
            return p
        }
        let sizes = n
        w = (1 ..< sizes.count).map { zeros(sizes[$0 - 1] * sizes[$0], 0.0) }
        dw = (1 ..< sizes.count).map { zeros(sizes[$0 - 1] * sizes[$0], 0.0) }
        b = sizes.dropFirst().map { zeros($0, 0.0) }
        db = sizes.dropFirst().map { zeros($0, 0.0) }
        cur = sizes.map { zeros($0, 0.0) }
        g = sizes.dropFirst().map { zeros($0, 0.0) }
        dW1Touched = zeros(nIn, false)
        r1Count = zeros(nIn, 0); r1Acc = zeros(nH, 0.0)
        target = zeros(nO, 0.0)
        readoutCounts = zeros(nO, 0)
        GoldenInit.fill(weights: w, config: config, rng: &rng)
        if config.nudgeSignState != 0 { signLFSR = LFSR32(seed: config.nudgeSignState) }
    }

    deinit {
        for p in w + dw + b + db + cur + g + [target] { p.deallocate() }
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
        a.extraEta = a.extraEta.map { _ in 0 }; b.extraEta = b.extraEta.map { _ in 0 }
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
        let iX = cur[0]
        for p in pixels { iX[k] = Double(p) * scale; k += 1 }
        target.update(repeating: 0, count: nO)
        if label >= 0 && label < nO { target[label] = 1 }
        for l in layers { l.reset() }
        for e in estimators { e.reset() }
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
        for k in 1 ... top { dw[k - 1].update(repeating: 0, count: n[k - 1] * n[k]); db[k - 1].update(repeating: 0, count: n[k]) }
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
        let w1 = w[0], dW1 = dw[0]
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
        for k in 2 ... top {
            let wk = w[k - 1], dk = dw[k - 1]
            for x in 0 ..< n[k - 1] * n[k] { wk[x] += dk[x]; dk[x] = 0 }
        }
        for k in 1 ... top {
            let bk = b[k - 1], dk = db[k - 1]
            for j in 0 ..< n[k] { bk[j] += dk[j]; dk[j] = 0 }
        }
    }

    // MARK: - the clock

    /// One clock t: currents from s(t); spike-triggered updates (nudge phase); counters; estimators
    /// to t+1; LIF to t+1.
    public func step() {
        let t = clock
        let c = config
        let top = self.top, n = self.n

        // 1. Currents (combinational), from s(t) and the weights as they are during clock t:
        //    I_k = b_k + W_k^T s_{k-1} (rows) + W_{k+1} s_{k+1} (columns, hidden layers only).
        for k in 1 ... top {
            let ik = cur[k], nk = n[k]
            let bk = b[k - 1]
            for j in 0 ..< nk { ik[j] = bk[j] }
            for i in layers[k - 1].spikeIndices {
                let row = w[k - 1] + Int(i) * nk
                for j in 0 ..< nk { ik[j] += row[j] }
            }
            if k < top {
                let nUp = n[k + 1]
                for o in layers[k + 1].spikeIndices {
                    let col = w[k] + Int(o)
                    for j in 0 ..< nk { ik[j] += col[j * nUp] }
                }
            }
        }
        if nudging {
            let iO = cur[top]
            let k = c.gammaLI / c.fMax
            let vO = outputEstimator.V
            let beta = nudgeSign * c.beta
            for o in 0 ..< nO { iO[o] += beta * (target[o] - k * vO[o]) }
        }

        // 2. Spike-triggered updates with F(t); immediate: visible from clock t+1.
        if nudging && learning {
            applyUpdates()
        }

        // 3. Counters over s(t). SynOps: each spike read through its synapses, forward (rows of
        //    W_{k+1}) and, past the first hidden layer, back (columns of W_k).
        let nx = inputLayer.spikeCount, no = outputLayer.spikeCount
        var nh = 0, synOps = 0
        for k in 0 ... top {
            let sk = layers[k].spikeCount
            if k > 0 && k < top { nh += sk }
            if k < top { synOps += sk * n[k + 1] }
            if k >= 2 { synOps += sk * n[k - 1] }
        }
        let os = outputLayer.spikeIndices
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
        for k in 1 ... top { estimators[k - 1].step(spikes: layers[k].spikeIndices) }

        // 5. Neurons: u, r, s -> clock t+1 (spike lists are swapped inside).
        for k in 0 ... top { layers[k].step(current: cur[k]) }
        if !nudging, signLFSR != nil { _ = signLFSR!.next() }
        clock = t + 1
    }

    /// The updates of docs/algorithm.md at a nudge clock (all signs +), for k = 1 ... L+1:
    ///   s_{k-1},i(t):        W_k[i][:] += eta_k * F_k(t)       (row)
    ///   s_k,j(t), k >= 2:    W_k[:][j] += eta_k * F_{k-1}(t)   (column; inputs are clamped, so W1 has none)
    ///   always:              b_k += etaB * fMax * F_k(t)
    /// Each word gets its row increment before its column increment, as with one hidden layer.
    @inline(__always)
    func applyUpdates() {
        let c = config
        let rate = etaScale * nudgeSign        // random-sign nudging: -beta images learn with -eta
        let eb = c.etaB * rate * c.fMax
        let deferred = c.updateMode != .immediate       // rank-1: W2, W3, ... and the biases deferred
        let rank1 = c.updateMode == .rank1
        let etas = weightEtas
        let top = self.top, n = self.n

        for k in 1 ... top {
            let e = etas[k - 1] * rate
            let m = deferred ? dw[k - 1] : w[k - 1]
            let gk = g[k - 1], nk = n[k], fk = estimators[k - 1].F
            for j in 0 ..< nk { gk[j] = e * fk[j] }
            if k == 1 && rank1 {
                for j in 0 ..< nk { r1Acc[j] += gk[j] }
                for i in layers[0].spikeIndices { r1Count[Int(i)] += 1 }
                r1Clocks += 1
            } else {
                for i in layers[k - 1].spikeIndices {
                    let row = m + Int(i) * nk
                    for j in 0 ..< nk { row[j] += gk[j] }
                    if k == 1 && deferred { dW1Touched[Int(i)] = true }
                }
            }
            if k >= 2 {
                let up = layers[k].spikeIndices
                if !up.isEmpty {
                    let gDown = g[k - 2], nDown = n[k - 1], fDown = estimators[k - 2].F
                    for i in 0 ..< nDown { gDown[i] = e * fDown[i] }
                    for j in up {
                        let col = m + Int(j)
                        for i in 0 ..< nDown { col[i * nk] += gDown[i] }
                    }
                }
            }
        }
        for k in 1 ... top {
            let mb = deferred ? db[k - 1] : b[k - 1], fk = estimators[k - 1].F
            for j in 0 ..< n[k] { mb[j] += eb * fk[j] }
        }
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
    /// The index k of a layer (input 0, the first hidden layer 1, output L+1).
    public func index(of l: GoldenLayer) -> Int {
        switch l { case .input: 0; case .hidden: 1; case .output: top }
    }
    /// Number of layers, input and output included (L + 2).
    public var layerCount: Int { n.count }

    /// u(t) of a layer.
    public func u(_ l: GoldenLayer) -> [Double] { u(layer: index(of: l)) }
    /// s(t) of a layer as 0/1.
    public func s(_ l: GoldenLayer) -> [Double] { s(layer: index(of: l)) }
    /// r(t) of a layer.
    public func refractory(_ l: GoldenLayer) -> [Int] { refractory(layer: index(of: l)) }
    /// V(t) of a layer (inputs have no estimator: zeros).
    public func V(_ l: GoldenLayer) -> [Double] { V(layer: index(of: l)) }
    /// F(t) of a layer (inputs: zeros).
    public func F(_ l: GoldenLayer) -> [Double] { F(layer: index(of: l)) }
    /// Input currents I(t) of the last clock stepped (input: the encoder current).
    public func current(_ l: GoldenLayer) -> [Double] { current(layer: index(of: l)) }

    // The same by layer index k (0 ... L+1), for networks with several hidden layers.
    public func u(layer k: Int) -> [Double] { layers[k].potentials }
    public func s(layer k: Int) -> [Double] { layers[k].spikeVector }
    public func refractory(layer k: Int) -> [Int] { layers[k].refractory }
    public func V(layer k: Int) -> [Double] { k == 0 ? [Double](repeating: 0, count: nIn) : estimators[k - 1].integrator }
    public func F(layer k: Int) -> [Double] { k == 0 ? [Double](repeating: 0, count: nIn) : estimators[k - 1].filtered }
    public func current(layer k: Int) -> [Double] { Array(UnsafeBufferPointer(start: cur[k], count: n[k])) }

    /// W_k (k = 1 ... L+1), row-major n_{k-1} x n_k.
    public func weights(_ k: Int) -> [Double] { Array(UnsafeBufferPointer(start: w[k - 1], count: n[k - 1] * n[k])) }
    public func setWeights(_ k: Int, _ values: [Double]) {
        precondition(values.count == n[k - 1] * n[k]); w[k - 1].update(from: values, count: values.count)
    }
    /// b_k (k = 1 ... L+1).
    public func bias(_ k: Int) -> [Double] { Array(UnsafeBufferPointer(start: b[k - 1], count: n[k])) }
    public func setBias(_ k: Int, _ values: [Double]) {
        precondition(values.count == n[k]); b[k - 1].update(from: values, count: values.count)
    }

    /// W1, row-major inputs x hidden.
    public var weights1: [Double] {
        get { weights(1) }
        set { setWeights(1, newValue) }
    }
    /// W2, row-major hidden x outputs (with several hidden layers: first hidden x second hidden).
    public var weights2: [Double] {
        get { weights(2) }
        set { setWeights(2, newValue) }
    }
    /// Biases of the first hidden layer.
    public var biasHidden: [Double] {
        get { bias(1) }
        set { setBias(1, newValue) }
    }
    public var biasOutput: [Double] {
        get { bias(top) }
        set { setBias(top, newValue) }
    }
    /// Rank-1 mode's pending state: spikes per input, sum of eta1 * F per hidden neuron, learning
    /// clocks (zeros in the other modes and after a commit).
    public var pendingRank1: (counts: [Int], accumulators: [Double], clocks: Int) {
        (Array(UnsafeBufferPointer(start: r1Count, count: nIn)), Array(UnsafeBufferPointer(start: r1Acc, count: nH)), r1Clocks)
    }

    /// Pending deferred deltas of W1, W2, the first hidden layer's and the output's biases (zeros
    /// in immediate mode and after a commit).
    public var pendingDeltas: (w1: [Double], w2: [Double], bH: [Double], bO: [Double]) {
        (Array(UnsafeBufferPointer(start: dw[0], count: n[0] * n[1])), Array(UnsafeBufferPointer(start: dw[1], count: n[1] * n[2])),
         Array(UnsafeBufferPointer(start: db[0], count: n[1])), Array(UnsafeBufferPointer(start: db[top - 1], count: nO)))
    }
}
