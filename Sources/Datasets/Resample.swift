/// Adapting a data set to a smaller design (e.g. the 16-input, 4-class tiny design on MNIST).
extension LabeledImages {
    /// Each output pixel is the rounded mean of the input pixels its area covers (box filter over
    /// the overlap of source and target pixel areas), so a 28x28 digit becomes a recognisable 4x4
    /// thumbnail. Exact integer arithmetic: the same bytes on every platform.
    public func resampled(rows outRows: Int, cols outCols: Int) throws -> LabeledImages {
        guard outRows >= 1, outCols >= 1, outRows <= rows, outCols <= cols else {
            throw DatasetError(path: "LabeledImages", kind: .invalidArgument(reason: "cannot resample \(rows)x\(cols) images to \(outRows)x\(outCols)"))
        }
        if outRows == rows && outCols == cols { return self }
        // Weights in units of 1/(outRows*outCols) of a source pixel: source row r covers
        // [r*outRows, (r+1)*outRows) and target row R covers [R*rows, (R+1)*rows) on a common grid.
        func overlap(_ a: Int, _ aLen: Int, _ b: Int, _ bLen: Int) -> Int { max(0, min(a + aLen, b + bLen) - max(a, b)) }
        var out = [UInt8](repeating: 0, count: count * outRows * outCols)
        let area = rows * cols
        for i in 0..<count {
            let base = i * pixelsPerImage
            for R in 0..<outRows {
                for C in 0..<outCols {
                    var sum = 0
                    for r in 0..<rows {
                        let wr = overlap(r * outRows, outRows, R * rows, rows)
                        if wr == 0 { continue }
                        for c in 0..<cols {
                            let wc = overlap(c * outCols, outCols, C * cols, cols)
                            if wc != 0 { sum += wr * wc * Int(pixels[base + r * cols + c]) }
                        }
                    }
                    // sum / area, rounded to nearest (the weights of one target pixel add up to area).
                    out[(i * outRows + R) * outCols + C] = UInt8((sum + area / 2) / area)
                }
            }
        }
        return try LabeledImages(rows: outRows, cols: outCols, pixels: out, labels: labels)
    }

    /// Only the images whose label is below `classes` (e.g. digits 0-3 for a 4-class design).
    public func keeping(classesBelow classes: Int) -> LabeledImages {
        subset(indices.filter { Int(labels[$0]) < classes })
    }
}
