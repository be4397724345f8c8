import FixedPoint
import HDL

/// A host-side load into a block's memory or register was rejected (wrong size, value outside the
/// format, non-finite real). Nothing is changed when it is thrown.
public struct MemoryLoadError: Error, Equatable, CustomStringConvertible {
    public let block: String
    public let message: String
    public init(block: String, message: String) {
        self.block = block
        self.message = message
    }
    public var description: String { "\(block): \(message)" }
}

/// Shared rules of the memory and control blocks (internal).
enum MemCtl {
    /// Seed of random stream `k` of a block seeded with `seed`: MurmurHash3's 32-bit finaliser of
    /// `seed + 0x9E3779B9 * (k + 1)` (all arithmetic mod 2^32). In hardware this is a constant per
    /// LFSR, fixed at elaboration. A result of 0 is mapped by `LFSR32` to its fixed non-zero state.
    @inline(__always)
    static func streamSeed(_ seed: UInt32, _ k: Int) -> UInt32 {
        var z = seed &+ 0x9E37_79B9 &* UInt32(truncatingIfNeeded: k &+ 1)
        z = (z ^ (z >> 16)) &* 0x85EB_CA6B
        z = (z ^ (z >> 13)) &* 0xC2B2_AE35
        z ^= z >> 16
        return z
    }

    /// The parameter spec for a seed (0 ... 2^32 - 1).
    static func seedSpec(doc: String) -> ParameterSpec {
        ParameterSpec("seed", .int(0...0xFFFF_FFFF), default: .int(1), doc: doc)
    }

    static func lanesSpec(_ doc: String = "number of lanes (units) in the bank") -> ParameterSpec {
        ParameterSpec("lanes", .int(1...1_000_000), doc: doc)
    }

    /// `w + round(delta)` for one word, the reference rule of every learned memory:
    /// `round(delta)` re-expresses `delta` (with `shift` = delta fraction bits - weight fraction
    /// bits more fraction bits) in weight LSBs with `rounding` (`Fixed.shiftRightRounded`, the
    /// stochastic draw's low `shift` bits compared with the dropped bits), exact when `shift <= 0`;
    /// the sum is then saturated or wrapped to `format` and counted. Exact in Int64 for all
    /// formats of up to 32 bits.
    @inline(__always)
    static func addRounded(_ w: Int32, _ delta: Int32, shift: Int, rounding: Rounding, draw: UInt32,
                           format: QFormat, overflow: Overflow, saturations: inout Int) -> Int32 {
        let inc = Fixed.shiftRightRounded(Int64(delta), by: shift, rounding: rounding, randomBits: UInt64(draw))
        return Int32(truncatingIfNeeded: Fixed.applyOverflow(Int64(w) + inc, format: format, mode: overflow, saturations: &saturations))
    }

    /// Parses the `update` choice.
    static func isDeferred(_ p: BlockParameters) -> Bool { p.word("update") == "deferred" }

    static func checkStochastic(_ rounding: Rounding, weight: QFormat, delta: QFormat, weightName: String = "weight",
                                rank1: Bool = false) throws(ParameterError) {
        if rounding == .stochastic && delta.fracBits <= weight.fracBits {
            // The rank-1 commit also divides by the clock count, which drops bits; its stochastic
            // draw is defined on the delta's extra fraction bits, so it needs them as well.
            let why = rank1
                ? "there are none for the rank-1 commit's draw (it divides by the clock count, so it is not exact); use nearest, which rounds n * A / T exactly"
                : "the conversion is exact, use truncate"
            throw ParameterError(parameter: "rounding",
                                 message: "stochastic rounding needs delta (\(delta)) to have more fraction bits than \(weightName) (\(weight)); with \(delta.fracBits) <= \(weight.fracBits) \(why)")
        }
    }

    static func quantizeAll(_ values: [Double], to format: QFormat, rounding: Rounding, seed: UInt32,
                            block: String) throws(MemoryLoadError) -> (raw: [Int32], saturated: Int) {
        var rng = LFSR32(seed: streamSeed(seed, 0x4C4F_4144))
        var sat = 0
        var out = [Int32](repeating: 0, count: values.count)
        for (i, v) in values.enumerated() {
            do {
                out[i] = Int32(truncatingIfNeeded: try Fixed.quantize(v, to: format, rounding: rounding, overflow: .saturate, rng: &rng, saturations: &sat))
            } catch {
                throw MemoryLoadError(block: block, message: "value \(i) is not finite (\(v))")
            }
        }
        return (out, sat)
    }

    static func checkRaw(_ values: [Int32], count: Int, format: QFormat, what: String, block: String) throws(MemoryLoadError) {
        guard values.count == count else {
            throw MemoryLoadError(block: block, message: "\(what) needs \(count) values, got \(values.count)")
        }
        if let i = values.firstIndex(where: { !format.contains(raw: Int64($0)) }) {
            throw MemoryLoadError(block: block, message: "\(what)[\(i)] = \(values[i]) is outside \(format) (\(format.minRaw)...\(format.maxRaw))")
        }
    }
}
