import Foundation
import Blocks
import Netlist

/// `eqspike check`: elaborate and print the hardware budget.
enum CheckCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["set"], booleans: ["json"])
        let path = try o.positional("netlist file")
        let design: Design
        do { design = try Netlist.load(path: path, registry: standardBlocks, overrides: o.all("set")) } catch {
            throw CLIError.failed("\(error)\n\(error.diagnostics.count) error(s) in \(path)")
        }
        let budget = DesignBudget(design)
        print(o.flag("json") ? budget.json : budget.text)
    }
}
