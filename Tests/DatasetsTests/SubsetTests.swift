import XCTest
@testable import Datasets

/// The real MNIST subset shipped in Tests/Data/mnist-subset (see its README.md).
final class SubsetTests: XCTestCase {
    func testLoadsTheSubset() throws {
        let (train, test) = try MNIST.load(directory: TestPaths.subset)
        XCTAssertEqual(train.count, 1000)
        XCTAssertEqual(test.count, 500)
        for set in [train, test] {
            XCTAssertEqual(set.rows, 28)
            XCTAssertEqual(set.cols, 28)
            XCTAssertEqual(set.pixelsPerImage, 784)
            XCTAssertEqual(set.pixels.count, set.count * 784)
        }
    }

    func testKnownLabelsAndChecksums() throws {
        let (train, test) = try MNIST.load(directory: TestPaths.subset)
        XCTAssertEqual(Array(train.labels.prefix(20)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3, 5, 3, 6, 1, 7, 2, 8, 6, 9])
        XCTAssertEqual(Array(test.labels.prefix(20)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6, 9, 0, 1, 5, 9, 7, 3, 4])
        XCTAssertEqual(train.classCounts(), [97, 116, 99, 93, 105, 92, 94, 117, 87, 100])
        XCTAssertEqual(test.classCounts(), [42, 67, 55, 45, 55, 50, 43, 49, 40, 54])
        XCTAssertEqual(pixelSum(train), 25_637_533)
        XCTAssertEqual(pixelSum(test), 12_054_721)
        XCTAssertEqual(fnv1a64(train.pixels), 0x950E_ADB9_C4DD_5D60)
        XCTAssertEqual(fnv1a64(test.pixels), 0xDAF7_E4FE_E7DC_94B8)
        XCTAssertEqual(fnv1a64(train.labels), 0x9DB6_5F65_0251_98B5)
        XCTAssertEqual(fnv1a64(test.labels), 0x1F67_1B01_7FFD_73AA)
    }

    func testImageAccessors() throws {
        let train = try MNIST.load(.train, directory: TestPaths.subset)
        // Row 7 of the first training image (a 5).
        let row7: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 49, 238, 253, 253, 253, 253, 253, 253, 253, 253, 251, 93, 82,
                             82, 56, 39, 0, 0, 0, 0, 0]
        XCTAssertEqual((0 ..< 28).map { train.pixel(0, row: 7, col: $0) }, row7)
        XCTAssertEqual(train.image(0).reduce(0) { $0 + Int($1) }, 27_525)
        XCTAssertEqual(train.image(999).reduce(0) { $0 + Int($1) }, 25_612)
        XCTAssertEqual(train.image(0).filter { $0 != 0 }.count, 166)
        XCTAssertEqual(train[0].label, 5)
        XCTAssertEqual(Array(train[3].image), Array(train.image(3)))
        XCTAssertEqual(train.image(3).startIndex, 3 * 784)
        train.withImage(1) { buffer in
            XCTAssertEqual(buffer.count, 784)
            XCTAssertEqual(Array(buffer), Array(train.image(1)))
        }
        XCTAssertEqual(train.pixel(0, row: 14, col: 14), 240)
    }

    func testPrefixAndSubset() throws {
        let train = try MNIST.load(.train, directory: TestPaths.subset)
        let first = train.prefix(10)
        XCTAssertEqual(first.count, 10)
        XCTAssertEqual(first.labels, [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
        XCTAssertEqual(first.pixels, Array(train.pixels[0 ..< 7840]))
        XCTAssertEqual(train.prefix(5000), train)
        XCTAssertEqual(train.prefix(0).count, 0)

        let picked = train.subset([999, 0, 999, 42])
        XCTAssertEqual(picked.count, 4)
        XCTAssertEqual(picked.labels, [train.labels[999], 5, train.labels[999], train.labels[42]])
        XCTAssertEqual(Array(picked.image(0)), Array(train.image(999)))
        XCTAssertEqual(Array(picked.image(3)), Array(train.image(42)))
        XCTAssertEqual(train.subset(train.indices), train)
        XCTAssertEqual(train.subset([]).count, 0)
    }

    func testShuffledSetKeepsImagesWithTheirLabels() throws {
        let test = try MNIST.load(.test, directory: TestPaths.subset)
        let shuffled = test.shuffled(seed: 7)
        XCTAssertEqual(shuffled, test.shuffled(seed: 7))
        XCTAssertNotEqual(shuffled.labels, test.labels)
        XCTAssertEqual(shuffled.classCounts(), test.classCounts())
        XCTAssertEqual(pixelSum(shuffled), pixelSum(test))
        let order = SeededShuffle.permutation(count: test.count, seed: 7)
        for (k, i) in order.enumerated().prefix(50) {
            XCTAssertEqual(shuffled.labels[k], test.labels[i])
            XCTAssertEqual(Array(shuffled.image(k)), Array(test.image(i)))
        }
    }

    func testGzipFilesLoadLikeThePlainOnes() throws {
        let plain = try MNIST.load(.test, directory: TestPaths.subset)
        let fromGzip = try IDX.read(images: TestPaths.gzipFixtures + "/t10k-images-idx3-ubyte.gz",
                                    labels: TestPaths.gzipFixtures + "/t10k-labels-idx1-ubyte.gz")
        XCTAssertEqual(fromGzip, plain)
        // MNIST.load falls back to NAME.gz when NAME is absent.
        let dir = try makeTemporaryDirectory(self)
        for name in MNIST.fileNames where name.hasPrefix("t10k") {
            try FileManager.default.copyItem(atPath: TestPaths.gzipFixtures + "/\(name).gz", toPath: dir + "/\(name).gz")
        }
        try IDX.write(try MNIST.load(.train, directory: TestPaths.subset).prefix(3),
                      images: dir + "/" + MNIST.trainImagesFile, labels: dir + "/" + MNIST.trainLabelsFile)
        let (train, test) = try MNIST.load(directory: dir)
        XCTAssertEqual(test, plain)
        XCTAssertEqual(train.labels, [5, 0, 4])
    }
}

/// The full sets, when present on this machine (`make data`; Debian's dataset-fashion-mnist).
final class FullDataTests: XCTestCase {
    func testFullMNISTWhenPresent() throws {
        guard FileManager.default.fileExists(atPath: TestPaths.fullMNIST + "/" + MNIST.testLabelsFile) else {
            throw XCTSkip("\(TestPaths.fullMNIST) not present (run `make data`)")
        }
        let (train, test) = try MNIST.load(directory: TestPaths.fullMNIST)
        XCTAssertEqual(train.count, MNIST.trainCount)
        XCTAssertEqual(test.count, MNIST.testCount)
        XCTAssertEqual(train.classCounts(), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        XCTAssertEqual(test.classCounts(), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        XCTAssertEqual(pixelSum(train), 1_567_298_545)
        XCTAssertEqual(pixelSum(test), 264_923_200)
        // The shipped subset is the leading part of the full set.
        let (subTrain, subTest) = try MNIST.load(directory: TestPaths.subset)
        XCTAssertEqual(train.prefix(1000), subTrain)
        XCTAssertEqual(test.prefix(500), subTest)
    }

    func testDebianFashionMNISTGzipWhenPresent() throws {
        let dir = "/usr/share/datasets/fashion-mnist"
        guard FileManager.default.fileExists(atPath: dir + "/t10k-labels-idx1-ubyte.gz") else {
            throw XCTSkip("\(dir) not present (Debian package dataset-fashion-mnist)")
        }
        let test = try MNIST.load(.test, directory: dir)  // read straight from the .gz files
        XCTAssertEqual(test.count, 10_000)
        XCTAssertEqual(Array(test.labels.prefix(10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
        XCTAssertEqual(test.classCounts(), [Int](repeating: 1000, count: 10))
        XCTAssertEqual(pixelSum(test), 573_469_082)
    }
}

final class ResampleTests: XCTestCase {
    func testResampleIsAnAreaMean() throws {
        // A 4x4 image of 2x2 blocks of values becomes those values at 2x2.
        let px: [UInt8] = [10, 10, 200, 200,
                           10, 10, 200, 200,
                           0, 0, 255, 255,
                           0, 0, 255, 254]
        let img = try LabeledImages(rows: 4, cols: 4, pixels: px, labels: [3])
        let small = try img.resampled(rows: 2, cols: 2)
        XCTAssertEqual(small.pixels, [10, 200, 0, 255])   // (255*3+254)/4 = 254.75 -> 255
        // 28 -> 3 does not divide: the total intensity is kept within rounding.
        let (train, _) = try MNIST.load(directory: TestPaths.subset)
        let three = try train.prefix(5).resampled(rows: 3, cols: 3)
        for i in 0..<5 {
            let big = train.image(i).reduce(0) { $0 + Int($1) }
            let s = three.image(i).reduce(0) { $0 + Int($1) }
            XCTAssertEqual(Double(s) * 784 / 9, Double(big), accuracy: 784.0 / 9 * 4.5, "image \(i)")
        }
        XCTAssertThrowsError(try img.resampled(rows: 5, cols: 2))
    }

    func testKeepingClasses() throws {
        let (train, _) = try MNIST.load(directory: TestPaths.subset)
        let four = train.keeping(classesBelow: 4)
        XCTAssertTrue(four.labels.allSatisfy { $0 < 4 })
        XCTAssertEqual(four.count, train.labels.filter { $0 < 4 }.count)
    }
}
