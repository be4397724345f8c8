import FixedPoint
import HDL

/// FIR averager (netlist type `fir`): a moving average over the last N = `taps` inputs,
/// `mean(t+1) = (1/N) * sum_{k=0}^{N-1} x(t-k)` (inputs before the reset count as 0).
/// In the estimator it gives F(t+1) from D(t) (docs/algorithm.md).
///
/// Formats: input `x` = Fi fraction bits, width Wi; output `mean` = Fo fraction bits.
/// Running sum `S`: same signedness and fraction bits as the input, Wi + ceil(log2 N) bits, which
/// holds any sum of N inputs, so it never overflows (elaboration rejects it beyond 32 bits).
/// A delay line of N input words holds x(t-1) ... x(t-N).
///
/// Per clock, per lane:
///
///     S'    = S + x(t) - x(t - N)                   exact
///     mean' = OVF(Q(S'))                            Q: the division, one rounding step; OVF:
///                                                   saturate or wrap into the output format (counted)
///     push x(t) into the delay line, dropping x(t - N)
///
/// The division Q(S') = S' * 2^(Fo - Fi) / N, rounded once by `rounding`:
/// - N a power of two (N = 2^p): a shift by p + Fi - Fo (right: rounded; left: exact);
/// - otherwise: exact integer division of A = S' * 2^max(0, Fo - Fi) by D = N * 2^max(0, Fi - Fo),
///   rounded as stated (truncate = floor; nearest = ties up; nearestEven; stochastic = up with
///   probability remainder / D). The result is the exactly rounded quotient; a netlist-to-RTL flow
///   implements it as a multiply by a reciprocal with enough bits to give the same quotient.
/// Stochastic rounding takes one step of the block's LFSR32 per lane per clock (lanes ascending).
///
/// Latency: registered; `mean` at clock t + 1 includes x(t).
/// Error: |mean - exact moving average| <= 1/2 LSB of the output for nearest / nearestEven,
/// < 1 LSB for truncate / stochastic; exact when N = 2^p and Fo >= Fi + p (no bit is dropped).
public final class FIRAverager: Block {
    public let lanes: Int
    public let taps: Int
    public let inputFormat: QFormat
    public let outputFormat: QFormat
    public let sumFormat: QFormat
    public let rounding: Rounding
    public let overflow: Overflow

    public let x: Port
    public let mean: Port
    public let sum: Port

    private let window: LaneBuffer     // N slots of `lanes` words, slot-major
    @exclusivity(unchecked) private var head = 0               // slot holding x(t - N)
    private let xStage: LaneBuffer     // x(t), written to the window at the clock edge
    private let sumNext: LaneBuffer
    private let meanNext: LaneBuffer
    @exclusivity(unchecked) private var rounder: LaneMath.Rounder
    private let fit: LaneMath.Fit
    /// Branch-free lane path (`evaluateFast`): deterministic rounding, saturation, and for taps
    /// that are not a power of two a numerator A = S' * 2^e within 31 bits.
    private let fastPath: Bool
    /// `evaluate` captured x(t) for the fast path; `commit` applies it once.
    @exclusivity(unchecked) private var staged = false
    private let sumLo: Int64
    private let sumHi: Int64
    @exclusivity(unchecked) private var in_x = BoundInput()
    /// Power-of-two taps: the shift; otherwise nil and the division uses `numeratorShift` / `divisor`.
    private let shift: Int?
    private let numeratorShift: Int64
    private let divisor: Int64

    public init(name: String, lanes: Int, taps: Int = 20,
                input: QFormat = QFormat(signed: true, intBits: 5, fracBits: 12),
                output: QFormat = QFormat(signed: true, intBits: 5, fracBits: 12),
                rounding: Rounding = .nearest, overflow: Overflow = .saturate, seed: UInt32 = 1) throws(ParameterError) {
        let declared = try FIRAverager.interface(lanes: lanes, taps: taps, input: input, output: output)
        let sf = declared.port(named: "sum")!.format
        self.lanes = lanes
        self.taps = taps
        inputFormat = input
        outputFormat = output
        sumFormat = sf
        self.rounding = rounding
        self.overflow = overflow
        window = LaneBuffer(count: taps * lanes)
        xStage = LaneBuffer(count: lanes)
        sumNext = LaneBuffer(count: lanes)
        meanNext = LaneBuffer(count: lanes)
        rounder = LaneMath.Rounder(mode: rounding, seed: seed)
        fit = LaneMath.Fit(output, overflow)
        if taps & (taps - 1) == 0 {
            shift = taps.trailingZeroBitCount + input.fracBits - output.fracBits
            numeratorShift = 0
            divisor = 1
        } else {
            shift = nil
            numeratorShift = Int64(max(0, output.fracBits - input.fracBits))
            divisor = Int64(taps) << Int64(max(0, input.fracBits - output.fracBits))
        }
        sumLo = sf.minRaw
        sumHi = sf.maxRaw
        let deterministic = rounding != .stochastic && overflow == .saturate
        if taps & (taps - 1) == 0 {
            fastPath = deterministic && (shift ?? 0) <= 62 && (shift ?? 0) >= -31
        } else {
            fastPath = deterministic && sf.width + Int(numeratorShift) <= 30 && divisor >= 3 && divisor < (1 << 20)
        }
        let ports = DeclaredPorts(declared)
        x = ports["x"]
        mean = ports["mean"]
        sum = ports["sum"]
        super.init(name: name, ports: ports)
        inputsBound()
    }

    /// The interface for these parameters, after every check the initialiser makes (it calls this).
    public static func interface(lanes: Int, taps: Int, input: QFormat, output: QFormat) throws(ParameterError) -> BlockInterface {
        try NeuronPathChecks.lanes(lanes)
        try NeuronPathChecks.laneFormat(input, parameter: "input")
        try NeuronPathChecks.laneFormat(output, parameter: "output")
        guard (1...65536).contains(taps) else {
            throw ParameterError(parameter: "taps", message: "taps (N_filt) must be in 1...65536, got \(taps)")
        }
        guard taps * lanes <= DelayLine.maxWords else {
            throw ParameterError(parameter: "taps", message: "taps \(taps) x lanes \(lanes) = \(taps * lanes) words exceeds the model's limit of \(DelayLine.maxWords)")
        }
        let grow = LaneMath.ceilLog2(taps)
        guard let sf = try? QFormat.validated(signed: input.isSigned, intBits: input.intBits + grow, fracBits: input.fracBits),
              sf.fitsInt32Lanes else {
            throw ParameterError(parameter: "taps", message: "the running sum of \(taps) inputs in \(input) needs \(input.width + grow) bits, more than the model's 32-bit lanes (31 if unsigned); use fewer taps or a narrower input")
        }
        return BlockInterface(
            ports: [.input("x", lanes: lanes, format: input), .output("mean", lanes: lanes, format: output, timing: .registered),
                    .register("sum", lanes: lanes, format: sf)],
            storage: [StorageItem(name: "window", kind: .delayLine, words: lanes * taps, format: input),
                      StorageItem(name: "sum", kind: .register, words: lanes, format: sf),
                      StorageItem(name: "mean", kind: .register, words: lanes, format: output)],
            persistent: [LaneMath.Rounder.persistentDeclaration])
    }

    /// Takes the inputs' pointers: here, and again once the simulator has wired them.
    public override func inputsBound() {
        in_x = BoundInput(x)
    }

    public override var typeName: String { "fir" }

    public override func reset() {
        staged = false
        window.fill(0)
        head = 0
        sum.storage.fill(0)
        mean.storage.fill(0)
        xStage.fill(0)
        sumNext.fill(0)
        meanNext.fill(0)
    }

    public override func evaluate() {
        if fastPath {
            // Capture x(t); the rest happens at the edge (`commit`), from registers and the stage.
            xStage.base.update(from: in_x.pointer, count: lanes)
            staged = true
            return
        }
        evaluateGeneral(in_x.pointer)
    }

    /// The reference loops: S', the stage and mean' into private storage (copied by `copyNext`).
    private func evaluateGeneral(_ xin: UnsafeMutablePointer<Int32>) {
        let s = sum.storage.base, oldest = window.base + head * lanes
        let st = xStage.base, sN = sumNext.base, mN = meanNext.base
        let fit = self.fit
        var rd = rounder
        var sat = 0
        if let p = shift {
            for i in 0..<lanes {
                let xi = xin[i]
                let total = Int64(s[i]) + Int64(xi) - Int64(oldest[i])
                st[i] = xi
                sN[i] = Int32(truncatingIfNeeded: total)
                mN[i] = Int32(truncatingIfNeeded: fit.apply(rd.shiftRight(total, by: p), &sat))
            }
        } else {
            let e = numeratorShift, d = divisor
            for i in 0..<lanes {
                let xi = xin[i]
                let total = Int64(s[i]) + Int64(xi) - Int64(oldest[i])
                st[i] = xi
                sN[i] = Int32(truncatingIfNeeded: total)
                mN[i] = Int32(truncatingIfNeeded: fit.apply(rd.divide(total << e, by: d), &sat))
            }
        }
        rounder = rd
        saturations &+= sat
    }

    /// The clock at the edge, branch-free so that the loops vectorise: S' = S + x(t) - x(t-N) from
    /// the registers and the staged x(t), then mean', S' and the window slot written in place (the
    /// same values `evaluateGeneral` + `copyNext` give). Returns false, having written nothing, when
    /// some S' lies outside the sum register's format (only possible for inputs outside their
    /// format); the general loops then do the clock.
    ///
    /// Division by the constant d = N * 2^max(0, Fi-Fo) when N is not a power of two (d >= 3):
    /// A = S' * 2^e with |A| < 2^30 (checked at init). Nearest (ties up) is floor((A + floor(d/2)) / d)
    /// and truncate floor(A / d); for B = A + bias, q0 = floor(B * M / 2^32) with M = ceil(2^32 / d)
    /// (M < 2^31) differs from floor(B / d) by at most one (|B| (M - 2^32/d) / 2^32 < 1/2, upwards for
    /// B >= 0, downwards for B < 0), and the remainder r = B - q0 d tells which: r < 0 means one less,
    /// r >= d one more. nearestEven looks at the remainder of A itself.
    @inline(__always)
    private func commitFast() -> Bool {
        let st = xStage.base, s = sum.storage.base, oldest = window.base + head * lanes
        let sN = sumNext.base, mN = mean.storage.base
        let n = lanes, slo = sumLo, shi = sumHi
        // Pass 1: the running sum (exact) and the range check; registers untouched.
        var bad: Int32 = 0
        var i = 0
        while i < n {
            let total = Int64(s[i]) &+ Int64(st[i]) &- Int64(oldest[i])
            sN[i] = Int32(truncatingIfNeeded: total)
            bad |= (total < slo ? 1 : 0) | (total > shi ? 1 : 0)
            i &+= 1
        }
        if bad != 0 { return false }
        // Pass 2: mean' rounded once and saturated, written over the mean register; S' into the
        // sum register and x(t) into the window slot of x(t - N) (the `copyNext` of the general path).
        var sat: Int32 = 0
        i = 0
        if let p = shift {
            let k = Int64(p), lo = fit.lo, hi = fit.hi
            if k <= 0 {
                while i < n {
                    let r = Int64(sN[i]) &<< (-k)
                    let c = min(max(r, lo), hi)
                    mN[i] = Int32(truncatingIfNeeded: c)
                    s[i] = sN[i]; oldest[i] = st[i]
                    sat &+= c != r ? 1 : 0
                    i &+= 1
                }
            } else {
                let half = Int64(1) &<< (k &- 1), mask = (Int64(1) &<< k) &- 1
                switch rounding {
                case .nearest:
                    while i < n {
                        let r = (Int64(sN[i]) &+ half) &>> k
                        let c = min(max(r, lo), hi)
                        mN[i] = Int32(truncatingIfNeeded: c)
                        s[i] = sN[i]; oldest[i] = st[i]
                        sat &+= c != r ? 1 : 0
                        i &+= 1
                    }
                case .nearestEven:
                    while i < n {
                        let t = Int64(sN[i]), f = t &>> k, rem = t & mask
                        let r = f &+ ((rem > half || (rem == half && f & 1 != 0)) ? 1 : 0)
                        let c = min(max(r, lo), hi)
                        mN[i] = Int32(truncatingIfNeeded: c)
                        s[i] = sN[i]; oldest[i] = st[i]
                        sat &+= c != r ? 1 : 0
                        i &+= 1
                    }
                case .truncate, .stochastic:     // stochastic is not on this path
                    while i < n {
                        let r = Int64(sN[i]) &>> k
                        let c = min(max(r, lo), hi)
                        mN[i] = Int32(truncatingIfNeeded: c)
                        s[i] = sN[i]; oldest[i] = st[i]
                        sat &+= c != r ? 1 : 0
                        i &+= 1
                    }
                }
            }
        } else {
            let e = Int32(numeratorShift), d = Int32(divisor)
            let m = Int64((UInt64(1) << 32 + UInt64(divisor) - 1) / UInt64(divisor))
            let lo = Int32(fit.lo), hi = Int32(fit.hi)
            if rounding == .nearestEven {
                let twice = d
                while i < n {
                    let a = sN[i] &<< e
                    var q = Int32(truncatingIfNeeded: (Int64(a) &* m) &>> 32)
                    var r = a &- q &* d
                    let under = r < 0, over = r >= d
                    q = q &- (under ? 1 : 0) &+ (over ? 1 : 0)
                    r = r &+ (under ? d : 0) &- (over ? d : 0)
                    let v = q &+ ((2 &* r > twice || (2 &* r == twice && q & 1 != 0)) ? 1 : 0)
                    let c = min(max(v, lo), hi)
                    mN[i] = c
                    s[i] = sN[i]; oldest[i] = st[i]
                    sat &+= c != v ? 1 : 0
                    i &+= 1
                }
            } else {
                let bias: Int32 = rounding == .nearest ? d / 2 : 0     // truncate: 0
                while i < n {
                    let b = (sN[i] &<< e) &+ bias
                    let q0 = Int32(truncatingIfNeeded: (Int64(b) &* m) &>> 32)
                    let r = b &- q0 &* d
                    let v = q0 &- (r < 0 ? 1 : 0) &+ (r >= d ? 1 : 0)
                    let c = min(max(v, lo), hi)
                    mN[i] = c
                    s[i] = sN[i]; oldest[i] = st[i]
                    sat &+= c != v ? 1 : 0
                    i &+= 1
                }
            }
        }
        if sat != 0 { saturations &+= Int(sat) }
        head = head + 1 == taps ? 0 : head + 1
        return true
    }

    public override func commit() {
        if fastPath {
            // Idempotent like a copy: only the clock that `evaluate` staged is applied.
            guard staged else { return }
            staged = false
            if commitFast() { return }
            evaluateGeneral(xStage.base)
        }
        copyNext()
    }

    private func copyNext() {
        (window.base + head * lanes).update(from: xStage.base, count: lanes)
        head = head + 1 == taps ? 0 : head + 1
        sum.storage.base.update(from: sumNext.base, count: lanes)
        mean.storage.base.update(from: meanNext.base, count: lanes)
    }

    public override var persistentState: [(name: String, values: [Int32])] { [rounder.persistentEntry] }

    public override func restorePersistentState(name: String, values: [Int32]) throws(HDLError) {
        try rounder.restore(name: name, values: values, block: self.name)
    }
}

extension FIRAverager {
    /// The netlist type (parameters, interface, cycle model).
    public static let blockType = BlockType(
        name: "fir",
        doc: "FIR averager: mean(t+1) = (1/N) * sum of the last N inputs, one rounding",
        parameters: [
            lanesSpec,
            Spec("taps", .int(1...65536), default: .int(20), doc: "N_filt"),
            Spec("input", .format, default: fmt("s5.12"), doc: "input format"),
            Spec("output", .format, default: fmt("s5.12"), doc: "output format"),
            .rounding("rounding", default: .nearest, doc: "rounding of the division by N (a shift when N is a power of two, otherwise an exact division)"),
            .overflow("overflow", default: .saturate, doc: "when the mean leaves the output format"),
            seedSpec,
        ],
        interface: { p throws(ParameterError) in
            try FIRAverager.interface(lanes: p.int("lanes"), taps: p.int("taps"), input: p.format("input"), output: p.format("output"))
        },
        cycleModel: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
            try FIRAverager(name: name, lanes: p.int("lanes"), taps: p.int("taps"), input: p.format("input"),
                            output: p.format("output"), rounding: p.rounding("rounding"), overflow: p.overflow("overflow"),
                            seed: UInt32(p.int("seed")))
        })
}
