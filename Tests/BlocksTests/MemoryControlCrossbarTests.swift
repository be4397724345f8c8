import XCTest
import FixedPoint
import HDL
@testable import Blocks

/// Crossbar: reads, updates, saturation, counters, immediate vs deferred, stochastic rounding,
/// reset, host API — each checked clock by clock against `ReferenceCrossbar`.
final class MemoryControlCrossbarTests: XCTestCase {
    /// Copies the crossbar's combinational outputs when the simulator samples (before the edge).
    final class CurrentProbe: ClockObserver {
        let x: Crossbar
        var colCurrent: [Int32] = [], rowCurrent: [Int32] = []
        init(_ x: Crossbar) { self.x = x }
        func sample(cycle: Int) {
            colCurrent = x.colCurrent.values
            rowCurrent = x.rowCurrent.values
        }
    }

    struct Bench {
        let xbar: Crossbar
        let drv: MCDriver
        let sim: Simulator
    }

    func makeBench(rows: Int, cols: Int, weight: String, current: String, delta: String, rounding: Rounding = .nearest,
                   overflow: Overflow = .saturate, readRounding: Rounding = .nearest, update: Crossbar.UpdateMode = .immediate,
                   seed: UInt32 = 5, connectColumns: Bool = true) -> Bench {
        let x = Crossbar(name: "x", rows: rows, cols: cols, weight: mcFormat(weight), current: mcFormat(current), delta: mcFormat(delta),
                         rounding: rounding, overflow: overflow, readRounding: readRounding, update: update, seed: seed)
        let d = MCDriver([("rs", rows, .bit), ("cs", cols, .bit), ("rd", cols, mcFormat(delta)), ("cd", rows, mcFormat(delta)),
                          ("learn", 1, .bit), ("apply", 1, .bit)])
        var wires = [Connection(d["rs"], x.rowSpike), Connection(d["rd"], x.rowDelta), Connection(d["learn"], x.learn),
                     Connection(d["apply"], x.apply)]
        if connectColumns { wires += [Connection(d["cs"], x.colSpike), Connection(d["cd"], x.colDelta)] }
        let sim = try! Simulator(blocks: [d, x], connections: wires)
        return Bench(xbar: x, drv: d, sim: sim)
    }

    /// Runs `clocks` clocks of random stimulus on the block and the reference, comparing outputs,
    /// weights, shadow and counters after every clock.
    func runAgainstReference(rows: Int, cols: Int, weight: String, current: String, delta: String, rounding: Rounding,
                             overflow: Overflow, readRounding: Rounding = .nearest, update: Crossbar.UpdateMode,
                             clocks: Int, density: Double, learnRate: Double = 0.7, applyRate: Double = 0.1,
                             deltaRange: ClosedRange<Int64>? = nil, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        let b = makeBench(rows: rows, cols: cols, weight: weight, current: current, delta: delta, rounding: rounding,
                          overflow: overflow, readRounding: readRounding, update: update, seed: 9)
        var rng = MCRandom(seed)
        let wf = mcFormat(weight), df = mcFormat(delta)
        let w0 = (0..<rows * cols).map { _ in rng.raw(wf) }
        try! b.xbar.load(weights: w0)
        var ref = ReferenceCrossbar(rows: rows, cols: cols, weight: wf, current: mcFormat(current), delta: df, rounding: rounding,
                                    overflow: overflow, readRounding: readRounding, deferred: update == .deferred, seed: 9, weights: w0)
        let dr = deltaRange ?? (df.minRaw...df.maxRaw)
        let probe = CurrentProbe(b.xbar)
        b.sim.attach(probe)
        for t in 0..<clocks {
            let rs = (0..<rows).map { _ in rng.bit(density) }, cs = (0..<cols).map { _ in rng.bit(density) }
            let rd = (0..<cols).map { _ in Int32(rng.int(dr)) }, cd = (0..<rows).map { _ in Int32(rng.int(dr)) }
            let learn = rng.bit(learnRate), apply = rng.bit(applyRate)
            b.drv.set("rs", rs.map { $0 ? 1 : 0 })
            b.drv.set("cs", cs.map { $0 ? 1 : 0 })
            b.drv.set("rd", rd)
            b.drv.set("cd", cd)
            b.drv.set("learn", learn ? 1 : 0)
            b.drv.set("apply", apply ? 1 : 0)
            let (cc, rc) = ref.clock(rowSpike: rs, colSpike: cs, rowDelta: rd, colDelta: cd, learn: learn, apply: apply)
            b.sim.step()
            // Outputs of this clock as the observer saw them before the edge.
            XCTAssertEqual(probe.colCurrent, cc, "col_current, clock \(t)", file: file, line: line)
            XCTAssertEqual(probe.rowCurrent, rc, "row_current, clock \(t)", file: file, line: line)
            let got = b.xbar.weights.map(Int64.init)
            if let k = got.indices.first(where: { got[$0] != ref.w[$0] }) {
                XCTFail("\(weight) \(delta) \(rounding) \(overflow) \(update): weight \(k / cols),\(k % cols) is \(got[k]), expected \(ref.w[k]) after clock \(t)", file: file, line: line)
                return
            }
            if update == .deferred { XCTAssertEqual(b.xbar.shadowValues.map(Int64.init), ref.shadow, "shadow after clock \(t)", file: file, line: line) }
        }
        XCTAssertEqual(b.xbar.rowReads, ref.rowReads, file: file, line: line)
        XCTAssertEqual(b.xbar.colReads, ref.colReads, file: file, line: line)
        XCTAssertEqual(b.xbar.rowWrites, ref.rowWrites, file: file, line: line)
        XCTAssertEqual(b.xbar.colWrites, ref.colWrites, file: file, line: line)
        XCTAssertEqual(b.xbar.shadowCommits, ref.commits, file: file, line: line)
        XCTAssertEqual(b.xbar.commitWrites, ref.commitWords, file: file, line: line)
        XCTAssertEqual(b.xbar.saturations, ref.saturations, file: file, line: line)
    }

    // MARK: Reads

    func testRowAndColumnReadsAreExactSums() {
        // Wide current: no rounding or saturation, so outputs are the plain integer sums.
        let b = makeBench(rows: 37, cols: 23, weight: "s1.15", current: "s8.15", delta: "s1.23")
        var rng = MCRandom(1)
        let w = (0..<37 * 23).map { _ in rng.raw(mcFormat("s1.15")) }
        try! b.xbar.load(weights: w)
        for _ in 0..<50 {
            let rs = (0..<37).map { _ in rng.bit(0.2) }, cs = (0..<23).map { _ in rng.bit(0.3) }
            b.drv.set("rs", rs.map { $0 ? 1 : 0 })
            b.drv.set("cs", cs.map { $0 ? 1 : 0 })
            b.sim.step()
            for j in 0..<23 {
                let sum = (0..<37).filter { rs[$0] }.reduce(Int64(0)) { $0 + Int64(w[$1 * 23 + j]) }
                XCTAssertEqual(Int64(b.xbar.colCurrent.value(j)), sum)
            }
            for i in 0..<37 {
                let sum = (0..<23).filter { cs[$0] }.reduce(Int64(0)) { $0 + Int64(w[i * 23 + $1]) }
                XCTAssertEqual(Int64(b.xbar.rowCurrent.value(i)), sum)
            }
        }
        XCTAssertEqual(b.xbar.saturations, 0)
    }

    func testReadsRoundAndSaturateToCurrentFormat() {
        for rr in [Rounding.truncate, .nearest, .nearestEven] {
            // Fewer fraction bits and a narrow range: rounding and saturation both happen.
            runAgainstReference(rows: 19, cols: 13, weight: "s1.7", current: "s2.4", delta: "s1.9", rounding: .nearest,
                                overflow: .saturate, readRounding: rr, update: .immediate, clocks: 60, density: 0.5, seed: 2)
            // More fraction bits in current than weight (left shift), narrow range.
            runAgainstReference(rows: 19, cols: 13, weight: "s2.6", current: "s2.9", delta: "s1.9", rounding: .nearest,
                                overflow: .saturate, readRounding: rr, update: .immediate, clocks: 30, density: 0.5, seed: 3)
        }
    }

    func testSpikeListIsUsedForAnyDensity() {
        for density in [0.0, 0.01, 0.3, 1.0] {
            runAgainstReference(rows: 70, cols: 9, weight: "s1.15", current: "s6.15", delta: "s1.23", rounding: .nearest,
                                overflow: .saturate, update: .immediate, clocks: 20, density: density, learnRate: 0, seed: 4)
        }
    }

    // MARK: Updates

    func testImmediateUpdatesMatchReferenceAcrossFormatsAndModes() {
        let formats: [(String, String, String)] = [
            ("s1.15", "s6.15", "s1.23"),   // the default shape
            ("s1.3", "s4.3", "s1.7"),      // narrow weights: saturation every few updates
            ("u0.8", "u6.8", "s1.11"),     // unsigned weights, signed deltas
            ("s3.5", "s6.5", "s6.2"),      // delta with fewer fraction bits: exact left shift
            ("s16.14", "s16.14", "s4.20"), // 30-bit weights: the exact Int64 path
        ]
        var seed: UInt64 = 10
        for (w, c, d) in formats {
            for r in Rounding.allCases where !(r == .stochastic && mcFormat(d).fracBits <= mcFormat(w).fracBits) {
                for o in Overflow.allCases {
                    seed += 1
                    runAgainstReference(rows: 11, cols: 17, weight: w, current: c, delta: d, rounding: r, overflow: o,
                                        update: .immediate, clocks: 40, density: 0.3, seed: seed)
                }
            }
        }
    }

    func testDeferredUpdatesMatchReference() {
        let formats: [(String, String, String)] = [("s1.15", "s6.15", "s1.23"), ("s1.3", "s4.3", "s1.7"), ("s16.14", "s16.14", "s4.20"),
                                                   ("s2.6", "s4.6", "s32.0"), ("u2.6", "u4.6", "u31.0")]
        var seed: UInt64 = 100
        for (w, c, d) in formats {
            for r in Rounding.allCases where !(r == .stochastic && mcFormat(d).fracBits <= mcFormat(w).fracBits) {
                for o in Overflow.allCases {
                    seed += 1
                    runAgainstReference(rows: 9, cols: 21, weight: w, current: c, delta: d, rounding: r, overflow: o,
                                        update: .deferred, clocks: 50, density: 0.3, applyRate: 0.15, seed: seed)
                }
            }
        }
    }

    func testUpdatesSaturateAtFormatBounds() {
        for (w, d) in [("s1.3", "s1.7"), ("s1.15", "s1.23"), ("u1.4", "s2.8"), ("s4.0", "s8.4")] {
            let wf = mcFormat(w), df = mcFormat(d)
            let b = makeBench(rows: 2, cols: 3, weight: w, current: "s8.8", delta: d)
            try! b.xbar.load(weights: [Int32(wf.maxRaw), Int32(wf.maxRaw - 1), 0, Int32(wf.minRaw), Int32(wf.minRaw + 1), 0])
            let big = Int32(df.maxRaw), small = Int32(df.minRaw)
            b.drv.set("learn", 1)
            b.drv.set("rs", [1, 0])
            b.drv.set("rd", [big, big, big])
            b.sim.step()
            XCTAssertEqual(b.xbar.weight(0, 0), Int32(wf.maxRaw), w)
            XCTAssertEqual(b.xbar.weight(0, 1), Int32(wf.maxRaw), w)
            let up = min(wf.maxRaw, Int64(Fixed.shiftRightRounded(Int64(big), by: df.fracBits - wf.fracBits, rounding: .nearest)))
            XCTAssertEqual(Int64(b.xbar.weight(0, 2)), up, w)
            b.drv.set("rs", [0, 1])
            b.drv.set("rd", [small, small, small])
            b.sim.step()
            XCTAssertEqual(Int64(b.xbar.weight(1, 0)), wf.minRaw, w)
            XCTAssertEqual(Int64(b.xbar.weight(1, 1)), wf.minRaw, w)
            XCTAssertGreaterThanOrEqual(b.xbar.saturations, 3, w)
        }
    }

    func testWrapOverflowWrapsTwosComplement() {
        let b = makeBench(rows: 1, cols: 2, weight: "s1.3", current: "s4.3", delta: "s1.3", overflow: .wrap)
        try! b.xbar.load(weights: [7, -8])      // +0.875, -1
        b.drv.set("learn", 1)
        b.drv.set("rs", [1])
        b.drv.set("rd", [1, -1])
        b.sim.step()
        XCTAssertEqual(b.xbar.weights, [-8, 7])
        XCTAssertEqual(b.xbar.saturations, 2)
    }

    func testRowAndColumnUpdateOfTheSameWordAddsBoth() {
        let b = makeBench(rows: 3, cols: 3, weight: "s4.4", current: "s8.4", delta: "s4.4")
        b.drv.set("learn", 1)
        b.drv.set("rs", [0, 1, 0])
        b.drv.set("cs", [0, 0, 1])
        b.drv.set("rd", [1, 2, 3])
        b.drv.set("cd", [10, 20, 30])
        b.sim.step()
        XCTAssertEqual(b.xbar.weights, [0, 0, 10,
                                        1, 2, 3 + 20,
                                        0, 0, 30])
        XCTAssertEqual(b.xbar.rowWrites, 3)
        XCTAssertEqual(b.xbar.colWrites, 3)
    }

    func testReadsSeeOldWeightsInTheUpdateClockAndNewOnesAfter() {
        let b = makeBench(rows: 2, cols: 2, weight: "s4.4", current: "s8.4", delta: "s4.4")
        try! b.xbar.load(weights: [1, 2, 3, 4])
        b.drv.set("rs", [1, 0])
        b.drv.set("rd", [16, 16])
        b.drv.set("learn", 1)
        b.sim.step()                                         // clock 0: read and update row 0
        XCTAssertEqual(b.xbar.colCurrent.values, [1, 2])     // settled value of clock 0: old weights
        b.drv.set("learn", 0)
        b.sim.step()                                         // clock 1: new weights visible
        XCTAssertEqual(b.xbar.colCurrent.values, [17, 18])
    }

    func testDeferredWeightsChangeOnlyOnApplyAndEqualTheRoundedSum() {
        let b = makeBench(rows: 2, cols: 3, weight: "s2.4", current: "s6.4", delta: "s2.8", rounding: .nearest, update: .deferred)
        try! b.xbar.load(weights: [0, 5, -5, 1, 1, 1])
        b.drv.set("rs", [1, 0])
        b.drv.set("learn", 1)
        b.drv.set("rd", [3, 8, -40])                          // 3/16, 1/2, -2.5 weight LSBs
        var shadowSum: [Int32] = [0, 0, 0]
        for t in 0..<5 {
            b.sim.step()
            XCTAssertEqual(b.xbar.colCurrent.values, [0, 5, -5], "clock \(t): reads see the unchanged weights")
            shadowSum = zip(shadowSum, [3, 8, -40]).map { $0 + $1 }
            XCTAssertEqual(Array(b.xbar.shadowValues.prefix(3)), shadowSum)
            XCTAssertEqual(b.xbar.weights, [0, 5, -5, 1, 1, 1])
        }
        b.drv.set("apply", 1)                                 // clock 5: its own increment is included
        b.sim.step()
        shadowSum = zip(shadowSum, [3, 8, -40]).map { $0 + $1 }   // 18, 48, -240 (in 1/256)
        // nearest: 18/16 = 1.125 -> 1; 48/16 = 3; -240/16 = -15
        XCTAssertEqual(b.xbar.weights, [1, 8, -20, 1, 1, 1])
        XCTAssertEqual(b.xbar.shadowValues, [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(b.xbar.shadowCommits, 1)
        XCTAssertEqual(b.xbar.commitWrites, 3, "only the dirty row is swept")
        XCTAssertEqual(b.xbar.rowWrites, 18)
        b.drv.set("apply", 0)
        b.drv.set("learn", 0)
        b.sim.step()
        XCTAssertEqual(b.xbar.colCurrent.values, [1, 8, -20])
    }

    func testImmediateFinalWeightsEqualSumOfRoundedIncrements() {
        let b = makeBench(rows: 4, cols: 5, weight: "s4.6", current: "s8.6", delta: "s2.12", rounding: .nearestEven)
        var rng = MCRandom(77)
        var expected = [Int64](repeating: 0, count: 20)
        b.drv.set("learn", 1)
        for _ in 0..<300 {
            let rs = (0..<4).map { _ in rng.bit(0.4) }
            let rd = (0..<5).map { _ in Int32(rng.int(-300...300)) }
            b.drv.set("rs", rs.map { $0 ? 1 : 0 })
            b.drv.set("rd", rd)
            b.sim.step()
            for i in 0..<4 where rs[i] {
                for j in 0..<5 { expected[i * 5 + j] += Fixed.shiftRightRounded(Int64(rd[j]), by: 6, rounding: .nearestEven) }
            }
        }
        XCTAssertEqual(b.xbar.weights.map(Int64.init), expected)
        XCTAssertEqual(b.xbar.saturations, 0)
    }

    // MARK: Stochastic rounding

    func testStochasticRoundingIsUnbiasedAndReproducible() {
        // delta = 77/256 of a weight LSB on every word of one row, 4000 times.
        func run(seed: UInt32) -> [Int32] {
            let b = makeBench(rows: 1, cols: 300, weight: "s16.0", current: "s20.0", delta: "s8.8", rounding: .stochastic, seed: seed)
            b.drv.set("learn", 1)
            b.drv.set("rs", [1])
            b.drv.set("rd", [Int32](repeating: 77, count: 300))
            b.sim.run(4000)
            return b.xbar.weights
        }
        let w = run(seed: 123)
        let p = 77.0 / 256.0, n = 4000.0
        // Per word: Binomial(4000, p): mean 1203.1, sd 29.0. Bound: 5 sd per word.
        let sd = (n * p * (1 - p)).squareRoot()
        for v in w { XCTAssertLessThan(abs(Double(v) - n * p), 5 * sd) }
        // Over all 1.2M draws: the mean increment is p within 5 sd of the mean (4.2e-4).
        let mean = Double(w.reduce(0) { $0 + Int64($1) }) / (300 * n)
        XCTAssertLessThan(abs(mean - p), 5 * (p * (1 - p) / (300 * n)).squareRoot())
        XCTAssertEqual(run(seed: 123), w, "same seed, same bits")
        XCTAssertNotEqual(run(seed: 124), w, "another seed, other bits")
    }

    func testStochasticNegativeDeltasAreUnbiasedToo() {
        let b = makeBench(rows: 300, cols: 1, weight: "s16.0", current: "s20.0", delta: "s8.8", rounding: .stochastic)
        b.drv.set("learn", 1)
        b.drv.set("cs", [1])
        b.drv.set("cd", [Int32](repeating: -200, count: 300))   // -0.78125 LSB per update (column port)
        b.sim.run(2000)
        let mean = Double(b.xbar.weights.reduce(0) { $0 + Int64($1) }) / (300 * 2000)
        let p = 200.0 / 256.0
        XCTAssertLessThan(abs(mean + p), 5 * (p * (1 - p) / (300 * 2000)).squareRoot())
    }

    func testRandomBankIsSixteenLFSR32Streams() {
        let x = Crossbar(name: "x", rows: 1, cols: 40, weight: mcFormat("s4.4"), current: mcFormat("s8.4"), delta: mcFormat("s4.8"),
                         rounding: .stochastic, seed: 31)
        var ref = ReferenceBank(seed: 31)
        XCTAssertEqual(x.randomState, ref.streams.map(\.state))
        x.fillDraws(40)
        let expected = ref.draws(48)
        XCTAssertEqual((0..<48).map { UInt32(bitPattern: x.draws[$0]) }, expected)
        XCTAssertEqual(x.randomState, ref.streams.map(\.state))
        x.reseed(31)
        XCTAssertEqual(x.randomState, ReferenceBank(seed: 31).streams.map(\.state))
    }

    // MARK: Reset, counters, host API

    func testResetKeepsWeightsAndShadowButDropsPendingRequests() {
        let b = makeBench(rows: 2, cols: 2, weight: "s4.4", current: "s8.4", delta: "s4.4", update: .deferred)
        try! b.xbar.load(weights: [1, 2, 3, 4])
        b.drv.set("rs", [1, 1])
        b.drv.set("rd", [5, 6])
        b.drv.set("learn", 1)
        b.sim.step()
        XCTAssertEqual(b.xbar.shadowValues, [5, 6, 5, 6])
        b.xbar.evaluate()               // a request is pending (learn + apply) ...
        b.drv.set("apply", 1)
        b.xbar.evaluate()
        b.sim.reset()                   // ... and reset drops it
        b.xbar.commit()
        XCTAssertEqual(b.xbar.weights, [1, 2, 3, 4])
        XCTAssertEqual(b.xbar.shadowValues, [5, 6, 5, 6])
        XCTAssertEqual(b.xbar.colCurrent.values, [0, 0])
        b.drv.set("learn", 0)
        b.sim.step()                    // apply commits the kept shadow
        XCTAssertEqual(b.xbar.weights, [6, 8, 8, 10])
    }

    func testCountersAreExactAndClearable() {
        let b = makeBench(rows: 10, cols: 4, weight: "s4.4", current: "s8.4", delta: "s4.4")
        b.drv.set("rs", [1, 0, 1, 0, 0, 0, 0, 0, 0, 1])
        b.drv.set("cs", [0, 1, 0, 0])
        b.sim.run(3)
        XCTAssertEqual(b.xbar.rowReads, 3 * 3 * 4)
        XCTAssertEqual(b.xbar.colReads, 3 * 1 * 10)
        XCTAssertEqual(b.xbar.rowWrites, 0)
        b.drv.set("learn", 1)
        b.sim.run(2)
        XCTAssertEqual(b.xbar.rowWrites, 2 * 3 * 4)
        XCTAssertEqual(b.xbar.colWrites, 2 * 1 * 10)
        let names = b.xbar.counters.map(\.name)
        XCTAssertEqual(names, ["row_reads", "col_reads", "row_writes", "col_writes", "shadow_commits", "commit_writes", "saturations"])
        b.xbar.clearCounters()
        XCTAssertTrue(b.xbar.counters.allSatisfy { $0.value == 0 })
    }

    func testUnconnectedPortsReadZero() {
        let x = Crossbar(name: "x", rows: 3, cols: 2, weight: mcFormat("s4.4"), current: mcFormat("s8.4"), delta: mcFormat("s4.4"))
        let sim = try! Simulator(blocks: [x], connections: [])
        try! x.load(weights: [1, 2, 3, 4, 5, 6])
        sim.run(3)
        XCTAssertEqual(x.colCurrent.values, [0, 0])
        XCTAssertEqual(x.rowCurrent.values, [0, 0, 0])
        XCTAssertEqual(x.weights, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.rowReads + x.colReads + x.rowWrites, 0)
    }

    func testRestoredPersistentStateContinuesBitIdentically() throws {
        func bench() -> Bench {
            makeBench(rows: 12, cols: 20, weight: "s1.7", current: "s6.7", delta: "s1.15", rounding: .stochastic, update: .deferred,
                      seed: 21, connectColumns: false)
        }
        let a = bench(), b = bench()
        var rng = MCRandom(8)
        try a.xbar.load(weights: (0..<240).map { _ in Int32(rng.int(-100...100)) })
        func stimulus(_ benches: [Bench], clock t: Int, _ rng: inout MCRandom) {
            let rs: [Int32] = (0..<12).map { _ in rng.bit(0.2) ? 1 : 0 }
            let rd: [Int32] = (0..<20).map { _ in Int32(rng.int(-3000...3000)) }
            for x in benches {
                x.drv.set("rs", rs); x.drv.set("rd", rd); x.drv.set("learn", 1); x.drv.set("apply", t % 7 == 6 ? 1 : 0)
                x.sim.step()
            }
        }
        for t in 0..<10 { stimulus([a], clock: t, &rng) }     // mid-accumulation: shadow and dirty bits non-trivial
        XCTAssertTrue(a.xbar.dirtyRows.contains(1) && a.xbar.dirtyRows.contains(0))
        for e in a.xbar.persistentState { try b.xbar.restorePersistentState(name: e.name, values: e.values) }
        for t in 10..<40 { stimulus([a, b], clock: t, &rng) }
        XCTAssertEqual(b.xbar.weights, a.xbar.weights)
        XCTAssertEqual(b.xbar.shadowValues, a.xbar.shadowValues)
        XCTAssertEqual(b.xbar.randomState, a.xbar.randomState)
        a.xbar.clearShadow()
        XCTAssertEqual(Set(a.xbar.shadowValues), [0])
        XCTAssertEqual(Set(a.xbar.dirtyRows), [0])
    }

    func testHostLoadReadAndPersistentState() throws {
        let x = Crossbar(name: "x", rows: 2, cols: 2, weight: mcFormat("s1.7"), current: mcFormat("s4.7"), delta: mcFormat("s1.9"),
                         rounding: .stochastic, update: .deferred)
        XCTAssertThrowsError(try x.load(weights: [1, 2, 3]))
        XCTAssertThrowsError(try x.load(weights: [1, 2, 3, 128]))
        XCTAssertThrowsError(try x.load(weights: [0.1, .nan, 0, 0]))
        let sat = try x.load(weights: [0.5, -0.25, 2.0, -1.0], rounding: .nearest)
        XCTAssertEqual(sat, 1)
        XCTAssertEqual(x.weights, [64, -32, 127, -128])
        XCTAssertEqual(x.weight(1, 0), 127)
        XCTAssertEqual(x.realWeight(0, 1), -0.25)
        XCTAssertEqual(x.realWeights, [0.5, -0.25, 127.0 / 128, -1])
        let state = x.persistentState
        XCTAssertEqual(state.map(\.name), ["weights", "shadow", "dirty", "lfsr"])
        let y = Crossbar(name: "y", rows: 2, cols: 2, weight: mcFormat("s1.7"), current: mcFormat("s4.7"), delta: mcFormat("s1.9"),
                         rounding: .stochastic, update: .deferred, seed: 99)
        for e in state { try y.restorePersistentState(name: e.name, values: e.values) }
        XCTAssertEqual(y.weights, x.weights)
        XCTAssertEqual(y.randomState, x.randomState)
        XCTAssertThrowsError(try y.restorePersistentState(name: "nope", values: []))
        XCTAssertThrowsError(try y.restorePersistentState(name: "lfsr", values: [1]))
        XCTAssertEqual(x.storage.map(\.bits), [4 * 8, 4 * 10, 2, 16 * 32])
    }
}
