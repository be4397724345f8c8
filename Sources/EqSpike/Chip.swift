import Foundation
import FixedPoint
import HDL
import Blocks
import Netlist
import Datasets

/// The modelled chip: a netlist-built design plus the host's view of it (which block plays which
/// role in the algorithm, and the experiment settings written with the design).
///
/// The host does only what a test bench does: load pixels and target, pulse reset, clock until the
/// phase controller reports done, read counters and memories. Everything else happens in blocks.
public final class Chip {
    public let design: Design
    public let settings: ExperimentSettings
    public var simulator: Simulator { design.simulator }

    public let encoder: PixelEncoder
    /// Neuron layers and weight arrays are reached through their role protocols, so any block
    /// type that conforms fills the role (Blocks/Roles.swift).
    public let inputLayer: any NeuronLayer
    /// Hidden layers, first to last: roles `hidden`, `hidden2`, `hidden3`, ...
    public let hiddenLayers: [any NeuronLayer]
    public let outputLayer: any NeuronLayer
    /// W_k at index k - 1 (roles `w1`, `w2`, ...): layer k-1 x layer k, input = layer 0, output =
    /// layer L+1; every array past w1 is read in both directions (the symmetric synapse).
    public let weightArrays: [any SynapseArray]
    /// The first hidden layer.
    public var hiddenLayer: any NeuronLayer { hiddenLayers[0] }
    public var w1: any SynapseArray { weightArrays[0] }
    public var w2: any SynapseArray { weightArrays[1] }
    /// Every neuron layer, input first, output last.
    public var neuronLayers: [any NeuronLayer] { [inputLayer] + hiddenLayers + [outputLayer] }
    public let biases: [Bias]
    public let nudge: NudgeUnit
    public let phase: PhaseController
    public let readout: SpikeCounter
    /// Learning-rate multipliers (`scale` blocks) that the epoch schedule rescales.
    public let learningRates: [(block: Scaler, base: Double)]
    /// Every weight array, for SynOp and SRAM counters.
    public let crossbars: [any SynapseArray]
    /// System cycles of every tick this chip has run (`runImage` records them).
    @exclusivity(unchecked) public internal(set) var systemCycles = SystemCycleHistogram()
    /// `present` records the activity counters at an image's start and at the first-spike
    /// deadline (`ImageResult.activityAtStart` / `activityAtDeadline`), for the readout's energy.
    public var recordsReadoutActivity = false
    /// The weight arrays again, for the per-tick cycle count: crossbars as their final class (a
    /// field load per tick, no witness call or retain), any other conformer through the protocol.
    let cycleCrossbars: [Crossbar]
    let cycleOtherArrays: [any SynapseArray]

    /// Loads and elaborates a netlist, then binds the roles the learning system needs.
    public convenience init(path: String, overrides: [String] = []) throws(NetlistErrors) {
        try self.init(design: Netlist.load(path: path, registry: standardBlocks, overrides: overrides))
    }

    public init(design: Design) throws(NetlistErrors) {
        self.design = design
        var r = design.experimentReader()
        let encoder = r.role("encoder", type: "pixel_encoder") as? PixelEncoder
        let input = r.role("input", as: (any NeuronLayer).self, described: Chip.neuronLayer)
        // hidden, hidden2, ... and w1, w2, ...: one more weight array than hidden layers.
        let depth = Chip.hiddenLayerCount(roles: design.experiment.roles.map(\.role))
        let hidden = (1 ... depth).map { r.role(Chip.hiddenRole($0), as: (any NeuronLayer).self, described: Chip.neuronLayer) }
        let output = r.role("output", as: (any NeuronLayer).self, described: Chip.neuronLayer)
        let arrays = (1 ... depth + 1).map { r.role("w\($0)", as: (any SynapseArray).self, described: Chip.synapseArray) }
        let nudge = r.role("nudge", type: "nudge") as? NudgeUnit
        let phase = r.role("phase", type: "phase_controller") as? PhaseController
        let readout = r.role("readout", type: "spike_counter") as? SpikeCounter
        var biases: [Bias] = []
        var rates: [(Scaler, Double)] = []
        for binding in design.experiment.roles {
            if binding.role.hasPrefix("bias") {
                if let b = r.role(binding.role, type: "bias") as? Bias { biases.append(b) }
            } else if binding.role.hasPrefix("eta") {
                if let s = r.role(binding.role, type: "scale") as? Scaler { rates.append((s, s.factor)) }
            }
        }
        settings = ExperimentSettings(reading: &r)
        try r.finish()
        // After finish() every role is bound and of its type.
        self.encoder = encoder!
        self.inputLayer = input!
        self.hiddenLayers = hidden.map { $0! }
        self.outputLayer = output!
        self.weightArrays = arrays.map { $0! }
        self.nudge = nudge!
        self.phase = phase!
        self.readout = readout!
        self.biases = biases
        self.learningRates = rates
        crossbars = design.blocks.compactMap { $0 as? any SynapseArray }
        cycleCrossbars = design.blocks.compactMap { $0 as? Crossbar }
        cycleOtherArrays = crossbars.filter { !($0 is Crossbar) }
        try checkShapes()
    }

    /// Role of hidden layer k (1-based): `hidden` for the first, so every one-layer netlist keeps its name.
    public static func hiddenRole(_ k: Int) -> String { k == 1 ? "hidden" : "hidden\(k)" }

    /// How many hidden layers the design binds: `hidden`, then `hidden2`, `hidden3`, ... while bound.
    static func hiddenLayerCount(roles: [String]) -> Int {
        var k = 1
        while roles.contains(hiddenRole(k + 1)) { k += 1 }
        return k
    }

    static let neuronLayer = "a neuron layer (a block type conforming to NeuronLayer: lif)"
    static let synapseArray = "a weight array (a block type conforming to SynapseArray: crossbar)"

    /// The roles must fit together: an image fills the encoder, labels index the outputs.
    /// A weight array's mismatch is reported at its role's line.
    private func checkShapes() throws(NetlistErrors) {
        var problems: [(at: SourceLocation, text: String)] = []
        let at = design.experiment.location
        func roleLine(_ role: String) -> SourceLocation { design.experiment.roles.first { $0.role == role }?.location ?? at }
        if encoder.lanes != inputLayer.lanes { problems.append((at, "encoder has \(encoder.lanes) lanes but input has \(inputLayer.lanes)")) }
        let layers = neuronLayers
        for (k, w) in weightArrays.enumerated() where w.rows != layers[k].lanes || w.cols != layers[k + 1].lanes {
            problems.append((roleLine("w\(k + 1)"), "w\(k + 1) must be \(layers[k].lanes)x\(layers[k + 1].lanes) (\(layers[k].name) x \(layers[k + 1].name)), is \(w.rows)x\(w.cols)"))
        }
        if nudge.lanes != outputLayer.lanes { problems.append((at, "nudge has \(nudge.lanes) lanes but output has \(outputLayer.lanes)")) }
        if readout.lanes != outputLayer.lanes { problems.append((at, "readout has \(readout.lanes) lanes but output has \(outputLayer.lanes)")) }
        guard !problems.isEmpty else { return }
        throw NetlistErrors(problems.map { Diagnostic($0.at, "roles do not fit together: \($0.text)") })
    }

    /// What the Circuit says a block is: one of its instance's parameters (after defaults and
    /// overrides) as written, or nil when its type has no such parameter. Tools ask this instead of
    /// down-casting to a block class.
    public func parameter(_ name: String, of block: Block) -> String? {
        design.circuit.instance(named: block.name)?.parameters.values[name]?.description
    }

    /// A port of an instance, by name (for tools that found the instance in the Circuit).
    public func port(_ instance: String, _ port: String) throws(GoldenDesignError) -> HDL.Port {
        guard let p = simulator.block(named: instance)?.port(named: port) else {
            throw GoldenDesignError("the design has no port \(instance).\(port)")
        }
        return p
    }

    public var inputs: Int { inputLayer.lanes }
    public var outputs: Int { outputLayer.lanes }

    // MARK: Memories

    /// Initial weights: uniform in ±init_scale * sqrt(6 / (fan_in + fan_out)), drawn in the golden
    /// model's order (W1 row-major, then W2 row-major, then W3 ..., one 64-bit word each from
    /// SeededGenerator(seed)), rounded to nearest into the weight format. Biases start at 0.
    public func initialiseMemories(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for w in weightArrays {
            let a = settings.initScale * (6.0 / Double(w.rows + w.cols)).squareRoot()
            var values = [Double](repeating: 0, count: w.rows * w.cols)
            for k in 0..<values.count {
                let x = Double(rng.next() >> 11) * 0x1p-53
                values[k] = (2 * x - 1) * a
            }
            _ = try w.load(weights: values, rounding: .nearest, seed: 1)
        }
        for b in biases { try b.load(values: [Int32](repeating: 0, count: b.lanes) as [Int32]) }
    }

    /// Another chip of the same design, built from this one's circuit (no netlist file is read
    /// again), holding this chip's memories and learning-rate multiplier.
    public func replica() throws -> Chip {
        let copy = try Chip(design: Netlist.build(design.circuit, registry: standardBlocks))
        try copy.restore(persistentState())
        try copy.setLearningRateMultiplier(learningRateMultiplier)
        return copy
    }

    /// Persistent state of every block (memories, LFSRs), for checkpoints.
    public func persistentState() -> [(name: String, values: [Int32])] {
        design.blocks.flatMap { b in b.persistentState.map { (name: "\(b.name)/\($0.name)", values: $0.values) } }
    }

    /// `path` names the checkpoint in errors.
    public func restore(_ entries: [(name: String, values: [Int32])], from path: String = "checkpoint") throws {
        var expected = Set(persistentState().map(\.name))
        for e in entries {
            guard let slash = e.name.firstIndex(of: "/"), let block = simulator.block(named: String(e.name[..<slash])) else {
                throw CheckpointError.wrongDesign(path, "it holds state for '\(e.name)', which this design does not have")
            }
            do { try block.restorePersistentState(name: String(e.name[e.name.index(after: slash)...]), values: e.values) } catch {
                throw CheckpointError.wrongDesign(path, "\(e.name): \(error)")
            }
            expected.remove(e.name)
        }
        if let missing = expected.sorted().first {
            throw CheckpointError.wrongDesign(path, "it has no state for '\(missing)' of this design")
        }
    }

    /// A fingerprint of the design's structure (block names, types, lanes, port formats, persistent
    /// state sizes and the formats of stored words), so a checkpoint of another design, or one
    /// whose words would be read in another format, is refused.
    public var fingerprint: String {
        var f = Fingerprint()
        for b in design.blocks {
            f.add(b.name); f.add(b.typeName)
            for p in b.signals { f.add("\(p.name):\(p.lanes):\(p.format)") }
            for s in b.persistentState { f.add("\(s.name):\(s.values.count)") }
            for s in b.persistentFormats { f.add("\(s.name)@\(s.format)") }
        }
        return f.hex
    }

    // MARK: Learning-rate schedule

    /// The multiplier the learning-rate scale blocks now hold (1: their netlist values).
    public private(set) var learningRateMultiplier = 1.0

    /// Sets every learning-rate multiplier to its netlist value times `multiplier` (the host
    /// writing the scale registers between images); nothing to write when it is already set.
    public func setLearningRateMultiplier(_ multiplier: Double) throws(ParameterError) {
        guard multiplier != learningRateMultiplier else { return }
        for (s, base) in learningRates { try s.setFactor(base * multiplier) }
        learningRateMultiplier = multiplier
    }

    /// Sets the multiplier the design's schedule gives training image `image` of `images` in
    /// `epoch` (lr_schedule, lr_steps_per_epoch). Called before every training image.
    public func followLearningRateSchedule(epoch: Int, image: Int, images: Int) throws(ParameterError) {
        try setLearningRateMultiplier(settings.learningRateMultiplier(epoch: epoch, image: image, images: images))
    }

    // MARK: One image

    /// Whether a data set can be presented to this chip: one pixel per encoder lane and labels
    /// below the output count. Checked before any work, so a mismatch is an error, not a trap.
    public func checkFits(_ images: LabeledImages, as what: String) throws(TrainError) {
        guard !images.isEmpty else { throw .data("the \(what) is empty") }
        guard images.pixelsPerImage == encoder.lanes else {
            throw .data("the \(what) has \(images.rows)x\(images.cols) images (\(images.pixelsPerImage) pixels) but the design's encoder has \(encoder.lanes) lanes")
        }
        if let bad = images.labels.firstIndex(where: { Int($0) >= outputs }) {
            throw .data("the \(what) has label \(images.labels[bad]) (image \(bad)) but the design has \(outputs) outputs")
        }
    }

    /// Synaptic operations so far: words read by spike-driven crossbar reads.
    public var synapticOperations: Int { crossbars.reduce(0) { $0 + $1.rowReads + $1.colReads } }
}
