import Foundation
import XCTest
@testable import Tooling

/// `eqspike synth` (Tooling/Synth.swift): the numbers move the way the formats say, the totals
/// are the sums of the parts, a Liberty file's areas are used when given, results are cached, and
/// bad input is refused. On a 4-2-2 variant of the tiny design and a few blocks at a time, so each
/// test takes seconds; skipped (naming the package) when Yosys is missing.
final class SynthTests: XCTestCase {
    static let small = ["N_in=4", "H=2", "N_out=2"]

    /// A fresh cache directory of this test, removed when it ends.
    func cache(_ name: String) -> String {
        let d = NSTemporaryDirectory() + "eqspike-synthtests-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: d)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    func synth(_ overrides: [String], only: Set<String>, liberty: String? = nil, laneScaling: Bool = false, cache: String) throws -> Synth.Report {
        try RTLTests.requireTool("yosys", package: "yosys")
        let chip = try RTLTests.chip(RTLTests.tiny, Self.small + overrides)
        var s = Synth.Settings()
        s.only = only
        s.liberty = liberty
        s.laneScaling = laneScaling
        s.cacheDirectory = cache
        s.timeoutSeconds = 300
        return try Synth.run(circuit: chip.design.circuit, blocks: chip.design.blocks, settings: s)
    }

    /// Weights of 18 instead of 16 bits (s3.15: two more integer bits): every weight array grows, shadows stay.
    func testWiderWeightFormatGrowsSRAMBitsAndArea() throws {
        let c = cache("sram")
        let narrow = try synth([], only: [], cache: c)
        let wide = try synth(["weight=s3.15"], only: [], cache: c)
        XCTAssertTrue(narrow.blocks.isEmpty && wide.blocks.isEmpty, "SRAM sizes need no logic synthesis")
        for name in ["w1.weights", "w2.weights"] {
            let n = try XCTUnwrap(narrow.srams.first { $0.instance == name }), w = try XCTUnwrap(wide.srams.first { $0.instance == name })
            XCTAssertEqual(n.bits, 16)
            XCTAssertEqual(w.bits, 18)
            XCTAssertEqual(w.words, n.words)
            XCTAssertEqual(w.totalBits * 16, n.totalBits * 18)
            XCTAssertGreaterThan(w.area, n.area)
        }
        XCTAssertEqual(narrow.srams.first { $0.instance == "w1.weights" }?.words, 4 * 2)
        XCTAssertEqual(narrow.srams.first { $0.instance == "w1.weights" }?.portWords, 16)
        XCTAssertGreaterThan(wide.sramBits, narrow.sramBits)
        XCTAssertGreaterThan(wide.totalArea, narrow.totalArea)
    }

    /// Lane scaling: a 48-lane LIF bank estimated from copies of 16 and 32 lanes comes within 5%
    /// of its synthesis whole (cells, transistors, flip-flops; measured: the LIF bank
    /// -3.0% in cells, -3.0% in transistors, ABC maps the larger netlist a little less tightly;
    /// an extrapolation that mixed up the sizes would be off by tens of percent); blocks of 32 lanes or
    /// fewer are synthesised whole; the estimate is marked and `check`'s cached table finds it.
    func testLaneScalingEstimatesABankFromTwoSmallerCopies() throws {
        let c = cache("lanes")
        let big = ["H=48"]
        let whole = try synth(big, only: ["h", "o"], cache: c)
        let scaled = try synth(big, only: ["h", "o"], laneScaling: true, cache: c)
        for name in ["h"] {
            let w = try XCTUnwrap(whole.blocks.first { $0.instance == name }), e = try XCTUnwrap(scaled.blocks.first { $0.instance == name })
            XCTAssertNil(w.failure); XCTAssertNil(e.failure)
            XCTAssertNil(w.estimate)
            XCTAssertEqual(e.estimate, "lanes 16, 32 -> 48")
            XCTAssertEqual(Double(e.cells), Double(w.cells), accuracy: 0.05 * Double(w.cells), name)
            XCTAssertEqual(Double(e.transistors), Double(w.transistors), accuracy: 0.05 * Double(w.transistors), name)
            XCTAssertEqual(e.flipFlops, w.flipFlops, "\(name): registers are exactly linear in lanes")
            XCTAssertNotEqual(e.cells, w.cells, "\(name): an extrapolation equal to the whole synthesis would mean the copies were not smaller")
        }
        let o = try XCTUnwrap(scaled.blocks.first { $0.instance == "o" })
        XCTAssertNil(o.estimate, "2 lanes: synthesised whole")
        XCTAssertEqual(scaled.transistors, scaled.blocks.map(\.transistors).reduce(0, +))
        XCTAssertTrue(scaled.text.contains("h *"), scaled.text)
        XCTAssertTrue(scaled.text.contains("lane scaling"), scaled.text)
        let chip = try RTLTests.chip(RTLTests.tiny, Self.small + big)
        let cached = try XCTUnwrap(try Synth.cachedReport(circuit: chip.design.circuit, blocks: chip.design.blocks, cacheDirectory: c))
        XCTAssertEqual(cached.blocks.first { $0.instance == "h" }?.cells, whole.blocks.first { $0.instance == "h" }?.cells,
                       "a block synthesised whole is shown as such")
    }

    /// The LIF membrane at 10 instead of 16 bits: fewer cells, flip-flops and transistors in the
    /// hidden layer's LIF core.
    func testNarrowerMembraneShrinksTheLIFCore() throws {
        let c = cache("lif")
        let wide = try XCTUnwrap(try synth([], only: ["h"], cache: c).blocks.first)
        let narrow = try XCTUnwrap(try synth(["membrane=s2.8"], only: ["h"], cache: c).blocks.first)
        XCTAssertNil(wide.failure)
        XCTAssertNil(narrow.failure)
        XCTAssertEqual(wide.type, "lif")
        XCTAssertLessThan(narrow.cells, wide.cells)
        XCTAssertLessThan(narrow.flipFlops, wide.flipFlops)
        XCTAssertLessThan(narrow.transistors, wide.transistors)
        XCTAssertLessThan(narrow.area, wide.area)
    }

    /// Totals are the sums of the blocks and SRAMs; area = transistors x the cited figure; the
    /// second run comes from the cache, and `check`'s lookup finds it.
    func testTotalsAreTheSumsOfTheParts() throws {
        let c = cache("totals")
        let r = try synth([], only: ["x", "sum_o", "count", Synth.topInstance], cache: c)
        XCTAssertEqual(r.blocks.map(\.instance), ["x", "sum_o", "count", Synth.topInstance])
        XCTAssertTrue(r.blocks.allSatisfy { $0.failure == nil && $0.cells > 0 && $0.transistors > 0 })
        XCTAssertEqual(r.logicCells, r.blocks.map(\.cells).reduce(0, +))
        XCTAssertEqual(r.flipFlops, r.blocks.map(\.flipFlops).reduce(0, +))
        XCTAssertEqual(r.transistors, r.blocks.map(\.transistors).reduce(0, +))
        XCTAssertEqual(r.sramBits, r.srams.map(\.totalBits).reduce(0, +))
        XCTAssertEqual(r.totalArea, r.logicArea + r.sramArea, accuracy: 1e-6)
        for b in r.blocks {
            XCTAssertEqual(b.cells, b.cellsByKind.values.reduce(0, +))
            XCTAssertEqual(b.area, Double(b.transistors) * SynthFigures.um2PerTransistor, accuracy: 1e-6)
        }
        XCTAssertGreaterThan(r.blocks[0].flipFlops, 0, "the LIF core has registers")
        XCTAssertTrue(r.text.contains("logic total"))
        XCTAssertTrue(r.text.contains("w1.weights"))
        // From the cache: the same numbers, no Yosys run.
        var cached = 0
        let chip = try RTLTests.chip(RTLTests.tiny, Self.small)
        var s = Synth.Settings()
        s.only = ["x", "sum_o", "count", Synth.topInstance]
        s.cacheDirectory = c
        let again = try Synth.run(circuit: chip.design.circuit, blocks: chip.design.blocks, settings: s) { _, hit in if hit { cached += 1 } }
        XCTAssertEqual(cached, 4)
        XCTAssertEqual(again.transistors, r.transistors)
        let seen = try XCTUnwrap(try Synth.cachedReport(circuit: chip.design.circuit, blocks: chip.design.blocks, cacheDirectory: c))
        XCTAssertEqual(Set(seen.blocks.map(\.instance)), Set(r.blocks.map(\.instance)))
        XCTAssertTrue(seen.missing.contains("h"))
        XCTAssertTrue(seen.text.contains("INCOMPLETE"))
    }

    /// With a Liberty file, cells are the library's and area is the sum of their areas.
    func testLibertyAreaIsTheSumOfItsCells() throws {
        let dir = cache("liberty")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let lib = dir + "/cells.lib"
        let areas = ["BUF": 1.5, "INV": 1.0, "NAND2": 2.0, "NOR2": 2.5, "DFF": 7.0]
        try Data(Self.liberty.utf8).write(to: URL(fileURLWithPath: lib))
        let r = try synth([], only: ["count"], liberty: lib, cache: dir + "/cache")
        let b = try XCTUnwrap(r.blocks.first)
        XCTAssertNil(b.failure)
        XCTAssertEqual(Set(b.cellsByKind.keys).subtracting(areas.keys), [], "only the library's cells")
        XCTAssertEqual(b.area, b.cellsByKind.map { Double($0.value) * areas[$0.key]! }.reduce(0, +), accuracy: 1e-6)
        XCTAssertGreaterThan(b.cellsByKind["DFF"] ?? 0, 0)
        XCTAssertGreaterThan(b.transistors, 0, "transistors still from the generic mapping")
    }

    /// A crossbar reads the SRAM's ports only: its body (the array) is never elaborated.
    func testSRAMBlackBoxHasPortsOnly() throws {
        let (_, rtl) = try RTLTests.emit(RTLTests.tiny, into: "sramports")
        let files = Synth.fileMap(rtl)
        let ports = try XCTUnwrap(files[Synth.sramPortsFile])
        XCTAssertTrue(ports.hasPrefix("(* blackbox *)\nmodule eqspike_sram #("))
        XCTAssertTrue(ports.contains("output reg  [P*WIDTH-1:0] rdata"))
        XCTAssertTrue(ports.hasSuffix(");\nendmodule\n"))
        XCTAssertFalse(ports.contains("mem"))
        XCTAssertEqual(Synth.libraries(for: "crossbar_w1", text: files["crossbar_w1.v"] ?? "", rtl), [Synth.sramPortsFile])
        XCTAssertEqual(Synth.libraries(for: rtl.topName, text: files["\(rtl.topName).v"] ?? "", rtl).count, rtl.sources.count - 1)
    }

    func testBadInputIsRefused() throws {
        XCTAssertThrowsError(try synth([], only: ["nonexistent"], cache: cache("bad"))) { e in
            XCTAssertTrue("\(e)".contains("no instance 'nonexistent'"), "\(e)")
        }
        XCTAssertThrowsError(try synth([], only: ["h"], liberty: "/nonexistent/cells.lib", cache: cache("bad"))) { e in
            XCTAssertTrue("\(e)".contains("--liberty /nonexistent/cells.lib"), "\(e)")
        }
        XCTAssertEqual("\(Synth.Failure.noYosys)", "yosys is not installed (Debian: apt-get install yosys)")
    }

    /// A minimal library: enough for abc (which needs a buffer) and dfflibmap to map any logic.
    static let liberty = """
    library (testcells) {
      delay_model : table_lookup ;
      time_unit : "1ns" ;
      cell (BUF) { area : 1.5 ; pin (A) { direction : input ; } pin (Y) { direction : output ; function : "A" ; } }
      cell (INV) { area : 1.0 ; pin (A) { direction : input ; } pin (Y) { direction : output ; function : "!A" ; } }
      cell (NAND2) { area : 2.0 ; pin (A) { direction : input ; } pin (B) { direction : input ; }
        pin (Y) { direction : output ; function : "!(A&B)" ; } }
      cell (NOR2) { area : 2.5 ; pin (A) { direction : input ; } pin (B) { direction : input ; }
        pin (Y) { direction : output ; function : "!(A|B)" ; } }
      cell (DFF) { area : 7.0 ; ff (IQ, IQN) { clocked_on : "C" ; next_state : "D" ; }
        pin (C) { direction : input ; clock : true ; } pin (D) { direction : input ; }
        pin (Q) { direction : output ; function : "IQ" ; } }
    }

    """
}
