import XCTest
import FixedPoint
import HDL
@testable import Blocks

/// A test bench driver: registered outputs the test writes before each clock.
final class MCDriver: Block {
    init(_ ports: [(String, Int, QFormat)]) {
        super.init(name: "drv")
        for (n, lanes, f) in ports { addOutput(n, lanes: lanes, format: f, timing: .registered) }
    }
    subscript(_ n: String) -> HDL.Port { port(named: n)! }
    func set(_ n: String, _ values: [Int32]) { self[n].set(values) }
    func set(_ n: String, _ v: Int32) { self[n].pointer[0] = v }
}

func mcFormat(_ s: String) -> QFormat { try! QFormat.parse(s) }

/// The documented stream seed (MurmurHash3 fmix32 of seed + 0x9E3779B9 * (k + 1)), re-derived here.
func referenceStreamSeed(_ seed: UInt32, _ k: Int) -> UInt32 {
    var z = seed &+ 0x9E37_79B9 &* UInt32(k + 1)
    z = (z ^ (z >> 16)) &* 0x85EB_CA6B
    z = (z ^ (z >> 13)) &* 0xC2B2_AE35
    return z ^ (z >> 16)
}

/// The crossbar's documented 16-stream draw order, built from plain `LFSR32`s.
struct ReferenceBank {
    var streams: [LFSR32]
    init(seed: UInt32) { streams = (0..<16).map { LFSR32(seed: referenceStreamSeed(seed, $0)) } }
    /// Draws for one update of n words.
    mutating func draws(_ n: Int) -> [UInt32] {
        var out: [UInt32] = []
        while out.count < n {
            var step: [UInt32] = []
            for k in 0..<16 { step.append(streams[k].next()) }
            out += step
        }
        return Array(out.prefix(n))
    }
}

/// Straightforward reference of the crossbar's documented semantics, on Int64 / Int128 with
/// FixedArithmetic (the kernel's exact reference), independent of the block's kernels.
struct ReferenceCrossbar {
    let rows: Int, cols: Int
    let weight: QFormat, current: QFormat, delta: QFormat
    let rounding: Rounding, overflow: Overflow, readRounding: Rounding
    let deferred: Bool
    var w: [Int64]
    var shadow: [Int64]
    var bank: ReferenceBank
    var saturations = 0
    var rowReads = 0, colReads = 0, rowWrites = 0, colWrites = 0, commits = 0, commitWords = 0
    var dirty: [Bool]

    init(rows: Int, cols: Int, weight: QFormat, current: QFormat, delta: QFormat, rounding: Rounding, overflow: Overflow,
         readRounding: Rounding = .nearest, deferred: Bool, seed: UInt32, weights: [Int32]) {
        self.rows = rows; self.cols = cols
        self.weight = weight; self.current = current; self.delta = delta
        self.rounding = rounding; self.overflow = overflow; self.readRounding = readRounding
        self.deferred = deferred
        w = weights.map(Int64.init)
        shadow = Array(repeating: 0, count: rows * cols)
        bank = ReferenceBank(seed: seed)
        dirty = Array(repeating: false, count: rows)
    }

    /// rnd(d): the delta alone is rounded to weight LSBs (so nearestEven looks at the parity of
    /// floor(d / 2^s), not of the sum), then added and fitted.
    static func roundDelta(_ d: Int64, shift s: Int, _ mode: Rounding, draw: UInt32) -> Int64 {
        if s <= 0 { return d * (Int64(1) << -s) }
        let f = d >> s, rem = d - (f << s), half = Int64(1) << (s - 1)
        switch mode {
        case .truncate: return f
        case .nearest: return rem >= half ? f + 1 : f
        case .nearestEven: return rem > half || (rem == half && f & 1 == 1) ? f + 1 : f
        case .stochastic: return rem > (Int64(draw) & ((Int64(1) << s) - 1)) ? f + 1 : f
        }
    }

    mutating func addRounded(_ w: Int64, _ d: Int64, _ draw: UInt32) -> Int64 {
        let inc = ReferenceCrossbar.roundDelta(d, shift: delta.fracBits - weight.fracBits, rounding, draw: draw)
        return FixedArithmetic.fit(Int128(w) + Int128(inc), frac: weight.fracBits, to: weight, rounding: .truncate, overflow: overflow,
                                   randomBits: 0, saturations: &saturations)
    }

    func fitCurrent(_ sum: Int64, _ sat: inout Int) -> Int32 {
        Int32(FixedArithmetic.fit(Int128(sum), frac: weight.fracBits, to: current, rounding: readRounding, overflow: .saturate,
                                  randomBits: 0, saturations: &sat))
    }

    /// Outputs of one clock (reads before writes), then the edge.
    mutating func clock(rowSpike: [Bool], colSpike: [Bool], rowDelta: [Int32]?, colDelta: [Int32]?, learn: Bool, apply: Bool)
        -> (colCurrent: [Int32], rowCurrent: [Int32]) {
        let R = (0..<rows).filter { rowSpike[$0] }, C = (0..<cols).filter { colSpike[$0] }
        var cc = [Int32](repeating: 0, count: cols), rc = [Int32](repeating: 0, count: rows)
        for j in 0..<cols { cc[j] = R.isEmpty ? 0 : fitCurrent(R.reduce(0) { $0 + w[$1 * cols + j] }, &saturations) }
        for i in 0..<rows { rc[i] = C.isEmpty ? 0 : fitCurrent(C.reduce(0) { $0 + w[i * cols + $1] }, &saturations) }
        rowReads += R.count * cols
        colReads += C.count * rows
        let stochastic = rounding == .stochastic && delta.fracBits > weight.fracBits
        func add(_ a: Int, _ d: Int32, _ draw: UInt32) {
            if deferred {
                shadow[a] = FixedArithmetic.add(shadow[a], delta, Int64(d), delta, to: delta, rounding: .truncate, overflow: .saturate,
                                                saturations: &saturations)
            } else {
                w[a] = addRounded(w[a], Int64(d), draw)
            }
        }
        if learn, let rd = rowDelta {
            for i in R {
                let dr = stochastic && !deferred ? bank.draws(cols) : Array(repeating: 0, count: cols)
                for j in 0..<cols { add(i * cols + j, rd[j], dr[j]) }
                rowWrites += cols
                if deferred { dirty[i] = true }
            }
        }
        if learn, let cd = colDelta {
            for j in C {
                let dr = stochastic && !deferred ? bank.draws(rows) : Array(repeating: 0, count: rows)
                for i in 0..<rows { add(i * cols + j, cd[i], dr[i]) }
                colWrites += rows
                if deferred { dirty = Array(repeating: true, count: rows) }
            }
        }
        if deferred && apply {
            for i in 0..<rows where dirty[i] {
                commitWords += cols
                let dr = stochastic ? bank.draws(cols) : Array(repeating: 0, count: cols)
                for j in 0..<cols {
                    let a = i * cols + j
                    w[a] = addRounded(w[a], shadow[a], dr[j])
                    shadow[a] = 0
                }
            }
            commits += 1
            dirty = Array(repeating: false, count: rows)
        }
        return (cc, rc)
    }
}

/// A deterministic PRNG for test stimulus (SplitMix64).
struct MCRandom {
    var s: UInt64
    init(_ seed: UInt64) { s = seed }
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ r: ClosedRange<Int64>) -> Int64 {
        r.lowerBound + Int64(next() % UInt64(r.upperBound - r.lowerBound + 1))
    }
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func bit(_ p: Double) -> Bool { unit() < p }
    mutating func raw(_ f: QFormat) -> Int32 { Int32(int(f.minRaw...f.maxRaw)) }
}
