import FixedPoint
import HDL

/// The value of an expression during elaboration.
enum Value {
    case int(Int)
    case real(Double)
    case format(QFormat)
    /// An identifier that names no parameter: a word such as `stochastic`, or a typo (reported
    /// with a suggestion wherever a number or format is needed).
    case word(String, SourceLocation)
    case bool(Bool)
    case list([Value])
    /// Already reported: propagates silently.
    case poison

    var kindDescription: String {
        switch self {
        case .int(let v): return "integer \(v)"
        case .real(let v): return "number \(v)"
        case .format(let f): return "format \(f)"
        case .word(let w, _): return "'\(w)'"
        case .bool(let b): return b ? "true" : "false"
        case .list: return "a list"
        case .poison: return "an invalid value"
        }
    }
}

/// Named parameters in scope, and what is known about names not (yet) in scope.
struct Scope {
    var values: [String: Value] = [:]
    /// Every parameter defined anywhere in the file: name -> position (for "used before").
    var definitions: [String: SourceLocation] = [:]
    /// Parameters whose definitions did not parse or evaluate.
    var broken = Set<String>()
}

/// Evaluates expressions with checked arithmetic: integer overflow, division by zero and
/// non-finite results are diagnostics, never traps.
final class Evaluator {
    let sink: DiagnosticSink
    var scope = Scope()
    /// Names some expression referred to (experiment keys the design itself uses are not
    /// "unread" for the learning system).
    private(set) var used = Set<String>()

    init(sink: DiagnosticSink) { self.sink = sink }

    func evaluate(_ e: Expr) -> Value {
        switch e {
        case .integer(let v, _): return .int(v)
        case .real(let v, _): return .real(v)
        case .format(let f, _): return .format(f)
        case .bool(let b, _): return .bool(b)
        case .poison: return .poison
        case .list(let items, _): return .list(items.map(evaluate))
        case .name(let n, let loc):
            if let v = scope.values[n] {
                used.insert(n)
                return v
            }
            if scope.broken.contains(n) { return .poison }
            if let d = scope.definitions[n], d.file == loc.file, (d.line, d.column) > (loc.line, loc.column) {
                sink.error(loc, "'\(n)' is used before its definition at line \(d.line)")
                return .poison
            }
            return .word(n, loc)
        case .negate(let x, let loc):
            switch evaluate(x) {
            case .int(let v):
                let (r, o) = 0.subtractingReportingOverflow(v)
                if o { sink.error(loc, "integer overflow in '-'"); return .poison }
                return .int(r)
            case .real(let v): return .real(-v)
            case .poison: return .poison
            case let other:
                notANumber(other, at: x.location, operation: "-")
                return .poison
            }
        case .binary(let op, let l, let r, let loc):
            let a = evaluate(l), b = evaluate(r)
            if case .poison = a { return .poison }
            if case .poison = b { return .poison }
            guard let x = number(a, at: l.location, operation: op), let y = number(b, at: r.location, operation: op) else { return .poison }
            return arithmetic(op, x, y, at: loc)
        }
    }

    fileprivate enum Number { case int(Int), real(Double) }

    private func number(_ v: Value, at loc: SourceLocation, operation: String) -> Number? {
        switch v {
        case .int(let i): return .int(i)
        case .real(let d): return .real(d)
        default:
            notANumber(v, at: loc, operation: operation)
            return nil
        }
    }

    private func notANumber(_ v: Value, at loc: SourceLocation, operation: String) {
        switch v {
        case .poison: return
        case .word(let w, let wloc): sink.error(wloc, unknownName(w))
        default: sink.error(loc, "\(v.kindDescription) cannot be used in arithmetic ('\(operation)')")
        }
    }

    /// "unknown name 'HH' (did you mean 'H'?)"
    func unknownName(_ w: String) -> String {
        "unknown name '\(w)'\(Suggestions.hint(for: w, among: Set(scope.values.keys).union(scope.broken)))"
    }

    private func arithmetic(_ op: String, _ x: Number, _ y: Number, at loc: SourceLocation) -> Value {
        if case .int(let a) = x, case .int(let b) = y {
            let r: (Int, Bool)
            switch op {
            case "+": r = a.addingReportingOverflow(b)
            case "-": r = a.subtractingReportingOverflow(b)
            case "*": r = a.multipliedReportingOverflow(by: b)
            default:
                if b == 0 { sink.error(loc, "division by zero"); return .poison }
                if a == Int.min && b == -1 { sink.error(loc, "integer overflow in '/'"); return .poison }
                if a % b == 0 { return .int(a / b) }
                return real(Double(a) / Double(b), op, loc)
            }
            if r.1 { sink.error(loc, "integer overflow in '\(op)'"); return .poison }
            return .int(r.0)
        }
        let a = x.double, b = y.double
        switch op {
        case "+": return real(a + b, op, loc)
        case "-": return real(a - b, op, loc)
        case "*": return real(a * b, op, loc)
        default:
            if b == 0 { sink.error(loc, "division by zero"); return .poison }
            return real(a / b, op, loc)
        }
    }

    private func real(_ v: Double, _ op: String, _ loc: SourceLocation) -> Value {
        guard v.isFinite else { sink.error(loc, "result of '\(op)' is too large"); return .poison }
        return .real(v)
    }

    /// An integer (an integral real is accepted), or nil after a diagnostic.
    func integer(_ e: Expr, what: String) -> Int? {
        let v = evaluate(e)
        switch v {
        case .int(let i): return i
        case .real(let d) where d == d.rounded() && abs(d) < 9e15: return Int(d)
        case .poison: return nil
        case .word(let w, let loc): sink.error(loc, unknownName(w)); return nil
        default: sink.error(e.location, "\(what) must be an integer, got \(v.kindDescription)"); return nil
        }
    }
}

private extension Evaluator.Number {
    var double: Double {
        switch self {
        case .int(let i): return Double(i)
        case .real(let d): return d
        }
    }
}
