import Foundation
import XCTest
import FixedPoint
import HDL
@testable import Waveform

final class TextTraceTests: XCTestCase {
    func testOneLinePerClock() throws {
        let dir = try TestFiles.scratch()
        let design = try TestDesign()
        let path = dir.appendingPathComponent("trace.txt").path
        let trace = try TextTrace(simulator: design.simulator, patterns: ["*", "!acc.in", "!reg.d"], path: path, decimals: 2)
        trace.window = 1...4
        design.simulator.attach(trace)
        design.simulator.run(6)
        try trace.finish()
        XCTAssertEqual(try TestFiles.text(URL(fileURLWithPath: path)), """
                 1: ctr count= 1  2 odd=10 | acc sum=-2.75 -2.50 acc=-1.50 -1.50 | reg q=-1.50 -1.50 neg=11
                 2: ctr count= 2  4 odd=00 | acc sum=-3.75 -3.00 acc=-2.75 -2.50 | reg q=-2.75 -2.50 neg=11
                 3: ctr count= 3  6 odd=10 | acc sum=-4.50 -3.00 acc=-3.75 -3.00 | reg q=-3.75 -3.00 neg=11
                 4: ctr count= 4  8 odd=00 | acc sum=-5.00 -2.50 acc=-4.50 -3.00 | reg q=-4.50 -3.00 neg=11

            """)
    }

    func testSingleLanesAndRounding() throws {
        let dir = try TestFiles.scratch()
        let design = try TestDesign()
        let path = dir.appendingPathComponent("trace.txt").path
        let trace = try TextTrace(simulator: design.simulator, patterns: ["reg.q[1]", "ctr.odd[0]"], path: path, decimals: 3)
        design.simulator.attach(trace)
        design.simulator.run(2)
        try trace.finish()
        XCTAssertEqual(try TestFiles.text(URL(fileURLWithPath: path)), """
                 0: ctr odd=0 | reg q= 0.000
                 1: ctr odd=1 | reg q=-1.500

            """)
        // raw / 2^F rounded half away from zero to the digits shown
        XCTAssertTrue(TextTrace.split(raw: 3, fracBits: 4, decimals: 2) == (false, 0, 19))      // 0.1875
        XCTAssertTrue(TextTrace.split(raw: -1, fracBits: 8, decimals: 2) == (false, 0, 0))      // -0.0039 -> 0.00
        XCTAssertTrue(TextTrace.split(raw: -200, fracBits: 4, decimals: 1) == (true, 12, 5))    // -12.5
        XCTAssertEqual(TextTrace.length(raw: -128, fracBits: 4, decimals: 2), 5)                // -8.00
        XCTAssertThrowsError(try TextTrace(simulator: design.simulator, patterns: ["nothing.here"], path: path))
    }
}
