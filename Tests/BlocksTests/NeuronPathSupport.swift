import FixedPoint
import HDL
@testable import Blocks

// Test bench pieces shared by the neuron-path tests: a driver block, a seeded PRNG, one-clock
// helpers, and the float twins (the same equations in Double, no quantisation).

/// A register the test bench writes before each clock (a host-driven input).
final class NPDrive: Block {
    private(set) var out: Port!
    init(_ name: String, lanes: Int, format: QFormat) {
        super.init(name: name)
        out = addOutput("out", lanes: lanes, format: format, timing: .registered)
    }
    func set(_ lane: Int, _ raw: Int64) { out.pointer[lane] = Int32(truncatingIfNeeded: raw) }
    func setAll(_ raw: Int64) { out.storage.fill(Int32(truncatingIfNeeded: raw)) }
}

/// SplitMix64: a small seeded generator for test stimulus (host-side randomness).
struct NPRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    mutating func bit(_ p: Double) -> Bool { unit() < p }
}

/// Writes raw values into an (unconnected) input: the test bench drives the block directly.
func npPoke(_ port: Port, _ lane: Int, _ raw: Int64) { port.pointer[lane] = Int32(truncatingIfNeeded: raw) }

/// One clock of a lone block: evaluate, then the edge.
func npTick(_ b: Block) {
    b.evaluate()
    b.commit()
}

func npFormat(_ text: String) -> QFormat { try! QFormat.parse(text) }

/// Nearest quantisation of a real value into a format (the test bench's own conversion).
func npQuantize(_ x: Double, _ f: QFormat) -> Int64 { try! Fixed.quantize(x, to: f, rounding: .nearest, overflow: .saturate) }

// MARK: Float twins

/// LIF with real-valued membrane. `step` follows docs/algorithm.md; `forced` overrides the fire
/// decision (used when the float membrane is within the quantisation band of the threshold).
struct NPLIFTwin {
    var u = 0.0
    var r = 0
    let threshold: Double, uMin: Double, gamma: Double, refractory: Int
    let subtract: Bool, integrateRefractory: Bool

    /// Returns v (before the decision) and whether it would fire on its own.
    func candidate(_ current: Double) -> (v: Double, fires: Bool)? {
        if !integrateRefractory && r > 0 { return nil }
        let v = u - gamma * u + current
        return (v, r == 0 && v >= threshold)
    }

    mutating func step(_ current: Double, fire: Bool) {
        if !integrateRefractory && r > 0 { r -= 1; return }
        let v = u - gamma * u + current
        let w = fire ? (subtract ? v - threshold : 0) : v
        u = min(max(w, uMin), threshold)
        r = fire ? refractory - 1 : max(r - 1, 0)
    }
}

/// V' = V - gamma V + s.
struct NPLITwin {
    var v = 0.0
    let gamma: Double
    mutating func step(_ spike: Bool) { v = v - gamma * v + (spike ? 1 : 0) }
}

/// delayed(t) = x(t - depth).
struct NPDelayTwin {
    var line: [Double]
    var head = 0
    init(depth: Int) { line = Array(repeating: 0, count: depth) }
    /// Output of this clock, then pushes x.
    mutating func step(_ x: Double) -> Double {
        let out = line[head]
        line[head] = x
        head = (head + 1) % line.count
        return out
    }
}

/// mean(t+1) = average of the last N inputs.
struct NPFIRTwin {
    var window: [Double]
    var head = 0
    init(taps: Int) { window = Array(repeating: 0, count: taps) }
    mutating func step(_ x: Double) -> Double {
        window[head] = x
        head = (head + 1) % window.count
        return window.reduce(0, +) / Double(window.count)
    }
}
