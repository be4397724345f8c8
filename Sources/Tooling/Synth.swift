import Foundation
import Blocks
import CircuitIR
import HDL
import RTL

/// `eqspike synth`: area of a design from logic synthesis of its emitted RTL (docs/synthesis.md).
/// Every block instance's module (and the top's glue) is synthesised by Yosys on its own, SRAM
/// macros (`eqspike_sram`, read as black boxes) are sized from their parameters, and the totals
/// are the sums of those parts. Each module's result is cached under a hash of its Verilog, the
/// script, the Yosys version and the Liberty file, so `eqspike check` can show the table of a
/// design synthesised before and a re-run only synthesises what changed.
public enum Synth {
    public enum Failure: Error, CustomStringConvertible {
        case noYosys
        case unreadable(String)
        case unknownBlock(String)
        public var description: String {
            switch self {
            case .noYosys: return "yosys is not installed (Debian: apt-get install yosys)"
            case .unreadable(let m): return m
            case .unknownBlock(let m): return m
            }
        }
    }

    public struct Settings: Sendable {
        public var liberty: String? = nil
        public var timeoutSeconds: Double = 600
        public var memoryLimitMB = 4096
        public var cacheDirectory = Synth.defaultCacheDirectory
        /// Instances to synthesise (nil: all, and the top's glue); the SRAM table is always complete.
        public var only: Set<String>? = nil
        /// Blocks larger than `SynthLaneScaling.largest` lanes are estimated from two smaller
        /// copies instead of synthesised whole (`--lane-scaling`).
        public var laneScaling = false
        public init() {}
    }
    /// Relative to the working directory, like `runs/`: results belong to the checkout they were made in.
    public static let defaultCacheDirectory = ".eqspike-cache/synth"

    /// One block's logic (or why there is none).
    public struct Block: Codable, Sendable {
        public let instance: String
        public let type: String
        public let module: String
        public var cellsByKind: [String: Int]
        public var transistors: Int
        /// From the Liberty file when one was given, else transistors x SynthFigures.um2PerTransistor.
        public var area: Double
        public var seconds: Double
        /// nil when synthesised; else why not (time or memory limit, Yosys error).
        public var failure: String?
        /// Set when the figures are a lane-scaling estimate, not a synthesis of this block: how
        /// (e.g. "lanes 16, 32 -> 784"). Optional so that cached results without it still read.
        public var estimate: String? = nil
        public var cells: Int { cellsByKind.values.reduce(0, +) }
        public var flipFlops: Int { cellsByKind.filter { $0.key.uppercased().contains("DFF") }.values.reduce(0, +) }
    }

    /// One SRAM macro: words x bits with one port of `portWords` words per cycle.
    public struct SRAM: Codable, Sendable {
        public let instance: String
        public let words: Int
        public let bits: Int
        public let portWords: Int
        public var totalBits: Int { words * bits }
        public var area: Double { SynthFigures.sramArea(bits: totalBits) }
    }

    public struct Report: Codable, Sendable {
        public let yosys: String
        public let liberty: String?
        public var blocks: [Block]
        public let srams: [SRAM]
        /// Instances with no result (not cached, for `check`).
        public var missing: [String]
        public var logicCells: Int { done.map(\.cells).reduce(0, +) }
        public var flipFlops: Int { done.map(\.flipFlops).reduce(0, +) }
        public var transistors: Int { done.map(\.transistors).reduce(0, +) }
        public var logicArea: Double { done.map(\.area).reduce(0, +) }
        public var sramBits: Int { srams.map(\.totalBits).reduce(0, +) }
        public var sramArea: Double { srams.map(\.area).reduce(0, +) }
        public var totalArea: Double { logicArea + sramArea }
        var done: [Block] { blocks.filter { $0.failure == nil } }
    }

    /// The top's own logic (tick controller, glue), reported as this pseudo-instance.
    public static let topInstance = "(top)"

    /// The modules to synthesise: one per instance (`<type>_<instance>`), then the top.
    static func work(_ circuit: Circuit, _ rtl: RTLDesign, only: Set<String>?) throws -> [(instance: String, type: String, module: String)] {
        var w: [(String, String, String)] = []
        for inst in circuit.instances where only?.contains(inst.name) ?? true {
            let m = "\(inst.typeName)_\(inst.name)"
            guard rtl.sources.contains("\(m).v") else { throw Failure.unknownBlock("no module \(m).v in the emitted RTL") }
            w.append((inst.name, inst.typeName, m))
        }
        if let o = only {
            let names = Set(circuit.instances.map(\.name))
            for n in o.sorted() where !names.contains(n) && n != topInstance {
                throw Failure.unknownBlock("no instance '\(n)' in the design (instances: \((circuit.instances.map(\.name) + [topInstance]).joined(separator: ", ")))")
            }
        }
        if only?.contains(topInstance) ?? true { w.append((topInstance, "top", rtl.topName)) }
        return w
    }

    /// Every SRAM of the design, from the circuit's storage items of kind `.sram` and the port
    /// width of their crossbar.
    static func srams(_ circuit: Circuit, blocks: [HDL.Block]) -> [SRAM] {
        var out: [SRAM] = []
        for inst in circuit.instances {
            let port = (blocks.first { $0.name == inst.name } as? Crossbar)?.portWords ?? 1
            for s in inst.interface.storage where s.kind == .sram {
                out.append(SRAM(instance: "\(inst.name).\(s.name)", words: s.words, bits: s.wordBits, portWords: port))
            }
        }
        return out
    }

    /// What every module's synthesis of one run shares: where the RTL was written, the Yosys
    /// version and Liberty file of the cache key, the limits.
    struct RunContext {
        let settings: Settings
        let version: String
        let liberty: String?
        let directory: String
        let files: [String: String]
        let designModules: Set<String>
        let rtl: RTLDesign
    }

    /// Synthesises (or takes from the cache) every selected module. `progress` hears each block as
    /// it ends. With `settings.laneScaling`, a block with more than `SynthLaneScaling.largest`
    /// lanes (rows, columns) is synthesised at two sizes and extrapolated (SynthLaneScaling).
    public static func run(circuit: Circuit, blocks: [HDL.Block], settings: Settings,
                           progress: (Block, _ cached: Bool) -> Void = { _, _ in }) throws -> Report {
        guard HDLSimulator.which("yosys") != nil else { throw Failure.noYosys }
        let rtl = try RTLDesign.emit(circuit: circuit, blocks: blocks)
        let dir = NSTemporaryDirectory() + "eqspike-synth-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: dir)
        try rtl.write(to: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = fileMap(rtl)
        if let p = files[sramPortsFile] { try Data(p.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(sramPortsFile)")) }
        let context = RunContext(settings: settings, version: try SynthYosys.version(), liberty: try settings.liberty.map { try libertyPath($0) },
                                 directory: dir, files: files, designModules: Set(rtl.sources.map { String($0.dropLast(2)) }), rtl: rtl)
        var report = Report(yosys: context.version, liberty: context.liberty, blocks: [], srams: srams(circuit, blocks: blocks), missing: [])
        let driven = RTLDesign.drivenInputs(circuit)
        for (instance, type, module) in try work(circuit, rtl, only: settings.only) {
            if settings.laneScaling, let inst = circuit.instance(named: instance), !SynthLaneScaling.scaled(inst).isEmpty {
                let b = try SynthLaneScaling.estimate(inst, driven: driven[instance] ?? [], module: module, context: context)
                report.blocks.append(b.block)
                progress(b.block, b.cached)
                continue
            }
            let b = try synthesize(instance: instance, type: type, module: module, text: files["\(module).v"] ?? "", context: context)
            report.blocks.append(b.block)
            progress(b.block, b.cached)
        }
        return report
    }

    /// One module's text synthesised under `context` (or its cached result). Written as
    /// `<module>.<key>.v` beside the design's files so that lane-scaled variants of a module
    /// (same module name, other text) do not overwrite each other.
    /// `memoryImages`: the `$readmemh` files of a module that is not the design's own (a lane-scaling
    /// copy, whose memories are smaller): it is synthesised in a directory of its own beside them.
    static func synthesize(instance: String, type: String, module: String, text: String, memoryImages: [String: String] = [:],
                           context: RunContext) throws -> (block: Block, cached: Bool) {
        let libs = libraries(for: module, text: text, context.rtl)
        let key = try cacheKey(module: module, text: text, files: context.files, libraries: libs, version: context.version, liberty: context.liberty)
        if let b = cached(key, context.settings.cacheDirectory) { return (b, true) }
        guard !context.directory.isEmpty else { throw Failure.unreadable("internal: synthesis without a directory") }
        var directory = context.directory
        if !memoryImages.isEmpty {
            directory += "/copy-\(key)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (name, contents) in memoryImages.merging(libs.map { ($0, context.files[$0] ?? "") }, uniquingKeysWith: { a, _ in a }) {
                try Data(contents.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name)"))
            }
        }
        let file = "\(module).\(key).v"
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(file)"))
        let start = Date()
        let outcome = try SynthYosys.run(module: module, file: file, libraries: libs, designModules: context.designModules,
                                         liberty: context.liberty, directory: directory,
                                         timeoutSeconds: context.settings.timeoutSeconds, memoryLimitMB: context.settings.memoryLimitMB)
        var b = Block(instance: instance, type: type, module: module, cellsByKind: [:], transistors: 0, area: 0,
                      seconds: Date().timeIntervalSince(start), failure: nil)
        switch outcome {
        case .done(let s, let cmos):
            b.cellsByKind = s.cellsByKind
            b.transistors = cmos.transistors
            b.area = s.area ?? Double(cmos.transistors) * SynthFigures.um2PerTransistor
            try store(b, key, context.settings.cacheDirectory)
        case .failed(let why):
            b.failure = why   // not cached: a larger --timeout or --memory-mb may succeed
        }
        return (b, false)
    }

    /// The cached result of one module's text, if any.
    static func lookup(module: String, text: String, context: RunContext) throws -> Block? {
        let libs = libraries(for: module, text: text, context.rtl)
        return cached(try cacheKey(module: module, text: text, files: context.files, libraries: libs, version: context.version, liberty: context.liberty),
                      context.settings.cacheDirectory)
    }

    /// The cached results of a design, without running Yosys (for `eqspike check`): nil when
    /// nothing is cached; blocks without a result are listed in `missing`.
    public static func cachedReport(circuit: Circuit, blocks: [HDL.Block], cacheDirectory: String = defaultCacheDirectory) throws -> Report? {
        guard HDLSimulator.which("yosys") != nil else { return nil }
        let rtl = try RTLDesign.emit(circuit: circuit, blocks: blocks)
        let version = try SynthYosys.version()
        var report = Report(yosys: version, liberty: nil, blocks: [], srams: srams(circuit, blocks: blocks), missing: [])
        let files = fileMap(rtl)
        var settings = Settings()
        settings.cacheDirectory = cacheDirectory
        let context = RunContext(settings: settings, version: version, liberty: nil, directory: "", files: files, designModules: [], rtl: rtl)
        let driven = RTLDesign.drivenInputs(circuit)
        for (instance, _, module) in try work(circuit, rtl, only: nil) {
            if let b = try lookup(module: module, text: files["\(module).v"] ?? "", context: context) {
                report.blocks.append(b)
            } else if let inst = circuit.instance(named: instance), !SynthLaneScaling.scaled(inst).isEmpty,
                      let b = try SynthLaneScaling.cachedEstimate(inst, driven: driven[instance] ?? [], module: module, context: context) {
                report.blocks.append(b)
            } else {
                report.missing.append(instance)
            }
        }
        return report.blocks.isEmpty ? nil : report
    }

    /// The black boxes a module reads: the top every block module; a crossbar the SRAM's ports
    /// only (`sramPorts`), because Yosys 0.23 elaborates the body of a `-lib` module when
    /// `hierarchy` derives it with the crossbar's parameters (784-100-10's W1: a 78,400-word array
    /// turned into registers, out of memory in 17 s); other blocks `eqspike_sram.v` as a library,
    /// which they never instantiate (cheap, and it keeps their cached results' keys).
    static func libraries(for module: String, text: String, _ rtl: RTLDesign) -> [String] {
        if module == rtl.topName { return rtl.sources.filter { $0 != "\(rtl.topName).v" } }
        if text.contains("eqspike_sram #(") { return [sramPortsFile] }
        return rtl.sources.filter { $0 == "eqspike_sram.v" }
    }

    static let sramPortsFile = "eqspike_sram_ports.v"

    /// `eqspike_sram` with its parameters and ports and no body: a true black box.
    static func sramPorts(_ sram: String) -> String? {
        guard let start = sram.range(of: "module eqspike_sram"),
              let end = sram.range(of: "\n);", range: start.upperBound..<sram.endIndex) else { return nil }
        return "(* blackbox *)\n" + sram[start.lowerBound..<end.upperBound] + "\nendmodule\n"
    }

    /// The emitted files by name, with the SRAM's ports-only black box added.
    static func fileMap(_ rtl: RTLDesign) -> [String: String] {
        var m = Dictionary(rtl.files.map { ($0.name, $0.contents) }, uniquingKeysWith: { a, _ in a })
        if let s = m["eqspike_sram.v"], let p = sramPorts(s) { m[sramPortsFile] = p }
        return m
    }

    static func libertyPath(_ path: String) throws -> String {
        guard FileManager.default.isReadableFile(atPath: path) else { throw Failure.unreadable("--liberty \(path): no such readable file") }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// FNV-1a (64 bit) of everything the result depends on: the module's Verilog and that of the
    /// black boxes it reads, the script, the Yosys version and the Liberty file's contents. Not
    /// cryptographic; a collision would only show a stale table.
    static func cacheKey(module: String, text: String, files: [String: String], libraries: [String], version: String, liberty: String?) throws -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ s: String) { for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 } ; h = (h ^ 0xff) &* 0x0000_0100_0000_01b3 }
        mix(version)
        mix(SynthYosys.script(module: module, file: "", libraries: libraries, liberty: liberty == nil ? nil : "LIB"))
        for f in libraries {
            guard let library = files[f] else { throw Failure.unknownBlock("no \(f) in the emitted RTL") }
            mix(f)
            mix(library)
        }
        mix("\(module).v")
        mix(text)
        if let l = liberty { mix(try String(contentsOfFile: l, encoding: .utf8)) }
        return String(h, radix: 16)
    }

    static func cached(_ key: String, _ dir: String) -> Block? {
        guard let d = FileManager.default.contents(atPath: "\(dir)/\(key).json") else { return nil }
        return try? JSONDecoder().decode(Block.self, from: d)
    }

    static func store(_ b: Block, _ key: String, _ dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try e.encode(b).write(to: URL(fileURLWithPath: "\(dir)/\(key).json"), options: .atomic)
    }
}
