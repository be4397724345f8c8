import Blocks
import FixedPoint
import HDL

/// The crossbar's module: the largest block, with its own file. Tick-level: the combinational
/// reads sum every spiking row (or column) in one clock, and the edge runs the row updates, the
/// column updates and the commit sweep in the model's order, in one process.
extension MemoryControlModules {
    static func crossbar(_ c: InstanceContext, files: inout Files) throws -> ModuleText {
        let b = c.block as! Crossbar
        let R = b.rows, C = b.cols, fw = b.weightFormat, fc = b.currentFormat, fd = b.deltaFormat
        guard b.updateMode != .rank1 else {
            throw RTLError(instance: c.name, "parameter 'update' = rank1 is not supported by the RTL back end yet (its divider sweep is not written); use deferred or immediate")
        }
        let deferred = b.updateMode == .deferred
        let s = fd.fracBits - fw.fracBits
        let stochastic = b.rounding == .stochastic && s > 0
        let rowRead = c.isDriven("row_spike"), colRead = c.isDriven("col_spike")
        let rowUpd = rowRead && c.isDriven("row_delta") && c.isDriven("learn")
        let colUpd = colRead && c.isDriven("col_delta") && c.isDriven("learn")
        let apply = deferred && c.isDriven("apply")
        // fitc: an exact left shift when the current has more fraction bits, else read_rounding.
        let readShift = fc.fracBits - fw.fracBits
        let fitc = readShift >= 0 ? "acc <<< \(readShift)" : V.round("acc", -readShift, b.readRounding)
        // Initial contents: the model's memories now (export's hex files for the weights).
        files["\(c.name).hex"] = Readmemh.text(name: c.name, format: fw, rows: R, cols: C, words: state(c, "weights") ?? [])
        if deferred {
            files["\(c.name).shadow.hex"] = Readmemh.text(name: "\(c.name) shadow", format: fd, rows: R, cols: C, words: state(c, "shadow") ?? [])
        }
        let dirty = state(c, "dirty") ?? []
        let bank = state(c, "lfsr") ?? []

        var m = ModuleText(c.instance)
        m.comment = [
            "crossbar \(c.name): \(R) x \(C) weights \(fw), currents \(fc), deltas \(fd), update \(b.updateMode), rounding \(b.rounding)",
            "(docs/blocks-memory-control.md, crossbar). Clock t, combinational, read before write:",
            "  col_current[j] = SAT(fitc(sum_{i: row_spike[i]} W[i][j]))",
            "  row_current[i] = SAT(fitc(sum_{j: col_spike[j]} W[i][j]))",
            "  fitc = \(readShift >= 0 ? "exact shift left by \(readShift)" : "R(., \(-readShift)) with read_rounding \(b.readRounding)")",
            "Edge ending clock t, if learn:",
        ] + (deferred ? [
            "  1. spiking rows i:    S[i][j] = SAT_delta(S[i][j] + row_delta[j]), dirty[i] = 1",
            "  2. spiking columns j: S[i][j] = SAT_delta(S[i][j] + col_delta[i]), every row dirty",
            "then if apply: dirty rows i in increasing order: W[i][j] = OVF(W[i][j] + rnd(S[i][j])), S[i][j] = 0;",
            "  dirty = 0.",
        ] : [
            "  1. spiking rows i:    W[i][j] = OVF(W[i][j] + rnd(row_delta[j]))",
            "  2. spiking columns j: W[i][j] = OVF(W[i][j] + rnd(col_delta[i]))",
        ]) + [
            "rnd = R(., \(s)) with \(b.rounding)\(stochastic ? ": word m of an update of n words uses stream m mod 16 of the 16-stream LFSR32 bank after step floor(m / 16) + 1 (each update steps all 16 streams ceil(n / 16) times); up when the dropped bits > the draw's low \(s) bits" : "").",
            "overflow \(b.overflow) into \(fw). Memories keep their contents across rst (the model's reset()).",
            "Tick-level RTL: every spiking row is read and every dirty row swept within one clock.",
        ]
        m.input("clk", width: 1); m.input("rst", width: 1, "the model's reset() between images: no update in that clock")
        if rowRead { m.input("row_spike", width: R) }
        if colRead { m.input("col_spike", width: C) }
        if c.isDriven("row_delta") { m.input("row_delta", width: C * fd.width) }
        if c.isDriven("col_delta") { m.input("col_delta", width: R * fd.width) }
        if c.isDriven("learn") { m.input("learn", width: 1) }
        if c.isDriven("apply") { m.input("apply", width: 1, deferred ? "" : "unused in immediate mode") }
        m.output("col_current", width: C * fc.width, "combinational")
        m.output("row_current", width: R * fc.width, "combinational")
        m.line("reg [\(fw.width - 1):0] weights [0:\(R * C - 1)];   // address = row * \(C) + col")
        m.line("initial $readmemh(\"\(c.name).hex\", weights);")
        if deferred {
            m.line("reg [\(fd.width - 1):0] shadow [0:\(R * C - 1)];")
            m.line("initial $readmemh(\"\(c.name).shadow.hex\", shadow);")
            let d = (0..<R).map { i in i < dirty.count && dirty[R - 1 - i] != 0 ? "1" : "0" }.joined()
            m.line("reg [\(R - 1):0] dirty;")
            m.line("initial dirty = \(R)'b\(d);")
        }
        if stochastic {
            let words = (0..<16).reversed().map { k in String(k < bank.count ? UInt32(bitPattern: bank[k]) : 0, radix: 16).leftPadded(8) }
            m.line("reg [511:0] bank;   // 16 LFSR32 streams, stream k in bits [32k +: 32]")
            m.line("initial bank = 512'h\(words.joined(separator: "_"));")
            m.lines(V.xorshiftFunction)
        }
        m.lines(NeuronPathModules.wideWaiver)
        // Reads.
        m.line("reg [\(C * fc.width - 1):0] col_sum;")
        m.line("reg [\(R * fc.width - 1):0] row_sum;")
        m.line("reg signed [63:0] acc, acc_fit;")
        m.line("integer ri, rj;")
        m.line("always @* begin")
        m.line("    col_sum = \(C * fc.width)'d0;")
        m.line("    row_sum = \(R * fc.width)'d0;")
        m.line("    acc = 64'sd0; acc_fit = 64'sd0;")
        if rowRead {
            m.line("    for (rj = 0; rj < \(C); rj = rj + 1) begin")
            m.line("        acc = 64'sd0;")
            m.line("        for (ri = 0; ri < \(R); ri = ri + 1)")
            m.line("            if (row_spike[ri]) acc = acc + \(V.ext("weights[ri*\(C) + rj]", msb: "weights[ri*\(C) + rj][\(fw.width - 1)]", width: fw.width, signed: fw.isSigned));")
            m.line("        acc = \(fitc);")
            m.line("        acc_fit = \(V.fit("acc", fc, .saturate));")
            m.line("        col_sum[rj*\(fc.width) +: \(fc.width)] = acc_fit[\(fc.width - 1):0];")
            m.line("    end")
        }
        if colRead {
            m.line("    for (ri = 0; ri < \(R); ri = ri + 1) begin")
            m.line("        acc = 64'sd0;")
            m.line("        for (rj = 0; rj < \(C); rj = rj + 1)")
            m.line("            if (col_spike[rj]) acc = acc + \(V.ext("weights[ri*\(C) + rj]", msb: "weights[ri*\(C) + rj][\(fw.width - 1)]", width: fw.width, signed: fw.isSigned));")
            m.line("        acc = \(fitc);")
            m.line("        acc_fit = \(V.fit("acc", fc, .saturate));")
            m.line("        row_sum[ri*\(fc.width) +: \(fc.width)] = acc_fit[\(fc.width - 1):0];")
            m.line("    end")
        }
        m.line("end")
        m.line("assign col_current = col_sum;")
        m.line("assign row_current = row_sum;")
        // Updates.
        if rowUpd || colUpd || apply {
            m.lines(blockingWaiver)
            m.line("reg signed [63:0] sum, inc, word;")
            m.line("reg [31:0] draw;")
            m.line("integer ui, uj, us;")
            m.line("always @(posedge clk) begin")
            m.line("    if (!rst) begin")
            // A word update: deferred adds the delta to the shadow, immediate rounds it into W.
            func update(_ addr: String, _ delta: String, _ index: String) {
                if deferred {
                    m.lines(V.saturatingAdd(into: "shadow[\(addr)]", fd, delta: delta).map { "                " + $0 })
                } else {
                    if stochastic {
                        m.line("                if (\(index) % 16 == 0) for (us = 0; us < 16; us = us + 1) bank[us*32 +: 32] = eqspike_xorshift(bank[us*32 +: 32]);")
                        m.line("                draw = bank[(\(index) % 16)*32 +: 32];")
                    }
                    m.lines(V.roundedAdd(into: "weights[\(addr)]", fw, delta: delta, shift: s, b.rounding, b.overflow, draw: "draw")
                        .map { "                " + $0 })
                }
            }
            if rowUpd {
                m.line("        if (learn) for (ui = 0; ui < \(R); ui = ui + 1) if (row_spike[ui]) begin   // 1. row updates")
                m.line("            for (uj = 0; uj < \(C); uj = uj + 1) begin")
                update("ui*\(C) + uj", V.extLane("row_delta", "uj", fd), "uj")
                m.line("            end")
                if deferred { m.line("            dirty[ui] = 1'b1;") }
                m.line("        end")
            }
            if colUpd {
                m.line("        if (learn) for (uj = 0; uj < \(C); uj = uj + 1) if (col_spike[uj]) begin   // 2. column updates")
                m.line("            for (ui = 0; ui < \(R); ui = ui + 1) begin")
                update("ui*\(C) + uj", V.extLane("col_delta", "ui", fd), "ui")
                m.line("            end")
                if deferred { m.line("            dirty = {\(R){1'b1}};") }
                m.line("        end")
            }
            if apply {
                m.line("        if (apply) begin   // 3. commit sweep of the dirty rows")
                m.line("            for (ui = 0; ui < \(R); ui = ui + 1) if (dirty[ui]) begin")
                m.line("                for (uj = 0; uj < \(C); uj = uj + 1) begin")
                if stochastic {
                    m.line("                    if (uj % 16 == 0) for (us = 0; us < 16; us = us + 1) bank[us*32 +: 32] = eqspike_xorshift(bank[us*32 +: 32]);")
                    m.line("                    draw = bank[(uj % 16)*32 +: 32];")
                }
                m.lines(V.roundedAdd(into: "weights[ui*\(C) + uj]", fw, delta: V.word("shadow[ui*\(C) + uj]", fd), shift: s,
                                     b.rounding, b.overflow, draw: "draw").map { "                    " + $0 })
                m.line("                    shadow[ui*\(C) + uj] = \(fd.width)'d0;")
                m.line("                end")
                m.line("            end")
                m.line("            dirty = \(R)'d0;")
                m.line("        end")
            }
            m.line("    end")
            m.line("end")
            m.line("/* verilator lint_on BLKSEQ */")
        }
        m.line("/* verilator lint_on UNUSEDSIGNAL */")
        return m
    }
}
