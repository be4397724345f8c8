import XCTest
import Foundation

/// `simulate`'s save file finds its way in time: it opens zoomed to the whole run, with named
/// markers at image starts and phase changes, and ctrl.phase shows free / nudge / done.
final class SaveFileMarkerTests: XCTestCase {
    func testMarkersPhaseNamesAndZoom() throws {
        let dir = Repo.temporaryDirectory("markers")
        let vcd = dir + "/run.vcd"
        let (status, data) = try Tool.output(["simulate", "hw-configs/eqspike-tiny.net", "--data", Repo.subset, "--images", "3", "--learn",
                                              "--signals", "*.spike[0:1],ctrl.phase", "--vcd", vcd, "--json"])
        XCTAssertEqual(status, 0)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let images = try XCTUnwrap(summary["images"] as? [[String: Any]])
        let starts = images.compactMap { $0["start_clock"] as? Int }
        XCTAssertEqual(starts.count, 3)
        let lastClock = try XCTUnwrap(summary["last_dumped_clock"] as? Int)
        let text = try String(contentsOfFile: vcd, encoding: .utf8)
        // `$comment clock period 10 us = 10 x 1 us; ...`: time units per clock.
        let ticks = try XCTUnwrap(text.range(of: #"= \d+ x"#, options: .regularExpression).flatMap { Int(text[$0].dropFirst(2).dropLast(2)) })

        // tb.image, the test bench's image counter, is dumped though --signals does not name it,
        // and changes to k at image k's first clock.
        let id = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("$var reg 20 ") && $0.contains(" image ") }?
            .split(separator: " ")[3])
        var time = 0, changes: [(Int, Int)] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") { time = Int(line.dropFirst()) ?? time }
            let f = line.split(separator: " ")
            if f.count == 2 && f[1] == id && f[0].hasPrefix("b") { changes.append((time, Int(f[0].dropFirst(), radix: 2) ?? -1)) }
        }
        XCTAssertEqual(changes.map { $0.1 }, [0, 1, 2])
        XCTAssertEqual(changes.map { $0.0 }, starts.map { $0 * ticks })

        let save = try String(contentsOfFile: dir + "/run.gtkw", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertTrue(save.contains("tb.image[19:0]"), "the image counter is in the save file")
        // ctrl.phase: translated through a filter file beside the save file, named just before it.
        let trace = try XCTUnwrap(save.firstIndex(of: "ctrl.phase[1:0]"))
        XCTAssertEqual(save[trace - 1], "^1 \(dir)/run.ctrl.phase.filter")
        XCTAssertEqual(save[trace - 3], "@2024", "decimal, right-justified, file-translated")
        XCTAssertEqual(try String(contentsOfFile: dir + "/run.ctrl.phase.filter", encoding: .utf8), "0 free\n1 nudge\n2 done\n")

        // Markers: every image start, named, in the VCD's time units; phase changes between them.
        let star = try XCTUnwrap(save.first { $0.hasPrefix("*") }).split(separator: " ").map(String.init)
        XCTAssertEqual(star.count, 28, "zoom, primary marker, A-Z")
        XCTAssertEqual(star[1], "-1", "no primary marker")
        let times = star[2...].compactMap { Int($0) }.filter { $0 >= 0 }
        let names = save.filter { $0.hasPrefix("[markername] ") }.map { String($0.dropFirst(13)) }
        XCTAssertEqual(names.count, times.count)
        for (k, start) in starts.enumerated() {
            let i = try XCTUnwrap(times.firstIndex(of: start * ticks), "image \(k) starts at clock \(start)")
            XCTAssertEqual(names[i], "\(Character(Unicode.Scalar(UInt8(65 + i))))image \(k)")
        }
        XCTAssertEqual(times, times.sorted())
        let nudges = names.filter { $0.hasSuffix("nudge") }
        XCTAssertEqual(nudges.count, 3, "a learning run enters the nudge phase in every image: \(names)")

        // Zoom: the whole run across the wave pane (GTKWave's zoom is -log2(200 * ticks / pane)).
        let zoom = try XCTUnwrap(Double(star[0].dropFirst()))
        let pane = 1400.0 - 276 - 260 - 40
        XCTAssertEqual(zoom, -log2(200 * Double((lastClock + 1) * ticks) / pane), accuracy: 1e-5)
    }
}
