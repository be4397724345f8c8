/// Initial weights, reproducible bit for bit by any implementation (the fixed-point side draws the
/// same numbers and then quantises them).
///
/// Draw order: W1 row-major (input 0: hidden 0 ..< H, input 1: ..., input 783), then W2
/// row-major (hidden 0: output 0 ..< 10, ...), then W3 ... for further hidden layers. One 64-bit word per weight from the generator
/// (`SeededGenerator(seed: config.seed)` of the Datasets module by default; x is its
/// `nextDouble()`):
///
///     x = Double(word >> 11) * 2^-53                in [0, 1), exact
///     w = (2 * x - 1) * a,   a = initScale * sqrt(6 / (fan_in + fan_out))
///
/// with fan_in + fan_out = the sizes of the two layers W_k joins (inputs + hidden for W1, hidden +
/// outputs for W2 with one hidden layer). Biases start at 0.
public enum GoldenInit {
    /// Limit a of the uniform distribution of a layer with the given fans.
    public static func limit(fanIn: Int, fanOut: Int, scale: Double) -> Double {
        scale * (6.0 / Double(fanIn + fanOut)).squareRoot()
    }

    /// One uniform draw in [-a, a) from one 64-bit word.
    @inline(__always)
    public static func uniform<G: RandomNumberGenerator>(_ a: Double, rng: inout G) -> Double {
        let x = Double(rng.next() >> 11) * 0x1p-53
        return (2 * x - 1) * a
    }

    /// The initial (W1, W2) as flat row-major arrays (the first two of `allWeights`).
    public static func weights<G: RandomNumberGenerator>(config c: GoldenConfig, rng: inout G) -> (w1: [Double], w2: [Double]) {
        let all = allWeights(config: c, rng: &rng)
        return (all[0], all[1])
    }

    /// The initial W1, W2, ... (one per layer after the input) as flat row-major arrays.
    public static func allWeights<G: RandomNumberGenerator>(config c: GoldenConfig, rng: inout G) -> [[Double]] {
        let n = c.layerSizes
        return (1 ..< n.count).map { k in
            let a = limit(fanIn: n[k - 1], fanOut: n[k], scale: c.initScale)
            return (0 ..< n[k - 1] * n[k]).map { _ in uniform(a, rng: &rng) }
        }
    }

    /// Fills W_k (at index k - 1) in the draw order (`allWeights`'s, so there is one order).
    static func fill<G: RandomNumberGenerator>(weights w: [UnsafeMutablePointer<Double>], config c: GoldenConfig, rng: inout G) {
        for (k, values) in allWeights(config: c, rng: &rng).enumerated() {
            for (x, v) in values.enumerated() { w[k][x] = v }
        }
    }
}
