import XCTest
import Foundation

/// Output the README quotes is checked against the tool, so the excerpts cannot go stale.
final class ReadmeExcerptTests: XCTestCase {
    /// The lines of the fenced block that follows `marker` in README.md.
    static func block(after marker: String) throws -> [String] {
        let readme = try String(contentsOfFile: Repo.path("README.md"), encoding: .utf8)
        guard let at = readme.range(of: marker) else {
            // The excerpt is checked only if it can be found: losing its heading must fail, not skip.
            XCTFail("README has no '\(marker)'")
            return []
        }
        let rest = readme[at.upperBound...]
        guard let open = rest.range(of: "```\n"), let close = rest[open.upperBound...].range(of: "\n```") else {
            XCTFail("no fenced block after '\(marker)'")
            return []
        }
        return rest[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
    }

    func testCheckExcerptMatchesTheTool() throws {
        let lines = try Self.block(after: "`eqspike check hw-configs/eqspike-784-100-10.net` prints")
        XCTAssertFalse(lines.isEmpty)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Tool.require())
        p.currentDirectoryURL = URL(fileURLWithPath: Repo.root)
        p.arguments = ["check", "hw-configs/eqspike-784-100-10.net"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let printed = Set(text.split(separator: "\n").map(String.init))
        for line in lines { XCTAssertTrue(printed.contains(line), "README quotes a line that `eqspike check` no longer prints: \(line)") }
    }
}
