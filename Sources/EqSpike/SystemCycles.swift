/// System cycles per tick: how many cycles of the RTL's system clock one algorithm tick takes
/// (the crossbar's "System cycles", docs/blocks-memory-control.md "Two clocks"). Every weight
/// array reads its spiking rows and columns through an SRAM port of `port_words` words, then every
/// array updates, then one cycle commits the other blocks' registers:
///
///     cycles(t) = max_x read_cycles_x(t) + max_x update_cycles_x(t) + 1
///
/// The RTL's tick controller takes exactly these cycles; `eqspike cosim` checks it tick by tick.
public struct SystemCycleHistogram: Sendable, Equatable {
    /// counts[c]: ticks that took c system cycles.
    public private(set) var counts: [Int] = []
    public private(set) var ticks = 0
    public private(set) var total = 0

    public init() {}

    @inline(__always)
    public mutating func record(_ cycles: Int) {
        if cycles >= counts.count { counts += [Int](repeating: 0, count: cycles + 1 - counts.count) }
        counts[cycles] &+= 1
        ticks &+= 1
        total &+= cycles
    }

    public mutating func merge(_ o: SystemCycleHistogram) {
        if o.counts.count > counts.count { counts += [Int](repeating: 0, count: o.counts.count - counts.count) }
        for (c, n) in o.counts.enumerated() { counts[c] += n }
        ticks += o.ticks
        total += o.total
    }

    public static func merged(_ all: [SystemCycleHistogram]) -> SystemCycleHistogram {
        all.reduce(into: SystemCycleHistogram()) { $0.merge($1) }
    }

    public var mean: Double { ticks > 0 ? Double(total) / Double(ticks) : 0 }
    public var max: Int { counts.lastIndex { $0 > 0 } ?? 0 }
    public var min: Int { counts.firstIndex { $0 > 0 } ?? 0 }

    /// The smallest c such that at least `fraction` of the ticks took c cycles or fewer.
    public func percentile(_ fraction: Double) -> Int {
        guard ticks > 0 else { return 0 }
        let need = Swift.max(1, Int((fraction * Double(ticks)).rounded(.up)))
        var seen = 0
        for (c, n) in counts.enumerated() {
            seen += n
            if seen >= need { return c }
        }
        return max
    }

    /// One line for a report: mean, median, 99th percentile and max per tick, and what the mean
    /// and the max mean for the tick rate at `clockMHz`.
    public func summary(clockMHz: Double = 100) -> String {
        guard ticks > 0 else { return "no ticks run" }
        let meanRate = clockMHz * 1e6 / mean, worstRate = clockMHz * 1e6 / Double(max)
        return String(format: "mean %.2f, median %d, p99 %d, max %d per tick over %d ticks; at %.0f MHz: %.2f M ticks/s on average, %.3f M ticks/s at the max",
                      mean, percentile(0.5), percentile(0.99), max, ticks, clockMHz, meanRate / 1e6, worstRate / 1e6)
    }

    public var jsonObject: [String: Any] {
        ["ticks": ticks, "total": total, "mean": mean, "median": percentile(0.5), "p99": percentile(0.99), "max": max,
         "min": min]
    }
}

extension Chip {
    /// Forgets the ticks recorded so far (a benchmark counts one run at a time).
    public func clearSystemCycles() { systemCycles = SystemCycleHistogram() }

    /// `port_words` of each weight array, by instance name.
    public var portWords: [String: Int] {
        Dictionary(uniqueKeysWithValues: crossbars.map { ($0.name, $0.portWords) })
    }

    /// "w1 16 words, w2 16 words".
    public var portWordsDescription: String {
        crossbars.map { "\($0.name) \($0.portWords) words" }.joined(separator: ", ")
    }

    /// The system cycles of the clock just stepped (see `SystemCycleHistogram`).
    @inline(__always)
    public var lastTickSystemCycles: Int {
        var reads = 0, updates = 0
        for x in cycleCrossbars {
            reads = Swift.max(reads, x.tickReadCycles)
            updates = Swift.max(updates, x.tickUpdateCycles)
        }
        if !cycleOtherArrays.isEmpty {
            for x in cycleOtherArrays {
                reads = Swift.max(reads, x.tickReadCycles)
                updates = Swift.max(updates, x.tickUpdateCycles)
            }
        }
        return reads + updates + 1
    }
}
