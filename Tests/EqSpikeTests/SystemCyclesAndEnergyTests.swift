import XCTest
import Blocks
@testable import EqSpike

/// System cycles per tick (the RTL's clock) and the activity energy account, on 784-100-10.
final class SystemCyclesAndEnergyTests: XCTestCase {
    func chip(_ overrides: [String] = []) throws -> Chip {
        let c = try Chip(path: Repo.design100, overrides: overrides)
        try c.initialiseMemories(seed: 1)
        return c
    }

    func present(_ c: Chip, images: Int, train: Bool) throws -> [ImageResult] {
        let (trainSet, _) = try Repo.subsetData()
        return (0..<images).map { i in trainSet.withImage(i) { c.present(pixels: $0, label: Int(trainSet.labels[i]), train: train) } }
    }

    /// The port width changes the cycles, never a bit; a tick's cycles are its read and update
    /// cycles plus the commit, and a tick with nothing to read takes one cycle.
    func testCyclesFollowThePortWidthAndChangeNoBit() throws {
        let narrow = try chip(), wide = try chip(["w1.port_words=64", "w2.port_words=64"])
        let a = try present(narrow, images: 2, train: true), b = try present(wide, images: 2, train: true)
        XCTAssertEqual(a.map(\.counts), b.map(\.counts))
        XCTAssertEqual(narrow.persistentState().map(\.values), wide.persistentState().map(\.values), "the port width changed a stored bit")
        XCTAssertEqual(narrow.systemCycles.ticks, a.reduce(0) { $0 + $1.clocks })
        XCTAssertEqual(narrow.systemCycles.total, a.reduce(0) { $0 + $1.systemCycles })
        XCTAssertGreaterThan(narrow.systemCycles.total, wide.systemCycles.total)
        XCTAssertGreaterThanOrEqual(narrow.systemCycles.min, 1)
        // Every tick of a training image, recounted from the crossbars' word counters alone: a
        // W1 row is 100 words (7 accesses of 16), a W2 row 10 words (1 access), a W2 column 100
        // (7); reads take their accesses + 1, updates and sweeps 2 per access; the tick is the
        // slowest reader, then the slowest updater, then the commit cycle.
        let c = try chip()
        let (trainSet, _) = try Repo.subsetData()
        trainSet.withImage(0) { c.load(pixels: $0, label: Int(trainSet.labels[0]), train: true) }
        let w1 = try XCTUnwrap(c.crossbars.first { $0.name == "w1" } as? Crossbar)
        let w2 = try XCTUnwrap(c.crossbars.first { $0.name == "w2" } as? Crossbar)
        func counters() -> [Int] {
            [w1.rowReads, w1.rowWrites, w1.commitWrites, w2.rowReads, w2.colReads, w2.rowWrites, w2.colWrites, w2.commitWrites]
        }
        var last = counters()
        var checked = 0, withUpdates = 0
        _ = c.runImage(afterClock: { _ in
            let now = counters()
            let d = zip(now, last).map { $0 - $1 }
            last = now
            let r1 = d[0] / 100 * 7, r2 = d[3] / 10 + d[4] / 100 * 7
            let u1 = 2 * (d[1] / 100 * 7 + d[2] / 100 * 7), u2 = 2 * (d[5] / 10 + d[6] / 100 * 7 + d[7] / 10)
            let expected = max(r1 == 0 ? 0 : r1 + 1, r2 == 0 ? 0 : r2 + 1) + max(u1, u2) + 1
            XCTAssertEqual(c.lastTickSystemCycles, expected, "tick \(checked)")
            checked += 1
            if u1 + u2 > 0 { withUpdates += 1 }
            return true
        })
        XCTAssertGreaterThan(checked, 200)
        XCTAssertGreaterThan(withUpdates, 50, "the nudge phase's updates were counted")
    }

    func testReadCyclesCountAccessesOfThePort() throws {
        let c = try chip()
        let (trainSet, _) = try Repo.subsetData()
        trainSet.withImage(0) { c.load(pixels: $0, label: Int(trainSet.labels[0]), train: false) }
        let w1 = c.crossbars.first { $0.name == "w1" } as! Crossbar
        var before = w1.rowReads
        var seen = 0
        _ = c.runImage(afterClock: { _ in
            let words = w1.rowReads - before   // words read by W1's row read this tick: 100 per spiking input
            before = w1.rowReads
            let rows = words / 100
            XCTAssertEqual(w1.tickReadCycles, rows == 0 ? 0 : rows * 7 + 1, "\(rows) spiking input rows through a 16-word port")
            if rows > 0 { seen += 1 }
            return true
        })
        XCTAssertGreaterThan(seen, 10)
    }

    func testEnergyMovesTheRightWayAndAddsUp() throws {
        var perInference: [Double] = []
        var sramW1: [Double] = []
        for weight in ["s1.7", "s1.15"] {
            let c = try chip(["weight=\(weight)"])
            let before = c.activity
            _ = try present(c, images: 2, train: false)
            let blocks = c.energy(from: before, to: c.activity, costs: c.settings.energy)
            let total = blocks.reduce(0) { $0 + $1.total }
            XCTAssertEqual(total, blocks.reduce(0) { $0 + $1.sram + $1.arithmetic + $1.registers }, accuracy: total * 1e-12)
            perInference.append(total / 2)
            sramW1.append(try XCTUnwrap(blocks.first { $0.block == "w1" }).sram)
            XCTAssertGreaterThan(try XCTUnwrap(blocks.first { $0.block == "h" }).arithmetic, 0)
        }
        XCTAssertGreaterThan(sramW1[1], 1.9 * sramW1[0], "16-bit words cost about twice 8-bit ones (and the array is larger)")
        XCTAssertGreaterThan(perInference[1], perInference[0])
        // The event costs at Horowitz's figures, and monotone between them.
        let e = EventEnergies()
        XCTAssertEqual(e.sramPerBit(arrayBits: 8 * 8 * 1024), 10.0 / 64, accuracy: 1e-12)
        XCTAssertEqual(e.sramPerBit(arrayBits: 8 * 1024 * 1024), 100.0 / 64, accuracy: 1e-12)
        XCTAssertLessThan(e.sramPerBit(arrayBits: 8 * 100 * 1024), e.sramPerBit(arrayBits: 8 * 200 * 1024))
        XCTAssertEqual(e.add(32), 0.1, accuracy: 1e-12)
        XCTAssertEqual(e.multiply(32), 3.1, accuracy: 1e-9)
        XCTAssertEqual(e.multiply(8), 0.2, accuracy: 1e-12)
    }

    /// The first-spike readout's energy is that of clocks 0 ... deadline: less than the whole free phase's.
    func testEnergyByTheFirstSpikeDeadline() throws {
        let c = try chip()
        XCTAssertNil(try present(c, images: 1, train: false).first?.activityAtDeadline, "not recorded unless asked")
        c.recordsReadoutActivity = true
        let r = try XCTUnwrap(try present(c, images: 1, train: false).first)
        let a = try XCTUnwrap(r.activityAtStart), b = try XCTUnwrap(r.activityAtDeadline)
        XCTAssertEqual(b.clocks - a.clocks, c.settings.firstSpikeDeadline + 1)
        let byDeadline = c.energy(from: a, to: b, costs: c.settings.energy).reduce(0) { $0 + $1.total }
        let whole = c.energy(from: a, to: c.activity, costs: c.settings.energy).reduce(0) { $0 + $1.total }
        XCTAssertGreaterThan(byDeadline, 0)
        XCTAssertLessThan(byDeadline, whole)
    }

    /// An event cost is a netlist key, settable with --set.
    func testEventCostsAreSettable() throws {
        let c = try chip(["energy_add32_pj=1"])   // a key of the netlist's experiment section
        XCTAssertEqual(c.settings.energy.add32, 1)
        XCTAssertThrowsError(try chip(["energy_add32_pj=-1"]))
    }

    /// metrics.csv's energy columns: a training image's is the training chip's whole account over
    /// the epoch (evaluation runs on replicas), a test inference's is what `eval` of the
    /// checkpoint counts on the same images (one job against the trainer's two); a checkpoint's
    /// partial epoch carries its counters, so the figure survives a resume (RunReliabilityTests
    /// compares the column after kills).
    func testTrainingMetricsCarryEnergyPerImage() throws {
        let (train, test) = try Repo.subsetData()
        let dir = Repo.temporaryDirectory("energy-metrics")
        var opts = TrainOptions(netlist: Repo.design100, outDirectory: dir)
        opts.epochs = 1
        opts.trainLimit = 40
        opts.testLimit = 20
        opts.jobs = 2
        let trainer = Trainer(chip: try Chip(path: Repo.design100), options: opts)
        trainer.log = { _ in }
        let m = try XCTUnwrap(try trainer.run(train: train, test: test).last)
        let lines = try String(contentsOfFile: trainer.metricsPath, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(String(lines[0]), EpochMetrics.csvHeader(validation: false, energy: true))
        XCTAssertTrue(lines[0].hasSuffix(",wall_seconds"), "wall_seconds stays the last column")
        let row = Dictionary(uniqueKeysWithValues: zip(lines[0].split(separator: ",").map(String.init),
                                                       lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        let trainingUJ = try XCTUnwrap(Double(row["energy_per_training_image_uj"] ?? ""))
        let inferenceUJ = try XCTUnwrap(Double(row["energy_per_inference_uj"] ?? ""))
        let whole = trainer.chip.totalEnergy(of: trainer.chip.activity) / 40
        XCTAssertEqual(trainingUJ, whole * 1e6, accuracy: 1e-4)
        XCTAssertEqual(try XCTUnwrap(m.energy?.training), whole, accuracy: whole * 1e-12)
        let frozen = try Chip(path: Repo.design100)
        try frozen.restore(try Checkpoint.read(from: trainer.checkpointPath).entries)
        let e = Evaluator.evaluate(chips: [frozen], images: test, count: 20)
        let inference = frozen.totalEnergy(of: try XCTUnwrap(e.tally.activity)) / 20
        XCTAssertEqual(inferenceUJ, inference * 1e6, accuracy: 1e-4)
        XCTAssertEqual(try XCTUnwrap(m.energy?.inference), inference, accuracy: inference * 1e-12)
        // Training costs more than inference (the nudge phase, the updates, the commit sweeps).
        XCTAssertGreaterThan(trainingUJ, 1.5 * inferenceUJ)
        XCTAssertGreaterThan(inferenceUJ, 0)
    }
}
