import XCTest
import Foundation
import Datasets
@testable import EqSpike
@testable import Tooling

/// Sweeps: the grid, a split into shards merged back to the unsplit results.csv, resume.
final class SweepTests: XCTestCase {
    /// A tiny but real run per point: H=16, 40 + 40 clocks, 10 training and 5 test images.
    static let small = ["H=16", "T_free=40", "T_nudge=40", "readout_from=20", "readout_to=40", "eta=1e-3"]

    static func spec(_ axes: [String]) throws -> SweepSpec {
        try SweepSpec(netlist: Repo.design100, axes: (small + axes).map(SweepAxis.parse), trainLimit: 10, testLimit: 5,
                      epochs: 1, seed: nil, data: Repo.subset)
    }

    /// results.csv without its last column (wall_seconds, the only one that differs between runs).
    static func withoutWallTime(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            String(line[..<line.lastIndex(of: ",")!])
        }
    }

    /// The Pareto front keeps the points no other point beats on both accuracy and energy.
    func testParetoFrontOfAccuracyAndEnergy() throws {
        func point(_ i: Int, _ acc: Double, _ uj: Double?) -> SweepResult {
            var r = SweepResult(index: i, key: "\(i)", settings: [], status: "ok")
            r.testAccuracy = acc
            r.energyPerInference = uj.map { $0 * 1e-6 }
            return r
        }
        let points = [point(0, 0.90, 5), point(1, 0.95, 8), point(2, 0.93, 9), point(3, 0.97, 12), point(4, 0.89, 4), point(5, 0.99, nil)]
        XCTAssertEqual(SweepPlot.paretoFront(points).map(\.index), [4, 0, 1, 3])
        let svg = SweepPlot.costSVG(.energy, spec: try Self.spec([]), results: points, float: nil)
        XCTAssertTrue(svg.contains("Pareto front") && svg.hasPrefix("<svg"), String(svg.prefix(200)))
    }

    func testAxesAndGridOrder() throws {
        let a = try SweepAxis.parse("lr_schedule=[1,0.25],[1]")
        XCTAssertEqual(a.values, ["[1,0.25]", "[1]"])
        XCTAssertThrowsError(try SweepAxis.parse("weight="))
        XCTAssertThrowsError(try SweepAxis.parse("weight=s1.7,s1.7"))
        let s = try Self.spec(["weight=s1.7,s1.11", "w_rounding=nearest,stochastic,truncate"])
        XCTAssertEqual(s.pointCount, 6)
        XCTAssertEqual(s.varying.map(\.key), ["weight", "w_rounding"])
        // The first --set varies slowest.
        XCTAssertEqual(s.points.map { "\($0.value("weight")!)/\($0.value("w_rounding")!)" },
                       ["s1.7/nearest", "s1.7/stochastic", "s1.7/truncate", "s1.11/nearest", "s1.11/stochastic", "s1.11/truncate"])
        XCTAssertEqual(Set(s.points.map(\.key)).count, 6)
        XCTAssertTrue(s.points[0].overrides.contains("H=16"))
        XCTAssertThrowsError(try Self.spec(["H=8"]))   // H twice
    }

    /// Three shards, merged, give the unsplit sweep's results.csv; running a sweep again skips
    /// every recorded point; a lost point is run again alone.
    func testShardsMergeToTheUnsplitSweepAndResumeSkipsFinishedPoints() throws {
        let (train, test) = try Repo.subsetData()
        let spec = try Self.spec(["weight=s1.7,s1.11", "w_rounding=nearest,stochastic"])
        let root = Repo.temporaryDirectory("sweep")
        var logged: [String] = []
        let whole = SweepRunner(spec: spec, directory: root + "/whole")
        whole.jobs = 2
        whole.log = { logged.append($0) }
        let results = try whole.run(train: train, test: test)
        XCTAssertEqual(results.map(\.index), [0, 1, 2, 3])
        XCTAssertTrue(results.allSatisfy { $0.status == "ok" && $0.testImages == 5 && $0.trainImages == 10 }, "\(results)")
        XCTAssertEqual(results.map(\.weightBits), [8, 8, 12, 12])
        XCTAssertEqual(results.map(\.weightRounding), ["nearest", "stochastic", "nearest", "stochastic"])
        XCTAssertLessThan(results[0].sramBits, results[2].sramBits)
        XCTAssertGreaterThan(results[0].synopsPerInference, 0)
        // Activity energy and system cycles per point; wider weights read more SRAM bits per word.
        XCTAssertTrue(results.allSatisfy { ($0.energyPerInference ?? 0) > 0 && ($0.energyPerTrainingImage ?? 0) > 0 }, "\(results)")
        XCTAssertTrue(results.allSatisfy { ($0.cyclesPerTickTrain ?? 0) >= 1 && ($0.cyclesPerTickInference ?? 0) >= 1 })
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/whole/energy.svg"), "the accuracy-energy plot")
        XCTAssertGreaterThan(try XCTUnwrap(results[2].energyPerInference) / results[2].synopsPerInference,
                             try XCTUnwrap(results[0].energyPerInference) / results[0].synopsPerInference)

        var dirs: [String] = []
        for k in 0..<3 {
            let shard = SweepRunner(spec: spec, directory: root + "/shard\(k)")
            shard.shard = (k, 3)
            shard.log = { _ in }
            let mine = try shard.run(train: train, test: test)
            XCTAssertEqual(mine.map(\.index), [0, 1, 2, 3].filter { $0 % 3 == k })
            dirs.append(shard.directory)
        }
        let (found, missing) = try SweepRunner.merge(dirs, into: root + "/merged")
        XCTAssertEqual(found, 4)
        XCTAssertEqual(missing, [])
        let unsplit = try Self.withoutWallTime(whole.resultsCSVPath)
        XCTAssertEqual(unsplit.count, 5)
        XCTAssertEqual(try Self.withoutWallTime(root + "/merged/results.csv"), unsplit)
        XCTAssertTrue(try String(contentsOfFile: root + "/merged/plot.svg", encoding: .utf8).contains("<polyline"))

        // Resume: nothing left to run, same results.
        logged = []
        let again = SweepRunner(spec: spec, directory: root + "/whole")
        again.log = { logged.append($0) }
        let started = Date()
        _ = try again.run(train: train, test: test)
        XCTAssertLessThan(Date().timeIntervalSince(started), 1)
        XCTAssertTrue(logged.first?.contains("4 already recorded") ?? false, "\(logged)")
        XCTAssertTrue(logged.first?.contains("0 to run") ?? false, "\(logged)")
        XCTAssertFalse(logged.contains { $0.hasPrefix("point ") })
        XCTAssertEqual(try Self.withoutWallTime(again.resultsCSVPath), unsplit)

        // A lost record is run again, alone, with the same result.
        try FileManager.default.removeItem(atPath: again.recordPath(spec.point(2).key))
        logged = []
        _ = try again.run(train: train, test: test)
        XCTAssertEqual(logged.filter { $0.hasPrefix("point ") }.count, 1, "\(logged)")
        XCTAssertTrue(logged.contains { $0.hasPrefix("point 2 ") })
        XCTAssertEqual(try Self.withoutWallTime(again.resultsCSVPath), unsplit)

        // Merging an incomplete set of shards says what is missing.
        let partial = try SweepRunner.merge([dirs[0]], into: root + "/partial")
        XCTAssertEqual(partial.missing, [1, 2])
    }

    func testPlotHasOneLinePerRoundingModeAndTheFloatLine() throws {
        let spec = try Self.spec(["weight=s1.7,s1.11", "w_rounding=nearest,stochastic"])
        var results: [SweepResult] = []
        for p in spec.points {
            var r = SweepResult(index: p.index, key: p.key, settings: p.settings, status: "ok")
            r.weightBits = p.value("weight") == "s1.7" ? 8 : 12
            r.weightFormat = p.value("weight")!
            r.weightRounding = p.value("w_rounding")!
            r.testAccuracy = 0.5 + 0.01 * Double(p.index)
            results.append(r)
        }
        let float = SweepFloatBaseline(overrides: [], trainImages: 10, trainAccuracy: 0.5, testImages: 5, testAccuracy: 0.6,
                                       testFirstSpikeAccuracy: 0.5, synopsPerInference: 1, wallSeconds: 0)
        let svg = SweepPlot.svg(spec: spec, results: results, float: float)
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertTrue(svg.contains("w_rounding=nearest"))
        XCTAssertTrue(svg.contains("w_rounding=stochastic"))
        XCTAssertTrue(svg.contains("float 60.00%"))
        XCTAssertTrue(svg.hasPrefix("<?xml"))
        XCTAssertEqual(SweepPlot.widthAxis(spec, results), "weight")
    }
}
