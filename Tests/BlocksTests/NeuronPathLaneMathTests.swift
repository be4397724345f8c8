import XCTest
import FixedPoint
@testable import Blocks

/// The lane helpers give exactly the kernel's rounding and overflow (`Fixed`), including the
/// stochastic draws, and exactly rounded division.
final class NeuronPathLaneMathTests: XCTestCase {
    func testShiftRightMatchesTheKernelInEveryMode() {
        var rng = NPRandom(99)
        for mode in Rounding.allCases {
            var rounder = LaneMath.Rounder(mode: mode, seed: 1234)
            var twin = LFSR32(seed: 1234)
            for _ in 0..<20_000 {
                let s = Int(rng.int(-20...62))
                let x = rng.int(-(1 << 60)...(1 << 60)) >> rng.int(0...50)
                let got = rounder.shiftRight(s <= 0 ? x >> 30 : x, by: s)
                let expected: Int64
                if s <= 0 {
                    expected = (x >> 30) << Int64(-s)
                } else {
                    var bits: UInt64 = 0
                    if mode == .stochastic {
                        let r = UInt64(twin.next())
                        bits = s <= 32 ? r : r << UInt64(s - 32)
                    }
                    expected = Fixed.shiftRightRounded(x, by: s, rounding: mode, randomBits: bits)
                }
                XCTAssertEqual(got, expected, "\(mode) x \(x) s \(s)")
            }
            XCTAssertEqual(rounder.lfsr, twin, "one LFSR step per stochastic rounding, none otherwise")
        }
    }

    func testDivideIsExactlyRounded() {
        var rng = NPRandom(98)
        for mode in [Rounding.truncate, .nearest, .nearestEven] {
            var rounder = LaneMath.Rounder(mode: mode, seed: 1)
            for _ in 0..<20_000 {
                let d = max(1, rng.int(1...(1 << 40)) >> rng.int(0...39))
                let x = rng.int(-(1 << 61)...(1 << 61)) >> rng.int(0...60)
                XCTAssertEqual(Int128(rounder.divide(x, by: d)), npReferenceDivide(Int128(x), Int128(d), mode), "\(mode) \(x) / \(d)")
            }
        }
        // Ties: 5/2, -5/2, 7/2 under each rule.
        var n = LaneMath.Rounder(mode: .nearest, seed: 1), e = LaneMath.Rounder(mode: .nearestEven, seed: 1)
        XCTAssertEqual([n.divide(5, by: 2), n.divide(-5, by: 2), n.divide(7, by: 2)], [3, -2, 4])
        XCTAssertEqual([e.divide(5, by: 2), e.divide(-5, by: 2), e.divide(7, by: 2)], [2, -2, 4])
        // Stochastic: rounds up with probability remainder / d.
        var st = LaneMath.Rounder(mode: .stochastic, seed: 7)
        let ups = (0..<100_000).reduce(0) { acc, _ in acc + Int(st.divide(3, by: 10)) }
        XCTAssertEqual(Double(ups) / 100_000, 0.3, accuracy: 0.01)
    }

    func testFitMatchesApplyOverflow() {
        var rng = NPRandom(97)
        for text in ["s1.7", "u8.0", "s16.16", "u31", "s32", "u1"] {
            let f = npFormat(text)
            for mode in Overflow.allCases {
                let fit = LaneMath.Fit(f, mode)
                var a = 0, b = 0
                for _ in 0..<5000 {
                    let x = rng.int(-(1 << 40)...(1 << 40)) >> rng.int(0...40)
                    XCTAssertEqual(fit.apply(x, &a), Fixed.applyOverflow(x, format: f, mode: mode, saturations: &b), "\(f) \(mode) \(x)")
                }
                XCTAssertEqual(a, b)
            }
        }
    }

    func testQuantizedConstantIsTheMostPreciseMantissa() throws {
        for value in [0.1, -0.1, 2.5e-4, 1e6, 0.999999, 3.0, -1e-9] {
            for bits in [4, 15, 16] {
                let c = try XCTUnwrap(QuantizedConstant(value, magnitudeBits: bits))
                XCTAssertTrue((Int64(1) << (bits - 1))...((Int64(1) << bits) - 1) ~= abs(c.mantissa), "\(c)")
                XCTAssertLessThanOrEqual(abs(c.relativeError), pow(2, -Double(bits)) + 1e-15, "\(c)")
            }
        }
        XCTAssertEqual(QuantizedConstant(0, magnitudeBits: 16)?.mantissa, 0)
        XCTAssertNil(QuantizedConstant(.infinity, magnitudeBits: 16))
    }
}
