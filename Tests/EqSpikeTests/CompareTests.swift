import XCTest
import Foundation
import Waveform
import Datasets
import FixedPoint
@testable import EqSpike
@testable import Tooling

/// The fixed-point chip against the float golden model in lockstep (`Comparison`): the mapping of a
/// design to a GoldenConfig, convergence as fraction bits grow, spike agreement at the widest
/// setting, learning, and the two-scope waveform.
final class CompareTests: XCTestCase {
    /// Fraction bits F for the membrane, input current, crossbar current, LI, difference and FIR
    /// formats (the FIR output keeps 4 more, as the design does).
    static func precision(_ f: Int) -> [String] {
        ["membrane=s2.\(f)", "in_current=s2.\(f)", "current=s6.\(f)", "rate_v=u4.\(f)", "diff=s5.\(f)", "deriv=s4.\(f + 4)"]
    }

    static func compare(_ overrides: [String], images: Int = 1, learn: Bool = false, testSet: Bool = true) throws -> CompareReport {
        let chip = try Chip(path: Repo.design100, overrides: overrides)
        try chip.initialiseMemories(seed: 1)
        let (train, test) = try Repo.subsetData()
        let set = testSet ? test : train
        let c = try Comparison(chip: chip)
        for i in 0..<images {
            set.withImage(i) { _ = c.run(pixels: $0, label: Int(set.labels[i]), learn: learn) }
        }
        return c.report(netlist: Repo.design100, overrides: overrides)
    }

    func testGoldenConfigIsReadFromTheDesign() throws {
        let chip = try Chip(path: Repo.design100, overrides: ["H=24", "T_free=60", "readout_from=10", "readout_to=60", "beta=0.2",
                                                             "eta=1e-3", "update_mode=immediate", "tau=15", "N_filt=8", "seed=7"])
        let c = try GoldenDesign(chip: chip).config
        XCTAssertEqual([c.inputs, c.hidden, c.outputs], [784, 24, 10])
        XCTAssertEqual([c.tFree, c.tNudge, c.readoutFrom, c.readoutTo], [60, 100, 10, 60])
        XCTAssertEqual([c.tau, c.nFilt, c.tRefract, c.firstSpikeDeadline], [15, 8, 2, 20])
        XCTAssertEqual(c.beta, 0.2)
        XCTAssertEqual(c.eta1, 1e-3, accuracy: 1e-3 * 1e-4)
        XCTAssertEqual(c.eta2, 1e-3, accuracy: 1e-3 * 1e-4)       // the design's eta2 = eta
        XCTAssertEqual(c.etaB, 1e-3, accuracy: 1e-3 * 1e-4)       // eta_b = eta; factor eta_b * f_max, divided back by f_max
        XCTAssertEqual(c.nudgeSignState, chip.nudge.signState)    // nudge_sign = random
        XCTAssertNotEqual(c.nudgeSignState, 0)
        XCTAssertEqual(c.gammaLI, 0.1)
        XCTAssertEqual(c.fMax, 0.5)
        XCTAssertEqual(c.threshold, 1.0)
        XCTAssertEqual(c.uMin, -1.0)
        XCTAssertEqual(c.gIn, 1.0)
        XCTAssertEqual(c.skipThreshold, 0.01)
        XCTAssertEqual(c.etaSchedule, try chip.settings.learningRateSchedule)   // the design's lr_schedule
        XCTAssertEqual(c.etaSchedule.count, 50)
        XCTAssertEqual(Array(c.etaSchedule.prefix(8)), [1, 1, 1, 1, 1, 1, 0.5, 0.5])
        XCTAssertEqual(c.initScale, 0.5)
        XCTAssertEqual(c.seed, 7)
        XCTAssertEqual(c.updateMode, .immediate)
        XCTAssertEqual(c.reset, .subtract)
        XCTAssertTrue(c.integrateDuringRefractory)
        XCTAssertTrue(try GoldenDesign(chip: chip).warnings.isEmpty)
    }

    /// Same seed, same initial weights: the golden model's Doubles round to the chip's words.
    func testGoldenInitialWeightsAreTheChipsBeforeRounding() throws {
        let chip = try Chip(path: Repo.design100, overrides: ["H=16"])
        try chip.initialiseMemories(seed: 3)
        let net = try GoldenDesign(chip: chip).network(seed: 3)
        let f = chip.w1.weightFormat
        let scale = Double(1 << f.fracBits)
        for (raw, w) in zip(chip.w1.weights, net.weights1) { XCTAssertEqual(Double(raw), (w * scale).rounded(.toNearestOrAwayFromZero), accuracy: 0.5001) }
        for (raw, w) in zip(chip.w2.weights, net.weights2) { XCTAssertEqual(Double(raw), (w * scale).rounded(.toNearestOrAwayFromZero), accuracy: 0.5001) }
        XCTAssertGreaterThan(Set(chip.w1.weights).count, 100)
    }

    /// As the fraction bits of the neuron-path formats grow, the chip comes closer to the float
    /// model: the mean error (in the signals' own units) shrinks for every state, and so does the
    /// fraction of differing spike bits. 1000 clocks of one test image, fixed weights.
    func testErrorShrinksAsFractionBitsGrow() throws {
        var previous: CompareReport? = nil
        var lines: [String] = []
        for f in [8, 12, 16, 20] {
            let r = try Self.compare(["H=24", "T_free=1000"] + Self.precision(f))
            XCTAssertEqual(r.clocks, 1000)
            let differing = r.spikes.reduce(0) { $0 + $1.differing }, bits = r.spikes.reduce(0) { $0 + $1.bits }
            lines.append("F=\(f): " + r.states.map { "\($0.state) \(String(format: "%.3g", $0.meanAbs))" }.joined(separator: " ")
                         + " spikes differ \(differing)/\(bits)")
            if let p = previous {
                for s in r.states where s.state != "input.I" {
                    let before = try XCTUnwrap(p.state(s.state))
                    XCTAssertLessThan(s.meanAbs, before.meanAbs, "\(s.state): F=\(f) is not closer than F=\(f - 4)")
                }
                XCTAssertLessThan(differing, p.spikes.reduce(0) { $0 + $1.differing }, "F=\(f)")
            }
            previous = r
        }
        print(lines.joined(separator: "\n"))
    }

    /// At 20 fraction bits the two models' spike rasters agree on >= 99.9% of the bits over 1000
    /// clocks. With g_in = 1 an input neuron driven by pixel p is exactly on its threshold every
    /// 255 / gcd(p, 255) clocks, where either model's rounding decides (the float model's Double
    /// sums too); g_in = 0.999 removes those ties and leaves almost nothing.
    func testWidestSettingAgreesOnSpikes() throws {
        let tied = try Self.compare(["H=24", "T_free=1000"] + Self.precision(20))
        let pooled = Double(tied.spikes.reduce(0) { $0 + $1.bits - $1.differing }) / Double(tied.spikes.reduce(0) { $0 + $1.bits })
        XCTAssertGreaterThanOrEqual(pooled, 0.999, tied.text)
        let r = try Self.compare(["H=24", "T_free=1000", "g_in=0.999"] + Self.precision(20))
        for s in r.spikes {
            XCTAssertGreaterThanOrEqual(s.agreement, 0.999, "\(s.layer)\n\(r.text)")
            XCTAssertGreaterThan(s.rateCorrelation ?? 0, 0.999, s.layer)
        }
        XCTAssertEqual(r.classAgreement, 1)
        // While every spike agrees, hidden currents and membranes are exact (weights are on the
        // 2^-15 grid, which s6.20 and s2.20 hold), and the estimators are within a few LSBs.
        XCTAssertEqual(try XCTUnwrap(r.state("hidden.I")).syncMaxLSB, 0)
        XCTAssertEqual(try XCTUnwrap(r.state("hidden.u")).syncMaxLSB, 0)
        XCTAssertLessThan(try XCTUnwrap(r.state("hidden.V")).syncMaxLSB, 32)
        XCTAssertGreaterThan(r.syncClocks, 300)
    }

    /// Learning in lockstep: after one image (nudged), the weights of the chip (delta s1.30,
    /// stochastic rounding into s1.15) are within a few LSBs of the float model's.
    func testLearningKeepsMemoriesWithinAFewLSBs() throws {
        let r = try Self.compare(["H=24", "eta=1e-3", "g_in=0.999", "delta=s1.30"] + Self.precision(20), learn: true, testSet: false)
        XCTAssertEqual(r.learningImages, 1)
        XCTAssertEqual(r.nudgeDisagreements, 0)
        XCTAssertEqual(r.nudgedImages, 1)
        let ws = try XCTUnwrap(r.weights)
        XCTAssertEqual(ws.map(\.memory), ["w1", "w2", "b_h", "b_o"])
        for w in ws {
            XCTAssertLessThan(w.maxLSB, 8, "\(w.memory)\n\(r.text)")
            XCTAssertLessThan(w.meanLSB, 1, "\(w.memory)\n\(r.text)")
        }
    }

    /// Random-sign nudging in lockstep: the float model's sign register follows the chip's image
    /// by image and both signs occur; on an image nudged by -beta the memories stay within a few
    /// LSBs (were the float model to learn with +eta there, they would differ by whole updates).
    /// With nudge_sign = positive the golden model keeps +beta.
    func testRandomSignNudgingMirrorsTheChip() throws {
        let overrides = ["H=24", "eta=1e-3", "g_in=0.999", "delta=s1.30"] + Self.precision(20)
        let (train, _) = try Repo.subsetData()
        do {
            let chip = try Chip(path: Repo.design100, overrides: overrides)
            try chip.initialiseMemories(seed: 1)
            let c = try Comparison(chip: chip)
            var negative = 0, nudged = 0
            for i in 0..<8 {
                train.withImage(i) { _ = c.run(pixels: $0, label: Int(train.labels[i]), learn: true) }
                XCTAssertEqual(c.golden.signLFSR?.state, chip.nudge.signState, "image \(i)")
                if chip.phase.nudgedThisImage {
                    nudged += 1
                    if c.golden.nudgeSign < 0 { negative += 1 }
                    XCTAssertEqual(c.golden.nudgeSign < 0, chip.nudge.negative.value(0) != 0, "image \(i)")
                }
            }
            XCTAssertGreaterThan(negative, 0)
            XCTAssertLessThan(negative, nudged)
            XCTAssertEqual(c.report(netlist: Repo.design100, overrides: overrides).nudgeDisagreements, 0)
        }
        // One image nudged by -beta: a sign register whose top bit is set after T_free steps.
        let chip = try Chip(path: Repo.design100, overrides: overrides)
        try chip.initialiseMemories(seed: 1)
        var state: UInt32 = 1
        while true {
            var r = LFSR32(seed: state)
            for _ in 0..<chip.phase.tFree { _ = r.next() }
            if r.state >> 31 != 0 { break }
            state += 1
        }
        try chip.nudge.restorePersistentState(name: "sign_lfsr", values: [Int32(bitPattern: state)])
        let c = try Comparison(chip: chip)
        train.withImage(0) { _ = c.run(pixels: $0, label: Int(train.labels[0]), learn: true) }
        XCTAssertTrue(chip.phase.nudgedThisImage)
        XCTAssertEqual(c.golden.nudgeSign, -1)
        let r = c.report(netlist: Repo.design100, overrides: overrides)
        for w in try XCTUnwrap(r.weights) {
            XCTAssertLessThan(w.maxLSB, 8, "\(w.memory)\n\(r.text)")
            XCTAssertLessThan(w.meanLSB, 1, "\(w.memory)\n\(r.text)")
        }
        let positive = try Chip(path: Repo.design100, overrides: ["H=8", "nudge_sign=positive"])
        XCTAssertEqual(try GoldenDesign(chip: positive).config.nudgeSignState, 0)
    }

    /// One VCD with a fixed and a float scope; the save file shows each fixed trace above its twin.
    func testWaveformHasFixedAndFloatScopes() throws {
        let chip = try Chip(path: Repo.design100, overrides: ["H=8", "T_free=240", "readout_from=10", "readout_to=30"])
        try chip.initialiseMemories(seed: 1)
        let (_, test) = try Repo.subsetData()
        let c = try Comparison(chip: chip)
        let dir = Repo.temporaryDirectory("cmpvcd")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try c.attachWaveform(to: DumpTarget(dir + "/c.vcd"), patterns: ["h.u[0:1]", "h.spike[0:1]", "li_h.v[0]", "ctrl.phase"], version: "test")
        test.withImage(0) { _ = c.run(pixels: $0, label: Int(test.labels[0]), learn: false) }
        let files = try XCTUnwrap(try c.finishWaveform())
        let vcd = try String(contentsOfFile: files.dump, encoding: .utf8)
        XCTAssertTrue(vcd.contains("$scope module fixed $end"))
        XCTAssertTrue(vcd.contains("$scope module float $end"))
        XCTAssertTrue(vcd.contains("$var real 64"))
        XCTAssertTrue(vcd.contains("$var real 64 ") && vcd.contains(" u_1 $end"), "float lanes spelt like the fixed ones")
        // Float spikes are bits, like the chip's: not reals drawn as boxes reading "0".
        XCTAssertTrue(vcd.components(separatedBy: "$scope module float $end")[1].contains("$var reg 1 "), "float spikes as 1-bit signals")
        XCTAssertFalse(vcd.contains(" spike(0) $end"))
        let lines = try String(contentsOfFile: XCTUnwrap(files.gtkw), encoding: .utf8).split(separator: "\n").map(String.init)
        // Each trace carries an alias that names its side: fixed and float differ by name.
        for (fixed, float) in [("+{h.u_1 fixed} fixed.h.u_1[15:0]", "+{h.u_1 float} float.h.u_1"),
                               ("+{h.spike_0 fixed} fixed.h.spike_0", "+{h.spike_0 float} float.h.spike_0"),
                               ("+{li_h.v_0 fixed} fixed.li_h.v_0[15:0]", "+{li_h.v_0 float} float.li_h.v_0")] {
            let i = try XCTUnwrap(lines.firstIndex(of: fixed), fixed)
            let j = try XCTUnwrap(lines.firstIndex(of: float), float)
            XCTAssertLessThan(i, j)
            XCTAssertFalse(lines[i + 1..<j].contains { $0.hasPrefix("+{") }, "\(fixed) / \(float) not adjacent")
        }
        let traces = lines.filter { $0.hasPrefix("+{") }
        XCTAssertEqual(Set(traces.map { $0.split(separator: "}")[0] }).count, traces.count, "every shown name is distinct")
        // Opens on the whole dump (not the first 200 clocks): zoom as for its clocks + the closing step.
        let star = try XCTUnwrap(lines.first { $0.hasPrefix("*") })
        let zoom = try XCTUnwrap(Double(star.dropFirst().split(separator: " ")[0]))
        let times = vcd.split(separator: "\n").filter { $0.hasPrefix("#") }.compactMap { Int($0.dropFirst()) }
        let ticks = try XCTUnwrap(times.last) - XCTUnwrap(times.first)   // the last time is the closing step
        XCTAssertGreaterThan(ticks, 200 * 10, "an image longer than the 200 clocks the save file used to show")
        var o = GTKWaveSaveFile.Options()
        o.signalsWidth = 300
        XCTAssertEqual(zoom, GTKWaveSaveFile.zoom(forTicks: ticks, options: o), accuracy: 1e-5, "\(star): \(ticks) ticks")
        XCTAssertTrue(lines.contains("+{ctrl.phase fixed} fixed.ctrl.phase[1:0]"))
        // Groups in the default view's order, as simulate's: the controller first, the input last.
        let groups = lines.indices.filter { lines[$0] == "@800200" }.map { lines[$0 + 1] }
        XCTAssertEqual(groups, ["-ctrl", "-h", "-li_h"], "\(groups)")
    }

    /// The skip test sees the whole readout window (docs/algorithm.md). An output driven by a bias
    /// of 1.0 fires on every odd clock: 25 spikes in [50, 100), exactly on target, so both models
    /// skip the nudge. With a registered spike counter the chip's skip logic, sampled in clock 99,
    /// saw only 24 (clocks 50 ... 98) and nudged; the designs' counter now runs with bypass = true.
    func testSkipTestSeesTheWholeReadoutWindow() throws {
        // Pinned phase lengths, so the test does not depend on the design's current defaults.
        let phases = ["T_free=100", "readout_from=50", "readout_to=100"]
        let chip = try Chip(path: Repo.design100, overrides: ["H=8"] + phases)
        try chip.initialiseMemories(seed: 1)
        try chip.w2.load(weights: [Double](repeating: 0, count: 8 * 10), rounding: .nearest, seed: 1)
        let label = 3
        let bo = try XCTUnwrap(chip.bias(feeding: chip.outputLayer))
        try bo.load(values: (0..<10).map { $0 == label ? 1.0 : -1.0 })
        let c = try Comparison(chip: chip)
        let (train, _) = try Repo.subsetData()
        train.withImage(0) { _ = c.run(pixels: $0, label: label, learn: true) }
        let r = c.report(netlist: Repo.design100, overrides: ["H=8"] + phases)
        XCTAssertEqual(r.nudgeDecisions, 1)
        XCTAssertEqual(r.nudgeDisagreements, 0, r.text)
        XCTAssertEqual(r.nudgedImages, 0, r.text)
        XCTAssertEqual(chip.readout.count.values.map(Int.init), (0..<10).map { $0 == label ? 25 : 0 })
        XCTAssertEqual(r.clocks, 100)

        // The same circuit with the registered counter shows the one-clock lag.
        let lagging = try Chip(path: Repo.design100, overrides: ["H=8", "count.bypass=false"] + phases)
        try lagging.initialiseMemories(seed: 1)
        try lagging.w2.load(weights: [Double](repeating: 0, count: 8 * 10), rounding: .nearest, seed: 1)
        try XCTUnwrap(lagging.bias(feeding: lagging.outputLayer)).load(values: (0..<10).map { $0 == label ? 1.0 : -1.0 })
        let l = try Comparison(chip: lagging)
        train.withImage(0) { _ = l.run(pixels: $0, label: label, learn: true) }
        let lr = l.report(netlist: Repo.design100, overrides: [])
        XCTAssertEqual(lr.nudgedOnlyByFixed, 1, lr.text)
        XCTAssertEqual(lr.nudgeDisagreementsOneClockEarly, 0, lr.text)
    }
}
