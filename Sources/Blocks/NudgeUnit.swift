import FixedPoint
import HDL

/// `nudge`: the nudge current of the output layer and the skip decision (docs/algorithm.md).
///
/// Registers: `target` (bit per lane, y: one-hot or multi-hot), loaded by the host per image and
/// kept by reset. Inputs: `v` (LI value V of each output, format `v`, `fv` fraction bits),
/// `enable` (1 bit; unconnected = 0), `count` (readout spike count per output, format `count`,
/// `fn` fraction bits; unconnected = 0).
///
/// Constants, fixed at elaboration with K = `coef_frac` fraction bits (round to nearest):
///
///     B = round(beta * 2^K)                        (the y term)
///     C = round(beta * gamma_li / f_max * 2^K)     (the V term)
///     E = round(f_max * window * 2^fn)             (expected count of a target lane)
///     T = floor(threshold * f_max * window * 2^fn) (skip tolerance, in count LSBs)
///
/// **Clock t, combinational** (per lane k; exact Int128 arithmetic):
///
///     x          = B * y[k] * 2^fv - C * v[k]                 value * 2^(K + fv)
///     current[k] = enable ? sat(rnd(x / 2^(K + fv - fc))) : 0
///     skip       = AND over k of ( |count[k] - y[k] * E| <= T )
///
/// i.e. current = beta * (y - gamma_li * V / f_max) with fc = fraction bits of `current`;
/// rnd is round to nearest, ties towards +inf (floor(x / 2^m + 1/2)); a left shift (exact) when
/// K + fv < fc; sat clamps to the `current` format and counts. The skip test is
/// |count / (f_max * window) - y| <= threshold multiplied through by f_max * window * 2^fn; it is
/// exact whenever f_max * window * 2^fn is an integer (e.g. f_max = 0.5, window = 50), otherwise
/// the expected count E is rounded to the nearest count LSB.
/// With `sign = positive` (the paper's rule) there is no other state: the target register only
/// changes by host loads.
///
/// **Random-sign nudging** (`sign = random`): the sign of beta is drawn per image, and the
/// registered output `negative` tells the learning-rate `scale` blocks to negate eta with it, so
/// an image nudged by -beta still moves the weights down the loss gradient (the derivative it
/// produces has the opposite sign). A term of F that does not depend on beta (the network
/// drifting through the nudge phase with no nudge at all) is then added with a random sign and
/// averages out, where with +beta alone it is a steady bias (docs/algorithm.md, "Random-sign
/// nudging"). Register `sign_lfsr` (one LFSR32, s32.0 bit pattern, seeded
/// `MemCtl.streamSeed(seed, 0)`; kept by reset and checkpointed); per clock:
///
///     negative    = sign_lfsr >> 31                            (registered output)
///     x           = negative ? -x : x                          (before the rounding above)
///     edge:  sign_lfsr' = enable ? sign_lfsr : xorshift(sign_lfsr)
///
/// so the register steps once per clock outside the nudge phase (t_free times per image) and
/// holds through the nudge phase: one sign per image, the same for all its nudge clocks. In a
/// waveform `negative` therefore flickers through the free phase; only its value while `enable`
/// is high (the nudge phase, when the scale blocks' products are used) matters.
public final class NudgeUnit: Block {
    /// How the sign of beta is chosen.
    public enum Sign: String, CaseIterable, Sendable {
        /// +beta on every image (the paper).
        case positive
        /// +beta or -beta per image from the block's LFSR32 (`negative` drives the eta scalers).
        case random
    }

    public let lanes: Int
    public let vFormat: QFormat
    public let currentFormat: QFormat
    public let countFormat: QFormat
    public let beta: Double
    public let gammaLI: Double
    public let fMax: Double
    public let window: Int
    public let threshold: Double
    public let coefFrac: Int
    public let sign: Sign
    public let seed: UInt32
    /// The quantised constants B, C, E, T (see the doc comment).
    public let coefY: Int64
    public let coefV: Int64
    public let expectedCount: Int64
    public let tolerance: Int64

    public let v: Port
    public let enable: Port
    public let count: Port
    public let current: Port
    public let skip: Port
    public let target: Port
    /// 1 while this image is nudged by -beta (random sign only; always 0 for positive).
    public let negative: Port
    /// The sign source (random sign only).
    public let signLFSR: Port!
    @exclusivity(unchecked) private var nextSignState: UInt32 = 0

    private let shift: Int   // K + fv - fc
    @exclusivity(unchecked) private var in_v = BoundInput()
    @exclusivity(unchecked) private var in_enable = BoundInput()
    @exclusivity(unchecked) private var in_count = BoundInput()

    public init(name: String, lanes: Int, v: QFormat, current: QFormat, count: QFormat, beta: Double, gammaLI: Double,
                fMax: Double = 0.5, window: Int, threshold: Double = 0.01, coefFrac: Int = 24,
                sign: Sign = .positive, seed: UInt32 = 1) {
        precondition(lanes >= 1 && window >= 1 && fMax > 0 && coefFrac >= 0 && coefFrac <= 40)
        self.lanes = lanes
        vFormat = v
        currentFormat = current
        countFormat = count
        self.beta = beta
        self.gammaLI = gammaLI
        self.fMax = fMax
        self.window = window
        self.threshold = threshold
        self.coefFrac = coefFrac
        self.sign = sign
        self.seed = seed
        let scale = Double(Int64(1) << coefFrac)
        coefY = Int64((beta * scale + 0.5).rounded(.down))
        coefV = Int64((beta * gammaLI / fMax * scale + 0.5).rounded(.down))
        let countScale = fMax * Double(window) * Double(Int64(1) << count.fracBits)
        expectedCount = Int64((countScale + 0.5).rounded(.down))
        tolerance = Int64((threshold * countScale).rounded(.down))
        shift = coefFrac + v.fracBits - current.fracBits
        let ports = DeclaredPorts(NudgeUnit.interface(lanes: lanes, v: v, current: current, count: count, sign: sign))
        self.v = ports["v"]
        enable = ports["enable"]
        self.count = ports["count"]
        self.current = ports["current"]
        skip = ports["skip"]
        target = ports["target"]
        negative = ports["negative"]
        signLFSR = ports.optional("sign_lfsr")
        super.init(name: name, ports: ports)
        if sign == .random {
            setSignState(NudgeUnit.initialSignState(seed: seed))
        }
        inputsBound()
    }

    /// The interface for these parameters (checked by the netlist type, see `blockType`).
    public static func interface(lanes: Int, v: QFormat, current: QFormat, count: QFormat, sign: Sign) -> BlockInterface {
        var ports: [PortDeclaration] = [
            .input("v", lanes: lanes, format: v), .input("enable", lanes: 1, format: .bit, optional: true),
            .input("count", lanes: lanes, format: count, optional: true),
            .output("current", lanes: lanes, format: current, timing: .combinational), .output("skip", lanes: 1, format: .bit, timing: .combinational),
            .register("target", lanes: lanes, format: .bit), .output("negative", lanes: 1, format: .bit, timing: .registered),
        ]
        if sign == .random { ports.append(.register("sign_lfsr", lanes: 1, format: LFSRBlock.stateFormat)) }
        return BlockInterface(ports: ports, persistent: sign == .random ? [PersistentDeclaration("sign_lfsr", words: 1)] : [])
    }

    /// Takes the inputs' pointers: here, and again once the simulator has wired them.
    public override func inputsBound() {
        in_v = BoundInput(v)
        in_enable = BoundInput(enable)
        in_count = BoundInput(count)
    }

    public override var typeName: String { "nudge" }

    public override func reset() {
        current.storage.fill(0)
        skip.storage.fill(0)
    }

    private func setSignState(_ x: UInt32) {
        signLFSR.storage.base[0] = Int32(bitPattern: x)
        negative.storage.base[0] = Int32(x >> 31)
    }

    public override func evaluate() {
        let n = lanes
        let y = target.storage.base, out = current.storage.base
        let enabled = in_enable.isConnected && in_enable.pointer[0] != 0
        if sign == .random {
            var r = LFSR32(seed: UInt32(bitPattern: signLFSR.storage.base[0]))   // never 0: kept as is
            if !enabled { _ = r.next() }
            nextSignState = r.state
        }
        if enabled {
            let vin = in_v.pointer
            let negate = negative.storage.base[0] != 0
            let yScaled = Int128(coefY) << vFormat.fracBits
            let c = Int128(coefV)
            let lo = Int128(currentFormat.minRaw), hi = Int128(currentFormat.maxRaw)
            let sh = shift
            var sat = 0
            var k = 0
            while k < n {
                let e = (y[k] != 0 ? yScaled : 0) - c * Int128(vin[k])
                let x = negate ? -e : e
                var r = sh > 0 ? (x + (Int128(1) << (sh - 1))) >> sh : x << (-sh)
                if r < lo { r = lo; sat &+= 1 } else if r > hi { r = hi; sat &+= 1 }
                out[k] = Int32(truncatingIfNeeded: r)
                k &+= 1
            }
            saturations &+= sat
        } else {
            out.update(repeating: 0, count: n)
        }
        var ok = true
        let e = expectedCount, tol = tolerance
        if in_count.isConnected {
            let cnt = in_count.pointer
            var k = 0
            while k < n {
                let d = Int64(cnt[k]) - (y[k] != 0 ? e : 0)
                ok = ok && (d < 0 ? -d : d) <= tol
                k &+= 1
            }
        } else {
            var k = 0
            while k < n {
                ok = ok && (y[k] != 0 ? e : 0) <= tol
                k &+= 1
            }
        }
        skip.storage.base[0] = ok ? 1 : 0
    }

    // MARK: Host

    /// One-hot target: lane `target` is 1, all others 0.
    public func load(target index: Int) {
        precondition(index >= 0 && index < lanes, "\(name): target \(index) outside 0..<\(lanes)")
        let y = target.storage.base
        for k in 0..<lanes { y[k] = k == index ? 1 : 0 }
    }

    /// General (multi-hot) target: each lane 0 or 1.
    public func load(targets: [Int32]) {
        precondition(targets.count == lanes && targets.allSatisfy { $0 == 0 || $0 == 1 },
                     "\(name): targets must be \(lanes) values of 0 or 1")
        target.set(targets)
    }

    public var targets: [Int32] { target.values }

    /// The sign register's state after elaboration with `seed` (before any image).
    public static func initialSignState(seed: UInt32) -> UInt32 { LFSR32(seed: MemCtl.streamSeed(seed, 0)).state }

    /// The sign register's state (random sign only; nil for positive).
    public var signState: UInt32? { sign == .random ? UInt32(bitPattern: signLFSR.storage.base[0]) : nil }

    public override func commit() {
        if sign == .random { setSignState(nextSignState) }
    }

    /// `sign_lfsr` (random sign only): the sign source's state.
    public override var persistentState: [(name: String, values: [Int32])] {
        sign == .random ? [("sign_lfsr", signLFSR.values)] : []
    }

    public override func restorePersistentState(name: String, values: [Int32]) throws(HDLError) {
        guard sign == .random, name == "sign_lfsr" else {
            throw .connection("block \(self.name) has no persistent state named '\(name)'")
        }
        guard values.count == 1, values[0] != 0 else { throw .connection("block \(self.name): sign_lfsr needs one non-zero state") }
        setSignState(UInt32(bitPattern: values[0]))
    }

    public static let blockType = BlockType(
        name: "nudge",
        doc: "nudge current +-beta * (y - gamma_li * V / f_max) while enable, and the skip decision |count / (f_max * window) - y| <= threshold for every lane; target y loaded by the host; sign = random draws the sign per image and outputs it as negative",
        parameters: [
            MemCtl.lanesSpec("number of outputs"),
            ParameterSpec("v", .format, doc: "format of the LI value input v"),
            ParameterSpec("current", .format, doc: "format of the nudge current output"),
            ParameterSpec("count", .format, default: .format(QFormat(signed: false, intBits: 8, fracBits: 0)), doc: "format of the spike count input"),
            ParameterSpec("beta", .real(0...1000), doc: "nudge strength beta"),
            ParameterSpec("gamma_li", .real(0...1), doc: "LI leak gamma_LI (normalised rate = gamma_li * V / f_max)"),
            ParameterSpec("f_max", .real(0.001...1), default: .real(0.5), doc: "maximum firing rate (spikes per clock)"),
            ParameterSpec("window", .int(1...1_000_000), doc: "readout window length in clocks (R_to - R_from)"),
            ParameterSpec("threshold", .real(0...1_000_000), default: .real(0.01), doc: "skip threshold on the normalised count"),
            ParameterSpec("coef_frac", .int(0...40), default: .int(24), doc: "fraction bits K of the constant multipliers B and C"),
            ParameterSpec("sign", .choice(Sign.allCases.map(\.rawValue)), default: .word(Sign.positive.rawValue),
                          doc: "sign of beta: positive (every image), or random (per image, from an LFSR32 stepped on every clock outside the nudge phase; output negative)"),
            MemCtl.seedSpec(doc: "seed of the LFSR32 of the random sign"),
        ],
        interface: { p throws(ParameterError) in
            let current = p.format("current")
            guard current.isSigned else {
                throw ParameterError(parameter: "current", message: "the nudge current is signed (y - r can be negative); \(current) is unsigned")
            }
            let beta = p.real("beta"), k = p.int("coef_frac")
            if beta > 0 && (beta * Double(Int64(1) << k) + 0.5).rounded(.down) == 0 {
                throw ParameterError(parameter: "coef_frac", message: "beta = \(beta) rounds to 0 with \(k) fraction bits; raise coef_frac")
            }
            return NudgeUnit.interface(lanes: p.int("lanes"), v: p.format("v"), current: current, count: p.format("count"),
                                       sign: Sign(rawValue: p.word("sign"))!)
        },
        cycleModel: { (name, p) throws(ParameterError) -> Block in
            let beta = p.real("beta"), k = p.int("coef_frac"), current = p.format("current")
            return NudgeUnit(name: name, lanes: p.int("lanes"), v: p.format("v"), current: current, count: p.format("count"),
                             beta: beta, gammaLI: p.real("gamma_li"), fMax: p.real("f_max"), window: p.int("window"),
                             threshold: p.real("threshold"), coefFrac: k,
                             sign: Sign(rawValue: p.word("sign"))!, seed: UInt32(p.int("seed")))
        })
}

