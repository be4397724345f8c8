import XCTest
import Datasets
import EqSpike
import RTL
import Tooling

/// Every block type alone against its RTL, on random inputs: blocks under test are added to the
/// tiny design beside its learning system, and co-simulation compares every output and register on
/// every tick and the memories at every image end. Inputs come from `lfsr` blocks: one-bit inputs
/// (spikes, learn/apply strobes) through a wrapping resize (the state's low bit); wider inputs
/// through a `scale` block by 2^-F into the input's format sI.F with wrapping overflow, which keeps
/// the low bits of the random word as they are, so every bit pattern of the format occurs (a
/// resize would convert the integer's value, and wrap all but its low I + 1 bits away). Several
/// parameter sets per type: formats at their extremes (1 and 24+ bits), one lane and many, every
/// rounding and overflow mode, immediate and deferred updates, SRAM ports of 1, 3 and 64 words.
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
        block r_c: scale(lanes = 12, input = u31.0, output = s2.14, factor = 0.00006103515625, overflow = wrap)   # 2^-14
        connect rnd_a.bits -> r_c.x
        block r_c1: scale(lanes = 1, input = u31.0, output = s3.9, factor = 0.001953125, overflow = wrap)   # 2^-9
        connect rnd_b.bits[3] -> r_c1.x
        block r_d: scale(lanes = 12, input = u31.0, output = s5.12, factor = 0.000244140625, overflow = wrap)   # 2^-12
        connect rnd_a.bits -> r_d.x
        block r_f: scale(lanes = 12, input = u31.0, output = s5.12, factor = 0.000244140625, overflow = wrap)
        connect rnd_b.bits -> r_f.x
        block r_f1: scale(lanes = 1, input = u31.0, output = s2.4, factor = 0.0625, overflow = wrap)   # 2^-4
        connect rnd_c.bits[0] -> r_f1.x
        block r_a0: scale(lanes = 12, input = u31.0, output = s3.8, factor = 0.00390625, overflow = wrap)   # 2^-8
        connect rnd_a.bits -> r_a0.x
        block r_a1: scale(lanes = 12, input = u31.0, output = s3.8, factor = 0.00390625, overflow = wrap)
        connect rnd_b.bits -> r_a1.x
        block r_a2: scale(lanes = 12, input = u31.0, output = s3.8, factor = 0.00390625, overflow = wrap)
        connect rnd_c.bits -> r_a2.x
        block r_s: scale(lanes = 12, input = u31.0, output = s4.16, factor = 0.0000152587890625, overflow = wrap)   # 2^-16
        connect rnd_d.bits -> r_s.x
        block t_lif: lif(lanes = 12, u = s2.14, current = s2.14, threshold = 0.5, u_min = -1, refractory = 2, reset = subtract)
        connect r_c.y -> t_lif.current
        block t_lif1: lif(lanes = 1, u = s1.3, current = s3.9, threshold = 0.25, u_min = -0.5, refractory = 1, reset = zero)
        connect r_c1.y -> t_lif1.current
        block t_li: li(lanes = 12, v = u4.12, gamma = 0.1)
        connect rnd_c.bits -> t_li.spike resize(truncate, wrap)
        block t_li1: li(lanes = 1, v = u2.22, gamma = 0.125, leak_mode = shift)
        connect rnd_d.bits[5] -> t_li1.spike resize(truncate, wrap)
        block t_dl: delay(lanes = 12, depth = 3, format = s5.12)
        connect r_d.y -> t_dl.x
        block t_fir: fir(lanes = 12, taps = 5, input = s5.12, output = s4.16, rounding = nearestEven)
        connect r_f.y -> t_fir.x
        block t_fir1: fir(lanes = 1, taps = 7, input = s2.4, output = s1.10, rounding = truncate)
        connect r_f1.y -> t_fir1.x
        block t_add: adder(lanes = 12, terms = 3, signs = pmp, format = s3.8, overflow = wrap)
        connect r_a0.y -> t_add.in0
        connect r_a1.y -> t_add.in1
        connect r_a2.y -> t_add.in2
        block t_sc: scale(lanes = 12, input = s4.16, output = s1.23, factor = 0.0003, rounding = nearestEven)
        connect r_s.y -> t_sc.x
        block t_cnt: spike_counter(lanes = 12, count = u3.0, bypass = false)
        connect rnd_a.bits -> t_cnt.spike resize(truncate, wrap)
        connect rnd_b.bits[2] -> t_cnt.enable resize(truncate, wrap)
        """,
        // Memories: immediate and deferred crossbars through narrow and wide ports, and biases.
        // Their deltas are random words scaled down to a few weight LSBs of either sign: full-range
        // deltas pin every weight at a bound within a few ticks, after which a wrong update goes
        // unseen (testPlantedBugInABlockUnderTestIsFound).
        """
        block r_23: scale(lanes = 12, input = u31.0, output = s1.23, factor = 0.00000011920928955078125, overflow = wrap)   # 2^-23
        connect rnd_b.bits -> r_23.x
        block r_11: scale(lanes = 12, input = u31.0, output = s1.11, factor = 0.00048828125, overflow = wrap)   # 2^-11
        connect rnd_c.bits -> r_11.x
        block r_15: scale(lanes = 12, input = u31.0, output = s1.15, factor = 0.000030517578125, overflow = wrap)   # 2^-15
        connect rnd_d.bits -> r_15.x
        block r_7: scale(lanes = 3, input = u31.0, output = s1.7, factor = 0.0078125, overflow = wrap)   # 2^-7
        connect rnd_b.bits[0:2] -> r_7.x
        block sd_23: scale(lanes = 12, input = s1.23, output = s1.23, factor = 0.003)
        connect r_23.y -> sd_23.x
        block sd_11: scale(lanes = 12, input = s1.11, output = s1.11, factor = 0.05)
        connect r_11.y -> sd_11.x
        block sd_15: scale(lanes = 12, input = s1.15, output = s1.15, factor = 0.01)
        connect r_15.y -> sd_15.x
        block t_xi: crossbar(rows = 12, cols = 5, weight = s1.7, current = s3.7, delta = s1.11, rounding = stochastic, update = immediate, seed = 9, port_words = 3)
        connect rnd_a.bits -> t_xi.row_spike resize(truncate, wrap)
        connect rnd_b.bits[0:4] -> t_xi.col_spike resize(truncate, wrap)
        connect sd_11.y[0:4] -> t_xi.row_delta
        connect sd_11.y -> t_xi.col_delta
        connect rnd_b.bits[7] -> t_xi.learn resize(truncate, wrap)
        block t_xd: crossbar(rows = 12, cols = 7, weight = s1.15, current = s6.15, delta = s1.23, rounding = nearestEven, overflow = wrap, update = deferred, seed = 5, port_words = 1, read_rounding = truncate)
        connect rnd_c.bits -> t_xd.row_spike resize(truncate, wrap)
        connect rnd_a.bits[0:6] -> t_xd.col_spike resize(truncate, wrap)
        connect sd_23.y[0:6] -> t_xd.row_delta
        connect sd_23.y -> t_xd.col_delta
        connect rnd_a.bits[8] -> t_xd.learn resize(truncate, wrap)
        connect rnd_c.bits[9] -> t_xd.apply resize(truncate, wrap)
        block t_xs: crossbar(rows = 12, cols = 3, weight = s1.7, current = s4.7, delta = s1.15, rounding = stochastic, update = deferred, seed = 77, port_words = 64)
        connect rnd_d.bits -> t_xs.row_spike resize(truncate, wrap)
        connect sd_15.y[0:2] -> t_xs.row_delta
        connect rnd_b.bits[10] -> t_xs.learn resize(truncate, wrap)
        connect rnd_c.bits[11] -> t_xs.apply resize(truncate, wrap)
        block t_b: bias(lanes = 12, weight = s2.6, delta = s1.15, rounding = stochastic, update = deferred, seed = 31)
        connect sd_15.y -> t_b.delta
        connect rnd_d.bits[1] -> t_b.learn resize(truncate, wrap)
        connect rnd_c.bits[2] -> t_b.apply resize(truncate, wrap)
        block t_bi: bias(lanes = 3, weight = s1.7, delta = s1.7, rounding = truncate, overflow = wrap, update = immediate)
        connect r_7.y -> t_bi.delta
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

    /// The random stimulus reaches what it tests: a sign flipped in the deferred crossbar's shadow
    /// accumulation (port of 1 word), and one in the wrapping adder, are each found at that block.
    func testPlantedBugInABlockUnderTestIsFound() throws {
        let sim = HDLSimulator.icarus
        if let m = sim.missing { throw XCTSkip("\(sim.rawValue): \(m)") }
        for (set, block, file, piece, bug) in [
            (1, "t_xd", "crossbar_t_xd.v", "wire signed [63:0] s_sum = s_value + delta;", "wire signed [63:0] s_sum = s_value - delta;"),
            (0, "t_add", "adder_t_add.v", ") - $signed(", ") + $signed("),
        ] {
            let chip = try Chip(path: try netlist(Self.parameterSets[set], name: "planted-\(set)"))
            try chip.initialiseMemories(seed: 3)
            let mine = try RTLCosimTests.plantedRTL("blocks-planted-rtl-\(set)", chip: chip, file: file, replacing: piece, with: bug)
            let r = try Cosim.run(chip: chip, images: RTLCosimTests.tinyTrainingImages(), count: 1, learn: true, simulator: sim,
                                  directory: RTLCosimTests.directory("blocks-planted-\(set)"), userRTL: mine)
            let m = try XCTUnwrap(r.mismatch, "the bug planted in \(file) went unnoticed")
            XCTAssertEqual(m.instance, block, m.description)
        }
    }

    /// The neuron-path blocks, 2,000 ticks of random inputs under Verilator.
    func testNeuronPathBlocksOnRandomInputs() throws { try check(0, simulator: .verilator, images: 10) }

    /// Crossbars (immediate, deferred, stochastic, wrap; ports of 1, 3 and 64 words; row and
    /// column reads and updates with random strobes) and biases, 2,000 ticks under Verilator.
    func testMemoryBlocksOnRandomInputs() throws { try check(1, simulator: .verilator, images: 10) }

    /// The same memories under Icarus (a shorter run: Icarus is slower).
    func testMemoryBlocksOnRandomInputsUnderIcarus() throws { try check(1, simulator: .icarus, images: 1) }
}
