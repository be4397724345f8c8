import Foundation

/// Everything needed to continue a run bit for bit: the persistent state of every block (weights,
/// biases, LFSR states), where training stands, and which design it belongs to.
///
/// File layout (little-endian): magic `EQSPCKP1`; u32 header length; header JSON (sorted keys);
/// u32 entry count; per entry: u16 name length, UTF-8 name (`block/state`), u32 count, count x i32;
/// finally u64 FNV-1a of all preceding bytes, so truncation or corruption is detected.
/// Nothing time-dependent is stored, so the same run gives the same bytes.
public struct Checkpoint: Equatable {
    public struct Header: Codable, Equatable {
        public var design: String
        public var fingerprint: String
        /// Epochs fully completed.
        public var epoch: Int
        /// Images of the current epoch already trained (non-zero after an interrupted epoch).
        public var imageInEpoch: Int
        public var seed: UInt64
        public var version: String
        /// Statistics of a partly trained epoch, so its metrics survive an interruption.
        public var partial: EpochTally?
        /// The training data the run shuffles (nil in checkpoints written before it was recorded).
        public var run: RunIdentity?
        /// Whose state the entries are: nil for the chip (its blocks' words), "float" for the float
        /// golden model (`GoldenNetwork.persistentState`: Doubles as pairs of words), so that one
        /// is never loaded as the other.
        public var model: String?
        public init(design: String, fingerprint: String, epoch: Int, imageInEpoch: Int, seed: UInt64, version: String,
                    partial: EpochTally? = nil) {
            self.partial = partial
            self.design = design
            self.fingerprint = fingerprint
            self.epoch = epoch
            self.imageInEpoch = imageInEpoch
            self.seed = seed
            self.version = version
        }
    }

    public var header: Header
    public var entries: [(name: String, values: [Int32])]

    public init(header: Header, entries: [(name: String, values: [Int32])]) {
        self.header = header
        self.entries = entries
    }

    public static func == (a: Checkpoint, b: Checkpoint) -> Bool {
        a.header == b.header && a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.values == $1.values }
    }

    static let magic = Array("EQSPCKP1".utf8)

    public func encoded() throws -> Data {
        var out = [UInt8]()
        out += Checkpoint.magic
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let json = try enc.encode(header)
        append32(&out, UInt32(json.count))
        out += json
        append32(&out, UInt32(entries.count))
        for e in entries {
            let name = Array(e.name.utf8)
            out += [UInt8(name.count & 0xFF), UInt8(name.count >> 8)]
            out += name
            append32(&out, UInt32(e.values.count))
            out.reserveCapacity(out.count + 4 * e.values.count)
            for v in e.values { append32(&out, UInt32(bitPattern: v)) }
        }
        var f = Fingerprint()
        f.add(out)
        for i in 0..<8 { out.append(UInt8((f.value >> (8 * UInt64(i))) & 0xFF)) }
        return Data(out)
    }

    /// Replaces `path` atomically: a kill at any moment leaves the old or the new checkpoint.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }

    public static func read(from path: String) throws(CheckpointError) -> Checkpoint {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path, "no such file or not readable") }
        return try decode([UInt8](data), path: path)
    }

    public static func decode(_ b: [UInt8], path: String) throws(CheckpointError) -> Checkpoint {
        guard b.count >= 8 + 4 + 4 + 8, Array(b[0..<8]) == magic else { throw .unreadable(path, "not an EqSpikeHW checkpoint (bad magic)") }
        var f = Fingerprint()
        f.add(b[0..<(b.count - 8)])
        var stored: UInt64 = 0
        for i in 0..<8 { stored |= UInt64(b[b.count - 8 + i]) << (8 * UInt64(i)) }
        guard stored == f.value else { throw .unreadable(path, "checksum mismatch: the file is truncated or corrupt") }
        var pos = 8
        func u32() throws(CheckpointError) -> Int {
            guard pos + 4 <= b.count - 8 else { throw .unreadable(path, "truncated") }
            let v = UInt32(b[pos]) | UInt32(b[pos + 1]) << 8 | UInt32(b[pos + 2]) << 16 | UInt32(b[pos + 3]) << 24
            pos += 4
            return Int(v)
        }
        let hlen = try u32()
        guard pos + hlen <= b.count - 8 else { throw .unreadable(path, "truncated header") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(b[pos..<(pos + hlen)])) } catch {
            throw .unreadable(path, "bad header: \(error)")
        }
        pos += hlen
        if let problem = header.problem { throw .unreadable(path, "bad header: \(problem)") }
        let n = try u32()
        var entries: [(String, [Int32])] = []
        for _ in 0..<n {
            guard pos + 2 <= b.count - 8 else { throw .unreadable(path, "truncated entry") }
            let nl = Int(b[pos]) | Int(b[pos + 1]) << 8
            pos += 2
            guard pos + nl <= b.count - 8 else { throw .unreadable(path, "truncated entry name") }
            let name = String(decoding: b[pos..<(pos + nl)], as: UTF8.self)
            pos += nl
            let count = try u32()
            guard count <= (b.count - 8 - pos) / 4 else { throw .unreadable(path, "truncated entry \(name)") }
            var values = [Int32](repeating: 0, count: count)
            for i in 0..<count {
                values[i] = Int32(bitPattern: UInt32(b[pos]) | UInt32(b[pos + 1]) << 8 | UInt32(b[pos + 2]) << 16 | UInt32(b[pos + 3]) << 24)
                pos += 4
            }
            entries.append((name, values))
        }
        guard pos == b.count - 8 else { throw .unreadable(path, "trailing bytes after the last entry") }
        return Checkpoint(header: header, entries: entries)
    }
}

extension Checkpoint.Header {
    /// Largest epoch count a run may have (`train --epochs` accepts up to this).
    static let maxEpochs = 100_000

    /// What is impossible in this header, or nil: a checkpoint is input, and a forged one with a
    /// valid checksum must be refused, not trusted.
    var problem: String? {
        guard (0...Checkpoint.Header.maxEpochs).contains(epoch) else { return "epoch \(epoch) is outside 0...\(Checkpoint.Header.maxEpochs)" }
        guard imageInEpoch >= 0 else { return "imageInEpoch \(imageInEpoch) is negative" }
        if let m = model, m != "float" { return "model '\(m)' is not one a checkpoint can hold (the chip's or 'float')" }
        if let r = run {
            guard r.trainImages > 0 else { return "run.trainImages \(r.trainImages) is not positive" }
            guard imageInEpoch <= r.trainImages else { return "imageInEpoch \(imageInEpoch) is beyond the run's \(r.trainImages) training images" }
        }
        if let p = partial {
            guard imageInEpoch > 0 else { return "a partial epoch at image 0" }
            if let problem = p.problem { return "partial: \(problem)" }
            guard p.images == imageInEpoch else { return "partial counts \(p.images) images but imageInEpoch is \(imageInEpoch)" }
        }
        return nil
    }
}

public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case unreadable(String, String)
    case wrongDesign(String, String)

    public var description: String {
        switch self {
        case .unreadable(let p, let m): return "\(p): \(m)"
        case .wrongDesign(let p, let m): return "\(p): \(m)"
        }
    }
}

private func append32(_ out: inout [UInt8], _ v: UInt32) {
    out += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
}
