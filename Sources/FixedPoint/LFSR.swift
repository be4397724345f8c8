/// The pseudo-random bit source of the modelled hardware: a 32-bit linear-feedback shift register in
/// xorshift form (x ^= x << 13; x ^= x >> 17; x ^= x << 5). It is linear over GF(2), has the maximal
/// period 2^32 - 1, and costs three XOR-shift stages of combinational logic per clock, while giving
/// 32 fresh-looking bits per step (a one-tap Galois LFSR gives successive words that are shifts of
/// each other, which correlates stochastic rounding decisions). The state is never zero.
public struct LFSR32: Sendable, Equatable {
    public var state: UInt32

    /// A zero seed is mapped to a fixed non-zero state, since zero is the register's dead state.
    public init(seed: UInt32) {
        state = seed == 0 ? 0x2545_F491 : seed
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt32 {
        var x = state
        x ^= x << 13
        x ^= x >> 17
        x ^= x << 5
        state = x
        return x
    }

    /// Uniform value in [0, 1) with 32 random bits, for stochastic quantisation of Doubles.
    @inlinable
    public mutating func nextUnit() -> Double { Double(next()) * (1.0 / 4294967296.0) }
}

