import XCTest
import FixedPoint
import HDL
@testable import Blocks

/// The crossbar's rank-1 mode (`update = rank1`, docs/rank1-commit.md): the commit worked out by
/// hand, the documented semantics against an independent Int128 reference on random stimulus, the
/// exact equivalences with deferred mode and the bound on the difference otherwise, saturation,
/// the wiring rule, checkpoints and the storage budget.
final class MemoryControlRank1Tests: XCTestCase {
    struct Bench {
        let xbar: Crossbar
        let drv: MCDriver
        let sim: Simulator
    }

    func makeBench(rows: Int, cols: Int, weight: String, delta: String, rounding: Rounding, overflow: Overflow = .saturate,
                   update: Crossbar.UpdateMode = .rank1, seed: UInt32 = 5, bits: Int = 8) -> Bench {
        let x = Crossbar(name: "x", rows: rows, cols: cols, weight: mcFormat(weight), current: mcFormat("s20.8"), delta: mcFormat(delta),
                         rounding: rounding, overflow: overflow, update: update, seed: seed, rank1Bits: bits)
        let d = MCDriver([("rs", rows, .bit), ("rd", cols, mcFormat(delta)), ("learn", 1, .bit), ("apply", 1, .bit)])
        let sim = try! Simulator(blocks: [d, x], connections: [Connection(d["rs"], x.rowSpike), Connection(d["rd"], x.rowDelta),
                                                               Connection(d["learn"], x.learn), Connection(d["apply"], x.apply)])
        return Bench(xbar: x, drv: d, sim: sim)
    }

    /// One clock of stimulus.
    func clock(_ b: Bench, spikes: [Int32], delta: [Int32], learn: Bool = true, apply: Bool = false) {
        b.drv.set("rs", spikes)
        b.drv.set("rd", delta)
        b.drv.set("learn", learn ? 1 : 0)
        b.drv.set("apply", apply ? 1 : 0)
        b.sim.step()
    }

    /// rotr32(draw, s) * T < r * 2^(32-s): the documented stochastic decision.
    static func stochasticUp(r: Int64, shift s: Int, clocks t: Int64, draw: UInt32) -> Bool {
        let rot = UInt64((draw >> UInt32(s)) | (draw << UInt32(32 - s)))
        return UInt64(r) << UInt64(32 - s) > rot * UInt64(t)
    }

    // MARK: By hand

    /// 3 x 2 crossbar, weight s4.4, delta s4.8 (s = 4: D = 16 T). Four learning clocks:
    ///
    ///     clock  spiking rows  row_delta
    ///       0      0             16,  -8
    ///       1      0, 1          32,   8
    ///       2      (none)         0,  40
    ///       3      0, 1          48, -90     (apply)
    ///
    /// n = [3, 2, 0], A = [96, -50], T = 4, D = 64. Row 0: 3 * 96 / 64 = 4.5 (q 4, r 32) and
    /// 3 * -50 / 64 = -2.34375 (q -3, r 42); row 1: 2 * 96 / 64 = 3 (r 0) and 2 * -50 / 64 =
    /// -1.5625 (q -2, r 28); row 2 never spiked and is not swept.
    func testCommitByHand() {
        let w0: [Int32] = [0, 0, 10, -10, 5, 5]
        let stimulus: [([Int32], [Int32])] = [([1, 0, 0], [16, -8]), ([1, 1, 0], [32, 8]), ([0, 0, 0], [0, 40]), ([1, 1, 0], [48, -90])]
        let states: [([Int32], [Int32], Int32)] = [([1, 0, 0], [16, -8], 1), ([2, 1, 0], [48, 0], 2), ([2, 1, 0], [48, 40], 3)]
        // Nearest: 4.5 -> 5 (tie up), -2.34 -> -2, 3 -> 3, -1.56 -> -2. Truncate: floors.
        // NearestEven: 4.5 -> 4 (q even).
        let expected: [Rounding: [Int32]] = [
            .nearest: [5, -2, 13, -12, 5, 5],
            .truncate: [4, -3, 13, -12, 5, 5],
            .nearestEven: [4, -2, 13, -12, 5, 5],
        ]
        for rounding in [Rounding.nearest, .truncate, .nearestEven, .stochastic] {
            let b = makeBench(rows: 3, cols: 2, weight: "s4.4", delta: "s4.8", rounding: rounding, seed: 17)
            try! b.xbar.load(weights: w0)
            for (t, (spikes, delta)) in stimulus.enumerated() {
                clock(b, spikes: spikes, delta: delta, apply: t == 3)
                if t < 3 {
                    let s = b.xbar.rank1State
                    XCTAssertEqual(s.rowCounts, states[t].0, "n after clock \(t)")
                    XCTAssertEqual(s.accumulators, states[t].1, "A after clock \(t)")
                    XCTAssertEqual(s.clocks, states[t].2, "T after clock \(t)")
                    XCTAssertEqual(b.xbar.weights, w0, "no weight changes before apply")
                    // Reads (current s20.8: weight sums x 16) see the unchanged weights.
                    XCTAssertEqual(b.xbar.colCurrent.values, [[0, 0], [160, -160], [0, 0]][t])
                }
            }
            if rounding == .stochastic {
                // Row 0 takes the first 16-stream step (words 0, 1 use streams 0, 1), row 1 the second.
                var bank = ReferenceBank(seed: 17)
                let d0 = bank.draws(2), d1 = bank.draws(2)
                let row0: [Int32] = [4 + (Self.stochasticUp(r: 32, shift: 4, clocks: 4, draw: d0[0]) ? 1 : 0),
                                     -3 + (Self.stochasticUp(r: 42, shift: 4, clocks: 4, draw: d0[1]) ? 1 : 0)]
                let row1: [Int32] = [3, -2 + (Self.stochasticUp(r: 28, shift: 4, clocks: 4, draw: d1[1]) ? 1 : 0)]
                XCTAssertEqual(b.xbar.weights, [row0[0], row0[1], 10 + row1[0], -10 + row1[1], 5, 5])
                XCTAssertEqual(b.xbar.randomState, bank.streams.map(\.state), "two row updates of draws, one per swept row")
            } else {
                XCTAssertEqual(b.xbar.weights, expected[rounding], "\(rounding)")
            }
            let s = b.xbar.rank1State
            XCTAssertEqual(s.rowCounts, [0, 0, 0])
            XCTAssertEqual(s.accumulators, [0, 0])
            XCTAssertEqual(s.clocks, 0)
            XCTAssertEqual(b.xbar.shadowCommits, 1)
            XCTAssertEqual(b.xbar.commitWrites, 4, "rows 0 and 1 swept, row 2 skipped")
            XCTAssertEqual(b.xbar.rowWrites, 0, "the row update writes registers only")
            XCTAssertEqual(b.xbar.saturations, 0)
        }
    }

    /// Stochastic rounding of n A / T is unbiased: 3000 phases of 3 clocks, one row spiking twice
    /// (n = 2, T = 3), A = 3 * 100: each commit adds 2 * 300 / 3 / 2^8 = 200/256 LSB of s16.0.
    func testStochasticCommitIsUnbiased() {
        let b = makeBench(rows: 1, cols: 200, weight: "s16.0", delta: "s8.8", rounding: .stochastic, seed: 3)
        let d = [Int32](repeating: 100, count: 200)
        for _ in 0..<3000 {
            clock(b, spikes: [1], delta: d)
            clock(b, spikes: [0], delta: d)
            clock(b, spikes: [1], delta: d, apply: true)
        }
        let p = 200.0 / 256.0, n = 3000.0 * 200
        let mean = Double(b.xbar.weights.reduce(0) { $0 + Int64($1) }) / n
        XCTAssertLessThan(abs(mean - p), 5 * (p * (1 - p) / n).squareRoot())
        // n A / T not a whole number of delta LSBs: n = 1, T = 3, A = 101 + 99 + 101 = 301, so the
        // increment is 301 / 3 / 256 = 301/768 LSB (the remainder of the division by T counts).
        let c = makeBench(rows: 1, cols: 200, weight: "s16.0", delta: "s8.8", rounding: .stochastic, seed: 4)
        let dc = [Int32](repeating: 101, count: 200)
        for _ in 0..<3000 {
            clock(c, spikes: [0], delta: dc)
            clock(c, spikes: [1], delta: [Int32](repeating: 99, count: 200))
            clock(c, spikes: [0], delta: dc, apply: true)
        }
        let q = 301.0 / 768.0
        let meanC = Double(c.xbar.weights.reduce(0) { $0 + Int64($1) }) / n
        XCTAssertLessThan(abs(meanC - q), 5 * (q * (1 - q) / n).squareRoot())
    }

    func testCountersAndAccumulatorsSaturate() {
        // 2-bit counters (max 3), delta s1.7 (max 127): five learning clocks, row 0 spiking in each.
        let b = makeBench(rows: 2, cols: 1, weight: "s8.4", delta: "s1.7", rounding: .nearest, bits: 2)
        for t in 0..<5 { clock(b, spikes: [1, 0], delta: [100], apply: t == 4) }
        // T and n[0] saturate in clocks 3 and 4 (2 + 2), A in clocks 1 ... 4 (4).
        XCTAssertEqual(b.xbar.saturations, 8)
        // n = 3, T = 3, A = 127: 3 * 127 / 3 / 2^3 = 15.875 -> 16.
        XCTAssertEqual(b.xbar.weights, [16, 0])
        XCTAssertEqual(b.xbar.storage.map(\.name), ["weights", "row_counts", "col_accumulators", "clock_count"])
        XCTAssertEqual(b.xbar.storage.map(\.bits), [2 * 12, 2 * 2, 8, 2])
        // Weight saturation in the commit is counted too.
        try! b.xbar.load(weights: [2040, -2040])
        for t in 0..<2 { clock(b, spikes: [1, 1], delta: t == 0 ? [127] : [-128], apply: t == 1) }
        // n = 2, T = 2, A = -1: -1/8 -> nearest 0.
        XCTAssertEqual(b.xbar.weights, [2040, -2040])
        XCTAssertEqual(b.xbar.saturations, 8)
        // +127 twice: A saturates at 127 (1); 2 * 127 / 2 / 8 = 15.875 -> 16; 2056 saturates (1).
        for t in 0..<2 { clock(b, spikes: [1, 1], delta: [127], apply: t == 1) }
        XCTAssertEqual(b.xbar.weights, [2047, -2040 + 16])
        XCTAssertEqual(b.xbar.saturations, 8 + 2)
    }

    // MARK: Against the documented semantics

    /// The documented rank-1 crossbar, word by word on Int128 (independent of the kernels).
    struct Reference {
        let rows: Int, cols: Int, weight: QFormat, delta: QFormat, rounding: Rounding, overflow: Overflow, countMax: Int64
        var w: [Int64]
        var n: [Int64], a: [Int64], t: Int64 = 0
        var bank: ReferenceBank
        var saturations = 0

        init(rows: Int, cols: Int, weight: QFormat, delta: QFormat, rounding: Rounding, overflow: Overflow, bits: Int, seed: UInt32, weights: [Int32]) {
            self.rows = rows; self.cols = cols; self.weight = weight; self.delta = delta
            self.rounding = rounding; self.overflow = overflow
            countMax = (Int64(1) << bits) - 1
            w = weights.map(Int64.init)
            n = Array(repeating: 0, count: rows); a = Array(repeating: 0, count: cols)
            bank = ReferenceBank(seed: seed)
        }

        mutating func clock(spikes: [Bool], delta d: [Int32], learn: Bool, apply: Bool) {
            if learn {
                for j in 0..<cols {
                    let v = a[j] + Int64(d[j])
                    a[j] = min(max(v, delta.minRaw), delta.maxRaw)
                    if a[j] != v { saturations += 1 }
                }
                if t < countMax { t += 1 } else { saturations += 1 }
                for i in 0..<rows where spikes[i] { if n[i] < countMax { n[i] += 1 } else { saturations += 1 } }
            }
            guard apply else { return }
            let s = delta.fracBits - weight.fracBits
            for i in 0..<rows where n[i] > 0 {
                let draws = rounding == .stochastic ? bank.draws(cols) : []
                for j in 0..<cols {
                    let num = Int128(n[i]) * Int128(a[j]) * (Int128(1) << max(0, -s))
                    let den = Int128(t) * (Int128(1) << max(0, s))
                    var q = num / den
                    if q * den > num { q -= 1 }
                    let r = num - q * den
                    var up = false
                    switch rounding {
                    case .truncate: break
                    case .nearest: up = 2 * r >= den
                    case .nearestEven: up = 2 * r > den || (2 * r == den && q % 2 != 0)
                    case .stochastic: up = MemoryControlRank1Tests.stochasticUp(r: Int64(r), shift: s, clocks: t, draw: draws[j])
                    }
                    w[i * cols + j] = FixedArithmetic.fit(Int128(w[i * cols + j]) + q + (up ? 1 : 0), frac: weight.fracBits, to: weight,
                                                          rounding: .truncate, overflow: overflow, randomBits: 0, saturations: &saturations)
                }
            }
            n = Array(repeating: 0, count: rows); a = Array(repeating: 0, count: cols); t = 0
        }
    }

    /// Random spikes, deltas, learn and apply on every format shape the crossbar has a path for:
    /// the Int32 kernel (s > 0 and s = 0), the exact path (s < 0, 30-bit weights), saturating and
    /// wrapping weights, deltas up to s32.0, narrow counters that saturate.
    func testMatchesDocumentedSemanticsOnRandomStimulus() {
        let shapes: [(String, String, Int)] = [
            ("s1.15", "s1.23", 8),     // the designs' shape
            ("s1.3", "s1.7", 3),       // narrow weights and 3-bit counters: both saturate
            ("u2.6", "s2.6", 8),       // s = 0: the remainder of the division by T alone rounds
            ("s3.5", "s6.2", 8),       // s < 0: exact path
            ("s16.14", "s4.20", 6),    // 30-bit weights: exact path
            ("s4.4", "s32.0", 15),     // the widest delta and counters
        ]
        var seed: UInt64 = 500
        for (wf, df, bits) in shapes {
            for r in Rounding.allCases where !(r == .stochastic && mcFormat(df).fracBits <= mcFormat(wf).fracBits) {
                for o in Overflow.allCases {
                    seed += 1
                    let rows = 7, cols = 19
                    let b = makeBench(rows: rows, cols: cols, weight: wf, delta: df, rounding: r, overflow: o, seed: 9, bits: bits)
                    var rng = MCRandom(seed)
                    let w0 = (0..<rows * cols).map { _ in rng.raw(mcFormat(wf)) }
                    try! b.xbar.load(weights: w0)
                    var ref = Reference(rows: rows, cols: cols, weight: mcFormat(wf), delta: mcFormat(df), rounding: r, overflow: o,
                                        bits: bits, seed: 9, weights: w0)
                    let dRange = df == "s32.0" ? Int64(Int32.min)...Int64(Int32.max) : (mcFormat(df).minRaw / 3)...(mcFormat(df).maxRaw / 3)
                    for t in 0..<80 {
                        let spikes = (0..<rows).map { _ in rng.bit(0.4) }
                        let delta = (0..<cols).map { _ in Int32(rng.int(dRange)) }
                        let learn = rng.bit(0.9), apply = rng.bit(0.12)
                        clock(b, spikes: spikes.map { $0 ? 1 : 0 }, delta: delta, learn: learn, apply: apply)
                        ref.clock(spikes: spikes, delta: delta, learn: learn, apply: apply)
                        let s = b.xbar.rank1State
                        guard b.xbar.weights.map(Int64.init) == ref.w, s.rowCounts.map(Int64.init) == ref.n,
                              s.accumulators.map(Int64.init) == ref.a, Int64(s.clocks) == ref.t else {
                            let k = zip(b.xbar.weights.map(Int64.init), ref.w).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                            XCTFail("\(wf) \(df) \(r) \(o): state differs after clock \(t) (first weight \(k.map(String.init) ?? "-"))")
                            return
                        }
                    }
                    XCTAssertEqual(b.xbar.saturations, ref.saturations, "\(wf) \(df) \(r) \(o)")
                }
            }
        }
    }

    /// The sweep's exact division by T (a multiply-high): every T the counters can hold, with the
    /// dividends at the edges of each quotient and random ones below 2^30.
    func testClockDividerIsExact() {
        var rng = MCRandom(3)
        for t in 1..<(1 << 15) {
            let dv = XbarKernel.ClockDivider(Int32(t))
            let big = Int64(t) * Int64(t) - 1
            var dividends: [Int64] = [0, 1, Int64(t) - 1, Int64(t), Int64(t) + 1, big, big - Int64(t), (1 << 30) - 1,
                                      rng.int(0...big), rng.int(0...((1 << 30) - 1))]
            let k = rng.int(1...max(1, big / Int64(t)))
            dividends += [k * Int64(t) - 1, k * Int64(t)]
            for p in dividends where p >= 0 && p < 1 << 30 {
                // split with n = 1, quotient 0, remainder p divides p itself.
                let (x, r) = dv.split(count: 1, quotient: 0, remainder: Int32(p))
                if Int64(x) != p / Int64(t) || Int64(r) != p % Int64(t) {
                    return XCTFail("\(p) / \(t): got \(x) rem \(r)")
                }
            }
        }
    }

    // MARK: Rank-1 against deferred

    /// Runs one learning phase (learn in every clock, apply in the last) on a deferred and a rank-1
    /// crossbar from the same weights and random bank; returns both weight arrays.
    func phase(rows: Int, cols: Int, rounding: Rounding, spikes: [[Int32]], deltas: [[Int32]], w0: [Int32], seed: UInt32 = 8)
        -> (deferred: [Int32], rank1: [Int32], sameBank: Bool) {
        let d = makeBench(rows: rows, cols: cols, weight: "s8.8", delta: "s8.16", rounding: rounding, update: .deferred, seed: seed)
        let r = makeBench(rows: rows, cols: cols, weight: "s8.8", delta: "s8.16", rounding: rounding, update: .rank1, seed: seed)
        try! d.xbar.load(weights: w0)
        try! r.xbar.load(weights: w0)
        for t in spikes.indices {
            for b in [d, r] { clock(b, spikes: spikes[t], delta: deltas[t], apply: t == spikes.count - 1) }
        }
        XCTAssertEqual(d.xbar.saturations + r.xbar.saturations, 0, "the bounds assume no saturation")
        return (d.xbar.weights, r.xbar.weights, d.xbar.randomState == r.xbar.randomState)
    }

    /// Exact equivalence: when row_delta is constant over the phase, A = T d and n A / T = n d is
    /// the deferred shadow sum exactly, whatever the spike pattern, so every rounding mode gives
    /// the same weights — stochastic too, from the same draws (the rows swept, those that spiked,
    /// are the deferred dirty rows). And a row that spikes in every learning clock has n = T, so
    /// n A / T = A = its shadow sum for any row_delta.
    func testEqualsDeferredForConstantDeltaOrRowsSpikingEveryClock() {
        var rng = MCRandom(41)
        let rows = 12, cols = 37, T = 50
        for rounding in Rounding.allCases {
            for trial in 0..<3 {
                let w0 = (0..<rows * cols).map { _ in Int32(rng.int(-300...300)) }
                let spikes = (0..<T).map { _ in (0..<rows).map { _ in Int32(rng.bit(0.3) ? 1 : 0) } }
                let d = (0..<cols).map { _ in Int32(rng.int(-900...900)) }
                let constant = phase(rows: rows, cols: cols, rounding: rounding, spikes: spikes, deltas: Array(repeating: d, count: T), w0: w0)
                XCTAssertEqual(constant.rank1, constant.deferred, "\(rounding) trial \(trial): constant row_delta")
                XCTAssertTrue(constant.sameBank)
                XCTAssertNotEqual(constant.rank1, w0)

                // Varying row_delta; rows 0 and 5 spike in every clock, the others randomly.
                let varying = (0..<T).map { _ in (0..<cols).map { _ in Int32(rng.int(-900...900)) } }
                let busy = spikes.map { s in s.enumerated().map { $0.offset == 0 || $0.offset == 5 ? 1 : $0.element } }
                let v = phase(rows: rows, cols: cols, rounding: rounding, spikes: busy, deltas: varying, w0: w0)
                for i in [0, 5] {
                    XCTAssertEqual(Array(v.rank1[i * cols..<(i + 1) * cols]), Array(v.deferred[i * cols..<(i + 1) * cols]),
                                   "\(rounding): row \(i) spikes every clock")
                }
                XCTAssertNotEqual(v.rank1, v.deferred, "\(rounding): with a varying row_delta the irregular rows differ")
            }
        }
    }

    /// The bound otherwise, in delta LSBs before rounding (s = fd - fw = 8 here): for any row,
    /// |S - n A / T| <= n (max_t d - min_t d), since both are n times an average of row_delta; for
    /// a row spiking every P clocks over T = m P clocks, |S - n A / T| <= V, the total variation
    /// sum_t |d(t+1) - d(t)|: per block of P clocks the spike's delta and the block mean differ by
    /// at most the block's variation. After rounding, nearest: |dW| <= ceil(bound / 2^s);
    /// stochastic: ceil(bound / 2^s) + 1 (each result lies within one LSB of its value).
    func testDiffersFromDeferredWithinTheStatedBound() {
        var rng = MCRandom(99)
        let rows = 10, cols = 23, T = 60
        for rounding in [Rounding.nearest, .stochastic] {
            for trial in 0..<4 {
                let w0 = (0..<rows * cols).map { _ in Int32(rng.int(-300...300)) }
                // Regular rows (period P dividing 60, phase phi) and two irregular rows (8, 9).
                let periods = [1, 2, 3, 4, 5, 6, 10, 12], phases = (0..<8).map { rng.int(0...Int64(periods[$0] - 1)) }
                var spikes = [[Int32]](repeating: [Int32](repeating: 0, count: rows), count: T)
                for t in 0..<T {
                    for i in 0..<8 where Int64(t % periods[i]) == phases[i] { spikes[t][i] = 1 }
                    for i in 8..<10 { spikes[t][i] = rng.bit(0.35) ? 1 : 0 }
                }
                // A slowly varying row_delta per column (a random walk, like the filtered F), large
                // enough to move weights by many LSBs.
                var d = (0..<cols).map { _ in rng.int(-4000...4000) }
                var deltas: [[Int32]] = []
                for _ in 0..<T {
                    deltas.append(d.map { Int32($0) })
                    d = d.map { $0 + rng.int(-150...150) }
                }
                let r = phase(rows: rows, cols: cols, rounding: rounding, spikes: spikes, deltas: deltas, w0: w0, seed: UInt32(trial + 1))
                for j in 0..<cols {
                    let col = deltas.map { Int64($0[j]) }
                    let variation = zip(col.dropFirst(), col).reduce(Int64(0)) { $0 + abs($1.0 - $1.1) }
                    let range = col.max()! - col.min()!
                    for i in 0..<rows {
                        let n = Int64(spikes.filter { $0[i] != 0 }.count)
                        let bound = i < 8 ? variation : n * range
                        let allowed = Int64((Double(bound) / 256).rounded(.up)) + (rounding == .stochastic ? 1 : 0)
                        let diff = abs(Int64(r.rank1[i * cols + j]) - Int64(r.deferred[i * cols + j]))
                        XCTAssertLessThanOrEqual(diff, allowed, "\(rounding) trial \(trial) row \(i) col \(j)")
                    }
                }
                XCTAssertNotEqual(r.rank1, r.deferred)
            }
        }
    }

    // MARK: Wiring, checkpoints, budget

    func testColumnUpdatePortIsRefused() {
        func crossbar(_ mode: Crossbar.UpdateMode) -> Crossbar {
            Crossbar(name: "w2", rows: 3, cols: 2, weight: mcFormat("s1.15"), current: mcFormat("s6.15"), delta: mcFormat("s1.23"), update: mode)
        }
        func driver() -> MCDriver { MCDriver([("cd", 3, mcFormat("s1.23")), ("rd", 2, mcFormat("s1.23"))]) }
        let x = crossbar(.rank1), d = driver()
        XCTAssertThrowsError(try Simulator(blocks: [d, x], connections: [Connection(d["rd"], x.rowDelta), Connection(d["cd"], x.colDelta)])) { e in
            XCTAssertTrue("\(e)".contains("w2.col_delta: update = rank1 factors only the row update"), "\(e)")
        }
        let y = crossbar(.rank1), e = driver()
        XCTAssertNoThrow(try Simulator(blocks: [e, y], connections: [Connection(e["rd"], y.rowDelta)]))
        let z = crossbar(.deferred), f = driver()
        XCTAssertNoThrow(try Simulator(blocks: [f, z], connections: [Connection(f["rd"], z.rowDelta), Connection(f["cd"], z.colDelta)]))
    }

    /// A crossbar restored mid-accumulation (counts, accumulators, clock count, random bank)
    /// continues bit-identically; bad entries are refused.
    func testRestoredStateContinuesBitIdentically() throws {
        func bench(seed: UInt32) -> Bench { makeBench(rows: 12, cols: 20, weight: "s1.7", delta: "s1.15", rounding: .stochastic, seed: seed) }
        let a = bench(seed: 21), b = bench(seed: 22)
        var rng = MCRandom(8)
        try a.xbar.load(weights: (0..<240).map { _ in Int32(rng.int(-100...100)) })
        func stimulus(_ benches: [Bench], clock t: Int, _ rng: inout MCRandom) {
            let rs: [Int32] = (0..<12).map { _ in rng.bit(0.3) ? 1 : 0 }
            let rd: [Int32] = (0..<20).map { _ in Int32(rng.int(-3000...3000)) }
            for x in benches { clock(x, spikes: rs, delta: rd, apply: t % 9 == 8) }
        }
        for t in 0..<13 { stimulus([a], clock: t, &rng) }      // one commit, then 4 clocks accumulated
        let mid = a.xbar.rank1State
        XCTAssertEqual(mid.clocks, 4)
        XCTAssertTrue(mid.rowCounts.contains { $0 > 0 } && mid.accumulators.contains { $0 != 0 })
        XCTAssertEqual(a.xbar.persistentState.map(\.name), ["weights", "row_counts", "col_accumulators", "clock_count", "lfsr"])
        for e in a.xbar.persistentState { try b.xbar.restorePersistentState(name: e.name, values: e.values) }
        XCTAssertEqual(b.xbar.rank1State.rowCounts, mid.rowCounts)
        for t in 13..<40 { stimulus([a, b], clock: t, &rng) }
        XCTAssertEqual(b.xbar.weights, a.xbar.weights)
        XCTAssertEqual(b.xbar.rank1State.accumulators, a.xbar.rank1State.accumulators)
        XCTAssertEqual(b.xbar.randomState, a.xbar.randomState)
        XCTAssertThrowsError(try b.xbar.restorePersistentState(name: "row_counts", values: [Int32](repeating: 256, count: 12)))
        XCTAssertThrowsError(try b.xbar.restorePersistentState(name: "clock_count", values: [1, 2]))
        XCTAssertThrowsError(try b.xbar.restorePersistentState(name: "col_accumulators", values: [Int32](repeating: 1 << 16, count: 20)))
        XCTAssertThrowsError(try b.xbar.restorePersistentState(name: "shadow", values: []), "no shadow in rank-1 mode")
        b.xbar.clearShadow()
        XCTAssertEqual(b.xbar.rank1State.clocks, 0)
        XCTAssertEqual(Set(b.xbar.rank1State.rowCounts + b.xbar.rank1State.accumulators), [0])
    }

    /// The budget of `eqspike check`: rank-1 registers instead of the shadow SRAM and dirty bits.
    func testStorageCountsRegistersInsteadOfAShadow() throws {
        let reg = BlockRegistry(memoryAndControlBlockTypes)
        let x = try reg["crossbar"]!.instantiate("x", ["rows": .int(784), "cols": .int(300), "update": .word("rank1"),
                                                       "rounding": .word("stochastic")]) as! Crossbar
        XCTAssertEqual(x.updateMode, .rank1)
        XCTAssertEqual(x.storage.map(\.name), ["weights", "row_counts", "col_accumulators", "clock_count", "lfsr"])
        XCTAssertEqual(x.storage.map(\.bits), [784 * 300 * 16, 784 * 8, 300 * 24, 8, 512])
        XCTAssertEqual(x.storage.filter { $0.kind == .sram }.map(\.name), ["weights"])
        let narrow = try reg["crossbar"]!.instantiate("y", ["rows": .int(4), "cols": .int(3), "update": .word("rank1"), "rank1_bits": .int(7)])
        XCTAssertEqual(narrow.storage.map(\.bits), [4 * 3 * 16, 4 * 7, 3 * 24, 7])
        XCTAssertThrowsError(try reg["crossbar"]!.instantiate("z", ["rows": .int(4), "cols": .int(3), "rank1_bits": .int(16)]))
        XCTAssertThrowsError(try reg["bias"]!.instantiate("b", ["lanes": .int(3), "update": .word("rank1")]), "a bias has no rank-1 mode")
    }
}
