import Foundation
import XCTest
import Datasets
@testable import EqSpike
import RTL
import Tooling

/// Co-simulation of the emitted RTL against the model (Tooling/Cosim.swift): bit-exact on the
/// tiny design learning under both HDL simulators, and a changed operator in one emitted module
/// is caught at the right block and signal.
final class RTLCosimTests: XCTestCase {
    /// The shipped subset as the tiny design sees it (4x4 thumbnails of digits 0-3), as `Setup.data` fits it.
    static func tinyTrainingImages() throws -> LabeledImages {
        let (train, _) = try MNIST.load(directory: RTLTests.root + "/Tests/Data/mnist-subset")
        return try train.resampled(rows: 4, cols: 4).keeping(classesBelow: 4)
    }

    static func directory(_ name: String) -> String {
        let d = NSTemporaryDirectory() + "eqspike-cosimtests-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: d)
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func cosim(_ sim: HDLSimulator, images: Int, name: String, userRTL: String? = nil) throws -> Cosim.Report {
        if let m = sim.missing { throw XCTSkip("\(sim.rawValue): \(m)") }
        let chip = try RTLTests.chip(RTLTests.tiny)
        return try Cosim.run(chip: chip, images: Self.tinyTrainingImages(), count: images, learn: true, simulator: sim,
                             directory: Self.directory(name), userRTL: userRTL)
    }

    /// The RTL of `chip` (default: the tiny design) written into a fresh directory with one piece of
    /// `file` replaced (a planted bug); fails the test if the piece is not where it expects it.
    static func plantedRTL(_ name: String, chip given: Chip? = nil, file: String, replacing piece: String, with bug: String) throws -> String {
        let chip = try given ?? RTLTests.chip(RTLTests.tiny)
        let dir = directory(name)
        try RTLDesign.emit(circuit: chip.design.circuit, blocks: chip.design.blocks).write(to: dir)
        let path = dir + "/" + file
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let planted = text.replacingOccurrences(of: piece, with: bug)
        XCTAssertNotEqual(planted, text, "'\(piece)' is not in \(file)")
        try planted.write(toFile: path, atomically: true, encoding: .utf8)
        return dir
    }

    func checkMatch(_ r: Cosim.Report, images: Int) {
        XCTAssertNil(r.mismatch, r.mismatch?.description ?? "")
        XCTAssertEqual(r.images, images)
        // Both images of the tiny design are nudged (100 free + 100 nudge clocks each): the
        // learning path, deferred commit and stochastic rounding are all exercised.
        XCTAssertEqual(r.ticks, 200 * images)
        XCTAssertEqual(r.comparisons, r.ticks * r.lanesPerTick)
        XCTAssertGreaterThan(r.memoryWords, 0)
    }

    func testTinyLearningIsBitExactUnderIcarus() throws {
        checkMatch(try cosim(.icarus, images: 2, name: "icarus"), images: 2)
    }

    func testTinyLearningIsBitExactUnderVerilator() throws {
        checkMatch(try cosim(.verilator, images: 2, name: "verilator"), images: 2)
    }

    /// Bit-exact beyond the shipped settings: every rounding and overflow mode, immediate and
    /// deferred updates, leaks, both resets, frozen refractory, shift-mode LI, power-of-two FIR,
    /// random nudge sign, narrow weights that saturate, rounded crossbar reads, no nudge phase,
    /// one-tap delays; one learning image each under Icarus.
    func testParameterVariantsAreBitExact() throws {
        let sim = HDLSimulator.icarus
        if let m = sim.missing { throw XCTSkip("\(sim.rawValue): \(m)") }
        let variants: [[String]] = [
            ["w1.update=immediate", "w2.update=immediate", "b_h.update=immediate", "b_o.update=immediate"],
            ["h.rounding=nearestEven", "o.rounding=truncate", "x.rounding=nearestEven"],
            ["h.leak=0.05", "o.leak=0.1", "h.reset=zero"],
            ["h.integrate_refractory=false", "o.refractory=3"],
            ["li_h.leak_mode=shift", "li_h.gamma=0.125", "li_o.rounding=truncate"],
            ["f_h.taps=16", "f_o.rounding=nearestEven", "f_h.rounding=truncate"],
            ["nudge.sign=random"],
            ["w1.rounding=nearest", "w2.rounding=nearestEven", "b_h.rounding=truncate"],
            ["d_h.overflow=wrap", "eta1_h.rounding=nearestEven", "eta2_o.rounding=truncate", "count.bypass=false"],
            ["weight=s1.5", "w1.overflow=wrap", "eta=0.2", "bias_w=s1.6", "beta=4"],
            ["current=s3.12", "w1.read_rounding=nearestEven", "w2.read_rounding=truncate"],
            ["T_nudge=0"],
            ["rate_v=u3.8", "diff=s4.8", "tau=1", "N_filt=1"],
            // SRAM ports: one word, a width dividing neither side, wider than both (stochastic
            // draws then span accesses, or several sit in one), and immediate updates through them.
            ["w1.port_words=1", "w2.port_words=3"],
            ["w1.port_words=5", "w2.port_words=64"],
            ["w1.port_words=3", "w2.port_words=2", "w1.update=immediate", "w2.update=immediate"],
        ]
        let images = try Self.tinyTrainingImages()
        for v in variants {
            let chip = try RTLTests.chip(RTLTests.tiny, v)
            let r = try Cosim.run(chip: chip, images: images, count: 1, learn: true, simulator: sim,
                                  directory: Self.directory("variant"), userRTL: nil)
            XCTAssertNil(r.mismatch, "\(v): \(r.mismatch?.description ?? "")")
            XCTAssertEqual(r.images, 1, "\(v)")
            XCTAssertGreaterThan(r.comparisons, 0, "\(v)")
        }
    }

    /// A rounding bug in W2's commit sweep changes no signal within the image, only the stored
    /// weights: the end-of-image memory comparison finds it, naming the word's row and column.
    func testPlantedSweepBugIsFoundInTheMemory() throws {
        let sim = HDLSimulator.icarus
        if let m = sim.missing { throw XCTSkip("\(sim.rawValue): \(m)") }
        let mine = try Self.plantedRTL("sweep-rtl", file: "crossbar_w2.v", replacing: "(s_value >>> 8)", with: "(s_value >>> 7)")
        let r = try cosim(sim, images: 1, name: "sweep", userRTL: mine)
        let m = try XCTUnwrap(r.mismatch, "the changed shift went unnoticed")
        XCTAssertEqual(m.signal, "w2.weights")
        XCTAssertEqual(m.tick, -1, "found at the end of the image")
        XCTAssertTrue(m.description.contains("row ") && m.description.contains("col "), m.description)
    }

    /// The lfsr block (in no shipped design): free-running and reseeded on reset, both bit-exact.
    func testLFSRBlockIsBitExact() throws {
        let sim = HDLSimulator.icarus
        if let m = sim.missing { throw XCTSkip("\(sim.rawValue): \(m)") }
        let net = Self.directory("lfsr-net") + "/tiny-lfsr.net"
        let text = try String(contentsOfFile: RTLTests.tiny, encoding: .utf8)
            + "\nblock rng: lfsr(lanes = 3, seed = 5)\nblock rng2: lfsr(lanes = 2, seed = 0, reseed_on_reset = true)\n"
        try text.write(toFile: net, atomically: true, encoding: .utf8)
        let chip = try RTLTests.chip(net)
        let r = try Cosim.run(chip: chip, images: Self.tinyTrainingImages(), count: 2, learn: true, simulator: sim,
                              directory: Self.directory("lfsr"), userRTL: nil)
        XCTAssertNil(r.mismatch, r.mismatch?.description ?? "")
        XCTAssertEqual(r.images, 2)
    }

    /// --vcd: the test bench dumps the RTL's hierarchy, netlist names as scopes.
    func testRTLWaveform() throws {
        let sim = HDLSimulator.icarus
        if let m = sim.missing { throw XCTSkip("\(sim.rawValue): \(m)") }
        let vcd = Self.directory("vcd-file") + "/rtl.vcd"
        let chip = try RTLTests.chip(RTLTests.tiny)
        let r = try Cosim.run(chip: chip, images: Self.tinyTrainingImages(), count: 1, learn: false, simulator: sim,
                              directory: Self.directory("vcd"), userRTL: nil, vcd: vcd)
        XCTAssertNil(r.mismatch, r.mismatch?.description ?? "")
        let text = try String(contentsOfFile: vcd, encoding: .utf8)
        XCTAssertTrue(text.contains("$scope module dut $end") && text.contains("$scope module h $end") && text.contains(" h_spike "), String(text.prefix(2000)))
    }

    /// A sequencer that takes one more access per row than the port needs reads only zeros in
    /// it, so every value stays right: the tick's system cycles, compared with the model's count,
    /// are what finds it.
    func testPlantedCycleBugIsFoundInTheSystemCycles() throws {
        let sim = HDLSimulator.icarus
        if let m = sim.missing { throw XCTSkip("\(sim.rawValue): \(m)") }
        let mine = try Self.plantedRTL("cycles-rtl", file: "crossbar_w1.v",
                                  replacing: "wire last_chunk = chunk == (job_on_column ? 1'd0 : 1'd0);",
                                  with: "wire last_chunk = chunk == (job_on_column ? 1'd0 : 1'd1);")
        for light in [false, true] {   // --light compares the cycles too
            let r = try Cosim.run(chip: try RTLTests.chip(RTLTests.tiny), images: Self.tinyTrainingImages(), count: 1, learn: true,
                                  simulator: sim, directory: Self.directory("cycles"), userRTL: mine, signals: !light)
            let m = try XCTUnwrap(r.mismatch, "a tick taking more system cycles went unnoticed (light: \(light))")
            XCTAssertEqual(m.signal, "system cycles", m.description)
            XCTAssertTrue(m.expected.contains("w1: read"), m.description)
            XCTAssertGreaterThan(Int(m.actual) ?? 0, Int(m.expected.prefix { $0 != " " }) ?? .max, m.description)
        }
    }

    /// --light: no signal trace, the cycles of every tick and the memories still compared.
    func testLightCosimComparesCyclesAndMemories() throws {
        let sim = HDLSimulator.icarus
        if let m = sim.missing { throw XCTSkip("\(sim.rawValue): \(m)") }
        let r = try Cosim.run(chip: try RTLTests.chip(RTLTests.tiny), images: Self.tinyTrainingImages(), count: 2, learn: true,
                              simulator: sim, directory: Self.directory("light"), userRTL: nil, signals: false)
        XCTAssertNil(r.mismatch, r.mismatch?.description ?? "")
        XCTAssertEqual(r.comparisons, 0)
        XCTAssertEqual(r.ticks, 400)
        XCTAssertEqual(r.rtlCycles, r.modelCycles)
        XCTAssertGreaterThan(r.memoryWords, 0)
    }

    /// The difference D = V - V(t - tau) of the hidden estimator made a sum by one changed
    /// operator in adder_d_h.v: cosim must stop at d_h.sum.
    func testPlantedBugIsFoundAtItsBlockAndSignal() throws {
        let sim = HDLSimulator.icarus
        if let m = sim.missing { throw XCTSkip("\(sim.rawValue): \(m)") }
        let mine = try Self.plantedRTL("planted-rtl", file: "adder_d_h.v", replacing: ") - $signed(", with: ") + $signed(")
        let r = try cosim(sim, images: 1, name: "planted", userRTL: mine)
        let m = try XCTUnwrap(r.mismatch, "the changed operator went unnoticed")
        XCTAssertEqual(m.instance, "d_h")
        XCTAssertEqual(m.signal, "d_h.sum")
        XCTAssertEqual(m.typeName, "adder")
        XCTAssertTrue(m.description.contains("expected raw") && m.description.contains("RTL has raw"), m.description)
    }
}
