import FixedPoint
import Blocks

/// A memory's contents as an RTL test bench loads them: one word per line in hex ($readmemh), the
/// raw two's-complement bits at the format's width, row-major for crossbars, with a header comment.
public struct MemoryImage {
    public let name: String
    public let format: QFormat
    public let rows: Int
    public let cols: Int
    public let words: [Int32]

    public static func all(of chip: Chip) -> [MemoryImage] {
        var out: [MemoryImage] = []
        for c in chip.crossbars {
            out.append(MemoryImage(name: c.name, format: c.weightFormat, rows: c.rows, cols: c.cols, words: c.weights))
        }
        for b in chip.biases {
            out.append(MemoryImage(name: b.name, format: b.weightFormat, rows: 1, cols: b.lanes, words: b.values))
        }
        return out
    }

    public var summary: String { "\(rows) x \(cols) words of \(format) (\(format.width) bits)" }

    public var readmemh: String { Readmemh.text(name: name, format: format, rows: rows, cols: cols, words: words) }
}
