import XCTest
@testable import FixedPoint

/// Mixed-format arithmetic against exact references: Double is exact for these operands (products of
/// two values of at most 24 significant bits need 48 bits), and the results are representable.
final class ArithmeticTests: XCTestCase {
    func randomRaw(_ f: QFormat, _ g: inout LFSR32) -> Int64 {
        let span = UInt64(f.maxRaw - f.minRaw + 1)
        return f.minRaw + Int64((UInt64(g.next()) << 32 | UInt64(g.next())) % span)
    }

    func testAddSubtractMultiplyExactWhenRepresentable() {
        let a = QFormat(signed: true, intBits: 3, fracBits: 9)
        let b = QFormat(signed: false, intBits: 2, fracBits: 13)
        let wide = QFormat(signed: true, intBits: 8, fracBits: 22)   // holds every exact result below
        var g = LFSR32(seed: 5)
        var sat = 0
        for _ in 0..<20_000 {
            let x = randomRaw(a, &g), y = randomRaw(b, &g)
            let xv = a.toDouble(x), yv = b.toDouble(y)
            XCTAssertEqual(wide.toDouble(FixedArithmetic.add(x, a, y, b, to: wide, saturations: &sat)), xv + yv)
            XCTAssertEqual(wide.toDouble(FixedArithmetic.subtract(x, a, y, b, to: wide, saturations: &sat)), xv - yv)
            XCTAssertEqual(wide.toDouble(FixedArithmetic.multiply(x, a, y, b, to: wide, saturations: &sat)), xv * yv)
            XCTAssertEqual(wide.toDouble(FixedArithmetic.shift(x, a, by: 3, to: wide, saturations: &sat)), xv * 8)
            XCTAssertEqual(wide.toDouble(FixedArithmetic.shift(x, a, by: -4, to: wide, saturations: &sat)), xv / 16)
        }
        XCTAssertEqual(sat, 0)
    }

    func testNarrowResultsRoundAndSaturateLikeQuantize() throws {
        let a = QFormat(signed: true, intBits: 4, fracBits: 12)
        let r = QFormat(signed: true, intBits: 2, fracBits: 5)
        var g = LFSR32(seed: 11)
        for _ in 0..<20_000 {
            let x = randomRaw(a, &g), y = randomRaw(a, &g)
            for mode in [Rounding.truncate, .nearest, .nearestEven] {
                var s1 = 0, s2 = 0
                let got = FixedArithmetic.multiply(x, a, y, a, to: r, rounding: mode, saturations: &s1)
                let want = try Fixed.quantize(a.toDouble(x) * a.toDouble(y), to: r, rounding: mode)
                XCTAssertEqual(got, want, "\(x)*\(y) \(mode)")
                let sum = FixedArithmetic.add(x, a, y, a, to: r, rounding: mode, saturations: &s2)
                XCTAssertEqual(sum, try Fixed.quantize(a.toDouble(x) + a.toDouble(y), to: r, rounding: mode))
            }
        }
    }

    func testExtremeWidths() {
        let s32 = QFormat(signed: true, intBits: 32, fracBits: 0)
        let u32 = QFormat(signed: false, intBits: 32, fracBits: 0)
        let one = QFormat.bit
        var sat = 0
        // 32-bit x 32-bit products do not overflow the 128-bit intermediate.
        XCTAssertEqual(FixedArithmetic.multiply(s32.minRaw, s32, s32.minRaw, s32, to: s32, saturations: &sat), s32.maxRaw)
        XCTAssertEqual(FixedArithmetic.multiply(u32.maxRaw, u32, u32.maxRaw, u32, to: u32, saturations: &sat), u32.maxRaw)
        XCTAssertEqual(sat, 2)
        XCTAssertEqual(FixedArithmetic.add(1, one, 1, one, to: one, overflow: .wrap, saturations: &sat), 0)
        XCTAssertEqual(FixedArithmetic.add(s32.maxRaw, s32, 1, one, to: s32, overflow: .wrap, saturations: &sat), s32.minRaw)
        XCTAssertEqual(FixedArithmetic.subtract(0, u32, 1, one, to: u32, overflow: .wrap, saturations: &sat), u32.maxRaw)
        XCTAssertEqual(sat, 5)
    }

    func testConvertMatchesArithmeticReference() {
        let from = QFormat(signed: true, intBits: 6, fracBits: 14)
        let to = QFormat(signed: true, intBits: 3, fracBits: 6)
        var g = LFSR32(seed: 3)
        for _ in 0..<10_000 {
            let x = randomRaw(from, &g)
            for mode in [Rounding.truncate, .nearest, .nearestEven] {
                var s1 = 0, s2 = 0
                let a = Fixed.convert(x, fromFrac: from.fracBits, to: to, rounding: mode, overflow: .saturate, saturations: &s1)
                let b = FixedArithmetic.shift(x, from, by: 0, to: to, rounding: mode, overflow: .saturate, saturations: &s2)
                XCTAssertEqual(a, b)
                XCTAssertEqual(s1, s2)
            }
        }
    }
}
