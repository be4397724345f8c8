import Foundation
import FixedPoint
import HDL
import CircuitIR

/// Writes a Value Change Dump (IEEE 1364-2005 section 18, four-state values not used) of
/// selected signals while a `Simulator` runs, plus a GTKWave save file (`.gtkw`) beside it.
///
/// ```swift
/// let sim = try Simulator(blocks: blocks, connections: wires)
/// let vcd = try VCDWriter(path: "waveforms/run.vcd", clockPeriodSeconds: 1e-5)   // 100 kHz
/// try vcd.addSignals(from: sim, patterns: ["*.spike", "hidden.u[0:7]"], scope: "fixed")
/// vcd.window = 0...199                     // clocks to dump (optional)
/// sim.attach(vcd)
/// sim.run(1000)
/// try vcd.finish()                         // flushes, closes, writes waveforms/run.gtkw
/// ```
///
/// File layout: `$date`, `$version`, `$comment` (clock and sampling), `$timescale` (see
/// `VCDTimescale`), one `$scope module` per block instance (nested for dotted instance names and
/// under the optional top scope), one `$var` per probed lane (`VCDVariable` documents names and
/// types), `$enddefinitions`, then `#t` + `$dumpvars` with every value at the first dumped clock,
/// then a `#t` only for clocks where something changed, followed by the changed values only.
/// Integer values are the raw two's-complement bits at the format's width (`b11111110 !` is -2 in
/// an 8-bit format), leading zeros dropped as the standard allows (the reader zero-extends);
/// single bits are `0!`/`1!`; reals are `r<shortest round-trip decimal> !`. After the last dumped
/// clock `c` the writer adds `#(c+1)*ticks`, so the last clock has its full width in a viewer.
///
/// Timing: the writer is a `ClockObserver`; `sample(cycle:)` runs after every block evaluated and
/// before the clock edge, so a variable at time `c * ticksPerClock` shows the settled value during
/// clock `c`: a register's current value, a combinational output computed from it.
///
/// Clocks: the writer counts clocks from the simulator's `cycle`. If the simulator is reset while
/// attached (its cycle restarts at 0), the writer keeps counting from its last clock so the file's
/// time stays increasing; `window` refers to this count (equal to `cycle` until a reset).
///
/// Cost: per clock, one comparison per dumped variable against its previous value (flat arrays
/// built once), and for a change a few bytes appended to a 1 MiB buffer written with one `fwrite`
/// when full. Identifier codes are precomputed; no allocation per clock. Lanes that alias the same
/// storage (an input wired straight to an output) share one identifier and are compared once.
public final class VCDWriter: ClockObserver {
    public let path: String
    public let timescale: VCDTimescale
    public let clockPeriodSeconds: Double
    public let version: String
    /// The `$date` text (inject a fixed string for reproducible files).
    public let date: String
    /// Clocks to dump, inclusive; nil dumps every clock. Set before the first sample.
    public var window: ClosedRange<Int>? {
        willSet { precondition(!headerWritten, "set the window before the first sample") }
    }
    /// How the header's comment states the window, when `describe(window:)` would not say it
    /// exactly (one image of a run, whose last clock is known only when it ends).
    public var windowNote: String? = nil
    /// Options of the `.gtkw` written by `finish()`; nil writes none.
    public var saveFileOptions: GTKWaveSaveFile.Options? = GTKWaveSaveFile.Options()
    /// Where `finish()` writes the save file: the VCD path with `.gtkw` for `.vcd`.
    public var saveFilePath: String
    /// The dump file the save file names, when it is not `path` (an FST made from this VCD).
    public var dumpFileForSaveFile: String? = nil
    /// Named moments of the run (image starts, phase changes) for the save file's markers, in the
    /// writer's clocks. Added by `mark(clock:name:)` and, for the signals of `markChanges`, by the
    /// writer itself.
    public private(set) var marks: [GTKWaveSaveFile.Mark] = []
    /// Value names given by the writer's user, over those of the signals (`nameValues`).
    private var valueNameOverrides: [(patterns: [SignalPattern], names: [Int32: String])] = []
    /// Lanes watched by `markChanges(of:)`: where, how wide, value names, value at the last clock.
    private var watched: [(pointer: UnsafeMutablePointer<Int32>, format: QFormat, names: [Int32: String], label: String, last: Int32?)] = []

    /// The declared variables, in file order (identifiers are final once the header is written).
    public private(set) var variables: [VCDVariable] = []
    /// First and last dumped clock, once something was dumped.
    public private(set) var firstDumpedClock: Int?
    public private(set) var lastDumpedClock: Int?
    /// Value-change records written (every variable counts once in `$dumpvars`).
    public private(set) var changesWritten = 0
    /// Bytes of VCD produced so far.
    public var bytesWritten: Int { out?.total ?? finalBytes }

    private var out: OutputBuffer?
    private var finalBytes = 0
    private var headerWritten = false
    private var finished = false
    private var lastClock = -1
    private var clockOffset = 0

    // Declared before the header: variable description + storage + alias key.
    private var pending: [(variable: VCDVariable, source: Source)] = []
    private var declaredNames: [String: Source] = [:]
    private enum Source: Hashable {
        case int(UnsafeMutablePointer<Int32>, width: Int)
        case real(UnsafeMutablePointer<Double>)
    }

    // Hot arrays, built when the header is written. One slot per distinct storage.
    private struct IntSlot {
        var source: UnsafeMutablePointer<Int32>
        var mask: UInt32
        var width: Int32
        var id: Int32       // offset into idBytes
        var idCount: Int32
    }
    private struct RealSlot {
        var source: UnsafeMutablePointer<Double>
        var id: Int32
        var idCount: Int32
    }
    private var intSlots = UnsafeMutableBufferPointer<IntSlot>(start: nil, count: 0)
    private var intPrevious = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
    private var realSlots = UnsafeMutableBufferPointer<RealSlot>(start: nil, count: 0)
    private var realPrevious = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
    private var idBytes = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    private var maxIdCount = 1

    /// Opens `path` for writing (truncating it).
    /// - Parameters:
    ///   - clockPeriodSeconds: the design's clock period, e.g. 1e-5 for 100 kHz (sets `$timescale`).
    ///   - version: the `$version` text.
    ///   - date: the `$date` text; nil writes the current date and time.
    ///   - bufferBytes: size of the output chunks handed to `fwrite`.
    public init(path: String, clockPeriodSeconds: Double, version: String = "EqSpikeHW VCDWriter",
                date: String? = nil, bufferBytes: Int = 1 << 20) throws(WaveformError) {
        self.path = path
        self.clockPeriodSeconds = clockPeriodSeconds
        timescale = try VCDTimescale(clockPeriodSeconds: clockPeriodSeconds)
        self.version = version
        self.date = date ?? VCDWriter.now()
        saveFilePath = VCDWriter.defaultSaveFilePath(for: path)
        // A device or FIFO would take the VCD but not the `.gtkw` beside it (/dev/null.gtkw).
        var info = stat()
        if stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFREG && info.st_mode & S_IFMT != S_IFDIR {
            throw .io(path, "not a regular file (a VCD and the .gtkw save file beside it must be files)")
        }
        out = try OutputBuffer(path: path, capacity: bufferBytes)
    }

    deinit {
        if !finished { try? finish() }
        intSlots.deallocate()
        intPrevious.deallocate()
        realSlots.deallocate()
        realPrevious.deallocate()
        idBytes.deallocate()
    }

    // MARK: Choosing signals

    /// Adds the design's signals selected by `patterns` (see `SignalPattern`), in netlist order.
    /// Call after the `Simulator` is built (inputs then point at their drivers).
    /// - Parameter scope: an optional top scope above the block instances (`fixed`, `float`).
    /// - Returns: the number of variables added.
    @discardableResult
    public func addSignals(from simulator: Simulator, patterns: [String] = ["*"], scope: String? = nil) throws(WaveformError) -> Int {
        try addSignals(IntegerSignal.all(of: simulator.blocks), patterns: patterns, scope: scope)
    }

    /// Adds fixed-point signals selected by `patterns` (matched against `instance.name`).
    @discardableResult
    public func addSignals(_ signals: [IntegerSignal], patterns: [String] = ["*"], scope: String? = nil) throws(WaveformError) -> Int {
        try checkOpen()
        let lanes = try select(signals.map { SelectableSignal(instance: $0.instance, port: $0.name, lanes: $0.lanes, quiet: $0.isQuiet) },
                               patterns: patterns)
        var added = 0
        for (s, chosen) in zip(signals, lanes) {
            for lane in chosen {
                var v = VCDVariable(scope: VCDWriter.scopePath(scope, s.instance), port: s.name,
                                    lane: s.lanes > 1 ? lane : nil, kind: .fixed(s.format),
                                    varType: s.isRegister ? "reg" : "wire", identifier: "", valueNames: s.valueNames)
                v.isInput = s.isInput
                try declare(v, .int(s.pointer + lane, width: s.format.width))
                added += 1
            }
        }
        return added
    }

    /// Adds Double signals (a float golden model) selected by `patterns`, as VCD `real`s.
    @discardableResult
    public func addRealSignals(_ signals: [RealSignal], patterns: [String] = ["*"], scope: String? = nil) throws(WaveformError) -> Int {
        try checkOpen()
        let lanes = try select(signals.map { SelectableSignal(instance: $0.instance, port: $0.name, lanes: $0.lanes, quiet: false) },
                               patterns: patterns)
        var added = 0
        for (s, chosen) in zip(signals, lanes) {
            for lane in chosen {
                let v = VCDVariable(scope: VCDWriter.scopePath(scope, s.instance), port: s.name,
                                    lane: s.lanes > 1 ? lane : nil, kind: .real, varType: "real", identifier: "")
                try declare(v, .real(s.pointer + lane))
                added += 1
            }
        }
        return added
    }

    /// Adds every lane of one Double signal: `scope` is its instance path (`float.hidden`).
    @discardableResult
    public func addRealSignal(scope: String, name: String, lanes: Int, pointer: UnsafeMutablePointer<Double>) throws(WaveformError) -> Int {
        try addRealSignals([RealSignal(instance: scope, name: name, lanes: lanes, pointer: pointer)])
    }

    /// Names particular raw values of the dumped variables matched by `patterns` (e.g. a state
    /// machine's states), over any names their block type declares. Call before the first sample.
    public func nameValues(_ names: [Int32: String], of patterns: [String]) throws(WaveformError) {
        try checkOpen()
        valueNameOverrides.append((try SignalPattern.parse(patterns), names))
    }

    /// Marks every change of one lane's value from one clock to the next, whether the lane is
    /// dumped or not (the phase controller's `phase`), naming the mark after the new value: its
    /// value name if it has one (`nudge`, `done`), else `name=value`. Call before the first sample.
    public func markChanges(of signal: IntegerSignal, lane: Int = 0) {
        precondition((0..<signal.lanes).contains(lane), "lane \(lane) of \(signal.instance).\(signal.name)")
        precondition(!headerWritten, "call markChanges before the first sample")
        watched.append((signal.pointer + lane, signal.format, signal.valueNames, "\(signal.instance).\(signal.name)", nil))
    }

    /// Adds a named mark at `clock` (in the writer's clocks, the simulator's cycle count across
    /// resets): the save file puts a GTKWave marker there if the clock was dumped.
    public func mark(clock: Int, name: String) {
        marks.append(GTKWaveSaveFile.Mark(clock: clock, name: name))
    }

    private func select(_ signals: [SelectableSignal], patterns: [String]) throws(WaveformError) -> [[Int]] {
        var known: [String] = []
        for s in signals where known.last != s.instance && !known.contains(s.instance) { known.append(s.instance) }
        return try Selection.resolve(SignalPattern.parse(patterns), over: signals, knownNames: known)
    }

    private func checkOpen() throws(WaveformError) {
        if headerWritten || finished { throw .state("signals must be added before the first sample (the VCD header is written then)") }
    }

    private func declare(_ v: VCDVariable, _ source: Source) throws(WaveformError) {
        // The same lane selected twice (two patterns, two calls) is declared once.
        if let known = declaredNames[v.fullName] {
            guard known == source else {
                // Lane 3 of `u` is spelt `u_3`: a port really named `u_3` beside it would get the
                // same name, and a viewer would show one of the two under it without a word.
                throw .state("two different signals would both be named \(v.fullName) in the VCD (lane \(v.lane.map(String.init) ?? "-") of \(v.port), and a signal of that name); rename one")
            }
            return
        }
        declaredNames[v.fullName] = source
        pending.append((v, source))
    }

    static func scopePath(_ top: String?, _ instance: String) -> [String] {
        var path: [String] = []
        if let top, !top.isEmpty { path += top.split(separator: ".").map(String.init) }
        path += instance.split(separator: ".").map(String.init)
        return path.isEmpty ? ["top"] : path.map { $0.map { $0.isWhitespace ? "_" : $0 }.reduce(into: "") { $0.append($1) } }
    }

    // MARK: Sampling

    public func sample(cycle: Int) {
        var clock = cycle &+ clockOffset
        if clock <= lastClock {          // the simulator was reset: keep time increasing
            clockOffset &+= lastClock + 1 - clock
            clock = lastClock + 1
        }
        lastClock = clock
        if !watched.isEmpty { markWatchedChanges(clock: clock) }
        if let w = window, !w.contains(clock) { return }
        guard let out, !finished else { return }
        if !headerWritten { writeHeader() }
        if firstDumpedClock == nil {
            firstDumpedClock = clock
            lastDumpedClock = clock
            writeDumpvars(clock: clock, out)
            return
        }
        lastDumpedClock = clock
        let time = clock &* timescale.ticksPerClock
        var stamped = false
        var changes = 0
        let ids = idBytes.baseAddress!
        for i in 0..<intSlots.count {
            let s = intSlots[i]
            let v = UInt32(bitPattern: s.source.pointee) & s.mask
            if v == intPrevious[i] { continue }
            intPrevious[i] = v
            if !stamped { stamped = true; writeTime(time, out) }
            writeInt(v, s, ids, out)
            changes &+= 1
        }
        for i in 0..<realSlots.count {
            let s = realSlots[i]
            let d = s.source.pointee
            if d.bitPattern == realPrevious[i] { continue }
            realPrevious[i] = d.bitPattern
            if !stamped { stamped = true; writeTime(time, out) }
            writeReal(d, s, ids, out)
            changes &+= 1
        }
        changesWritten &+= changes
    }

    private func markWatchedChanges(clock: Int) {
        for i in watched.indices {
            let now = watched[i].pointer.pointee
            defer { watched[i].last = now }
            guard let last = watched[i].last, last != now else { continue }
            let w = watched[i]
            mark(clock: clock, name: w.names[now] ?? "\(w.label)=\(w.format.toDouble(Int64(now)))")
        }
    }

    @inline(__always)
    private func writeTime(_ time: Int, _ out: OutputBuffer) {
        out.reserve(24)
        out.put(UInt8(ascii: "#"))
        out.putDecimal(time)
        out.put(UInt8(ascii: "\n"))
    }

    /// Eight ASCII '0'/'1' characters per byte value, most significant bit first, as one UInt64
    /// in memory order: the vector bits are written eight at a time.
    private static let bitChars: [UInt64] = (0..<256).map { b in
        var word: UInt64 = 0
        for k in 0..<8 { word |= UInt64(48 + ((b >> (7 - k)) & 1)) << (8 * k) }
        return UInt64(littleEndian: word)
    }

    @inline(__always)
    private func writeInt(_ v: UInt32, _ s: IntSlot, _ ids: UnsafeMutablePointer<UInt8>, _ out: OutputBuffer) {
        out.reserve(40 + maxIdCount)
        var p = out.cursor
        if s.width == 1 {
            p.pointee = UInt8(truncatingIfNeeded: 48 &+ v)
            p += 1
        } else {
            p.pointee = UInt8(ascii: "b")
            p += 1
            var n = 32 &- v.leadingZeroBitCount          // significant bits; leading zeros dropped
            if n == 0 {
                p.pointee = 48
                p += 1
            } else {
                while n & 7 != 0 {                        // the partial top byte, bit by bit
                    n &-= 1
                    p.pointee = UInt8(truncatingIfNeeded: 48 &+ ((v &>> UInt32(n)) & 1))
                    p += 1
                }
                VCDWriter.bitChars.withUnsafeBufferPointer { table in
                    while n > 0 {                         // then whole bytes, eight characters at once
                        n &-= 8
                        UnsafeMutableRawPointer(p).storeBytes(of: table[Int((v &>> UInt32(n)) & 0xFF)], as: UInt64.self)
                        p += 8
                    }
                }
            }
            p.pointee = UInt8(ascii: " ")
            p += 1
        }
        let id = ids + Int(s.id)
        for j in 0..<Int(s.idCount) { p[j] = id[j] }
        p += Int(s.idCount)
        p.pointee = UInt8(ascii: "\n")
        out.advance(to: p + 1)
    }

    @inline(__always)
    private func writeReal(_ d: Double, _ s: RealSlot, _ ids: UnsafeMutablePointer<UInt8>, _ out: OutputBuffer) {
        out.reserve(8)
        out.put(UInt8(ascii: "r"))
        var stream = out
        d.write(to: &stream)           // shortest round-trip digits, via _writeASCII: no String
        out.reserve(2 + maxIdCount)
        out.put(UInt8(ascii: " "))
        for j in 0..<Int(s.idCount) { out.put(ids[Int(s.id) &+ j]) }
        out.put(UInt8(ascii: "\n"))
    }

    private func writeDumpvars(clock: Int, _ out: OutputBuffer) {
        writeTime(clock * timescale.ticksPerClock, out)
        out.put("$dumpvars\n")
        let ids = idBytes.baseAddress!
        for i in 0..<intSlots.count {
            let v = UInt32(bitPattern: intSlots[i].source.pointee) & intSlots[i].mask
            intPrevious[i] = v
            writeInt(v, intSlots[i], ids, out)
        }
        for i in 0..<realSlots.count {
            let d = realSlots[i].source.pointee
            realPrevious[i] = d.bitPattern
            writeReal(d, realSlots[i], ids, out)
        }
        out.put("$end\n")
        changesWritten += intSlots.count + realSlots.count
    }

    // MARK: Header

    /// Scope tree in first-appearance order; variables of a scope before its child scopes.
    private final class ScopeNode {
        let name: String
        var variables: [Int] = []          // indices into pending
        var children: [ScopeNode] = []
        init(_ name: String) { self.name = name }
        func child(_ n: String) -> ScopeNode {
            if let c = children.first(where: { $0.name == n }) { return c }
            let c = ScopeNode(n)
            children.append(c)
            return c
        }
    }

    private func writeHeader() {
        guard let out else { return }
        headerWritten = true
        let root = ScopeNode("")
        for (i, p) in pending.enumerated() {
            var node = root
            for s in p.variable.scope { node = node.child(s) }
            node.variables.append(i)
        }
        // File order, identifiers in that order; aliases reuse their storage's identifier.
        var order: [Int] = []
        func walk(_ n: ScopeNode) {
            order += n.variables
            n.children.forEach(walk)
        }
        walk(root)
        var slotOf: [Source: (isReal: Bool, slot: Int, id: [UInt8])] = [:]
        var ints: [IntSlot] = [], reals: [RealSlot] = [], ids: [UInt8] = []
        var idOf = Array(repeating: [UInt8](), count: pending.count)
        var nextId = 0
        for i in order {
            let source = pending[i].source
            if let known = slotOf[source] {
                idOf[i] = known.id
                continue
            }
            let code = VCDIdentifier.code(nextId)
            nextId += 1
            idOf[i] = code
            maxIdCount = max(maxIdCount, code.count)
            switch source {
            case .int(let pointer, let width):
                slotOf[source] = (false, ints.count, code)
                ints.append(IntSlot(source: pointer, mask: width >= 32 ? .max : (UInt32(1) << UInt32(width)) - 1,
                                    width: Int32(width), id: Int32(ids.count), idCount: Int32(code.count)))
            case .real(let pointer):
                slotOf[source] = (true, reals.count, code)
                reals.append(RealSlot(source: pointer, id: Int32(ids.count), idCount: Int32(code.count)))
            }
            ids += code
        }
        intSlots = .allocate(capacity: ints.count)
        _ = intSlots.initialize(from: ints)
        intPrevious = .allocate(capacity: ints.count)
        intPrevious.initialize(repeating: 0)
        realSlots = .allocate(capacity: reals.count)
        _ = realSlots.initialize(from: reals)
        realPrevious = .allocate(capacity: reals.count)
        realPrevious.initialize(repeating: 0)
        idBytes = .allocate(capacity: max(ids.count, 1))
        _ = idBytes.initialize(from: ids)
        variables = order.map {
            var v = pending[$0].variable
            v.identifier = String(decoding: idOf[$0], as: UTF8.self)
            for o in valueNameOverrides where GTKWaveSaveFile.filter([v], o.patterns).count == 1 { v.valueNames = o.names }
            return v
        }

        out.put("$date\n\t\(date)\n$end\n")
        out.put("$version\n\t\(version)\n$end\n")
        var comment = "clock period \(Clock.engineering(clockPeriodSeconds, "s")) = \(timescale.ticksPerClock) x \(timescale.unit)"
        if !timescale.isExact { comment += " (rounded)" }
        comment += "; values sampled on the settled state just before each clock edge"
        if let note = windowNote { comment += "; " + note } else if let w = window { comment += "; " + VCDWriter.describe(window: w) }
        out.put("$comment\n\t\(comment)\n$end\n")
        out.put("$timescale \(timescale.unit) $end\n")
        var k = 0
        func emit(_ n: ScopeNode) {
            out.put("$scope module \(n.name) $end\n")
            for _ in n.variables {
                let v = variables[k]
                k += 1
                out.put("$var \(v.varType) \(v.width) \(v.identifier) \(v.reference) $end\n")
            }
            n.children.forEach(emit)
            out.put("$upscope $end\n")
        }
        // Variables of the (empty) root scope cannot occur: every path has at least one name.
        root.children.forEach(emit)
        out.put("$enddefinitions $end\n")
        pending.removeAll()
        declaredNames.removeAll()
    }

    // MARK: Finishing

    /// Writes the closing timestamp, flushes and closes the VCD, then writes the `.gtkw` (unless
    /// `saveFileOptions` is nil). Idempotent; samples after it are ignored.
    public func finish() throws(WaveformError) {
        guard !finished else { return }
        finished = true
        guard let out else { return }
        if let w = window, firstDumpedClock == nil {
            // GTKWave refuses a VCD without a single time step: say what the run covered instead.
            out.discard()
            self.out = nil
            throw .emptyWindow(w, lastClock: lastClock, path: path)
        }
        if !headerWritten { writeHeader() }
        if let last = lastDumpedClock { writeTime((last + 1) * timescale.ticksPerClock, out) }
        finalBytes = out.total
        self.out = nil
        try out.close()
        if let options = saveFileOptions {
            try saveFile(options: options).write(to: saveFilePath)
        }
    }

    /// Closes and removes the VCD, writing no save file: for a dump that failed before it was
    /// complete (a bad pattern, an interrupted run), which should leave no broken file behind.
    public func abandon() {
        guard !finished else { return }
        finished = true
        out?.discard()
        out = nil
    }

    /// The GTKWave save file for this dump (complete once the header is written).
    public func saveFile(options: GTKWaveSaveFile.Options = .init()) throws(WaveformError) -> GTKWaveSaveFile {
        let first = firstDumpedClock ?? window?.lowerBound ?? 0
        let last = lastDumpedClock ?? first
        return try GTKWaveSaveFile(dumpFile: VCDWriter.absolute(dumpFileForSaveFile ?? path), saveFile: VCDWriter.absolute(saveFilePath),
                               variables: variables, timescale: timescale,
                               firstClock: first, lastClock: last, comment: "\(version), \(date)", marks: marks, options: options)
    }

    /// A dump window in words; an open end (`Int.max`, "no --to") is "to the end of the run", never
    /// the number 9223372036854775807, since the last clock is not known when the header is written.
    public static func describe(window w: ClosedRange<Int>) -> String {
        w.upperBound == Int.max ? "clocks \(w.lowerBound) to the end of the run" : "clocks \(w.lowerBound) to \(w.upperBound) (inclusive)"
    }

    static func defaultSaveFilePath(for path: String) -> String {
        path.hasSuffix(".vcd") ? String(path.dropLast(4)) + ".gtkw" : path + ".gtkw"
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func now() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "EEE MMM d HH:mm:ss yyyy"
        return f.string(from: Date())
    }
}
