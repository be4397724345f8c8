/// A small gzip (RFC 1952) / DEFLATE (RFC 1951) decompressor, so that `.gz` IDX files (as
/// Debian's dataset-fashion-mnist ships them) can be read without a zlib dependency. It checks
/// everything a corrupt file could get wrong (header, block types, Huffman codes, distances,
/// CRC-32, length) and reports it as `DatasetError.Kind.corruptGzip`; it never traps on bad
/// input. Concatenated gzip members are decompressed one after another.
public enum Gzip {
    /// True when the bytes start with the gzip signature 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Decompresses a gzip file's bytes. `path` is only used in error messages.
    ///
    /// - Parameter maxOutput: the most bytes the caller can accept. A gzip can inflate a
    ///   thousandfold (1 MB to 1 GB), so inflating stops, with `DatasetError.Kind.inflatesBeyond`,
    ///   as soon as the output would grow past it, instead of after inflating everything.
    public static func decompress(_ bytes: [UInt8], path: String, maxOutput: Int = .max) throws -> [UInt8] {
        do {
            return try decompressMembers(bytes, limit: maxOutput, stopAtLimit: false)
        } catch let failure as Failure {
            throw DatasetError(path: path, kind: .corruptGzip(reason: failure.reason))
        } catch is LimitReached {
            throw DatasetError(path: path, kind: .inflatesBeyond(limit: maxOutput))
        }
    }

    /// The first `count` decompressed bytes (fewer when the data is shorter), inflating no further:
    /// to read a header before deciding how much of the rest to accept. No CRC check (the data
    /// is not read to its end).
    public static func prefix(_ bytes: [UInt8], count: Int, path: String) throws -> [UInt8] {
        do {
            return try decompressMembers(bytes, limit: count, stopAtLimit: true)
        } catch let failure as Failure {
            throw DatasetError(path: path, kind: .corruptGzip(reason: failure.reason))
        }
    }

    struct Failure: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Thrown by the inflater when the next output byte would exceed its limit.
    struct LimitReached: Error {}

    private static func decompressMembers(_ bytes: [UInt8], limit: Int, stopAtLimit: Bool) throws -> [UInt8] {
        var output: [UInt8] = []
        if bytes.count >= 18 {  // ISIZE of the last member: a good capacity guess, if it is within the limit
            let n = bytes.count
            let isize = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
            output.reserveCapacity(min(isize, limit, 1 << 31))
        }
        var position = 0
        repeat {
            let start = output.count
            position = try readMemberHeader(bytes, at: position)
            var inflater = Inflater(input: bytes, position: position, limit: limit)
            do { try inflater.inflate(into: &output) } catch is LimitReached where stopAtLimit {
                return output
            }
            position = inflater.bytePosition
            guard position + 8 <= bytes.count else { throw Failure("missing the 8-byte trailer (file truncated?)") }
            let crc = littleEndianUInt32(bytes, at: position)
            let size = littleEndianUInt32(bytes, at: position + 4)
            position += 8
            let actualCRC = CRC32.checksum(output[start...])
            guard actualCRC == crc else {
                throw Failure("CRC-32 \(hex(actualCRC)) of the data does not match the stored \(hex(crc))")
            }
            guard UInt32(truncatingIfNeeded: output.count - start) == size else {
                throw Failure("decompressed \(output.count - start) bytes, the trailer says \(size) (mod 2^32)")
            }
            // Trailing zero padding after the last member is tolerated, as gzip does.
            while position < bytes.count && bytes[position] == 0 { position += 1 }
        } while position < bytes.count
        return output
    }

    /// Parses a member header; returns the position of the DEFLATE data.
    private static func readMemberHeader(_ b: [UInt8], at start: Int) throws -> Int {
        guard b.count - start >= 10 else { throw Failure("truncated gzip header") }
        guard b[start] == 0x1F, b[start + 1] == 0x8B else { throw Failure("bad gzip signature at byte \(start)") }
        guard b[start + 2] == 8 else { throw Failure("unknown compression method \(b[start + 2])") }
        let flags = b[start + 3]
        guard flags & 0xE0 == 0 else { throw Failure("reserved header flags set") }
        var p = start + 10
        if flags & 0x04 != 0 {  // FEXTRA
            guard p + 2 <= b.count else { throw Failure("truncated gzip header") }
            p += 2 + (Int(b[p]) | Int(b[p + 1]) << 8)
        }
        for flag in [UInt8(0x08), 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
            while p < b.count && b[p] != 0 { p += 1 }
            p += 1
        }
        if flags & 0x02 != 0 { p += 2 }  // FHCRC
        guard p <= b.count else { throw Failure("truncated gzip header") }
        return p
    }

    private static func littleEndianUInt32(_ b: [UInt8], at i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) as gzip uses it.
enum CRC32 {
    static let table: [UInt32] = (0 ..< 256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0 ..< 8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        let t = table
        for byte in bytes { c = t[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// Canonical Huffman code as a single lookup table indexed by the next `maxLength` input bits
/// (LSB-first, as DEFLATE packs them). Entry = symbol << 4 | length; 0 marks an unused code.
private struct HuffmanTable {
    var entries: [UInt16]
    var maxLength: Int

    init(lengths: ArraySlice<UInt8>) throws {
        var count = [Int](repeating: 0, count: 16)
        for l in lengths { count[Int(l)] += 1 }
        count[0] = 0
        var left = 1  // Kraft inequality: more codes than fit is an error
        for len in 1 ... 15 {
            left <<= 1
            left -= count[len]
            if left < 0 { throw Gzip.Failure("over-subscribed Huffman code") }
        }
        maxLength = max(1, (1 ... 15).last { count[$0] > 0 } ?? 1)
        entries = [UInt16](repeating: 0, count: 1 << maxLength)
        var nextCode = [Int](repeating: 0, count: 16)  // RFC 1951 3.2.2
        var code = 0
        for len in 1 ... 15 {
            code = (code + count[len - 1]) << 1
            nextCode[len] = code
        }
        for (i, l) in lengths.enumerated() where l > 0 {
            let len = Int(l)
            let c = nextCode[len]
            nextCode[len] += 1
            var reversed = 0
            for bit in 0 ..< len where c & (1 << (len - 1 - bit)) != 0 { reversed |= 1 << bit }
            let entry = UInt16(i << 4 | len)
            var index = reversed
            while index < entries.count {
                entries[index] = entry
                index += 1 << len
            }
        }
    }
}

private struct Inflater {
    let input: [UInt8]
    var next: Int  // next input byte to load into the bit buffer
    var bitBuffer: UInt64 = 0
    var bitCount = 0
    /// The most bytes `out` may hold: writing past it throws `Gzip.LimitReached` (after filling
    /// `out` up to exactly the limit, so that a prefix read gets all the bytes it asked for).
    let limit: Int

    init(input: [UInt8], position: Int, limit: Int) {
        self.input = input
        self.next = position
        self.limit = limit
    }

    /// Position of the first byte after the DEFLATE stream (valid once `inflate` returned).
    var bytePosition: Int { next - bitCount / 8 }

    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                    67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                     4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                      513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
                                       9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func refill() {
        while bitCount <= 56 && next < input.count {
            bitBuffer |= UInt64(input[next]) << UInt64(bitCount)
            next += 1
            bitCount += 8
        }
    }

    private mutating func bits(_ n: Int) throws -> Int {
        if bitCount < n {
            refill()
            if bitCount < n { throw Gzip.Failure("unexpected end of compressed data") }
        }
        let value = Int(bitBuffer & ((1 << UInt64(n)) - 1))
        bitBuffer >>= UInt64(n)
        bitCount -= n
        return value
    }

    private mutating func decode(_ table: HuffmanTable) throws -> Int {
        if bitCount < table.maxLength { refill() }
        let entry = Int(table.entries[Int(bitBuffer & ((1 << UInt64(table.maxLength)) - 1))])
        let length = entry & 15
        if length == 0 { throw Gzip.Failure("invalid Huffman code") }
        if length > bitCount { throw Gzip.Failure("unexpected end of compressed data") }
        bitBuffer >>= UInt64(length)
        bitCount -= length
        return entry >> 4
    }

    mutating func inflate(into out: inout [UInt8]) throws {
        let start = out.count
        var final = false
        while !final {
            final = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock(into: &out)
            case 1: try huffmanBlock(Inflater.fixedTables.0, Inflater.fixedTables.1, into: &out, start: start)
            case 2:
                let (lit, dist) = try dynamicTables()
                try huffmanBlock(lit, dist, into: &out, start: start)
            default: throw Gzip.Failure("invalid block type 3")
            }
        }
        // Drop whole bytes that were loaded ahead; leave the stream byte-aligned.
        bitBuffer >>= UInt64(bitCount % 8)
        bitCount -= bitCount % 8
    }

    private mutating func storedBlock(into out: inout [UInt8]) throws {
        bitBuffer >>= UInt64(bitCount % 8)  // to a byte boundary
        bitCount -= bitCount % 8
        let len = try bits(16)
        let nlen = try bits(16)
        guard len == ~nlen & 0xFFFF else { throw Gzip.Failure("stored block length check failed") }
        // Whole bytes still in the bit buffer come first, then straight from the input.
        var remaining = len
        while remaining > 0 && bitCount >= 8 {
            if out.count >= limit { throw Gzip.LimitReached() }
            out.append(UInt8(try bits(8)))
            remaining -= 1
        }
        guard next + remaining <= input.count else { throw Gzip.Failure("stored block runs past the end") }
        let allowed = min(remaining, limit - out.count)
        out += input[next ..< next + allowed]
        if allowed < remaining { throw Gzip.LimitReached() }
        next += remaining
    }

    private static let fixedTables: (HuffmanTable, HuffmanTable) = {
        var lit = [UInt8](repeating: 8, count: 288)
        for i in 144 ..< 256 { lit[i] = 9 }
        for i in 256 ..< 280 { lit[i] = 7 }
        let dist = [UInt8](repeating: 5, count: 30)
        // These fixed code lengths are valid by construction.
        return (try! HuffmanTable(lengths: lit[...]), try! HuffmanTable(lengths: dist[...]))
    }()

    private mutating func dynamicTables() throws -> (HuffmanTable, HuffmanTable) {
        let nlen = try bits(5) + 257
        let ndist = try bits(5) + 1
        let ncode = try bits(4) + 4
        guard nlen <= 286, ndist <= 30 else { throw Gzip.Failure("too many length or distance codes") }
        var codeLengths = [UInt8](repeating: 0, count: 19)
        for i in 0 ..< ncode { codeLengths[Inflater.codeLengthOrder[i]] = UInt8(try bits(3)) }
        let codeTable = try HuffmanTable(lengths: codeLengths[...])
        var lengths = [UInt8](repeating: 0, count: nlen + ndist)
        var i = 0
        while i < nlen + ndist {
            let symbol = try decode(codeTable)
            if symbol < 16 {
                lengths[i] = UInt8(symbol)
                i += 1
                continue
            }
            var value: UInt8 = 0
            let repeatCount: Int
            switch symbol {
            case 16:
                guard i > 0 else { throw Gzip.Failure("length repeat with no previous length") }
                value = lengths[i - 1]
                repeatCount = 3 + (try bits(2))
            case 17: repeatCount = 3 + (try bits(3))
            default: repeatCount = 11 + (try bits(7))
            }
            guard i + repeatCount <= nlen + ndist else { throw Gzip.Failure("too many code lengths") }
            for _ in 0 ..< repeatCount {
                lengths[i] = value
                i += 1
            }
        }
        guard lengths[256] != 0 else { throw Gzip.Failure("no end-of-block code") }
        return (try HuffmanTable(lengths: lengths[0 ..< nlen]), try HuffmanTable(lengths: lengths[nlen...]))
    }

    private mutating func huffmanBlock(_ lit: HuffmanTable, _ dist: HuffmanTable,
                                       into out: inout [UInt8], start: Int) throws {
        while true {
            let symbol = try decode(lit)
            if symbol < 256 {
                if out.count >= limit { throw Gzip.LimitReached() }
                out.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let li = symbol - 257
            guard li < 29 else { throw Gzip.Failure("invalid length code \(symbol)") }
            let length = Inflater.lengthBase[li] + (try bits(Inflater.lengthExtra[li]))
            let di = try decode(dist)
            guard di < 30 else { throw Gzip.Failure("invalid distance code \(di)") }
            let distance = Inflater.distanceBase[di] + (try bits(Inflater.distanceExtra[di]))
            guard distance <= out.count - start else {
                throw Gzip.Failure("distance \(distance) reaches before the start of the data")
            }
            var from = out.count - distance
            let allowed = min(length, limit - out.count)
            for _ in 0 ..< allowed {
                out.append(out[from])
                from += 1
            }
            if allowed < length { throw Gzip.LimitReached() }
        }
    }
}
