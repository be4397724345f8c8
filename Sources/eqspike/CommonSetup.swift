import Foundation
import Datasets
import EqSpike
import Netlist

/// Loading designs, data and checkpoints the same way for every command.
enum Setup {
    /// Elaborates the netlist as a chip, printing every diagnostic on failure.
    static func chip(_ path: String, overrides: [String]) throws -> Chip {
        do { return try Chip(path: path, overrides: overrides) } catch {
            throw CLIError.failed("\(error)\n\(error.diagnostics.count) error(s) in \(path)")
        }
    }

    static let subsetDirectory = "Tests/Data/mnist-subset"

    /// The data set fitted to the chip: images resampled (area mean) when the design has fewer,
    /// square inputs, and only the classes it has outputs for — saying so. Anything else that does
    /// not fit is an error.
    static func data(_ dir: String?, for chip: Chip) throws -> (train: LabeledImages, test: LabeledImages, source: String) {
        var (train, test, source) = try data(dir)
        // Each set is fitted on its own (a test set may come in another size than the training
        // set), then both are checked against the design before any work.
        var resampledTo: Int? = nil
        func fit(_ set: LabeledImages, _ what: String) throws -> LabeledImages {
            guard set.pixelsPerImage != chip.inputs, !set.isEmpty else { return set }
            let side = Int(Double(chip.inputs).squareRoot().rounded())
            guard side * side == chip.inputs, side <= set.rows, side <= set.cols else {
                throw CLIError.failed("the design has \(chip.inputs) inputs but the \(what) images in \(source) have \(set.pixelsPerImage) pixels (\(set.rows)x\(set.cols))")
            }
            resampledTo = side
            return try set.resampled(rows: side, cols: side)
        }
        train = try fit(train, "training")
        test = try fit(test, "test")
        if let side = resampledTo { source += " resampled to \(side)x\(side)" }
        if chip.outputs < 10 {
            train = train.keeping(classesBelow: chip.outputs)
            test = test.keeping(classesBelow: chip.outputs)
            source += ", classes 0-\(chip.outputs - 1) only"
        }
        if source.contains("resampled") || chip.outputs < 10 {
            FileHandle.standardError.write(Data("eqspike: fitted the data to the design: \(source)\n".utf8))
        }
        do {
            if !train.isEmpty { try chip.checkFits(train, as: "training set in \(source)") }
            if !test.isEmpty { try chip.checkFits(test, as: "test set in \(source)") }
        } catch { throw CLIError.failed("\(error)") }
        return (train, test, source)
    }

    /// MNIST from `dir`; when the default directory is missing, the shipped subset (saying so).
    static func data(_ dir: String?) throws -> (train: LabeledImages, test: LabeledImages, source: String) {
        let chosen = dir ?? "data/mnist"
        if dir == nil && !FileManager.default.fileExists(atPath: chosen + "/train-images-idx3-ubyte")
            && !FileManager.default.fileExists(atPath: chosen + "/train-images-idx3-ubyte.gz") {
            FileHandle.standardError.write(Data("eqspike: no MNIST in \(chosen) (run `make data`); using the shipped subset \(subsetDirectory)\n".utf8))
            let (tr, te) = try MNIST.load(directory: subsetDirectory)
            return (tr, te, subsetDirectory)
        }
        let (tr, te) = try MNIST.load(directory: chosen)
        return (tr, te, chosen)
    }

    /// Loads a checkpoint's memories into the chip, refusing one of another design.
    static func loadWeights(_ path: String, into chip: Chip) throws {
        let ck = try Checkpoint.read(from: path)
        if let model = ck.header.model {
            throw CLIError.failed("\(path): checkpoint of the \(model) golden model's run (its weights are real numbers, not the chip's words): give a checkpoint of `eqspike train` without --model \(model)")
        }
        guard ck.header.fingerprint == chip.fingerprint else {
            throw CLIError.failed("\(path): checkpoint of another design or of other formats (\(ck.header.design), fingerprint \(ck.header.fingerprint)); this design is \(chip.fingerprint)")
        }
        try chip.restore(ck.entries, from: path)
    }

    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }
}
