/// Every parameter of the EqSpike algorithm as the float golden model runs it
/// (docs/algorithm.md gives the per-clock meaning of each one; docs/golden-model.md the reasons for
/// the defaults). The defaults are the measured starting point of DESIGN.md ("A starting point"),
/// 784-100-10, deferred updates.
public struct GoldenConfig: Sendable, Equatable, Codable {
    /// How a spike-triggered increment reaches the weight memory (DESIGN.md, "Two readings").
    public enum UpdateMode: String, Sendable, Codable, CaseIterable {
        /// Written into the weights at once; reads see the new weight from the next clock on.
        case immediate
        /// Accumulated in a shadow (delta) array and added to the weights when the nudge phase ends.
        case deferred
        /// W1 by the rank-1 commit (docs/rank1-commit.md): per input the number n_i of its spikes in
        /// the learning clocks, per hidden neuron the sum A_h of eta1 * F_h over them, and their
        /// number T; when the nudge phase ends W1[i][h] += n_i * A_h / T. W2 and the biases are
        /// deferred.
        case rank1
    }

    /// What a spike does to the membrane potential.
    public enum ResetMode: String, Sendable, Codable, CaseIterable {
        /// u <- u - u_th (keeps the excess: exact hard-sigmoid f-I curve).
        case subtract
        /// u <- 0 (staircase f-I curve).
        case zero
    }

    // MARK: sizes and phases
    public var inputs = 784
    public var hidden = 100
    /// Sizes of the hidden layers after the first (784-H-H-10: [H]); empty for one hidden layer.
    /// Layer k (k = 1 ... L, input 0, output L+1) gets W_k from layer k-1, read by rows, and, for
    /// k >= 2, by columns from layer k (the symmetric synapse W2 is in the one-layer network).
    public var extraHidden: [Int] = []
    public var outputs = 10
    /// Free-phase length in clocks (no learning, no nudge).
    public var tFree = 100
    /// Nudge-phase length in clocks (nudge on, learning on).
    public var tNudge = 100

    // MARK: neuron (LIF core, the same for every layer)
    /// Firing threshold u_th.
    public var threshold = 1.0
    /// Lower clip of the membrane potential.
    public var uMin = -1.0
    /// Leak factor of the LIF core: v = u - gammaLIF * u + I.
    public var gammaLIF = 0.0
    /// Refractory period in clocks, including the clock of the spike: with 2 the neuron cannot fire
    /// on the clock after a spike, so f_max = 1/2.
    public var tRefract = 2
    public var reset: ResetMode = .subtract
    /// Keep adding the input current during refractory clocks (else the potential is frozen).
    public var integrateDuringRefractory = true
    /// Maximum rate used to normalise rates (nudge and skip test); 1/tRefract in the default design.
    public var fMax = 0.5
    /// Input encoder: I_x = gIn * pixel / 255.
    public var gIn = 1.0

    // MARK: rate-derivative estimator (hidden and output neurons)
    /// Leak of the leaky integrator: V <- V - gammaLI * V + s.
    public var gammaLI = 0.1
    /// Delay of the difference D(t) = V(t) - V(t - tau), in clocks.
    public var tau = 20
    /// Length of the FIR moving average of D, in clocks.
    public var nFilt = 20

    // MARK: nudge and learning
    /// Nudge strength: I_o += beta * (y_o - gammaLI * V_o / fMax) in the nudge phase.
    public var beta = 0.1
    /// Learning rates of W1 (input -> hidden), W2 (hidden <-> output), and the biases.
    public var eta1 = 2.5e-4
    public var eta2 = 2.5e-4
    public var etaB = 2.5e-4
    /// Learning rates of W3, W4, ... (one per entry of `extraHidden`; W2 keeps eta2).
    public var extraEta: [Double] = []
    /// Learning-rate multiplier per step (index 0 = the first); the last entry repeats. One step per
    /// epoch unless `etaStepsPerEpoch` > 1.
    public var etaSchedule: [Double] = [1.0, 0.25]
    /// Steps of `etaSchedule` per epoch: step s of epoch e covers training images
    /// [s * N / k, (s + 1) * N / k) of its N and uses entry e * k + s (the chip's lr_steps_per_epoch).
    public var etaStepsPerEpoch = 1
    public var updateMode: UpdateMode = .deferred
    /// Random-sign nudging (docs/algorithm.md, "Random-sign nudging"): the initial state of the
    /// LFSR32 that draws the sign of beta per image (the chip's `nudge` block with `sign = random`),
    /// or 0 for +beta on every image (the paper). The register steps once per free-phase clock and
    /// holds through the nudge phase; its top bit set means -beta, and eta1, eta2 and etaB are
    /// negated with it.
    public var nudgeSignState: UInt32 = 0

    // MARK: extensions beyond docs/algorithm.md (off by default)
    /// Clocks of a negative nudge (-beta, no learning) between the free and the nudge phase: the
    /// learning phase then moves the network from the -beta to the +beta state, a symmetric
    /// (two-sided) EP estimate (Laborieux et al. 2020). 0 = off (the contract).
    public var antiNudgeClocks = 0

    // MARK: readout and skip test
    /// Output spike counts are taken over free-phase clocks [readoutFrom, readoutTo).
    public var readoutFrom = 50
    public var readoutTo = 100
    /// Skip the nudge phase when every |count_o / (fMax * window) - y_o| <= skipThreshold
    /// (a negative value never skips).
    public var skipThreshold = 0.01
    /// First-spike readout: a first output spike at a clock < firstSpikeDeadline counts as a
    /// prediction (the paper's t = 10 / f_max = 20 clocks). Also the window of the "early" SynOps.
    public var firstSpikeDeadline = 20

    // MARK: initialisation
    /// W ~ uniform(-a, a), a = initScale * sqrt(6 / (fan_in + fan_out)); biases 0.
    public var initScale = 0.5
    /// Seed of the host PRNG for the initial weights (and, in the trainer, the shuffles).
    public var seed: UInt64 = 1

    public init() {}

    /// Every hidden layer's size, first to last.
    public var hiddenSizes: [Int] { [hidden] + extraHidden }
    /// Layer sizes from the input to the output.
    public var layerSizes: [Int] { [inputs] + hiddenSizes + [outputs] }
    /// Learning rate of W_k, k = 1 ... L+1 (index k - 1).
    public var weightEtas: [Double] { [eta1, eta2] + extraEta }

    /// The 784-100-10 starting point of DESIGN.md.
    public static let standard = GoldenConfig()

    /// The recommended deferred-update set of docs/experiments.md: the starting point with a
    /// 130-clock free phase (readout window 80-130) and a halving schedule. Measured 93.95 % after
    /// one epoch, 95.8 % after five (784-100-10).
    public static let recommendedDeferred: GoldenConfig = {
        var c = GoldenConfig()
        c.tFree = 130; c.readoutFrom = 80; c.readoutTo = 130
        c.etaSchedule = [1, 0.5, 0.25, 0.125, 0.0625]
        return c
    }()

    /// The recommended immediate-update (per-clock, one SRAM) set of docs/experiments.md: the
    /// 130-clock free phase and eta2 = etaB = eta1 / 5, which keeps the W2 feedback loop stable.
    /// Measured 92.1 % after one epoch, 94.5 % after five (784-100-10).
    public static let recommendedImmediate: GoldenConfig = {
        var c = recommendedDeferred
        c.updateMode = .immediate
        c.eta1 = 5e-5; c.eta2 = 1e-5; c.etaB = 1e-5
        c.etaSchedule = [1, 1, 0.5, 0.25, 0.125]
        return c
    }()

    /// Learning-rate multiplier of training image `image` (its position in the epoch's order) of
    /// `images` in epoch `epoch` (0-based); the epoch's first image when only the epoch is given.
    public func etaMultiplier(epoch: Int, image: Int = 0, images: Int = 1) -> Double {
        guard !etaSchedule.isEmpty else { return 1 }
        let step = Self.scheduleStep(epoch: epoch, image: image, images: images, stepsPerEpoch: etaStepsPerEpoch)
        return etaSchedule[min(step, etaSchedule.count - 1)]
    }

    /// The schedule entry of training image `image` (its position in the epoch's order) of `images`
    /// in epoch `epoch`, with `stepsPerEpoch` equal steps per epoch: epoch * k + image * k / images.
    /// Shared by the chip's trainer (lr_steps_per_epoch) and the float model.
    public static func scheduleStep(epoch: Int, image: Int, images: Int, stepsPerEpoch: Int) -> Int {
        let k = max(stepsPerEpoch, 1)
        return max(epoch, 0) * k + (k > 1 && images > 0 ? min(max(image, 0), images - 1) * k / images : 0)
    }

    /// Problems that would make the model meaningless (empty list = valid).
    public func validationErrors() -> [String] {
        var e: [String] = []
        if inputs < 1 || hidden < 1 || outputs < 1 || extraHidden.contains(where: { $0 < 1 }) { e.append("layer sizes must be >= 1") }
        if extraEta.count != extraHidden.count { e.append("extraEta needs one learning rate per extra hidden layer (W3, W4, ...)") }
        if tFree < 1 || tNudge < 0 { e.append("tFree must be >= 1 and tNudge >= 0") }
        if etaStepsPerEpoch < 1 { e.append("etaStepsPerEpoch must be >= 1") }
        if tau < 1 { e.append("tau must be >= 1") }
        if nFilt < 1 { e.append("nFilt must be >= 1") }
        if tRefract < 1 { e.append("tRefract must be >= 1") }
        if !(threshold > 0) { e.append("threshold must be > 0") }
        if !(fMax > 0) { e.append("fMax must be > 0") }
        if readoutFrom < 0 || readoutTo > tFree || readoutFrom >= readoutTo {
            e.append("readout window must satisfy 0 <= readoutFrom < readoutTo <= tFree")
        }
        return e
    }
}

extension GoldenConfig {
    /// Applies `key=value` overrides (separated by white space), e.g.
    /// `"mode=immediate eta=5e-5 schedule=1,0.5,0.25 beta=0.2"`. `eta` sets eta1, eta2 and etaB at
    /// once. Used by the experiment driver and the CLI; unknown keys and bad values throw.
    public func applying(overrides text: String) throws -> GoldenConfig {
        var c = self
        // Split on whitespace; each token is key=value (schedule values are comma-separated).
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            let parts = token.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw GoldenError.badOverride(String(token)) }
            try c.set(key: parts[0], value: parts[1])
        }
        return c
    }

    private mutating func set(key: String, value: String) throws {
        func d() throws -> Double {
            guard let x = Double(value) else { throw GoldenError.badOverride("\(key)=\(value)") }
            return x
        }
        func i() throws -> Int {
            guard let x = Int(value) else { throw GoldenError.badOverride("\(key)=\(value)") }
            return x
        }
        switch key {
        case "inputs": inputs = try i()
        case "hidden":   // one size, or one per hidden layer: hidden=100,100 (the new layers' rates are eta2)
            let sizes = value.split(separator: ",").map { Int($0) }
            guard let first = sizes.first ?? nil, !sizes.contains(where: { $0 == nil }) else { throw GoldenError.badOverride("\(key)=\(value)") }
            hidden = first
            extraHidden = sizes.dropFirst().map { $0! }
            extraEta = [Double](repeating: eta2, count: extraHidden.count)
        case "outputs": outputs = try i()
        case "tFree", "tfree": tFree = try i()
        case "tNudge", "tnudge": tNudge = try i()
        case "threshold", "uth": threshold = try d()
        case "uMin", "umin": uMin = try d()
        case "gammaLIF": gammaLIF = try d()
        case "tRefract", "refract": tRefract = try i()
        case "reset":
            guard let r = ResetMode(rawValue: value) else { throw GoldenError.badOverride("\(key)=\(value)") }
            reset = r
        case "integrateDuringRefractory", "idr": integrateDuringRefractory = (value == "1" || value == "true")
        case "fMax", "fmax": fMax = try d()
        case "gIn", "gin": gIn = try d()
        case "gammaLI", "gli": gammaLI = try d()
        case "tau": tau = try i()
        case "nFilt", "nfilt": nFilt = try i()
        case "beta": beta = try d()
        case "eta": let x = try d(); eta1 = x; eta2 = x; etaB = x; extraEta = extraEta.map { _ in x }
        case "eta1": eta1 = try d()
        case "eta2": let x = try d(); eta2 = x; extraEta = extraEta.map { _ in x }   // W3, W4, ... take eta2's rate, whatever the order
        case "etaB", "etab": etaB = try d()
        case "schedule":
            let xs = value.split(separator: ",").compactMap { Double($0) }
            guard !xs.isEmpty else { throw GoldenError.badOverride("\(key)=\(value)") }
            etaSchedule = xs
        case "stepsPerEpoch", "etaStepsPerEpoch": etaStepsPerEpoch = try i()
        case "antiNudge", "antinudge": antiNudgeClocks = try i()
        case "nudgeSignState", "signState":
            guard let s = UInt32(value) else { throw GoldenError.badOverride("\(key)=\(value)") }
            nudgeSignState = s
        case "mode":
            guard let m = UpdateMode(rawValue: value) else { throw GoldenError.badOverride("\(key)=\(value)") }
            updateMode = m
        case "readoutFrom": readoutFrom = try i()
        case "readoutTo": readoutTo = try i()
        case "skip", "skipThreshold": skipThreshold = try d()
        case "firstSpikeDeadline": firstSpikeDeadline = try i()
        case "initScale", "init": initScale = try d()
        case "seed": guard let s = UInt64(value) else { throw GoldenError.badOverride("\(key)=\(value)") }; seed = s
        default: throw GoldenError.badOverride("unknown key \(key)")
        }
    }
}

public enum GoldenError: Error, CustomStringConvertible, Equatable {
    case badOverride(String)
    case invalidConfig([String])
    case sizeMismatch(String)
    /// A checkpoint's state that this network cannot take (`restore`).
    case badState(String)

    public var description: String {
        switch self {
        case .badOverride(let s): return "bad golden-model override: \(s)"
        case .invalidConfig(let e): return "invalid golden-model config: " + e.joined(separator: "; ")
        case .sizeMismatch(let s): return "size mismatch: \(s)"
        case .badState(let s): return s
        }
    }
}
