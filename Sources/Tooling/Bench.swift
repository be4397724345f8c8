import EqSpike
import Foundation
import HDL
import Datasets
import Waveform

/// `eqspike bench`: how fast the chip model runs, measured in one run on one design.
///
/// Every measurement repeats the same work (`repeats` times, weights restored to the same initial
/// memories before each repeat, so each repeat does identical work) and reports the median. Rates
/// are given against both the thread's CPU time (what one core does, insensitive to other load on a
/// shared machine) and wall time; evaluation scaling over jobs can only be measured in wall time.
///
/// Measurements:
/// - free / nudge phase: clocks per second in each phase of training images (learning on in the
///   nudge phase), through the chip's test bench, reading the time at the phase switch;
/// - training and inference: images per second through `Chip.present` (train: true / false);
/// - golden: the float model (`GoldenNetwork`, configured like the design) on the same images, given
///   by the caller as a closure (`Reference`), so the caller picks the model and its configuration;
/// - tracing: training clocks with no observer, with a do-nothing observer (the cost of the probe
///   mechanism itself), with a VCD of one block's signals and with a VCD of every signal;
/// - evaluation: test images per second with 1 and with 2 jobs (`Evaluator`);
/// - peak memory: `getrusage` maximum resident set size.
public enum Bench {
    public struct Options: Sendable {
        public var netlist: String
        public var overrides: [String] = []
        /// Training / inference images per measurement.
        public var images = 100
        public var repeats = 3
        /// Test images for the evaluation-scaling measurement (default 2 x images).
        public var evalImages: Int? = nil
        /// Evaluation jobs to compare (the first is the baseline of the speed-up).
        public var jobs: [Int] = [1, 2]
        /// The block whose signals make up the "one block" trace.
        public var traceBlock: String? = nil
        /// Only the phase, training and inference timings (no golden model, tracing or evaluation).
        public var quick = false
        public init(netlist: String) { self.netlist = netlist }
    }

    /// A second model run on the same images: presents one image and returns the clocks it stepped.
    public struct Reference {
        public let name: String
        public let reset: () throws -> Void
        public let present: (_ pixels: UnsafeBufferPointer<UInt8>, _ label: Int, _ train: Bool) -> (clocks: Int, nudged: Bool)
        public init(name: String, reset: @escaping () throws -> Void,
                    present: @escaping (UnsafeBufferPointer<UInt8>, Int, Bool) -> (clocks: Int, nudged: Bool)) {
            self.name = name
            self.reset = reset
            self.present = present
        }
    }

    /// One timed piece of work: its size and the median times.
    public struct Timing {
        public var clocks = 0
        public var images = 0
        public var nudged = 0
        public var cpuSeconds = 0.0
        public var wallSeconds = 0.0
        public var clocksPerCPUSecond: Double { Double(clocks) / max(cpuSeconds, 1e-12) }
        public var clocksPerWallSecond: Double { Double(clocks) / max(wallSeconds, 1e-12) }
        public var imagesPerCPUSecond: Double { Double(images) / max(cpuSeconds, 1e-12) }
        public var imagesPerWallSecond: Double { Double(images) / max(wallSeconds, 1e-12) }

        var json: [String: Any] {
            var d: [String: Any] = ["clocks": clocks, "cpu_seconds": cpuSeconds, "wall_seconds": wallSeconds,
                                    "clocks_per_s_cpu": clocksPerCPUSecond.rounded(), "clocks_per_s_wall": clocksPerWallSecond.rounded()]
            if images > 0 {
                d["images"] = images
                d["images_per_s_cpu"] = round2(imagesPerCPUSecond)
                d["images_per_s_wall"] = round2(imagesPerWallSecond)
                d["nudged_fraction"] = round4(Double(nudged) / Double(images))
            }
            return d
        }
    }

    public struct Trace {
        public var name: String
        public var signals: Int
        public var timing: Timing
        /// (time with tracing) / (time without) - 1, CPU time.
        public var overhead: Double
        public var vcdBytes: Int
        public var vcdBytesPerSecond: Double { Double(vcdBytes) / max(timing.cpuSeconds, 1e-12) }
    }

    public struct Report {
        public var netlist: String
        public var layers: [Int]
        public var images: Int
        public var repeats: Int
        public var free = Timing()
        public var nudge = Timing()
        public var train = Timing()
        public var inference = Timing()
        public var referenceName: String? = nil
        public var referenceTrain: Timing? = nil
        public var referenceInference: Timing? = nil
        public var traces: [Trace] = []
        public var eval: [(jobs: Int, timing: Timing)] = []
        public var peakRSSBytes = 0
        public var setupRSSBytes = 0
        /// System cycles per tick of the timed training and inference runs (the RTL's count).
        public var trainCycles = SystemCycleHistogram(), inferenceCycles = SystemCycleHistogram()
        /// Energy from activity of the timed runs, all repeats (divide by images x repeats).
        public var trainEnergy: [BlockEnergy] = [], inferenceEnergy: [BlockEnergy] = []
        public func energyPerImage(_ e: [BlockEnergy], images timedImages: Int) -> Double {
            e.reduce(0) { $0 + $1.total } / Double(max(timedImages * repeats, 1))
        }

        public var json: [String: Any] {
            var d: [String: Any] = [
                "netlist": netlist, "layers": layers, "images": images, "repeats": repeats,
                "free_phase": free.json, "nudge_phase": nudge.json, "train": train.json, "inference": inference.json,
                "system_cycles_per_tick": ["train": trainCycles.jsonObject, "inference": inferenceCycles.jsonObject],
                "activity_energy_joules_per_image": ["train": energyPerImage(trainEnergy, images: train.images),
                                                     "inference": energyPerImage(inferenceEnergy, images: inference.images)],
                "activity_energy_by_block_joules_per_image": [
                    "train": trainEnergy.map { b in b.jsonObject.mapValues { v in (v as? Double).map { $0 / Double(max(train.images * repeats, 1)) } ?? v } },
                    "inference": inferenceEnergy.map { b in b.jsonObject.mapValues { v in (v as? Double).map { $0 / Double(max(inference.images * repeats, 1)) } ?? v } },
                ],
                "peak_rss_mb": round2(Double(peakRSSBytes) / 1048576), "rss_after_setup_mb": round2(Double(setupRSSBytes) / 1048576),
            ]
            if let name = referenceName, let rt = referenceTrain, let ri = referenceInference {
                d["golden"] = [
                    "model": name, "train": rt.json, "inference": ri.json,
                    // > 1: the fixed-point chip is faster than the float model on the same images.
                    "fixed_over_golden_train_images_per_s": round3(train.imagesPerCPUSecond / rt.imagesPerCPUSecond),
                    "fixed_over_golden_inference_images_per_s": round3(inference.imagesPerCPUSecond / ri.imagesPerCPUSecond),
                    "fixed_over_golden_train_clocks_per_s": round3(train.clocksPerCPUSecond / rt.clocksPerCPUSecond),
                ] as [String: Any]
            }
            d["tracing"] = traces.map { t -> [String: Any] in
                ["mode": t.name, "signals": t.signals, "overhead": round4(t.overhead), "vcd_bytes": t.vcdBytes,
                 "vcd_bytes_per_s": t.vcdBytesPerSecond.rounded(), "timing": t.timing.json]
            }
            var ev: [[String: Any]] = eval.map { ["jobs": $0.jobs, "timing": $0.timing.json] }
            if let base = eval.first, eval.count > 1 {
                for k in 1..<ev.count {
                    ev[k]["speedup_wall"] = round3(eval[k].timing.imagesPerWallSecond / base.timing.imagesPerWallSecond)
                    // Images per second of all jobs' CPU time relative to one job: 1.0 means the jobs do
                    // not slow each other down, so the speed-up is the number of free cores.
                    ev[k]["cpu_efficiency"] = round3(eval[k].timing.imagesPerCPUSecond / base.timing.imagesPerCPUSecond)
                }
            }
            d["eval"] = ev
            d["eval_note"] = "timing.cpu_seconds is the sum of the jobs' thread CPU times; speedup_wall depends on free cores (see machine.loadavg)"
            return d
        }

        /// A short human-readable table.
        public var text: String {
            var lines: [String] = []
            func f(_ x: Double) -> String { String(format: x >= 100 ? "%.0f" : "%.1f", x) }
            lines.append("\(netlist)  (\(layers.map(String.init).joined(separator: "-")), \(images) images x \(repeats) repeats, medians; rates per CPU second / per wall second)")
            lines.append("  free phase       \(f(free.clocksPerCPUSecond)) / \(f(free.clocksPerWallSecond)) clocks/s")
            lines.append("  nudge phase      \(f(nudge.clocksPerCPUSecond)) / \(f(nudge.clocksPerWallSecond)) clocks/s (learning on)")
            lines.append("  training         \(f(train.imagesPerCPUSecond)) / \(f(train.imagesPerWallSecond)) images/s, \(f(train.clocksPerCPUSecond)) clocks/s, nudged \(Int((100 * Double(train.nudged) / Double(max(train.images, 1))).rounded()))%")
            lines.append(String(format: "  energy           training %.2f uJ per image, inference %.2f uJ per image (activity, 45 nm event costs)",
                                1e6 * energyPerImage(trainEnergy, images: train.images),
                                1e6 * energyPerImage(inferenceEnergy, images: inference.images)))
            lines.append("  system cycles    training \(String(format: "%.1f", trainCycles.mean)) per tick (max \(trainCycles.max)), inference \(String(format: "%.1f", inferenceCycles.mean)) (max \(inferenceCycles.max)): the RTL's clock per tick")
            lines.append("  inference        \(f(inference.imagesPerCPUSecond)) / \(f(inference.imagesPerWallSecond)) images/s")
            if let name = referenceName, let rt = referenceTrain, let ri = referenceInference {
                lines.append("  \(name) train  \(f(rt.imagesPerCPUSecond)) images/s (\(f(rt.clocksPerCPUSecond)) clocks/s, nudged \(Int((100 * Double(rt.nudged) / Double(max(rt.images, 1))).rounded()))%); fixed/float \(String(format: "%.2f", train.imagesPerCPUSecond / rt.imagesPerCPUSecond))x")
                lines.append("  \(name) infer  \(f(ri.imagesPerCPUSecond)) images/s; fixed/float \(String(format: "%.2f", inference.imagesPerCPUSecond / ri.imagesPerCPUSecond))x")
            }
            for t in traces {
                let bytes = t.vcdBytes > 0 ? String(format: ", %.1f MB/s of VCD", t.vcdBytesPerSecond / 1e6) : ""
                lines.append("  trace \(t.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(String(format: "%+.2f%%", 100 * t.overhead)) (\(t.signals) signals)\(bytes)")
            }
            if let base = eval.first {
                for e in eval {
                    lines.append("  eval \(e.jobs) job\(e.jobs == 1 ? " " : "s")      \(f(e.timing.imagesPerWallSecond)) images/s wall (x\(String(format: "%.2f", e.timing.imagesPerWallSecond / base.timing.imagesPerWallSecond))), \(f(e.timing.imagesPerCPUSecond)) per job-CPU second (x\(String(format: "%.2f", e.timing.imagesPerCPUSecond / base.timing.imagesPerCPUSecond)))")
                }
            }
            lines.append(String(format: "  peak memory      %.1f MB (after setup %.1f MB)", Double(peakRSSBytes) / 1048576, Double(setupRSSBytes) / 1048576))
            return lines.joined(separator: "\n")
        }
    }

    // MARK: Running

    /// Runs every measurement on one design. `reference` (optional) is the golden model.
    public static func run(_ o: Options, train trainSet: LabeledImages, test testSet: LabeledImages,
                           reference: Reference? = nil, log: (String) -> Void = { _ in }) throws -> Report {
        let chip = try Chip(path: o.netlist, overrides: o.overrides)
        try chip.initialiseMemories(seed: chip.settings.seed)
        let initial = chip.persistentState()
        let n = min(o.images, trainSet.count)
        let repeats = max(1, o.repeats)
        let trainImages = trainSet.prefix(n)
        let inferImages = testSet.prefix(min(o.images, testSet.count))
        var report = Report(netlist: o.netlist, layers: chip.neuronLayers.map(\.lanes),
                            images: n, repeats: repeats)
        report.setupRSSBytes = peakRSS()

        // Warm-up: caches, page faults of the memories.
        for i in 0..<min(5, n) {
            _ = trainImages.withImage(i) { chip.present(pixels: $0, label: Int(trainImages.labels[i]), train: true) }
        }

        log("phases")
        let phases = try repeated(repeats) { () throws -> (Timing, Timing) in
            try chip.restore(initial)
            return phaseTimings(chip, trainImages)
        }
        report.free = median(phases.map(\.0))
        report.nudge = median(phases.map(\.1))

        log("training")
        chip.clearSystemCycles()
        var before = chip.activity
        report.train = median(try repeated(repeats) { () throws -> Timing in
            try chip.restore(initial)
            return time(chip, trainImages, train: true)
        })
        report.trainCycles = chip.systemCycles   // every repeat runs the same ticks
        report.trainEnergy = chip.energy(from: before, to: chip.activity, costs: chip.settings.energy)
        log("inference")
        try chip.restore(initial)
        chip.clearSystemCycles()
        before = chip.activity
        report.inference = median(try repeated(repeats) { () throws -> Timing in time(chip, inferImages, train: false) })
        report.inferenceCycles = chip.systemCycles
        report.inferenceEnergy = chip.energy(from: before, to: chip.activity, costs: chip.settings.energy)

        if o.quick {
            report.peakRSSBytes = peakRSS()
            return report
        }

        if let ref = reference {
            log(ref.name)
            report.referenceName = ref.name
            report.referenceTrain = median(try repeated(repeats) { () throws -> Timing in
                try ref.reset()
                return time(ref, trainImages, train: true)
            })
            try ref.reset()
            report.referenceInference = median(try repeated(repeats) { () throws -> Timing in time(ref, inferImages, train: false) })
        }

        log("tracing")
        report.traces = try traceTimings(chip, initial: initial, images: trainImages, repeats: repeats, block: o.traceBlock)

        log("evaluation")
        try chip.restore(initial)
        let evalCount = min(o.evalImages ?? 2 * o.images, testSet.count)
        let maxJobs = o.jobs.max() ?? 1
        let chips = try Evaluator.clones(of: chip, jobs: maxJobs)
        for j in o.jobs {
            let use = Array(chips.prefix(j))
            _ = Evaluator.evaluate(chips: use, images: testSet, count: min(evalCount, 2 * j))   // warm-up
            let jt = JobTimes()
            // Wall time is what a user waits; the sum of the jobs' thread CPU times shows whether a
            // job slows down when others run beside it (cache, memory bandwidth, false sharing), which
            // wall time cannot separate from other load on a shared machine.
            let t = median(repeated(repeats) { () -> Timing in
                let w0 = wallTime()
                let (tally, results, _) = Evaluator.evaluate(chips: use, images: testSet, count: evalCount, jobTimes: jt)
                var tm = Timing()
                tm.wallSeconds = wallTime() - w0
                tm.cpuSeconds = (0..<jt.jobs).reduce(0) { $0 + jt.cpuSeconds($1) }
                tm.images = tally.images
                tm.clocks = results.reduce(0) { $0 + $1.clocks }
                return tm
            })
            report.eval.append((j, t))
        }
        report.peakRSSBytes = peakRSS()
        return report
    }

    /// Training images through the chip's test bench (`Chip.runImage`, as `Chip.present`), reading
    /// the clocks at the switch from the free to the nudge phase.
    static func phaseTimings(_ chip: Chip, _ images: LabeledImages) -> (free: Timing, nudge: Timing) {
        var free = Timing(), nudge = Timing()
        let tFree = chip.phase.tFree
        for i in 0..<images.count {
            images.withImage(i) { px in
                chip.load(pixels: px, label: Int(images.labels[i]), train: true)
                var split: (cpu: Double, wall: Double)? = nil
                let c0 = cpuTime(), w0 = wallTime()
                let clocks = chip.runImage(afterClock: { t in
                    if t == tFree { split = (cpuTime(), wallTime()) }
                    return true
                })
                let c2 = cpuTime(), w2 = wallTime()
                let (c1, w1) = split ?? (c2, w2)
                let freeClocks = min(clocks, tFree)
                let nudgeClocks = clocks - freeClocks
                free.clocks += freeClocks
                free.images += 1
                free.cpuSeconds += c1 - c0
                free.wallSeconds += w1 - w0
                nudge.cpuSeconds += c2 - c1
                nudge.wallSeconds += w2 - w1
                nudge.clocks += nudgeClocks
                if nudgeClocks > 0 { nudge.images += 1; nudge.nudged += 1; free.nudged += 1 }
            }
        }
        return (free, nudge)
    }

    /// `images` through `Chip.present`.
    static func time(_ chip: Chip, _ images: LabeledImages, train: Bool) -> Timing {
        time(images, train: train) { px, label, train in
            let r = chip.present(pixels: px, label: label, train: train)
            return (r.clocks, r.nudged)
        }
    }

    static func time(_ ref: Reference, _ images: LabeledImages, train: Bool) -> Timing {
        time(images, train: train, present: ref.present)
    }

    /// Presents every image once (one call per image, so the chip and a reference pay the same
    /// overhead) and sums clocks, nudges and the thread's CPU and wall time.
    private static func time(_ images: LabeledImages, train: Bool,
                             present: (UnsafeBufferPointer<UInt8>, Int, Bool) -> (clocks: Int, nudged: Bool)) -> Timing {
        var t = Timing()
        let c0 = cpuTime(), w0 = wallTime()
        for i in 0..<images.count {
            let r = images.withImage(i) { present($0, Int(images.labels[i]), train) }
            t.clocks += r.clocks
            if r.nudged { t.nudged += 1 }
        }
        t.cpuSeconds = cpuTime() - c0
        t.wallSeconds = wallTime() - w0
        t.images = images.count
        return t
    }

    /// Observes nothing: what attaching an observer costs the simulator by itself.
    final class NullObserver: ClockObserver {
        var samples = 0
        func sample(cycle: Int) { samples &+= 1 }
    }

    /// Training images with no observer, a do-nothing observer, a VCD of one block's signals, and
    /// (on a fifth of the images) a VCD of every signal. The runs are interleaved repeat by repeat
    /// and each overhead is the median of the per-repeat ratios to the run without an observer
    /// just before it, so slow drifts of a shared machine cancel.
    static func traceTimings(_ chip: Chip, initial: [(name: String, values: [Int32])], images: LabeledImages,
                             repeats: Int, block: String?) throws -> [Trace] {
        let sim = chip.simulator
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eqspike-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let traced = block ?? chip.hiddenLayer.name
        // The full trace is large: a fifth of the images (at least 2).
        let few = images.prefix(max(2, images.count / 5))
        let modes: [(name: String, patterns: [String]?, images: LabeledImages, base: String?)] = [
            ("none", nil, images, nil), ("observer", [], images, "none"), ("\(traced).*", ["\(traced).*"], images, "none"),
            ("none-few", nil, few, nil), ("all", ["*"], few, "none-few"),
        ]
        func run(_ m: (name: String, patterns: [String]?, images: LabeledImages, base: String?)) throws -> (Timing, Int, Int) {
            try chip.restore(initial)
            var observer: ClockObserver? = nil
            var writer: VCDWriter? = nil
            var signals = 0
            if let p = m.patterns {
                if p.isEmpty {
                    observer = NullObserver()
                } else {
                    let w = try VCDWriter(path: dir.appendingPathComponent("trace.vcd").path,
                                          clockPeriodSeconds: chip.design.clock.periodSeconds, date: "bench")
                    w.saveFileOptions = nil
                    signals = try w.addSignals(from: sim, patterns: p)
                    writer = w
                    observer = w
                }
            }
            if let ob = observer { sim.attach(ob) }
            var t = time(chip, m.images, train: true)
            if let ob = observer { sim.detach(ob) }
            var bytes = 0
            if let w = writer {
                let c0 = cpuTime(), w0 = wallTime()
                try w.finish()                          // the last buffer's write belongs to the trace
                t.cpuSeconds += cpuTime() - c0
                t.wallSeconds += wallTime() - w0
                bytes = w.bytesWritten
                try? FileManager.default.removeItem(atPath: w.path)
            }
            return (t, signals, bytes)
        }
        var results: [String: [(Timing, Int, Int)]] = [:]
        var ratios: [String: [Double]] = [:]
        for _ in 0..<repeats {
            var latest: [String: Timing] = [:]
            for m in modes {
                let r = try run(m)
                results[m.name, default: []].append(r)
                latest[m.name] = r.0
                if let b = m.base, let bt = latest[b] { ratios[m.name, default: []].append(r.0.cpuSeconds / bt.cpuSeconds) }
            }
        }
        return modes.compactMap { m -> Trace? in
            guard m.base != nil, let rs = results[m.name], let q = ratios[m.name] else { return nil }
            let sorted = q.sorted()
            let t = median(rs.map(\.0))
            let (_, signals, bytes) = rs[0]
            return Trace(name: m.name, signals: signals, timing: t, overhead: sorted[sorted.count / 2] - 1, vcdBytes: bytes)
        }
    }

    // MARK: Helpers

    static func repeated<T>(_ n: Int, _ body: () throws -> T) rethrows -> [T] {
        var out: [T] = []
        for _ in 0..<n { out.append(try body()) }
        return out
    }

    /// The run with the median CPU time (its other figures come with it).
    static func median(_ xs: [Timing]) -> Timing {
        let s = xs.sorted { $0.cpuSeconds < $1.cpuSeconds }
        var m = s[s.count / 2]
        let w = xs.map(\.wallSeconds).sorted()
        m.wallSeconds = w[w.count / 2]
        return m
    }

    /// CPU time of the calling thread, seconds.
    public static func cpuTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    public static func wallTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Peak resident set size of the process, bytes (Linux reports ru_maxrss in KiB).
    public static func peakRSS() -> Int {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Int(u.ru_maxrss) * 1024
    }

    /// What the numbers were measured on.
    public static func machine() -> [String: Any] {
        var d: [String: Any] = ["nproc": ProcessInfo.processInfo.activeProcessorCount]
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            for line in info.split(separator: "\n") where line.hasPrefix("model name") {
                if let colon = line.firstIndex(of: ":") {
                    d["cpu"] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                break
            }
            if let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) {
                let f = Set(flags.split(separator: " ").map(String.init))
                d["simd"] = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl"].filter { f.contains($0) }
            }
        }
        d["loadavg"] = loadAverage()
        #if os(Linux)
        var u = utsname()
        uname(&u)
        d["kernel"] = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #endif
        return d
    }

    public static func loadAverage() -> [Double] {
        guard let s = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return s.split(separator: " ").prefix(3).compactMap { Double($0) }
    }
}

private func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
private func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
private func round4(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }
