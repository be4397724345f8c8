import XCTest
import Foundation
import HDL
import Waveform
@testable import EqSpike

/// The default view of a chip's save file (`DefaultView`): controller, output layer and its
/// readers, nudge, hidden, input, then the rest; large groups closed; registers before inputs.
final class DefaultViewTests: XCTestCase {
    func testGroupOrderStartsWithWhatADesignerLooksAtFirst() throws {
        let chip = try Chip(path: Repo.design100)
        let order = DefaultView.groupOrder(for: chip)
        // w2 reads the output spikes too (its columns), but it is synapses: it stays with the rest.
        XCTAssertEqual(Array(order.prefix(7)), ["ctrl", "o", "li_o", "count", "nudge", "h", "x"])
        let netlist = chip.simulator.blocks.map(\.name)
        XCTAssertEqual(order.sorted(), netlist.sorted(), "every block exactly once")
        XCTAssertEqual(Array(order.dropFirst(7)), netlist.filter { !order.prefix(7).contains($0) }, "the rest in netlist order")
    }

    /// The all-signals dump of 784-100-10 used to open on 784 `enc.current` rows: it now opens on
    /// the controller, with every group of more than 64 traces closed and, in each group,
    /// registers first and inputs last.
    func testAllSignalsDumpOpensOnTheController() throws {
        let chip = try Chip(path: Repo.design100)
        let dir = Repo.temporaryDirectory("defaultview")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let writer = try VCDWriter(path: dir + "/all.vcd", clockPeriodSeconds: chip.design.clock.periodSeconds, date: "x")
        writer.saveFileOptions = nil
        try writer.addSignals(from: chip.simulator, patterns: ["*"])
        writer.sample(cycle: 0)          // writes the header: the variables are final
        try writer.finish()
        let save = try writer.saveFile(options: DefaultView.options(for: chip))
        XCTAssertEqual(save.groups.first?.name, "ctrl")
        XCTAssertEqual(save.groups.first?.traces.first?.name, "ctrl.phase[1:0]", "the phase, a register, first")
        XCTAssertEqual(Array(save.groups.map(\.name).prefix(7)), ["ctrl", "o", "li_o", "count", "nudge", "h", "x"])
        for g in save.groups {
            XCTAssertEqual(g.closed, g.traces.count > DefaultView.closeAbove, "\(g.name): \(g.traces.count) traces")
        }
        XCTAssertTrue(try XCTUnwrap(save.groups.first { $0.name == "enc" }).closed, "784 encoder lanes start closed")
        XCTAssertFalse(try XCTUnwrap(save.groups.first { $0.name == "ctrl" }).closed)
        XCTAssertFalse(try XCTUnwrap(save.groups.first { $0.name == "o" }).closed)
        // Registers before outputs before inputs, group by group.
        let byName = Dictionary(writer.variables.map { ($0.gtkwaveName, $0) }, uniquingKeysWith: { a, _ in a })
        func rank(_ v: VCDVariable) -> Int { v.isInput ? 2 : (v.varType == "reg" ? 0 : 1) }
        var sawInput = false
        for g in save.groups {
            let ranks = g.traces.compactMap { byName[$0.name] }.map(rank)
            XCTAssertEqual(ranks.count, g.traces.count)
            XCTAssertEqual(ranks, ranks.sorted(), g.name)
            sawInput = sawInput || ranks.contains(2)
        }
        XCTAssertTrue(sawInput, "the design has probed inputs, so the order was really checked")
        // The rendered file: first group open, closed groups with GTKWave's closed-group flags.
        let text = save.render()
        let firstGroup = try XCTUnwrap(text.range(of: "@800200\n-"))
        XCTAssertTrue(text[firstGroup.upperBound...].hasPrefix("ctrl\n"), "the first group is ctrl")
        XCTAssertTrue(text.contains("@c00200\n-enc\n"))
        XCTAssertTrue(text.contains("@1401200\n-enc\n"))
    }

    /// `simulate` uses the policy: its save file lists the test bench's image counter, then ctrl.
    func testSimulateSaveFileUsesTheDefaultView() throws {
        let dir = Repo.temporaryDirectory("defaultview-cli")
        let vcd = dir + "/t.vcd"
        let r = try Tool.run(["simulate", "hw-configs/eqspike-tiny.net", "--data", Repo.subset, "--images", "1",
                              "--signals", "*", "--vcd", vcd])
        XCTAssertEqual(r.status, 0, r.stderr)
        let gtkw = try String(contentsOfFile: dir + "/t.gtkw", encoding: .utf8)
        let groups = gtkw.split(separator: "\n").enumerated().compactMap { i, line -> String? in
            line == "@800200" || line == "@c00200" ? String(gtkw.split(separator: "\n")[i + 1].dropFirst()) : nil
        }
        XCTAssertEqual(Array(groups.prefix(8)), ["tb", "ctrl", "o", "li_o", "count", "nudge", "h", "x"])
    }
}
