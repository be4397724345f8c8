import Foundation
import XCTest
@testable import Datasets

final class IDXTests: XCTestCase {
    // MARK: Writer and round trip

    func testEncodedHeadersAreBigEndian() throws {
        XCTAssertEqual(try IDX.encodeLabels([1, 2]), [0, 0, 8, 1, 0, 0, 0, 2, 1, 2])
        XCTAssertEqual(try IDX.encodeImages(rows: 1, cols: 2, pixels: [7, 8, 9, 10]),
                       [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 7, 8, 9, 10])
        XCTAssertEqual(try IDX.encodeLabels(Array(repeating: 0, count: 0x0102)).prefix(8), [0, 0, 8, 1, 0, 0, 1, 2])
    }

    func testRoundTripOfRandomImages() throws {
        var g = SeededGenerator(seed: 99)
        let rows = 5, cols = 3, count = 17
        let pixels = (0 ..< rows * cols * count).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        let labels = (0 ..< count).map { _ in UInt8(g.nextInt(below: 10)) }
        let set = try LabeledImages(rows: rows, cols: cols, pixels: pixels, labels: labels)
        let dir = try makeTemporaryDirectory(self)
        try IDX.write(set, images: dir + "/i", labels: dir + "/l")
        XCTAssertEqual(try IDX.read(images: dir + "/i", labels: dir + "/l"), set)
        let images = try IDX.readImages(path: dir + "/i")
        XCTAssertEqual(images.count, count)
        XCTAssertEqual(images.rows, rows)
        XCTAssertEqual(images.cols, cols)
        XCTAssertEqual(images.pixels, pixels)
        XCTAssertEqual(try IDX.readLabels(path: dir + "/l"), labels)
    }

    func testRoundTripReproducesTheSubsetFilesByteForByte() throws {
        let (train, test) = try MNIST.load(directory: TestPaths.subset)
        let dir = try makeTemporaryDirectory(self)
        try IDX.write(train, images: dir + "/" + MNIST.trainImagesFile, labels: dir + "/" + MNIST.trainLabelsFile)
        try IDX.write(test, images: dir + "/" + MNIST.testImagesFile, labels: dir + "/" + MNIST.testLabelsFile)
        for name in MNIST.fileNames {
            let original = try Data(contentsOf: URL(fileURLWithPath: TestPaths.subset + "/" + name))
            let written = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            XCTAssertEqual(original, written, name)
        }
    }

    func testEmptySetRoundTrips() throws {
        let empty = try LabeledImages(rows: 28, cols: 28, pixels: [], labels: [])
        let dir = try makeTemporaryDirectory(self)
        try IDX.write(empty, images: dir + "/i", labels: dir + "/l")
        let back = try IDX.read(images: dir + "/i", labels: dir + "/l")
        XCTAssertEqual(back.count, 0)
        XCTAssertEqual(back.rows, 28)
    }

    func testWriterRejectsInconsistentArguments() {
        assertDatasetError(.invalidArgument(reason: "5 pixels are not a whole number of 2x2 images (or too many)")) {
            try IDX.encodeImages(rows: 2, cols: 2, pixels: [1, 2, 3, 4, 5])
        }
        XCTAssertThrowsError(try IDX.encodeImages(rows: 0, cols: 2, pixels: []))
        XCTAssertThrowsError(try LabeledImages(rows: 2, cols: 2, pixels: [1, 2, 3], labels: [0]))
        XCTAssertThrowsError(try LabeledImages(rows: -1, cols: 2, pixels: [], labels: []))
        let dir = "/nonexistent-dir-\(UUID().uuidString)"
        XCTAssertThrowsError(try IDX.writeLabels([1], path: dir + "/l")) { error in
            XCTAssertTrue("\(error)".contains(dir), "\(error)")
        }
    }

    // MARK: Corrupt, missing and wrong files

    /// A valid image file of 3 images of 2x2 (28 bytes) and a label file of 3 labels (11 bytes).
    private func goodImages() throws -> [UInt8] { try IDX.encodeImages(rows: 2, cols: 2, pixels: Array(1 ... 12)) }
    private func goodLabels() throws -> [UInt8] { try IDX.encodeLabels([0, 9, 3]) }

    private func file(_ bytes: [UInt8], _ name: String = "f") throws -> String {
        let path = try makeTemporaryDirectory(self) + "/" + name
        try writeBytes(bytes, to: path)
        return path
    }

    func testMissingFile() throws {
        let path = try makeTemporaryDirectory(self) + "/nothing-here"
        assertDatasetError(.fileNotFound, path: path) { try IDX.readImages(path: path) }
        assertDatasetError(.fileNotFound, path: path) { try IDX.readLabels(path: path) }
    }

    func testADirectoryIsNotAFile() throws {
        let dir = try makeTemporaryDirectory(self)
        assertDatasetError(.unreadable(reason: "it is a directory"), path: dir) { try IDX.readLabels(path: dir) }
    }

    func testEmptyFile() throws {
        let path = try file([])
        let error = assertDatasetError(.empty, path: path) { try IDX.readImages(path: path) }
        XCTAssertTrue(error?.description.contains("empty") ?? false)
        assertDatasetError(.empty, path: path) { try IDX.readLabels(path: path) }
    }

    func testTruncatedHeader() throws {
        let images = try goodImages(), labels = try goodLabels()
        let p1 = try file(Array(images.prefix(2)))
        assertDatasetError(.truncatedHeader(bytes: 2, needed: 16), path: p1) { try IDX.readImages(path: p1) }
        let p2 = try file(Array(images.prefix(10)))
        let error = assertDatasetError(.truncatedHeader(bytes: 10, needed: 16), path: p2) { try IDX.readImages(path: p2) }
        XCTAssertTrue(error?.description.contains("truncated IDX header") ?? false)
        let p3 = try file(Array(labels.prefix(6)))
        assertDatasetError(.truncatedHeader(bytes: 6, needed: 8), path: p3) { try IDX.readLabels(path: p3) }
    }

    func testWrongMagic() throws {
        // Labels where images are expected and vice versa: the wrong-type file.
        let labels = try file(goodLabels(), "labels")
        let images = try file(goodImages(), "images")
        let e1 = assertDatasetError(.wrongMagic(found: 0x801, expected: 0x803), path: labels) {
            try IDX.readImages(path: labels)
        }
        XCTAssertTrue(e1?.description.contains("labels") ?? false, e1?.description ?? "")
        assertDatasetError(.wrongMagic(found: 0x803, expected: 0x801), path: images) { try IDX.readLabels(path: images) }
        // Not IDX at all.
        let text = try file(Array("hello, world, this is not IDX".utf8))
        let e2 = assertDatasetError(.wrongMagic(found: 0x6865_6C6C, expected: 0x803), path: text) {
            try IDX.readImages(path: text)
        }
        XCTAssertTrue(e2?.description.contains("not an IDX file") ?? false, e2?.description ?? "")
        // IDX, but 32-bit floats.
        var floats = try goodImages()
        floats[2] = 0x0D
        let f = try file(floats)
        let e3 = assertDatasetError(.wrongMagic(found: 0xD03, expected: 0x803), path: f) { try IDX.readImages(path: f) }
        XCTAssertTrue(e3?.description.contains("32-bit float") ?? false, e3?.description ?? "")
    }

    func testLengthMismatch() throws {
        let images = try goodImages(), labels = try goodLabels()
        let short = try file(Array(images.dropLast()))
        let e1 = assertDatasetError(.lengthMismatch(expectedBytes: 28, actualBytes: 27), path: short) {
            try IDX.readImages(path: short)
        }
        XCTAssertTrue(e1?.description.contains("truncated: 1 bytes missing") ?? false, e1?.description ?? "")
        let long = try file(images + [0, 0, 0])
        let e2 = assertDatasetError(.lengthMismatch(expectedBytes: 28, actualBytes: 31), path: long) {
            try IDX.readImages(path: long)
        }
        XCTAssertTrue(e2?.description.contains("oversized: 3 bytes") ?? false, e2?.description ?? "")
        let headerOnly = try file(Array(images.prefix(16)))
        assertDatasetError(.lengthMismatch(expectedBytes: 28, actualBytes: 16), path: headerOnly) {
            try IDX.readImages(path: headerOnly)
        }
        let shortLabels = try file(Array(labels.dropLast(2)))
        assertDatasetError(.lengthMismatch(expectedBytes: 11, actualBytes: 9), path: shortLabels) {
            try IDX.readLabels(path: shortLabels)
        }
        // A dimension that does not match the data: rows = 3 instead of 2 (3 x 3 x 2 + 16 = 34).
        var badRows = images
        badRows[11] = 3
        let rows = try file(badRows)
        assertDatasetError(.lengthMismatch(expectedBytes: 34, actualBytes: 28), path: rows) { try IDX.readImages(path: rows) }
    }

    func testHugeDimensionsDoNotOverflow() throws {
        let header: [UInt8] = [0, 0, 8, 3] + [UInt8](repeating: 0xFF, count: 12) + [1, 2, 3]
        let path = try file(header)
        assertDatasetError(.dimensionsTooLarge(dimensions: [.max, .max, .max]), path: path) {
            try IDX.readImages(path: path)
        }
        // Large but representable: a plain length mismatch.
        let big: [UInt8] = [0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFF, 1]
        let p2 = try file(big)
        assertDatasetError(.lengthMismatch(expectedBytes: 8 + 0xFFFF_FFFF, actualBytes: 9), path: p2) {
            try IDX.readLabels(path: p2)
        }
    }

    func testCountMismatchBetweenImagesAndLabels() throws {
        let images = try file(goodImages(), "images")
        let labels = try file(IDX.encodeLabels([1, 2]), "labels")
        let error = assertDatasetError(.countMismatch(images: 3, labels: 2), path: labels) {
            try IDX.read(images: images, labels: labels)
        }
        XCTAssertTrue(error?.description.contains(images) ?? false)
    }

    func testLabelOutOfRange() throws {
        let images = try file(goodImages(), "images")
        let labels = try file(IDX.encodeLabels([1, 2, 10]), "labels")
        let error = assertDatasetError(.labelOutOfRange(index: 2, label: 10, classes: 10), path: labels) {
            try IDX.read(images: images, labels: labels)
        }
        XCTAssertTrue(error?.description.contains("outside 0...9") ?? false, error?.description ?? "")
        XCTAssertEqual(try IDX.read(images: images, labels: labels, classes: 11).labels, [1, 2, 10])
        XCTAssertEqual(try IDX.read(images: images, labels: labels, classes: nil).labels, [1, 2, 10])
        assertDatasetError(.labelOutOfRange(index: 1, label: 2, classes: 2), path: labels) {
            try IDX.read(images: images, labels: labels, classes: 2)
        }
        let set = try IDX.read(images: images, labels: labels, classes: nil)
        assertDatasetError(.labelOutOfRange(index: 2, label: 10, classes: 10)) { try set.validateLabels() }
        XCTAssertNoThrow(try set.validateLabels(classes: 256))
        XCTAssertThrowsError(try set.validateLabels(classes: 0))
    }

    func testCorruptGzipIsReportedNotTrapped() throws {
        let gz = try Data(contentsOf: URL(fileURLWithPath: TestPaths.gzipFixtures + "/t10k-labels-idx1-ubyte.gz"))
        let truncated = try file(Array(gz.prefix(gz.count / 2)))
        let error = assertDatasetError(.corruptGzip(reason: "stored block runs past the end"), path: truncated) {
            try IDX.readLabels(path: truncated)
        }
        XCTAssertTrue(error?.description.contains("corrupt gzip") ?? false)
    }

    // MARK: MNIST directory layout

    func testMissingDirectorySuggestsMakeData() throws {
        let dir = "/nonexistent-\(UUID().uuidString)/mnist"
        let error = assertDatasetError(.directoryNotFound, path: dir) { try MNIST.load(directory: dir) }
        XCTAssertTrue(error?.description.contains("make data") ?? false, error?.description ?? "")
    }

    func testMissingFileNamesTheFileAndSuggestsMakeData() throws {
        let dir = try makeTemporaryDirectory(self)
        for name in MNIST.fileNames where name != MNIST.testLabelsFile {
            try FileManager.default.copyItem(atPath: TestPaths.subset + "/" + name, toPath: dir + "/" + name)
        }
        XCTAssertEqual(try MNIST.load(.train, directory: dir).count, 1000)
        let error = assertDatasetError(.fileNotFound, path: dir + "/" + MNIST.testLabelsFile) {
            try MNIST.load(directory: dir)
        }
        XCTAssertTrue(error?.description.contains("make data") ?? false, error?.description ?? "")
        XCTAssertTrue(error?.description.contains(MNIST.testLabelsFile) ?? false)
    }

    func testCorruptFileInDirectoryNamesIt() throws {
        let dir = try makeTemporaryDirectory(self)
        for name in MNIST.fileNames {
            try FileManager.default.copyItem(atPath: TestPaths.subset + "/" + name, toPath: dir + "/" + name)
        }
        let victim = dir + "/" + MNIST.trainImagesFile
        let bytes = try Data(contentsOf: URL(fileURLWithPath: victim))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: victim))
        assertDatasetError(.lengthMismatch(expectedBytes: 784_016, actualBytes: 783_916), path: victim) {
            try MNIST.load(directory: dir)
        }
    }
}
