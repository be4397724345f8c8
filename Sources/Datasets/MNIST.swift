import Foundation

/// MNIST (and anything laid out like it, e.g. Fashion-MNIST) from a directory holding the four
/// standard IDX files. `make data` (scripts/fetch_mnist.py) puts verified copies in data/mnist;
/// the tests use the small real subset in Tests/Data/mnist-subset.
public enum MNIST {
    public static let trainImagesFile = "train-images-idx3-ubyte"
    public static let trainLabelsFile = "train-labels-idx1-ubyte"
    public static let testImagesFile = "t10k-images-idx3-ubyte"
    public static let testLabelsFile = "t10k-labels-idx1-ubyte"
    public static let fileNames = [trainImagesFile, trainLabelsFile, testImagesFile, testLabelsFile]

    public static let defaultDirectory = "data/mnist"
    public static let rows = 28
    public static let cols = 28
    public static let classes = 10
    /// Sizes of the full set.
    public static let trainCount = 60_000
    public static let testCount = 10_000

    public enum Split: String, Sendable, CaseIterable {
        case train, test
        var files: (images: String, labels: String) {
            self == .train ? (trainImagesFile, trainLabelsFile) : (testImagesFile, testLabelsFile)
        }
    }

    /// Loads the training and test sets from `directory` (standard file names, uncompressed or
    /// gzip-compressed; `NAME` is preferred over `NAME.gz`). Labels must be in 0..<classes.
    public static func load(directory: String = defaultDirectory, classes: Int = MNIST.classes) throws
        -> (train: LabeledImages, test: LabeledImages)
    {
        (try load(.train, directory: directory, classes: classes),
         try load(.test, directory: directory, classes: classes))
    }

    /// Loads one split from `directory`.
    public static func load(_ split: Split, directory: String = defaultDirectory,
                            classes: Int = MNIST.classes) throws -> LabeledImages
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw DatasetError(path: directory, kind: .directoryNotFound, hint: hint(directory))
        }
        let files = split.files
        return try IDX.read(images: try locate(files.images, in: directory),
                            labels: try locate(files.labels, in: directory), classes: classes)
    }

    /// `directory/name`, or `directory/name.gz` when only that exists.
    static func locate(_ name: String, in directory: String) throws -> String {
        let plain = (directory as NSString).appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: plain) { return plain }
        let gz = plain + ".gz"
        if FileManager.default.fileExists(atPath: gz) { return gz }
        throw DatasetError(path: plain, kind: .fileNotFound, hint: hint(directory))
    }

    static func hint(_ directory: String) -> String {
        "the four MNIST files \(fileNames.joined(separator: ", ")) are expected there; "
            + "run `make data` (python3 scripts/fetch_mnist.py --out \(directory); --fashion for Fashion-MNIST)"
    }
}
