/// "Did you mean" suggestions by edit distance (optimal string alignment: insertions, deletions,
/// substitutions and transpositions of neighbours each cost 1).
public enum Suggestions {
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }

    /// The closest candidate, fewer edits away than its length, within 1 edit for names of up to 4 characters, 2 up to 8, else 3;
    /// ties go to the candidate of the closest length, then to the alphabetically first. Long
    /// inputs are not compared (cost).
    public static func best(for name: String, among candidates: some Sequence<String>) -> String? {
        guard !name.isEmpty, name.utf8.count <= 64 else { return nil }
        let limit = name.count <= 4 ? 1 : (name.count <= 8 ? 2 : 3)
        var best: (String, Int, Int)? = nil
        for c in Set(candidates).sorted() where c != name && c.utf8.count <= 64 {
            let d = distance(name, c)
            let lengthDifference = abs(c.count - name.count)   // 'lfi': 'lif' rather than 'li'
            // Something must survive of the name: 'q' is not a typo of 'a'.
            if d <= limit, d < name.count, best == nil || (d, lengthDifference) < (best!.1, best!.2) { best = (c, d, lengthDifference) }
        }
        return best?.0
    }

    /// " (did you mean 'x'?)" or "".
    static func hint(for name: String, among candidates: some Sequence<String>) -> String {
        best(for: name, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }
}
