import FixedPoint

/// A name as written, with its position.
struct Name: Equatable {
    let text: String
    let location: SourceLocation
}

/// An expression as written. Names are resolved during elaboration (define before use).
indirect enum Expr {
    case integer(Int, SourceLocation)
    case real(Double, SourceLocation)
    case format(QFormat, SourceLocation)
    case name(String, SourceLocation)
    case bool(Bool, SourceLocation)
    case list([Expr], SourceLocation)
    case negate(Expr, SourceLocation)
    case binary(String, Expr, Expr, SourceLocation)   // operator, lhs, rhs, operator position
    /// Something already reported (a bad literal): evaluates silently to nothing.
    case poison(SourceLocation)

    /// Where the expression starts.
    var location: SourceLocation {
        switch self {
        case .integer(_, let l), .real(_, let l), .format(_, let l), .name(_, let l), .bool(_, let l),
             .list(_, let l), .negate(_, let l), .poison(let l):
            return l
        case .binary(_, let lhs, _, _):
            return lhs.location
        }
    }
}

struct ParameterDefinition {
    let name: Name
    var value: Expr
    /// Declared with `format NAME = ...`: the value must be a format.
    let isFormat: Bool
}

struct BlockArgument {
    let name: Name
    var value: Expr
}

struct BlockDeclaration {
    let name: Name
    let type: Name
    var arguments: [BlockArgument]
}

/// `[from:to]` (inclusive) or `[lane]`.
struct LaneRange {
    let from: Expr
    let to: Expr?
    let location: SourceLocation
}

/// `instance.port[lanes]`; in probes either name may be `*`.
struct SignalReference {
    let instance: Name
    let port: Name
    let lanes: LaneRange?

    var location: SourceLocation { instance.location }
    var text: String { "\(instance.text).\(port.text)" }
}

struct ConnectStatement {
    let keyword: SourceLocation
    let source: SignalReference
    let destinations: [SignalReference]
    let resize: (rounding: Name, overflow: Name)?
}

struct ClockStatement {
    let keyword: SourceLocation
    let property: Name        // period or frequency
    let value: Expr
    let unit: Name
}

struct ProbeStatement {
    let patterns: [SignalReference]
}

struct ExperimentSetting {
    let key: Name
    var value: Expr
}

struct RoleBinding {
    let role: Name
    let instance: Name
}

enum Statement {
    case parameter(ParameterDefinition)
    case block(BlockDeclaration)
    case connect(ConnectStatement)
    case clock(ClockStatement)
    case probe(ProbeStatement)
    case setting(ExperimentSetting)
    case role(RoleBinding)
}

/// A parsed netlist: its statements in order, and the names whose statements failed to parse
/// (so that elaboration does not pile follow-on errors on them).
struct ParsedNetlist {
    var path: String
    var statements: [Statement] = []
    /// The first `experiment` keyword, where missing experiment keys are reported.
    var experimentLocation: SourceLocation?
    var brokenParameters = Set<String>()
    var brokenBlocks = Set<String>()
    var brokenSettings = Set<String>()
}
