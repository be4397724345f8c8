/// How a classifier's per-class scores name a class. One rule for every model that reads a label
/// off its outputs (the chip's test bench, the golden model, the C-EP reference, compare), so
/// their predictions can only differ where their scores do.
public enum Readout {
    /// The class with the highest score; on a tie the lowest class (docs/algorithm.md: "Prediction =
    /// the output with the highest count (ties: lowest index)").
    /// 0 when there are no scores.
    public static func predictedClass<Scores: Sequence>(_ scores: Scores) -> Int where Scores.Element: Comparable {
        var best = 0
        var bestScore: Scores.Element? = nil
        for (k, score) in scores.enumerated() {
            // Strictly greater: an equal later score never displaces an earlier class.
            if let b = bestScore, !(score > b) { continue }
            best = k
            bestScore = score
        }
        return best
    }
}
