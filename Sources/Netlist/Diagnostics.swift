/// One error found in a netlist: printed as `file:line:col: error: message`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public let location: SourceLocation
    public let message: String

    /// The message is cleaned by `Quoting.clean`: long quoted runs shortened, invisible
    /// characters named.
    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = Quoting.clean(message)
    }

    public var description: String { "\(location): error: \(message)" }
}

/// Every error found while reading, parsing or elaborating a netlist (never just the first).
/// `description` is one `file:line:col: error: message` line per diagnostic.
public struct NetlistErrors: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Collects diagnostics in the order found, up to a limit (a binary file would otherwise give
/// thousands); `sorted` puts them in file order, command-line ones last.
final class DiagnosticSink {
    private(set) var all: [Diagnostic] = []
    private var seen = Set<Diagnostic>()
    let limit: Int
    private(set) var truncated = false

    init(limit: Int) { self.limit = max(1, limit) }

    var count: Int { all.count }
    var isEmpty: Bool { all.isEmpty }
    var isFull: Bool { all.count >= limit }

    func error(_ location: SourceLocation, _ message: String) {
        guard seen.insert(Diagnostic(location, message)).inserted else { return }
        if all.count >= limit { truncated = true; return }
        all.append(Diagnostic(location, message))
    }

    /// In file order (the netlist first, then `--set` overrides), stable for equal positions,
    /// with a last line when some were left out.
    func sorted(mainFile: String) -> [Diagnostic] {
        var out = all.enumerated().sorted { a, b in
            let ka = (a.element.location.file == mainFile ? 0 : 1, a.element.location.line, a.element.location.column, a.offset)
            let kb = (b.element.location.file == mainFile ? 0 : 1, b.element.location.line, b.element.location.column, b.offset)
            return ka < kb
        }.map(\.element)
        if truncated, let last = out.last {
            out.append(Diagnostic(last.location, "too many errors (\(limit)); stopping here"))
        }
        return out
    }
}
