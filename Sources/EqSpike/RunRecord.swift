import Foundation

/// run.json: what is needed to replay a run, whatever the model (`fixed`: the chip's Trainer,
/// `float`: GoldenTrainer, `rate`: the C-EP reference). Every model records the same common fields
/// here, in one place, so `eqspike report` reads them the same way; each adds its own (the chip its
/// design fingerprint and training-data identity, the float model its golden config, ...).
public enum RunRecord {
    /// The fields every new run records: what was trained (netlist, overrides, seed, epochs,
    /// limits) and how it was started.
    public static func common(_ options: TrainOptions, seed: UInt64, epochs: Int) -> [String: Any] {
        var record: [String: Any] = [
            "netlist": options.netlist,
            "overrides": options.overrides,
            "seed": seed,
            "epochs": epochs,
            "train_limit": options.trainLimit as Any? ?? NSNull(),
            "test_limit": options.testLimit as Any? ?? NSNull(),
        ].merging(invocation(version: options.version)) { $1 }
        // Only runs that hold images out say so: the records of other runs stay as they were.
        if let n = options.validation { record["validation"] = n }
        return record
    }

    /// Who started it and when: in a run's record and in each of its resume records.
    public static func invocation(version: String) -> [String: Any] {
        [
            "version": version,
            "command": commandLine(),
            "started": ISO8601DateFormatter().string(from: Date()),
        ]
    }

    /// This invocation as a shell takes it back (arguments with spaces or quotes quoted), so a
    /// recorded command can be pasted to replay it. `program` replaces argv[0] when given.
    public static func commandLine(program: String? = nil) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        var args = CommandLine.arguments
        if let p = program, !args.isEmpty { args[0] = p }
        return args.map { a in
            !a.isEmpty && a.allSatisfy({ safe.contains($0) }) ? a : "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    /// The record in `directory`, or an empty one when there is none or it is not a JSON object.
    public static func read(in directory: String) -> [String: Any] {
        guard let d = FileManager.default.contents(atPath: path(in: directory)),
              let object = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return [:] }
        return object
    }

    /// Writes `record` as run.json in `directory`, atomically (`AtomicFile`): a kill leaves the old
    /// record or the new one, never half of one.
    public static func write(_ record: [String: Any], in directory: String) throws {
        let data = try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data, to: path(in: directory))
    }

    public static func path(in directory: String) -> String { directory + "/run.json" }
}
