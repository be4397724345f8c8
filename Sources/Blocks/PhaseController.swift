import FixedPoint
import HDL

/// `phase_controller`: sequences one image: free phase, readout window, optional nudge phase, done.
///
/// State: `clock` t (u31.0, clocks since reset, saturating at 2^31 - 1) and phase P (0 free,
/// 1 nudge, 2 done). Host flag `train` (read in evaluate). Input `skip` (1 bit, unconnected = 0).
/// Every output is a register (valid from the start of the clock, no combinational path), and
/// each is a function of (P, t) alone:
///
///     phase        = P
///     nudge        = P == 1
///     learn        = P == 1 and train           (train as the host set it at the previous edge)
///     count_enable = P == 0 and readout_from <= t < readout_to
///     apply        = P == 1 and t == t_free + t_nudge - 1     (last nudge clock)
///     done         = P == 2
///
/// Reset: t = 0, P = 0 (outputs as above for (0, 0)). Edge at the end of clock t:
///
///     t' = min(t + 1, 2^31 - 1)
///     P' = P == 0 and t == t_free - 1 :  (train and skip == 0 and t_nudge > 0) ? 1 : 2
///          P == 1 and t == t_free + t_nudge - 1 :  2
///          otherwise P
///
/// So, per image: clocks 0 ... t_free-1 are free (count_enable high in readout_from ...
/// readout_to-1); `skip` is sampled only in clock t_free-1; if nudged, clocks t_free ...
/// t_free+t_nudge-1 have nudge = learn = 1 and `apply` is high in the last one, so a deferred
/// crossbar or bias commits its shadow (including that clock's own increments) at the edge that
/// ends the nudge phase; `done` is high from clock t_free (skipped) or t_free + t_nudge (nudged)
/// on, until reset. When the nudge is skipped (or train is false) `apply` is never raised: nothing
/// was accumulated, since `learn` was low for the whole image. (A registered `apply` could not
/// depend on the `skip` sampled in the same clock anyway.)
///
/// Note on the skip sample: a registered spike counter holds, in clock t_free-1, the counts of
/// clocks readout_from ... t_free-2 only. With readout_to = t_free the skip logic needs the whole
/// window, so the designs set the counter's `bypass` (its output adds the spike of the current
/// clock combinationally): the skip decision and the final readout then see the same counts.
public final class PhaseController: Block {
    public enum Phase: Int32, Sendable { case free = 0, nudge = 1, done = 2 }

    public let tFree: Int
    public let tNudge: Int
    public let readoutFrom: Int
    public let readoutTo: Int
    /// Host flag: run the nudge phase (unless skipped). Read at each edge.
    @exclusivity(unchecked) public var train = false

    public let skip: Port
    public let phase: Port
    public let nudge: Port
    public let learn: Port
    public let countEnable: Port
    public let apply: Port
    public let done: Port
    public let clock: Port

    @exclusivity(unchecked) private var nextClock: Int32 = 0
    @exclusivity(unchecked) private var nextPhase: Phase = .free
    @exclusivity(unchecked) private var currentPhase: Phase = .free
    /// True once this image entered the nudge phase (cleared by reset).
    @exclusivity(unchecked) public private(set) var nudgedThisImage = false
    @exclusivity(unchecked) private var in_skip = BoundInput()

    public static let phaseFormat = QFormat(signed: false, intBits: 2, fracBits: 0)
    /// The names waveform viewers show for the `phase` output's values.
    public static let phaseNames: [Int32: String] = [Phase.free.rawValue: "free", Phase.nudge.rawValue: "nudge", Phase.done.rawValue: "done"]
    public static let clockFormat = QFormat(signed: false, intBits: 31, fracBits: 0)

    public init(name: String, tFree: Int, tNudge: Int, readoutFrom: Int, readoutTo: Int) {
        precondition(tFree >= 1 && tNudge >= 0 && readoutFrom >= 0 && readoutFrom < readoutTo && readoutTo <= tFree)
        precondition(tFree + tNudge < Int(Int32.max))
        self.tFree = tFree
        self.tNudge = tNudge
        self.readoutFrom = readoutFrom
        self.readoutTo = readoutTo
        let ports = DeclaredPorts(PhaseController.interface)
        skip = ports["skip"]
        phase = ports["phase"]
        nudge = ports["nudge"]
        learn = ports["learn"]
        countEnable = ports["count_enable"]
        apply = ports["apply"]
        done = ports["done"]
        clock = ports["clock"]
        super.init(name: name, ports: ports)
        inputsBound()
        reset()
    }

    /// The interface (the same for every parameter set).
    public static let interface = BlockInterface(
        ports: [.input("skip", lanes: 1, format: .bit, optional: true),
                .output("phase", lanes: 1, format: phaseFormat, timing: .registered).naming(phaseNames), .output("nudge", lanes: 1, format: .bit, timing: .registered),
                .output("learn", lanes: 1, format: .bit, timing: .registered), .output("count_enable", lanes: 1, format: .bit, timing: .registered),
                .output("apply", lanes: 1, format: .bit, timing: .registered), .output("done", lanes: 1, format: .bit, timing: .registered),
                .register("clock", lanes: 1, format: clockFormat)],
        // The clock counter and the 2-bit phase; the other outputs decode from them (kept as flops here).
        storage: [StorageItem(name: "clock", kind: .register, words: 1, wordBits: 31), StorageItem(name: "phase", kind: .register, words: 1, wordBits: 2),
                  StorageItem(name: "flags", kind: .register, words: 1, wordBits: 5)])

    /// Takes the inputs' pointers: here, and again once the simulator has wired them.
    public override func inputsBound() {
        in_skip = BoundInput(skip)
    }

    public override var typeName: String { "phase_controller" }

    /// The phase of the current clock.
    public var currentPhaseValue: Phase { currentPhase }
    public var isDone: Bool { currentPhase == .done }
    /// Clocks since reset.
    public var clockCount: Int { Int(clock.storage.base[0]) }

    public override func reset() {
        currentPhase = .free
        nudgedThisImage = false
        nextPhase = .free
        nextClock = 0
        setOutputs(phase: .free, clock: 0)
    }

    @inline(__always)
    private func setOutputs(phase p: Phase, clock t: Int32) {
        let t = Int(t)
        clock.storage.base[0] = Int32(t)
        phase.storage.base[0] = p.rawValue
        nudge.storage.base[0] = p == .nudge ? 1 : 0
        learn.storage.base[0] = p == .nudge && train ? 1 : 0
        countEnable.storage.base[0] = p == .free && t >= readoutFrom && t < readoutTo ? 1 : 0
        apply.storage.base[0] = p == .nudge && t == tFree + tNudge - 1 ? 1 : 0
        done.storage.base[0] = p == .done ? 1 : 0
    }

    public override func evaluate() {
        let t = Int(clock.storage.base[0])
        nextClock = t < Int(Int32.max) ? Int32(t + 1) : Int32.max
        switch currentPhase {
        case .free:
            if t == tFree - 1 {
                let skipped = in_skip.isConnected && in_skip.pointer[0] != 0
                nextPhase = train && !skipped && tNudge > 0 ? .nudge : .done
            } else {
                nextPhase = .free
            }
        case .nudge:
            nextPhase = t == tFree + tNudge - 1 ? .done : .nudge
        case .done:
            nextPhase = .done
        }
    }

    public override func commit() {
        currentPhase = nextPhase
        if nextPhase == .nudge { nudgedThisImage = true }
        setOutputs(phase: nextPhase, clock: nextClock)
    }

    public static let blockType = BlockType(
        name: "phase_controller",
        doc: "per-image sequencer: free phase (t_free clocks, count_enable in [readout_from, readout_to)), then, if the host's train flag is set and skip was 0 in the last free clock, a nudge phase (t_nudge clocks: nudge, learn; apply in its last clock), then done",
        parameters: [
            ParameterSpec("t_free", .int(1...1_000_000_000), default: .int(100), doc: "free-phase length in clocks"),
            ParameterSpec("t_nudge", .int(0...1_000_000_000), default: .int(100), doc: "nudge-phase length in clocks (0: never nudge)"),
            ParameterSpec("readout_from", .int(0...1_000_000_000), default: .int(50), doc: "first clock of the readout window"),
            ParameterSpec("readout_to", .int(1...1_000_000_000), default: .int(100), doc: "end (exclusive) of the readout window, <= t_free"),
        ],
        interface: { p throws(ParameterError) in
            let tFree = p.int("t_free"), tNudge = p.int("t_nudge"), from = p.int("readout_from"), to = p.int("readout_to")
            guard from < to else {
                throw ParameterError(parameter: "readout_from", message: "readout window [\(from), \(to)) is empty: readout_from must be < readout_to")
            }
            guard to <= tFree else {
                throw ParameterError(parameter: "readout_to", message: "readout_to = \(to) is beyond the free phase (t_free = \(tFree)); it must be <= t_free")
            }
            guard tFree + tNudge < Int(Int32.max) else {
                throw ParameterError(parameter: "t_nudge", message: "t_free + t_nudge must be < 2^31 - 1 (the clock register)")
            }
            return PhaseController.interface
        },
        cycleModel: { (name, p) throws(ParameterError) -> Block in
            PhaseController(name: name, tFree: p.int("t_free"), tNudge: p.int("t_nudge"), readoutFrom: p.int("readout_from"),
                            readoutTo: p.int("readout_to"))
        })
}
