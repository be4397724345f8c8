import Blocks
import FixedPoint
import HDL

/// Modules of the memory and control blocks (docs/blocks-memory-control.md): crossbar, bias,
/// pixel_encoder, nudge, phase_controller. Memories start from `$readmemh` files (the same words
/// as `eqspike export`), random sources from the model's current LFSR states, so a co-simulation
/// can start from any checkpoint.
///
/// Every block but the crossbar commits once per tick (`V.clocked`: in the tick's last system
/// cycle); the crossbar (CrossbarModule.swift) sequences its SRAM port over the cycles before.
enum MemoryControlModules {
    /// Files a module needs beside it (name -> contents).
    typealias Files = [String: String]

    static func state(_ c: InstanceContext, _ entry: String) -> [Int32]? {
        c.block.persistentState.first { $0.name == entry }?.values
    }

    static let blockingWaiver = [
        "// The memories are updated by one process with blocking assignments, in the model's order",
        "// (row updates, column updates, then the commit sweep), each step reading the words the",
        "// previous one wrote; Verilator rejects non-blocking writes to arrays in loops (BLKLOOPINIT).",
        "/* verilator lint_off BLKSEQ */",
    ]

    static func bias(_ c: InstanceContext, files: inout Files) throws -> ModuleText {
        let b = c.block as! Bias
        let L = b.lanes, fw = b.weightFormat, fd = b.deltaFormat
        let deferred = b.updateMode == .deferred
        guard b.updateMode != .rank1 else { throw RTLError(instance: c.name, "parameter 'update' = rank1 is not defined for a bias") }
        let s = fd.fracBits - fw.fracBits
        let stochastic = b.rounding == .stochastic && s > 0
        let learn = c.isDriven("delta") && c.isDriven("learn")
        let apply = deferred && c.isDriven("apply")
        files["\(c.name).hex"] = Readmemh.text(name: c.name, format: fw, rows: 1, cols: L, words: state(c, "values") ?? [])
        if deferred {
            files["\(c.name).shadow.hex"] = Readmemh.text(name: "\(c.name) shadow", format: fd, rows: 1, cols: L, words: state(c, "shadow") ?? [])
        }
        var m = ModuleText(c.instance)
        m.comment = [
            "bias \(c.name): \(L) values \(fw), deltas \(fd), update \(b.updateMode), rounding \(b.rounding) (docs/blocks-memory-control.md, bias)",
            "  value = b (registered). Edge ending clock t:",
        ] + (deferred ? [
            "  if learn: S[k] = SAT_delta(S[k] + delta[k]);  then if apply: b[k] = OVF(b[k] + rnd(S[k])), S[k] = 0",
        ] : [
            "  if learn: b[k] = OVF(b[k] + rnd(delta[k]))",
        ]) + [
            "rnd = R(., \(s)) with \(b.rounding)\(stochastic ? ": one LFSR32 step per written lane, lanes in order, up when the dropped bits > the draw's low \(s) bits" : "").",
            "Values, shadow and LFSR keep their state across rst.",
        ]
        m.clockInputs("the model's reset() between images: no update in that clock")
        if c.isDriven("delta") { m.input("delta", width: L * fd.width) }
        if c.isDriven("learn") { m.input("learn", width: 1) }
        if c.isDriven("apply") { m.input("apply", width: 1, deferred ? "" : "unused in immediate mode") }
        m.output("value", width: L * fw.width, "registered")
        m.line("reg [\(fw.width - 1):0] values [0:\(L - 1)];")
        m.line("initial $readmemh(\"\(c.name).hex\", values);")
        if deferred {
            m.line("reg [\(fd.width - 1):0] shadow [0:\(L - 1)];")
            m.line("initial $readmemh(\"\(c.name).shadow.hex\", shadow);")
        }
        if stochastic {
            let st = UInt32(bitPattern: state(c, "lfsr")?.first ?? 0)
            m.line("reg [31:0] lfsr;")
            m.line("initial lfsr = \(V.hex32(st));")
            m.lines(V.xorshiftFunction)
        }
        m.line("genvar g;")
        m.line("generate for (g = 0; g < \(L); g = g + 1) begin : lane")
        m.line("    assign \(V.lane("value", "g", fw.width)) = values[g];")
        m.line("end endgenerate")
        if learn || apply {
            m.lines(NeuronPathModules.wideWaiver)
            m.lines(blockingWaiver)
            m.line("reg signed [63:0] sum, inc, word;")
            m.line("integer k;")
            m.line("\(V.clocked) begin")
            m.line("    if (!rst) begin")
            func roundInto(_ deltaExpr: String, indent: String) {
                if stochastic { m.line("\(indent)lfsr = eqspike_xorshift(lfsr);") }
                m.lines(V.roundedAdd(into: "values[k]", fw, delta: deltaExpr, shift: s, b.rounding, b.overflow, draw: "lfsr")
                    .map { indent + $0 })
            }
            if learn {
                m.line("        if (learn) for (k = 0; k < \(L); k = k + 1) begin")
                if deferred {
                    m.lines(V.saturatingAdd(into: "shadow[k]", fd, delta: V.extLane("delta", "k", fd)).map { "            " + $0 })
                } else {
                    roundInto(V.extLane("delta", "k", fd), indent: "            ")
                }
                m.line("        end")
            }
            if apply {
                m.line("        if (apply) for (k = 0; k < \(L); k = k + 1) begin")
                roundInto(V.word("shadow[k]", fd), indent: "            ")
                m.line("            shadow[k] = \(fd.width)'d0;")
                m.line("        end")
            }
            m.line("    end")
            m.line("end")
            m.line("/* verilator lint_on BLKSEQ */")
            m.line("/* verilator lint_on UNUSEDSIGNAL */")
        }
        return m
    }

    static func pixelEncoder(_ c: InstanceContext) throws -> ModuleText {
        let b = c.block as! PixelEncoder
        let L = b.lanes, fc = b.currentFormat
        var m = ModuleText(c.instance)
        m.comment = [
            "pixel_encoder \(c.name): \(L) lanes, current \(fc), gain \(b.gain) (docs/blocks-memory-control.md, pixel_encoder)",
            "  current[k] = ROM[pixel[k]],  ROM[p] = sat(floor(gain * p / 255 * 2^\(fc.fracBits) + 1/2)) (computed by the model)",
            "  pixel: host register, written while load is high (the host's load between images); rst keeps it.",
        ]
        m.input("clk", width: 1)
        m.input("load", width: 1, "host: write pixel_in into the pixel register")
        m.input("pixel_in", width: L * 8, "host: one u8.0 pixel per lane")
        m.output("current", width: L * fc.width, "registered (ROM of a register)")
        m.line("reg [\(L * 8 - 1):0] pixel;   // register pixel")
        m.line("always @(posedge clk) if (load) pixel <= pixel_in;")
        m.line("function [\(fc.width - 1):0] rom;")
        m.line("    input [7:0] p;")
        m.line("    case (p)")
        for (p, v) in b.rom.enumerated() { m.line("        8'd\(p): rom = \(V.bits(Int64(v), fc.width));") }
        m.line("        default: rom = \(fc.width)'d0;")
        m.line("    endcase")
        m.line("endfunction")
        m.line("genvar k;")
        m.line("generate for (k = 0; k < \(L); k = k + 1) begin : lane")
        m.line("    assign \(V.lane("current", "k", fc.width)) = rom(pixel[k*8 +: 8]);")
        m.line("end endgenerate")
        return m
    }

    static func nudge(_ c: InstanceContext) throws -> ModuleText {
        let b = c.block as! NudgeUnit
        let L = b.lanes, fv = b.vFormat, fc = b.currentFormat, fn = b.countFormat
        let shift = b.coefFrac + fv.fracBits - fc.fracBits
        let enable = c.isDriven("enable"), count = c.isDriven("count")
        let random = b.sign == .random
        var m = ModuleText(c.instance)
        m.comment = [
            "nudge \(c.name): \(L) lanes, v \(fv), current \(fc), count \(fn), sign \(b.sign) (docs/blocks-memory-control.md, nudge)",
            "  x          = B * y[k] * 2^\(fv.fracBits) - C * v[k]          B = \(b.coefY), C = \(b.coefV)",
            "  current[k] = enable ? SAT(floor(+-x / 2^\(shift) + 1/2)) : 0   (- while negative); combinational",
            "  skip       = AND_k |count[k] - y[k] * E| <= T              E = \(b.expectedCount), T = \(b.tolerance); combinational",
        ] + (random ? [
            "  negative   = sign_lfsr[31] (registered); sign_lfsr' = enable ? sign_lfsr : xorshift(sign_lfsr)",
        ] : ["  negative   = 0 (sign = positive)"]) + [
            "  target: host register (one-hot label), written while load is high; rst keeps it and sign_lfsr.",
        ]
        if random { m.clockInputs("the model's reset() between images: the sign LFSR holds") } else { m.input("clk", width: 1) }
        m.input("load", width: 1, "host: write target_in into the target register")
        m.input("target_in", width: L, "host: the label, one-hot")
        m.input("v", width: L * fv.width)
        if enable { m.input("enable", width: 1) }
        if count { m.input("count", width: L * fn.width) }
        m.output("current", width: L * fc.width, "combinational")
        m.output("skip", width: 1, "combinational")
        m.output("negative", width: 1, "registered")
        m.line("reg [\(L - 1):0] target;   // register target")
        m.line("always @(posedge clk) if (load) target <= target_in;")
        if random {
            m.line("reg [31:0] sign_lfsr;  // register sign_lfsr")
            m.line("initial sign_lfsr = \(V.hex32(UInt32(bitPattern: MemoryControlModules.state(c, "sign_lfsr")?.first ?? 0)));")
            m.lines(V.xorshiftFunction)
            m.line("\(V.clocked) if (!rst && !\(enable ? "enable" : "1'b0")) sign_lfsr <= eqspike_xorshift(sign_lfsr);")
            m.line("assign negative = sign_lfsr[31];")
        } else {
            m.line("assign negative = 1'b0;")
        }
        m.line("wire [\(L - 1):0] lane_ok;")
        m.lines(NeuronPathModules.wideWaiver)
        m.line("genvar k;")
        m.line("generate for (k = 0; k < \(L); k = k + 1) begin : lane")
        m.line("    wire signed [63:0] x = (target[k] ? \(V.lit(b.coefY << Int64(fv.fracBits))) : 64'sd0) - \(V.lit(b.coefV)) * \(V.extLane("v", "k", fv));")
        m.line("    wire signed [63:0] x_signed = negative ? -x : x;")
        m.line("    wire signed [63:0] rounded = \(V.round("x_signed", shift, .nearest));")
        m.line("    wire signed [63:0] cur = \(V.fit("rounded", fc, .saturate));")
        m.line("    assign \(V.lane("current", "k", fc.width)) = \(enable ? "enable ? cur[\(fc.width - 1):0] : \(fc.width)'d0" : "\(fc.width)'d0");")
        m.line("    wire signed [63:0] d = \(count ? V.extLane("count", "k", fn) : "64'sd0") - (target[k] ? \(V.lit(b.expectedCount)) : 64'sd0);")
        m.line("    assign lane_ok[k] = (d < 64'sd0 ? -d : d) <= \(V.lit(b.tolerance));")
        m.endLaneLoop()
        m.line("assign skip = &lane_ok;")
        return m
    }

    static func phaseController(_ c: InstanceContext) throws -> ModuleText {
        let b = c.block as! PhaseController
        var m = ModuleText(c.instance)
        let tf = b.tFree, tn = b.tNudge
        m.comment = [
            "phase_controller \(c.name): t_free \(tf), t_nudge \(tn), readout [\(b.readoutFrom), \(b.readoutTo)) (docs/blocks-memory-control.md)",
            "  registers: clock t (u31.0), phase P (0 free, 1 nudge, 2 done); outputs decoded from (P, t):",
            "  nudge = P == 1; learn = P == 1 && train; count_enable = P == 0 && \(b.readoutFrom) <= t < \(b.readoutTo);",
            "  apply = P == 1 && t == \(tf + tn - 1); done = P == 2",
            "  edge: t' = min(t + 1, 2^31 - 1); at t = \(tf - 1) in free: P' = (train && !skip && \(tn) > 0) ? 1 : 2;",
            "        at t = \(tf + tn - 1) in nudge: P' = 2; else P kept. rst: t = 0, P = 0.",
            "  train: host register, written while load is high.",
        ]
        let skip = c.isDriven("skip")
        m.clockInputs("the model's reset() between images")
        m.input("load", width: 1, "host: write train_in into the train register")
        m.input("train_in", width: 1, "host: 1 = training (nudge unless skipped), 0 = inference")
        if skip { m.input("skip", width: 1) }
        m.output("phase", width: 2, "registered")
        m.output("nudge", width: 1, "registered")
        m.output("learn", width: 1, "registered")
        m.output("count_enable", width: 1, "registered")
        m.output("apply", width: 1, "registered")
        m.output("done", width: 1, "registered")
        m.line("reg train;")
        m.line("always @(posedge clk) if (load) train <= train_in;")
        m.line("reg [30:0] clock;   // register clock")
        m.line("reg [1:0] p;")
        m.line("\(V.clocked) begin")
        m.line("    if (rst) begin")
        m.line("        clock <= 31'd0; p <= 2'd0;")
        m.line("    end else begin")
        m.line("        clock <= (clock == 31'h7fffffff) ? clock : clock + 31'd1;")
        m.line("        if (p == 2'd0 && clock == 31'd\(tf - 1)) p <= (train && \(skip ? "!skip" : "1'b1") && \(tn > 0 ? "1'b1" : "1'b0")) ? 2'd1 : 2'd2;")
        m.line("        else if (p == 2'd1 && clock == 31'd\(tf + tn - 1)) p <= 2'd2;")
        m.line("    end")
        m.line("end")
        m.line("assign phase = p;")
        m.line("assign nudge = p == 2'd1;")
        m.line("assign learn = p == 2'd1 && train;")
        m.line("assign count_enable = p == 2'd0 && clock >= 31'd\(b.readoutFrom) && clock < 31'd\(b.readoutTo);")
        m.line("assign apply = p == 2'd1 && clock == 31'd\(tf + tn - 1);")
        m.line("assign done = p == 2'd2;")
        return m
    }
}

extension MemoryControlModules {
    static func lfsr(_ c: InstanceContext) throws -> ModuleText {
        let b = c.block as! LFSRBlock
        let L = b.lanes
        let now = state(c, "state") ?? []
        // The seeded states (what reset reloads with reseed_on_reset): a fresh bank's.
        let seeded = try LFSRBlock(name: c.name, lanes: L, seed: b.seed, reseedOnReset: b.reseedOnReset).state.values
        var m = ModuleText(c.instance)
        m.comment = [
            "lfsr \(c.name): \(L) LFSR32 streams (docs/blocks-memory-control.md, lfsr)",
            "  state' = xorshift(state) (13/17/5);  bits = state >> 1 (u31.0, registered)",
            "  rst: \(b.reseedOnReset ? "reload the seeded states (reseed_on_reset)" : "hold (free-running: reset() does not touch it)"); the initial states are the model's when the RTL was written.",
        ]
        m.clockInputs(b.reseedOnReset ? "the model's reset(): reseed" : "the model's reset(): the state holds in that clock")
        m.output("bits", width: L * 31, "registered")
        m.register("state", width: L * 32)
        m.lines(V.xorshiftFunction)
        for k in 0..<L {
            let v = UInt32(bitPattern: k < now.count ? now[k] : 0)
            let sd = UInt32(bitPattern: k < seeded.count ? seeded[k] : 0)
            m.line("reg [31:0] state_\(k);")
            m.line("initial state_\(k) = \(V.hex32(v));")
            // The model's reset() is not a clock: the reset clock holds (or reseeds) the state.
            m.line("\(V.clocked) state_\(k) <= rst ? \(b.reseedOnReset ? V.hex32(sd) : "state_\(k)") : eqspike_xorshift(state_\(k));")
            m.line("assign state[\(k * 32 + 31):\(k * 32)] = state_\(k);")
            m.line("assign bits[\(k * 31 + 30):\(k * 31)] = state_\(k)[31:1];")
        }
        return m
    }
}

