import FixedPoint
import HDL

/// Constant multiplier (netlist type `scale`): `y = round(x * factor)` into the output format,
/// combinational. Used for learning rates (eta * F) and the nudge gain (beta).
///
/// The factor is realised as `M * 2^-K` with M a signed mantissa of `mantissa` bits (default 16:
/// |M| in [2^14, 2^15 - 1], the most precise choice) and K chosen to match; K < 0 for factors of
/// 2^15 and more. `factorConstant` gives M, K, the realised factor and its relative error
/// (|error| <= 2^-(mantissa - 1): 2^-15 for 16 bits).
///
/// Formats: input Fi fraction bits, output Fo. Per clock, per lane (one rounding, one overflow):
///
///     P  = x * M                                exact (64 bits)
///     y' = R(P, K + Fi - Fo)                    right shift rounded by `rounding` (or an exact
///                                               left shift when K + Fi - Fo < 0, in 128 bits)
///     y  = OVF(y')                              saturate or wrap into the output format (counted)
///
/// Optional input `negate` (1 bit, unconnected = 0): while it is high the mantissa is negated,
/// y = R(x * -M, ...), i.e. the factor's sign flips for that clock (a mux on the constant, as a
/// random-sign nudge needs for eta: see `NudgeUnit`). |-M| < 2^(mantissa-1), so -M is exact.
///
/// Stochastic rounding takes one step of the block's LFSR32 per lane per clock (lanes ascending),
/// whenever bits are dropped; it makes tiny products (eta * F below one LSB) unbiased on average.
/// Latency: none (combinational).
public final class Scaler: Block {
    public let lanes: Int
    public let inputFormat: QFormat
    public let outputFormat: QFormat
    public let rounding: Rounding
    public let overflow: Overflow
    /// The realised factor (mantissa, shift, value, relative error).
    public private(set) var factorConstant: QuantizedConstant
    private let mantissaBits: Int

    public let x: Port
    /// Optional 1-bit input: negate the factor for this clock.
    public let negate: Port
    public let y: Port

    @exclusivity(unchecked) private var rounder: LaneMath.Rounder
    private let fit: LaneMath.Fit
    @exclusivity(unchecked) private var in_x = BoundInput()
    @exclusivity(unchecked) private var in_negate = BoundInput()
    @exclusivity(unchecked) private var productShift: Int

    /// The realised factor, `M * 2^-K`.
    public var factor: Double { factorConstant.value }
    /// (realised - asked) / asked.
    public var factorRelativeError: Double { factorConstant.relativeError }

    public init(name: String, lanes: Int, input: QFormat, output: QFormat, factor: Double,
                mantissaBits: Int = 16, rounding: Rounding = .nearest, overflow: Overflow = .saturate,
                seed: UInt32 = 1) throws(ParameterError) {
        let declared = try Scaler.interface(lanes: lanes, input: input, output: output, factor: factor, mantissaBits: mantissaBits)
        let c = QuantizedConstant(factor, magnitudeBits: mantissaBits - 1)!
        let s = c.shift + input.fracBits - output.fracBits
        self.lanes = lanes
        inputFormat = input
        outputFormat = output
        self.rounding = rounding
        self.overflow = overflow
        factorConstant = c
        self.mantissaBits = mantissaBits
        rounder = LaneMath.Rounder(mode: rounding, seed: seed)
        fit = LaneMath.Fit(output, overflow)
        productShift = s
        let ports = DeclaredPorts(declared)
        x = ports["x"]
        negate = ports["negate"]
        y = ports["y"]
        super.init(name: name, ports: ports)
        inputsBound()
    }

    /// The interface for these parameters, after every check the initialiser makes (it calls this).
    public static func interface(lanes: Int, input: QFormat, output: QFormat, factor: Double, mantissaBits: Int) throws(ParameterError) -> BlockInterface {
        try NeuronPathChecks.lanes(lanes)
        try NeuronPathChecks.laneFormat(input, parameter: "input")
        try NeuronPathChecks.laneFormat(output, parameter: "output")
        guard (2...24).contains(mantissaBits) else {
            throw ParameterError(parameter: "mantissa", message: "mantissa must be 2...24 bits (sign included), got \(mantissaBits)")
        }
        guard factor.isFinite, abs(factor) <= 1e9, factor == 0 || abs(factor) >= 1e-12 else {
            throw ParameterError(parameter: "factor", message: "factor \(factor) is outside the supported magnitudes: 0 or 1e-12 ... 1e9")
        }
        let c = QuantizedConstant(factor, magnitudeBits: mantissaBits - 1)!
        let s = c.shift + input.fracBits - output.fracBits
        guard s <= 62 else {
            throw ParameterError(parameter: "factor", message: "factor \(factor) is so small that x * factor is far below one LSB of \(output) for every input in \(input) (product shift \(s) > 62 bits); the output would always be 0")
        }
        return BlockInterface(
            ports: [.input("x", lanes: lanes, format: input), .input("negate", lanes: 1, format: .bit, optional: true),
                    .output("y", lanes: lanes, format: output, timing: .combinational)],
            storage: [],
            persistent: [LaneMath.Rounder.persistentDeclaration])
    }

    /// Takes the inputs' pointers: here, and again once the simulator has wired them.
    public override func inputsBound() {
        in_x = BoundInput(x)
        in_negate = BoundInput(negate)
    }

    public override var typeName: String { "scale" }

    /// The host rewrites the factor register (e.g. a learning-rate schedule between epochs). The
    /// new factor is quantised with the same mantissa width; an unusable one is refused and the
    /// old factor kept.
    public func setFactor(_ factor: Double) throws(ParameterError) {
        guard factor.isFinite, abs(factor) <= 1e9, factor == 0 || abs(factor) >= 1e-12,
              let c = QuantizedConstant(factor, magnitudeBits: mantissaBits - 1) else {
            throw ParameterError(parameter: "factor", message: "factor \(factor) is outside the supported magnitudes: 0 or 1e-12 ... 1e9")
        }
        let s = c.shift + inputFormat.fracBits - outputFormat.fracBits
        guard s <= 62 else {
            throw ParameterError(parameter: "factor", message: "factor \(factor) is far below one LSB of \(outputFormat) for every input")
        }
        factorConstant = c
        productShift = s
    }

    public override func evaluate() {
        let negated = in_negate.isConnected && in_negate.pointer[0] != 0
        let xin = in_x.pointer, out = y.storage.base, s = productShift
        let m = negated ? -factorConstant.mantissa : factorConstant.mantissa
        let fit = self.fit
        if s > 0 && rounding != .stochastic && !fit.wrap {
            evaluateRounded(xin, out, m: Int32(truncatingIfNeeded: m), s: s)
            return
        }
        var sat = 0
        if s >= 0 {
            var rd = rounder
            for i in 0..<lanes {
                out[i] = Int32(truncatingIfNeeded: fit.apply(rd.shiftRight(Int64(xin[i]) * m, by: s), &sat))
            }
            rounder = rd
        } else {
            // A left shift can exceed 64 bits: do it in 128 and fit from there (the wrap keeps
            // the low bits of the exact product, as a wider datapath would).
            for i in 0..<lanes {
                let wide = Int128(Int64(xin[i]) * m) << Int128(-s)
                let r: Int64
                if wide > Int128(Int64.max) || wide < Int128(Int64.min) {
                    sat &+= 1
                    r = fit.wrap ? fit.wrapped(Int64(truncatingIfNeeded: wide)) : (wide > 0 ? fit.hi : fit.lo)
                } else {
                    r = fit.apply(Int64(wide), &sat)
                }
                out[i] = Int32(truncatingIfNeeded: r)
            }
        }
        saturations &+= sat
    }

    /// The product rounded by a deterministic rule and saturated, as the loop above computes it
    /// (`x * M` is exact in 64 bits: |x| < 2^31, |M| < 2^23), branch-free so that it vectorises.
    @inline(__always)
    private func evaluateRounded(_ xin: UnsafeMutablePointer<Int32>, _ out: UnsafeMutablePointer<Int32>, m: Int32, s: Int) {
        let n = lanes, k = Int64(s), lo = fit.lo, hi = fit.hi
        var sat = 0
        var i = 0
        switch rounding {
        case .nearest:
            let half = Int64(1) &<< (k &- 1)
            while i < n {
                let r = (Int64(xin[i]) &* Int64(m) &+ half) &>> k
                let c = min(max(r, lo), hi)
                out[i] = Int32(truncatingIfNeeded: c)
                sat &+= c != r ? 1 : 0
                i &+= 1
            }
        case .nearestEven:
            let half = Int64(1) &<< (k &- 1), mask = (Int64(1) &<< k) &- 1
            while i < n {
                let p = Int64(xin[i]) &* Int64(m)
                let f = p &>> k, rem = p & mask
                let r = f &+ ((rem > half || (rem == half && f & 1 != 0)) ? 1 : 0)
                let c = min(max(r, lo), hi)
                out[i] = Int32(truncatingIfNeeded: c)
                sat &+= c != r ? 1 : 0
                i &+= 1
            }
        case .truncate, .stochastic:     // stochastic is not on this path
            while i < n {
                let r = (Int64(xin[i]) &* Int64(m)) &>> k
                let c = min(max(r, lo), hi)
                out[i] = Int32(truncatingIfNeeded: c)
                sat &+= c != r ? 1 : 0
                i &+= 1
            }
        }
        if sat != 0 { saturations &+= sat }
    }

    public override var persistentState: [(name: String, values: [Int32])] { [rounder.persistentEntry] }

    public override func restorePersistentState(name: String, values: [Int32]) throws(HDLError) {
        try rounder.restore(name: name, values: values, block: self.name)
    }
}

/// Combinational (the factor register is written only by the host): nothing happens at the edge.
extension Scaler: CommitsNothing {}

extension Scaler {
    /// The netlist type (parameters, interface, cycle model).
    public static let blockType = BlockType(
        name: "scale",
        doc: "constant multiplier: y = round(x * factor), factor realised as mantissa * 2^-k (combinational); optional 1-bit input negate flips the factor's sign",
        parameters: [
            lanesSpec,
            Spec("input", .format, default: fmt("s5.12"), doc: "input format"),
            Spec("output", .format, default: fmt("s5.12"), doc: "output format"),
            Spec("factor", .real(-1e9...1e9), default: .real(1.0), doc: "the constant (e.g. eta or beta); 0 or 1e-12...1e9 in magnitude"),
            Spec("mantissa", .int(2...24), default: .int(16), doc: "bits of the factor's signed mantissa"),
            .rounding("rounding", default: .nearest, doc: "rounding of the product"),
            .overflow("overflow", default: .saturate, doc: "when the product leaves the output format"),
            seedSpec,
        ],
        interface: { p throws(ParameterError) in
            try Scaler.interface(lanes: p.int("lanes"), input: p.format("input"), output: p.format("output"), factor: p.real("factor"),
                                 mantissaBits: p.int("mantissa"))
        },
        cycleModel: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
            try Scaler(name: name, lanes: p.int("lanes"), input: p.format("input"), output: p.format("output"),
                       factor: p.real("factor"), mantissaBits: p.int("mantissa"), rounding: p.rounding("rounding"),
                       overflow: p.overflow("overflow"), seed: UInt32(p.int("seed")))
        })
}
