/// Initial weights, reproducible bit for bit by any implementation (the fixed-point side draws the
/// same numbers and then quantises them).
///
/// Draw order: W1 row-major (input 0: hidden 0 ..< H, input 1: ..., input 783), then W2
/// row-major (hidden 0: output 0 ..< 10, ...). One 64-bit word per weight from the generator
/// (`SeededGenerator(seed: config.seed)` of the Datasets module by default; x is its
/// `nextDouble()`):
///
///     x = Double(word >> 11) * 2^-53                in [0, 1), exact
///     w = (2 * x - 1) * a,   a = initScale * sqrt(6 / (fan_in + fan_out))
///
/// with fan_in + fan_out = inputs + hidden for W1 and hidden + outputs for W2. Biases start at 0.
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

    /// The initial (W1, W2) as flat row-major arrays.
    public static func weights<G: RandomNumberGenerator>(config c: GoldenConfig, rng: inout G) -> (w1: [Double], w2: [Double]) {
        var w1 = [Double](repeating: 0, count: c.inputs * c.hidden)
        var w2 = [Double](repeating: 0, count: c.hidden * c.outputs)
        w1.withUnsafeMutableBufferPointer { p1 in
            w2.withUnsafeMutableBufferPointer { p2 in
                fill(w1: p1.baseAddress!, w2: p2.baseAddress!, config: c, rng: &rng)
            }
        }
        return (w1, w2)
    }

    static func fill<G: RandomNumberGenerator>(w1: UnsafeMutablePointer<Double>, w2: UnsafeMutablePointer<Double>,
                                               config c: GoldenConfig, rng: inout G) {
        let a1 = limit(fanIn: c.inputs, fanOut: c.hidden, scale: c.initScale)
        for k in 0 ..< c.inputs * c.hidden { w1[k] = uniform(a1, rng: &rng) }
        let a2 = limit(fanIn: c.hidden, fanOut: c.outputs, scale: c.initScale)
        for k in 0 ..< c.hidden * c.outputs { w2[k] = uniform(a2, rng: &rng) }
    }
}
