import Foundation

/// The design's clock: only used to turn clocks into time (VCD timescale, energy and time reports).
public struct Clock: Sendable, Equatable, CustomStringConvertible {
    public let periodSeconds: Double
    /// Where it was declared (nil: the default).
    public let location: SourceLocation?

    /// 1 us (1 MHz) when a netlist does not say.
    public static let defaultPeriod = 1e-6

    public init(periodSeconds: Double, location: SourceLocation? = nil) {
        self.periodSeconds = periodSeconds
        self.location = location
    }

    public var frequencyHertz: Double { 1 / periodSeconds }

    /// `10 us (100 kHz)`.
    public var description: String { "\(Clock.engineering(periodSeconds, "s")) (\(Clock.engineering(frequencyHertz, "Hz")))" }

    /// A value with an SI prefix, e.g. `2.5 ms`, `100 kHz`.
    public static func engineering(_ value: Double, _ unit: String) -> String {
        guard value.isFinite, value != 0 else { return "\(value) \(unit)" }
        let prefixes: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")]
        let (scale, prefix) = prefixes.first { abs(value) >= $0.0 * 0.9999999 } ?? prefixes.last!
        var s = String(format: "%.6g", value / scale)
        if s.contains("e") { s = String(value / scale) }
        return "\(s) \(prefix)\(unit)"
    }
}
