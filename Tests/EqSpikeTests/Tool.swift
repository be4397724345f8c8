import XCTest
import Foundation

/// The `eqspike` executable built beside the test bundle, run as a user would run it.
enum Tool {
    static var path: String? {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("eqspike").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func require() throws -> String {
        guard let p = path else { throw XCTSkip("eqspike executable not found beside the test bundle (run `swift build` first)") }
        return p
    }

    struct Outcome {
        var status: Int32
        /// True when the process ended by a signal (a trap, or our own kill).
        var signalled: Bool
        var stderr: String
    }

    /// Runs the tool to completion (killed after `timeout` seconds, which counts as a failure).
    @discardableResult
    static func run(_ args: [String], timeout: Double = 120) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try require())
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: Repo.root)
        // stderr goes to a file: a pipe could fill up and block the tool.
        let errPath = NSTemporaryDirectory() + "eqspike-tool-stderr-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL); XCTFail("eqspike \(args.joined(separator: " ")) did not finish in \(timeout) s") }
        p.waitUntilExit()
        let collected = FileManager.default.contents(atPath: errPath) ?? Data()
        return Outcome(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
                       stderr: String(decoding: collected, as: UTF8.self))
    }

    /// Starts the tool and SIGKILLs it after `seconds` (if still running). Returns whether it had
    /// already finished by itself, and its exit status then.
    static func runKilled(_ args: [String], after seconds: Double) throws -> (finished: Bool, status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try require())
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: Repo.root)
        // stderr to a file (a pipe could fill and stall the run), read when it ends.
        let errPath = NSTemporaryDirectory() + "eqspike-killed-\(UUID().uuidString).err"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let errFile = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer { try? errFile.close(); try? FileManager.default.removeItem(atPath: errPath) }
        p.standardError = errFile
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(2_000) }
        let finished = !p.isRunning
        if !finished { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        let collected = FileManager.default.contents(atPath: errPath) ?? Data()
        return (finished, finished ? p.terminationStatus : -1, String(decoding: collected, as: UTF8.self))
    }

    /// Runs the tool to completion and returns its exit status and standard output (stderr is
    /// dropped), from `directory` (default: the repository).
    static func output(_ args: [String], in directory: String = Repo.root) throws -> (status: Int32, stdout: Data) {
        try capture(try require(), args, in: directory)
    }

    /// Runs any program to completion: its exit status and standard output.
    static func capture(_ executable: String, _ args: [String], in directory: String = Repo.root) throws -> (status: Int32, stdout: Data) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, data)
    }
}
