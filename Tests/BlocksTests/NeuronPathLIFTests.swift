import XCTest
import FixedPoint
import HDL
@testable import Blocks

final class NeuronPathLIFTests: XCTestCase {
    /// One LIF bank, lane k driven by the constant current currents[k]; spike times per lane.
    private func spikeTimes(_ lif: LIFCore, currents: [Int64], clocks: Int) -> [[Int]] {
        lif.reset()
        for (k, c) in currents.enumerated() { npPoke(lif.current, k, c) }
        var times = Array(repeating: [Int](), count: currents.count)
        for t in 0..<clocks {
            for k in 0..<currents.count where lif.spike.value(k) != 0 { times[k].append(t) }
            npTick(lif)
        }
        return times
    }

    /// Default settings (no leak, subtract, integrate while refractory, T = 2, th = 1): the measured
    /// rate over T clocks equals clip(I / th, 0, 1/2) within 1/T, for I from -0.5 to 1.5.
    func testDefaultRateIsTheHardSigmoid() throws {
        let f = npFormat("s3.13")
        let currents = (0...128).map { Int64(-4096 + $0 * 128) }     // -0.5 ... 1.5 in steps of 1/64
        let lif = try LIFCore(name: "n", lanes: currents.count, membrane: f, current: f)
        // Spikes seen at clocks 1...T are the decisions of clocks 0...T-1 (the spike is registered).
        let clocks = 1000
        let times = spikeTimes(lif, currents: currents, clocks: clocks + 1)
        var previous = -1.0
        for (k, c) in currents.enumerated() {
            let i = f.toDouble(c)
            let rate = Double(times[k].count) / Double(clocks)
            // Within 1/T: the spike count is within one spike of T * clip(I, 0, 1/2).
            XCTAssertLessThanOrEqual(abs(Double(times[k].count) - Double(clocks) * min(max(i, 0), 0.5)), 1, "I = \(i)")
            XCTAssertGreaterThanOrEqual(rate, previous, "f-I curve must be monotone (I = \(i))")
            previous = rate
            if i <= 0 { XCTAssertEqual(times[k].count, 0, "no spike at I = \(i) <= 0 (rheobase 0 without leak)") }
        }
        XCTAssertEqual(lif.saturations, 0)
    }

    /// For a large current the neuron fires exactly every T_refract clocks: rate 1/T_refract.
    func testSaturatesAtExactlyOneOverTRefract() throws {
        let f = npFormat("s3.13")
        for period in [1, 2, 3, 4, 7] {
            let lif = try LIFCore(name: "n", lanes: 3, membrane: f, current: f, refractory: period)
            let times = spikeTimes(lif, currents: [npQuantize(1.0, f), npQuantize(2.5, f), npQuantize(3.9, f)], clocks: 700)
            for lane in times {
                XCTAssertFalse(lane.isEmpty)
                for (a, b) in zip(lane, lane.dropFirst()) { XCTAssertEqual(b - a, period, "T_refract = \(period)") }
                XCTAssertEqual(Double(lane.count) / 700, 1.0 / Double(period), accuracy: 1.0 / 700 + 1e-12)
            }
        }
    }

    /// Random currents, several refractory periods: no two spikes of a lane closer than T_refract.
    func testNoTwoSpikesCloserThanTRefract() throws {
        let f = npFormat("s3.13")
        var rng = NPRandom(7)
        for period in [2, 3, 5] {
            for leak in [0.0, 0.05] {
                let lanes = 64
                let lif = try LIFCore(name: "n", lanes: lanes, membrane: f, current: f, leak: leak, refractory: period)
                lif.reset()
                var last = Array(repeating: -1_000_000, count: lanes)
                var spikes = 0
                for t in 0..<3000 {
                    for k in 0..<lanes {
                        if lif.spike.value(k) != 0 {
                            XCTAssertGreaterThanOrEqual(t - last[k], period, "lane \(k) at clock \(t)")
                            last[k] = t
                            spikes += 1
                        }
                        npPoke(lif.current, k, npQuantize(rng.uniform(-0.5, 2.0), f))
                    }
                    npTick(lif)
                }
                XCTAssertGreaterThan(spikes, 1000)
                // The counter counts fire decisions: those seen at the output plus those still in the register.
                XCTAssertEqual(lif.spikesEmitted, spikes + lif.spike.values.reduce(0) { $0 + Int($1) })
            }
        }
    }

    /// With a leak the f-I curve is monotone, zero up to the rheobase gamma * u_th (within the
    /// rounding band of a few LSB) and saturates at 1/T_refract.
    func testLeakyFICurveHasRheobase() throws {
        let f = npFormat("s3.13")
        let gamma = 0.1
        let lsb = f.lsb
        // Fixed-point rheobase: u = th - 1 LSB must reach th, i.e. I >= 1 LSB + round(gamma (th - 1 LSB)),
        // which is gamma * th within 1.5 LSB. Test 3 LSB either side.
        let below = (0...40).map { npQuantize(gamma - 3 * lsb - Double($0) * 0.0025, f) }
        let above = (0...120).map { npQuantize(gamma + 3 * lsb + Double($0) * 0.0125, f) }
        let lif = try LIFCore(name: "n", lanes: below.count + above.count, membrane: f, current: f, leak: gamma)
        let clocks = 2000
        let times = spikeTimes(lif, currents: below + above, clocks: clocks)
        for k in 0..<below.count { XCTAssertEqual(times[k].count, 0, "I = \(f.toDouble(below[k])) is below the rheobase") }
        var previous = 0
        for k in below.count..<(below.count + above.count) {
            XCTAssertGreaterThan(times[k].count, 0, "I = \(f.toDouble((below + above)[k])) is above the rheobase")
            XCTAssertGreaterThanOrEqual(times[k].count, previous, "monotone f-I curve")
            previous = times[k].count
        }
        XCTAssertEqual(Double(times.last!.count) / Double(clocks), 0.5, accuracy: 1.0 / Double(clocks) + 1e-12, "saturates at 1/T_refract")
    }

    /// Reset to zero with u frozen while refractory: the staircase f-I curve, every inter-spike
    /// interval exactly T_refract - 1 + ceil(th / I), the first spike at clock ceil(th / I).
    func testResetZeroFrozenGivesTheStaircase() throws {
        let f = npFormat("s3.13")
        let currents: [Int64] = [8192, 5000, 4096, 3000, 2731, 1000, 333]
        for period in [2, 3] {
            let lif = try LIFCore(name: "n", lanes: currents.count, membrane: f, current: f, refractory: period,
                                  reset: .zero, integrateRefractory: false)
            let times = spikeTimes(lif, currents: currents, clocks: 600)
            for (k, c) in currents.enumerated() {
                let steps = Int((8192 + c - 1) / c)           // ceil(th / I) in raw units
                XCTAssertEqual(times[k].first, steps, "first spike, I raw \(c)")
                for (a, b) in zip(times[k], times[k].dropFirst()) { XCTAssertEqual(b - a, period - 1 + steps, "I raw \(c)") }
            }
        }
    }

    /// Clock by clock against the integer reference of docs/algorithm.md, for every option:
    /// leak, reset, refractory integration, rounding, overflow, current alignment in both directions.
    func testMatchesTheIntegerReferenceBitForBit() throws {
        var rng = NPRandom(11)
        let uFormat = npFormat("s2.10")
        var configurations = 0
        for current in [npFormat("s4.14"), npFormat("s3.6"), npFormat("s2.10")] {
            for leak in [0.0, 0.1, 0.03] {
                for reset in LIFCore.Reset.allCases {
                    for integrate in [true, false] {
                        for rounding in [Rounding.truncate, .nearest, .nearestEven] {
                            for overflow in Overflow.allCases {
                                let period = Int(rng.int(1...3))
                                let threshold = [1.0, 0.7][Int(rng.int(0...1))]
                                let lanes = 8
                                let lif = try LIFCore(name: "n", lanes: lanes, membrane: uFormat, current: current,
                                                      threshold: threshold, uMin: -1, leak: leak, refractory: period,
                                                      reset: reset, integrateRefractory: integrate,
                                                      rounding: rounding, overflow: overflow)
                                lif.reset()
                                let proto = NPLIFReference(uFormat: uFormat, currentFormat: current,
                                                         th: lif.thresholdRaw, uMin: lif.uMinRaw,
                                                         gm: lif.leakConstant.mantissa, gk: lif.leakConstant.shift,
                                                         refractory: period, subtract: reset == .subtract, integrate: integrate,
                                                         rounding: rounding, overflow: overflow)
                                var refs = Array(repeating: proto, count: lanes)
                                for t in 0..<300 {
                                    for k in 0..<lanes {
                                        XCTAssertEqual(Int64(lif.u.value(k)), refs[k].u, "u, lane \(k), clock \(t)")
                                        XCTAssertEqual(Int(lif.refractory.value(k)), refs[k].r, "r, lane \(k), clock \(t)")
                                        XCTAssertEqual(Int(lif.spike.value(k)), refs[k].s, "s, lane \(k), clock \(t)")
                                        // Currents over the whole format, so v overflows now and then.
                                        let c = rng.int(current.minRaw...current.maxRaw) >> Int64(rng.int(0...3))
                                        npPoke(lif.current, k, c)
                                        refs[k].step(c)
                                    }
                                    npTick(lif)
                                }
                                XCTAssertEqual(lif.saturations, refs.map(\.saturations).reduce(0, +))
                                configurations += 1
                            }
                        }
                    }
                }
            }
        }
        XCTAssertEqual(configurations, 3 * 3 * 2 * 2 * 3 * 2)
    }

    /// Reset clears u, r and the spike; the LFSR (persistent state) is not re-seeded.
    func testResetAndPersistentState() throws {
        let f = npFormat("s3.13")
        let lif = try LIFCore(name: "n", lanes: 2, membrane: f, current: npFormat("s3.16"), leak: 0.1, rounding: .stochastic, seed: 5)
        lif.reset()
        npPoke(lif.current, 0, npQuantize(0.7, npFormat("s3.16")))
        npPoke(lif.current, 1, npQuantize(0.3, npFormat("s3.16")))
        for _ in 0..<10 { npTick(lif) }
        let state = lif.persistentState
        XCTAssertEqual(state.map(\.name), ["lfsr"])
        lif.reset()
        XCTAssertEqual(lif.u.values, [0, 0])
        XCTAssertEqual(lif.refractory.values, [0, 0])
        XCTAssertEqual(lif.spike.values, [0, 0])
        XCTAssertEqual(lif.persistentState[0].values, state[0].values, "reset keeps the LFSR state")
        XCTAssertThrowsError(try lif.restorePersistentState(name: "weights", values: [1]))
        try lif.restorePersistentState(name: "lfsr", values: [12345])
        XCTAssertEqual(lif.persistentState[0].values, [12345])
        XCTAssertGreaterThan(lif.counters.first { $0.name == "spikes" }!.value, 0)
        lif.clearCounters()
        XCTAssertEqual(lif.counters.map(\.value), [0, 0, 0, 0])
    }

    /// Threshold and u_min are quantised into the u format; values outside it are rejected.
    func testThresholdQuantisation() throws {
        let lif = try LIFCore(name: "n", lanes: 1, membrane: npFormat("s2.4"), current: npFormat("s2.4"), threshold: 0.7, uMin: -0.33)
        XCTAssertEqual(lif.thresholdRaw, 11)      // 0.7 * 16 = 11.2
        XCTAssertEqual(lif.uMinRaw, -5)           // -0.33 * 16 = -5.28
        XCTAssertEqual(lif.threshold, 0.6875)
        XCTAssertThrowsError(try LIFCore(name: "n", lanes: 1, membrane: npFormat("s2.4"), current: npFormat("s2.4"), threshold: 2.5)) { e in
            XCTAssertEqual((e as? ParameterError)?.parameter, "threshold")
        }
        XCTAssertThrowsError(try LIFCore(name: "n", lanes: 1, membrane: npFormat("s2.4"), current: npFormat("s2.4"), threshold: 0.01)) { e in
            XCTAssertEqual((e as? ParameterError)?.parameter, "threshold", "0.01 rounds to 0 in s2.4")
        }
        XCTAssertThrowsError(try LIFCore(name: "n", lanes: 1, membrane: npFormat("u2.4"), current: npFormat("s2.4"), uMin: -1)) { e in
            XCTAssertEqual((e as? ParameterError)?.parameter, "u_min")
        }
    }
}
