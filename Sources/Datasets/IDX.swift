import Foundation

/// The IDX file format of MNIST: a big-endian 32-bit magic number 0x0000TTDD (TT the element
/// type, 0x08 for unsigned bytes; DD the number of dimensions), DD big-endian 32-bit dimension
/// sizes, then the elements in row-major order. Images are 0x00000803 (count, rows, cols),
/// labels 0x00000801 (count).
///
/// The reader accepts files that are plain IDX or gzip-compressed IDX (recognised by the gzip
/// signature, whatever the file name; decompressed in memory by a built-in inflater). It checks
/// the magic number and that the file length is exactly what the header implies, and reports any
/// problem as a `DatasetError` naming the file; it never traps on bad input. The writer always
/// writes uncompressed files.
public enum IDX {
    public static let imagesMagic: UInt32 = 0x0000_0803
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// The contents of an image file.
    public struct Images: Equatable, Sendable {
        public let count: Int
        public let rows: Int
        public let cols: Int
        /// count * rows * cols bytes, image after image, each row-major.
        public let pixels: [UInt8]
    }

    // MARK: Reading

    /// Reads an IDX image file (magic 0x00000803).
    public static func readImages(path: String) throws -> Images {
        try parseImages(readFile(path: path), path: path)
    }

    /// Reads an IDX label file (magic 0x00000801).
    public static func readLabels(path: String) throws -> [UInt8] {
        try parseLabels(readFile(path: path), path: path)
    }

    /// Reads an image file and its label file into one `LabeledImages`, checking that the counts
    /// agree and, when `classes` is given, that every label is in 0..<classes.
    public static func read(images imagesPath: String, labels labelsPath: String,
                            classes: Int? = 10) throws -> LabeledImages {
        let images = try readImages(path: imagesPath)
        let labels = try readLabels(path: labelsPath)
        guard images.count == labels.count else {
            throw DatasetError(path: labelsPath,
                               kind: .countMismatch(images: images.count, labels: labels.count),
                               hint: "the images are in \(imagesPath)")
        }
        if let classes {
            try LabeledImages.validate(labels: labels, classes: classes, path: labelsPath)
        }
        return try LabeledImages(rows: images.rows, cols: images.cols, pixels: images.pixels, labels: labels)
    }

    /// Decodes the bytes of an image file. `path` is only used in error messages.
    public static func parseImages(_ bytes: [UInt8], path: String) throws -> Images {
        let dims = try header(bytes, magic: imagesMagic, rank: 3, path: path)
        let n = try payloadLength(dims, fileLength: bytes.count, headerLength: 16, path: path)
        return Images(count: Int(dims[0]), rows: Int(dims[1]), cols: Int(dims[2]),
                      pixels: Array(bytes[16 ..< 16 + n]))
    }

    /// Decodes the bytes of a label file. `path` is only used in error messages.
    public static func parseLabels(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        let dims = try header(bytes, magic: labelsMagic, rank: 1, path: path)
        let n = try payloadLength(dims, fileLength: bytes.count, headerLength: 8, path: path)
        return Array(bytes[8 ..< 8 + n])
    }

    /// Checks magic and header length; returns the dimension sizes.
    private static func header(_ bytes: [UInt8], magic expected: UInt32, rank: Int,
                               path: String) throws -> [UInt32] {
        if bytes.isEmpty { throw DatasetError(path: path, kind: .empty) }
        let headerLength = 4 + 4 * rank
        if bytes.count < 4 {
            throw DatasetError(path: path, kind: .truncatedHeader(bytes: bytes.count, needed: headerLength))
        }
        let magic = bigEndianUInt32(bytes, at: 0)
        guard magic == expected else {
            throw DatasetError(path: path, kind: .wrongMagic(found: magic, expected: expected))
        }
        guard bytes.count >= headerLength else {
            throw DatasetError(path: path, kind: .truncatedHeader(bytes: bytes.count, needed: headerLength))
        }
        return (0 ..< rank).map { bigEndianUInt32(bytes, at: 4 + 4 * $0) }
    }

    /// The payload length the dimensions imply, checked against the file length.
    private static func payloadLength(_ dims: [UInt32], fileLength: Int, headerLength: Int,
                                      path: String) throws -> Int {
        var n = 1
        for d in dims {
            let (product, overflow) = n.multipliedReportingOverflow(by: Int(d))
            if overflow { throw DatasetError(path: path, kind: .dimensionsTooLarge(dimensions: dims)) }
            n = product
        }
        let (total, overflow) = n.addingReportingOverflow(headerLength)
        if overflow { throw DatasetError(path: path, kind: .dimensionsTooLarge(dimensions: dims)) }
        guard total == fileLength else {
            throw DatasetError(path: path, kind: .lengthMismatch(expectedBytes: total, actualBytes: fileLength))
        }
        return n
    }

    private static func bigEndianUInt32(_ bytes: [UInt8], at i: Int) -> UInt32 {
        UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
    }

    // MARK: Writing

    /// The bytes of an IDX image file.
    public static func encodeImages(rows: Int, cols: Int, pixels: [UInt8]) throws -> [UInt8] {
        guard rows > 0, cols > 0, rows <= Int(UInt32.max), cols <= Int(UInt32.max),
              pixels.count % (rows * cols) == 0, pixels.count / (rows * cols) <= Int(UInt32.max) else {
            throw DatasetError(path: "IDX.encodeImages", kind: .invalidArgument(
                reason: "\(pixels.count) pixels are not a whole number of \(rows)x\(cols) images (or too many)"))
        }
        var out: [UInt8] = []
        out.reserveCapacity(16 + pixels.count)
        for v in [imagesMagic, UInt32(pixels.count / (rows * cols)), UInt32(rows), UInt32(cols)] {
            appendBigEndian(v, to: &out)
        }
        out += pixels
        return out
    }

    /// The bytes of an IDX label file.
    public static func encodeLabels(_ labels: [UInt8]) throws -> [UInt8] {
        guard labels.count <= Int(UInt32.max) else {
            throw DatasetError(path: "IDX.encodeLabels", kind: .invalidArgument(reason: "too many labels"))
        }
        var out: [UInt8] = []
        out.reserveCapacity(8 + labels.count)
        appendBigEndian(labelsMagic, to: &out)
        appendBigEndian(UInt32(labels.count), to: &out)
        out += labels
        return out
    }

    /// Writes an uncompressed IDX image file (atomically).
    public static func writeImages(rows: Int, cols: Int, pixels: [UInt8], path: String) throws {
        try writeFile(encodeImages(rows: rows, cols: cols, pixels: pixels), path: path)
    }

    /// Writes an uncompressed IDX label file (atomically).
    public static func writeLabels(_ labels: [UInt8], path: String) throws {
        try writeFile(encodeLabels(labels), path: path)
    }

    /// Writes a data set as an image file and a label file.
    public static func write(_ set: LabeledImages, images imagesPath: String, labels labelsPath: String) throws {
        try writeImages(rows: set.rows, cols: set.cols, pixels: set.pixels, path: imagesPath)
        try writeLabels(set.labels, path: labelsPath)
    }

    private static func appendBigEndian(_ v: UInt32, to out: inout [UInt8]) {
        out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    // MARK: Files

    /// The bytes of an IDX file, gunzipped if it starts with the gzip signature. A gzip is
    /// inflated no further than its IDX header implies (the header, then dimensions x element
    /// size), so that a small file cannot inflate to gigabytes before the length check rejects it;
    /// without a recognisable IDX header only the first bytes are inflated (the parser then
    /// reports the wrong magic number).
    public static func readFile(path: String) throws -> [UInt8] {
        // stat first: opening a FIFO would block until a writer comes, and /dev/zero never ends.
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { throw DatasetError(path: path, kind: .fileNotFound) }
            throw DatasetError(path: path, kind: .unreadable(reason: String(cString: strerror(code))))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw DatasetError(path: path, kind: .unreadable(reason: "it is a directory"))
        case S_IFIFO: throw DatasetError(path: path, kind: .notRegularFile(what: "a FIFO (named pipe)"))
        case S_IFCHR: throw DatasetError(path: path, kind: .notRegularFile(what: "a character device"))
        case S_IFBLK: throw DatasetError(path: path, kind: .notRegularFile(what: "a block device"))
        case S_IFSOCK: throw DatasetError(path: path, kind: .notRegularFile(what: "a socket"))
        default: throw DatasetError(path: path, kind: .notRegularFile(what: "not a file"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = access(path, R_OK) == 0 ? "read error" : String(cString: strerror(errno))
            throw DatasetError(path: path, kind: .unreadable(reason: reason))
        }
        let bytes = [UInt8](data)
        if Gzip.isGzip(bytes) {
            let head = try Gzip.prefix(bytes, count: maxHeaderLength, path: path)
            return try Gzip.decompress(bytes, path: path, maxOutput: impliedLength(header: head) ?? head.count)
        }
        return bytes
    }

    /// The longest IDX header: magic and 255 dimension sizes.
    static let maxHeaderLength = 4 + 4 * 255

    /// The file length an IDX header implies (header + product of dimensions x element size);
    /// nil when `head` does not start with a whole IDX header of a known element type, or the
    /// product overflows (the parser reports either).
    static func impliedLength(header head: [UInt8]) -> Int? {
        guard head.count >= 4, head[0] == 0, head[1] == 0 else { return nil }
        let elementSize: Int
        switch head[2] {
        case 0x08, 0x09: elementSize = 1
        case 0x0B: elementSize = 2
        case 0x0C, 0x0D: elementSize = 4
        case 0x0E: elementSize = 8
        default: return nil
        }
        let rank = Int(head[3])
        let headerLength = 4 + 4 * rank
        guard head.count >= headerLength else { return nil }
        var n = elementSize
        for k in 0 ..< rank {
            let (p, overflow) = n.multipliedReportingOverflow(by: Int(bigEndianUInt32(head, at: 4 + 4 * k)))
            if overflow { return nil }
            n = p
        }
        let (total, overflow) = n.addingReportingOverflow(headerLength)
        return overflow ? nil : total
    }

    static func writeFile(_ bytes: [UInt8], path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DatasetError(path: path, kind: .unreadable(reason: "cannot write: \(error.localizedDescription)"))
        }
    }
}
