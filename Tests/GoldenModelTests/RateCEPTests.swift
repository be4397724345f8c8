import Foundation
import XCTest
import Datasets
@testable import GoldenModel

/// The rate-based C-EP reference: its dynamics descend the energy, its continual updates sum to the
/// EP update, its bookkeeping of W1^T x is exact, it starts from the chip's weights, and it learns.
final class RateCEPTests: XCTestCase {
    static let subsetDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data/mnist-subset").path

    func config(hidden: Int = 30) -> RateCEPConfig {
        var c = RateCEPConfig()
        c.hidden = hidden
        return c
    }

    func testFreeDynamicsDescendTheEnergyAndSettle() throws {
        let (train, _) = try MNIST.load(directory: Self.subsetDirectory)
        let net = try RateCEPNetwork(config: config())
        net.begin(pixels: train.image(0))
        var e = net.energy
        for t in 0 ..< 100 {
            net.step()
            let next = net.energy
            XCTAssertLessThanOrEqual(next, e + 1e-12, "energy rose at step \(t)")
            e = next
        }
        // Settled: one more step changes the states by almost nothing; states stay in [0, 1].
        let before = net.hiddenState + net.outputState
        net.step()
        let after = net.hiddenState + net.outputState
        XCTAssertLessThan(zip(before, after).map { abs($0 - $1) }.max()!, 1e-4)
        XCTAssertTrue(after.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    /// Summed over the nudged phase, the continual updates are the EP update
    /// (eta/beta)(rho(s^K) rho(s^K) - rho(s^0) rho(s^0)), and a = W1^T x stays exact.
    func testContinualUpdatesSumToTheEPUpdate() throws {
        let (train, _) = try MNIST.load(directory: Self.subsetDirectory)
        var c = config()
        c.eta1 = 0.01; c.eta2 = 0.005
        let net = try RateCEPNetwork(config: c)
        let pixels = train.image(3), label = Int(train.label(3))
        let x = pixels.map { Double($0) / 255 }
        let w1 = net.weights1, w2 = net.weights2
        _ = net.infer(pixels: pixels, label: label)
        let h0 = net.hiddenState, o0 = net.outputState
        net.train(pixels: pixels, label: label)          // the same free phase, then K nudged steps
        let hK = net.hiddenState, oK = net.outputState
        let c1 = c.eta1 / c.beta, c2 = c.eta2 / c.beta
        let H = c.hidden, O = c.outputs
        let nw1 = net.weights1, nw2 = net.weights2
        var worst = 0.0
        for i in 0 ..< c.inputs {
            for h in 0 ..< H { worst = max(worst, abs(nw1[i * H + h] - w1[i * H + h] - c1 * x[i] * (hK[h] - h0[h]))) }
        }
        for h in 0 ..< H {
            for o in 0 ..< O { worst = max(worst, abs(nw2[h * O + o] - w2[h * O + o] - c2 * (hK[h] * oK[o] - h0[h] * o0[o]))) }
            worst = max(worst, abs(net.biasHidden[h] - c1 * (hK[h] - h0[h])))
        }
        for o in 0 ..< O { worst = max(worst, abs(net.biasOutput[o] - c2 * (oK[o] - o0[o]))) }
        XCTAssertLessThan(worst, 1e-12)
        XCTAssertTrue(zip(oK, o0).contains { abs($0 - $1) > 1e-3 }, "the nudge moved the outputs")
        // The incrementally kept W1^T x equals the product with the updated matrix.
        for h in 0 ..< H {
            var a = 0.0
            for i in 0 ..< c.inputs { a += x[i] * nw1[i * H + h] }
            XCTAssertEqual(net.a[h], a, accuracy: 1e-12)
        }
    }

    func testNudgePullsTheOutputsTowardsTheTarget() throws {
        let (train, _) = try MNIST.load(directory: Self.subsetDirectory)
        var c = config()
        c.eta1 = 0; c.eta2 = 0; c.kNudge = 200
        let net = try RateCEPNetwork(config: c)
        let label = Int(train.label(5))
        _ = net.infer(pixels: train.image(5), label: label)
        let free = net.outputState
        net.train(pixels: train.image(5), label: label)
        let nudged = net.outputState
        XCTAssertGreaterThan(nudged[label], free[label])
        func cost(_ s: [Double]) -> Double { s.indices.reduce(0) { $0 + pow(($1 == label ? 1 : 0) - s[$1], 2) } }
        XCTAssertLessThan(cost(nudged), cost(free))
    }

    /// Same initial weights as the chip and the golden model (GoldenInit's draws from
    /// SeededGenerator(seed)), and the chip Trainer's epoch order.
    func testInitialisationAndOrderAreTheChips() throws {
        var c = config(hidden: 20)
        c.seed = 7
        var g = GoldenConfig()
        g.hidden = 20; g.seed = 7; g.initScale = c.initScale
        var rng = SeededGenerator(seed: 7)
        let (w1, w2) = GoldenInit.weights(config: g, rng: &rng)
        let net = try RateCEPNetwork(config: c)
        XCTAssertEqual(net.weights1, w1)
        XCTAssertEqual(net.weights2, w2)
        XCTAssertTrue(net.biasHidden.allSatisfy { $0 == 0 })
    }

    func testSettingsFromText() throws {
        var c = RateCEPConfig()
        try c.set("dt", "0.1"); try c.set("T", "40"); try c.set("K", "15"); try c.set("beta", "0.2")
        try c.set("eta", "0.004")
        try c.set("lr_schedule", "[1, 0.5,0.25]")
        XCTAssertEqual(c.dt, 0.1); XCTAssertEqual(c.tFree, 40); XCTAssertEqual(c.kNudge, 15); XCTAssertEqual(c.beta, 0.2)
        XCTAssertEqual(c.eta1, 0.004); XCTAssertEqual(c.eta2, 0.002)
        XCTAssertEqual(c.lrSchedule, [1, 0.5, 0.25])
        XCTAssertEqual(c.multiplier(epoch: 0), 1); XCTAssertEqual(c.multiplier(epoch: 9), 0.25)
        XCTAssertThrowsError(try c.set("bta", "1")) { XCTAssertTrue("\($0)".contains("unknown C-EP parameter 'cep.bta'"), "\($0)") }
        XCTAssertThrowsError(try c.set("t", "1")) { XCTAssertTrue("\($0)".contains("did you mean cep.T?"), "\($0)") }
        XCTAssertThrowsError(try c.set("dt", "fast"))
        XCTAssertThrowsError(try c.set("lr_schedule", "1,-1"))
        c.beta = 0
        XCTAssertThrowsError(try c.validate())
        XCTAssertThrowsError(try RateCEPNetwork(config: c))
    }

    /// C-EP learns: 1000 subset images, 2 epochs, 784-50-10 (half the hidden layer, for time) with
    /// the default settings, then the 500 held-out images. Bar 75% (chance 10%; measured 81.4%; 85.0% with
    /// 100 hidden neurons). metrics.csv has the chip's columns.
    func testLearnsOnTheSubset() throws {
        let (train, test) = try MNIST.load(directory: Self.subsetDirectory)
        let dir = NSTemporaryDirectory() + "rate-cep-test-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let net = try RateCEPNetwork(config: config(hidden: 50))
        let epochs = try RateCEPTrainer.run(network: net, train: train, test: test, epochs: 2, outDirectory: dir)
        XCTAssertEqual(epochs.count, 2)
        XCTAssertEqual(epochs[1].testImages, 500)
        XCTAssertGreaterThan(epochs[1].testAccuracy, 0.75, "held-out accuracy \(epochs[1].testAccuracy)")
        XCTAssertGreaterThan(epochs[1].trainAccuracy, epochs[0].trainAccuracy)
        XCTAssertEqual(RateCEPTrainer.evaluate(network: net, images: test), epochs[1].testAccuracy)
        let lines = try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(String(lines[0]), RateCEPEpoch.csvHeader)
        XCTAssertEqual(lines[0].split(separator: ",").count, lines[2].split(separator: ",", omittingEmptySubsequences: false).count)
        XCTAssertTrue(lines[1].hasPrefix("1,1000,"))
    }
}
