/// The VCD `$timescale` chosen for a clock period: the largest unit among 1 s, 1 ms, 1 us, 1 ns,
/// 1 ps and 1 fs in which one clock is a whole number of units. Timestamps are then
/// `cycle * ticksPerClock`, so GTKWave's time axis reads in plain units and a clock is always
/// the same integer distance (100 kHz: `1 us`, 10 ticks per clock; 1 MHz: `1 us`, 1 tick;
/// 300 MHz, 3.333... ns: `1 fs` rounded, 3333333 ticks).
///
/// The multiplier is always 1 (never `10 us` or `100 ns`): GTKWave converts those to the base
/// unit internally, and Tcl zoom commands and `.gtkw` time values would then no longer equal the
/// numbers written in the file.
public struct VCDTimescale: Equatable, Sendable, CustomStringConvertible {
    /// Power of ten of the unit in seconds: 0 (s), -3 (ms), -6 (us), -9 (ns), -12 (ps), -15 (fs).
    public let exponent: Int
    /// Units per clock (>= 1).
    public let ticksPerClock: Int
    /// False when the period had to be rounded to a whole number of femtoseconds.
    public let isExact: Bool

    public init(clockPeriodSeconds period: Double) throws(WaveformError) {
        guard period.isFinite, period >= 1e-15, period < 1e9 else { throw .badClockPeriod(period) }
        for exponent in stride(from: 0, through: -15, by: -3) {
            let ticks = period * VCDTimescale.pow10(-exponent)
            let rounded = ticks.rounded()
            if rounded >= 1 && abs(ticks - rounded) <= 1e-9 * rounded {
                self.exponent = exponent
                ticksPerClock = Int(rounded)
                isExact = true
                return
            }
        }
        exponent = -15
        ticksPerClock = max(1, Int((period * 1e15).rounded()))
        isExact = false
    }

    /// The unit as written after `$timescale`, e.g. `1 us`.
    public var unit: String {
        switch exponent {
        case 0: return "1 s"
        case -3: return "1 ms"
        case -6: return "1 us"
        case -9: return "1 ns"
        case -12: return "1 ps"
        default: return "1 fs"
        }
    }

    public var description: String { "\(unit), \(ticksPerClock) per clock" }

    /// Seconds per tick.
    public var secondsPerTick: Double { 1 / VCDTimescale.pow10(-exponent) }

    /// The timestamp of the start of a clock.
    public func time(ofClock clock: Int) -> Int { clock * ticksPerClock }

    private static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= 10 }
        return r
    }
}
