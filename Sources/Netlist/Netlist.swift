import Foundation
import HDL

/// The netlist language: parse, apply `--set` overrides, elaborate against a block registry.
///
///     let design = try Netlist.load(path: "hw-configs/eqspike-tiny.net", registry: standardBlocks,
///                                   overrides: ["H=16", "hidden.u=s3.12"])
///
/// Errors: `NetlistErrors`, every problem found, one `file:line:col: error: message` each.
public enum Netlist {
    /// Reads and elaborates a netlist file.
    public static func load(path: String, registry: BlockRegistry, overrides: [String] = [],
                            limits: ElaborationLimits = .standard) throws(NetlistErrors) -> Design {
        guard let data = FileManager.default.contents(atPath: path) else {
            let why = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw NetlistErrors([Diagnostic(SourceLocation(file: path, line: 1, column: 1), "\(why): \(path)")])
        }
        return try elaborate(source: String(decoding: data, as: UTF8.self), path: path, registry: registry,
                             overrides: overrides, limits: limits)
    }

    /// Elaborates netlist text; `path` is used in diagnostics and kept in the design.
    public static func elaborate(source: String, path: String, registry: BlockRegistry, overrides: [String] = [],
                                 limits: ElaborationLimits = .standard) throws(NetlistErrors) -> Design {
        let sink = DiagnosticSink(limit: limits.maxErrors)
        var parsed = Parser.parse(source, path: path, sink: sink)
        for (k, text) in overrides.enumerated() {
            if let o = Override.parse(text, ordinal: k + 1, sink: sink) { o.apply(to: &parsed, sink: sink) }
        }
        let design = Elaborator(parsed: parsed, registry: registry, limits: limits, sink: sink).run()
        if let design, sink.isEmpty { return design }
        let all = sink.sorted(mainFile: path)
        throw NetlistErrors(all.isEmpty ? [Diagnostic(SourceLocation(file: path, line: 1, column: 1), "elaboration failed")] : all)
    }

    /// Only the syntax: the diagnostics of lexing and parsing (empty when the text parses).
    public static func syntaxCheck(source: String, path: String) -> [Diagnostic] {
        let sink = DiagnosticSink(limit: ElaborationLimits.standard.maxErrors)
        _ = Parser.parse(source, path: path, sink: sink)
        return sink.sorted(mainFile: path)
    }
}
