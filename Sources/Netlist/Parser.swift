import FixedPoint

/// Recursive-descent parser. One statement per line; a block's parameter list, a connect's
/// destination list and a probe list may continue on the next line after `(` or `,`.
/// On an error it reports once, skips the rest of the statement and goes on.
struct Parser {
    struct Failure: Error {}

    static let statementKeywords: Set<String> = ["block", "connect", "format", "clock", "probe", "role", "experiment"]
    static let reserved: Set<String> = statementKeywords.union(["true", "false"])
    static let maxDepth = 64
    /// Operators in one expression: bounds the recursion of evaluation (and of freeing the tree).
    static let maxOperators = 1000

    private let tokens: [Token]
    private var pos = 0
    private let sink: DiagnosticSink
    private var result: ParsedNetlist
    /// The `experiment` keyword of the section being parsed, if inside one.
    private var openSection: SourceLocation?
    private var depth = 0
    private var operators = 0

    init(tokens: [Token], path: String, sink: DiagnosticSink) {
        self.tokens = tokens
        self.sink = sink
        result = ParsedNetlist(path: path)
    }

    static func parse(_ text: String, path: String, sink: DiagnosticSink) -> ParsedNetlist {
        var p = Parser(tokens: Lexer.tokenize(text, file: path, sink: sink), path: path, sink: sink)
        return p.parseFile()
    }

    // MARK: Tokens

    private var current: Token { tokens[min(pos, tokens.count - 1)] }
    private func peek(_ k: Int) -> Token { tokens[min(pos + k, tokens.count - 1)] }
    private mutating func advance() -> Token {
        let t = current
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }
    private mutating func skipNewlines() { while current.kind == .newline { _ = advance() } }

    private func fail(_ token: Token, _ message: String) -> Failure {
        sink.error(token.location, message)
        return Failure()
    }

    private mutating func expect(_ p: String, _ what: String? = nil) throws(Failure) -> Token {
        guard current.isPunctuation(p) else { throw fail(current, "expected \(what ?? "'\(p)'"), found \(current)") }
        return advance()
    }

    /// An identifier used as a name (instance, parameter, port, key); `what` is for messages.
    private mutating func name(_ what: String, allowWildcard: Bool = false) throws(Failure) -> Name {
        let t = current
        if t.kind == .identifier { _ = advance(); return Name(text: t.text, location: t.location) }
        if allowWildcard, t.isPunctuation("*") { _ = advance(); return Name(text: "*", location: t.location) }
        if t.kind == .format { throw fail(t, "'\(t.text)' is a fixed-point format literal and cannot be used as \(what)") }
        throw fail(t, "expected \(what), found \(t)")
    }

    /// A name that a statement defines: not a reserved word.
    private mutating func definedName(_ what: String) throws(Failure) -> Name {
        let n = try name(what)
        if Parser.reserved.contains(n.text) {
            throw fail(tokens[pos - 1], "'\(n.text)' is a reserved word and cannot be used as \(what)")
        }
        return n
    }

    private mutating func endOfStatement() throws(Failure) {
        guard current.kind == .newline || current.kind == .end else {
            throw fail(current, "expected end of line, found \(current)")
        }
        skipNewlines()
    }

    /// After an error: skip to the end of the statement (a newline outside brackets), or to a line
    /// that starts with a statement keyword (an unclosed bracket must not swallow the file).
    private mutating func recover() {
        var level = 0
        while current.kind != .end {
            let t = advance()
            if t.kind == .punctuation {
                if t.text == "(" || t.text == "[" { level += 1 }
                if t.text == ")" || t.text == "]" { level = max(0, level - 1) }
            }
            if t.kind == .newline {
                if level == 0 { break }
                if current.kind == .identifier, Parser.statementKeywords.contains(current.text) { break }
                if current.isPunctuation("}") { break }
            }
        }
        skipNewlines()
    }

    // MARK: Statements

    mutating func parseFile() -> ParsedNetlist {
        skipNewlines()
        while current.kind != .end {
            if sink.isFull { break }
            let start = pos
            var definedHere: (kind: Int, name: String)? = nil
            do throws(Failure) {
                try statement(&definedHere)
            } catch {
                if let d = definedHere {
                    switch d.kind {
                    case 0: result.brokenParameters.insert(d.name)
                    case 1: result.brokenBlocks.insert(d.name)
                    default: result.brokenSettings.insert(d.name)
                    }
                }
                recover()
            }
            if pos == start { _ = advance() }   // always make progress
        }
        if let open = openSection {
            sink.error(open, "the experiment section opened here is not closed with '}'")
        }
        return result
    }

    private mutating func statement(_ defined: inout (kind: Int, name: String)?) throws(Failure) {
        let t = current
        if let open = openSection {
            if t.isPunctuation("}") {
                _ = advance()
                openSection = nil
                try endOfStatement()
                return
            }
            if t.kind == .identifier, t.text != "role", Parser.statementKeywords.contains(t.text) {
                sink.error(t.location, "expected '}' to close the experiment section opened at line \(open.line), found '\(t.text)'")
                openSection = nil   // parse the statement as a top-level one
            }
        }
        if t.kind == .identifier {
            switch t.text {
            case "block": return try blockDeclaration(&defined)
            case "connect": return try connect()
            case "format":
                _ = advance()
                let n = try definedName("a format name")
                defined = (0, n.text)
                _ = try expect("=")
                let v = try expression()
                try endOfStatement()
                result.statements.append(.parameter(ParameterDefinition(name: n, value: v, isFormat: true)))
                return
            case "clock": return try clock()
            case "probe": return try probe()
            case "role": return try role()
            case "experiment": return try experiment()
            default: break
            }
            if peek(1).isPunctuation("=") {
                let inSection = openSection != nil
                let n = try definedName(inSection ? "an experiment key" : "a parameter name")
                defined = (inSection ? 2 : 0, n.text)
                _ = advance()   // '='
                let v = try expression(allowList: inSection)
                try endOfStatement()
                result.statements.append(inSection ? .setting(ExperimentSetting(key: n, value: v))
                                                   : .parameter(ParameterDefinition(name: n, value: v, isFormat: false)))
                return
            }
        }
        if t.kind == .format, peek(1).isPunctuation("=") {
            throw fail(t, "'\(t.text)' is a fixed-point format literal and cannot be used as a name")
        }
        if t.isPunctuation("}") { throw fail(t, "'}' without an open experiment section") }
        let what = openSection != nil ? "an experiment setting 'key = value', a role or '}'"
            : "a statement (NAME = value, format, block, connect, clock, probe, role or experiment)"
        throw fail(t, "expected \(what), found \(t)")
    }

    /// `block NAME: TYPE(param = value, ...)`
    private mutating func blockDeclaration(_ defined: inout (kind: Int, name: String)?) throws(Failure) {
        _ = advance()
        let n = try definedName("a block instance name")
        defined = (1, n.text)
        _ = try expect(":", "':' before the block type")
        let type = try name("a block type")
        var args: [BlockArgument] = []
        if current.isPunctuation("(") {
            _ = advance()
            skipNewlines()
            while !current.isPunctuation(")") {
                let a = try name("a parameter name")
                if let previous = args.first(where: { $0.name.text == a.text }) {
                    throw fail(tokens[pos - 1], "parameter '\(a.text)' is already given at line \(previous.name.location.line), column \(previous.name.location.column)")
                }
                _ = try expect("=", "'=' after parameter '\(a.text)'")
                let v = try expression()
                args.append(BlockArgument(name: a, value: v))
                if current.isPunctuation(",") {
                    _ = advance()
                    skipNewlines()
                } else if current.kind == .newline {
                    var k = 0
                    while peek(k).kind == .newline { k += 1 }
                    guard peek(k).isPunctuation(")") else { throw fail(current, "expected ',' or ')' after parameter '\(a.text)', found end of line") }
                    skipNewlines()
                } else if !current.isPunctuation(")") {
                    throw fail(current, "expected ',' or ')' after parameter '\(a.text)', found \(current)")
                }
            }
            _ = advance()   // ')'
        }
        try endOfStatement()
        result.statements.append(.block(BlockDeclaration(name: n, type: type, arguments: args)))
    }

    /// `instance.port` or `instance.port[a:b]` / `[a]`.
    private mutating func signal(allowWildcards: Bool) throws(Failure) -> SignalReference {
        let inst = try name("an instance name", allowWildcard: allowWildcards)
        _ = try expect(".", "'.' and a port name after '\(inst.text)'")
        let port = try name("a port name", allowWildcard: allowWildcards)
        var lanes: LaneRange? = nil
        if current.isPunctuation("[") {
            let open = advance()
            let from = try expression()
            var to: Expr? = nil
            if current.isPunctuation(":") {
                _ = advance()
                to = try expression()
            }
            _ = try expect("]", "']' to close the lane range")
            lanes = LaneRange(from: from, to: to, location: open.location)
        }
        return SignalReference(instance: inst, port: port, lanes: lanes)
    }

    /// `connect SRC -> DST {, DST} [resize(rounding, overflow)]`
    private mutating func connect() throws(Failure) {
        let keyword = advance().location
        let source = try signal(allowWildcards: false)
        _ = try expect("->", "'->' after the source \(source.text)")
        var destinations = [try signal(allowWildcards: false)]
        while current.isPunctuation(",") {
            _ = advance()
            skipNewlines()
            destinations.append(try signal(allowWildcards: false))
        }
        var resize: (Name, Name)? = nil
        if current.isWord("resize") {
            _ = advance()
            _ = try expect("(", "'(' after resize: resize(rounding, overflow)")
            let r = try name("a rounding mode")
            _ = try expect(",", "',' and an overflow mode: resize(rounding, overflow)")
            let o = try name("an overflow mode")
            _ = try expect(")", "')' after resize(rounding, overflow)")
            resize = (r, o)
        }
        try endOfStatement()
        result.statements.append(.connect(ConnectStatement(keyword: keyword, source: source, destinations: destinations, resize: resize)))
    }

    /// `clock period = 10us` or `clock frequency = 100 kHz`
    private mutating func clock() throws(Failure) {
        let keyword = advance().location
        let property = try name("'period' or 'frequency'")
        guard property.text == "period" || property.text == "frequency" else {
            throw fail(tokens[pos - 1], "expected 'period' or 'frequency' after clock, found '\(property.text)'")
        }
        _ = try expect("=")
        let value = try expression()
        guard current.kind == .identifier else {
            throw fail(current, "expected a unit after the clock \(property.text) (\(property.text == "period" ? "s, ms, us, ns or ps" : "Hz, kHz, MHz or GHz")), found \(current)")
        }
        let unit = Name(text: advance().text, location: tokens[pos - 1].location)
        try endOfStatement()
        result.statements.append(.clock(ClockStatement(keyword: keyword, property: property, value: value, unit: unit)))
    }

    /// `probe hidden.u[0:7], *.spike`
    private mutating func probe() throws(Failure) {
        _ = advance()
        var patterns = [try signal(allowWildcards: true)]
        while current.isPunctuation(",") {
            _ = advance()
            skipNewlines()
            patterns.append(try signal(allowWildcards: true))
        }
        try endOfStatement()
        result.statements.append(.probe(ProbeStatement(patterns: patterns)))
    }

    /// `role input = x`
    private mutating func role() throws(Failure) {
        _ = advance()
        let r = try name("a role name")
        _ = try expect("=", "'=' after role '\(r.text)'")
        let inst = try name("a block instance name")
        try endOfStatement()
        result.statements.append(.role(RoleBinding(role: r, instance: inst)))
    }

    /// `experiment {` ... `}`
    private mutating func experiment() throws(Failure) {
        let keyword = advance()
        _ = try expect("{", "'{' after experiment")
        try endOfStatement()
        openSection = keyword.location
        if result.experimentLocation == nil { result.experimentLocation = keyword.location }
    }

    // MARK: Overrides

    /// `name(.name)* = expression`, the text of one `--set`.
    mutating func parseOverride() -> Override? {
        do throws(Failure) {
            var target = [try name("a parameter name (NAME=value, INSTANCE.PARAM=value or experiment.KEY=value)")]
            while current.isPunctuation(".") {
                _ = advance()
                target.append(try name("a name after '.'"))
            }
            _ = try expect("=", "'=' and a value (e.g. H=100)")
            let value = try expression(allowList: true)
            skipNewlines()
            guard current.kind == .end else { throw fail(current, "unexpected \(current) after the value") }
            return Override(target: target, value: value)
        } catch {
            return nil
        }
    }

    // MARK: Expressions

    /// expr := term {(+|-) term}; term := unary {(*|/) unary}; unary := -unary | primary
    mutating func expression(allowList: Bool = false) throws(Failure) -> Expr {
        if depth == 0 { operators = 0 }
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxDepth { throw fail(current, "expression is nested too deeply") }
        var lhs = try term(allowList)
        while current.isPunctuation("+") || current.isPunctuation("-") {
            try countOperator()
            let op = advance()
            let rhs = try term(false)
            lhs = .binary(op.text, lhs, rhs, op.location)
        }
        return lhs
    }

    private mutating func term(_ allowList: Bool) throws(Failure) -> Expr {
        var lhs = try unary(allowList)
        while current.isPunctuation("*") || current.isPunctuation("/") {
            try countOperator()
            let op = advance()
            let rhs = try unary(false)
            lhs = .binary(op.text, lhs, rhs, op.location)
        }
        return lhs
    }

    private mutating func countOperator() throws(Failure) {
        operators += 1
        if operators > Parser.maxOperators { throw fail(current, "expression is too long (more than \(Parser.maxOperators) operators)") }
    }

    private mutating func unary(_ allowList: Bool) throws(Failure) -> Expr {
        if current.isPunctuation("-") {
            let op = advance()
            depth += 1
            defer { depth -= 1 }
            if depth > Parser.maxDepth { throw fail(current, "expression is nested too deeply") }
            return .negate(try unary(false), op.location)
        }
        return try primary(allowList)
    }

    private mutating func primary(_ allowList: Bool) throws(Failure) -> Expr {
        let t = current
        switch t.kind {
        case .integer:
            _ = advance()
            guard let v = t.intValue else { return .poison(t.location) }
            return .integer(v, t.location)
        case .real:
            _ = advance()
            return .real(t.realValue, t.location)
        case .format:
            _ = advance()
            do {
                return .format(try QFormat.parse(t.text), t.location)
            } catch {
                sink.error(t.location, "invalid format '\(t.text)': \(error)")
                return .poison(t.location)
            }
        case .identifier:
            _ = advance()
            if t.text == "true" { return .bool(true, t.location) }
            if t.text == "false" { return .bool(false, t.location) }
            return .name(t.text, t.location)
        case .punctuation where t.text == "(":
            _ = advance()
            let e = try expression()
            _ = try expect(")", "')' to close the '(' at column \(t.location.column)")
            return e
        case .punctuation where t.text == "[":
            guard allowList else { throw fail(t, "a list [...] is only allowed as an experiment value") }
            _ = advance()
            var items: [Expr] = []
            skipNewlines()
            while !current.isPunctuation("]") {
                items.append(try expression())
                if current.isPunctuation(",") { _ = advance(); skipNewlines(); continue }
                skipNewlines()
                guard current.isPunctuation("]") else { throw fail(current, "expected ',' or ']' in the list, found \(current)") }
            }
            _ = advance()
            return .list(items, t.location)
        default:
            throw fail(t, "expected a value, found \(t)")
        }
    }
}
