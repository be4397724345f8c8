import EqSpike
import Foundation

/// metrics.csv as written by the Trainer (and, with empty spiking columns, by the C-EP reference):
/// columns looked up by name, empty fields as nil.
public struct MetricsTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[Double?]]

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case empty(String)
        case badLine(String, line: Int, String)
        public var description: String {
            switch self {
            case .empty(let p): return "\(p): no header line"
            case .badLine(let p, let l, let m): return "\(p):\(l): \(m)"
            }
        }
    }

    public init(columns: [String], rows: [[Double?]]) { self.columns = columns; self.rows = rows }

    public init(csv text: String, path: String = "metrics.csv") throws(ParseError) {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let header = lines.first else { throw .empty(path) }
        columns = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        rows = []
        for (k, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == columns.count else {
                throw .badLine(path, line: k + 2, "\(fields.count) fields, the header has \(columns.count)")
            }
            var row: [Double?] = []
            for (c, (f, name)) in zip(fields, columns).enumerated() {
                // Empty is "not measured": the trainers write it on purpose (test columns without a
                // test set, spiking columns of the rate model, a non-finite value).
                if f.isEmpty { row.append(nil); continue }
                // A number the trainers never write (nan, inf) is an error, not a value: the report
                // draws nil as a gap, so a NaN would silently look like "not measured", and a
                // hand-edited or foreign file should be fixed at the field that is wrong.
                guard let v = Double(f), v.isFinite else {
                    let what = Double(f) == nil ? "is not a number" : "is not a finite number (the trainers leave a value they could not measure empty)"
                    throw .badLine(path, line: k + 2, "column \(c + 1) (\(name)): '\(f)' \(what)")
                }
                row.append(v)
            }
            rows.append(row)
        }
    }

    public func column(_ name: String) -> [Double?] {
        guard let i = columns.firstIndex(of: name) else { return rows.map { _ in nil } }
        return rows.map { $0[i] }
    }

    /// Column values with nil as NaN.
    public func values(_ name: String) -> [Double] { column(name).map { $0 ?? .nan } }

    public var epochs: [Int] { column("epoch").map { Int($0 ?? 0) } }
}

/// Mean and spread over runs, epoch by epoch (Fig. 2 with several run directories).
public struct RunAggregate: Sendable, Equatable {
    public var epochs: [Int]
    public var mean: [Double]
    /// Sample standard deviation (n - 1); 0 with one run.
    public var std: [Double]
    /// Runs that have a finite value at each epoch.
    public var runs: [Int]

    /// Aggregates column `name` of several metrics tables, aligned by epoch number.
    public static func of(_ tables: [MetricsTable], column name: String) -> RunAggregate {
        var byEpoch: [Int: [Double]] = [:]
        for t in tables {
            for (e, v) in zip(t.epochs, t.values(name)) where v.isFinite { byEpoch[e, default: []].append(v) }
        }
        let epochs = byEpoch.keys.sorted()
        var mean: [Double] = [], std: [Double] = [], runs: [Int] = []
        for e in epochs {
            let (m, s) = meanStd(byEpoch[e]!)
            mean.append(m); std.append(s); runs.append(byEpoch[e]!.count)
        }
        return RunAggregate(epochs: epochs, mean: mean, std: std, runs: runs)
    }

    public var last: (epoch: Int, mean: Double, std: Double, runs: Int)? {
        guard let e = epochs.last else { return nil }
        return (e, mean.last!, std.last!, runs.last!)
    }
}

/// Mean and sample standard deviation (0 for fewer than two values; NaN mean for none).
public func meanStd(_ xs: [Double]) -> (mean: Double, std: Double) {
    guard !xs.isEmpty else { return (.nan, .nan) }
    let m = xs.reduce(0, +) / Double(xs.count)
    guard xs.count > 1 else { return (m, 0) }
    let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
    return (m, v.squareRoot())
}

/// Fig. 4: training cost per epoch, from one run's metrics.
public struct TrainingSeries: Sendable, Equatable {
    public var epochs: [Int]
    public var nudgedFraction: [Double]
    public var spikesPerNeuronPerImage: [Double]
    /// SynOps of the epoch's training (free + nudge phases of every training image).
    public var synopsPerEpoch: [Double]
    /// Cumulative training SynOps at the end of each epoch.
    public var cumulativeSynops: [Double]
    public var testAccuracy: [Double]
    public var trainAccuracy: [Double]
    public var trainImages: [Double]

    public init(_ m: MetricsTable) {
        epochs = m.epochs
        nudgedFraction = m.values("nudged_fraction")
        spikesPerNeuronPerImage = m.values("spikes_per_neuron_per_image")
        trainImages = m.values("train_images")
        let free = m.values("synops_free_per_image"), nudge = m.values("synops_nudge_per_image")
        let images = trainImages
        let perEpoch = (0 ..< epochs.count).map { (free[$0] + nudge[$0]) * images[$0] }
        synopsPerEpoch = perEpoch
        var c = 0.0
        cumulativeSynops = perEpoch.map { c += $0.isFinite ? $0 : 0; return c }
        testAccuracy = m.values("test_accuracy")
        trainAccuracy = m.values("train_accuracy")
    }

    /// Mean of the nudged fraction over the last `n` epochs (the paper: last 20 of 50).
    public func meanNudged(lastEpochs n: Int) -> Double {
        let xs = nudgedFraction.suffix(n).filter(\.isFinite)
        return xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count)
    }

    /// Mean training SynOps per image over all epochs (free + nudge).
    public var synopsPerTrainingImage: Double {
        let images = trainImages.filter(\.isFinite).reduce(0, +)
        return images > 0 ? (cumulativeSynops.last ?? 0) / images : .nan
    }
}
