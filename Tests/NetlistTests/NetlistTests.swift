import FixedPoint
import HDL
@testable import Netlist
import XCTest

/// Elaborates `source` against the test registry; returns the design or fails the test.
func design(_ source: String, overrides: [String] = [], file: StaticString = #filePath, line: UInt = #line) -> Design? {
    do {
        return try Netlist.elaborate(source: source, path: "t.net", registry: TestBlocks.registry, overrides: overrides)
    } catch {
        XCTFail("unexpected errors:\n\(error)", file: file, line: line)
        return nil
    }
}

/// The diagnostics of `source` (empty if it elaborates), as printed.
func errors(_ source: String, overrides: [String] = [], limits: ElaborationLimits = .standard) -> [String] {
    do {
        _ = try Netlist.elaborate(source: source, path: "t.net", registry: TestBlocks.registry, overrides: overrides, limits: limits)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

let validSource = """
# a small valid design
N = 4
M = N * 2              # 8
half = M / 2 - 1       # 3
eta = 2.5e-4 * 0.25
ratio = M / 3
format membrane = s2.14
mode = stochastic
block src: source(lanes = N, format = s3.12)
block n1: neuron(
    lanes = N,
    u = membrane,
    threshold = 1.0, rounding = mode,
    leak = false,
)
block mem: memory(rows = N, cols = M)
block n2: neuron(lanes = M, u = s2.14)
connect src.y -> n1.current
connect n1.spike -> mem.row_spike
connect mem.col_current[0:half] -> n2.current[4:7]
connect mem.col_current[4:7] -> n2.current[0:3]
clock period = 10 us
probe n1.u[0:1], *.spike
experiment {
    T_free = 100
    beta = 0.1            # comment
    rate = eta * 2
    schedule = [1, 0.25]
    update = deferred
    fmt = membrane
    on = true
    role input = src
}
role output = n2
"""

final class ParserTests: XCTestCase {
    func testValidDesignElaborates() throws {
        let d = try XCTUnwrap(design(validSource))
        XCTAssertEqual(d.instances.map(\.name), ["src", "n1", "mem", "n2"])
        XCTAssertEqual(d.instances.map(\.typeName), ["source", "neuron", "memory", "neuron"])
        XCTAssertEqual(d.instance(named: "n1")?.location, SourceLocation(file: "t.net", line: 10, column: 7))
        XCTAssertEqual(d.parameter("M"), .int(8))
        XCTAssertEqual(d.parameter("half"), .int(3))
        XCTAssertEqual(d.parameter("eta"), .real(2.5e-4 * 0.25))
        XCTAssertEqual(d.parameter("ratio"), .real(8.0 / 3.0))
        XCTAssertEqual(d.parameter("membrane"), .format(QFormat(signed: true, intBits: 2, fracBits: 14)))
        XCTAssertEqual(d.parameter("mode"), .word("stochastic"))
        XCTAssertEqual(d.instance(named: "n1")?.parameters.word("rounding"), "stochastic")
        XCTAssertEqual(d.instance(named: "n1")?.parameters.real("threshold"), 1.0)
        XCTAssertEqual(d.instance(named: "n1")?.parameters.int("refractory"), 2, "default filled in")
        XCTAssertEqual(d.simulator.connections.count, 4)
        XCTAssertEqual(d.clock.periodSeconds, 10e-6, accuracy: 1e-18)
        XCTAssertEqual(d.clock.description, "10 us (100 kHz)")
        XCTAssertEqual(d.probes.map { "\($0.port.fullName)[\($0.lanes)]" },
                       ["n1.u[0..<2]", "n1.spike[0..<4]", "n2.spike[0..<8]"])
        XCTAssertEqual(d.experiment["T_free"], .int(100))
        XCTAssertEqual(d.experiment["rate"], .real(1.25e-4))
        XCTAssertEqual(d.experiment["schedule"], .list([.int(1), .real(0.25)]))
        XCTAssertEqual(d.experiment["update"], .word("deferred"))
        XCTAssertEqual(d.experiment["fmt"], .format(QFormat(signed: true, intBits: 2, fracBits: 14)))
        XCTAssertEqual(d.experiment["on"], .bool(true))
        XCTAssertEqual(d.experiment.entry("beta")?.location, SourceLocation(file: "t.net", line: 26, column: 12))
        XCTAssertTrue(d.roles["input"] === d.instance(named: "src")?.block)
        XCTAssertTrue(d.roles["output"] === d.instance(named: "n2")?.block)
        XCTAssertEqual(d.sourcePath, "t.net")
    }

    func testClockFrequencyAndDefault() throws {
        let a = try XCTUnwrap(design("clock frequency = 100 kHz\n"))
        XCTAssertEqual(a.clock.periodSeconds, 1e-5, accuracy: 1e-18)
        let b = try XCTUnwrap(design("clock period = 2.5ns"))
        XCTAssertEqual(b.clock.periodSeconds, 2.5e-9, accuracy: 1e-21)
        let c = try XCTUnwrap(design("# nothing\n"))
        XCTAssertEqual(c.clock.periodSeconds, Clock.defaultPeriod)
        XCTAssertNil(c.clock.location)
    }

    func testArithmetic() throws {
        let d = try XCTUnwrap(design("""
        a = -(2 + 3) * 4      # -20
        b = 7 / 2             # 3.5
        c = 8 / 2             # 4 (exact integer division stays an integer)
        e = 1e3 - 0.5
        f = --3
        g = 0x10 + 1_000
        h = a - -a
        """))
        XCTAssertEqual(d.parameter("a"), .int(-20))
        XCTAssertEqual(d.parameter("b"), .real(3.5))
        XCTAssertEqual(d.parameter("c"), .int(4))
        XCTAssertEqual(d.parameter("e"), .real(999.5))
        XCTAssertEqual(d.parameter("f"), .int(3))
        XCTAssertEqual(d.parameter("g"), .int(1016))
        XCTAssertEqual(d.parameter("h"), .int(-40))
    }

    func testLexicalDetails() throws {
        // CRLF line ends, tabs, a unit written against its number, continuation after ',' and '['.
        let d = try XCTUnwrap(design("A = 0x1F\r\nB = 1_000\t# tab\r\nclock period=5us\r\nexperiment {\r\n  l = [1,\r\n  2]\r\n}\r\n"))
        XCTAssertEqual(d.parameter("A"), .int(31))
        XCTAssertEqual(d.parameter("B"), .int(1000))
        XCTAssertEqual(d.clock.periodSeconds, 5e-6, accuracy: 1e-18)
        XCTAssertEqual(d.experiment["l"], .list([.int(1), .int(2)]))
        XCTAssertEqual(d.experiment.entry("l")?.location, SourceLocation(file: "t.net", line: 5, column: 7))
        XCTAssertEqual(Netlist.syntaxCheck(source: "H = 1e\n", path: "s.net"), [Diagnostic(SourceLocation(file: "s.net", line: 1, column: 6), "expected end of line, found 'e'")])
        XCTAssertEqual(Netlist.syntaxCheck(source: "x = u8 + s1.7\n", path: "s.net"), [])
        XCTAssertEqual(errors("H = 3\0"), ["t.net:1:6: error: unexpected character byte 0x0"])
    }

    func testSyntaxErrors() {
        XCTAssertEqual(errors("H = \n"), ["t.net:1:5: error: expected a value, found end of line"])
        XCTAssertEqual(errors("H = 3 4\n"), ["t.net:1:7: error: expected end of line, found '4'"])
        XCTAssertEqual(errors("H = (1 + 2\n"), ["t.net:1:11: error: expected ')' to close the '(' at column 5, found end of line"])
        XCTAssertEqual(errors("H = 3 $\n"), ["t.net:1:7: error: unexpected character '$'"])
        XCTAssertEqual(errors("H = 3\nx = é\n"), ["t.net:2:5: error: unexpected character 'é'", "t.net:2:7: error: expected a value, found end of line"])
        XCTAssertEqual(errors("bogus\n"), ["t.net:1:1: error: expected a statement (NAME = value, format, block, connect, clock, probe, role or experiment), found 'bogus'"])
        XCTAssertEqual(errors("s1 = 3\n"), ["t.net:1:1: error: 's1' is a fixed-point format literal and cannot be used as a name"])
        XCTAssertEqual(errors("true = 3\n"), ["t.net:1:1: error: 'true' is a reserved word and cannot be used as a parameter name"])
        XCTAssertEqual(errors("block a source(lanes = 1)\n"), ["t.net:1:9: error: expected ':' before the block type, found 'source'"])
        XCTAssertEqual(errors("block a: source(lanes = 1\nH = 2\n"), ["t.net:1:26: error: expected ',' or ')' after parameter 'lanes', found end of line"])
        XCTAssertEqual(errors("block a: source(lanes = 1, lanes = 2)\n"), ["t.net:1:28: error: parameter 'lanes' is already given at line 1, column 17"])
        XCTAssertEqual(errors("connect a.y b.x\n"), ["t.net:1:13: error: expected '->' after the source a.y, found 'b'"])
        XCTAssertEqual(errors("connect a -> b.x\n"), ["t.net:1:11: error: expected '.' and a port name after 'a', found '->'"])
        XCTAssertEqual(errors("connect *.y -> b.x\n"), ["t.net:1:9: error: expected an instance name, found '*'"])
        XCTAssertEqual(errors("connect a.y[0:1 -> b.x\n"), ["t.net:1:17: error: expected ']' to close the lane range, found '->'"])
        XCTAssertEqual(errors("connect a.y -> b.x resize(nearest)\n"), ["t.net:1:34: error: expected ',' and an overflow mode: resize(rounding, overflow), found ')'"])
        XCTAssertEqual(errors("clock speed = 3 us\n"), ["t.net:1:7: error: expected 'period' or 'frequency' after clock, found 'speed'"])
        XCTAssertEqual(errors("clock period = 10\n"), ["t.net:1:18: error: expected a unit after the clock period (s, ms, us, ns or ps), found end of line"])
        XCTAssertEqual(errors("H = [1, 2]\n"), ["t.net:1:5: error: a list [...] is only allowed as an experiment value"])
        XCTAssertEqual(errors("format w = s1.99\n"), ["t.net:1:12: error: invalid format 's1.99': total width must be 1...32 bits, got 100"])
        XCTAssertEqual(errors("H = 99999999999999999999\n"), ["t.net:1:5: error: integer literal 99999999999999999999 is too large"])
        XCTAssertEqual(errors("H = 1e999\n"), ["t.net:1:5: error: number 1e999 is too large"])
        XCTAssertEqual(errors("H = " + String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)),
                       ["t.net:1:69: error: expression is nested too deeply"])
    }

    func testExperimentSectionErrors() {
        XCTAssertEqual(errors("experiment {\nbeta = 1\n"), ["t.net:1:1: error: the experiment section opened here is not closed with '}'"])
        XCTAssertEqual(errors("experiment {\nbeta = 1\nblock a: source(lanes = 1)\n"),
                       ["t.net:3:1: error: expected '}' to close the experiment section opened at line 1, found 'block'"])
        XCTAssertEqual(errors("}\n"), ["t.net:1:1: error: '}' without an open experiment section"])
        XCTAssertEqual(errors("experiment {\nbeta = 1\nbeta = 2\n}\n"), ["t.net:3:1: error: experiment key 'beta' is already set at line 2"])
        XCTAssertEqual(errors("experiment {\nx = [[1]]\n}\n"), ["t.net:2:6: error: a list [...] is only allowed as an experiment value"])
        XCTAssertEqual(errors("experiment {\nexperiment {\n}\n"), ["t.net:2:1: error: expected '}' to close the experiment section opened at line 1, found 'experiment'"])
    }

    /// Every error of a file is reported, not just the first, in file order.
    func testAllErrorsReported() {
        let e = errors("""
        H = 3 +
        block a: sourc(lanes = 1)
        block b: neuron(lanes = HH, u = s2.14)
        connect q.y -> b.current
        clock period = 1 kHz
        """)
        XCTAssertEqual(e, [
            "t.net:1:8: error: expected a value, found end of line",
            "t.net:2:10: error: unknown block type 'sourc' (did you mean 'source'?)",
            "t.net:3:25: error: unknown name 'HH' (did you mean 'H'?)",
            "t.net:4:9: error: unknown block instance 'q'",
            "t.net:5:18: error: 'kHz' is a frequency unit; the clock period takes s, ms, us, ns or ps",
        ])
    }

    func testErrorLimit() {
        let junk = String(repeating: "$", count: 500)
        let e = errors(junk, limits: ElaborationLimits(maxErrors: 10))
        XCTAssertEqual(e.count, 11)
        XCTAssertEqual(e.last, "t.net:1:10: error: too many errors (10); stopping here")
    }
}
