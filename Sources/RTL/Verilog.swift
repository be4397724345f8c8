import FixedPoint

/// Verilog-2005 text for the fixed-point rules of docs/blocks.md. Every per-lane value is computed
/// in a named 64-bit signed wire (the model's exact Int64 intermediates), so the generated code
/// reads like the equations and no expression changes signedness half-way (`$signed` on every
/// concatenation: an unsigned operand would turn `>>>` into a logical shift).
enum V {
    /// The clocked process of a block's registers: they change at the edge of a tick's last
    /// system cycle (`tick`) or in the reset clock (`rst`), and hold while the crossbars work.
    static let clocked = "always @(posedge clk) if (rst || tick)"

    /// A 64-bit signed literal (`64'sd5`, `-64'sd5`).
    static func lit(_ v: Int64) -> String { v < 0 ? "-64'sd\(v.magnitude)" : "64'sd\(v)" }

    /// A `width`-bit literal of the raw two's-complement pattern of `v`.
    static func bits(_ v: Int64, _ width: Int) -> String {
        let mask: UInt64 = width >= 64 ? .max : (UInt64(1) << UInt64(width)) - 1
        return "\(width)'h" + String(UInt64(bitPattern: v) & mask, radix: 16)
    }

    /// Lane `k` (a genvar or integer expression) of a packed lane vector of `width`-bit words.
    static func lane(_ vector: String, _ k: String, _ width: Int) -> String {
        width == 1 ? "\(vector)[\(k)]" : "\(vector)[\(k)*\(width) +: \(width)]"
    }

    /// A `width`-bit value (a simple name or select) widened to 64 bits signed by its format.
    static func ext(_ value: String, msb: String, width: Int, signed: Bool) -> String {
        if width >= 64 { return "$signed(\(value))" }
        if signed { return "$signed({{\(64 - width){\(msb)}}, \(value)})" }
        return "$signed({\(64 - width)'d0, \(value)})"
    }

    /// A memory word (`weights[a]`, `shadow[k]`) as a 64-bit signed value of its format.
    static func word(_ memory: String, _ f: QFormat) -> String {
        ext(memory, msb: "\(memory)[\(f.width - 1)]", width: f.width, signed: f.isSigned)
    }

    /// `memory = fit(memory + R(delta, s))`, blocking statements on the temporaries `sum`, `inc`
    /// and `word`: an immediate update of a weight or bias word, and the commit of a shadow word
    /// (`draw` is the random word of stochastic rounding).
    static func roundedAdd(into memory: String, _ f: QFormat, delta: String, shift s: Int,
                           _ rounding: Rounding, _ overflow: Overflow, draw: String) -> [String] {
        ["sum = \(delta);",
         "inc = \(round("sum", s, rounding, draw: draw));",
         "sum = \(word(memory, f)) + inc;",
         "word = \(fit("sum", f, overflow));",
         "\(memory) = word[\(f.width - 1):0];"]
    }

    /// `memory = sat(memory + delta)`: a deferred update accumulating into its shadow word.
    static func saturatingAdd(into memory: String, _ f: QFormat, delta: String) -> [String] {
        ["sum = \(word(memory, f)) + \(delta);",
         "word = \(fit("sum", f, .saturate));",
         "\(memory) = word[\(f.width - 1):0];"]
    }

    /// Lane `k` of a packed vector as a 64-bit signed value.
    static func extLane(_ vector: String, _ k: String, _ f: QFormat) -> String {
        let w = f.width
        if w == 1 { return "$signed({63'd0, \(vector)[\(k)]})" }
        return ext(lane(vector, k, w), msb: "\(vector)[\(k)*\(w)+\(w - 1)]", width: w, signed: f.isSigned)
    }

    /// A register or wire of `width` bits as 64-bit signed.
    static func extName(_ name: String, _ f: QFormat) -> String {
        let w = f.width
        if w == 1 { return "$signed({63'd0, \(name)})" }
        return ext(name, msb: "\(name)[\(w - 1)]", width: w, signed: f.isSigned)
    }

    /// `R(x, s)`: the 64-bit signed wire `x` divided by 2^s, rounded (docs/blocks.md); exact left
    /// shift for s <= 0. `draw` names the random word for stochastic rounding.
    static func round(_ x: String, _ s: Int, _ mode: Rounding, draw: String? = nil) -> String {
        if s <= 0 { return s == 0 ? x : "(\(x) <<< \(-s))" }
        let floor = "(\(x) >>> \(s))"
        let half = Int64(1) << Int64(s - 1)
        switch mode {
        case .truncate: return floor
        case .nearest: return "((\(x) + \(lit(half))) >>> \(s))"   // floor + bit(s-1): ties up
        case .nearestEven:
            let rem = s == 1 ? "\(x)[0]" : "\(x)[\(s - 1):0]"
            return "(\(floor) + (((\(rem) > \(bits(half, s))) || ((\(rem) == \(bits(half, s))) && \(x)[\(s)])) ? 64'sd1 : 64'sd0))"
        case .stochastic:
            let rem = s == 1 ? "\(x)[0]" : "\(x)[\(s - 1):0]"
            let r = s == 1 ? "\(draw!)[0]" : "\(draw!)[\(s - 1):0]"
            return "(\(floor) + ((\(rem) > \(r)) ? 64'sd1 : 64'sd0))"
        }
    }

    /// `OVF(x)` into `f` as a 64-bit signed value (saturate: clamp; wrap: the low bits re-extended).
    static func fit(_ x: String, _ f: QFormat, _ overflow: Overflow) -> String {
        switch overflow {
        case .saturate:
            return "((\(x) > \(lit(f.maxRaw))) ? \(lit(f.maxRaw)) : (\(x) < \(lit(f.minRaw))) ? \(lit(f.minRaw)) : \(x))"
        case .wrap:
            let w = f.width
            return ext("\(x)[\(w - 1):0]", msb: "\(x)[\(w - 1)]", width: w, signed: f.isSigned)
        }
    }

    /// The xorshift 13/17/5 step of `LFSR32` on a 32-bit expression, as one expression.
    static func xorshift(_ x: String) -> String {
        "eqspike_xorshift(\(x))"
    }

    /// The function every module that draws random numbers declares (Verilog-2005 has no packages).
    static let xorshiftFunction: [String] = [
        "// LFSR32 step (FixedPoint/LFSR.swift): x ^= x << 13; x ^= x >> 17; x ^= x << 5.",
        "function [31:0] eqspike_xorshift;",
        "    input [31:0] x;",
        "    reg [31:0] a, b;",
        "    begin",
        "        a = x ^ (x << 13);",
        "        b = a ^ (a >> 17);",
        "        eqspike_xorshift = b ^ (b << 5);",
        "    end",
        "endfunction",
    ]

    static func hex32(_ v: UInt32) -> String { "32'h" + String(v, radix: 16) }

    /// Bits to hold 0 ... n - 1 (at least 1).
    static func bitsFor(_ n: Int) -> Int { n <= 2 ? 1 : Int.bitWidth - (n - 1).leadingZeroBitCount }
}

extension String {
    func leftPadded(_ n: Int, with c: Character = "0") -> String {
        count >= n ? self : String(repeating: c, count: n - count) + self
    }
}
