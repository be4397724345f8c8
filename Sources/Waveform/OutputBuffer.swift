#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte buffer in front of a C `FILE*`: callers append ASCII into one large chunk, which goes to
/// the file with a single `fwrite` when it fills up (never per line). The hot appends do no
/// allocation, no bounds check beyond one capacity test per record, and no `String` work.
///
/// Write errors do not trap in the hot path: the first one is remembered and reported by `close()`.
final class OutputBuffer: TextOutputStream {
    let path: String
    private var file: UnsafeMutablePointer<FILE>?
    private let ownsFile: Bool
    let capacity: Int
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    /// Bytes handed to the file so far (plus what is still buffered: see `total`).
    private(set) var flushed = 0
    private(set) var error: WaveformError?

    /// Opens (truncates) `path` for writing. `"-"` writes to standard output.
    init(path: String, capacity: Int = 1 << 20) throws(WaveformError) {
        self.path = path
        if path == "-" {
            guard let f = fdopen(STDOUT_FILENO, "wb") else { throw .io(path, String(cString: strerror(errno))) }
            file = f
            ownsFile = false
        } else {
            guard !path.isEmpty else { throw .io(path, "an empty file name") }
            guard let f = fopen(path, "wb") else { throw .io(path, OutputBuffer.reason(errno)) }
            file = f
            ownsFile = true
        }
        self.capacity = max(capacity, 4096)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        try? close()
        base.deallocate()
    }

    var total: Int { flushed + count }
    var isOpen: Bool { file != nil }

    /// Makes room for `n` more bytes (`n` must not exceed the capacity).
    @inline(__always)
    func reserve(_ n: Int) {
        if count &+ n > capacity { flush() }
    }

    /// Where the next byte goes (after `reserve`); hot writers fill bytes through it, then `advance`.
    @inline(__always)
    var cursor: UnsafeMutablePointer<UInt8> { base + count }

    @inline(__always)
    func advance(to end: UnsafeMutablePointer<UInt8>) { count = end - base }

    @inline(__always)
    func put(_ b: UInt8) {
        base[count] = b
        count &+= 1
    }

    /// Appends bytes; flushes first when needed, and writes oversized pieces straight through.
    func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count > capacity - count { flush() }
        if bytes.count > capacity {
            writeThrough(bytes)
            return
        }
        (base + count).update(from: bytes.baseAddress!, count: bytes.count)
        count += bytes.count
    }

    func put(_ s: String) {
        var s = s
        s.withUTF8 { put($0) }
    }

    /// Decimal digits of a non-negative integer (caller reserved 20 bytes).
    @inline(__always)
    func putDecimal(_ value: Int) {
        var v = UInt(bitPattern: value)
        if value < 0 { put(UInt8(ascii: "-")); v = UInt(bitPattern: -value) }
        var digits = 1
        var probe = v
        while probe >= 10 { probe /= 10; digits &+= 1 }
        var p = base + count + digits
        repeat {
            p -= 1
            p.pointee = UInt8(truncatingIfNeeded: 48 &+ v % 10)
            v /= 10
        } while v != 0
        count &+= digits
    }

    // TextOutputStream: `Double.write(to:)` formats into a stack buffer and calls `_writeASCII`,
    // so writing a real value allocates nothing.
    func write(_ string: String) { put(string) }
    func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { put(buffer) }

    /// Hands the buffered bytes to the file.
    func flush() {
        guard count > 0 else { return }
        writeThrough(UnsafeBufferPointer(start: base, count: count))
        count = 0
    }

    private func writeThrough(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let f = file, !bytes.isEmpty else { return }
        let n = fwrite(bytes.baseAddress!, 1, bytes.count, f)
        if n != bytes.count && error == nil { error = .io(path, OutputBuffer.reason(errno)) }
        flushed += bytes.count
    }

    /// Flushes and closes the file (standard output is flushed, not closed). Idempotent.
    /// Closes the file and removes it: for output that must not be left half-made.
    func discard() {
        if let f = file, ownsFile {
            fclose(f)
            unlink(path)
        }
        file = nil
        count = 0
    }

    /// errno as the tail of "cannot write PATH: ...", e.g. "is a directory".
    static func reason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    func close() throws(WaveformError) {
        if let f = file {
            flush()
            if !ownsFile {
                fflush(f)
            } else if fclose(f) != 0 && error == nil {
                error = .io(path, OutputBuffer.reason(errno))
            }
            file = nil
        }
        if let e = error { throw e }
    }
}
