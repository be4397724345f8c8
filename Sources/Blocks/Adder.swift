import FixedPoint
import HDL

/// Adder (netlist type `adder`): `sum = OVF(sign_0 * in0 + sign_1 * in1 + ...)`, lane by lane,
/// combinational. In the estimator it forms D(t) = V(t) - Vd(t) (signs `+-`).
///
/// All inputs and the output share one format, so the sum is exact before the single overflow
/// step: terms are added in 64 bits (at most 8 terms of 32 bits: no intermediate overflow), then
/// OVF saturates or wraps into the format, counted in `saturations`. No rounding.
/// Signs: one character per term, '+' or 'p' adds, '-' or 'm' subtracts (the letters let a netlist
/// write the signs as a plain identifier, e.g. `pm`).
/// Latency: none (combinational).
public final class Adder: Block {
    public let lanes: Int
    public let format: QFormat
    public let overflow: Overflow
    /// +1 or -1 per term.
    public let signs: [Int64]

    public let terms: [Port]
    public let sum: Port

    private let fit: LaneMath.Fit
    private let accumulator: UnsafeMutablePointer<Int64>
    /// Int32 lanes: every partial sum of the terms fits Int32 (terms * max|raw| <= Int32.max).
    private let fast32: Bool
    private let accumulator32: UnsafeMutablePointer<Int32>
    /// Raw pointers of the terms' inputs and their signs, for the hot loop (no array access).
    private let termPointers: UnsafeMutablePointer<UnsafeMutablePointer<Int32>>
    private let termSigns: UnsafeMutablePointer<Int32>

    /// Parses a signs word ("+-", "pm", ...) into +1 / -1 per term.
    public static func parseSigns(_ word: String, terms: Int) throws(ParameterError) -> [Int64] {
        var out: [Int64] = []
        for c in word {
            switch c {
            case "+", "p": out.append(1)
            case "-", "m": out.append(-1)
            default:
                throw ParameterError(parameter: "signs", message: "'\(word)' has '\(c)': use one '+' or '-' (or 'p' / 'm') per term, e.g. +- or pm")
            }
        }
        guard out.count == terms else {
            throw ParameterError(parameter: "signs", message: "'\(word)' gives \(out.count) sign\(out.count == 1 ? "" : "s") but terms is \(terms); give one '+' or '-' per term")
        }
        return out
    }

    public init(name: String, lanes: Int, signs: [Int64], format: QFormat = QFormat(signed: true, intBits: 5, fracBits: 12),
                overflow: Overflow = .saturate) throws(ParameterError) {
        let declared = try Adder.interface(lanes: lanes, signs: signs, format: format)
        self.lanes = lanes
        self.format = format
        self.overflow = overflow
        self.signs = signs
        fit = LaneMath.Fit(format, overflow)
        accumulator = .allocate(capacity: lanes)
        accumulator.initialize(repeating: 0, count: lanes)
        accumulator32 = .allocate(capacity: lanes)
        accumulator32.initialize(repeating: 0, count: lanes)
        fast32 = Int64(signs.count) * max(-format.minRaw, format.maxRaw) <= Int64(Int32.max)
        termPointers = .allocate(capacity: signs.count)
        termSigns = .allocate(capacity: signs.count)
        for (k, sg) in signs.enumerated() { termSigns[k] = Int32(sg) }
        let ports = DeclaredPorts(declared)
        terms = (0..<signs.count).map { ports["in\($0)"] }
        sum = ports["sum"]
        super.init(name: name, ports: ports)
        for (k, t) in terms.enumerated() { termPointers[k] = t.storage.base }
    }

    /// Convenience: signs as a word such as "+-".
    public convenience init(name: String, lanes: Int, terms: Int, signs: String? = nil,
                            format: QFormat = QFormat(signed: true, intBits: 5, fracBits: 12),
                            overflow: Overflow = .saturate) throws(ParameterError) {
        guard (1...8).contains(terms) else {
            throw ParameterError(parameter: "terms", message: "terms must be in 1...8, got \(terms)")
        }
        try self.init(name: name, lanes: lanes, signs: Adder.parseSigns(signs ?? String(repeating: "+", count: terms), terms: terms),
                      format: format, overflow: overflow)
    }

    deinit {
        accumulator.deallocate()
        accumulator32.deallocate()
        termPointers.deallocate()
        termSigns.deallocate()
    }

    /// The interface for these parameters, after every check the initialiser makes (it calls this).
    public static func interface(lanes: Int, signs: [Int64], format: QFormat) throws(ParameterError) -> BlockInterface {
        try NeuronPathChecks.lanes(lanes)
        try NeuronPathChecks.laneFormat(format, parameter: "format")
        guard (1...8).contains(signs.count) else {
            throw ParameterError(parameter: "terms", message: "terms must be in 1...8, got \(signs.count)")
        }
        guard signs.allSatisfy({ $0 == 1 || $0 == -1 }) else {
            throw ParameterError(parameter: "signs", message: "every sign must be +1 or -1, got \(signs)")
        }
        return BlockInterface(
            ports: (0..<signs.count).map { PortDeclaration.input("in\($0)", lanes: lanes, format: format) }
                + [.output("sum", lanes: lanes, format: format, timing: .combinational)],
            storage: [])
    }

    /// The interface of the convenience initialiser (terms, signs as a word).
    public static func interface(lanes: Int, terms: Int, signs: String?, format: QFormat) throws(ParameterError) -> BlockInterface {
        guard (1...8).contains(terms) else {
            throw ParameterError(parameter: "terms", message: "terms must be in 1...8, got \(terms)")
        }
        return try interface(lanes: lanes, signs: Adder.parseSigns(signs ?? String(repeating: "+", count: terms), terms: terms), format: format)
    }

    /// The terms' pointers, once the simulator has bound them (see `termPointers`).
    public override func inputsBound() {
        for (k, t) in terms.enumerated() { termPointers[k] = t.pointer }
    }

    public override var typeName: String { "adder" }

    public override func evaluate() {
        if fast32 { evaluate32(); return }
        let acc = accumulator, n = lanes
        // Term-major loops over contiguous lanes (vectorisable); the first term initialises.
        let first = terms[0].pointer, s0 = signs[0]
        for i in 0..<n { acc[i] = s0 * Int64(first[i]) }
        for k in 1..<signs.count {
            let p = terms[k].pointer
            if signs[k] > 0 {
                for i in 0..<n { acc[i] += Int64(p[i]) }
            } else {
                for i in 0..<n { acc[i] -= Int64(p[i]) }
            }
        }
        let out = sum.pointer, fit = self.fit
        var sat = 0
        for i in 0..<n { out[i] = Int32(truncatingIfNeeded: fit.apply(acc[i], &sat)) }
        saturations &+= sat
    }

    /// The same sum in Int32 lanes (`fast32`: no partial sum can overflow), then OVF.
    @inline(__always)
    private func evaluate32() {
        let acc = accumulator32, n = lanes, count = signs.count
        var k = 0
        let out = sum.storage.base
        let lo = Int32(truncatingIfNeeded: fit.lo), hi = Int32(truncatingIfNeeded: fit.hi)
        var sat: Int32 = 0
        if count <= 3 {
            // One pass: sum of up to three terms, then the fit.
            let a = termPointers[0], sa = termSigns[0]
            let b = count > 1 ? termPointers[1] : a, sb: Int32 = count > 1 ? termSigns[1] : 0
            let c = count > 2 ? termPointers[2] : a, sc: Int32 = count > 2 ? termSigns[2] : 0
            if fit.wrap {
                var i = 0
                while i < n {
                    acc[i] = sa &* a[i] &+ sb &* b[i] &+ sc &* c[i]
                    i &+= 1
                }
            } else {
                var i = 0
                while i < n {
                    let x = sa &* a[i] &+ sb &* b[i] &+ sc &* c[i]
                    let v = min(max(x, lo), hi)
                    out[i] = v
                    sat &+= v != x ? 1 : 0
                    i &+= 1
                }
                if sat != 0 { saturations &+= Int(sat) }
                return
            }
        } else {
            let a = termPointers[0], sa = termSigns[0]
            var i = 0
            while i < n { acc[i] = sa &* a[i]; i &+= 1 }
            k = 1
            while k < count {
                let p = termPointers[k], sk = termSigns[k]
                i = 0
                while i < n { acc[i] = acc[i] &+ sk &* p[i]; i &+= 1 }
                k &+= 1
            }
        }
        let fit = self.fit
        var s = 0
        var i = 0
        while i < n { out[i] = Int32(truncatingIfNeeded: fit.apply(Int64(acc[i]), &s)); i &+= 1 }
        if s != 0 { saturations &+= s }
        _ = sat
    }

}

/// Combinational: nothing happens at the clock edge.
extension Adder: CommitsNothing {}

extension Adder {
    /// The netlist type (parameters, interface, cycle model).
    public static let blockType = BlockType(
        name: "adder",
        doc: "adder: sum = sign0*in0 + sign1*in1 + ..., exact then one overflow step (combinational)",
        parameters: [
            lanesSpec,
            Spec("terms", .int(1...8), default: .int(2), doc: "number of inputs in0...in{terms-1}"),
            Spec("signs", .word, default: .word(""), doc: "one '+' or '-' per term (or 'p' / 'm', e.g. pm); default all '+'"),
            Spec("format", .format, default: fmt("s5.12"), doc: "format of every input and of the output"),
            .overflow("overflow", default: .saturate, doc: "when the sum leaves the format"),
        ],
        interface: { p throws(ParameterError) in
            let signs = p.word("signs")
            return try Adder.interface(lanes: p.int("lanes"), terms: p.int("terms"), signs: signs.isEmpty ? nil : signs, format: p.format("format"))
        },
        cycleModel: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
            let signs = p.word("signs")
            return try Adder(name: name, lanes: p.int("lanes"), terms: p.int("terms"), signs: signs.isEmpty ? nil : signs,
                             format: p.format("format"), overflow: p.overflow("overflow"))
        })
}
