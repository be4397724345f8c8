import Foundation
import FixedPoint
import HDL
import Blocks
import Netlist
import GoldenModel

/// The float golden model configured like a chip: every parameter of `GoldenConfig` read from the
/// design's `Circuit` (instances found through its roles and its wires, their parameters as the
/// netlist resolved them) and its experiment settings, so that `eqspike train --model float` and
/// `eqspike compare` run the algorithm the design implements. Nothing is read from live blocks
/// but the nudge sign register's state, when built from a chip.
///
/// Where a value comes from:
///
/// | GoldenConfig | circuit instance (role) and parameter |
/// |---|---|
/// | inputs, hidden, extraHidden, outputs | lanes of the `input`, `hidden` (`hidden2`, ...), `output` LIF banks |
/// | tFree, tNudge, readoutFrom, readoutTo | the `phase` controller |
/// | threshold, uMin, gammaLIF, tRefract, reset, integrateDuringRefractory | the `hidden` LIF bank (asked values; the input and output banks must agree) |
/// | fMax, beta, skipThreshold | the `nudge` unit |
/// | nudgeSignState | the `nudge` unit's sign register (`sign = random`; 0 for positive) |
/// | gammaLI, tau, nFilt | the `li`, `delay` and `fir` blocks behind the hidden spikes (hidden.spike -> li -> delay, li -> adder -> fir) |
/// | gIn | the `encoder` gain |
/// | eta1, eta2, extraEta, etaB | the `scale` blocks that drive w1.row_delta, w2.row_delta (w3, ...) and the hidden bias's delta (etaB = factor / f_max) |
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

    /// The estimator chain of one layer, by instance name: LIF spike -> li -> delay -> adder (+-) -> fir.
    public struct Estimator: Sendable, Equatable {
        public let li: String
        public let delay: String
        public let difference: String?
        public let fir: String
    }

    /// The estimators of the hidden layers, first to last, and of the output.
    public let hiddenEstimators: [Estimator]
    public let outputEstimator: Estimator
    public var hiddenEstimator: Estimator { hiddenEstimators[0] }

    /// Configured like `chip`, with the nudge sign register's present state.
    public init(chip: Chip) throws {
        try self.init(circuit: chip.design.circuit, settings: chip.settings, nudgeSignState: chip.nudge.signState)
    }

    /// Configured from a circuit alone: nothing is allocated, every value is an instance's
    /// parameter or the wiring. `nudgeSignState` nil: the sign register's state after elaboration.
    public init(circuit: Circuit, settings: ExperimentSettings, nudgeSignState: UInt32? = nil) throws {
        var warnings: [String] = []
        func role(_ name: String, _ type: String) throws -> Circuit.Instance {
            guard let binding = circuit.roles.first(where: { $0.role == name }), let i = circuit.instance(named: binding.instance) else {
                throw GoldenDesignError("the design has no role '\(name)'")
            }
            guard i.typeName == type else {
                throw GoldenDesignError("the golden model mirrors a \(type) block as '\(name)', but \(i.name) is a \(i.typeName)")
            }
            return i
        }
        func readers(of instance: String, _ port: String) -> [Circuit.Instance] {
            circuit.wires.filter { $0.source.instance == instance && $0.source.port == port }
                .compactMap { circuit.instance(named: $0.destination.instance) }
        }
        func driver(of instance: String, _ port: String) -> Circuit.Wire? {
            circuit.wires.first { $0.destination.instance == instance && $0.destination.port == port }
        }
        func estimator(of lif: Circuit.Instance) throws -> Estimator {
            guard let li = readers(of: lif.name, "spike").first(where: { $0.typeName == "li" }) else {
                throw GoldenDesignError("no leaky integrator (li) reads \(lif.name).spike")
            }
            let afterLI = readers(of: li.name, "v")
            guard let delay = afterLI.first(where: { $0.typeName == "delay" }) else {
                throw GoldenDesignError("no delay line reads \(li.name).v")
            }
            let adder = afterLI.first { $0.typeName == "adder" }
            let firSource = adder.map { readers(of: $0.name, "sum") } ?? afterLI
            guard let fir = firSource.first(where: { $0.typeName == "fir" }) else {
                throw GoldenDesignError("no FIR averager follows \(li.name)")
            }
            return Estimator(li: li.name, delay: delay.name, difference: adder?.name, fir: fir.name)
        }
        // hidden, hidden2, ... while bound (as Chip binds them), and one weight array more.
        let depth = Chip.hiddenLayerCount(roles: circuit.roles.map(\.role))
        let input = try role("input", "lif"), output = try role("output", "lif")
        let hiddens = try (1 ... depth).map { try role(Chip.hiddenRole($0), "lif") }
        let hidden = hiddens[0]
        let phase = try role("phase", "phase_controller").parameters
        let nudge = try role("nudge", "nudge").parameters
        let encoder = try role("encoder", "pixel_encoder").parameters
        let arrays = try (1 ... depth + 1).map { try role("w\($0)", "crossbar") }
        let w1 = arrays[0], w2 = arrays[1]
        let hiddenEstimators = try hiddens.map { try estimator(of: $0) }, hiddenEstimator = hiddenEstimators[0]
        let outputEstimator = try estimator(of: output)
        self.hiddenEstimators = hiddenEstimators
        self.outputEstimator = outputEstimator
        func parameters(_ name: String) -> BlockParameters { circuit.instance(named: name)!.parameters }

        var c = GoldenConfig()
        c.inputs = input.parameters.int("lanes")
        c.hidden = hidden.parameters.int("lanes")
        c.extraHidden = hiddens.dropFirst().map { $0.parameters.int("lanes") }
        c.outputs = output.parameters.int("lanes")
        c.tFree = phase.int("t_free")
        c.tNudge = phase.int("t_nudge")
        c.readoutFrom = phase.int("readout_from")
        c.readoutTo = phase.int("readout_to")

        // The neuron constants, as the hidden bank realises its threshold and clip.
        struct Neuron: Equatable {
            let threshold: Double, uMin: Double, leak: Double, refractory: Int, reset: String, integrateRefractory: Bool
            init(_ p: BlockParameters) {
                let u = p.format("u")
                threshold = LIFCore.realised(p.real("threshold"), membrane: u) ?? p.real("threshold")
                uMin = LIFCore.realised(p.real("u_min"), membrane: u) ?? p.real("u_min")
                leak = p.real("leak"); refractory = p.int("refractory"); reset = p.word("reset")
                integrateRefractory = p.bool("integrate_refractory")
            }
        }
        let h = Neuron(hidden.parameters)
        c.threshold = h.threshold
        c.uMin = h.uMin
        c.gammaLIF = h.leak
        c.tRefract = h.refractory
        c.reset = h.reset == LIFCore.Reset.subtract.rawValue ? .subtract : .zero
        c.integrateDuringRefractory = h.integrateRefractory
        for other in [input] + hiddens.dropFirst() + [output] where Neuron(other.parameters) != h {
            warnings.append("LIF bank \(other.name) differs from \(hidden.name); the golden model uses \(hidden.name)'s constants for every layer")
        }

        c.fMax = nudge.real("f_max")
        c.beta = nudge.real("beta")
        c.skipThreshold = nudge.real("threshold")
        let window = nudge.int("window")
        if window != c.readoutTo - c.readoutFrom {
            warnings.append("nudge window \(window) differs from the readout window \(c.readoutTo - c.readoutFrom)")
        }
        let li = parameters(hiddenEstimator.li)
        let gammaLI = nudge.real("gamma_li")
        if gammaLI != li.real("gamma") {
            warnings.append("nudge gamma_li \(gammaLI) differs from the LI's gamma \(li.real("gamma"))")
        }

        c.gammaLI = li.real("gamma")
        c.tau = parameters(hiddenEstimator.delay).int("depth")
        c.nFilt = parameters(hiddenEstimator.fir).int("taps")
        for (what, e) in hiddenEstimators.dropFirst().map({ ("\($0.li)'s estimator", $0) }) + [("output estimator", outputEstimator)] {
            let (oGamma, oTau, oTaps) = (parameters(e.li).real("gamma"), parameters(e.delay).int("depth"), parameters(e.fir).int("taps"))
            if oGamma != c.gammaLI || oTau != c.tau || oTaps != c.nFilt {
                warnings.append("\(what) (gamma \(oGamma), tau \(oTau), N_filt \(oTaps)) differs from the first hidden one; the golden model uses the first hidden one's")
            }
        }
        c.gIn = encoder.real("gain")

        // Learning rates: the scale blocks driving the update ports.
        func factor(into instance: String, _ port: String) -> Double? {
            guard let wire = driver(of: instance, port), let s = circuit.instance(named: wire.source.instance), s.typeName == "scale" else { return nil }
            return s.parameters.real("factor")
        }
        let biases = circuit.roles.filter { $0.role.hasPrefix("bias") }.map(\.instance)
        // The bias whose value reaches the hidden bank's current, directly or through the adder driving it.
        let hiddenSum = driver(of: hidden.name, "current")?.source.instance
        let biasH = biases.first { b in
            circuit.wires.contains { $0.source.instance == b && $0.source.port == "value"
                && ($0.destination.instance == hiddenSum || ($0.destination.instance == hidden.name && $0.destination.port == "current")) }
        }
        let eta1 = factor(into: w1.name, "row_delta")
        let eta2 = factor(into: w2.name, "row_delta") ?? factor(into: w2.name, "col_delta")
        let etaBF = biasH.flatMap { factor(into: $0, "delta") } ?? biases.lazy.compactMap { factor(into: $0, "delta") }.first
        c.eta1 = eta1 ?? 0
        c.eta2 = eta2 ?? 0
        c.etaB = (etaBF ?? 0) / c.fMax
        if eta1 == nil { warnings.append("no scale block drives \(w1.name).row_delta: eta1 = 0") }
        if eta2 == nil { warnings.append("no scale block drives \(w2.name)'s update ports: eta2 = 0") }
        if let f2c = factor(into: w2.name, "col_delta"), let e2 = eta2, f2c != e2 {
            warnings.append("w2 row and column updates use different rates (\(e2), \(f2c)); the golden model uses \(e2)")
        }
        c.extraEta = arrays.dropFirst(2).map { w in
            let row = factor(into: w.name, "row_delta"), col = factor(into: w.name, "col_delta")
            if row == nil && col == nil { warnings.append("no scale block drives \(w.name)'s update ports: its rate = 0") }
            if let r = row, let cc = col, r != cc { warnings.append("\(w.name) row and column updates use different rates (\(r), \(cc)); the golden model uses \(r)") }
            return row ?? col ?? 0
        }

        let randomSign = nudge.word("sign") == NudgeUnit.Sign.random.rawValue
        c.nudgeSignState = randomSign ? nudgeSignState ?? NudgeUnit.initialSignState(seed: UInt32(nudge.int("seed"))) : 0
        if randomSign {
            // Every learning rate must follow the nudge sign, as the golden model's do.
            let nudgeName = circuit.roles.first { $0.role == "nudge" }!.instance
            for rate in circuit.roles where rate.role.hasPrefix("eta") {
                let wire = driver(of: rate.instance, "negate")
                if wire?.source.instance != nudgeName || wire?.source.port != "negative" {
                    warnings.append("\(nudgeName) draws a random sign but \(rate.instance).negate is not driven by \(nudgeName).negative; the golden model negates every learning rate with the sign")
                }
            }
        }

        c.etaSchedule = settings.learningRateSchedule
        c.etaStepsPerEpoch = settings.learningRateStepsPerEpoch
        c.initScale = settings.initScale
        c.seed = settings.seed
        c.firstSpikeDeadline = settings.firstSpikeDeadline
        let w1Mode = w1.parameters.word("update")
        c.updateMode = GoldenConfig.UpdateMode(rawValue: w1Mode) ?? .deferred
        // The golden model's rank-1 mode keeps W2, W3, ... deferred (they have column updates, which rank-1 cannot factor).
        let w2Expected = w1Mode == Crossbar.UpdateMode.rank1.rawValue ? Crossbar.UpdateMode.deferred.rawValue : w1Mode
        for w in arrays.dropFirst() where w.parameters.word("update") != w2Expected {
            warnings.append("w1 is \(w1Mode) but \(w.name) is \(w.parameters.word("update")); the golden model uses \(w2Expected) for \(w.name)")
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

public struct GoldenDesignError: Error, CustomStringConvertible {
    public let description: String
    init(_ m: String) { description = m }
}

extension GoldenNetwork {
    /// Copies the chip's memories (weights and biases, as reals) into the golden network, so that
    /// both start from identical values.
    public func loadMemories(from chip: Chip) throws {
        let sizes = config.layerSizes
        let chipSizes = chip.neuronLayers.map(\.lanes)
        guard sizes == chipSizes, zip(chip.weightArrays, 1...).allSatisfy({ $0.rows == sizes[$1 - 1] && $0.cols == sizes[$1] }) else {
            throw GoldenDesignError("chip and golden model have different shapes")
        }
        for (k, w) in zip(1..., chip.weightArrays) { setWeights(k, w.realWeights) }
        for (k, layer) in zip(1..., chip.neuronLayers.dropFirst()) {
            if let b = chip.bias(feeding: layer) { setBias(k, b.realValues) }
        }
        if let state = chip.nudge.signState { loadSignState(state) }
    }
}

extension Chip {
    /// The bias memory whose value reaches `lif`'s current input (directly or through the adder
    /// that drives it).
    public func bias(feeding lif: any NeuronLayer) -> Bias? {
        let wires = simulator.connections
        guard let sumBlock = wires.first(where: { $0.destination === lif.current })?.source.owner else { return nil }
        return biases.first { b in
            wires.contains { $0.source === b.value && ($0.destination.owner === sumBlock || $0.destination === lif.current) }
        }
    }
}
