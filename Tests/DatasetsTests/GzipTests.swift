import XCTest
@testable import Datasets

final class GzipTests: XCTestCase {
    /// Python `gzip.compress(b"hello hello hello hello, deflate!\n", mtime=0)`: a fixed-Huffman
    /// block with a back-reference.
    let fixedHuffman: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xCB, 0x48, 0xCD, 0xC9, 0xC9, 0x57,
        0xC8, 0x40, 0x27, 0x75, 0x14, 0x52, 0x52, 0xD3, 0x72, 0x12, 0x4B, 0x52, 0x15, 0xB9, 0x00, 0xFB,
        0x64, 0x90, 0x3B, 0x22, 0x00, 0x00, 0x00,
    ]
    /// Python `gzip.compress(b"second member\n", compresslevel=0, mtime=0)`: a stored block.
    let stored: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x03, 0x01, 0x0E, 0x00, 0xF1, 0xFF, 0x73,
        0x65, 0x63, 0x6F, 0x6E, 0x64, 0x20, 0x6D, 0x65, 0x6D, 0x62, 0x65, 0x72, 0x0A, 0x36, 0x18, 0x4B,
        0x0E, 0x0E, 0x00, 0x00, 0x00,
    ]

    func testFixedHuffmanAndStoredBlocks() throws {
        XCTAssertTrue(Gzip.isGzip(fixedHuffman))
        XCTAssertEqual(String(decoding: try Gzip.decompress(fixedHuffman, path: "a"), as: UTF8.self),
                       "hello hello hello hello, deflate!\n")
        XCTAssertEqual(String(decoding: try Gzip.decompress(stored, path: "b"), as: UTF8.self), "second member\n")
    }

    func testConcatenatedMembers() throws {
        XCTAssertEqual(String(decoding: try Gzip.decompress(fixedHuffman + stored + [0, 0], path: "c"), as: UTF8.self),
                       "hello hello hello hello, deflate!\nsecond member\n")
    }

    func testDynamicHuffmanFixture() throws {
        // gzip -9 of the subset's test images (dynamic Huffman blocks, file name in the header).
        let gz = try IDX.readFile(path: TestPaths.gzipFixtures + "/t10k-images-idx3-ubyte.gz")
        let plain = try IDX.readFile(path: TestPaths.subset + "/t10k-images-idx3-ubyte")
        XCTAssertEqual(gz.count, 392_016)
        XCTAssertEqual(gz, plain)
    }

    func testCRC32() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
    }

    func testCorruptionsAreErrorsNotTraps() {
        func reason(_ bytes: [UInt8]) -> String? {
            do {
                _ = try Gzip.decompress(bytes, path: "x.gz")
                return nil
            } catch let error as DatasetError {
                guard case .corruptGzip(let reason) = error.kind else { return "unexpected \(error)" }
                XCTAssertEqual(error.path, "x.gz")
                return reason
            } catch {
                return "unexpected \(error)"
            }
        }
        var badCRC = fixedHuffman
        badCRC[badCRC.count - 8] ^= 1
        XCTAssertTrue(reason(badCRC)?.hasPrefix("CRC-32") ?? false)
        var badSize = fixedHuffman
        badSize[badSize.count - 4] ^= 1
        XCTAssertTrue(reason(badSize)?.contains("trailer says") ?? false)
        var badMethod = fixedHuffman
        badMethod[2] = 7
        XCTAssertEqual(reason(badMethod), "unknown compression method 7")
        XCTAssertEqual(reason(Array(fixedHuffman.prefix(8))), "truncated gzip header")
        XCTAssertNotNil(reason(Array(fixedHuffman.prefix(20))))
        XCTAssertNotNil(reason(Array(fixedHuffman.dropLast(3))))
        var blockType3 = stored
        blockType3[10] = 0x07  // BFINAL 1, BTYPE 11
        XCTAssertEqual(reason(blockType3), "invalid block type 3")
        var badNLEN = stored
        badNLEN[13] ^= 0xFF
        XCTAssertEqual(reason(badNLEN), "stored block length check failed")
        XCTAssertNotNil(reason(fixedHuffman + [0x1F]))  // trailing garbage that is not a member

        // Every single-byte change and every truncation of a real stream fails cleanly or, rarely,
        // still decodes; it never traps.
        for i in 10 ..< fixedHuffman.count {
            for flip: UInt8 in [0x01, 0x10, 0x80, 0xFF] {
                var corrupt = fixedHuffman
                corrupt[i] ^= flip
                _ = reason(corrupt)
            }
            _ = reason(Array(fixedHuffman.prefix(i)))
        }
    }

    func testRandomGarbageNeverTraps() {
        var g = SeededGenerator(seed: 12345)
        for _ in 0 ..< 2000 {
            let n = 10 + g.nextInt(below: 200)
            var bytes = [UInt8](repeating: 0, count: n)
            for i in 0 ..< n { bytes[i] = UInt8(truncatingIfNeeded: g.next()) }
            bytes[0] = 0x1F; bytes[1] = 0x8B; bytes[2] = 8; bytes[3] = 0
            XCTAssertThrowsError(try Gzip.decompress(bytes, path: "garbage"))
        }
    }
}
