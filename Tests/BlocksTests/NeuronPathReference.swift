import FixedPoint

// Exact integer references, written from docs/blocks.md independently of the blocks' code:
// 128-bit arithmetic, rounding by exact floor division.

/// x / d rounded by `mode` (d > 0), exactly.
func npReferenceDivide(_ x: Int128, _ d: Int128, _ mode: Rounding) -> Int128 {
    var q = x / d
    var r = x % d
    if r < 0 { q -= 1; r += d }
    switch mode {
    case .truncate: return q
    case .nearest: return 2 * r >= d ? q + 1 : q
    case .nearestEven: return 2 * r > d || (2 * r == d && q & 1 != 0) ? q + 1 : q
    case .stochastic: fatalError("no exact reference for stochastic rounding")
    }
}

/// x * 2^-s rounded (right shift) or exact (left shift).
func npReferenceShift(_ x: Int128, _ s: Int, _ mode: Rounding) -> Int128 {
    s <= 0 ? x << (-s) : npReferenceDivide(x, Int128(1) << s, mode)
}

/// Saturate or wrap into a format; counts events.
func npReferenceFit(_ x: Int128, _ f: QFormat, _ mode: Overflow, _ events: inout Int) -> Int64 {
    if x >= Int128(f.minRaw) && x <= Int128(f.maxRaw) { return Int64(x) }
    events += 1
    switch mode {
    case .saturate: return x < Int128(f.minRaw) ? f.minRaw : f.maxRaw
    case .wrap:
        let m = (Int128(1) << f.width) - 1
        let low = x & m
        return Int64(f.isSigned && low >= (Int128(1) << (f.width - 1)) ? low - (Int128(1) << f.width) : low)
    }
}

/// The LIF core of docs/algorithm.md on raw integers, one lane.
struct NPLIFReference {
    var u: Int64 = 0
    var r = 0
    var s = 0
    var saturations = 0
    let uFormat: QFormat, currentFormat: QFormat
    let th: Int64, uMin: Int64, gm: Int64, gk: Int
    let refractory: Int, subtract: Bool, integrate: Bool
    let rounding: Rounding, overflow: Overflow

    mutating func step(_ current: Int64) {
        if !integrate && r > 0 {
            r -= 1
            s = 0
            return
        }
        let leak = gm == 0 ? 0 : npReferenceShift(Int128(u) * Int128(gm), gk, rounding)
        let aligned = npReferenceShift(Int128(current), currentFormat.fracBits - uFormat.fracBits, rounding)
        let v = Int128(npReferenceFit(Int128(u) - leak + aligned, uFormat, overflow, &saturations))
        let fire = r == 0 && v >= Int128(th)
        let w = fire ? (subtract ? v - Int128(th) : 0) : v
        u = Int64(min(max(w, Int128(uMin)), Int128(th)))
        r = fire ? refractory - 1 : max(r - 1, 0)
        s = fire ? 1 : 0
    }
}
