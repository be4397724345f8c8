import Foundation
import HDL

/// The netlist language: parse, apply `--set` overrides, elaborate against a block registry.
///
///     let design = try Netlist.load(path: "hw-configs/eqspike-tiny.net", registry: standardBlocks,
///                                   overrides: ["H=16", "hidden.u=s3.12"])
///
/// Errors: `NetlistErrors`, every problem found, one `file:line:col: error: message` each.
public enum Netlist {
    /// Reads and elaborates a netlist file: its circuit, and a simulator built from it.
    public static func load(path: String, registry: BlockRegistry, overrides: [String] = [],
                            limits: ElaborationLimits = .standard) throws(NetlistErrors) -> Design {
        try elaborate(source: read(path), path: path, registry: registry, overrides: overrides, limits: limits)
    }

    /// Reads and elaborates a netlist file into its circuit only: every check, nothing allocated
    /// (no block, no simulator), so any size can be described and budgeted.
    public static func loadCircuit(path: String, registry: BlockRegistry, overrides: [String] = [],
                                   limits: ElaborationLimits = .standard) throws(NetlistErrors) -> Circuit {
        try elaborateCircuit(source: read(path), path: path, registry: registry, overrides: overrides, limits: limits)
    }

    /// A new simulator of an elaborated circuit (another copy of the same design: no file is read
    /// again, so the copy is the design even if the netlist file has changed since).
    public static func build(_ circuit: Circuit, registry: BlockRegistry,
                             limits: ElaborationLimits = .standard) throws(NetlistErrors) -> Design {
        let sink = DiagnosticSink(limit: limits.maxErrors)
        return try result(DesignBuilder(registry: registry, limits: limits, sink: sink).build(circuit), sink: sink,
                          path: circuit.instances.first?.location.file ?? "circuit")
    }

    /// Elaborates netlist text; `path` is used in diagnostics and kept in the design.
    public static func elaborate(source: String, path: String, registry: BlockRegistry, overrides: [String] = [],
                                 limits: ElaborationLimits = .standard) throws(NetlistErrors) -> Design {
        let sink = DiagnosticSink(limit: limits.maxErrors)
        let design = circuit(source: source, path: path, registry: registry, overrides: overrides, sink: sink)
            .flatMap { DesignBuilder(registry: registry, limits: limits, sink: sink).build($0) }
        return try result(design, sink: sink, path: path)
    }

    /// Elaborates netlist text into its circuit only (see `loadCircuit`).
    public static func elaborateCircuit(source: String, path: String, registry: BlockRegistry, overrides: [String] = [],
                                        limits: ElaborationLimits = .standard) throws(NetlistErrors) -> Circuit {
        let sink = DiagnosticSink(limit: limits.maxErrors)
        return try result(circuit(source: source, path: path, registry: registry, overrides: overrides, sink: sink), sink: sink, path: path)
    }

    private static func read(_ path: String) throws(NetlistErrors) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            let why = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw NetlistErrors([Diagnostic(SourceLocation(file: path, line: 1, column: 1), "\(why): \(path)")])
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func circuit(source: String, path: String, registry: BlockRegistry, overrides: [String], sink: DiagnosticSink) -> Circuit? {
        var parsed = Parser.parse(source, path: path, sink: sink)
        for (k, text) in overrides.enumerated() {
            if let o = Override.parse(text, ordinal: k + 1, sink: sink) { o.apply(to: &parsed, sink: sink) }
        }
        return Elaborator(parsed: parsed, registry: registry, sink: sink).run()
    }

    private static func result<T>(_ value: T?, sink: DiagnosticSink, path: String) throws(NetlistErrors) -> T {
        if let value, sink.isEmpty { return value }
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
