import EqSpike
import Foundation

/// Renders `ReportData` as report.html (one file, every figure an inline SVG, no external assets)
/// and the CSV file behind each figure, in one directory.
public enum ReportHTML {
    public static let blue = "#1f77b4", orange = "#ff7f0e", red = "#d62728", green = "#2ca02c", purple = "#9467bd", grey = "#7f7f7f"

    /// One figure: its SVG, a caption, and the CSV (file name, contents) behind it.
    public struct Figure {
        public var id: String
        public var title: String
        public var svg: String
        public var caption: String
        public var csvName: String
        public var csv: String
    }

    // MARK: figures

    public static func accuracyFigure(_ d: ReportData) -> Figure? {
        guard !d.accuracy.isEmpty else { return nil }
        let all = d.accuracy.flatMap { $0.train.mean + $0.test.mean }.filter(\.isFinite)
        let epochs = d.accuracy.flatMap { $0.train.epochs + $0.test.epochs }
        let maxE = Double(epochs.max() ?? 1)
        let lo = max(0, min((all.min() ?? 0.9) - 0.02, 0.95))
        var p = SVGPlot(title: "Fig. 2 — accuracy during training", xLabel: "epoch", yLabel: "accuracy (%)",
                        x: SVG.epochRange(Int(maxE)), y: (lo * 100)...100)
        p.integerXTicks = true
        p.legendPosition = .outside
        var csv = "model,epoch,runs,train_mean,train_std,test_mean,test_std\n"
        let colors: [(String, String)] = [(orange, blue), (purple, green), (grey, red)]
        for (k, g) in d.accuracy.enumerated() {
            let (ct, cs) = colors[min(k, colors.count - 1)]
            let dash: String? = k == 0 ? nil : "6 3"
            let short = g.label.hasPrefix("EqSpike") ? "chip" : g.label.hasPrefix("C-EP") ? "C-EP" : g.label
            let nRuns = g.runs.count
            for (agg, color, what) in [(g.train, ct, "train"), (g.test, cs, "test")] {
                let x = agg.epochs.map(Double.init)
                if nRuns > 1 {
                    p.band(x: x, lower: zip(agg.mean, agg.std).map { 100 * ($0 - $1) }, upper: zip(agg.mean, agg.std).map { 100 * ($0 + $1) }, color: color, opacity: 0.18)
                }
                let pts = zip(x, agg.mean.map { 100 * $0 }).map { ($0, $1) }
                p.line(pts, color: color, width: 2, dash: dash, label: "\(short) \(what)" + (nRuns > 1 ? " (mean ± sd of \(nRuns) runs)" : ""))
                p.markers(pts, color: color, radius: 3)
            }
            for e in Set(g.train.epochs + g.test.epochs).sorted() {
                func at(_ a: RunAggregate) -> (Double, Double, Int) {
                    guard let i = a.epochs.firstIndex(of: e) else { return (.nan, .nan, 0) }
                    return (a.mean[i], a.std[i], a.runs[i])
                }
                let tr = at(g.train), te = at(g.test)
                csv += "\(csvField(g.label)),\(e),\(max(tr.2, te.2)),\(num(tr.0)),\(num(tr.1)),\(num(te.0)),\(num(te.1))\n"
            }
        }
        let h = d.model.hidden
        if d.model.network == "784-\(h)-10", let paper = PaperNumbers.eqSpike(hidden: h) {
            p.horizontalLine(at: 100 * paper.test, color: blue, dash: "2 3", label: String(format: "paper EqSpike test %.2f%% (50 epochs)", 100 * paper.test))
        }
        if d.accuracy.contains(where: { $0.label.hasPrefix("C-EP") }) {
            p.horizontalLine(at: 100 * PaperNumbers.cepTest, color: green, dash: "2 3", label: "paper C-EP test 96.97%")
        }
        let caption = "Train accuracy (running, free-phase prediction before each image's nudge) and test accuracy after each epoch. "
            + d.accuracy.map { "\($0.label): \($0.runs.joined(separator: ", "))" }.joined(separator: "; ") + "."
        return Figure(id: "fig2", title: "Accuracy vs epoch (Fig. 2)", svg: p.render(), caption: caption, csvName: "fig2_accuracy.csv", csv: csv)
    }

    public static func timeFigure(_ d: ReportData) -> Figure? {
        guard let c = d.curves else { return nil }
        let f = d.fMax
        let x = c.clocks.map { Double($0) * f }
        var p = SVGPlot(title: "Fig. 3 — accuracy vs time (test set, trained chip)", xLabel: "t × f_max", yLabel: "accuracy (%)",
                        x: 0...(Double(c.clocks.count) * f), y: 0...100)
        p.legendPosition = .outside
        p.line(zip(x, c.answered.map { 100 * $0 }).map { ($0, $1) }, color: grey, width: 1.2, dash: "3 3", label: "images with an output spike")
        p.line(zip(x, c.rate.map { 100 * $0 }).map { ($0, $1) }, color: orange, width: 2, label: "rate readout (most spikes since onset)")
        p.line(zip(x, c.firstSpike.map { 100 * $0 }).map { ($0, $1) }, color: blue, width: 2, label: "first-spike readout")
        p.verticalLine(at: c.meanFirstSpikeClock * f, color: red, dash: "4 3", label: String(format: "mean first output spike %.2f/f_max", c.meanFirstSpikeClock * f))
        p.verticalLine(at: PaperNumbers.meanFirstSpikeXfmax, color: "#f4a3a3", dash: "1 3", label: "paper: first output spike 3.5/f_max")
        p.markers([(PaperNumbers.firstSpikeDeadlineXfmax, 100 * PaperNumbers.firstSpikeAccuracy)], color: "#000", radius: 4, label: "paper: first-spike 95.11% at 10/f_max")
        var csv = "clock,t_x_fmax,rate_accuracy,first_spike_accuracy,answered_fraction,synops_cumulative_per_image\n"
        for (k, t) in c.clocks.enumerated() {
            let s = k < d.synopsByClock.count ? d.synopsByClock[k] : .nan
            csv += "\(t),\(num(x[k])),\(num(c.rate[k])),\(num(c.firstSpike[k])),\(num(c.answered[k])),\(num(s))\n"
        }
        let dl = min(d.deadline, c.clocks.count - 1)
        var caption = String(format: "%d test images. At t = %.0f/f_max (clock %d): first-spike readout %.2f%%, rate readout %.2f%%. ",
                             c.images, Double(dl) * f, dl, 100 * c.firstSpike[dl], 100 * c.rate[dl])
        caption += String(format: "Mean first output spike at clock %.2f (%.2f/f_max); %d image(s) without an output spike in the free phase. ",
                          c.meanFirstSpikeClock, c.meanFirstSpikeClock * f, c.imagesWithoutSpike)
        if let w = d.chipReadoutAccuracy {
            caption += String(format: "The chip's own readout (most spikes in clocks [%d, %d)) gives %.2f%% on the same images. ",
                              d.chipReadoutWindow.0, d.chipReadoutWindow.1, 100 * w)
        }
        caption += "An image with no output spike yet has no answer and counts as wrong."
        return Figure(id: "fig3", title: "Inference time (Fig. 3)", svg: p.render(), caption: caption, csvName: "fig3_accuracy_vs_time.csv", csv: csv)
    }

    public static func synopsTimeFigure(_ d: ReportData) -> Figure? {
        guard !d.synopsByClock.isEmpty else { return nil }
        let f = d.fMax
        let x = d.synopsByClock.indices.map { Double($0) * f }
        let maxY = max(d.synopsByClock.max() ?? 1, PaperNumbers.synopsPerInference) * 1.05
        var p = SVGPlot(title: "SynOps per inference vs time", xLabel: "t × f_max", yLabel: "SynOps since onset (mean per image)",
                        x: 0...(Double(d.synopsByClock.count) * f), y: 0...maxY)
        p.legendPosition = .outside
        p.line(zip(x, d.synopsByClock).map { ($0, $1) }, color: purple, width: 2, label: "this chip")
        p.horizontalLine(at: PaperNumbers.synopsPerInference, color: grey, dash: "4 3", label: "paper: ~150,000 at 10/f_max")
        p.verticalLine(at: Double(d.deadline) * f, color: blue, dash: "2 3", label: "first-spike deadline")
        return Figure(id: "fig3b", title: "SynOps over an inference", svg: p.render(),
                      caption: "Cumulative synaptic operations (words read by spike-driven crossbar reads) since stimulus onset, mean over the test images; the energy per inference is this times the energy per SynOp.",
                      csvName: "fig3_accuracy_vs_time.csv", csv: "")
    }

    public static func trainingFigures(_ d: ReportData) -> [Figure] {
        guard !d.training.isEmpty else { return [] }
        var out: [Figure] = []
        var csv = "run,epoch,nudged_fraction,spikes_per_neuron_per_image,training_synops_epoch,training_synops_cumulative,test_accuracy,train_accuracy\n"
        for (run, s) in d.training {
            for k in s.epochs.indices {
                csv += "\(csvField(run)),\(s.epochs[k]),\(num(s.nudgedFraction[k])),\(num(s.spikesPerNeuronPerImage[k])),\(num(s.synopsPerEpoch[k])),\(num(s.cumulativeSynops[k])),\(num(s.testAccuracy[k])),\(num(s.trainAccuracy[k]))\n"
            }
        }
        func epochPlot(_ agg: RunAggregate, title: String, yLabel: String, scale: Double, paper: Double, paperLabel: String, color: String, id: String, caption: String) -> Figure {
            let x = agg.epochs.map(Double.init)
            let maxE = Double(agg.epochs.max() ?? 1)
            let ys = agg.mean.map { $0 * scale } + [paper]
            var p = SVGPlot(title: title, xLabel: "epoch", yLabel: yLabel, x: SVG.epochRange(Int(maxE)),
                            y: 0...max(1e-9, (ys.filter(\.isFinite).max() ?? 1) * 1.15))
            p.integerXTicks = true
            p.legendPosition = .outside
            if agg.runs.contains(where: { $0 > 1 }) {
                p.band(x: x, lower: zip(agg.mean, agg.std).map { ($0 - $1) * scale }, upper: zip(agg.mean, agg.std).map { ($0 + $1) * scale }, color: color)
            }
            let pts = zip(x, agg.mean.map { $0 * scale }).map { ($0, $1) }
            p.line(pts, color: color, label: "this chip")
            p.markers(pts, color: color)
            p.horizontalLine(at: paper, color: grey, dash: "4 3", label: paperLabel)
            return Figure(id: id, title: title, svg: p.render(), caption: caption, csvName: "fig4_training.csv", csv: "")
        }
        if let n = d.nudged {
            out.append(epochPlot(n, title: "Fig. 4a — images nudged per epoch", yLabel: "nudged (% of training images)", scale: 100,
                                 paper: 100 * PaperNumbers.nudgedFractionLast20, paperLabel: "paper: ~15% in the last 20 of 50 epochs", color: blue, id: "fig4a",
                                 caption: "Share of training images whose free-phase output missed the target by more than the skip threshold, so that the nudge phase ran."))
        }
        if let s = d.spikes {
            out.append(epochPlot(s, title: "Fig. 4b — spikes per neuron per image", yLabel: "spikes / neuron / image (free + nudge)", scale: 1,
                                 paper: PaperNumbers.spikesPerNeuronPerImage, paperLabel: "paper: ~36", color: orange, id: "fig4b",
                                 caption: "All spikes of all layers during training (free and nudge phases) per neuron per image."))
        }
        // Fig. 4c: accuracy vs cumulative training SynOps (log x).
        let xs = d.training.flatMap { $0.series.cumulativeSynops }.filter { $0 > 0 } + [PaperNumbers.trainingSynops50Epochs]
        let accs = d.training.flatMap { $0.series.testAccuracy }.filter(\.isFinite).map { 100 * $0 }
        let lo = pow(10, (log10(xs.min() ?? 1)).rounded(.down)), hi = pow(10, (log10(xs.max() ?? 10)).rounded(.up))
        var p = SVGPlot(title: "Fig. 4c — accuracy vs training SynOps", xLabel: "cumulative training SynOps (log)", yLabel: "test accuracy (%)",
                        x: lo...max(hi, lo * 10), y: max(0, min((accs.min() ?? 90) - 2, 95))...100)
        p.xLog = true
        p.legendPosition = .outside
        for (k, (run, s)) in d.training.enumerated() {
            let pts = zip(s.cumulativeSynops, s.testAccuracy.map { 100 * $0 }).map { ($0, $1) }.filter { $0.0 > 0 }
            let color = SVG.palette[k % SVG.palette.count]
            p.line(pts, color: color, label: run)
            p.markers(pts, color: color)
        }
        if d.model.network == "784-\(d.model.hidden)-10", let paper = PaperNumbers.eqSpike(hidden: d.model.hidden) {
            p.markers([(PaperNumbers.trainingSynops50Epochs, 100 * paper.test)], color: "#000", radius: 4, label: "paper: 4.23e12 SynOps, 50 epochs")
        }
        out.append(Figure(id: "fig4c", title: "Fig. 4c", svg: p.render(),
                          caption: "Test accuracy after each epoch against the SynOps spent on training so far (free + nudge phases of every training image).",
                          csvName: "fig4_training.csv", csv: csv))
        return out
    }

    /// The two definitions of Fig. 5c (AnalysisSTDPPaper.swift, AnalysisSTDPUpdate.swift).
    enum STDPDefinition { case paper, updateAnchored }

    /// Fig. 5c in one definition: one curve per (beta, nudge rule, nudge sign), bins with fewer than
    /// `minEvents` events left out of the plot (kept in the CSV with their counts).
    static func stdpFigure(_ d: ReportData, _ def: STDPDefinition) -> Figure? {
        guard !d.stdp.isEmpty else { return nil }
        let o = d.stdpOptions
        func hist(_ c: ReportData.STDPCurve) -> STDPAnalysis.Histogram { def == .paper ? c.paper : c.updateAnchored }
        let shown = d.stdp.map { hist($0).meaningful(minEvents: o.minEvents, minImages: o.minImages) }
        let ys = zip(d.stdp, shown).flatMap { c, ks in ks.map { hist(c).means[$0] } }.filter(\.isFinite)
        let yr = SVG.paddedRange(ys, includeZero: true)
        let ymax = max(abs(yr.lowerBound), abs(yr.upperBound))
        let xs = zip(d.stdp, shown).flatMap { c, ks in ks.map { hist(c).centre($0) } }
        let x: ClosedRange<Double>
        switch def {
        case .paper: x = 0...Double(o.paperWindow)
        case .updateAnchored:
            let reach = xs.map(abs).max() ?? Double(o.halfWindow)
            let xmax = min(Double(o.halfWindow), max(10, (reach + Double(o.binWidth)) * 1.15))
            x = -xmax...xmax
        }
        let title = def == .paper ? "Fig. 5c — the paper's definition" : "Fig. 5c — anchored on each W1 update"
        let xLabel = def == .paper ? "t_post − mean t_pre in the 200 clocks before (clocks)" : "mean t_post within ±\(o.halfWindow) clocks − t_pre (clocks)"
        var p = SVGPlot(title: title, xLabel: xLabel, yLabel: def == .paper ? "mean W1 change per event" : "mean W1 update per event",
                        x: x, y: -ymax...ymax)
        p.left = 84
        p.legendPosition = .outside
        p.horizontalLine(at: 0, color: "#999", dash: nil)
        if def == .updateAnchored { p.verticalLine(at: 0, color: "#999", dash: nil, label: nil) }
        let colors = [blue, red, green, orange, purple, grey]
        for (k, (c, ks)) in zip(d.stdp, shown).enumerated() {
            let h = hist(c)
            let pts = ks.map { (h.centre($0), h.means[$0]) }
            let color = colors[k % colors.count]
            p.line(pts, color: color, dash: c.negative ? "5 3" : nil, label: "\(c.label): \(h.images) images, \(h.events) events")
            p.markers(pts, color: color, radius: 2.5)
        }
        // CSV: one row per bin, per curve its mean update and its event count.
        func key(_ c: ReportData.STDPCurve) -> String {
            (c.rule == .positive ? "positive" : c.negative ? "random_minus" : "random_plus") + "_beta\(num(c.beta))"
        }
        var csv = "dt_bin_centre_clocks," + d.stdp.map { "\(key($0))_mean_update,\(key($0))_events,\(key($0))_images" }.joined(separator: ",") + "\n"
        for b in hist(d.stdp[0]).sums.indices {
            csv += num(hist(d.stdp[0]).centre(b)) + ","
                + d.stdp.map { "\(num(hist($0).means[b])),\(hist($0).counts[b]),\(hist($0).imageCounts[b])" }.joined(separator: ",") + "\n"
        }
        // Measured summary per curve: images, events, bins drawn, and what the curve does.
        func g(_ x: Double) -> String { x.isFinite ? String(format: "%.2g", x) : "–" }
        func mean(_ h: STDPAnalysis.Histogram, _ r: ClosedRange<Double>) -> Double {
            STDPAnalysis.meanUpdate(h, minEvents: o.minEvents, minImages: o.minImages, within: r)
        }
        let summary = zip(d.stdp, shown).map { c, ks -> String in
            let h = hist(c)
            var t = "\(c.label): \(h.images) images, \(h.events) events, \(ks.count) of \(h.sums.count) bins drawn"
            switch def {
            case .paper:
                let xs = ks.map { h.centre($0) }
                let nudgeStart = Double(d.tFree) / 2, full = Double(o.paperWindow) / 2
                func c(_ x: Double) -> String { x.isFinite ? String(format: "%.0f", x) : "–" }
                t += ", at x = \(c(xs.min() ?? .nan)) ... \(c(xs.max() ?? .nan)) clocks, \(pctInt(h.clipped, h.events)) of events with the window cut by the onset; "
                    + "mean change \(g(mean(h, -1...(nudgeStart + 6)))) at x ≤ \(c(nudgeStart + 6)) (post spikes in the first nudge clocks), "
                    + "\(g(mean(h, (full - 10)...(full + 4)))) at x = \(c(full - 10)) ... \(c(full + 4)) (the latest post spikes)"
            case .updateAnchored:
                let before = mean(h, -Double.infinity...(-0.5)), after = mean(h, 0.5...Double.infinity)
                // A shape needs both sides: one side at less than a quarter of the other is a curve
                // on one side of zero, whatever the signs.
                let twoSided = min(abs(before), abs(after)) >= 0.25 * max(abs(before), abs(after))
                let shape = !twoSided ? "no STDP shape" : before < 0 && after > 0 ? "STDP-like (depression before, potentiation after)"
                    : before > 0 && after < 0 ? "the mirror image, anti-STDP (potentiation before, depression after)" : "no STDP shape"
                t += "; mean update \(g(before)) at dt < 0, \(g(after)) at dt > 0: " + shape
            }
            return t
        }.joined(separator: "; ")
        let common = "\(d.stdpImages) training images of the first epoch (the run's order) through fresh chips from the initial weights, learning on, "
            + "one chip per nudge rule (recording: \(String(format: "%.0f", d.stdpSeconds)) s wall; images not nudged, so without updates: "
            + d.stdp.filter { !$0.negative }.map { "\($0.rule.rawValue) sign \($0.skipped)" }.joined(separator: ", ") + "). "
            + "Inputs and hidden neurons (free phase) below \(SVG.tickLabel(o.minRate)) spikes/clock are filtered out, as in the paper; "
            + "bins of \(o.binWidth) clocks with fewer than \(o.minEvents) events or events from fewer than \(o.minImages) images are not drawn "
            + "(an image's events are correlated; the CSV has every bin with its event and image counts). "
        let caption: String
        switch def {
        case .paper:
            caption = "The paper's definition: each spike of a hidden neuron in the nudge phase, paired with each input that spiked in the "
                + "\(o.paperWindow) clocks before it (the window starts at the image onset at the latest), is an event at "
                + "x = t_post − mean(t_pre of those spikes); its value is the W1 change the synapse received in that window (W1 is written at input spikes only). "
                + common + "Measured: " + summary + ". "
                + ReportText.fig5cPaper(window: o.paperWindow, tFree: d.tFree, tNudge: d.tNudge)
        case .updateAnchored:
            caption = "Anchored on the update instead (the mechanism of the paper's Fig. 5b): each W1 update (an input spike in the nudge phase: "
                + "W1[i][h] += eta1·F_h) is placed at dt = (mean time of the hidden neuron's spikes within ±\(o.halfWindow) clocks, kept symmetric "
                + "inside the image) − (the input spike time), and the curve is the mean update per bin. " + common
                + "Measured: " + summary + ". " + ReportText.fig5cUpdate
        }
        return Figure(id: def == .paper ? "fig5c" : "fig5c-update", title: "STDP (Fig. 5c)", svg: p.render(), caption: caption,
                      csvName: def == .paper ? "fig5c_stdp.csv" : "fig5c_stdp_update_anchored.csv", csv: csv)
    }

    static func pctInt(_ a: Int, _ b: Int) -> String { b > 0 ? String(format: "%.0f%%", 100 * Double(a) / Double(b)) : "–" }

    public static func traceFigures(_ d: ReportData) -> [Figure] {
        guard let t = d.trace else { return [] }
        var out: [Figure] = []
        let shade = t.nudgeStart.map { (from: $0, to: t.clocks, label: "nudge phase (learning on)") }
        let raster = SVGRaster.render(layers: [
            .init(name: "input", lanes: t.inputs, events: t.input, color: "#444"),
            .init(name: "hidden", lanes: t.hiddenLanes, events: t.hidden, color: blue),
            .init(name: "output", lanes: t.outputs, events: t.output, color: red),
        ], clocks: t.clocks, shade: shade, title: "Spike raster of one training image (label \(t.label), free-phase prediction \(t.prediction))",
           width: 940, heights: [220, 140, 70])
        var csv = "layer,clock,lane\n"
        for (name, ev) in [("input", t.input), ("hidden", t.hidden), ("output", t.output)] {
            for e in ev { csv += "\(name),\(e.clock),\(e.lane)\n" }
        }
        out.append(Figure(id: "raster", title: "Spike raster", svg: raster,
                          caption: "Training image \(t.imageIndex) of the set (first image of epoch 1 in the run's order that was nudged"
                            + (t.nudged ? "" : " — none of the first 50 was; this one was not") + "), with the trained weights. Rows: lanes that spiked at least once; output row k is class k.",
                          csvName: "raster.csv", csv: csv))
        // Output membranes.
        let x = (0 ..< t.outputMembrane.count).map(Double.init)
        let allU = t.outputMembrane.flatMap { $0 }
        var p = SVGPlot(title: "Output membrane potentials (label \(t.label))", xLabel: "clock since stimulus onset", yLabel: "u (output neurons)",
                        x: 0...Double(max(t.clocks, 1)), y: SVG.paddedRange(allU + [t.threshold]))
        p.width = 820
        p.legendPosition = .outside
        if let s = t.nudgeStart { p.shadeX(from: Double(s), to: Double(t.clocks), color: orange, label: "nudge") }
        for o in 0 ..< t.outputs {
            let pts = zip(x, t.outputMembrane.map { $0[o] }).map { ($0, $1) }
            p.line(pts, color: SVG.palette[o % 10], width: o == t.label ? 2.4 : 0.9, label: o == t.label ? "class \(o) (target)" : (o == t.prediction ? "class \(o) (predicted)" : nil))
        }
        p.horizontalLine(at: t.threshold, color: "#000", dash: "2 2", label: "threshold")
        var mcsv = "clock," + (0 ..< t.outputs).map { "u_out\($0)" }.joined(separator: ",")
        mcsv += "," + (0 ..< (t.hiddenMembrane.first?.count ?? 0)).map { "u_hidden\($0)" }.joined(separator: ",") + "\n"
        for k in t.outputMembrane.indices {
            mcsv += "\(k)," + t.outputMembrane[k].map { num($0) }.joined(separator: ",")
            if k < t.hiddenMembrane.count { mcsv += "," + t.hiddenMembrane[k].map { num($0) }.joined(separator: ",") }
            mcsv += "\n"
        }
        out.append(Figure(id: "membranes", title: "Membrane traces", svg: p.render(),
                          caption: "Membrane potential of every output neuron through both phases (reset by subtraction, so u falls by the threshold at each spike). In the nudge phase the target's current rises and the others' fall.",
                          csvName: "membranes.csv", csv: mcsv))
        if let first = t.hiddenMembrane.first, !first.isEmpty {
            var q = SVGPlot(title: "Hidden membrane potentials (neurons 0–\(first.count - 1))", xLabel: "clock since stimulus onset", yLabel: "u (hidden)",
                            x: 0...Double(max(t.clocks, 1)), y: SVG.paddedRange(t.hiddenMembrane.flatMap { $0 } + [t.threshold]))
            q.width = 820; q.height = 260
            if let s = t.nudgeStart { q.shadeX(from: Double(s), to: Double(t.clocks), color: orange) }
            for k in 0 ..< first.count {
                q.line(zip(x, t.hiddenMembrane.map { $0[k] }).map { ($0, $1) }, color: SVG.palette[k % 10], width: 1.2, label: "hidden \(k)")
            }
            q.legendPosition = .outside
            out.append(Figure(id: "hidden-membranes", title: "Hidden membranes", svg: q.render(), caption: "The same image: the first hidden neurons.",
                              csvName: "membranes.csv", csv: ""))
        }
        return out
    }

    public static func weightsFigure(_ d: ReportData) -> Figure? {
        guard let w = d.weights, !w.tiles.isEmpty else { return nil }
        let pixel = max(2.5, 70 / Double(max(w.rows, 1)))   // a tile of about 70 px
        let svg = SVGHeatmap.render(tiles: w.tiles, rows: w.rows, cols: w.cols, columns: 10, pixel: pixel,
                                    title: "Learned input → hidden weights (W1 column of each hidden neuron)",
                                    tileLabels: w.tiles.indices.map { "h\($0)" })
        var csv = "hidden," + (0 ..< (w.tiles.first?.count ?? 0)).map { "w_in\($0)" }.joined(separator: ",") + "\n"
        for (h, tile) in w.tiles.enumerated() { csv += "\(h)," + tile.map { num($0) }.joined(separator: ",") + "\n" }
        let shown = w.tiles.count < w.hidden ? " (first \(w.tiles.count) of \(w.hidden))" : ""
        return Figure(id: "weights", title: "Learned weights", svg: svg,
                      caption: "W1[i][h] of the checkpoint drawn as a \(w.rows)×\(w.cols) picture per hidden neuron\(shown); red positive, blue negative, scale ± the 99th percentile of |W1|.",
                      csvName: "w1_weights.csv", csv: csv)
    }

    public static func weightChangeFigure(_ d: ReportData) -> Figure? {
        guard let w = d.weights, let change = d.weightChanges, !change.isEmpty else { return nil }
        let pixel = max(2.5, 70 / Double(max(w.rows, 1)))   // a tile of about 70 px
        let svg = SVGHeatmap.render(tiles: change, rows: w.rows, cols: w.cols, columns: 10, pixel: pixel,
                                    title: "What training changed: W1 minus the initial W1",
                                    tileLabels: change.indices.map { "h\($0)" })
        var csv = "hidden," + (0 ..< (change.first?.count ?? 0)).map { "dw_in\($0)" }.joined(separator: ",") + "\n"
        for (h, tile) in change.enumerated() { csv += "\(h)," + tile.map { num($0) }.joined(separator: ",") + "\n" }
        return Figure(id: "weight-changes", title: "Weight changes", svg: svg,
                      caption: "The checkpoint's W1 minus the initial W1 (regenerated from the run's seed): the part learned on chip, which the initial random weights hide in the picture above. Same colours, scale ± the 99th percentile of the change.",
                      csvName: "w1_changes.csv", csv: csv)
    }

    // MARK: page

    /// Writes report.html and the CSV files into `directory`; returns the paths written.
    @discardableResult
    public static func write(_ d: ReportData, to directory: String) throws -> [String] {
        try OutputFiles.directory(directory)
        var figures: [Figure] = []
        if let f = accuracyFigure(d) { figures.append(f) }
        if let f = timeFigure(d) { figures.append(f) }
        if let f = synopsTimeFigure(d) { figures.append(f) }
        figures += trainingFigures(d)
        if let f = stdpFigure(d, .paper) { figures.append(f) }
        if let f = stdpFigure(d, .updateAnchored) { figures.append(f) }
        figures += traceFigures(d)
        if let f = weightsFigure(d) { figures.append(f) }
        if let f = weightChangeFigure(d) { figures.append(f) }
        var written: [String] = []
        for f in figures where !f.csv.isEmpty {
            let p = directory + "/" + f.csvName
            try OutputFiles.write(f.csv, to: p)
            written.append(p)
        }
        var energyCSV = "quantity,value,unit,note\n"
        if let e = d.energy { for r in e.rows { energyCSV += "\(csvField(r.quantity)),\(num(r.value)),\(r.unit),\(csvField(r.note))\n" } }
        if d.energy != nil {
            try OutputFiles.write(energyCSV, to: directory + "/energy.csv")
            written.append(directory + "/energy.csv")
        }
        if let a = d.activityEnergy {
            try OutputFiles.write(a.csv, to: directory + "/energy-activity.csv")
            written.append(directory + "/energy-activity.csv")
        }
        var cmp = "figure,quantity,paper,model,difference,note\n"
        for r in d.comparison {
            cmp += "\(csvField(r.figure)),\(csvField(r.quantity)),\(num(r.paper)),\(r.model.map(num) ?? ""),\(csvField(r.differenceText)),\(csvField(r.note))\n"
        }
        try OutputFiles.write(cmp, to: directory + "/paper_vs_model.csv")
        written.append(directory + "/paper_vs_model.csv")
        let html = page(d, figures: figures)
        try OutputFiles.write(html, to: directory + "/report.html")
        written.append(directory + "/report.html")
        return written
    }

    public static func page(_ d: ReportData, figures: [Figure]) -> String {
        let esc = SVG.escape
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>EqSpike report</title><style>\n"
        h += "body{font-family:Helvetica,Arial,sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#222;line-height:1.4}"
        h += "h1{font-size:24px}h2{font-size:18px;margin-top:34px;border-bottom:1px solid #ddd;padding-bottom:4px}"
        h += "table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
        h += "th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
        h += "figure{margin:14px 0}figcaption{font-size:13px;color:#444;max-width:940px}.note{background:#fff8e1;border:1px solid #f0d98c;padding:6px 10px;font-size:13px}"
        h += "svg{max-width:100%;height:auto}.grid{display:flex;flex-wrap:wrap;gap:8px}.small{font-size:12px;color:#666}\n</style></head><body>\n"
        h += "<h1>EqSpike on the modelled chip — the paper's analyses</h1>\n"
        h += "<p class=\"small\">Generated \(esc(ISO8601DateFormatter().string(from: Date())))" + (d.command.isEmpty ? "" : " by <code>\(esc(d.command))</code>") + ". "
        h += "Paper: Martin et al., <i>EqSpike: spike-driven equilibrium propagation for neuromorphic implementations</i>. Every figure is computed from this project's "
        h += "cycle-accurate fixed-point chip model (or, where marked, its rate-based C-EP reference); the CSV next to each figure holds its numbers.</p>\n"
        for n in d.notes { h += "<p class=\"note\">\(esc(n))</p>\n" }
        // Runs and design.
        h += "<h2>Runs and design</h2><table><tr><th>run</th><th>model</th><th>epochs</th><th>last train</th><th>last test</th><th>test images</th></tr>"
        for r in d.runs {
            let tr = r.metrics.values("train_accuracy").last ?? .nan, te = r.metrics.values("test_accuracy").last ?? .nan
            let ti = r.metrics.values("test_images").last ?? .nan
            h += "<tr><td>\(esc(r.path))</td><td>\(esc(r.model == "fixed" ? "chip (fixed point)" : r.model == "rate" ? "C-EP (rate)" : r.model))</td><td class=\"n\">\(r.metrics.rows.count)</td>"
            h += "<td class=\"n\">\(pct(tr))</td><td class=\"n\">\(pct(te))</td><td class=\"n\">\(ti.isFinite ? String(Int(ti)) : "–")</td></tr>"
        }
        h += "</table>"
        if !d.design.isEmpty {
            h += "<table>"
            for (k, v) in d.design { h += "<tr><th>\(esc(k))</th><td>\(esc(v))</td></tr>" }
            if d.testImagesUsed > 0 { h += "<tr><th>report's inference pass</th><td>\(d.testImagesUsed) test images with the run's checkpoint</td></tr>" }
            h += "</table>"
        }
        // Comparison.
        h += "<h2>Paper vs this model</h2><table><tr><th>figure</th><th>quantity</th><th>paper</th><th>this model</th><th>difference</th><th>note</th></tr>"
        for r in d.comparison {
            h += "<tr><td>\(esc(r.figure))</td><td>\(esc(r.quantity))</td><td class=\"n\">\(esc(r.paperText))</td><td class=\"n\">\(esc(r.modelText))</td>"
            h += "<td class=\"n\">\(esc(r.differenceText))</td><td class=\"small\">\(esc(r.note))</td></tr>"
        }
        h += "</table><p class=\"small\">CSV: <a href=\"paper_vs_model.csv\">paper_vs_model.csv</a>. Differences are this model minus the paper "
        h += "(percentage points for accuracies; otherwise the difference and the ratio). A short run is not the paper's 50-epoch training: compare "
        h += "trends, not the last digit.</p>\n"
        func section(_ title: String, _ ids: [String]) {
            let fs = figures.filter { ids.contains($0.id) }
            guard !fs.isEmpty else { return }
            h += "<h2>\(esc(title))</h2>\n"
            for f in fs {
                h += "<figure id=\"\(f.id)\">\(f.svg)<figcaption>\(esc(f.caption))"
                if !f.csvName.isEmpty { h += " <span class=\"small\">Data: <a href=\"\(f.csvName)\">\(f.csvName)</a></span>" }
                h += "</figcaption></figure>\n"
            }
        }
        section("Fig. 2 — accuracy vs epoch", ["fig2"])
        section("Fig. 3 — inference time", ["fig3", "fig3b"])
        // Energy table.
        if let e = d.energy {
            h += "<h2>Energy (SynOps × energy per SynOp)</h2><table><tr><th>quantity</th><th>value</th><th>note</th></tr>"
            for r in e.rows {
                let v: String
                switch r.unit {
                case "J": v = formatJoules(r.value)
                case "fraction": v = pct(r.value)
                default: v = r.value.isFinite ? (r.value >= 1e7 ? String(format: "%.3g", r.value) : String(format: "%.0f", r.value)) : "–"
                }
                h += "<tr><td>\(esc(r.quantity))</td><td class=\"n\">\(esc(v))\(r.unit == "SynOps" || r.unit == "spikes" ? " " + r.unit : "")</td><td class=\"small\">\(esc(r.note))</td></tr>"
            }
            h += "</table><p class=\"small\">A SynOp is one weight word read by a spike (a spike on row i of a crossbar reads its row of H or 10 words; an output spike reads a W2 column). "
            h += "Per inference: the free phase of each test image in the report's inference pass; training: free + nudge phases from metrics.csv. "
            h += "CSV: <a href=\"energy.csv\">energy.csv</a>.</p>\n"
        }
        if let a = d.activityEnergy {
            h += "<h2>Energy from activity, per block</h2>"
            h += "<p>Per readout: <b>\(esc(formatJoules(a.perInference)))</b> per inference with the rate readout (its whole free phase, \(a.freeClocks) clocks), "
            h += a.perInferenceByDeadline.map { "<b>\(esc(formatJoules($0)))</b> with the first-spike readout (clocks up to its deadline, \(a.deadline))" }
                ?? "no first-spike figure (its deadline, clock \(a.deadline), is not in the free phase)"
            h += a.perTrainingImage.map { ", <b>\(esc(formatJoules($0)))</b> per training image (last epoch of metrics.csv)" } ?? ""
            h += ".</p><table><tr><th>block</th><th>type</th><th>SRAM</th><th>arithmetic</th><th>registers</th><th>total per inference</th></tr>"
            for b in a.blocks where b.total > 0 {
                h += "<tr><td>\(esc(b.block))</td><td>\(esc(b.type))</td><td class=\"n\">\(esc(formatJoules(b.sram)))</td><td class=\"n\">\(esc(formatJoules(b.arithmetic)))</td>"
                h += "<td class=\"n\">\(esc(formatJoules(b.registers)))</td><td class=\"n\">\(esc(formatJoules(b.total)))</td></tr>"
            }
            h += "</table><p class=\"small\">\(esc(ReportText.activityEnergy(a)))"
            h += " CSV: <a href=\"energy-activity.csv\">energy-activity.csv</a>.</p>\n"
        }
        section("Fig. 4 — training cost", ["fig4a", "fig4b", "fig4c"])
        section("Fig. 5c — STDP-like updates", ["fig5c", "fig5c-update"])
        section("One image through both phases", ["raster", "membranes", "hidden-membranes"])
        section("Learned input → hidden weights", ["weights", "weight-changes"])
        h += "</body></html>\n"
        return h
    }

    // MARK: helpers

    static func num(_ x: Double) -> String {
        guard x.isFinite else { return "" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        return String(format: "%.6g", x)
    }

    static func pct(_ x: Double) -> String { x.isFinite ? String(format: "%.2f%%", 100 * x) : "–" }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
