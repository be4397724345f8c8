import FixedPoint

/// A parameter value as written in a netlist.
public enum ParameterValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case real(Double)
    case format(QFormat)
    case word(String)          // an identifier: a rounding mode, an overflow mode, a name
    case bool(Bool)

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .real(let v): return String(v)
        case .format(let f): return f.description
        case .word(let w): return w
        case .bool(let b): return b ? "true" : "false"
        }
    }
}

/// The declared type of a block parameter.
public struct ParameterSpec: Sendable {
    public enum Kind: Sendable, Equatable {
        case int(ClosedRange<Int>)
        case real(ClosedRange<Double>)
        case format
        case choice([String])
        case bool
        /// Any word (identifier); the block type checks its spelling (e.g. an adder's signs `pm`).
        case word
    }
    public let name: String
    public let kind: Kind
    /// nil: required.
    public let defaultValue: ParameterValue?
    public let doc: String

    public init(_ name: String, _ kind: Kind, default defaultValue: ParameterValue? = nil, doc: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.doc = doc
    }
}

/// A parameter rejected by a block type: the netlist layer adds the position of its value.
public struct ParameterError: Error, Equatable, CustomStringConvertible {
    public let parameter: String
    public let message: String
    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }
    public var description: String { "parameter '\(parameter)': \(message)" }
}

/// Validated parameters of one instance (every declared parameter present, of its kind and range).
public struct BlockParameters: Sendable {
    public let values: [String: ParameterValue]

    /// Checks `given` against `specs`: unknown names, kinds, ranges, missing required ones.
    public init(_ given: [String: ParameterValue], specs: [ParameterSpec]) throws(ParameterError) {
        var out: [String: ParameterValue] = [:]
        let names = Set(specs.map(\.name))
        for key in given.keys.sorted() where !names.contains(key) {
            throw ParameterError(parameter: key, message: "unknown parameter (known: \(specs.map(\.name).joined(separator: ", ")))")
        }
        for s in specs {
            guard let v = given[s.name] ?? s.defaultValue else {
                throw ParameterError(parameter: s.name, message: "required parameter is missing")
            }
            out[s.name] = try BlockParameters.check(v, against: s)
        }
        values = out
    }

    private static func check(_ v: ParameterValue, against s: ParameterSpec) throws(ParameterError) -> ParameterValue {
        switch (s.kind, v) {
        case (.int(let r), .int(let i)):
            guard r.contains(i) else { throw ParameterError(parameter: s.name, message: "\(i) is out of range \(r.lowerBound)...\(r.upperBound)") }
            return v
        case (.int(let r), .real(let d)) where d == d.rounded() && abs(d) < 1e15:
            return try check(.int(Int(d)), against: ParameterSpec(s.name, .int(r), doc: s.doc))
        case (.real(let r), .real(let d)):
            guard d.isFinite, r.contains(d) else { throw ParameterError(parameter: s.name, message: "\(d) is out of range \(r.lowerBound)...\(r.upperBound)") }
            return v
        case (.real(let r), .int(let i)):
            return try check(.real(Double(i)), against: ParameterSpec(s.name, .real(r), doc: s.doc))
        case (.format, .format(let f)):
            guard f.fitsInt32Lanes else { throw ParameterError(parameter: s.name, message: "format \(f) does not fit the model's 32-bit signed lanes; use u31 or s32 at most") }
            return v
        case (.choice(let options), .word(let w)):
            guard options.contains(w) else { throw ParameterError(parameter: s.name, message: "'\(w)' is not one of \(options.joined(separator: ", "))") }
            return v
        case (.bool, .bool):
            return v
        case (.word, .word):
            return v
        default:
            throw ParameterError(parameter: s.name, message: "expected \(s.kind.expectation), got '\(v)'")
        }
    }

    public func int(_ name: String) -> Int {
        guard case .int(let v)? = values[name] else { preconditionFailure("parameter \(name) is not an int") }
        return v
    }
    public func real(_ name: String) -> Double {
        switch values[name] {
        case .real(let v)?: return v
        case .int(let v)?: return Double(v)
        default: preconditionFailure("parameter \(name) is not real")
        }
    }
    public func format(_ name: String) -> QFormat {
        guard case .format(let v)? = values[name] else { preconditionFailure("parameter \(name) is not a format") }
        return v
    }
    public func word(_ name: String) -> String {
        guard case .word(let v)? = values[name] else { preconditionFailure("parameter \(name) is not a word") }
        return v
    }
    public func bool(_ name: String) -> Bool {
        guard case .bool(let v)? = values[name] else { preconditionFailure("parameter \(name) is not a bool") }
        return v
    }
    public func rounding(_ name: String) -> Rounding { Rounding(rawValue: word(name))! }
    public func overflow(_ name: String) -> Overflow { Overflow(rawValue: word(name))! }
}

extension ParameterSpec.Kind {
    var expectation: String {
        switch self {
        case .int(let r): return "an integer in \(r.lowerBound)...\(r.upperBound)"
        case .real(let r): return "a number in \(r.lowerBound)...\(r.upperBound)"
        case .format: return "a fixed-point format such as s1.7"
        case .choice(let o): return "one of \(o.joined(separator: ", "))"
        case .bool: return "true or false"
        case .word: return "a word"
        }
    }
}

extension ParameterSpec {
    /// Shorthand for a rounding-mode parameter.
    public static func rounding(_ name: String, default d: Rounding, doc: String) -> ParameterSpec {
        ParameterSpec(name, .choice(Rounding.allCases.map(\.rawValue)), default: .word(d.rawValue), doc: doc)
    }
    /// Shorthand for an overflow-mode parameter.
    public static func overflow(_ name: String, default d: Overflow, doc: String) -> ParameterSpec {
        ParameterSpec(name, .choice(Overflow.allCases.map(\.rawValue)), default: .word(d.rawValue), doc: doc)
    }
}

/// A kind of block a netlist can instantiate: its parameters, its interface as a pure function of
/// them, and the models that implement that interface (today the cycle model, a `Block`).
///
/// `interface` validates everything about the parameters (constraints between them included) and
/// throws a `ParameterError` naming the parameter, so that a netlist is fully checked, and its
/// budget known, without allocating any block. `cycleModel` is only called with parameters that
/// `interface` accepted, and must build a block whose ports, storage and persistent state are the
/// declared ones (BlocksTests checks this for every shipped design).
public struct BlockType: Sendable {
    public typealias Interface = @Sendable (_ parameters: BlockParameters) throws(ParameterError) -> BlockInterface
    /// Rules on how the inputs may be wired together (e.g. a rank-1 crossbar has no column update):
    /// the violations, by input name, given which inputs are driven.
    public typealias WiringRule = @Sendable (_ parameters: BlockParameters, _ connected: (String) -> Bool) -> [(input: String, message: String)]
    public typealias CycleModel = @Sendable (_ instanceName: String, _ parameters: BlockParameters) throws(ParameterError) -> Block

    public let name: String
    public let doc: String
    public let parameters: [ParameterSpec]
    public let interface: Interface
    public let wiringRules: WiringRule?
    public let cycleModel: CycleModel

    public init(name: String, doc: String, parameters: [ParameterSpec], interface: @escaping Interface,
                wiringRules: WiringRule? = nil, cycleModel: @escaping CycleModel) {
        self.name = name
        self.doc = doc
        self.parameters = parameters
        self.interface = interface
        self.wiringRules = wiringRules
        self.cycleModel = cycleModel
    }

    /// Validated parameters and the interface they give, without building anything.
    public func declare(_ given: [String: ParameterValue]) throws(ParameterError) -> (parameters: BlockParameters, interface: BlockInterface) {
        let p = try BlockParameters(given, specs: parameters)
        return (p, try interface(p))
    }

    /// Checks the parameters (as `declare` does), then builds the cycle model.
    public func instantiate(_ instanceName: String, _ given: [String: ParameterValue]) throws(ParameterError) -> Block {
        let (p, _) = try declare(given)
        return try cycleModel(instanceName, p)
    }
}

/// The block types a netlist may use, by name.
public struct BlockRegistry: Sendable {
    public private(set) var types: [String: BlockType] = [:]
    public init(_ types: [BlockType] = []) { for t in types { register(t) } }
    public mutating func register(_ t: BlockType) { types[t.name] = t }
    public subscript(name: String) -> BlockType? { types[name] }
    public var names: [String] { types.keys.sorted() }
}
