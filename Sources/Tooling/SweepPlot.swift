import Analysis
import EqSpike
import Foundation

/// The sweep's plot, written as plain SVG (no dependencies): test accuracy against the weight
/// width (bits of the w1 crossbar's weight format), one line per combination of the other varying
/// settings (e.g. one per rounding mode), the float golden model's accuracy as a dashed line and
/// 0.5 point below it as a dotted line.
public enum SweepPlot {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// The varying axis that sets the weight width (each of its values gives one width, and the
    /// widths differ), if any: the x axis; the other varying axes make the series.
    static func widthAxis(_ spec: SweepSpec, _ results: [SweepResult]) -> String? {
        for a in spec.varying {
            var bits: [String: Int] = [:]
            var ok = true
            for r in results where r.status == "ok" {
                guard let v = r.settings.first(where: { $0.key == a.key })?.value else { continue }
                if let b = bits[v], b != r.weightBits { ok = false; break }
                bits[v] = r.weightBits
            }
            if ok && Set(bits.values).count > 1 { return a.key }
        }
        return nil
    }

    public static func svg(spec: SweepSpec, results: [SweepResult], float: SweepFloatBaseline?) -> String {
        let ok = results.filter { $0.status == "ok" }
        let xAxis = widthAxis(spec, ok)
        let seriesKeys = spec.varying.map(\.key).filter { $0 != xAxis }
        var series: [(label: String, points: [(x: Double, y: Double, r: SweepResult)])] = []
        for r in ok {
            let label = seriesKeys.compactMap { k in r.settings.first { $0.key == k }.map { "\(k)=\($0.value)" } }.joined(separator: " ")
            let pt = (x: Double(r.weightBits), y: 100 * r.testAccuracy, r: r)
            if let i = series.firstIndex(where: { $0.label == label }) { series[i].points.append(pt) } else { series.append((label, [pt])) }
        }
        for i in series.indices { series[i].points.sort { $0.x < $1.x } }

        let w = 760.0, h = 460.0, left = 70.0, right = 200.0, top = 40.0, bottom = 60.0
        let pw = w - left - right, ph = h - top - bottom
        let xs = ok.map { Double($0.weightBits) }
        var ys = ok.map { 100 * $0.testAccuracy }
        if let f = float { ys.append(100 * f.testAccuracy); ys.append(100 * f.testAccuracy - 0.5) }
        var x0 = (xs.min() ?? 0) - 0.5, x1 = (xs.max() ?? 1) + 0.5
        if x1 - x0 < 2 { x0 -= 1; x1 += 1 }
        var y0 = ((ys.min() ?? 0) / 5).rounded(.down) * 5, y1 = (((ys.max() ?? 100) + 1) / 5).rounded(.up) * 5
        if y1 <= y0 { y0 = max(0, y0 - 5); y1 = min(100, y1 + 5) }
        y0 = max(0, y0); y1 = min(100, max(y1, y0 + 5))
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * pw }
        func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * ph }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }

        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        let name = URL(fileURLWithPath: spec.netlist).lastPathComponent
        let run = "\(spec.trainLimit.map { "\($0)" } ?? "all") train images x \(spec.epochs) epoch(s), \(spec.testLimit.map { "\($0)" } ?? "all") test images"
        s += "<text x=\"\(f(left))\" y=\"20\" font-size=\"14\" font-weight=\"bold\">\(esc(name)): test accuracy vs weight bits</text>\n"
        s += "<text x=\"\(f(left))\" y=\"34\" fill=\"#555\">\(esc(run))</text>\n"
        // Grid and axes.
        let yStep = (y1 - y0) > 40 ? 10.0 : ((y1 - y0) > 15 ? 5.0 : ((y1 - y0) > 6 ? 2.0 : 1.0))
        var y = (y0 / yStep).rounded(.up) * yStep
        while y <= y1 + 1e-9 {
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py(y)))\" x2=\"\(f(left + pw))\" y2=\"\(f(py(y)))\" stroke=\"#e5e5e5\"/>\n"
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(Int(y.rounded()))</text>\n"
            y += yStep
        }
        var xt = x0.rounded(.up)
        while xt <= x1 {
            s += "<line x1=\"\(f(px(xt)))\" y1=\"\(f(top + ph))\" x2=\"\(f(px(xt)))\" y2=\"\(f(top + ph + 5))\" stroke=\"#333\"/>\n"
            s += "<text x=\"\(f(px(xt)))\" y=\"\(f(top + ph + 18))\" text-anchor=\"middle\">\(Int(xt))</text>\n"
            xt += 1
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(pw))\" height=\"\(f(ph))\" fill=\"none\" stroke=\"#333\"/>\n"
        s += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(h - 18))\" text-anchor=\"middle\">weight bits (w1 weight format width)</text>\n"
        s += "<text transform=\"translate(18 \(f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">test accuracy (%)</text>\n"
        var legendY = top + 10
        if let fl = float {
            let a = 100 * fl.testAccuracy
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py(a)))\" x2=\"\(f(left + pw))\" y2=\"\(f(py(a)))\" stroke=\"#000\" stroke-dasharray=\"6 4\"/>\n"
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py(a - 0.5)))\" x2=\"\(f(left + pw))\" y2=\"\(f(py(a - 0.5)))\" stroke=\"#777\" stroke-dasharray=\"2 3\"/>\n"
            s += "<line x1=\"\(f(left + pw + 12))\" y1=\"\(f(legendY))\" x2=\"\(f(left + pw + 36))\" y2=\"\(f(legendY))\" stroke=\"#000\" stroke-dasharray=\"6 4\"/>\n"
            s += "<text x=\"\(f(left + pw + 42))\" y=\"\(f(legendY + 4))\">float \(String(format: "%.2f", a))%</text>\n"
            legendY += 18
            s += "<line x1=\"\(f(left + pw + 12))\" y1=\"\(f(legendY))\" x2=\"\(f(left + pw + 36))\" y2=\"\(f(legendY))\" stroke=\"#777\" stroke-dasharray=\"2 3\"/>\n"
            s += "<text x=\"\(f(left + pw + 42))\" y=\"\(f(legendY + 4))\">float - 0.5 point</text>\n"
            legendY += 22
        }
        for (i, ser) in series.enumerated() {
            let color = palette[i % palette.count]
            let path = ser.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            s += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            for p in ser.points {
                let tip = "point \(p.r.index): \(p.r.weightFormat) \(p.r.weightRounding): test \(String(format: "%.2f", p.y))%"
                s += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3.5\" fill=\"\(color)\"><title>\(esc(tip))</title></circle>\n"
            }
            s += "<line x1=\"\(f(left + pw + 12))\" y1=\"\(f(legendY))\" x2=\"\(f(left + pw + 36))\" y2=\"\(f(legendY))\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            s += "<text x=\"\(f(left + pw + 42))\" y=\"\(f(legendY + 4))\">\(esc(ser.label.isEmpty ? "chip" : ser.label))</text>\n"
            legendY += 18
        }
        s += "</svg>\n"
        return s
    }
}

extension SweepPlot {
    /// What a design point costs, on the x axis of a Pareto plot.
    public enum Cost: Sendable {
        /// Energy per inference from the activity account, uJ.
        case energy
        /// Total area (logic + SRAM) from `--area`, mm^2.
        case area

        public func value(_ r: SweepResult) -> Double? {
            switch self {
            case .energy: return r.energyPerInference.map { $0 * 1e6 }
            case .area: return r.area.map { $0 * 1e-6 }
            }
        }

        var axisLabel: String {
            switch self {
            case .energy: return "energy per inference (uJ, activity account, 45 nm)"
            case .area: return "area (mm^2: logic from synthesis + SRAM macros, 45 nm)"
            }
        }

        var name: String { self == .energy ? "energy per inference" : "area" }
    }

    /// The points that no other point beats on both counts: higher test accuracy and lower cost
    /// (ties keep both). Increasing cost.
    public static func paretoFront(_ results: [SweepResult], cost: Cost = .energy) -> [SweepResult] {
        let ok = results.filter { $0.status == "ok" && cost.value($0) != nil }
        return ok.filter { p in
            !ok.contains { q in
                q.index != p.index && q.testAccuracy >= p.testAccuracy && cost.value(q)! <= cost.value(p)!
                    && (q.testAccuracy > p.testAccuracy || cost.value(q)! < cost.value(p)!)
            }
        }.sorted { cost.value($0)! < cost.value($1)! }
    }

    /// Test accuracy against a cost, every point, the Pareto front drawn through its points, and
    /// the float model's accuracy when there is one.
    public static func costSVG(_ cost: Cost, spec: SweepSpec, results: [SweepResult], float: SweepFloatBaseline?) -> String {
        let ok = results.filter { $0.status == "ok" && cost.value($0) != nil }
        let xs = ok.map { cost.value($0)! }, ys = ok.map { 100 * $0.testAccuracy }
        let x0 = (xs.min() ?? 0) * 0.95, x1 = max((xs.max() ?? 1) * 1.05, x0 + 1e-9)
        var yLow = ys.min() ?? 0, yHigh = ys.max() ?? 100
        if let f = float { yLow = min(yLow, 100 * f.testAccuracy - 0.5); yHigh = max(yHigh, 100 * f.testAccuracy) }
        let pad = max(0.5, (yHigh - yLow) * 0.1)
        var p = SVGPlot(title: "Accuracy against \(cost.name) (\(ok.count) points)", xLabel: cost.axisLabel,
                        yLabel: "test accuracy (%)", x: x0...x1, y: (yLow - pad)...min(100, yHigh + pad))
        p.markers(zip(xs, ys).map { ($0, $1) }, color: "#1f77b4", label: "design points")
        let front = paretoFront(ok, cost: cost)
        p.line(front.map { (cost.value($0)!, 100 * $0.testAccuracy) }, color: "#d62728", label: "Pareto front")
        for r in front { p.text("#\(r.index)", x: cost.value(r)!, y: 100 * r.testAccuracy, color: "#d62728", size: 10) }
        if let f = float {
            p.horizontalLine(at: 100 * f.testAccuracy, color: "#2ca02c", label: "float model")
            p.horizontalLine(at: 100 * f.testAccuracy - 0.5, color: "#777777", label: "float - 0.5 point")
        }
        return p.render()
    }
}
