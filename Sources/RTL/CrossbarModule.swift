import Blocks
import FixedPoint
import HDL

/// The crossbar's module: the largest block, with its own file. The weights (and the deferred
/// shadow) are `eqspike_sram` instances with one port of `port_words` words per system cycle; a
/// sequencer serves the tick's spiking rows, then its spiking columns, one access per cycle into
/// exact accumulators, then (when the top's tick controller says every crossbar has read) the
/// read-modify-write updates and the commit sweep, in the model's order. The cycles it takes are
/// the model's `Crossbar` "System cycles", cycle for cycle.
extension MemoryControlModules {
    static func crossbar(_ c: InstanceContext, files: inout Files) throws -> ModuleText {
        let b = c.block as! Crossbar
        let R = b.rows, C = b.cols, P = b.portWords, fw = b.weightFormat, fc = b.currentFormat, fd = b.deltaFormat
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
        let rowAccesses = (C + P - 1) / P, colAccesses = (R + P - 1) / P
        let lineBits = V.bitsFor(max(R, C) + 1)          // a row or column index, and one past the last
        let chunkBits = V.bitsFor(max(rowAccesses, colAccesses))
        // Exact sums of up to max(R, C) words.
        let accW = min(64, fw.width + V.bitsFor(max(R, C) + 1) + 1)
        let readShift = fc.fracBits - fw.fracBits
        let fitc = readShift >= 0 ? "lane_sum <<< \(readShift)" : V.round("lane_sum", -readShift, b.readRounding)
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
            "(docs/blocks-memory-control.md, crossbar). Tick t, read before write:",
            "  col_current[j] = SAT(fitc(sum_{i: row_spike[i]} W[i][j]))",
            "  row_current[i] = SAT(fitc(sum_{j: col_spike[j]} W[i][j]))",
            "  fitc = \(readShift >= 0 ? "exact shift left by \(readShift)" : "R(., \(-readShift)) with read_rounding \(b.readRounding)")",
            "then, if learn:",
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
            "",
            "System cycles: W\(deferred ? " and S are" : " is an") eqspike_sram (one port of \(P) words per cycle, read data one",
            "cycle later; a row is \(rowAccesses) access(es), a column \(colAccesses)). While the top's `reading` is high",
            "the sequencer reads the spiking rows, then the spiking columns, one access per cycle, adding each",
            "access's words into the exact accumulators the cycle after; while `updating` is high it runs the",
            "updates above in that order, each access a read then a write (2 cycles), and the sweep. It says",
            "`read_busy` / `update_busy` while it has work in the phase; the top raises `tick` when no crossbar",
            "has, and every other block commits at that edge. Cycles of tick t (the model's Crossbar):",
            "  read:   a + [a > 0], a = |rows read| * \(rowAccesses) + |columns read| * \(colAccesses)",
            "  update: 2 * (|rows updated| * \(rowAccesses) + |columns updated| * \(colAccesses) + |rows swept| * \(rowAccesses))",
        ]
        m.input("clk", width: 1, "system clock")
        m.input("rst", width: 1, "the model's reset() between images: no access in that clock")
        m.input("tick", width: 1, "the tick's last system cycle: the accumulators clear at its edge")
        m.input("reading", width: 1, "tick controller: the read phase")
        m.input("updating", width: 1, "tick controller: the update phase")
        if rowRead { m.input("row_spike", width: R) }
        if colRead { m.input("col_spike", width: C) }
        if c.isDriven("row_delta") { m.input("row_delta", width: C * fd.width) }
        if c.isDriven("col_delta") { m.input("col_delta", width: R * fd.width) }
        if c.isDriven("learn") { m.input("learn", width: 1) }
        if c.isDriven("apply") { m.input("apply", width: 1, deferred ? "" : "unused in immediate mode") }
        m.output("col_current", width: C * fc.width, "combinational: valid once the read phase is over")
        m.output("row_current", width: R * fc.width, "combinational: valid once the read phase is over")
        m.output("read_busy", width: 1, "reads left in this tick (or the last read's data)")
        m.output("update_busy", width: 1, "updates or sweep left in this tick")
        m.line("localparam ROW_READ = 3'd0, COL_READ = 3'd1, ROW_UPDATE = 3'd2, COL_UPDATE = 3'd3, SWEEP = 3'd4;")
        // Exact 64-bit intermediates; and in a crossbar wired for rows only (or columns only) the
        // other side's state is unused.
        m.lines(NeuronPathModules.wideWaiver)
        if deferred {
            let d = (0..<R).map { i in i < dirty.count && dirty[R - 1 - i] != 0 ? "1" : "0" }.joined()
            m.line("reg [\(R - 1):0] dirty;   // a row's shadow holds a pending update")
            m.line("initial dirty = \(R)'b\(d);")
        }
        if stochastic {
            let words = (0..<16).reversed().map { k in String(k < bank.count ? UInt32(bitPattern: bank[k]) : 0, radix: 16).leftPadded(8) }
            m.line("reg [511:0] bank;   // 16 LFSR32 streams, stream k in bits [32k +: 32]")
            m.line("initial bank = 512'h\(words.joined(separator: "_"));")
            m.lines(V.xorshiftFunction)
        }
        // What each stage serves.
        m.line("")
        m.line("// The lines each stage serves this tick, in increasing order.")
        m.line("wire [\(R - 1):0] rows_read = \(rowRead ? "row_spike" : "\(R)'d0");")
        m.line("wire [\(C - 1):0] cols_read = \(colRead ? "col_spike" : "\(C)'d0");")
        m.line("wire [\(R - 1):0] rows_updated = \(rowUpd ? "learn ? row_spike : \(R)'d0" : "\(R)'d0");")
        m.line("wire [\(C - 1):0] cols_updated = \(colUpd ? "learn ? col_spike : \(C)'d0" : "\(C)'d0");")
        m.line("wire [\(R - 1):0] rows_swept = \(apply ? "apply ? dirty : \(R)'d0" : "\(R)'d0");")
        m.lines(firstSetFunction("first_row", width: R, lineBits: lineBits))
        m.lines(firstSetFunction("first_col", width: C, lineBits: lineBits))
        // Sequencer state.
        m.line("")
        m.line("reg [2:0] stage;                 // the stage being served")
        m.line("reg [\(lineBits - 1):0] next_line;          // its next candidate row or column")
        m.line("reg [\(chunkBits - 1):0] chunk;              // the access within the line")
        m.line("reg write_half;                  // an update's access: 0 = read, 1 = write")
        m.line("reg read_pending, read_pending_col;   // an access read last cycle: add its words now")
        m.line("reg [\(chunkBits - 1):0] read_pending_chunk;")
        m.line("initial begin stage = ROW_READ; next_line = \(lineBits)'d0; chunk = \(chunkBits)'d0; write_half = 1'b0; read_pending = 1'b0; read_pending_col = 1'b0; read_pending_chunk = \(chunkBits)'d0; end")
        // The current job: the first line at or after next_line in the current stage, else the first
        // line of a later stage (an empty stage costs no cycle).
        m.line("")
        m.line("// The job: the first line at or past next_line in the current stage, else the first of a later stage.")
        m.line("reg job_valid;")
        m.line("reg [2:0] job_stage;")
        m.line("reg [\(lineBits - 1):0] job_line;")
        m.line("reg [\(lineBits):0] found;")
        m.line("always @* begin")
        m.line("    job_valid = 1'b0; job_stage = ROW_READ; job_line = \(lineBits)'d0; found = \(lineBits + 1)'d0;")
        for (code, vector, fn) in [("ROW_READ", "rows_read", "first_row"), ("COL_READ", "cols_read", "first_col"),
                                   ("ROW_UPDATE", "rows_updated", "first_row"), ("COL_UPDATE", "cols_updated", "first_col"),
                                   ("SWEEP", "rows_swept", "first_row")] {
            m.line("    if (!job_valid && stage <= \(code)) begin")
            m.line("        found = \(fn)(\(vector), stage == \(code) ? next_line : \(lineBits)'d0);")
            m.line("        if (found[\(lineBits)]) begin job_valid = 1'b1; job_stage = \(code); job_line = found[\(lineBits - 1):0]; end")
            m.line("    end")
        }
        m.line("end")
        m.line("wire job_is_read = job_valid && job_stage <= COL_READ;")
        m.line("wire job_is_update = job_valid && job_stage >= ROW_UPDATE;")
        m.line("wire job_on_column = job_stage == COL_READ || job_stage == COL_UPDATE;")
        m.line("wire last_chunk = chunk == (job_on_column ? \(chunkBits)'d\(colAccesses - 1) : \(chunkBits)'d\(rowAccesses - 1));")
        m.line("assign read_busy = job_is_read || read_pending;")
        m.line("assign update_busy = job_is_update;")
        // SRAMs.
        m.line("")
        m.line("wire read_access = reading && job_is_read;")
        m.line("wire update_access = updating && job_is_update;")
        m.line("wire [\(P * fw.width - 1):0] w_rdata, w_wdata;")
        let wUpdates = deferred ? "job_stage == SWEEP" : "1'b1"
        m.line("eqspike_sram #(.ROWS(\(R)), .COLS(\(C)), .WIDTH(\(fw.width)), .P(\(P)), .LINE_BITS(\(lineBits)), .CHUNK_BITS(\(chunkBits)), .INIT(\"\(c.name).hex\")) weights (")
        m.line("    .clk(clk), .en(read_access || (update_access && \(wUpdates))), .we(updating && write_half), .col_mode(job_on_column),")
        m.line("    .line(job_line), .chunk(chunk), .wdata(w_wdata), .rdata(w_rdata));")
        if deferred {
            m.line("wire [\(P * fd.width - 1):0] s_rdata, s_wdata;")
            m.line("eqspike_sram #(.ROWS(\(R)), .COLS(\(C)), .WIDTH(\(fd.width)), .P(\(P)), .LINE_BITS(\(lineBits)), .CHUNK_BITS(\(chunkBits)), .INIT(\"\(c.name).shadow.hex\")) shadow (")
            m.line("    .clk(clk), .en(update_access), .we(updating && write_half), .col_mode(job_on_column),")
            m.line("    .line(job_line), .chunk(chunk), .wdata(s_wdata), .rdata(s_rdata));")
        }
        // Accumulators and the read outputs.
        m.line("")
        // One exact accumulator per lane: lane n adds word n mod P of the access that read chunk n / P.
        // The output comes from a copy taken as the last read's words arrive, so it changes twice a
        // tick (there, and cleared at the tick's end), not every cycle: what reads it settles once.
        m.line("wire reads_end = read_pending && !job_is_read;   // the last read's words arrive this cycle")
        for (out, lanes, side, wired) in [("col_current", C, "!read_pending_col", rowRead), ("row_current", R, "read_pending_col", colRead)] {
            let k = "\(out)_k"
            m.line("genvar \(k);")
            m.line("generate for (\(k) = 0; \(k) < \(lanes); \(k) = \(k) + 1) begin : \(out)_lane")
            if wired {
                m.line("    reg [\(accW - 1):0] acc;   // the exact sum of the words read into this lane this tick")
                m.line("    wire [\(fw.width - 1):0] word = w_rdata[(\(k) % \(P))*\(fw.width) +: \(fw.width)];")
                m.line("    wire add = read_pending && \(side) && {{\(32 - chunkBits){1'b0}}, read_pending_chunk} == \(k) / \(P);")
                let ext = fw.isSigned ? "{{\(accW - fw.width){word[\(fw.width - 1)]}}, word}" : "{\(accW - fw.width)'d0, word}"
                m.line("    reg [\(accW - 1):0] sum_q;   // the lane's sum, from the end of the reads to the end of the tick")
                m.line("    wire [\(accW - 1):0] acc_next = add ? acc + \(ext) : acc;")
                m.line("    initial begin acc = \(accW)'d0; sum_q = \(accW)'d0; end")
                m.line("    always @(posedge clk) begin")
                m.line("        acc <= (rst || tick) ? \(accW)'d0 : acc_next;")
                m.line("        sum_q <= (rst || tick) ? \(accW)'d0 : reads_end ? acc_next : sum_q;")
                m.line("    end")
                m.line("    wire signed [63:0] lane_sum = \(V.ext("sum_q", msb: "sum_q[\(accW - 1)]", width: accW, signed: true));")
                m.line("    wire signed [63:0] lane_current = \(V.fit("(\(fitc))", fc, .saturate));")
                m.line("    assign \(V.lane(out, k, fc.width)) = lane_current[\(fc.width - 1):0];")
            } else {
                m.line("    assign \(V.lane(out, k, fc.width)) = \(fc.width)'d0;   // not read: the model's output is 0")
            }
            m.line("end endgenerate")
        }
        // The words an update writes: one generate block per word of the port.
        m.line("")
        m.line("// The words the write half of an update access writes, from the words its read half read.")
        m.line("wire [31:0] line_words = job_on_column ? 32'd\(R) : 32'd\(C);   // words of the row or column updated")
        m.line("wire [31:0] first_word = {{\(32 - chunkBits){1'b0}}, chunk} * 32'd\(P);   // its word at port word 0")
        if stochastic {
            // Word m of an update draws stream m mod 16 after step floor(m / 16) + 1 of the update;
            // `bank` has taken ceil(first_word / 16) steps of it before this access.
            let steps = (P + 15) / 16 + 1
            m.line("// The bank after 0...\(steps) more steps: word m of an update draws stream m mod 16 after step")
            m.line("// floor(m / 16) + 1 of the update, of which `bank` has taken ceil(first_word / 16).")
            m.line("wire [511:0] bank_after_0 = bank;")
            for k in 1...steps {
                m.line("wire [511:0] bank_after_\(k);")
                m.line("genvar bank_after_\(k)_stream;")
                m.line("generate for (bank_after_\(k)_stream = 0; bank_after_\(k)_stream < 16; bank_after_\(k)_stream = bank_after_\(k)_stream + 1) begin : bank_step_\(k)")
                m.line("    assign bank_after_\(k)[bank_after_\(k)_stream*32 +: 32] = eqspike_xorshift(bank_after_\(k - 1)[bank_after_\(k)_stream*32 +: 32]);")
                m.line("end endgenerate")
            }
            m.line("wire [511:0] bank_after [0:\(steps)];   // indexed by steps")
            for k in 0...steps { m.line("assign bank_after[\(k)] = bank_after_\(k);") }
            m.line("wire [31:0] steps_before = (first_word + 32'd15) / 32'd16;")
            m.line("wire [31:0] last_word = (first_word + 32'd\(P) < line_words) ? first_word + 32'd\(P) : line_words;")
            m.line("wire [511:0] bank_next = bank_after[(last_word + 32'd15) / 32'd16 - steps_before];")
        }
        let rowDelta = c.isDriven("row_delta") ? V.extLane("row_delta", "word_index", fd) : "64'sd0"
        let colDelta = c.isDriven("col_delta") ? V.extLane("col_delta", "word_index", fd) : "64'sd0"
        m.line("genvar u;")
        m.line("generate for (u = 0; u < \(P); u = u + 1) begin : port_word")
        m.line("    wire [31:0] word_index = first_word + u;   // the word's place in its row or column")
        m.line("    wire in_line = word_index < line_words;")
        m.line("    wire [\(fw.width - 1):0] w_old = w_rdata[u*\(fw.width) +: \(fw.width)];")
        m.line("    wire signed [63:0] delta = job_stage == ROW_UPDATE ? \(rowDelta) : \(colDelta);")
        if stochastic {
            let draw = P % 16 == 0
                ? "bank_after[u / 16 + 1][(u % 16)*32 +: 32]"     // accesses start on a step
                : "bank_after[word_index / 32'd16 + 32'd1 - steps_before][(word_index % 32'd16)*32 +: 32]"
            m.line("    wire [31:0] draw = \(draw);")
        }
        if deferred {
            m.line("    wire [\(fd.width - 1):0] s_old = s_rdata[u*\(fd.width) +: \(fd.width)];")
            m.line("    wire signed [63:0] s_value = \(V.word("s_old", fd));")
            m.line("    wire signed [63:0] s_sum = s_value + delta;")
            m.line("    wire signed [63:0] s_new = \(V.fit("s_sum", fd, .saturate));")
            m.line("    wire signed [63:0] inc = \(V.round("s_value", s, b.rounding, draw: "draw"));   // the sweep commits S")
        } else {
            m.line("    wire signed [63:0] inc = \(V.round("delta", s, b.rounding, draw: "draw"));")
        }
        m.line("    wire signed [63:0] w_sum = \(V.word("w_old", fw)) + inc;")
        m.line("    wire signed [63:0] w_new = \(V.fit("w_sum", fw, b.overflow));")
        m.line("    assign w_wdata[u*\(fw.width) +: \(fw.width)] = in_line ? w_new[\(fw.width - 1):0] : w_old;")
        if deferred {
            m.line("    assign s_wdata[u*\(fd.width) +: \(fd.width)] = !in_line ? s_old : job_stage == SWEEP ? \(fd.width)'d0 : s_new[\(fd.width - 1):0];")
        }
        m.line("end endgenerate")
        m.line("/* verilator lint_on UNUSEDSIGNAL */")
        // The sequencer.
        m.line("")
        m.line("always @(posedge clk) begin")
        m.line("    if (rst || tick) begin   // a new tick (or image) starts from the first stage, sums at 0")
        m.line("        stage <= ROW_READ; next_line <= \(lineBits)'d0; chunk <= \(chunkBits)'d0; write_half <= 1'b0;")
        m.line("        read_pending <= 1'b0;")
        m.line("    end else begin")
        m.line("        read_pending <= read_access;")
        m.line("        if (read_access) begin read_pending_col <= job_on_column; read_pending_chunk <= chunk; end")
        m.line("        if (update_access) write_half <= !write_half;")
        m.line("        if (read_access || (update_access && write_half)) begin   // the job's access is done: next one")
        m.line("            stage <= job_stage;")
        m.line("            if (last_chunk) begin chunk <= \(chunkBits)'d0; next_line <= job_line + \(lineBits)'d1; end")
        m.line("            else begin chunk <= chunk + \(chunkBits)'d1; next_line <= job_line; end")
        m.line("        end")
        if stochastic {
            // Draws are taken by rounded writes of W only: immediate updates, or the deferred sweep.
            let drawing = deferred ? "job_stage == SWEEP" : "1'b1"
            m.line("        if (update_access && write_half && \(drawing)) bank <= bank_next;")
        }
        if deferred {
            let rowBits = V.bitsFor(R)
            let row = rowBits < lineBits ? "job_line[\(rowBits - 1):0]" : "job_line"
            m.line("        if (update_access && write_half) begin")
            m.line("            if (job_stage == ROW_UPDATE) dirty[\(row)] <= 1'b1;")
            m.line("            else if (job_stage == COL_UPDATE) dirty <= {\(R){1'b1}};")
            m.line("            else if (last_chunk) dirty[\(row)] <= 1'b0;   // swept")
            m.line("        end")
        }
        m.line("    end")
        m.line("end")
        return m
    }

    /// `{found, index}`: the lowest set bit of `v` at or above `from` (a mask, then a priority encoder).
    static func firstSetFunction(_ name: String, width: Int, lineBits: Int) -> [String] {
        let from = lineBits < 32 ? "{{\(32 - lineBits){1'b0}}, from}" : "from"
        return [
            "function [\(lineBits):0] \(name);   // {found, index of the lowest set bit of v at or above from}",
            "    input [\(width - 1):0] v;",
            "    input [\(lineBits - 1):0] from;",
            "    reg [\(width - 1):0] masked;",
            "    integer i;",
            "    begin",
            "        masked = v & ({\(width){1'b1}} << \(from));",
            "        \(name) = \(lineBits + 1)'d0;",
            "        for (i = \(width - 1); i >= 0; i = i - 1) if (masked[i]) \(name) = {1'b1, i[\(lineBits - 1):0]};",
            "    end",
            "endfunction",
        ]
    }

    /// The SRAM every crossbar instantiates (one file, `eqspike_sram.v`).
    static let sramModule = """
    `timescale 1ns / 1ps
    // eqspike_sram: ROWS x COLS words of WIDTH bits, row-major (address row * COLS + col), with one
    // transposable port of P words per system cycle: an access reads or writes words k < P of
    // row `line` (col_mode = 0: columns chunk * P + k) or of column `line` (col_mode = 1: rows
    // chunk * P + k); words past the row's or column's end are not written and read as 0. A read's
    // words are in `rdata` after the clock edge (synchronous read, one cycle of latency); a write
    // takes effect at the edge. Contents start from $readmemh(INIT). A foundry SRAM macro with
    // this port (or two macros and a transpose network) replaces this module.
    module eqspike_sram #(
        parameter ROWS = 1, COLS = 1, WIDTH = 16, P = 16, LINE_BITS = 1, CHUNK_BITS = 1,
        parameter INIT = ""
    ) (
        input  wire clk,
        input  wire en,
        input  wire we,
        input  wire col_mode,
        input  wire [LINE_BITS-1:0] line,
        input  wire [CHUNK_BITS-1:0] chunk,
        input  wire [P*WIDTH-1:0] wdata,
        output reg  [P*WIDTH-1:0] rdata
    );
        reg [WIDTH-1:0] mem [0:ROWS*COLS-1];
        // No file by default: a tool that elaborates the module alone needs none.
        generate if (INIT != "") begin : contents
            initial $readmemh(INIT, mem);
        end endgenerate
        initial rdata = {P*WIDTH{1'b0}};
        integer k, r, c;
        // Blocking writes to the array: Verilator does not take non-blocking array writes in a loop;
        // nothing else reads `mem` at this edge (one port).
        /* verilator lint_off BLKSEQ */
        always @(posedge clk) if (en) begin
            for (k = 0; k < P; k = k + 1) begin
                r = col_mode ? chunk * P + k : {{(32-LINE_BITS){1'b0}}, line};
                c = col_mode ? {{(32-LINE_BITS){1'b0}}, line} : chunk * P + k;
                if (we) begin
                    if (r < ROWS && c < COLS) mem[r * COLS + c] = wdata[k*WIDTH +: WIDTH];
                end else begin
                    rdata[k*WIDTH +: WIDTH] <= (r < ROWS && c < COLS) ? mem[r * COLS + c] : {WIDTH{1'b0}};
                end
            end
        end
        /* verilator lint_on BLKSEQ */
    endmodule

    """
}
