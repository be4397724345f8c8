import XCTest
import FixedPoint
import HDL
@testable import Blocks

final class NeuronPathLITests: XCTestCase {
    /// Runs one lane with a periodic spike pattern; returns V per clock.
    private func run(_ li: LeakyIntegrator, clocks: Int, spikes: (Int) -> Bool) -> [Int64] {
        li.reset()
        var out: [Int64] = []
        for t in 0..<clocks {
            out.append(Int64(li.v.value(0)))
            npPoke(li.spike, 0, spikes(t) ? 1 : 0)
            npTick(li)
        }
        return out
    }

    /// Step response: with spikes at rate r (periodic), the mean of V settles to r / gamma.
    /// Exact identity over a window of L clocks: sum(round(gq V)) = r L - (V(end) - V(start)), and
    /// each rounding is within 1/2 LSB (nearest), so |mean V - r/gq| <= (1/2 LSB + |dV| / L) / gq;
    /// against the nominal gamma add r |1/gq - 1/gamma| (the 16-bit coefficient).
    func testStepResponseSettlesToRateOverGamma() throws {
        for format in [npFormat("u4.8"), npFormat("u4.12"), npFormat("u5.16")] {
            let gamma = 0.1
            let li = try LeakyIntegrator(name: "li", lanes: 1, format: format, gamma: gamma)
            let gq = li.gamma
            for (period, ones) in [(1, 1), (2, 1), (5, 1), (10, 3)] {
                let rate = Double(ones) / Double(period)
                let start = 2000, length = 100 * period
                let v = run(li, clocks: start + length + 1) { $0 % period < ones }
                let mean = Double(v[start..<(start + length)].reduce(0, +)) / Double(length) * format.lsb
                let drift = format.toDouble(abs(v[start + length] - v[start])) / Double(length)
                let bound = (0.5 * format.lsb + drift) / gq + rate * abs(1 / gq - 1 / gamma)
                XCTAssertEqual(mean, rate / gamma, accuracy: bound + 1e-12, "\(format), rate \(rate)")
                XCTAssertLessThanOrEqual(bound, (0.5 / gamma + 0.5) * format.lsb + 1e-4, "the bound is a few LSB")
            }
            // Rate 1: V stops at a fixed point of the rounding band round(gq V) = 1.0.
            let v = run(li, clocks: 500) { _ in true }
            XCTAssertEqual(v[499], v[498])
            XCTAssertEqual(format.toDouble(v[499]), 1 / gamma, accuracy: 0.5 / gq * format.lsb + abs(1 / gq - 1 / gamma) + 1e-12)
        }
    }

    /// Impulse response: one spike at clock 0 gives V(t) = (1 - gq)^(t-1) for t >= 1 (gq the
    /// realised gamma), within rho / gq LSB: each clock's rounding adds at most rho LSB (1/2 for
    /// nearest, 1 for truncate) and earlier errors decay by (1 - gq).
    func testImpulseResponseFollowsTheGeometricDecay() throws {
        for (rounding, rho) in [(Rounding.nearest, 0.5), (.nearestEven, 0.5), (.truncate, 1.0)] {
            for gamma in [0.1, 0.25, 0.03] {
                let format = npFormat("u4.14")
                let li = try LeakyIntegrator(name: "li", lanes: 1, format: format, gamma: gamma, rounding: rounding)
                let gq = li.gamma
                let v = run(li, clocks: 400) { $0 == 0 }
                XCTAssertEqual(v[0], 0)
                XCTAssertEqual(v[1], 1 << 14, "the spike adds exactly 1.0")
                var worst = 0.0
                for t in 1..<400 {
                    let err = abs(format.toDouble(v[t]) - pow(1 - gq, Double(t - 1))) / format.lsb
                    XCTAssertLessThanOrEqual(err, rho / gq + 1e-6, "t = \(t), gamma \(gamma), \(rounding)")
                    worst = max(worst, err)
                }
                XCTAssertGreaterThan(worst, 0, "the comparison is not vacuous")
            }
        }
    }

    /// Clock by clock against the integer reference, both leak modes and three roundings.
    func testMatchesTheIntegerReferenceBitForBit() throws {
        var rng = NPRandom(3)
        for (mode, gamma) in [(LeakyIntegrator.LeakMode.multiply, 0.1), (.multiply, 0.37), (.shift, 0.125), (.shift, 0.5)] {
            for rounding in [Rounding.truncate, .nearest, .nearestEven] {
                for format in [npFormat("u4.10"), npFormat("s5.10"), npFormat("u2.6")] {
                    let lanes = 6
                    let li = try LeakyIntegrator(name: "li", lanes: lanes, format: format, gamma: gamma, leakMode: mode, rounding: rounding)
                    li.reset()
                    var ref = Array(repeating: Int64(0), count: lanes)
                    var events = 0
                    for t in 0..<1500 {
                        let p = [0.9, 0.5, 0.1][(t / 500) % 3]
                        for k in 0..<lanes {
                            XCTAssertEqual(Int64(li.v.value(k)), ref[k], "lane \(k), clock \(t), \(mode) \(gamma) \(rounding) \(format)")
                            let s = rng.bit(p)
                            npPoke(li.spike, k, s ? 1 : 0)
                            let leak = npReferenceShift(Int128(ref[k]) * Int128(li.gammaConstant.mantissa), li.gammaConstant.shift, rounding)
                            ref[k] = npReferenceFit(Int128(ref[k]) - leak + (s ? Int128(1) << format.fracBits : 0), format, .saturate, &events)
                        }
                        npTick(li)
                    }
                    XCTAssertEqual(li.saturations, events)
                    if format == npFormat("u2.6") && gamma < 0.2 { XCTAssertGreaterThan(events, 0, "u2.6 cannot hold 1/gamma: saturates") }
                }
            }
        }
    }

    /// The realised gamma has a 16-bit mantissa: relative error below 2^-16; shift mode is exact.
    func testGammaQuantisation() throws {
        for gamma in [0.1, 0.05, 0.3, 0.001, 0.9] {
            let li = try LeakyIntegrator(name: "li", lanes: 1, gamma: gamma)
            XCTAssertLessThanOrEqual(abs(li.gammaConstant.relativeError), 0x1p-16, "gamma \(gamma)")
            XCTAssertTrue((1 << 15)..<(1 << 16) ~= li.gammaConstant.mantissa)
        }
        let shifted = try LeakyIntegrator(name: "li", lanes: 1, gamma: 0.0625, leakMode: .shift)
        XCTAssertEqual(shifted.gammaConstant.mantissa, 1)
        XCTAssertEqual(shifted.gammaConstant.shift, 4)
        XCTAssertThrowsError(try LeakyIntegrator(name: "li", lanes: 1, gamma: 0.1, leakMode: .shift)) { e in
            XCTAssertEqual((e as? ParameterError)?.parameter, "gamma")
            XCTAssertTrue("\(e)".contains("power of two"))
        }
        XCTAssertThrowsError(try LeakyIntegrator(name: "li", lanes: 1, format: npFormat("u0.8"))) { e in
            XCTAssertEqual((e as? ParameterError)?.parameter, "v")
        }
    }

    /// Stochastic rounding: unbiased, so a lone impulse decays to zero on average instead of
    /// sticking in the dead band; the LFSR keeps running across resets.
    func testStochasticRoundingLeavesNoDeadBand() throws {
        let format = npFormat("u4.8")
        let li = try LeakyIntegrator(name: "li", lanes: 64, format: format, gamma: 0.1, rounding: .stochastic, seed: 9)
        li.reset()
        for k in 0..<64 { npPoke(li.spike, k, 1) }
        npTick(li)
        for k in 0..<64 { npPoke(li.spike, k, 0) }
        for _ in 0..<400 { npTick(li) }
        let nearest = try LeakyIntegrator(name: "li", lanes: 1, format: format, gamma: 0.1)
        nearest.reset()
        npPoke(nearest.spike, 0, 1)
        npTick(nearest)
        npPoke(nearest.spike, 0, 0)
        for _ in 0..<400 { npTick(nearest) }
        XCTAssertGreaterThan(nearest.v.value(0), 0, "nearest rounding sticks in the dead band gamma V < 1/2 LSB")
        XCTAssertLessThanOrEqual(Int(nearest.v.value(0)), 5)
        XCTAssertEqual(li.v.values.filter { $0 != 0 }.count, 0, "stochastic rounding decays to 0 (after 400 clocks)")
    }
}
