import FixedPoint
import HDL

/// `crossbar`: a rows x cols SRAM of weights with two read ports (row read, column read: the
/// bidirectional synapse) and two update ports (row update, column update), read-before-write.
///
/// Notation: `W[i][j]` raw weight (format `weight`, `fw` fraction bits), row-major at address
/// `i * cols + j`; `fd`, `fc` fraction bits of `delta` and `current`; `R = {i : row_spike[i] != 0}`
/// and `C = {j : col_spike[j] != 0}` in increasing index order (an unconnected spike input gives
/// an empty set). `learn` and `apply` read 0 when unconnected.
///
/// **Clock t, combinational (evaluate)** — reads see the weights as they were at the start of clock t:
///
///     col_current[j] = fitc( sum_{i in R} W[i][j] )        j < cols   (row read: SynOps)
///     row_current[i] = fitc( sum_{j in C} W[i][j] )        i < rows   (column read)
///
/// The sums are exact (Int32 when `n * max|W|` fits, else Int64). `fitc(S)`: if `fc >= fw`,
/// `S * 2^(fc-fw)` (exact); else `S / 2^(fw-fc)` rounded by `read_rounding` (default `nearest`:
/// floor + bit fw-fc-1 of S, i.e. ties towards +inf); then saturated to `current`, each clamped
/// lane counted in `saturations`.
///
/// **Clock edge at the end of t (commit)**, when `learn(t) = 1` (requests captured in evaluate:
/// the sets R, C and copies of the delta vectors):
///
///     1. rows first, i in R increasing:  for j < cols:  W[i][j] = fitw(W[i][j] + rnd(row_delta[j]))
///     2. then columns, j in C increasing: for i < rows: W[i][j] = fitw(W[i][j] + rnd(col_delta[i]))
///
/// (a word in a spiking row and a spiking column gets both increments, fitted after each).
/// `rnd(d)` = d re-expressed in weight LSBs: `d * 2^(fw-fd)` exact if `fd <= fw`, else
/// `floor(d / 2^s) + b`, s = fd - fw, with b from `rounding`: truncate 0; nearest bit s-1 of d;
/// nearestEven (rem > half) or (rem == half and floor odd); stochastic (rem > (r mod 2^s)), where
/// rem = d mod 2^s and r is the word's random draw. `fitw`: `overflow` = saturate clamps to the
/// weight range, wrap keeps the low `width` bits (two's complement); either event is counted.
/// An unconnected `row_delta` (`col_delta`) disables row (column) updates.
///
/// Deferred mode (`update = deferred`): steps 1-2 instead add the raw delta to a shadow array
/// `S[i][j]` in the `delta` format, saturating (`S = clamp(S + d)`, no rounding), and the weights
/// do not change. Each row has a dirty bit, set when step 1 writes that row or step 2 writes any
/// column (all rows). If `apply(t) = 1`, after steps 1-2 of that same edge the shadow is committed
/// row by row, increasing, visiting only dirty rows: `W[i][j] = fitw(W[i][j] + rnd(S[i][j]))`,
/// `S[i][j] = 0` for j < cols; then every dirty bit is cleared. (A clean row's shadow is 0 and
/// rnd(0) = 0, so skipping it changes no weight: it saves the SRAM accesses and the draws.)
/// `apply` is ignored in immediate mode.
///
/// Rank-1 mode (`update = rank1`, W1's factored deferred update, docs/rank1-commit.md): only the
/// row update exists (a connected `col_delta` is refused when the design is wired). State, in
/// registers declared only in this mode: a spike counter `n[i]` per row (`row_counts`) and a
/// learning-clock counter `T` (`clock_count`), unsigned of B = `rank1_bits` bits (1...15), and an
/// accumulator `A[j]` per column (`col_accumulators`, `delta` format). Instead of step 1, if
/// `learn(t) = 1` and `row_delta` is connected: `A[j] = clamp(A[j] + row_delta[j])` for every j
/// (delta format, saturating, counted), `T = T + 1` and `n[i] = n[i] + 1` for i in R (each
/// saturating at 2^B - 1, counted); W does not change. If `apply(t) = 1`, after that same edge's accumulation, rows with
/// `n[i] > 0` are committed in increasing order, for j < cols:
///
///     W[i][j] = fitw(W[i][j] + rnd1(n[i] * A[j] / T))
///
/// then n, A and T are cleared (also when no row counted). `rnd1` rounds the exact rational into
/// weight LSBs: with s = fd - fw, `N = n[i] * A[j] * 2^max(0, -s)`, `D = T * 2^max(0, s)`,
/// `q = floor(N / D)`, `r = N - q * D` in [0, D): truncate `q`; nearest `q + [2r >= D]`;
/// nearestEven `q + [2r > D or (2r = D and q odd)]`; stochastic (s > 0) `q + [r * 2^(32-s) >
/// rotr32(draw, s) * T]`, i.e. `r / D` against the 32-bit draw rotated right by s as a uniform in
/// [0, 1). When T divides n[i] * A[j] (e.g. a constant row_delta) every mode gives exactly
/// `rnd(n[i] * A[j] / T)` of the deferred sweep, the stochastic one from the same draw. (n <= T
/// always holds; a row's count is taken as min(n[i], T).)
///
/// Stochastic draws: a bank of 16 `LFSR32` streams (stream k seeded `MemCtl.streamSeed(seed, k)`).
/// An update of n words (one row: n = cols, one column: n = rows; a commit sweep = one row
/// update per dirty row) steps all 16 streams ceil(n / 16) times; word m (address order within that row or
/// column) uses the state of stream m % 16 after step m / 16 + 1. Draws happen only for updates
/// (not for deterministic rounding) and in the order of steps 1, 2, then the sweep, so a run is
/// reproducible from `seed`. The bank is a write port's random source (16 words per SRAM access)
/// and is not re-seeded by `reset()` (host: `reseed(_:)`); it is persistent state. The rank-1
/// sweep draws like the deferred one: one row update (ceil(cols / 16) steps) per row with n > 0.
///
/// System cycles (docs/blocks-memory-control.md, "Two clocks"): the weights are a transposable SRAM
/// with one port of P = `port_words` words that reads or writes P words of a row or of a column
/// per system cycle, with a read's data one cycle later. A row takes `ceil(cols / P)` accesses, a
/// column `ceil(rows / P)`. In tick t the crossbar reads the spiking rows, then the spiking
/// columns, one access per cycle, plus one cycle for the last read's data:
///
///     read_cycles(t)   = a + [a > 0],   a = |R| ceil(cols / P) + |C| ceil(rows / P)
///     update_cycles(t) = 2 (u + s ceil(cols / P))
///
/// where u counts the accesses of the row and column updates (learn: |R| ceil(cols / P) if the row
/// update is wired, + |C| ceil(rows / P) if the column update is) and s the rows the commit sweep
/// visits (deferred: dirty rows; rank-1: rows with n > 0; the rank-1 accumulation writes registers
/// only). Every update access is a read-modify-write: a read, then the write of the new words the
/// next cycle (the deferred sweep reads W and S together, two SRAMs, then writes both). The chip's
/// tick takes max read_cycles + max update_cycles + 1 over its crossbars (`Chip.systemCycles`):
/// every crossbar reads, then every crossbar updates (a delta may depend on any read), then one
/// cycle commits every other block's registers. The order of accesses does not change a bit (sums
/// are exact; updates run in the model's order), and the draws do not depend on P: the bank steps
/// once per 16 words of an update, whatever the port width.
///
/// reset(): clears pending requests and the outputs. Weights, the shadow and the rank-1 counters
/// and accumulators (the shadow's stand-in) keep their values (`clearShadow()` for the host).
///
/// Counters: `row_reads` = sum |R| * cols (words read by row reads = SynOps), `col_reads` = sum
/// |C| * rows, `row_writes` / `col_writes` = words written by row / column updates (into the
/// shadow in deferred mode; none in rank-1 mode, whose row update writes registers only),
/// `shadow_commits` = commit sweeps (deferred and rank-1 applies), `commit_writes` = words written
/// by sweeps (cols per dirty row, or per row with n > 0), `saturations`.
public final class Crossbar: Block {
    public enum UpdateMode: String, Sendable, CaseIterable {
        /// Write the weights at the edge.
        case immediate
        /// Accumulate in a shadow array (rows x cols), commit on apply.
        case deferred
        /// Row update only, factored: per-row spike counts, per-column accumulators, a clock
        /// counter; on apply W[i][j] += rnd(n[i] * A[j] / T).
        case rank1
    }

    public let rows: Int
    public let cols: Int
    public let weightFormat: QFormat
    public let currentFormat: QFormat
    public let deltaFormat: QFormat
    public let rounding: Rounding
    public let overflow: Overflow
    public let readRounding: Rounding
    public let updateMode: UpdateMode
    /// Format of the rank-1 spike and clock counters (uB.0, B = `rank1_bits`).
    public let rank1CountFormat: QFormat

    public let rowSpike: Port
    public let colSpike: Port
    public let rowDelta: Port
    public let colDelta: Port
    public let learn: Port
    public let apply: Port
    public let colCurrent: Port
    public let rowCurrent: Port

    /// Number of streams in the stochastic-rounding bank.
    public static let randomStreams = 16

    /// Words per SRAM access (`port_words`), and the accesses one row and one column take.
    public let portWords: Int
    let rowAccesses: Int
    let colAccesses: Int
    /// System cycles the last clock's reads and updates took on the SRAM port (see above).
    @exclusivity(unchecked) public private(set) var tickReadCycles = 0
    @exclusivity(unchecked) public private(set) var tickUpdateCycles = 0
    /// 16 words per access: the bank's width, the figure the 784 designs' clock comment assumes.
    public static let defaultPortWords = 16
    public static let portWordRange = 1...4096

    // Memory.
    let w: UnsafeMutablePointer<Int32>
    let shadow: UnsafeMutablePointer<Int32>?
    let dirty: UnsafeMutablePointer<UInt8>?     // deferred: a dirty bit per row
    @exclusivity(unchecked) var allDirty = false                         // a column update dirtied every row
    // Rank-1 mode: n[i], A[j] and T, the storage of the registers `row_counts`, `col_accumulators`
    // and `clock_count` (visible to probes; their formats enter the design's fingerprint). nil in
    // the other modes, which declare no such registers.
    let rank1: Bool
    @exclusivity(unchecked) var rowCounts: UnsafeMutablePointer<Int32>!
    @exclusivity(unchecked) var colAcc: UnsafeMutablePointer<Int32>!
    @exclusivity(unchecked) var clockCount: UnsafeMutablePointer<Int32>!
    /// T, the learning-clock count (rank-1 mode).
    var learnClocks: Int32 {
        get { clockCount[0] }
        set { clockCount[0] = newValue }
    }
    let countMax: Int32
    let accQ: UnsafeMutablePointer<Int32>           // sweep scratch: floor(A[j] / T), A[j] mod T
    let accR: UnsafeMutablePointer<Int32>
    /// The rank-1 sweep runs the Int32 kernel (weights <= 28 bits, delta with at least the
    /// weight's fraction bits); else the exact Int128 reference.
    let fastRank1: Bool
    // Read scratch.
    let rowList: UnsafeMutablePointer<Int32>
    let colList: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) var rowCount = 0
    @exclusivity(unchecked) var colCount = 0
    let acc32: UnsafeMutablePointer<Int32>
    let acc64: UnsafeMutablePointer<Int64>
    let rowSum32: Bool          // col_current sums (up to `rows` terms) fit Int32
    let colSum32: Bool          // row_current sums (up to `cols` terms) fit Int32
    /// The outputs hold all zeros (set when zero-filled, cleared when a read writes them), so a
    /// clock with no spiking row (column) does not rewrite `cols` (`rows`) zeros. Only this block
    /// writes its outputs.
    @exclusivity(unchecked) var colCurrentZero = true
    @exclusivity(unchecked) var rowCurrentZero = true
    // Pending update requests (captured in evaluate, applied in commit).
    @exclusivity(unchecked) var pendingRows = 0         // rows of rowList to update (0: none)
    @exclusivity(unchecked) var pendingCols = 0
    @exclusivity(unchecked) var pendingApply = false
    @exclusivity(unchecked) var pendingRank1 = false   // accumulate this clock (rank-1 mode)
    let rowDeltaCopy: UnsafeMutablePointer<Int32>   // cols: raw row_delta (deferred / wide path)
    let colDeltaCopy: UnsafeMutablePointer<Int32>   // rows
    let rowInc: UnsafeMutablePointer<Int32>         // cols: prepared increments (fast path)
    let rowRem: UnsafeMutablePointer<Int32>
    let colInc: UnsafeMutablePointer<Int32>         // rows
    let colRem: UnsafeMutablePointer<Int32>
    let draws: UnsafeMutablePointer<Int32>          // max(rows, cols) rounded up to 16
    @exclusivity(unchecked) var bank: SIMD16<UInt32>
    let plan: XbarKernel.UpdatePlan
    /// Updates of weights run in Int32 (weight width <= 28); else the exact Int64 reference.
    let fastWeights: Bool
    /// Shadow accumulation runs in Int32 (delta range within +-2^30).
    let fastShadow: Bool
    let deltaShift: Int
    /// Format bounds as raw Int32 (QFormat computes them; read per clock).
    let currentLo: Int32, currentHi: Int32, deltaLo: Int32, deltaHi: Int32
    @exclusivity(unchecked) private var in_rowSpike = BoundInput()
    @exclusivity(unchecked) private var in_colSpike = BoundInput()
    @exclusivity(unchecked) private var in_rowDelta = BoundInput()
    @exclusivity(unchecked) private var in_colDelta = BoundInput()
    @exclusivity(unchecked) private var in_learn = BoundInput()
    @exclusivity(unchecked) private var in_apply = BoundInput()

    @exclusivity(unchecked) public private(set) var rowReads = 0
    @exclusivity(unchecked) public private(set) var colReads = 0
    @exclusivity(unchecked) public private(set) var rowWrites = 0
    @exclusivity(unchecked) public private(set) var colWrites = 0
    @exclusivity(unchecked) public private(set) var shadowCommits = 0
    @exclusivity(unchecked) public private(set) var commitWrites = 0

    public init(name: String, rows: Int, cols: Int, weight: QFormat, current: QFormat, delta: QFormat,
                rounding: Rounding = .nearest, overflow: Overflow = .saturate, readRounding: Rounding = .nearest,
                update: UpdateMode = .immediate, seed: UInt32 = 1, rank1Bits: Int = Crossbar.defaultRank1Bits,
                portWords: Int = Crossbar.defaultPortWords) {
        precondition(rows >= 1 && cols >= 1, "crossbar needs at least one row and one column")
        precondition(readRounding != .stochastic, "read rounding cannot be stochastic")
        precondition(Crossbar.rank1BitRange.contains(rank1Bits), "rank-1 counters of \(rank1Bits) bits (1...15)")
        precondition(Crossbar.portWordRange.contains(portWords), "port of \(portWords) words")
        self.portWords = portWords
        rowAccesses = (cols + portWords - 1) / portWords
        colAccesses = (rows + portWords - 1) / portWords
        self.rows = rows
        self.cols = cols
        weightFormat = weight
        currentFormat = current
        deltaFormat = delta
        self.rounding = rounding
        self.overflow = overflow
        self.readRounding = readRounding
        updateMode = update
        rank1CountFormat = QFormat(signed: false, intBits: rank1Bits, fracBits: 0)
        deltaShift = delta.fracBits - weight.fracBits
        currentLo = Int32(truncatingIfNeeded: current.minRaw)
        currentHi = Int32(truncatingIfNeeded: current.maxRaw)
        deltaLo = Int32(truncatingIfNeeded: delta.minRaw)
        deltaHi = Int32(truncatingIfNeeded: delta.maxRaw)
        plan = XbarKernel.UpdatePlan(shift: deltaShift, rounding: rounding, overflow: overflow, format: weight)
        fastWeights = weight.width <= 28
        fastShadow = delta.minRaw >= -(1 << 30) && delta.maxRaw <= (1 << 30)
        let maxAbs = max(-weight.minRaw, weight.maxRaw)
        rowSum32 = Int64(rows) * maxAbs <= Int64(Int32.max)
        colSum32 = Int64(cols) * maxAbs <= Int64(Int32.max)

        // The memories and the row-sized scratch carry `XbarKernel.pad` words of zeros past their
        // end, so that the 16-lane kernels may read (and, adding 0, rewrite) a whole vector at the
        // last columns of the last row (see `XbarKernel`).
        let words = rows * cols
        let pad = XbarKernel.pad
        w = .allocate(capacity: words + pad)
        w.initialize(repeating: 0, count: words + pad)
        if update == .deferred {
            let s = UnsafeMutablePointer<Int32>.allocate(capacity: words + pad)
            s.initialize(repeating: 0, count: words + pad)
            shadow = s
            let d = UnsafeMutablePointer<UInt8>.allocate(capacity: rows)
            d.initialize(repeating: 0, count: rows)
            dirty = d
        } else {
            shadow = nil
            dirty = nil
        }
        rank1 = update == .rank1
        countMax = Int32(rank1CountFormat.maxRaw)
        fastRank1 = fastWeights && deltaShift >= 0
        func buffer(_ n: Int) -> UnsafeMutablePointer<Int32> {
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            return p
        }
        accQ = buffer(rank1 ? cols : 1)
        accR = buffer(rank1 ? cols : 1)
        rowList = buffer(rows)
        colList = buffer(cols)
        acc32 = buffer(max(rows, cols) + pad)
        acc64 = .allocate(capacity: max(rows, cols))
        acc64.initialize(repeating: 0, count: max(rows, cols))
        rowDeltaCopy = buffer(cols + pad)       // lanes past cols stay 0
        colDeltaCopy = buffer(rows)
        rowInc = buffer(cols)
        rowRem = buffer(cols)
        colInc = buffer(rows)
        colRem = buffer(rows)
        let n = Crossbar.randomStreams
        draws = buffer((max(rows, cols) + n - 1) / n * n)
        bank = Crossbar.seededBank(seed)

        let ports = DeclaredPorts(Crossbar.interface(rows: rows, cols: cols, weight: weight, current: current, delta: delta,
                                                      rounding: rounding, update: update, rank1Bits: rank1Bits))
        rowSpike = ports["row_spike"]
        colSpike = ports["col_spike"]
        rowDelta = ports["row_delta"]
        colDelta = ports["col_delta"]
        learn = ports["learn"]
        apply = ports["apply"]
        colCurrent = ports["col_current"]
        rowCurrent = ports["row_current"]
        // Rank-1 mode only: the registers n, A and T.
        rowCounts = ports.optional("row_counts")?.pointer
        colAcc = ports.optional("col_accumulators")?.pointer
        clockCount = ports.optional("clock_count")?.pointer
        super.init(name: name, ports: ports)
        inputsBound()
    }

    deinit {
        w.deallocate()
        shadow?.deallocate()
        dirty?.deallocate()
        for p in [rowList, colList, acc32, rowDeltaCopy, colDeltaCopy, rowInc, rowRem, colInc, colRem, draws,
                  accQ, accR] { p.deallocate() }
        acc64.deallocate()
    }

    /// 8 bits: 255 learning clocks, enough for a 100-clock nudge phase.
    public static let defaultRank1Bits = 8
    /// Widths of the rank-1 counters (at most 15 bits keeps n * (A mod T) < 2^30 in the sweep kernel).
    public static let rank1BitRange = 1...15

    static func seededBank(_ seed: UInt32) -> SIMD16<UInt32> {
        var b = SIMD16<UInt32>()
        for k in 0..<randomStreams { b[k] = LFSR32(seed: MemCtl.streamSeed(seed, k)).state }
        return b
    }

    /// The interface for these parameters (checked by the netlist type, see `blockType`).
    public static func interface(rows: Int, cols: Int, weight: QFormat, current: QFormat, delta: QFormat, rounding: Rounding,
                                 update: UpdateMode, rank1Bits: Int) -> BlockInterface {
        let count = QFormat(signed: false, intBits: rank1Bits, fracBits: 0)
        var ports: [PortDeclaration] = [
            .input("row_spike", lanes: rows, format: .bit, optional: true), .input("col_spike", lanes: cols, format: .bit, optional: true),
            .input("row_delta", lanes: cols, format: delta, optional: true), .input("col_delta", lanes: rows, format: delta, optional: true),
            .input("learn", lanes: 1, format: .bit, optional: true), .input("apply", lanes: 1, format: .bit, optional: true),
            .output("col_current", lanes: cols, format: current, timing: .combinational),
            .output("row_current", lanes: rows, format: current, timing: .combinational),
        ]
        var storage = [StorageItem(name: "weights", kind: .sram, words: rows * cols, format: weight)]
        var persistent = [PersistentDeclaration("weights", words: rows * cols, format: weight)]
        if update == .deferred {
            storage += [StorageItem(name: "shadow", kind: .sram, words: rows * cols, format: delta),
                        StorageItem(name: "dirty", kind: .register, words: rows, wordBits: 1)]
            persistent += [PersistentDeclaration("shadow", words: rows * cols, format: delta), PersistentDeclaration("dirty", words: rows)]
        }
        if update == .rank1 {
            ports += [.register("row_counts", lanes: rows, format: count), .register("col_accumulators", lanes: cols, format: delta),
                      .register("clock_count", lanes: 1, format: count)]
            storage += [StorageItem(name: "row_counts", kind: .register, words: rows, format: count),
                        StorageItem(name: "col_accumulators", kind: .register, words: cols, format: delta),
                        StorageItem(name: "clock_count", kind: .register, words: 1, format: count)]
            persistent += [PersistentDeclaration("row_counts", words: rows, format: count),
                           PersistentDeclaration("col_accumulators", words: cols, format: delta),
                           PersistentDeclaration("clock_count", words: 1, format: count)]
        }
        if rounding == .stochastic { storage.append(StorageItem(name: "lfsr", kind: .register, words: randomStreams, wordBits: 32)) }
        persistent.append(PersistentDeclaration("lfsr", words: randomStreams))
        return BlockInterface(ports: ports, storage: storage, persistent: persistent)
    }

    /// Takes the inputs' pointers: here, and again once the simulator has wired them.
    public override func inputsBound() {
        in_rowSpike = BoundInput(rowSpike)
        in_colSpike = BoundInput(colSpike)
        in_rowDelta = BoundInput(rowDelta)
        in_colDelta = BoundInput(colDelta)
        in_learn = BoundInput(learn)
        in_apply = BoundInput(apply)
    }

    public override var typeName: String { "crossbar" }

    // MARK: Clock

    public override func reset() {
        pendingRows = 0
        pendingCols = 0
        pendingApply = false
        pendingRank1 = false
        rowCount = 0
        colCount = 0
        tickReadCycles = 0
        tickUpdateCycles = 0
        colCurrent.storage.fill(0)
        rowCurrent.storage.fill(0)
        colCurrentZero = true
        rowCurrentZero = true
    }

    public override func evaluate() {
        let rows = self.rows, cols = self.cols
        // Spike lists (branch-free compaction).
        var nr = 0
        if in_rowSpike.isConnected {
            let s = in_rowSpike.pointer, list = rowList
            nr = Crossbar.compact(s, count: rows, into: list)
        }
        rowCount = nr
        var nc = 0
        if in_colSpike.isConnected {
            let s = in_colSpike.pointer, list = colList
            nc = Crossbar.compact(s, count: cols, into: list)
        }
        colCount = nc
        let reads = nr &* rowAccesses &+ nc &* colAccesses
        tickReadCycles = reads == 0 ? 0 : reads &+ 1

        // Row read -> col_current.
        let out = colCurrent.storage.base
        let shift = weightFormat.fracBits - currentFormat.fracBits
        var sat = 0
        if nr == 0 {
            if !colCurrentZero { out.update(repeating: 0, count: cols); colCurrentZero = true }
        } else if rowSum32 {
            XbarKernel.sumRowsBlocked(w, cols: cols, list: rowList, count: nr, into: acc32)
            sat &+= XbarKernel.convert32(acc32, count: cols, shift: shift, rounding: readRounding,
                                         lo: currentLo, hi: currentHi, into: out)
            colCurrentZero = false
        } else {
            XbarKernel.sumRows64(w, cols: cols, list: rowList, count: nr, into: acc64)
            sat &+= XbarKernel.convert64(acc64, count: cols, fromFrac: weightFormat.fracBits, to: currentFormat,
                                         rounding: readRounding, into: out)
            colCurrentZero = false
        }
        rowReads &+= nr &* cols

        // Column read -> row_current.
        let rout = rowCurrent.storage.base
        if nc == 0 {
            if !rowCurrentZero { rout.update(repeating: 0, count: rows); rowCurrentZero = true }
        } else if colSum32 {
            XbarKernel.sumColumns32(w, rows: rows, cols: cols, list: colList, count: nc, into: acc32)
            sat &+= XbarKernel.convert32(acc32, count: rows, shift: shift, rounding: readRounding,
                                         lo: currentLo, hi: currentHi, into: rout)
            rowCurrentZero = false
        } else {
            XbarKernel.sumColumns(w, rows: rows, cols: cols, list: colList, count: nc, into: acc64)
            sat &+= XbarKernel.convert64(acc64, count: rows, fromFrac: weightFormat.fracBits, to: currentFormat,
                                         rounding: readRounding, into: rout)
            rowCurrentZero = false
        }
        colReads &+= nc &* rows
        if sat != 0 { saturations &+= sat }

        // Update requests: captured now, applied at the edge (inputs may change before commit).
        let learning = in_learn.isConnected && in_learn.pointer[0] != 0
        pendingRows = 0
        pendingCols = 0
        pendingRank1 = false
        if learning && rank1 {
            // Every learning clock accumulates (T and A), spiking rows or not.
            if in_rowDelta.isConnected {
                pendingRank1 = true
                pendingRows = nr
                rowDeltaCopy.update(from: in_rowDelta.pointer, count: cols)
            }
        } else if learning {
            if nr > 0 && in_rowDelta.isConnected {
                pendingRows = nr
                capture(in_rowDelta.pointer, count: cols, copy: rowDeltaCopy, inc: rowInc, rem: rowRem)
            }
            if nc > 0 && in_colDelta.isConnected {
                pendingCols = nc
                capture(in_colDelta.pointer, count: rows, copy: colDeltaCopy, inc: colInc, rem: colRem)
            }
        }
        pendingApply = (shadow != nil || rank1) && in_apply.isConnected && in_apply.pointer[0] != 0
    }

    /// Indices of the non-zero lanes, increasing; chunks of 8 zero lanes are skipped at once (an OR
    /// of four 64-bit words), the others appended branch-free (the index is always written, the
    /// count advances only for a non-zero lane).
    @inline(__always)
    static func compact(_ s: UnsafePointer<Int32>, count n: Int, into list: UnsafeMutablePointer<Int32>) -> Int {
        var found = 0
        var i = 0
        let raw = UnsafeRawPointer(s)
        while i &+ 8 <= n {
            let o = i &* 4
            let any = raw.loadUnaligned(fromByteOffset: o, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: o &+ 8, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: o &+ 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: o &+ 24, as: UInt64.self)
            if any != 0 {
                var k = i
                let end = i &+ 8
                while k < end {
                    list[found] = Int32(truncatingIfNeeded: k)
                    found &+= s[k] != 0 ? 1 : 0
                    k &+= 1
                }
            }
            i &+= 8
        }
        while i < n {
            list[found] = Int32(truncatingIfNeeded: i)
            found &+= s[i] != 0 ? 1 : 0
            i &+= 1
        }
        return found
    }

    @inline(__always)
    private func capture(_ src: UnsafeMutablePointer<Int32>, count n: Int, copy: UnsafeMutablePointer<Int32>,
                         inc: UnsafeMutablePointer<Int32>, rem: UnsafeMutablePointer<Int32>) {
        if shadow == nil && fastWeights {
            XbarKernel.prepare(src, count: n, plan: plan, inc: inc, rem: rem)
        } else {
            copy.update(from: src, count: n)
        }
    }

    public override func commit() {
        let rows = self.rows, cols = self.cols
        let stochastic = rounding == .stochastic && deltaShift > 0
        if rank1 {
            tickUpdateCycles = 0
            commitRank1(stochastic: stochastic)
            return
        }
        tickUpdateCycles = 2 &* (pendingRows &* rowAccesses &+ pendingCols &* colAccesses)
        var sat = 0
        if pendingRows > 0, let s = shadow, fastShadow {
            // Deferred: every spiking row's shadow += row_delta, saturating.
            let lo = deltaLo, hi = deltaHi
            if XbarKernel.accumulateRows(s, cols: cols, list: rowList, count: pendingRows, delta: rowDeltaCopy, lo: lo, hi: hi) {
                sat &+= XbarKernel.fitRows(s, cols: cols, list: rowList, count: pendingRows, lo: lo, hi: hi)
            }
            let d = dirty!
            for k in 0..<pendingRows { d[Int(rowList[k])] = 1 }
            rowWrites &+= pendingRows &* cols
            pendingRows = 0
        }
        if pendingRows > 0 {
            for k in 0..<pendingRows {
                let r = Int(rowList[k])
                if let s = shadow {
                    sat &+= addToShadow(s + r &* cols, stride: 1, rowDeltaCopy, count: cols)
                    dirty![r] = 1
                } else {
                    let word = w + r &* cols
                    if stochastic { fillDraws(cols) }
                    if fastWeights {
                        sat &+= stochastic
                            ? XbarKernel.rmwStochastic(word, rowInc, rowRem, draws, count: cols, plan: plan)
                            : XbarKernel.rmw(word, rowInc, count: cols, plan: plan)
                    } else {
                        updateExact(word, stride: 1, rowDeltaCopy, count: cols, stochastic: stochastic)
                    }
                }
            }
            rowWrites &+= pendingRows &* cols
            pendingRows = 0
        }
        if pendingCols > 0 {
            for k in 0..<pendingCols {
                let c = Int(colList[k])
                if let s = shadow {
                    sat &+= addToShadow(s + c, stride: cols, colDeltaCopy, count: rows)
                    allDirty = true
                } else {
                    if stochastic { fillDraws(rows) }
                    if fastWeights {
                        sat &+= XbarKernel.rmwStrided(w + c, stride: cols, colInc, colRem,
                                                              stochastic ? UnsafePointer(draws) : nil, count: rows, plan: plan)
                    } else {
                        updateExact(w + c, stride: cols, colDeltaCopy, count: rows, stochastic: stochastic)
                    }
                }
            }
            colWrites &+= pendingCols &* rows
            pendingCols = 0
        }
        if sat != 0 { saturations &+= sat }
        if pendingApply {
            sweep(stochastic: stochastic)
            pendingApply = false
        }
    }

    /// Steps the 16 streams ceil(n / 16) times; draws[m] = stream m % 16 after step m / 16 + 1.
    @inline(__always)
    func fillDraws(_ n: Int) {
        var b = bank
        let raw = UnsafeMutableRawPointer(draws)
        var m = 0
        while m < n {
            b ^= b &<< 13
            b ^= b &>> 17
            b ^= b &<< 5
            raw.storeBytes(of: b, toByteOffset: m &* 4, as: SIMD16<UInt32>.self)
            m &+= 16
        }
        bank = b
    }

    /// Deferred mode: S = clamp(S + d) in the delta format. Returns the saturations.
    @inline(__always)
    private func addToShadow(_ s: UnsafeMutablePointer<Int32>, stride: Int, _ d: UnsafePointer<Int32>, count n: Int) -> Int {
        if stride == 1 && fastShadow {
            return XbarKernel.accumulate(s, d, count: n, lo: deltaLo, hi: deltaHi)
        }
        var sat = 0
        for i in 0..<n {
            let a = s + i &* stride
            a.pointee = Int32(truncatingIfNeeded: Fixed.applyOverflow(Int64(a.pointee) + Int64(d[i]), format: deltaFormat,
                                                                      mode: .saturate, saturations: &sat))
        }
        return sat
    }

    /// The exact reference update (weights wider than 28 bits): W = fitw(W + rnd(d)) per word.
    private func updateExact(_ word: UnsafeMutablePointer<Int32>, stride: Int, _ d: UnsafePointer<Int32>, count n: Int, stochastic: Bool) {
        var sat = 0
        for i in 0..<n {
            let a = word + i &* stride
            a.pointee = MemCtl.addRounded(a.pointee, d[i], shift: deltaShift, rounding: rounding,
                                          draw: stochastic ? UInt32(bitPattern: draws[i]) : 0,
                                          format: weightFormat, overflow: overflow, saturations: &sat)
        }
        saturations &+= sat
    }

    /// Commit sweep: W = fitw(W + rnd(S)), S = 0, dirty rows in increasing order.
    private func sweep(stochastic: Bool) {
        guard let s = shadow, let d = dirty else { return }
        let cols = self.cols, all = allDirty
        var sat = 0, visited = 0
        for r in 0..<rows where all || d[r] != 0 {
            let srow = s + r &* cols, wrow = w + r &* cols
            if stochastic { fillDraws(cols) }
            if fastWeights {
                XbarKernel.prepare(srow, count: cols, plan: plan, inc: rowInc, rem: rowRem)
                sat &+= stochastic
                    ? XbarKernel.rmwStochastic(wrow, rowInc, rowRem, draws, count: cols, plan: plan)
                    : XbarKernel.rmw(wrow, rowInc, count: cols, plan: plan)
            } else {
                updateExact(wrow, stride: 1, srow, count: cols, stochastic: stochastic)
            }
            srow.update(repeating: 0, count: cols)
            visited &+= 1
        }
        d.update(repeating: 0, count: rows)
        allDirty = false
        saturations &+= sat
        shadowCommits &+= 1
        commitWrites &+= visited &* cols
        tickUpdateCycles &+= 2 &* visited &* rowAccesses
    }

    /// Rank-1 mode's edge: accumulate (A, T, n of the spiking rows), then the sweep on apply.
    @inline(__always)
    private func commitRank1(stochastic: Bool) {
        if pendingRank1 {
            var sat = addToShadow(colAcc, stride: 1, rowDeltaCopy, count: cols)    // A = clamp(A + d)
            let m = countMax, n: UnsafeMutablePointer<Int32> = rowCounts
            if learnClocks < m { learnClocks &+= 1 } else { sat &+= 1 }
            for k in 0..<pendingRows {
                let i = Int(rowList[k])
                if n[i] < m { n[i] &+= 1 } else { sat &+= 1 }
            }
            if sat != 0 { saturations &+= sat }
            pendingRank1 = false
            pendingRows = 0
        }
        if pendingApply {
            sweepRank1(stochastic: stochastic)
            pendingApply = false
        }
    }

    /// Rank-1 commit: rows with n > 0, increasing: W = fitw(W + rnd1(n * A / T)); then n, A, T = 0.
    private func sweepRank1(stochastic: Bool) {
        let cols = self.cols, t = learnClocks
        var sat = 0, visited = 0
        if t > 0 {
            let divider = XbarKernel.ClockDivider(t)
            if fastRank1 { XbarKernel.splitByClocks(colAcc, count: cols, clocks: t, quotient: accQ, remainder: accR) }
            for r in 0..<rows {
                let n = min(rowCounts[r], t)
                if n == 0 { continue }
                let wrow = w + r &* cols
                if stochastic { fillDraws(cols) }
                if fastRank1 {
                    XbarKernel.rank1Increments(count: n, divider: divider, quotient: accQ, remainder: accR, columns: cols, plan: plan,
                                               draws: stochastic ? UnsafePointer(draws) : nil, into: rowInc)
                    sat &+= XbarKernel.rmw(wrow, rowInc, count: cols, plan: plan)
                } else {
                    sat &+= rank1Exact(wrow, count: n, clocks: t, stochastic: stochastic)
                }
                visited &+= 1
            }
        }
        rowCounts.update(repeating: 0, count: rows)
        colAcc.update(repeating: 0, count: cols)
        learnClocks = 0
        saturations &+= sat
        shadowCommits &+= 1
        commitWrites &+= visited &* cols
        tickUpdateCycles &+= 2 &* visited &* rowAccesses
    }

    /// The exact reference of one rank-1 row commit (Int128), for the formats the kernel does not
    /// take: W[j] = fitw(W[j] + rnd1(n * A[j] / T)) as documented. Returns the saturations.
    private func rank1Exact(_ wrow: UnsafeMutablePointer<Int32>, count n: Int32, clocks t: Int32, stochastic: Bool) -> Int {
        let s = deltaShift
        let d = Int128(t) << max(0, s)
        var sat = 0
        for j in 0..<cols {
            let num = (Int128(n) * Int128(colAcc[j])) << max(0, -s)
            var q = num / d, r = num - q * d
            if r < 0 { q -= 1; r += d }
            let up: Bool
            switch rounding {
            case .truncate: up = false
            case .nearest: up = 2 * r >= d
            case .nearestEven: up = 2 * r > d || (2 * r == d && q & 1 != 0)
            case .stochastic:
                let u = UInt32(bitPattern: draws[j])
                up = stochastic && (r << (32 - s)) > Int128(u >> UInt32(s) | u << UInt32(32 - s)) * Int128(t)
            }
            let exact = Int128(wrow[j]) + q + (up ? 1 : 0)
            wrow[j] = Int32(truncatingIfNeeded: FixedArithmetic.fit(exact, frac: weightFormat.fracBits, to: weightFormat, rounding: .truncate,
                                                                    overflow: overflow, randomBits: 0, saturations: &sat))
        }
        return sat
    }

    // MARK: Reports

    /// `weights`, `shadow` and `dirty` (deferred mode), `row_counts`, `col_accumulators` and
    /// `clock_count` (rank-1 mode), `lfsr` (the 16 stream states, as bit patterns).
    public override var persistentState: [(name: String, values: [Int32])] { persistentEntries }

    public override func restorePersistentState(name: String, values: [Int32]) throws(HDLError) {
        try restoreEntry(name: name, values: values)
    }

    public override var counters: [(name: String, value: Int)] {
        [("row_reads", rowReads), ("col_reads", colReads), ("row_writes", rowWrites), ("col_writes", colWrites),
         ("shadow_commits", shadowCommits), ("commit_writes", commitWrites), ("saturations", saturations)]
    }

    public override func clearCounters() {
        super.clearCounters()
        rowReads = 0
        colReads = 0
        rowWrites = 0
        colWrites = 0
        shadowCommits = 0
        commitWrites = 0
    }

}

extension Crossbar: WiringRules {
    /// Rank-1 mode has no column update: a connected `col_delta` is refused.
    public func wiringViolations(connected: (Port) -> Bool) -> [(input: Port, message: String)] {
        guard updateMode == .rank1, connected(colDelta) else { return [] }
        return [(colDelta, Crossbar.rank1ColumnUpdateMessage)]
    }

    static let rank1ColumnUpdateMessage = "update = rank1 factors only the row update (row_spike x row_delta), so col_delta must stay "
        + "unconnected; a crossbar with column updates (the W2 use) needs update = deferred or immediate"
}
