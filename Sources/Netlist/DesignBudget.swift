import Foundation
import HDL

/// What `eqspike check` prints for a design: every block with its type, lanes and formats, the
/// storage it implements in hardware (register, SRAM and delay-line bits, from its declared
/// interface), the totals, the clock, and the SynOp energy of the experiment. Computed from the
/// `Circuit` alone: no block is built, so any size can be budgeted.
public struct DesignBudget: Sendable {
    public struct Row: Codable, Sendable, Equatable {
        public let name: String
        public let type: String
        /// Lanes of the block's widest port.
        public let lanes: Int
        /// Rows and columns of a block that has them (a crossbar).
        public let rows: Int?
        public let cols: Int?
        /// Format parameters, `name=format`, sorted by name.
        public let formats: [String]
        public let registerBits: Int
        public let sramBits: Int
        public let delayLineBits: Int
        public let location: String

        public var totalBits: Int { registerBits + sramBits + delayLineBits }
        /// `16`, or `784x100` for a block with rows and columns.
        public var lanesText: String {
            if let rows, let cols { return "\(rows)x\(cols)" }
            return String(lanes)
        }
    }

    public let path: String
    public let rows: [Row]
    public let clockPeriodSeconds: Double
    public let clockDeclared: Bool
    /// `experiment.synop_energy_pj`, if the netlist sets it.
    public let synopEnergyPicojoules: Double?
    /// Clocks per training image (`T_free + T_nudge`), if the experiment sets both.
    public let clocksPerImage: Int?

    public static let synopEnergyKey = "synop_energy_pj"

    public init(_ design: Design) { self.init(design.circuit) }

    public init(_ circuit: Circuit) {
        path = circuit.sourcePath
        rows = circuit.instances.map { inst in
            var bits = [StorageItem.Kind.register: 0, .sram: 0, .delayLine: 0]
            for s in inst.interface.storage { bits[s.kind, default: 0] += s.bits }
            let v = inst.parameters.values
            var rows: Int? = nil, cols: Int? = nil
            if case .int(let r)? = v["rows"], case .int(let c)? = v["cols"] { (rows, cols) = (r, c) }
            let lanes: Int
            if case .int(let l)? = v["lanes"] { lanes = l } else { lanes = inst.interface.ports.map(\.lanes).max() ?? 0 }
            let formats = v.keys.sorted().compactMap { k -> String? in
                if case .format(let f)? = v[k] { return "\(k)=\(f)" }
                return nil
            }
            return Row(name: inst.name, type: inst.typeName, lanes: lanes, rows: rows, cols: cols, formats: formats,
                       registerBits: bits[.register] ?? 0, sramBits: bits[.sram] ?? 0, delayLineBits: bits[.delayLine] ?? 0,
                       location: inst.location.description)
        }
        clockPeriodSeconds = circuit.clock.periodSeconds
        clockDeclared = circuit.clock.location != nil
        synopEnergyPicojoules = circuit.experiment[DesignBudget.synopEnergyKey]?.real
        if case .int(let a)? = circuit.experiment["T_free"], case .int(let b)? = circuit.experiment["T_nudge"] {
            clocksPerImage = a.addingReportingOverflow(b).overflow ? nil : a + b
        } else {
            clocksPerImage = nil
        }
    }

    public var registerBits: Int { rows.reduce(0) { $0 + $1.registerBits } }
    public var sramBits: Int { rows.reduce(0) { $0 + $1.sramBits } }
    public var delayLineBits: Int { rows.reduce(0) { $0 + $1.delayLineBits } }
    public var totalBits: Int { registerBits + sramBits + delayLineBits }

    /// Bits with a binary-prefixed size in bytes: `1254400 bits (153.1 KiB)`.
    static func bits(_ b: Int) -> String {
        let bytes = Double(b) / 8
        let (v, u): (Double, String) = bytes >= 1_048_576 ? (bytes / 1_048_576, "MiB") : (bytes >= 1024 ? (bytes / 1024, "KiB") : (bytes, "B"))
        return "\(b) bits (\(String(format: u == "B" ? "%.0f" : "%.1f", v)) \(u))"
    }

    /// The human-readable report.
    public var text: String {
        var out = "design \(path): \(rows.count) blocks\n"
        out += "clock: \(Clock(periodSeconds: clockPeriodSeconds))\(clockDeclared ? "" : " (default; the netlist has no clock statement)")\n\n"
        let header = ["block", "type", "lanes", "register", "sram", "delay line", "formats"]
        var table = [header]
        for r in rows {
            table.append([r.name, r.type, r.lanesText, String(r.registerBits), r.sramBits == 0 ? "-" : String(r.sramBits),
                          r.delayLineBits == 0 ? "-" : String(r.delayLineBits), r.formats.joined(separator: " ")])
        }
        table.append(["total", "", "", String(registerBits), String(sramBits), String(delayLineBits), ""])
        let widths = (0..<header.count).map { c in table.map { $0[c].count }.max() ?? 0 }
        for (i, line) in table.enumerated() {
            var cells: [String] = []
            for (c, cell) in line.enumerated() {
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                cells.append(c >= 3 && c <= 5 ? pad + cell : (c == line.count - 1 ? cell : cell + pad))
            }
            out += cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
            if i == 0 || i == table.count - 2 {
                out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            }
        }
        out += "\nstate: \(DesignBudget.bits(totalBits)) = registers \(DesignBudget.bits(registerBits))"
        out += " + SRAM \(DesignBudget.bits(sramBits)) + delay lines \(DesignBudget.bits(delayLineBits))\n"
        for r in rows where r.sramBits > 0 {
            out += "  SRAM \(r.name) (\(r.type) \(r.lanesText)): \(DesignBudget.bits(r.sramBits))\n"
        }
        if let e = synopEnergyPicojoules {
            out += "SynOp energy: \(String(format: "%g", e)) pJ per synaptic operation (experiment.\(DesignBudget.synopEnergyKey))\n"
        } else {
            out += "SynOp energy: not set (experiment.\(DesignBudget.synopEnergyKey))\n"
        }
        if let n = clocksPerImage {
            out += "one training image: \(n) clocks (T_free + T_nudge) = \(Clock.engineering(Double(n) * clockPeriodSeconds, "s"))\n"
        }
        return out
    }

    private struct JSONReport: Encodable {
        struct ClockJSON: Encodable {
            let period_s: Double
            let frequency_hz: Double
            let declared: Bool
        }
        struct BlockJSON: Encodable {
            let name: String
            let type: String
            let lanes: Int
            let rows: Int?
            let cols: Int?
            let formats: [String]
            let register_bits: Int
            let sram_bits: Int
            let delay_line_bits: Int
            let location: String
        }
        struct Totals: Encodable {
            let register_bits: Int
            let sram_bits: Int
            let delay_line_bits: Int
            let state_bits: Int
        }
        let design: String
        let clock: ClockJSON
        let blocks: [BlockJSON]
        let totals: Totals
        let synop_energy_pj: Double?
        let clocks_per_image: Int?
    }

    /// The same report as JSON (keys sorted, stable across runs).
    public var json: String {
        let report = JSONReport(
            design: path,
            clock: .init(period_s: clockPeriodSeconds, frequency_hz: 1 / clockPeriodSeconds, declared: clockDeclared),
            blocks: rows.map { .init(name: $0.name, type: $0.type, lanes: $0.lanes, rows: $0.rows, cols: $0.cols, formats: $0.formats, register_bits: $0.registerBits,
                                     sram_bits: $0.sramBits, delay_line_bits: $0.delayLineBits, location: $0.location) },
            totals: .init(register_bits: registerBits, sram_bits: sramBits, delay_line_bits: delayLineBits, state_bits: totalBits),
            synop_energy_pj: synopEnergyPicojoules, clocks_per_image: clocksPerImage)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(report) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
