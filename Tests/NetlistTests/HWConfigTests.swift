import Blocks
import Foundation
import HDL
@testable import Netlist
import XCTest

/// The repository's hw-configs directory (found from this file's path).
let hwConfigs: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("hw-configs").path
}()

let designFiles = ["eqspike-784-100-10.net", "eqspike-784-300-10.net", "eqspike-tiny.net"]

/// The three shipped designs elaborate against the real block registry.
final class HWConfigTests: XCTestCase {
    func load(_ file: String, overrides: [String] = []) throws -> Design {
        do {
            return try Netlist.load(path: "\(hwConfigs)/\(file)", registry: standardBlocks, overrides: overrides)
        } catch {
            XCTFail("\(file):\n\(error)")
            throw error
        }
    }

    /// What the learning system (EqSpike's Chip and ExperimentSettings) reads: every role of its
    /// type, its keys, and nothing left unread.
    func testDesignsGiveTheLearningSystemWhatItReads() throws {
        for f in designFiles {
            let d = try load(f)
            var r = d.experimentReader()
            // The 784 designs use the float model's recommended phases and schedule
            // (docs/experiments.md); the tiny design keeps DESIGN.md's starting point.
            let recommended = f.contains("784")
            for (role, type) in [("encoder", "pixel_encoder"), ("input", "lif"), ("hidden", "lif"), ("output", "lif"),
                                 ("w1", "crossbar"), ("w2", "crossbar"), ("nudge", "nudge"), ("phase", "phase_controller"),
                                 ("readout", "spike_counter")] {
                XCTAssertNotNil(r.role(role, type: type), "\(f): \(role)")
            }
            for b in d.experiment.roles where b.role.hasPrefix("bias") { _ = r.role(b.role, type: "bias") }
            for b in d.experiment.roles where b.role.hasPrefix("eta") { _ = r.role(b.role, type: "scale") }
            XCTAssertEqual(r.int("epochs", in: 1...100_000, default: 1), recommended ? 50 : 2, f)
            _ = r.int("seed", in: 0...Int(Int32.max), default: 1)
            XCTAssertEqual(r.real("init_scale", in: 0...10, default: 0.5), 0.5)
            // 784 designs: x1/2 every 6 epochs to 1/16, then every 10 (results/schedule-search)
            let levels: [(multiplier: Double, epochs: Int)] = [(1, 6), (0.5, 6), (0.25, 6), (0.125, 6), (0.0625, 6), (0.03125, 10), (0.015625, 10)]
            let long: [Double] = levels.flatMap { Array(repeating: $0.multiplier, count: $0.epochs) }
            XCTAssertEqual(r.reals("lr_schedule", in: 0...1e6, default: [1]), recommended ? long : [1, 0.25], f)
            XCTAssertEqual(r.int("lr_steps_per_epoch", in: 1...1_000_000, default: 1), 1, f)   // whole-epoch steps
            XCTAssertEqual(r.real("synop_energy_pj", in: 0...1e9, default: 10), 10)
            XCTAssertEqual(r.int("first_spike_deadline", in: 1...1_000_000, default: 20), 20)
            // The activity energy account's event costs (Horowitz, ISSCC 2014, 45 nm), in every design.
            for (key, value) in [("energy_add8_pj", 0.03), ("energy_add32_pj", 0.1), ("energy_mult8_pj", 0.2), ("energy_mult32_pj", 3.1),
                                 ("energy_sram8kb_read64_pj", 10), ("energy_sram32kb_read64_pj", 20), ("energy_sram1mb_read64_pj", 100),
                                 ("energy_flop_fj", 2)] {
                XCTAssertEqual(r.real(key, in: 0...1e6, default: -1), value, "\(f): \(key)")
            }
            XCTAssertNoThrow(try r.finish(), "\(f): every other key is used by the netlist itself")
            // The starting point of DESIGN.md, as the blocks see it.
            let ctrl = try XCTUnwrap(d.instance(named: "ctrl")?.parameters)
            XCTAssertEqual([ctrl.int("t_free"), ctrl.int("t_nudge"), ctrl.int("readout_from"), ctrl.int("readout_to")], recommended ? [130, 100, 80, 130] : [100, 100, 50, 100], f)
            let nudge = try XCTUnwrap(d.instance(named: "nudge")?.parameters)
            XCTAssertEqual(nudge.real("beta"), 0.1)
            XCTAssertEqual(nudge.real("threshold"), 0.01)
            XCTAssertEqual(nudge.int("window"), 50)
            XCTAssertEqual(d.instance(named: "eta1_h")?.parameters.real("factor"), 2.5e-4)
            // W2 and the biases at the full eta (the 784 designs can, with the random nudge sign)
            XCTAssertEqual(try XCTUnwrap(d.instance(named: "eta2_o")?.parameters.real("factor")), 2.5e-4, accuracy: 1e-12, f)
            XCTAssertEqual(try XCTUnwrap(d.instance(named: "etab_h")?.parameters.real("factor")), 1.25e-4, accuracy: 1e-12, f)
            // 784 designs: random nudge sign, and every learning rate follows it
            XCTAssertEqual(nudge.word("sign"), recommended ? "random" : "positive", f)
            let nudgeBlock = try XCTUnwrap(d.instance(named: "nudge")?.block as? NudgeUnit)
            for b in d.experiment.roles where b.role.hasPrefix("eta") {
                let scale = try XCTUnwrap(d.instance(named: b.instance)?.block)
                let wire = d.simulator.connections.first { $0.destination === scale.port(named: "negate") }
                XCTAssertEqual(wire?.source === nudgeBlock.negative, recommended, "\(f): \(b.instance).negate")
            }
            XCTAssertEqual(d.instance(named: "dl_h")?.parameters.int("depth"), 20)
            XCTAssertEqual(d.instance(named: "f_h")?.parameters.int("taps"), 20)
            XCTAssertEqual(d.instance(named: "li_h")?.parameters.real("gamma"), 0.1)
            XCTAssertEqual(d.instance(named: "h")?.parameters.int("refractory"), 2)
            XCTAssertEqual(d.instance(named: "w1")?.parameters.word("update"), "deferred")
            XCTAssertEqual(d.clock.periodSeconds, 10e-6, accuracy: 1e-15)
            XCTAssertFalse(d.probes.isEmpty)
        }
    }

    func testSizesAndOverrides() throws {
        let sizes = try designFiles.map { f -> [Int] in
            let d = try load(f)
            let w1 = try XCTUnwrap(d.instance(named: "w1")?.parameters), w2 = try XCTUnwrap(d.instance(named: "w2")?.parameters)
            return [w1.int("rows"), w1.int("cols"), w2.int("rows"), w2.int("cols")]
        }
        XCTAssertEqual(sizes, [[784, 100, 100, 10], [784, 300, 300, 10], [16, 8, 8, 4]])
        let d = try load("eqspike-tiny.net", overrides: ["H=5", "T_free=60", "readout_from=10", "readout_to=60", "experiment.beta=0.2",
                                                          "update_mode=immediate", "h.u=s3.13"])
        XCTAssertEqual(d.instance(named: "w2")?.parameters.int("rows"), 5)
        XCTAssertEqual(d.instance(named: "ctrl")?.parameters.int("t_free"), 60)
        XCTAssertEqual(d.instance(named: "nudge")?.parameters.int("window"), 50)
        XCTAssertEqual(d.instance(named: "nudge")?.parameters.real("beta"), 0.2)
        XCTAssertEqual(d.instance(named: "b_o")?.parameters.word("update"), "immediate")
        XCTAssertEqual(d.instance(named: "h")?.parameters.format("u").description, "s3.13")
        XCTAssertThrowsError(try Netlist.load(path: "\(hwConfigs)/eqspike-tiny.net", registry: standardBlocks, overrides: ["Hh=3"])) { e in
            XCTAssertEqual("\(e)", "<command-line>:1:1: error: unknown parameter 'Hh' (did you mean 'H'?)")
        }
    }

    /// The example in hw-configs/README.md elaborates.
    func testReadmeExample() throws {
        let readme = try String(contentsOfFile: "\(hwConfigs)/README.md", encoding: .utf8)
        let afterHeading = try XCTUnwrap(readme.range(of: "## An example\n\n```\n"))
        let end = try XCTUnwrap(readme.range(of: "```\n", range: afterHeading.upperBound..<readme.endIndex))
        let example = String(readme[afterHeading.upperBound..<end.lowerBound])
        let d = try Netlist.elaborate(source: example, path: "README.md", registry: standardBlocks)
        XCTAssertEqual(d.instances.map(\.name), ["enc", "x", "count", "ctrl"])
        XCTAssertEqual(d.experiment["lr_schedule"], .list([.int(1), .real(0.25)]))
        XCTAssertEqual(d.instance(named: "ctrl")?.parameters.int("readout_from"), 50)
        XCTAssertEqual(d.probes.count, 3)
    }

    /// The tiny design runs: with a pixel current the input layer spikes and the phase
    /// controller finishes its free phase.
    func testTinyDesignSteps() throws {
        let d = try load("eqspike-tiny.net")
        let sim = d.simulator
        sim.reset()
        let enc = try XCTUnwrap(d.roles["encoder"] as? PixelEncoder)
        enc.load(pixels: [UInt8](repeating: 200, count: enc.lanes))   // what the host does per image
        var inputSpikes = 0
        for _ in 0..<100 {
            sim.step()
            inputSpikes += try XCTUnwrap(sim.signal("x.spike")).values.reduce(0) { $0 + Int($1) }
        }
        XCTAssertGreaterThan(inputSpikes, 100, "16 inputs at pixel 200/255 fire at ~0.4 per clock")
        XCTAssertEqual(sim.cycle, 100)
    }

    func testDesignsElaborate() throws {
        for f in designFiles {
            let d = try load(f)
            let budget = DesignBudget(d)
            XCTAssertGreaterThan(budget.totalBits, 0)
            XCTAssertEqual(budget.synopEnergyPicojoules, 10)
            print(budget.text)
        }
    }
}
