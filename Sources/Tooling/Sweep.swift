import EqSpike
import Foundation
import Datasets
import Netlist
import GoldenModel
import Blocks

/// One `--set key=v1,v2,...` of a sweep (a single value is a fixed override).
public struct SweepAxis: Codable, Equatable, Sendable {
    public var key: String
    public var values: [String]
    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }

    /// Parses `key=v1,v2,...`; commas inside brackets stay in the value (`lr_schedule=[1,0.25]`).
    public static func parse(_ text: String) throws -> SweepAxis {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw SweepError("--set \(text): expected key=value or key=v1,v2,...")
        }
        let key = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
        var values: [String] = [], cur = "", depth = 0
        for ch in text[text.index(after: eq)...] {
            if ch == "[" || ch == "(" { depth += 1 }
            if ch == "]" || ch == ")" { depth -= 1 }
            if ch == "," && depth == 0 { values.append(cur); cur = "" } else { cur.append(ch) }
        }
        values.append(cur)
        values = values.map { $0.trimmingCharacters(in: .whitespaces) }
        if values.contains(where: \.isEmpty) { throw SweepError("--set \(text): empty value") }
        if Set(values).count != values.count { throw SweepError("--set \(text): a value is repeated") }
        return SweepAxis(key: key, values: values)
    }
}

public struct SweepError: Error, CustomStringConvertible {
    public let description: String
    public init(_ m: String) { description = m }
}

/// What a sweep is: the design, the grid, and the training run every point gets. Written to
/// `sweep.json` in the sweep directory; shards of one sweep have equal specs.
public struct SweepSpec: Codable, Equatable, Sendable {
    public var netlist: String
    /// FNV-1a of the netlist file's bytes: a point recorded for another file is not reused.
    public var netlistFingerprint: String
    /// Every --set in command-line order; single-valued ones are fixed overrides.
    public var axes: [SweepAxis]
    public var trainLimit: Int?
    public var testLimit: Int?
    public var epochs: Int
    /// Host PRNG seed (nil: the design's).
    public var seed: UInt64?
    /// Where the images came from (e.g. `data/mnist`).
    public var data: String

    public init(netlist: String, axes: [SweepAxis], trainLimit: Int?, testLimit: Int?, epochs: Int, seed: UInt64?, data: String) throws {
        var seen = Set<String>()
        for a in axes where !seen.insert(a.key).inserted { throw SweepError("--set \(a.key) is given twice") }
        self.netlist = netlist
        var f = Fingerprint()
        guard let bytes = FileManager.default.contents(atPath: netlist) else { throw SweepError("cannot read \(netlist)") }
        f.add(bytes)
        netlistFingerprint = f.hex
        self.axes = axes
        self.trainLimit = trainLimit
        self.testLimit = testLimit
        self.epochs = epochs
        self.seed = seed
        self.data = data
    }

    /// Axes with more than one value (the grid's dimensions), in command-line order.
    public var varying: [SweepAxis] { axes.filter { $0.values.count > 1 } }
    public var pointCount: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// Point `i` of the cartesian product: the first --set varies slowest.
    public func point(_ index: Int) -> SweepPoint {
        precondition(index >= 0 && index < pointCount)
        var rest = index
        var settings: [SweepSetting] = []
        for a in axes.reversed() {
            settings.append(SweepSetting(key: a.key, value: a.values[rest % a.values.count]))
            rest /= a.values.count
        }
        return SweepPoint(index: index, settings: settings.reversed(), spec: self)
    }

    public var points: [SweepPoint] { (0..<pointCount).map(point) }
}

public struct SweepSetting: Codable, Equatable, Sendable {
    public var key: String
    public var value: String
}

/// One point of the grid: its settings become `--set key=value` overrides.
public struct SweepPoint: Sendable {
    public let index: Int
    public let settings: [SweepSetting]
    /// Content key: same settings and run, same key (file name of the record, so a resumed or
    /// regrown grid finds what was already run whatever its index is now).
    public let key: String

    init(index: Int, settings: [SweepSetting], spec: SweepSpec) {
        self.index = index
        self.settings = settings
        var f = Fingerprint()
        f.add(spec.netlistFingerprint)
        for s in settings { f.add(s.key); f.add(s.value) }
        f.add("train=\(spec.trainLimit.map(String.init) ?? "all") test=\(spec.testLimit.map(String.init) ?? "all") epochs=\(spec.epochs) seed=\(spec.seed.map(String.init) ?? "design") data=\(spec.data)")
        key = f.hex
    }

    public var overrides: [String] { settings.map { "\($0.key)=\($0.value)" } }
    public func value(_ key: String) -> String? { settings.first { $0.key == key }?.value }
}

/// What one point produced (the record `points/<key>.json`; a line of results.csv).
public struct SweepResult: Codable, Sendable, Equatable {
    public var index: Int
    public var key: String
    public var settings: [SweepSetting]
    /// `ok`, or `error` (the design did not elaborate or the run failed: `error` says why).
    public var status: String
    public var error: String?
    public var trainImages = 0
    public var trainAccuracy = 0.0
    public var testImages = 0
    public var testAccuracy = 0.0
    public var testFirstSpikeAccuracy = 0.0
    public var nudgedFraction = 0.0
    /// SynOps of one inference (a whole free phase), mean over the test images.
    public var synopsPerInference = 0.0
    public var trainSaturations = 0
    public var testSaturations = 0
    /// Saturation events per block over the whole point (training and test), non-zero only.
    public var saturationsByBlock: [String: Int] = [:]
    /// The w1 crossbar's weight format, its width and its update rounding.
    public var weightFormat = ""
    public var weightBits = 0
    public var weightRounding = ""
    /// From DesignBudget: SRAM bits and all state bits (registers + SRAM + delay lines).
    public var sramBits = 0
    public var stateBits = 0
    /// Energy from activity (`Chip.energy`), joules: per test inference (the whole free phase) and
    /// per training image; mean system cycles per tick of the training and of the test images
    /// (optional: results written before they existed have none).
    public var energyPerInference: Double?
    public var energyPerTrainingImage: Double?
    public var cyclesPerTickTrain: Double?
    public var cyclesPerTickInference: Double?
    /// Area from synthesis (`--area`: `Synth` with lane scaling, 45 nm figures of
    /// docs/synthesis.md), um^2: logic (and its estimated transistors), SRAM macros, and their sum.
    /// nil when not asked, or when a block could not be synthesised (`areaError` says which).
    public var logicTransistors: Int?
    public var logicArea: Double?
    public var sramArea: Double?
    public var area: Double?
    public var areaError: String?
    public var wallSeconds = 0.0

    public init(index: Int, key: String, settings: [SweepSetting], status: String) {
        self.index = index
        self.key = key
        self.settings = settings
        self.status = status
    }
}

/// The float golden model trained on the same images with the same run (`--float`).
public struct SweepFloatBaseline: Codable, Sendable, Equatable {
    public var overrides: [String]
    public var trainImages: Int
    public var trainAccuracy: Double
    public var testImages: Int
    public var testAccuracy: Double
    public var testFirstSpikeAccuracy: Double
    public var synopsPerInference: Double
    public var wallSeconds: Double
}

/// Runs a sweep: every point (or a shard's share: point i belongs to shard i mod n) is an
/// independent training plus test on its own Chip, `jobs` points at a time on as many threads.
/// Each finished point is written to `DIR/points/<key>.json` at once, so an interrupted sweep
/// resumes where it stopped; at the end `results.csv`, `results.json` and `plot.svg` are written
/// from every recorded point of the grid.
public final class SweepRunner {
    public let spec: SweepSpec
    public let directory: String
    public var jobs = 1
    /// (k, n): run only the points with index % n == k.
    public var shard: (k: Int, n: Int)? = nil
    /// Also train the float golden model on the same images (shard 0 only).
    public var floatBaseline = false
    /// Log a progress line every this many training images of a point (0: none).
    public var progressEvery = 0
    /// Synthesis settings when every point's area is wanted (`--area`); nil: no area.
    public var area: Synth.Settings? = nil
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    public init(spec: SweepSpec, directory: String) {
        self.spec = spec
        self.directory = directory
    }

    var pointsDirectory: String { directory + "/points" }
    func recordPath(_ key: String) -> String { pointsDirectory + "/" + key + ".json" }
    public var resultsCSVPath: String { directory + "/results.csv" }
    public var floatPath: String { directory + "/float.json" }

    /// The points this run is responsible for.
    public var share: [SweepPoint] {
        spec.points.filter { p in shard.map { p.index % $0.n == $0.k } ?? true }
    }

    /// Runs what is not yet recorded, then writes the results. Returns the results of the share.
    @discardableResult
    public func run(train: LabeledImages, test: LabeledImages) throws -> [SweepResult] {
        let fm = FileManager.default
        try OutputFiles.directory(directory)   // first: an empty --out must not become "/points"
        try OutputFiles.directory(pointsDirectory)
        try SweepFiles.writeJSON(spec, to: directory + "/sweep.json")
        let mine = share
        let todo = mine.filter { !fm.fileExists(atPath: recordPath($0.key)) }
        log("sweep \(spec.netlist): \(spec.pointCount) point(s)\(shard.map { ", shard \($0.k)/\($0.n): \(mine.count)" } ?? ""), "
            + "\(mine.count - todo.count) already recorded in \(directory), \(todo.count) to run on \(max(1, min(jobs, todo.count))) job(s)")
        let shared = UncheckedSendable((self, train, test, todo))
        let next = ManagedCounter()
        let lock = NSLock()
        let failure = FailureBox()
        let workers = max(1, min(jobs, todo.count))
        if !todo.isEmpty {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                let (runner, train, test, todo) = shared.value
                while true {
                    let k = next.increment() - 1
                    if k >= todo.count || Interrupt.requested { return }
                    let point = todo[k]
                    let progress: (String) -> Void = { line in lock.lock(); runner.log(line); lock.unlock() }
                    // nil: interrupted (not recorded, so that a resumed sweep runs it again).
                    guard let r = SweepRunner.runPoint(point, spec: runner.spec, train: train, test: test,
                                                       progressEvery: runner.progressEvery, progress: progress) else { return }
                    lock.lock()
                    do {
                        try SweepFiles.writeJSON(r, to: runner.recordPath(point.key))
                        runner.log(SweepRunner.summary(r, varying: runner.spec.varying.map(\.key)))
                    } catch {
                        failure.error = error
                    }
                    lock.unlock()
                }
            }
        }
        if let e = failure.error { throw e }
        if floatBaseline && (shard?.k ?? 0) == 0 && !fm.fileExists(atPath: floatPath) && !Interrupt.requested {
            let b = try SweepRunner.runFloat(spec: spec, train: train, test: test)
            try SweepFiles.writeJSON(b, to: floatPath)
            log(String(format: "float baseline: train %.2f%%  test %.2f%%  (%.0f s)", 100 * b.trainAccuracy, 100 * b.testAccuracy, b.wallSeconds))
        }
        if let settings = area, !Interrupt.requested { try addArea(mine, settings: settings) }
        if Interrupt.requested { throw SweepError("interrupted: finished points are recorded in \(pointsDirectory); run the same command again to resume") }
        let results = mine.compactMap { p in try? SweepFiles.readJSON(SweepResult.self, from: recordPath(p.key)) }.map { r in
            var r = r
            r.index = mine.first { $0.key == r.key }!.index
            return r
        }
        try SweepFiles.writeResults(spec: spec, results: results, float: try? SweepFiles.readJSON(SweepFloatBaseline.self, from: floatPath),
                                    directory: directory, shard: shard)
        return results
    }

    /// Synthesises the design of every recorded point of `points` that has no area yet (points
    /// after each other; each block's result is cached per distinct RTL, so a block that no
    /// setting of the grid changes is synthesised once for the whole sweep) and rewrites its record.
    func addArea(_ points: [SweepPoint], settings: Synth.Settings) throws {
        for p in points {
            if Interrupt.requested { return }
            // A point whose synthesis failed is tried again (failures are not cached: another
            // limit, or Yosys installed since, may succeed).
            guard var r = try? SweepFiles.readJSON(SweepResult.self, from: recordPath(p.key)), r.status == "ok", r.area == nil else { continue }
            r.areaError = nil
            let started = Date()
            // A point that cannot be synthesised gets its reason, and the sweep goes on: its
            // training results are written whatever synthesis says.
            do {
                let design = try Netlist.load(path: spec.netlist, registry: standardBlocks, overrides: p.overrides)
                let report = try Synth.run(circuit: design.circuit, blocks: design.blocks, settings: settings)
                if let failed = report.blocks.first(where: { $0.failure != nil }) {
                    r.areaError = "\(failed.instance): \(failed.failure!)"
                } else {
                    r.logicTransistors = report.transistors
                    r.logicArea = report.logicArea
                    r.sramArea = report.sramArea
                    r.area = report.totalArea
                }
            } catch {
                r.areaError = "\(error)"
            }
            try SweepFiles.writeJSON(r, to: recordPath(p.key))
            log(String(format: "point %d: area %@ (%.0f s)", p.index, r.area.map { String(format: "%.4f mm^2", $0 * 1e-6) } ?? "not known: \(r.areaError!)",
                       Date().timeIntervalSince(started)))
        }
    }

    /// One point: a fresh chip with the point's overrides, initial memories from the seed, the
    /// Trainer's epoch loop (same shuffle and learning-rate schedule), then the test images with
    /// learning off. Errors (a design that does not elaborate) become a record with status error.
    public static func runPoint(_ point: SweepPoint, spec: SweepSpec, train: LabeledImages, test: LabeledImages,
                                progressEvery: Int = 0, progress: (String) -> Void = { _ in }) -> SweepResult? {
        let started = Date()
        var r = SweepResult(index: point.index, key: point.key, settings: point.settings, status: "ok")
        do {
            let chip = try Chip(path: spec.netlist, overrides: point.overrides)
            let seed = spec.seed ?? chip.settings.seed
            try chip.initialiseMemories(seed: seed)
            let trainSet = spec.trainLimit.map { train.prefix(min($0, train.count)) } ?? train
            let testCount = min(spec.testLimit ?? test.count, test.count)
            var trainTally = EpochTally(classes: chip.outputs, firstSpikeDeadline: chip.settings.firstSpikeDeadline)
            let beforeTraining = chip.activity
            for epoch in 0..<spec.epochs {
                let order = SeededShuffle.epochOrder(count: trainSet.count, seed: seed, epoch: epoch)
                trainTally = EpochTally(classes: chip.outputs, firstSpikeDeadline: chip.settings.firstSpikeDeadline)
                for (k, i) in order.enumerated() {
                    if Interrupt.requested { return nil }
                    try chip.followLearningRateSchedule(epoch: epoch, image: k, images: trainSet.count)
                    trainTally.add(trainSet.withImage(i) { chip.present(pixels: $0, label: Int(trainSet.labels[i]), train: true) })
                    if progressEvery > 0 && (k + 1) % progressEvery == 0 {
                        progress(String(format: "  point %d: epoch %d, %d/%d training images, running accuracy %.2f%%, %.0f s", point.index,
                                        epoch + 1, k + 1, trainSet.count, 100 * trainTally.accuracy, Date().timeIntervalSince(started)))
                    }
                }
            }
            let afterTraining = chip.activity
            let trainingEnergy = chip.totalEnergy(of: afterTraining.minus(beforeTraining))
            let trainingCycles = chip.systemCycles
            chip.clearSystemCycles()
            let beforeTest = chip.activity
            var testTally = EpochTally(classes: chip.outputs, firstSpikeDeadline: chip.settings.firstSpikeDeadline)
            for i in 0..<testCount {
                if Interrupt.requested { return nil }
                testTally.add(test.withImage(i) { chip.present(pixels: $0, label: Int(test.labels[i]), train: false) })
            }
            let testEnergy = chip.totalEnergy(of: chip.activity.minus(beforeTest))
            r.energyPerTrainingImage = trainTally.images > 0 ? trainingEnergy / Double(spec.epochs * trainSet.count) : nil
            r.energyPerInference = testTally.images > 0 ? testEnergy / Double(testTally.images) : nil
            r.cyclesPerTickTrain = trainingCycles.ticks > 0 ? trainingCycles.mean : nil
            r.cyclesPerTickInference = chip.systemCycles.ticks > 0 ? chip.systemCycles.mean : nil
            r.trainImages = trainTally.images
            r.trainAccuracy = trainTally.accuracy
            r.testImages = testTally.images
            r.testAccuracy = testTally.accuracy
            r.testFirstSpikeAccuracy = testTally.firstSpikeAccuracy
            r.nudgedFraction = trainTally.nudgedFraction
            r.synopsPerInference = testTally.synopsFreePerImage
            r.trainSaturations = trainTally.saturations
            r.testSaturations = testTally.saturations
            for b in chip.design.blocks where b.saturations > 0 { r.saturationsByBlock[b.name] = b.saturations }
            r.weightFormat = chip.w1.weightFormat.description
            r.weightBits = chip.w1.weightFormat.width
            r.weightRounding = chip.parameter("rounding", of: chip.w1) ?? "?"
            let budget = DesignBudget(chip.design)
            r.sramBits = budget.sramBits
            r.stateBits = budget.totalBits
        } catch {
            r.status = "error"
            r.error = "\(error)"
        }
        r.wallSeconds = Date().timeIntervalSince(started)
        return r
    }

    /// The float golden model of the design with the fixed overrides, same images and run.
    public static func runFloat(spec: SweepSpec, train: LabeledImages, test: LabeledImages) throws -> SweepFloatBaseline {
        let started = Date()
        let fixed = spec.axes.filter { $0.values.count == 1 }.map { "\($0.key)=\($0.values[0])" }
        let chip = try Chip(path: spec.netlist, overrides: fixed)
        var options = TrainOptions(netlist: spec.netlist, outDirectory: "")
        options.overrides = fixed
        options.epochs = spec.epochs
        options.trainLimit = spec.trainLimit
        options.testLimit = spec.testLimit
        options.seed = spec.seed
        let trainer = try GoldenTrainer(chip: chip, options: options)
        trainer.log = { _ in }
        trainer.showProgress = false
        let m = try trainer.run(train: train, test: test).metrics.last!
        return SweepFloatBaseline(overrides: fixed, trainImages: m.train.images, trainAccuracy: m.train.accuracy,
                                  testImages: m.test?.images ?? 0, testAccuracy: m.test?.accuracy ?? 0,
                                  testFirstSpikeAccuracy: m.test?.firstSpikeAccuracy ?? 0,
                                  synopsPerInference: m.test?.synopsFreePerImage ?? 0,
                                  wallSeconds: Date().timeIntervalSince(started))
    }

    static func summary(_ r: SweepResult, varying: [String]) -> String {
        let what = r.settings.filter { varying.contains($0.key) }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        if r.status != "ok" { return "point \(r.index) [\(what)]: error: \(r.error ?? "")" }
        return String(format: "point %d [%@]: train %.2f%%  test %.2f%%  synops %.0f  saturations %d  %.0f s", r.index, what,
                      100 * r.trainAccuracy, 100 * r.testAccuracy, r.synopsPerInference, r.trainSaturations + r.testSaturations, r.wallSeconds)
    }

    /// Joins shard directories of one sweep into `out`: the same results.csv (sorted by point
    /// index) as the unsplit sweep. Every directory must hold the same spec. Returns the number of
    /// points found and the indices still missing.
    @discardableResult
    public static func merge(_ directories: [String], into out: String) throws -> (found: Int, missing: [Int]) {
        guard let first = directories.first else { throw SweepError("--merge needs at least one directory") }
        try OutputFiles.directory(out)   // first: an empty --out must not become "/points"
        let spec = try SweepFiles.readJSON(SweepSpec.self, from: first + "/sweep.json")
        for d in directories.dropFirst() {
            let s = try SweepFiles.readJSON(SweepSpec.self, from: d + "/sweep.json")
            guard s == spec else { throw SweepError("\(d) holds another sweep than \(first) (sweep.json differs)") }
        }
        let fm = FileManager.default
        try OutputFiles.directory(out + "/points")
        var results: [SweepResult] = []
        var missing: [Int] = []
        for p in spec.points {
            var found: SweepResult? = nil
            for d in directories {
                if let r = try? SweepFiles.readJSON(SweepResult.self, from: d + "/points/" + p.key + ".json") { found = r; break }
            }
            guard var r = found else { missing.append(p.index); continue }
            r.index = p.index
            results.append(r)
            try SweepFiles.writeJSON(r, to: out + "/points/" + p.key + ".json")
        }
        var float: SweepFloatBaseline? = nil
        for d in directories { if let f = try? SweepFiles.readJSON(SweepFloatBaseline.self, from: d + "/float.json") { float = f; break } }
        if let f = float { try SweepFiles.writeJSON(f, to: out + "/float.json") }
        try SweepFiles.writeJSON(spec, to: out + "/sweep.json")
        try SweepFiles.writeResults(spec: spec, results: results, float: float, directory: out, shard: nil)
        return (results.count, missing)
    }
}

final class FailureBox: @unchecked Sendable {
    var error: Error? = nil
}

/// results.csv, results.json, plot.svg and the JSON records.
public enum SweepFiles {
    /// Columns after `point` and the grid's varying keys. `wall_seconds` is last: it is the only
    /// column that differs between two runs of the same sweep (shard comparisons drop it).
    public static let resultColumns = ["weight_format", "weight_bits", "weight_rounding", "status", "train_images", "train_accuracy",
                                       "test_images", "test_accuracy", "test_first_spike_accuracy", "nudged_fraction",
                                       "synops_per_inference", "train_saturations", "test_saturations", "sram_bits", "state_bits",
                                       "energy_per_inference_uj", "energy_per_training_image_uj", "cycles_per_tick_train",
                                       "cycles_per_tick_inference", "logic_transistors", "logic_area_um2", "sram_area_um2", "area_um2",
                                       "wall_seconds"]

    public static func csv(spec: SweepSpec, results: [SweepResult]) -> String {
        let keys = spec.varying.map(\.key)
        var out = (["point"] + keys + resultColumns).map(quote).joined(separator: ",") + "\n"
        for r in results.sorted(by: { $0.index < $1.index }) {
            var cells = [String(r.index)]
            for k in keys { cells.append(quote(r.settings.first { $0.key == k }?.value ?? "")) }
            func f(_ x: Double) -> String { String(format: "%.6f", x) }
            cells += [r.weightFormat, String(r.weightBits), r.weightRounding, r.status, String(r.trainImages), f(r.trainAccuracy),
                      String(r.testImages), f(r.testAccuracy), f(r.testFirstSpikeAccuracy), f(r.nudgedFraction),
                      String(format: "%.1f", r.synopsPerInference), String(r.trainSaturations), String(r.testSaturations),
                      String(r.sramBits), String(r.stateBits),
                      r.energyPerInference.map { String(format: "%.4f", $0 * 1e6) } ?? "",
                      r.energyPerTrainingImage.map { String(format: "%.4f", $0 * 1e6) } ?? "",
                      r.cyclesPerTickTrain.map { String(format: "%.2f", $0) } ?? "",
                      r.cyclesPerTickInference.map { String(format: "%.2f", $0) } ?? "",
                      r.logicTransistors.map(String.init) ?? "",
                      r.logicArea.map { String(format: "%.0f", $0) } ?? "",
                      r.sramArea.map { String(format: "%.0f", $0) } ?? "",
                      r.area.map { String(format: "%.0f", $0) } ?? "",
                      String(format: "%.2f", r.wallSeconds)]
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }

    static func quote(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    struct ResultsJSON: Codable {
        var spec: SweepSpec
        var shard: String?
        var points: [SweepResult]
        var float: SweepFloatBaseline?
    }

    public static func writeResults(spec: SweepSpec, results: [SweepResult], float: SweepFloatBaseline?, directory: String,
                                    shard: (k: Int, n: Int)?) throws {
        let sorted = results.sorted { $0.index < $1.index }
        try OutputFiles.write(csv(spec: spec, results: sorted), to: directory + "/results.csv")
        try writeJSON(ResultsJSON(spec: spec, shard: shard.map { "\($0.k)/\($0.n)" }, points: sorted, float: float),
                      to: directory + "/results.json")
        try OutputFiles.write(SweepPlot.svg(spec: spec, results: sorted, float: float), to: directory + "/plot.svg")
        if sorted.contains(where: { $0.energyPerInference != nil }) {
            try OutputFiles.write(SweepPlot.costSVG(.energy, spec: spec, results: sorted, float: float), to: directory + "/energy.svg")
        }
        if sorted.contains(where: { $0.area != nil }) {
            try OutputFiles.write(SweepPlot.costSVG(.area, spec: spec, results: sorted, float: float), to: directory + "/area.svg")
        }
    }

    public static func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try OutputFiles.write(e.encode(value), to: path)
    }

    public static func readJSON<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        guard let d = FileManager.default.contents(atPath: path) else { throw SweepError("cannot read \(path)") }
        return try JSONDecoder().decode(type, from: d)
    }
}
