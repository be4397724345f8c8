import Blocks
import Foundation
import HDL
@testable import Netlist
import XCTest

/// The repository's hw-configs directory (found from this file's path).
let hwConfigs: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("hw-configs").path
}()

let designFiles = ["eqspike-784-100-10.net", "eqspike-784-300-10.net", "eqspike-tiny.net"]

/// The three shipped designs elaborate against the real block registry.
final class HWConfigTests: XCTestCase {
    func load(_ file: String, overrides: [String] = []) throws -> Design {
        do {
            return try Netlist.load(path: "\(hwConfigs)/\(file)", registry: standardBlocks, overrides: overrides)
        } catch {
            XCTFail("\(file):\n\(error)")
            throw error
        }
    }

    func testDesignsElaborate() throws {
        for f in designFiles {
            let d = try load(f)
            let budget = DesignBudget(d)
            XCTAssertGreaterThan(budget.totalBits, 0)
            XCTAssertEqual(budget.synopEnergyPicojoules, 10)
            print(budget.text)
        }
    }
}
