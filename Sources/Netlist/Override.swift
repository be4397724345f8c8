/// A `--set target=value` override: `NAME=value` (a named parameter, format or experiment key),
/// `instance.param=value` (a block parameter, added if the netlist leaves it at its default) or
/// `experiment.key=value`. The value is an expression like any in the netlist, evaluated where
/// the overridden definition stands. Positions are reported as `<command-line>:N:col` (N = the
/// override's ordinal).
struct Override {
    let target: [Name]
    let value: Expr

    static func parse(_ text: String, ordinal: Int, sink: DiagnosticSink) -> Override? {
        let tokens = Lexer.tokenize(text, file: SourceLocation.commandLine, line: ordinal, sink: sink)
        var p = Parser(tokens: tokens, path: SourceLocation.commandLine, sink: sink)
        return p.parseOverride()
    }

    func apply(to parsed: inout ParsedNetlist, sink: DiagnosticSink) {
        let first = target[0]
        var parameterNames: [String] = [], blockNames: [String] = [], keys: [String] = []
        for s in parsed.statements {
            switch s {
            case .parameter(let p): parameterNames.append(p.name.text)
            case .block(let b): blockNames.append(b.name.text)
            case .setting(let e): keys.append(e.key.text)
            default: break
            }
        }
        if target.count > 2 {
            sink.error(target[2].location, "--set takes NAME=value, INSTANCE.PARAM=value or experiment.KEY=value")
            return
        }
        if target.count == 1 {
            // A named parameter, or an experiment key (the two share one namespace).
            if parsed.brokenParameters.contains(first.text) || parsed.brokenSettings.contains(first.text) { return }
            if let i = parsed.statements.firstIndex(where: { if case .parameter(let p) = $0 { return p.name.text == first.text } else { return false } }),
               case .parameter(var p) = parsed.statements[i] {
                p.value = value
                parsed.statements[i] = .parameter(p)
                return
            }
            if replaceSetting(first.text, in: &parsed) { return }
            if blockNames.contains(first.text) {
                sink.error(first.location, "'\(first.text)' is a block instance; override one of its parameters: --set \(first.text).PARAM=value")
            } else {
                sink.error(first.location, "unknown parameter '\(first.text)'\(Suggestions.hint(for: first.text, among: parameterNames + keys))")
            }
            return
        }
        let second = target[1]
        if first.text == "experiment" {
            if parsed.brokenSettings.contains(second.text) { return }
            if replaceSetting(second.text, in: &parsed) { return }
            sink.error(second.location, "unknown experiment key '\(second.text)'\(Suggestions.hint(for: second.text, among: keys))")
            return
        }
        if parsed.brokenBlocks.contains(first.text) { return }
        guard let i = parsed.statements.firstIndex(where: { if case .block(let b) = $0 { return b.name.text == first.text } else { return false } }),
              case .block(var b) = parsed.statements[i] else {
            sink.error(first.location, "unknown block instance '\(first.text)'\(Suggestions.hint(for: first.text, among: blockNames + ["experiment"]))")
            return
        }
        if let k = b.arguments.firstIndex(where: { $0.name.text == second.text }) {
            b.arguments[k].value = value
        } else {
            b.arguments.append(BlockArgument(name: second, value: value))   // checked against the type on elaboration
        }
        parsed.statements[i] = .block(b)
    }

    private func replaceSetting(_ key: String, in parsed: inout ParsedNetlist) -> Bool {
        guard let i = parsed.statements.firstIndex(where: { if case .setting(let e) = $0 { return e.key.text == key } else { return false } }),
              case .setting(var e) = parsed.statements[i] else { return false }
        e.value = value
        parsed.statements[i] = .setting(e)
        return true
    }
}
