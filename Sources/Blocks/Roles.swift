import FixedPoint
import HDL

/// What the learning system needs of a block that plays a neuron layer (`role input`, `hidden`,
/// `output`). The chip, compare and the report reach a layer through this, never through a
/// concrete class, so another neuron model fills the role by conforming (see ARCHITECTURE.md,
/// "Adding a block type"). `lif` (LIFCore) is the one shipped.
public protocol NeuronLayer: Block {
    var lanes: Int { get }
    /// The layer's input current (what the adder in front of it drives).
    var current: Port { get }
    /// Registered 1-bit spikes: a spike shown during clock t was decided at the edge before it.
    var spike: Port { get }
    /// The membrane register the report and compare show.
    var membrane: Port { get }
    /// The firing threshold as a real, in the membrane's units (for plots).
    var threshold: Double { get }
    /// Spikes emitted since the last `clearCounters()`.
    var spikesEmitted: Int { get }
}

/// What the learning system needs of a block that plays a weight array (`role w1`, `w2`): rows
/// read by row spikes, columns by column spikes (the symmetric W2), with host access to the words.
/// `crossbar` (Crossbar) is the one shipped.
public protocol SynapseArray: Block {
    var rows: Int { get }
    var cols: Int { get }
    var weightFormat: QFormat { get }
    /// Update vectors: on a row spike the row gets `row_delta`, on a column spike the column gets
    /// `col_delta` (GoldenDesign reads which scale blocks drive them).
    var rowDelta: Port { get }
    var colDelta: Port { get }
    /// High on the clocks whose spikes write updates (the report's Fig. 5c reads it).
    var learn: Port { get }
    /// The raw weight words, row-major, and the same as reals.
    var weights: [Int32] { get }
    var realWeights: [Double] { get }
    /// Weight words read by row and by column spikes since `clearCounters()`: the SynOps.
    var rowReads: Int { get }
    var colReads: Int { get }
    /// System cycles the last clock's reads and updates took on the array's SRAM port (the
    /// crossbar's "System cycles"); a tick takes max reads + max updates + 1 over the arrays.
    var tickReadCycles: Int { get }
    /// Words one SRAM access reads or writes.
    var portWords: Int { get }
    var tickUpdateCycles: Int { get }
    /// Host write of every word, rounded into the weight format; returns the words that saturated.
    @discardableResult
    func load(weights values: [Double], rounding: Rounding, seed: UInt32) throws(MemoryLoadError) -> Int
}

extension LIFCore: NeuronLayer {
    public var membrane: Port { u }
}

extension Crossbar: SynapseArray {}
