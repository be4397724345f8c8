import XCTest
import Foundation
import Datasets
@testable import EqSpike

/// Issue 13: the bits of a run depend on nothing but the design, the seed and the training data;
/// a run survives a kill at any moment; bad input to train and resume is refused before any work.
final class RunReliabilityTests: XCTestCase {
    /// The 784-100-10 design (random-sign nudging, whose sign LFSR evaluation used to advance),
    /// shrunk so that a debug build trains it in seconds.
    let small = ["H=24", "T_free=60", "T_nudge=40", "readout_from=30", "readout_to=59", "eta=1e-3"]

    func trainer(_ out: String, jobs: Int = 1, testLimit: Int = 20, trainLimit: Int = 60, epochs: Int = 2,
                 resume: Bool = false, extra: [String] = []) throws -> Trainer {
        let chip = try Chip(path: Repo.design100, overrides: small + extra)
        var opts = TrainOptions(netlist: Repo.design100, outDirectory: out)
        opts.overrides = small + extra
        opts.epochs = epochs
        opts.trainLimit = trainLimit
        opts.testLimit = testLimit
        opts.jobs = jobs
        opts.resume = resume
        let t = Trainer(chip: chip, options: opts)
        t.log = { _ in }
        return t
    }

    /// The columns of metrics.csv that training alone determines (not test, not wall time): with
    /// the energy of a training image (column 14), which a resume must carry across its checkpoint.
    static func trainingColumns(_ path: String) throws -> [String] {
        let keep = [0, 1, 2, 7, 8, 9, 10, 12, 13, 14]
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return keep.map { String(f[$0]) }.joined(separator: ",")
        }
    }

    func testTrainingBitsDependNeitherOnJobsNorOnTheTestSet() throws {
        let (train, test) = try Repo.subsetData()
        var checkpoints: [Data] = []
        var columns: [[String]] = []
        for (jobs, testLimit) in [(1, 20), (2, 20), (1, 3), (3, 7)] {
            let t = try trainer(Repo.temporaryDirectory("bits-\(jobs)-\(testLimit)"), jobs: jobs, testLimit: testLimit)
            _ = try t.run(train: train, test: test)
            checkpoints.append(try Data(contentsOf: URL(fileURLWithPath: t.checkpointPath)))
            columns.append(try Self.trainingColumns(t.metricsPath))
        }
        for k in 1..<checkpoints.count {
            XCTAssertEqual(checkpoints[k], checkpoints[0], "checkpoint bytes of run \(k) differ: evaluation moved training state")
            XCTAssertEqual(columns[k], columns[0], "training columns of metrics.csv of run \(k) differ")
        }
    }

    func testEvaluationLeavesTheTrainingChipUntouched() throws {
        let (_, test) = try Repo.subsetData()
        let chip = try Chip(path: Repo.design100, overrides: small)
        try chip.initialiseMemories(seed: 3)
        let before = chip.persistentState()
        let copies = try Evaluator.replicas(of: chip, jobs: 2)
        XCTAssertFalse(copies.contains { $0 === chip })
        _ = Evaluator.evaluate(chips: copies, images: test, count: 10)
        let after = chip.persistentState()
        XCTAssertEqual(before.count, after.count)
        XCTAssertTrue(zip(before, after).allSatisfy { $0.name == $1.name && $0.values == $1.values })
        XCTAssertNotEqual(copies[0].nudge.signState, chip.nudge.signState, "the copies did run (their sign LFSR moved)")
    }

    /// SIGKILL at random moments of a short run of the tiny design, each followed by --resume:
    /// the final checkpoint is byte-identical to an uninterrupted run's and metrics.csv has one
    /// row per epoch, whatever moment each kill hit.
    func testKilledAtRandomMomentsAndResumedEqualsUninterrupted() throws {
        _ = try Tool.require()
        let common = ["train", "hw-configs/eqspike-tiny.net", "--data", Repo.subset, "--epochs", "4", "--train-limit", "40",
                      "--test-limit", "10", "--jobs", "1", "--seed", "7"]
        let whole = Repo.temporaryDirectory("kill-whole")
        let w = try Tool.run(common + ["--out", whole])
        XCTAssertEqual(w.status, 0, w.stderr)
        let wholeBytes = try Data(contentsOf: URL(fileURLWithPath: whole + "/checkpoint.bin"))
        // How long a whole run takes, so the kills spread over all of it (start-up included).
        let t0 = Date()
        let probe = Repo.temporaryDirectory("kill-probe")
        XCTAssertEqual(try Tool.run(common + ["--out", probe]).status, 0)
        let span = Date().timeIntervalSince(t0)

        // Kill-and-resume cycles: each starts a run in a fresh directory, then SIGKILLs it (or
        // its resumption) at a random moment until a resumption finishes, and requires the
        // uninterrupted run's checkpoint and rows. Cycles go on until 20 kills have landed, so
        // the count does not depend on how fast this machine is today.
        var rng = SeededGenerator(seed: 2026)
        var kills = 0
        var cycle = 0
        var completed: [String] = []
        while kills < 20 {
            cycle += 1
            XCTAssertLessThan(cycle, 30, "too few kills landed (\(kills)): the runs finish before their kill")
            if cycle >= 30 { break }
            let dir = Repo.temporaryDirectory("kill-resumed-\(cycle)")
            var started = false
            var finished = false
            for _ in 0..<40 where !finished {
                let delay = Double(rng.next() % 1000) / 1000 * span
                let r = try Tool.runKilled(common + ["--out", dir] + (started ? ["--resume"] : []), after: delay)
                started = true
                if r.finished {
                    XCTAssertEqual(r.status, 0, "a run or resumption that was not killed must succeed: \(r.stderr)")
                    finished = true
                } else {
                    kills += 1
                }
                // Whatever the moment, what is on disk is a consistent run.
                if FileManager.default.fileExists(atPath: dir + "/checkpoint.bin") {
                    XCTAssertNoThrow(try Checkpoint.read(from: dir + "/checkpoint.bin"), "a kill left a broken checkpoint")
                }
            }
            XCTAssertTrue(finished)
            completed.append(dir)
            let resumed = try Data(contentsOf: URL(fileURLWithPath: dir + "/checkpoint.bin"))
            XCTAssertEqual(resumed, wholeBytes, "after kills and resumes the checkpoint differs from the uninterrupted run's")
            XCTAssertEqual(try Self.trainingColumns(dir + "/metrics.csv"), try Self.trainingColumns(whole + "/metrics.csv"))
            let rows = try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            XCTAssertEqual(rows.map { String($0.prefix { $0 != "," }) }, ["1", "2", "3", "4"], "exactly one row per epoch")
        }
        // Once complete, a further resume succeeds with nothing to do (a kill can land after the
        // last checkpoint, and the requeued resume must then end) and changes nothing.
        let done = try XCTUnwrap(completed.first)
        let metricsBefore = try Data(contentsOf: URL(fileURLWithPath: done + "/metrics.csv"))
        let last = try Tool.run(common + ["--out", done, "--resume"])
        XCTAssertEqual(last.status, 0, last.stderr)
        XCTAssertTrue(last.stderr.contains("already completed 4 epoch(s): nothing to do"), last.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: done + "/metrics.csv")), metricsBefore)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: done + "/checkpoint.bin")), wholeBytes)
    }

    func testResumeOverOtherTrainingDataIsRefused() throws {
        let (train, test) = try Repo.subsetData()
        let dir = Repo.temporaryDirectory("other-data")
        let t = try trainer(dir, trainLimit: 30, epochs: 1)
        _ = try t.run(train: train, test: test)
        let metrics = try String(contentsOfFile: t.metricsPath, encoding: .utf8)
        let r = try trainer(dir, trainLimit: 40, epochs: 2, resume: true)
        XCTAssertThrowsError(try r.run(train: train, test: test)) { e in
            XCTAssertTrue("\(e)".contains("30 images per epoch, this one 40"), "\(e)")
        }
        // Same count, other images: also refused.
        let shuffled = train.shuffled(seed: 9)
        XCTAssertThrowsError(try trainer(dir, trainLimit: 30, epochs: 2, resume: true).run(train: shuffled, test: test)) { e in
            XCTAssertTrue("\(e)".contains("other images"), "\(e)")
        }
        XCTAssertEqual(try String(contentsOfFile: t.metricsPath, encoding: .utf8), metrics, "a refused resume changes nothing")
    }

    func testResumeOfACompleteRunSucceedsAndWritesNothing() throws {
        let (train, test) = try Repo.subsetData()
        let dir = Repo.temporaryDirectory("complete")
        _ = try trainer(dir, epochs: 2).run(train: train, test: test)
        let files = try ["run.json", "metrics.csv", "checkpoint.bin"].map { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)) }
        var said = ""
        let again = try trainer(dir, epochs: 2, resume: true)
        again.log = { said += $0 }
        XCTAssertEqual(try again.run(train: train, test: test).count, 0, "no epoch trained")
        XCTAssertTrue(said.contains("already completed 2 epoch(s): nothing to do"), said)
        XCTAssertEqual(try ["run.json", "metrics.csv", "checkpoint.bin"].map { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)) }, files)
    }

    func testResumePastTheEndIsAnErrorAndRecordsNothing() throws {
        let (train, test) = try Repo.subsetData()
        let dir = Repo.temporaryDirectory("past-end")
        _ = try trainer(dir, epochs: 2).run(train: train, test: test)
        let run = try Data(contentsOf: URL(fileURLWithPath: dir + "/run.json"))
        XCTAssertThrowsError(try trainer(dir, epochs: 1, resume: true).run(train: train, test: test)) { e in
            XCTAssertTrue("\(e)".contains("already completed 2 epoch"), "\(e)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/run.json")), run, "no bogus resume record")
    }

    func testANewRunDoesNotOverwriteAnExistingOneWithoutForce() throws {
        let (train, test) = try Repo.subsetData()
        let dir = Repo.temporaryDirectory("overwrite")
        let first = try trainer(dir, epochs: 1)
        _ = try first.run(train: train, test: test)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: first.checkpointPath))
        XCTAssertThrowsError(try trainer(dir, epochs: 1, extra: ["seed=5"]).run(train: train, test: test)) { e in
            XCTAssertTrue("\(e)".contains("already holds a run") && "\(e)".contains("--resume") && "\(e)".contains("--force"), "\(e)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: first.checkpointPath)), bytes)
        let forced = try trainer(dir, epochs: 1, extra: ["seed=5"])
        var o = forced.options
        o.force = true
        let f = Trainer(chip: forced.chip, options: o)
        f.log = { _ in }
        _ = try f.run(train: train, test: test)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: first.checkpointPath)), bytes)
    }

    func testStoredWordFormatsAreInTheFingerprint() throws {
        let a = try Chip(path: Repo.design100, overrides: small + ["weight=s1.15"])
        let b = try Chip(path: Repo.design100, overrides: small + ["weight=s3.13"])
        XCTAssertNotEqual(a.fingerprint, b.fingerprint, "weights stored as s1.15 must not load as s3.13")
        let c = try Chip(path: Repo.design100, overrides: small + ["weight=s1.15"])
        XCTAssertEqual(a.fingerprint, c.fingerprint)
    }

    func testDataThatDoesNotFitIsRefusedBeforeAnyWork() throws {
        let (train, test) = try Repo.subsetData()
        let small14 = try test.resampled(rows: 14, cols: 14)
        let dir = Repo.temporaryDirectory("misfit")
        XCTAssertThrowsError(try trainer(dir, epochs: 1).run(train: train, test: small14)) { e in
            XCTAssertTrue("\(e)".contains("14x14"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/checkpoint.bin"), "nothing is written before the data are checked")
        let empty = train.prefix(0)
        XCTAssertThrowsError(try trainer(Repo.temporaryDirectory("empty-train"), epochs: 1).run(train: empty, test: test)) { e in
            XCTAssertTrue("\(e)".contains("training set is empty"), "\(e)")
        }
        XCTAssertThrowsError(try trainer(Repo.temporaryDirectory("empty-test"), epochs: 1).run(train: train, test: test.prefix(0))) { e in
            XCTAssertTrue("\(e)".contains("test set is empty"), "\(e)")
        }
        // --test-limit 0 is a deliberate run without evaluation.
        XCTAssertNoThrow(try trainer(Repo.temporaryDirectory("no-test"), testLimit: 0, epochs: 1).run(train: train, test: test.prefix(0)))
    }

    func testForgedCheckpointHeadersAreRefused() throws {
        let chip = try Chip(path: Repo.design100, overrides: small)
        try chip.initialiseMemories(seed: 1)
        func forged(_ edit: (inout Checkpoint.Header) -> Void) throws -> CheckpointError? {
            var h = Checkpoint.Header(design: "d", fingerprint: chip.fingerprint, epoch: 1, imageInEpoch: 0, seed: 1, version: "t")
            h.run = RunIdentity(trainImages: 60, trainData: "0")
            edit(&h)
            let bytes = try Checkpoint(header: h, entries: chip.persistentState()).encoded()
            do { _ = try Checkpoint.decode([UInt8](bytes), path: "forged.bin"); return nil } catch { return error }
        }
        XCTAssertNil(try forged { _ in })
        for edit: (inout Checkpoint.Header) -> Void in [{ $0.epoch = -1 }, { $0.epoch = 1_000_000_000 }, { $0.imageInEpoch = -5 },
                                                        { $0.imageInEpoch = 1_000_000 }, { $0.run = RunIdentity(trainImages: -3, trainData: "") },
                                                        { $0.imageInEpoch = 5; $0.partial = EpochTally(classes: 10, firstSpikeDeadline: 20) }] {
            let e = try forged(edit)
            XCTAssertNotNil(e)
            XCTAssertTrue("\(e.map { "\($0)" } ?? "")".hasPrefix("forged.bin: bad header"), "\(String(describing: e))")
        }
        var bad = EpochTally(classes: 10, firstSpikeDeadline: 20)
        bad.images = 5
        bad.correct = -1
        XCTAssertNotNil(try forged { $0.imageInEpoch = 5; $0.partial = bad })
    }

    /// A resume of a run killed before its first checkpoint starts the run over (same bits).
    func testResumeBeforeTheFirstCheckpointStartsOver() throws {
        let (train, test) = try Repo.subsetData()
        let whole = try trainer(Repo.temporaryDirectory("early-whole"), epochs: 1)
        _ = try whole.run(train: train, test: test)
        let dir = Repo.temporaryDirectory("early")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "{}".write(toFile: dir + "/run.json", atomically: true, encoding: .utf8)
        let r = try trainer(dir, epochs: 1, resume: true)
        _ = try r.run(train: train, test: test)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: r.checkpointPath)),
                       try Data(contentsOf: URL(fileURLWithPath: whole.checkpointPath)))
    }

    /// Ctrl-C inside a very long image stops within about a second and keeps the last consistent
    /// checkpoint (the one written at the start).
    func testInterruptInsideALongImageStopsPromptly() throws {
        let (train, test) = try Repo.subsetData()
        let dir = Repo.temporaryDirectory("long-image")
        let t = try trainer(dir, epochs: 1, extra: ["T_free=100000000", "readout_from=30", "readout_to=59"])
        defer { Interrupt.clear() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { Interrupt.request() }
        let started = Date()
        XCTAssertThrowsError(try t.run(train: train, test: test)) { e in
            guard case TrainError.interrupted = e else { return XCTFail("expected an interruption, got \(e)") }
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "an image of 10^8 clocks must not run to its end")
        let ck = try Checkpoint.read(from: t.checkpointPath)
        XCTAssertEqual(ck.header.epoch, 0)
        XCTAssertEqual(ck.header.imageInEpoch, 0)
    }
}
