import Blocks
import CircuitIR
import Foundation
import HDL
import RTL

/// Area of a block too large for Yosys, by lane scaling (docs/synthesis.md, "Lane scaling").
///
/// A bank's lanes are identical and independent; a crossbar's logic is a part per row (spike scan,
/// row accumulators), a part per column (column accumulators) and a port datapath of `port_words`
/// words that depends on neither. So a block's cells are close to linear in each size:
/// c(n) = c(base) + (c(2 base) - c(base)) (n - base) / base. The block is emitted again with every
/// size over `largest` at `base`, then with each of those at `2 base` in turn (the other sizes as
/// they are), each copy is synthesised and cached like any module, and every figure (cells of each
/// kind, transistors, area) is extrapolated. A block whose copies are still too large for the
/// memory limit (784-100-10's FIR: 32 lanes of a divider by 20) is tried again with copies half
/// and a quarter the size (`bases`). What linearity leaves out (index and accumulator
/// widths that grow with log2 of a size) is measured in docs/synthesis.md.
enum SynthLaneScaling {
    /// The smaller copy's size, in the order tried; the larger copy is twice it.
    static let bases = [16, 8, 4]
    /// Sizes up to this are synthesised as they are.
    static let largest = 32
    /// The parameters that count a block's identical units: lanes (every bank), rows and columns (crossbar).
    static let sizeParameters = ["lanes", "rows", "cols"]

    /// The sizes of an instance that lane scaling replaces (empty: synthesise it whole).
    static func scaled(_ inst: Circuit.Instance) -> [(parameter: String, full: Int)] {
        sizeParameters.compactMap { p in
            if case .int(let n)? = inst.parameters.values[p], n > largest { return (p, n) }
            return nil
        }
    }

    /// The sizes of each sample: every scaled size at `base`, then each at `2 base` in turn.
    static func samples(_ inst: Circuit.Instance, base: Int) -> [[String: Int]] {
        let first = Dictionary(uniqueKeysWithValues: scaled(inst).map { ($0.parameter, base) })
        return [first] + scaled(inst).map { d in first.merging([d.parameter: 2 * base]) { $1 } }
    }

    /// The instance's module with some sizes replaced, emitted from its block type like any
    /// instance (the RTL reads realised constants from a cycle model built for it).
    static func moduleText(_ inst: Circuit.Instance, sizes: [String: Int], driven: Set<String>) throws -> RTLDesign.Module {
        guard let type = standardBlocks[inst.typeName] else { throw Synth.Failure.unknownBlock("no block type '\(inst.typeName)' to scale") }
        var given = inst.parameters.values
        for (k, v) in sizes { given[k] = .int(v) }
        do {
            let (parameters, interface) = try type.declare(given)
            let block = try type.cycleModel(inst.name, parameters)
            let variant = Circuit.Instance(name: inst.name, typeName: inst.typeName, parameters: parameters, interface: interface, location: inst.location)
            return try RTLDesign.module(instance: variant, driven: driven, block: block)
        } catch {
            throw Synth.Failure.unknownBlock("\(inst.name) with \(describe(sizes)): \(error)")
        }
    }

    /// Synthesises (or takes from the cache) every sample and extrapolates, with the largest copies
    /// that fit (`bases`). A block none of whose copies fit is failed, with the last failure named.
    static func estimate(_ inst: Circuit.Instance, driven: Set<String>, module: String, context: Synth.RunContext) throws -> (block: Synth.Block, cached: Bool) {
        var failed: Synth.Block? = nil
        var seconds = 0.0
        attempt: for base in bases {
            var results: [Synth.Block] = []
            var allCached = true
            for sizes in samples(inst, base: base) {
                let copy: RTLDesign.Module
                do { copy = try moduleText(inst, sizes: sizes, driven: driven) } catch {
                    // A size the block type refuses (a parameter that must exceed it): try smaller copies.
                    failed = Synth.Block(instance: inst.name, type: inst.typeName, module: module, cellsByKind: [:], transistors: 0, area: 0,
                                         seconds: seconds, failure: "lane-scaling copy with \(describe(sizes)): \(error)")
                    continue attempt
                }
                let r = try Synth.synthesize(instance: inst.name, type: inst.typeName, module: module, text: copy.text,
                                             memoryImages: copy.memoryImages, context: context)
                seconds += r.block.seconds
                if let why = r.block.failure {
                    var b = r.block
                    b.failure = "lane-scaling copy with \(describe(sizes)): \(why)"
                    b.seconds = seconds
                    failed = b
                    continue attempt
                }
                results.append(r.block)
                allCached = allCached && r.cached
            }
            var b = extrapolate(inst, module: module, base: base, results)
            b.seconds = seconds
            return (b, allCached)
        }
        return (failed!, false)
    }

    /// The estimate from cached samples only (for `eqspike check`), nil when one is missing.
    static func cachedEstimate(_ inst: Circuit.Instance, driven: Set<String>, module: String, context: Synth.RunContext) throws -> Synth.Block? {
        attempt: for base in bases {
            var results: [Synth.Block] = []
            for sizes in samples(inst, base: base) {
                guard let copy = try? moduleText(inst, sizes: sizes, driven: driven),
                      let b = try Synth.lookup(module: module, text: copy.text, context: context) else { continue attempt }
                results.append(b)
            }
            return extrapolate(inst, module: module, base: base, results)
        }
        return nil
    }

    /// c(full) = c(first) + sum over the scaled sizes of (c(that size doubled) - c(first)) (full - base) / base.
    static func extrapolate(_ inst: Circuit.Instance, module: String, base: Int, _ results: [Synth.Block]) -> Synth.Block {
        let dims = scaled(inst)
        let first = results[0]
        var kinds = first.cellsByKind.mapValues(Double.init)
        var transistors = Double(first.transistors), area = first.area
        for (d, step) in zip(dims, results.dropFirst()) {
            let factor = Double(d.full - base) / Double(base)
            for k in Set(first.cellsByKind.keys).union(step.cellsByKind.keys) {
                kinds[k, default: 0] += Double((step.cellsByKind[k] ?? 0) - (first.cellsByKind[k] ?? 0)) * factor
            }
            transistors += Double(step.transistors - first.transistors) * factor
            area += (step.area - first.area) * factor
        }
        var b = Synth.Block(instance: inst.name, type: inst.typeName, module: module,
                            cellsByKind: kinds.mapValues { max(0, Int($0.rounded())) }.filter { $0.value > 0 },
                            transistors: max(0, Int(transistors.rounded())), area: max(0, area),
                            seconds: results.map(\.seconds).reduce(0, +), failure: nil)
        b.estimate = dims.map { "\($0.parameter) \(base), \(2 * base) -> \($0.full)" }.joined(separator: "; ")
        return b
    }

    static func describe(_ sizes: [String: Int]) -> String {
        sizes.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", ")
    }
}
