import XCTest
@testable import Netlist

/// What diagnostics quote of the input: a byte-order mark is skipped, invisible characters are
/// named by code point, and nothing is echoed at unbounded length.
final class DiagnosticQuotingTests: XCTestCase {
    /// A UTF-8 BOM, as Windows editors save it, used to give "unexpected character" with an
    /// invisible character; it is skipped and columns count from the first visible byte.
    func testLeadingByteOrderMarkIsSkipped() {
        XCTAssertEqual(errors("\u{FEFF}H = 3\n"), [])
        XCTAssertEqual(errors("\u{FEFF}H = 3 4\n"), ["t.net:1:7: error: expected end of line, found '4'"])
        XCTAssertEqual(errors("H = 3\n\u{FEFF}\n"), ["t.net:2:1: error: unexpected character U+FEFF (ZERO WIDTH NO-BREAK SPACE)"],
                       "only a leading BOM is a byte-order mark")
    }

    func testInvisibleCharactersAreNamed() {
        XCTAssertEqual(errors("H = 3\u{200B}\n"), ["t.net:1:6: error: unexpected character U+200B (ZERO WIDTH SPACE)"])
        XCTAssertEqual(errors("H = 3\u{00A0}\n"), ["t.net:1:6: error: unexpected character U+00A0 (NO-BREAK SPACE)"])
        XCTAssertEqual(errors("H = é\n").first, "t.net:1:5: error: unexpected character 'é'", "visible characters stay quoted")
        XCTAssertEqual(Diagnostic(SourceLocation(file: "f", line: 1, column: 1), "name 'a\u{200B}b'").message, "name 'aU+200Bb'",
                       "any message: an invisible character never reaches the reader raw")
    }

    /// A megabyte literal (or --set value) used to be echoed whole in the message.
    func testLongQuotedTextIsCapped() throws {
        let digits = String(repeating: "7", count: 1_000_000)   // 10 MB behaves the same, 10x slower
        let all = errors("H = \(digits)\n")
        let first = try XCTUnwrap(all.first)
        XCTAssertEqual(first, "t.net:1:5: error: integer literal \(String(repeating: "7", count: 40))... (1000000 characters) is too large")
        XCTAssertTrue(all.allSatisfy { $0.count < 300 }, "\(all.map(\.count))")
        let set = errors("H = 3\n", overrides: ["H=\(digits)"])
        XCTAssertFalse(set.isEmpty)
        XCTAssertTrue(set.allSatisfy { $0.count < 300 }, "\(set.map(\.count))")
        let name = String(repeating: "n", count: 100_000)
        // The name must be used: an unused parameter is never evaluated, so it raises nothing.
        let unknown = errors("H = \(name)\nblock src: source(lanes = H, format = s3.12)\n")
        XCTAssertFalse(unknown.isEmpty)
        XCTAssertTrue(unknown.allSatisfy { $0.count < 300 && $0.contains("(100000 characters)") }, "\(unknown.map { $0.prefix(200) })")
        XCTAssertEqual(Quoting.clean("short 'name' stays"), "short 'name' stays")
    }
}
