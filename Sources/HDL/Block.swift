import FixedPoint

/// A clocked hardware block: a bank of `lanes` identical units with ports and state registers.
///
/// The simulator calls, per clock: `evaluate()` for every block in topological order, then
/// `commit()` for every block (the clock edge). Rules a block follows (two-phase commit):
/// - `evaluate()` computes combinational outputs from inputs and current registers, and computes
///   next register values into private storage; it must not change any registered output or any
///   state another block can read.
/// - `commit()` moves next values into current ones; it must not read inputs (other blocks may
///   already have committed).
/// - `reset()` puts every register at its reset value.
/// Subclasses are `final`, keep lanes in `LaneBuffer`s and use raw pointers in their loops, so a
/// clock costs one virtual call per block and no allocation.
open class Block {
    public let name: String
    public private(set) var inputs: [Port] = []
    public private(set) var outputs: [Port] = []
    public private(set) var registers: [Port] = []
    /// Values clamped or wrapped by this block since the last `clearCounters()`.
    public final var saturations: Int = 0

    /// The interface this block's type declared for it, when it was built from one: its storage
    /// is then the declared storage (one description for budgets and the model).
    public let declaredInterface: BlockInterface?

    /// A block without a declared interface (test benches, hand-made blocks): it adds its ports
    /// with `addInput`, `addOutput` and `addRegister`.
    public init(name: String) {
        self.name = name
        declaredInterface = nil
    }

    /// A block whose ports are exactly its type's declaration: made beforehand (`DeclaredPorts`,
    /// kept in the subclass's `let` properties) and adopted here, in declaration order.
    public init(name: String, ports: DeclaredPorts) {
        self.name = name
        declaredInterface = ports.interface
        for p in ports.all {
            p.adopt(by: self)
            switch p.kind {
            case .input: inputs.append(p)
            case .output: outputs.append(p)
            case .register: registers.append(p)
            }
        }
    }

    /// The block type's name as written in netlists (e.g. `lif`).
    open var typeName: String { String(describing: type(of: self)) }

    /// Called by `Simulator.init` once every input of the design points at its driver (ports change
    /// their binding only there). A block that keeps raw pointers of its inputs instead of reading
    /// the ports every clock (`BoundInput`) takes them here, and in its own initialiser.
    open func inputsBound() {}

    open func reset() {}
    open func evaluate() {}
    open func commit() {}

    /// Activity counters for reports (SynOps, SRAM reads and writes, spikes...), by name.
    open var counters: [(name: String, value: Int)] { [("saturations", saturations)] }
    open func clearCounters() { saturations = 0 }

    /// State that survives `reset()` and belongs in a checkpoint: memory contents (weights, biases)
    /// and random-source states, by name. Restoring it makes a resumed run bit-identical.
    open var persistentState: [(name: String, values: [Int32])] { [] }

    /// The number format of every persistent entry whose words are fixed-point numbers (memory
    /// contents), by entry name. A stored word means nothing without its format: checkpoints are
    /// tied to these, so weights saved as s1.15 are never read back as s3.13.
    /// Default: the formats the block type declared for its persistent state.
    open var persistentFormats: [(name: String, format: QFormat)] {
        declaredInterface?.persistent.compactMap { d in d.format.map { (d.name, $0) } } ?? []
    }

    /// Restores one entry of `persistentState`; throws when the name or size does not fit.
    open func restorePersistentState(name: String, values: [Int32]) throws(HDLError) {
        throw .connection("block \(self.name) has no persistent state named '\(name)'")
    }

    /// Storage this block implements in hardware, for budgets. Default: the declared storage, else
    /// its registers.
    open var storage: [StorageItem] {
        declaredInterface?.storage ?? registers.map { StorageItem(name: $0.name, kind: .register, words: $0.lanes, format: $0.format) }
    }

    // MARK: Declaring ports (from subclass initialisers)

    @discardableResult
    public final func addInput(_ name: String, lanes: Int, format: QFormat, optional: Bool = false) -> Port {
        let p = Port(name: name, kind: .input, lanes: lanes, format: format, timing: .combinational, optional: optional, owner: self)
        inputs.append(p)
        return p
    }

    @discardableResult
    public final func addOutput(_ name: String, lanes: Int, format: QFormat, timing: Port.Timing) -> Port {
        let p = Port(name: name, kind: .output, lanes: lanes, format: format, timing: timing, optional: false, owner: self)
        outputs.append(p)
        return p
    }

    /// A state register visible to probes. A register that is also an output is declared with
    /// `addOutput(..., timing: .registered)` and listed here too via `exposeAsRegister`.
    @discardableResult
    public final func addRegister(_ name: String, lanes: Int, format: QFormat) -> Port {
        let p = Port(name: name, kind: .register, lanes: lanes, format: format, timing: .registered, optional: false, owner: self)
        registers.append(p)
        return p
    }

    public final func port(named n: String) -> Port? {
        inputs.first { $0.name == n } ?? outputs.first { $0.name == n } ?? registers.first { $0.name == n }
    }

    /// Every signal a probe or waveform can show: inputs, outputs, then registers.
    public final var signals: [Port] { inputs + outputs + registers }
}
