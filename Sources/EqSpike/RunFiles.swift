import Foundation
import Datasets

/// What a training run's bits depend on besides the design and the seed: the training images it
/// shuffles. Stored in every checkpoint, so a resume over other data (another `--train-limit`,
/// another data directory) is refused instead of silently training one epoch over two shuffles.
public struct RunIdentity: Codable, Equatable, Sendable {
    /// Training images per epoch (after `--train-limit`).
    public var trainImages: Int
    /// FNV-1a of the training images' sizes, labels and pixels, in file order.
    public var trainData: String

    public init(trainImages: Int, trainData: String) {
        self.trainImages = trainImages
        self.trainData = trainData
    }

    public init(training set: LabeledImages) {
        var f = Fingerprint()
        f.add("\(set.count) \(set.rows)x\(set.cols)")
        f.add(set.labels)
        f.add(set.pixels)
        self.init(trainImages: set.count, trainData: f.hex)
    }

    /// What differs between the run a checkpoint belongs to and `self`, in words; nil when nothing.
    public func difference(from recorded: RunIdentity) -> String? {
        if recorded.trainImages != trainImages {
            return "the checkpoint's run trains \(recorded.trainImages) images per epoch, this one \(trainImages) (same --train-limit and data as the original run?)"
        }
        if recorded.trainData != trainData {
            return "the checkpoint's run trained other images (training data hash \(recorded.trainData), now \(trainData)): use the same --data as the original run"
        }
        return nil
    }
}

/// The files of a run directory (metrics.csv, checkpoint.bin, run.json) and the rules that keep
/// them consistent with each other across kills and resumes.
enum RunFiles {
    static let files = ["checkpoint.bin", "metrics.csv", "run.json"]

    /// Creates `dir` (or accepts an existing directory), with errors that say what is wrong.
    static func prepare(_ dir: String) throws {
        do { try OutputFiles.directory(dir) } catch { throw TrainError.files("\(error)") }
        guard access(dir, W_OK | X_OK) == 0 else { throw TrainError.files("cannot write \(dir): \(String(cString: strerror(errno)))") }
    }

    /// A new run must not overwrite another one by accident.
    static func refuseExistingRun(in dir: String) throws {
        let present = files.filter { FileManager.default.fileExists(atPath: dir + "/" + $0) }
        guard !present.isEmpty else { return }
        throw TrainError.files("\(dir) already holds a run (\(present.joined(separator: ", "))): continue it with --resume, "
            + "or start over deliberately with --force (which replaces it), or choose another --out")
    }

    /// A run directory whose run was killed before its first checkpoint: no checkpoint.bin and no
    /// metrics row (the initial checkpoint is written before any training).
    static func killedBeforeFirstCheckpoint(_ dir: String) -> Bool {
        guard !FileManager.default.fileExists(atPath: dir + "/checkpoint.bin") else { return false }
        guard let data = FileManager.default.contents(atPath: dir + "/metrics.csv") else { return true }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").count <= 1
    }

    /// The first line of a metrics.csv, if it can be read.
    static func metricsHeader(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", maxSplits: 1).first.map(String.init)
    }

    /// Keeps the header and the rows of epochs 1...`epochs` of metrics.csv: the rows a checkpoint
    /// after `epochs` epochs has seen. A row written before a kill that came before its checkpoint
    /// is dropped here and written again, identically, when the epoch is redone.
    static func truncateMetrics(_ path: String, toEpochs epochs: Int) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainError.resume("cannot resume: \(path) is missing (the run's metrics)")
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        // A last line without its newline is a write cut short by a kill: it is not a row.
        if data.last != UInt8(ascii: "\n") && !lines.isEmpty { lines.removeLast() }
        guard let header = lines.first,
              EpochMetrics.csvHeaders.contains(String(header)) else {
            throw TrainError.resume("cannot resume: \(path) does not start with the metrics header")
        }
        var kept = [String(header)]
        for (k, line) in lines.dropFirst().enumerated() {
            let epoch = Int(line.prefix { $0 != "," })
            guard epoch == k + 1 else {
                throw TrainError.resume("cannot resume: \(path):\(k + 2): expected the row of epoch \(k + 1)")
            }
            if k + 1 <= epochs { kept.append(String(line)) }
        }
        guard kept.count - 1 == epochs else {
            throw TrainError.resume("cannot resume: \(path) has rows for \(kept.count - 1) epochs but the checkpoint has completed \(epochs)")
        }
        if kept.count == lines.count && data.last == UInt8(ascii: "\n") { return }
        try AtomicFile.write(Data((kept.joined(separator: "\n") + "\n").utf8), to: path)
    }

    /// Appends one line (and makes it durable before the checkpoint that follows it).
    static func appendLine(_ line: String, to path: String) throws {
        try AtomicFile.append(Data((line + "\n").utf8), to: path)
    }
}

// MARK: Resuming (the chip's Trainer and the float model's GoldenTrainer)

extension RunFiles {
    /// A checkpoint continues a run only if it holds the same model's state (`model`: nil for the
    /// chip, "float" for the golden model) of the same design, seed and training data, and stands
    /// inside the run: anything else is refused, naming the difference.
    static func checkResumable(_ ck: Checkpoint, path: String, model: String?, fingerprint: String, seed: UInt64,
                               identity: RunIdentity, epochs: Int, classes: Int) throws {
        let h = ck.header
        guard h.model == model else {
            throw TrainError.resume(h.model == "float"
                ? "\(path): checkpoint of the float golden model's run: resume it with --model float"
                : "\(path): checkpoint of the chip's run, not of the float golden model: resume it without --model float")
        }
        guard h.fingerprint == fingerprint else {
            throw TrainError.resume("\(path): checkpoint of another design or of other formats (\(h.design), fingerprint \(h.fingerprint)); this design is \(fingerprint)")
        }
        guard h.seed == seed else { throw TrainError.resume("\(path): checkpoint was made with seed \(h.seed), not \(seed)") }
        if let recorded = h.run, let difference = identity.difference(from: recorded) {
            throw TrainError.resume("cannot resume \(path): \(difference)")
        }
        guard h.imageInEpoch <= identity.trainImages else {
            throw TrainError.resume("cannot resume \(path): it stopped at image \(h.imageInEpoch) of an epoch, but this run has \(identity.trainImages) training images")
        }
        guard h.epoch < epochs || (h.epoch == epochs && h.imageInEpoch == 0) else {
            throw TrainError.resume("\(path) has already completed \(h.epoch) epoch(s), more than --epochs \(epochs) asks for (ask for more epochs to continue training)")
        }
        if let p = h.partial, p.classes != classes {
            throw TrainError.resume("\(path): its partial epoch counts \(p.classes) classes, this design has \(classes)")
        }
    }

    /// A new run in `options.outDirectory`: refused over an existing run unless --force (a --resume
    /// that found no checkpoint, the run having been killed before its first, starts it again).
    static func beginNewRun(_ options: TrainOptions, log: (String) -> Void) throws {
        if options.resume {
            log("\(options.outDirectory): no checkpoint yet (stopped before the first one): starting the run from the beginning")
        } else if !options.force {
            try refuseExistingRun(in: options.outDirectory)
        }
    }

    /// The checkpoint a --resume continues from, read and checked against this run
    /// (`checkResumable`); nil when the run has already completed its `epochs`: a kill can land
    /// after the last checkpoint and before the process exits, and resuming then is success with
    /// nothing to do (a requeue loop such as `until eqspike train --resume ...` must end), said in
    /// the log, nothing written.
    static func resumableCheckpoint(path: String, model: String?, fingerprint: String, seed: UInt64, identity: RunIdentity,
                                    epochs: Int, classes: Int, log: (String) -> Void) throws -> Checkpoint? {
        let ck: Checkpoint
        do { ck = try Checkpoint.read(from: path) } catch { throw TrainError.resume("cannot resume: \(error)") }
        try checkResumable(ck, path: path, model: model, fingerprint: fingerprint, seed: seed, identity: identity,
                           epochs: epochs, classes: classes)
        if ck.header.epoch == epochs && ck.header.imageInEpoch == 0 {
            log("\(path) has already completed \(epochs) epoch(s): nothing to do (ask for more epochs to continue training)")
            return nil
        }
        return ck
    }

    /// Once the checkpoint's state is restored: metrics.csv keeps the rows of the epochs it has
    /// completed, and the resume is said and recorded in run.json.
    static func continueRun(_ options: TrainOptions, from ck: Checkpoint, checkpoint path: String, metrics: String, epochs: Int,
                            log: (String) -> Void) throws {
        try truncateMetrics(metrics, toEpochs: ck.header.epoch)
        log("resuming \(path): epoch \(ck.header.epoch + 1), image \(ck.header.imageInEpoch)")
        try appendResumeRecord(options, epoch: ck.header.epoch, imageInEpoch: ck.header.imageInEpoch, epochs: epochs)
    }

    /// A resumed run may change the epoch count or the learning-rate settings (--set): run.json keeps
    /// one record per resume under "resumes", so the whole run can still be replayed.
    static func appendResumeRecord(_ options: TrainOptions, epoch: Int, imageInEpoch: Int, epochs: Int) throws {
        var record = RunRecord.read(in: options.outDirectory)
        var resumes = record["resumes"] as? [[String: Any]] ?? []
        resumes.append([
            "from_epoch": epoch,
            "from_image": imageInEpoch,
            "epochs": epochs,
            "netlist": options.netlist,
            "netlist_sha": fileFingerprint(options.netlist),
            "overrides": options.overrides,
        ].merging(RunRecord.invocation(version: options.version)) { $1 })
        record["resumes"] = resumes
        try RunRecord.write(record, in: options.outDirectory)
    }

    /// FNV-1a of a file's bytes (of nothing when it cannot be read), as hex.
    static func fileFingerprint(_ path: String) -> String {
        var f = Fingerprint()
        if let d = FileManager.default.contents(atPath: path) { f.add(d) }
        return f.hex
    }
}
