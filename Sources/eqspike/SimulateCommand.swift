import Foundation
import EqSpike
import Netlist
import Waveform
import FixedPoint

/// `eqspike simulate`: run images through the chip and dump a VCD plus a GTKWave save file.
enum SimulateCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["data", "weights", "images", "image", "vcd", "signals", "from", "to", "set", "seed"],
                            booleans: ["learn", "json"])
        let path = try o.positional("netlist file")
        guard let vcd = o.string("vcd") else { throw CLIError.usage("simulate needs --vcd FILE") }
        let target = try DumpTarget(vcd)   // a name it cannot write is refused before any work
        let images = try o.int("images", range: 1...1_000_000) ?? 1
        let chip = try Setup.chip(path, overrides: o.all("set"))
        if let w = o.string("weights") {
            try Setup.loadWeights(w, into: chip)
        } else {
            let seed = try o.int("seed", range: 0...Int(Int32.max)).map(UInt64.init) ?? chip.settings.seed
            try chip.initialiseMemories(seed: seed)
        }
        let data = try Setup.data(o.string("data"), for: chip)
        let patterns: [String]
        if let s = o.string("signals") {
            patterns = splitPatterns(s)
        } else if !chip.design.probes.isEmpty {
            patterns = chip.design.probes.map { p in "\(p.port.owner.name).\(p.port.name)[\(p.lanes.lowerBound):\(p.lanes.upperBound - 1)]" }
        } else {
            patterns = ["*"]
        }
        let from = try o.int("from", range: 0...Int.max)
        let to = try o.int("to", range: 0...Int.max)
        if let f = from, let t = to, t < f { throw CLIError.usage("--to (\(t)) is before --from (\(f))") }
        // --image K: dump image K only (0-based), wherever it falls in the run.
        let onlyImage = try o.int("image", range: 0...1_000_000)
        if onlyImage != nil && (from != nil || to != nil) { throw CLIError.usage("--image picks the clocks itself: give it or --from/--to, not both") }
        if let k = onlyImage, k >= images { throw CLIError.usage("--image \(k) is not among the \(images) image(s) run (--images \(images); images count from 0)") }
        try OutputFiles.parentDirectory(of: vcd)
        let writer = try VCDWriter(path: target.vcdPath, clockPeriodSeconds: chip.design.clock.periodSeconds,
                                   version: "eqspike \(version): \(RunRecord.commandLine())")
        target.configure(writer)
        // What the save file shows first: controller, output, nudge, hidden, input (DefaultView).
        writer.saveFileOptions = writer.saveFileOptions.map {
            var v = DefaultView.options(for: chip, base: $0)
            v.groupOrder = ["tb"] + v.groupOrder   // the image counter above the controller
            return v
        }
        // `--vcd -` puts the VCD on stdout: the run summary then goes to stderr.
        let toStdout = target.format == .standardOutput
        let json = o.flag("json")
        if toStdout && json { throw CLIError.usage("--json and --vcd - both want standard output: give --vcd a file") }
        func say(_ line: String) {
            if toStdout || json { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { print(line) }
        }
        // The test bench's image counter, `tb.image`: which image of the run a clock belongs to
        // (a host-side register, like the pixels it loads). It is in every dump, whatever
        // --signals selects: one signal, and the one that says where each image starts.
        let imageCounter = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        imageCounter.initialize(to: 0)
        defer { imageCounter.deallocate() }
        let added: Int
        do {
            added = try writer.addSignals(from: chip.simulator, patterns: patterns)
                + writer.addSignals([IntegerSignal(instance: "tb", name: "image", format: QFormat(signed: false, intBits: 20, fracBits: 0),
                                                   lanes: 1, pointer: imageCounter, isRegister: true)])
        } catch {
            writer.abandon()   // no header-only VCD left behind by a bad pattern
            target.abandon()
            throw error
        }
        // Markers in the save file: every image start (below) and every change of the phase
        // controller's phase (named free / nudge / done), whether ctrl.phase is dumped or not.
        writer.markChanges(of: IntegerSignal(chip.phase.phase))
        if from != nil || to != nil { writer.window = (from ?? 0)...(to ?? Int.max) }
        // Image K's first clock is known when image K starts: nothing is dumped before it.
        if onlyImage != nil { writer.window = Int.max...Int.max }
        chip.simulator.attach(writer)
        let learn = o.flag("learn")
        var correct = 0
        var results: [[String: Any]] = []
        var startClock = 0
        let n = min(images, data.test.count)
        for i in 0..<n {
            if let k = onlyImage, i == k {
                writer.window = startClock...Int.max
                writer.windowNote = "image \(k) only: from clock \(startClock) to the image's last clock"
            }
            writer.mark(clock: startClock, name: "image \(i)")
            imageCounter.pointee = Int32(clamping: i)
            let r = data.test.withImage(i) { chip.present(pixels: $0, label: Int(data.test.labels[i]), train: learn) }
            if r.correct { correct += 1 }
            results.append(["image": i, "label": r.label, "prediction": r.prediction, "counts": r.counts,
                            "first_spike_class": r.firstSpikeClass, "first_spike_clock": r.firstSpikeClock,
                            "nudged": r.nudged, "clocks": r.clocks, "start_clock": startClock, "system_cycles": r.systemCycles])
            say("image \(i) (clocks \(startClock)-\(startClock + r.clocks - 1)): label \(r.label) predicted \(r.prediction) counts \(r.counts) first spike \(r.firstSpikeClass)@\(r.firstSpikeClock)\(r.nudged ? " nudged" : ""), \(r.systemCycles) system cycles")
            startClock += r.clocks
            if let k = onlyImage, i == k { chip.simulator.detach(writer) }   // image K is complete
        }
        if onlyImage == nil { chip.simulator.detach(writer) }
        do {
            try writer.finish()
            try target.complete()
        } catch {
            target.abandon()
            throw error
        }
        let bytes = target.format == .fst ? ((try? FileManager.default.attributesOfItem(atPath: vcd)[.size] as? Int) ?? 0) : writer.bytesWritten
        say("\(added) signals, \(bytes) bytes\(target.format == .fst ? " (FST; \(writer.bytesWritten) as VCD)" : ""): \(toStdout ? "standard output" : vcd)")
        if let first = writer.firstDumpedClock, let last = writer.lastDumpedClock, writer.window != nil {
            say("dumped clocks \(first) to \(last) (inclusive, counted across the whole run)")
        }
        say("system cycles: \(chip.systemCycles.summary()) (SRAM ports: \(chip.portWordsDescription))")
        if let save = target.saveFilePath { say("GTKWave save file: \(save)   open with: gtkwave \(vcd) \(save)") }
        if json {
            let obj: [String: Any] = [
                "netlist": path, "vcd": vcd, "format": target.format.rawValue, "save_file": target.saveFilePath ?? NSNull(),
                "signals": added, "bytes": bytes,
                "images": results, "correct": correct, "learn": learn,
                "system_cycles_per_tick": chip.systemCycles.jsonObject, "port_words": chip.portWords,
                "first_dumped_clock": writer.firstDumpedClock ?? NSNull(), "last_dumped_clock": writer.lastDumpedClock ?? NSNull(),
            ]
            let d = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: d, as: UTF8.self))
        }
    }

    /// Splits a comma-separated pattern list, keeping commas inside [...] and {...}.
    static func splitPatterns(_ s: String) -> [String] {
        var out: [String] = [], cur = "", depth = 0
        for ch in s {
            if ch == "[" || ch == "{" { depth += 1 }
            if ch == "]" || ch == "}" { depth -= 1 }
            if ch == "," && depth == 0 {
                if !cur.isEmpty { out.append(cur) }
                cur = ""
            } else { cur.append(ch) }
        }
        if !cur.isEmpty { out.append(cur) }
        return out.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
