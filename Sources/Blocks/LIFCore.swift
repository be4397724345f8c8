import FixedPoint
import HDL

/// LIF core (netlist type `lif`): a bank of leaky integrate-and-fire neurons with threshold,
/// reset, refractory counter and a clipped membrane (docs/algorithm.md, "LIF core").
///
/// Formats: membrane `u` = Fu fraction bits, width Wu; input `current` = Fi fraction bits;
/// `spike` u1.0; `refractory` unsigned, just wide enough for T_refract - 1.
/// Constants, fixed at elaboration: `TH` = round_nearest(threshold * 2^Fu), `UMIN` =
/// round_nearest(u_min * 2^Fu) (both must lie in the u format, 0 < TH, UMIN < TH);
/// the leak gamma is realised as `GM * 2^-GK` with GM a 16-bit unsigned mantissa
/// (GM in [2^15, 2^16), the most precise choice; GM = 0 when leak = 0); see `leakConstant`.
///
/// Per clock, per lane, all arithmetic exact in 64 bits unless a step says otherwise:
///
///     if integrate_refractory == false and r > 0:         (frozen while refractory)
///         u' = u,  r' = r - 1,  s' = 0                     (no leak, no integration)
///     else:
///         L    = R(u * GM, GK)                             leak, one rounding step (0 if GM = 0)
///         I    = R(current, Fi - Fu)                       current aligned to Fu: a rounding step
///                                                          if Fi > Fu, an exact left shift if Fi <= Fu
///         v    = OVF(u - L + I)                            into the u format: saturate or wrap,
///                                                          counted in `saturations`
///         fire = (r == 0) and (v >= TH)
///         w    = fire ? (reset == subtract ? v - TH : 0) : v
///         u'   = min(max(w, UMIN), TH)                     the designed clip (counted in
///                                                          `clipped_high` / `clipped_low`, not an overflow)
///         s'   = fire
///         r'   = fire ? T_refract - 1 : max(r - 1, 0)
///
/// `R(x, n)` drops n bits by the block's `rounding` (truncate = floor, nearest = ties up,
/// nearestEven, stochastic); for stochastic rounding one step of the block's LFSR32 is used per
/// rounding step that drops bits, lanes in ascending order, the leak before the current. The LFSR
/// is seeded once (`seed`) and is not re-seeded by `reset()` (it is persistent state).
///
/// Latency: `spike` is a register: a current at clock t shows as a spike at clock t + 1 at the
/// earliest. With the default settings (no leak, subtract, integrate while refractory,
/// T_refract = 2, th = 1) and currents representable in the u format the neuron is exact:
/// its rate is clip(I / th, 0, 1/2).
public final class LIFCore: Block {
    public enum Reset: String, Sendable, CaseIterable {
        /// u <- v - threshold on a spike (keeps the surplus charge).
        case subtract
        /// u <- 0 on a spike.
        case zero
    }

    public let lanes: Int
    public let membraneFormat: QFormat
    public let currentFormat: QFormat
    /// Threshold and lower clip, raw in the u format.
    public let thresholdRaw: Int64
    public let uMinRaw: Int64
    /// The realised leak multiplier gamma_LIF (mantissa and shift, relative error).
    public let leakConstant: QuantizedConstant
    public let refractoryPeriod: Int
    public let resetMode: Reset
    public let integratesWhileRefractory: Bool
    public let rounding: Rounding
    public let overflow: Overflow

    public let current: Port
    public let spike: Port
    public let u: Port
    public let refractory: Port

    /// Spikes emitted since `clearCounters()`.
    @exclusivity(unchecked) public private(set) var spikesEmitted = 0
    /// Membrane values clipped at the threshold / at u_min since `clearCounters()`.
    @exclusivity(unchecked) public private(set) var clippedHigh = 0
    @exclusivity(unchecked) public private(set) var clippedLow = 0

    private let uNext: LaneBuffer
    private let rNext: LaneBuffer
    private let sNext: LaneBuffer
    /// Pass 1 of `evaluate32`: the current aligned to the u grid.
    private let alignedCurrent: LaneBuffer
    @exclusivity(unchecked) private var in_current = BoundInput()
    @exclusivity(unchecked) private var rounder: LaneMath.Rounder
    private let fit: LaneMath.Fit
    private let currentShift: Int
    /// The Int32 lane path (`stage32` / `update32`) applies: see `init`.
    private let fast32: Bool
    /// `stage32` captured this clock's input; `commit` applies it once.
    @exclusivity(unchecked) private var staged = false

    /// A threshold or lower clip as the bank realises it: rounded to nearest into the membrane
    /// format (what `threshold` and `uMin` return), nil outside the format.
    public static func realised(_ value: Double, membrane: QFormat) -> Double? {
        (try? NeuronPathChecks.quantize(value, into: membrane, parameter: "")).map { membrane.toDouble($0) }
    }

    public var threshold: Double { membraneFormat.toDouble(thresholdRaw) }
    public var uMin: Double { membraneFormat.toDouble(uMinRaw) }

    public init(name: String, lanes: Int, membrane: QFormat = QFormat(signed: true, intBits: 3, fracBits: 13),
                current: QFormat = QFormat(signed: true, intBits: 3, fracBits: 13),
                threshold: Double = 1.0, uMin: Double = -1.0, leak: Double = 0, refractory: Int = 2,
                reset: Reset = .subtract, integrateRefractory: Bool = true,
                rounding: Rounding = .nearest, overflow: Overflow = .saturate, seed: UInt32 = 1) throws(ParameterError) {
        let declared = try LIFCore.interface(lanes: lanes, membrane: membrane, current: current, threshold: threshold,
                                             uMin: uMin, leak: leak, refractory: refractory)
        let th = try NeuronPathChecks.quantize(threshold, into: membrane, parameter: "threshold")
        let lo = try NeuronPathChecks.quantize(uMin, into: membrane, parameter: "u_min")
        let g = QuantizedConstant(leak, magnitudeBits: 16)!
        self.lanes = lanes
        membraneFormat = membrane
        currentFormat = current
        thresholdRaw = th
        uMinRaw = lo
        leakConstant = g
        refractoryPeriod = refractory
        resetMode = reset
        integratesWhileRefractory = integrateRefractory
        self.rounding = rounding
        self.overflow = overflow
        uNext = LaneBuffer(count: lanes)
        rNext = LaneBuffer(count: lanes)
        sNext = LaneBuffer(count: lanes)
        alignedCurrent = LaneBuffer(count: lanes)
        rounder = LaneMath.Rounder(mode: rounding, seed: seed)
        fit = LaneMath.Fit(membrane, overflow)
        currentShift = current.fracBits - membrane.fracBits
        // Int32 lanes compute the same values when: no leak (the leak product needs 64 bits), no
        // random draws (stochastic rounding of the current), the aligned current and u fit 30 bits
        // so that u + I cannot overflow Int32, and the nearest rounding's x + half cannot either.
        let alignedBits = current.width - min(currentShift, 0)
        fast32 = g.mantissa == 0 && !(rounding == .stochastic && currentShift > 0)
            && membrane.width <= 30 && current.width <= 30 && alignedBits <= 30
        let ports = DeclaredPorts(declared)
        self.current = ports["current"]
        spike = ports["spike"]
        u = ports["u"]
        self.refractory = ports["refractory"]
        super.init(name: name, ports: ports)
        inputsBound()
    }

    /// The interface for these parameters, after every check the initialiser makes (it calls this).
    public static func interface(lanes: Int, membrane: QFormat, current: QFormat, threshold: Double, uMin: Double,
                                 leak: Double, refractory: Int) throws(ParameterError) -> BlockInterface {
        try NeuronPathChecks.lanes(lanes)
        try NeuronPathChecks.laneFormat(membrane, parameter: "u")
        try NeuronPathChecks.laneFormat(current, parameter: "current")
        let th = try NeuronPathChecks.quantize(threshold, into: membrane, parameter: "threshold")
        guard th > 0 else {
            throw ParameterError(parameter: "threshold", message: "threshold \(threshold) must be above 0 (it is \(membrane.toDouble(th)) in \(membrane))")
        }
        let lo = try NeuronPathChecks.quantize(uMin, into: membrane, parameter: "u_min")
        guard lo < th else {
            throw ParameterError(parameter: "u_min", message: "u_min \(uMin) must be below the threshold \(threshold)")
        }
        guard leak >= 0 && leak < 1 else {
            throw ParameterError(parameter: "leak", message: "leak (gamma_LIF) must be in [0, 1), got \(leak)")
        }
        let g = QuantizedConstant(leak, magnitudeBits: 16)!
        guard leak == 0 || g.shift <= 47 else {
            throw ParameterError(parameter: "leak", message: "leak \(leak) is below 2^-32, the smallest the 16-bit leak multiplier supports; use 0 for no leak")
        }
        guard g.value < 1 else {
            throw ParameterError(parameter: "leak", message: "leak \(leak) rounds to 1.0 in the 16-bit leak multiplier; use at most 0.99998")
        }
        guard (1...65535).contains(refractory) else {
            throw ParameterError(parameter: "refractory", message: "refractory (T_refract) must be in 1...65535, got \(refractory)")
        }
        let refractoryFormat = QFormat(signed: false, intBits: LaneMath.bitsFor(refractory - 1), fracBits: 0)
        return BlockInterface(
            ports: [.input("current", lanes: lanes, format: current),
                    .output("spike", lanes: lanes, format: .bit, timing: .registered),
                    .register("u", lanes: lanes, format: membrane),
                    .register("refractory", lanes: lanes, format: refractoryFormat)],
            storage: [StorageItem(name: "u", kind: .register, words: lanes, format: membrane),
                      StorageItem(name: "refractory", kind: .register, words: lanes, format: refractoryFormat),
                      StorageItem(name: "spike", kind: .register, words: lanes, wordBits: 1)],
            persistent: [LaneMath.Rounder.persistentDeclaration])
    }

    /// Takes the inputs' pointers: here, and again once the simulator has wired them.
    public override func inputsBound() {
        in_current = BoundInput(current)
    }

    public override var typeName: String { "lif" }

    public override func reset() {
        staged = false
        u.storage.fill(0)
        refractory.storage.fill(0)
        spike.storage.fill(0)
        uNext.fill(0)
        rNext.fill(0)
        sNext.fill(0)
    }

    public override func evaluate() {
        if fast32 { stage32(); return }
        let uCur = u.storage.base, rCur = refractory.storage.base, input = in_current.pointer
        let uN = uNext.base, rN = rNext.base, sN = sNext.base
        let th = thresholdRaw, lo = uMinRaw
        let gm = leakConstant.mantissa, gk = leakConstant.shift, cs = currentShift
        let subtract = resetMode == .subtract
        let frozen = !integratesWhileRefractory
        let rFire = Int32(refractoryPeriod - 1)
        let fit = self.fit
        var rd = rounder
        var sat = 0, fired = 0, high = 0, low = 0
        for i in 0..<lanes {
            let r = rCur[i]
            if frozen && r > 0 {
                uN[i] = uCur[i]
                rN[i] = r - 1
                sN[i] = 0
                continue
            }
            let ui = Int64(uCur[i])
            let leakTerm = gm == 0 ? 0 : rd.shiftRight(ui * gm, by: gk)
            let aligned = rd.shiftRight(Int64(input[i]), by: cs)
            let v = fit.apply(ui - leakTerm + aligned, &sat)
            let fire = r == 0 && v >= th
            var w = fire ? (subtract ? v - th : 0) : v
            if w > th { w = th; high &+= 1 } else if w < lo { w = lo; low &+= 1 }
            uN[i] = Int32(truncatingIfNeeded: w)
            rN[i] = fire ? rFire : (r > 0 ? r - 1 : 0)
            sN[i] = fire ? 1 : 0
            if fire { fired &+= 1 }
        }
        rounder = rd
        saturations &+= sat
        spikesEmitted &+= fired
        clippedHigh &+= high
        clippedLow &+= low
    }

    /// The same equations in Int32 lanes, branch-free so that the loops vectorise (no leak, no
    /// random draws; see `fast32`), in two passes. Pass 1 (`stage32`, in evaluate): the input is
    /// captured as I = R(current, cs) by the block's deterministic rounding, or an exact left
    /// shift. Pass 2 (`update32`, at the edge): v = OVF(u + I) counted; fire, reset, clip and
    /// refractory as above, written over u, refractory and spike in place. The next state depends
    /// only on the registers and the captured I, so computing it at the edge is the same
    /// two-phase commit, without next-state buffers to copy.
    @inline(__always)
    private func stage32() {
        let input = in_current.pointer
        let n = lanes
        let cs = currentShift
        let a = alignedCurrent.base
        staged = true
        if cs == 0 {
            a.update(from: input, count: n)
        } else {
            var i = 0
            if cs < 0 {
                let k = Int32(-cs)
                while i < n { a[i] = input[i] &<< k; i &+= 1 }
            } else {
                let s = Int32(cs)
                switch rounder.mode {
                case .nearest:
                    let half = Int32(1) &<< (s &- 1)
                    while i < n { a[i] = (input[i] &+ half) &>> s; i &+= 1 }
                case .nearestEven:
                    let mask = (Int32(1) &<< s) &- 1, half = Int32(1) &<< (s &- 1)
                    while i < n {
                        let x = input[i], f = x &>> s, rem = x & mask
                        a[i] = f &+ ((rem > half || (rem == half && f & 1 != 0)) ? 1 : 0)
                        i &+= 1
                    }
                case .truncate, .stochastic:       // stochastic with cs > 0 is not on this path
                    while i < n { a[i] = input[i] &>> s; i &+= 1 }
                }
            }
        }
    }

    @inline(__always)
    private func update32() {
        let uCur = u.storage.base, rCur = refractory.storage.base
        let uN = uCur, rN = rCur, sN = spike.storage.base        // in place: lane i is read, then written
        let aligned = UnsafePointer(alignedCurrent.base)
        let n = lanes
        let th = Int32(truncatingIfNeeded: thresholdRaw), lo = Int32(truncatingIfNeeded: uMinRaw)
        let fmin = Int32(truncatingIfNeeded: fit.lo), fmax = Int32(truncatingIfNeeded: fit.hi)
        let rFire = Int32(refractoryPeriod - 1)
        let subtract: Int32 = resetMode == .subtract ? 1 : 0
        var sat: Int32 = 0, fired: Int32 = 0, high: Int32 = 0, low: Int32 = 0
        var i = 0
        if !fit.wrap && integratesWhileRefractory {
            // 16 lanes at a time with explicit vectors (compare masks and selects; LLVM's own
            // vectorisation of the scalar loop below turned the selects into masked stores), then
            // the scalar loop for the remaining lanes. Counters are accumulated per vector lane.
            typealias V = SIMD16<Int32>
            let thV = V(repeating: th), loV = V(repeating: lo), fminV = V(repeating: fmin), fmaxV = V(repeating: fmax)
            let rFireV = V(repeating: rFire), zero = V(), one = V(repeating: 1)
            let resetV = subtract != 0 ? thV : zero
            var satV = V(), highV = V(), lowV = V(), firedV = V()
            let raw = (u: UnsafeRawPointer(uCur), r: UnsafeRawPointer(rCur), a: UnsafeRawPointer(aligned))
            let out = (u: UnsafeMutableRawPointer(uN), r: UnsafeMutableRawPointer(rN), s: UnsafeMutableRawPointer(sN))
            while i &+ 16 <= n {
                let o = i &* 4
                let r = raw.r.loadUnaligned(fromByteOffset: o, as: V.self)
                let x = raw.u.loadUnaligned(fromByteOffset: o, as: V.self) &+ raw.a.loadUnaligned(fromByteOffset: o, as: V.self)
                let v = x.replacing(with: fminV, where: x .< fminV).replacing(with: fmaxV, where: x .> fmaxV)
                let fire = (r .== zero) .& (v .>= thV)
                // subtract: w = v - TH on a spike; zero: w = 0 on a spike (v - v).
                let w = v.replacing(with: v &- (subtract != 0 ? resetV : v), where: fire)
                let c = w.replacing(with: loV, where: w .< loV).replacing(with: thV, where: w .> thV)
                out.u.storeBytes(of: c, toByteOffset: o, as: V.self)
                let rm = r &- one
                out.r.storeBytes(of: rm.replacing(with: zero, where: rm .< zero).replacing(with: rFireV, where: fire),
                                 toByteOffset: o, as: V.self)
                let s = zero.replacing(with: one, where: fire)
                out.s.storeBytes(of: s, toByteOffset: o, as: V.self)
                satV &+= zero.replacing(with: one, where: v .!= x)
                highV &+= zero.replacing(with: one, where: w .> thV)
                lowV &+= zero.replacing(with: one, where: w .< loV)
                firedV &+= s
                i &+= 16
            }
            sat = satV.wrappedSum(); high = highV.wrappedSum(); low = lowV.wrappedSum(); fired = firedV.wrappedSum()
            // The remaining lanes, one at a time.
            while i < n {
                let r = rCur[i]
                let x = uCur[i] &+ aligned[i]
                let v = min(max(x, fmin), fmax)
                let fire = r == 0 && v >= th
                let w = fire ? (subtract != 0 ? v &- th : 0) : v
                uN[i] = min(max(w, lo), th)
                rN[i] = fire ? rFire : max(r &- 1, 0)
                sN[i] = fire ? 1 : 0
                sat &+= v != x ? 1 : 0
                high &+= w > th ? 1 : 0
                low &+= w < lo ? 1 : 0
                fired &+= fire ? 1 : 0
                i &+= 1
            }
        } else {
            let wrap = fit.wrap, signed = fit.signed
            let wShift = Int32(32 - membraneFormat.width)
            let wMask = Int32(truncatingIfNeeded: fit.mask)
            let frozen = !integratesWhileRefractory
            while i < n {
                let r = rCur[i], ui = uCur[i]
                let x = ui &+ aligned[i]
                let v = wrap ? (signed ? (x &<< wShift) &>> wShift : x & wMask) : min(max(x, fmin), fmax)
                let fire = r == 0 && v >= th
                let w = fire ? (subtract != 0 ? v &- th : 0) : v
                // Frozen lanes (no integration while refractory) keep u and count nothing.
                let fz = frozen && r > 0
                uN[i] = fz ? ui : min(max(w, lo), th)
                rN[i] = fire ? rFire : max(r &- 1, 0)
                sN[i] = fire ? 1 : 0
                sat &+= !fz && v != x ? 1 : 0
                high &+= !fz && w > th ? 1 : 0
                low &+= !fz && w < lo ? 1 : 0
                fired &+= fire ? 1 : 0
                i &+= 1
            }
        }
        if sat != 0 { saturations &+= Int(sat) }
        spikesEmitted &+= Int(fired)
        clippedHigh &+= Int(high)
        clippedLow &+= Int(low)
    }

    public override func commit() {
        if fast32 {
            // Idempotent like a copy: only the clock that `evaluate` staged is applied.
            if staged { update32(); staged = false }
            return
        }
        u.storage.base.update(from: uNext.base, count: lanes)
        refractory.storage.base.update(from: rNext.base, count: lanes)
        spike.storage.base.update(from: sNext.base, count: lanes)
    }

    public override var counters: [(name: String, value: Int)] {
        [("saturations", saturations), ("spikes", spikesEmitted), ("clipped_high", clippedHigh), ("clipped_low", clippedLow)]
    }

    public override func clearCounters() {
        super.clearCounters()
        spikesEmitted = 0
        clippedHigh = 0
        clippedLow = 0
    }

    public override var persistentState: [(name: String, values: [Int32])] { [rounder.persistentEntry] }

    public override func restorePersistentState(name: String, values: [Int32]) throws(HDLError) {
        try rounder.restore(name: name, values: values, block: self.name)
    }
}

extension LIFCore {
    /// The netlist type (parameters, interface, cycle model).
    public static let blockType = BlockType(
        name: "lif",
        doc: "LIF core: v = u - round(gamma*u) + I; fire = r == 0 and v >= u_th; u' = clip(v - (fire ? u_th : 0), u_min, u_th); spike registered; refractory T_refract clocks",
        parameters: [
            lanesSpec,
            Spec("u", .format, default: fmt("s3.13"), doc: "membrane format"),
            Spec("current", .format, default: fmt("s3.13"), doc: "input current format (aligned to u's fraction bits by `rounding`)"),
            Spec("threshold", .real(-1e9...1e9), default: .real(1.0), doc: "u_th, quantised to nearest in the u format; must be > 0"),
            Spec("u_min", .real(-1e9...1e9), default: .real(-1.0), doc: "lower clip of the membrane, quantised to nearest in the u format; must be below the threshold"),
            Spec("leak", .real(0...1), default: .real(0), doc: "gamma_LIF in [0, 1), realised as a 16-bit mantissa times 2^-k"),
            Spec("refractory", .int(1...65535), default: .int(2), doc: "T_refract: clocks from a spike to the next possible spike (max rate 1/T_refract)"),
            Spec("reset", .choice(LIFCore.Reset.allCases.map(\.rawValue)), default: .word("subtract"), doc: "on a spike: subtract the threshold, or set u to 0"),
            Spec("integrate_refractory", .bool, default: .bool(true), doc: "true: keep integrating while refractory; false: freeze u while refractory"),
            .rounding("rounding", default: .nearest, doc: "rounding of the leak product and of the current alignment"),
            .overflow("overflow", default: .saturate, doc: "when u - leak + I leaves the u format"),
            seedSpec,
        ],
        interface: { p throws(ParameterError) in
            try LIFCore.interface(lanes: p.int("lanes"), membrane: p.format("u"), current: p.format("current"), threshold: p.real("threshold"),
                                  uMin: p.real("u_min"), leak: p.real("leak"), refractory: p.int("refractory"))
        },
        cycleModel: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
            try LIFCore(name: name, lanes: p.int("lanes"), membrane: p.format("u"), current: p.format("current"),
                        threshold: p.real("threshold"), uMin: p.real("u_min"), leak: p.real("leak"),
                        refractory: p.int("refractory"), reset: LIFCore.Reset(rawValue: p.word("reset"))!,
                        integrateRefractory: p.bool("integrate_refractory"), rounding: p.rounding("rounding"),
                        overflow: p.overflow("overflow"), seed: UInt32(p.int("seed")))
        })
}
