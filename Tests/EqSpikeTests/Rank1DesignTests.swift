import XCTest
import Foundation
import Datasets
import Blocks
import GoldenModel
import Netlist
@testable import EqSpike
@testable import Tooling

/// A design whose W1 crossbar runs `update = rank1` (docs/rank1-commit.md), on the tiny design:
/// the wiring rule at elaboration, the golden model's mapping, the fixed chip against the float
/// model in lockstep, and checkpoints (resume bit for bit, the fingerprint tells the modes apart).
final class Rank1DesignTests: XCTestCase {
    static let tiny = Repo.path("hw-configs/eqspike-tiny.net")
    static let rank1 = ["w1.update=rank1"]

    /// The shipped subset fitted to the tiny design as the CLI fits it (4 x 4, classes 0-3).
    static func tinyData() throws -> (train: LabeledImages, test: LabeledImages) {
        let (train, test) = try Repo.subsetData()
        return (try train.resampled(rows: 4, cols: 4).keeping(classesBelow: 4), try test.resampled(rows: 4, cols: 4).keeping(classesBelow: 4))
    }

    func testColumnUpdatesInRank1AreAnErrorAtTheConnection() throws {
        let source = try String(contentsOfFile: Self.tiny, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let line = try XCTUnwrap(source.firstIndex { $0.contains("-> w2.col_delta") })
        let column = try XCTUnwrap(source[line].range(of: "w2.col_delta")).lowerBound.utf16Offset(in: source[line]) + 1
        XCTAssertThrowsError(try Chip(path: Self.tiny, overrides: ["w2.update=rank1"])) { e in
            XCTAssertTrue("\(e)".contains("\(Self.tiny):\(line + 1):\(column): error: crossbar 'w2': update = rank1 factors only the row update "
                                          + "(row_spike x row_delta), so col_delta must stay unconnected"), "\(e)")
            XCTAssertEqual((e as? NetlistErrors)?.diagnostics.count, 1, "\(e)")
        }
        let chip = try Chip(path: Self.tiny, overrides: Self.rank1)
        XCTAssertEqual((chip.w1 as? Crossbar)?.updateMode, .rank1)
        XCTAssertEqual((chip.w2 as? Crossbar)?.updateMode, .deferred, "only w1 changes")
        XCTAssertEqual(chip.biases.map(\.updateMode), [.deferred, .deferred])
    }

    func testGoldenModelRunsRank1ForW1() throws {
        let design = try GoldenDesign(chip: try Chip(path: Self.tiny, overrides: Self.rank1))
        XCTAssertEqual(design.config.updateMode, .rank1)
        XCTAssertEqual(design.warnings, [])
        let odd = try GoldenDesign(chip: try Chip(path: Self.tiny, overrides: Self.rank1 + ["w2.update=immediate"]))
        XCTAssertEqual(odd.warnings, ["w1 is rank1 but w2 is immediate; the golden model uses deferred for w2"])
        XCTAssertEqual(try GoldenDesign(chip: try Chip(path: Self.tiny)).config.updateMode, .deferred)
    }

    /// The chip (neuron-path formats at 20 fraction bits, delta s1.30) and the float model learn an
    /// image in lockstep on the tiny design with a rank-1 W1, for four images (each from the same
    /// initial memories: over several images a single differing spike, at a threshold tie, lets
    /// the two models drift apart, whatever the update mode). Every spike and nudge decision
    /// agrees, and every W1 word is within one LSB of the float model's, which is what stochastic
    /// rounding of the same n A / T allows; the float model's deferred W1 is 10+ LSBs away (the
    /// comparison tells the modes apart).
    func testFixedAndFloatAgreeInLockstep() throws {
        let overrides = Self.rank1 + ["eta=2e-3", "g_in=0.999", "delta=s1.30"] + CompareTests.precision(20)
        let (train, _) = try Self.tinyData()
        func run(image: Int, goldenMode: GoldenConfig.UpdateMode? = nil) throws -> CompareReport {
            let chip = try Chip(path: Self.tiny, overrides: overrides)
            try chip.initialiseMemories(seed: 1)
            let c = try Comparison(chip: chip)
            if let m = goldenMode {
                var g = c.golden.config
                g.updateMode = m
                try c.golden.setConfig(g)
            }
            train.withImage(image) { _ = c.run(pixels: $0, label: Int(train.labels[image]), learn: true) }
            return c.report(netlist: Self.tiny, overrides: overrides)
        }
        for image in 0..<4 {
            let r = try run(image: image)
            XCTAssertEqual(r.nudgedImages, 1, r.text)
            XCTAssertEqual(r.nudgeDisagreements, 0, r.text)
            XCTAssertEqual(r.spikes.reduce(0) { $0 + $1.differing }, 0, r.text)
            let ws = try XCTUnwrap(r.weights)
            XCTAssertEqual(ws.map(\.memory), ["w1", "w2", "b_h", "b_o"])
            for w in ws {
                XCTAssertLessThan(w.maxLSB, 1.05, "image \(image) \(w.memory)\n\(r.text)")
                XCTAssertLessThan(w.meanLSB, 0.5, "image \(image) \(w.memory)\n\(r.text)")
            }
            let mismatched = try run(image: image, goldenMode: .deferred)
            let w1 = try XCTUnwrap(mismatched.weights?.first { $0.memory == "w1" })
            XCTAssertGreaterThan(w1.maxLSB, 10, "image \(image): a deferred float W1 is far from the chip's rank-1 W1")
        }
    }

    /// A rank-1 training run interrupted mid-epoch and resumed gives the uninterrupted run's
    /// checkpoint bytes; the checkpoint holds the rank-1 state, and a deferred design's
    /// checkpoint is refused (its fingerprint differs).
    func testInterruptedRank1RunResumesBitIdentically() throws {
        let (train, test) = try Self.tinyData()
        func run(_ name: String, interruptAt: Int? = nil, resume: Bool = false, out: String? = nil) throws -> Data {
            let chip = try Chip(path: Self.tiny, overrides: Self.rank1)
            var opts = TrainOptions(netlist: Self.tiny, outDirectory: out ?? Repo.temporaryDirectory(name))
            opts.overrides = Self.rank1
            opts.epochs = 2
            opts.trainLimit = 80
            opts.testLimit = 20
            opts.resume = resume
            let trainer = Trainer(chip: chip, options: opts)
            trainer.log = { _ in }
            if let stop = interruptAt { trainer.afterEachImage = { epoch, k in if epoch == 1 && k == stop { Interrupt.request() } } }
            defer { Interrupt.clear() }
            _ = try trainer.run(train: train, test: test)
            return try Data(contentsOf: URL(fileURLWithPath: trainer.checkpointPath))
        }
        let whole = try run("rank1-whole")
        let dir = Repo.temporaryDirectory("rank1-resumed")
        XCTAssertThrowsError(try run("rank1-resumed", interruptAt: 30, out: dir))
        let partial = try Checkpoint.read(from: dir + "/checkpoint.bin")
        XCTAssertEqual(partial.header.imageInEpoch, 30)
        let names = partial.entries.map(\.name)
        for n in ["w1/row_counts", "w1/col_accumulators", "w1/clock_count", "w2/shadow"] { XCTAssertTrue(names.contains(n), n) }
        XCTAssertFalse(names.contains("w1/shadow"))
        XCTAssertEqual(try run("rank1-resumed", resume: true, out: dir), whole, "resumed run must give the uninterrupted run's checkpoint")

        let deferred = try Chip(path: Self.tiny)
        XCTAssertNotEqual(deferred.fingerprint, partial.header.fingerprint)
        XCTAssertThrowsError(try deferred.restore(partial.entries))
        let rank1 = try Chip(path: Self.tiny, overrides: Self.rank1)
        XCTAssertEqual(rank1.fingerprint, partial.header.fingerprint)
        try rank1.restore(partial.entries)
        XCTAssertEqual(rank1.persistentState().map(\.values), partial.entries.map(\.values))
        // The counters are registers (probes see them); their width is part of the fingerprint.
        XCTAssertEqual(rank1.w1.registers.map { "\($0.name):\($0.lanes):\($0.format)" },
                       ["row_counts:16:u8.0", "col_accumulators:8:s1.23", "clock_count:1:u8.0"])
        XCTAssertEqual(rank1.w2.registers.count, 0)
        XCTAssertNotEqual(try Chip(path: Self.tiny, overrides: Self.rank1 + ["w1.rank1_bits=7"]).fingerprint, rank1.fingerprint)
    }
}
