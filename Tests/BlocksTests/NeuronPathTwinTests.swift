import XCTest
import FixedPoint
import HDL
@testable import Blocks

/// Every block against its float twin (the same equations in Double, no quantisation, nominal
/// constants, fed the unquantised stimulus) over 10,000 clocks of random stimulus. Each test states
/// its bound in LSB of the block's format, derived from where the block rounds; the bound holds at
/// every precision tried, so the real-valued bound and error shrink as fraction bits grow (checked).
final class NeuronPathTwinTests: XCTestCase {
    let clocks = 10_000

    struct Outcome {
        let worst: Double      // worst |fixed - float| in LSB
        let bound: Double      // stated bound in LSB
        let lsb: Double
    }

    /// Runs `body` at each precision (fraction bits, ascending); checks worst <= bound at each and
    /// that both the bound and the worst error, as real values, shrink from one precision to the next.
    private func atPrecisions(_ fracBits: [Int], _ what: String, _ body: (Int) throws -> Outcome) rethrows {
        var previous: Outcome?
        for f in fracBits {
            let r = try body(f)
            XCTAssertLessThanOrEqual(r.worst, r.bound, "\(what), \(f) fraction bits: worst error \(r.worst) LSB is over the bound \(r.bound) LSB")
            if let p = previous {
                XCTAssertLessThan(r.bound * r.lsb, p.bound * p.lsb, "\(what): the bound must shrink with fraction bits")
                if p.worst > 0 {
                    XCTAssertLessThan(r.worst * r.lsb, p.worst * p.lsb, "\(what): the error must shrink with fraction bits")
                }
            }
            previous = r
        }
    }

    /// LIF with leak gamma = 0.1, currents quantised (nearest) into a current format with 4 more
    /// fraction bits than u, then aligned to u (nearest). Per clock the fixed v differs from the
    /// float one by (1 - gamma) e plus at most rho = 1/2 (leak rounding) + 1/2 (alignment) + 1/32
    /// (input quantisation) + |gq - gamma| max|u| / LSB (the 16-bit leak constant); the same
    /// threshold subtraction and the clip do not widen it, so |u - u_float| <= rho / gamma LSB.
    /// Spike decisions: whenever the twin's v is further than that bound from the threshold, the
    /// decisions must agree (a real check); inside the band the twin follows the fixed neuron, the
    /// difference being quantisation. Band decisions get rarer as precision grows.
    func testLIFTwinWithLeak() throws {
        var bandCounts: [Int] = []
        try atPrecisions([8, 12, 16], "lif with leak") { fu in
            let u = QFormat(signed: true, intBits: 3, fracBits: fu)
            let cur = QFormat(signed: true, intBits: 3, fracBits: fu + 4)
            let gamma = 0.1, lanes = 8
            let lif = try LIFCore(name: "n", lanes: lanes, membrane: u, current: cur, leak: gamma)
            let rho = 0.5 + 0.5 + 0.5 / 16 + abs(lif.leakConstant.value - gamma) * 1.0 / u.lsb
            let bound = rho / gamma
            lif.reset()
            let proto = NPLIFTwin(threshold: 1, uMin: -1, gamma: gamma, refractory: 2, subtract: true, integrateRefractory: true)
            var twins = Array(repeating: proto, count: lanes)
            var rng = NPRandom(100 + UInt64(fu))
            var worst = 0.0, band = 0, spikes = 0
            var currents = Array(repeating: 0.0, count: lanes)
            for _ in 0..<clocks {
                for k in 0..<lanes {
                    currents[k] = rng.uniform(-0.3, 0.7)
                    npPoke(lif.current, k, npQuantize(currents[k], cur))
                }
                npTick(lif)                                   // spike and u now hold this clock's decision
                for k in 0..<lanes {
                    let fired = lif.spike.value(k) != 0
                    if let c = twins[k].candidate(currents[k]), twins[k].r == 0 {
                        if abs(c.v - 1.0) > bound * u.lsb {
                            XCTAssertEqual(c.fires, fired, "decision outside the quantisation band must agree (\(fu) bits)")
                        } else {
                            band += 1
                        }
                    }
                    twins[k].step(currents[k], fire: fired)
                    worst = max(worst, abs(lif.u.real(k) - twins[k].u) / u.lsb)
                    if fired { spikes += 1 }
                }
            }
            XCTAssertGreaterThan(spikes, clocks)               // the neurons are busy
            bandCounts.append(band)
            return Outcome(worst: worst, bound: bound, lsb: u.lsb)
        }
        XCTAssertEqual(bandCounts, bandCounts.sorted(by: >), "fewer decisions inside the band at higher precision: \(bandCounts)")
    }

    /// The default LIF (no leak) with currents on the u grid is exact: bound 0 LSB, every decision equal.
    func testLIFTwinDefaultIsExact() throws {
        for fu in [6, 13] {
            let u = QFormat(signed: true, intBits: 3, fracBits: fu)
            let lanes = 8
            let lif = try LIFCore(name: "n", lanes: lanes, membrane: u, current: u)
            lif.reset()
            var twins = Array(repeating: NPLIFTwin(threshold: 1, uMin: -1, gamma: 0, refractory: 2, subtract: true, integrateRefractory: true), count: lanes)
            var rng = NPRandom(7)
            for _ in 0..<clocks {
                var currents: [Double] = []
                for k in 0..<lanes {
                    let raw = npQuantize(rng.uniform(-0.4, 0.9), u)
                    currents.append(u.toDouble(raw))
                    npPoke(lif.current, k, raw)
                }
                npTick(lif)
                for k in 0..<lanes {
                    let c = twins[k].candidate(currents[k])!
                    XCTAssertEqual(c.fires, lif.spike.value(k) != 0)
                    twins[k].step(currents[k], fire: c.fires)
                    XCTAssertEqual(lif.u.real(k), twins[k].u, "exact")
                }
            }
        }
    }

    /// LI, gamma = 0.1: per clock the leak rounding adds at most rho (1/2 LSB nearest, 1 LSB
    /// stochastic) plus |gq - gamma| max V (V <= 1/gamma + 1), decaying by (1 - gamma): bound
    /// rho / gamma LSB. Spikes are Bernoulli with a rate that jumps every 1000 clocks.
    func testLITwin() throws {
        for (rounding, rho) in [(Rounding.nearest, 0.5), (.stochastic, 1.0), (.truncate, 1.0)] {
            try atPrecisions([8, 12, 16], "li \(rounding)") { fv in
                let format = QFormat(signed: false, intBits: 4, fracBits: fv)
                let gamma = 0.1, lanes = 8
                let li = try LeakyIntegrator(name: "li", lanes: lanes, format: format, gamma: gamma, rounding: rounding, seed: 5)
                let bound = (rho + abs(li.gamma - gamma) * (1 / gamma + 1) / format.lsb) / gamma
                li.reset()
                var twins = Array(repeating: NPLITwin(gamma: gamma), count: lanes)
                var rng = NPRandom(UInt64(fv))
                var worst = 0.0
                for t in 0..<clocks {
                    let p = [0.5, 0.05, 0.9, 0.2, 0.0][(t / 1000) % 5]
                    for k in 0..<lanes {
                        let s = rng.bit(p)
                        npPoke(li.spike, k, s ? 1 : 0)
                        twins[k].step(s)
                    }
                    npTick(li)
                    for k in 0..<lanes { worst = max(worst, abs(li.v.real(k) - twins[k].v) / format.lsb) }
                }
                XCTAssertEqual(li.saturations, 0)
                return Outcome(worst: worst, bound: bound, lsb: format.lsb)
            }
        }
    }

    /// Delay: only the input quantisation (nearest): |delayed - x_float(t - depth)| <= 1/2 LSB.
    func testDelayTwin() throws {
        try atPrecisions([4, 8, 12], "delay") { f in
            let format = QFormat(signed: true, intBits: 4, fracBits: f)
            let lanes = 4, depth = 20
            let d = try DelayLine(name: "d", lanes: lanes, depth: depth, format: format)
            d.reset()
            var twins = Array(repeating: NPDelayTwin(depth: depth), count: lanes)
            var rng = NPRandom(UInt64(f) + 50)
            var worst = 0.0
            for _ in 0..<clocks {
                for k in 0..<lanes {
                    let x = rng.uniform(-7, 7)
                    let expected = twins[k].step(x)
                    worst = max(worst, abs(d.delayed.real(k) - expected) / format.lsb)
                    npPoke(d.x, k, npQuantize(x, format))
                }
                npTick(d)
            }
            return Outcome(worst: worst, bound: 0.5, lsb: format.lsb)
        }
    }

    /// FIR (20 taps and 16 taps): input quantisation averages to at most 1/2 LSB, the division
    /// rounds once (1/2 LSB, nearest): |mean - float moving average| <= 1 LSB.
    func testFIRTwin() throws {
        for taps in [20, 16] {
            try atPrecisions([6, 10, 14], "fir \(taps)") { f in
                let format = QFormat(signed: true, intBits: 5, fracBits: f)
                let lanes = 4
                let fir = try FIRAverager(name: "f", lanes: lanes, taps: taps, input: format, output: format)
                fir.reset()
                var twins = Array(repeating: NPFIRTwin(taps: taps), count: lanes)
                var rng = NPRandom(UInt64(f) + 60)
                var worst = 0.0
                for _ in 0..<clocks {
                    var expected: [Double] = []
                    for k in 0..<lanes {
                        let x = rng.uniform(-4, 4)
                        expected.append(twins[k].step(x))
                        npPoke(fir.x, k, npQuantize(x, format))
                    }
                    npTick(fir)
                    for k in 0..<lanes { worst = max(worst, abs(fir.mean.real(k) - expected[k]) / format.lsb) }
                }
                return Outcome(worst: worst, bound: 1.0, lsb: format.lsb)
            }
        }
    }

    /// Adder (+-+): three quantised inputs, exact sum: |sum - float sum| <= 3/2 LSB.
    func testAdderTwin() throws {
        try atPrecisions([4, 8, 12], "adder") { f in
            let format = QFormat(signed: true, intBits: 5, fracBits: f)
            let lanes = 4
            let adder = try Adder(name: "a", lanes: lanes, terms: 3, signs: "+-+", format: format)
            var rng = NPRandom(UInt64(f) + 70)
            var worst = 0.0
            for _ in 0..<clocks {
                for k in 0..<lanes {
                    let x = (0..<3).map { _ in rng.uniform(-4, 4) }
                    for j in 0..<3 { npPoke(adder.terms[j], k, npQuantize(x[j], format)) }
                    adder.evaluate()
                    worst = max(worst, abs(adder.sum.real(k) - (x[0] - x[1] + x[2])) / format.lsb)
                }
            }
            return Outcome(worst: worst, bound: 1.5, lsb: format.lsb)
        }
    }

    /// Scale: |y - x * factor| <= 1/2 (output rounding) + |factor| / 2 * LSB_in / LSB_out (input
    /// quantisation) + max|x| * |realised - asked| / LSB_out (the 16-bit constant), in output LSB.
    func testScaleTwin() throws {
        for (factor, extraOutputBits, outInt) in [(0.37, 0, 5), (1.5e-3, 8, 1), (-3.1, 0, 8)] {
            try atPrecisions([6, 10, 14], "scale \(factor)") { f in
                let input = QFormat(signed: true, intBits: 5, fracBits: f)
                let output = QFormat(signed: true, intBits: outInt, fracBits: f + extraOutputBits)
                let lanes = 4
                let scale = try Scaler(name: "s", lanes: lanes, input: input, output: output, factor: factor)
                let bound = 0.5 + abs(factor) / 2 * input.lsb / output.lsb + 8 * abs(scale.factor - factor) / output.lsb
                var rng = NPRandom(UInt64(f) + 80)
                var worst = 0.0
                for _ in 0..<clocks {
                    var xs: [Double] = []
                    for k in 0..<lanes {
                        let x = rng.uniform(-8, 8)
                        xs.append(x)
                        npPoke(scale.x, k, npQuantize(x, input))
                    }
                    scale.evaluate()
                    for k in 0..<lanes { worst = max(worst, abs(scale.y.real(k) - xs[k] * factor) / output.lsb) }
                }
                XCTAssertEqual(scale.saturations, 0)
                return Outcome(worst: worst, bound: bound, lsb: output.lsb)
            }
        }
    }

    /// Spike counter: integer counting is exact (bound 0) at every width that does not saturate.
    func testSpikeCounterTwinIsExact() throws {
        for width in [13, 20] {
            let lanes = 4
            let counter = try SpikeCounter(name: "c", lanes: lanes, format: QFormat(signed: false, intBits: width, fracBits: 0))
            counter.reset()
            var twin = Array(repeating: 0.0, count: lanes)
            var rng = NPRandom(UInt64(width))
            for t in 0..<clocks {
                for k in 0..<lanes {
                    XCTAssertEqual(Double(counter.count.value(k)), twin[k], "clock \(t)")
                    let s = rng.bit(0.1 + 0.2 * Double(k))
                    npPoke(counter.spike, k, s ? 1 : 0)
                    if s { twin[k] += 1 }
                }
                npTick(counter)
            }
            XCTAssertEqual(counter.saturations, 0)
        }
    }
}
