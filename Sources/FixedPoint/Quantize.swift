import Foundation  // links libm for rounding

/// Conversions between real numbers, raw values and formats, with explicit rounding and overflow.
/// These are the reference operations: hardware blocks use the same rules inline on their lanes
/// (see `shiftRightRounded`, `applyOverflow`), and tests check both against exact references.
public enum Fixed {
    /// Quantises a real value into `format`. `saturations` is incremented when the value had to be
    /// clamped (saturate mode) or wrapped (wrap mode). Stochastic rounding draws from `rng`.
    public static func quantize(_ value: Double, to format: QFormat, rounding: Rounding, overflow: Overflow,
                                rng: inout LFSR32, saturations: inout Int) throws(FixedPointError) -> Int64 {
        guard value.isFinite else { throw .notFinite(value) }
        let scaled = value * Double(Int64(1) << format.fracBits)
        // Values far beyond every format are clamped before conversion to an integer, so no trap.
        let limit = 0x1p62
        var r: Double
        switch rounding {
        case .truncate: r = scaled.rounded(.down)
        case .nearest: r = (scaled + 0.5).rounded(.down)
        case .nearestEven: r = scaled.rounded(.toNearestOrEven)
        case .stochastic: r = (scaled + rng.nextUnit()).rounded(.down)
        }
        r = min(max(r, -limit), limit)
        return applyOverflow(Int64(r), format: format, mode: overflow, saturations: &saturations)
    }

    /// Convenience without a random source (stochastic rounding not allowed) or a counter.
    public static func quantize(_ value: Double, to format: QFormat, rounding: Rounding = .nearest,
                                overflow: Overflow = .saturate) throws(FixedPointError) -> Int64 {
        precondition(rounding != .stochastic, "stochastic rounding needs an LFSR: use quantize(_:to:rounding:overflow:rng:saturations:)")
        var rng = LFSR32(seed: 1)
        var sat = 0
        return try quantize(value, to: format, rounding: rounding, overflow: overflow, rng: &rng, saturations: &sat)
    }

    /// Brings a raw value into `format`, saturating or wrapping. Counts an event when it changed the value.
    @inlinable @inline(__always)
    public static func applyOverflow(_ raw: Int64, format: QFormat, mode: Overflow, saturations: inout Int) -> Int64 {
        let lo = format.minRaw, hi = format.maxRaw
        if raw >= lo && raw <= hi { return raw }
        saturations &+= 1
        switch mode {
        case .saturate: return raw < lo ? lo : hi
        case .wrap: return wrap(raw, format: format)
        }
    }

    /// Two's complement wrap of `raw` to the width of `format`.
    @inlinable @inline(__always)
    public static func wrap(_ raw: Int64, format: QFormat) -> Int64 {
        let w = format.width
        if format.isSigned {
            return (raw << (64 - w)) >> (64 - w)
        } else {
            return raw & ((Int64(1) << w) - 1)
        }
    }

    /// `raw / 2^shift` rounded by `rounding`; `randomBits` is used only for stochastic rounding (its low
    /// `shift` bits). Exact for shift == 0. Works on the full Int64 range without overflow for shift <= 62.
    @inlinable @inline(__always)
    public static func shiftRightRounded(_ raw: Int64, by shift: Int, rounding: Rounding, randomBits: UInt64 = 0) -> Int64 {
        if shift <= 0 { return raw << (-shift) }
        if shift >= 63 { return raw < 0 ? (rounding == .truncate || rounding == .stochastic ? -1 : 0) : 0 }
        let floor = raw >> shift
        let mask = (Int64(1) << shift) - 1
        let rem = raw & mask               // dropped bits, as a non-negative fraction of 2^shift
        let half = Int64(1) << (shift - 1)
        switch rounding {
        case .truncate:
            return floor
        case .nearest:
            return rem >= half ? floor + 1 : floor
        case .nearestEven:
            if rem > half { return floor + 1 }
            if rem < half { return floor }
            return (floor & 1) == 0 ? floor : floor + 1
        case .stochastic:
            return rem > (Int64(truncatingIfNeeded: randomBits) & mask) ? floor + 1 : floor
        }
    }

    /// Re-expresses a raw value with `fromFrac` fraction bits in `format`, with rounding and overflow.
    @inlinable
    public static func convert(_ raw: Int64, fromFrac: Int, to format: QFormat, rounding: Rounding, overflow: Overflow,
                               randomBits: UInt64 = 0, saturations: inout Int) -> Int64 {
        let shift = fromFrac - format.fracBits
        let r: Int64
        if shift >= 0 {
            r = shiftRightRounded(raw, by: shift, rounding: rounding, randomBits: randomBits)
        } else {
            // Left shift is exact unless it overflows 64 bits; saturate the intermediate first.
            let s = -shift
            let bound = Int64.max >> s
            r = raw > bound ? Int64.max : (raw < -bound ? Int64.min : raw << s)
        }
        return applyOverflow(r, format: format, mode: overflow, saturations: &saturations)
    }
}
