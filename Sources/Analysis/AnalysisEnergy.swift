import EqSpike
import Foundation

/// What the inference pass measured, per image on average (counters of the chip's blocks).
public struct InferenceCounts: Sendable, Equatable {
    public var images = 0
    /// Spikes emitted in the free phase, per layer.
    public var spikesInput = 0.0, spikesHidden = 0.0, spikesOutput = 0.0
    /// SynOps (words read by spike-driven crossbar reads) in the free phase, per path:
    /// input -> hidden (W1 rows), hidden -> output (W2 rows), output -> hidden (W2 columns). With
    /// several hidden layers the last two sum every array past W1 (forward rows, backward columns).
    public var synopsInputHidden = 0.0, synopsHiddenOutput = 0.0, synopsOutputHidden = 0.0
    /// SynOps in clocks 0 ... deadline (the first-spike readout's answer time).
    public var synopsByDeadline = 0.0
    public var deadline = 0
    /// Spikes of all layers before the first output spike (images with one).
    public var spikesBeforeFirstOutput = 0.0
    public init() {}

    public var synopsFree: Double { synopsInputHidden + synopsHiddenOutput + synopsOutputHidden }
    public var spikesTotal: Double { spikesInput + spikesHidden + spikesOutput }
}

/// The energy section of the paper from this chip's counters: SynOps and energy per inference and
/// for the whole training at `picojoulesPerSynop`, and the share of spikes and SynOps per layer.
public struct EnergyTable: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var quantity: String
        public var value: Double
        public var unit: String
        public var note: String
    }

    public var picojoulesPerSynop: Double
    public var inference: InferenceCounts
    /// Training SynOps of the run (free + nudge phases, every epoch), its epochs and images per epoch.
    public var trainingSynops: Double
    public var trainingEpochs: Int
    public var trainingImagesPerEpoch: Double
    /// The paper's training length, for the extrapolation (50 epochs of 60,000 images).
    public var referenceEpochs = 50
    public var referenceImages = 60_000.0

    public init(picojoulesPerSynop: Double, inference: InferenceCounts, trainingSynops: Double, trainingEpochs: Int,
                trainingImagesPerEpoch: Double) {
        self.picojoulesPerSynop = picojoulesPerSynop
        self.inference = inference
        self.trainingSynops = trainingSynops
        self.trainingEpochs = trainingEpochs
        self.trainingImagesPerEpoch = trainingImagesPerEpoch
    }

    public func joules(_ synops: Double) -> Double { synops * picojoulesPerSynop * 1e-12 }

    public var energyPerInference: Double { joules(inference.synopsFree) }
    public var energyPerInferenceByDeadline: Double { joules(inference.synopsByDeadline) }
    public var trainingEnergy: Double { joules(trainingSynops) }
    /// Training SynOps per image of this run, times the reference training length.
    public var extrapolatedTrainingSynops: Double {
        let images = Double(trainingEpochs) * trainingImagesPerEpoch
        return images > 0 ? trainingSynops / images * Double(referenceEpochs) * referenceImages : .nan
    }
    public var extrapolatedTrainingEnergy: Double { joules(extrapolatedTrainingSynops) }

    private func share(_ x: Double, of total: Double) -> Double { total > 0 ? x / total : .nan }
    public var inputSpikeShare: Double { share(inference.spikesInput, of: inference.spikesTotal) }
    public var hiddenSpikeShare: Double { share(inference.spikesHidden, of: inference.spikesTotal) }
    public var outputSpikeShare: Double { share(inference.spikesOutput, of: inference.spikesTotal) }
    public var inputHiddenSynopShare: Double { share(inference.synopsInputHidden, of: inference.synopsFree) }
    public var hiddenOutputSynopShare: Double { share(inference.synopsHiddenOutput, of: inference.synopsFree) }
    public var outputHiddenSynopShare: Double { share(inference.synopsOutputHidden, of: inference.synopsFree) }

    public var rows: [Row] {
        let pj = SVG.tickLabel(picojoulesPerSynop)
        let d = inference.deadline
        return [
            Row(quantity: "SynOps per inference (whole free phase)", value: inference.synopsFree, unit: "SynOps", note: "mean over \(inference.images) test images"),
            Row(quantity: "SynOps per inference by clock \(d) (first-spike answer)", value: inference.synopsByDeadline, unit: "SynOps", note: "clocks 0 ... \(d)"),
            Row(quantity: "energy per inference (whole free phase)", value: energyPerInference, unit: "J", note: "at \(pj) pJ/SynOp"),
            Row(quantity: "energy per inference by clock \(d)", value: energyPerInferenceByDeadline, unit: "J", note: "at \(pj) pJ/SynOp"),
            Row(quantity: "training SynOps, this run", value: trainingSynops, unit: "SynOps", note: "\(trainingEpochs) epoch(s) x \(Int(trainingImagesPerEpoch)) images, free + nudge phases"),
            Row(quantity: "training energy, this run", value: trainingEnergy, unit: "J", note: "at \(pj) pJ/SynOp"),
            Row(quantity: "training SynOps, \(referenceEpochs) epochs x \(Int(referenceImages)) images", value: extrapolatedTrainingSynops, unit: "SynOps", note: "extrapolated from this run's SynOps per training image"),
            Row(quantity: "training energy, \(referenceEpochs) epochs x \(Int(referenceImages)) images", value: extrapolatedTrainingEnergy, unit: "J", note: "extrapolated, at \(pj) pJ/SynOp"),
            Row(quantity: "spikes per inference: input / hidden / output", value: inference.spikesTotal, unit: "spikes",
                note: String(format: "%.0f / %.0f / %.1f", inference.spikesInput, inference.spikesHidden, inference.spikesOutput)),
            Row(quantity: "share of spikes from the input layer", value: inputSpikeShare, unit: "fraction", note: String(format: "hidden %.1f%%, output %.2f%%", 100 * hiddenSpikeShare, 100 * outputSpikeShare)),
            Row(quantity: "share of SynOps input -> hidden", value: inputHiddenSynopShare, unit: "fraction", note: String(format: "hidden -> output %.2f%%, output -> hidden %.2f%%", 100 * hiddenOutputSynopShare, 100 * outputHiddenSynopShare)),
            Row(quantity: "spikes before the first output spike", value: inference.spikesBeforeFirstOutput, unit: "spikes", note: "all layers, images with an output spike"),
        ]
    }
}

/// Energy from the activity account (`Chip.energy`: SRAM words, lane arithmetic, registers at the
/// design's per-event costs, 45 nm) per test inference, block by block, with the readout each
/// figure belongs to: the rate readout answers after the whole free phase, the first-spike readout
/// at its deadline. Training energy per image is the last epoch's metrics.csv column, when the run has it.
public struct ActivityEnergyTable: Sendable, Equatable {
    /// Per block, joules per inference (whole free phase).
    public var blocks: [BlockEnergy]
    public var freeClocks: Int
    /// nil when the first-spike deadline is not inside the free phase.
    public var perInferenceByDeadline: Double?
    public var deadline: Int
    public var images: Int
    /// Joules per training image (metrics.csv, last epoch), nil when the run has no such column.
    public var perTrainingImage: Double?

    public init(blocks: [BlockEnergy], freeClocks: Int, perInferenceByDeadline: Double?, deadline: Int, images: Int, perTrainingImage: Double?) {
        self.blocks = blocks
        self.freeClocks = freeClocks
        self.perInferenceByDeadline = perInferenceByDeadline
        self.deadline = deadline
        self.images = images
        self.perTrainingImage = perTrainingImage
    }

    public var perInference: Double { blocks.reduce(0) { $0 + $1.total } }

    /// block,type,sram_nj,arithmetic_nj,registers_nj,total_nj per inference, then the totals.
    public var csv: String {
        func nj(_ j: Double) -> String { String(format: "%.4f", j * 1e9) }
        var s = "block,type,sram_nj,arithmetic_nj,registers_nj,total_nj\n"
        for b in blocks { s += "\(b.block),\(b.type),\(nj(b.sram)),\(nj(b.arithmetic)),\(nj(b.registers)),\(nj(b.total))\n" }
        s += "total per inference (rate readout: \(freeClocks) clocks),,,,,\(nj(perInference))\n"
        if let d = perInferenceByDeadline { s += "total per inference by clock \(deadline) (first-spike readout),,,,,\(nj(d))\n" }
        if let t = perTrainingImage { s += "total per training image (metrics.csv),,,,,\(nj(t))\n" }
        return s
    }
}
