import EqSpike
import Foundation
import FixedPoint
import HDL
import Blocks
import Datasets
import Waveform
import GoldenModel

/// Fixed-point chip and float golden model in lockstep (the Hardcaml `Cyclesim_combine` pattern):
/// both are reset, loaded with the same image and stepped one clock at a time; after every clock
/// each register of the chip is compared with its float twin, in LSBs of the register's format.
///
/// Timing (docs/algorithm.md, docs/golden-model.md): after `k` steps both models hold the
/// registers of clock `k` (u, r, s, V, F), and the currents of clock `k - 1` (the chip's
/// combinational outputs keep the values of the last evaluate; the golden model's `current(_:)`
/// are those of the last `step()`). Both start from the chip's memories (the golden model loads
/// them as reals), so every difference comes from the arithmetic: rounding of currents, membranes,
/// integrators, filters, learning-rate products and weight updates, and the realised constants.
///
/// The nudge decision is the chip's: when the two models disagree on the skip test (counted in
/// `nudgeDisagreements`), the golden model follows the chip so that lockstep continues.
public final class Comparison {
    public let chip: Chip
    public let golden: GoldenNetwork
    public let design: GoldenDesign

    /// One compared state: a fixed-point port and the golden model's value of the same quantity.
    final class StateProbe {
        let name: String
        let port: HDL.Port
        let layer: Layer
        let quantity: Quantity
        /// Registers are compared at the new clock; currents (combinational) at the clock just run.
        var stats = ErrorStats()
        /// Only the clocks at which every spike so far in the image agreed (pure rounding error).
        var sync = ErrorStats()
        init(name: String, port: HDL.Port, layer: Layer, quantity: Quantity) {
            self.name = name; self.port = port; self.layer = layer; self.quantity = quantity
        }
    }

    enum Quantity: String { case u, V, F, I }

    /// A layer of both models: its name in the report (`input`, `hidden`, `hidden2`, ..., `output`)
    /// and its index in the golden network (input 0, output L+1).
    struct Layer { let name: String; let index: Int }

    struct ErrorStats {
        var max = 0.0
        var sum = 0.0
        var count = 0
        var maxAtClock = -1
        mutating func add(_ e: Double, clock: Int) {
            if e > max { max = e; maxAtClock = clock }
            sum += e
            count += 1
        }
        var mean: Double { count > 0 ? sum / Double(count) : 0 }
    }

    struct SpikeStats {
        var same = 0
        var total = 0
        var first: CompareReport.Divergence? = nil
    }

    struct Correlation {
        var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
        mutating func add(_ x: Double, _ y: Double) {
            n += 1; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y
        }
        var r: Double? {
            let vx = n * sxx - sx * sx, vy = n * syy - sy * sy
            guard n > 1, vx > 0, vy > 0 else { return vx == 0 && vy == 0 && n > 0 ? 1 : nil }
            return (n * sxy - sx * sy) / (vx * vy).squareRoot()
        }
    }

    let probes: [StateProbe]
    let lifs: [(layer: Layer, lif: any NeuronLayer)]
    let estimators: [(layer: Layer, estimator: GoldenDesign.Estimator)]
    private var spikeStats: [SpikeStats]
    private var rates: [Correlation]

    /// Builds both models: the golden one configured from the chip (`GoldenDesign`) with the chip's
    /// current memories.
    public init(chip: Chip) throws {
        self.chip = chip
        design = try GoldenDesign(chip: chip)
        golden = try design.network()
        try golden.loadMemories(from: chip)
        var p: [StateProbe] = []
        let top = chip.hiddenLayers.count + 1
        let names = ["input"] + (1 ..< top).map { Chip.hiddenRole($0) } + ["output"]
        let layers: [(Layer, any NeuronLayer)] = zip(chip.neuronLayers, names.indices).map { (Layer(name: names[$1], index: $1), $0) }
        // Estimators of the hidden layers and the output, beside their layers.
        let estimators = zip(layers.dropFirst().map(\.0), design.hiddenEstimators + [design.outputEstimator]).map { (layer: $0, estimator: $1) }
        self.estimators = estimators
        for (layer, lif) in layers {
            p.append(StateProbe(name: "\(layer.name).u", port: lif.membrane, layer: layer, quantity: .u))
        }
        for (layer, est) in estimators {
            p.append(StateProbe(name: "\(layer.name).V", port: try chip.port(est.li, "v"), layer: layer, quantity: .V))
            p.append(StateProbe(name: "\(layer.name).F", port: try chip.port(est.fir, "mean"), layer: layer, quantity: .F))
        }
        for (layer, lif) in layers {
            p.append(StateProbe(name: "\(layer.name).I", port: lif.current, layer: layer, quantity: .I))
        }
        probes = p
        lifs = layers.map { (layer: $0.0, lif: $0.1) }
        spikeStats = Array(repeating: SpikeStats(), count: layers.count)
        rates = Array(repeating: Correlation(), count: layers.count)
    }

    // MARK: Waveform

    private var vcd: VCDWriter?
    /// Where the dump goes, and whether it has a save file (not on standard output).
    private var dumpTarget: DumpTarget?
    private var mirrors: [(probe: MirrorSource, buffer: UnsafeMutablePointer<Double>, lanes: Int)] = []
    /// Float spikes are 0 or 1: dumped as 1-bit signals like the chip's, not as reals drawn as
    /// boxes reading "0".
    private var spikeMirrors: [(layer: Layer, buffer: UnsafeMutablePointer<Int32>, lanes: Int)] = []
    private var hasMirrors: Bool { !mirrors.isEmpty || !spikeMirrors.isEmpty }
    enum MirrorSource { case u(Layer), s(Layer), V(Layer), F(Layer), I(Layer) }

    deinit {
        for m in mirrors { m.buffer.deallocate() }
        for m in spikeMirrors { m.buffer.deallocate() }
    }

    /// Dumps the chip's signals selected by `patterns` under a `fixed` scope and, for each of them
    /// that has a float twin, the golden model's value under a `float` scope (VCD `real`s at the
    /// same instance and port names), plus a `.gtkw` showing each fixed trace above its twin.
    /// `target` says where the dump goes (.vcd, .fst through a temporary VCD, or stdout).
    public func attachWaveform(to target: DumpTarget, patterns: [String], version: String) throws {
        let writer = try VCDWriter(path: target.vcdPath, clockPeriodSeconds: chip.design.clock.periodSeconds, version: version)
        target.configure(writer)
        writer.saveFileOptions = nil   // the comparison writes its own save file (fixed above float)
        dumpTarget = target
        try writer.addSignals(from: chip.simulator, patterns: patterns, scope: "fixed")
        // Twins: the golden quantity behind each fixed port.
        var twins: [ObjectIdentifier: (MirrorSource, Int)] = [:]
        for (layer, lif) in lifs {
            twins[ObjectIdentifier(lif.membrane)] = (.u(layer), lif.lanes)
            twins[ObjectIdentifier(lif.spike)] = (.s(layer), lif.lanes)
            if let drv = chip.simulator.connections.first(where: { $0.destination === lif.current })?.source {
                twins[ObjectIdentifier(drv)] = (.I(layer), lif.lanes)
            }
        }
        for (layer, est) in estimators {
            let v = try chip.port(est.li, "v"), mean = try chip.port(est.fir, "mean")
            twins[ObjectIdentifier(v)] = (.V(layer), v.lanes)
            twins[ObjectIdentifier(mean)] = (.F(layer), mean.lanes)
        }
        // The lanes of each twin port that the patterns select (as the writer selected them).
        let parsed = try SignalPattern.parse(patterns)
        var seen = Set<ObjectIdentifier>()
        for block in chip.design.blocks {
            for port in block.signals where seen.insert(ObjectIdentifier(port)).inserted {
                guard let (source, n) = twins[ObjectIdentifier(port)] else { continue }
                var lanes = Set<Int>()
                for p in parsed where !p.isExclusion && p.matches(instance: block.name, port: port.name) {
                    lanes.formUnion(try p.lanes(of: "\(block.name).\(port.name)", count: port.lanes))
                }
                for p in parsed where p.isExclusion && p.matches(instance: block.name, port: port.name) {
                    lanes.subtract(try p.lanes(of: "\(block.name).\(port.name)", count: port.lanes))
                }
                guard !lanes.isEmpty else { continue }
                let chosen = lanes.sorted().map { "\(block.name).\(port.name)[\($0)]" }
                if case .s(let layer) = source {
                    let bits = UnsafeMutablePointer<Int32>.allocate(capacity: n)
                    bits.initialize(repeating: 0, count: n)
                    spikeMirrors.append((layer, bits, n))
                    try writer.addSignals([IntegerSignal(instance: block.name, name: port.name, format: port.format, lanes: n,
                                                         pointer: bits, isRegister: true)], patterns: chosen, scope: "float")
                    continue
                }
                let buffer = UnsafeMutablePointer<Double>.allocate(capacity: n)
                buffer.initialize(repeating: 0, count: n)
                mirrors.append((source, buffer, n))
                try writer.addRealSignals([RealSignal(instance: block.name, name: port.name, lanes: n, pointer: buffer)],
                                          patterns: chosen, scope: "float")
            }
        }
        chip.simulator.attach(writer)
        vcd = writer
    }

    private func refreshMirrors(registers: Bool) {
        if registers {
            for m in spikeMirrors {
                let values = golden.s(layer: m.layer.index)
                for k in 0..<min(m.lanes, values.count) { m.buffer[k] = values[k] != 0 ? 1 : 0 }
            }
        }
        for m in mirrors {
            let values: [Double]
            switch m.probe {
            case .u(let l) where registers: values = golden.u(layer: l.index)
            case .s(let l) where registers: values = golden.s(layer: l.index)
            case .V(let l) where registers: values = golden.V(layer: l.index)
            case .F(let l) where registers: values = golden.F(layer: l.index)
            case .I(let l) where !registers: values = golden.current(layer: l.index)
            default: continue
            }
            for k in 0..<min(m.lanes, values.count) { m.buffer[k] = values[k] }
        }
    }

    /// Closes the dump and writes the `.gtkw` beside it (fixed trace, then its float twin); a dump
    /// on standard output has no save file (`gtkw` nil).
    public func finishWaveform() throws -> (dump: String, gtkw: String?, variables: Int)? {
        guard let writer = vcd, let target = dumpTarget else { return nil }
        chip.simulator.detach(writer)
        vcd = nil
        try writer.finish()
        if let gtkw = target.saveFilePath { try OutputFiles.write(CompareWaveform.saveFile(for: writer, groupOrder: DefaultView.groupOrder(for: chip)), to: gtkw) }
        return (target.path, target.saveFilePath, writer.variables.count)
    }

    // MARK: Running

    /// What the report counts, accumulated in the report's own fields (`report` adds the rest).
    private var totals = CompareReport(netlist: "", overrides: [])
    /// Images whose class both models agree on, and that each model classifies correctly.
    private var classAgreements = 0
    private var fixedCorrect = 0
    private var floatCorrect = 0
    private var floatSkipOneClockEarly = false
    private var inSync = true
    /// Images started (the one running is imageIndex - 1 after `run` began it).
    private var imageIndex = -1
    private var saturationsBefore = 0
    private var started = false

    /// Runs one image in lockstep; `learn` runs the nudge phase (unless the chip skips it) with
    /// learning on in both models. `clockBudget` stops early (mid-image) after that many clocks.
    /// Returns the number of clocks run.
    @discardableResult
    public func run(pixels: UnsafeBufferPointer<UInt8>, label: Int, learn: Bool, clockBudget: Int = .max) -> Int {
        if !started {
            started = true
            saturationsBefore = chip.simulator.saturations
        }
        imageIndex += 1
        // The chip goes through the same test bench as every other caller (Chip.runImage); the
        // golden model is stepped beside it, one clock each, before the chip's edge.
        chip.load(pixels: pixels, label: label, train: learn)
        golden.beginImage(pixels: pixels, label: label)
        let tFree = chip.phase.tFree
        var counts = [[Int]](repeating: [], count: lifs.count)
        for (k, l) in lifs.enumerated() { counts[k] = [Int](repeating: 0, count: l.lif.lanes) }
        var floatCounts = counts
        var goldenNudging = false
        let ran = chip.runImage(clockLimit: clockBudget, beforeClock: { _ in
            if hasMirrors { refreshMirrors(registers: true) }
            golden.step()
            if hasMirrors { refreshMirrors(registers: false) }
        }, afterClock: { t in
            compareClock(t, counts: &counts, floatCounts: &floatCounts)
            if t <= tFree { totals.freeClocks += 1 } else { totals.nudgeClocks += 1 }
            // The float model's skip test on the counts the chip's skip logic sees in its last
            // free clock (a registered counter holds clocks readout_from ... t_free - 2 then).
            if t == tFree - 1 { floatSkipOneClockEarly = golden.outputsOnTarget }
            if t == tFree { endOfFreePhase(label: label, learn: learn, goldenNudging: &goldenNudging) }
            return true
        })
        if goldenNudging && chip.phase.isDone { golden.endNudge() }
        for k in 0..<lifs.count {
            for j in 0..<counts[k].count { rates[k].add(Double(counts[k][j]), Double(floatCounts[k][j])) }
        }
        totals.clocks += ran
        return ran
    }

    /// At the end of the free phase: the nudge decision (the chip's, which the golden model
    /// follows) and both predictions.
    private func endOfFreePhase(label: Int, learn: Bool, goldenNudging: inout Bool) {
        let chipNudges = chip.phase.currentPhaseValue == .nudge
        let goldenNudges = learn && chip.phase.tNudge > 0 && !golden.outputsOnTarget
        if learn {
            totals.nudgeDecisions += 1
            if chipNudges != goldenNudges {
                totals.nudgeDisagreements += 1
                if chipNudges { totals.nudgedOnlyByFixed += 1 } else { totals.nudgedOnlyByFloat += 1 }
            }
            let lateNudges = chip.phase.tNudge > 0 && !floatSkipOneClockEarly
            if chipNudges != lateNudges { totals.nudgeDisagreementsOneClockEarly += 1 }
            totals.learningImages += 1
        }
        if chipNudges { golden.beginNudge(); goldenNudging = true; totals.nudgedImages += 1 }
        let fixedPrediction = chip.readoutPrediction
        let floatPrediction = golden.prediction
        if fixedPrediction == floatPrediction { classAgreements += 1 }
        if fixedPrediction == label { fixedCorrect += 1 }
        if floatPrediction == label { floatCorrect += 1 }
        totals.images += 1
    }

    /// After a step: registers at clock t, currents of clock t - 1.
    private func compareClock(_ t: Int, counts: inout [[Int]], floatCounts: inout [[Int]]) {
        let global = totals.clocks + t
        if t == 1 { inSync = true }
        let image = imageIndex
        for (k, l) in lifs.enumerated() {
            let s = l.lif.spike.pointer
            let g = golden.s(layer: l.layer.index)
            var same = 0
            for j in 0..<l.lif.lanes {
                let a = s[j] != 0, b = g[j] != 0
                if a == b { same += 1 } else if spikeStats[k].first == nil {
                    spikeStats[k].first = CompareReport.Divergence(image: image, clock: t, globalClock: global, neuron: j,
                                                                   fixed: a, float: b)
                }
                if a { counts[k][j] += 1 }
                if b { floatCounts[k][j] += 1 }
            }
            if same != l.lif.lanes { inSync = false }
            spikeStats[k].same += same
            spikeStats[k].total += l.lif.lanes
        }
        if inSync { totals.syncClocks += 1 }
        for p in probes {
            let f = p.port.format
            let scale = Double(sign: .plus, exponent: f.fracBits, significand: 1)
            let g: [Double]
            switch p.quantity {
            case .u: g = golden.u(layer: p.layer.index)
            case .V: g = golden.V(layer: p.layer.index)
            case .F: g = golden.F(layer: p.layer.index)
            case .I: g = golden.current(layer: p.layer.index)
            }
            let raw = p.port.pointer
            for j in 0..<min(p.port.lanes, g.count) {
                let e = abs(Double(raw[j]) - g[j] * scale)
                p.stats.add(e, clock: global)
                if inSync { p.sync.add(e, clock: global) }
            }
        }
    }

    // MARK: Report

    public func report(netlist: String, overrides: [String]) -> CompareReport {
        var r = totals
        r.netlist = netlist
        r.overrides = overrides
        r.states = probes.map { p in
            CompareReport.StateError(state: p.name, signal: p.port.fullName, format: p.port.format.description,
                                     lsb: p.port.format.lsb, maxLSB: p.stats.max, meanLSB: p.stats.mean,
                                     maxAtClock: p.stats.maxAtClock, samples: p.stats.count,
                                     syncMaxLSB: p.sync.max, syncMeanLSB: p.sync.mean)
        }
        r.spikes = lifs.enumerated().map { k, l in
            let s = spikeStats[k]
            return CompareReport.SpikeAgreement(layer: l.layer.name, signal: l.lif.spike.fullName, agreement: s.total > 0 ? Double(s.same) / Double(s.total) : 1,
                                                bits: s.total, differing: s.total - s.same, firstDivergence: s.first,
                                                rateCorrelation: rates[k].r)
        }
        let images = totals.images
        r.classAgreement = images > 0 ? Double(classAgreements) / Double(images) : 1
        r.fixedAccuracy = images > 0 ? Double(fixedCorrect) / Double(images) : 0
        r.floatAccuracy = images > 0 ? Double(floatCorrect) / Double(images) : 0
        r.saturations = chip.simulator.saturations - saturationsBefore
        r.warnings = design.warnings
        if totals.learningImages > 0 { r.weights = weightDivergence() }
        return r
    }

    /// |W_fixed - W_float| in LSBs of each memory's format.
    public func weightDivergence() -> [CompareReport.WeightDivergence] {
        func stats(_ name: String, _ raw: [Int32], _ f: QFormat, _ g: [Double]) -> CompareReport.WeightDivergence {
            let scale = Double(sign: .plus, exponent: f.fracBits, significand: 1)
            var m = 0.0, s = 0.0
            for k in 0..<min(raw.count, g.count) {
                let e = abs(Double(raw[k]) - g[k] * scale)
                m = max(m, e); s += e
            }
            let n = Double(max(min(raw.count, g.count), 1))
            return CompareReport.WeightDivergence(memory: name, format: f.description, words: raw.count, maxLSB: m, meanLSB: s / n)
        }
        var out = zip(1..., chip.weightArrays).map { k, w in stats(w.name, w.weights, w.weightFormat, golden.weights(k)) }
        for (k, layer) in zip(1..., chip.neuronLayers.dropFirst()) {
            if let b = chip.bias(feeding: layer) { out.append(stats(b.name, b.values, b.weightFormat, golden.bias(k))) }
        }
        return out
    }
}

/// What `eqspike compare` reports (also its --json form).
public struct CompareReport: Codable, Sendable {
    public struct StateError: Codable, Sendable {
        /// `hidden.u`, `output.F`, `input.I` ...
        public var state: String
        /// The fixed-point signal (`h.u`, `f_h.mean`, `h.current`).
        public var signal: String
        public var format: String
        public var lsb: Double
        public var maxLSB: Double
        public var meanLSB: Double
        /// Clock (counted over the whole run) of the largest error.
        public var maxAtClock: Int
        /// Lane-clocks compared.
        public var samples: Int
        /// The same over the clocks at which every spike of the image so far agreed in both
        /// models (the rounding error proper, before any spike divergence).
        public var syncMaxLSB: Double
        public var syncMeanLSB: Double
        /// Mean |fixed - float| in the signal's own units.
        public var meanAbs: Double { meanLSB * lsb }
    }
    public struct Divergence: Codable, Sendable, Equatable {
        /// Image (0-based, in run order) and clock within it of the first differing spike bit.
        public var image: Int
        public var clock: Int
        public var globalClock: Int
        public var neuron: Int
        public var fixed: Bool
        public var float: Bool
    }
    public struct SpikeAgreement: Codable, Sendable {
        public var layer: String
        public var signal: String
        /// Fraction of identical spike bits (lanes x clocks).
        public var agreement: Double
        public var bits: Int
        public var differing: Int
        public var firstDivergence: Divergence?
        /// Pearson correlation of per-image, per-neuron spike counts (fixed vs float).
        public var rateCorrelation: Double?
    }
    public struct WeightDivergence: Codable, Sendable {
        public var memory: String
        public var format: String
        public var words: Int
        public var maxLSB: Double
        public var meanLSB: Double
    }

    public var netlist: String
    public var overrides: [String]
    public var images = 0
    public var clocks = 0
    public var freeClocks = 0
    public var nudgeClocks = 0
    public var learningImages = 0
    /// Clocks at which every spike of the image so far agreed in both models.
    public var syncClocks = 0
    public var states: [StateError] = []
    public var spikes: [SpikeAgreement] = []
    public var classAgreement = 1.0
    public var fixedAccuracy = 0.0
    public var floatAccuracy = 0.0
    public var nudgeDecisions = 0
    public var nudgeDisagreements = 0
    /// Disagreements by direction: the chip nudged and the float model would have skipped, or
    /// the reverse.
    public var nudgedOnlyByFixed = 0
    public var nudgedOnlyByFloat = 0
    /// Disagreements left when the float skip test reads the counts one clock before the end of the
    /// free phase, as the chip's skip logic does.
    public var nudgeDisagreementsOneClockEarly = 0
    public var nudgedImages = 0
    public var saturations = 0
    public var weights: [WeightDivergence]? = nil
    public var warnings: [String] = []

    init(netlist: String, overrides: [String]) {
        self.netlist = netlist
        self.overrides = overrides
    }

    public func state(_ name: String) -> StateError? { states.first { $0.state == name } }
    public func spikes(_ layer: String) -> SpikeAgreement? { spikes.first { $0.layer == layer } }

    public var json: String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: e.encode(self), as: UTF8.self)) ?? "{}"
    }

    public var text: String {
        func g(_ x: Double) -> String { String(format: x >= 100 ? "%.0f" : (x >= 1 ? "%.2f" : "%.3f"), x) }
        func pct(_ x: Double) -> String { String(format: "%.3f%%", 100 * x) }
        var out = "compare \(netlist)\(overrides.isEmpty ? "" : " " + overrides.map { "--set \($0)" }.joined(separator: " ")): "
        out += "\(images) image(s), \(clocks) clocks (\(freeClocks) free, \(nudgeClocks) nudge)"
        out += learningImages > 0 ? ", learning on\n" : ", inference\n"
        for w in warnings { out += "warning: \(w)\n" }
        out += "\nstate errors, |fixed - float| in LSBs of the fixed format:\n"
        out += "(all clocks; 'in sync': the \(syncClocks) clocks before the image's first spike divergence)\n"
        var rows = [["state", "signal", "format", "LSB", "max", "mean", "mean (value)", "max in sync", "mean in sync"]]
        for s in states {
            rows.append([s.state, s.signal, s.format, String(format: "%.3g", s.lsb), g(s.maxLSB), g(s.meanLSB),
                         String(format: "%.3g", s.meanAbs), g(s.syncMaxLSB), g(s.syncMeanLSB)])
        }
        out += CompareReport.table(rows, rightFrom: 3)
        out += "\nspikes:\n"
        rows = [["layer", "signal", "agreement", "differing bits", "first divergence", "rate corr."]]
        for s in spikes {
            let first = s.firstDivergence.map { "image \($0.image) clock \($0.clock) neuron \($0.neuron) (fixed \($0.fixed ? 1 : 0), float \($0.float ? 1 : 0))" } ?? "none"
            rows.append([s.layer, s.signal, pct(s.agreement), "\(s.differing) of \(s.bits)", first,
                         s.rateCorrelation.map { String(format: "%.5f", $0) } ?? "-"])
        }
        out += CompareReport.table(rows, rightFrom: 2)
        out += "\noutput class agreement: \(pct(classAgreement)) of \(images) image(s) (accuracy fixed \(pct(fixedAccuracy)), float \(pct(floatAccuracy)))\n"
        if nudgeDecisions > 0 {
            out += "nudge decisions: \(nudgeDecisions - nudgeDisagreements) of \(nudgeDecisions) agree (the float model follows the chip's); \(nudgedImages) image(s) nudged\n"
            if nudgeDisagreements > 0 {
                out += "  disagreements: \(nudgedOnlyByFixed) nudged only by the chip, \(nudgedOnlyByFloat) only by the float model; "
                out += "\(nudgeDisagreementsOneClockEarly) left if the float skip test reads the counts one clock early, as the chip's does\n"
            }
        }
        out += "chip saturations: \(saturations)\n"
        if let ws = weights {
            out += "\nmemories after \(learningImages) learning image(s), |W_fixed - W_float| in LSBs:\n"
            rows = [["memory", "format", "words", "max", "mean"]]
            for w in ws { rows.append([w.memory, w.format, String(w.words), g(w.maxLSB), g(w.meanLSB)]) }
            out += CompareReport.table(rows, rightFrom: 2)
        }
        return out
    }

    static func table(_ rows: [[String]], rightFrom: Int) -> String {
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = ""
        for r in rows {
            var cells: [String] = []
            for (c, cell) in r.enumerated() {
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                cells.append(c >= rightFrom && c < r.count ? pad + cell : cell + pad)
            }
            out += "  " + cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return out
    }
}
