import Foundation
import EqSpike
import Tooling
import Waveform

/// `eqspike compare`: the fixed-point chip and the float golden model in lockstep on the same
/// images; per-state errors in LSBs, spike agreement, rate correlation, class agreement, weight
/// divergence after learning, and optionally one VCD with both (fixed.* above float.*).
enum CompareCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["data", "weights", "images", "clocks", "vcd", "signals", "set", "seed"],
                            booleans: ["learn", "json"])
        let path = try o.positional("netlist file")
        let overrides = o.all("set")
        let chip = try Setup.chip(path, overrides: overrides)
        if let w = o.string("weights") {
            try Setup.loadWeights(w, into: chip)
        } else {
            let seed = try o.int("seed", range: 0...Int(Int32.max)).map(UInt64.init) ?? chip.settings.seed
            try chip.initialiseMemories(seed: seed)
        }
        let images = try o.int("images", range: 1...1_000_000) ?? 1
        let clockBudget = try o.int("clocks", range: 1...Int.max) ?? Int.max
        let learn = o.flag("learn")
        let data = try Setup.data(o.string("data"), for: chip)
        let set = learn ? data.train : data.test
        let comparison = try Comparison(chip: chip)
        if learn { try chip.setLearningRateMultiplier(chip.settings.learningRateMultiplier(epoch: 0)) }
        comparison.golden.etaScale = chip.settings.learningRateMultiplier(epoch: 0)
        var dumpTarget: DumpTarget? = nil
        if let vcd = o.string("vcd") {
            let patterns: [String]
            if let s = o.string("signals") {
                patterns = SimulateCommand.splitPatterns(s)
            } else if !chip.design.probes.isEmpty {
                patterns = chip.design.probes.map { p in "\(p.port.owner.name).\(p.port.name)[\(p.lanes.lowerBound):\(p.lanes.upperBound - 1)]" }
            } else {
                patterns = ["*"]
            }
            let target = try DumpTarget(vcd)
            dumpTarget = target
            try OutputFiles.parentDirectory(of: vcd)
            try comparison.attachWaveform(to: target, patterns: patterns, version: "eqspike \(version): \(RunRecord.commandLine())")
        }
        var used = 0
        for i in 0..<min(images, set.count) where used < clockBudget {
            used += set.withImage(i) { comparison.run(pixels: $0, label: Int(set.labels[i]), learn: learn, clockBudget: clockBudget - used) }
        }
        let wave: (dump: String, gtkw: String?, variables: Int)?
        do {
            wave = try comparison.finishWaveform()
            try dumpTarget?.complete()
        } catch {
            dumpTarget?.abandon()
            throw error
        }
        let report = comparison.report(netlist: path, overrides: overrides)
        if dumpTarget?.format == .standardOutput {
            // stdout carries the VCD: the report goes to stderr.
            FileHandle.standardError.write(Data((o.flag("json") ? report.json + "\n" : report.text).utf8))
        } else if o.flag("json") {
            print(report.json)
        } else {
            print(report.text, terminator: "")
            if let w = wave, let gtkw = w.gtkw {
                print("\nwaveform: \(w.variables) variables in \(w.dump); open with: gtkwave \(w.dump) \(gtkw)")
            }
        }
    }
}
