import Netlist

/// A small command-line parser: positionals, `--name value`, `--name=value`, repeated options and
/// flags. Unknown options are errors with a suggestion; nothing traps on bad input.
struct Options {
    private(set) var positionals: [String] = []
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []
    private var used: Set<String> = []

    /// `valued` lists options that take a value, `booleans` those that don't; `maxPositionals` is
    /// how many arguments without `--` the command takes (nil: any number), so a stray extra
    /// argument is an error instead of being ignored.
    init(_ args: ArraySlice<String>, valued: Set<String>, booleans: Set<String>, maxPositionals: Int? = 1) throws(CLIError) {
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i]
            if a == "--" {
                positionals.append(contentsOf: args[(i + 1)...])
                break
            }
            if a.hasPrefix("--") {
                var name = String(a.dropFirst(2))
                var inline: String? = nil
                if let eq = name.firstIndex(of: "=") {
                    inline = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                if booleans.contains(name) {
                    guard inline == nil else { throw .usage("--\(name) takes no value") }
                    flags.insert(name)
                } else if valued.contains(name) {
                    if let v = inline {
                        values[name, default: []].append(v)
                    } else {
                        guard i + 1 < args.endIndex else { throw .usage("--\(name) needs a value") }
                        // `--images --vcd x.vcd`: the value is missing, not '--vcd'.
                        let next = args[i + 1]
                        if next.hasPrefix("--"), valued.union(booleans).contains(String(next.dropFirst(2).prefix { $0 != "=" })) {
                            throw .usage("--\(name) needs a value (got the option \(next))")
                        }
                        i += 1
                        values[name, default: []].append(next)
                    }
                } else {
                    let known = (valued.union(booleans)).sorted()
                    let hint = closest(name, in: known).map { " (did you mean --\($0)?)" } ?? ""
                    throw .usage("unknown option --\(name)\(hint)")
                }
            } else {
                positionals.append(a)
            }
            i += 1
        }
        if let m = maxPositionals, positionals.count > m {
            let extra = positionals[m...].map { "'\($0)'" }.joined(separator: ", ")
            throw .usage("unexpected argument\(positionals.count - m > 1 ? "s" : "") \(extra) (this command takes \(m == 1 ? "one" : String(m)) before its --options)")
        }
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func string(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    func int(_ name: String, range: ClosedRange<Int>? = nil) throws(CLIError) -> Int? {
        guard let s = string(name) else { return nil }
        guard let v = Int(s) else { throw .usage("--\(name) expects an integer, got '\(s)'") }
        if let r = range, !r.contains(v) { throw .usage("--\(name) must be in \(r.lowerBound)...\(r.upperBound), got \(v)") }
        return v
    }

    func double(_ name: String, range: ClosedRange<Double>? = nil) throws(CLIError) -> Double? {
        guard let s = string(name) else { return nil }
        guard let v = Double(s), v.isFinite else { throw .usage("--\(name) expects a number, got '\(s)'") }
        if let r = range, !r.contains(v) { throw .usage("--\(name) must be in \(r.lowerBound)...\(r.upperBound), got \(v)") }
        return v
    }

    /// The single positional argument a command requires (e.g. the netlist).
    func positional(_ what: String, at index: Int = 0) throws(CLIError) -> String {
        guard index < positionals.count else { throw .usage("missing \(what)") }
        return positionals[index]
    }
}

enum CLIError: Error, CustomStringConvertible {
    case usage(String)
    case failed(String)
    var description: String {
        switch self {
        case .usage(let m): return m
        case .failed(let m): return m
        }
    }
}

/// The closest candidate by edit distance, if close enough to be a plausible typo (the netlist's
/// rule, so options, commands and design names are suggested alike).
func closest(_ word: String, in candidates: [String]) -> String? {
    Suggestions.best(for: word, among: candidates)
}
