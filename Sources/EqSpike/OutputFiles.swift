import Foundation

/// A file or directory that cannot be written: "cannot write PATH: reason", never a Foundation
/// error dump (`Error Domain=NSCocoaErrorDomain Code=516 ... UserInfo={...}`).
public struct OutputError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path.isEmpty ? "''" : path): \(reason)" }
}

/// Where the commands that write results (export, simulate, compare, sweep, report) create their
/// directories and files, so that every path problem is reported the same way, in words.
public enum OutputFiles {
    /// Creates `dir` with its parents, or accepts an existing directory.
    public static func directory(_ dir: String) throws {
        guard !dir.isEmpty else { throw OutputError(dir, "an empty directory name") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw OutputError(dir, "a file of that name exists (not a directory)") }
            return
        }
        if let blocker = fileInPath(dir) { throw OutputError(dir, "\(blocker) is a file, not a directory") }
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw OutputError(dir, FileErrors.reason(error))
        }
    }

    /// Creates the directory a file `path` goes in (nothing for a bare file name).
    public static func parentDirectory(of path: String) throws {
        guard !path.isEmpty else { throw OutputError(path, "an empty file name") }
        let parent = OutputFiles.parent(of: path)
        guard !parent.isEmpty else { return }
        do { try directory(parent) } catch let e as OutputError {
            // Name the file asked for; the reason names the directory at fault.
            throw OutputError(path, e.path == parent && e.reason.hasPrefix("a file of that name") ? "\(parent) is a file, not a directory" : e.reason)
        }
    }

    /// The directory part of `path` ("" for a bare file name, "/" for a file in the root).
    /// NSString.deletingLastPathComponent traps on a path without a slash in this Foundation
    /// (swift-corelibs, Swift 6.3), e.g. `--vcd -` or `--vcd x.vcd`.
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Writes `data` to `path` durably and atomically (`AtomicFile`: a kill leaves the old file or
    /// the new one, never a half-written one).
    public static func write(_ data: Data, to path: String) throws {
        guard !path.isEmpty else { throw OutputError(path, "an empty file name") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw OutputError(path, "a directory of that name exists")
        }
        try AtomicFile.write(data, to: path)
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// The first existing ancestor of `path` that is not a directory (Foundation calls that case
    /// "file exists", which names neither the file nor the problem).
    static func fileInPath(_ path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) else { return nil }
            if !isDirectory.boolValue { return prefix.hasPrefix("./") ? String(prefix.dropFirst(2)) : prefix }
        }
        return nil
    }
}

/// Foundation's file errors in a sentence (their descriptions are NSError dumps).
public enum FileErrors {
    public static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        switch ns.code {
        case NSFileWriteFileExistsError: return "a file of that name exists"
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or directory"
        case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "permission denied"
        case NSFileWriteOutOfSpaceError: return "no space left on the device"
        case NSFileWriteVolumeReadOnlyError: return "read-only file system"
        default: return ns.localizedDescription
        }
    }
}
