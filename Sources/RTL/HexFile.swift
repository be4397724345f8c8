import FixedPoint

/// `$readmemh` text of a memory, byte for byte what `eqspike export` writes (EqSpike/MemoryImage):
/// one word per line, the raw two's-complement bits at the format's width, row-major, after a
/// two-line header comment. (RTL cannot depend on EqSpike, so the writer is repeated here;
/// RTLTests checks the two files are identical.)
enum HexFile {
    static func readmemh(name: String, format: QFormat, rows: Int, cols: Int, words: [Int32]) -> String {
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
