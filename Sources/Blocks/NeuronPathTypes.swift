import FixedPoint
import HDL

// Shared pieces of the neuron-path blocks' netlist types (each block declares its `blockType`
// beside its model; Registry.swift lists them). Range checks of single parameters are in the
// specs; constraints between parameters (a threshold inside the membrane format, signs matching
// terms, ...) are checked by each block's `interface(...)`, which its initialiser also calls, and
// throw a `ParameterError` naming the parameter. Semantics: docs/blocks.md.

typealias Spec = ParameterSpec

let lanesSpec = Spec("lanes", .int(1...1_000_000), doc: "number of identical units in the bank (one per neuron)")
let seedSpec = Spec("seed", .int(0...Int(UInt32.max)), default: .int(1),
                            doc: "seed of the block's LFSR32 for stochastic rounding (0 maps to a fixed non-zero state)")

func fmt(_ text: String) -> ParameterValue { .format(try! QFormat.parse(text)) }

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
