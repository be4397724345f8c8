import Blocks
import Netlist
import CircuitIR
import Foundation
import HDL

/// Energy per event, the defaults from Horowitz, "Computing's energy problem (and what we can do
/// about it)", ISSCC 2014, Fig. 1.1.9 (45 nm, 0.9 V): integer add 0.03 pJ (8 bits) and 0.1 pJ
/// (32 bits), multiply 0.2 pJ (8 bits) and 3.1 pJ (32 bits), a 64-bit SRAM read 10 pJ (8 KB),
/// 20 pJ (32 KB), 100 pJ (1 MB). Between the figures: adds linear in the width, multiplies
/// quadratic, SRAM energy per bit log-log in the array size (clamped outside 8 KB...1 MB), writes
/// costing what reads do. The flip-flop figure is this project's estimate (no published figure
/// used): 2 fJ per bit per tick for a 45 nm D flip-flop with its clock, every register clocked once
/// per tick (the RTL's `tick` enable, as an integrated clock gate). Each value is an `experiment`
/// key of the netlist (`energy_*`, settable with `--set`).
public struct EventEnergies: Sendable, Equatable {
    public var add8 = 0.03, add32 = 0.1
    public var multiply8 = 0.2, multiply32 = 3.1
    public var sram64Read8KB = 10.0, sram64Read32KB = 20.0, sram64Read1MB = 100.0
    public var flopFemtojoules = 2.0

    public init() {}

    init(reading r: inout ExperimentReader) {
        add8 = r.real("energy_add8_pj", in: 0...1e6, default: add8)
        add32 = r.real("energy_add32_pj", in: 0...1e6, default: add32)
        multiply8 = r.real("energy_mult8_pj", in: 0...1e6, default: multiply8)
        multiply32 = r.real("energy_mult32_pj", in: 0...1e6, default: multiply32)
        sram64Read8KB = r.real("energy_sram8kb_read64_pj", in: 0...1e6, default: sram64Read8KB)
        sram64Read32KB = r.real("energy_sram32kb_read64_pj", in: 0...1e6, default: sram64Read32KB)
        sram64Read1MB = r.real("energy_sram1mb_read64_pj", in: 0...1e6, default: sram64Read1MB)
        flopFemtojoules = r.real("energy_flop_fj", in: 0...1e6, default: flopFemtojoules)
    }

    /// pJ of an add of `bits`-bit operands.
    public func add(_ bits: Int) -> Double { add8 + (add32 - add8) * Double(bits - 8) / 24 }
    /// pJ of a multiply of `bits`-bit operands: a power law through the 8- and 32-bit figures.
    public func multiply(_ bits: Int) -> Double {
        multiply8 * pow(Double(bits) / 8, log(multiply32 / multiply8) / log(4))
    }
    /// pJ per bit read from (or written to) an SRAM of `bits` bits.
    public func sramPerBit(arrayBits: Int) -> Double {
        let kb = Double(arrayBits) / 8 / 1024
        let points: [(kb: Double, pj: Double)] = [(8, sram64Read8KB / 64), (32, sram64Read32KB / 64), (1024, sram64Read1MB / 64)]
        if kb <= points[0].kb { return points[0].pj }
        for (a, b) in zip(points, points.dropFirst()) where kb <= b.kb {
            let t = log(kb / a.kb) / log(b.kb / a.kb)
            return a.pj * pow(b.pj / a.pj, t)
        }
        return points[2].pj
    }
}


/// Counters the energy account reads, taken at two moments (`Chip.activity`), or what happened
/// between two moments (`minus`): the energy account depends on differences only, so a run's
/// activity can be carried across a checkpoint as integers (`EpochTally.activity`) and its energy
/// is the same whether or not the run was interrupted.
public struct ActivitySnapshot: Sendable, Equatable, Codable {
    public var clocks = 0
    /// Per crossbar (in `Chip.crossbars` order): words read by spikes, words written by row and
    /// column updates (into the shadow in deferred mode), words written by commit sweeps.
    public var crossbarReads: [Int] = [], crossbarUpdates: [Int] = [], crossbarCommits: [Int] = []
    /// Per bias: words written.
    public var biasWrites: [Int] = []

    public init() {}

    /// Counter by counter `self - other` (both of the same chip's shape).
    public func minus(_ other: ActivitySnapshot) -> ActivitySnapshot { combined(other, -) }
    public func plus(_ other: ActivitySnapshot) -> ActivitySnapshot { combined(other, +) }

    private func combined(_ o: ActivitySnapshot, _ op: (Int, Int) -> Int) -> ActivitySnapshot {
        var r = ActivitySnapshot()
        r.clocks = op(clocks, o.clocks)
        r.crossbarReads = zip(crossbarReads, o.crossbarReads).map(op)
        r.crossbarUpdates = zip(crossbarUpdates, o.crossbarUpdates).map(op)
        r.crossbarCommits = zip(crossbarCommits, o.crossbarCommits).map(op)
        r.biasWrites = zip(biasWrites, o.biasWrites).map(op)
        return r
    }

    /// Whether these counters fit a chip with `crossbars` weight arrays and `biases` bias blocks.
    public func fits(crossbars: Int, biases: Int) -> Bool {
        crossbarReads.count == crossbars && crossbarUpdates.count == crossbars && crossbarCommits.count == crossbars && biasWrites.count == biases
    }

    var counts: [Int] { [clocks] + crossbarReads + crossbarUpdates + crossbarCommits + biasWrites }
}

/// One block's energy over a run, split by kind of event.
public struct BlockEnergy: Sendable, Equatable {
    public var block: String
    public var type: String
    public var sram = 0.0, arithmetic = 0.0, registers = 0.0   // joules
    public var total: Double { sram + arithmetic + registers }
}

extension Chip {
    /// Ticks run so far (`systemCycles` counts them) and the memory counters.
    public var activity: ActivitySnapshot {
        var a = ActivitySnapshot()
        a.clocks = systemCycles.ticks
        for x in crossbars {
            a.crossbarReads.append(x.rowReads + x.colReads)
            if let c = x as? Crossbar {
                a.crossbarUpdates.append(c.rowWrites + c.colWrites)
                a.crossbarCommits.append(c.commitWrites)
            } else {
                a.crossbarUpdates.append(0); a.crossbarCommits.append(0)
            }
        }
        a.biasWrites = biases.map(\.writes)
        return a
    }

    /// All counters zero, in this chip's shape (the start of an account).
    public var noActivity: ActivitySnapshot {
        var a = ActivitySnapshot()
        a.crossbarReads = [Int](repeating: 0, count: crossbars.count)
        a.crossbarUpdates = a.crossbarReads
        a.crossbarCommits = a.crossbarReads
        a.biasWrites = [Int](repeating: 0, count: biases.count)
        return a
    }

    /// Joules of `activity` (counter differences), all blocks together.
    public func totalEnergy(of activity: ActivitySnapshot) -> Double {
        energy(from: noActivity, to: activity, costs: settings.energy).reduce(0) { $0 + $1.total }
    }

    /// Arithmetic per lane and tick by block type: (adds, multiplies), the operations of the
    /// block's equations (docs/blocks*.md) that run every tick.
    static let laneOperations: [String: (adds: Int, multiplies: Int)] = [
        "lif": (3, 0),            // leak, input, threshold compare
        "li": (1, 1),             // gamma * v, + spike
        "fir": (2, 0),            // S + x(t) - x(t - N)
        "adder": (1, 0),
        "scale": (0, 1),
        "spike_counter": (1, 0),
        "nudge": (2, 1),          // error and its scaling
        "lfsr": (1, 0),           // one xorshift step ~ a 32-bit add
        "phase_controller": (1, 0),
    ]

    /// Energy of what happened between `from` and `to`, per block: SRAM words read and written
    /// (crossbars: spike reads, the read-modify-write of updates, the sweep reading and writing W
    /// and S), the per-tick arithmetic of every lane, the accumulation adds of the crossbar reads,
    /// and every register and delay-line bit clocked once per tick.
    public func energy(from: ActivitySnapshot, to: ActivitySnapshot, costs e: EventEnergies) -> [BlockEnergy] {
        let ticks = Double(to.clocks - from.clocks)
        var out: [BlockEnergy] = []
        let pico = 1e-12
        for inst in design.circuit.instances {
            var b = BlockEnergy(block: inst.name, type: inst.typeName)
            let storage = inst.interface.storage
            let flopBits = storage.filter { $0.kind != .sram }.reduce(0) { $0 + $1.bits }
            b.registers = Double(flopBits) * ticks * e.flopFemtojoules * 1e-15
            let width = inst.interface.outputs.first?.format.width ?? 16
            let lanes = inst.interface.outputs.first?.lanes ?? 1
            if let ops = Chip.laneOperations[inst.typeName] {
                b.arithmetic = Double(lanes) * ticks * (Double(ops.adds) * e.add(width) + Double(ops.multiplies) * e.multiply(width)) * pico
            }
            if let k = crossbars.firstIndex(where: { $0.name == inst.name }), let x = crossbars[k] as? Crossbar {
                let w = x.weightFormat.width, d = x.deltaFormat.width
                let wBits = x.rows * x.cols * w, sBits = x.rows * x.cols * d
                let reads = Double(to.crossbarReads[k] - from.crossbarReads[k])
                let updates = Double(to.crossbarUpdates[k] - from.crossbarUpdates[k])
                let commits = Double(to.crossbarCommits[k] - from.crossbarCommits[k])
                let deferred = x.updateMode != .immediate
                // Spike reads, then each update word read and written back (W, or S when deferred),
                // then each swept word: W and S read, W and S written.
                b.sram = reads * Double(w) * e.sramPerBit(arrayBits: wBits)
                    + updates * 2 * (deferred ? Double(d) * e.sramPerBit(arrayBits: sBits) : Double(w) * e.sramPerBit(arrayBits: wBits))
                    + commits * 2 * (Double(w) * e.sramPerBit(arrayBits: wBits) + Double(d) * e.sramPerBit(arrayBits: sBits))
                b.sram *= pico
                // One accumulator add per word read, one rounded add per word updated or swept.
                b.arithmetic += (reads * e.add(x.currentFormat.width) + (updates + commits) * e.add(max(w, d))) * pico
            }
            if let k = biases.firstIndex(where: { $0.name == inst.name }) {
                b.arithmetic += Double(to.biasWrites[k] - from.biasWrites[k]) * e.add(biases[k].deltaFormat.width) * pico
            }
            out.append(b)
        }
        return out
    }
}

extension BlockEnergy {
    /// The per-block energies of several chips (the same blocks in the same order) added up.
    public static func sum(_ all: [[BlockEnergy]]) -> [BlockEnergy] {
        guard var total = all.first else { return [] }
        for other in all.dropFirst() {
            for k in total.indices {
                total[k].sram += other[k].sram
                total[k].arithmetic += other[k].arithmetic
                total[k].registers += other[k].registers
            }
        }
        return total
    }

    /// A table per image: block, type, SRAM, arithmetic, registers, total (nJ), and the total line.
    public static func table(_ blocks: [BlockEnergy], images: Int) -> [String] {
        let n = Double(max(images, 1))
        func nj(_ j: Double) -> String { String(format: "%10.3f", j / n * 1e9) }
        var lines = ["  block   type               SRAM nJ  arith. nJ  regs nJ   total nJ"]
        for b in blocks where b.total > 0 {
            lines.append("  " + b.block.padding(toLength: 7, withPad: " ", startingAt: 0) + " " + b.type.padding(toLength: 16, withPad: " ", startingAt: 0)
                         + nj(b.sram) + " " + nj(b.arithmetic) + " " + nj(b.registers) + " " + nj(b.total))
        }
        let t = blocks.reduce(into: BlockEnergy(block: "total", type: "")) { $0.sram += $1.sram; $0.arithmetic += $1.arithmetic; $0.registers += $1.registers }
        lines.append("  total                   " + nj(t.sram) + " " + nj(t.arithmetic) + " " + nj(t.registers) + " " + nj(t.total))
        return lines
    }

    public var jsonObject: [String: Any] {
        ["block": block, "type": type, "sram_joules": sram, "arithmetic_joules": arithmetic, "register_joules": registers, "joules": total]
    }
}
