/// Errors of the waveform writers: bad patterns, selections that match nothing, file trouble.
public enum WaveformError: Error, Equatable, CustomStringConvertible {
    /// A signal pattern that cannot be parsed (the pattern, what is wrong).
    case badPattern(String, String)
    /// A pattern that selects no signal; `known` lists the instances (or scopes) that exist.
    case noMatch(String, known: [String])
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
        case .badClockPeriod(let p): return "clock period \(p) s cannot be written as a VCD timescale (needs a finite value >= 1e-15 s)"
        case .io(let path, let why): return "\(path): \(why)"
        case .state(let m): return m
        }
    }
}
