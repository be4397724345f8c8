import Foundation
import Blocks
import Netlist
import EqSpike
import Tooling

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
        if !o.flag("json") { print(synthesis(path, overrides: o.all("set"))) }
    }

    /// The area table of `eqspike synth` when it is cached for this design's RTL, else how to get
    /// one. Finding it needs the RTL, so the chip is built here (after the budget: a design too
    /// large to build is still budgeted).
    static func synthesis(_ path: String, overrides: [String]) -> String {
        let sets = overrides.map { " --set \($0)" }.joined()
        let how = "run `eqspike synth \(path)\(sets)` (Yosys) for the per-block area"
        do {
            let chip = try Chip(path: path, overrides: overrides)
            guard let r = try Synth.cachedReport(circuit: chip.design.circuit, blocks: chip.design.blocks) else {
                return "synthesis: no cached result for this design's RTL in \(Synth.defaultCacheDirectory); \(how)"
            }
            return "synthesis (cached in \(Synth.defaultCacheDirectory)\(r.missing.isEmpty ? "" : "; \(r.missing.count) block(s) missing: \(how)")):\n" + r.text
        } catch {
            return "synthesis: none (\(String(describing: error).split(separator: "\n").first ?? "")); \(how)"
        }
    }
}
