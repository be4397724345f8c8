import XCTest
import FixedPoint
import HDL
@testable import Blocks

/// Bias, pixel encoder, nudge unit, phase controller, LFSR and the type registry.
final class MemoryControlBlocksTests: XCTestCase {
    // MARK: Bias

    func makeBias(lanes: Int, weight: String, delta: String, rounding: Rounding = .nearest, overflow: Overflow = .saturate,
                  update: Crossbar.UpdateMode = .immediate, seed: UInt32 = 3) -> (Bias, MCDriver, Simulator) {
        let b = Bias(name: "b", lanes: lanes, weight: mcFormat(weight), delta: mcFormat(delta), rounding: rounding, overflow: overflow,
                     update: update, seed: seed)
        let d = MCDriver([("delta", lanes, mcFormat(delta)), ("learn", 1, .bit), ("apply", 1, .bit)])
        let sim = try! Simulator(blocks: [d, b], connections: [Connection(d["delta"], b.delta), Connection(d["learn"], b.learn),
                                                               Connection(d["apply"], b.apply)])
        return (b, d, sim)
    }

    func testBiasImmediateMatchesReferenceClockByClock() {
        for (w, dl) in [("s2.14", "s1.23"), ("s1.3", "s1.7"), ("u1.6", "s2.9")] {
            for r in Rounding.allCases {
                for o in Overflow.allCases {
                    let wf = mcFormat(w), df = mcFormat(dl)
                    let (b, d, sim) = makeBias(lanes: 7, weight: w, delta: dl, rounding: r, overflow: o, seed: 11)
                    var rng = MCRandom(5)
                    var ref = (0..<7).map { _ in Int64(rng.raw(wf)) }
                    try! b.load(values: ref.map { Int32($0) })
                    var lfsr = LFSR32(seed: referenceStreamSeed(11, 0))
                    var sat = 0
                    for t in 0..<60 {
                        let delta = (0..<7).map { _ in rng.raw(df) }, learn = rng.bit(0.6)
                        d.set("delta", delta)
                        d.set("learn", learn ? 1 : 0)
                        XCTAssertEqual(b.value.values.map(Int64.init), ref, "\(w) \(r) \(o) clock \(t): registered output")
                        sim.step()
                        if learn {
                            for k in 0..<7 {
                                let draw = r == .stochastic ? lfsr.next() : 0
                                let inc = ReferenceCrossbar.roundDelta(Int64(delta[k]), shift: df.fracBits - wf.fracBits, r, draw: draw)
                                ref[k] = FixedArithmetic.fit(Int128(ref[k]) + Int128(inc), frac: wf.fracBits, to: wf, rounding: .truncate,
                                                             overflow: o, randomBits: 0, saturations: &sat)
                            }
                        }
                    }
                    XCTAssertEqual(b.values.map(Int64.init), ref, "\(w) \(r) \(o)")
                    XCTAssertEqual(b.saturations, sat, "\(w) \(r) \(o)")
                    XCTAssertEqual(b.randomState, lfsr.state, "\(w) \(r) \(o): one draw per lane per update")
                }
            }
        }
    }

    func testBiasDeferredAccumulatesAndCommitsOnApply() {
        let (b, d, sim) = makeBias(lanes: 3, weight: "s2.4", delta: "s2.8", update: .deferred)
        try! b.load(values: [0, 5, -5])
        d.set("delta", [3, 8, -40])
        d.set("learn", 1)
        sim.run(5)
        XCTAssertEqual(b.values, [0, 5, -5])
        XCTAssertEqual(b.shadowValues, [15, 40, -200])
        d.set("apply", 1)
        sim.step()                       // includes this clock's increment: 18, 48, -240 (1/256)
        XCTAssertEqual(b.values, [1, 8, -20])
        XCTAssertEqual(b.shadowValues, [0, 0, 0])
        XCTAssertEqual(b.counters.first { $0.name == "shadow_commits" }?.value, 1)
        XCTAssertEqual(b.counters.first { $0.name == "writes" }?.value, 18)
    }

    func testBiasResetKeepsValuesAndShadowSaturates() {
        let (b, d, sim) = makeBias(lanes: 2, weight: "s1.3", delta: "s1.3", update: .deferred)
        try! b.load(values: [7, -8])
        d.set("delta", [7, -8])
        d.set("learn", 1)
        sim.run(3)                       // shadow saturates at 7 / -8 after the first clock
        XCTAssertEqual(b.shadowValues, [7, -8])
        XCTAssertEqual(b.saturations, 4)
        sim.reset()
        XCTAssertEqual(b.values, [7, -8])
        XCTAssertEqual(b.shadowValues, [7, -8])
        d.set("learn", 0)
        d.set("apply", 1)
        sim.step()
        XCTAssertEqual(b.values, [7, -8])    // saturated again
        XCTAssertEqual(b.saturations, 6)
    }

    func testBiasHostAPIAndPersistentState() throws {
        let (b, _, _) = makeBias(lanes: 2, weight: "s1.7", delta: "s1.9", rounding: .stochastic, update: .deferred)
        XCTAssertThrowsError(try b.load(values: [Int32(1)]))
        XCTAssertThrowsError(try b.load(values: [Int32(0), 200]))
        XCTAssertEqual(try b.load(values: [0.5, -3.0]), 1)
        XCTAssertEqual(b.values, [64, -128])
        XCTAssertEqual(b.realValues, [0.5, -1])
        let c = Bias(name: "c", lanes: 2, weight: mcFormat("s1.7"), delta: mcFormat("s1.9"), rounding: .stochastic, update: .deferred, seed: 77)
        for e in b.persistentState { try c.restorePersistentState(name: e.name, values: e.values) }
        XCTAssertEqual(c.values, b.values)
        XCTAssertEqual(c.randomState, b.randomState)
        XCTAssertEqual(b.storage.map(\.bits), [16, 20, 32])
    }

    // MARK: Pixel encoder

    func testPixelEncoderValues() {
        for (f, gain) in [("s2.14", 1.0), ("u1.7", 1.0), ("s4.4", 3.0), ("s2.10", 0.37)] {
            let format = mcFormat(f)
            let e = PixelEncoder(name: "px", lanes: 256, current: format, gain: gain)
            e.load(pixels: (0..<256).map { UInt8($0) })
            for p in 0..<256 {
                let exact = gain * Double(p) / 255 * Double(1 << format.fracBits)
                let expected = min(format.maxRaw, Int64((exact + 0.5).rounded(.down)))
                XCTAssertEqual(Int64(e.current.value(p)), expected, "\(f) gain \(gain) pixel \(p)")
            }
            XCTAssertEqual(e.saturations, 0)
        }
        let e = PixelEncoder(name: "px", lanes: 3, current: mcFormat("s2.14"))
        e.load(pixels: [0, 255, 128])
        XCTAssertEqual(e.current.values, [0, 16384, 8224])   // 128/255 * 16384 = 8224.1
        XCTAssertEqual(e.pixels, [0, 255, 128])
        let sim = try! Simulator(blocks: [e], connections: [])
        sim.run(5)
        XCTAssertEqual(e.current.values, [0, 16384, 8224], "constant per image")
        sim.reset()
        XCTAssertEqual(e.current.values, [0, 16384, 8224], "reset keeps the stimulus")
        e.load(pixels: [255, 0, 1])
        XCTAssertEqual(e.current.values, [16384, 0, 64])
        // A ROM entry that saturates counts once per lane loaded with it.
        let s = PixelEncoder(name: "s", lanes: 2, current: mcFormat("s1.7"), gain: 1)
        s.load(pixels: [255, 255])
        XCTAssertEqual(s.current.values, [127, 127])
        XCTAssertEqual(s.saturations, 2)
        s.load(pixels: [254, 0])         // 254/255 * 128 = 127.5 -> 127.498...: no saturation
        XCTAssertEqual(s.current.values, [127, 0])
        XCTAssertEqual(s.saturations, 2)
    }

    // MARK: Nudge

    func makeNudge(lanes: Int = 3, v: String = "s4.8", current: String = "s4.12", beta: Double = 0.5, gamma: Double = 0.1,
                   fMax: Double = 0.5, window: Int = 50, threshold: Double = 0.01) -> (NudgeUnit, MCDriver, Simulator) {
        let n = NudgeUnit(name: "n", lanes: lanes, v: mcFormat(v), current: mcFormat(current), count: mcFormat("u8.0"), beta: beta, gammaLI: gamma,
                          fMax: fMax, window: window, threshold: threshold)
        let d = MCDriver([("v", lanes, mcFormat(v)), ("en", 1, .bit), ("count", lanes, mcFormat("u8.0"))])
        let sim = try! Simulator(blocks: [d, n], connections: [Connection(d["v"], n.v), Connection(d["en"], n.enable),
                                                               Connection(d["count"], n.count)])
        return (n, d, sim)
    }

    func testNudgeCurrentHandMadeCases() {
        let (n, d, _) = makeNudge()
        n.load(target: 1)
        XCTAssertEqual(n.targets, [0, 1, 0])
        d.set("v", [0, 1280, 640])                // V = 0, 5, 2.5
        d.set("en", 1)
        n.evaluate()
        // 0.5 * (y - 0.1 * V / 0.5): 0, 0.5 * (1 - 1) = 0, 0.5 * (0 - 0.5) = -0.25
        XCTAssertEqual(n.current.values, [0, 0, -1024])
        d.set("v", [256, 0, 0])                   // V = 1: 0.5 * (0 - 0.2) = -0.1 -> -409.6 -> -410
        n.evaluate()
        XCTAssertEqual(n.current.values, [-410, 2048, 0])
        d.set("en", 0)
        n.evaluate()
        XCTAssertEqual(n.current.values, [0, 0, 0], "no nudge outside the nudge phase")
        // Saturation at the current format's bounds.
        d.set("en", 1)
        d.set("v", [-32768, 32767, 0])            // V = -128, 128: 0.5 * (0 + 25.6) = 12.8 > 8
        n.evaluate()
        XCTAssertEqual(n.current.values, [32767, -32768, 0])
        XCTAssertEqual(n.saturations, 2)
    }

    func testNudgeRoundsToNearestTiesUp() {
        // beta 1, gamma 0.5, f_max 0.5: current = y - V, in s4.2 (LSB 1/4) from V in s4.3.
        let (n, d, _) = makeNudge(lanes: 4, v: "s4.3", current: "s4.2", beta: 1, gamma: 0.5)
        n.load(targets: [0, 0, 0, 1])
        d.set("en", 1)
        d.set("v", [1, 3, -1, 1])                 // -1/8, -3/8, +1/8, 1 - 1/8: half-LSB ties
        n.evaluate()
        XCTAssertEqual(n.current.values, [0, -1, 1, 4])   // -0.5 -> 0, -1.5 -> -1, 0.5 -> 1, 3.5 -> 4
    }

    func testNudgeRandomSignFollowsItsRegisterAndHoldsThroughTheNudgePhase() {
        let lanes = 3
        let n = NudgeUnit(name: "n", lanes: lanes, v: mcFormat("s4.8"), current: mcFormat("s4.12"), count: mcFormat("u8.0"),
                          beta: 0.5, gammaLI: 0.1, window: 50, sign: .random, seed: 7)
        let d = MCDriver([("v", lanes, mcFormat("s4.8")), ("en", 1, .bit)])
        let sim = try! Simulator(blocks: [d, n], connections: [Connection(d["v"], n.v), Connection(d["en"], n.enable)])
        n.load(target: 1)
        d.set("v", [0, 1280, 640])                // positive-sign currents: [0, 0, -1024]
        var ref = LFSR32(seed: referenceStreamSeed(7, 0))
        XCTAssertEqual(n.signState, ref.state)
        var negatives = 0, images = 0
        for image in 0..<64 {
            // 5 free clocks: the register steps on each edge.
            d.set("en", 0)
            for _ in 0..<5 {
                sim.step()
                _ = ref.next()
                XCTAssertEqual(n.signState, ref.state, "image \(image)")
                XCTAssertEqual(n.negative.value(0), Int32(ref.state >> 31))
            }
            // 4 nudge clocks: it holds, and the current carries its sign.
            d.set("en", 1)
            let neg = ref.state >> 31 != 0
            for _ in 0..<4 {
                n.evaluate()
                XCTAssertEqual(n.current.values, neg ? [0, 0, 1024] : [0, 0, -1024], "image \(image)")
                sim.step()
                XCTAssertEqual(n.signState, ref.state, "held in the nudge phase")
            }
            negatives += neg ? 1 : 0
            images += 1
        }
        XCTAssert(negatives > 16 && negatives < 48, "\(negatives) of \(images) images negative")
        // The register survives reset and is checkpointed.
        let state = n.signState!
        sim.reset()
        XCTAssertEqual(n.signState, state)
        XCTAssertEqual(n.persistentState.map(\.name), ["sign_lfsr"])
        try! n.restorePersistentState(name: "sign_lfsr", values: [Int32(bitPattern: 0x1234_5678)])
        XCTAssertEqual(n.signState, 0x1234_5678)
        XCTAssertEqual(n.negative.value(0), 0)
        XCTAssertThrowsError(try n.restorePersistentState(name: "sign_lfsr", values: [0]), "zero is the LFSR's dead state")
        // A positive-sign unit has no register and never raises negative.
        let (p, e, psim) = makeNudge()
        e.set("en", 0)
        psim.step()
        XCTAssertNil(p.signState)
        XCTAssertEqual(p.negative.value(0), 0)
        XCTAssertTrue(p.persistentState.isEmpty)
    }

    func testNudgeSkipDecision() {
        let (n, d, _) = makeNudge()                 // E = 0.5 * 50 = 25 spikes, T = floor(0.25) = 0
        XCTAssertEqual(n.expectedCount, 25)
        XCTAssertEqual(n.tolerance, 0)
        n.load(target: 1)
        for (counts, skip) in [([0, 25, 0], 1), ([0, 24, 0], 0), ([1, 25, 0], 0), ([0, 26, 0], 0), ([0, 0, 0], 0)] as [([Int32], Int32)] {
            d.set("count", counts)
            n.evaluate()
            XCTAssertEqual(n.skip.value(0), skip, "\(counts)")
        }
        let (m, e, _) = makeNudge(threshold: 0.1)   // T = floor(2.5) = 2
        m.load(target: 0)
        for (counts, skip) in [([23, 2, 0], 1), ([27, 0, 2], 1), ([22, 0, 0], 0), ([25, 3, 0], 0)] as [([Int32], Int32)] {
            e.set("count", counts)
            m.evaluate()
            XCTAssertEqual(m.skip.value(0), skip, "\(counts)")
        }
    }

    // MARK: Phase controller

    struct PhaseRow: Equatable, CustomStringConvertible {
        var phase, nudge, learn, countEnable, apply, done, clock: Int32
        var description: String { "p\(phase) n\(nudge) l\(learn) c\(countEnable) a\(apply) d\(done) t\(clock)" }
    }

    func row(_ p: PhaseController) -> PhaseRow {
        PhaseRow(phase: p.phase.value(0), nudge: p.nudge.value(0), learn: p.learn.value(0), countEnable: p.countEnable.value(0),
                 apply: p.apply.value(0), done: p.done.value(0), clock: p.clock.value(0))
    }

    /// The documented outputs of clock t.
    func expected(t: Int, tFree: Int, tNudge: Int, from: Int, to: Int, nudged: Bool, train: Bool) -> PhaseRow {
        let phase: Int32 = t < tFree ? 0 : (nudged && t < tFree + tNudge ? 1 : 2)
        return PhaseRow(phase: phase, nudge: phase == 1 ? 1 : 0, learn: phase == 1 && train ? 1 : 0,
                        countEnable: phase == 0 && t >= from && t < to ? 1 : 0,
                        apply: phase == 1 && t == tFree + tNudge - 1 ? 1 : 0, done: phase == 2 ? 1 : 0, clock: Int32(t))
    }

    func runPhase(tFree: Int, tNudge: Int, from: Int, to: Int, train: Bool, skipAt: Set<Int>, clocks: Int) -> (PhaseController, Bool) {
        let p = PhaseController(name: "pc", tFree: tFree, tNudge: tNudge, readoutFrom: from, readoutTo: to)
        let d = MCDriver([("skip", 1, .bit)])
        let sim = try! Simulator(blocks: [d, p], connections: [Connection(d["skip"], p.skip)])
        p.train = train
        sim.reset()
        let nudged = train && tNudge > 0 && !skipAt.contains(tFree - 1)
        for t in 0..<clocks {
            XCTAssertEqual(row(p), expected(t: t, tFree: tFree, tNudge: tNudge, from: from, to: to, nudged: nudged, train: train),
                           "clock \(t) (train \(train), skip at \(skipAt.sorted()))")
            XCTAssertEqual(p.isDone, row(p).done == 1)
            d.set("skip", skipAt.contains(t) ? 1 : 0)
            sim.step()
        }
        return (p, nudged)
    }

    func testPhaseControllerTimingNudged() {
        let (p, _) = runPhase(tFree: 10, tNudge: 4, from: 5, to: 10, train: true, skipAt: [3, 12], clocks: 20)
        XCTAssertTrue(p.nudgedThisImage)
        XCTAssertTrue(p.isDone)
        // Spelled out: count_enable in 5..9, nudge/learn in 10..13, apply in 13, done from 14.
        let q = PhaseController(name: "q", tFree: 10, tNudge: 4, readoutFrom: 5, readoutTo: 10)
        q.train = true
        var rows: [PhaseRow] = []
        for _ in 0..<16 { rows.append(row(q)); q.evaluate(); q.commit() }
        XCTAssertEqual(rows.indices.filter { rows[$0].countEnable == 1 }, [5, 6, 7, 8, 9])
        XCTAssertEqual(rows.indices.filter { rows[$0].nudge == 1 }, [10, 11, 12, 13])
        XCTAssertEqual(rows.indices.filter { rows[$0].learn == 1 }, [10, 11, 12, 13])
        XCTAssertEqual(rows.indices.filter { rows[$0].apply == 1 }, [13])
        XCTAssertEqual(rows.indices.filter { rows[$0].done == 1 }, [14, 15])
    }

    func testPhaseControllerSkipAndTrainFalse() {
        var (p, nudged) = runPhase(tFree: 10, tNudge: 4, from: 5, to: 10, train: true, skipAt: [9], clocks: 14)
        XCTAssertFalse(nudged)
        XCTAssertFalse(p.nudgedThisImage)
        (p, nudged) = runPhase(tFree: 10, tNudge: 4, from: 0, to: 10, train: false, skipAt: [], clocks: 14)
        XCTAssertFalse(p.nudgedThisImage)
        (p, _) = runPhase(tFree: 3, tNudge: 0, from: 0, to: 3, train: true, skipAt: [], clocks: 6)
        XCTAssertFalse(p.nudgedThisImage)
        (p, _) = runPhase(tFree: 1, tNudge: 1, from: 0, to: 1, train: true, skipAt: [], clocks: 4)
        XCTAssertTrue(p.nudgedThisImage)
    }

    func testPhaseControllerResetReturnsToFreePhase() {
        let p = PhaseController(name: "pc", tFree: 4, tNudge: 3, readoutFrom: 0, readoutTo: 4)
        p.train = true
        for _ in 0..<5 { p.evaluate(); p.commit() }
        XCTAssertEqual(row(p).phase, 1)
        XCTAssertTrue(p.nudgedThisImage)
        p.reset()
        XCTAssertEqual(row(p), PhaseRow(phase: 0, nudge: 0, learn: 0, countEnable: 1, apply: 0, done: 0, clock: 0))
        XCTAssertFalse(p.nudgedThisImage)
        XCTAssertFalse(p.isDone)
        XCTAssertEqual(p.clockCount, 0)
    }

    // MARK: LFSR

    func testLFSRLanesAreIndependentLFSR32Streams() {
        let l = LFSRBlock(name: "r", lanes: 5, seed: 42)
        let sim = try! Simulator(blocks: [l], connections: [])
        var refs = (0..<5).map { LFSR32(seed: referenceStreamSeed(42, $0)) }
        for t in 0..<50 {
            XCTAssertEqual(l.bits.values, refs.map { Int32($0.state >> 1) }, "clock \(t)")
            XCTAssertEqual(l.state.values, refs.map { Int32(bitPattern: $0.state) })
            sim.step()
            for k in 0..<5 { _ = refs[k].next() }
        }
        XCTAssertTrue(l.bits.values.allSatisfy { $0 >= 0 })
        XCTAssertEqual(Set(l.bits.values).count, 5)
        // Free-running across reset by default; reseed_on_reset restarts.
        let before = l.state.values
        sim.reset()
        XCTAssertEqual(l.state.values, before)
        let r = LFSRBlock(name: "r2", lanes: 5, seed: 42, reseedOnReset: true)
        let start = r.state.values
        r.evaluate(); r.commit()
        XCTAssertNotEqual(r.state.values, start)
        r.reset()
        XCTAssertEqual(r.state.values, start)
        let u = LFSRBlock(name: "u", lanes: 5, seed: 1)
        XCTAssertNoThrow(try u.restorePersistentState(name: "state", values: l.state.values))
        XCTAssertEqual(u.bits.values, l.bits.values)
    }

    func testLFSRBitsAreRoughlyUniform() {
        let l = LFSRBlock(name: "r", lanes: 64, seed: 7)
        let sim = try! Simulator(blocks: [l], connections: [])
        var sum = 0.0, n = 0.0
        for _ in 0..<200 {
            sim.step()
            for v in l.bits.values { sum += Double(v) / 0x1p31; n += 1 }
        }
        XCTAssertEqual(sum / n, 0.5, accuracy: 5 * (1.0 / 12 / n).squareRoot())
    }

    // MARK: Registry

    func testAllSixTypesAreRegisteredAndInstantiate() throws {
        let reg = BlockRegistry(memoryAndControlBlockTypes)
        XCTAssertEqual(reg.names, ["bias", "crossbar", "lfsr", "nudge", "phase_controller", "pixel_encoder"])
        let minimal: [String: [String: ParameterValue]] = [
            "crossbar": ["rows": .int(4), "cols": .int(3)],
            "bias": ["lanes": .int(3)],
            "pixel_encoder": ["lanes": .int(784)],
            "nudge": ["lanes": .int(10), "v": .format(mcFormat("s4.10")), "current": .format(mcFormat("s2.12")), "beta": .real(0.1),
                      "gamma_li": .real(0.1), "window": .int(50)],
            "phase_controller": [:],
            "lfsr": ["lanes": .int(8), "seed": .int(0xFFFF_FFFF)],
        ]
        for name in reg.names {
            let t = reg[name]!
            XCTAssertFalse(t.doc.isEmpty)
            XCTAssertTrue(t.parameters.allSatisfy { !$0.doc.isEmpty })
            let b = try t.instantiate("i_\(name)", minimal[name]!)
            XCTAssertEqual(b.typeName, name)
            XCTAssertEqual(b.name, "i_\(name)")
        }
        let x = try reg["crossbar"]!.instantiate("x", ["rows": .int(784), "cols": .int(300), "update": .word("deferred"),
                                                       "rounding": .word("stochastic"), "seed": .int(9)]) as! Crossbar
        XCTAssertEqual(x.updateMode, .deferred)
        XCTAssertEqual(x.rounding, .stochastic)
        XCTAssertEqual(x.rowSpike.lanes, 784)
        XCTAssertEqual(x.colCurrent.lanes, 300)
        XCTAssertEqual(x.storage.map(\.bits), [784 * 300 * 16, 784 * 300 * 24, 784, 512])
    }

    func testBadParametersAreRejectedWithClearMessages() {
        let reg = BlockRegistry(memoryAndControlBlockTypes)
        func rejects(_ type: String, _ p: [String: ParameterValue], _ parameter: String, _ fragment: String,
                     file: StaticString = #filePath, line: UInt = #line) {
            do throws(ParameterError) {
                _ = try reg[type]!.instantiate("bad", p)
                XCTFail("\(type) \(p) accepted", file: file, line: line)
            } catch {
                XCTAssertEqual(error.parameter, parameter, file: file, line: line)
                XCTAssertTrue(error.message.contains(fragment), "\(error.message)", file: file, line: line)
            }
        }
        rejects("crossbar", ["rows": .int(0), "cols": .int(3)], "rows", "out of range")
        rejects("crossbar", ["rows": .int(100_000), "cols": .int(100_000)], "cols", "exceeds")
        rejects("crossbar", ["rows": .int(2), "cols": .int(2), "rounding": .word("stochastic"), "delta": .format(mcFormat("s1.15"))],
                "rounding", "more fraction bits")
        rejects("crossbar", ["rows": .int(2), "cols": .int(2), "read_rounding": .word("stochastic")], "read_rounding", "not one of")
        rejects("crossbar", ["rows": .int(2), "cols": .int(2), "update": .word("later")], "update", "not one of")
        rejects("crossbar", ["rows": .int(2), "cols": .int(2), "colour": .int(1)], "colour", "unknown")
        rejects("bias", ["lanes": .int(2), "rounding": .word("stochastic"), "weight": .format(mcFormat("s4.12")), "delta": .format(mcFormat("s4.12"))],
                "rounding", "more fraction bits")
        rejects("pixel_encoder", ["lanes": .int(4), "current": .format(mcFormat("s1.7")), "gain": .real(1)], "gain", "saturate")
        rejects("pixel_encoder", ["lanes": .int(4), "current": .format(mcFormat("u2.6")), "gain": .real(-1)], "gain", "outside")
        rejects("nudge", ["lanes": .int(10), "v": .format(mcFormat("s4.10")), "current": .format(mcFormat("u2.12")), "beta": .real(0.1),
                          "gamma_li": .real(0.1), "window": .int(50)], "current", "unsigned")
        rejects("nudge", ["lanes": .int(10), "v": .format(mcFormat("s4.10")), "current": .format(mcFormat("s2.12")), "beta": .real(0.1),
                          "gamma_li": .real(0.1), "window": .int(50), "coef_frac": .int(2)], "coef_frac", "rounds to 0")
        rejects("nudge", ["lanes": .int(10), "v": .format(mcFormat("s4.10")), "current": .format(mcFormat("s2.12")), "beta": .real(0.1),
                          "window": .int(50)], "gamma_li", "missing")
        rejects("phase_controller", ["t_free": .int(100), "readout_from": .int(50), "readout_to": .int(101)], "readout_to", "beyond")
        rejects("phase_controller", ["readout_from": .int(60), "readout_to": .int(60)], "readout_from", "empty")
        rejects("phase_controller", ["t_free": .int(0)], "t_free", "out of range")
        rejects("lfsr", ["lanes": .int(2), "seed": .int(-1)], "seed", "out of range")
    }
}
