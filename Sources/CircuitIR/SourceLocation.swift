/// A position in a netlist (or in a `--set` override): file, 1-based line and 1-based column of
/// the first byte of the offending token (columns count bytes, as gcc and clang do).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    /// The pseudo-file that `--set` overrides are reported in; the line is the override's ordinal.
    public static let commandLine = "<command-line>"
}
