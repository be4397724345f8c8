import Blocks
import FixedPoint
import Foundation
import HDL
@testable import Netlist
import XCTest

/// The `Circuit` layer: block interfaces declared from parameters agree with the cycle models
/// built from them, and a circuit is checked and budgeted without building anything.
final class CircuitTests: XCTestCase {
    /// Every instance's cycle model has exactly the ports (names, kinds, lanes, formats, timing,
    /// optional), storage and persistent state (names, sizes, formats) its type declared.
    func assertModelsMatchInterfaces(_ d: Design, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(d.instances.map(\.name), d.circuit.instances.map(\.name), what, file: file, line: line)
        for (inst, declared) in zip(d.instances, d.circuit.instances) {
            let built = inst.block.builtInterface
            XCTAssertEqual(built.ports, declared.interface.ports, "\(what): \(inst.name) (\(inst.typeName)) ports", file: file, line: line)
            XCTAssertEqual(built.storage, declared.interface.storage, "\(what): \(inst.name) storage", file: file, line: line)
            XCTAssertEqual(built.persistent, declared.interface.persistent, "\(what): \(inst.name) persistent state", file: file, line: line)
        }
    }

    func testShippedDesignsMatchTheirInterfaces() throws {
        // The shipped designs, and variants that switch on the optional ports and state
        // (deferred and rank-1 updates, stochastic rounding, a random nudge sign).
        let variants: [[String]] = [[], ["update_mode=immediate"], ["w1.update=rank1"], ["w1.rounding=stochastic", "w2.update=immediate"],
                                    ["nudge.sign=random"], ["count.bypass=false"]]
        var checked = Set<String>()
        for f in designFiles {
            for v in variants {
                let d: Design
                do { d = try Netlist.load(path: "\(hwConfigs)/\(f)", registry: standardBlocks, overrides: v) } catch {
                    continue   // a variant a design does not have (e.g. no update_mode parameter)
                }
                assertModelsMatchInterfaces(d, "\(f) \(v)")
                checked.formUnion(d.instances.map(\.typeName))
            }
        }
        // (No shipped design uses an `lfsr` bank: testStandardTypesMatchTheirInterfaces covers it.)
        XCTAssertEqual(checked.union(["lfsr"]), Set(standardBlocks.names), "every other block type is in a shipped design")
    }

    func testTestDesignsMatchTheirInterfaces() throws {
        assertModelsMatchInterfaces(try XCTUnwrap(design(validSource)), "validSource")
    }

    /// Each standard type, from the parameters alone, on settings no shipped design uses.
    func testStandardTypesMatchTheirInterfaces() throws {
        let s = { (t: String) in ParameterValue.format(try! QFormat.parse(t)) }
        let cases: [(String, [String: ParameterValue])] = [
            ("crossbar", ["rows": .int(5), "cols": .int(3), "update": .word("deferred"), "rounding": .word("stochastic")]),
            ("crossbar", ["rows": .int(5), "cols": .int(3), "update": .word("rank1"), "rank1_bits": .int(5)]),
            ("bias", ["lanes": .int(3), "update": .word("deferred"), "rounding": .word("stochastic")]),
            ("nudge", ["lanes": .int(2), "v": s("s4.10"), "current": s("s2.12"), "beta": .real(0.1), "gamma_li": .real(0.1),
                       "window": .int(50), "sign": .word("random")]),
            ("adder", ["lanes": .int(2), "terms": .int(5), "signs": .word("+-+-+")]),
            ("spike_counter", ["lanes": .int(3), "bypass": .bool(true)]),
            ("lif", ["lanes": .int(3), "refractory": .int(9)]),
            ("fir", ["lanes": .int(3), "taps": .int(7)]),
            ("lfsr", ["lanes": .int(4)]),
            ("pixel_encoder", ["lanes": .int(4)]),
            ("phase_controller", [:]),
        ]
        for (name, given) in cases {
            let type = try XCTUnwrap(standardBlocks[name])
            let (_, declared) = try type.declare(given)
            XCTAssertEqual(try type.instantiate("x", given).builtInterface, declared, "\(name) \(given)")
        }
    }

    /// `check` describes a design far too large to build: 784 x 60,000 weights (and a shadow of the
    /// same size) are budgeted from the interfaces, with nothing allocated, while building a
    /// simulator of it is refused by the memory limit.
    func testHugeDesignIsCheckedWithoutBuilding() throws {
        let path = "\(hwConfigs)/eqspike-784-300-10.net"
        let start = Date()
        let circuit = try Netlist.loadCircuit(path: path, registry: standardBlocks, overrides: ["H=60000"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "no 47-million-word allocation")
        let budget = DesignBudget(circuit)
        let w1 = try XCTUnwrap(budget.rows.first { $0.name == "w1" })
        XCTAssertEqual(w1.lanesText, "784x60000")
        XCTAssertEqual(w1.sramBits, 784 * 60_000 * (16 + 24), "weights (16 bits) and the deferred update's shadow (delta, 24 bits)")
        XCTAssertThrowsError(try Netlist.load(path: path, registry: standardBlocks, overrides: ["H=60000"])) { error in
            XCTAssertTrue("\(error)".contains("eqspike-784-300-10.net:109:7: error: block 'w1' would hold"), "\(error)")
        }
    }

    /// `check --json` gives lanes as a number, and rows and columns of a crossbar.
    func testBudgetJSONHasNumericLanes() throws {
        let circuit = try Netlist.loadCircuit(path: "\(hwConfigs)/eqspike-tiny.net", registry: standardBlocks)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(DesignBudget(circuit).json.utf8)) as? [String: Any])
        let blocks = try XCTUnwrap(json["blocks"] as? [[String: Any]])
        XCTAssertFalse(blocks.isEmpty)
        XCTAssertTrue(blocks.allSatisfy { $0["lanes"] is Int }, "\(blocks.map { $0["lanes"] ?? "-" })")
        let w1 = try XCTUnwrap(blocks.first { $0["name"] as? String == "w1" })
        XCTAssertEqual(w1["rows"] as? Int, 16)
        XCTAssertEqual(w1["cols"] as? Int, 8)
    }

    /// Errors found on the circuit keep their positions; a combinational loop is found before
    /// anything is built.
    func testCircuitErrorsArePositioned() {
        let loop = "block a: wire(lanes = 2)\nblock b: wire(lanes = 2)\nconnect a.y -> b.x\nconnect b.y -> a.x"
        XCTAssertThrowsError(try Netlist.elaborateCircuit(source: loop, path: "t.net", registry: TestBlocks.registry)) { error in
            XCTAssertEqual((error as? NetlistErrors)?.diagnostics.first?.location.line, 3)
            XCTAssertTrue("\(error)".contains("combinational loop through blocks a -> b -> a"), "\(error)")
        }
    }
}
