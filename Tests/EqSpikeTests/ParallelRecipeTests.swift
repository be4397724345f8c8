import XCTest
import Foundation
import Waveform

/// The README's GNU-parallel recipe for a sharded sweep, run as written (from a fresh checkout's
/// layout) on a small grid, merges into the results.csv of the same sweep unsplit.
final class ParallelRecipeTests: XCTestCase {
    /// The lines of the ```sh block that follows `marker` in README.md.
    static func shellBlock(after marker: String) throws -> [String] {
        let readme = try String(contentsOfFile: Repo.path("README.md"), encoding: .utf8)
        let at = try XCTUnwrap(readme.range(of: marker), "README has no '\(marker)'")
        let rest = readme[at.upperBound...]
        let open = try XCTUnwrap(rest.range(of: "```sh\n"), "no ```sh block after '\(marker)'")
        let close = try XCTUnwrap(rest[open.upperBound...].range(of: "\n```"))
        return rest[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
    }

    /// Runs `bash -c script` in `dir` with extra environment; returns status and combined output.
    static func bash(_ script: String, in dir: String, env: [String: String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let log = dir + "/recipe.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try handle.close()
        return (p.terminationStatus, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    func testGNUParallelRecipeMergesToTheUnsplitSweep() throws {
        guard DumpTarget.findOnPath("parallel") != nil else {
            throw XCTSkip("GNU parallel is not installed (apt-get install parallel; scripts/test.sh does it when root)")
        }
        let tool = try Tool.require()
        let lines = try Self.shellBlock(after: "Three shards on this machine with GNU parallel")
        XCTAssertEqual(lines.count, 2, "the recipe: parallel, then merge")
        XCTAssertTrue(lines[0].hasPrefix("parallel "), lines[0])
        XCTAssertFalse(lines.joined().contains("$B"), "self-contained: no variable from another block")

        // A fresh clone's layout: the designs and scripts, the shipped data subset, the built tool.
        let dir = Repo.temporaryDirectory("parallel-recipe")
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/.build/release", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dir + "/hw-configs", withDestinationPath: Repo.path("hw-configs"))
        try fm.createSymbolicLink(atPath: dir + "/Tests", withDestinationPath: Repo.path("Tests"))
        try fm.createSymbolicLink(atPath: dir + "/.build/release/eqspike", withDestinationPath: tool)
        // A small grid: 2 weight formats x 2 roundings, 20 training and 20 test images.
        let env = ["WEIGHTS": "s1.7,s1.11", "TRAIN": "20", "TEST": "20", "HOME": dir]
        let recipe = try Self.bash("set -e\n" + lines.joined(separator: "\n"), in: dir, env: env)
        XCTAssertEqual(recipe.status, 0, recipe.output)
        let unsplit = try Self.bash("sh hw-configs/sweeps/weights.sh --out runs/unsplit", in: dir, env: env)
        XCTAssertEqual(unsplit.status, 0, unsplit.output)

        func rows(_ path: String) throws -> [String] {
            // Every column but the last, wall_seconds.
            try String(contentsOfFile: dir + "/" + path, encoding: .utf8).split(separator: "\n").map {
                String($0[..<($0.lastIndex(of: ",") ?? $0.endIndex)])
            }
        }
        let merged = try rows("runs/weights/results.csv"), whole = try rows("runs/unsplit/results.csv")
        XCTAssertEqual(merged.count, 5, "header + 4 points")
        XCTAssertTrue(merged.dropFirst().allSatisfy { $0.contains(",ok,") }, merged.joined(separator: "\n"))
        XCTAssertEqual(merged, whole, "the merged shards equal the unsplit sweep but for wall_seconds")
        for k in 0..<3 { XCTAssertTrue(fm.fileExists(atPath: dir + "/runs/weights-shard\(k)/results.csv"), "shard \(k)") }
    }
}
