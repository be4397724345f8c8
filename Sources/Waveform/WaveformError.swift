/// Errors of the waveform writers: bad patterns, selections that match nothing, file trouble.
public enum WaveformError: Error, Equatable, CustomStringConvertible {
    /// A signal pattern that cannot be parsed (the pattern, what is wrong).
    case badPattern(String, String)
    /// A pattern that selects no signal; `known` lists the instances (or scopes) that exist.
    case noMatch(String, known: [String])
    /// A pattern naming one signal exactly asks for lanes it lacks (pattern, `instance.port`, its
    /// lane count, the highest lane asked for).
    case lanesBeyondPort(String, signal: String, lanes: Int, asked: Int)
    /// A dump window in which no clock was simulated (the window, the run's last clock or -1 for
    /// none, the VCD path that was therefore not written).
    case emptyWindow(ClosedRange<Int>, lastClock: Int, path: String)
    /// The clock period cannot be expressed in a VCD timescale.
    case badClockPeriod(Double)
    /// Opening, writing or closing a file failed (path, errno text).
    case io(String, String)
    /// Signals were added after the header was written, or sampling happened after `finish()`.
    case state(String)

    public var description: String {
        switch self {
        case .badPattern(let p, let why): return "signal pattern '\(p)': \(why)"
        case .noMatch(let p, let known):
            let list = known.count > 12 ? known.prefix(12).joined(separator: ", ") + ", ..." : known.joined(separator: ", ")
            return "signal pattern '\(p)' selects nothing (instances: \(list))"
        case .lanesBeyondPort(let p, let signal, let lanes, let asked):
            return "signal pattern '\(p)': \(signal) has \(lanes) lane\(lanes == 1 ? "" : "s") (0 to \(lanes - 1)), lane \(asked) does not exist"
        case .emptyWindow(let w, let last, let path):
            let run = last < 0 ? "the run simulated no clock" : "the run's last clock was \(last) (clocks count from 0 across the whole run)"
            return "\(VCDWriter.describe(window: w)) selects no simulated clock: \(run); \(path) not written"
        case .badClockPeriod(let p): return "clock period \(p) s cannot be written as a VCD timescale (needs a finite value >= 1e-15 s)"
        case .io(let path, let why): return "cannot write \(path.isEmpty ? "''" : path): \(why)"
        case .state(let m): return m
        }
    }
}
