import Foundation
import XCTest
@testable import Datasets

/// Paths relative to the repository, found from this source file (no bundle resources needed).
enum TestPaths {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let repositoryRoot = testsDirectory.deletingLastPathComponent()
    static let subset = testsDirectory.appendingPathComponent("Data/mnist-subset").path
    static let gzipFixtures = testsDirectory.appendingPathComponent("Data/gzip").path
    static let fullMNIST = repositoryRoot.appendingPathComponent("data/mnist").path
}

/// A fresh temporary directory, removed when the test ends.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("DatasetsTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url.path
}

func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// FNV-1a 64-bit over bytes: a checksum that also depends on order.
func fnv1a64<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h &*= 0x0000_0100_0000_01B3
    }
    return h
}

func pixelSum(_ set: LabeledImages) -> Int {
    set.pixels.withUnsafeBufferPointer { buffer in
        var sum = 0
        for b in buffer { sum &+= Int(b) }
        return sum
    }
}

/// Asserts that `body` throws a `DatasetError` with the given kind, and returns it.
@discardableResult
func assertDatasetError<T>(_ expected: DatasetError.Kind, path: String? = nil,
                           file: StaticString = #filePath, line: UInt = #line,
                           _ body: () throws -> T) -> DatasetError? {
    do {
        _ = try body()
        XCTFail("expected \(expected), nothing was thrown", file: file, line: line)
        return nil
    } catch let error as DatasetError {
        XCTAssertEqual(error.kind, expected, "message: \(error)", file: file, line: line)
        if let path { XCTAssertEqual(error.path, path, file: file, line: line) }
        XCTAssertTrue(error.description.contains(error.path), "message names the file", file: file, line: line)
        return error
    } catch {
        XCTFail("expected DatasetError \(expected), got \(error)", file: file, line: line)
        return nil
    }
}
