import Foundation
import XCTest
import FixedPoint
import HDL
@testable import Waveform

final class VCDWriterTests: XCTestCase {
    static let date = goldenDate
    static let version = goldenVersion

    func writeGoldenDesign(to dir: URL, clocks: Int = 12) throws -> (VCDWriter, Recorder, TestDesign) {
        try writeTestDesign(to: dir, clocks: clocks)
    }

    func testGoldenVCDAndSaveFile() throws {
        let dir = try TestFiles.scratch()
        let (vcd, _, _) = try writeGoldenDesign(to: dir)
        XCTAssertEqual(vcd.variables.count, 18)
        let text = try TestFiles.text(URL(fileURLWithPath: vcd.path))
        let gtkw = try TestFiles.text(URL(fileURLWithPath: vcd.saveFilePath)).replacingOccurrences(of: dir.path, with: "$DIR")
        let goldenVCD = TestFiles.golden.appendingPathComponent("counter_acc_reg.vcd")
        let goldenGTKW = TestFiles.golden.appendingPathComponent("counter_acc_reg.gtkw")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try text.write(to: goldenVCD, atomically: true, encoding: .utf8)
            try gtkw.write(to: goldenGTKW, atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(text, try TestFiles.text(goldenVCD), "VCD differs from Golden/counter_acc_reg.vcd (UPDATE_GOLDEN=1 regenerates)")
        XCTAssertEqual(gtkw, try TestFiles.text(goldenGTKW), ".gtkw differs from Golden/counter_acc_reg.gtkw")
    }

    /// Independent reading: the minimal parser finds every signal's value, clock by clock, equal
    /// to what the simulator reported at the same clock, and the header as declared.
    func testReaderSeesSimulatorValues() throws {
        let dir = try TestFiles.scratch()
        let (vcd, recorder, design) = try writeGoldenDesign(to: dir)
        let parsed = try MiniVCD(text: TestFiles.text(URL(fileURLWithPath: vcd.path)))
        XCTAssertEqual(parsed.date, Self.date)
        XCTAssertEqual(parsed.version, Self.version)
        XCTAssertEqual(parsed.timescale, "1 us")
        XCTAssertEqual(parsed.dumpvarsTime, 0)
        XCTAssertEqual(parsed.times.last, 120, "closing timestamp at the end of the last clock")
        XCTAssertEqual(parsed.variables.count, 18)
        XCTAssertEqual(parsed.variable("fixed.acc.acc_1")?.type, "reg")
        XCTAssertEqual(parsed.variable("fixed.acc.sum_1")?.type, "wire")
        XCTAssertEqual(parsed.variable("fixed.reg.q_0")?.type, "reg", "registered output")
        XCTAssertEqual(parsed.variable("fixed.reg.q_0")?.range, "[7:0]")
        XCTAssertEqual(parsed.variable("fixed.ctr.odd_1")?.size, 1)
        XCTAssertNil(parsed.variable("fixed.ctr.odd_1")?.range)
        XCTAssertEqual(parsed.variable("float.acc.acc_1")?.type, "real")
        XCTAssertEqual(parsed.variable("fixed.acc.in_0")?.id, parsed.variable("fixed.ctr.count_0")?.id,
                       "an input wired straight to an output shares its identifier")
        XCTAssertEqual(recorder.cycles, Array(0..<12))
        try assertValues(parsed, recorder, design, clocks: 0..<12, ticks: 10)

        // Changes are written only when a value changed (the reader rejects redundant ones), and
        // every one of them is there: count them from the recorded values.
        var expected = 0
        var seen = Set<String>()
        for v in parsed.variables where v.type != "real" && seen.insert(v.id).inserted {
            let key = v.fullName.replacingOccurrences(of: "fixed.", with: "")
            let series = recorder.values[key]!
            for c in 1..<12 where Self.masked(series[c]!, v.size) != Self.masked(series[c - 1]!, v.size) { expected += 1 }
        }
        for l in 0..<2 {
            for c in 1..<12 where recorder.values["acc.acc_\(l)"]![c] != recorder.values["acc.acc_\(l)"]![c - 1] { expected += 1 }
        }
        XCTAssertEqual(parsed.changeCount, expected)
        XCTAssertEqual(vcd.changesWritten, expected + 14, "changes plus the 14 distinct values in $dumpvars")
    }

    static func masked(_ v: Int32, _ bits: Int) -> UInt32 { bits >= 32 ? UInt32(bitPattern: v) : UInt32(bitPattern: v) & ((1 << bits) - 1) }

    func assertValues(_ parsed: MiniVCD, _ recorder: Recorder, _ design: TestDesign, clocks: Range<Int>, ticks: Int,
                      top: String = "fixed.", file: StaticString = #filePath, line: UInt = #line) throws {
        for p in design.simulator.blocks.flatMap(\.signals) {
            for l in 0..<p.lanes {
                let name = "\(top)\(p.fullName)_\(l)"
                guard let v = parsed.variable(name) else { XCTFail("missing \(name)", file: file, line: line); continue }
                for c in clocks {
                    let got = parsed.value(name, at: c * ticks)?.integer(size: v.size, signed: p.format.isSigned)
                    XCTAssertEqual(got, Int64(recorder.values["\(p.fullName)_\(l)"]![c]!), "\(name) at clock \(c)", file: file, line: line)
                }
            }
        }
        for l in 0..<2 where parsed.variable("float.acc.acc_\(l)") != nil {
            for c in clocks {
                let expected = TestAccumulator.format.toDouble(Int64(recorder.values["acc.acc_\(l)"]![c]!))
                XCTAssertEqual(parsed.value("float.acc.acc_\(l)", at: c * ticks), .real(expected), "acc(\(l)) at \(c)", file: file, line: line)
            }
        }
    }

    /// GTKWave's converter reads the file without a word, and its FST, converted back to VCD by
    /// fst2vcd, holds the same values.
    func testVcd2fstAcceptsTheDump() throws {
        guard let vcd2fst = TestFiles.tool("vcd2fst") else { throw XCTSkip("vcd2fst (GTKWave) is not installed") }
        let dir = try TestFiles.scratch()
        let (vcd, recorder, design) = try writeGoldenDesign(to: dir, clocks: 40)
        let fst = dir.appendingPathComponent("design.fst").path
        let result = try TestFiles.run(vcd2fst, [vcd.path, fst])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.output.trimmingCharacters(in: .whitespacesAndNewlines), "", "vcd2fst printed: \(result.output)")
        XCTAssertGreaterThan((try FileManager.default.attributesOfItem(atPath: fst)[.size] as? Int) ?? 0, 0)
        guard let fst2vcd = TestFiles.tool("fst2vcd") else { return }
        let back = try TestFiles.run(fst2vcd, [fst])
        XCTAssertEqual(back.status, 0)
        let parsed = try MiniVCD(text: back.output)
        XCTAssertEqual(parsed.variables.map(\.fullName), try MiniVCD(text: TestFiles.text(URL(fileURLWithPath: vcd.path))).variables.map(\.fullName))
        try assertValues(parsed, recorder, design, clocks: 0..<40, ticks: 10)
    }

    func testPatternsSelectSignals() throws {
        let design = try TestDesign()
        let dir = try TestFiles.scratch()
        func names(_ patterns: [String], scope: String? = nil) throws -> [String] {
            let vcd = try VCDWriter(path: dir.appendingPathComponent("p.vcd").path, clockPeriodSeconds: 1e-6, date: "x")
            vcd.saveFileOptions = nil
            try vcd.addSignals(from: design.simulator, patterns: patterns, scope: scope)
            try vcd.finish()
            return vcd.variables.map(\.fullName)
        }
        XCTAssertEqual(try names(["acc.sum[1]"]), ["acc.sum_1"])
        XCTAssertEqual(try names(["*.neg"]), ["reg.neg_0", "reg.neg_1"])
        XCTAssertEqual(try names(["ctr"]), ["ctr.count_0", "ctr.count_1", "ctr.odd_0", "ctr.odd_1"])
        XCTAssertEqual(try names(["ctr.*"]), try names(["ctr"]))
        XCTAssertEqual(try names(["reg.q[0:0]", "reg.q[1]"]), ["reg.q_0", "reg.q_1"])
        XCTAssertEqual(try names(["*.{q,count}[0]"]), ["ctr.count_0", "reg.q_0"], "alternatives; netlist order")
        XCTAssertEqual(try names(["*.?um[0:7]"]), ["acc.sum_0", "acc.sum_1"], "lanes beyond the port are ignored")
        XCTAssertEqual(try names(["*", "!*.in", "!reg.*[1]", "!ctr", "!acc.acc"]), ["acc.sum_0", "acc.sum_1", "reg.d_0", "reg.q_0", "reg.neg_0"])
        XCTAssertEqual(try names(["reg.q", "*.q"]), ["reg.q_0", "reg.q_1"], "selected twice, declared once")
        XCTAssertEqual(try names(["reg.q[0]"], scope: "chip.fixed"), ["chip.fixed.reg.q_0"], "nested top scope")
        XCTAssertThrowsError(try names(["hiden.q"])) { error in
            XCTAssertEqual(error as? WaveformError, .noMatch("hiden.q", known: ["ctr", "acc", "reg"]))
        }
        XCTAssertThrowsError(try names(["reg.q[9]"]), "lanes outside every matched port select nothing")
        for bad in ["reg.q[a]", "reg.q[1", "reg[0]", "", "{a,b", "reg.q[0]x", ".q"] {
            XCTAssertThrowsError(try names([bad]), bad) { error in
                guard case .badPattern? = error as? WaveformError else { return XCTFail("\(bad): \(error)") }
            }
        }
    }

    /// A pattern naming one port exactly gets exactly the lanes it asks for, or an error naming the
    /// pattern, the port and its lane count: `reg.q[0:99]` on a 2-lane port used to be clamped to
    /// two lanes in silence, and a reversed range was silently flipped.
    func testExactLaneSelectionIsNotClamped() throws {
        let design = try TestDesign()
        let dir = try TestFiles.scratch()
        func names(_ patterns: [String]) throws -> [String] {
            let vcd = try VCDWriter(path: dir.appendingPathComponent("p.vcd").path, clockPeriodSeconds: 1e-6, date: "x")
            vcd.saveFileOptions = nil
            do { try vcd.addSignals(from: design.simulator, patterns: patterns) } catch { vcd.abandon(); throw error }
            try vcd.finish()
            return vcd.variables.map(\.fullName)
        }
        XCTAssertThrowsError(try names(["reg.q[0:99]"])) { error in
            XCTAssertEqual(error as? WaveformError, .lanesBeyondPort("reg.q[0:99]", signal: "reg.q", lanes: 2, asked: 99))
            XCTAssertEqual("\(error)", "signal pattern 'reg.q[0:99]': reg.q has 2 lanes (0 to 1), lane 99 does not exist")
        }
        XCTAssertThrowsError(try names(["reg.q[1:0]"])) { error in
            XCTAssertTrue("\(error)".contains("'reg.q[1:0]'") && "\(error)".contains("reversed"), "\(error)")
        }
        XCTAssertThrowsError(try names(["*", "!reg.q[5]"]), "an exclusion naming a missing lane is a typo too")
        XCTAssertEqual(try names(["*.?um[0:7]"]), ["acc.sum_0", "acc.sum_1"], "a glob still takes what each port has")
    }

    /// `--from` after the run's last clock: no header-only VCD (GTKWave refuses those) but an error
    /// giving the run's last clock, and no file left behind.
    func testWindowAfterTheRunIsAnErrorAndLeavesNoFile() throws {
        let dir = try TestFiles.scratch()
        let design = try TestDesign()
        let path = dir.appendingPathComponent("late.vcd").path
        let vcd = try VCDWriter(path: path, clockPeriodSeconds: 1e-5, date: "x")
        try vcd.addSignals(from: design.simulator, patterns: ["*"])
        vcd.window = 100...Int.max
        design.simulator.attach(vcd)
        design.simulator.run(20)
        XCTAssertThrowsError(try vcd.finish()) { error in
            XCTAssertEqual(error as? WaveformError, .emptyWindow(100...Int.max, lastClock: 19, path: path))
            XCTAssertTrue("\(error)".contains("last clock was 19"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: vcd.saveFilePath))
    }

    /// A window without an end (`--from` without `--to`) says "to the end of the run" in the header,
    /// not "to 9223372036854775807".
    func testOpenWindowHeader() throws {
        let dir = try TestFiles.scratch()
        let design = try TestDesign()
        let vcd = try VCDWriter(path: dir.appendingPathComponent("open.vcd").path, clockPeriodSeconds: 1e-5, date: "x")
        try vcd.addSignals(from: design.simulator, patterns: ["*"])
        vcd.window = 3...Int.max
        design.simulator.attach(vcd)
        design.simulator.run(10)
        try vcd.finish()
        let text = try TestFiles.text(URL(fileURLWithPath: vcd.path))
        XCTAssertTrue(text.contains("clocks 3 to the end of the run"), text)
        XCTAssertFalse(text.contains("\(Int.max)"))
        XCTAssertEqual(vcd.lastDumpedClock, 9)
    }

    /// Paths a VCD cannot go to are named with the reason, not left to fopen or Foundation.
    func testUnwritablePaths() throws {
        func message(_ path: String) -> String {
            do { _ = try VCDWriter(path: path, clockPeriodSeconds: 1e-5); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("/dev/null"), "cannot write /dev/null: not a regular file (a VCD and the .gtkw save file beside it must be files)")
        XCTAssertEqual(message(""), "cannot write '': an empty file name")
        XCTAssertEqual(message("/proc"), "cannot write /proc: is a directory")
    }

    /// Only clocks inside the window are dumped; `$dumpvars` holds the values at its first clock.
    func testTimeWindow() throws {
        let dir = try TestFiles.scratch()
        let design = try TestDesign()
        let vcd = try VCDWriter(path: dir.appendingPathComponent("w.vcd").path, clockPeriodSeconds: 1e-5, date: "x")
        try vcd.addSignals(from: design.simulator, patterns: ["*"], scope: "fixed")
        try vcd.addRealSignals([design.doubles], scope: "float")
        vcd.window = 3...7
        let recorder = Recorder(design.simulator)
        design.simulator.attach(vcd)
        design.simulator.attach(recorder)
        design.simulator.run(20)
        try vcd.finish()
        let parsed = try MiniVCD(text: TestFiles.text(URL(fileURLWithPath: vcd.path)))
        XCTAssertEqual(parsed.dumpvarsTime, 30)
        XCTAssertEqual(parsed.times.first, 30)
        XCTAssertEqual(parsed.times.last, 80)
        XCTAssertEqual(vcd.firstDumpedClock, 3)
        XCTAssertEqual(vcd.lastDumpedClock, 7)
        try assertValues(parsed, recorder, design, clocks: 3..<8, ticks: 10)
        XCTAssertTrue(parsed.comments.joined().contains("clocks 3 to 7"))
        let gtkw = try TestFiles.text(URL(fileURLWithPath: vcd.saveFilePath))
        XCTAssertTrue(gtkw.contains("[timestart] 30\n"))
    }

    /// A simulator reset restarts its cycle count; the dump's time keeps increasing.
    func testResetKeepsTimeIncreasing() throws {
        let dir = try TestFiles.scratch()
        let design = try TestDesign()
        let vcd = try VCDWriter(path: dir.appendingPathComponent("r.vcd").path, clockPeriodSeconds: 2e-9, date: "x")
        try vcd.addSignals(from: design.simulator, patterns: ["ctr.count"])
        design.simulator.attach(vcd)
        design.simulator.run(5)
        design.simulator.reset()
        design.simulator.run(5)
        try vcd.finish()
        let parsed = try MiniVCD(text: TestFiles.text(URL(fileURLWithPath: vcd.path)))
        XCTAssertEqual(parsed.timescale, "1 ns")
        XCTAssertEqual(parsed.times, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20])
        XCTAssertEqual(parsed.value("ctr.count_0", at: 10), .bits("0"), "after the reset, at clock 5")
        XCTAssertEqual(parsed.value("ctr.count_1", at: 18), .bits("1000"))
    }

    /// Widest formats, negative values, odd reals, several top scopes, tiny chunks.
    func testValueEncodings() throws {
        let dir = try TestFiles.scratch()
        let ints = LaneBuffer(count: 4)
        let reals = UnsafeMutablePointer<Double>.allocate(capacity: 3)
        defer { reals.deallocate() }
        reals.initialize(repeating: 0, count: 3)
        let vcd = try VCDWriter(path: dir.appendingPathComponent("e.vcd").path, clockPeriodSeconds: 1, date: "x", bufferBytes: 10)
        try vcd.addSignals([
            IntegerSignal(instance: "a.b", name: "w", format: QFormat(signed: true, intBits: 32, fracBits: 0), lanes: 1, pointer: ints.base),
            IntegerSignal(instance: "a.b", name: "n", format: QFormat(signed: true, intBits: 1, fracBits: 6), lanes: 1, pointer: ints.base + 1),
            IntegerSignal(instance: "a", name: "s", format: QFormat(signed: true, intBits: 1, fracBits: 0), lanes: 1, pointer: ints.base + 2),
            IntegerSignal(instance: "a", name: "u", format: QFormat(signed: false, intBits: 31, fracBits: 0), lanes: 1, pointer: ints.base + 3),
        ])
        try vcd.addRealSignal(scope: "g", name: "x", lanes: 3, pointer: reals)
        final class Driver: ClockObserver {
            let ints: LaneBuffer
            let reals: UnsafeMutablePointer<Double>
            let table: [([Int32], [Double])] = [
                ([Int32.min, -64, -1, Int32.max], [0.1, -0.0, 1e-300]),
                ([Int32.max, 63, 0, 0], [.infinity, .leastNonzeroMagnitude, -2.5]),
                ([-1, -1, -1, 1], [0.30000000000000004, 1e22, 123456.789]),
            ]
            init(_ i: LaneBuffer, _ r: UnsafeMutablePointer<Double>) { ints = i; reals = r }
            func sample(cycle: Int) {
                let (i, r) = table[cycle]
                for k in 0..<4 { ints[k] = i[k] }
                for k in 0..<3 { reals[k] = r[k] }
            }
        }
        let driver = Driver(ints, reals)
        for c in 0..<3 {
            driver.sample(cycle: c)
            vcd.sample(cycle: c)
        }
        try vcd.finish()
        let text = try TestFiles.text(URL(fileURLWithPath: vcd.path))
        XCTAssertTrue(text.contains("$timescale 1 s $end"))
        XCTAssertTrue(text.contains("$scope module a $end\n$var wire 1 ! s $end\n$var wire 31 \" u [30:0] $end\n$scope module b $end"),
                      "variables of a scope before its child scopes")
        XCTAssertTrue(text.contains("b10000000000000000000000000000000 "), "Int32.min, all 32 bits")
        XCTAssertTrue(text.contains("b1000000 "), "-64 in s1.6")
        let parsed = try MiniVCD(text: text)
        for (c, row) in driver.table.enumerated() {
            XCTAssertEqual(parsed.value("a.b.w", at: c)?.integer(size: 32, signed: true), Int64(row.0[0]))
            XCTAssertEqual(parsed.value("a.b.n", at: c)?.integer(size: 7, signed: true), Int64(row.0[1]))
            XCTAssertEqual(parsed.value("a.s", at: c)?.integer(size: 1, signed: true), Int64(row.0[2]))
            XCTAssertEqual(parsed.value("a.u", at: c)?.integer(size: 31, signed: false), Int64(row.0[3]))
            for k in 0..<3 {
                guard case .real(let d)? = parsed.value("g.x_\(k)", at: c) else { XCTFail("g.x_\(k)"); continue }
                XCTAssertEqual(d.bitPattern, row.1[k].bitPattern, "exact round trip of \(row.1[k])")
            }
        }
        XCTAssertEqual(vcd.bytesWritten, text.utf8.count)
    }

    /// Lane 1 of `u` is named `u_1`: a signal really named `u_1` in the same scope would share the
    /// name, and one of the two would vanish from the viewer. That is an error naming both.
    func testLaneNameCollisionIsAnError() throws {
        let dir = try TestFiles.scratch()
        let vcd = try VCDWriter(path: dir.appendingPathComponent("c.vcd").path, clockPeriodSeconds: 1e-6, date: "x")
        let storage = UnsafeMutablePointer<Int32>.allocate(capacity: 3)
        storage.initialize(repeating: 0, count: 3)
        defer { storage.deallocate() }
        let u = IntegerSignal(instance: "n", name: "u", format: .bit, lanes: 2, pointer: storage)
        let clash = IntegerSignal(instance: "n", name: "u_1", format: .bit, lanes: 1, pointer: storage + 2)
        XCTAssertNoThrow(try vcd.addSignals([u, u]), "the same lanes twice are one declaration")
        XCTAssertThrowsError(try vcd.addSignals([clash])) { error in
            XCTAssertTrue("\(error)".contains("n.u_1"), "\(error)")
        }
        vcd.abandon()
    }

    func testSignalsAfterTheHeaderAreRejected() throws {
        let dir = try TestFiles.scratch()
        let design = try TestDesign()
        let vcd = try VCDWriter(path: dir.appendingPathComponent("s.vcd").path, clockPeriodSeconds: 1e-5, date: "x")
        try vcd.addSignals(from: design.simulator, patterns: ["reg"])
        design.simulator.attach(vcd)
        design.simulator.run(2)
        XCTAssertThrowsError(try vcd.addSignals(from: design.simulator, patterns: ["ctr"]))
        try vcd.finish()
        try vcd.finish()
        design.simulator.run(2)   // ignored after finish
        XCTAssertEqual(vcd.lastDumpedClock, 1)
        XCTAssertThrowsError(try VCDWriter(path: dir.appendingPathComponent("no/such/dir.vcd").path, clockPeriodSeconds: 1e-5))
        XCTAssertThrowsError(try VCDWriter(path: dir.appendingPathComponent("t.vcd").path, clockPeriodSeconds: 0))
    }

    func testIdentifiersAreUniqueAndPrintable() {
        XCTAssertEqual(VCDIdentifier.code(0), Array("!".utf8))
        XCTAssertEqual(VCDIdentifier.code(93), Array("~".utf8))
        XCTAssertEqual(VCDIdentifier.code(94), Array("!!".utf8))
        var seen = Set<[UInt8]>()
        for i in 0..<(94 + 94 * 94 + 10) {
            let c = VCDIdentifier.code(i)
            XCTAssertTrue(c.allSatisfy { $0 >= 33 && $0 <= 126 })
            XCTAssertTrue(seen.insert(c).inserted, "code \(i) repeats")
        }
        XCTAssertEqual(VCDIdentifier.code(94 + 94 * 94 - 1).count, 2)
        XCTAssertEqual(VCDIdentifier.code(94 + 94 * 94).count, 3)
    }

    func testTimescale() throws {
        func ts(_ p: Double) throws -> String { let t = try VCDTimescale(clockPeriodSeconds: p); return "\(t.unit) x\(t.ticksPerClock)\(t.isExact ? "" : "~")" }
        XCTAssertEqual(try ts(1e-5), "1 us x10")
        XCTAssertEqual(try ts(1e-6), "1 us x1")
        XCTAssertEqual(try ts(1e-9), "1 ns x1")
        XCTAssertEqual(try ts(2.5e-9), "1 ps x2500")
        XCTAssertEqual(try ts(1), "1 s x1")
        XCTAssertEqual(try ts(0.5), "1 ms x500")
        XCTAssertEqual(try ts(1e-15), "1 fs x1")
        XCTAssertEqual(try ts(1.0 / 3e8), "1 fs x3333333~")
        for bad in [0, -1e-5, .nan, .infinity, 1e-16] { XCTAssertThrowsError(try VCDTimescale(clockPeriodSeconds: bad), "\(bad)") }
    }
}
