import GoldenModel
import Netlist

/// The learning-system settings written in a design's `experiment` section (block parameters such
/// as T_free or beta live on their blocks). Every key is documented in hw-configs/README.md.
public struct ExperimentSettings: Sendable, Equatable {
    /// Epochs `eqspike train` runs when --epochs is not given.
    public var epochs: Int
    /// Seed of the host-side PRNG (weight init and shuffling).
    public var seed: UInt64
    /// Initial weights: uniform in ±init_scale * sqrt(6 / (fan_in + fan_out)); 0.5 = half Glorot.
    public var initScale: Double
    /// Learning-rate multiplier per step (the last value holds for later steps): one step per
    /// epoch unless `learningRateStepsPerEpoch` > 1.
    public var learningRateSchedule: [Double]
    /// Steps per epoch of the schedule (`lr_steps_per_epoch`, default 1): with k steps, step s of
    /// epoch e covers training images [s * N / k, (s + 1) * N / k) of its N and uses entry e * k + s.
    public var learningRateStepsPerEpoch: Int
    /// Energy per synaptic operation, for energy reports (the paper: 10 pJ).
    public var synopEnergyPicojoules: Double
    /// Clock by which the first-spike readout must have seen an output spike (paper: 10/f_max).
    public var firstSpikeDeadline: Int
    /// Energy per event of the activity-based energy account (`energy_*` keys).
    public var energy: EventEnergies

    init(reading r: inout ExperimentReader) {
        epochs = r.int("epochs", in: 1...100_000, default: 1)
        seed = UInt64(r.int("seed", in: 0...Int(Int32.max), default: 1))
        initScale = r.real("init_scale", in: 0...10, default: 0.5)
        learningRateSchedule = r.reals("lr_schedule", in: 0...1e6, default: [1])
        if learningRateSchedule.isEmpty { r.error("lr_schedule", "needs at least one multiplier") }
        learningRateStepsPerEpoch = r.int("lr_steps_per_epoch", in: 1...1_000_000, default: 1)
        synopEnergyPicojoules = r.real("synop_energy_pj", in: 0...1e9, default: 10)
        firstSpikeDeadline = r.int("first_spike_deadline", in: 1...1_000_000, default: 20)
        energy = EventEnergies(reading: &r)
    }

    /// The multiplier for training image `image` (its position in the epoch's order) of `images`
    /// in epoch `epoch`; the first image's when only the epoch is given.
    public func learningRateMultiplier(epoch: Int, image: Int = 0, images: Int = 1) -> Double {
        let step = GoldenConfig.scheduleStep(epoch: epoch, image: image, images: images, stepsPerEpoch: learningRateStepsPerEpoch)
        return learningRateSchedule[min(step, learningRateSchedule.count - 1)]
    }
}
