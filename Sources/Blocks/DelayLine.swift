import FixedPoint
import HDL

/// Delay shift register (netlist type `delay`): `delayed(t) = x(t - depth)`, 0 for t < depth.
/// In the estimator it gives Vd(t) = V(t - tau).
///
/// Hardware: `depth` stages of `lanes` words in the same format as the input; the output is the
/// last stage. No arithmetic, so no rounding and no overflow. Modelled as a ring of `depth` slots
/// of `lanes` words (slot-major, so each clock moves whole contiguous slots):
///
///     evaluate:  ring[head] = x(t)          (that slot's old word, x(t - depth), is already the
///                                            current output, so nothing live is overwritten)
///     commit:    head = (head + 1) mod depth
///                delayed = ring[head]       = x(t + 1 - depth), the next clock's output
///
/// Latency: exactly `depth` clocks (depth = 1 is a plain D register).
/// Reset clears every stage and the output.
public final class DelayLine: Block {
    public let lanes: Int
    public let depth: Int
    public let format: QFormat

    public let x: Port
    public let delayed: Port

    private let ring: LaneBuffer
    @exclusivity(unchecked) private var in_x = BoundInput()
    @exclusivity(unchecked) private var head = 0

    /// The largest ring the model allocates (words = depth * lanes).
    public static let maxWords = 1 << 28

    public init(name: String, lanes: Int, depth: Int = 20,
                format: QFormat = QFormat(signed: false, intBits: 4, fracBits: 12)) throws(ParameterError) {
        let declared = try DelayLine.interface(lanes: lanes, depth: depth, format: format)
        self.lanes = lanes
        self.depth = depth
        self.format = format
        ring = LaneBuffer(count: depth * lanes)
        let ports = DeclaredPorts(declared)
        x = ports["x"]
        delayed = ports["delayed"]
        super.init(name: name, ports: ports)
        inputsBound()
    }

    /// The interface for these parameters, after every check the initialiser makes (it calls this).
    public static func interface(lanes: Int, depth: Int, format: QFormat) throws(ParameterError) -> BlockInterface {
        try NeuronPathChecks.lanes(lanes)
        try NeuronPathChecks.laneFormat(format, parameter: "format")
        guard (1...65536).contains(depth) else {
            throw ParameterError(parameter: "depth", message: "depth (tau) must be in 1...65536, got \(depth)")
        }
        guard depth * lanes <= DelayLine.maxWords else {
            throw ParameterError(parameter: "depth", message: "depth \(depth) x lanes \(lanes) = \(depth * lanes) words exceeds the model's limit of \(DelayLine.maxWords)")
        }
        return BlockInterface(
            ports: [.input("x", lanes: lanes, format: format), .output("delayed", lanes: lanes, format: format, timing: .registered)],
            storage: [StorageItem(name: "stages", kind: .delayLine, words: lanes * depth, format: format)])
    }

    /// Takes the inputs' pointers: here, and again once the simulator has wired them.
    public override func inputsBound() {
        in_x = BoundInput(x)
    }

    public override var typeName: String { "delay" }

    public override func reset() {
        ring.fill(0)
        head = 0
        delayed.storage.fill(0)
    }

    public override func evaluate() {
        (ring.base + head * lanes).update(from: in_x.pointer, count: lanes)
    }

    public override func commit() {
        head = head + 1 == depth ? 0 : head + 1
        delayed.storage.base.update(from: ring.base + head * lanes, count: lanes)
    }

}

extension DelayLine {
    /// The netlist type (parameters, interface, cycle model).
    public static let blockType = BlockType(
        name: "delay",
        doc: "delay shift register: delayed(t) = x(t - depth), 0 before",
        parameters: [
            lanesSpec,
            Spec("depth", .int(1...65536), default: .int(20), doc: "tau, in clocks"),
            Spec("format", .format, default: fmt("u4.12"), doc: "format of input and output"),
        ],
        interface: { p throws(ParameterError) in
            try DelayLine.interface(lanes: p.int("lanes"), depth: p.int("depth"), format: p.format("format"))
        },
        cycleModel: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
            try DelayLine(name: name, lanes: p.int("lanes"), depth: p.int("depth"), format: p.format("format"))
        })
}
