import FixedPoint
import HDL

/// `bias`: a learned value per lane (a small memory), read as a registered output, updated by a
/// delta vector.
///
/// Notation: `b[k]` raw value (format `weight`, `fw` fraction bits), `fd` fraction bits of
/// `delta`, s = fd - fw. `learn` and `apply` read 0 when unconnected; an unconnected `delta`
/// disables updates.
///
/// **Clock t**: `value[k] = b[k]` (registered: no combinational path from any input).
///
/// **Edge at the end of t**, immediate mode (`update = immediate`), if `learn(t) = 1`, for
/// k = 0, 1, ... lanes-1 in order:
///
///     b[k] = fitw(b[k] + rnd(delta[k]))
///
/// Deferred mode: if `learn(t) = 1`, `S[k] = clamp(S[k] + delta[k])` in the delta format (no
/// rounding, saturating, counted); then, if `apply(t) = 1` (same edge, after that clock's own
/// increment), for every k in order: `b[k] = fitw(b[k] + rnd(S[k]))`, `S[k] = 0`.
///
/// `rnd(d)`: `d * 2^(fw-fd)` exact when s <= 0, else `floor(d / 2^s) + bit` with bit from
/// `rounding`: truncate 0; nearest bit s-1 of d (ties towards +inf); nearestEven (rem > half) or
/// (rem == half and floor odd); stochastic (rem > (r mod 2^s)), rem = d mod 2^s, r the lane's draw.
/// `fitw`: saturate (clamp to the weight range) or wrap (low width bits), counted in `saturations`.
///
/// Stochastic draws: one `LFSR32` (seeded `MemCtl.streamSeed(seed, 0)`), stepped once per
/// written lane, in lane order, only for updates that round (s > 0). It is not re-seeded by
/// `reset()` (host: `reseed(_:)`).
///
/// reset(): clears pending requests only. The values and the shadow are memory: they survive
/// reset (host: `load(values:)`, `clearShadow()`).
///
/// Counters: `writes` (lane words written by updates: into the shadow in deferred mode),
/// `shadow_commits` (apply edges), `saturations`.
public final class Bias: Block {
    public let lanes: Int
    public let weightFormat: QFormat
    public let deltaFormat: QFormat
    public let rounding: Rounding
    public let overflow: Overflow
    public let updateMode: Crossbar.UpdateMode

    public let delta: Port
    public let learn: Port
    public let apply: Port
    public let value: Port

    private let deltaCopy: LaneBuffer
    private let shadow: LaneBuffer?
    @exclusivity(unchecked) private var pendingLearn = false
    @exclusivity(unchecked) private var pendingApply = false
    @exclusivity(unchecked) private var rng: LFSR32
    private let shift: Int
    /// Shadow accumulation in Int32 lanes (the delta format lies within +-2^30).
    private let fastShadow: Bool
    private let deltaLo: Int32, deltaHi: Int32
    @exclusivity(unchecked) private var in_delta = BoundInput()
    @exclusivity(unchecked) private var in_learn = BoundInput()
    @exclusivity(unchecked) private var in_apply = BoundInput()

    @exclusivity(unchecked) public private(set) var writes = 0
    @exclusivity(unchecked) public private(set) var shadowCommits = 0

    public init(name: String, lanes: Int, weight: QFormat, delta: QFormat, rounding: Rounding = .nearest,
                overflow: Overflow = .saturate, update: Crossbar.UpdateMode = .immediate, seed: UInt32 = 1) {
        precondition(lanes >= 1)
        precondition(Bias.updateModes.contains(update), "a bias is updated immediate or deferred, not \(update.rawValue)")
        self.lanes = lanes
        weightFormat = weight
        deltaFormat = delta
        self.rounding = rounding
        self.overflow = overflow
        updateMode = update
        shift = delta.fracBits - weight.fracBits
        deltaCopy = LaneBuffer(count: lanes)
        shadow = update == .deferred ? LaneBuffer(count: lanes) : nil
        rng = LFSR32(seed: MemCtl.streamSeed(seed, 0))
        fastShadow = delta.minRaw >= -(1 << 30) && delta.maxRaw <= (1 << 30)
        deltaLo = Int32(truncatingIfNeeded: delta.minRaw)
        deltaHi = Int32(truncatingIfNeeded: delta.maxRaw)
        let ports = DeclaredPorts(Bias.interface(lanes: lanes, weight: weight, delta: delta, rounding: rounding, update: update))
        self.delta = ports["delta"]
        learn = ports["learn"]
        apply = ports["apply"]
        value = ports["value"]
        super.init(name: name, ports: ports)
        inputsBound()
    }

    /// The interface for these parameters (checked by the netlist type, see `blockType`).
    public static func interface(lanes: Int, weight: QFormat, delta: QFormat, rounding: Rounding, update: Crossbar.UpdateMode) -> BlockInterface {
        var storage = [StorageItem(name: "value", kind: .register, words: lanes, format: weight)]
        var persistent = [PersistentDeclaration("values", words: lanes, format: weight)]
        if update == .deferred {
            storage.append(StorageItem(name: "shadow", kind: .register, words: lanes, format: delta))
            persistent.append(PersistentDeclaration("shadow", words: lanes, format: delta))
        }
        if rounding == .stochastic { storage.append(StorageItem(name: "lfsr", kind: .register, words: 1, wordBits: 32)) }
        persistent.append(PersistentDeclaration("lfsr", words: 1))
        return BlockInterface(
            ports: [.input("delta", lanes: lanes, format: delta, optional: true), .input("learn", lanes: 1, format: .bit, optional: true),
                    .input("apply", lanes: 1, format: .bit, optional: true), .output("value", lanes: lanes, format: weight, timing: .registered)],
            storage: storage, persistent: persistent)
    }

    /// Takes the inputs' pointers: here, and again once the simulator has wired them.
    public override func inputsBound() {
        in_delta = BoundInput(delta)
        in_learn = BoundInput(learn)
        in_apply = BoundInput(apply)
    }

    public override var typeName: String { "bias" }

    public override func reset() {
        pendingLearn = false
        pendingApply = false
    }

    public override func evaluate() {
        pendingLearn = in_delta.isConnected && in_learn.isConnected && in_learn.pointer[0] != 0
        if pendingLearn { deltaCopy.base.update(from: in_delta.pointer, count: lanes) }
        pendingApply = shadow != nil && in_apply.isConnected && in_apply.pointer[0] != 0
    }

    public override func commit() {
        let n = lanes
        var sat = 0
        let stochastic = rounding == .stochastic && shift > 0
        if pendingLearn {
            let d = deltaCopy.base
            if let s = shadow?.base, fastShadow {
                sat &+= XbarKernel.accumulate(s, d, count: n, lo: deltaLo, hi: deltaHi)
            } else if let s = shadow?.base {
                var k = 0
                while k < n {
                    s[k] = Int32(truncatingIfNeeded: Fixed.applyOverflow(Int64(s[k]) + Int64(d[k]), format: deltaFormat,
                                                                         mode: .saturate, saturations: &sat))
                    k &+= 1
                }
            } else {
                addRounded(d, stochastic: stochastic, saturations: &sat)
            }
            writes &+= n
            pendingLearn = false
        }
        if pendingApply, let s = shadow?.base {
            addRounded(s, stochastic: stochastic, saturations: &sat)
            s.update(repeating: 0, count: n)
            shadowCommits &+= 1
            pendingApply = false
        }
        if sat != 0 { saturations &+= sat }
    }

    @inline(__always)
    private func addRounded(_ d: UnsafeMutablePointer<Int32>, stochastic: Bool, saturations sat: inout Int) {
        let b = value.storage.base
        var r = rng
        var k = 0
        while k < lanes {
            let draw = stochastic ? r.next() : 0
            b[k] = MemCtl.addRounded(b[k], d[k], shift: shift, rounding: rounding, draw: draw,
                                     format: weightFormat, overflow: overflow, saturations: &sat)
            k &+= 1
        }
        rng = r
    }

    // MARK: Host

    /// Loads raw values (each within the weight format).
    public func load(values raw: [Int32]) throws(MemoryLoadError) {
        try MemCtl.checkRaw(raw, count: lanes, format: weightFormat, what: "values", block: name)
        value.set(raw)
    }

    /// Loads real values quantised with `rounding`, saturating; returns the number saturated.
    @discardableResult
    public func load(values reals: [Double], rounding: Rounding = .nearest, seed: UInt32 = 1) throws(MemoryLoadError) -> Int {
        guard reals.count == lanes else { throw MemoryLoadError(block: name, message: "values needs \(lanes) values, got \(reals.count)") }
        let (raw, sat) = try MemCtl.quantizeAll(reals, to: weightFormat, rounding: rounding, seed: seed, block: name)
        try load(values: raw)
        return sat
    }

    public var values: [Int32] { value.values }
    public var realValues: [Double] { (0..<lanes).map { value.real($0) } }
    /// The shadow (deferred mode; empty in immediate mode).
    public var shadowValues: [Int32] { shadow?.array ?? [] }
    public func clearShadow() { shadow?.fill(0) }
    public func reseed(_ seed: UInt32) { rng = LFSR32(seed: MemCtl.streamSeed(seed, 0)) }
    public var randomState: UInt32 { rng.state }

    public override var counters: [(name: String, value: Int)] {
        [("writes", writes), ("shadow_commits", shadowCommits), ("saturations", saturations)]
    }

    public override func clearCounters() {
        super.clearCounters()
        writes = 0
        shadowCommits = 0
    }

    /// `values`, `shadow` (deferred mode) and `lfsr` (one state).
    public override var persistentState: [(name: String, values: [Int32])] {
        var out: [(name: String, values: [Int32])] = [("values", values)]
        if shadow != nil { out.append(("shadow", shadowValues)) }
        out.append(("lfsr", [Int32(bitPattern: rng.state)]))
        return out
    }

    public override func restorePersistentState(name: String, values: [Int32]) throws(HDLError) {
        do throws(MemoryLoadError) {
            switch name {
            case "values":
                try load(values: values)
                return
            case "shadow" where shadow != nil:
                try MemCtl.checkRaw(values, count: lanes, format: deltaFormat, what: "shadow", block: self.name)
                for k in 0..<lanes { shadow![k] = values[k] }
                return
            case "lfsr":
                guard values.count == 1, values[0] != 0 else { throw MemoryLoadError(block: self.name, message: "lfsr needs one non-zero state") }
                rng.state = UInt32(bitPattern: values[0])
                return
            default: break
            }
        } catch {
            throw .connection(error.description)
        }
        throw .connection("block \(self.name) has no persistent state named '\(name)'")
    }

    /// The crossbar's modes a bias supports (`rank1` factors a crossbar's row update; a bias has none).
    public static let updateModes: [Crossbar.UpdateMode] = [.immediate, .deferred]

    public static let blockType = BlockType(
        name: "bias",
        doc: "learned value per lane (registered output, memory: kept by reset); learn=1 adds the rounded delta at the edge (immediate) or into a shadow committed on apply (deferred)",
        parameters: [
            MemCtl.lanesSpec(),
            ParameterSpec("weight", .format, default: .format(QFormat(signed: true, intBits: 2, fracBits: 14)), doc: "format of the stored value (the output)"),
            ParameterSpec("delta", .format, default: .format(QFormat(signed: true, intBits: 1, fracBits: 23)), doc: "format of the delta input and the shadow"),
            .rounding("rounding", default: .nearest, doc: "delta -> value LSB rounding"),
            .overflow("overflow", default: .saturate, doc: "what an update does past the value range"),
            ParameterSpec("update", .choice(Bias.updateModes.map(\.rawValue)), default: .word("immediate"),
                          doc: "immediate: update at the edge; deferred: accumulate in a shadow, commit on apply"),
            MemCtl.seedSpec(doc: "seed of the LFSR32 of stochastic rounding"),
        ],
        interface: { p throws(ParameterError) in
            let weight = p.format("weight"), delta = p.format("delta"), rounding = p.rounding("rounding")
            try MemCtl.checkStochastic(rounding, weight: weight, delta: delta)
            return Bias.interface(lanes: p.int("lanes"), weight: weight, delta: delta, rounding: rounding,
                                  update: Crossbar.UpdateMode(rawValue: p.word("update"))!)
        },
        cycleModel: { (name, p) throws(ParameterError) -> Block in
            let weight = p.format("weight"), delta = p.format("delta"), rounding = p.rounding("rounding")
            return Bias(name: name, lanes: p.int("lanes"), weight: weight, delta: delta, rounding: rounding,
                        overflow: p.overflow("overflow"), update: Crossbar.UpdateMode(rawValue: p.word("update"))!,
                        seed: UInt32(p.int("seed")))
        })
}
