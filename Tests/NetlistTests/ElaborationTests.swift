import FixedPoint
import HDL
@testable import Netlist
import XCTest

/// Each kind of elaboration error, with its exact message and position.
final class ElaborationTests: XCTestCase {
    let head = """
    N = 4
    block src: source(lanes = N)
    block n1: neuron(lanes = N, u = s2.14)

    """   // lines 1-3; tests start at line 4

    func testUnknownNamesGetSuggestions() {
        XCTAssertEqual(errors("block a: nueron(lanes = 1, u = s2.14)"),
                       ["t.net:1:10: error: unknown block type 'nueron' (did you mean 'neuron'?)"])
        XCTAssertEqual(errors("block a: zzz(lanes = 1)"), ["t.net:1:10: error: unknown block type 'zzz'"])
        XCTAssertEqual(Suggestions.best(for: "lfi", among: ["li", "lif", "lfsr"]), "lif", "a transposition of the same length wins a tie")
        XCTAssertEqual(Suggestions.best(for: "treshold", among: ["threshold", "refractory"]), "threshold")
        XCTAssertNil(Suggestions.best(for: "q", among: ["a", "b"]))
        XCTAssertEqual(errors("block a: neuron(lanse = 4, u = s2.14)"),
                       ["t.net:1:17: error: neuron has no parameter 'lanse' (did you mean 'lanes'?)"])
        XCTAssertEqual(errors(head + "connect src.y -> n1.curent"),
                       ["t.net:4:21: error: neuron 'n1' has no port 'curent' (did you mean 'current'?)"])
        XCTAssertEqual(errors(head + "connect src.y -> n1.zzzzzz"),
                       ["t.net:4:21: error: neuron 'n1' has no port 'zzzzzz' (its inputs: current, en)"])
        XCTAssertEqual(errors(head + "connect scr.y -> n1.current"),
                       ["t.net:4:9: error: unknown block instance 'scr' (did you mean 'src'?)"])
        XCTAssertEqual(errors("H = 2\nG = HH + 1"), ["t.net:2:5: error: unknown name 'HH' (did you mean 'H'?)"])
        XCTAssertEqual(errors("block a: neuron(lanes = 1, u = s2.14, reset = subtrac)"),
                       ["t.net:1:47: error: neuron parameter 'reset': 'subtrac' is not one of subtract, zero (did you mean 'subtract'?)"])
        XCTAssertEqual(errors("block a: neuron(lanes = 1, u = membrane)"), ["t.net:1:32: error: unknown name 'membrane'"])
        XCTAssertEqual(errors("block a: neuron(lanes = 1, u = s2.14, leak = yes)"),
                       ["t.net:1:46: error: neuron parameter 'leak': expected true or false, got 'yes'"])
    }

    func testParameterKindsAndRanges() {
        XCTAssertEqual(errors("block a: neuron(lanes = 0, u = s2.14)"),
                       ["t.net:1:25: error: neuron parameter 'lanes': 0 is out of range 1...1000000"])
        XCTAssertEqual(errors("block a: neuron(lanes = 2.5, u = s2.14)"),
                       ["t.net:1:25: error: neuron parameter 'lanes': expected an integer in 1...1000000, got '2.5'"])
        XCTAssertEqual(errors("block a: neuron(lanes = 2, u = 3)"),
                       ["t.net:1:32: error: neuron parameter 'u': expected a fixed-point format such as s1.7, got '3'"])
        XCTAssertEqual(errors("block a: neuron(lanes = 2, u = u32)"),
                       ["t.net:1:32: error: neuron parameter 'u': format u32.0 does not fit the model's 32-bit signed lanes; use u31 or s32 at most"])
        XCTAssertEqual(errors("block a: neuron(lanes = 2, u = s20.20)"),
                       ["t.net:1:32: error: invalid format 's20.20': total width must be 1...32 bits, got 40"])
        XCTAssertEqual(errors("block a: neuron(lanes = 2, u = s2.14, threshold = 9)"),
                       ["t.net:1:51: error: neuron parameter 'threshold': 9.0 is out of range 0.0625...4.0"])
        XCTAssertEqual(errors("block a: neuron(lanes = 2, u = s2.14, refractory = -1)"),
                       ["t.net:1:52: error: neuron parameter 'refractory': -1 is out of range 1...16"])
        XCTAssertEqual(errors("block a: neuron(lanes = 2)"),
                       ["t.net:1:10: error: neuron 'a' needs parameter 'u' (a fixed-point format such as s1.15)"])
        // A check the block type makes when it builds the instance, at the parameter's value.
        XCTAssertEqual(errors("block a: neuron(lanes = 2, u = s12.14)"),
                       ["t.net:1:32: error: neuron parameter 'u': membrane wider than 24 bits"])
        XCTAssertEqual(errors("block a: neuron(lanes = 2, u = s2.14, leak = [1])"),
                       ["t.net:1:46: error: a list [...] is only allowed as an experiment value"])
    }

    func testDefinitions() {
        XCTAssertEqual(errors("H = 1\nH = 2"), ["t.net:2:1: error: 'H' is already defined at line 1"])
        XCTAssertEqual(errors("G = H\nH = 2"), ["t.net:1:5: error: 'H' is used before its definition at line 2"])
        XCTAssertEqual(errors("format w = 3"), ["t.net:1:12: error: format 'w' must be a fixed-point format such as s1.15, got integer 3"])
        XCTAssertEqual(errors("format w = q"), ["t.net:1:12: error: unknown name 'q'"])
        XCTAssertEqual(errors(head + "block n1: source(lanes = 1)\nconnect src.y -> n1.current"), ["t.net:4:7: error: block 'n1' is already declared at line 3"])
        XCTAssertEqual(errors(head + "role r = src\nrole r = n1\nconnect src.y -> n1.current"), ["t.net:5:6: error: role 'r' is already bound at line 4"])
        XCTAssertEqual(errors(head + "role r = nn1\nconnect src.y -> n1.current"), ["t.net:4:10: error: unknown block instance 'nn1' (did you mean 'n1'?)"])
    }

    func testArithmeticErrors() {
        XCTAssertEqual(errors("H = 9223372036854775807 + 1"), ["t.net:1:25: error: integer overflow in '+'"])
        XCTAssertEqual(errors("H = 4294967296 * 4294967296"), ["t.net:1:16: error: integer overflow in '*'"])
        XCTAssertEqual(errors("H = -9223372036854775807 - 2"), ["t.net:1:26: error: integer overflow in '-'"])
        XCTAssertEqual(errors("H = 1 / 0"), ["t.net:1:7: error: division by zero"])
        XCTAssertEqual(errors("H = 1.5 / 0"), ["t.net:1:9: error: division by zero"])
        XCTAssertEqual(errors("H = 1e300 * 1e300"), ["t.net:1:11: error: result of '*' is too large"])
        XCTAssertEqual(errors("H = s1.7 + 1"), ["t.net:1:5: error: format s1.7 cannot be used in arithmetic ('+')"])
        XCTAssertEqual(errors("H = -true"), ["t.net:1:6: error: true cannot be used in arithmetic ('-')"])
        // An error is reported once; what depends on the broken value stays quiet.
        XCTAssertEqual(errors("H = 1 / 0\nG = H * 2\nblock a: source(lanes = G)"), ["t.net:1:7: error: division by zero"])
    }

    func testDrivers() {
        XCTAssertEqual(errors(head), ["t.net:3:7: error: input n1.current is not driven"])
        XCTAssertEqual(errors(head + "connect src.y[0:1] -> n1.current[0:1]"),
                       ["t.net:3:7: error: lanes 2:3 of input n1.current are not driven"])
        XCTAssertEqual(errors(head + "connect src.y -> n1.current\nconnect src.y[0:1] -> n1.current[1:2]"),
                       ["t.net:5:23: error: lanes 1:2 of input n1.current are already driven by src.y (line 4)"])
        XCTAssertEqual(errors(head + "connect src.y -> n1.current, n1.current"),
                       ["t.net:4:30: error: lanes 0:3 of input n1.current are already driven by src.y (line 4)"])
        // The optional input `en` may stay undriven.
        XCTAssertEqual(errors(head + "connect src.y -> n1.current"), [])
    }

    func testDirectionsAndLanes() {
        XCTAssertEqual(errors(head + "connect n1.current -> n1.current"),
                       ["t.net:4:12: error: n1.current is an input; a connection starts at an output or register"])
        XCTAssertEqual(errors(head + "connect src.y -> n1.spike\nconnect src.y -> n1.current"),
                       ["t.net:4:21: error: n1.spike is an output; only inputs can be driven"])
        XCTAssertEqual(errors(head + "connect src.y -> n1.u\nconnect src.y -> n1.current"),
                       ["t.net:4:21: error: n1.u is a register; only inputs can be driven"])
        XCTAssertEqual(errors(head + "connect src.y[0:9] -> n1.current"),
                       ["t.net:4:14: error: lanes 0:9 are outside src.y, which has 4 lanes (0:3)"])
        XCTAssertEqual(errors(head + "connect src.y[3:1] -> n1.current"),
                       ["t.net:4:14: error: empty lane range 3:1: the first lane is after the last"])
        XCTAssertEqual(errors(head + "connect src.y[-1:2] -> n1.current"),
                       ["t.net:4:14: error: lane indices must not be negative (-1:2)"])
        XCTAssertEqual(errors(head + "connect src.y[0:2] -> n1.current"),
                       ["t.net:4:23: error: src.y[0:2] gives 3 lanes but n1.current takes 4"])
        XCTAssertEqual(errors(head + "connect src.y[1] -> n1.current[0]\nconnect src.y[0:2] -> n1.current[1:3]"), [])
        XCTAssertEqual(errors(head + "connect src.y[N] -> n1.current"),
                       ["t.net:4:14: error: lane 4 is outside src.y, which has 4 lanes (0:3)"])
        XCTAssertEqual(errors(head + "connect src.y[s1.7] -> n1.current"),
                       ["t.net:4:15: error: a lane index must be an integer, got format s1.7"])
    }

    func testFormatsAndResize() {
        let h = "block src: source(lanes = 4, format = s5.10)\nblock n1: neuron(lanes = 4, u = s2.14)\n"
        XCTAssertEqual(errors(h + "connect src.y -> n1.current"),
                       ["t.net:3:18: error: format mismatch: src.y is s5.10 but n1.current is s3.12; add resize(rounding, overflow) to convert"])
        XCTAssertEqual(errors(h + "connect src.y -> n1.current resize(nearest, saturate)"), [])
        XCTAssertEqual(errors(h + "connect src.y -> n1.current resize(neerest, saturat)"), [
            "t.net:3:36: error: unknown rounding mode 'neerest' (one of truncate, nearest, nearestEven, stochastic) (did you mean 'nearest'?)",
            "t.net:3:45: error: unknown overflow mode 'saturat' (one of saturate, wrap) (did you mean 'saturate'?)",
        ])
        let d = design(h + "connect src.y -> n1.current resize(stochastic, wrap)")
        XCTAssertEqual(d?.simulator.connections.first?.resize, Connection.Resize(rounding: .stochastic, overflow: .wrap))
    }

    func testCombinationalLoopIsMappedToConnections() {
        let e = errors("""
        block a: wire(lanes = 2)
        block b: wire(lanes = 2)
        block c: source(lanes = 2)
        connect a.y -> b.x
        connect b.y -> a.x
        """)
        XCTAssertEqual(e, [
            "t.net:4:16: error: combinational loop through blocks a -> b -> a (via a.y -> b.x, combinational)",
            "t.net:5:16: error: combinational loop through blocks a -> b -> a (via b.y -> a.x, combinational)",
        ])
        XCTAssertEqual(errors("block a: wire(lanes = 2)\nconnect a.y -> a.x"),
                       ["t.net:2:16: error: combinational loop through blocks a -> a (via a.y -> a.x, combinational)"])
    }

    func testClockErrors() {
        XCTAssertEqual(errors("clock period = 10 uz"), ["t.net:1:19: error: unknown unit 'uz' (the clock period takes s, ms, us, ns or ps) (did you mean 'us'?)"])
        XCTAssertEqual(errors("clock frequency = 10 us"), ["t.net:1:22: error: 'us' is a time unit; the clock frequency takes Hz, kHz, MHz or GHz"])
        XCTAssertEqual(errors("clock period = -1 us"), ["t.net:1:16: error: the clock period must be a positive number"])
        XCTAssertEqual(errors("clock period = 0 us"), ["t.net:1:16: error: the clock period must be a positive number"])
        XCTAssertEqual(errors("clock period = s1.7 us"), ["t.net:1:16: error: the clock period must be a number, got format s1.7"])
        XCTAssertEqual(errors("clock period = 1 us\nclock period = 2 us"), ["t.net:2:1: error: the clock is already defined at line 1"])
    }

    func testProbes() throws {
        XCTAssertEqual(errors(head + "connect src.y -> n1.current\nprobe n2.u"), ["t.net:5:7: error: unknown block instance 'n2' (did you mean 'n1'?)"])
        XCTAssertEqual(errors(head + "connect src.y -> n1.current\nprobe *.spikes"), ["t.net:5:9: error: probe *.spikes: no block has signal 'spikes' (did you mean 'spike'?)"])
        XCTAssertEqual(errors(head + "connect src.y -> n1.current\nprobe n1.uu"), ["t.net:5:10: error: probe n1.uu: neuron 'n1' has no signal 'uu' (did you mean 'u'?)"])
        XCTAssertEqual(errors(head + "connect src.y -> n1.current\nprobe n1.u[2:9]"), ["t.net:5:11: error: lanes 2:9 are outside n1.u, which has 4 lanes (0:3)"])
        XCTAssertEqual(errors(head + "connect src.y -> n1.current\nprobe *.u[5:1]"), ["t.net:5:10: error: empty lane range 5:1: the first lane is after the last"])
        let d = try XCTUnwrap(design(head + "connect src.y -> n1.current\nprobe *.*[2:9], n1.u"))
        // Wildcards take the lanes each signal has; duplicates are listed once.
        XCTAssertEqual(d.probes.map { "\($0.port.fullName)[\($0.lanes)]" },
                       ["src.y[2..<4]", "n1.current[2..<4]", "n1.spike[2..<4]", "n1.u[2..<4]", "n1.u[0..<4]"])
    }

    /// The memory limit applies to building a simulator (from the interfaces' ports and storage);
    /// the circuit of the same netlist is described and checked without it.
    func testSizeLimit() throws {
        let spikes = "block s: source(lanes = 100000, format = u1.0)\n"
        let big = spikes + "block m: memory(rows = 100000, cols = 100000)\nconnect s.y -> m.row_spike"
        XCTAssertEqual(errors(big), ["t.net:2:7: error: block 'm' would hold 10000500000 words of state (weights 10000000000 + delay 300000 + ports 200000), over the limit of 8388608; `eqspike check` budgets it without building it"])
        XCTAssertNoThrow(try Netlist.elaborateCircuit(source: big, path: "t.net", registry: TestBlocks.registry))
        let two = "block s: source(lanes = 3000, format = u1.0)\nblock m: memory(rows = 3000, cols = 2000)\nblock k: memory(rows = 3000, cols = 2000)\nconnect s.y -> m.row_spike, k.row_spike"
        XCTAssertEqual(errors(two),
                       ["t.net:3:7: error: with block 'k' (weights 6000000 + delay 6000 + ports 5000) the design would hold more than 8388608 words of state, the limit; `eqspike check` budgets it without building it"])
        XCTAssertEqual(errors("block s: source(lanes = 100, format = u1.0)\nblock m: memory(rows = 100, cols = 100)\nconnect s.y -> m.row_spike",
                              limits: ElaborationLimits(maxStateWords: 1000)),
                       ["t.net:2:7: error: block 'm' would hold 10500 words of state (weights 10000 + delay 300 + ports 200), over the limit of 1000; `eqspike check` budgets it without building it"])
    }

    /// A block whose statement did not parse does not cause follow-on errors where it is used.
    func testNoCascades() {
        XCTAssertEqual(errors("block a: source(lanes = )\nblock n: neuron(lanes = 1, u = s2.14)\nconnect a.y -> n.current\nprobe a.y\nrole r = a"),
                       ["t.net:1:25: error: expected a value, found ')'"])
        XCTAssertEqual(errors("block a: soruce(lanes = 1)\nblock n: neuron(lanes = 1, u = s2.14)\nconnect a.y -> n.current"),
                       ["t.net:1:10: error: unknown block type 'soruce' (did you mean 'source'?)"])
    }
}
