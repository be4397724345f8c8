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

private extension String {
    /// The line without its last field (wall seconds).
    var withoutLastField: String { String(self[..<lastIndex(of: ",")!]) }
}
