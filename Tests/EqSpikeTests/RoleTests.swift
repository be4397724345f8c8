import XCTest
import Foundation
import HDL
import Blocks
import Netlist
@testable import EqSpike

/// Roles are filled by what a block can do (its role protocol), not by its class or type name, and
/// the golden-model mapping reads the Circuit alone.
final class RoleTests: XCTestCase {
    static let tiny = Repo.path("hw-configs/eqspike-tiny.net")

    /// The tiny design with its three LIF banks declared as another block type.
    private func tinyWithRenamedNeurons() throws -> String {
        let text = try String(contentsOfFile: Self.tiny, encoding: .utf8)
        let renamed = text.replacingOccurrences(of: ": lif(", with: ": spiking_bank(")
        XCTAssertEqual(renamed.components(separatedBy: ": spiking_bank(").count, 4, "the tiny design has three LIF banks")
        let dir = Repo.temporaryDirectory("roles")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/renamed.net"
        try renamed.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testANewNeuronTypeFillsTheLayerRolesWithoutEditingChip() throws {
        // A block type Chip has never heard of: another name, the same cycle model. Chip asks only
        // that it be a NeuronLayer.
        let lif = LIFCore.blockType
        var registry = standardBlocks
        registry.register(BlockType(name: "spiking_bank", doc: "a LIF bank under another name", parameters: lif.parameters,
                                    interface: lif.interface, wiringRules: lif.wiringRules, cycleModel: lif.cycleModel))
        let design = try Netlist.load(path: tinyWithRenamedNeurons(), registry: registry)
        XCTAssertEqual(design.instance(named: "h")?.typeName, "spiking_bank")
        let chip = try Chip(design: design)
        let reference = try Chip(path: Self.tiny)
        try chip.initialiseMemories(seed: 3)
        try reference.initialiseMemories(seed: 3)
        let pixels = [UInt8]((0 ..< 16).map { UInt8($0 * 16) })
        let a = pixels.withUnsafeBufferPointer { chip.present(pixels: $0, label: 2, train: true) }
        let b = pixels.withUnsafeBufferPointer { reference.present(pixels: $0, label: 2, train: true) }
        XCTAssertEqual(a.prediction, b.prediction)
        XCTAssertEqual(a.spikes.hidden, b.spikes.hidden)
        XCTAssertGreaterThan(a.spikes.hidden + a.spikes.output, 0, "the image drives the network")
        XCTAssertEqual(chip.w1.weights, reference.w1.weights, "learning through the renamed banks is the same")
    }

    func testABlockThatCannotPlayARoleIsRefusedAtTheRole() throws {
        let text = try String(contentsOfFile: Self.tiny, encoding: .utf8)
            .replacingOccurrences(of: "role hidden = h\n", with: "role hidden = w1\n")
        let dir = Repo.temporaryDirectory("roles-wrong")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/wrong.net"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains("role hidden = w1") }! + 1
        XCTAssertThrowsError(try Chip(path: path)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("wrong.net:\(line):"), message)
            XCTAssertTrue(message.contains("role 'hidden' must be a neuron layer"), message)
            XCTAssertTrue(message.contains("'w1' is a crossbar"), message)
        }
    }

    func testTheGoldenMappingReadsTheCircuitAlone() throws {
        for name in ["eqspike-tiny.net", "eqspike-784-100-10.net", "eqspike-784-300-10.net"] {
            let path = Repo.path("hw-configs/" + name)
            let chip = try Chip(path: path)
            let fromChip = try GoldenDesign(chip: chip)
            let circuit = try Netlist.loadCircuit(path: path, registry: standardBlocks)
            let fromCircuit = try GoldenDesign(circuit: circuit, settings: chip.settings)
            XCTAssertEqual(fromCircuit.config, fromChip.config, name)
            XCTAssertEqual(fromCircuit.hiddenEstimator, fromChip.hiddenEstimator, name)
            XCTAssertEqual(fromCircuit.warnings, [], name)
            // Against the live cycle models, field by field (what the mapping read before it read the Circuit).
            let c = fromCircuit.config
            let h = try XCTUnwrap(chip.hiddenLayer as? LIFCore)
            XCTAssertEqual([c.inputs, c.hidden, c.outputs], [chip.inputLayer.lanes, h.lanes, chip.outputLayer.lanes])
            XCTAssertEqual([c.tFree, c.tNudge, c.readoutFrom, c.readoutTo], [chip.phase.tFree, chip.phase.tNudge, chip.phase.readoutFrom, chip.phase.readoutTo])
            XCTAssertEqual([c.threshold, c.uMin, c.gammaLIF], [h.threshold, h.uMin, h.leakConstant.nominal])
            XCTAssertEqual(c.tRefract, h.refractoryPeriod)
            XCTAssertEqual(c.reset == .subtract, h.resetMode == .subtract)
            XCTAssertEqual(c.integrateDuringRefractory, h.integratesWhileRefractory)
            XCTAssertEqual([c.fMax, c.beta, c.skipThreshold, c.gIn], [chip.nudge.fMax, chip.nudge.beta, chip.nudge.threshold, chip.encoder.gain])
            XCTAssertEqual(c.nudgeSignState, chip.nudge.signState ?? 0)
            let li = try XCTUnwrap(chip.simulator.block(named: fromCircuit.hiddenEstimator.li) as? LeakyIntegrator)
            let delay = try XCTUnwrap(chip.simulator.block(named: fromCircuit.hiddenEstimator.delay) as? DelayLine)
            let fir = try XCTUnwrap(chip.simulator.block(named: fromCircuit.hiddenEstimator.fir) as? FIRAverager)
            XCTAssertEqual([c.gammaLI, Double(c.tau), Double(c.nFilt)], [li.gammaConstant.nominal, Double(delay.depth), Double(fir.taps)])
            func rate(_ role: String) throws -> Double { try XCTUnwrap(chip.design.roles[role] as? Scaler).factorConstant.nominal }
            XCTAssertEqual([c.eta1, c.eta2, c.etaB], [try rate("eta1_h"), try rate("eta2_o"), try rate("etab_h") / c.fMax])
            XCTAssertEqual(c.updateMode.rawValue, (chip.w1 as? Crossbar)?.updateMode.rawValue)
        }
        // A design too big to build is still mapped: nothing is allocated.
        let huge = try Netlist.loadCircuit(path: Repo.path("hw-configs/eqspike-784-300-10.net"), registry: standardBlocks,
                                           overrides: ["H=60000"])
        let settings = try Chip(path: Repo.path("hw-configs/eqspike-784-300-10.net")).settings
        XCTAssertEqual(try GoldenDesign(circuit: huge, settings: settings).config.hidden, 60000)
    }
}
