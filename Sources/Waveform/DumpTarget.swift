import Foundation

/// Where a waveform goes, by the file name a user gives (`--vcd FILE`): `.vcd` is plain VCD,
/// `.fst` is GTKWave's compressed FST (5-7x smaller: 6.9x for an all-signals dump of 784-100-10,
/// 5.3x for the tiny design), `-` is VCD on standard
/// output. Any other name is refused rather than silently filled with VCD text.
///
/// FST is written by handing a VCD to GTKWave's own converter, `vcd2fst`: FST's block layout,
/// LZ4/zlib/FastLZ compression and hierarchy encoding are defined by GTKWave's reference writer,
/// so using that writer gives files every FST reader accepts, with no second implementation to
/// keep in step. The cost is a temporary VCD beside the target while the run is dumped.
public struct DumpTarget: Sendable {
    public enum Format: String, Sendable { case vcd, fst, standardOutput = "stdout" }

    /// The file asked for.
    public let path: String
    public let format: Format
    /// Where the VCD writer writes: `path` for VCD, a temporary file beside it for FST.
    public let vcdPath: String
    /// The GTKWave save file beside the dump (nil for standard output).
    public let saveFilePath: String?
    /// vcd2fst, found on PATH (FST only).
    let converter: String?

    public init(_ path: String) throws(WaveformError) {
        self.path = path
        if path == "-" {
            format = .standardOutput
            vcdPath = "-"
            saveFilePath = nil
            converter = nil
            return
        }
        guard !path.isEmpty else { throw .io("''", "an empty file name") }
        var info = stat()
        if stat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR { throw .io(path, "is a directory") }
            if info.st_mode & S_IFMT != S_IFREG { throw .io(path, "not a regular file (a waveform and the .gtkw save file beside it must be files)") }
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".vcd") && name.count > 4 {
            format = .vcd
            vcdPath = path
            saveFilePath = String(path.dropLast(4)) + ".gtkw"
            converter = nil
        } else if name.hasSuffix(".fst") && name.count > 4 {
            guard let tool = DumpTarget.findOnPath("vcd2fst") else {
                throw .io(path, "writing FST needs GTKWave's vcd2fst, which is not installed (Debian: apt-get install gtkwave); or write a .vcd")
            }
            format = .fst
            vcdPath = path + ".partial.vcd"
            saveFilePath = String(path.dropLast(4)) + ".gtkw"
            converter = tool
        } else {
            let ext = name.contains(".") ? "'." + name.split(separator: ".", omittingEmptySubsequences: false).dropFirst().joined(separator: ".") + "'" : "no extension"
            throw .io(path, "eqspike writes waveforms as .vcd (plain VCD), .fst (GTKWave's FST) or - (VCD on standard output); this name has \(ext)")
        }
    }

    /// Points the writer's save file at the final dump.
    public func configure(_ writer: VCDWriter) {
        if let s = saveFilePath { writer.saveFilePath = s } else { writer.saveFileOptions = nil }
        if format == .fst { writer.dumpFileForSaveFile = path }
    }

    /// After `writer.finish()`: converts the VCD to FST (FST only) and removes the temporary VCD.
    public func complete() throws(WaveformError) {
        guard format == .fst, let tool = converter else { return }
        defer { unlink(vcdPath) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = [vcdPath, path]
        let log = Pipe()
        p.standardOutput = log
        p.standardError = log
        do { try p.run() } catch { throw .io(path, "cannot run \(tool): \(error)") }
        let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0, FileManager.default.fileExists(atPath: path) else {
            throw .io(path, "vcd2fst failed (exit \(p.terminationStatus)): \(output.suffix(300))")
        }
    }

    /// Removes what a failed dump left (the temporary VCD of an FST).
    public func abandon() {
        if format == .fst { unlink(vcdPath) }
    }

    /// An installed program's path (searched on PATH), or nil: how the tool and its tests find
    /// GTKWave's converters.
    public static func findOnPath(_ tool: String) -> String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return dirs.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
