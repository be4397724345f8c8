import FixedPoint
import HDL

/// Leaky integrator (netlist type `li`): V(t+1) = V(t) - gamma_LI * V(t) + s(t), so that V settles
/// near rate / gamma_LI. One per neuron of the rate-derivative estimator (docs/algorithm.md).
///
/// Formats: `v` = Fv fraction bits (any format that holds 1.0); `spike` u1.0.
/// Constants: `ONE` = 2^Fv (one spike adds 1.0). The leak is `GM * 2^-GK`:
/// - leak_mode = multiply: GM a 16-bit unsigned mantissa in [2^15, 2^16) (the most precise
///   choice; relative error of gamma below 2^-16), GK >= 16; see `gammaConstant`;
/// - leak_mode = shift: gamma must be exactly 2^-k; GM = 1, GK = k (no multiplier: a wire shift).
///
/// Per clock, per lane:
///
///     L  = R(V * GM, GK)                   one rounding step by `rounding` (exact 64-bit product)
///     V' = SAT(V - L + (s != 0 ? ONE : 0)) saturate into the v format, counted in `saturations`
///
/// `R` rounds as `Fixed.shiftRightRounded` (truncate = floor, nearest = ties up, nearestEven,
/// stochastic: one step of the block's LFSR32 per lane per clock, lanes in ascending order; the
/// LFSR is not re-seeded by `reset()`).
///
/// Latency: registered; a spike at clock t adds 1.0 to `v` at clock t + 1.
/// Error against the real-valued recursion with the same gamma: each clock adds at most rho LSB
/// (rho = 1/2 for nearest and nearestEven, < 1 for truncate and stochastic) and the error decays by
/// (1 - gamma) per clock, so it stays within rho / gamma LSB (5 LSB for gamma = 0.1, nearest)
/// while nothing saturates.
public final class LeakyIntegrator: Block {
    public enum LeakMode: String, Sendable, CaseIterable {
        case multiply
        case shift
    }

    public let lanes: Int
    public let format: QFormat
    public let leakMode: LeakMode
    public let rounding: Rounding
    /// The realised gamma_LI (mantissa and shift, relative error).
    public let gammaConstant: QuantizedConstant

    public let spike: Port
    public let v: Port

    private let vNext: LaneBuffer
    @exclusivity(unchecked) private var rounder: LaneMath.Rounder
    private let one: Int64
    @exclusivity(unchecked) private var in_spike = BoundInput()

    public init(name: String, lanes: Int, format: QFormat = QFormat(signed: false, intBits: 4, fracBits: 12),
                gamma: Double = 0.1, leakMode: LeakMode = .multiply, rounding: Rounding = .nearest,
                seed: UInt32 = 1) throws(ParameterError) {
        let declared = try LeakyIntegrator.interface(lanes: lanes, format: format, gamma: gamma, leakMode: leakMode)
        let g = QuantizedConstant(gamma, magnitudeBits: leakMode == .multiply ? 16 : 1)!
        self.lanes = lanes
        self.format = format
        self.leakMode = leakMode
        self.rounding = rounding
        gammaConstant = g
        vNext = LaneBuffer(count: lanes)
        rounder = LaneMath.Rounder(mode: rounding, seed: seed)
        one = Int64(1) << format.fracBits
        let ports = DeclaredPorts(declared)
        spike = ports["spike"]
        v = ports["v"]
        super.init(name: name, ports: ports)
        inputsBound()
    }

    /// The interface for these parameters, after every check the initialiser makes (it calls this).
    public static func interface(lanes: Int, format: QFormat, gamma: Double, leakMode: LeakMode) throws(ParameterError) -> BlockInterface {
        try NeuronPathChecks.lanes(lanes)
        try NeuronPathChecks.laneFormat(format, parameter: "v")
        guard format.maxRaw >= Int64(1) << format.fracBits else {
            throw ParameterError(parameter: "v", message: "format \(format) cannot hold 1.0, the value one spike adds; give it at least 1 integer bit (2 if signed)")
        }
        guard gamma > 0 && gamma < 1 else {
            throw ParameterError(parameter: "gamma", message: "gamma (gamma_LI) must be in (0, 1), got \(gamma)")
        }
        let g: QuantizedConstant
        switch leakMode {
        case .multiply:
            g = QuantizedConstant(gamma, magnitudeBits: 16)!
            guard g.shift <= 56 else {
                throw ParameterError(parameter: "gamma", message: "gamma \(gamma) is below 2^-40, the smallest the leak multiplier supports")
            }
            guard g.value < 1 else {
                throw ParameterError(parameter: "gamma", message: "gamma \(gamma) rounds to 1.0 in the 16-bit leak multiplier; use at most 0.99998")
            }
        case .shift:
            g = QuantizedConstant(gamma, magnitudeBits: 1)!
            guard g.relativeError == 0 else {
                throw ParameterError(parameter: "gamma", message: "leak_mode shift needs gamma = 2^-k (e.g. 0.125 or 0.0625); \(gamma) is not a power of two, use leak_mode multiply")
            }
            guard g.shift <= 40 else {
                throw ParameterError(parameter: "gamma", message: "gamma \(gamma) is below 2^-40, the smallest shift supported")
            }
        }
        return BlockInterface(
            ports: [.input("spike", lanes: lanes, format: .bit), .output("v", lanes: lanes, format: format, timing: .registered)],
            storage: [StorageItem(name: "v", kind: .register, words: lanes, format: format)],
            persistent: [LaneMath.Rounder.persistentDeclaration])
    }

    /// Takes the inputs' pointers: here, and again once the simulator has wired them.
    public override func inputsBound() {
        in_spike = BoundInput(spike)
    }

    public override var typeName: String { "li" }

    /// The realised gamma_LI.
    public var gamma: Double { gammaConstant.value }

    public override func reset() {
        v.storage.fill(0)
        vNext.fill(0)
    }

    public override func evaluate() {
        let vCur = v.storage.base, s = in_spike.pointer, vN = vNext.base
        let gm = gammaConstant.mantissa, gk = gammaConstant.shift, one = self.one
        let lo = format.minRaw, hi = format.maxRaw
        if rounding != .stochastic && gk > 0 && gm < (1 << 31) {
            // The same recursion, branch-free (vectorises): V * GM is exact in 64 bits.
            let k = Int64(gk), m = Int64(gm)
            var sat = 0
            var i = 0
            switch rounding {
            case .nearest:
                let half = Int64(1) &<< (k &- 1)
                while i < lanes {
                    let x = Int64(vCur[i])
                    let y = x &- ((x &* m &+ half) &>> k) &+ (s[i] != 0 ? one : 0)
                    let c = min(max(y, lo), hi)
                    vN[i] = Int32(truncatingIfNeeded: c)
                    sat &+= c != y ? 1 : 0
                    i &+= 1
                }
            case .nearestEven:
                let half = Int64(1) &<< (k &- 1), mask = (Int64(1) &<< k) &- 1
                while i < lanes {
                    let x = Int64(vCur[i])
                    let p = x &* m, f = p &>> k, rem = p & mask
                    let l = f &+ ((rem > half || (rem == half && f & 1 != 0)) ? 1 : 0)
                    let y = x &- l &+ (s[i] != 0 ? one : 0)
                    let c = min(max(y, lo), hi)
                    vN[i] = Int32(truncatingIfNeeded: c)
                    sat &+= c != y ? 1 : 0
                    i &+= 1
                }
            case .truncate, .stochastic:
                while i < lanes {
                    let x = Int64(vCur[i])
                    let y = x &- ((x &* m) &>> k) &+ (s[i] != 0 ? one : 0)
                    let c = min(max(y, lo), hi)
                    vN[i] = Int32(truncatingIfNeeded: c)
                    sat &+= c != y ? 1 : 0
                    i &+= 1
                }
            }
            if sat != 0 { saturations &+= sat }
            return
        }
        var rd = rounder
        var sat = 0
        for i in 0..<lanes {
            let x = Int64(vCur[i])
            var y = x - rd.shiftRight(x * gm, by: gk) + (s[i] != 0 ? one : 0)
            if y > hi { y = hi; sat &+= 1 } else if y < lo { y = lo; sat &+= 1 }
            vN[i] = Int32(truncatingIfNeeded: y)
        }
        rounder = rd
        saturations &+= sat
    }

    public override func commit() {
        v.storage.base.update(from: vNext.base, count: lanes)
    }

    public override var persistentState: [(name: String, values: [Int32])] { [rounder.persistentEntry] }

    public override func restorePersistentState(name: String, values: [Int32]) throws(HDLError) {
        try rounder.restore(name: name, values: values, block: self.name)
    }
}

extension LeakyIntegrator {
    /// The netlist type (parameters, interface, cycle model).
    public static let blockType = BlockType(
        name: "li",
        doc: "leaky integrator: V' = sat(V - round(gamma*V) + s), V ~ rate/gamma",
        parameters: [
            lanesSpec,
            Spec("v", .format, default: fmt("u4.12"), doc: "format of V (must hold 1.0; V reaches 1/gamma at rate 1)"),
            Spec("gamma", .real(0...1), default: .real(0.1), doc: "gamma_LI in (0, 1)"),
            Spec("leak_mode", .choice(LeakyIntegrator.LeakMode.allCases.map(\.rawValue)), default: .word("multiply"),
                 doc: "multiply: 16-bit mantissa times 2^-k; shift: gamma must be 2^-k"),
            .rounding("rounding", default: .nearest, doc: "rounding of the leak"),
            seedSpec,
        ],
        interface: { p throws(ParameterError) in
            try LeakyIntegrator.interface(lanes: p.int("lanes"), format: p.format("v"), gamma: p.real("gamma"),
                                          leakMode: LeakyIntegrator.LeakMode(rawValue: p.word("leak_mode"))!)
        },
        cycleModel: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
            try LeakyIntegrator(name: name, lanes: p.int("lanes"), format: p.format("v"), gamma: p.real("gamma"),
                                leakMode: LeakyIntegrator.LeakMode(rawValue: p.word("leak_mode"))!,
                                rounding: p.rounding("rounding"), seed: UInt32(p.int("seed")))
        })
}
