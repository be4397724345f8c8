import Foundation
import Blocks
import Netlist

/// `eqspike check`: elaborate to the design's `Circuit` and print its hardware budget. Nothing is
/// built, so a design too large to simulate (`--set H=60000`) is still checked and budgeted.
enum CheckCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["set"], booleans: ["json"])
        let path = try o.positional("netlist file")
        let circuit: Circuit
        do { circuit = try Netlist.loadCircuit(path: path, registry: standardBlocks, overrides: o.all("set")) } catch {
            throw CLIError.failed("\(error)\n\(error.diagnostics.count) error(s) in \(path)")
        }
        let budget = DesignBudget(circuit)
        print(o.flag("json") ? budget.json : budget.text)
    }
}
