import XCTest
import Foundation
import Datasets
@testable import EqSpike

/// `eqspike train --model float`: the golden model trained like the chip writes the chip's
/// metrics.csv columns.
final class GoldenTrainerTests: XCTestCase {
    static let small = ["H=24", "T_free=60", "T_nudge=60", "readout_from=30", "readout_to=60", "eta=1e-3"]

    func testFloatTrainingWritesTheChipsMetricsColumns() throws {
        let chip = try Chip(path: Repo.design100, overrides: Self.small)
        var opts = TrainOptions(netlist: Repo.design100, outDirectory: Repo.temporaryDirectory("float"))
        opts.overrides = Self.small
        opts.epochs = 2
        opts.trainLimit = 60
        opts.testLimit = 30
        let trainer = try GoldenTrainer(chip: chip, options: opts)
        trainer.log = { _ in }
        trainer.showProgress = false
        let (train, test) = try Repo.subsetData()
        let (metrics, net) = try trainer.run(train: train, test: test)
        XCTAssertEqual(metrics.count, 2)
        XCTAssertEqual(metrics.map(\.learningRateMultiplier), [1, 1])   // the design's lr_schedule (first two epochs)
        XCTAssertEqual(net.config.hidden, 24)
        let lines = try String(contentsOfFile: trainer.metricsPath, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(lines[0], EpochMetrics.csvHeader)
        XCTAssertTrue(lines[1].hasPrefix("1,60,"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("2,60,"), lines[2])
        XCTAssertEqual(lines[1].split(separator: ",", omittingEmptySubsequences: false).count, EpochMetrics.csvHeader.split(separator: ",").count)
        let test1 = try XCTUnwrap(metrics[0].test)
        XCTAssertEqual(test1.images, 30)
        XCTAssertGreaterThan(test1.synopsFreePerImage, 0)
        XCTAssertEqual(metrics[0].train.saturations, 0)
        let run = try String(contentsOfFile: opts.outDirectory + "/run.json", encoding: .utf8)
        XCTAssertTrue(run.contains("\"model\" : \"float\""))
        // Same settings, same numbers (deterministic).
        let again = try GoldenTrainer(chip: chip, options: { var o = opts; o.outDirectory = ""; return o }())
        again.log = { _ in }
        again.showProgress = false
        XCTAssertEqual(try again.run(train: train, test: test).metrics.map(\.csvLine.withoutLastField),
                       metrics.map(\.csvLine.withoutLastField))
    }

    /// The command-line path (`eqspike train --model float`), when the tool has been built beside
    /// the tests.
    func testCommandLineFloatTraining() throws {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("eqspike").path }
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("eqspike executable not found beside the test bundle (\(candidates))")
        }
        let out = Repo.temporaryDirectory("floatcli")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["train", Repo.design100, "--model", "float", "--data", Repo.subset, "--epochs", "1", "--train-limit", "30",
                       "--test-limit", "20", "--out", out] + Self.small.flatMap { ["--set", $0] }
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let lines = try String(contentsOfFile: out + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(String(lines[0]), EpochMetrics.csvHeader)
        XCTAssertTrue(lines[1].hasPrefix("1,30,"))
    }
}

/// A float run survives Ctrl-C and kills like the chip's: its checkpoint holds the network's
/// Doubles exactly, so a resumed run is bit-identical to an uninterrupted one; the two models'
/// checkpoints are never taken for each other.
final class GoldenResumeTests: XCTestCase {
    /// 784-100-10 (random-sign nudging: the sign register is part of the state), shrunk.
    static let small = ["H=24", "T_free=60", "T_nudge=40", "readout_from=30", "readout_to=59", "eta=1e-3"]

    func trainer(_ out: String, resume: Bool = false, epochs: Int = 3, validation: Int? = nil) throws -> GoldenTrainer {
        let chip = try Chip(path: Repo.design100, overrides: Self.small)
        var opts = TrainOptions(netlist: Repo.design100, outDirectory: out)
        opts.overrides = Self.small
        opts.epochs = epochs
        opts.trainLimit = 50
        opts.testLimit = 10
        opts.validation = validation
        opts.resume = resume
        let t = try GoldenTrainer(chip: chip, options: opts)
        t.log = { _ in }
        t.showProgress = false
        return t
    }

    /// Ctrl-C inside epochs 1 and 2 (and at an epoch's last image, before its evaluation), each
    /// followed by --resume: same checkpoint bytes and same metrics rows (wall time aside) as a
    /// run that was never stopped; with --validation too.
    func testInterruptedAndResumedFloatRunIsBitIdentical() throws {
        let (train, test) = try Repo.subsetData()
        for validation in [nil, 30] as [Int?] {
            let whole = Repo.temporaryDirectory("float-whole-\(validation ?? 0)")
            _ = try trainer(whole, validation: validation).run(train: train, test: test)
            let wholeBytes = try Data(contentsOf: URL(fileURLWithPath: whole + "/checkpoint.bin"))
            for stops in [[(0, 17)], [(1, 50), (2, 3)], [(0, 1), (0, 2), (1, 49)]] {
                let dir = Repo.temporaryDirectory("float-stopped-\(validation ?? 0)-\(stops.count)-\(stops[0].1)")
                var pending = stops
                var resume = false
                while true {
                    let t = try trainer(dir, resume: resume, validation: validation)
                    if let (e, k) = pending.first { t.afterEachImage = { epoch, image in if epoch == e && image == k { Interrupt.request() } } }
                    defer { Interrupt.clear() }
                    do {
                        _ = try t.run(train: train, test: test)
                        break
                    } catch TrainError.interrupted {
                        Interrupt.clear()
                        XCTAssertFalse(pending.isEmpty, "interrupted without a request")
                        pending.removeFirst()
                        let ck = try Checkpoint.read(from: dir + "/checkpoint.bin")
                        XCTAssertEqual(ck.header.model, "float")
                        resume = true
                    }
                }
                XCTAssertTrue(pending.isEmpty)
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/checkpoint.bin")), wholeBytes,
                               "stops \(stops): the resumed float run's state differs from the uninterrupted one's")
                XCTAssertEqual(try Self.rowsWithoutWallTime(dir), try Self.rowsWithoutWallTime(whole), "stops \(stops)")
                let record = try String(contentsOfFile: dir + "/run.json", encoding: .utf8)
                XCTAssertTrue(record.contains("\"resumes\""), "each resume is recorded in run.json")
            }
        }
    }

    /// metrics.csv with the wall_seconds column blanked (the one column that differs between runs).
    static func rowsWithoutWallTime(_ dir: String) throws -> [String] {
        let lines = try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let wall = try XCTUnwrap(lines.first?.split(separator: ",").firstIndex(of: "wall_seconds"))
        return lines.map { line in
            var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            f[wall] = ""
            return f.joined(separator: ",")
        }
    }

    /// SIGKILL at random moments of the command-line float run, each followed by --resume: the
    /// state and rows of an uninterrupted run, whatever moment each kill hit.
    func testKilledFloatRunResumesToTheUninterruptedRun() throws {
        _ = try Tool.require()
        let common = ["train", Repo.design100, "--model", "float", "--data", Repo.subset, "--epochs", "3", "--train-limit", "60",
                      "--test-limit", "10", "--jobs", "1", "--seed", "5"] + Self.small.flatMap { ["--set", $0] }
        let whole = Repo.temporaryDirectory("float-kill-whole")
        let t0 = Date()
        let w = try Tool.run(common + ["--out", whole])
        XCTAssertEqual(w.status, 0, w.stderr)
        let span = Date().timeIntervalSince(t0)
        let wholeBytes = try Data(contentsOf: URL(fileURLWithPath: whole + "/checkpoint.bin"))
        var rng = SeededGenerator(seed: 17)
        var kills = 0
        for cycle in 1...12 where kills < 8 {
            let dir = Repo.temporaryDirectory("float-kill-\(cycle)")
            var started = false, finished = false
            for _ in 0..<30 where !finished {
                let r = try Tool.runKilled(common + ["--out", dir] + (started ? ["--resume"] : []), after: Double(rng.next() % 1000) / 1000 * span)
                started = true
                if r.finished { XCTAssertEqual(r.status, 0, r.stderr); finished = true } else { kills += 1 }
                if FileManager.default.fileExists(atPath: dir + "/checkpoint.bin") {
                    XCTAssertNoThrow(try Checkpoint.read(from: dir + "/checkpoint.bin"), "a kill left a broken checkpoint")
                }
            }
            XCTAssertTrue(finished)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/checkpoint.bin")), wholeBytes, "cycle \(cycle)")
            XCTAssertEqual(try Self.rowsWithoutWallTime(dir), try Self.rowsWithoutWallTime(whole), "cycle \(cycle)")
        }
        XCTAssertGreaterThanOrEqual(kills, 4, "too few kills landed inside the runs")
    }

    /// A chip's checkpoint is not resumed as a float run, nor a float one as the chip's, nor
    /// evaluated as chip weights: each refusal says which model the checkpoint belongs to.
    func testChipAndFloatCheckpointsAreNotTakenForEachOther() throws {
        _ = try Tool.require()
        let sets = Self.small.flatMap { ["--set", $0] }
        let common = ["train", Repo.design100, "--data", Repo.subset, "--epochs", "1", "--train-limit", "20", "--test-limit", "5"] + sets
        let float = Repo.temporaryDirectory("float-vs-chip-float")
        XCTAssertEqual(try Tool.run(common + ["--model", "float", "--out", float]).status, 0)
        let chip = Repo.temporaryDirectory("float-vs-chip-chip")
        XCTAssertEqual(try Tool.run(common + ["--out", chip]).status, 0)
        let asChip = try Tool.run(common + ["--epochs", "2", "--resume", "--out", float])
        XCTAssertNotEqual(asChip.status, 0)
        XCTAssertTrue(asChip.stderr.contains("checkpoint of the float golden model's run: resume it with --model float"), asChip.stderr)
        let asFloat = try Tool.run(common + ["--epochs", "2", "--resume", "--model", "float", "--out", chip])
        XCTAssertNotEqual(asFloat.status, 0)
        XCTAssertTrue(asFloat.stderr.contains("checkpoint of the chip's run, not of the float golden model"), asFloat.stderr)
        let eval = try Tool.run(["eval", Repo.design100, "--data", Repo.subset, "--test-limit", "5", "--weights", float + "/checkpoint.bin"] + sets)
        XCTAssertNotEqual(eval.status, 0)
        XCTAssertTrue(eval.stderr.contains("checkpoint of the float golden model's run"), eval.stderr)
        // A new float run does not replace an existing one without --force.
        let again = try Tool.run(common + ["--model", "float", "--out", float])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already holds a run"), again.stderr)
    }
}

private extension String {
    /// The line without its last field (wall seconds).
    var withoutLastField: String { String(self[..<lastIndex(of: ",")!]) }
}
