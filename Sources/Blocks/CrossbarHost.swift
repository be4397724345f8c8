import FixedPoint
import HDL

// Host side of the crossbar (not per clock): netlist type, memory load/read, persistent state.
extension Crossbar {
    public static let blockType = BlockType(
        name: "crossbar",
        doc: "rows x cols weight SRAM: a spike on row i reads row i into col_current, a spike on column j reads column j into row_current (bidirectional synapse); learn=1 adds rounded delta vectors to the spiking rows/columns at the edge (immediate) or into a shadow array committed on apply (deferred); rank1 (row update only) counts row spikes and accumulates row_delta per column, committing W += n*A/T on apply. Read-before-write.",
        parameters: [
            ParameterSpec("rows", .int(1...100_000), doc: "number of rows (presynaptic side: row_spike, col_delta, row_current lanes)"),
            ParameterSpec("cols", .int(1...100_000), doc: "number of columns (postsynaptic side: col_spike, row_delta, col_current lanes)"),
            ParameterSpec("weight", .format, default: .format(QFormat(signed: true, intBits: 1, fracBits: 15)), doc: "format of a stored weight"),
            ParameterSpec("current", .format, default: .format(QFormat(signed: true, intBits: 6, fracBits: 15)), doc: "format of col_current and row_current (sums are saturated to it)"),
            ParameterSpec("delta", .format, default: .format(QFormat(signed: true, intBits: 1, fracBits: 23)), doc: "format of row_delta / col_delta and of the shadow array"),
            .rounding("rounding", default: .nearest, doc: "delta -> weight LSB rounding of updates"),
            .overflow("overflow", default: .saturate, doc: "what a weight update does past the weight range"),
            ParameterSpec("read_rounding", .choice(["truncate", "nearest", "nearestEven"]), default: .word("nearest"),
                          doc: "rounding of a read sum when current has fewer fraction bits than weight"),
            ParameterSpec("update", .choice(UpdateMode.allCases.map(\.rawValue)), default: .word("immediate"),
                          doc: "immediate: write the weights at the edge; deferred: accumulate in a shadow array, commit on apply; rank1: row update only, per-row spike counters and per-column accumulators, W += rnd(n*A/T) on apply (col_delta must stay unconnected)"),
            ParameterSpec("rank1_bits", .int(Crossbar.rank1BitRange), default: .int(Crossbar.defaultRank1Bits),
                          doc: "width of the rank-1 row spike counters and of its learning-clock counter (unsigned, saturating)"),
            MemCtl.seedSpec(doc: "seed of the 16 LFSR32 streams of stochastic rounding"),
            ParameterSpec("port_words", .int(Crossbar.portWordRange), default: .int(Crossbar.defaultPortWords),
                          doc: "words of a row or column one SRAM access reads or writes (the port width of the transposable SRAM); sets the system cycles a tick takes, not the results"),
        ],
        interface: { p throws(ParameterError) in
            let rows = p.int("rows"), cols = p.int("cols")
            guard rows * cols <= 1 << 28 else {
                throw ParameterError(parameter: "cols", message: "rows x cols = \(rows * cols) words exceeds the model's limit of 268435456 (1 GiB of weights)")
            }
            let weight = p.format("weight"), delta = p.format("delta")
            let rounding = p.rounding("rounding"), update = UpdateMode(rawValue: p.word("update"))!
            try MemCtl.checkStochastic(rounding, weight: weight, delta: delta, rank1: update == .rank1)
            return Crossbar.interface(rows: rows, cols: cols, weight: weight, current: p.format("current"), delta: delta,
                                      rounding: rounding, update: update, rank1Bits: p.int("rank1_bits"))
        },
        wiringRules: { p, connected in
            // Rank-1 mode has no column update: a connected `col_delta` is refused.
            guard p.word("update") == UpdateMode.rank1.rawValue, connected("col_delta") else { return [] }
            return [("col_delta", Crossbar.rank1ColumnUpdateMessage)]
        },
        cycleModel: { (name, p) throws(ParameterError) -> Block in
            Crossbar(name: name, rows: p.int("rows"), cols: p.int("cols"), weight: p.format("weight"), current: p.format("current"),
                     delta: p.format("delta"), rounding: p.rounding("rounding"), overflow: p.overflow("overflow"),
                     readRounding: p.rounding("read_rounding"), update: UpdateMode(rawValue: p.word("update"))!,
                     seed: UInt32(p.int("seed")), rank1Bits: p.int("rank1_bits"), portWords: p.int("port_words"))
        })

    // MARK: Memory access

    /// Loads raw weights (row-major, rows * cols values, each within the weight format).
    public func load(weights raw: [Int32]) throws(MemoryLoadError) {
        try MemCtl.checkRaw(raw, count: rows * cols, format: weightFormat, what: "weights", block: name)
        raw.withUnsafeBufferPointer { w.update(from: $0.baseAddress!, count: rows * cols) }
    }

    /// Loads real weights (row-major), quantised with `rounding` (stochastic: a host-side LFSR32
    /// seeded from `seed`), saturating. Returns the number of values that saturated.
    @discardableResult
    public func load(weights values: [Double], rounding: Rounding = .nearest, seed: UInt32 = 1) throws(MemoryLoadError) -> Int {
        guard values.count == rows * cols else {
            throw MemoryLoadError(block: name, message: "weights needs \(rows * cols) values, got \(values.count)")
        }
        let (raw, sat) = try MemCtl.quantizeAll(values, to: weightFormat, rounding: rounding, seed: seed, block: name)
        try load(weights: raw)
        return sat
    }

    /// All raw weights, row-major.
    public var weights: [Int32] { Array(UnsafeBufferPointer(start: w, count: rows * cols)) }

    /// All weights as reals, row-major.
    public var realWeights: [Double] { weights.map { weightFormat.toDouble(Int64($0)) } }

    public func weight(_ i: Int, _ j: Int) -> Int32 {
        precondition(i >= 0 && i < rows && j >= 0 && j < cols, "weight (\(i), \(j)) outside \(rows) x \(cols)")
        return w[i * cols + j]
    }

    public func realWeight(_ i: Int, _ j: Int) -> Double { weightFormat.toDouble(Int64(weight(i, j))) }

    /// Direct access to the weight memory (row-major), for fast host-side initialisation or export.
    /// The body must keep every value within the weight format.
    public func withUnsafeMutableWeights<R>(_ body: (UnsafeMutableBufferPointer<Int32>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: w, count: rows * cols))
    }

    /// The shadow array (deferred mode; empty in immediate mode), row-major, delta format.
    public var shadowValues: [Int32] {
        guard let s = shadow else { return [] }
        return Array(UnsafeBufferPointer(start: s, count: rows * cols))
    }

    /// Clears the shadow array (and its dirty bits), or the rank-1 counters and accumulators,
    /// without committing them.
    public func clearShadow() {
        shadow?.update(repeating: 0, count: rows * cols)
        dirty?.update(repeating: 0, count: rows)
        allDirty = false
        if rank1 {
            rowCounts.update(repeating: 0, count: rows)
            colAcc.update(repeating: 0, count: cols)
            learnClocks = 0
        }
    }

    /// Rank-1 mode's pending state (empty arrays and 0 in the other modes): the spike count of
    /// each row, the accumulator of each column (raw, delta format), the learning-clock count.
    public var rank1State: (rowCounts: [Int32], accumulators: [Int32], clocks: Int32) {
        guard rank1 else { return ([], [], 0) }
        return (Array(UnsafeBufferPointer(start: rowCounts, count: rows)), Array(UnsafeBufferPointer(start: colAcc, count: cols)), learnClocks)
    }

    /// The dirty bit of each row (deferred mode; empty in immediate mode).
    public var dirtyRows: [Int32] {
        guard let d = dirty else { return [] }
        return (0..<rows).map { allDirty || d[$0] != 0 ? 1 : 0 }
    }

    /// Re-seeds the stochastic-rounding streams as at construction with `seed`.
    public func reseed(_ seed: UInt32) { bank = Crossbar.seededBank(seed) }

    /// The 16 stream states (for checkpoints and tests).
    public var randomState: [UInt32] { (0..<Crossbar.randomStreams).map { bank[$0] } }

    // MARK: Persistent state (checkpoints)

    var persistentEntries: [(name: String, values: [Int32])] {
        var out: [(name: String, values: [Int32])] = [("weights", weights)]
        if shadow != nil {
            out.append(("shadow", shadowValues))
            out.append(("dirty", dirtyRows))
        }
        if rank1 {
            let r = rank1State
            out.append(("row_counts", r.rowCounts))
            out.append(("col_accumulators", r.accumulators))
            out.append(("clock_count", [r.clocks]))
        }
        out.append(("lfsr", randomState.map { Int32(bitPattern: $0) }))
        return out
    }

    func restoreEntry(name: String, values: [Int32]) throws(HDLError) {
        do throws(MemoryLoadError) {
            switch name {
            case "weights":
                try load(weights: values)
                return
            case "shadow" where shadow != nil:
                try MemCtl.checkRaw(values, count: rows * cols, format: deltaFormat, what: "shadow", block: self.name)
                values.withUnsafeBufferPointer { shadow!.update(from: $0.baseAddress!, count: rows * cols) }
                return
            case "dirty" where dirty != nil:
                guard values.count == rows, values.allSatisfy({ $0 == 0 || $0 == 1 }) else {
                    throw MemoryLoadError(block: self.name, message: "dirty needs \(rows) values of 0 or 1")
                }
                for r in 0..<rows { dirty![r] = UInt8(values[r]) }
                allDirty = false
                return
            case "row_counts" where rank1:
                try MemCtl.checkRaw(values, count: rows, format: rank1CountFormat, what: "row_counts", block: self.name)
                values.withUnsafeBufferPointer { rowCounts.update(from: $0.baseAddress!, count: rows) }
                return
            case "col_accumulators" where rank1:
                try MemCtl.checkRaw(values, count: cols, format: deltaFormat, what: "col_accumulators", block: self.name)
                values.withUnsafeBufferPointer { colAcc.update(from: $0.baseAddress!, count: cols) }
                return
            case "clock_count" where rank1:
                try MemCtl.checkRaw(values, count: 1, format: rank1CountFormat, what: "clock_count", block: self.name)
                learnClocks = values[0]
                return
            case "lfsr":
                guard values.count == Crossbar.randomStreams, !values.contains(0) else {
                    throw MemoryLoadError(block: self.name, message: "lfsr needs \(Crossbar.randomStreams) non-zero states")
                }
                for k in 0..<Crossbar.randomStreams { bank[k] = UInt32(bitPattern: values[k]) }
                return
            default:
                break
            }
        } catch {
            throw .connection(error.description)
        }
        throw .connection("block \(self.name) has no persistent state named '\(name)'")
    }
}
