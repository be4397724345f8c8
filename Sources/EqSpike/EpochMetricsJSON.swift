import Foundation

extension EpochMetrics {
    /// The metrics.csv row as a JSON object (`train --json`): the same names as the CSV header,
    /// numbers as numbers, and null where the CSV has an empty field (no test set, no output spike).
    public var jsonObject: [String: Any] {
        func number(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
        var object: [String: Any] = [
            "epoch": epoch, "train_images": train.images, "train_accuracy": train.accuracy,
            "test_images": test?.images ?? 0, "test_accuracy": test.map { $0.accuracy } ?? NSNull(),
            "test_first_spike_accuracy": test.map { $0.firstSpikeAccuracy } ?? NSNull(),
            "test_mean_first_spike_clock": test.map { number($0.meanFirstSpikeClock) } ?? NSNull(),
            "nudged_fraction": train.nudgedFraction, "spikes_per_neuron_per_image": train.spikesPerNeuronPerImage(neurons: neurons),
            "synops_free_per_image": train.synopsFreePerImage, "synops_nudge_per_image": train.synopsNudgePerImage,
            "test_synops_per_inference": test.map { $0.synopsFreePerImage } ?? NSNull(),
            "train_saturations": train.saturations, "lr_multiplier": learningRateMultiplier, "wall_seconds": wallSeconds,
        ]
        if let e = energy {
            object["energy_per_training_image_uj"] = e.training.map { $0 * 1e6 } ?? NSNull()
            object["energy_per_inference_uj"] = e.inference.map { $0 * 1e6 } ?? NSNull()
        }
        if let v = validation {
            object["validation_images"] = v.images
            object["validation_accuracy"] = v.accuracy
            object["validation_first_spike_accuracy"] = v.firstSpikeAccuracy
        }
        return object
    }
}
