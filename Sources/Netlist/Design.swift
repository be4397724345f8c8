import Foundation
@_exported import CircuitIR
import FixedPoint
import HDL

/// One block instance of an elaborated design.
public struct BlockInstance {
    public let block: Block
    /// The block type's name as written in the netlist (`lif`, `crossbar`...).
    public let typeName: String
    /// Position of the instance name in its `block` statement.
    public let location: SourceLocation
    /// Every parameter of the instance, validated, defaults filled in.
    public let parameters: BlockParameters

    public var name: String { block.name }
}

/// A signal (some of its lanes) that waveforms show by default.
public struct Probe {
    public let port: HDL.Port
    public let lanes: Range<Int>
    public let location: SourceLocation
}

/// An elaborated design: its `Circuit` (what the netlist describes) and the simulator built from
/// it (the cycle models of its instances, wired).
public final class Design {
    /// The description every back end and tool reads: instances, interfaces, wires, probes, clock,
    /// experiment keys and roles.
    public let circuit: Circuit
    public let simulator: Simulator
    /// In netlist order, with their cycle models.
    public let instances: [BlockInstance]
    /// Default waveform probes, in the order written.
    public let probes: [Probe]
    /// Role name -> block (`role input = x`).
    public let roles: [String: Block]

    init(circuit: Circuit, simulator: Simulator, instances: [BlockInstance], probes: [Probe], roles: [String: Block]) {
        self.circuit = circuit
        self.simulator = simulator
        self.instances = instances
        self.probes = probes
        self.roles = roles
    }

    /// The netlist file it came from.
    public var sourcePath: String { circuit.sourcePath }
    public var clock: Clock { circuit.clock }
    public var experiment: ExperimentTable { circuit.experiment }
    /// Named parameters and formats after overrides, in the order written.
    public var parameters: [(name: String, value: ParameterValue)] { circuit.parameters }

    public var blocks: [Block] { simulator.blocks }

    public func instance(named name: String) -> BlockInstance? { instances.first { $0.name == name } }

    /// Where a block was declared (`file:line:col` of its instance name).
    public func location(of block: Block) -> SourceLocation? { instances.first { $0.block === block }?.location }

    /// A named parameter's value.
    public func parameter(_ name: String) -> ParameterValue? { parameters.first { $0.name == name }?.value }

    /// A reader that validates experiment keys and collects every error with its position.
    public func experimentReader() -> ExperimentReader { ExperimentReader(self) }
}

/// Reads the experiment table with types and ranges, collecting every problem as a diagnostic at
/// the value's position (or at the `experiment` keyword for a missing key). Accessors return a
/// placeholder (the default, or zero) after an error; call `finish()` before using the values:
///
///     var r = design.experimentReader()
///     let beta = r.real("beta", in: 0...1)
///     let epochs = r.int("epochs", in: 1...1000, default: 1)
///     let input = r.role("input", type: "pixel_encoder")
///     try r.finish()      // throws NetlistErrors with every problem, unread keys included
public struct ExperimentReader {
    private let design: Design
    private var read = Set<String>()
    private var readRoles = Set<String>()
    public private(set) var diagnostics: [Diagnostic] = []

    init(_ design: Design) { self.design = design }

    private var table: ExperimentTable { design.experiment }

    private mutating func fetch(_ key: String, required: Bool) -> ExperimentTable.Entry? {
        read.insert(key)
        if let e = table.entry(key) { return e }
        if required {
            // Suggest a key nobody has read yet (a misspelling in the file or in the reader).
            let candidates = table.keys.filter { !read.contains($0) && !table.usedByDesign.contains($0) }
            diagnostics.append(Diagnostic(table.location, "experiment key '\(key)' is required\(Suggestions.hint(for: key, among: candidates))"))
        }
        return nil
    }

    /// Reports a problem with a key's value (for checks across keys), at the key's position.
    public mutating func error(_ key: String, _ message: String) {
        read.insert(key)
        diagnostics.append(Diagnostic(table.entry(key)?.location ?? table.location, "experiment key '\(key)': \(message)"))
    }

    public mutating func int(_ key: String, in range: ClosedRange<Int>, default d: Int? = nil) -> Int {
        guard let e = fetch(key, required: d == nil) else { return d ?? range.lowerBound }
        let v: Int?
        switch e.value {
        case .int(let i): v = i
        case .real(let r) where r == r.rounded() && abs(r) < 1e15: v = Int(r)
        default: v = nil
        }
        guard let i = v else { error(key, "expected an integer, got '\(e.value)'"); return d ?? range.lowerBound }
        guard range.contains(i) else { error(key, "\(i) is out of range \(range.lowerBound)...\(range.upperBound)"); return d ?? range.lowerBound }
        return i
    }

    public mutating func real(_ key: String, in range: ClosedRange<Double>, default d: Double? = nil) -> Double {
        guard let e = fetch(key, required: d == nil) else { return d ?? range.lowerBound }
        guard let r = e.value.real else { error(key, "expected a number, got '\(e.value)'"); return d ?? range.lowerBound }
        guard range.contains(r) else { error(key, "\(r) is out of range \(range.lowerBound)...\(range.upperBound)"); return d ?? range.lowerBound }
        return r
    }

    public mutating func bool(_ key: String, default d: Bool? = nil) -> Bool {
        guard let e = fetch(key, required: d == nil) else { return d ?? false }
        guard case .bool(let b) = e.value else { error(key, "expected true or false, got '\(e.value)'"); return d ?? false }
        return b
    }

    public mutating func word(_ key: String, oneOf options: [String], default d: String? = nil) -> String {
        guard let e = fetch(key, required: d == nil) else { return d ?? options.first ?? "" }
        guard case .word(let w) = e.value, options.contains(w) else {
            let got = "\(e.value)"
            error(key, "expected one of \(options.joined(separator: ", ")), got '\(got)'\(Suggestions.hint(for: got, among: options))")
            return d ?? options.first ?? ""
        }
        return w
    }

    public mutating func format(_ key: String, default d: QFormat? = nil) -> QFormat {
        guard let e = fetch(key, required: d == nil) else { return d ?? .bit }
        guard case .format(let f) = e.value else { error(key, "expected a fixed-point format such as s1.15, got '\(e.value)'"); return d ?? .bit }
        return f
    }

    /// A list of numbers (`[1, 0.25]`); a single number is a list of one.
    public mutating func reals(_ key: String, in range: ClosedRange<Double>, default d: [Double]? = nil) -> [Double] {
        guard let e = fetch(key, required: d == nil) else { return d ?? [] }
        let items: [ExperimentValue]
        if case .list(let l) = e.value { items = l } else { items = [e.value] }
        var out: [Double] = []
        for item in items {
            guard let r = item.real else { error(key, "expected a list of numbers, got '\(e.value)'"); return d ?? [] }
            guard range.contains(r) else { error(key, "\(r) is out of range \(range.lowerBound)...\(range.upperBound)"); return d ?? [] }
            out.append(r)
        }
        return out
    }

    /// The block bound to a role; with `type`, it must be an instance of that block type.
    public mutating func role(_ name: String, type: String? = nil) -> Block? {
        readRoles.insert(name)
        guard let block = design.roles[name] else {
            let candidates = design.roles.keys.filter { !readRoles.contains($0) }
            diagnostics.append(Diagnostic(table.location, "role '\(name)' is required (add: role \(name) = INSTANCE)\(Suggestions.hint(for: name, among: candidates))"))
            return nil
        }
        if let type, let inst = design.instance(named: block.name), inst.typeName != type {
            let at = table.roles.first { $0.role == name }?.location ?? table.location
            diagnostics.append(Diagnostic(at, "role '\(name)' must be a \(type) block, but '\(block.name)' is a \(inst.typeName)"))
        }
        return block
    }

    /// The block bound to a role, which must conform to `kind` (a role protocol such as
    /// `NeuronLayer`): any block type that does fills the role. `described` names the kind in the
    /// error, e.g. "a neuron layer (lif)".
    public mutating func role<Kind>(_ name: String, as kind: Kind.Type, described: String) -> Kind? {
        guard let block = role(name) else { return nil }
        if let filled = block as? Kind { return filled }
        let at = table.roles.first { $0.role == name }?.location ?? table.location
        let typeName = design.instance(named: block.name)?.typeName ?? block.typeName
        diagnostics.append(Diagnostic(at, "role '\(name)' must be \(described), but '\(block.name)' is a \(typeName)"))
        return nil
    }

    /// Throws every problem found so far; unless `allowUnread`, a key that is neither read nor
    /// used by the netlist's own expressions, and a role never read, are errors too (a misspelt
    /// key would otherwise be silently ignored).
    public func finish(allowUnread: Bool = false) throws(NetlistErrors) {
        var all = diagnostics
        if !allowUnread {
            for e in table.entries where !read.contains(e.key) && !table.usedByDesign.contains(e.key) {
                all.append(Diagnostic(e.location, "unknown experiment key '\(e.key)'\(Suggestions.hint(for: e.key, among: read))"))
            }
            for r in table.roles where !readRoles.contains(r.role) {
                all.append(Diagnostic(r.location, "unknown role '\(r.role)'\(Suggestions.hint(for: r.role, among: readRoles))"))
            }
        }
        if !all.isEmpty { throw NetlistErrors(all) }
    }
}
