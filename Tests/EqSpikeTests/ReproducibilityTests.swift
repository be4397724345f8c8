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

    func train(_ name: String, seed: UInt64 = 1, interruptAt: Int? = nil, resume: Bool = false, out: String? = nil) throws -> (String, Data, String) {
        let (trainSet, testSet) = try Repo.subsetData()
        let chip = try Chip(path: Repo.design100, overrides: overrides)
        var opts = TrainOptions(netlist: Repo.design100, outDirectory: out ?? Repo.temporaryDirectory(name))
        opts.overrides = overrides
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
}
