import XCTest
import FixedPoint
import HDL
@testable import Blocks

final class NeuronPathRegistryTests: XCTestCase {
    private func make(_ type: String, _ given: [String: ParameterValue]) throws -> Block {
        guard let t = standardBlocks[type] else { throw XCTSkip("no block type \(type)") }
        return try t.instantiate("x", given)
    }

    /// Checks that building `type` with `given` throws a ParameterError about `parameter` whose
    /// message contains `text`.
    private func assertRejects(_ type: String, _ given: [String: ParameterValue], parameter: String, _ text: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try make(type, given), file: file, line: line) { e in
            guard let p = e as? ParameterError else { return XCTFail("not a ParameterError: \(e)", file: file, line: line) }
            XCTAssertEqual(p.parameter, parameter, "\(p)", file: file, line: line)
            XCTAssertTrue(p.message.contains(text), "message '\(p.message)' should mention '\(text)'", file: file, line: line)
        }
    }

    func testAllSevenTypesAreRegisteredWithDocumentedParameters() {
        let names = neuronPathBlockTypes.map(\.name)
        XCTAssertEqual(names, ["lif", "li", "delay", "fir", "adder", "scale", "spike_counter"])
        for t in neuronPathBlockTypes {
            XCTAssertNotNil(standardBlocks[t.name], t.name)
            XCTAssertFalse(t.doc.isEmpty)
            XCTAssertEqual(t.parameters.first?.name, "lanes")
            for p in t.parameters { XCTAssertFalse(p.doc.isEmpty, "\(t.name).\(p.name) needs a doc") }
            XCTAssertEqual(Set(t.parameters.map(\.name)).count, t.parameters.count, "unique parameter names")
        }
    }

    /// Every type builds from `lanes` alone (defaults for the rest) and from explicit values.
    func testInstantiatesFromParameters() throws {
        let lanes: ParameterValue = .int(7)
        let lif = try make("lif", ["lanes": lanes, "u": .format(npFormat("s2.14")), "current": .format(npFormat("s4.12")), "threshold": .real(0.75),
                                   "u_min": .int(-1), "leak": .real(0.05), "refractory": .int(3), "reset": .word("zero"),
                                   "integrate_refractory": .bool(false), "rounding": .word("truncate"), "overflow": .word("wrap"), "seed": .int(9)])
        guard let l = lif as? LIFCore else { return XCTFail("lif is a LIFCore") }
        XCTAssertEqual(l.typeName, "lif")
        XCTAssertEqual(l.threshold, 0.75)
        XCTAssertEqual(l.refractoryPeriod, 3)
        XCTAssertEqual(l.resetMode, .zero)
        XCTAssertFalse(l.integratesWhileRefractory)
        XCTAssertEqual(l.refractory.format, npFormat("u2.0"))
        XCTAssertEqual(l.signals.map(\.name), ["current", "spike", "u", "refractory"])

        let li = try make("li", ["lanes": lanes, "gamma": .real(0.125), "leak_mode": .word("shift")]) as! LeakyIntegrator
        XCTAssertEqual(li.gammaConstant.shift, 3)
        XCTAssertEqual(li.signals.map(\.name), ["spike", "v"])

        let delay = try make("delay", ["lanes": lanes, "depth": .int(5), "format": .format(npFormat("s5.12"))]) as! DelayLine
        XCTAssertEqual(delay.depth, 5)
        XCTAssertEqual(delay.storage.first?.bits, 7 * 5 * 17)

        let fir = try make("fir", ["lanes": lanes, "taps": .int(20)]) as! FIRAverager
        XCTAssertEqual(fir.sumFormat, npFormat("s10.12"))     // s5.12 + ceil(log2 20) = 5 bits
        XCTAssertEqual(fir.signals.map(\.name), ["x", "mean", "sum"])

        let adder = try make("adder", ["lanes": lanes, "terms": .int(3), "signs": .word("+-+")]) as! Adder
        XCTAssertEqual(adder.signs, [1, -1, 1])
        XCTAssertEqual(adder.inputs.map(\.name), ["in0", "in1", "in2"])
        let plain = try make("adder", ["lanes": lanes, "terms": .int(4)]) as! Adder
        XCTAssertEqual(plain.signs, [1, 1, 1, 1], "default: all +")
        let letters = try make("adder", ["lanes": lanes, "signs": .word("pm")]) as! Adder
        XCTAssertEqual(letters.signs, [1, -1])

        let scale = try make("scale", ["lanes": lanes, "factor": .real(2.5e-4), "rounding": .word("stochastic")]) as! Scaler
        XCTAssertLessThanOrEqual(abs(scale.factorRelativeError), 0x1p-15)

        let counter = try make("spike_counter", ["lanes": lanes, "count": .format(npFormat("u10"))]) as! SpikeCounter
        XCTAssertEqual(counter.count.format, npFormat("u10.0"))
        XCTAssertTrue(counter.enable.isOptional)

        for t in neuronPathBlockTypes {
            let b = try make(t.name, ["lanes": .int(3)])
            XCTAssertEqual(b.typeName, t.name)
            XCTAssertEqual(b.outputs.first?.lanes, 3)
        }
    }

    /// Bad parameters are rejected with a ParameterError naming the parameter and saying why.
    func testRejectsBadParametersClearly() {
        let one: ParameterValue = .int(1)
        assertRejects("lif", [:], parameter: "lanes", "missing")
        assertRejects("lif", ["lanes": .int(0)], parameter: "lanes", "out of range")
        assertRejects("lif", ["lanes": .int(1_000_001)], parameter: "lanes", "out of range")
        assertRejects("lif", ["lanes": one, "tau": .int(3)], parameter: "tau", "unknown parameter")
        assertRejects("lif", ["lanes": one, "u": .format(npFormat("s2.6")), "threshold": .real(5)], parameter: "threshold", "outside the format s2.6")
        assertRejects("lif", ["lanes": one, "threshold": .real(-0.5)], parameter: "threshold", "above 0")
        assertRejects("lif", ["lanes": one, "u_min": .real(1.0)], parameter: "u_min", "below the threshold")
        assertRejects("lif", ["lanes": one, "leak": .real(1.0)], parameter: "leak", "[0, 1)")
        assertRejects("lif", ["lanes": one, "refractory": .int(0)], parameter: "refractory", "out of range")
        assertRejects("lif", ["lanes": one, "reset": .word("hard")], parameter: "reset", "subtract, zero")
        assertRejects("lif", ["lanes": one, "u": .format(npFormat("u32"))], parameter: "u", "32-bit")
        assertRejects("li", ["lanes": one, "gamma": .real(0)], parameter: "gamma", "(0, 1)")
        assertRejects("li", ["lanes": one, "gamma": .real(0.1), "leak_mode": .word("shift")], parameter: "gamma", "power of two")
        assertRejects("li", ["lanes": one, "v": .format(npFormat("u0.16"))], parameter: "v", "cannot hold 1.0")
        assertRejects("delay", ["lanes": one, "depth": .int(0)], parameter: "depth", "out of range")
        assertRejects("delay", ["lanes": .int(1_000_000), "depth": .int(60000)], parameter: "depth", "exceeds")
        assertRejects("fir", ["lanes": one, "taps": .int(30000), "input": .format(npFormat("s16.12"))], parameter: "taps", "bits")
        assertRejects("adder", ["lanes": one, "terms": .int(3), "signs": .word("+-")], parameter: "signs", "terms is 3")
        assertRejects("adder", ["lanes": one, "terms": .int(2), "signs": .word("+x")], parameter: "signs", "'x'")
        assertRejects("adder", ["lanes": one, "terms": .int(9)], parameter: "terms", "out of range")
        assertRejects("adder", ["lanes": one, "signs": .int(3)], parameter: "signs", "expected a word")
        assertRejects("scale", ["lanes": one, "factor": .real(1e-13)], parameter: "factor", "1e-12")
        assertRejects("scale", ["lanes": one, "factor": .real(2e9)], parameter: "factor", "out of range")
        assertRejects("scale", ["lanes": one, "mantissa": .int(1)], parameter: "mantissa", "out of range")
        assertRejects("scale", ["lanes": one, "rounding": .word("up")], parameter: "rounding", "truncate")
        assertRejects("spike_counter", ["lanes": one, "count": .format(npFormat("s8"))], parameter: "count", "unsigned integer")
    }
}
