import XCTest
import Foundation

/// Issue 18's small command-line defects, each driven through the built tool as a user would.
final class CLIDefectTests: XCTestCase {
    let tiny = "hw-configs/eqspike-tiny.net"

    func testAStrayExtraArgumentIsAnError() throws {
        let r = try Tool.run(["simulate", tiny, "extra.net", "--vcd", Repo.temporaryDirectory("extra") + ".vcd"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("unexpected argument 'extra.net'"), r.stderr)
    }

    func testHelpForAMisspelledCommandSuggestsAndFails() throws {
        let r = try Tool.run(["help", "simulte"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("did you mean 'simulate'"), r.stderr)
        XCTAssertEqual(try Tool.run(["help", "simulate"]).status, 0)
    }

    func testAnOptionMissingItsValueIsNamed() throws {
        let r = try Tool.run(["simulate", tiny, "--images", "--vcd", "x.vcd"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--images needs a value"), r.stderr)
    }

    /// `--vcd -`: the VCD alone on stdout, the summary on stderr, no `-.gtkw` anywhere.
    func testVCDOnStandardOutput() throws {
        let dir = Repo.temporaryDirectory("stdout-vcd")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let (status, data) = try Tool.output(["simulate", Repo.path(tiny), "--data", Repo.subset, "--images", "1", "--vcd", "-"], in: dir)
        XCTAssertEqual(status, 0)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("$date"), String(text.prefix(80)))
        XCTAssertFalse(text.contains("image 0"), "the run summary must not be appended to the VCD")
        XCTAssertFalse(text.contains("signals,"), "the run summary must not be appended to the VCD")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/-.gtkw"))
    }

    /// The header states the period as written (10 us) and the whole command that made the dump.
    func testVCDHeaderNamesPeriodAndCommand() throws {
        let vcd = Repo.temporaryDirectory("header") + ".vcd"
        let r = try Tool.run(["simulate", tiny, "--data", Repo.subset, "--images", "1", "--signals", "*.spike", "--vcd", vcd])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOfFile: vcd, encoding: .utf8)
        XCTAssertTrue(text.contains("clock period 10 us = 10 x 1 us"), String(text.prefix(400)))
        XCTAssertTrue(text.contains("--signals '*.spike'") || text.contains("--signals *.spike"), String(text.prefix(400)))
        XCTAssertTrue(text.contains("--images 1 "), String(text.prefix(400)))
    }

    func testJSONSummaries() throws {
        let dir = Repo.temporaryDirectory("json")
        func json(_ args: [String]) throws -> [String: Any] {
            let (status, data) = try Tool.output(args)
            XCTAssertEqual(status, 0, args.joined(separator: " "))
            return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], String(decoding: data, as: UTF8.self))
        }
        let train = try json(["train", tiny, "--data", Repo.subset, "--epochs", "2", "--train-limit", "20", "--test-limit", "10",
                              "--out", dir, "--json"])
        let epochs = try XCTUnwrap(train["epochs"] as? [[String: Any]])
        XCTAssertEqual(epochs.map { $0["epoch"] as? Int }, [1, 2])
        XCTAssertEqual(epochs[0]["train_images"] as? Int, 20)
        let sim = try json(["simulate", tiny, "--data", Repo.subset, "--images", "2", "--vcd", dir + "/s.vcd", "--json"])
        let images = try XCTUnwrap(sim["images"] as? [[String: Any]])
        XCTAssertEqual(images.count, 2)
        XCTAssertEqual(images[1]["start_clock"] as? Int, images[0]["clocks"] as? Int)
        let eval = try json(["eval", tiny, "--data", Repo.subset, "--weights", dir + "/checkpoint.bin", "--test-limit", "10", "--json"])
        let confusion = try XCTUnwrap(eval["confusion"] as? [[Int]], "confusion is one row per class")
        XCTAssertEqual(confusion.count, eval["classes"] as? Int)
        XCTAssertEqual(confusion.map(\.count), Array(repeating: confusion.count, count: confusion.count))
        XCTAssertEqual(confusion.flatMap { $0 }.reduce(0, +), 10)
    }

    /// `--image K` windows the dump to image K, wherever it falls in the run.
    func testImageWindowDumpsExactlyThatImage() throws {
        let dir = Repo.temporaryDirectory("image-window")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let (status, data) = try Tool.output(["simulate", tiny, "--data", Repo.subset, "--images", "3", "--learn", "--image", "1",
                                              "--vcd", dir + "/one.vcd", "--json"])
        XCTAssertEqual(status, 0)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let images = try XCTUnwrap(obj["images"] as? [[String: Any]])
        let start = try XCTUnwrap(images[1]["start_clock"] as? Int), clocks = try XCTUnwrap(images[1]["clocks"] as? Int)
        XCTAssertEqual(obj["first_dumped_clock"] as? Int, start)
        XCTAssertEqual(obj["last_dumped_clock"] as? Int, start + clocks - 1)
        let vcd = try String(contentsOfFile: dir + "/one.vcd", encoding: .utf8)
        XCTAssertTrue(vcd.contains("image 1 only: from clock \(start)"))
        let bad = try Tool.run(["simulate", tiny, "--data", Repo.subset, "--images", "3", "--image", "3", "--vcd", dir + "/x.vcd"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--image 3 is not among the 3 image(s)"), bad.stderr)
        let both = try Tool.run(["simulate", tiny, "--images", "3", "--image", "1", "--from", "5", "--vcd", dir + "/y.vcd"])
        XCTAssertEqual(both.status, 2)
    }
}
