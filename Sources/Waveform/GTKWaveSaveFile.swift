#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FixedPoint

/// A GTKWave save file (`.gtkw`) that opens a dump with its signals already shown:
/// one GTKWave group per block instance (scope), in file order; fixed-point vectors as real
/// numbers; membrane-like signals as analog step traces; single bits (spikes) as bits.
///
/// Trace flags (GTKWave 3.3.118's `TR_*` bits; every line checked by loading the file in GTKWave
/// and by GTKWave writing the same traces back):
/// - bit: `@28` (binary, right-justified names);
/// - integer vector (no fraction bits): `@424` signed decimal, `@24` unsigned decimal;
/// - fixed-point vector with F fraction bits: `@40000424` (fixed-point decimal shift 0x40000000 |
///   signed 0x400 | right-justify 0x20 | decimal 0x4) followed by `[fpshift_count] F`: GTKWave
///   shows raw/2^F (0x4C in s2.8 shows 0.296875). Unsigned formats use `@40000024` (without
///   the signed bit GTKWave reads the raw bits as unsigned before shifting; checked: a 10-bit raw
///   0x3DA shows 1.92578125 in u1.9 and -0.07421875 in s1.9);
/// - analog: the same flags | 0x8000 (analog step) or 0x10000 (interpolated), optionally
///   | 0x80000 (scale over the whole dump instead of the visible window), followed by
///   `@20000` + `-` lines (analog blank stretch) that make the trace several rows tall;
/// - real (Double) variables: `@420`, analog `@8420`.
/// Groups: `@800200 -name` ... `@1000200 -name` (closed: `@c00200` ... `@1401200`).
///
/// Value names (`VCDVariable.valueNames`, e.g. `ctrl.phase`: 0 free, 1 nudge, 2 done): the trace
/// gets `TR_FTRANSLATED` (0x2000) and a `^N file` line before its name; the file, written beside
/// the save file (`run.ctrl.phase.filter` for `run.gtkw`), has one `value name` line per value,
/// the value as GTKWave displays it (decimal). GTKWave reads `^N file` for any N but 0 and finds
/// the file relative to the save file if the absolute path is gone.
///
/// Markers: the `*` line is `*<zoom> <primary marker> <A> ... <Z>` in dump time units (-1 unset),
/// and `[markername] A<name>` names marker A. GTKWave 3.3.118 has 26 named markers unless built
/// with `--enable-manymarkers` (702, AA...ZZ, named by `[markername_long] AA name`; Debian's build
/// has 26), so the first 26 marks are set and a comment line says how many were left out.
///
/// GTKWave addresses a variable by its full dotted name plus, for vectors, the packed range
/// (`fixed.hidden.u_3[15:0]`), the same for VCD and FST input, so one save file serves the VCD
/// and its `vcd2fst` conversion. `[dumpfile]` and `[savefile]` are absolute: when both files were
/// moved together, GTKWave finds the dump relative to the save file.
public struct GTKWaveSaveFile {
    public struct Options: Sendable {
        /// Which signals are drawn as analog waveforms.
        public enum Analog: Sendable, Equatable {
            case none
            /// Every vector and real.
            case multiBit
            /// Vectors and reals whose port name matches one of these globs.
            case ports([String])
        }
        public var analog: Analog = .ports(["u", "v", "mean", "*current", "*potential"])
        /// Height of an analog trace in rows (1 = a normal row).
        public var analogRows = 4
        /// Interpolated (sloped) instead of step drawing.
        public var analogInterpolated = false
        /// Scale analog traces over the whole dump rather than the visible time range.
        public var analogFullScale = false
        /// Signal patterns (`SignalPattern` syntax over `scope.port[lanes]`, where the scope
        /// includes the top scope, e.g. `fixed.hidden.u[0:3]`) of the dumped variables to show;
        /// nil shows every dumped variable. Lets a large dump open with a readable selection.
        public var show: [String]? = nil
        /// Clocks visible at start; nil: the whole dump, at most 200 clocks.
        public var visibleClocks: Int? = nil
        /// Start with the groups closed (only the group names visible).
        public var closedGroups = false
        /// Groups (scope names, `GTKWaveSaveFile.Group.name`) to list first, in this order; the
        /// others follow in file order. A name no group has is ignored.
        public var groupOrder: [String] = []
        /// Groups with more traces than this start closed (nil: none), so a 784-lane port does not
        /// push everything else below the screen.
        public var closeGroupsAbove: Int? = nil
        /// Within a group, registers (and registered outputs) first, then combinational outputs,
        /// then inputs (which repeat their driver's value); otherwise file order.
        public var registersFirst = false
        /// GTKWave colour indices (0 normal green, 1 red, 2 orange, 3 yellow, 4 green, 5 blue,
        /// 6 indigo, 7 violet) for bits, for analog traces and for other vectors.
        public var bitColor = 3
        public var analogColor = 2
        public var vectorColor = 0
        /// Window and pane sizes in pixels.
        public var windowWidth = 1400
        public var windowHeight = 900
        public var sstWidth = 276          // what GTKWave 3.3.118 uses at 1400 pixels, whatever is asked
        public var signalsWidth = 260

        public init() {}
    }

    /// GTKWave's trace flag bits (`TR_*` in GTKWave's analyzer.h) used here.
    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let highlight = Flags(rawValue: 0x1)
        public static let hex = Flags(rawValue: 0x2)
        public static let decimal = Flags(rawValue: 0x4)
        public static let binary = Flags(rawValue: 0x8)
        public static let rightJustify = Flags(rawValue: 0x20)
        public static let blank = Flags(rawValue: 0x200)
        public static let signed = Flags(rawValue: 0x400)
        public static let collapsed = Flags(rawValue: 0x1000)
        public static let fileTranslated = Flags(rawValue: 0x2000)
        public static let analogStep = Flags(rawValue: 0x8000)
        public static let analogInterpolated = Flags(rawValue: 0x10000)
        public static let analogBlankStretch = Flags(rawValue: 0x20000)
        public static let analogFullScale = Flags(rawValue: 0x80000)
        public static let closed = Flags(rawValue: 0x400000)
        public static let groupBegin = Flags(rawValue: 0x800000)
        public static let groupEnd = Flags(rawValue: 0x1000000)
        public static let fixedPointShift = Flags(rawValue: 0x4000_0000)

        public var hexString: String { String(rawValue, radix: 16) }
    }

    /// One trace line of the save file.
    public struct Trace: Equatable, Sendable {
        /// GTKWave's name of the variable (`fixed.hidden.u_3[15:0]`).
        public let name: String
        public let flags: Flags
        /// `[fpshift_count]` (fraction bits) when `flags` has `fixedPointShift`.
        public let shift: Int
        public let color: Int
        /// Extra blank rows below an analog trace.
        public let extraRows: Int
        /// 1-based index into `filterFiles` (value names), 0 for none.
        public var filter = 0
    }

    /// A named moment of the dump (an image start, a phase change), shown as a named marker.
    public struct Mark: Equatable, Sendable {
        /// In the writer's clocks (the time is `clock * ticksPerClock`).
        public let clock: Int
        public let name: String
        public init(clock: Int, name: String) {
            self.clock = clock
            self.name = name
        }
    }

    /// GTKWave's named markers A...Z.
    public static let namedMarkerCount = 26

    /// A translate-filter file: value names of one or more traces.
    public struct FilterFile: Equatable, Sendable {
        /// Absolute path, beside the save file.
        public let path: String
        /// `value name` lines, the value as GTKWave shows it (decimal).
        public let lines: [String]
    }

    public struct Group: Equatable, Sendable {
        public let name: String
        public var traces: [Trace]
        /// Starts closed (only its name shows until opened).
        public var closed = false
    }

    public let dumpFile: String
    public let saveFile: String
    public let comment: String
    public let options: Options
    public private(set) var groups: [Group] = []
    /// First visible time and the zoom GTKWave starts with.
    public let startTime: Int
    public let zoom: Double
    /// The marks inside the dump, one per clock (the first given wins), in time order.
    public let marks: [Mark]
    /// Time of a mark: `clock * ticksPerClock`.
    public let ticksPerClock: Int
    /// Translate-filter files for traces with value names, written beside the save file.
    public private(set) var filterFiles: [FilterFile] = []

    /// Builds the save file for `variables` (from `VCDWriter.variables`), dumped from `firstClock`
    /// to `lastClock`. Throws for a malformed pattern in `options.show`; a pattern that selects
    /// none of the dumped variables is not an error (it may name something this dump left out).
    public init(dumpFile: String, saveFile: String, variables: [VCDVariable], timescale: VCDTimescale,
                firstClock: Int, lastClock: Int, comment: String = "", marks: [Mark] = [],
                options: Options = .init()) throws(WaveformError) {
        self.dumpFile = dumpFile
        self.saveFile = saveFile
        self.comment = comment
        self.options = options
        var shown = variables
        if let show = options.show {
            shown = GTKWaveSaveFile.filter(variables, try SignalPattern.parse(show))
        }
        if options.registersFirst {
            // Stable: file order within each rank.
            func rank(_ v: VCDVariable) -> Int { v.isInput ? 2 : (v.varType == "reg" ? 0 : 1) }
            shown = shown.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
        }
        var filterOf: [[Int32: String]: Int] = [:]
        let base = saveFile.hasSuffix(".gtkw") ? String(saveFile.dropLast(5)) : saveFile
        for v in shown {
            var trace = GTKWaveSaveFile.trace(for: v, options)
            if !v.valueNames.isEmpty, case .fixed(let f) = v.kind, f.fracBits == 0, !GTKWaveSaveFile.isAnalog(v, options) {
                if let k = filterOf[v.valueNames] {
                    trace.filter = k
                } else {
                    let lines = v.valueNames.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    filterFiles.append(FilterFile(path: "\(base).\(v.scopeName).\(v.port).filter", lines: lines))
                    filterOf[v.valueNames] = filterFiles.count
                    trace.filter = filterFiles.count
                }
            }
            if let g = groups.firstIndex(where: { $0.name == v.scopeName }) {
                groups[g].traces.append(trace)
            } else {
                groups.append(Group(name: v.scopeName, traces: [trace]))
            }
        }
        if !options.groupOrder.isEmpty {
            let position = Dictionary(options.groupOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            groups = groups.enumerated().sorted {
                (position[$0.element.name] ?? Int.max, $0.offset) < (position[$1.element.name] ?? Int.max, $1.offset)
            }.map(\.element)
        }
        let closeAbove = options.closeGroupsAbove ?? Int.max
        for g in groups.indices where options.closedGroups || groups[g].traces.count > closeAbove { groups[g].closed = true }
        startTime = firstClock * timescale.ticksPerClock
        ticksPerClock = timescale.ticksPerClock
        var seen = Set<Int>()
        self.marks = marks.filter { (firstClock...lastClock).contains($0.clock) && seen.insert($0.clock).inserted }
            .sorted { $0.clock < $1.clock }
        // The whole dump in view (its closing time step included), unless asked otherwise.
        let clocks = max(1, options.visibleClocks ?? (lastClock - firstClock + 1))
        zoom = GTKWaveSaveFile.zoom(forTicks: clocks * timescale.ticksPerClock, options: options)
    }

    /// GTKWave's zoom value for showing `ticks` time units across the wave pane. GTKWave keeps
    /// the zoom as a base-2 logarithm; measured with 3.3.118 (`setZoomRangeTimes`, then writing
    /// the save file back) it is -log2(200 * ticks / pane width in pixels).
    public static func zoom(forTicks ticks: Int, options: Options) -> Double {
        let pane = max(100, options.windowWidth - options.sstWidth - options.signalsWidth - 40)
        return -log2(200 * Double(max(ticks, 1)) / Double(pane))
    }

    static func filter(_ variables: [VCDVariable], _ patterns: [SignalPattern]) -> [VCDVariable] {
        variables.filter { v in
            let lane = v.lane ?? 0
            let hit = { (p: SignalPattern) in
                p.matches(instance: v.scopeName, port: v.port) && (p.lanes?.contains { $0.contains(lane) } ?? true)
            }
            return patterns.contains { !$0.isExclusion && hit($0) } && !patterns.contains { $0.isExclusion && hit($0) }
        }
    }

    static func isAnalog(_ v: VCDVariable, _ options: Options) -> Bool {
        guard v.width > 1 else { return false }
        switch options.analog {
        case .none: return false
        case .multiBit: return true
        case .ports(let globs): return globs.contains { Glob.matches($0, v.port) }
        }
    }

    static func trace(for v: VCDVariable, _ options: Options) -> Trace {
        let analog = isAnalog(v, options)
        var flags: Flags = [.rightJustify]
        var shift = 0
        var color = options.vectorColor
        switch v.kind {
        case .real:
            flags.insert(.signed)
        case .fixed(let f) where f.width == 1:
            flags.insert(.binary)
            color = options.bitColor
        case .fixed(let f):
            flags.insert(.decimal)
            if f.isSigned { flags.insert(.signed) }
            if f.fracBits > 0 {
                flags.insert(.fixedPointShift)
                shift = f.fracBits
            }
        }
        if !v.valueNames.isEmpty, case .fixed(let f) = v.kind, f.fracBits == 0, !analog {
            flags.insert(.fileTranslated)
        }
        if analog {
            flags.insert(options.analogInterpolated ? .analogInterpolated : .analogStep)
            if options.analogFullScale { flags.insert(.analogFullScale) }
            color = options.analogColor
        }
        return Trace(name: v.gtkwaveName, flags: flags, shift: shift, color: color,
                     extraRows: analog ? max(0, options.analogRows - 1) : 0)
    }

    /// The save file's text.
    public func render() -> String {
        var s = ""
        s += "[*]\n[*] \(comment.isEmpty ? "EqSpikeHW" : comment)\n[*]\n"
        let shown = Array(marks.prefix(GTKWaveSaveFile.namedMarkerCount))
        if marks.count > shown.count {
            s += "[*] \(marks.count) marks; GTKWave has \(GTKWaveSaveFile.namedMarkerCount) named markers (A-Z): "
            s += "the first \(shown.count) are set (up to clock \(shown.last!.clock)), the other \(marks.count - shown.count) left out\n"
        }
        s += "[dumpfile] \"\(dumpFile)\"\n"
        s += "[savefile] \"\(saveFile)\"\n"
        s += "[timestart] \(startTime)\n"
        s += "[size] \(options.windowWidth) \(options.windowHeight)\n"
        s += "[pos] -1 -1\n"
        s += "*" + GTKWaveSaveFile.fixed6(zoom) + " -1"
        for i in 0..<GTKWaveSaveFile.namedMarkerCount { s += " \(i < shown.count ? shown[i].clock * ticksPerClock : -1)" }
        s += "\n"
        for (i, m) in shown.enumerated() {
            s += "[markername] \(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(i))))\(m.name)\n"
        }
        var opened: [String] = []
        for g in groups {
            let top = g.name.split(separator: ".").first.map(String.init) ?? g.name
            if !opened.contains(top) { opened.append(top) }
        }
        for t in opened { s += "[treeopen] \(t).\n" }
        s += "[sst_width] \(options.sstWidth)\n"
        s += "[signals_width] \(options.signalsWidth)\n"
        s += "[sst_expanded] 1\n"
        s += "[sst_vpaned_height] 260\n"
        for g in groups {
            let begin: Flags = g.closed ? [.groupBegin, .blank, .closed] : [.groupBegin, .blank]
            let end: Flags = g.closed ? [.groupEnd, .blank, .closed, .collapsed] : [.groupEnd, .blank]
            s += "@\(begin.hexString)\n-\(g.name)\n"
            for t in g.traces {
                s += "@\(t.flags.hexString)\n"
                if t.flags.contains(.fixedPointShift) { s += "[fpshift_count] \(t.shift)\n" }
                s += "[color] \(t.color)\n"
                if t.filter > 0 { s += "^\(t.filter) \(filterFiles[t.filter - 1].path)\n" }
                s += t.name + "\n"
                if t.extraRows > 0 {
                    s += "@\(Flags.analogBlankStretch.hexString)\n"
                    s += String(repeating: "-\n", count: t.extraRows)
                }
            }
            s += "@\(end.hexString)\n-\(g.name)\n"
        }
        s += "[pattern_trace] 1\n[pattern_trace] 0\n"
        return s
    }

    public func write(to path: String) throws(WaveformError) {
        let out = try OutputBuffer(path: path, capacity: 1 << 16)
        out.put(render())
        try out.close()
        for f in filterFiles {
            let filter = try OutputBuffer(path: f.path, capacity: 1 << 12)
            filter.put(f.lines.map { $0 + "\n" }.joined())
            try filter.close()
        }
    }

    /// `%.6f` without Foundation formatting.
    public static func fixed6(_ x: Double) -> String {
        let negative = x < 0
        let scaled = Int((abs(x) * 1_000_000).rounded())
        let frac = String(scaled % 1_000_000)
        return (negative && scaled != 0 ? "-" : "") + String(scaled / 1_000_000) + "." + String(repeating: "0", count: 6 - frac.count) + frac
    }
}
