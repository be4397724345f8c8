import XCTest
import Datasets
import GoldenModel

/// Unit tests of the golden model's building blocks and of the network's update bookkeeping.
final class GoldenUnitTests: XCTestCase {

    // MARK: LIF f-I curve

    /// Reset by subtraction + integration during refractory + T_refract 2: rate = clip(I/u_th, 0, 1/2).
    func testLIFRateIsHardSigmoid() {
        let n = 61, T = 2000
        let c = GoldenConfig()
        let bank = GoldenLIFBank(count: n, config: c)
        let currents = (0 ..< n).map { -0.1 + 1.2 * Double($0) / Double(n - 1) }
        var counts = [Int](repeating: 0, count: n)
        currents.withUnsafeBufferPointer { p in
            for _ in 0 ..< T {
                bank.step(current: p.baseAddress!)
                for k in bank.spikeIndices { counts[Int(k)] += 1 }
            }
        }
        for j in 0 ..< n {
            let expected = min(max(currents[j] / c.threshold, 0), 0.5)
            let rate = Double(counts[j]) / Double(T)
            XCTAssertEqual(rate, expected, accuracy: 1.5 / Double(T), "I = \(currents[j])")
        }
    }

    /// Reset to zero with the potential frozen during refractory gives the staircase 1/(k+1).
    func testResetToZeroGivesStaircase() {
        var c = GoldenConfig()
        c.reset = .zero
        c.integrateDuringRefractory = false
        let bank = GoldenLIFBank(count: 3, config: c)
        let currents = [0.4, 0.5, 0.9]   // fire every 3+1, 2+1, 2+1 clocks
        var counts = [0, 0, 0]
        let T = 1200
        currents.withUnsafeBufferPointer { p in
            for _ in 0 ..< T {
                bank.step(current: p.baseAddress!)
                for k in bank.spikeIndices { counts[Int(k)] += 1 }
            }
        }
        XCTAssertEqual(Double(counts[0]) / Double(T), 1.0 / 4, accuracy: 2.0 / Double(T))
        XCTAssertEqual(Double(counts[1]) / Double(T), 1.0 / 3, accuracy: 2.0 / Double(T))
        XCTAssertEqual(Double(counts[2]) / Double(T), 1.0 / 3, accuracy: 2.0 / Double(T))
    }

    // MARK: rate-derivative estimator

    /// Drives one LIF neuron with current I(t) and feeds its spikes to an estimator; returns F(t).
    private func estimatorTrace(config c: GoldenConfig, clocks: Int, current: (Int) -> Double) -> [Double] {
        let lif = GoldenLIFBank(count: 1, config: c)
        let est = GoldenEstimatorBank(count: 1, config: c)
        var f: [Double] = []
        var i = [0.0]
        for t in 0 ..< clocks {
            i[0] = current(t)
            est.step(spikes: lif.spikeIndices)
            i.withUnsafeBufferPointer { lif.step(current: $0.baseAddress!) }
            f.append(est.filtered[0])
        }
        return f
    }

    /// A rate ramp of slope a gives F ~ (tau / gammaLI) * a once the filters are full.
    func testEstimatorFollowsRateRamp() {
        let c = GoldenConfig()
        let slope = 0.3 / 300.0    // rate 0.1 -> 0.4 over 300 clocks
        let f = estimatorTrace(config: c, clocks: 500) { t in t < 100 ? 0.1 : min(0.1 + slope * Double(t - 100), 0.4) }
        let expected = Double(c.tau) / c.gammaLI * slope       // 0.2
        let mid = f[250 ..< 380]
        let mean = mid.reduce(0, +) / Double(mid.count)
        XCTAssertEqual(mean, expected, accuracy: 0.2 * expected)
        XCTAssertEqual(f[499], 0, accuracy: 0.15 * expected, "F returns to ~0 once the rate is constant")
    }

    /// A rate step from r1 to r2: F has the sign of the step, its integral is ~ tau (r2 - r1) / gammaLI,
    /// and it decays back to ~0.
    func testEstimatorStepResponse() {
        let c = GoldenConfig()
        for (r1, r2) in [(0.1, 0.35), (0.4, 0.15)] {
            let f = estimatorTrace(config: c, clocks: 400) { $0 < 150 ? r1 : r2 }
            let before = f[100 ..< 150].map { abs($0) }.max()!
            let after = f[150 ..< 300]
            let integral = after.reduce(0, +)
            let expected = Double(c.tau) * (r2 - r1) / c.gammaLI
            XCTAssertEqual(integral, expected, accuracy: 0.15 * abs(expected), "step \(r1) -> \(r2)")
            let peak = r2 > r1 ? after.max()! : after.min()!
            XCTAssertEqual(peak.sign, (r2 - r1).sign)
            XCTAssertGreaterThan(abs(peak), 5 * before, "the step stands out of the steady-state ripple")
            XCTAssertLessThan(abs(f[399]), 0.1 * abs(peak))
        }
    }

    // MARK: updates

    private func testImage(seed: UInt64) -> [UInt8] {
        // A blob of bright pixels (deterministic), like a digit stroke.
        var g = SeededGenerator(seed: seed)
        var img = [UInt8](repeating: 0, count: 784)
        for r in 6 ..< 22 { for col in 9 ..< 19 where g.next() % 3 != 0 { img[r * 28 + col] = UInt8(truncatingIfNeeded: 100 + g.next() % 156) } }
        return img
    }

    /// Deferred mode: the committed change equals the sum over nudge clocks of the increments of
    /// docs/algorithm.md computed from the states of a network whose weights stay frozen.
    func testDeferredEqualsSumOfFrozenIncrements() throws {
        var c = GoldenConfig()
        c.hidden = 30
        c.skipThreshold = -1
        c.eta1 = 1e-3; c.eta2 = 2e-3; c.etaB = 3e-3
        c.updateMode = .deferred
        var g1 = SeededGenerator(seed: 7), g2 = SeededGenerator(seed: 7)
        let deferred = try GoldenNetwork(config: c, rng: &g1)
        let frozen = try GoldenNetwork(config: c, rng: &g2)
        frozen.learning = false
        let img = testImage(seed: 3), label = 4
        let w1 = deferred.weights1, w2 = deferred.weights2
        let nI = c.inputs, nH = c.hidden, nO = c.outputs

        // Reference increments from the frozen network's states.
        var e1 = [Double](repeating: 0, count: nI * nH)
        var e2 = [Double](repeating: 0, count: nH * nO)
        var eH = [Double](repeating: 0, count: nH), eO = [Double](repeating: 0, count: nO)
        deferred.beginImage(pixels: img, label: label)
        frozen.beginImage(pixels: img, label: label)
        for _ in 0 ..< c.tFree { deferred.step(); frozen.step() }
        deferred.beginNudge(); frozen.beginNudge()
        for _ in 0 ..< c.tNudge {
            let sx = frozen.s(.input), sh = frozen.s(.hidden), so = frozen.s(.output)
            let fh = frozen.F(.hidden), fo = frozen.F(.output)
            for i in 0 ..< nI where sx[i] == 1 { for h in 0 ..< nH { e1[i * nH + h] += c.eta1 * fh[h] } }
            for h in 0 ..< nH where sh[h] == 1 { for o in 0 ..< nO { e2[h * nO + o] += c.eta2 * fo[o] } }
            for o in 0 ..< nO where so[o] == 1 { for h in 0 ..< nH { e2[h * nO + o] += c.eta2 * fh[h] } }
            for h in 0 ..< nH { eH[h] += c.etaB * c.fMax * fh[h] }
            for o in 0 ..< nO { eO[o] += c.etaB * c.fMax * fo[o] }
            // Deferred weights are not read until the commit: the two networks stay in lockstep.
            XCTAssertEqual(deferred.u(.hidden), frozen.u(.hidden))
            deferred.step(); frozen.step()
        }
        XCTAssertEqual(deferred.weights1, w1, "no change before the commit")
        deferred.endNudge()
        let d1 = zip(deferred.weights1, w1).map { $0 - $1 }
        let d2 = zip(deferred.weights2, w2).map { $0 - $1 }
        XCTAssertGreaterThan(e1.map { abs($0) }.max()!, 1e-4, "the test image produces real updates")
        for k in 0 ..< nI * nH { XCTAssertEqual(d1[k], e1[k], accuracy: 1e-12) }
        for k in 0 ..< nH * nO { XCTAssertEqual(d2[k], e2[k], accuracy: 1e-12) }
        for h in 0 ..< nH { XCTAssertEqual(deferred.biasHidden[h], eH[h], accuracy: 1e-12) }
        for o in 0 ..< nO { XCTAssertEqual(deferred.biasOutput[o], eO[o], accuracy: 1e-12) }
        XCTAssertEqual(deferred.pendingDeltas.w1.map { abs($0) }.max()!, 0, "shadow cleared by the commit")
    }

    /// Immediate mode: an increment made at clock t is read at clock t+1 (and not at t); with a
    /// tiny learning rate the result is close to the deferred one.
    func testImmediateUpdateVisibleNextClockAndCloseToDeferred() throws {
        var c = GoldenConfig()
        c.hidden = 30
        c.skipThreshold = -1
        c.eta1 = 1e-7; c.eta2 = 1e-7; c.etaB = 1e-7
        var ci = c; ci.updateMode = .immediate
        var g1 = SeededGenerator(seed: 9), g2 = SeededGenerator(seed: 9)
        let imm = try GoldenNetwork(config: ci, rng: &g1)
        let def = try GoldenNetwork(config: c, rng: &g2)
        let img = testImage(seed: 5)
        let w0 = imm.weights1
        imm.present(image: img, label: 2, train: true)
        def.present(image: img, label: 2, train: true)
        let di = zip(imm.weights1, w0).map { $0 - $1 }, dd = zip(def.weights1, w0).map { $0 - $1 }
        // Not bit-equal: a weight change of 1e-9 can move one threshold crossing by a clock (the
        // synchronous spike trains hit u_th exactly), so compare direction and size.
        let dot = zip(di, dd).reduce(0) { $0 + $1.0 * $1.1 }
        let ni = di.reduce(0) { $0 + $1 * $1 }.squareRoot(), nd = dd.reduce(0) { $0 + $1 * $1 }.squareRoot()
        XCTAssertGreaterThan(nd, 0)
        XCTAssertGreaterThan(dot / (ni * nd), 0.98, "immediate and deferred updates point the same way")
        XCTAssertEqual(ni / nd, 1, accuracy: 0.1)

        // Visibility: at a nudge clock with an input spike, the hidden current of the next clock
        // uses the incremented weights (checked through the bias, which changes every nudge clock).
        var cb = GoldenConfig(); cb.hidden = 5; cb.skipThreshold = -1; cb.updateMode = .immediate
        cb.eta1 = 0; cb.eta2 = 0; cb.etaB = 1
        var g3 = SeededGenerator(seed: 1)
        let net = try GoldenNetwork(config: cb, rng: &g3)
        net.weights2 = [Double](repeating: 0, count: cb.hidden * cb.outputs)   // I_o = b_o + nudge only
        net.beginImage(pixels: [UInt8](repeating: 0, count: 784), label: 0)
        for _ in 0 ..< cb.tFree { net.step() }
        net.beginNudge()
        for _ in 0 ..< 30 { net.step() }   // let F of the output leave 0
        let bBefore = net.biasOutput, fO = net.F(.output)
        net.step()                          // current uses bBefore, then b += etaB * fMax * F(t)
        let bAfter = net.biasOutput
        for o in 0 ..< cb.outputs { XCTAssertEqual(bAfter[o] - bBefore[o], cb.fMax * fO[o], accuracy: 1e-12) }
        let vO = net.V(.output)
        net.step()
        let k = cb.gammaLI / cb.fMax
        let iO = net.current(.output)
        for o in 0 ..< cb.outputs {
            let y: Double = o == 0 ? 1 : 0
            XCTAssertEqual(iO[o], bAfter[o] + cb.beta * (y - k * vO[o]), accuracy: 1e-12)
        }
    }

    // MARK: determinism and init

    func testSameSeedSameWeightsAndSameTraining() throws {
        var c = GoldenConfig(); c.hidden = 20; c.seed = 42
        var g1 = SeededGenerator(seed: c.seed), g2 = SeededGenerator(seed: c.seed), g3 = SeededGenerator(seed: 43)
        let a = try GoldenNetwork(config: c, rng: &g1)
        let b = try GoldenNetwork(config: c, rng: &g2)
        let other = try GoldenNetwork(config: c, rng: &g3)
        XCTAssertEqual(a.weights1, b.weights1)
        XCTAssertEqual(a.weights2, b.weights2)
        XCTAssertNotEqual(a.weights1, other.weights1)
        // Limits and draw order: W1 row-major then W2 row-major, one word each.
        var g4 = SeededGenerator(seed: c.seed)
        let (w1, w2) = GoldenInit.weights(config: c, rng: &g4)
        XCTAssertEqual(w1, a.weights1); XCTAssertEqual(w2, a.weights2)
        var g5 = SeededGenerator(seed: c.seed)
        let a1 = GoldenInit.limit(fanIn: 784, fanOut: 20, scale: 0.5)
        XCTAssertEqual(w1[0], (2 * g5.nextDouble() - 1) * a1)
        XCTAssertEqual(try GoldenNetwork(config: c).weights1, w1, "default generator: SeededGenerator(seed)")
        XCTAssertLessThanOrEqual(w1.map { abs($0) }.max()!, a1)
        XCTAssertGreaterThan(w1.map { abs($0) }.max()!, 0.99 * a1)
        for k in 0 ..< 3 {
            let img = testImage(seed: UInt64(k))
            let ra = a.present(image: img, label: k, train: true)
            let rb = b.present(image: img, label: k, train: true)
            XCTAssertEqual(ra, rb)
        }
        XCTAssertEqual(a.weights1, b.weights1)
        XCTAssertEqual(a.biasOutput, b.biasOutput)
    }

    /// Extension: the anti-nudge clocks run between the free and the learning nudge phase, with
    /// learning off; the caller's learning flag is restored.
    func testAntiNudgeClocks() throws {
        var c = GoldenConfig(); c.hidden = 10; c.skipThreshold = -1; c.antiNudgeClocks = 7; c.tNudge = 11
        let net = try GoldenNetwork(config: c)
        let r = net.present(image: testImage(seed: 1), label: 3, train: true)
        XCTAssertTrue(r.nudged)
        XCTAssertEqual(net.clock, c.tFree + 7 + 11)
        XCTAssertTrue(net.learning)
        XCTAssertEqual(net.nudgeSign, 1)
    }

    func testOverridesAndSchedule() throws {
        let c = try GoldenConfig().applying(overrides: "mode=immediate eta=5e-5 schedule=1,0.5,0.25 beta=0.2 tau=10")
        XCTAssertEqual(c.updateMode, .immediate)
        XCTAssertEqual(c.eta1, 5e-5); XCTAssertEqual(c.etaB, 5e-5)
        XCTAssertEqual(c.etaMultiplier(epoch: 0), 1)
        XCTAssertEqual(c.etaMultiplier(epoch: 7), 0.25)
        XCTAssertEqual(c.beta, 0.2); XCTAssertEqual(c.tau, 10)
        XCTAssertThrowsError(try GoldenConfig().applying(overrides: "nonsense=1"))
        XCTAssertThrowsError(try GoldenConfig().applying(overrides: "eta=abc"))
        XCTAssertEqual(GoldenConfig.recommendedDeferred.validationErrors(), [])
        XCTAssertEqual(GoldenConfig.recommendedImmediate.validationErrors(), [])
        XCTAssertEqual(try GoldenConfig().applying(overrides: "mode=immediate tFree=130 readoutFrom=80 readoutTo=130 eta1=5e-5 eta2=1e-5 etaB=1e-5 schedule=1,1,0.5,0.25,0.125"),
                       GoldenConfig.recommendedImmediate)
        var bad = GoldenConfig(); bad.readoutTo = 500
        var g = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try GoldenNetwork(config: bad, rng: &g))
    }

    /// Readout, first spike and skip test on a hand-checked case: the first output spike can come
    /// no earlier than clock 3 (input fires at the end of clock 0 at the earliest, hidden at the
    /// end of clock 1, output at the end of clock 2).
    func testLatencyOfFirstOutputSpike() throws {
        var c = GoldenConfig(); c.hidden = 4; c.inputs = 1; c.outputs = 2; c.initScale = 0
        var g = SeededGenerator(seed: 1)
        let net = try GoldenNetwork(config: c, rng: &g)
        net.weights1 = [1, 1, 1, 1]
        net.weights2 = [1, 0, 1, 0, 1, 0, 1, 0]   // every hidden neuron drives output 0
        let r = net.present(image: [255], label: 0, train: false)
        XCTAssertEqual(r.firstSpikeTime, 3)
        XCTAssertEqual(r.firstSpikeClass, 0)
        XCTAssertEqual(r.prediction, 0)
        XCTAssertEqual(r.counts, [25, 0], "saturated output: f_max x 50 clocks")
        XCTAssertFalse(r.nudged)
        XCTAssertEqual(r.free.input, 50, "input at f_max during clocks 1..99 -> 50 spikes in s(t)")
    }
}
