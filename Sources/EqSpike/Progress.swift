import Foundation

/// Progress of a long run: a live bar on a terminal, plain log lines otherwise (CI, pipes).
public final class Progress {
    public let total: Int
    public let label: String
    private let isTerminal: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastLogged = 0
    private let logEvery: Int

    public init(total: Int, label: String, logEvery: Int? = nil) {
        self.total = max(total, 1)
        self.label = label
        isTerminal = isatty(STDERR_FILENO) != 0
        self.logEvery = logEvery ?? max(1, total / 10)
    }

    /// `fields` are short "name value" pairs shown after the rate and ETA.
    public func update(done: Int, fields: [(String, String)]) {
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let extra = fields.map { "\($0.0) \($0.1)" }.joined(separator: "  ")
        if isTerminal {
            guard now.timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
            lastDraw = now
            let width = 28
            let filled = Int(Double(width) * Double(done) / Double(total))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let line = String(format: "\r%@ [%@] %d/%d  %.0f img/s  ETA %@  %@", label, bar, done, total, rate, Progress.clock(eta), extra)
            FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if done - lastLogged >= logEvery || done == total {
            lastLogged = done
            let line = String(format: "%@ %d/%d  %.0f img/s  ETA %@  %@\n", label, done, total, rate, Progress.clock(eta), extra)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }
}
