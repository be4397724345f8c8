import XCTest
import Foundation
import Datasets
@testable import EqSpike

/// Nothing reachable from the command line may trap: randomised arguments and randomised (but
/// validly checksummed) checkpoint headers must end with a clean exit status, 0, 1 or 2.
final class CLIFuzzTests: XCTestCase {
    static let tiny = "hw-configs/eqspike-tiny.net"

    /// Values that have broken parsers and ranges before: negatives, zero, huge, non-numbers.
    static let numbers = ["-1", "0", "1", "2", "3", "x", "", "1e9", "99999999999999999999", "-9223372036854775808", "0x10", "1.5", "nan"]

    func pick<T>(_ xs: [T], _ rng: inout SeededGenerator) -> T { xs[Int(rng.next() % UInt64(xs.count))] }

    /// The options each command takes (a few draws use an option it does not take).
    static let accepted: [String: [String]] = [
        "train": ["--epochs", "--train-limit", "--test-limit", "--seed", "--out", "--resume", "--force", "--jobs", "--set", "--data"],
        "eval": ["--weights", "--data", "--test-limit", "--jobs", "--set", "--energy-pj", "--json"],
        "simulate": ["--data", "--weights", "--images", "--signals", "--from", "--to", "--set", "--seed", "--learn"],
        "export": ["--weights", "--out", "--set"],
        "check": ["--set", "--json"],
        "compare": ["--data", "--weights", "--images", "--clocks", "--signals", "--set", "--seed"],
    ]

    /// Arguments for one run of a command, short enough that a valid combination finishes quickly.
    func arguments(_ rng: inout SeededGenerator, checkpoint: String, out: String) -> [String] {
        let command = pick(["train", "eval", "simulate", "export", "check", "compare", "train", "eval"], &rng)
        var args = [command, pick([Self.tiny, Self.tiny, Self.tiny, Self.tiny, Self.tiny, "no-such.net", "hw-configs", "/dev/null"], &rng)]
        let sets = ["H=3", "H=0", "H=-2", "T_free=0", "T_free=5", "beta=nan", "beta=1e308", "weight=s3.13", "weight=s0.0",
                    "eta=-1", "seed=4294967296", "tau=0", "nosuch=1", "w1.rounding=odd", "=", "f_max=0", "T_nudge=1",
                    "weight=s1.7", "N_filt=0", "readout_from=-1", "gamma_li=2"]
        let n = Self.numbers
        let values: [String: [String]] = [
            "--epochs": n, "--train-limit": n, "--test-limit": n, "--jobs": n, "--seed": n, "--images": n, "--from": n,
            "--to": n, "--clocks": n, "--energy-pj": n, "--set": sets,
            "--weights": [checkpoint, checkpoint, checkpoint, "/dev/null", "nope.bin", Self.tiny],
            "--data": [Repo.subset, Repo.subset, Repo.subset, "/nonexistent", "hw-configs"],
            "--out": [out, out, out, "/proc/x", "", "/dev/null", Self.tiny],
            "--signals": ["*.spike", "h.u[0:99]", "h.u[7:0]", "nosuch", "", "*", "h.u[-1]"],
            "--resume": [], "--force": [], "--json": [], "--learn": [], "--bogus": ["1"],
        ]
        for _ in 0..<Int(rng.next() % 5) {
            let name = rng.next() % 10 == 0 ? "--bogus" : pick(Self.accepted[command]!, &rng)
            args.append(name)
            if let v = values[name], !v.isEmpty { args.append(pick(v, &rng)) }
        }
        // Keep valid runs short: small data and few images unless the draw overrode them.
        let takes = Set(Self.accepted[command]!)
        if takes.contains("--data") && !args.contains("--data") { args += ["--data", Repo.subset] }
        if command == "train" && !args.contains("--epochs") { args += ["--epochs", "1"] }
        if command == "train" && !args.contains("--train-limit") { args += ["--train-limit", "20"] }
        if takes.contains("--test-limit") && !args.contains("--test-limit") { args += ["--test-limit", "10"] }
        if (command == "simulate" || command == "compare") && !args.contains("--images") { args += ["--images", "1"] }
        if command == "simulate" { args += ["--vcd", out + "/x.vcd"] }
        if command == "eval" && !args.contains("--weights") { args += ["--weights", checkpoint] }
        if command == "export" && !args.contains("--weights") { args += ["--weights", checkpoint] }
        if command == "export" && !args.contains("--out") { args += ["--out", out + "/hex"] }
        if command == "train" && !args.contains("--out") { args += ["--out", out + "/run"] }
        return args
    }

    /// A checkpoint of the tiny design with some header fields replaced; the checksum is valid.
    func forgedCheckpoint(_ base: Checkpoint, _ rng: inout SeededGenerator, path: String) throws {
        var h = base.header
        let ints = [-1, 0, 1, 3, 40, 1_000_000, 1_000_000_000, Int.max, Int.min]
        switch rng.next() % 8 {
        case 0: h.epoch = pick(ints, &rng)
        case 1: h.imageInEpoch = pick(ints, &rng)
        case 2: h.run = RunIdentity(trainImages: pick(ints, &rng), trainData: "x")
        case 3:
            var t = EpochTally(classes: 4, firstSpikeDeadline: 20)
            t.images = pick(ints, &rng)
            t.correct = pick(ints, &rng)
            h.partial = t
            h.imageInEpoch = pick(ints, &rng)
        case 4: h.seed = rng.next()
        case 5: h.fingerprint = "0000000000000000"
        default: break   // the checkpoint as it was: the commands' valid paths run too
        }
        try Checkpoint(header: h, entries: base.entries).write(to: path)
    }

    func testRandomisedArgumentsAndCheckpointHeadersNeverTrap() throws {
        _ = try Tool.require()
        let dir = Repo.temporaryDirectory("fuzz")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // A real checkpoint of the tiny design to forge from.
        let seedRun = dir + "/seed-run"
        let made = try Tool.run(["train", Self.tiny, "--data", Repo.subset, "--epochs", "1", "--train-limit", "20",
                                 "--test-limit", "5", "--out", seedRun])
        XCTAssertEqual(made.status, 0, made.stderr)
        let base = try Checkpoint.read(from: seedRun + "/checkpoint.bin")
        var rng = SeededGenerator(seed: UInt64(ProcessInfo.processInfo.environment["EQSPIKE_FUZZ_SEED"].flatMap { UInt64($0) } ?? 13))
        let runs = Int(ProcessInfo.processInfo.environment["EQSPIKE_FUZZ_RUNS"] ?? "") ?? 60
        for k in 0..<runs {
            let out = dir + "/case\(k)"
            try? FileManager.default.removeItem(atPath: out)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let ck = out + "/forged.bin"
            try forgedCheckpoint(base, &rng, path: ck)
            var args = arguments(&rng, checkpoint: ck, out: out)
            // Half of the training runs resume from a forged checkpoint in their run directory.
            if args[0] == "train" && rng.next() % 2 == 0, let o = args.firstIndex(of: "--out"), o + 1 < args.count {
                try? FileManager.default.createDirectory(atPath: args[o + 1], withIntermediateDirectories: true)
                try? FileManager.default.copyItem(atPath: ck, toPath: args[o + 1] + "/checkpoint.bin")
                try? (EpochMetrics.csvHeader + "\n").write(toFile: args[o + 1] + "/metrics.csv", atomically: true, encoding: .utf8)
                if !args.contains("--resume") { args.append("--resume") }
            }
            let r = try Tool.run(args, timeout: 60)
            if ProcessInfo.processInfo.environment["EQSPIKE_FUZZ_LOG"] != nil { print("FUZZ \(r.status) \(args.joined(separator: " ")) :: \(r.stderr.split(separator: "\n").last ?? "")") }
            XCTAssertFalse(r.signalled, "eqspike \(args.joined(separator: " ")) died of a signal: \(r.stderr.suffix(400))")
            XCTAssertTrue([0, 1, 2].contains(r.status), "eqspike \(args.joined(separator: " ")) exited \(r.status): \(r.stderr.suffix(400))")
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Error Domain="),
                           "eqspike \(args.joined(separator: " ")): \(r.stderr.suffix(400))")
        }
    }
}
