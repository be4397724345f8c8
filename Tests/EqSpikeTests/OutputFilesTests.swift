import XCTest
import Foundation
@testable import Analysis
@testable import EqSpike
@testable import Tooling

/// Output paths that cannot be written (a file where a directory should be, /proc, /dev/null, an
/// empty name) give "cannot write PATH: reason", not a Foundation error dump, and exit non-zero.
final class OutputFilesTests: XCTestCase {
    private func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    func testDirectoryErrorsSayWhatIsWrong() throws {
        let dir = Repo.temporaryDirectory("outfiles")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(message { try OutputFiles.directory(file) }, "cannot write \(file): a file of that name exists (not a directory)")
        XCTAssertEqual(message { try OutputFiles.directory(file + "/sub") }, "cannot write \(file)/sub: \(file) is a file, not a directory")
        XCTAssertEqual(message { try OutputFiles.directory("/dev/null") }, "cannot write /dev/null: a file of that name exists (not a directory)")
        XCTAssertEqual(message { try OutputFiles.directory("") }, "cannot write '': an empty directory name")
        XCTAssertEqual(message { try OutputFiles.parentDirectory(of: file + "/x.vcd") }, "cannot write \(file)/x.vcd: \(file) is a file, not a directory")
        XCTAssertEqual(message { try OutputFiles.write("x", to: dir) }, "cannot write \(dir): a directory of that name exists")
        let proc = message { try OutputFiles.write("x", to: "/proc/eqspike-test.csv") }
        XCTAssertTrue(proc.hasPrefix("cannot write /proc/eqspike-test.csv: "), proc)
        XCTAssertFalse(proc.contains("Domain"), proc)
    }

    /// The library writers the commands use (report, sweep) go through the same checks.
    func testReportAndSweepWritersNameThePath() throws {
        let dir = Repo.temporaryDirectory("outfiles-writers")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let report = message { _ = try ReportHTML.write(ReportData(), to: file) }
        XCTAssertEqual(report, "cannot write \(file): a file of that name exists (not a directory)")
        XCTAssertEqual(message { _ = try SweepRunner.merge([dir], into: "") }, "cannot write '': an empty directory name",
                       "an empty --out once wrote /points and /results.csv at the root")
    }

    /// The commands as a user runs them: exit status 1 and the sentence, for each kind of bad path.
    func testCommandsReportUnwritablePaths() throws {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("eqspike").path }
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("eqspike executable not found beside the test bundle (\(candidates))")
        }
        let tmp = Repo.temporaryDirectory("outfiles-cli")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let file = tmp + "/file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let tiny = Repo.path("hw-configs/eqspike-tiny.net")
        func run(_ args: [String]) throws -> (status: Int32, stderr: String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = args
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let data = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let cases: [([String], String)] = [
            (["export", tiny, "--weights", "none.bin", "--out", file], "cannot write \(file): a file of that name exists (not a directory)"),
            (["export", tiny, "--weights", "none.bin", "--out", "/dev/null"], "cannot write /dev/null: a file of that name exists (not a directory)"),
            (["export", tiny, "--weights", "none.bin", "--out", ""], "cannot write '': an empty directory name"),
            (["simulate", tiny, "--data", Repo.subset, "--vcd", file + "/x.vcd"], "cannot write \(file)/x.vcd: \(file) is a file, not a directory"),
            (["simulate", tiny, "--data", Repo.subset, "--vcd", "/proc"], "cannot write /proc: is a directory"),
            (["simulate", tiny, "--data", Repo.subset, "--vcd", "/dev/null"], "cannot write /dev/null: not a regular file"),
            (["compare", tiny, "--data", Repo.subset, "--images", "1", "--vcd", ""], "cannot write '': an empty file name"),
            (["sweep", "--merge", tmp, "--out", ""], "cannot write '': an empty directory name"),
        ]
        for (args, expected) in cases {
            let r = try run(args)
            XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(expected), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Domain="), "\(args): \(r.stderr)")
        }
    }
}
