import XCTest
import FixedPoint
import HDL
@testable import Blocks

final class NeuronPathAdderScaleTests: XCTestCase {
    /// Exact against Int128: random and extreme inputs (saturation and wrap at both bounds), 1 to 8 terms.
    func testAdderIsExactWithOverflowAtTheBounds() throws {
        var rng = NPRandom(31)
        for signs in ["+", "-", "+-", "pm", "++", "-+-", "+++++-+-", "--------"] {
            for format in [npFormat("s5.12"), npFormat("u8.0"), npFormat("s1.7"), npFormat("s16.16")] {
                for overflow in Overflow.allCases {
                    let lanes = 16
                    let terms = signs.count
                    let adder = try Adder(name: "a", lanes: lanes, terms: terms, signs: signs, format: format, overflow: overflow)
                    let sign = try Adder.parseSigns(signs, terms: terms)
                    var events = 0
                    for _ in 0..<200 {
                        var exact = Array(repeating: Int128(0), count: lanes)
                        for j in 0..<terms {
                            for k in 0..<lanes {
                                let pick = rng.int(0...3)
                                let x = pick == 0 ? format.maxRaw : (pick == 1 ? format.minRaw : rng.int(format.minRaw...format.maxRaw))
                                npPoke(adder.terms[j], k, x)
                                exact[k] += Int128(sign[j]) * Int128(x)
                            }
                        }
                        adder.evaluate()
                        for k in 0..<lanes {
                            XCTAssertEqual(Int64(adder.sum.value(k)), npReferenceFit(exact[k], format, overflow, &events),
                                           "\(signs) \(format) \(overflow) lane \(k)")
                        }
                    }
                    XCTAssertEqual(adder.saturations, events)
                    if signs != "+" { XCTAssertGreaterThan(events, 0, "the bounds were exercised") }
                }
            }
        }
    }

    /// The saturation bound itself: max + max saturates to max, min - max to min, counted.
    func testAdderSaturatesToTheBounds() throws {
        let f = npFormat("s5.12")
        let adder = try Adder(name: "a", lanes: 3, terms: 2, signs: "+-", format: f)
        npPoke(adder.terms[0], 0, f.maxRaw); npPoke(adder.terms[1], 0, f.minRaw)   // max - min: saturates high
        npPoke(adder.terms[0], 1, f.minRaw); npPoke(adder.terms[1], 1, f.maxRaw)   // min - max: saturates low
        npPoke(adder.terms[0], 2, f.maxRaw); npPoke(adder.terms[1], 2, 1)          // max - 1: fits
        adder.evaluate()
        XCTAssertEqual(adder.sum.values.map(Int64.init), [f.maxRaw, f.minRaw, f.maxRaw - 1])
        XCTAssertEqual(adder.saturations, 2)
    }

    /// y = fit(x * M, K + Fi - Fo) exactly as FixedArithmetic computes it (the kernel's 128-bit
    /// reference), for tiny, ordinary, huge and negative factors, all roundings but stochastic,
    /// both overflows, including inputs at the bounds.
    func testScaleIsExactAgainstTheReference() throws {
        var rng = NPRandom(41)
        for factor in [2.5e-4, 1.5e-3, 0.1, 0.37, -0.37, 1.0, 3.0, 1000.0, 1e6, -7.25, 0] {
            for (input, output) in [(npFormat("s5.12"), npFormat("s5.12")), (npFormat("s5.12"), npFormat("s2.14")), (npFormat("s8.4"), npFormat("s16.16")), (npFormat("u4.12"), npFormat("s10.6"))] {
                for rounding in [Rounding.truncate, .nearest, .nearestEven] {
                    for overflow in Overflow.allCases {
                        let lanes = 8
                        let scale = try Scaler(name: "s", lanes: lanes, input: input, output: output, factor: factor,
                                               rounding: rounding, overflow: overflow)
                        let m = scale.factorConstant.mantissa, k = scale.factorConstant.shift
                        var events = 0
                        for _ in 0..<100 {
                            var xs: [Int64] = []
                            for lane in 0..<lanes {
                                let pick = rng.int(0...5)
                                let x = pick == 0 ? input.maxRaw : (pick == 1 ? input.minRaw : rng.int(input.minRaw...input.maxRaw) >> rng.int(0...8))
                                xs.append(x)
                                npPoke(scale.x, lane, x)
                            }
                            scale.evaluate()
                            for lane in 0..<lanes {
                                let expected = FixedArithmetic.fit(Int128(xs[lane]) * Int128(m), frac: input.fracBits + k, to: output,
                                                                   rounding: rounding, overflow: overflow, randomBits: 0, saturations: &events)
                                XCTAssertEqual(Int64(scale.y.value(lane)), expected, "factor \(factor) \(input)->\(output) \(rounding) \(overflow) x \(xs[lane])")
                            }
                        }
                        XCTAssertEqual(scale.saturations, events)
                    }
                }
            }
        }
    }

    /// The `negate` input flips the mantissa's sign for the clocks it is high: y = R(x * -M), for
    /// every rounding (stochastic: the same draws as with -factor), and nothing else changes.
    func testScaleNegateInputUsesTheNegatedMantissa() throws {
        let input = npFormat("s4.16"), output = npFormat("s1.23"), lanes = 6
        for rounding in Rounding.allCases {
            let scale = try Scaler(name: "s", lanes: lanes, input: input, output: output, factor: 2.5e-4, rounding: rounding, seed: 5)
            let twin = try Scaler(name: "t", lanes: lanes, input: input, output: output, factor: -2.5e-4, rounding: rounding, seed: 5)
            XCTAssertEqual(twin.factorConstant.mantissa, -scale.factorConstant.mantissa)
            let x = NPDrive("x", lanes: lanes, format: input), neg = NPDrive("neg", lanes: 1, format: .bit)
            let sim = try Simulator(blocks: [x, neg, scale, twin],
                                    connections: [Connection(x.out, scale.x), Connection(neg.out, scale.negate),
                                                  Connection(x.out, twin.x)])
            let plain = try Scaler(name: "p", lanes: lanes, input: input, output: output, factor: 2.5e-4, rounding: rounding, seed: 5)
            var rng = NPRandom(9)
            for t in 0..<200 {
                let negate = t % 3 == 0
                neg.set(0, negate ? 1 : 0)
                for k in 0..<lanes {
                    let v = rng.int(input.minRaw...input.maxRaw) >> rng.int(0...12)
                    x.set(k, v)
                    npPoke(plain.x, k, v)
                }
                sim.step()
                plain.evaluate()
                if negate {
                    XCTAssertEqual(scale.y.values, twin.y.values, "\(rounding) clock \(t): negate = factor -2.5e-4")
                } else {
                    XCTAssertEqual(scale.y.values, plain.y.values, "\(rounding) clock \(t): negate low = factor 2.5e-4")
                }
            }
        }
    }

    /// Against Double: |y - x * factor| <= 1/2 LSB (nearest) + |x| * |realised - asked| while
    /// nothing saturates; saturation exactly at the bounds.
    func testScaleAgainstDoubleAndAtTheBounds() throws {
        let input = npFormat("s5.12"), output = npFormat("s5.12")
        for factor in [0.37, 1.7, -2.2] {
            let scale = try Scaler(name: "s", lanes: 1, input: input, output: output, factor: factor)
            XCTAssertLessThanOrEqual(abs(scale.factorRelativeError), 0x1p-15)
            for raw in stride(from: input.minRaw, through: input.maxRaw, by: 37) {
                npPoke(scale.x, 0, raw)
                scale.evaluate()
                let exact = input.toDouble(raw) * factor
                if exact > output.maxValue + output.lsb || exact < output.minValue - output.lsb {
                    XCTAssertEqual(Int64(scale.y.value(0)), exact > 0 ? output.maxRaw : output.minRaw, "saturates at the bound")
                } else if exact < output.maxValue - output.lsb && exact > output.minValue + output.lsb {
                    XCTAssertEqual(scale.y.real(0), exact, accuracy: output.lsb / 2 + abs(input.toDouble(raw)) * abs(scale.factor - factor) + 1e-12)
                }
            }
            if abs(factor) > 1 { XCTAssertGreaterThan(scale.saturations, 0, "x * \(factor) leaves the format") }
        }
    }

    /// Factor quantisation: 16-bit signed mantissa, most precise shift; relative error <= 2^-15;
    /// 1e6 = 31250 * 2^5 is exact (negative shift); mantissa width is a parameter.
    func testFactorQuantisation() throws {
        for factor in [2.5e-4, 1.5e-3 / 20, 0.1, 0.5, 0.999, 1e6, 123456.789, -3.3] {
            let s = try Scaler(name: "s", lanes: 1, input: npFormat("s5.12"), output: npFormat("s5.12"), factor: factor)
            let c = s.factorConstant
            XCTAssertLessThanOrEqual(abs(c.relativeError), 0x1p-15, "\(factor)")
            XCTAssertTrue((1 << 14)...((1 << 15) - 1) ~= abs(c.mantissa), "most precise mantissa for \(factor): \(c)")
        }
        let big = try Scaler(name: "s", lanes: 1, input: npFormat("s5.12"), output: npFormat("s5.12"), factor: 1e6)
        XCTAssertEqual(big.factor, 1e6)
        XCTAssertEqual(big.factorConstant.shift, -5)
        let coarse = try Scaler(name: "s", lanes: 1, input: npFormat("s5.12"), output: npFormat("s5.12"), factor: 0.1, mantissaBits: 4)
        XCTAssertEqual(coarse.factorConstant.mantissa, 6)      // 0.1 ~ 6 * 2^-6 = 0.09375
        XCTAssertEqual(coarse.factor, 0.09375)
        XCTAssertThrowsError(try Scaler(name: "s", lanes: 1, input: npFormat("s1.31"), output: npFormat("s32"), factor: 1e-11)) { e in
            XCTAssertEqual((e as? ParameterError)?.parameter, "factor")
            XCTAssertTrue("\(e)".contains("always be 0"), "\(e)")
        }
        XCTAssertThrowsError(try Scaler(name: "s", lanes: 1, input: npFormat("s5.12"), output: npFormat("s5.12"), factor: 1e-13)) { e in
            XCTAssertEqual((e as? ParameterError)?.parameter, "factor")
        }
    }

    /// Stochastic rounding of eta * F products below one LSB: unbiased on average, where nearest
    /// gives exactly 0 every time (the reason learning-rate scalers use it).
    func testScaleStochasticRoundingIsUnbiased() throws {
        let lanes = 256, out = npFormat("s2.14")
        let stochastic = try Scaler(name: "s", lanes: lanes, input: npFormat("s5.12"), output: out, factor: 2.5e-4,
                                    rounding: .stochastic, seed: 3)
        let nearest = try Scaler(name: "s", lanes: lanes, input: npFormat("s5.12"), output: out, factor: 2.5e-4)
        var rng = NPRandom(17)
        var sumStochastic = 0.0, sumNearest = 0.0, exact = 0.0
        for _ in 0..<400 {
            for k in 0..<lanes {
                let x = rng.int(0...256)                  // x <= 1/16: x * 2.5e-4 <= 0.26 LSB of s2.14
                npPoke(stochastic.x, k, x)
                npPoke(nearest.x, k, x)
                exact += Double(x) / 4096 * stochastic.factor / out.lsb
            }
            stochastic.evaluate()
            nearest.evaluate()
            for k in 0..<lanes {
                sumStochastic += Double(stochastic.y.value(k))
                sumNearest += Double(nearest.y.value(k))
            }
        }
        let n = Double(lanes * 400)
        XCTAssertGreaterThan(exact / n, 0.1, "mean product in LSB")
        XCTAssertEqual(sumStochastic / n, exact / n, accuracy: 0.01, "stochastic: unbiased (in LSB)")
        XCTAssertEqual(sumNearest, 0, "nearest: every product rounds to 0")
    }
}

extension NeuronPathAdderScaleTests {
    /// The host can rewrite the factor (learning-rate schedule): same quantisation, bad ones refused.
    func testSetFactorRequantisesAndRefusesBadFactors() throws {
        let scale = try Scaler(name: "s", lanes: 1, input: npFormat("s5.12"), output: npFormat("s5.12"), factor: 0.5)
        npPoke(scale.x, 0, 4096)
        scale.evaluate()
        XCTAssertEqual(scale.y.value(0), 2048)
        try scale.setFactor(0.25)
        scale.evaluate()
        XCTAssertEqual(scale.y.value(0), 1024)
        XCTAssertEqual(scale.factorConstant, QuantizedConstant(0.25, magnitudeBits: 15))
        XCTAssertThrowsError(try scale.setFactor(1e-13))
        XCTAssertThrowsError(try scale.setFactor(.nan))
        XCTAssertEqual(scale.factor, 0.25, "a refused factor keeps the old one")
    }
}
