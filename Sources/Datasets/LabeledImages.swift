/// A set of equally sized 8-bit greyscale images with one label each.
///
/// The pixels of all images are one contiguous array: image `i` is
/// `pixels[i * pixelsPerImage ..< (i + 1) * pixelsPerImage]`, row-major (`rows` rows of `cols`).
/// Index arguments out of range are programming errors and trap, as with `Array`; everything
/// that comes from a file is checked and thrown as `DatasetError` instead.
public struct LabeledImages: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    /// count * rows * cols bytes.
    public let pixels: [UInt8]
    /// One label per image.
    public let labels: [UInt8]

    /// Number of images.
    public var count: Int { labels.count }
    public var isEmpty: Bool { labels.isEmpty }
    /// rows * cols.
    public var pixelsPerImage: Int { rows * cols }
    public var indices: Range<Int> { 0 ..< count }

    /// Checks that `pixels` holds exactly `labels.count` images of rows x cols.
    public init(rows: Int, cols: Int, pixels: [UInt8], labels: [UInt8]) throws {
        guard rows >= 0, cols >= 0 else {
            throw DatasetError(path: "LabeledImages", kind: .invalidArgument(reason: "negative size \(rows)x\(cols)"))
        }
        let (perImage, o1) = rows.multipliedReportingOverflow(by: cols)
        let (total, o2) = perImage.multipliedReportingOverflow(by: labels.count)
        guard !o1, !o2, total == pixels.count else {
            throw DatasetError(path: "LabeledImages", kind: .invalidArgument(
                reason: "\(pixels.count) pixels for \(labels.count) labels of \(rows)x\(cols) images"))
        }
        self.rows = rows
        self.cols = cols
        self.pixels = pixels
        self.labels = labels
    }

    /// The pixels of image `i` (a slice of `pixels`, so its indices start at `i * pixelsPerImage`).
    @inlinable
    public func image(_ i: Int) -> ArraySlice<UInt8> {
        precondition(i >= 0 && i < count, "image index \(i) out of range 0..<\(count)")
        return pixels[i * pixelsPerImage ..< (i + 1) * pixelsPerImage]
    }

    /// The label of image `i`.
    @inlinable
    public func label(_ i: Int) -> UInt8 { labels[i] }

    /// Image `i` and its label.
    @inlinable
    public subscript(i: Int) -> (image: ArraySlice<UInt8>, label: UInt8) {
        (image(i), labels[i])
    }

    /// Calls `body` with the pixels of image `i` as a buffer indexed from 0 (no copy).
    @inlinable
    public func withImage<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(i >= 0 && i < count, "image index \(i) out of range 0..<\(count)")
        let n = pixelsPerImage
        return try pixels.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[i * n ..< (i + 1) * n]))
        }
    }

    /// The pixel at `row`, `col` of image `i`.
    @inlinable
    public func pixel(_ i: Int, row: Int, col: Int) -> UInt8 {
        precondition(i >= 0 && i < count, "image index \(i) out of range 0..<\(count)")
        precondition(row >= 0 && row < rows && col >= 0 && col < cols, "pixel (\(row), \(col)) out of range")
        return pixels[i * pixelsPerImage + row * cols + col]
    }

    /// The first `n` images (all of them if there are fewer).
    public func prefix(_ n: Int) -> LabeledImages {
        precondition(n >= 0, "prefix length must not be negative")
        let k = min(n, count)
        return LabeledImages(unchecked: rows, cols, Array(pixels[0 ..< k * pixelsPerImage]), Array(labels[0 ..< k]))
    }

    /// The images at `indices`, in that order (repeats allowed).
    public func subset<S: Sequence>(_ indices: S) -> LabeledImages where S.Element == Int {
        var newPixels: [UInt8] = []
        var newLabels: [UInt8] = []
        newPixels.reserveCapacity(indices.underestimatedCount * pixelsPerImage)
        newLabels.reserveCapacity(indices.underestimatedCount)
        for i in indices {
            newPixels += image(i)
            newLabels.append(labels[i])
        }
        return LabeledImages(unchecked: rows, cols, newPixels, newLabels)
    }

    /// A copy in an order drawn by a seeded Fisher-Yates shuffle (deterministic for a given seed).
    public func shuffled(seed: UInt64) -> LabeledImages {
        var generator = SeededGenerator(seed: seed)
        return shuffled(using: &generator)
    }

    /// A copy in an order drawn from `generator` with `SeededShuffle.permutation`.
    public func shuffled<G: RandomNumberGenerator>(using generator: inout G) -> LabeledImages {
        subset(SeededShuffle.permutation(count: count, using: &generator))
    }

    /// How many images carry each label 0..<classes. Labels >= classes are not counted.
    public func classCounts(classes: Int = 10) -> [Int] {
        var counts = [Int](repeating: 0, count: classes)
        for l in labels where Int(l) < classes { counts[Int(l)] += 1 }
        return counts
    }

    /// Throws `labelOutOfRange` for the first label that is not in 0..<classes.
    public func validateLabels(classes: Int = 10, path: String = "LabeledImages") throws {
        try LabeledImages.validate(labels: labels, classes: classes, path: path)
    }

    static func validate(labels: [UInt8], classes: Int, path: String) throws {
        guard classes > 0 else {
            throw DatasetError(path: path, kind: .invalidArgument(reason: "number of classes must be positive"))
        }
        if classes > Int(UInt8.max) { return }
        let limit = UInt8(classes)
        if let i = labels.firstIndex(where: { $0 >= limit }) {
            throw DatasetError(path: path, kind: .labelOutOfRange(index: i, label: labels[i], classes: classes))
        }
    }

    private init(unchecked rows: Int, _ cols: Int, _ pixels: [UInt8], _ labels: [UInt8]) {
        self.rows = rows
        self.cols = cols
        self.pixels = pixels
        self.labels = labels
    }
}
