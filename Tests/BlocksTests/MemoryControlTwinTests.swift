import XCTest
import FixedPoint
import HDL
@testable import Blocks

/// Float twins: the same equations in Double, fed the same (already quantised) stimulus for
/// 10,000 clocks. Each test states its bound in LSBs of the block's format and runs two or more
/// precisions, checking that the error in real units shrinks as fraction bits grow.
final class MemoryControlTwinTests: XCTestCase {
    static let clocks = 10_000

    // MARK: Crossbar

    /// Bound: every nearest-rounded update of a word adds at most 1/2 weight LSB of error, so
    /// |W_fixed - W_float| <= k/2 LSB for a word updated (or, deferred, committed) k times; a read
    /// (current fraction bits = weight fraction bits: exact conversion) is off by at most the sum
    /// of the bounds of the words it adds. No saturation occurs (checked).
    func crossbarTwin(weightFrac f: Int, update: Crossbar.UpdateMode) -> (maxWeightError: Double, maxCurrentError: Double) {
        let rows = 24, cols = 16
        let wf = mcFormat("s3.\(f)"), df = mcFormat("s3.\(f + 6)"), cf = mcFormat("s8.\(f)")
        let x = Crossbar(name: "x", rows: rows, cols: cols, weight: wf, current: cf, delta: df, rounding: .nearest, update: update)
        let d = MCDriver([("rs", rows, .bit), ("cs", cols, .bit), ("rd", cols, df), ("cd", rows, df), ("learn", 1, .bit), ("apply", 1, .bit)])
        let sim = try! Simulator(blocks: [d, x], connections: [
            Connection(d["rs"], x.rowSpike), Connection(d["cs"], x.colSpike), Connection(d["rd"], x.rowDelta),
            Connection(d["cd"], x.colDelta), Connection(d["learn"], x.learn), Connection(d["apply"], x.apply)])
        var rng = MCRandom(2024)
        var w = (0..<rows * cols).map { _ in (rng.unit() - 0.5) * 0.5 }           // float twin weights
        try! x.load(weights: w, rounding: .nearest)
        w = x.realWeights                                                          // same start
        var pending = [Double](repeating: 0, count: rows * cols)                   // twin of the shadow
        var rounds = [Double](repeating: 0, count: rows * cols)                    // roundings per word
        var maxW = 0.0, maxI = 0.0
        var violations: [String] = []
        let lsb = wf.lsb
        for t in 0..<Self.clocks {
            let rs = (0..<rows).map { _ in rng.bit(0.08) }, cs = (0..<cols).map { _ in rng.bit(0.08) }
            // Real deltas of up to 3 coarse LSBs (2^-8), quantised to the delta format: the twin sees the same values.
            let rd = (0..<cols).map { _ in try! Fixed.quantize((rng.unit() - 0.5) * 6 / 256, to: df) }
            let cd = (0..<rows).map { _ in try! Fixed.quantize((rng.unit() - 0.5) * 6 / 256, to: df) }
            let learn = rng.bit(0.5), apply = update == .deferred && t % 100 == 99
            d.set("rs", rs.map { $0 ? 1 : 0 }); d.set("cs", cs.map { $0 ? 1 : 0 })
            d.set("rd", rd.map { Int32($0) }); d.set("cd", cd.map { Int32($0) })
            d.set("learn", learn ? 1 : 0); d.set("apply", apply ? 1 : 0)
            sim.step()
            // Reads of this clock (before the edge) against the twin's weights before its update.
            for j in 0..<cols {
                var exact = 0.0, bound = 0.0
                for i in 0..<rows where rs[i] { exact += w[i * cols + j]; bound += rounds[i * cols + j] * lsb / 2 }
                let err = abs(x.colCurrent.real(j) - exact)
                if err > bound + 1e-12 { violations.append("col_current[\(j)] clock \(t): \(err) > \(bound)") }
                maxI = max(maxI, err)
            }
            for i in 0..<rows {
                var exact = 0.0, bound = 0.0
                for j in 0..<cols where cs[j] { exact += w[i * cols + j]; bound += rounds[i * cols + j] * lsb / 2 }
                let err = abs(x.rowCurrent.real(i) - exact)
                if err > bound + 1e-12 { violations.append("row_current[\(i)] clock \(t): \(err) > \(bound)") }
                maxI = max(maxI, err)
            }
            if learn {
                for i in 0..<rows where rs[i] {
                    for j in 0..<cols { pending[i * cols + j] += df.toDouble(rd[j]); if update == .immediate { rounds[i * cols + j] += 1 } }
                }
                for j in 0..<cols where cs[j] {
                    for i in 0..<rows { pending[i * cols + j] += df.toDouble(cd[i]); if update == .immediate { rounds[i * cols + j] += 1 } }
                }
            }
            if update == .immediate || apply {
                for k in 0..<rows * cols {
                    w[k] += pending[k]
                    if apply { rounds[k] += 1 }
                    pending[k] = 0
                }
            }
            let fixed = x.realWeights
            for k in 0..<rows * cols {
                let err = abs(fixed[k] - w[k])
                if err > rounds[k] * lsb / 2 + 1e-12 { violations.append("weight \(k) clock \(t): \(err) > \(rounds[k] / 2) LSB") }
                maxW = max(maxW, err)
            }
            if violations.count > 10 { break }
        }
        XCTAssertEqual(violations, [], "\(wf) \(update)")
        XCTAssertEqual(x.saturations, 0)
        return (maxW, maxI)
    }

    func testCrossbarFloatTwinImmediate() {
        let coarse = crossbarTwin(weightFrac: 8, update: .immediate)
        let fine = crossbarTwin(weightFrac: 12, update: .immediate)
        XCTAssertGreaterThan(coarse.maxWeightError, 0)
        XCTAssertLessThan(fine.maxWeightError, coarse.maxWeightError / 4, "16x finer LSB: error must shrink")
        XCTAssertLessThan(fine.maxCurrentError, coarse.maxCurrentError / 4)
    }

    func testCrossbarFloatTwinDeferred() {
        let coarse = crossbarTwin(weightFrac: 8, update: .deferred)
        let fine = crossbarTwin(weightFrac: 12, update: .deferred)
        // One rounding per word per commit (100 commits): at most 50 LSB; the shadow itself is exact.
        XCTAssertLessThanOrEqual(coarse.maxWeightError, 50 * mcFormat("s3.8").lsb)
        XCTAssertLessThan(fine.maxWeightError, coarse.maxWeightError / 4)
    }

    // MARK: Bias

    /// Bound: 1/2 LSB per rounding (nearest), k roundings so far: |b_fixed - b_float| <= k/2 LSB.
    func biasTwin(frac f: Int, update: Crossbar.UpdateMode) -> Double {
        let lanes = 8
        let wf = mcFormat("s4.\(f)"), df = mcFormat("s4.\(f + 8)")
        let b = Bias(name: "b", lanes: lanes, weight: wf, delta: df, rounding: .nearest, update: update)
        let d = MCDriver([("delta", lanes, df), ("learn", 1, .bit), ("apply", 1, .bit)])
        let sim = try! Simulator(blocks: [d, b], connections: [Connection(d["delta"], b.delta), Connection(d["learn"], b.learn),
                                                               Connection(d["apply"], b.apply)])
        var rng = MCRandom(99)
        var v = [Double](repeating: 0, count: lanes), pending = v
        var rounds = 0.0, maxErr = 0.0
        var violations = 0
        for t in 0..<Self.clocks {
            let delta = (0..<lanes).map { _ in try! Fixed.quantize((rng.unit() - 0.5) * 6 / 256, to: df) }
            let learn = rng.bit(0.7), apply = update == .deferred && t % 50 == 49
            d.set("delta", delta.map { Int32($0) }); d.set("learn", learn ? 1 : 0); d.set("apply", apply ? 1 : 0)
            sim.step()
            if learn { for k in 0..<lanes { pending[k] += df.toDouble(delta[k]) }; if update == .immediate { rounds += 1 } }
            if update == .immediate || apply {
                for k in 0..<lanes { v[k] += pending[k]; pending[k] = 0 }
                if apply { rounds += 1 }
            }
            for k in 0..<lanes {
                let err = abs(b.value.real(k) - v[k])
                if err > rounds * wf.lsb / 2 + 1e-12 { violations += 1 }
                maxErr = max(maxErr, err)
            }
        }
        XCTAssertEqual(violations, 0, "\(wf) \(update): error above k/2 LSB")
        XCTAssertEqual(b.saturations, 0)
        return maxErr
    }

    func testBiasFloatTwin() {
        for mode in [Crossbar.UpdateMode.immediate, .deferred] {
            let e8 = biasTwin(frac: 8, update: mode), e12 = biasTwin(frac: 12, update: mode)
            XCTAssertGreaterThan(e8, 0)
            XCTAssertLessThan(e12, e8 / 4, "\(mode)")
        }
    }

    // MARK: Pixel encoder

    /// Bound: 1/2 LSB of the current format (round to nearest), every clock.
    func testPixelEncoderFloatTwin() {
        var maxErr: [Double] = []
        for f in ["s2.6", "s2.10", "s2.14"] {
            let format = mcFormat(f), gain = 1.3, lanes = 16
            let e = PixelEncoder(name: "px", lanes: lanes, current: format, gain: gain)
            let sim = try! Simulator(blocks: [e], connections: [])
            var rng = MCRandom(7)
            var m = 0.0, violations = 0
            var pixels = [UInt8](repeating: 0, count: lanes)
            for t in 0..<Self.clocks {
                if t % 3 == 0 {
                    pixels = (0..<lanes).map { _ in UInt8(rng.int(0...255)) }
                    e.load(pixels: pixels)
                }
                sim.step()
                for k in 0..<lanes {
                    let err = abs(e.current.real(k) - gain * Double(pixels[k]) / 255)
                    if err > format.lsb / 2 + 1e-12 { violations += 1 }
                    m = max(m, err)
                }
            }
            XCTAssertEqual(violations, 0, "\(f): error above 1/2 LSB")
            maxErr.append(m)
        }
        XCTAssertLessThan(maxErr[1], maxErr[0] / 8)
        XCTAssertLessThan(maxErr[2], maxErr[1] / 8)
    }

    // MARK: Nudge

    /// Bound, per lane and clock: 1/2 LSB of current (rounding) + (1 + |V|) * 2^-(K+1) * 2^fc LSB
    /// (the constants B and C are rounded to K fraction bits). The skip output equals the Double
    /// decision exactly (f_max * window = 25 is an integer, and the threshold is not a tie).
    func testNudgeFloatTwin() {
        var maxErr: [Double] = []
        for (vf, cf) in [("s6.8", "s4.8"), ("s6.14", "s4.14")] {
            let lanes = 10, beta = 0.5, gamma = 0.1, fMax = 0.5, window = 50, threshold = 0.05
            let v = mcFormat(vf), c = mcFormat(cf)
            let n = NudgeUnit(name: "n", lanes: lanes, v: v, current: c, count: mcFormat("u8.0"), beta: beta, gammaLI: gamma, fMax: fMax,
                              window: window, threshold: threshold)
            let d = MCDriver([("v", lanes, v), ("en", 1, .bit), ("count", lanes, mcFormat("u8.0"))])
            let sim = try! Simulator(blocks: [d, n], connections: [Connection(d["v"], n.v), Connection(d["en"], n.enable),
                                                                   Connection(d["count"], n.count)])
            let probe = NudgeProbe(n)
            sim.attach(probe)
            var rng = MCRandom(31)
            var m = 0.0
            var skips = 0, violations = 0, skipMismatches = 0
            for t in 0..<Self.clocks {
                if t % 100 == 0 { n.load(target: Int(rng.int(0...9))) }
                let y = n.targets.map(Double.init)
                let vin = (0..<lanes).map { _ in try! Fixed.quantize(rng.unit() * 40 - 10, to: v) }
                let en = rng.bit(0.5)
                // Near the target (|jitter| <= 1 is within T = 1 count, 2 is not) or anywhere.
                let near = rng.bit(0.5)
                let counts: [Int32] = (0..<lanes).map { k in
                    let jitter: Int32 = rng.bit(0.9) ? Int32(rng.int(-1...1)) : (rng.bit(0.5) ? 2 : -2)
                    return max(0, near ? Int32(y[k] * 25) + jitter : Int32(rng.int(0...40)))
                }
                d.set("v", vin.map { Int32($0) }); d.set("en", en ? 1 : 0); d.set("count", counts)
                sim.step()
                for k in 0..<lanes {
                    let vr = v.toDouble(vin[k])
                    let exact = en ? beta * (y[k] - gamma * vr / fMax) : 0
                    let bound = c.lsb / 2 + (1 + abs(vr)) * 0x1p-25
                    let err = abs(c.toDouble(Int64(probe.current[k])) - exact)
                    if err > bound { violations += 1 }
                    m = max(m, err)
                }
                let skip = (0..<lanes).allSatisfy { abs(Double(counts[$0]) / (fMax * Double(window)) - y[$0]) <= threshold }
                if probe.skip != (skip ? 1 : 0) { skipMismatches += 1 }
                if skip { skips += 1 }
            }
            XCTAssertEqual(violations, 0, "\(cf): error above the bound")
            XCTAssertEqual(skipMismatches, 0, "\(cf): skip differs from the Double decision")
            XCTAssertGreaterThan(skips, 100, "the stimulus exercises skip = 1")
            XCTAssertLessThan(skips, Self.clocks - 100, "and skip = 0")
            XCTAssertEqual(n.saturations, 0)
            maxErr.append(m)
        }
        XCTAssertLessThan(maxErr[1], maxErr[0] / 16)
    }

    final class NudgeProbe: ClockObserver {
        let n: NudgeUnit
        var current: [Int32] = []
        var skip: Int32 = 0
        init(_ n: NudgeUnit) { self.n = n }
        func sample(cycle: Int) {
            current = n.current.values
            skip = n.skip.value(0)
        }
    }
}
