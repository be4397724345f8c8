import XCTest
import Foundation
import Datasets
import HDL
import Blocks
@testable import Analysis
@testable import EqSpike

/// The report of a tiny real run on the shipped subset: every figure is there and its numbers
/// agree with what the Trainer wrote; the STDP recorder sees exactly the increments that reach the
/// crossbar's shadow array.
final class ReportTests: XCTestCase {
    /// A small, fast version of the 784-100-10 design (24 hidden neurons, 60 + 60 clocks).
    static let tiny = ["H=24", "T_free=60", "T_nudge=60", "readout_from=30", "readout_to=60", "eta=1e-3"]

    func trainTinyRun(_ name: String) throws -> (dir: String, metrics: [EpochMetrics]) {
        let dir = Repo.temporaryDirectory(name)
        let chip = try Chip(path: Repo.design100, overrides: Self.tiny)
        let (train, test) = try Repo.subsetData()
        var opts = TrainOptions(netlist: Repo.design100, outDirectory: dir)
        opts.overrides = Self.tiny
        opts.epochs = 2
        opts.trainLimit = 60
        opts.testLimit = 40
        opts.jobs = 2
        let trainer = Trainer(chip: chip, options: opts)
        trainer.log = { _ in }
        return (dir, try trainer.run(train: train, test: test))
    }

    func testReportOfATinyRunHasEveryFigureAndMatchesMetrics() throws {
        let (dir, metrics) = try trainTinyRun("report")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A second chip run (the same metrics with other test accuracies) and a C-EP run, made by
        // hand, for the mean/spread and the model groups of Fig. 2.
        let dir2 = dir + "-b", dirRate = dir + "-rate"
        defer { try? FileManager.default.removeItem(atPath: dir2); try? FileManager.default.removeItem(atPath: dirRate) }
        try FileManager.default.createDirectory(atPath: dir2, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dirRate, withIntermediateDirectories: true)
        let csv = try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8)
        var table = try MetricsTable(csv: csv)
        let ti = table.columns.firstIndex(of: "test_accuracy")!
        for k in table.rows.indices { table.rows[k][ti] = (table.rows[k][ti] ?? 0) + 0.1 }
        try ([table.columns.joined(separator: ",")] + table.rows.map { $0.map { $0.map { String($0) } ?? "" }.joined(separator: ",") })
            .joined(separator: "\n").write(toFile: dir2 + "/metrics.csv", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: dir + "/run.json", toPath: dir2 + "/run.json")
        try "\(EpochMetrics.csvHeader)\n1,60,0.500000,40,0.600000,,,1.000000,,,,,,1.000000,1.00\n"
            .write(toFile: dirRate + "/metrics.csv", atomically: true, encoding: .utf8)
        try "{\"model\": \"rate\", \"netlist\": \"\(Repo.design100)\", \"overrides\": []}".write(toFile: dirRate + "/run.json", atomically: true, encoding: .utf8)

        let runs = try [dir, dir2, dirRate].map { try RunDirectory.load($0) }
        XCTAssertEqual(runs.map(\.model), ["fixed", "fixed", "rate"])
        XCTAssertEqual(runs[0].overrides, Self.tiny)
        XCTAssertEqual(runs[0].testLimit, 40)
        XCTAssertNotNil(runs[0].checkpoint)
        XCTAssertNil(runs[2].checkpoint)
        let (train, test) = try Repo.subsetData()
        var opts = ReportOptions()
        opts.stdpImages = 6
        opts.jobs = 2
        let data = try ReportAnalysis.run(runs: runs, netlistOverride: nil, options: opts, train: train, test: test,
                                          makeChip: { try Chip(path: $0, overrides: $1) })
        let out = dir + "/report"
        let files = try ReportHTML.write(data, to: out)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)

        // Every figure and table.
        for id in ["fig2", "fig3", "fig3b", "fig4a", "fig4b", "fig4c", "fig5c", "raster", "membranes", "weights", "weight-changes"] {
            XCTAssertTrue(html.contains("<figure id=\"\(id)\"><svg"), "figure \(id) missing")
        }
        XCTAssertTrue(html.contains("Paper vs this model"))
        XCTAssertTrue(html.contains("Energy (SynOps"))
        XCTAssertFalse(html.contains("<script"), "no scripts")
        XCTAssertFalse(html.contains("src=\""), "no external assets")
        for f in ["fig2_accuracy.csv", "fig3_accuracy_vs_time.csv", "fig4_training.csv", "fig5c_stdp.csv", "raster.csv",
                  "membranes.csv", "w1_weights.csv", "w1_changes.csv", "energy.csv", "paper_vs_model.csv", "report.html"] {
            XCTAssertTrue(files.contains(out + "/" + f), "\(f) not written")
            XCTAssertTrue(html.contains(f) || f == "report.html", "\(f) not linked")
        }

        // Fig. 3 from the observer agrees with the Trainer's own test evaluation of the last epoch
        // (same checkpoint, same 40 images): first-spike readout at the deadline, the chip's rate
        // readout, mean first-spike clock, SynOps per inference.
        let last = try XCTUnwrap(metrics.last?.test)
        let curves = try XCTUnwrap(data.curves)
        XCTAssertEqual(curves.images, 40)
        XCTAssertEqual(curves.firstSpike[data.deadline], last.firstSpikeAccuracy, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(data.chipReadoutAccuracy), last.accuracy, accuracy: 1e-12)
        if last.meanFirstSpikeClock.isFinite { XCTAssertEqual(curves.meanFirstSpikeClock, last.meanFirstSpikeClock, accuracy: 1e-9) }
        let energy = try XCTUnwrap(data.energy)
        XCTAssertEqual(energy.inference.synopsFree, last.synopsFreePerImage, accuracy: 1e-9)
        XCTAssertEqual(energy.inference.spikesTotal, Double(last.spikesInput + last.spikesHidden + last.spikesOutput) / 40, accuracy: 1e-9)
        XCTAssertEqual(data.synopsByClock.count, 60)
        XCTAssertEqual(data.synopsByClock.last!, last.synopsFreePerImage, accuracy: 1e-9)
        // Training SynOps from metrics.csv.
        let trainSynops = metrics.reduce(0.0) { $0 + ($1.train.synopsFreePerImage + $1.train.synopsNudgePerImage) * Double($1.train.images) }
        XCTAssertEqual(energy.trainingSynops, trainSynops, accuracy: 1e-3 * trainSynops)

        // Fig. 2 CSV: the chip group's mean is the mean of the two chip runs; the C-EP group is its own.
        let fig2 = try MetricsTable(csv: String(contentsOfFile: out + "/fig2_accuracy.csv", encoding: .utf8)
            .replacingOccurrences(of: "EqSpike chip (fixed point)", with: "1").replacingOccurrences(of: "C-EP (rate-based reference)", with: "2"))
        for (k, m) in metrics.enumerated() {
            XCTAssertEqual(fig2.values("test_mean")[k], try XCTUnwrap(m.test?.accuracy) + 0.05, accuracy: 1e-5)
            XCTAssertEqual(fig2.values("test_std")[k], (0.005).squareRoot(), accuracy: 1e-5)   // sd of x and x + 0.1
            XCTAssertEqual(fig2.values("train_mean")[k], m.train.accuracy, accuracy: 1e-5)
        }
        XCTAssertEqual(fig2.values("model").last, 2)
        XCTAssertEqual(fig2.values("test_mean").last!, 0.6, accuracy: 1e-9)
        // Fig. 4 CSV: per-epoch values of the first run are metrics.csv's.
        let fig4 = try MetricsTable(csv: String(contentsOfFile: out + "/fig4_training.csv", encoding: .utf8)
            .replacingOccurrences(of: runs[1].name, with: "1").replacingOccurrences(of: runs[0].name, with: "0"))
        for (k, m) in metrics.enumerated() {
            XCTAssertEqual(fig4.values("nudged_fraction")[k], m.train.nudgedFraction, accuracy: 1e-5)
            XCTAssertEqual(fig4.values("spikes_per_neuron_per_image")[k], m.train.spikesPerNeuronPerImage(neurons: 784 + 24 + 10), accuracy: 1e-3)
        }
        // The comparison table carries the same numbers.
        XCTAssertEqual(try XCTUnwrap(data.model.testAccuracy), try XCTUnwrap(last.accuracy as Double?) + 0.05, accuracy: 1e-5)
        XCTAssertEqual(try XCTUnwrap(data.model.firstSpikeAccuracy), last.firstSpikeAccuracy, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(data.model.cepTestAccuracy), 0.6, accuracy: 1e-12)
        XCTAssertEqual(data.model.hidden, 24)
        XCTAssertTrue(html.contains(String(format: "%.2f%%", 100 * last.firstSpikeAccuracy)))
        // Fig. 5c: the design's random-sign rule split into its +beta and -beta images, and the
        // paper's positive-sign rule, each chip on the same 6 images.
        XCTAssertEqual(data.stdp.map(\.label), ["random sign, +beta images (beta 0.1)", "random sign, -beta images (beta 0.1)",
                                                "positive sign (paper), beta 0.1"])
        XCTAssertEqual(data.stdp.map(\.rule), [.random, .random, .positive])
        XCTAssertEqual(data.stdp.map(\.negative), [false, true, false])
        XCTAssertEqual(data.stdp[0].paper.images + data.stdp[1].paper.images, data.stdp[0].updateAnchored.images + data.stdp[1].updateAnchored.images)
        XCTAssertEqual(data.stdp[0].paper.images + data.stdp[1].paper.images + data.stdp[0].skipped, 6)
        XCTAssertEqual(data.stdp[2].paper.images + data.stdp[2].skipped, 6)
        XCTAssertGreaterThan(data.stdp[2].paper.events, 0)
        XCTAssertGreaterThan(data.stdp[2].updateAnchored.events, 0)
        XCTAssertTrue(html.contains("<figure id=\"fig5c-update\"><svg"))
        XCTAssertTrue(files.contains(out + "/fig5c_stdp_update_anchored.csv"))
        // The CSV: one mean and one event-count column per curve, one row per 2-clock bin of 0 ... 200.
        let fig5c = try String(contentsOfFile: out + "/fig5c_stdp.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(fig5c.first, "dt_bin_centre_clocks,random_plus_beta0.1_mean_update,random_plus_beta0.1_events,random_plus_beta0.1_images,"
                       + "random_minus_beta0.1_mean_update,random_minus_beta0.1_events,random_minus_beta0.1_images,"
                       + "positive_beta0.1_mean_update,positive_beta0.1_events,positive_beta0.1_images")
        XCTAssertEqual(fig5c.count, 101)
        XCTAssertEqual(fig5c[1].split(separator: ",", omittingEmptySubsequences: false).count, 10)
        // Raster and weights.
        let trace = try XCTUnwrap(data.trace)
        XCTAssertEqual(trace.clocks, trace.nudged ? 120 : 60)
        XCTAssertFalse(trace.input.isEmpty)
        XCTAssertEqual(data.weights?.tiles.count, 24)
        XCTAssertEqual(data.weights?.tiles.first?.count, 784)
    }

    /// What the LearningRecorder reads from the update port is exactly what accumulates in the
    /// deferred crossbar's shadow array before the commit.
    func testLearningRecorderSeesTheShadowIncrements() throws {
        let chip = try Chip(path: Repo.design100, overrides: Self.tiny)
        XCTAssertEqual((chip.w1 as? Crossbar)?.updateMode, .deferred)
        try chip.initialiseMemories(seed: 1)
        let (train, _) = try Repo.subsetData()
        let recorder = LearningRecorder(chip: chip)
        let check = ShadowCheck(chip: chip)
        chip.simulator.attach(recorder)
        chip.simulator.attach(check)
        let r = train.withImage(0) { recorder.present(pixels: $0, label: Int(train.labels[0])) }
        XCTAssertTrue(r.nudged)
        let snapshot = try XCTUnwrap(check.shadowAtApply)
        XCTAssertEqual(snapshot, check.expected, "port increments summed by the test = shadow array at the apply clock")
        XCTAssertTrue(snapshot.contains { $0 != 0 })
        // The recorder's real-valued events give the same sums (apply clock excluded).
        let image = try XCTUnwrap(recorder.lastImage)
        let H = chip.hiddenLayer.lanes, scale = (chip.w1 as! Crossbar).deltaFormat.toDouble(1)
        var sums = [Double](repeating: 0, count: chip.inputs * H)
        for u in image.updates where u.clock < check.applyClock {
            for i in 0 ..< chip.inputs where image.pre[i].contains(u.clock) {
                for h in 0 ..< H { sums[i * H + h] += u.deltas[h] }
            }
        }
        for k in sums.indices where sums[k] != Double(snapshot[k]) * scale {
            XCTFail("W1[\(k / H)][\(k % H)]: recorder \(sums[k]), shadow \(Double(snapshot[k]) * scale)")
            break
        }
        XCTAssertEqual(image.clocks, 120)
        XCTAssertEqual(recorder.paper[image.negative].images, 1)
        XCTAssertEqual(recorder.updateAnchored[image.negative].images, 1)
        XCTAssertEqual(recorder.paper[!image.negative].images, 0)
    }

    /// The recorder files each image under the sign the nudge unit applied while it was enabled,
    /// read here by another observer from the nudge current of a non-target output: with target
    /// y = 0 it is -beta * gamma * V / f_max <= 0 for a +beta image and >= 0 for a -beta one.
    func testLearningRecorderSplitsImagesByTheirNudgeSign() throws {
        let chip = try Chip(path: Repo.design100, overrides: Self.tiny)
        XCTAssertEqual(chip.nudge.sign, .random)
        try chip.initialiseMemories(seed: 1)
        let (train, _) = try Repo.subsetData()
        let recorder = LearningRecorder(chip: chip)
        let current = NudgeCurrentSign(chip: chip)
        chip.simulator.attach(recorder)
        chip.simulator.attach(current)
        var signs: [Bool] = []
        for i in 0 ..< 12 {
            current.reset()
            let (plus, minus) = (recorder.paper.plus.images, recorder.paper.minus.images)
            let r = train.withImage(i) { recorder.present(pixels: $0, label: Int(train.labels[i])) }
            guard r.nudged, let negative = current.negative else { continue }
            XCTAssertEqual(recorder.lastImage?.negative, negative, "image \(i)")
            // This image's events went to the histogram of its sign and nowhere else.
            XCTAssertEqual(recorder.paper.plus.images - plus, negative ? 0 : 1, "image \(i)")
            XCTAssertEqual(recorder.paper.minus.images - minus, negative ? 1 : 0, "image \(i)")
            signs.append(negative)
        }
        XCTAssertTrue(signs.contains(true) && signs.contains(false), "12 images should hold both signs: \(signs)")
        XCTAssertEqual(recorder.paper.minus.images, signs.filter { $0 }.count)
        XCTAssertEqual(recorder.paper.plus.images, signs.filter { !$0 }.count)
        XCTAssertEqual(recorder.paper.plus.images + recorder.paper.minus.images + recorder.skipped, 12)
    }
}

/// The sign of the nudge from the current of a non-target output lane while the nudge is enabled:
/// nil until a clock where it is non-zero.
final class NudgeCurrentSign: ClockObserver {
    let chip: Chip
    var negative: Bool? = nil
    init(chip: Chip) { self.chip = chip }
    func reset() { negative = nil }
    func sample(cycle: Int) {
        guard negative == nil else { return }
        let n = chip.nudge
        for k in 0 ..< n.lanes where n.target.pointer[k] == 0 && n.current.pointer[k] != 0 {
            negative = n.current.pointer[k] > 0
            return
        }
    }
}

/// Sums the raw row_delta of every spiking row on learning clocks, and takes the shadow array at
/// the start of the apply clock (whose own increments are added at its edge, with the commit).
final class ShadowCheck: ClockObserver {
    let chip: Chip
    var expected: [Int32]
    var shadowAtApply: [Int32]? = nil
    var applyClock = -1
    init(chip: Chip) {
        self.chip = chip
        expected = [Int32](repeating: 0, count: chip.w1.rows * chip.w1.cols)
    }
    func sample(cycle: Int) {
        let w1 = chip.w1 as! Crossbar
        guard shadowAtApply == nil, w1.learn.pointer[0] != 0 else { return }
        if w1.apply.pointer[0] != 0 {
            shadowAtApply = w1.shadowValues
            applyClock = cycle
            return
        }
        for i in 0 ..< w1.rows where w1.rowSpike.pointer[i] != 0 {
            for h in 0 ..< w1.cols { expected[i * w1.cols + h] &+= w1.rowDelta.pointer[h] }
        }
    }
}
