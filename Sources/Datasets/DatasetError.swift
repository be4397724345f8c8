/// Everything that can go wrong reading or writing a data set. Reading never traps: a missing,
/// truncated, oversized, corrupt or wrong-type file is one of these, naming the file (`path`)
/// and what is wrong (`kind`); `description` is a complete message for the user.
public struct DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The directory does not exist (or is not a directory).
        case directoryNotFound
        /// The file does not exist.
        case fileNotFound
        /// The file exists but could not be read or written (permissions, I/O error, a directory).
        case unreadable(reason: String)
        /// The file has no bytes at all.
        case empty
        /// Fewer bytes than the IDX header needs.
        case truncatedHeader(bytes: Int, needed: Int)
        /// The magic number is not the expected one (not IDX, wrong element type, or images
        /// where labels were expected and vice versa).
        case wrongMagic(found: UInt32, expected: UInt32)
        /// The header's dimensions ask for more bytes than fit in memory (overflow).
        case dimensionsTooLarge(dimensions: [UInt32])
        /// The file length does not match what the header's dimensions imply.
        case lengthMismatch(expectedBytes: Int, actualBytes: Int)
        /// An image file and its label file disagree on the number of items.
        case countMismatch(images: Int, labels: Int)
        /// A label is not below the number of classes.
        case labelOutOfRange(index: Int, label: UInt8, classes: Int)
        /// A gzip-compressed file is corrupt.
        case corruptGzip(reason: String)
        /// Decompressing would give more than `limit` bytes (for an IDX file: more than its header
        /// implies); inflating stopped there.
        case inflatesBeyond(limit: Int)
        /// The path is a FIFO, a device or a socket, not a file (`what` says which).
        case notRegularFile(what: String)
        /// Arguments that cannot describe a data set (writer or `LabeledImages` init).
        case invalidArgument(reason: String)
    }

    /// The file or directory concerned.
    public let path: String
    public let kind: Kind
    /// Advice appended to the message, e.g. "run `make data`".
    public let hint: String?

    public init(path: String, kind: Kind, hint: String? = nil) {
        self.path = path
        self.kind = kind
        self.hint = hint
    }

    public var description: String {
        var text = "\(path): "
        switch kind {
        case .directoryNotFound:
            text += "no such directory"
        case .fileNotFound:
            text += "no such file"
        case .unreadable(let reason):
            text += "cannot access the file (\(reason))"
        case .empty:
            text += "the file is empty (0 bytes), expected an IDX file"
        case .truncatedHeader(let bytes, let needed):
            text += "truncated IDX header: the file has \(bytes) bytes, the header needs \(needed)"
        case .wrongMagic(let found, let expected):
            text += "magic number \(hex(found)) (\(DatasetError.describeMagic(found))), "
                + "expected \(hex(expected)) (\(DatasetError.describeMagic(expected)))"
        case .dimensionsTooLarge(let dims):
            text += "header dimensions \(dims.map(String.init).joined(separator: " x ")) are too large"
        case .lengthMismatch(let expected, let actual):
            let what = actual < expected
                ? "truncated: \(expected - actual) bytes missing"
                : "oversized: \(actual - expected) bytes beyond the data"
            text += "\(what) (the header implies \(expected) bytes, the file has \(actual))"
        case .countMismatch(let images, let labels):
            text += "\(images) images but \(labels) labels"
        case .labelOutOfRange(let index, let label, let classes):
            text += "label \(label) at index \(index) is outside 0...\(classes - 1)"
        case .corruptGzip(let reason):
            text += "corrupt gzip data (\(reason))"
        case .inflatesBeyond(let limit):
            text += "the gzip data inflates to more than \(limit) bytes, more than the IDX header implies; "
                + "stopped inflating there (corrupt, or a decompression bomb)"
        case .notRegularFile(let what):
            text += "not a regular file (\(what)); expected an IDX file"
        case .invalidArgument(let reason):
            text += reason
        }
        if let hint { text += "; " + hint }
        return text
    }

    /// Human reading of an IDX magic number: 0x0000 TT DD, TT the element type, DD the rank.
    static func describeMagic(_ magic: UInt32) -> String {
        switch magic {
        case IDX.imagesMagic: return "IDX unsigned-byte images, 3 dimensions"
        case IDX.labelsMagic: return "IDX unsigned-byte labels, 1 dimension"
        default: break
        }
        if magic >> 16 != 0 {
            if magic >> 16 == 0x1F8B { return "a gzip file" }
            return "not an IDX file"
        }
        let type: String
        switch (magic >> 8) & 0xFF {
        case 0x08: type = "unsigned byte"
        case 0x09: type = "signed byte"
        case 0x0B: type = "16-bit integer"
        case 0x0C: type = "32-bit integer"
        case 0x0D: type = "32-bit float"
        case 0x0E: type = "64-bit float"
        default: return "not an IDX file: unknown element type"
        }
        return "IDX \(type), \(magic & 0xFF) dimensions"
    }
}

func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
