import FixedPoint

/// A value of the experiment section.
public enum ExperimentValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case real(Double)
    case format(QFormat)
    case word(String)
    case bool(Bool)
    case list([ExperimentValue])

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .real(let v): return String(v)
        case .format(let f): return f.description
        case .word(let w): return w
        case .bool(let b): return b ? "true" : "false"
        case .list(let l): return "[" + l.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// The value as a real number, if it is one.
    public var real: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .real(let v): return v
        default: return nil
        }
    }
}

/// The learning-phase parameters written with the design: a typed key/value table, every entry
/// with its position so the learning system can report a bad value where it was written.
public struct ExperimentTable: Sendable {
    public struct Entry: Sendable {
        public let key: String
        public let value: ExperimentValue
        public let location: SourceLocation
        public init(key: String, value: ExperimentValue, location: SourceLocation) {
            self.key = key
            self.value = value
            self.location = location
        }
    }
    /// In the order written.
    public let entries: [Entry]
    /// Keys that the netlist itself uses in expressions (e.g. `beta` in a nudge block's
    /// parameters): the learning system need not read them.
    public let usedByDesign: Set<String>
    /// Role bindings (`role input = x`): role -> instance name, with positions.
    public let roles: [(role: String, instance: String, location: SourceLocation)]
    /// Where missing keys are reported: the `experiment` keyword, else the start of the file.
    public let location: SourceLocation

    public init(entries: [Entry], usedByDesign: Set<String>, roles: [(role: String, instance: String, location: SourceLocation)],
                location: SourceLocation) {
        self.entries = entries
        self.usedByDesign = usedByDesign
        self.roles = roles
        self.location = location
    }

    public subscript(key: String) -> ExperimentValue? { entries.first { $0.key == key }?.value }
    public func entry(_ key: String) -> Entry? { entries.first { $0.key == key } }
    public var keys: [String] { entries.map(\.key) }
}
