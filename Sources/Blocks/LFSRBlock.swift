import FixedPoint
import HDL

/// `lfsr`: a bank of independent 32-bit LFSRs (FixedPoint's `LFSR32`, xorshift form), one per
/// lane, as a random source for other blocks (e.g. Bernoulli encoders, dithering).
///
/// Register `state[k]` (32 bits per lane, shown as s32.0: the raw bit pattern). Output `bits[k]`
/// (u31.0, registered) = state[k] >> 1 (the top 31 bits: a uniform integer in [0, 2^31), which
/// fits the model's signed 32-bit lanes).
///
///     state[k] at construction = LFSR32(seed: MemCtl.streamSeed(seed, k)).state
///                                (streamSeed: MurmurHash3 fmix32 of seed + 0x9E3779B9 * (k + 1))
///     edge:  state[k]' = xorshift(state[k]) : x ^= x << 13; x ^= x >> 17; x ^= x << 5  (mod 2^32)
///     bits[k] = state[k] >> 1
///
/// reset(): by default the streams run on (an LFSR's state is not cleared per image, so images do
/// not replay the same random bits); with `reseed_on_reset = true` reset reloads the construction
/// state. The crossbar and bias blocks do not use this block: each has its own internal LFSR32
/// source for stochastic rounding (see their docs).
public final class LFSRBlock: Block {
    public let lanes: Int
    public let seed: UInt32
    public let reseedOnReset: Bool

    public let bits: Port
    public let state: Port
    private let next: LaneBuffer

    public static let bitsFormat = QFormat(signed: false, intBits: 31, fracBits: 0)
    public static let stateFormat = QFormat(signed: true, intBits: 32, fracBits: 0)

    public init(name: String, lanes: Int, seed: UInt32 = 1, reseedOnReset: Bool = false) {
        precondition(lanes >= 1)
        self.lanes = lanes
        self.seed = seed
        self.reseedOnReset = reseedOnReset
        next = LaneBuffer(count: lanes)
        let ports = DeclaredPorts(LFSRBlock.interface(lanes: lanes))
        bits = ports["bits"]
        state = ports["state"]
        super.init(name: name, ports: ports)
        reseed(seed)
    }

    /// The interface for these parameters.
    public static func interface(lanes: Int) -> BlockInterface {
        BlockInterface(ports: [.output("bits", lanes: lanes, format: bitsFormat, timing: .registered), .register("state", lanes: lanes, format: stateFormat)],
                       persistent: [PersistentDeclaration("state", words: lanes)])
    }

    public override var typeName: String { "lfsr" }

    /// Reloads every lane's construction state for `seed`.
    public func reseed(_ seed: UInt32) {
        let s = state.pointer, b = bits.pointer
        for k in 0..<lanes {
            let x = LFSR32(seed: MemCtl.streamSeed(seed, k)).state
            s[k] = Int32(bitPattern: x)
            b[k] = Int32(bitPattern: x >> 1)
        }
    }

    public override func reset() {
        if reseedOnReset { reseed(seed) }
    }

    public override func evaluate() {
        let s = state.pointer, n = next.base
        var k = 0
        while k < lanes {
            var x = UInt32(bitPattern: s[k])
            x ^= x << 13
            x ^= x >> 17
            x ^= x << 5
            n[k] = Int32(bitPattern: x)
            k &+= 1
        }
    }

    public override func commit() {
        let s = state.pointer, b = bits.pointer, n = next.base
        var k = 0
        while k < lanes {
            s[k] = n[k]
            b[k] = Int32(bitPattern: UInt32(bitPattern: n[k]) >> 1)
            k &+= 1
        }
    }

    /// `state` (the lane states, as bit patterns).
    public override var persistentState: [(name: String, values: [Int32])] { [("state", state.values)] }

    public override func restorePersistentState(name: String, values: [Int32]) throws(HDLError) {
        guard name == "state" else { throw .connection("block \(self.name) has no persistent state named '\(name)'") }
        guard values.count == lanes, !values.contains(0) else {
            throw .connection("block \(self.name): state needs \(lanes) non-zero values")
        }
        let s = state.pointer, b = bits.pointer
        for k in 0..<lanes {
            s[k] = values[k]
            b[k] = Int32(bitPattern: UInt32(bitPattern: values[k]) >> 1)
        }
    }

    public static let blockType = BlockType(
        name: "lfsr",
        doc: "bank of LFSR32 random sources, one per lane; bits = state >> 1 (u31.0), registered",
        parameters: [
            MemCtl.lanesSpec(),
            MemCtl.seedSpec(doc: "seed; lane k starts from MurmurHash3-fmix32(seed + 0x9E3779B9 * (k + 1))"),
            ParameterSpec("reseed_on_reset", .bool, default: .bool(false), doc: "reload the seeded state on reset (default: free-running)"),
        ],
        interface: { p throws(ParameterError) in LFSRBlock.interface(lanes: p.int("lanes")) },
        cycleModel: { (name, p) throws(ParameterError) -> Block in
            LFSRBlock(name: name, lanes: p.int("lanes"), seed: UInt32(p.int("seed")), reseedOnReset: p.bool("reseed_on_reset"))
        })
}
