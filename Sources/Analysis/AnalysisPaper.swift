import EqSpike
import Foundation

/// The numbers this model is compared with (Martin et al., EqSpike; DESIGN.md "Results to reproduce").
public enum PaperNumbers {
    /// Test and train accuracy, mean of 6 runs, batch 1, by hidden-layer size.
    public static func eqSpike(hidden: Int) -> (test: Double, testStd: Double, train: Double)? {
        switch hidden {
        case 100: return (0.9687, 0.0018, 0.9859)
        case 300: return (0.9759, 0.0010, 0.9891)
        default: return nil
        }
    }
    /// Continual EP 784-100-10, batch 1 (the paper's Table 1).
    public static let cepTest = 0.9697, cepTestStd = 0.0012, cepTrain = 0.998
    public static let bpttTest = 0.9711
    public static let firstSpikeAccuracy = 0.9511, firstSpikeAccuracyStd = 0.0078
    /// Time of the first-spike readout and of the mean first output spike, in units of 1/f_max.
    public static let firstSpikeDeadlineXfmax = 10.0
    public static let meanFirstSpikeXfmax = 3.5
    public static let synopsPerInference = 150_000.0
    public static let energyPerInference = 1.5e-6
    public static let picojoulesPerSynop = 10.0
    public static let spikesPerNeuronPerImage = 36.0
    public static let nudgedFractionLast20 = 0.15
    public static let trainingSynops50Epochs = 4.23e12
    public static let trainingEnergy50Epochs = 42.0
    public static let inputSpikeShare = 0.875
    public static let inputHiddenSynopShare = 0.986
    public static let spikesBeforeFirstOutput = 678.0
}

/// This model's values for the comparison table (nil: not measured in this report).
public struct ModelNumbers: Sendable, Equatable {
    public var hidden = 100
    /// The chip's layer sizes, e.g. "784-100-10".
    public var network = "784-100-10"
    public var runs = 0
    public var epochs = 0
    public var testAccuracy: Double?
    public var testAccuracyStd: Double?
    public var trainAccuracy: Double?
    public var cepTestAccuracy: Double?
    public var cepTrainAccuracy: Double?
    public var cepEpochs = 0
    public var firstSpikeAccuracy: Double?
    /// Clock of the first-spike readout (10/f_max) and its t x f_max.
    public var firstSpikeDeadlineClock = 20
    public var rateAccuracyAtDeadline: Double?
    public var meanFirstSpikeXfmax: Double?
    public var synopsPerInference: Double?
    public var energyPerInference: Double?
    public var spikesPerNeuronPerImage: Double?
    public var nudgedFraction: Double?
    public var nudgedEpochs = 0
    public var trainingSynops50: Double?
    public var trainingEnergy50: Double?
    public var inputSpikeShare: Double?
    public var inputHiddenSynopShare: Double?
    public var spikesBeforeFirstOutput: Double?
    public init() {}
}

/// One line of the paper-vs-model table.
public struct ComparisonRow: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case percent, count, scientific, joules, time }
    public var figure: String
    public var quantity: String
    public var paper: Double
    public var model: Double?
    public var kind: Kind
    public var note: String

    func format(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        switch kind {
        case .percent: return String(format: "%.2f%%", 100 * v)
        case .count: return v >= 1000 ? String(format: "%.0f", v) : String(format: "%.1f", v)
        case .scientific: return String(format: "%.3g", v)
        case .joules: return formatJoules(v)
        case .time: return String(format: "%.2f / f_max", v)
        }
    }

    public var paperText: String { format(paper) }
    public var modelText: String { model.map(format) ?? "not measured" }

    /// Model minus paper: percentage points for percentages, otherwise the difference and the ratio.
    public var differenceText: String {
        guard let m = model, m.isFinite else { return "–" }
        let d = m - paper
        switch kind {
        case .percent: return String(format: "%+.2f points", 100 * d)
        case .time: return String(format: "%+.2f / f_max", d)
        default:
            let ratio = paper != 0 ? m / paper : .nan
            return "\(d >= 0 ? "+" : "-")\(format(abs(d))) (x\(String(format: "%.3g", ratio)))"
        }
    }
}

/// Joules with an SI prefix.
public func formatJoules(_ j: Double) -> String {
    guard j.isFinite else { return "–" }
    let a = abs(j)
    let (scale, unit): (Double, String) = a >= 1 ? (1, "J") : a >= 1e-3 ? (1e3, "mJ") : a >= 1e-6 ? (1e6, "µJ") : a >= 1e-9 ? (1e9, "nJ") : (1e12, "pJ")
    return String(format: "%.3g %@", j * scale, unit)
}

public enum PaperComparison {
    public static func rows(_ m: ModelNumbers) -> [ComparisonRow] {
        var rows: [ComparisonRow] = []
        let runs = m.runs > 1 ? "mean of \(m.runs) runs, " : ""
        if m.network == "784-\(m.hidden)-10", let p = PaperNumbers.eqSpike(hidden: m.hidden) {
            rows.append(ComparisonRow(figure: "Table 1 / Fig. 2", quantity: "test accuracy, \(m.network), batch 1", paper: p.test,
                                      model: m.testAccuracy, kind: .percent,
                                      note: "paper: 6 runs, 50 epochs, ±\(String(format: "%.2f", 100 * p.testStd)); model: \(runs)after \(m.epochs) epoch(s)"
                                        + (m.testAccuracyStd.map { $0 > 0 ? String(format: ", ±%.2f", 100 * $0) : "" } ?? "")))
            rows.append(ComparisonRow(figure: "Table 1 / Fig. 2", quantity: "train accuracy (running, before each nudge)", paper: p.train,
                                      model: m.trainAccuracy, kind: .percent, note: "model: last epoch"))
        } else {
            rows.append(ComparisonRow(figure: "Table 1 / Fig. 2", quantity: "test accuracy, \(m.network) (paper: 784-100-10)",
                                      paper: PaperNumbers.eqSpike(hidden: 100)!.test, model: m.testAccuracy, kind: .percent,
                                      note: "a network the paper did not train (other hidden size or depth); after \(m.epochs) epoch(s)"))
        }
        rows.append(ComparisonRow(figure: "Table 1", quantity: "rate-based C-EP 784-100-10, test accuracy", paper: PaperNumbers.cepTest,
                                  model: m.cepTestAccuracy, kind: .percent,
                                  note: m.cepTestAccuracy == nil ? "give a --model rate run directory to compare" : "this project's C-EP reference after \(m.cepEpochs) epoch(s)"))
        rows.append(ComparisonRow(figure: "Table 1", quantity: "rate-based C-EP, train accuracy", paper: PaperNumbers.cepTrain,
                                  model: m.cepTrainAccuracy, kind: .percent, note: ""))
        rows.append(ComparisonRow(figure: "Fig. 3", quantity: "first-spike readout accuracy at t = 10/f_max", paper: PaperNumbers.firstSpikeAccuracy,
                                  model: m.firstSpikeAccuracy, kind: .percent, note: "clock \(m.firstSpikeDeadlineClock); paper ±0.78"))
        rows.append(ComparisonRow(figure: "Fig. 3", quantity: "mean time of the first output spike", paper: PaperNumbers.meanFirstSpikeXfmax,
                                  model: m.meanFirstSpikeXfmax, kind: .time, note: "t x f_max"))
        rows.append(ComparisonRow(figure: "Energy", quantity: "SynOps per inference (by t = 10/f_max)", paper: PaperNumbers.synopsPerInference,
                                  model: m.synopsPerInference, kind: .count, note: ""))
        rows.append(ComparisonRow(figure: "Energy", quantity: "energy per inference", paper: PaperNumbers.energyPerInference,
                                  model: m.energyPerInference, kind: .joules, note: "at the report's pJ/SynOp"))
        rows.append(ComparisonRow(figure: "Energy", quantity: "share of spikes emitted by the input layer", paper: PaperNumbers.inputSpikeShare,
                                  model: m.inputSpikeShare, kind: .percent, note: "inference (free phase)"))
        rows.append(ComparisonRow(figure: "Energy", quantity: "share of SynOps input -> hidden", paper: PaperNumbers.inputHiddenSynopShare,
                                  model: m.inputHiddenSynopShare, kind: .percent, note: "inference (free phase)"))
        rows.append(ComparisonRow(figure: "Energy", quantity: "spikes before the first output spike", paper: PaperNumbers.spikesBeforeFirstOutput,
                                  model: m.spikesBeforeFirstOutput, kind: .count, note: "all layers"))
        rows.append(ComparisonRow(figure: "Fig. 4a", quantity: "images still nudged (paper: last 20 of 50 epochs)", paper: PaperNumbers.nudgedFractionLast20,
                                  model: m.nudgedFraction, kind: .percent, note: "model: mean of the last \(m.nudgedEpochs) epoch(s)"))
        rows.append(ComparisonRow(figure: "Fig. 4b", quantity: "spikes per neuron per training image (free + nudge)", paper: PaperNumbers.spikesPerNeuronPerImage,
                                  model: m.spikesPerNeuronPerImage, kind: .count, note: "model: last epoch"))
        rows.append(ComparisonRow(figure: "Fig. 4c", quantity: "training SynOps, 50 epochs", paper: PaperNumbers.trainingSynops50Epochs,
                                  model: m.trainingSynops50, kind: .scientific, note: "model: extrapolated from its SynOps per training image"))
        rows.append(ComparisonRow(figure: "Fig. 4c", quantity: "training energy, 50 epochs", paper: PaperNumbers.trainingEnergy50Epochs,
                                  model: m.trainingEnergy50, kind: .joules, note: "at the report's pJ/SynOp"))
        return rows
    }
}
