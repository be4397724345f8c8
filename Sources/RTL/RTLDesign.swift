import CircuitIR
import Foundation
import HDL

/// The RTL of a design: every file `eqspike verilog` writes. The structure (instances, ports,
/// formats, wiring) comes from the `Circuit`; each block's realised constants and its memories'
/// and random sources' current contents come from the elaborated blocks (`blocks`), so the RTL
/// uses the model's own quantised constants (one definition of each) and starts from whatever
/// state the model holds (initial weights, a checkpoint).
public struct RTLDesign {
    public struct File { public let name: String; public let contents: String }
    public let files: [File]
    /// Verilog sources in compilation order (top last).
    public let sources: [String]
    public let topName = TopModule.name

    public static func emit(circuit: Circuit, blocks: [Block]) throws -> RTLDesign {
        var modules: [(instance: Circuit.Instance, module: ModuleText)] = []
        var extra: [String: String] = [:]
        let driven = drivenInputs(circuit)
        for inst in circuit.instances {
            guard let block = blocks.first(where: { $0.name == inst.name }) else {
                throw RTLError(instance: inst.name, "no elaborated block for this instance")
            }
            let m = try module(InstanceContext(instance: inst, driven: driven[inst.name] ?? [], block: block), files: &extra)
            modules.append((inst, m))
        }
        var files: [File] = []
        var sources: [String] = []
        if modules.contains(where: { $0.instance.typeName == "crossbar" }) {
            files.append(File(name: "eqspike_sram.v", contents: MemoryControlModules.sramModule))
            sources.append("eqspike_sram.v")
        }
        for (_, m) in modules {
            let name = "\(m.name).v"
            files.append(File(name: name, contents: "`timescale 1ns / 1ps\n" + m.text))
            sources.append(name)
        }
        let top = try TopModule.emit(circuit: circuit, modules: modules)
        files.append(File(name: "\(TopModule.name).v", contents: "`timescale 1ns / 1ps\n" + top))
        sources.append("\(TopModule.name).v")
        for (n, c) in extra.sorted(by: { $0.key < $1.key }) { files.append(File(name: n, contents: c)) }
        files.append(File(name: "files.f", contents: sources.joined(separator: "\n") + "\n"))
        files.append(File(name: "README.md", contents: ProtocolReadme.text(circuit: circuit, sources: sources)))
        return RTLDesign(files: files, sources: sources)
    }

    /// Per instance, the inputs a wire drives (a module declares only those).
    public static func drivenInputs(_ circuit: Circuit) -> [String: Set<String>] {
        var driven: [String: Set<String>] = [:]
        for w in circuit.wires { driven[w.destination.instance, default: []].insert(w.destination.port) }
        return driven
    }

    /// The module of one block instance (its memory images go into `files`).
    static func module(_ c: InstanceContext, files: inout [String: String]) throws -> ModuleText {
        switch c.instance.typeName {
        case "lif": return try NeuronPathModules.lif(c)
        case "li": return try NeuronPathModules.li(c)
        case "delay": return try NeuronPathModules.delay(c)
        case "fir": return try NeuronPathModules.fir(c)
        case "adder": return try NeuronPathModules.adder(c)
        case "scale": return try NeuronPathModules.scale(c)
        case "spike_counter": return try NeuronPathModules.spikeCounter(c)
        case "crossbar": return try MemoryControlModules.crossbar(c, files: &files)
        case "bias": return try MemoryControlModules.bias(c, files: &files)
        case "pixel_encoder": return try MemoryControlModules.pixelEncoder(c)
        case "nudge": return try MemoryControlModules.nudge(c)
        case "phase_controller": return try MemoryControlModules.phaseController(c)
        case "lfsr": return try MemoryControlModules.lfsr(c)
        default:
            throw RTLError(instance: c.name, "block type '\(c.instance.typeName)' has no RTL template yet")
        }
    }

    /// One instance's module alone: its Verilog as `emit` writes it, and the memory images it reads
    /// with `$readmemh` (file name to contents).
    public struct Module {
        public let name: String
        public let text: String
        public let memoryImages: [String: String]
    }

    /// One instance's module for an instance that need not belong to a whole design: synthesis by
    /// lane scaling (Tooling's `SynthLaneScaling`) emits an instance again with fewer lanes.
    /// `driven` names its inputs that a wire drives.
    public static func module(instance: Circuit.Instance, driven: Set<String>, block: Block) throws -> Module {
        var files: [String: String] = [:]
        let m = try module(InstanceContext(instance: instance, driven: driven, block: block), files: &files)
        return Module(name: m.name, text: "`timescale 1ns / 1ps\n" + m.text, memoryImages: files)
    }

    /// Writes every file into `directory` (created if missing).
    public func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for f in files {
            try Data(f.contents.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(f.name))
        }
    }
}
