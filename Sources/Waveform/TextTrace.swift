import FixedPoint
import HDL

/// A one-line-per-clock text trace (PyMTL3's line trace): cheaper than a waveform for a quick look
/// in a terminal or a log. Values are sampled like the VCD (settled, just before the edge).
///
/// ```
///     3: ctr count= 3  6 odd=10 | acc in= 3  6 sum=-3.750 -3.000 acc=-3.750 -3.000 | reg neg=11
/// ```
/// Per selected signal: multi-lane single bits as a string of 0/1 (lane 0 first); integers in
/// decimal; fixed-point values as real numbers with `decimals` digits (at most the format's
/// fraction bits), right-aligned to the format's widest value so columns line up clock after clock.
/// Signals are grouped by instance (`|` between instances) in netlist order.
public final class TextTrace: ClockObserver {
    /// Clocks to print (simulator cycles, inclusive); nil prints every clock.
    public var window: ClosedRange<Int>?
    private let out: OutputBuffer
    private let columns: [Column]
    private let labels: [UInt8]
    private let lanes: [Int32]
    private var finished = false

    private struct Column {
        var pointer: UnsafeMutablePointer<Int32>
        var labelStart: Int        // bytes of " port=" (or "| inst port=")
        var labelCount: Int
        var laneStart: Int         // into `lanes`
        var laneCount: Int
        var fracBits: Int
        var decimals: Int
        var fieldWidth: Int        // per value, 0 for a bit string
        var isBits: Bool
    }

    /// - Parameters:
    ///   - patterns: signals to show (`SignalPattern`).
    ///   - path: output file, `-` for standard output.
    ///   - decimals: digits after the point for fixed-point values.
    public init(simulator: Simulator, patterns: [String] = ["*"], path: String = "-", decimals: Int = 3) throws(WaveformError) {
        let signals = IntegerSignal.all(of: simulator.blocks)
        var known: [String] = []
        for s in signals where !known.contains(s.instance) { known.append(s.instance) }
        let chosen = try Selection.resolve(SignalPattern.parse(patterns),
                                           over: signals.map { SelectableSignal(instance: $0.instance, port: $0.name, lanes: $0.lanes, quiet: $0.isQuiet) },
                                           knownNames: known)
        var columns: [Column] = [], labels: [UInt8] = [], laneList: [Int32] = []
        var lastInstance: String? = nil
        for (s, picked) in zip(signals, chosen) where !picked.isEmpty {
            var label = ""
            if s.instance != lastInstance {
                label = (lastInstance == nil ? "" : " |") + " \(s.instance)"
                lastInstance = s.instance
            }
            label += " \(s.name)="
            let f = s.format
            let d = f.width == 1 ? 0 : min(max(decimals, 0), f.fracBits)
            let width = f.width == 1 && picked.count > 1 ? 0
                : max(TextTrace.length(raw: f.minRaw, fracBits: f.fracBits, decimals: d),
                      TextTrace.length(raw: f.maxRaw, fracBits: f.fracBits, decimals: d))
            columns.append(Column(pointer: s.pointer, labelStart: labels.count, labelCount: label.utf8.count,
                                  laneStart: laneList.count, laneCount: picked.count, fracBits: f.fracBits,
                                  decimals: d, fieldWidth: width, isBits: f.width == 1 && picked.count > 1))
            labels += Array(label.utf8)
            laneList += picked.map { Int32($0) }
        }
        self.columns = columns
        self.labels = labels
        lanes = laneList
        out = try OutputBuffer(path: path, capacity: 1 << 16)
    }

    public func sample(cycle: Int) {
        if finished { return }
        if let w = window, !w.contains(cycle) { return }
        out.reserve(24)
        let digits = TextTrace.length(raw: Int64(cycle), fracBits: 0, decimals: 0)
        for _ in digits..<6 { out.put(UInt8(ascii: " ")) }
        out.putDecimal(cycle)
        out.put(UInt8(ascii: ":"))
        labels.withUnsafeBufferPointer { labels in
            lanes.withUnsafeBufferPointer { lanes in
                for c in columns {
                    out.put(UnsafeBufferPointer(rebasing: labels[c.labelStart..<(c.labelStart + c.labelCount)]))
                    if c.isBits {
                        out.reserve(c.laneCount)
                        for k in 0..<c.laneCount { out.put(c.pointer[Int(lanes[c.laneStart + k])] != 0 ? 49 : 48) }
                        continue
                    }
                    for k in 0..<c.laneCount {
                        out.reserve(c.fieldWidth + 24)
                        if k > 0 { out.put(UInt8(ascii: " ")) }
                        writeFixed(Int64(c.pointer[Int(lanes[c.laneStart + k])]), c)
                    }
                }
            }
        }
        out.reserve(1)
        out.put(UInt8(ascii: "\n"))
    }

    /// Flushes and closes the output. Idempotent.
    public func finish() throws(WaveformError) {
        guard !finished else { return }
        finished = true
        try out.close()
    }

    deinit { try? finish() }

    private func writeFixed(_ raw: Int64, _ c: Column) {
        let len = TextTrace.length(raw: raw, fracBits: c.fracBits, decimals: c.decimals)
        for _ in len..<max(len, c.fieldWidth) { out.put(UInt8(ascii: " ")) }
        let (negative, whole, fraction) = TextTrace.split(raw: raw, fracBits: c.fracBits, decimals: c.decimals)
        if negative { out.put(UInt8(ascii: "-")) }
        out.putDecimal(Int(whole))
        if c.decimals > 0 {
            out.put(UInt8(ascii: "."))
            var scale: Int64 = 1
            for _ in 1..<c.decimals { scale *= 10 }
            var f = fraction
            while scale > 0 {
                out.put(UInt8(truncatingIfNeeded: 48 + f / scale))
                f %= scale
                scale /= 10
            }
        }
    }

    /// raw / 2^fracBits rounded to `decimals` digits (half away from zero): sign, whole part, digits.
    static func split(raw: Int64, fracBits: Int, decimals: Int) -> (negative: Bool, whole: Int64, fraction: Int64) {
        var pow10: Int64 = 1
        for _ in 0..<decimals { pow10 *= 10 }
        let magnitude = raw.magnitude
        let scaled = fracBits == 0 ? Int64(magnitude) * pow10
            : Int64((magnitude * UInt64(pow10) + (UInt64(1) << (fracBits - 1))) >> fracBits)
        return (raw < 0 && scaled != 0, scaled / pow10, scaled % pow10)
    }

    static func length(raw: Int64, fracBits: Int, decimals: Int) -> Int {
        let (negative, whole, _) = split(raw: raw, fracBits: fracBits, decimals: decimals)
        var digits = 1
        var w = whole
        while w >= 10 { w /= 10; digits += 1 }
        return (negative ? 1 : 0) + digits + (decimals > 0 ? decimals + 1 : 0)
    }
}
