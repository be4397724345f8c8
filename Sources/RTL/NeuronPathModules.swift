import Blocks
import FixedPoint
import HDL

/// Modules of the neuron path (docs/blocks.md): lif, li, delay, fir, adder, scale, spike_counter.
/// One module per instance with its realised constants written in (the blocks' own quantised
/// values, so the RTL and the model share one definition of every constant); lanes are a generate
/// loop, per-lane values named after the terms of the equations.
enum NeuronPathModules {
    /// The waiver every module with 64-bit intermediates carries, and why.
    static let wideWaiver = [
        "// Exact 64-bit intermediates, as in the model (docs/blocks.md: \"intermediate arithmetic is",
        "// exact\"); only the fitted low bits are stored, so the upper bits are unused by design.",
        "/* verilator lint_off UNUSEDSIGNAL */",
    ]

    static func refuseStochastic(_ c: InstanceContext, _ rounding: Rounding, dropsBits: Bool) throws {
        if rounding == .stochastic && dropsBits {
            throw RTLError(instance: c.name, "parameter 'rounding' = stochastic is not supported by the RTL back end for \(c.instance.typeName) (its LFSR draw order is not reproduced); use nearest, nearestEven or truncate")
        }
    }

    static func lif(_ c: InstanceContext) throws -> ModuleText {
        let b = c.block as! LIFCore
        let L = b.lanes, fu = b.membraneFormat, fi = b.currentFormat
        let rf = c.port("refractory").format
        let gm = b.leakConstant.mantissa, gk = b.leakConstant.shift
        let s = fi.fracBits - fu.fracBits
        try refuseStochastic(c, b.rounding, dropsBits: gm != 0 || s > 0)
        var m = ModuleText(c.instance)
        m.comment = [
            "lif \(c.name): LIF core, \(L) lanes, u \(fu), current \(fi) (docs/blocks.md, lif)",
            "  L    = R(u * GM, GK)                      GM = \(gm), GK = \(gk) (leak \(c.param("leak")))",
            "  I    = R(current, Fi - Fu)                 Fi - Fu = \(s), rounding \(b.rounding)",
            "  v    = OVF(u - L + I)                      overflow \(b.overflow) into \(fu)",
            "  fire = (r == 0) && (v >= TH)               TH = \(b.thresholdRaw)",
            "  u'   = min(max(fire ? \(b.resetMode == .subtract ? "v - TH" : "0") : v, UMIN), TH)     UMIN = \(b.uMinRaw)",
            "  s'   = fire;  r' = fire ? T - 1 : max(r - 1, 0)   T = \(b.refractoryPeriod)",
        ] + (b.integratesWhileRefractory ? [] : ["  while r > 0: u' = u, r' = r - 1, s' = 0 (integrate_refractory = false)"])
          + ["Reset (rst, synchronous): u = 0, r = 0, spike = 0."]
        m.clockInputs("the model's reset() between images")
        m.input("current", width: L * fi.width)
        m.output("spike", width: L, "registered")
        m.register("u", width: L * fu.width)
        m.register("refractory", width: L * rf.width)
        m.lines(wideWaiver)
        m.line("genvar k;")
        m.line("generate for (k = 0; k < \(L); k = k + 1) begin : lane")
        m.line("    reg [\(fu.width - 1):0] u_q;")
        m.line("    reg [\(rf.width - 1):0] r_q;")
        m.line("    reg spike_q;")
        m.line("    wire signed [63:0] u_now = \(V.extName("u_q", fu));")
        m.line("    wire signed [63:0] i_in = \(V.extLane("current", "k", fi));")
        if gm != 0 {
            m.line("    wire signed [63:0] u_gm = u_now * \(V.lit(gm));")
            m.line("    wire signed [63:0] leak = \(V.round("u_gm", gk, b.rounding));")
        } else {
            m.line("    wire signed [63:0] leak = 64'sd0;   // leak = 0: no multiplier")
        }
        m.line("    wire signed [63:0] i_aligned = \(V.round("i_in", s, b.rounding));")
        m.line("    wire signed [63:0] v_sum = u_now - leak + i_aligned;")
        m.line("    wire signed [63:0] v = \(V.fit("v_sum", fu, b.overflow));")
        m.line("    wire fire = (r_q == \(rf.width)'d0) && (v >= \(V.lit(b.thresholdRaw)));")
        m.line("    wire signed [63:0] w = fire ? \(b.resetMode == .subtract ? "v - \(V.lit(b.thresholdRaw))" : "64'sd0") : v;")
        m.line("    wire signed [63:0] u_clip = (w < \(V.lit(b.uMinRaw))) ? \(V.lit(b.uMinRaw)) : (w > \(V.lit(b.thresholdRaw))) ? \(V.lit(b.thresholdRaw)) : w;")
        m.line("    \(V.clocked) begin")
        m.line("        if (rst) begin")
        m.line("            u_q <= \(fu.width)'d0; r_q <= \(rf.width)'d0; spike_q <= 1'b0;")
        if !b.integratesWhileRefractory {
            m.line("        end else if (r_q != \(rf.width)'d0) begin   // frozen while refractory")
            m.line("            r_q <= r_q - \(rf.width)'d1; spike_q <= 1'b0;")
        }
        m.line("        end else begin")
        m.line("            u_q <= u_clip[\(fu.width - 1):0];")
        m.line("            spike_q <= fire;")
        m.line("            r_q <= fire ? \(V.bits(Int64(b.refractoryPeriod - 1), rf.width)) : (r_q == \(rf.width)'d0) ? \(rf.width)'d0 : r_q - \(rf.width)'d1;")
        m.line("        end")
        m.line("    end")
        m.line("    assign spike[k] = spike_q;")
        m.line("    assign \(V.lane("u", "k", fu.width)) = u_q;")
        m.line("    assign \(V.lane("refractory", "k", rf.width)) = r_q;")
        m.endLaneLoop()
        return m
    }

    static func li(_ c: InstanceContext) throws -> ModuleText {
        let b = c.block as! LeakyIntegrator
        let L = b.lanes, f = b.format
        let gm = b.gammaConstant.mantissa, gk = b.gammaConstant.shift
        try refuseStochastic(c, b.rounding, dropsBits: gk > 0)
        var m = ModuleText(c.instance)
        m.comment = [
            "li \(c.name): leaky integrator, \(L) lanes, v \(f) (docs/blocks.md, li)",
            "  L  = R(V * GM, GK)                          GM = \(gm), GK = \(gk) (gamma \(c.param("gamma")), \(b.leakMode)), rounding \(b.rounding)",
            "  V' = SAT(V - L + (spike ? 2^Fv : 0))        Fv = \(f.fracBits)",
            "Reset: V = 0.",
        ]
        m.clockInputs("the model's reset() between images")
        m.input("spike", width: L)
        m.output("v", width: L * f.width, "registered")
        m.lines(wideWaiver)
        m.line("genvar k;")
        m.line("generate for (k = 0; k < \(L); k = k + 1) begin : lane")
        m.line("    reg [\(f.width - 1):0] v_q;")
        m.line("    wire signed [63:0] v_now = \(V.extName("v_q", f));")
        m.line("    wire signed [63:0] v_gm = v_now * \(V.lit(gm));")
        m.line("    wire signed [63:0] leak = \(V.round("v_gm", gk, b.rounding));")
        m.line("    wire signed [63:0] v_sum = v_now - leak + (spike[k] ? \(V.lit(Int64(1) << Int64(f.fracBits))) : 64'sd0);")
        m.line("    wire signed [63:0] v_sat = \(V.fit("v_sum", f, .saturate));")
        m.line("    \(V.clocked) v_q <= rst ? \(f.width)'d0 : v_sat[\(f.width - 1):0];")
        m.line("    assign \(V.lane("v", "k", f.width)) = v_q;")
        m.endLaneLoop()
        return m
    }

    /// `stages` registers of `width` bits in a chain, stage j = input(t - 1 - j), cleared by rst:
    /// one process per stage (an array, not one vector: 784-300-10's window is 96,000 bits, past
    /// Verilator's limit for a literal, and per-stage writes keep Verilator's BLKLOOPINIT rule).
    static func shiftRegister(_ name: String, stages: Int, width: Int, input: String) -> [String] {
        [
            "reg [\(width - 1):0] \(name) [0:\(stages - 1)];   // \(name)[j] = \(input)(t - 1 - j), lanes packed",
            "genvar j;",
            "generate for (j = 0; j < \(stages); j = j + 1) begin : stage",
            "    if (j == 0) begin : first",
            "        \(V.clocked) \(name)[0] <= rst ? {\(width){1'b0}} : \(input);",
            "    end else begin : next",
            "        \(V.clocked) \(name)[j] <= rst ? {\(width){1'b0}} : \(name)[j - 1];",
            "    end",
            "end endgenerate",
        ]
    }

    static func delay(_ c: InstanceContext) throws -> ModuleText {
        let b = c.block as! DelayLine
        let L = b.lanes, D = b.depth, W = b.format.width
        var m = ModuleText(c.instance)
        m.comment = [
            "delay \(c.name): delay line, \(L) lanes x depth \(D), \(b.format) (docs/blocks.md, delay)",
            "  delayed(t) = x(t - \(D)), 0 for t < \(D) after reset. No arithmetic.",
            "  line[j] (lanes packed) holds x(t - 1 - j); the output is the last stage.",
        ]
        m.clockInputs("the model's reset() between images")
        m.input("x", width: L * W)
        m.output("delayed", width: L * W, "registered")
        m.lines(shiftRegister("line", stages: D, width: L * W, input: "x"))
        m.line("assign delayed = line[\(D - 1)];")
        return m
    }

    static func fir(_ c: InstanceContext) throws -> ModuleText {
        let b = c.block as! FIRAverager
        let L = b.lanes, N = b.taps, fi = b.inputFormat, fo = b.outputFormat, fs = b.sumFormat
        try refuseStochastic(c, b.rounding, dropsBits: true)
        let pow2 = N & (N - 1) == 0
        var m = ModuleText(c.instance)
        m.comment = [
            "fir \(c.name): FIR averager, \(L) lanes, \(N) taps, x \(fi) -> mean \(fo), sum \(fs) (docs/blocks.md, fir)",
            "  S'    = S + x(t) - x(t - N)                         exact (x before reset is 0)",
            "  mean' = OVF(Q(S'))                                  overflow \(b.overflow), rounding \(b.rounding)",
        ] + (pow2 ? ["  Q(S') = R(S', \(N.trailingZeroBitCount + fi.fracBits - fo.fracBits))"]
                  : ["  Q(S') = S' * 2^\(max(0, fo.fracBits - fi.fracBits)) / \(N << max(0, fi.fracBits - fo.fracBits)) rounded exactly: q = floor, rem = num - q * d"])
          + ["Reset: window, S and mean = 0."]
        m.clockInputs("the model's reset() between images")
        m.input("x", width: L * fi.width)
        m.output("mean", width: L * fo.width, "registered")
        m.register("sum", width: L * fs.width)
        let W = fi.width
        m.lines(shiftRegister("window", stages: N, width: L * W, input: "x"))
        m.lines(wideWaiver)
        m.line("genvar k;")
        m.line("generate for (k = 0; k < \(L); k = k + 1) begin : lane")
        m.line("    reg [\(fs.width - 1):0] sum_q;")
        m.line("    reg [\(fo.width - 1):0] mean_q;")
        m.line("    wire [\(W - 1):0] x_oldest = window[\(N - 1)][k*\(W) +: \(W)];")
        m.line("    wire signed [63:0] s_next = \(V.extName("sum_q", fs)) + \(V.extLane("x", "k", fi)) - \(V.extName("x_oldest", fi));")
        if pow2 {
            let sh = N.trailingZeroBitCount + fi.fracBits - fo.fracBits
            m.line("    wire signed [63:0] q = \(V.round("s_next", sh, b.rounding));")
        } else {
            let e = max(0, fo.fracBits - fi.fracBits)
            let d = Int64(N) << Int64(max(0, fi.fracBits - fo.fracBits))
            // The quotient is computed at the numerator's own width, not 64 bits: a 64-bit
            // divider per lane made the tiny design's FIR too large for Yosys (eqspike synth), and
            // the narrow one is exact: |S'| <= 2^(sum bits - 1) + 2^(x bits), so num = S' * 2^e
            // fits in nb bits, and so does d (truncation towards zero at any width that holds both).
            let nb = max(max(fs.width, W + 1) + 1 + e, (64 - d.leadingZeroBitCount) + 1)
            m.line("    wire signed [63:0] num = s_next <<< \(e);")
            if nb < 64 {
                m.line("    wire signed [\(nb - 1):0] num_n = num[\(nb - 1):0];   // holds num exactly")
                m.line("    wire signed [\(nb - 1):0] q_n = num_n / \(nb)'sd\(d);")
                m.line("    wire signed [63:0] q_trunc = {{\(64 - nb){q_n[\(nb - 1)]}}, q_n};   // towards zero")
            } else {
                m.line("    wire signed [63:0] q_trunc = num / \(V.lit(d));           // towards zero")
            }
            m.line("    wire signed [63:0] q_floor = (num < 64'sd0 && q_trunc * \(V.lit(d)) != num) ? q_trunc - 64'sd1 : q_trunc;")
            m.line("    wire signed [63:0] rem = num - q_floor * \(V.lit(d));      // 0 <= rem < d")
            switch b.rounding {
            case .truncate: m.line("    wire signed [63:0] q = q_floor;")
            case .nearest: m.line("    wire signed [63:0] q = q_floor + ((2 * rem >= \(V.lit(d))) ? 64'sd1 : 64'sd0);   // ties up")
            case .nearestEven: m.line("    wire signed [63:0] q = q_floor + (((2 * rem > \(V.lit(d))) || ((2 * rem == \(V.lit(d))) && q_floor[0])) ? 64'sd1 : 64'sd0);")
            case .stochastic: fatalError("refused above")
            }
        }
        m.line("    wire signed [63:0] mean_fit = \(V.fit("q", fo, b.overflow));")
        m.line("    \(V.clocked) begin")
        m.line("        sum_q <= rst ? \(fs.width)'d0 : s_next[\(fs.width - 1):0];")
        m.line("        mean_q <= rst ? \(fo.width)'d0 : mean_fit[\(fo.width - 1):0];")
        m.line("    end")
        m.line("    assign \(V.lane("sum", "k", fs.width)) = sum_q;")
        m.line("    assign \(V.lane("mean", "k", fo.width)) = mean_q;")
        m.endLaneLoop()
        return m
    }

    static func adder(_ c: InstanceContext) throws -> ModuleText {
        let b = c.block as! Adder
        let L = b.lanes, f = b.format
        var m = ModuleText(c.instance)
        let terms = b.signs.enumerated().map { ($0.element < 0 ? "- " : "+ ") + "in\($0.offset)" }.joined(separator: " ")
        m.comment = [
            "adder \(c.name): \(L) lanes, \(b.signs.count) terms, \(f) (docs/blocks.md, adder)",
            "  sum = OVF(\(terms))     exact before OVF (\(b.overflow)); combinational",
        ]
        for k in 0..<b.signs.count { m.input("in\(k)", width: L * f.width) }
        m.output("sum", width: L * f.width, "combinational")
        m.lines(wideWaiver)
        m.line("genvar k;")
        m.line("generate for (k = 0; k < \(L); k = k + 1) begin : lane")
        let expr = b.signs.enumerated().map { ($0.element < 0 ? "- " : ($0.offset == 0 ? "" : "+ ")) + V.extLane("in\($0.offset)", "k", f) }.joined(separator: " ")
        m.line("    wire signed [63:0] total = \(expr);")
        m.line("    wire signed [63:0] sum_fit = \(V.fit("total", f, b.overflow));")
        m.line("    assign \(V.lane("sum", "k", f.width)) = sum_fit[\(f.width - 1):0];")
        m.endLaneLoop()
        return m
    }

    static func scale(_ c: InstanceContext) throws -> ModuleText {
        let b = c.block as! Scaler
        let L = b.lanes, fi = b.inputFormat, fo = b.outputFormat
        let M = b.factorConstant.mantissa, K = b.factorConstant.shift
        let s = K + fi.fracBits - fo.fracBits
        try refuseStochastic(c, b.rounding, dropsBits: s > 0)
        if s < 0 && fi.width + 25 - s > 62 {
            throw RTLError(instance: c.name, "parameter 'factor': the left shift by \(-s) of a \(fi.width)-bit input needs more than 64 bits; the RTL back end computes in 64")
        }
        let negate = c.isDriven("negate")
        var m = ModuleText(c.instance)
        m.comment = [
            "scale \(c.name): constant multiplier, \(L) lanes, x \(fi) -> y \(fo) (docs/blocks.md, scale)",
            "  y = OVF(R(x * \(negate ? "(negate ? -M : M)" : "M"), K + Fi - Fo))     M = \(M), K = \(K) (factor \(b.factorConstant.value) as realised now), shift \(s)",
            "  rounding \(b.rounding), overflow \(b.overflow); combinational. The factor is the host's (learning-rate",
            "  schedule) value when the RTL was written.",
        ]
        m.input("x", width: L * fi.width)
        if negate { m.input("negate", width: 1, "the nudge sign: -M while high") }
        m.output("y", width: L * fo.width, "combinational")
        m.lines(wideWaiver)
        m.line("wire signed [63:0] factor = \(negate ? "negate ? \(V.lit(-M)) : \(V.lit(M))" : V.lit(M));")
        m.line("genvar k;")
        m.line("generate for (k = 0; k < \(L); k = k + 1) begin : lane")
        m.line("    wire signed [63:0] product = \(V.extLane("x", "k", fi)) * factor;")
        m.line("    wire signed [63:0] scaled = \(V.round("product", s, b.rounding));")
        m.line("    wire signed [63:0] y_fit = \(V.fit("scaled", fo, b.overflow));")
        m.line("    assign \(V.lane("y", "k", fo.width)) = y_fit[\(fo.width - 1):0];")
        m.endLaneLoop()
        return m
    }

    static func spikeCounter(_ c: InstanceContext) throws -> ModuleText {
        let b = c.block as! SpikeCounter
        let L = b.lanes, W = b.format.width
        let enable = c.isDriven("enable")
        var m = ModuleText(c.instance)
        m.comment = [
            "spike_counter \(c.name): \(L) lanes, count \(b.format) (docs/blocks.md, spike_counter)",
            "  count' = SAT(count + ((enable && spike) ? 1 : 0))     saturates at 2^\(W) - 1",
            "  output = \(b.bypass ? "count' (bypass: combinational)" : "count (registered)")",
            "Reset: count = 0.",
        ]
        m.clockInputs("the model's reset() between images")
        m.input("spike", width: L)
        if enable { m.input("enable", width: 1) }
        m.output("count", width: L * W, b.bypass ? "combinational (bypass)" : "registered")
        m.line("genvar k;")
        m.line("generate for (k = 0; k < \(L); k = k + 1) begin : lane")
        m.line("    reg [\(W - 1):0] count_q;")
        m.line("    wire add = \(enable ? "enable && " : "")spike[k];")
        m.line("    wire [\(W - 1):0] count_next = (add && count_q != {\(W){1'b1}}) ? count_q + \(W)'d1 : count_q;")
        m.line("    \(V.clocked) count_q <= rst ? \(W)'d0 : count_next;")
        m.line("    assign \(V.lane("count", "k", W)) = \(b.bypass ? "count_next" : "count_q");")
        m.line("end endgenerate")
        return m
    }
}
