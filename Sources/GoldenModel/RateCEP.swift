import Foundation
import Datasets

/// Rate-based reference: Continual Equilibrium Propagation (C-EP; Ernoult et al., "Equilibrium
/// Propagation with Continual Weight Updates", arXiv 2005.04168, public code ernoult/continualEP,
/// class `EPcont`), the energy-based setting with one hidden layer and hard-sigmoid neurons, batch
/// size 1. The paper's Table 1 compares EqSpike with exactly this (96.97% for 784-100-10).
///
/// States s_h, s_o in [0, 1], input x = pixel / 255, rho = clip(., 0, 1) (so rho(s) = s for every
/// state, and rho'(s) = 1 on [0, 1]):
///
///     E = 1/2 |s|^2 - rho(s_o)^T W2^T rho(s_h) - rho(s_h)^T W1^T x - b_h . rho(s_h) - b_o . rho(s_o)
///     s_h <- clip(s_h + dt (-s_h + rho'(s_h) (W1^T x + W2 rho(s_o) + b_h)), 0, 1)
///     s_o <- clip(s_o + dt (-s_o + W2^T rho(s_h) + b_o + beta (y - s_o)), 0, 1)
///
/// (W1 is inputs x hidden, W2 hidden x outputs, row-major, as on the chip.) Both layers read the
/// states of the previous step (synchronous update). Free phase: T steps from s = 0 with beta = 0;
/// the prediction is argmax s_o (ties to the lowest index). Nudged phase: K more steps with beta,
/// and after every step t -> t+1 the continual update
///
///     W_ij += (eta / beta) (rho_i(t+1) rho_j(t+1) - rho_i(t) rho_j(t)),  b_i += (eta / beta) (rho_i(t+1) - rho_i(t))
///
/// with eta1 for W1 and b_h, eta2 for W2 and b_o (the code's lr_tab pairing), both times the
/// epoch's learning-rate multiplier. Summed over the phase this is the EP update.
///
/// Implementation note (exact, not an approximation): x is constant during an image, so the W1
/// increments of one image are all of the form c x_i d_h. The network keeps a = W1^T x and adds
/// c |x|^2 d_h to it at every nudged step, which is what recomputing W1^T x from the updated W1
/// would give; the matrix itself receives the summed increment c x_i (sum_t d_h(t)) once at the
/// end of the image, touching only rows with x_i != 0. The dynamics therefore see W1 change at
/// every step, as C-EP prescribes, at a cost of O(H) per step instead of O(784 H).
public struct RateCEPConfig: Sendable, Equatable, Codable {
    public var inputs = 784
    public var hidden = 100
    public var outputs = 10
    /// Euler step (the code's --dt; epsilon in the paper).
    public var dt = 0.2
    /// Free-phase steps.
    public var tFree = 100
    /// Nudged-phase steps (the code's --Kmax).
    public var kNudge = 12
    public var beta = 0.5
    /// Learning rate of W1 (input -> hidden) and b_h.
    public var eta1 = 5e-3
    /// Learning rate of W2 (hidden <-> output) and b_o.
    public var eta2 = 2.5e-3
    /// Learning-rate multiplier per epoch; the last value holds for later epochs: halved every 5
    /// epochs down to 1/8.
    public var lrSchedule: [Double] = [1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.125]
    /// Initial weights: uniform in +-initScale * sqrt(6 / (fan_in + fan_out)), drawn like the chip's.
    public var initScale = 0.5
    public var seed: UInt64 = 1

    public init() {}

    public func multiplier(epoch: Int) -> Double {
        lrSchedule.isEmpty ? 1 : lrSchedule[min(max(epoch, 0), lrSchedule.count - 1)]
    }

    /// The keys `set(_:_:)` understands (the CLI's `--set cep.KEY=value`).
    public static let keys = ["dt", "T", "K", "beta", "eta1", "eta2", "eta", "lr_schedule"]

    /// Sets one parameter from text: `dt`, `T`, `K`, `beta`, `eta1`, `eta2`, `eta` (both rates, eta2
    /// = eta / 2 as in the C-EP code's lr_tab), `lr_schedule` (`1,0.5` or `[1, 0.5]`). Sizes, seed and
    /// init scale come from the design (the chip's netlist), not from here.
    public mutating func set(_ key: String, _ text: String) throws(RateCEPError) {
        func real() throws(RateCEPError) -> Double {
            guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw .invalid("cep.\(key)=\(text): expected a number")
            }
            return v
        }
        func integer() throws(RateCEPError) -> Int {
            guard let v = Int(text.trimmingCharacters(in: .whitespaces)) else { throw .invalid("cep.\(key)=\(text): expected an integer") }
            return v
        }
        switch key {
        case "dt": dt = try real()
        case "T": tFree = try integer()
        case "K": kNudge = try integer()
        case "beta": beta = try real()
        case "eta1": eta1 = try real()
        case "eta2": eta2 = try real()
        case "eta": eta1 = try real(); eta2 = eta1 / 2
        case "lr_schedule":
            let body = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            var values: [Double] = []
            for part in body.split(separator: ",") {
                guard let v = Double(part.trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 0 else {
                    throw .invalid("cep.lr_schedule=\(text): expected non-negative numbers separated by commas")
                }
                values.append(v)
            }
            guard !values.isEmpty else { throw .invalid("cep.lr_schedule=\(text): needs at least one multiplier") }
            lrSchedule = values
        default:
            let hint = RateCEPConfig.keys.first { $0.lowercased() == key.lowercased() }.map { " (did you mean cep.\($0)?)" } ?? ""
            throw .invalid("unknown C-EP parameter 'cep.\(key)'\(hint); known: " + RateCEPConfig.keys.map { "cep.\($0)" }.joined(separator: ", "))
        }
    }

    /// Checks the values make a runnable network.
    public func validate() throws(RateCEPError) {
        guard inputs > 0, hidden > 0, outputs > 1 else { throw .invalid("sizes must be positive with at least 2 outputs") }
        guard dt > 0, dt <= 1 else { throw .invalid("cep.dt must be in (0, 1], got \(dt)") }
        guard tFree >= 1 else { throw .invalid("cep.T must be >= 1, got \(tFree)") }
        guard kNudge >= 0 else { throw .invalid("cep.K must be >= 0, got \(kNudge)") }
        guard beta > 0 else { throw .invalid("cep.beta must be > 0 (the update divides by it), got \(beta)") }
        guard eta1 >= 0, eta2 >= 0 else { throw .invalid("learning rates must be >= 0") }
        guard initScale >= 0 else { throw .invalid("cep.init_scale must be >= 0") }
    }

    /// One line naming every setting (logs, run.json).
    public var summary: String {
        "C-EP \(inputs)-\(hidden)-\(outputs): dt \(dt), T \(tFree), K \(kNudge), beta \(beta), eta1 \(eta1), eta2 \(eta2), "
            + "lr_schedule \(lrSchedule), init_scale \(initScale), seed \(seed)"
    }
}

public enum RateCEPError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let m): return m }
    }
}

/// One image through the rate network.
public struct RateCEPResult: Sendable, Equatable {
    public var label: Int
    public var prediction: Int
    public var correct: Bool { prediction == label }
    /// Output states at the end of the free phase.
    public var freeOutputs: [Double]
}

/// The C-EP network: memories and the per-image state (see `RateCEPConfig` for the equations).
public final class RateCEPNetwork {
    public let config: RateCEPConfig
    let nIn: Int, nH: Int, nO: Int
    // Memories (row-major as on the chip).
    let w1: UnsafeMutablePointer<Double>   // nIn x nH
    let w2: UnsafeMutablePointer<Double>   // nH x nO
    let bH: UnsafeMutablePointer<Double>
    let bO: UnsafeMutablePointer<Double>
    // Per-image state.
    let x: UnsafeMutablePointer<Double>
    let a: UnsafeMutablePointer<Double>     // W1^T x, kept current during the nudged phase
    let sH: UnsafeMutablePointer<Double>, sO: UnsafeMutablePointer<Double>
    let nH1: UnsafeMutablePointer<Double>, nO1: UnsafeMutablePointer<Double>  // next states
    let dSum: UnsafeMutablePointer<Double>  // sum over nudged steps of s_h(t+1) - s_h(t)
    var active: [Int32] = []                // inputs with x != 0
    /// Learning-rate multiplier (the epoch schedule).
    public var etaScale = 1.0

    public init(config: RateCEPConfig) throws(RateCEPError) {
        try config.validate()
        self.config = config
        nIn = config.inputs; nH = config.hidden; nO = config.outputs
        func alloc(_ n: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        w1 = alloc(nIn * nH); w2 = alloc(nH * nO); bH = alloc(nH); bO = alloc(nO)
        x = alloc(nIn); a = alloc(nH); sH = alloc(nH); sO = alloc(nO); nH1 = alloc(nH); nO1 = alloc(nO); dSum = alloc(nH)
        // The chip's initialisation (Chip.initialiseMemories, GoldenInit): W1 row-major, then W2
        // row-major, one word each from SeededGenerator(seed); biases 0.
        var rng = SeededGenerator(seed: config.seed)
        let a1 = GoldenInit.limit(fanIn: nIn, fanOut: nH, scale: config.initScale)
        for k in 0 ..< nIn * nH { w1[k] = GoldenInit.uniform(a1, rng: &rng) }
        let a2 = GoldenInit.limit(fanIn: nH, fanOut: nO, scale: config.initScale)
        for k in 0 ..< nH * nO { w2[k] = GoldenInit.uniform(a2, rng: &rng) }
    }

    deinit {
        for p in [w1, w2, bH, bO, x, a, sH, sO, nH1, nO1, dSum] { p.deallocate() }
    }

    // MARK: memories (copies)

    public var weights1: [Double] {
        get { Array(UnsafeBufferPointer(start: w1, count: nIn * nH)) }
        set { precondition(newValue.count == nIn * nH); for k in 0 ..< nIn * nH { w1[k] = newValue[k] } }
    }
    public var weights2: [Double] {
        get { Array(UnsafeBufferPointer(start: w2, count: nH * nO)) }
        set { precondition(newValue.count == nH * nO); for k in 0 ..< nH * nO { w2[k] = newValue[k] } }
    }
    public var biasHidden: [Double] { Array(UnsafeBufferPointer(start: bH, count: nH)) }
    public var biasOutput: [Double] { Array(UnsafeBufferPointer(start: bO, count: nO)) }
    public var hiddenState: [Double] { Array(UnsafeBufferPointer(start: sH, count: nH)) }
    public var outputState: [Double] { Array(UnsafeBufferPointer(start: sO, count: nO)) }

    // MARK: one image

    /// Loads an image (pixels 0...255), zeroes the states and computes a = W1^T x.
    public func begin<C: Collection>(pixels: C) where C.Element == UInt8 {
        precondition(pixels.count == nIn, "image has \(pixels.count) pixels, the network \(nIn) inputs")
        active.removeAll(keepingCapacity: true)
        var i = 0
        for p in pixels {
            x[i] = Double(p) / 255
            if p != 0 { active.append(Int32(i)) }
            i += 1
        }
        for h in 0 ..< nH { a[h] = 0; sH[h] = 0; dSum[h] = 0 }
        for o in 0 ..< nO { sO[o] = 0 }
        for i in active {
            let xi = x[Int(i)], row = w1 + Int(i) * nH
            for h in 0 ..< nH { a[h] += xi * row[h] }
        }
    }

    @inline(__always) private static func clip(_ v: Double) -> Double { v < 0 ? 0 : (v > 1 ? 1 : v) }

    /// One Euler step of both layers from the current states (beta = 0: free dynamics; with
    /// `label` and beta > 0 the outputs are nudged towards the one-hot target). No learning.
    public func step(beta: Double = 0, label: Int = -1) {
        computeNext(beta: beta, label: label)
        commitStates()
    }

    /// The next states into nH1 / nO1, from the current states.
    private func computeNext(beta: Double, label: Int) {
        let dt = config.dt
        for h in 0 ..< nH {
            var i = a[h] + bH[h]
            let row = w2 + h * nO
            for o in 0 ..< nO { i += row[o] * sO[o] }
            let s = sH[h]
            let rhop = (s >= 0 && s <= 1) ? 1.0 : 0.0
            nH1[h] = Self.clip(s + dt * (-s + rhop * i))
        }
        for o in 0 ..< nO {
            var i = bO[o]
            for h in 0 ..< nH { i += w2[h * nO + o] * sH[h] }
            let s = sO[o]
            if beta != 0 { i += beta * ((o == label ? 1 : 0) - s) }
            nO1[o] = Self.clip(s + dt * (-s + i))
        }
    }

    /// Moves the next states into the current ones.
    private func commitStates() {
        for h in 0 ..< nH { sH[h] = nH1[h] }
        for o in 0 ..< nO { sO[o] = nO1[o] }
    }

    /// One nudged step with the continual weight update.
    private func nudgedStep(label: Int) {
        let beta = config.beta
        computeNext(beta: beta, label: label)
        let c1 = etaScale * config.eta1 / beta, c2 = etaScale * config.eta2 / beta
        var xx = 0.0
        for i in active { let v = x[Int(i)]; xx += v * v }
        // W2 and b_o with the states before (s) and after (n) the step.
        for h in 0 ..< nH {
            let newH = nH1[h], oldH = sH[h]
            let row = w2 + h * nO
            for o in 0 ..< nO { row[o] += c2 * (newH * nO1[o] - oldH * sO[o]) }
            let d = newH - oldH
            dSum[h] += d
            bH[h] += c1 * d
            a[h] += c1 * xx * d     // = W1^T x after W1 += c1 x d^T
        }
        for o in 0 ..< nO { bO[o] += c2 * (nO1[o] - sO[o]) }
        commitStates()
    }

    /// Writes the summed W1 increment of this image: W1[i][h] += c1 x_i sum_t d_h(t).
    private func flushW1() {
        let c1 = etaScale * config.eta1 / config.beta
        for i in active {
            let xi = c1 * x[Int(i)], row = w1 + Int(i) * nH
            for h in 0 ..< nH { row[h] += xi * dSum[h] }
        }
    }

    /// Free phase only: the prediction (inference).
    public func infer<C: Collection>(pixels: C, label: Int) -> RateCEPResult where C.Element == UInt8 {
        begin(pixels: pixels)
        for _ in 0 ..< config.tFree { step() }
        return result(label: label)
    }

    /// Free phase, prediction, then the nudged phase with continual updates.
    @discardableResult
    public func train<C: Collection>(pixels: C, label: Int) -> RateCEPResult where C.Element == UInt8 {
        let r = infer(pixels: pixels, label: label)
        for _ in 0 ..< config.kNudge { nudgedStep(label: label) }
        flushW1()
        return r
    }

    private func result(label: Int) -> RateCEPResult {
        RateCEPResult(label: label, prediction: Readout.predictedClass(UnsafeBufferPointer(start: sO, count: nO)),
                      freeOutputs: outputState)
    }

    /// The energy E of the current state (for tests: the free dynamics must not increase it).
    public var energy: Double {
        var e = 0.0
        for h in 0 ..< nH { e += 0.5 * sH[h] * sH[h] - sH[h] * (a[h] + bH[h]) }
        for o in 0 ..< nO {
            e += 0.5 * sO[o] * sO[o] - bO[o] * sO[o]
            for h in 0 ..< nH { e -= sO[o] * w2[h * nO + o] * sH[h] }
        }
        return e
    }
}
