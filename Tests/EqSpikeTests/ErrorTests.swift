import XCTest
import Foundation
import Datasets
@testable import EqSpike

/// Bad input gives a clear error, never a crash: corrupt data, a missing directory, a checkpoint
/// of another design, a corrupt checkpoint.
final class ErrorTests: XCTestCase {
    func testMissingDataDirectoryNamesItAndSuggestsMakeData() {
        XCTAssertThrowsError(try MNIST.load(directory: "/nonexistent/mnist")) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("/nonexistent/mnist"), m)
            XCTAssertTrue(m.contains("make data"), m)
        }
    }

    func testTruncatedIDXIsAnError() throws {
        let dir = Repo.temporaryDirectory("trunc")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for f in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
            try FileManager.default.copyItem(atPath: Repo.subset + "/" + f, toPath: dir + "/" + f)
        }
        let victim = dir + "/train-images-idx3-ubyte"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: victim))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: victim))
        XCTAssertThrowsError(try MNIST.load(directory: dir)) { e in
            XCTAssertTrue("\(e)".contains("train-images-idx3-ubyte"), "\(e)")
        }
    }

    func testCheckpointOfAnotherDesignIsRefused() throws {
        let small = try Chip(path: Repo.design100, overrides: ["H=16"])
        try small.initialiseMemories(seed: 1)
        let path = Repo.temporaryDirectory("other") + ".bin"
        try Checkpoint(header: .init(design: "small", fingerprint: small.fingerprint, epoch: 1, imageInEpoch: 0, seed: 1, version: "t"),
                       entries: small.persistentState()).write(to: path)
        let big = try Chip(path: Repo.design100)
        XCTAssertNotEqual(small.fingerprint, big.fingerprint)
        XCTAssertThrowsError(try big.restore(Checkpoint.read(from: path).entries)) { e in
            XCTAssertTrue("\(e)".contains("w1"), "\(e)")
        }
    }

    func testCorruptCheckpointIsDetected() throws {
        let chip = try Chip(path: Repo.design100, overrides: ["H=16"])
        try chip.initialiseMemories(seed: 3)
        let ck = Checkpoint(header: .init(design: "d", fingerprint: chip.fingerprint, epoch: 0, imageInEpoch: 0, seed: 3, version: "t"),
                            entries: chip.persistentState())
        var bytes = [UInt8](try ck.encoded())
        XCTAssertEqual(try Checkpoint.decode(bytes, path: "ok"), ck)
        bytes[bytes.count / 2] ^= 0x40
        XCTAssertThrowsError(try Checkpoint.decode(bytes, path: "flip")) { e in XCTAssertTrue("\(e)".contains("corrupt"), "\(e)") }
        XCTAssertThrowsError(try Checkpoint.decode(Array(bytes.prefix(100)), path: "cut")) { e in XCTAssertTrue("\(e)".contains("cut"), "\(e)") }
        XCTAssertThrowsError(try Checkpoint.read(from: "/nonexistent.bin"))
    }

    func testMisspeltOverrideIsAnErrorWithASuggestion() {
        XCTAssertThrowsError(try Chip(path: Repo.design100, overrides: ["betta=0.2"])) { e in
            XCTAssertTrue("\(e)".contains("did you mean 'beta'"), "\(e)")
        }
    }

    func testMemoryImageIsReadmemh() throws {
        let chip = try Chip(path: Repo.design100, overrides: ["H=8"])
        try chip.initialiseMemories(seed: 1)
        let images = MemoryImage.all(of: chip)
        let w1 = try XCTUnwrap(images.first { $0.name == "w1" })
        let lines = w1.readmemh.split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("// w1: 784 x 8 words"))
        XCTAssertTrue(lines[1].contains("s1.15"))
        XCTAssertEqual(lines.count, 2 + 784 * 8)
        // Each word is 4 hex digits of the 16-bit two's complement raw value.
        for (k, line) in lines.dropFirst(2).enumerated() {
            XCTAssertEqual(line.count, 4)
            let raw = Int32(bitPattern: UInt32(line, radix: 16)! | (UInt32(line, radix: 16)! & 0x8000 != 0 ? 0xFFFF_0000 : 0))
            XCTAssertEqual(raw, chip.w1.weights[k])
        }
    }
}
