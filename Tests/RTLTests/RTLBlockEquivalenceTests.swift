import XCTest
import Datasets
import EqSpike
import RTL
import Tooling

/// Every block type alone against its RTL, on random inputs: blocks under test are added to the
/// tiny design beside its learning system, each input driven by an `lfsr` block through a
/// wrapping resize (so every bit pattern of the input format occurs, spikes and learn/apply
/// strobes included), and co-simulation compares every output and register on every tick and the
/// memories at every image end. Several parameter sets per type: formats at their extremes (1 and
/// 24+ bits), one lane and many, every rounding and overflow mode, immediate and deferred updates,
/// SRAM ports of 1, 3 and 64 words, several LFSR seeds.
final class RTLBlockEquivalenceTests: XCTestCase {
    /// The stimulus sources: four independent random banks of 12 lanes.
    static let sources = """

    # Random stimulus (RTLBlockEquivalenceTests): every input of the blocks below comes from these.
    block rnd_a: lfsr(lanes = 12, seed = 101)
    block rnd_b: lfsr(lanes = 12, seed = 202)
    block rnd_c: lfsr(lanes = 12, seed = 303)
    block rnd_d: lfsr(lanes = 12, seed = 404, reseed_on_reset = true)

    """

    /// Blocks under test and their wiring, one parameter set per entry.
    static let parameterSets: [String] = [
        // Neuron path.
        """
        block t_lif: lif(lanes = 12, u = s2.14, current = s2.14, threshold = 0.5, u_min = -1, refractory = 2, reset = subtract)
        connect rnd_a.bits -> t_lif.current resize(truncate, wrap)
        block t_lif1: lif(lanes = 1, u = s1.3, current = s3.9, threshold = 0.25, u_min = -0.5, refractory = 1, reset = zero)
        connect rnd_b.bits[3] -> t_lif1.current resize(truncate, wrap)
        block t_li: li(lanes = 12, v = u4.12, gamma = 0.1)
        connect rnd_c.bits -> t_li.spike resize(truncate, wrap)
        block t_li1: li(lanes = 1, v = u2.22, gamma = 0.125, leak_mode = shift)
        connect rnd_d.bits[5] -> t_li1.spike resize(truncate, wrap)
        block t_dl: delay(lanes = 12, depth = 3, format = s5.12)
        connect rnd_a.bits -> t_dl.x resize(truncate, wrap)
        block t_fir: fir(lanes = 12, taps = 5, input = s5.12, output = s4.16, rounding = nearestEven)
        connect rnd_b.bits -> t_fir.x resize(truncate, wrap)
        block t_fir1: fir(lanes = 1, taps = 7, input = s2.4, output = s1.10, rounding = truncate)
        connect rnd_c.bits[0] -> t_fir1.x resize(truncate, wrap)
        block t_add: adder(lanes = 12, terms = 3, signs = pmp, format = s3.8, overflow = wrap)
        connect rnd_a.bits -> t_add.in0 resize(truncate, wrap)
        connect rnd_b.bits -> t_add.in1 resize(truncate, wrap)
        connect rnd_c.bits -> t_add.in2 resize(truncate, wrap)
        block t_sc: scale(lanes = 12, input = s4.16, output = s1.23, factor = 0.0003, rounding = nearestEven)
        connect rnd_d.bits -> t_sc.x resize(truncate, wrap)
        block t_cnt: spike_counter(lanes = 12, count = u3.0, bypass = false)
        connect rnd_a.bits -> t_cnt.spike resize(truncate, wrap)
        connect rnd_b.bits[2] -> t_cnt.enable resize(truncate, wrap)
        """,
        // Memories: immediate and deferred crossbars through narrow and wide ports, a bias.
        """
        block t_xi: crossbar(rows = 12, cols = 5, weight = s1.7, current = s3.7, delta = s1.11, rounding = stochastic, update = immediate, seed = 9, port_words = 3)
        connect rnd_a.bits -> t_xi.row_spike resize(truncate, wrap)
        connect rnd_b.bits[0:4] -> t_xi.col_spike resize(truncate, wrap)
        connect rnd_c.bits[0:4] -> t_xi.row_delta resize(truncate, wrap)
        connect rnd_d.bits -> t_xi.col_delta resize(truncate, wrap)
        connect rnd_b.bits[7] -> t_xi.learn resize(truncate, wrap)
        block t_xd: crossbar(rows = 12, cols = 7, weight = s1.15, current = s6.15, delta = s1.23, rounding = nearestEven, overflow = wrap, update = deferred, seed = 5, port_words = 1, read_rounding = truncate)
        connect rnd_c.bits -> t_xd.row_spike resize(truncate, wrap)
        connect rnd_a.bits[0:6] -> t_xd.col_spike resize(truncate, wrap)
        connect rnd_b.bits[0:6] -> t_xd.row_delta resize(truncate, wrap)
        connect rnd_d.bits -> t_xd.col_delta resize(truncate, wrap)
        connect rnd_a.bits[8] -> t_xd.learn resize(truncate, wrap)
        connect rnd_c.bits[9] -> t_xd.apply resize(truncate, wrap)
        block t_xs: crossbar(rows = 12, cols = 3, weight = s1.7, current = s4.7, delta = s1.15, rounding = stochastic, update = deferred, seed = 77, port_words = 64)
        connect rnd_d.bits -> t_xs.row_spike resize(truncate, wrap)
        connect rnd_a.bits[0:2] -> t_xs.row_delta resize(truncate, wrap)
        connect rnd_b.bits[10] -> t_xs.learn resize(truncate, wrap)
        connect rnd_c.bits[11] -> t_xs.apply resize(truncate, wrap)
        block t_b: bias(lanes = 12, weight = s2.6, delta = s1.15, rounding = stochastic, update = deferred, seed = 31)
        connect rnd_a.bits -> t_b.delta resize(truncate, wrap)
        connect rnd_d.bits[1] -> t_b.learn resize(truncate, wrap)
        connect rnd_c.bits[2] -> t_b.apply resize(truncate, wrap)
        block t_bi: bias(lanes = 3, weight = s1.7, delta = s1.7, rounding = truncate, overflow = wrap, update = immediate)
        connect rnd_b.bits[0:2] -> t_bi.delta resize(truncate, wrap)
        connect rnd_a.bits[4] -> t_bi.learn resize(truncate, wrap)
        """,
    ]

    func netlist(_ blocks: String, name: String) throws -> String {
        let base = try String(contentsOfFile: RTLTests.tiny, encoding: .utf8)
        let path = NSTemporaryDirectory() + "eqspike-block-equivalence-\(name)-\(ProcessInfo.processInfo.processIdentifier).net"
        try (base + Self.sources + blocks + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func check(_ set: Int, simulator: HDLSimulator, images: Int) throws {
        if let m = simulator.missing { throw XCTSkip("\(simulator.rawValue): \(m)") }
        let path = try netlist(Self.parameterSets[set], name: "set\(set)")
        let chip = try Chip(path: path)
        try chip.initialiseMemories(seed: 3)
        let data = try RTLCosimTests.tinyTrainingImages()
        let dir = RTLCosimTests.directory("blocks-\(set)-\(simulator.rawValue)")
        let r = try Cosim.run(chip: chip, images: data, count: images, learn: true, simulator: simulator, directory: dir, userRTL: nil)
        XCTAssertNil(r.mismatch, r.mismatch?.description ?? "")
        XCTAssertEqual(r.images, images)
        XCTAssertGreaterThanOrEqual(r.ticks, 200 * images)
        XCTAssertEqual(r.rtlCycles, r.modelCycles)
    }

    /// The neuron-path blocks, 2,000 ticks of random inputs under Verilator.
    func testNeuronPathBlocksOnRandomInputs() throws { try check(0, simulator: .verilator, images: 10) }

    /// Crossbars (immediate, deferred, stochastic, wrap; ports of 1, 3 and 64 words; row and
    /// column reads and updates with random strobes) and biases, 2,000 ticks under Verilator.
    func testMemoryBlocksOnRandomInputs() throws { try check(1, simulator: .verilator, images: 10) }

    /// The same memories under Icarus (a shorter run: Icarus is slower).
    func testMemoryBlocksOnRandomInputsUnderIcarus() throws { try check(1, simulator: .icarus, images: 1) }
}
