import EqSpike
import Foundation

/// Small hand-written SVG helpers for the report: a 2-D plot with axes, ticks, lines, bands,
/// markers, reference lines and a legend; a diverging-colour heatmap of image tiles; a spike
/// raster. Output is plain SVG 1.1 text with no external references, meant to be inlined in HTML.
public enum SVG {
    /// Escapes text for element content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A number for coordinates: at most 2 decimals, no trailing zeros.
    public static func n(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let r = (x * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        var s = String(format: "%.2f", r)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    /// Ten distinguishable colours (the Tableau 10 palette).
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// "Nice" tick positions covering `range` (about `count` of them): steps of 1, 2 or 5 x 10^k.
    public static func ticks(_ range: ClosedRange<Double>, count: Int = 6) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / Double(max(count, 1))
        let mag = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var out: [Double] = []
        var t = (range.lowerBound / step).rounded(.up) * step
        while t <= range.upperBound + step * 1e-9 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }

    /// Tick label: integers plainly, large or small values in compact scientific form.
    public static func tickLabel(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 {
            let e = Int(log10(a).rounded(.down))
            var ms = String(format: "%.1f", v / pow(10, Double(e)))
            if ms.hasSuffix(".0") { ms.removeLast(2) }
            return "\(ms)e\(e)"
        }
        if v == v.rounded() { return String(Int(v)) }
        var s = String(format: a < 0.1 ? "%.3f" : "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    /// The x range of a per-epoch plot: epochs 1 ... last with some room at both ends.
    public static func epochRange(_ last: Int) -> ClosedRange<Double> {
        let pad = max(0.3, Double(last) * 0.03)
        return (1 - pad)...(Double(max(last, 1)) + pad)
    }

    /// A range padded so data does not touch the frame; degenerate ranges are widened.
    public static func paddedRange(_ values: [Double], pad: Double = 0.05, includeZero: Bool = false) -> ClosedRange<Double> {
        var lo = values.filter(\.isFinite).min() ?? 0, hi = values.filter(\.isFinite).max() ?? 1
        if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
        if lo == hi { lo -= max(abs(lo) * 0.1, 1e-12); hi += max(abs(hi) * 0.1, 1e-12) }
        let p = (hi - lo) * pad
        return (lo - (includeZero && lo == 0 ? 0 : p))...(hi + p)
    }
}

/// A plot: frame, axes with ticks and labels, and layers added in order.
public struct SVGPlot {
    public var width = 600.0
    public var height = 360.0
    public var left = 70.0, right = 20.0, top = 34.0, bottom = 50.0
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    /// Logarithmic x axis (ticks at powers of ten).
    public var xLog = false
    /// Only integer x ticks (epochs).
    public var integerXTicks = false
    private var layers: [String] = []
    private var legend: [(label: String, color: String, dash: String?, kind: Int)] = []

    public init(title: String, xLabel: String, yLabel: String, x: ClosedRange<Double>, y: ClosedRange<Double>) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; xRange = x; yRange = y
    }

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    func px(_ x: Double) -> Double {
        if xLog {
            let lo = log10(max(xRange.lowerBound, 1e-300)), hi = log10(max(xRange.upperBound, 1e-300))
            return left + (log10(max(x, 1e-300)) - lo) / max(hi - lo, 1e-12) * plotWidth
        }
        return left + (x - xRange.lowerBound) / max(xRange.upperBound - xRange.lowerBound, 1e-300) * plotWidth
    }

    func py(_ y: Double) -> Double {
        top + plotHeight - (y - yRange.lowerBound) / max(yRange.upperBound - yRange.lowerBound, 1e-300) * plotHeight
    }

    private func pathData(_ points: [(Double, Double)]) -> String {
        var d = ""
        var pen = false
        for (x, y) in points {
            guard x.isFinite, y.isFinite else { pen = false; continue }
            d += (pen ? "L" : "M") + SVG.n(px(x)) + " " + SVG.n(py(y))
            pen = true
        }
        return d
    }

    /// A polyline (non-finite points break it).
    public mutating func line(_ points: [(Double, Double)], color: String, width: Double = 2, dash: String? = nil,
                              label: String? = nil) {
        let d = pathData(points)
        guard !d.isEmpty else { return }
        let dashAttr = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        layers.append("<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(SVG.n(width))\"\(dashAttr) stroke-linejoin=\"round\"/>")
        if let l = label { legend.append((l, color, dash, 0)) }
    }

    /// A filled band between `lower` and `upper` (same x values).
    public mutating func band(x: [Double], lower: [Double], upper: [Double], color: String, opacity: Double = 0.2,
                              label: String? = nil) {
        let pts = zip(x, zip(lower, upper)).filter { $0.0.isFinite && $0.1.0.isFinite && $0.1.1.isFinite }
        guard pts.count >= 1 else { return }
        var d = ""
        for (k, p) in pts.enumerated() { d += (k == 0 ? "M" : "L") + SVG.n(px(p.0)) + " " + SVG.n(py(p.1.1)) }
        for p in pts.reversed() { d += "L" + SVG.n(px(p.0)) + " " + SVG.n(py(p.1.0)) }
        d += "Z"
        layers.append("<path d=\"\(d)\" fill=\"\(color)\" fill-opacity=\"\(SVG.n(opacity))\" stroke=\"none\"/>")
        if let l = label { legend.append((l, color, nil, 2)) }
    }

    /// Circles at the points.
    public mutating func markers(_ points: [(Double, Double)], color: String, radius: Double = 3, label: String? = nil) {
        var s = ""
        for (x, y) in points where x.isFinite && y.isFinite {
            s += "<circle cx=\"\(SVG.n(px(x)))\" cy=\"\(SVG.n(py(y)))\" r=\"\(SVG.n(radius))\"/>"
        }
        guard !s.isEmpty else { return }
        layers.append("<g fill=\"\(color)\">\(s)</g>")
        if let l = label { legend.append((l, color, nil, 1)) }
    }

    /// Error bars (vertical) at the points.
    public mutating func errorBars(x: [Double], y: [Double], err: [Double], color: String) {
        var d = ""
        for ((x, y), e) in zip(zip(x, y), err) where x.isFinite && y.isFinite && e.isFinite && e > 0 {
            let cx = SVG.n(px(x))
            d += "M\(cx) \(SVG.n(py(y - e)))V\(SVG.n(py(y + e)))"
        }
        if !d.isEmpty { layers.append("<path d=\"\(d)\" stroke=\"\(color)\" stroke-width=\"1\" fill=\"none\"/>") }
    }

    /// A vertical reference line across the plot, with an optional label at its top.
    public mutating func verticalLine(at x: Double, color: String, dash: String? = "5 4", label: String? = nil,
                                      inLegend: Bool = true) {
        guard x.isFinite, xRange.contains(x) else { return }
        let X = SVG.n(px(x))
        let dashAttr = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        layers.append("<path d=\"M\(X) \(SVG.n(top))V\(SVG.n(top + plotHeight))\" stroke=\"\(color)\" stroke-width=\"1.5\"\(dashAttr)/>")
        if let l = label {
            if inLegend { legend.append((l, color, dash, 0)) } else {
                layers.append("<text x=\"\(SVG.n(px(x) + 4))\" y=\"\(SVG.n(top + 12))\" font-size=\"11\" fill=\"\(color)\">\(SVG.escape(l))</text>")
            }
        }
    }

    /// A horizontal reference line.
    public mutating func horizontalLine(at y: Double, color: String, dash: String? = "5 4", label: String? = nil) {
        guard y.isFinite, yRange.contains(y) else { return }
        let Y = SVG.n(py(y))
        let dashAttr = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        layers.append("<path d=\"M\(SVG.n(left)) \(Y)H\(SVG.n(left + plotWidth))\" stroke=\"\(color)\" stroke-width=\"1.2\"\(dashAttr)/>")
        if let l = label { legend.append((l, color, dash, 0)) }
    }

    /// Shades the x interval [a, b] (e.g. the nudge phase).
    public mutating func shadeX(from a: Double, to b: Double, color: String, opacity: Double = 0.08, label: String? = nil) {
        let x0 = px(max(a, xRange.lowerBound)), x1 = px(min(b, xRange.upperBound))
        guard x1 > x0 else { return }
        layers.append("<rect x=\"\(SVG.n(x0))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(x1 - x0))\" height=\"\(SVG.n(plotHeight))\" fill=\"\(color)\" fill-opacity=\"\(SVG.n(opacity))\"/>")
        if let l = label {
            layers.append("<text x=\"\(SVG.n(x0 + 4))\" y=\"\(SVG.n(top + plotHeight - 6))\" font-size=\"11\" fill=\"#555\">\(SVG.escape(l))</text>")
        }
    }

    /// Text at data coordinates.
    public mutating func text(_ s: String, x: Double, y: Double, color: String = "#333", size: Double = 11, anchor: String = "start") {
        layers.append("<text x=\"\(SVG.n(px(x)))\" y=\"\(SVG.n(py(y)))\" font-size=\"\(SVG.n(size))\" fill=\"\(color)\" text-anchor=\"\(anchor)\">\(SVG.escape(s))</text>")
    }

    /// Where the legend goes.
    public enum LegendPosition { case topLeft, topRight, bottomLeft, bottomRight, outside }
    public var legendPosition: LegendPosition = .bottomRight

    /// Width of the legend box.
    private var legendWidth: Double { Double(legend.map(\.label.count).max() ?? 0) * 6.2 + 34 }

    public func render() -> String {
        let total = legendPosition == .outside && !legend.isEmpty ? width + legendWidth + 4 : width
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVG.n(total))\" height=\"\(SVG.n(height))\" viewBox=\"0 0 \(SVG.n(total)) \(SVG.n(height))\" font-family=\"Helvetica, Arial, sans-serif\">"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
        s += "<text x=\"\(SVG.n(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(SVG.escape(title))</text>"
        // Grid and ticks.
        var grid = "", tickMarks = "", labels = ""
        let xt: [Double]
        if xLog {
            let lo = Int(log10(max(xRange.lowerBound, 1e-300)).rounded(.up)), hi = Int(log10(max(xRange.upperBound, 1e-300)).rounded(.down))
            xt = lo <= hi ? (lo...hi).map { pow(10, Double($0)) } : []
        } else {
            xt = SVG.ticks(xRange, count: max(3, Int(plotWidth / 80))).filter { !integerXTicks || $0 == $0.rounded() }
        }
        let bottomY = top + plotHeight
        for t in xt {
            let X = SVG.n(px(t))
            grid += "M\(X) \(SVG.n(top))V\(SVG.n(bottomY))"
            tickMarks += "M\(X) \(SVG.n(bottomY))v5"
            labels += "<text x=\"\(X)\" y=\"\(SVG.n(bottomY + 18))\" text-anchor=\"middle\">\(SVG.tickLabel(t))</text>"
        }
        for t in SVG.ticks(yRange, count: max(3, Int(plotHeight / 50))) {
            let Y = SVG.n(py(t))
            grid += "M\(SVG.n(left)) \(Y)H\(SVG.n(left + plotWidth))"
            tickMarks += "M\(SVG.n(left)) \(Y)h-5"
            labels += "<text x=\"\(SVG.n(left - 8))\" y=\"\(Y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(SVG.tickLabel(t))</text>"
        }
        s += "<path d=\"\(grid)\" stroke=\"#e6e6e6\" stroke-width=\"1\"/>"
        s += "<defs><clipPath id=\"c\(clipID)\"><rect x=\"\(SVG.n(left))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(plotWidth))\" height=\"\(SVG.n(plotHeight))\"/></clipPath></defs>"
        s += "<g clip-path=\"url(#c\(clipID))\">" + layers.joined() + "</g>"
        s += "<rect x=\"\(SVG.n(left))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(plotWidth))\" height=\"\(SVG.n(plotHeight))\" fill=\"none\" stroke=\"#333\"/>"
        s += "<path d=\"\(tickMarks)\" stroke=\"#333\"/>"
        s += "<g font-size=\"11\" fill=\"#333\">\(labels)</g>"
        s += "<text x=\"\(SVG.n(left + plotWidth / 2))\" y=\"\(SVG.n(height - 10))\" text-anchor=\"middle\" font-size=\"12\">\(SVG.escape(xLabel))</text>"
        s += "<text transform=\"translate(16 \(SVG.n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(SVG.escape(yLabel))</text>"
        if !legend.isEmpty {
            let lineH = 16.0
            let w = legendWidth
            let h = Double(legend.count) * lineH + 8
            let x0: Double, y0: Double
            switch legendPosition {
            case .outside: x0 = left + plotWidth + 12; y0 = top
            case .topLeft: x0 = left + 8; y0 = top + 8
            case .topRight: x0 = left + plotWidth - w - 8; y0 = top + 8
            case .bottomLeft: x0 = left + 8; y0 = top + plotHeight - h - 8
            case .bottomRight: x0 = left + plotWidth - w - 8; y0 = top + plotHeight - h - 8
            }
            s += "<g font-size=\"11\"><rect x=\"\(SVG.n(x0))\" y=\"\(SVG.n(y0))\" width=\"\(SVG.n(w))\" height=\"\(SVG.n(h))\" fill=\"#fff\" fill-opacity=\"0.9\" stroke=\"#bbb\"/>"
            for (k, e) in legend.enumerated() {
                let y = y0 + 4 + lineH * (Double(k) + 0.5)
                switch e.kind {
                case 1: s += "<circle cx=\"\(SVG.n(x0 + 15))\" cy=\"\(SVG.n(y))\" r=\"3.5\" fill=\"\(e.color)\"/>"
                case 2: s += "<rect x=\"\(SVG.n(x0 + 6))\" y=\"\(SVG.n(y - 5))\" width=\"18\" height=\"10\" fill=\"\(e.color)\" fill-opacity=\"0.3\"/>"
                default:
                    let dashAttr = e.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
                    s += "<path d=\"M\(SVG.n(x0 + 6)) \(SVG.n(y))h18\" stroke=\"\(e.color)\" stroke-width=\"2\"\(dashAttr)/>"
                }
                s += "<text x=\"\(SVG.n(x0 + 30))\" y=\"\(SVG.n(y))\" dominant-baseline=\"middle\">\(SVG.escape(e.label))</text>"
            }
            s += "</g>"
        }
        return s + "</svg>"
    }

    /// A per-plot id for the clip path, derived from the title (ids must be unique in one HTML page).
    private var clipID: String {
        var f = Fingerprint()
        f.add(title + xLabel + yLabel)
        return String(f.hex.prefix(10))
    }
}

/// Heatmaps of image tiles (e.g. the learned input -> hidden weights of each hidden neuron as a
/// 28 x 28 picture) in a diverging blue-white-red scale symmetric about zero. Values are quantised
/// to `levels` colours and each colour is one `<path>` of merged horizontal runs, which keeps a
/// 100-tile figure near a megabyte.
public enum SVGHeatmap {
    /// Colour of level k of n (0: most negative, n-1: most positive; n odd: middle is white).
    public static func color(level k: Int, of n: Int) -> String {
        let t = n <= 1 ? 0.5 : Double(k) / Double(n - 1)   // 0 ... 1
        let neg = (r: 33.0, g: 102.0, b: 172.0), pos = (r: 178.0, g: 24.0, b: 43.0), mid = (r: 247.0, g: 247.0, b: 247.0)
        let (a, b, u) = t < 0.5 ? (neg, mid, t / 0.5) : (mid, pos, (t - 0.5) / 0.5)
        func c(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * u).rounded()) }
        return String(format: "#%02x%02x%02x", c(a.r, b.r), c(a.g, b.g), c(a.b, b.b))
    }

    /// The quantised level of `v` for a scale of +-`limit`.
    public static func level(_ v: Double, limit: Double, levels n: Int) -> Int {
        guard limit > 0, v.isFinite else { return n / 2 }
        let t = max(-1, min(1, v / limit))
        return min(n - 1, max(0, Int(((t + 1) / 2 * Double(n - 1)).rounded())))
    }

    /// `tiles` (each rows*cols values, row-major) laid out `columns` per row, `pixel` px each,
    /// scale +-`limit` (default: the 99th percentile of |value|, so a few outliers do not wash
    /// the picture out), with a colour bar and a title.
    public static func render(tiles: [[Double]], rows: Int, cols: Int, columns: Int, pixel: Double = 2.5,
                              gap: Double = 3, limit: Double? = nil, levels: Int = 21, title: String,
                              tileLabels: [String]? = nil) -> String {
        let nTiles = tiles.count
        let gridRows = max(1, (nTiles + columns - 1) / max(columns, 1))
        let tileW = Double(cols) * pixel, tileH = Double(rows) * pixel
        let labelH = tileLabels == nil ? 0.0 : 11
        let top = 30.0, leftPad = 10.0
        let width = max(leftPad * 2 + Double(columns) * (tileW + gap) + 70, Double(title.count) * 8 + 20)
        let height = max(top + Double(gridRows) * (tileH + gap + labelH) + 10, top + 90)
        let lim = limit ?? percentileAbs(tiles.flatMap { $0 }, 0.99)
        var runs = [String](repeating: "", count: levels)
        for (t, tile) in tiles.enumerated() {
            let gx = leftPad + Double(t % columns) * (tileW + gap)
            let gy = top + Double(t / columns) * (tileH + gap + labelH) + labelH
            for r in 0 ..< rows {
                var c = 0
                while c < cols {
                    let lv = level(tile[r * cols + c], limit: lim, levels: levels)
                    var e = c + 1
                    while e < cols && level(tile[r * cols + e], limit: lim, levels: levels) == lv { e += 1 }
                    runs[lv] += "M\(SVG.n(gx + Double(c) * pixel)) \(SVG.n(gy + Double(r) * pixel))h\(SVG.n(Double(e - c) * pixel))v\(SVG.n(pixel))h-\(SVG.n(Double(e - c) * pixel))z"
                    c = e
                }
            }
        }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVG.n(width))\" height=\"\(SVG.n(height))\" viewBox=\"0 0 \(SVG.n(width)) \(SVG.n(height))\" font-family=\"Helvetica, Arial, sans-serif\" shape-rendering=\"crispEdges\">"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
        s += "<text x=\"\(SVG.n(leftPad))\" y=\"20\" font-size=\"14\" font-weight=\"bold\">\(SVG.escape(title))</text>"
        for (k, d) in runs.enumerated() where !d.isEmpty { s += "<path fill=\"\(color(level: k, of: levels))\" d=\"\(d)\"/>" }
        if let labels = tileLabels {
            s += "<g font-size=\"9\" fill=\"#444\">"
            for (t, l) in labels.enumerated() where t < nTiles {
                let gx = leftPad + Double(t % columns) * (tileW + gap)
                let gy = top + Double(t / columns) * (tileH + gap + labelH) + 8
                s += "<text x=\"\(SVG.n(gx))\" y=\"\(SVG.n(gy))\">\(SVG.escape(l))</text>"
            }
            s += "</g>"
        }
        // Colour bar.
        let bx = width - 50, by = top, bh = min(200, height - top - 20), bw = 12.0
        for k in 0 ..< levels {
            let y = by + bh - Double(k + 1) * bh / Double(levels)
            s += "<rect x=\"\(SVG.n(bx))\" y=\"\(SVG.n(y))\" width=\"\(SVG.n(bw))\" height=\"\(SVG.n(bh / Double(levels) + 0.5))\" fill=\"\(color(level: k, of: levels))\"/>"
        }
        s += "<rect x=\"\(SVG.n(bx))\" y=\"\(SVG.n(by))\" width=\"\(SVG.n(bw))\" height=\"\(SVG.n(bh))\" fill=\"none\" stroke=\"#333\"/>"
        s += "<g font-size=\"10\"><text x=\"\(SVG.n(bx + bw + 3))\" y=\"\(SVG.n(by + 8))\">+\(SVG.tickLabel(lim))</text>"
        s += "<text x=\"\(SVG.n(bx + bw + 3))\" y=\"\(SVG.n(by + bh / 2 + 3))\">0</text>"
        s += "<text x=\"\(SVG.n(bx + bw + 3))\" y=\"\(SVG.n(by + bh))\">-\(SVG.tickLabel(lim))</text></g>"
        return s + "</svg>"
    }

    /// The `q` quantile of |values| (0 for an empty input).
    public static func percentileAbs(_ values: [Double], _ q: Double) -> Double {
        let a = values.filter(\.isFinite).map(abs).sorted()
        guard !a.isEmpty else { return 0 }
        let v = a[min(a.count - 1, max(0, Int((Double(a.count - 1) * q).rounded())))]
        return v > 0 ? v : (a.last ?? 0)
    }
}

/// A spike raster: one band per layer (rows = lanes that spiked, in lane order), a tick per
/// spike, the time axis in clocks, an optional shaded interval (the nudge phase).
public enum SVGRaster {
    public struct Layer {
        public var name: String
        public var lanes: Int
        public var events: [SpikeEvent]
        public var color: String
        public init(name: String, lanes: Int, events: [SpikeEvent], color: String) {
            self.name = name; self.lanes = lanes; self.events = events; self.color = color
        }
    }

    public static func render(layers: [Layer], clocks: Int, shade: (from: Int, to: Int, label: String)?, title: String,
                              width: Double = 900, heights: [Double]? = nil) -> String {
        let left = 110.0, right = 30.0, top = 46.0, gap = 14.0, axis = 40.0
        let hs = heights ?? layers.map { _ in 120.0 }
        let height = top + hs.reduce(0, +) + gap * Double(max(layers.count - 1, 0)) + axis
        let pw = width - left - right
        func x(_ t: Double) -> Double { left + t / Double(max(clocks, 1)) * pw }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVG.n(width))\" height=\"\(SVG.n(height))\" viewBox=\"0 0 \(SVG.n(width)) \(SVG.n(height))\" font-family=\"Helvetica, Arial, sans-serif\">"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
        s += "<text x=\"\(SVG.n(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(SVG.escape(title))</text>"
        let plotBottom = height - axis
        if let sh = shade, sh.to > sh.from {
            s += "<rect x=\"\(SVG.n(x(Double(sh.from))))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(x(Double(sh.to)) - x(Double(sh.from))))\" height=\"\(SVG.n(plotBottom - top))\" fill=\"#ff7f0e\" fill-opacity=\"0.07\"/>"
            s += "<text x=\"\(SVG.n(x(Double(sh.from)) + 4))\" y=\"\(SVG.n(top - 5))\" font-size=\"11\" fill=\"#a0522d\">\(SVG.escape(sh.label)) →</text>"
            s += "<text x=\"\(SVG.n(x(Double(sh.from)) - 4))\" y=\"\(SVG.n(top - 5))\" font-size=\"11\" fill=\"#555\" text-anchor=\"end\">← free phase</text>"
        }
        var y0 = top
        for (k, layer) in layers.enumerated() {
            let h = hs[k]
            // Rows: the lanes that spiked, in order.
            let active = Array(Set(layer.events.map(\.lane))).sorted()
            var row = [Int: Int]()
            for (r, lane) in active.enumerated() { row[lane] = r }
            let rh = h / Double(max(active.count, 1))
            var d = ""
            d.reserveCapacity(layer.events.count * 14)
            for e in layer.events {
                guard let r = row[e.lane] else { continue }
                let X = x(Double(e.clock) + 0.5)
                d += "M\(SVG.n(X)) \(SVG.n(y0 + Double(r) * rh))v\(SVG.n(max(rh * 0.9, 0.6)))"
            }
            s += "<rect x=\"\(SVG.n(left))\" y=\"\(SVG.n(y0))\" width=\"\(SVG.n(pw))\" height=\"\(SVG.n(h))\" fill=\"none\" stroke=\"#999\"/>"
            if !d.isEmpty { s += "<path d=\"\(d)\" stroke=\"\(layer.color)\" stroke-width=\"\(SVG.n(min(max(pw / Double(max(clocks, 1)) * 0.8, 0.8), 3)))\" fill=\"none\"/>" }
            if layer.lanes <= 16 {
                // Small layers: name each row (the output row k is class k).
                s += "<g font-size=\"9\" fill=\"#555\">"
                for (r, lane) in active.enumerated() {
                    s += "<text x=\"\(SVG.n(left + pw + 4))\" y=\"\(SVG.n(y0 + (Double(r) + 0.5) * rh))\" dominant-baseline=\"middle\">\(lane)</text>"
                }
                s += "</g>"
            }
            s += "<text x=\"\(SVG.n(left - 8))\" y=\"\(SVG.n(y0 + h / 2 - 6))\" text-anchor=\"end\" font-size=\"12\" font-weight=\"bold\">\(SVG.escape(layer.name))</text>"
            s += "<text x=\"\(SVG.n(left - 8))\" y=\"\(SVG.n(y0 + h / 2 + 9))\" text-anchor=\"end\" font-size=\"10\" fill=\"#555\">\(active.count) of \(layer.lanes) lanes</text>"
            s += "<text x=\"\(SVG.n(left - 8))\" y=\"\(SVG.n(y0 + h / 2 + 22))\" text-anchor=\"end\" font-size=\"10\" fill=\"#555\">\(layer.events.count) spikes</text>"
            y0 += h + gap
        }
        var ticks = "", labels = ""
        for t in SVG.ticks(0...Double(clocks), count: 10) {
            let X = SVG.n(x(t))
            ticks += "M\(X) \(SVG.n(plotBottom))v5"
            labels += "<text x=\"\(X)\" y=\"\(SVG.n(plotBottom + 18))\" text-anchor=\"middle\">\(SVG.tickLabel(t))</text>"
        }
        s += "<path d=\"\(ticks)\" stroke=\"#333\"/><g font-size=\"11\">\(labels)</g>"
        s += "<text x=\"\(SVG.n(left + pw / 2))\" y=\"\(SVG.n(height - 6))\" text-anchor=\"middle\" font-size=\"12\">clock since stimulus onset</text>"
        return s + "</svg>"
    }
}
