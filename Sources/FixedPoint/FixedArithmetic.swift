/// Arithmetic on raw fixed-point values with explicit operand and result formats. Results are
/// computed exactly in 128 bits, then rounded (`rounding`) and fitted (`overflow`) to `result`.
/// This is the reference used by tests and by non-hot code; blocks inline the same rules on lanes.
public enum FixedArithmetic {
    public static func add(_ a: Int64, _ fa: QFormat, _ b: Int64, _ fb: QFormat, to result: QFormat,
                           rounding: Rounding = .truncate, overflow: Overflow = .saturate,
                           randomBits: UInt64 = 0, saturations: inout Int) -> Int64 {
        let f = max(fa.fracBits, fb.fracBits)
        let sum = (Int128(a) << (f - fa.fracBits)) + (Int128(b) << (f - fb.fracBits))
        return fit(sum, frac: f, to: result, rounding: rounding, overflow: overflow, randomBits: randomBits, saturations: &saturations)
    }

    public static func subtract(_ a: Int64, _ fa: QFormat, _ b: Int64, _ fb: QFormat, to result: QFormat,
                                rounding: Rounding = .truncate, overflow: Overflow = .saturate,
                                randomBits: UInt64 = 0, saturations: inout Int) -> Int64 {
        let f = max(fa.fracBits, fb.fracBits)
        let diff = (Int128(a) << (f - fa.fracBits)) - (Int128(b) << (f - fb.fracBits))
        return fit(diff, frac: f, to: result, rounding: rounding, overflow: overflow, randomBits: randomBits, saturations: &saturations)
    }

    public static func multiply(_ a: Int64, _ fa: QFormat, _ b: Int64, _ fb: QFormat, to result: QFormat,
                                rounding: Rounding = .truncate, overflow: Overflow = .saturate,
                                randomBits: UInt64 = 0, saturations: inout Int) -> Int64 {
        let p = Int128(a) * Int128(b)
        return fit(p, frac: fa.fracBits + fb.fracBits, to: result, rounding: rounding, overflow: overflow,
                   randomBits: randomBits, saturations: &saturations)
    }

    /// Arithmetic shift: multiplies the real value by 2^amount (amount < 0 shifts right).
    public static func shift(_ a: Int64, _ fa: QFormat, by amount: Int, to result: QFormat,
                             rounding: Rounding = .truncate, overflow: Overflow = .saturate,
                             randomBits: UInt64 = 0, saturations: inout Int) -> Int64 {
        // Shifting the value left by n is the same raw read with n fewer fraction bits.
        let frac = fa.fracBits - amount
        if frac >= 0 {
            return fit(Int128(a), frac: frac, to: result, rounding: rounding, overflow: overflow, randomBits: randomBits, saturations: &saturations)
        }
        return fit(Int128(a) << (-frac), frac: 0, to: result, rounding: rounding, overflow: overflow, randomBits: randomBits, saturations: &saturations)
    }

    /// Rounds an exact value with `frac` fraction bits into `result`.
    public static func fit(_ exact: Int128, frac: Int, to result: QFormat, rounding: Rounding, overflow: Overflow,
                           randomBits: UInt64, saturations: inout Int) -> Int64 {
        var v = exact
        let shift = frac - result.fracBits
        if shift > 0 {
            let floor = v >> shift
            let mask = (Int128(1) << shift) - 1
            let rem = v & mask
            let half = Int128(1) << (shift - 1)
            switch rounding {
            case .truncate: v = floor
            case .nearest: v = rem >= half ? floor + 1 : floor
            case .nearestEven: v = rem > half ? floor + 1 : (rem < half ? floor : ((floor & 1) == 0 ? floor : floor + 1))
            case .stochastic:
                let r = shift >= 64 ? (Int128(randomBits) << (shift - 64)) : (Int128(randomBits) & mask)
                v = rem > r ? floor + 1 : floor
            }
        } else if shift < 0 {
            v = v << (-shift)
        }
        let lo = Int128(result.minRaw), hi = Int128(result.maxRaw)
        if v >= lo && v <= hi { return Int64(v) }
        saturations &+= 1
        switch overflow {
        case .saturate: return Int64(v < lo ? lo : hi)
        case .wrap:
            let w = result.width
            let low = Int64(truncatingIfNeeded: v)
            return Fixed.wrap(low & (w == 64 ? -1 : ((Int64(1) << w) - 1)), format: result)
        }
    }
}

/// A raw value together with its format, for readable non-hot code and reports.
public struct FixedValue: Hashable, Sendable, CustomStringConvertible {
    public let raw: Int64
    public let format: QFormat
    public init(raw: Int64, format: QFormat) {
        precondition(format.contains(raw: raw), "raw \(raw) outside \(format)")
        self.raw = raw
        self.format = format
    }
    public var doubleValue: Double { format.toDouble(raw) }
    public var description: String { "\(doubleValue) (\(format) raw \(raw))" }
}
