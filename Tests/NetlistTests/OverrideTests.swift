import Foundation
import FixedPoint
import HDL
@testable import Netlist
import XCTest

/// `--set` overrides: a named parameter, a block parameter or an experiment value.
final class OverrideTests: XCTestCase {
    let source = """
    experiment {
        beta = 0.1
        T_free = 100
        width = 4
    }
    N = width
    format membrane = s2.14
    block src: source(lanes = N)
    block n1: neuron(lanes = N, u = membrane, threshold = beta * 10)
    connect src.y -> n1.current
    """

    func testOverridesChangeTheDesign() throws {
        let d = try XCTUnwrap(design(source, overrides: ["N=8", "n1.u=s3.12", "experiment.beta=0.2", "n1.rounding=stochastic", "membrane=s4.12"]))
        XCTAssertEqual(d.instance(named: "n1")?.parameters.int("lanes"), 8)
        XCTAssertEqual(d.instance(named: "src")?.parameters.int("lanes"), 8, "dependants follow the override")
        XCTAssertEqual(d.instance(named: "n1")?.parameters.format("u"), QFormat(signed: true, intBits: 3, fracBits: 12))
        XCTAssertEqual(d.experiment["beta"], .real(0.2))
        XCTAssertEqual(d.instance(named: "n1")?.parameters.real("threshold") ?? 0, 2.0, accuracy: 1e-12, "blocks use experiment keys")
        XCTAssertEqual(d.instance(named: "n1")?.parameters.word("rounding"), "stochastic", "a parameter left at its default can be set")
        XCTAssertEqual(d.parameter("membrane"), .format(QFormat(signed: true, intBits: 4, fracBits: 12)))
    }

    func testExperimentKeysAreNamedParameters() throws {
        // `--set beta=...` and `--set experiment.beta=...` are the same; expressions may refer to
        // names defined before the definition they replace.
        let a = try XCTUnwrap(design(source, overrides: ["beta=0.3"]))
        XCTAssertEqual(a.experiment["beta"], .real(0.3))
        let b = try XCTUnwrap(design(source, overrides: ["experiment.width=2 * 3"]))
        XCTAssertEqual(b.instance(named: "n1")?.parameters.int("lanes"), 6)
        XCTAssertEqual(b.experiment["width"], .int(6))
        let c = try XCTUnwrap(design(source, overrides: ["width = T_free / 25"]))
        XCTAssertEqual(c.instance(named: "src")?.parameters.int("lanes"), 4)
        // The last override of a target wins.
        let e = try XCTUnwrap(design(source, overrides: ["N=2", "N=3"]))
        XCTAssertEqual(e.instance(named: "src")?.parameters.int("lanes"), 3)
    }

    func testOverrideErrors() {
        XCTAssertEqual(errors(source, overrides: ["NN=3"]), ["<command-line>:1:1: error: unknown parameter 'NN' (did you mean 'N'?)"])
        XCTAssertEqual(errors(source, overrides: ["bta=3"]), ["<command-line>:1:1: error: unknown parameter 'bta' (did you mean 'beta'?)"])
        XCTAssertEqual(errors(source, overrides: ["N=8", "n1.uu=s2.14"]), ["<command-line>:2:4: error: neuron has no parameter 'uu' (did you mean 'u'?)"])
        XCTAssertEqual(errors(source, overrides: ["experiment.betaa=0.2"]), ["<command-line>:1:12: error: unknown experiment key 'betaa' (did you mean 'beta'?)"])
        XCTAssertEqual(errors(source, overrides: ["n2.u=s2.14"]), ["<command-line>:1:1: error: unknown block instance 'n2' (did you mean 'n1'?)"])
        XCTAssertEqual(errors(source, overrides: ["n1=3"]), ["<command-line>:1:1: error: 'n1' is a block instance; override one of its parameters: --set n1.PARAM=value"])
        XCTAssertEqual(errors(source, overrides: ["N"]), ["<command-line>:1:2: error: expected '=' and a value (e.g. H=100), found end of line"])
        XCTAssertEqual(errors(source, overrides: ["=3"]), ["<command-line>:1:1: error: expected a parameter name (NAME=value, INSTANCE.PARAM=value or experiment.KEY=value), found '='"])
        XCTAssertEqual(errors(source, overrides: ["a.b.c=3"]), ["<command-line>:1:5: error: --set takes NAME=value, INSTANCE.PARAM=value or experiment.KEY=value"])
        XCTAssertEqual(errors(source, overrides: ["N=3 4"]), ["<command-line>:1:5: error: unexpected '4' after the value"])
        // The value is checked like a value in the file, at its position on the command line.
        XCTAssertEqual(errors(source, overrides: ["N=abc"]), ["<command-line>:1:3: error: unknown name 'abc'"])
        XCTAssertEqual(errors(source, overrides: ["N=0"]), [
            "t.net:8:27: error: source parameter 'lanes': 0 is out of range 1...1000000",
            "t.net:9:26: error: neuron parameter 'lanes': 0 is out of range 1...1000000",
        ])
        XCTAssertEqual(errors(source, overrides: ["n1.u=s40.1"]), ["<command-line>:1:6: error: invalid format 's40.1': total width must be 1...32 bits, got 41"])
        XCTAssertEqual(errors(source, overrides: ["n1.reset=subtrakt"]),
                       ["<command-line>:1:10: error: neuron parameter 'reset': 'subtrakt' is not one of subtract, zero (did you mean 'subtract'?)"])
        XCTAssertEqual(errors(source, overrides: ["width=beta"]), [
            "t.net:8:27: error: source parameter 'lanes': expected an integer in 1...1000000, got '0.1'",
            "t.net:9:26: error: neuron parameter 'lanes': expected an integer in 1...1000000, got '0.1'",
        ])
        // Every bad override is reported, after the file's own errors.
        XCTAssertEqual(errors(source + "\nbogus", overrides: ["X=1", "Y=2"]), [
            "t.net:11:1: error: expected a statement (NAME = value, format, block, connect, clock, probe, role or experiment), found 'bogus'",
            "<command-line>:1:1: error: unknown parameter 'X'",
            "<command-line>:2:1: error: unknown parameter 'Y'",
        ])
    }
}

/// The experiment table as the learning system reads it.
final class ExperimentReaderTests: XCTestCase {
    let source = """
    experiment {
        epochs = 3
        beta = 0.1
        schedule = [1, 0.5, 0.25]
        mode = deferred
        fmt = s1.15
        flag = true
        used = 4
        typo_key = 1
        role input = src
    }
    block src: source(lanes = used)
    """

    func testReadsTypedValues() throws {
        let d = try XCTUnwrap(design(source))
        var r = d.experimentReader()
        XCTAssertEqual(r.int("epochs", in: 1...100), 3)
        XCTAssertEqual(r.real("beta", in: 0...1), 0.1)
        XCTAssertEqual(r.reals("schedule", in: 0...1), [1, 0.5, 0.25])
        XCTAssertEqual(r.word("mode", oneOf: ["immediate", "deferred"]), "deferred")
        XCTAssertEqual(r.format("fmt"), QFormat(signed: true, intBits: 1, fracBits: 15))
        XCTAssertEqual(r.bool("flag"), true)
        XCTAssertEqual(r.int("seed", in: 0...10, default: 7), 7, "a missing key with a default")
        XCTAssertEqual(r.real("typo_key", in: 0...2), 1)
        XCTAssertTrue(r.role("input", type: "source") === d.instance(named: "src")?.block)
        XCTAssertNoThrow(try r.finish(), "'used' is used by the netlist itself, so it need not be read")
    }

    func testProblemsAreReportedAtTheirPositions() throws {
        let d = try XCTUnwrap(design(source))
        var r = d.experimentReader()
        _ = r.int("epochs", in: 5...10)
        _ = r.real("mode", in: 0...1)
        _ = r.reals("beta", in: 0.5...1)
        _ = r.word("mode", oneOf: ["immediate", "defered"])
        _ = r.int("missing", in: 0...1)
        _ = r.int("schedul", in: 0...1)
        _ = r.role("input", type: "neuron")
        _ = r.role("output")
        r.error("flag", "cannot be true with beta 0.1")
        XCTAssertThrowsError(try r.finish()) { e in
            XCTAssertEqual((e as! NetlistErrors).diagnostics.map(\.description), [
                "t.net:2:14: error: experiment key 'epochs': 3 is out of range 5...10",
                "t.net:5:12: error: experiment key 'mode': expected a number, got 'deferred'",
                "t.net:3:12: error: experiment key 'beta': 0.1 is out of range 0.5...1.0",
                "t.net:5:12: error: experiment key 'mode': expected one of immediate, defered, got 'deferred' (did you mean 'defered'?)",
                "t.net:1:1: error: experiment key 'missing' is required",
                "t.net:1:1: error: experiment key 'schedul' is required (did you mean 'schedule'?)",
                "t.net:10:10: error: role 'input' must be a neuron block, but 'src' is a source",
                "t.net:1:1: error: role 'output' is required (add: role output = INSTANCE)",
                "t.net:7:12: error: experiment key 'flag': cannot be true with beta 0.1",
                "t.net:4:16: error: unknown experiment key 'schedule' (did you mean 'schedul'?)",
                "t.net:6:11: error: unknown experiment key 'fmt'",
                "t.net:9:16: error: unknown experiment key 'typo_key'",
            ])
        }
        XCTAssertNoThrow(try d.experimentReader().finish(allowUnread: true))
    }
}

/// What `eqspike check` prints.
final class DesignBudgetTests: XCTestCase {
    func testBudget() throws {
        let d = try XCTUnwrap(design("""
        experiment {
            synop_energy_pj = 12.5
            T_free = 100
            T_nudge = 50
        }
        block src: source(lanes = 4)
        block n1: neuron(lanes = 4, u = s2.14)
        block mem: memory(rows = 4, cols = 3, weight = s1.7)
        connect src.y -> n1.current
        connect n1.spike -> mem.row_spike
        clock frequency = 1 MHz
        """))
        let b = DesignBudget(d)
        XCTAssertEqual(b.rows.map(\.name), ["src", "n1", "mem"])
        XCTAssertEqual(b.rows[1].registerBits, 4 * 16, "n1.u: 4 lanes of s2.14 (default storage = registers)")
        XCTAssertEqual(b.rows[1].formats, ["current=s3.12", "u=s2.14"])
        XCTAssertEqual(b.rows[2].lanesText, "4x3")
        XCTAssertEqual(b.rows[2].lanes, 4, "the widest port: row_spike")
        XCTAssertEqual(b.rows[2].rows, 4)
        XCTAssertEqual(b.rows[2].sramBits, 4 * 3 * 8)
        XCTAssertEqual(b.rows[2].delayLineBits, 9)
        XCTAssertEqual(b.totalBits, 64 + 96 + 9)
        XCTAssertEqual(b.synopEnergyPicojoules, 12.5)
        XCTAssertEqual(b.clocksPerImage, 150)
        XCTAssertEqual(b.text, """
        design t.net: 3 blocks
        clock: 1 us (1 MHz)

        block  type    lanes  register  sram  delay line  formats
        -----  ------  -----  --------  ----  ----------  ---------------------
        src    source  4             0     -           -  format=s3.12
        n1     neuron  4            64     -           -  current=s3.12 u=s2.14
        mem    memory  4x3           0    96           9  weight=s1.7
        -----  ------  -----  --------  ----  ----------  ---------------------
        total                       64    96           9

        state: 169 bits (21 B) = registers 64 bits (8 B) + SRAM 96 bits (12 B) + delay lines 9 bits (1 B)
          SRAM mem (memory 4x3): 96 bits (12 B)
        SynOp energy: 12.5 pJ per synaptic operation (experiment.synop_energy_pj)
        one training image: 150 clocks (T_free + T_nudge) = 150 us

        """)
        let json = try JSONSerialization.jsonObject(with: Data(b.json.utf8)) as! [String: Any]
        XCTAssertEqual((json["totals"] as! [String: Int])["state_bits"], 169)
        XCTAssertEqual(json["synop_energy_pj"] as? Double, 12.5)
        XCTAssertEqual((json["clock"] as! [String: Any])["period_s"] as? Double, 1e-6)
        XCTAssertEqual(((json["blocks"] as! [[String: Any]])[2])["sram_bits"] as? Int, 96)
        XCTAssertEqual(((json["blocks"] as! [[String: Any]])[2])["location"] as? String, "t.net:8:7")
    }
}
