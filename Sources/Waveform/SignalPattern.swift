/// A signal selection pattern, as given to `VCDWriter.addSignals`, `TextTrace` and
/// `GTKWaveSaveFile.Options.show`.
///
/// Syntax (`instance.port[lanes]`):
/// - `hidden.u`            every lane of port `u` of instance `hidden`
/// - `hidden.u[0:7]`       lanes 0 to 7 (inclusive, like a Verilog part-select); a reversed range
///   such as `[7:0]` is an error (it reads as "7 down to 0" to some and as a typo to others)
/// - `hidden.u[3]`, `hidden.u[0:3,8,10:11]`   one lane, or a comma list of lanes and ranges
/// - `*.spike`             port `spike` of every instance
/// - `hidden.*`, `hidden`  every signal of `hidden` (a pattern without a dot names instances)
/// - `w1.col_current[0:3]`, `*.{u,spike}`, `out?.v`   globs: `*` any run of characters
///   (dots included, so `*` also crosses hierarchy levels), `?` one character, `{a,b}` alternatives
/// - `!hidden.v`           exclusion: removes what it matches from what the other patterns select
///
/// The instance part is everything before the last dot (instance names may contain dots for
/// hierarchy), the port part what follows it. A pattern with a wildcard takes the lanes each matched
/// port has, so `*.u[0:7]` takes the first 8 lanes of every `u` however wide each is; a pattern that
/// names one port exactly and asks for lanes it lacks is an error (`lanes(of:count:)`), because
/// clamping `h.u[0:99]` to 8 lanes would silently show less than was asked. A non-exclusion pattern that
/// selects nothing is an error (a typo should not silently give an empty waveform).
public struct SignalPattern: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let isExclusion: Bool
    public let instanceGlob: String
    public let portGlob: String
    /// Selected lanes as inclusive ranges, normalised low...high; nil selects every lane.
    public let lanes: [ClosedRange<Int>]?

    public var description: String { text }

    /// Parses one pattern; braces must already be expanded (see `SignalPattern.parse`).
    public init(single text: String) throws(WaveformError) {
        self.text = text
        var body = Substring(text.filter { !$0.isWhitespace })
        isExclusion = body.first == "!"
        if isExclusion { body = body.dropFirst() }
        guard !body.isEmpty else { throw .badPattern(text, "empty pattern") }

        var lanes: [ClosedRange<Int>]? = nil
        if body.last == "]" {
            guard let open = body.lastIndex(of: "[") else { throw .badPattern(text, "']' without '['") }
            let inside = body[body.index(after: open)..<body.index(before: body.endIndex)]
            var list: [ClosedRange<Int>] = []
            for item in inside.split(separator: ",", omittingEmptySubsequences: false) {
                let ends = item.split(separator: ":", omittingEmptySubsequences: false)
                guard ends.count == 1 || ends.count == 2,
                      let a = Int(ends[0]), a >= 0,
                      let b = ends.count == 2 ? Int(ends[1]) : a, b >= 0 else {
                    throw .badPattern(text, "lane selection '[\(inside)]' should be [n], [a:b] or a comma list of them")
                }
                guard a <= b else {
                    throw .badPattern(text, "lane range \(a):\(b) is reversed; write the low lane first: [\(b):\(a)]")
                }
                list.append(a...b)
            }
            lanes = list
            body = body[..<open]
        }
        guard !body.contains("[") && !body.contains("]") else {
            throw .badPattern(text, "'[' and ']' are only allowed for a lane selection at the end")
        }
        if let dot = body.lastIndex(of: ".") {
            instanceGlob = String(body[..<dot])
            portGlob = String(body[body.index(after: dot)...])
        } else {
            guard lanes == nil else { throw .badPattern(text, "a lane selection needs a port: write instance.port[lanes]") }
            instanceGlob = String(body)
            portGlob = "*"
        }
        guard !instanceGlob.isEmpty, !portGlob.isEmpty else {
            throw .badPattern(text, "expected instance.port, e.g. hidden.u or *.spike")
        }
        self.lanes = lanes
    }

    /// Parses a pattern, expanding `{a,b}` alternatives into several patterns.
    public static func parse(_ text: String) throws(WaveformError) -> [SignalPattern] {
        var out: [SignalPattern] = []
        for t in try expandBraces(text) { out.append(try SignalPattern(single: t)) }
        return out
    }

    public static func parse(_ texts: [String]) throws(WaveformError) -> [SignalPattern] {
        var out: [SignalPattern] = []
        for t in texts { out += try parse(t) }
        return out
    }

    /// True when the pattern's globs match this instance and port name.
    public func matches(instance: String, port: String) -> Bool {
        Glob.matches(instanceGlob, instance) && Glob.matches(portGlob, port)
    }

    /// The lanes of a `count`-lane port this pattern selects, ascending.
    public func selectedLanes(count: Int) -> [Int] {
        guard let lanes else { return Array(0..<count) }
        var seen = Array(repeating: false, count: count)
        for r in lanes where r.lowerBound < count {
            for l in r.lowerBound...min(r.upperBound, count - 1) { seen[l] = true }
        }
        return seen.indices.filter { seen[$0] }
    }

    /// True when the port part names one port exactly (no wildcard).
    var namesPortExactly: Bool { !portGlob.contains("*") && !portGlob.contains("?") }

    /// True when the pattern names one instance and one port (no wildcard anywhere).
    var namesSignalExactly: Bool { namesPortExactly && !instanceGlob.contains("*") && !instanceGlob.contains("?") }

    /// The lanes of `signal` (a matched `instance.port` with `count` lanes) this pattern selects,
    /// ascending. A pattern naming that one signal exactly must not ask for lanes beyond it: an error
    /// naming the pattern, the signal and its lane count, rather than a silently clamped selection.
    public func lanes(of signal: String, count: Int) throws(WaveformError) -> [Int] {
        if namesSignalExactly, let top = lanes?.map(\.upperBound).max(), top >= count {
            throw .lanesBeyondPort(text, signal: signal, lanes: count, asked: top)
        }
        return selectedLanes(count: count)
    }

    static func expandBraces(_ text: String) throws(WaveformError) -> [String] {
        guard let open = text.firstIndex(of: "{") else {
            if text.contains("}") { throw .badPattern(text, "'}' without '{'") }
            return [text]
        }
        guard let close = text[open...].firstIndex(of: "}") else { throw .badPattern(text, "'{' without '}'") }
        let head = text[..<open]
        let tail = String(text[text.index(after: close)...])
        let inner = text[text.index(after: open)..<close]
        guard !inner.contains("{") else { throw .badPattern(text, "nested braces are not supported") }
        var out: [String] = []
        for alternative in inner.split(separator: ",", omittingEmptySubsequences: false) {
            out += try expandBraces(head + alternative + tail)
        }
        return out
    }
}

/// Shell-style glob matching on bytes: `*` (any run, including dots) and `?` (one character).
enum Glob {
    static func matches(_ pattern: String, _ name: String) -> Bool {
        if pattern == "*" { return true }
        let p = Array(pattern.utf8), s = Array(name.utf8)
        var i = 0, j = 0
        var star = -1, mark = 0
        while j < s.count {
            if i < p.count && (p[i] == UInt8(ascii: "?") || p[i] == s[j]) {
                i += 1; j += 1
            } else if i < p.count && p[i] == UInt8(ascii: "*") {
                star = i; mark = j; i += 1
            } else if star >= 0 {
                i = star + 1; mark += 1; j = mark
            } else {
                return false
            }
        }
        while i < p.count && p[i] == UInt8(ascii: "*") { i += 1 }
        return i == p.count
    }
}

/// One named, possibly multi-lane signal that patterns can select from: used to resolve patterns
/// against the ports of a design and against Double signals alike.
struct SelectableSignal {
    let instance: String
    let port: String
    let lanes: Int
    /// Unconnected optional inputs only show up when a pattern names them exactly.
    let quiet: Bool
}

enum Selection {
    /// For each signal, the lanes selected by `patterns` (empty: not selected). Throws for a
    /// non-exclusion pattern that selects nothing.
    static func resolve(_ patterns: [SignalPattern], over signals: [SelectableSignal], knownNames: [String]) throws(WaveformError) -> [[Int]] {
        var selected = signals.map { Array(repeating: false, count: $0.lanes) }
        for p in patterns where !p.isExclusion {
            var any = false
            for (k, s) in signals.enumerated() where p.matches(instance: s.instance, port: s.port) {
                if s.quiet && !p.namesPortExactly { continue }
                for l in try p.lanes(of: "\(s.instance).\(s.port)", count: s.lanes) { selected[k][l] = true; any = true }
            }
            if !any { throw .noMatch(p.text, known: knownNames) }
        }
        for p in patterns where p.isExclusion {
            for (k, s) in signals.enumerated() where p.matches(instance: s.instance, port: s.port) {
                for l in try p.lanes(of: "\(s.instance).\(s.port)", count: s.lanes) { selected[k][l] = false }
            }
        }
        return selected.map { lanes in lanes.indices.filter { lanes[$0] } }
    }
}
