/// How bits below the least significant bit of a result are dropped.
public enum Rounding: String, Sendable, CaseIterable {
    /// Floor: drop the bits (what hardware does for free). Error in [0, 1) LSB, always downwards.
    case truncate
    /// Round to nearest, ties towards +infinity ("add half an LSB, then truncate"). |error| <= 1/2 LSB.
    case nearest
    /// Round to nearest, ties to even (convergent rounding: unbiased on ties). |error| <= 1/2 LSB.
    case nearestEven
    /// Add uniform random bits below the LSB, then truncate: rounds up with probability equal to the
    /// dropped fraction, so the result is unbiased in expectation. |error| < 1 LSB. Bits come from an LFSR.
    case stochastic
}

/// What happens when a result does not fit its format.
public enum Overflow: String, Sendable, CaseIterable {
    /// Clamp to the nearest bound and count a saturation event.
    case saturate
    /// Keep the low `width` bits (two's complement wrap-around).
    case wrap
}
