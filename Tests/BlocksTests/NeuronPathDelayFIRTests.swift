import XCTest
import FixedPoint
import HDL
@testable import Blocks

final class NeuronPathDelayFIRTests: XCTestCase {
    /// delayed(t) == x(t - depth) exactly on random input, 0 before; reset clears the line.
    func testDelayOutputIsTheInputDepthClocksLater() throws {
        var rng = NPRandom(21)
        for depth in [1, 2, 3, 20, 57] {
            let f = npFormat("s4.12"), lanes = 5
            let d = try DelayLine(name: "d", lanes: lanes, depth: depth, format: f)
            for round in 0..<2 {
                d.reset()
                var history: [[Int64]] = []
                for t in 0..<400 {
                    for k in 0..<lanes {
                        let expected = t >= depth ? history[t - depth][k] : 0
                        XCTAssertEqual(Int64(d.delayed.value(k)), expected, "depth \(depth), lane \(k), clock \(t), round \(round)")
                    }
                    let x = (0..<lanes).map { _ in rng.int(f.minRaw...f.maxRaw) }
                    for k in 0..<lanes { npPoke(d.x, k, x[k]) }
                    history.append(x)
                    npTick(d)
                }
            }
            XCTAssertEqual(d.storage, [StorageItem(name: "stages", kind: .delayLine, words: lanes * depth, wordBits: 16)])
        }
    }

    /// Exact moving average: mean(t+1) = round(sum of the last N inputs * 2^(Fo-Fi) / N), the
    /// rounding being the only inexact step, checked against a 128-bit rational reference for
    /// power-of-two and other tap counts, narrower and wider outputs, three roundings, both overflows.
    func testFIRMatchesTheExactlyRoundedMovingAverage() throws {
        var rng = NPRandom(5)
        for taps in [1, 2, 4, 16, 20, 7, 3] {
            for (input, output) in [(npFormat("s5.12"), npFormat("s5.12")), (npFormat("s5.12"), npFormat("s3.8")), (npFormat("s4.6"), npFormat("s4.10")), (npFormat("u4.8"), npFormat("u3.9"))] {
                for rounding in [Rounding.truncate, .nearest, .nearestEven] {
                    for overflow in Overflow.allCases {
                        let lanes = 3
                        let fir = try FIRAverager(name: "f", lanes: lanes, taps: taps, input: input, output: output,
                                                  rounding: rounding, overflow: overflow)
                        fir.reset()
                        var history: [[Int64]] = []
                        var events = 0
                        for t in 0...300 {
                            for k in 0..<lanes {
                                let expected: Int64
                                if t == 0 {
                                    expected = 0
                                } else {
                                    let window = history.suffix(taps).reduce(Int128(0)) { $0 + Int128($1[k]) }
                                    XCTAssertEqual(Int64(fir.sum.value(k)), Int64(window), "running sum")
                                    let e = output.fracBits - input.fracBits
                                    let num = e >= 0 ? window << e : window
                                    let den = Int128(taps) << (e >= 0 ? 0 : -e)
                                    expected = npReferenceFit(npReferenceDivide(num, den, rounding), output, overflow, &events)
                                }
                                XCTAssertEqual(Int64(fir.mean.value(k)), expected,
                                               "taps \(taps), \(input)->\(output), \(rounding), \(overflow), lane \(k), clock \(t)")
                            }
                            if t == 300 { break }     // the block has made means 1...300, all checked
                            // Mostly small values, now and then the extremes (overflow of narrower outputs).
                            let x = (0..<lanes).map { _ in rng.bit(0.1) ? (rng.bit(0.5) ? input.maxRaw : input.minRaw) : rng.int(input.minRaw...input.maxRaw) / 4 }
                            for k in 0..<lanes { npPoke(fir.x, k, x[k]) }
                            history.append(x)
                            npTick(fir)
                        }
                        XCTAssertEqual(fir.saturations, events)
                    }
                }
            }
        }
    }

    /// With N = 2^p and p extra output fraction bits nothing is dropped: the average is exact.
    func testPowerOfTwoTapsAreExact() throws {
        var rng = NPRandom(8)
        let fir = try FIRAverager(name: "f", lanes: 4, taps: 16, input: npFormat("s5.8"), output: npFormat("s5.12"), rounding: .truncate)
        fir.reset()
        var history: [[Int64]] = []
        for t in 0..<200 {
            if t > 0 {
                for k in 0..<4 {
                    let exact = Double(history.suffix(16).reduce(Int64(0)) { $0 + $1[k] }) / 256 / 16
                    XCTAssertEqual(fir.mean.real(k), exact, "exact average, clock \(t)")
                }
            }
            let x = (0..<4).map { _ in rng.int(-4000...4000) }
            for k in 0..<4 { npPoke(fir.x, k, x[k]) }
            history.append(x)
            npTick(fir)
        }
    }

    /// Stochastic rounding of the division is unbiased: over many clocks the mean output error
    /// against the exact average is ~0 (nearest would also be ~0 here, truncate is -1/2 LSB).
    func testFIRStochasticRoundingIsUnbiased() throws {
        var rng = NPRandom(13)
        for (rounding, expectedBias) in [(Rounding.stochastic, 0.0), (.truncate, -0.5)] {
            let fir = try FIRAverager(name: "f", lanes: 16, taps: 20, input: npFormat("s5.12"), output: npFormat("s5.6"), rounding: rounding, seed: 77)
            fir.reset()
            var history: [[Int64]] = []
            var bias = 0.0, n = 0
            for t in 0..<3000 {
                if t > 20 {
                    for k in 0..<16 {
                        let exact = Double(history.suffix(20).reduce(Int64(0)) { $0 + $1[k] }) / 20 / 64   // in output LSB
                        bias += Double(fir.mean.value(k)) - exact
                        n += 1
                    }
                }
                let x = (0..<16).map { _ in rng.int(-20000...20000) }
                for k in 0..<16 { npPoke(fir.x, k, x[k]) }
                history.append(x)
                npTick(fir)
            }
            XCTAssertEqual(bias / Double(n), expectedBias, accuracy: 0.02, "\(rounding)")
        }
    }

    func testFIRParameterChecks() {
        XCTAssertThrowsError(try FIRAverager(name: "f", lanes: 1, taps: 65536, input: npFormat("s20.12"))) { e in
            XCTAssertEqual((e as? ParameterError)?.parameter, "taps")
            XCTAssertTrue("\(e)".contains("48 bits"), "\(e)")
        }
        XCTAssertNoThrow(try FIRAverager(name: "f", lanes: 1, taps: 65536, input: npFormat("s4.12")))
    }
}
