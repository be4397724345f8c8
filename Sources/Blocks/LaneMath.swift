import FixedPoint
import HDL

/// Small helpers shared by the neuron-path blocks: the same rounding and overflow rules as
/// `FixedPoint` (`Fixed.shiftRightRounded`, `Fixed.applyOverflow`), with the per-format constants
/// precomputed once so that the per-lane code is a few integer operations. The hot loops and
/// these helpers live in one module, so `@inline(__always)` is enough for them to inline.
/// (A namespace, so that these names cannot collide with other blocks of the module.)
enum LaneMath {
    /// Fits raw values into one format by saturation or two's-complement wrap, counting each value
    /// that did not fit. Identical to `Fixed.applyOverflow`, with the bounds computed once.
    struct Fit {
        let lo: Int64
        let hi: Int64
        let wrap: Bool
        let signed: Bool
        /// Signed wrap: sign-extend from bit `width - 1` by shifting left, then right, this much.
        let signShift: Int64
        /// Unsigned wrap: keep these bits.
        let mask: Int64

        init(_ format: QFormat, _ mode: Overflow) {
            lo = format.minRaw
            hi = format.maxRaw
            wrap = mode == .wrap
            signed = format.isSigned
            signShift = Int64(64 - format.width)
            mask = (Int64(1) << format.width) - 1
        }

        @inline(__always)
        func apply(_ x: Int64, _ saturations: inout Int) -> Int64 {
            if x >= lo && x <= hi { return x }
            saturations &+= 1
            if !wrap { return x < lo ? lo : hi }
            return wrapped(x)
        }

        /// The low `width` bits of x, as a value of the format (two's complement wrap).
        @inline(__always)
        func wrapped(_ x: Int64) -> Int64 {
            signed ? (x << signShift) >> signShift : x & mask
        }
    }

    /// Rounds lane values (a right shift, or an exact division by a constant) by one rounding mode.
    /// Stochastic rounding draws from the block's own LFSR32: one step per rounding operation that
    /// drops bits, in the order the block's documentation gives (lanes in ascending order).
    struct Rounder {
        let mode: Rounding
        var lfsr: LFSR32

        init(mode: Rounding, seed: UInt32) {
            self.mode = mode
            lfsr = LFSR32(seed: seed)
        }

        /// `x / 2^s` rounded (s > 0), or `x * 2^-s` exactly (s <= 0). Callers keep |x| < 2^61
        /// and s <= 62 (every block's constants are checked for it at elaboration), so the
        /// masking shifts below are exact. Same results as `Fixed.shiftRightRounded`; nearest is
        /// the branch-free "add half, then shift". Stochastic: up when the dropped bits exceed a
        /// uniform random value below 2^s; for s > 32 the 32 random bits are aligned to the top of
        /// the dropped field (bias below 2^-32 of an LSB).
        @inline(__always)
        mutating func shiftRight(_ x: Int64, by s: Int) -> Int64 {
            if s <= 0 { return x &<< Int64(-s) }
            let n = Int64(s)
            switch mode {
            case .truncate:
                return x &>> n
            case .nearest:
                return (x &+ (1 &<< (n &- 1))) &>> n
            case .nearestEven:
                let floor = x &>> n, rem = x & ((1 &<< n) &- 1), half = Int64(1) &<< (n &- 1)
                return rem > half || (rem == half && floor & 1 != 0) ? floor &+ 1 : floor
            case .stochastic:
                let r = UInt64(lfsr.next())
                let threshold = Int64(bitPattern: n <= 32 ? r & ((1 &<< UInt64(n)) &- 1) : r &<< UInt64(n &- 32))
                return x & ((1 &<< n) &- 1) > threshold ? (x &>> n) &+ 1 : x &>> n
            }
        }

        /// `x / d` for a constant d > 0, rounded as `shiftRight` rounds: truncate = floor,
        /// nearest = ties towards +infinity, nearestEven = ties to even, stochastic = up with
        /// probability remainder / d (up when remainder > floor(d * random32 / 2^32)).
        @inline(__always)
        mutating func divide(_ x: Int64, by d: Int64) -> Int64 {
            var q = x / d
            var r = x - q * d          // Swift divides towards zero: move to floor, 0 <= r < d
            if r < 0 { q -= 1; r += d }
            switch mode {
            case .truncate:
                return q
            case .nearest:
                return 2 * r >= d ? q + 1 : q
            case .nearestEven:
                if 2 * r > d { return q + 1 }
                if 2 * r < d { return q }
                return q & 1 == 0 ? q : q + 1
            case .stochastic:
                let threshold = Int64(UInt64(d).multipliedFullWidth(by: UInt64(lfsr.next()) << 32).high)
                return r > threshold ? q + 1 : q
            }
        }

        /// The LFSR state as a checkpoint entry: it survives `reset()`, like the hardware register.
        var persistentEntry: (name: String, values: [Int32]) { ("lfsr", [Int32(bitPattern: lfsr.state)]) }
        /// The declaration of `persistentEntry`: one LFSR32 state.
        static let persistentDeclaration = PersistentDeclaration("lfsr", words: 1)

        mutating func restore(name: String, values: [Int32], block: String) throws(HDLError) {
            guard name == "lfsr" else {
                throw .connection("block \(block) has no persistent state named '\(name)' (it has 'lfsr')")
            }
            guard values.count == 1, values[0] != 0 else {
                throw .connection("block \(block): 'lfsr' takes one non-zero value, got \(values)")
            }
            lfsr.state = UInt32(bitPattern: values[0])
        }
    }

    /// Number of bits needed to hold 0...n (at least 1).
    static func bitsFor(_ n: Int) -> Int {
        var b = 1
        while (1 << b) <= n { b += 1 }
        return b
    }

    /// ceil(log2(n)) for n >= 1.
    static func ceilLog2(_ n: Int) -> Int {
        var b = 0
        while (1 << b) < n { b += 1 }
        return b
    }
}

/// A real constant realised as `mantissa * 2^-shift`, the mantissa's magnitude in
/// [2^(bits-1), 2^bits - 1] (the most precise choice for `bits` magnitude bits), rounded to
/// nearest (ties away from zero). It is what a hardware constant multiplier holds: the product
/// `x * mantissa` is exact, then it is shifted right by `shift` with the block's rounding.
public struct QuantizedConstant: Sendable, Equatable, CustomStringConvertible {
    /// The value asked for.
    public let nominal: Double
    public let mantissa: Int64
    /// May be negative for constants above 2^bits (a left shift).
    public let shift: Int
    /// Magnitude bits of the mantissa (a signed mantissa needs one more bit for the sign).
    public let bits: Int

    /// nil when `value` is not finite or `magnitudeBits` is outside 1...30. Zero gives mantissa 0,
    /// shift 0.
    public init?(_ value: Double, magnitudeBits: Int) {
        guard value.isFinite, (1...30).contains(magnitudeBits) else { return nil }
        nominal = value
        bits = magnitudeBits
        if value == 0 {
            mantissa = 0
            shift = 0
            return
        }
        // |value| = f * 2^e with f in [1, 2): put the mantissa's top bit at bit (bits - 1).
        var k = (magnitudeBits - 1) - Int(value.exponent)
        var m = (value * Double(sign: .plus, exponent: k, significand: 1)).rounded(.toNearestOrAwayFromZero)
        if abs(m) >= Double(Int64(1) << magnitudeBits) {      // rounded up to 2^bits: one bit less
            k -= 1
            m = (value * Double(sign: .plus, exponent: k, significand: 1)).rounded(.toNearestOrAwayFromZero)
        }
        mantissa = Int64(m)
        shift = k
    }

    /// The realised constant, `mantissa * 2^-shift`.
    public var value: Double { Double(mantissa) * Double(sign: .plus, exponent: -shift, significand: 1) }

    /// (realised - nominal) / nominal; 0 for a zero constant.
    public var relativeError: Double { nominal == 0 ? 0 : (value - nominal) / nominal }

    public var description: String { "\(mantissa) * 2^-\(shift) = \(value) (asked \(nominal), relative error \(relativeError))" }
}

/// An input's raw pointer and whether it is driven, kept by its block so that a clock does not
/// read the `Port` (a class property read is a dynamic exclusivity check). The block takes them in
/// its initialiser (the input's own storage) and again in `inputsBound()`, which the `Simulator`
/// calls once it has bound every input to its driver.
struct BoundInput {
    var pointer: UnsafeMutablePointer<Int32>
    var isConnected: Bool

    init() {
        pointer = BoundInput.unbound
        isConnected = false
    }

    init(_ port: Port) {
        pointer = port.pointer
        isConnected = port.isConnected
    }

    /// Before the ports exist (never read: the initialiser rebinds).
    nonisolated(unsafe) static let unbound: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()
}
