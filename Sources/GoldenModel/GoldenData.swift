import Foundation

/// MNIST for the golden model's tests and experiments.
public enum GoldenData {
    /// Reads the four IDX files of an MNIST directory (train-*, t10k-*).
    public static func load(directory: String) throws -> (train: GoldenImages, test: GoldenImages) {
        (try read(directory, "train"), try read(directory, "t10k"))
    }

    static func read(_ dir: String, _ prefix: String) throws -> GoldenImages {
        let (pixels, dims) = try idx("\(dir)/\(prefix)-images-idx3-ubyte")
        let (labels, _) = try idx("\(dir)/\(prefix)-labels-idx1-ubyte")
        guard dims.count == 3, pixels.count == dims[0] * dims[1] * dims[2], labels.count == dims[0] else {
            throw GoldenError.sizeMismatch("\(dir)/\(prefix): images and labels disagree")
        }
        return GoldenImages(pixels: pixels, labels: labels, size: dims[1] * dims[2])
    }

    /// Minimal IDX reader (unsigned bytes only): big-endian dimension counts after a 4-byte magic.
    static func idx(_ path: String) throws -> ([UInt8], [Int]) {
        let d = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard d.count >= 4, d[0] == 0, d[1] == 0, d[2] == 0x08 else { throw GoldenError.sizeMismatch("\(path): not an unsigned-byte IDX file") }
        let nd = Int(d[3])
        guard d.count >= 4 + 4 * nd else { throw GoldenError.sizeMismatch("\(path): truncated header") }
        var dims: [Int] = []
        for k in 0 ..< nd {
            let o = 4 + 4 * k
            dims.append(Int(d[o]) << 24 | Int(d[o + 1]) << 16 | Int(d[o + 2]) << 8 | Int(d[o + 3]))
        }
        let body = Array(d[(4 + 4 * nd)...])
        guard body.count == dims.reduce(1, *) else { throw GoldenError.sizeMismatch("\(path): body has \(body.count) bytes") }
        return (body, dims)
    }
}
