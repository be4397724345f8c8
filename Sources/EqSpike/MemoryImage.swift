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

    public var readmemh: String {
        let digits = (format.width + 3) / 4
        let mask = format.width == 32 ? UInt32.max : (UInt32(1) << UInt32(format.width)) - 1
        var s = "// \(name): \(rows) x \(cols) words, row-major (address = row * \(cols) + col)\n"
        s += "// format \(format): \(format.isSigned ? "signed two's complement" : "unsigned"), \(format.width) bits, value = raw / 2^\(format.fracBits)\n"
        s.reserveCapacity(s.count + words.count * (digits + 1))
        for w in words {
            let h = String(UInt32(bitPattern: w) & mask, radix: 16)
            s += String(repeating: "0", count: digits - h.count) + h + "\n"
        }
        return s
    }
}
