import XCTest
import Foundation
import Datasets
@testable import EqSpike

/// Same seed, same bits: two runs give byte-identical checkpoints, and a run interrupted mid-epoch
/// and resumed gives the same checkpoint and metrics as an uninterrupted one.
final class ReproducibilityTests: XCTestCase {
    // A smaller hidden layer and shorter phases keep the debug-build test quick; the mechanism is
    // the same as for the full design (stochastic rounding LFSRs included).
    let overrides = ["H=24", "T_free=60", "T_nudge=40", "readout_from=30", "readout_to=59", "eta=1e-3"]

    func train(_ name: String, seed: UInt64 = 1, interruptAt: Int? = nil, resume: Bool = false, out: String? = nil,
               extra: [String] = []) throws -> (String, Data, String) {
        let (trainSet, testSet) = try Repo.subsetData()
        let chip = try Chip(path: Repo.design100, overrides: overrides + extra)
        var opts = TrainOptions(netlist: Repo.design100, outDirectory: out ?? Repo.temporaryDirectory(name))
        opts.overrides = overrides + extra
        opts.epochs = 2
        opts.trainLimit = 60
        opts.testLimit = 20
        opts.seed = seed
        opts.resume = resume
        let trainer = Trainer(chip: chip, options: opts)
        trainer.log = { _ in }
        if let stop = interruptAt {
            trainer.afterEachImage = { epoch, k in if epoch == 1 && k == stop { Interrupt.request() } }
        }
        defer { Interrupt.clear() }
        _ = try trainer.run(train: trainSet, test: testSet)
        let ck = try Data(contentsOf: URL(fileURLWithPath: trainer.checkpointPath))
        let metrics = try String(contentsOfFile: trainer.metricsPath, encoding: .utf8)
        return (opts.outDirectory, ck, metrics)
    }

    func testSameSeedSameCheckpointBytes() throws {
        let a = try train("same-a")
        let b = try train("same-b")
        XCTAssertEqual(a.1, b.1, "two runs with the same seed must give identical checkpoints")
        let c = try train("other-seed", seed: 2)
        XCTAssertNotEqual(a.1, c.1, "another seed must give other weights")
    }

    func testInterruptedAndResumedRunEqualsUninterrupted() throws {
        let whole = try train("whole")
        let dir = Repo.temporaryDirectory("resumed")
        XCTAssertThrowsError(try train("resumed", interruptAt: 25, out: dir)) { e in
            guard case TrainError.interrupted = e else { return XCTFail("expected an interruption, got \(e)") }
        }
        let partial = try Checkpoint.read(from: dir + "/checkpoint.bin")
        XCTAssertEqual(partial.header.epoch, 1)
        XCTAssertEqual(partial.header.imageInEpoch, 25)
        let resumed = try train("resumed", resume: true, out: dir)
        XCTAssertEqual(resumed.1, whole.1, "resumed run must give the uninterrupted run's checkpoint")
        // Metrics agree except for wall time (last column).
        func strip(_ csv: String) -> [String] { csv.split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") } }
        XCTAssertEqual(strip(resumed.2), strip(whole.2))
        // run.json keeps the original record and one entry per resume (where it resumed from).
        let run = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/run.json"))) as? [String: Any])
        XCTAssertNotNil(run["seed"])
        let resumes = try XCTUnwrap(run["resumes"] as? [[String: Any]])
        XCTAssertEqual(resumes.count, 1)
        XCTAssertEqual(resumes.first?["from_epoch"] as? Int, 1)
        XCTAssertEqual(resumes.first?["from_image"] as? Int, 25)
    }

    /// lr_steps_per_epoch: the schedule changes inside an epoch (60 images, 3 steps of 20), a run
    /// interrupted in the middle of a step resumes bit for bit, and metrics.csv records the
    /// multiplier each epoch ended with.
    func testLearningRateStepsInsideAnEpochResumeBitForBit() throws {
        let steps = ["lr_steps_per_epoch=3", "lr_schedule=[1, 0.5, 0.25, 0.125]"]
        let whole = try train("steps-whole", extra: steps)
        let plain = try train("steps-plain")
        XCTAssertNotEqual(whole.1, plain.1, "steps inside the epoch must change the weights")
        let dir = Repo.temporaryDirectory("steps-resumed")
        XCTAssertThrowsError(try train("steps-resumed", interruptAt: 25, out: dir, extra: steps)) { e in
            guard case TrainError.interrupted = e else { return XCTFail("expected an interruption, got \(e)") }
        }
        XCTAssertEqual(try Checkpoint.read(from: dir + "/checkpoint.bin").header.imageInEpoch, 25)
        let resumed = try train("steps-resumed", resume: true, out: dir, extra: steps)
        XCTAssertEqual(resumed.1, whole.1, "resumed in step 2 of epoch 2 must give the uninterrupted run's checkpoint")
        let multipliers = whole.2.split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[13]) }
        XCTAssertEqual(multipliers, [0.25, 0.125], "epoch 1 ends in step 3 (x0.25); epoch 2's steps 4-6 clamp to the last entry")
    }

    func testLearningRateStepIndex() throws {
        var chip = try Chip(path: Repo.design100, overrides: ["H=8", "lr_steps_per_epoch=3", "lr_schedule=[8, 4, 2, 1, 0.5]"])
        let s = chip.settings
        // 10 images, 3 steps: images 0-3 step 0, 4-6 step 1, 7-9 step 2 (image * 3 / 10).
        XCTAssertEqual((0..<10).map { s.learningRateMultiplier(epoch: 0, image: $0, images: 10) }, [8, 8, 8, 8, 4, 4, 4, 2, 2, 2])
        XCTAssertEqual((0..<10).map { s.learningRateMultiplier(epoch: 1, image: $0, images: 10) }, [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
        XCTAssertEqual(s.learningRateMultiplier(epoch: 0), 8)
        // The golden model reads the same schedule and indexes it the same way.
        let g = try GoldenDesign(chip: chip).config
        XCTAssertEqual(g.etaStepsPerEpoch, 3)
        for e in 0..<2 { for i in 0..<10 { XCTAssertEqual(g.etaMultiplier(epoch: e, image: i, images: 10), s.learningRateMultiplier(epoch: e, image: i, images: 10)) } }
        // One step per epoch (the default): the epoch's entry for every image.
        chip = try Chip(path: Repo.design100, overrides: ["H=8", "lr_schedule=[1, 0.5]"])
        XCTAssertEqual((0..<10).map { chip.settings.learningRateMultiplier(epoch: 1, image: $0, images: 10) }, Array(repeating: 0.5, count: 10))
    }
}
