import XCTest
import GoldenModel

/// The float network's checkpoint state: exact round trip, and refusals of state it cannot take.
final class GoldenStateTests: XCTestCase {
    func network(seed: UInt64, signed: Bool = true) throws -> GoldenNetwork {
        var c = GoldenConfig()
        c.inputs = 6; c.hidden = 5; c.outputs = 3
        c.seed = seed
        if signed { c.nudgeSignState = 0x1234_5678 }
        return try GoldenNetwork(config: c)
    }

    func testStateRoundTripsExactly() throws {
        let a = try network(seed: 1), b = try network(seed: 2)
        a.setBias(1, [0.1, -0.25, 1e-300, -0.0, 3.5])
        a.loadSignState(0xDEAD_BEEF)
        XCTAssertNotEqual(a.weights(1), b.weights(1))
        try b.restore(a.persistentState())
        for k in 1...2 {
            XCTAssertEqual(a.weights(k).map(\.bitPattern), b.weights(k).map(\.bitPattern))
            XCTAssertEqual(a.bias(k).map(\.bitPattern), b.bias(k).map(\.bitPattern))
        }
        XCTAssertEqual(b.signLFSR?.state, 0xDEAD_BEEF)
        XCTAssertEqual(a.persistentState().map(\.name), ["w1", "w2", "b1", "b2", "sign_lfsr"])
    }

    func testForeignOrForgedStateIsRefusedAndChangesNothing() throws {
        let a = try network(seed: 1)
        let good = a.persistentState()
        func refused(_ entries: [(name: String, values: [Int32])], _ words: String, line: UInt = #line) throws {
            let b = try network(seed: 2)
            let before = b.weights(1)
            XCTAssertThrowsError(try b.restore(entries), line: line) { e in
                XCTAssertTrue("\(e)".contains(words), "\(e)", line: line)
            }
            XCTAssertEqual(b.weights(1), before, "a refused restore changed the weights", line: line)
        }
        try refused(good.filter { $0.name != "b2" }, "no 'b2'")
        try refused(good + [("w3", [0, 0])], "'w3', which this float network does not have")
        try refused(good.map { $0.name == "w2" ? ($0.name, Array($0.values.dropLast(2))) : $0 }, "'w2' has 28 words, this float network 30")
        try refused(good + [good[0]], "'w1' twice")
        let nan = Double.nan.bitPattern
        try refused(good.map { $0.name == "b1" ? ($0.name, [Int32(bitPattern: UInt32(truncatingIfNeeded: nan)), Int32(bitPattern: UInt32(nan >> 32))] + $0.values.dropFirst(2)) : $0 },
                    "'b1'[0] is not a finite number")
        try refused(good.map { $0.name == "sign_lfsr" ? ($0.name, [0]) : $0 }, "dead state")
        // A network without the sign register does not take one.
        let unsigned = try network(seed: 3, signed: false)
        XCTAssertThrowsError(try unsigned.restore(good)) { XCTAssertTrue("\($0)".contains("'sign_lfsr', which this float network does not have"), "\($0)") }
    }
}
