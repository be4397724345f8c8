import Foundation
import Analysis
import EqSpike
import Datasets

/// `eqspike report`: the paper's figures and tables from one or more training runs, as a
/// self-contained report.html (inline SVG) plus the CSV behind each figure.
enum ReportCommand {
    static func run(_ args: ArraySlice<String>) throws {
        let o = try Options(args, valued: ["netlist", "data", "out", "test-limit", "stdp-images", "betas", "energy-pj", "jobs"],
                            booleans: ["no-sim"], maxPositionals: nil)
        guard !o.positionals.isEmpty else { throw CLIError.usage("missing run directory (the --out of eqspike train)") }
        let runs: [RunDirectory]
        do { runs = try o.positionals.map { try RunDirectory.load($0) } } catch { throw CLIError.failed("\(error)") }
        var opts = ReportOptions()
        opts.testLimit = try o.int("test-limit", range: 1...Int.max)
        opts.stdpImages = try o.int("stdp-images", range: 1...100_000) ?? ReportOptions().stdpImages
        opts.picojoulesPerSynop = try o.double("energy-pj", range: 0...1e9)
        opts.jobs = try o.int("jobs", range: 1...256) ?? Setup.cores
        opts.simulate = !o.flag("no-sim")
        if let b = o.string("betas") {
            let values = b.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { throw CLIError.usage("--betas expects positive numbers separated by commas, got '\(b)'") }
            opts.betas = values.map { $0! }
        }
        let out = o.string("out") ?? runs[0].path
        try OutputFiles.directory(out)   // a bad --out is reported before the (long) analysis
        // The data, fitted to the first chip run's design (the tiny design runs on 4x4 thumbnails).
        var data: (train: LabeledImagesPair, source: String)? = nil
        if opts.simulate, let first = runs.first(where: \.isChip), let netlist = o.string("netlist") ?? first.netlist {
            let probe = try Setup.chip(netlist, overrides: first.overrides)
            let d = try Setup.data(o.string("data"), for: probe)
            data = ((d.train, d.test), d.source)
        }
        func log(_ s: String) { FileHandle.standardError.write(Data("report: \(s)\n".utf8)) }
        var report = try ReportAnalysis.run(runs: runs, netlistOverride: o.string("netlist"), options: opts,
                                            train: data?.train.0, test: data?.train.1,
                                            makeChip: { try Setup.chip($0, overrides: $1) }, log: log)
        report.command = RunRecord.commandLine(program: "eqspike")
        report.dataSource = data?.source ?? ""
        let files = try ReportHTML.write(report, to: out)
        print("paper vs this model:")
        for r in report.comparison {
            print("  " + r.quantity.padding(toLength: 52, withPad: " ", startingAt: 0) + "  paper " + r.paperText.padding(toLength: 12, withPad: " ", startingAt: 0)
                  + "  model " + r.modelText.padding(toLength: 14, withPad: " ", startingAt: 0) + "  " + r.differenceText)
        }
        for f in files { print("wrote \(f)") }
    }

    typealias LabeledImagesPair = (LabeledImages, LabeledImages)
}
