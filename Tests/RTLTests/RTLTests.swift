import Foundation
import XCTest
import Datasets
@testable import EqSpike
import RTL
import Tooling

/// The RTL back end: the emitted Verilog passes the three tools Debian 12 ships (Verilator 5.006
/// lint, Icarus Verilog 11, Yosys 0.23), keeps the netlist's names, refuses what it cannot write
/// bit-exactly, and co-simulates bit-exactly with the model (RTLCosimTests). A test whose tool
/// is missing is skipped with the package to install (scripts/test.sh installs them as root).
final class RTLTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let tiny = root + "/hw-configs/eqspike-tiny.net"
    static let design100 = root + "/hw-configs/eqspike-784-100-10.net"

    static func chip(_ path: String, _ overrides: [String] = []) throws -> Chip {
        let chip = try Chip(path: path, overrides: overrides)
        try chip.initialiseMemories(seed: chip.settings.seed)
        return chip
    }

    static func emit(_ path: String, _ overrides: [String] = [], into name: String) throws -> (dir: String, rtl: RTLDesign) {
        let chip = try chip(path, overrides)
        let rtl = try RTLDesign.emit(circuit: chip.design.circuit, blocks: chip.design.blocks)
        let dir = NSTemporaryDirectory() + "eqspike-rtltests-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: dir)
        try rtl.write(to: dir)
        return (dir, rtl)
    }

    static func requireTool(_ tool: String, package: String) throws {
        guard HDLSimulator.which(tool) != nil else { throw XCTSkip("\(tool) is not installed (Debian: apt-get install \(package))") }
    }

    /// Runs a tool in `dir`; returns exit status and everything it printed.
    static func shell(_ args: [String], in dir: String) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: HDLSimulator.which(args[0]) ?? args[0])
        p.arguments = Array(args.dropFirst())
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func lint(_ path: String, name: String) throws {
        try Self.requireTool("verilator", package: "verilator")
        let (dir, rtl) = try Self.emit(path, into: name)
        let r = try Self.shell(["verilator", "--lint-only", "-Wall", "--top-module", rtl.topName] + rtl.sources, in: dir)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertFalse(r.output.contains("%Warning"), "verilator -Wall warned:\n\(r.output.prefix(3000))")
    }

    func testTinyLintsCleanUnderVerilatorWall() throws { try lint(Self.tiny, name: "lint-tiny") }

    func test784_100_10LintsCleanUnderVerilatorWall() throws { try lint(Self.design100, name: "lint-784") }

    /// 784-300-10's delay and FIR windows (96,000 bits) once broke Verilator's literal limit.
    func test784_300_10LintsCleanUnderVerilatorWall() throws { try lint(Self.root + "/hw-configs/eqspike-784-300-10.net", name: "lint-784-300") }

    func testTinyCompilesUnderIcarus() throws {
        try Self.requireTool("iverilog", package: "iverilog")
        let (dir, rtl) = try Self.emit(Self.tiny, into: "icarus")
        let r = try Self.shell(["iverilog", "-g2005", "-o", "top.vvp", "-s", rtl.topName] + rtl.sources, in: dir)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertFalse(r.output.contains("error"), r.output)
    }

    /// Yosys elaborates the whole hierarchy and its processes with no undriven or multiply driven
    /// signal: the tiny design with its SRAMs as black boxes (as foundry macros would be), and a
    /// 4-2-2 variant whole, the behavioural SRAM included.
    func testYosysChecksTheHierarchy() throws {
        try Self.requireTool("yosys", package: "yosys")
        let (dir, rtl) = try Self.emit(Self.tiny, into: "yosys")
        XCTAssertEqual(rtl.sources.first, "eqspike_sram.v")
        let rest = rtl.sources.filter { $0 != "eqspike_sram.v" }
        let script = "read_verilog -lib eqspike_sram.v; read_verilog \(rest.joined(separator: " ")); hierarchy -check -top \(rtl.topName); proc; check -assert"
        let r = try Self.shell(["yosys", "-q", "-p", script], in: dir)
        XCTAssertEqual(r.status, 0, String(r.output.suffix(3000)))

        let (small, srtl) = try Self.emit(Self.tiny, ["N_in=4", "H=2", "N_out=2"], into: "yosys-small")
        let whole = "read_verilog \(srtl.sources.joined(separator: " ")); hierarchy -check -top \(srtl.topName); proc; check -assert"
        let s = try Self.shell(["yosys", "-q", "-p", whole], in: small)
        XCTAssertEqual(s.status, 0, String(s.output.suffix(3000)))
    }

    /// Names come from the netlist: module per instance, instances and nets by netlist name,
    /// registers by port name, each module headed by its equations; no numbered temporaries.
    func testNetlistNamesAndEquationHeaders() throws {
        let (_, rtl) = try Self.emit(Self.tiny, into: "names")
        let files = Dictionary(uniqueKeysWithValues: rtl.files.map { ($0.name, $0.contents) })
        let top = try XCTUnwrap(files["eqspike_top.v"])
        for needle in ["lif_h h (", "crossbar_w1 w1 (", "wire [7:0] h_spike;", "assign w2_row_spike = h_spike;",
                       ".current(h_current)", "input  wire [127:0] enc_pixel", "output wire [0:0] ctrl_done", "input  wire [3:0] nudge_target"] {
            XCTAssertTrue(top.contains(needle), "top lacks '\(needle)'")
        }
        let lif = try XCTUnwrap(files["lif_h.v"])
        XCTAssertTrue(lif.contains("module lif_h ("))
        XCTAssertTrue(lif.contains("fire = (r == 0) && (v >= TH)"), "the header states the equations")
        XCTAssertTrue(lif.contains("wire [63:0] u;") || lif.contains("wire [127:0] u;"), "register u keeps its port name")
        XCTAssertTrue(try XCTUnwrap(files["fir_f_h.v"]).contains("S'    = S + x(t) - x(t - N)"))
        XCTAssertTrue(try XCTUnwrap(files["crossbar_w1.v"]).contains(".INIT(\"w1.hex\")) weights ("), "W1 is an SRAM instance named weights, loaded from w1.hex")
        XCTAssertTrue(try XCTUnwrap(files["eqspike_sram.v"]).contains("$readmemh(INIT, mem)"))
        for (name, text) in files where name.hasSuffix(".v") {
            XCTAssertNil(text.range(of: "_T_[0-9]|_GEN_[0-9]", options: .regularExpression), "\(name) has a numbered temporary")
        }
        XCTAssertTrue(try XCTUnwrap(files["README.md"]).contains("hold `rst` and `load` high for one clock"))
    }

    /// The weight files are byte for byte those of `eqspike export` (EqSpike/MemoryImage).
    func testMemoryImagesEqualExport() throws {
        let chip = try Self.chip(Self.tiny)
        let rtl = try RTLDesign.emit(circuit: chip.design.circuit, blocks: chip.design.blocks)
        let images = MemoryImage.all(of: chip)
        XCTAssertFalse(images.isEmpty)
        for m in images {
            let f = try XCTUnwrap(rtl.files.first { $0.name == "\(m.name).hex" }, "no \(m.name).hex")
            XCTAssertEqual(f.contents, m.readmemh, m.name)
        }
    }

    /// What the back end cannot write bit-exactly is refused, naming the instance and parameter.
    func testUnsupportedConfigurationsAreRefused() throws {
        func refusal(_ overrides: [String]) throws -> String {
            let chip = try Self.chip(Self.tiny, overrides)
            do {
                _ = try RTLDesign.emit(circuit: chip.design.circuit, blocks: chip.design.blocks)
                XCTFail("\(overrides) was accepted")
                return ""
            } catch let e as RTLError {
                return e.description
            }
        }
        let r1 = try refusal(["w1.update=rank1"])
        XCTAssertTrue(r1.contains("'w1'") && r1.contains("'update'") && r1.contains("rank1"), r1)
        let r2 = try refusal(["h.rounding=stochastic"])
        XCTAssertTrue(r2.contains("'h'") && r2.contains("'rounding'") && r2.contains("stochastic"), r2)
    }
}
