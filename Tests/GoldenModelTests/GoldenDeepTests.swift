import XCTest
import Datasets
import GoldenModel

/// The golden model with two hidden layers (docs/algorithm.md, "Several hidden layers"): the
/// deferred commit equals the increments of the rule computed here, independently, from the states
/// of a network whose weights stay frozen; with no extra layer it is the one-layer network.
final class GoldenDeepTests: XCTestCase {
    private func testImage(seed: UInt64) -> [UInt8] {
        var g = SeededGenerator(seed: seed)
        var img = [UInt8](repeating: 0, count: 784)
        for r in 6 ..< 22 { for col in 9 ..< 19 where g.next() % 3 != 0 { img[r * 28 + col] = UInt8(truncatingIfNeeded: 100 + g.next() % 156) } }
        return img
    }

    func testDeferredEqualsSumOfFrozenIncrementsWithTwoHiddenLayers() throws {
        var c = GoldenConfig()
        c.hidden = 30
        c.extraHidden = [20]
        c.skipThreshold = -1
        c.eta1 = 1e-3; c.eta2 = 2e-3; c.extraEta = [4e-3]; c.etaB = 3e-3
        c.updateMode = .deferred
        let deferred = try GoldenNetwork(config: c)
        let frozen = try GoldenNetwork(config: c)
        frozen.learning = false
        let n = c.layerSizes, etas = c.weightEtas
        XCTAssertEqual(n, [784, 30, 20, 10])
        let w0 = (1 ... 3).map { deferred.weights($0) }
        var e = (1 ... 3).map { [Double](repeating: 0, count: n[$0 - 1] * n[$0]) }
        var eb = (1 ... 3).map { [Double](repeating: 0, count: n[$0]) }
        deferred.beginImage(pixels: testImage(seed: 3), label: 4)
        frozen.beginImage(pixels: testImage(seed: 3), label: 4)
        for _ in 0 ..< c.tFree { deferred.step(); frozen.step() }
        deferred.beginNudge(); frozen.beginNudge()
        var columnUpdates = 0
        for _ in 0 ..< c.tNudge {
            let s = (0 ... 3).map { frozen.s(layer: $0) }, f = (0 ... 3).map { frozen.F(layer: $0) }
            for k in 1 ... 3 {
                for i in 0 ..< n[k - 1] where s[k - 1][i] == 1 { for j in 0 ..< n[k] { e[k - 1][i * n[k] + j] += etas[k - 1] * f[k][j] } }
                if k >= 2 {
                    for j in 0 ..< n[k] where s[k][j] == 1 {
                        columnUpdates += 1
                        for i in 0 ..< n[k - 1] { e[k - 1][i * n[k] + j] += etas[k - 1] * f[k - 1][i] }
                    }
                }
                for j in 0 ..< n[k] { eb[k - 1][j] += c.etaB * c.fMax * f[k][j] }
            }
            XCTAssertEqual(deferred.u(layer: 2), frozen.u(layer: 2))
            deferred.step(); frozen.step()
        }
        XCTAssertGreaterThan(columnUpdates, 0, "the second hidden layer and the output spike in the nudge phase")
        deferred.endNudge()
        for k in 1 ... 3 {
            let d = zip(deferred.weights(k), w0[k - 1]).map { $0 - $1 }
            XCTAssertGreaterThan(e[k - 1].map { abs($0) }.max()!, 1e-5, "W\(k) gets real updates")
            for x in d.indices { XCTAssertEqual(d[x], e[k - 1][x], accuracy: 1e-12, "W\(k)[\(x)]") }
            for j in 0 ..< n[k] { XCTAssertEqual(deferred.bias(k)[j], eb[k - 1][j], accuracy: 1e-12, "b\(k)[\(j)]") }
        }
    }

    /// Sizes, learning rates and overrides of the deeper configuration.
    func testConfigurationOfSeveralHiddenLayers() throws {
        let c = try GoldenConfig().applying(overrides: "hidden=50,40,30 eta=1e-3")
        XCTAssertEqual(c.layerSizes, [784, 50, 40, 30, 10])
        XCTAssertEqual(c.weightEtas, [1e-3, 1e-3, 1e-3, 1e-3])
        var bad = c
        bad.extraEta = [1e-3]
        XCTAssertFalse(bad.validationErrors().isEmpty, "one rate per extra hidden layer")
        XCTAssertThrowsError(try GoldenConfig().applying(overrides: "hidden=50,x"))
        let net = try GoldenNetwork(config: c)
        XCTAssertEqual(net.layerCount, 5)
        XCTAssertEqual((1 ... 4).map { net.weights($0).count }, [784 * 50, 50 * 40, 40 * 30, 30 * 10])
        // Initial weights: W1, W2, W3, W4 in order from one generator.
        var g = SeededGenerator(seed: c.seed)
        XCTAssertTrue(GoldenInit.allWeights(config: c, rng: &g) == (1 ... 4).map { net.weights($0) })
        // One image runs through every layer.
        let r = net.present(image: testImage(seed: 5), label: 2, train: true)
        XCTAssertGreaterThan(r.free.hidden, 0)
        XCTAssertGreaterThan(r.free.output, 0)
    }
}
