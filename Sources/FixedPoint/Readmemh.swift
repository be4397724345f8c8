/// `$readmemh` text of a memory: a two-line header comment, then one word per line, the raw
/// two's-complement bits at the format's width in hex, row-major. One writer for `eqspike export`
/// (EqSpike's MemoryImage) and the RTL back end's initial contents, so the two files are the same
/// bytes by construction (RTLTests checks it too).
public enum Readmemh {
    public static func text(name: String, format: QFormat, rows: Int, cols: Int, words: [Int32]) -> String {
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
