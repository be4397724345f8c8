import Foundation

/// Durable file writes. Replacing a file so that a kill at any moment leaves either the old or the
/// new file whole: write a temporary file beside it, flush it to disk, rename it over the old one
/// (rename replaces atomically), flush the directory. The old file is never removed first.
/// Appending flushes too, so a line is on disk before whatever is written after it.
/// Errors are `OutputError`s: "cannot write PATH: reason".
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let tmp = path + ".partial"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw OutputError(path, String(cString: strerror(errno))) }
        let failure = writeAll(data, to: fd)
        close(fd)
        if let f = failure {
            unlink(tmp)
            throw OutputError(path, f)
        }
        guard rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw OutputError(path, "cannot replace it: \(reason)")
        }
        let dir = OutputFiles.parent(of: path)
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    /// Appends `data` to the existing file `path` and flushes it to disk.
    public static func append(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND)
        guard fd >= 0 else { throw OutputError(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        if let f = writeAll(data, to: fd) { throw OutputError(path, f) }
    }

    /// Writes every byte and fsyncs; the reason on failure.
    private static func writeAll(_ data: Data, to fd: Int32) -> String? {
        let failure: String? = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n <= 0 { return String(cString: strerror(errno)) }
                done += n
            }
            return nil
        }
        if let f = failure { return f }
        return fsync(fd) == 0 ? nil : String(cString: strerror(errno))
    }
}
