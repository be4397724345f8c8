import XCTest
import Foundation
@testable import Datasets

/// A small gzip that inflates far beyond what its IDX header allows is rejected as soon as the
/// output passes that size, not after inflating all of it (a 1.2 MB file inflating to 1 GB used
/// to take 1.07 GB of memory before the length check).
final class GzipBombTests: XCTestCase {
    /// DEFLATE with the fixed Huffman code: `literals`, then runs of (length 258, distance 1)
    /// until `total` bytes, then end of block, wrapped as a gzip member. The trailer's CRC is left
    /// zero (a reader that stops at its limit never gets there); ISIZE claims the full size.
    static func bomb(literals: [UInt8], total: Int) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
        var buffer: UInt64 = 0, count = 0
        func put(_ value: Int, _ bits: Int) {                 // LSB first, as DEFLATE packs
            buffer |= UInt64(value) << UInt64(count)
            count += bits
            while count >= 8 { out.append(UInt8(buffer & 0xFF)); buffer >>= 8; count -= 8 }
        }
        func code(_ c: Int, _ bits: Int) {                    // Huffman codes go MSB first
            var r = 0
            for k in 0 ..< bits where c & (1 << k) != 0 { r |= 1 << (bits - 1 - k) }
            put(r, bits)
        }
        put(1, 1)                                              // BFINAL
        put(1, 2)                                              // BTYPE 01: fixed Huffman
        for b in literals { b < 144 ? code(0x30 + Int(b), 8) : code(0x190 + Int(b) - 144, 9) }
        var produced = literals.count
        while produced + 258 <= total {
            code(0xC0 + 285 - 280, 8)                          // length 258, no extra bits
            code(0, 5)                                         // distance code 0: distance 1
            produced += 258
        }
        code(0, 7)                                             // end of block (256)
        if count > 0 { put(0, 8 - count) }
        out += [0, 0, 0, 0]
        out += (0 ..< 4).map { UInt8(truncatingIfNeeded: produced >> (8 * $0)) }
        return out
    }

    /// An IDX header claiming 10 images of 28x28, then zeros to 64 MB.
    static let header: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28]

    func testMaxOutputIsHonoured() throws {
        let gz = Self.bomb(literals: Self.header + [0], total: 1 << 20)
        XCTAssertThrowsError(try Gzip.decompress(gz, path: "bomb.gz", maxOutput: 1000)) { error in
            XCTAssertEqual((error as? DatasetError)?.kind, .inflatesBeyond(limit: 1000))
        }
        XCTAssertEqual(try Gzip.prefix(gz, count: 20, path: "bomb.gz"), Self.header + [0, 0, 0, 0])
        XCTAssertEqual(try Gzip.prefix(gz, count: 300, path: "bomb.gz").count, 300, "a prefix ending inside a back-reference")
    }

    func testIDXReaderStopsAtTheSizeItsHeaderAllows() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/bomb-images-idx3-ubyte.gz"
        let gz = Self.bomb(literals: Self.header + [0], total: 64 << 20)
        XCTAssertLessThan(gz.count, 500_000)
        try writeBytes(gz, to: path)
        let allowed = 16 + 10 * 28 * 28
        XCTAssertThrowsError(try IDX.readImages(path: path)) { error in
            let e = error as? DatasetError
            XCTAssertEqual(e?.kind, .inflatesBeyond(limit: allowed), "stopped at the header's size, not at 64 MB")
            XCTAssertTrue("\(error)".hasPrefix(path + ": the gzip data inflates to more than 7856 bytes"), "\(error)")
        }
    }

    /// A gzip exactly as long as its header says still reads (the limit is not off by one).
    func testExactSizeStillReads() throws {
        let dir = try makeTemporaryDirectory(self)
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 1, 3]        // 259 labels of 0: one literal, one run
        let gz = Self.bomb(literals: labels + [0], total: 8 + 259)
        var fixed = gz
        let crc = CRC32.checksum(labels + [UInt8](repeating: 0, count: 259))
        for k in 0 ..< 4 { fixed[fixed.count - 8 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
        try writeBytes(fixed, to: dir + "/l.gz")
        XCTAssertEqual(try IDX.readLabels(path: dir + "/l.gz"), [UInt8](repeating: 0, count: 259))
    }
}

/// Paths that are not regular files are named as what they are; a FIFO must not block the reader.
final class SpecialFileTests: XCTestCase {
    func testFIFOAndDeviceAreNotRegularFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        let fifo = dir + "/images-fifo"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        XCTAssertThrowsError(try IDX.readImages(path: fifo)) { error in
            XCTAssertEqual((error as? DatasetError)?.kind, .notRegularFile(what: "a FIFO (named pipe)"))
            XCTAssertEqual("\(error)", "\(fifo): not a regular file (a FIFO (named pipe)); expected an IDX file")
        }
        XCTAssertThrowsError(try IDX.readLabels(path: "/dev/zero")) { error in
            XCTAssertEqual((error as? DatasetError)?.kind, .notRegularFile(what: "a character device"))
        }
    }
}
