import Foundation
import EqSpike
import RTL
import Tooling

/// `eqspike synth`: area of the design from Yosys on its emitted RTL (Sources/Tooling/Synth.swift).
enum SynthCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["set", "liberty", "timeout", "memory-mb", "only", "cache"], booleans: ["json", "lane-scaling"])
        let path = try o.positional("netlist file")
        var s = Synth.Settings()
        s.liberty = o.string("liberty")
        if let t = try o.int("timeout", range: 1...86_400) { s.timeoutSeconds = Double(t) }
        if let m = try o.int("memory-mb", range: 256...1_048_576) { s.memoryLimitMB = m }
        if let c = o.string("cache") { s.cacheDirectory = c }
        s.laneScaling = o.flag("lane-scaling")
        if let only = o.string("only") { s.only = Set(only.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) }) }
        // Checked before the design is loaded, so a missing tool is the first thing said.
        guard HDLSimulator.which("yosys") != nil else { throw CLIError.failed("synth: \(Synth.Failure.noYosys)") }
        let chip = try Setup.chip(path, overrides: o.all("set"))
        try VerilogCommand.loadMemories(chip, weights: nil, seed: nil)
        let json = o.flag("json")
        let report: Synth.Report
        do {
            report = try Synth.run(circuit: chip.design.circuit, blocks: chip.design.blocks, settings: s) { b, cached in
                let what = b.failure.map { "not synthesised: \($0)" } ?? "\(b.cells) cells, \(b.transistors) transistors\(b.estimate.map { " (lane scaling: \($0))" } ?? "")"
                let msg = "synth: \(b.instance) (\(b.module)): \(what)\(cached ? " (cached)" : String(format: ", %.1f s", b.seconds))\n"
                FileHandle.standardError.write(Data(msg.utf8))
            }
        } catch let e as RTLError {
            throw CLIError.failed("\(path): \(e)")
        } catch let e as Synth.Failure {
            throw CLIError.failed("synth: \(e)")
        }
        print(json ? report.json : report.text)
        if report.blocks.contains(where: { $0.failure != nil }) { exit(1) }
    }
}
