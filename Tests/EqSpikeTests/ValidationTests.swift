import XCTest
import Foundation
import Datasets
@testable import EqSpike

/// `train --validation N`: the training file's last N images are never trained on, are evaluated
/// after every epoch like the test set, and leave the training bits what they would be without them.
final class ValidationTests: XCTestCase {
    let overrides = ["H=24", "T_free=60", "T_nudge=40", "readout_from=30", "readout_to=59", "eta=1e-3"]

    func train(_ name: String, file: LabeledImages, test: LabeledImages, validation: Int?, trainLimit: Int?,
               model: String = "fixed", interruptAt: Int? = nil, resume: Bool = false, out: String? = nil) throws -> TrainOptions {
        let chip = try Chip(path: Repo.design100, overrides: overrides)
        var opts = TrainOptions(netlist: Repo.design100, outDirectory: out ?? Repo.temporaryDirectory("validation-\(name)"))
        opts.overrides = overrides
        opts.epochs = 2
        opts.trainLimit = trainLimit
        opts.testLimit = 10
        opts.validation = validation
        opts.resume = resume
        if model == "float" {
            let g = try GoldenTrainer(chip: chip, options: opts)
            g.log = { _ in }
            g.showProgress = false
            _ = try g.run(train: file, test: test)
            return opts
        }
        let trainer = Trainer(chip: chip, options: opts)
        trainer.log = { _ in }
        if let stop = interruptAt {
            trainer.afterEachImage = { epoch, k in if epoch == 1 && k == stop { Interrupt.request() } }
        }
        defer { Interrupt.clear() }
        _ = try trainer.run(train: file, test: test)
        return opts
    }

    func rows(_ opts: TrainOptions) throws -> [[String: String]] {
        let text = try String(contentsOfFile: opts.outDirectory + "/metrics.csv", encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }

    func checkpoint(_ opts: TrainOptions) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: opts.outDirectory + "/checkpoint.bin"))
    }

    func testHeldOutImagesAreNotTrainedOnAndAreEvaluatedEachEpoch() throws {
        let (all, test) = try Repo.subsetData()
        let file = all.prefix(80)
        let held = try train("held", file: file, test: test, validation: 20, trainLimit: nil)
        let plain = try train("plain", file: file, test: test, validation: nil, trainLimit: 60)
        // Training on the first 60 with the last 20 held out is training on the first 60.
        XCTAssertEqual(try checkpoint(held), try checkpoint(plain))
        let r = try rows(held)
        XCTAssertEqual(r.count, 2)
        for row in r {
            XCTAssertEqual(row["train_images"], "60")
            XCTAssertEqual(row["validation_images"], "20")
        }
        // The last row's validation accuracy is the trained chip's accuracy on images 60..<80.
        let chip = try Chip(path: Repo.design100, overrides: overrides)
        try chip.restore(try Checkpoint.read(from: held.outDirectory + "/checkpoint.bin").entries)
        let e = Evaluator.evaluate(chips: [chip], images: file.subset(60 ..< 80))
        XCTAssertEqual(r[1]["validation_accuracy"], String(format: "%.6f", e.tally.accuracy))
        XCTAssertEqual(r[1]["validation_first_spike_accuracy"], String(format: "%.6f", e.tally.firstSpikeAccuracy))
        // A run without --validation keeps the columns it always had.
        XCTAssertNil(try rows(plain)[0]["validation_images"])
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: held.outDirectory + "/run.json"))) as? [String: Any]
        XCTAssertEqual(record?["validation"] as? Int, 20)
    }

    func testTrainLimitCountsTheImagesBeforeTheHeldOutOnes() throws {
        let (all, test) = try Repo.subsetData()
        let file = all.prefix(80)
        let opts = try train("limit", file: file, test: test, validation: 20, trainLimit: 30)
        let r = try rows(opts)
        XCTAssertEqual(r[0]["train_images"], "30")
        XCTAssertEqual(r[0]["validation_images"], "20", "the held-out images are the file's last, whatever the limit")
    }

    func testResumeWithValidationIsBitIdentical() throws {
        let (all, test) = try Repo.subsetData()
        let file = all.prefix(80)
        let whole = try train("whole", file: file, test: test, validation: 20, trainLimit: nil)
        let dir = Repo.temporaryDirectory("validation-cut")
        XCTAssertThrowsError(try train("cut", file: file, test: test, validation: 20, trainLimit: nil, interruptAt: 25, out: dir))
        let resumed = try train("cut", file: file, test: test, validation: 20, trainLimit: nil, resume: true, out: dir)
        XCTAssertEqual(try checkpoint(whole), try checkpoint(resumed))
        let strip = { (rows: [[String: String]]) in rows.map { $0.filter { $0.key != "wall_seconds" } } }
        XCTAssertEqual(strip(try rows(whole)), strip(try rows(resumed)))
        // Resuming with another split is resuming over other training data: refused.
        XCTAssertThrowsError(try train("cut", file: file, test: test, validation: 10, trainLimit: nil, resume: true, out: dir))
    }

    func testFloatModelHoldsOutTheSameImages() throws {
        let (all, test) = try Repo.subsetData()
        let file = all.prefix(50)
        let opts = try train("float", file: file, test: test, validation: 10, trainLimit: nil, model: "float")
        let r = try rows(opts)
        XCTAssertEqual(r[0]["train_images"], "40")
        XCTAssertEqual(r[0]["validation_images"], "10")
        XCTAssertNotNil(Double(r[1]["validation_accuracy"] ?? ""))
    }

    func testImpossibleSplitIsRefusedInWords() throws {
        let (all, test) = try Repo.subsetData()
        let file = all.prefix(30)
        XCTAssertThrowsError(try train("big", file: file, test: test, validation: 30, trainLimit: nil)) { e in
            XCTAssertTrue("\(e)".contains("--validation 30: the training file has 30 images"), "\(e)")
        }
    }
}
