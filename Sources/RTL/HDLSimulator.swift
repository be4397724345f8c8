import Foundation

/// Runs an HDL simulator on the RTL and its test bench: Icarus Verilog (4-state, `iverilog` +
/// `vvp`) or Verilator (2-state, compiled to C++: `verilator --binary`, which needs g++ and make).
public enum HDLSimulator: String, Sendable, CaseIterable {
    case icarus, verilator

    /// The executables it needs and the Debian package of each.
    public var tools: [(tool: String, package: String)] {
        switch self {
        case .icarus: return [("iverilog", "iverilog"), ("vvp", "iverilog")]
        case .verilator: return [("verilator", "verilator"), ("g++", "g++"), ("make", "make")]
        }
    }

    /// nil when every tool is on PATH; otherwise what to install.
    public var missing: String? {
        let absent = tools.filter { HDLSimulator.which($0.tool) == nil }
        if absent.isEmpty { return nil }
        let pkgs = Array(Set(absent.map(\.package))).sorted().joined(separator: " ")
        return "\(absent.map(\.tool).joined(separator: ", ")) not found on PATH (Debian: apt-get install \(pkgs))"
    }

    public static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Compiles `sources` (paths relative to `directory`) with `top` as the root. Returns seconds.
    /// `trace`: the test bench dumps a VCD (Verilator needs `--trace` for `$dumpvars`).
    /// `cOptimization`: the C++ optimisation level of Verilator's model (`-O0` builds a 784-lane
    /// design several times faster and runs it slower); nil keeps Verilator's own.
    public func build(in directory: String, sources: [String], top: String, trace: Bool = false,
                      cOptimization: String? = nil) throws -> Double {
        if let m = missing { throw Failure(description: "\(rawValue): \(m)") }
        let args: [String]
        switch self {
        case .icarus:
            args = ["iverilog", "-g2005", "-o", "cosim.vvp", "-s", top] + sources
        case .verilator:
            // --binary: --main --exe --build --timing. The emitted RTL lints clean; the test
            // bench's delays and $fwrite loops draw style warnings, which are not errors here.
            args = ["verilator", "--binary", "-j", "2", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--top-module", top,
                    "-Mdir", "obj_dir", "-o", "cosim"] + (trace ? ["--trace"] : [])
                + (cOptimization.map { ["-MAKEFLAGS", "OPT_FAST=\($0) OPT_SLOW=\($0) OPT_GLOBAL=\($0)"] } ?? []) + sources
        }
        return try HDLSimulator.execute(args, in: directory, log: "build.log")
    }

    /// Runs the compiled simulation in `directory`. Returns seconds.
    public func run(in directory: String) throws -> Double {
        switch self {
        case .icarus: return try HDLSimulator.execute(["vvp", "-n", "cosim.vvp"], in: directory, log: "run.log")
        case .verilator: return try HDLSimulator.execute(["./obj_dir/cosim"], in: directory, log: "run.log")
        }
    }

    static func execute(_ args: [String], in directory: String, log: String) throws -> Double {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: args[0].hasPrefix("./") ? "\(directory)/\(args[0].dropFirst(2))" : (which(args[0]) ?? args[0]))
        p.arguments = Array(args.dropFirst())
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        let logPath = "\(directory)/\(log)"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        p.standardOutput = h
        p.standardError = h
        let start = Date()
        try p.run()
        p.waitUntilExit()
        try? h.close()
        let seconds = Date().timeIntervalSince(start)
        if p.terminationStatus != 0 {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            let tail = text.split(separator: "\n").suffix(15).joined(separator: "\n")
            throw Failure(description: "\(args[0]) failed (exit \(p.terminationStatus)) in \(directory); \(log) ends:\n\(tail)")
        }
        return seconds
    }
}
