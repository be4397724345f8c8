import Foundation
import FixedPoint
import HDL
import Blocks
import GoldenModel

/// The float golden model configured like a chip: every parameter of `GoldenConfig` read from the
/// chip's blocks (found through its roles and its wiring) and its experiment settings, so that
/// `eqspike train --model float` and `eqspike compare` run the algorithm the design implements.
///
/// Where a value comes from:
///
/// | GoldenConfig | chip |
/// |---|---|
/// | inputs, hidden, outputs | lanes of the `input`, `hidden`, `output` LIF banks |
/// | tFree, tNudge, readoutFrom, readoutTo | the `phase` controller |
/// | threshold, uMin, gammaLIF, tRefract, reset, integrateDuringRefractory | the `hidden` LIF bank (asked values; the input and output banks must agree) |
/// | fMax, beta, skipThreshold | the `nudge` unit |
/// | nudgeSignState | the `nudge` unit's sign register (`sign = random`; 0 for positive) |
/// | gammaLI, tau, nFilt | the `li`, `delay` and `fir` blocks behind the hidden spikes (hidden.spike -> li -> delay, li -> adder -> fir) |
/// | gIn | the `encoder` gain |
/// | eta1, eta2, etaB | the `scale` blocks that drive w1.row_delta, w2.row_delta and the hidden bias's delta (etaB = factor / f_max) |
/// | etaSchedule, etaStepsPerEpoch, initScale, seed, firstSpikeDeadline | the experiment settings |
/// | updateMode | the `w1` crossbar (`rank1`: W1 rank-1, W2 and the biases deferred) |
///
/// Real constants are taken as asked in the netlist (`QuantizedConstant.nominal`), not as realised
/// by the fixed-point multipliers: the golden model is the algorithm, the realisation error is
/// part of what the comparison measures.
public struct GoldenDesign {
    public let config: GoldenConfig
    /// Things the golden model cannot mirror exactly (e.g. hidden and output estimators with
    /// different tau); empty for the shipped designs.
    public let warnings: [String]

    /// The estimator chain of one layer: LIF spike -> li -> delay -> adder (+-) -> fir.
    public struct Estimator {
        public let li: LeakyIntegrator
        public let delay: DelayLine
        public let difference: Adder?
        public let fir: FIRAverager
    }

    public let hiddenEstimator: Estimator
    public let outputEstimator: Estimator

    public init(chip: Chip) throws {
        var warnings: [String] = []
        let sim = chip.simulator
        func readers(of port: HDL.Port) -> [Block] {
            sim.connections.filter { $0.source === port }.map { $0.destination.owner }
        }
        func driver(of port: HDL.Port) -> Block? {
            sim.connections.first { $0.destination === port }?.source.owner
        }
        func estimator(of lif: LIFCore) throws -> Estimator {
            guard let li = readers(of: lif.spike).compactMap({ $0 as? LeakyIntegrator }).first else {
                throw GoldenDesignError("no leaky integrator (li) reads \(lif.name).spike")
            }
            let afterLI = readers(of: li.v)
            guard let delay = afterLI.compactMap({ $0 as? DelayLine }).first else {
                throw GoldenDesignError("no delay line reads \(li.name).v")
            }
            let adder = afterLI.compactMap { $0 as? Adder }.first
            let firSource = adder.map { readers(of: $0.port(named: "sum")!) } ?? afterLI
            guard let fir = firSource.compactMap({ $0 as? FIRAverager }).first else {
                throw GoldenDesignError("no FIR averager follows \(li.name)")
            }
            return Estimator(li: li, delay: delay, difference: adder, fir: fir)
        }
        hiddenEstimator = try estimator(of: chip.hiddenLayer)
        outputEstimator = try estimator(of: chip.outputLayer)

        var c = GoldenConfig()
        c.inputs = chip.inputLayer.lanes
        c.hidden = chip.hiddenLayer.lanes
        c.outputs = chip.outputLayer.lanes
        c.tFree = chip.phase.tFree
        c.tNudge = chip.phase.tNudge
        c.readoutFrom = chip.phase.readoutFrom
        c.readoutTo = chip.phase.readoutTo

        let h = chip.hiddenLayer
        c.threshold = h.threshold
        c.uMin = h.uMin
        c.gammaLIF = h.leakConstant.nominal
        c.tRefract = h.refractoryPeriod
        c.reset = h.resetMode == .subtract ? .subtract : .zero
        c.integrateDuringRefractory = h.integratesWhileRefractory
        for other in [chip.inputLayer, chip.outputLayer] where other.threshold != h.threshold || other.uMin != h.uMin
            || other.leakConstant.nominal != h.leakConstant.nominal || other.refractoryPeriod != h.refractoryPeriod
            || other.resetMode != h.resetMode || other.integratesWhileRefractory != h.integratesWhileRefractory {
            warnings.append("LIF bank \(other.name) differs from \(h.name); the golden model uses \(h.name)'s constants for every layer")
        }

        c.fMax = chip.nudge.fMax
        c.beta = chip.nudge.beta
        c.skipThreshold = chip.nudge.threshold
        if chip.nudge.window != chip.phase.readoutTo - chip.phase.readoutFrom {
            warnings.append("nudge window \(chip.nudge.window) differs from the readout window \(chip.phase.readoutTo - chip.phase.readoutFrom)")
        }
        if chip.nudge.gammaLI != hiddenEstimator.li.gammaConstant.nominal {
            warnings.append("nudge gamma_li \(chip.nudge.gammaLI) differs from the LI's gamma \(hiddenEstimator.li.gammaConstant.nominal)")
        }

        c.gammaLI = hiddenEstimator.li.gammaConstant.nominal
        c.tau = hiddenEstimator.delay.depth
        c.nFilt = hiddenEstimator.fir.taps
        let o = outputEstimator
        if o.li.gammaConstant.nominal != c.gammaLI || o.delay.depth != c.tau || o.fir.taps != c.nFilt {
            warnings.append("output estimator (gamma \(o.li.gammaConstant.nominal), tau \(o.delay.depth), N_filt \(o.fir.taps)) differs from the hidden one; the golden model uses the hidden one's")
        }
        c.gIn = chip.encoder.gain

        // Learning rates: the scale blocks driving the update ports.
        func factor(into port: HDL.Port?) -> Double? {
            guard let p = port, let s = driver(of: p) as? Scaler else { return nil }
            return s.factorConstant.nominal
        }
        let eta1 = factor(into: chip.w1.rowDelta)
        let eta2 = factor(into: chip.w2.rowDelta) ?? factor(into: chip.w2.colDelta)
        let biasH = chip.bias(feeding: chip.hiddenLayer)
        let etaBF = factor(into: biasH?.delta) ?? chip.biases.lazy.compactMap { factor(into: $0.delta) }.first
        c.eta1 = eta1 ?? 0
        c.eta2 = eta2 ?? 0
        c.etaB = (etaBF ?? 0) / c.fMax
        if eta1 == nil { warnings.append("no scale block drives \(chip.w1.name).row_delta: eta1 = 0") }
        if eta2 == nil { warnings.append("no scale block drives \(chip.w2.name)'s update ports: eta2 = 0") }
        if let f2c = factor(into: chip.w2.colDelta), let e2 = eta2, f2c != e2 {
            warnings.append("w2 row and column updates use different rates (\(e2), \(f2c)); the golden model uses \(e2)")
        }

        c.nudgeSignState = chip.nudge.signState ?? 0
        if chip.nudge.sign == .random {
            // Every learning rate must follow the nudge sign, as the golden model's do.
            for (scale, _) in chip.learningRates {
                let wire = sim.connections.first { $0.destination === scale.negate }
                if wire?.source !== chip.nudge.negative {
                    warnings.append("\(chip.nudge.name) draws a random sign but \(scale.name).negate is not driven by \(chip.nudge.name).negative; the golden model negates every learning rate with the sign")
                }
            }
        }

        let s = chip.settings
        c.etaSchedule = s.learningRateSchedule
        c.etaStepsPerEpoch = s.learningRateStepsPerEpoch
        c.initScale = s.initScale
        c.seed = s.seed
        c.firstSpikeDeadline = s.firstSpikeDeadline
        c.updateMode = GoldenConfig.UpdateMode(chip.w1.updateMode)
        // The golden model's rank-1 mode keeps W2 deferred (W2 has column updates, which rank-1 cannot factor).
        let w2Expected: Crossbar.UpdateMode = chip.w1.updateMode == .rank1 ? .deferred : chip.w1.updateMode
        if chip.w2.updateMode != w2Expected {
            warnings.append("w1 is \(chip.w1.updateMode.rawValue) but w2 is \(chip.w2.updateMode.rawValue); the golden model uses \(w2Expected.rawValue) for w2")
        }
        let errors = c.validationErrors()
        guard errors.isEmpty else { throw GoldenDesignError("the design maps to an invalid golden config: " + errors.joined(separator: "; ")) }
        config = c
        self.warnings = warnings
    }

    /// A golden network configured like the chip, its weights drawn as `Chip.initialiseMemories`
    /// draws them (before rounding).
    public func network(seed: UInt64? = nil) throws -> GoldenNetwork {
        var c = config
        if let s = seed { c.seed = s }
        return try GoldenNetwork(config: c)
    }
}

extension GoldenConfig.UpdateMode {
    /// The golden model's mode for a design whose W1 crossbar updates in `mode`.
    public init(_ mode: Crossbar.UpdateMode) {
        switch mode {
        case .immediate: self = .immediate
        case .deferred: self = .deferred
        case .rank1: self = .rank1
        }
    }
}

public struct GoldenDesignError: Error, CustomStringConvertible {
    public let description: String
    init(_ m: String) { description = m }
}

extension GoldenNetwork {
    /// Copies the chip's memories (weights and biases, as reals) into the golden network, so that
    /// both start from identical values.
    public func loadMemories(from chip: Chip) throws {
        let cfg = config
        guard chip.w1.rows == cfg.inputs, chip.w1.cols == cfg.hidden, chip.w2.rows == cfg.hidden, chip.w2.cols == cfg.outputs else {
            throw GoldenDesignError("chip and golden model have different shapes")
        }
        weights1 = chip.w1.realWeights
        weights2 = chip.w2.realWeights
        if let bh = chip.bias(feeding: chip.hiddenLayer) { biasHidden = bh.realValues }
        if let bo = chip.bias(feeding: chip.outputLayer) { biasOutput = bo.realValues }
        if let state = chip.nudge.signState { loadSignState(state) }
    }
}

extension Chip {
    /// The bias memory whose value reaches `lif`'s current input (directly or through the adder
    /// that drives it).
    public func bias(feeding lif: LIFCore) -> Bias? {
        let wires = simulator.connections
        guard let sumBlock = wires.first(where: { $0.destination === lif.current })?.source.owner else { return nil }
        return biases.first { b in
            wires.contains { $0.source === b.value && ($0.destination.owner === sumBlock || $0.destination === lif.current) }
        }
    }
}
