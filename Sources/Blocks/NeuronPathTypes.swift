import FixedPoint
import HDL

/// Block types of the neuron path (LIF, LI, delay, FIR, adder, scale, spike counter), as netlists
/// name them. Range checks of single parameters are in the specs; constraints between parameters
/// (a threshold inside the membrane format, signs matching terms, ...) are checked by each block's
/// initialiser, which throws a `ParameterError` naming the parameter. Semantics: docs/blocks.md.
let neuronPathBlockTypes: [BlockType] = [
    lifType, liType, delayType, firType, adderType, scaleType, spikeCounterType,
]

private typealias Spec = ParameterSpec

private let lanesSpec = Spec("lanes", .int(1...1_000_000), doc: "number of identical units in the bank (one per neuron)")
private let seedSpec = Spec("seed", .int(0...Int(UInt32.max)), default: .int(1),
                            doc: "seed of the block's LFSR32 for stochastic rounding (0 maps to a fixed non-zero state)")

private func fmt(_ text: String) -> ParameterValue { .format(try! QFormat.parse(text)) }

private let lifType = BlockType(
    name: "lif",
    doc: "LIF core: v = u - round(gamma*u) + I; fire = r == 0 and v >= u_th; u' = clip(v - (fire ? u_th : 0), u_min, u_th); spike registered; refractory T_refract clocks",
    parameters: [
        lanesSpec,
        Spec("u", .format, default: fmt("s3.13"), doc: "membrane format"),
        Spec("current", .format, default: fmt("s3.13"), doc: "input current format (aligned to u's fraction bits by `rounding`)"),
        Spec("threshold", .real(-1e9...1e9), default: .real(1.0), doc: "u_th, quantised to nearest in the u format; must be > 0"),
        Spec("u_min", .real(-1e9...1e9), default: .real(-1.0), doc: "lower clip of the membrane, quantised to nearest in the u format; must be below the threshold"),
        Spec("leak", .real(0...1), default: .real(0), doc: "gamma_LIF in [0, 1), realised as a 16-bit mantissa times 2^-k"),
        Spec("refractory", .int(1...65535), default: .int(2), doc: "T_refract: clocks from a spike to the next possible spike (max rate 1/T_refract)"),
        Spec("reset", .choice(LIFCore.Reset.allCases.map(\.rawValue)), default: .word("subtract"), doc: "on a spike: subtract the threshold, or set u to 0"),
        Spec("integrate_refractory", .bool, default: .bool(true), doc: "true: keep integrating while refractory; false: freeze u while refractory"),
        .rounding("rounding", default: .nearest, doc: "rounding of the leak product and of the current alignment"),
        .overflow("overflow", default: .saturate, doc: "when u - leak + I leaves the u format"),
        seedSpec,
    ],
    make: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
        try LIFCore(name: name, lanes: p.int("lanes"), membrane: p.format("u"), current: p.format("current"),
                    threshold: p.real("threshold"), uMin: p.real("u_min"), leak: p.real("leak"),
                    refractory: p.int("refractory"), reset: LIFCore.Reset(rawValue: p.word("reset"))!,
                    integrateRefractory: p.bool("integrate_refractory"), rounding: p.rounding("rounding"),
                    overflow: p.overflow("overflow"), seed: UInt32(p.int("seed")))
    })

private let liType = BlockType(
    name: "li",
    doc: "leaky integrator: V' = sat(V - round(gamma*V) + s), V ~ rate/gamma",
    parameters: [
        lanesSpec,
        Spec("v", .format, default: fmt("u4.12"), doc: "format of V (must hold 1.0; V reaches 1/gamma at rate 1)"),
        Spec("gamma", .real(0...1), default: .real(0.1), doc: "gamma_LI in (0, 1)"),
        Spec("leak_mode", .choice(LeakyIntegrator.LeakMode.allCases.map(\.rawValue)), default: .word("multiply"),
             doc: "multiply: 16-bit mantissa times 2^-k; shift: gamma must be 2^-k"),
        .rounding("rounding", default: .nearest, doc: "rounding of the leak"),
        seedSpec,
    ],
    make: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
        try LeakyIntegrator(name: name, lanes: p.int("lanes"), format: p.format("v"), gamma: p.real("gamma"),
                            leakMode: LeakyIntegrator.LeakMode(rawValue: p.word("leak_mode"))!,
                            rounding: p.rounding("rounding"), seed: UInt32(p.int("seed")))
    })

private let delayType = BlockType(
    name: "delay",
    doc: "delay shift register: delayed(t) = x(t - depth), 0 before",
    parameters: [
        lanesSpec,
        Spec("depth", .int(1...65536), default: .int(20), doc: "tau, in clocks"),
        Spec("format", .format, default: fmt("u4.12"), doc: "format of input and output"),
    ],
    make: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
        try DelayLine(name: name, lanes: p.int("lanes"), depth: p.int("depth"), format: p.format("format"))
    })

private let firType = BlockType(
    name: "fir",
    doc: "FIR averager: mean(t+1) = (1/N) * sum of the last N inputs, one rounding",
    parameters: [
        lanesSpec,
        Spec("taps", .int(1...65536), default: .int(20), doc: "N_filt"),
        Spec("input", .format, default: fmt("s5.12"), doc: "input format"),
        Spec("output", .format, default: fmt("s5.12"), doc: "output format"),
        .rounding("rounding", default: .nearest, doc: "rounding of the division by N (a shift when N is a power of two, otherwise an exact division)"),
        .overflow("overflow", default: .saturate, doc: "when the mean leaves the output format"),
        seedSpec,
    ],
    make: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
        try FIRAverager(name: name, lanes: p.int("lanes"), taps: p.int("taps"), input: p.format("input"),
                        output: p.format("output"), rounding: p.rounding("rounding"), overflow: p.overflow("overflow"),
                        seed: UInt32(p.int("seed")))
    })

private let adderType = BlockType(
    name: "adder",
    doc: "adder: sum = sign0*in0 + sign1*in1 + ..., exact then one overflow step (combinational)",
    parameters: [
        lanesSpec,
        Spec("terms", .int(1...8), default: .int(2), doc: "number of inputs in0...in{terms-1}"),
        Spec("signs", .word, default: .word(""), doc: "one '+' or '-' per term (or 'p' / 'm', e.g. pm); default all '+'"),
        Spec("format", .format, default: fmt("s5.12"), doc: "format of every input and of the output"),
        .overflow("overflow", default: .saturate, doc: "when the sum leaves the format"),
    ],
    make: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
        let signs = p.word("signs")
        return try Adder(name: name, lanes: p.int("lanes"), terms: p.int("terms"), signs: signs.isEmpty ? nil : signs,
                         format: p.format("format"), overflow: p.overflow("overflow"))
    })

private let scaleType = BlockType(
    name: "scale",
    doc: "constant multiplier: y = round(x * factor), factor realised as mantissa * 2^-k (combinational); optional 1-bit input negate flips the factor's sign",
    parameters: [
        lanesSpec,
        Spec("input", .format, default: fmt("s5.12"), doc: "input format"),
        Spec("output", .format, default: fmt("s5.12"), doc: "output format"),
        Spec("factor", .real(-1e9...1e9), default: .real(1.0), doc: "the constant (e.g. eta or beta); 0 or 1e-12...1e9 in magnitude"),
        Spec("mantissa", .int(2...24), default: .int(16), doc: "bits of the factor's signed mantissa"),
        .rounding("rounding", default: .nearest, doc: "rounding of the product"),
        .overflow("overflow", default: .saturate, doc: "when the product leaves the output format"),
        seedSpec,
    ],
    make: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
        try Scaler(name: name, lanes: p.int("lanes"), input: p.format("input"), output: p.format("output"),
                   factor: p.real("factor"), mantissaBits: p.int("mantissa"), rounding: p.rounding("rounding"),
                   overflow: p.overflow("overflow"), seed: UInt32(p.int("seed")))
    })

private let spikeCounterType = BlockType(
    name: "spike_counter",
    doc: "spike counter: count' = sat(count + (enable and spike)); enable optional (unconnected = always)",
    parameters: [
        lanesSpec,
        Spec("count", .format, default: fmt("u16.0"), doc: "unsigned integer format of the counts"),
        Spec("bypass", .bool, default: .bool(false),
             doc: "true: count is combinational and shows count' (this clock's spike included), so logic deciding in a window's last clock sees the whole window"),
    ],
    make: { (name: String, p: BlockParameters) throws(ParameterError) -> Block in
        try SpikeCounter(name: name, lanes: p.int("lanes"), format: p.format("count"), bypass: p.bool("bypass"))
    })

/// Checks shared by the neuron-path blocks' initialisers (they can be built without a netlist, so
/// they check again what the specs check).
enum NeuronPathChecks {
    static func lanes(_ n: Int) throws(ParameterError) {
        guard (1...1_000_000).contains(n) else {
            throw ParameterError(parameter: "lanes", message: "lanes must be in 1...1000000, got \(n)")
        }
    }

    static func laneFormat(_ f: QFormat, parameter: String) throws(ParameterError) {
        guard f.fitsInt32Lanes else {
            throw ParameterError(parameter: parameter, message: "format \(f) does not fit the model's 32-bit signed lanes; use u31 or s32 at most")
        }
    }

    /// A real constant rounded to nearest into `format`; an error when it falls outside the format.
    static func quantize(_ value: Double, into format: QFormat, parameter: String) throws(ParameterError) -> Int64 {
        let scaled = (value * Double(sign: .plus, exponent: format.fracBits, significand: 1)).rounded(.toNearestOrAwayFromZero)
        guard value.isFinite, scaled >= Double(format.minRaw), scaled <= Double(format.maxRaw) else {
            throw ParameterError(parameter: parameter, message: "\(value) is outside the format \(format) (range \(format.minValue) ... \(format.maxValue))")
        }
        return Int64(scaled)
    }
}
