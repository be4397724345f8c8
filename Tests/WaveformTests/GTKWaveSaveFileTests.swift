import Foundation
import XCTest
import FixedPoint
import HDL
@testable import Waveform

final class GTKWaveSaveFileTests: XCTestCase {
    static func variable(_ port: String, _ kind: VCDVariable.Kind, lane: Int? = nil, scope: [String] = ["top", "hidden"]) -> VCDVariable {
        VCDVariable(scope: scope, port: port, lane: lane, kind: kind, varType: kind == .real ? "real" : "wire", identifier: "!")
    }

    static let variables: [VCDVariable] = [
        variable("spike", .fixed(.bit), lane: 0),
        variable("spike", .fixed(.bit), lane: 1),
        variable("count", .fixed(QFormat(signed: false, intBits: 4, fracBits: 0))),
        variable("idx", .fixed(QFormat(signed: true, intBits: 4, fracBits: 0))),
        variable("w", .fixed(QFormat(signed: true, intBits: 1, fracBits: 7)), lane: 3),
        variable("p", .fixed(QFormat(signed: false, intBits: 0, fracBits: 8))),
        variable("u", .fixed(QFormat(signed: true, intBits: 2, fracBits: 10)), lane: 2),
        variable("v", .real, lane: 1, scope: ["float", "hidden"]),
        variable("x", .real, scope: ["float", "hidden"]),
    ]

    func save(_ options: GTKWaveSaveFile.Options = .init()) -> GTKWaveSaveFile {
        try! GTKWaveSaveFile(dumpFile: "/w/d.vcd", saveFile: "/w/d.gtkw", variables: Self.variables,
                        timescale: try! VCDTimescale(clockPeriodSeconds: 1e-5), firstClock: 0, lastClock: 99, options: options)
    }

    func testTraceFlagsPerFormat() {
        let s = save()
        XCTAssertEqual(s.groups.map(\.name), ["top.hidden", "float.hidden"])
        let traces = s.groups.flatMap(\.traces)
        XCTAssertEqual(traces.map(\.name), ["top.hidden.spike_0", "top.hidden.spike_1", "top.hidden.count[3:0]", "top.hidden.idx[3:0]",
                                            "top.hidden.w_3[7:0]", "top.hidden.p[7:0]", "top.hidden.u_2[11:0]",
                                            "float.hidden.v_1", "float.hidden.x"])
        XCTAssertEqual(traces.map(\.flags.hexString), ["28", "28", "24", "424", "40000424", "40000024", "40008424", "8420", "420"])
        XCTAssertEqual(traces.map(\.shift), [0, 0, 0, 0, 7, 8, 10, 0, 0])
        XCTAssertEqual(traces.map(\.extraRows), [0, 0, 0, 0, 0, 0, 3, 3, 0])
        XCTAssertEqual(traces.map(\.color), [3, 3, 0, 0, 0, 0, 2, 2, 0])

        let text = s.render()
        XCTAssertTrue(text.contains("@800200\n-top.hidden\n@28\n[color] 3\ntop.hidden.spike_0\n"))
        XCTAssertTrue(text.contains("@40000424\n[fpshift_count] 7\n[color] 0\ntop.hidden.w_3[7:0]\n"))
        XCTAssertTrue(text.contains("@40000024\n[fpshift_count] 8\n[color] 0\ntop.hidden.p[7:0]\n"))
        XCTAssertTrue(text.contains("@40008424\n[fpshift_count] 10\n[color] 2\ntop.hidden.u_2[11:0]\n@20000\n-\n-\n-\n@1000200\n-top.hidden\n"))
        XCTAssertTrue(text.contains("@8420\n[color] 2\nfloat.hidden.v_1\n@20000\n-\n-\n-\n@420\n"))
        XCTAssertTrue(text.contains("[dumpfile] \"/w/d.vcd\"\n[savefile] \"/w/d.gtkw\"\n[timestart] 0\n"))
        XCTAssertTrue(text.contains("[treeopen] top.\n[treeopen] float.\n"))
        XCTAssertEqual(text.components(separatedBy: "[fpshift_count]").count - 1, 3)
    }

    /// The view options behind `DefaultView`: groups in a given order (the rest after, in file
    /// order), large groups closed, registers before outputs before inputs within a group.
    func testGroupOrderClosingAndRegistersFirst() {
        var reg = Self.variable("acc", .fixed(QFormat(signed: true, intBits: 4, fracBits: 4)), lane: 0)
        reg = VCDVariable(scope: reg.scope, port: reg.port, lane: 0, kind: reg.kind, varType: "reg", identifier: "!")
        var input = Self.variable("in", .fixed(.bit), lane: 0)
        input.isInput = true
        let ctrl = Self.variable("phase", .fixed(QFormat(signed: false, intBits: 2, fracBits: 0)), scope: ["ctrl"])
        let vars = [input] + Self.variables + [reg, ctrl]
        var o = GTKWaveSaveFile.Options()
        o.groupOrder = ["ctrl", "nothing.here", "float.hidden"]
        o.closeGroupsAbove = 3
        o.registersFirst = true
        let s = try! GTKWaveSaveFile(dumpFile: "/w/d.vcd", saveFile: "/w/d.gtkw", variables: vars,
                                     timescale: try! VCDTimescale(clockPeriodSeconds: 1e-5), firstClock: 0, lastClock: 9, options: o)
        XCTAssertEqual(s.groups.map(\.name), ["ctrl", "float.hidden", "top.hidden"])
        XCTAssertEqual(s.groups.map(\.closed), [false, false, true])
        let hidden = s.groups[2].traces.map(\.name)
        XCTAssertEqual(hidden.first, "top.hidden.acc_0[7:0]", "the register first")
        XCTAssertEqual(hidden.last, "top.hidden.in_0", "the input last")
        XCTAssertEqual(Array(hidden.dropFirst().dropLast()), Self.variables.filter { $0.scope == ["top", "hidden"] }.map(\.gtkwaveName),
                       "the others keep file order")
        let text = s.render()
        XCTAssertTrue(text.contains("@800200\n-ctrl\n") && text.contains("@c00200\n-top.hidden\n") && text.contains("@1401200\n-top.hidden\n"))
        XCTAssertLessThan(text.range(of: "-ctrl")!.lowerBound, text.range(of: "-top.hidden")!.lowerBound)
    }

    func testOptions() {
        var o = GTKWaveSaveFile.Options()
        o.analog = .multiBit
        o.analogInterpolated = true
        o.analogFullScale = true
        o.analogRows = 2
        o.closedGroups = true
        o.show = ["top.hidden.{w,u,count}", "float.*.x", "!top.hidden.w[3]"]
        let s = save(o)
        let traces = s.groups.flatMap(\.traces)
        XCTAssertEqual(traces.map(\.name), ["top.hidden.count[3:0]", "top.hidden.u_2[11:0]", "float.hidden.x"])
        XCTAssertEqual(traces.map(\.flags.hexString), ["90024", "40090424", "90420"])
        XCTAssertEqual(traces.map(\.extraRows), [1, 1, 1])
        let text = s.render()
        XCTAssertTrue(text.contains("@c00200\n-top.hidden\n"))
        XCTAssertTrue(text.contains("@1401200\n-top.hidden\n"))
        o.analog = .none
        XCTAssertFalse(save(o).render().contains("@20000"))
        o.show = ["top.hidden.q[x]"]
        XCTAssertThrowsError(try GTKWaveSaveFile(dumpFile: "d", saveFile: "s", variables: Self.variables,
                                                 timescale: VCDTimescale(clockPeriodSeconds: 1e-5), firstClock: 0, lastClock: 9, options: o))
    }

    /// The zoom GTKWave starts with shows the requested clocks across the wave pane; the formula
    /// was measured with GTKWave 3.3.118 (80 time units in an 824-pixel pane gave -4.276).
    func testZoom() {
        var o = GTKWaveSaveFile.Options()
        o.sstWidth = 276
        XCTAssertEqual(GTKWaveSaveFile.zoom(forTicks: 80, options: o), -4.276, accuracy: 0.01)
        XCTAssertEqual(GTKWaveSaveFile.zoom(forTicks: 160, options: o) - GTKWaveSaveFile.zoom(forTicks: 80, options: o), -1, accuracy: 1e-9)
        XCTAssertEqual(save().zoom, GTKWaveSaveFile.zoom(forTicks: 1000, options: .init()), "100 dumped clocks of 10 ticks")
        let long = try! GTKWaveSaveFile(dumpFile: "/w/d.vcd", saveFile: "/w/d.gtkw", variables: Self.variables,
                                        timescale: try! VCDTimescale(clockPeriodSeconds: 1e-5), firstClock: 100, lastClock: 5099)
        XCTAssertEqual(long.zoom, GTKWaveSaveFile.zoom(forTicks: 50_000, options: .init()), "the whole dump, however long")
        o.visibleClocks = 20
        XCTAssertEqual(save(o).zoom, GTKWaveSaveFile.zoom(forTicks: 200, options: o))
        XCTAssertEqual(GTKWaveSaveFile.fixed6(-4.2763474), "-4.276347")
        XCTAssertEqual(GTKWaveSaveFile.fixed6(0.5), "0.500000")
        XCTAssertEqual(GTKWaveSaveFile.fixed6(-0.0000001), "0.000000")
    }

    /// GTKWave itself (under Xvfb) opens the dump with the save file, for the VCD and for its FST
    /// conversion, and shows exactly the traces of the save file, starting at the right time.
    func testGTKWaveOpensTheSaveFile() throws {
        guard let gtkwave = TestFiles.tool("gtkwave"), let xvfb = TestFiles.tool("xvfb-run") else {
            throw XCTSkip("gtkwave and xvfb-run are needed")
        }
        let dir = try TestFiles.scratch()
        let (vcd, _, _) = try writeTestDesign(to: dir, clocks: 40)
        let expected = try vcd.saveFile().groups.flatMap(\.traces).map(\.name)
        XCTAssertEqual(expected.count, 18)
        let script = dir.appendingPathComponent("probe.tcl")
        try """
        puts "DISPLAYED: [gtkwave::getDisplayedSignals]"
        puts "WINDOW: [gtkwave::getWindowStartTime] [gtkwave::getWindowEndTime]"
        gtkwave::/File/Quit
        """.write(to: script, atomically: true, encoding: .utf8)
        var dumps = [vcd.path]
        if let vcd2fst = TestFiles.tool("vcd2fst") {
            let fst = dir.appendingPathComponent("design.fst").path
            XCTAssertEqual(try TestFiles.run(vcd2fst, [vcd.path, fst]).status, 0)
            dumps.append(fst)
        }
        for dump in dumps {
            var command = [xvfb, "-a", "-s", "-screen 0 1400x900x24", gtkwave, "-S", script.path, dump, vcd.saveFilePath]
            if let timeout = TestFiles.tool("timeout") { command = [timeout, "120"] + command }
            let result = try TestFiles.run(command[0], Array(command.dropFirst()))
            let lines = result.output.split(separator: "\n")
            guard let shown = lines.first(where: { $0.hasPrefix("DISPLAYED: ") }),
                  let window = lines.first(where: { $0.hasPrefix("WINDOW: ") }) else {
                return XCTFail("gtkwave did not run the script on \(dump): \(result.output)")
            }
            XCTAssertEqual(shown.dropFirst(11).split(separator: " ").map(String.init), expected, dump)
            let times = window.dropFirst(8).split(separator: " ").compactMap { Int($0) }
            XCTAssertEqual(times.first, 0, dump)
            XCTAssertEqual(Double(times.last ?? 0), 400, accuracy: 100, "about the 40 dumped clocks are visible: \(window)")
            XCTAssertFalse(result.output.lowercased().contains("warning"), result.output)
        }
    }

    /// Value names become a translate-filter file beside the save file, referenced by a `^N file`
    /// line just before the trace (after its flags, with TR_FTRANSLATED 0x2000, and colour).
    func testValueNamesGoThroughAFilterFile() throws {
        var phase = Self.variable("phase", .fixed(QFormat(signed: false, intBits: 2, fracBits: 0)), scope: ["ctrl"])
        phase.valueNames = [2: "done", 0: "free", 1: "nudge"]
        var signed = Self.variable("dir", .fixed(QFormat(signed: true, intBits: 2, fracBits: 0)), scope: ["ctrl"])
        signed.valueNames = [-1: "down", 1: "up"]
        let dir = try TestFiles.scratch()
        let s = try GTKWaveSaveFile(dumpFile: dir.path + "/d.vcd", saveFile: dir.path + "/d.gtkw", variables: Self.variables + [phase, signed],
                                    timescale: VCDTimescale(clockPeriodSeconds: 1e-5), firstClock: 0, lastClock: 9)
        XCTAssertEqual(s.filterFiles.map(\.path), [dir.path + "/d.ctrl.phase.filter", dir.path + "/d.ctrl.dir.filter"])
        let text = s.render()
        XCTAssertTrue(text.contains("@2024\n[color] 0\n^1 \(dir.path)/d.ctrl.phase.filter\nctrl.phase[1:0]\n"), text)
        XCTAssertTrue(text.contains("@2424\n[color] 0\n^2 \(dir.path)/d.ctrl.dir.filter\nctrl.dir[1:0]\n"), text)
        XCTAssertEqual(text.components(separatedBy: "\n^").count - 1, 2, "only the named traces are translated")
        try s.write(to: dir.path + "/d.gtkw")
        XCTAssertEqual(try String(contentsOfFile: dir.path + "/d.ctrl.phase.filter", encoding: .utf8), "0 free\n1 nudge\n2 done\n")
        XCTAssertEqual(try String(contentsOfFile: dir.path + "/d.ctrl.dir.filter", encoding: .utf8), "-1 down\n1 up\n")
    }

    /// Marks become GTKWave's named markers A-Z on the `*` line (times in dump units, -1 unset)
    /// with `[markername]` lines; marks outside the dump are dropped, one per clock; with more
    /// than 26 the first 26 are kept and a comment line says so.
    func testMarksBecomeNamedMarkers() throws {
        func star(_ s: GTKWaveSaveFile) -> [String] {
            s.render().split(separator: "\n").first { $0.hasPrefix("*") }!.split(separator: " ").map(String.init)
        }
        let marks = [GTKWaveSaveFile.Mark(clock: 50, name: "image 1"), .init(clock: 0, name: "image 0"), .init(clock: 30, name: "nudge"),
                     .init(clock: 50, name: "free"), .init(clock: 120, name: "image 2")]
        let s = try GTKWaveSaveFile(dumpFile: "/w/d.vcd", saveFile: "/w/d.gtkw", variables: Self.variables,
                                    timescale: VCDTimescale(clockPeriodSeconds: 1e-5), firstClock: 0, lastClock: 99, marks: marks)
        XCTAssertEqual(s.marks.map(\.name), ["image 0", "nudge", "image 1"])
        let fields = star(s)
        XCTAssertEqual(fields.count, 28)
        XCTAssertEqual(Array(fields[1...5]), ["-1", "0", "300", "500", "-1"])
        XCTAssertTrue(s.render().contains("[markername] Aimage 0\n[markername] Bnudge\n[markername] Cimage 1\n[treeopen]"))
        XCTAssertFalse(s.render().contains(" marks; "))
        let many = (0..<30).map { GTKWaveSaveFile.Mark(clock: 3 * $0, name: "m\($0)") }
        let t = try GTKWaveSaveFile(dumpFile: "/w/d.vcd", saveFile: "/w/d.gtkw", variables: Self.variables,
                                    timescale: VCDTimescale(clockPeriodSeconds: 1e-5), firstClock: 0, lastClock: 99, marks: many)
        XCTAssertEqual(star(t).last, "750")
        XCTAssertTrue(t.render().contains("[*] 30 marks; GTKWave has 26 named markers (A-Z): the first 26 are set (up to clock 75), the other 4 left out\n"))
        XCTAssertTrue(t.render().contains("[markername] Zm25\n"))
        XCTAssertFalse(t.render().contains("m26"))
    }
}
