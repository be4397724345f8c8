/// SplitMix64 (Steele, Lea & Flood 2014; Vigna's reference `splitmix64.c`). Used to expand a
/// 64-bit seed into the xoshiro256** state; also a fine small generator on its own.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The project's generator for all host-side randomness (weight initialisation, data order,
/// anything else that is not modelled hardware): xoshiro256** 1.0 (Blackman & Vigna), its state
/// filled from the seed by four SplitMix64 outputs as the authors recommend.
///
/// Every output is fully specified by the seed, the same on every platform and Swift version, as
/// long as it is consumed through `next()` and the helpers here (`nextInt(below:)`,
/// `nextDouble()`, `SeededShuffle`). Do not use the standard library's `shuffle(using:)`,
/// `Int.random(in:using:)` or `Double.random(in:using:)` where reproducibility matters: how they
/// turn generator output into values is not specified and may change.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The xoshiro256** state; save and restore it (`init(state:)`) to checkpoint a run.
    public var state: (UInt64, UInt64, UInt64, UInt64)

    /// Resumes from a saved `state` (which must not be all zero).
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "the all-zero state is not allowed")
        self.state = state
    }

    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        state = (sm.next(), sm.next(), sm.next(), sm.next())
        // SplitMix64 never yields four zeros in a row, so the all-zero state cannot occur.
    }

    /// A generator for one of several independent uses of the same seed (e.g. stream 0 for
    /// weights, 1 for data order): seeded with SplitMix64 over `seed` mixed with `stream`.
    public init(seed: UInt64, stream: UInt64) {
        var mix = SplitMix64(seed: stream)
        self.init(seed: seed ^ mix.next())
    }

    public static func == (a: SeededGenerator, b: SeededGenerator) -> Bool {
        a.state == b.state
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    @inlinable @inline(__always)
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in 0..<bound, unbiased (Lemire's multiply-and-reject method, spelled out here so
    /// that the result does not depend on the standard library).
    @inlinable
    public mutating func nextInt(below bound: UInt64) -> UInt64 {
        SeededShuffle.uniform(below: bound, using: &self)
    }

    /// Uniform in 0..<bound.
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(SeededShuffle.uniform(below: UInt64(bound), using: &self))
    }

    /// Uniform in [0, 1) on a grid of 2^-53: the top 53 bits of `next()` times 2^-53.
    @inlinable
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [range.lowerBound, range.upperBound): lower + (upper - lower) * nextDouble().
    @inlinable
    public mutating func nextDouble(in range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextDouble()
    }

    /// Uniform in [0, 1) on a grid of 2^-24: the top 24 bits of `next()` times 2^-24.
    @inlinable
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }
}

/// Deterministic shuffling with any `RandomNumberGenerator` (normally `SeededGenerator`): a
/// Fisher-Yates shuffle written out here, so the order depends only on the generator's outputs.
public enum SeededShuffle {
    /// Uniform in 0..<bound: Lemire's nearly-divisionless method. Takes `m = next() * bound`
    /// (128-bit); if the low half is below `2^64 mod bound` the draw is rejected and repeated;
    /// the result is the high half.
    @inlinable
    public static func uniform<G: RandomNumberGenerator>(below bound: UInt64, using g: inout G) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        var m = g.next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold {
                m = g.next().multipliedFullWidth(by: bound)
            }
        }
        return m.high
    }

    /// Shuffles `elements` in place: for i from count-1 down to 1, swap element i with element
    /// `uniform(below: i + 1)`.
    @inlinable
    public static func shuffle<C: MutableCollection & RandomAccessCollection, G: RandomNumberGenerator>(
        _ elements: inout C, using g: inout G
    ) {
        let n = elements.count
        guard n > 1 else { return }
        for i in stride(from: n - 1, through: 1, by: -1) {
            let j = Int(uniform(below: UInt64(i + 1), using: &g))
            if i != j {
                elements.swapAt(elements.index(elements.startIndex, offsetBy: i),
                                elements.index(elements.startIndex, offsetBy: j))
            }
        }
    }

    /// A random permutation of 0..<count: `shuffle` applied to [0, 1, ..., count-1].
    @inlinable
    public static func permutation<G: RandomNumberGenerator>(count: Int, using g: inout G) -> [Int] {
        var p = Array(0 ..< count)
        shuffle(&p, using: &g)
        return p
    }

    /// A random permutation of 0..<count from `SeededGenerator(seed:)`.
    public static func permutation(count: Int, seed: UInt64) -> [Int] {
        var g = SeededGenerator(seed: seed)
        return permutation(count: count, using: &g)
    }

    /// The order in which training presents `count` images in epoch `epoch` (0-based): a
    /// permutation from `SeededGenerator(seed: seed, stream: epoch + 1)`. Every model trains in
    /// this one order (the chip, the golden model, the C-EP reference, sweeps and reports), so their
    /// runs on the same data can be compared image by image.
    public static func epochOrder(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var g = SeededGenerator(seed: seed, stream: UInt64(epoch) + 1)
        return permutation(count: count, using: &g)
    }
}

extension MutableCollection where Self: RandomAccessCollection {
    /// Fisher-Yates shuffle with the project's fully specified algorithm (see `SeededShuffle`).
    @inlinable
    public mutating func seededShuffle<G: RandomNumberGenerator>(using g: inout G) {
        SeededShuffle.shuffle(&self, using: &g)
    }
}

extension Sequence {
    /// The elements in an order drawn by `SeededShuffle`.
    @inlinable
    public func seededShuffled<G: RandomNumberGenerator>(using g: inout G) -> [Element] {
        var a = Array(self)
        SeededShuffle.shuffle(&a, using: &g)
        return a
    }
}
