import Foundation
import XCTest
@testable import Waveform

/// Lane naming (`VCDVariable`: lane `i` of `u` is `u_i`) as two independent readers present it:
/// wellen, the parser of the Surfer viewer (through pywellen), and GTKWave (its vcd2fst/fst2vcd
/// round trip and GTKWave itself under Xvfb). Each must show one signal per lane, with the lane's
/// width, under its block's scope: no folding of 1-bit lanes into one vector (wellen did that to
/// `spike[0]`, `spike[1]`, ...), no sub-scope per port (wellen made `u[3] [15:0]` a scope `u`
/// holding `[3]`), no reals collapsed into one name (GTKWave's VCD loader did that to `u[3]`).
final class VCDLaneNamingTests: XCTestCase {
    /// The tiny test design: 16 fixed lanes (1-bit and vectors) + 2 real lanes.
    func dump() throws -> (vcd: VCDWriter, dir: URL, recorder: Recorder) {
        let dir = try TestFiles.scratch()
        let (vcd, recorder, _) = try writeTestDesign(to: dir, clocks: 20)
        XCTAssertEqual(vcd.variables.count, 18)
        XCTAssertTrue(vcd.variables.contains { $0.fullName == "fixed.ctr.odd_1" && $0.width == 1 }, "a 1-bit lane")
        XCTAssertTrue(vcd.variables.contains { $0.fullName == "fixed.acc.acc_1" && $0.width == 8 }, "a vector lane")
        XCTAssertTrue(vcd.variables.contains { $0.fullName == "float.acc.acc_1" && $0.isReal }, "a real lane")
        return (vcd, dir, recorder)
    }

    /// The value the dump holds for a variable at clock 0 (`$dumpvars`), as an integer.
    func firstValue(_ v: VCDVariable, _ recorder: Recorder) -> Int64? {
        guard !v.isReal, let lane = v.lane else { return nil }
        let key = Array(v.scope.dropFirst()).joined(separator: ".") + ".\(v.port)_\(lane)"
        guard let raw = recorder.values[key]?[0] else { return nil }
        return Int64(VCDWriterTests.masked(raw, v.width))
    }

    func testWellenShowsOneSignalPerLane() throws {
        guard let python = TestFiles.tool("python3") else { throw XCTSkip("python3 is not installed") }
        let probe = try TestFiles.run(python, ["-c", "import pywellen"])
        guard probe.status == 0 else {
            throw XCTSkip("pywellen (the wellen parser Surfer uses) is not installed: pip install pywellen (scripts/test.sh does it when pip can reach PyPI)")
        }
        let (vcd, dir, recorder) = try dump()
        let script = dir.appendingPathComponent("wellen.py")
        // One line per variable: full name, width (0 for a real), kind, value at the first time step.
        try """
        import sys, pywellen
        w = pywellen.Waveform(sys.argv[1])
        print("SCOPES", " ".join(repr(s)[len("Scope("):-1] for s in w.all_scopes()))
        for v in w.all_vars():
            print("VAR", v.full_name, v.bitwidth or 0, "real" if v.is_real else "bits", v.signal.value_at(0))
        """.write(to: script, atomically: true, encoding: .utf8)
        let r = try TestFiles.run(python, [script.path, vcd.path])
        XCTAssertEqual(r.status, 0, r.output)
        let lines = r.output.split(separator: "\n").map(String.init)
        let scopes = try XCTUnwrap(lines.first { $0.hasPrefix("SCOPES ") }).split(separator: " ").dropFirst().map(String.init)
        XCTAssertEqual(Set(scopes), Set(vcd.variables.map(\.scopeName) + ["fixed", "float"]), "no scope per port: \(scopes)")
        var seen: [String: [String]] = [:]
        for line in lines where line.hasPrefix("VAR ") {
            let f = line.split(separator: " ").map(String.init)
            seen[f[1]] = Array(f.dropFirst(2))
        }
        XCTAssertEqual(Set(seen.keys), Set(vcd.variables.map(\.fullName)), "wellen's variables are the writer's, one per lane")
        for v in vcd.variables {
            guard let got = seen[v.fullName] else { continue }
            XCTAssertEqual(got[0], v.isReal ? "0" : String(v.width), "\(v.fullName) width")
            XCTAssertEqual(got[1], v.isReal ? "real" : "bits", v.fullName)
            if let expected = firstValue(v, recorder) { XCTAssertEqual(Int64(got[2]), expected, "\(v.fullName) at clock 0") }
        }
    }

    func testGTKWaveShowsOneSignalPerLane() throws {
        guard let vcd2fst = TestFiles.tool("vcd2fst"), let fst2vcd = TestFiles.tool("fst2vcd") else {
            throw XCTSkip("GTKWave's vcd2fst and fst2vcd are not installed (apt-get install gtkwave)")
        }
        let (vcd, dir, recorder) = try dump()
        let fst = dir.appendingPathComponent("design.fst").path
        let convert = try TestFiles.run(vcd2fst, [vcd.path, fst])
        XCTAssertEqual(convert.status, 0, convert.output)
        XCTAssertEqual(convert.output.trimmingCharacters(in: .whitespacesAndNewlines), "", "vcd2fst warned: \(convert.output)")
        let back = try TestFiles.run(fst2vcd, [fst])
        XCTAssertEqual(back.status, 0)
        let parsed = try MiniVCD(text: back.output)
        XCTAssertEqual(parsed.variables.map(\.fullName), vcd.variables.map(\.fullName), "GTKWave keeps every lane's name")
        for v in vcd.variables {
            let p = try XCTUnwrap(parsed.variable(v.fullName), v.fullName)
            XCTAssertEqual(p.size, v.width, v.fullName)
            if let expected = firstValue(v, recorder), case .bits(let b)? = parsed.value(v.fullName, at: 0) {
                XCTAssertEqual(Int64(b, radix: 2), expected, "\(v.fullName) at clock 0")
            }
        }

        // GTKWave itself finds each lane by its name and displays it as one trace.
        guard let gtkwave = TestFiles.tool("gtkwave"), let xvfb = TestFiles.tool("xvfb-run") else { return }
        let script = dir.appendingPathComponent("lanes.tcl")
        try """
        puts "ADDED: [gtkwave::addSignalsFromList {\(vcd.variables.map(\.fullName).joined(separator: " "))}]"
        puts "DISPLAYED: [gtkwave::getDisplayedSignals]"
        gtkwave::/File/Quit
        """.write(to: script, atomically: true, encoding: .utf8)
        for dump in [vcd.path, fst] {
            var command = [xvfb, "-a", "-s", "-screen 0 1400x900x24", gtkwave, "-S", script.path, dump]
            if let timeout = TestFiles.tool("timeout") { command = [timeout, "120"] + command }
            let r = try TestFiles.run(command[0], Array(command.dropFirst()))
            let lines = r.output.split(separator: "\n")
            guard let shown = lines.first(where: { $0.hasPrefix("DISPLAYED: ") }) else {
                return XCTFail("gtkwave did not run the script on \(dump): \(r.output)")
            }
            XCTAssertTrue(lines.contains("ADDED: \(vcd.variables.count)"), r.output)
            XCTAssertEqual(shown.dropFirst(11).split(separator: " ").map(String.init), vcd.variables.map(\.gtkwaveName), dump)
        }
    }
}
