import Foundation

/// A minimal, strict VCD reader written for the tests only, independently of the writer (it shares
/// no code with `Waveform`). It reads the header (scopes, variables), `$dumpvars` and value changes,
/// and rejects what a careful reader or GTKWave would trip over: unknown identifiers, a value of
/// the wrong kind or width, time going backwards, a change to the value a variable already has,
/// a timestamp without changes (except a final end-of-dump one), `$dumpvars` missing a variable.
struct MiniVCD {
    struct Variable {
        let type: String
        let size: Int
        let id: String
        let name: String          // reference without the packed range: `u_3`, `spike`
        let range: String?        // `[7:0]`
        let scope: [String]
        var fullName: String { (scope + [name]).joined(separator: ".") }
    }

    enum Value: Equatable, CustomStringConvertible {
        case bits(String)          // as written, without leading `b`
        case real(Double)
        var description: String {
            switch self {
            case .bits(let b): return "b" + b
            case .real(let r): return "r\(r)"
            }
        }
        /// The bits zero-extended to `size` and read as two's complement (signed) or unsigned.
        func integer(size: Int, signed: Bool) -> Int64? {
            guard case .bits(let b) = self, let raw = UInt64(b, radix: 2) else { return nil }
            if signed && size < 64 && raw & (UInt64(1) << (size - 1)) != 0 { return Int64(raw) - (Int64(1) << size) }
            return Int64(raw)
        }
    }

    struct ReadError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    var date = "", version = "", timescale = "", comments: [String] = []
    var variables: [Variable] = []
    /// Every timestamp, in file order.
    var times: [Int] = []
    /// Per identifier: (time, value) in file order, the first from `$dumpvars`.
    var changes: [String: [(time: Int, value: Value)]] = [:]
    var dumpvarsTime: Int?
    /// Number of value-change records after `$dumpvars`.
    var changeCount = 0

    init(text: String) throws {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).map(String.init)
        var i = 0
        func next() throws -> String {
            guard i < tokens.count else { throw ReadError(message: "unexpected end of file") }
            defer { i += 1 }
            return tokens[i]
        }
        func until(_ end: String = "$end") throws -> [String] {
            var out: [String] = []
            while true {
                let t = try next()
                if t == end { return out }
                out.append(t)
            }
        }
        var scope: [String] = []
        var ids: [String: Variable] = [:]
        header: while true {
            let t = try next()
            switch t {
            case "$date": date = try until().joined(separator: " ")
            case "$version": version = try until().joined(separator: " ")
            case "$comment": comments.append(try until().joined(separator: " "))
            case "$timescale": timescale = try until().joined(separator: " ")
            case "$scope":
                let body = try until()
                guard body.count == 2, body[0] == "module" else { throw ReadError(message: "bad $scope \(body)") }
                scope.append(body[1])
            case "$upscope":
                guard try until().isEmpty, !scope.isEmpty else { throw ReadError(message: "bad $upscope") }
                scope.removeLast()
            case "$var":
                let body = try until()
                guard body.count == 4 || body.count == 5, let size = Int(body[1]), size >= 1 else {
                    throw ReadError(message: "bad $var \(body)")
                }
                guard ["wire", "reg", "real", "integer"].contains(body[0]) else { throw ReadError(message: "unexpected var type \(body[0])") }
                guard body[2].utf8.allSatisfy({ $0 >= 33 && $0 <= 126 }) else { throw ReadError(message: "bad identifier \(body[2])") }
                if body.count == 5 && body[4] != "[\(size - 1):0]" { throw ReadError(message: "range \(body[4]) does not match size \(size)") }
                let v = Variable(type: body[0], size: size, id: body[2], name: body[3], range: body.count == 5 ? body[4] : nil, scope: scope)
                // Aliases (one identifier, several names) must agree on size and on real vs bits.
                if let other = ids[v.id], other.size != v.size || (other.type == "real") != (v.type == "real") {
                    throw ReadError(message: "identifier \(v.id) aliases variables of different kinds")
                }
                if variables.contains(where: { $0.fullName == v.fullName }) { throw ReadError(message: "duplicate variable \(v.fullName)") }
                ids[v.id] = v
                variables.append(v)
            case "$enddefinitions":
                guard try until().isEmpty, scope.isEmpty else { throw ReadError(message: "bad $enddefinitions (open scopes: \(scope))") }
                break header
            default: throw ReadError(message: "unexpected header token \(t)")
            }
        }

        var time: Int? = nil
        var changesAtTime = 0
        var current: [String: Value] = [:]
        var inDumpvars = false
        func record(_ id: String, _ value: Value) throws {
            guard let t = time else { throw ReadError(message: "value change before any timestamp") }
            guard let v = ids[id] else { throw ReadError(message: "unknown identifier \(id)") }
            switch value {
            case .real: guard v.type == "real" else { throw ReadError(message: "real value for non-real \(v.fullName)") }
            case .bits(let b):
                guard v.type != "real" else { throw ReadError(message: "bit value for real \(v.fullName)") }
                guard b.count <= v.size, b.allSatisfy({ $0 == "0" || $0 == "1" }) else {
                    throw ReadError(message: "value \(b) does not fit \(v.fullName) (\(v.size) bits)")
                }
            }
            if inDumpvars {
                guard current[id] == nil else { throw ReadError(message: "\(v.fullName) twice in $dumpvars") }
            } else {
                guard let old = current[id] else { throw ReadError(message: "\(v.fullName) changes before $dumpvars") }
                if MiniVCD.same(old, value, size: v.size) { throw ReadError(message: "redundant change of \(v.fullName) at #\(t)") }
                changeCount += 1
            }
            current[id] = value
            changes[id, default: []].append((t, value))
            changesAtTime += 1
        }
        while i < tokens.count {
            let t = try next()
            if t.hasPrefix("#") {
                guard let n = Int(t.dropFirst()), n >= 0 else { throw ReadError(message: "bad timestamp \(t)") }
                if let old = time {
                    guard n > old else { throw ReadError(message: "time goes from \(old) to \(n)") }
                    guard changesAtTime > 0 else { throw ReadError(message: "timestamp #\(old) without changes") }
                }
                time = n
                times.append(n)
                changesAtTime = 0
            } else if t == "$dumpvars" {
                guard dumpvarsTime == nil, let tm = time else { throw ReadError(message: "misplaced $dumpvars") }
                dumpvarsTime = tm
                inDumpvars = true
            } else if t == "$end" {
                guard inDumpvars else { throw ReadError(message: "stray $end") }
                inDumpvars = false
                let missing = Set(ids.keys).subtracting(current.keys)
                guard missing.isEmpty else { throw ReadError(message: "$dumpvars misses \(missing.sorted())") }
            } else if let first = t.first, first == "b" || first == "B" {
                try record(try next(), .bits(String(t.dropFirst())))
            } else if let first = t.first, first == "r" || first == "R" {
                guard let d = Double(t.dropFirst()) else { throw ReadError(message: "bad real \(t)") }
                try record(try next(), .real(d))
            } else if let first = t.first, first == "0" || first == "1" {
                guard let v = ids[String(t.dropFirst())], v.size == 1 else { throw ReadError(message: "bad scalar change \(t)") }
                try record(String(t.dropFirst()), .bits(String(first)))
            } else {
                throw ReadError(message: "unexpected token \(t)")
            }
        }
        guard dumpvarsTime != nil else { throw ReadError(message: "no $dumpvars") }
    }

    static func same(_ a: Value, _ b: Value, size: Int) -> Bool {
        switch (a, b) {
        case (.real(let x), .real(let y)): return x.bitPattern == y.bitPattern
        case (.bits, .bits): return a.integer(size: size, signed: false) == b.integer(size: size, signed: false)
        default: return false
        }
    }

    func variable(_ fullName: String) -> Variable? { variables.first { $0.fullName == fullName } }

    /// The value a variable holds at `time` (its last change at or before it).
    func value(_ fullName: String, at time: Int) -> Value? {
        guard let v = variable(fullName) else { return nil }
        return changes[v.id]?.last(where: { $0.time <= time })?.value
    }
}
