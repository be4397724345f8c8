import Foundation
import EqSpike

/// `eqspike eval`: frozen-weight test accuracy, readouts, SynOps and energy.
enum EvalCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["weights", "data", "test-limit", "jobs", "set", "energy-pj"], booleans: ["json"])
        let path = try o.positional("netlist file")
        guard let weights = o.string("weights") else { throw CLIError.usage("eval needs --weights CKPT (a checkpoint.bin from eqspike train)") }
        let chip = try Setup.chip(path, overrides: o.all("set"))
        try Setup.loadWeights(weights, into: chip)
        let data = try Setup.data(o.string("data"), for: chip)
        let jobs = try o.int("jobs", range: 1...256) ?? Setup.cores
        let pj = try o.double("energy-pj", range: 0...1e9) ?? chip.settings.synopEnergyPicojoules
        let chips = try Evaluator.clones(of: chip, jobs: jobs)
        let n = min(try o.int("test-limit", range: 1...Int.max) ?? data.test.count, data.test.count)
        guard n > 0 else { throw CLIError.failed("the test set in \(data.source) is empty: nothing to evaluate") }
        let started = Date()
        for c in chips { c.recordsReadoutActivity = true }
        let (t, results, _) = Evaluator.evaluate(chips: chips, images: data.test, count: n,
                                        progress: o.flag("json") ? nil : Progress(total: n, label: "eval"))
        let seconds = Date().timeIntervalSince(started)
        let fMax = chip.nudge.fMax
        let energy = t.synopsFreePerImage * pj * 1e-12
        let cycles = SystemCycleHistogram.merged(chips.map(\.systemCycles))
        // Energy from activity: the whole inference (free phase, the rate readout's window), from
        // the counters the evaluation summed over its chips (the same figure for any --jobs).
        let blocks = chip.energy(from: chip.noActivity, to: t.activity ?? chip.noActivity, costs: chip.settings.energy)
        let activityJoules = blocks.reduce(0) { $0 + $1.total } / Double(max(t.images, 1))
        // The first-spike readout answers after clock first_spike_deadline: its energy is that of
        // clocks 0 ... deadline of each image.
        let byDeadline = chip.totalEnergy(of: results.reduce(chip.noActivity) { sum, r in
            guard let a = r.activityAtStart, let b = r.activityAtDeadline else { return sum }
            return sum.plus(b.minus(a))
        }) / Double(max(t.images, 1))
        if o.flag("json") {
            let obj: [String: Any] = [
                "netlist": path, "weights": weights, "images": t.images,
                "accuracy": t.accuracy, "first_spike_accuracy": t.firstSpikeAccuracy,
                "first_spike_deadline_clocks": t.firstSpikeDeadline,
                "mean_first_spike_clock": t.meanFirstSpikeClock.isFinite ? t.meanFirstSpikeClock : NSNull(),
                "mean_first_spike_time_x_fmax": t.meanFirstSpikeClock.isFinite ? t.meanFirstSpikeClock * fMax : NSNull(),
                "images_without_output_spike": t.images - t.withOutputSpike,
                "synops_per_inference": t.synopsFreePerImage, "energy_per_inference_joules": energy,
                "energy_pj_per_synop": pj, "classes": t.classes,
                "system_cycles_per_tick": cycles.jsonObject, "port_words": chip.portWords,
                "activity_energy_per_inference_joules": activityJoules,
                "activity_energy_per_inference_by_deadline_joules": byDeadline,
                "activity_energy_per_inference_by_block": blocks.map { b in b.jsonObject.mapValues { v in (v as? Double).map { $0 / Double(max(t.images, 1)) } ?? v } },
                // confusion[label][prediction]: one row per true class
                "confusion": (0..<t.classes).map { Array(t.confusion[($0 * t.classes)..<(($0 + 1) * t.classes)]) }, "wall_seconds": seconds, "jobs": jobs,
            ]
            let d = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: d, as: UTF8.self))
            return
        }
        print(String(format: "images                 %d (%@)", t.images, data.source))
        print(String(format: "accuracy (rate)        %.2f%%   highest spike count over the readout window", 100 * t.accuracy))
        print(String(format: "accuracy (first spike) %.2f%%   first output spike by clock %d (t x f_max = %.1f)",
                     100 * t.firstSpikeAccuracy, t.firstSpikeDeadline, Double(t.firstSpikeDeadline) * fMax))
        print(String(format: "first output spike     clock %.2f on average (t x f_max = %.2f); %d images without one",
                     t.meanFirstSpikeClock, t.meanFirstSpikeClock * fMax, t.images - t.withOutputSpike))
        print(String(format: "SynOps per inference   %.0f", t.synopsFreePerImage))
        print(String(format: "energy per inference   %.3f uJ at %.1f pJ/SynOp", energy * 1e6, pj))
        print("system cycles          \(cycles.summary()) (SRAM ports: \(chip.portWordsDescription))")
        print(String(format: "energy from activity   %.3f uJ per inference (%d clocks: the rate readout's whole free phase), 45 nm event costs (Horowitz 2014); per block:", activityJoules * 1e6, chip.phase.tFree))
        for l in BlockEnergy.table(blocks, images: t.images) { print(l) }
        print(String(format: "                       %.3f uJ per inference by clock %d (the first-spike readout's answer)", byDeadline * 1e6, chip.settings.firstSpikeDeadline))
        print(String(format: "wall time              %.1f s with %d job(s), %.0f images/s", seconds, jobs, Double(t.images) / max(seconds, 1e-9)))
        print("confusion matrix (rows: label, columns: prediction)")
        print("     " + (0..<t.classes).map { String(format: "%6d", $0) }.joined())
        for l in 0..<t.classes {
            print(String(format: "%4d ", l) + (0..<t.classes).map { String(format: "%6d", t.confusion[l * t.classes + $0]) }.joined())
        }
    }
}
