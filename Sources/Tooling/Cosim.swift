import Foundation
import CircuitIR
import Datasets
import EqSpike
import FixedPoint
import HDL
import RTL

/// Co-simulation: the design's RTL under an HDL simulator against the model, tick by tick.
///
/// The RTL (emitted from the chip as it stands, or the user's files laid over it) runs the whole
/// stimulus first, writing a trace (RTL/Testbench.swift); then the model presents the same images
/// exactly as `Chip.present` does (load, reset, clock until done) and each tick's trace line is
/// compared with the model, every observed signal and lane, and each memory at the end of each
/// image. The first difference stops the comparison and is reported with image, tick, block,
/// signal, lane, expected and actual.
public enum Cosim {
    public struct Mismatch: Sendable {
        public var image: Int, tick: Int
        public var instance: String, typeName: String, signal: String
        public var lane: Int
        public var expected: String, actual: String
        public var note: String

        public var description: String {
            let at = tick >= 0 ? "image \(image), tick \(tick)" : "image \(image), end of image"
            return "MISMATCH at \(at): block \(instance) (\(typeName)), signal \(signal), lane \(lane): expected \(expected), RTL has \(actual)\(note.isEmpty ? "" : " (\(note))")"
        }
    }

    public struct Report: Sendable {
        public var simulator: String
        public var images = 0, ticks = 0
        public var signals = 0, lanesPerTick = 0
        public var comparisons = 0, memoryWords = 0
        /// Images the model nudged, and of those the ones nudged with -beta (random sign).
        public var nudged = 0, nudgedNegative = 0
        public var rtlBuildSeconds = 0.0, rtlRunSeconds = 0.0, modelSeconds = 0.0
        /// System cycles per tick, as the model counts them and as the RTL took them.
        public var modelCycles = SystemCycleHistogram(), rtlCycles = SystemCycleHistogram()
        public var mismatch: Mismatch?
        public var directory = ""

        public var json: String {
            func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            var s = "{\"result\": \(q(mismatch == nil ? "match" : "mismatch")), \"simulator\": \(q(simulator)), \"images\": \(images), \"ticks\": \(ticks), "
            s += "\"signals\": \(signals), \"lanes_per_tick\": \(lanesPerTick), \"lane_comparisons\": \(comparisons), \"memory_words_compared\": \(memoryWords), \"nudged\": \(nudged), \"nudged_negative\": \(nudgedNegative), "
            s += "\"system_cycles_model\": {\"ticks\": \(modelCycles.ticks), \"total\": \(modelCycles.total), \"mean\": \(modelCycles.mean), \"max\": \(modelCycles.max)}, "
            s += "\"system_cycles_rtl\": {\"ticks\": \(rtlCycles.ticks), \"total\": \(rtlCycles.total), \"mean\": \(rtlCycles.mean), \"max\": \(rtlCycles.max)}, "
            s += "\"rtl_build_seconds\": \(rtlBuildSeconds), \"rtl_run_seconds\": \(rtlRunSeconds), \"model_seconds\": \(modelSeconds), \"directory\": \(q(directory))"
            if let m = mismatch {
                s += ", \"mismatch\": {\"image\": \(m.image), \"tick\": \(m.tick), \"block\": \(q(m.instance)), \"type\": \(q(m.typeName)), \"signal\": \(q(m.signal)), \"lane\": \(m.lane), \"expected\": \(q(m.expected)), \"actual\": \(q(m.actual))}"
            }
            return s + "}"
        }
    }

    public struct Failure: Error, CustomStringConvertible { public let description: String }

    /// Writes the RTL (then the files of `userRTL` over it), the test bench and the stimulus into
    /// `directory`, runs `simulator`, then the model, and compares.
    public static func run(chip: Chip, images: LabeledImages, count: Int, learn: Bool, simulator: HDLSimulator,
                           directory: String, userRTL: String?, vcd: String? = nil, signals traceSignals: Bool = true,
                           cOptimization: String? = nil) throws -> Report {
        let circuit = chip.design.circuit
        var report = Report(simulator: simulator.rawValue)
        report.directory = directory
        let n = min(count, images.count)
        guard n > 0 else { throw Failure(description: "no images to run") }
        // 1. RTL, test bench, stimulus.
        let rtl = try RTLDesign.emit(circuit: circuit, blocks: chip.design.blocks)
        try rtl.write(to: directory)
        var sources = rtl.sources
        if let u = userRTL {
            let fm = FileManager.default
            guard let names = try? fm.contentsOfDirectory(atPath: u) else { throw Failure(description: "--rtl \(u): not a readable directory") }
            for f in names where !f.hasPrefix(".") {
                let dst = "\(directory)/\(f)"
                try? fm.removeItem(atPath: dst)
                try fm.copyItem(atPath: "\(u)/\(f)", toPath: dst)
            }
            if let list = try? String(contentsOfFile: "\(u)/files.f", encoding: .utf8) {
                sources = list.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
            }
        }
        let maxTicks = chip.phase.tFree + chip.phase.tNudge + 4
        // Generous: twice the cycles of a tick that reads and updates every row and column.
        let maxCycles = 2 * chip.crossbars.reduce(1) { $0 + 3 * ($1.rows * (($1.cols + $1.portWords - 1) / $1.portWords) + $1.cols * (($1.rows + $1.portWords - 1) / $1.portWords)) + 2 }
        // Without the signal trace (`signals: false`) only the cycles and the memories are compared.
        let signals = traceSignals ? Observation.signals(circuit) : []
        try Data(Testbench.text(circuit: circuit, signals: signals, images: n, maxTicks: maxTicks, maxCyclesPerTick: maxCycles, vcd: vcd).utf8).write(to: URL(fileURLWithPath: "\(directory)/\(Testbench.name).v"))
        var pixels: [[UInt8]] = [], labels: [Int] = []
        for i in 0..<n { pixels.append(Array(images.image(i))); labels.append(Int(images.label(i))) }
        for (name, text) in Testbench.stimulus(pixels: pixels, labels: labels, train: learn, outputs: chip.outputs) {
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name)"))
        }
        // 2. The HDL simulator.
        do {
            report.rtlBuildSeconds = try simulator.build(in: directory, sources: ["\(Testbench.name).v"] + sources, top: Testbench.name,
                                                         trace: vcd != nil, cOptimization: cOptimization)
        } catch let e as HDLSimulator.Failure where userRTL != nil {
            // The usual cause with one's own RTL: a signal the test bench reads is named otherwise.
            throw Failure(description: "\(e)\n(the test bench reads every block output as eqspike_top.<instance>_<port>, every register as eqspike_top.<instance>.<port> and the memories as <instance>.weights / .values / .shadow, as the emitted README.md says: RTL given with --rtl must keep those names and this design's configuration)")
        }
        report.rtlRunSeconds = try simulator.run(in: directory)
        guard let trace = try? String(contentsOfFile: "\(directory)/\(Testbench.traceFile)", encoding: .utf8) else {
            throw Failure(description: "the RTL simulation wrote no \(Testbench.traceFile) in \(directory)")
        }
        var lines = trace.split(separator: "\n", omittingEmptySubsequences: true)[...]
        // 3. The model, compared as it goes.
        let memories = Observation.memories(circuit)
        report.signals = signals.count
        report.lanesPerTick = signals.reduce(0) { $0 + $1.lanes }
        let ports: [HDL.Port] = try signals.map { s throws -> HDL.Port in
            guard let p = chip.simulator.block(named: s.instance)?.port(named: s.port) else {
                throw Failure(description: "the model has no port \(s.name)")
            }
            return p
        }
        var before = [[Int32]](repeating: [], count: signals.count)
        var modelTime = 0.0
        imageLoop: for img in 0..<n {
            let t0 = Date()
            images.withImage(img) { chip.load(pixels: $0, label: labels[img], train: learn) }
            var mismatch: Mismatch? = nil
            var compareTime = 0.0
            let ticks = chip.runImage(beforeClock: { _ in
                for (i, s) in signals.enumerated() where !s.combinational { before[i] = ports[i].values }
            }, afterClock: { clocks in
                let c0 = Date()
                defer { compareTime += Date().timeIntervalSince(c0) }
                let tick = clocks - 1
                guard let line = lines.popFirst() else {
                    mismatch = Mismatch(image: img, tick: tick, instance: "-", typeName: "-", signal: "trace", lane: 0, expected: "a trace line", actual: "end of trace", note: "the RTL stopped early")
                    return false
                }
                let fields = line.split(separator: " ")
                guard fields.count == 4 + signals.count, fields[0] == "T", Int(fields[1]) == img, Int(fields[2]) == tick else {
                    let ph = chip.phase
                    mismatch = Mismatch(image: img, tick: tick, instance: ph.name, typeName: "phase_controller", signal: "ticks", lane: 0,
                                        expected: "tick \(tick) of image \(img)", actual: String(line.prefix(40)), note: "the RTL finished the image at another tick")
                    return false
                }
                // The tick's system cycles: the model's count from its spike lists against the RTL's.
                let cycles = chip.lastTickSystemCycles
                report.modelCycles.record(cycles)
                if let got = Int(fields[3]) { report.rtlCycles.record(got) }
                guard Int(fields[3]) == cycles else {
                    mismatch = Mismatch(image: img, tick: tick, instance: "eqspike_top", typeName: "tick controller", signal: "system cycles", lane: 0,
                                        expected: "\(cycles) (\(chip.crossbars.map { "\($0.name): read \($0.tickReadCycles), update \($0.tickUpdateCycles)" }.joined(separator: "; ")))",
                                        actual: String(fields[3]), note: "cycles of the tick, its commit cycle included")
                    return false
                }
                for (i, s) in signals.enumerated() {
                    let want = s.combinational ? ports[i].values : before[i]
                    if let (lane, got) = compare(want, hex: fields[4 + i], s) {
                        mismatch = Mismatch(image: img, tick: tick, instance: s.instance, typeName: s.typeName, signal: s.name, lane: lane,
                                            expected: show(want[lane], s.format), actual: got, note: s.combinational ? "combinational, within the tick" : "register, during the tick")
                        return false
                    }
                    report.comparisons += s.lanes
                }
                report.ticks += 1
                return true
            })
            modelTime += Date().timeIntervalSince(t0) - compareTime
            if let m = mismatch { report.mismatch = m; break imageLoop }
            // End of image: the RTL's tick count, then every memory word.
            guard let end = lines.popFirst(), end.hasPrefix("E ") else {
                report.mismatch = Mismatch(image: img, tick: ticks, instance: chip.phase.name, typeName: "phase_controller", signal: "done", lane: 0,
                                           expected: "done after \(ticks) ticks", actual: "not done", note: "the RTL ran more ticks")
                break
            }
            for m in memories {
                guard let line = lines.popFirst() else { break }
                let f = line.split(separator: " ")
                let want = chip.simulator.block(named: m.instance)?.persistentState.first { $0.name == m.entry }?.values ?? []
                guard f.count == 3 + m.words, f[0] == "M", String(f[2]) == "\(m.instance).\(m.entry)", want.count == m.words else {
                    report.mismatch = Mismatch(image: img, tick: -1, instance: m.instance, typeName: "memory", signal: "\(m.instance).\(m.entry)", lane: 0,
                                               expected: "\(m.words) words", actual: String(line.prefix(40)), note: "")
                    break
                }
                let sig = ObservedSignal(instance: m.instance, typeName: "memory", port: m.entry, lanes: 1, format: m.format, combinational: false, path: "")
                for k in 0..<m.words {
                    if let (_, got) = compare([want[k]], hex: f[3 + k], sig) {
                        let cols = chip.simulator.block(named: m.instance).flatMap { b in (b.port(named: "col_current")?.lanes) } ?? m.words
                        report.mismatch = Mismatch(image: img, tick: -1, instance: m.instance, typeName: "memory", signal: "\(m.instance).\(m.entry)", lane: k,
                                                   expected: show(want[k], m.format), actual: got, note: "word \(k) = row \(k / cols), col \(k % cols)")
                        break
                    }
                }
                if report.mismatch != nil { break }
                report.memoryWords += m.words
            }
            if report.mismatch != nil { break }
            report.images += 1
            if chip.phase.nudgedThisImage {
                // The sign register holds through the nudge phase and the clock that ends it.
                report.nudged += 1
                if chip.nudge.negative.value(0) != 0 { report.nudgedNegative += 1 }
            }
        }
        report.modelSeconds = modelTime
        return report
    }

    /// The first lane where the RTL's hex value differs from the model's raw lanes: (lane, actual).
    /// The hex string is decoded once into 64-bit words (and a mask of x/z digits), then each
    /// lane is two shifts: a 784-lane design writes megabytes of hex per image.
    static func compare(_ want: [Int32], hex: Substring, _ s: ObservedSignal) -> (Int, String)? {
        let w = s.format.width
        let digits = hex.utf8
        let n = (digits.count + 15) / 16 + 1
        var bits = [UInt64](repeating: 0, count: n), unknown = [UInt64](repeating: 0, count: n)
        var i = 0
        for d in digits.reversed() {
            let nib: UInt64
            switch d {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nib = UInt64(d - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nib = UInt64(d - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nib = UInt64(d - UInt8(ascii: "A") + 10)
            default: nib = 0; unknown[i / 16] |= 0xF << UInt64((i % 16) * 4)
            }
            bits[i / 16] |= nib << UInt64((i % 16) * 4)
            i += 1
        }
        let mask: UInt64 = w >= 64 ? .max : (UInt64(1) << UInt64(w)) - 1
        func field(_ a: [UInt64], _ offset: Int) -> UInt64 {
            let q = offset / 64, r = offset % 64
            guard q < a.count else { return 0 }
            var v = a[q] >> UInt64(r)
            if r != 0 && r + w > 64 && q + 1 < a.count { v |= a[q + 1] << UInt64(64 - r) }
            return v & mask
        }
        for lane in 0..<s.lanes {
            let o = lane * w
            if field(unknown, o) != 0 { return (lane, "x (unknown bits)") }
            let v = field(bits, o)
            if v != UInt64(UInt32(bitPattern: want[lane])) & mask { return (lane, show(v, s.format)) }
        }
        return nil
    }

    static func show(_ raw: Int32, _ f: QFormat) -> String { show(UInt64(UInt32(bitPattern: raw)), f) }

    /// `raw r (real x)` in the format's reading of the bits.
    static func show(_ bits: UInt64, _ f: QFormat) -> String {
        let w = f.width
        let mask: UInt64 = w >= 64 ? .max : (UInt64(1) << UInt64(w)) - 1
        var v = Int64(bitPattern: bits & mask)
        if f.isSigned && w < 64 && (v >> Int64(w - 1)) & 1 == 1 { v -= Int64(1) << Int64(w) }
        return "raw \(v) (\(f.toDouble(v)) in \(f))"
    }
}
