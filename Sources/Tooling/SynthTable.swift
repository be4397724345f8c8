import Foundation

/// The printed forms of a synthesis report: the per-block table, the SRAM table and the totals
/// (text), or everything with the totals computed (JSON).
extension Synth.Report {
    public var text: String {
        func f(_ x: Double) -> String { String(format: "%.0f", x) }
        func kinds(_ b: Synth.Block) -> String {
            b.cellsByKind.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        let unit = liberty == nil ? "area um^2 (est.)" : "area um^2 (lib)"
        var rows: [[String]] = [["block", "type", "cells", "FFs", "transistors", unit, "cells by kind"]]
        for b in blocks {
            if let why = b.failure {
                rows.append([b.instance, b.type, "-", "-", "-", "-", "not synthesised: \(why)"])
            } else {
                rows.append([b.instance + (b.estimate == nil ? "" : " *"), b.type, "\(b.cells)", "\(b.flipFlops)", "\(b.transistors)", f(b.area), kinds(b)])
            }
        }
        for m in missing { rows.append([m, "", "-", "-", "-", "-", "no cached result"]) }
        rows.append(["logic total", "", "\(logicCells)", "\(flipFlops)", "\(transistors)", f(logicArea), ""])
        let scaled = blocks.filter { $0.failure == nil && $0.estimate != nil }
        var s = "logic (Yosys: \(yosys); synth, dfflegalize to $_DFF_P_, abc -g cmos2, stat -tech cmos\(liberty.map { "; area from \($0)" } ?? ""))\n"
        s += Self.columns(rows, left: 2)
        if !scaled.isEmpty {
            s += "* lane scaling: synthesised at two smaller sizes and extrapolated linearly (\(scaled.map { "\($0.instance): \($0.estimate!)" }.joined(separator: "; ")))\n"
        }
        var sr: [[String]] = [["SRAM", "words", "bits", "port (words/cycle)", "total bits", "area um^2 (est.)"]]
        for m in srams { sr.append([m.instance, "\(m.words)", "\(m.bits)", "\(m.portWords)", "\(m.totalBits)", f(m.area)]) }
        sr.append(["SRAM total", "", "", "", "\(sramBits)", f(sramArea)])
        s += "\nSRAM macros (kept out of logic synthesis)\n" + Self.columns(sr, left: 1)
        let incomplete = blocks.contains { $0.failure != nil } || !missing.isEmpty
        s += "\ntotal area: \(f(totalArea)) um^2 = logic \(f(logicArea)) + SRAM \(f(sramArea))\(incomplete ? " (INCOMPLETE: blocks without a result are not in the totals)" : "")\n"
        s += "figures: logic \(liberty == nil ? SynthFigures.transistorSource : "from the Liberty file"); SRAM \(SynthFigures.sramSource) (docs/synthesis.md)\n"
        return s
    }

    public var json: String {
        var o: [String: Any] = [
            "yosys": yosys,
            "blocks": blocks.map { b -> [String: Any] in
                var d: [String: Any] = ["instance": b.instance, "type": b.type, "module": b.module, "seconds": b.seconds]
                if let why = b.failure { d["failure"] = why } else {
                    d["cells"] = b.cells; d["flip_flops"] = b.flipFlops; d["transistors"] = b.transistors
                    d["area_um2"] = b.area; d["cells_by_kind"] = b.cellsByKind
                    if let e = b.estimate { d["lane_scaling"] = e }
                }
                return d
            },
            "srams": srams.map { ["instance": $0.instance, "words": $0.words, "bits": $0.bits, "port_words": $0.portWords,
                                  "total_bits": $0.totalBits, "area_um2": $0.area] as [String: Any] },
            "missing": missing,
            "totals": ["logic_cells": logicCells, "flip_flops": flipFlops, "transistors": transistors, "logic_area_um2": logicArea,
                       "sram_bits": sramBits, "sram_area_um2": sramArea, "area_um2": totalArea,
                       "complete": !blocks.contains { $0.failure != nil } && missing.isEmpty] as [String: Any],
            "figures": ["um2_per_transistor": SynthFigures.um2PerTransistor, "transistor_source": SynthFigures.transistorSource,
                        "um2_per_bit_cell": SynthFigures.um2PerBitCell, "array_efficiency": SynthFigures.arrayEfficiency,
                        "sram_source": SynthFigures.sramSource] as [String: Any],
        ]
        if let l = liberty { o["liberty"] = l }
        let d = (try? JSONSerialization.data(withJSONObject: o, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: d, as: UTF8.self)
    }

    /// Left-aligned names (the first `left` columns), right-aligned numbers, a free last column.
    static func columns(_ rows: [[String]], left: Int) -> String {
        let n = rows.map(\.count).max() ?? 0
        var w = [Int](repeating: 0, count: n)
        for r in rows { for (i, c) in r.enumerated() where i < n - 1 { w[i] = max(w[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in
                if i == r.count - 1 && r.count == n && n > 6 { return c }
                let pad = String(repeating: " ", count: max(0, w[i] - c.count))
                return i < left ? c + pad : pad + c
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}
