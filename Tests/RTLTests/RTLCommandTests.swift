import Foundation
import XCTest
import RTL

/// `eqspike verilog` and `eqspike cosim` as a user runs them: bad input is a clear error with a
/// non-zero exit, never a crash or silently wrong RTL.
final class RTLCommandTests: XCTestCase {
    static var tool: String? {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("eqspike").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func run(_ args: [String]) throws -> (status: Int32, output: String) {
        guard let t = Self.tool else { throw XCTSkip("eqspike executable not found beside the test bundle (run `swift build` first)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: t)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: RTLTests.root)
        let out = NSTemporaryDirectory() + "eqspike-rtlcmd-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: out, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardOutput = h
        p.standardError = h
        try p.run()
        p.waitUntilExit()
        try h.close()
        XCTAssertNotEqual(p.terminationReason, .uncaughtSignal, "eqspike \(args) crashed")
        return (p.terminationStatus, String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self))
    }

    func testRefusalsAndBadInput() throws {
        let dir = NSTemporaryDirectory() + "eqspike-rtlcmd-out-\(ProcessInfo.processInfo.processIdentifier)"
        let cases: [([String], String)] = [
            (["verilog", "hw-configs/eqspike-tiny.net"], "verilog needs --out DIR"),
            (["verilog", "hw-configs/eqspike-tiny.net", "--out", dir, "--set", "w1.update=rank1"], "instance 'w1': parameter 'update' = rank1"),
            (["verilog", "hw-configs/eqspike-tiny.net", "--out", dir, "--set", "li_h.rounding=stochastic"], "instance 'li_h': parameter 'rounding' = stochastic"),
            (["verilog", "hw-configs/eqspike-tiny.net", "--out", dir, "--weights", "no-such.bin"], "no-such.bin"),
            (["cosim", "hw-configs/eqspike-tiny.net", "--simulator", "modelsim"], "--simulator modelsim: use icarus or verilator"),
            (["cosim", "hw-configs/eqspike-tiny.net", "--rtl", "/no/such/dir"], "--rtl /no/such/dir: no such directory"),
        ]
        for (args, message) in cases {
            let r = try run(args)
            XCTAssertNotEqual(r.status, 0, "\(args) succeeded")
            XCTAssertTrue(r.output.contains(message), "\(args): expected '\(message)' in:\n\(r.output)")
        }
    }

    /// `cosim --json`: one JSON object with the result, the counts and each side's wall time.
    func testCosimJSON() throws {
        guard HDLSimulatorAvailable.icarus else { throw XCTSkip("iverilog is not installed (Debian: apt-get install iverilog)") }
        let r = try run(["cosim", "hw-configs/eqspike-tiny.net", "--images", "1", "--learn", "--json", "--data", "Tests/Data/mnist-subset"])
        XCTAssertEqual(r.status, 0, r.output)
        let line = try XCTUnwrap(r.output.split(separator: "\n").first { $0.hasPrefix("{") })
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(obj["result"] as? String, "match")
        XCTAssertEqual(obj["ticks"] as? Int, 200)
        XCTAssertNotNil(obj["rtl_run_seconds"] as? Double)
        XCTAssertNotNil(obj["model_seconds"] as? Double)
    }

    func testVerilogWritesTheDesign() throws {
        let dir = NSTemporaryDirectory() + "eqspike-rtlcmd-ok-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: dir)
        let r = try run(["verilog", "hw-configs/eqspike-tiny.net", "--out", dir])
        XCTAssertEqual(r.status, 0, r.output)
        for f in ["eqspike_top.v", "lif_h.v", "crossbar_w1.v", "w1.hex", "files.f", "README.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/\(f)"), "no \(f)")
        }
    }
}

enum HDLSimulatorAvailable {
    static var icarus: Bool { HDLSimulator.icarus.missing == nil }
}
