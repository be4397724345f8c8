import FixedPoint
import HDL

/// Spike counter (netlist type `spike_counter`): counts the spikes of each lane while `enable` is
/// high, saturating at the top of the count format. Readout windows use it (output spike counts).
///
/// Formats: `spike` u1.0 per lane; `enable` u1.0, one lane shared by all (optional: when it is not
/// connected the counter always counts); `count` an unsigned integer format uW.0.
///
/// Per clock, per lane:
///
///     count' = SAT(count + ((enable != 0 and spike != 0) ? 1 : 0))    at most 2^W - 1, counted
///
/// Latency: registered; a spike at clock t is in `count` from clock t + 1. Reset clears the counts.
///
/// `bypass = true` (netlist parameter): `count` is combinational and shows `count'`, the value the
/// register takes at the edge, i.e. the counts including this clock's spike. Logic that decides in
/// the last clock of a counting window (the nudge unit's skip test, sampled by the phase controller
/// in clock t_free - 1 when readout_to = t_free) then sees the whole window, as docs/algorithm.md
/// defines it; with a registered count it would miss the window's last clock. The register itself
/// and its timing are the same in both modes; only the output is taken before or after it.
public final class SpikeCounter: Block {
    public let lanes: Int
    public let format: QFormat
    /// `count` shows count' (this clock's spike included) instead of the register.
    public let bypass: Bool

    public let spike: Port
    public let enable: Port
    public let count: Port

    private let countNext: LaneBuffer
    private let countTop: Int32
    /// The count register when `bypass` (the output port then carries count').
    private let held: LaneBuffer
    @exclusivity(unchecked) private var in_spike = BoundInput()
    @exclusivity(unchecked) private var in_enable = BoundInput()

    public init(name: String, lanes: Int, format: QFormat = QFormat(signed: false, intBits: 16, fracBits: 0),
                bypass: Bool = false) throws(ParameterError) {
        let declared = try SpikeCounter.interface(lanes: lanes, format: format, bypass: bypass)
        self.lanes = lanes
        self.format = format
        countNext = LaneBuffer(count: lanes)
        countTop = Int32(truncatingIfNeeded: format.maxRaw)
        self.bypass = bypass
        held = LaneBuffer(count: bypass ? lanes : 1)
        let ports = DeclaredPorts(declared)
        spike = ports["spike"]
        enable = ports["enable"]
        count = ports["count"]
        super.init(name: name, ports: ports)
        inputsBound()
    }

    /// The interface for these parameters, after every check the initialiser makes (it calls this).
    public static func interface(lanes: Int, format: QFormat, bypass: Bool) throws(ParameterError) -> BlockInterface {
        try NeuronPathChecks.lanes(lanes)
        try NeuronPathChecks.laneFormat(format, parameter: "count")
        guard !format.isSigned, format.fracBits == 0 else {
            throw ParameterError(parameter: "count", message: "a count needs an unsigned integer format such as u16.0, got \(format)")
        }
        return BlockInterface(
            ports: [.input("spike", lanes: lanes, format: .bit), .input("enable", lanes: 1, format: .bit, optional: true),
                    .output("count", lanes: lanes, format: format, timing: bypass ? .combinational : .registered)],
            storage: [StorageItem(name: "count", kind: .register, words: lanes, format: format)])
    }

    /// Takes the inputs' pointers: here, and again once the simulator has wired them.
    public override func inputsBound() {
        in_spike = BoundInput(spike)
        in_enable = BoundInput(enable)
    }

    public override var typeName: String { "spike_counter" }

    public override func reset() {
        count.storage.fill(0)
        countNext.fill(0)
        held.fill(0)
    }

    public override func evaluate() {
        let c = bypass ? held.base : count.storage.base, n = countNext.base
        defer { if bypass { count.storage.base.update(from: n, count: lanes) } }
        // An unconnected enable reads as "always counting"; a connected one is read once per clock.
        guard !in_enable.isConnected || in_enable.pointer[0] != 0 else {
            n.update(from: c, count: lanes)
            return
        }
        let s = in_spike.pointer, top = countTop
        var sat = 0
        for i in 0..<lanes {
            let ci = c[i]
            if s[i] == 0 {
                n[i] = ci
            } else if ci < top {
                n[i] = ci + 1
            } else {
                n[i] = ci
                sat &+= 1
            }
        }
        saturations &+= sat
    }

    public override func commit() {
        (bypass ? held.base : count.storage.base).update(from: countNext.base, count: lanes)
    }

}

extension SpikeCounter {
    /// The netlist type (parameters, interface, cycle model).
    public static let blockType = BlockType(
        name: "spike_counter",
        doc: "spike counter: count' = sat(count + (enable and spike)); enable optional (unconnected = always)",
        parameters: [
            lanesSpec,
            Spec("count", .format, default: fmt("u16.0"), doc: "unsigned integer format of the counts"),
            Spec("bypass", .bool, default: .bool(false),
                 doc: "true: count is combinational and shows count' (this clock's spike included), so logic deciding in a window's last clock sees the whole window"),
        ],
        interface: { p throws(ParameterError) in
            try SpikeCounter.interface(lanes: p.int("lanes"), format: p.format("count"), bypass: p.bool("bypass"))
        },
        cycleModel: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
            try SpikeCounter(name: name, lanes: p.int("lanes"), format: p.format("count"), bypass: p.bool("bypass"))
        })
}
