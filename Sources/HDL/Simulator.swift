import FixedPoint

/// Steps a wired design one clock at a time.
///
/// A clock, in four named steps (as in Hardcaml's cycle simulator):
/// 1. gather: copy pieced or resized input wires into their gather buffers (per block, just before it);
/// 2. evaluate: every block's combinational logic and next-state, in topological order;
/// 3. sample: observers (waveforms, comparators) see the settled state just before the edge;
/// 4. commit: the clock edge, every register takes its next value at once.
public final class Simulator {
    public let blocks: [Block]
    /// Evaluation order (topological over combinational paths).
    public let order: [Block]
    public let connections: [Connection]
    @exclusivity(unchecked) public private(set) var cycle: Int = 0
    /// Attached observers; empty means the hot loop pays a single check.
    @exclusivity(unchecked) public private(set) var observers: [ClockObserver] = []

    /// The clock's plan, flat: per block (evaluation order) its range of gathers. Raw storage
    /// owned by the simulator (the blocks are kept alive by `order`), so that a clock does no
    /// reference counting, no array bounds or exclusivity checks.
    private let steps: UnsafeMutableBufferPointer<ClockStep>
    private let stepCount: Int
    /// The blocks whose `commit()` does something, in evaluation order.
    private let commits: UnsafeMutableBufferPointer<Unmanaged<Block>>
    private let commitCount: Int
    private let plannedGathers: UnsafeMutableBufferPointer<PlannedGather>
    /// The gathers as planned, for the general (converting) path.
    private let generalGathers: ContiguousArray<GatherCopy>
    @exclusivity(unchecked) private var conversionRNG = LFSR32(seed: 0x5EED_0001)

    /// Wires the design: checks each connection, aliases whole-port wires, plans gather copies,
    /// checks every required input is driven exactly once per lane, and orders evaluation.
    public init(blocks: [Block], connections: [Connection]) throws(HDLError) {
        self.blocks = blocks
        self.connections = connections
        var names = Set<String>()
        for b in blocks where !names.insert(b.name).inserted {
            throw .connection("two blocks are named '\(b.name)'")
        }
        let known = Set(blocks.map { ObjectIdentifier($0) })
        var byDestination: [ObjectIdentifier: [Connection]] = [:]
        for c in connections {
            guard known.contains(ObjectIdentifier(c.source.owner)), known.contains(ObjectIdentifier(c.destination.owner)) else {
                throw .connection("connection \(c.source.fullName) -> \(c.destination.fullName) names a block outside the design")
            }
            guard c.source.kind != .input else { throw .connection("\(c.source.fullName) is an input and cannot drive \(c.destination.fullName)") }
            guard c.destination.kind == .input else { throw .connection("\(c.destination.fullName) is not an input and cannot be driven") }
            guard c.sourceLanes.lowerBound >= 0, c.sourceLanes.upperBound <= c.source.lanes, !c.sourceLanes.isEmpty else {
                throw .connection("lanes \(c.sourceLanes.lowerBound):\(c.sourceLanes.upperBound - 1) are outside \(c.source.fullName) (\(c.source.lanes) lanes)")
            }
            guard c.destinationLanes.lowerBound >= 0, c.destinationLanes.upperBound <= c.destination.lanes, !c.destinationLanes.isEmpty else {
                throw .connection("lanes \(c.destinationLanes.lowerBound):\(c.destinationLanes.upperBound - 1) are outside \(c.destination.fullName) (\(c.destination.lanes) lanes)")
            }
            guard c.sourceLanes.count == c.destinationLanes.count else {
                throw .connection("\(c.source.fullName) gives \(c.sourceLanes.count) lanes but \(c.destination.fullName) takes \(c.destinationLanes.count)")
            }
            if c.resize == nil && c.source.format != c.destination.format {
                throw .connection("format mismatch: \(c.source.fullName) is \(c.source.format) but \(c.destination.fullName) is \(c.destination.format); add an explicit resize")
            }
            byDestination[ObjectIdentifier(c.destination), default: []].append(c)
        }

        var plans: [ObjectIdentifier: ContiguousArray<GatherCopy>] = [:]
        for b in blocks {
            for input in b.inputs {
                let wires = byDestination[ObjectIdentifier(input)] ?? []
                if wires.isEmpty {
                    if input.isOptional { continue }
                    throw .undriven("input \(input.fullName) is not driven")
                }
                var cover = Array(repeating: 0, count: input.lanes)
                for w in wires { for l in w.destinationLanes { cover[l] += 1 } }
                if let l = cover.firstIndex(where: { $0 > 1 }) {
                    throw .multiplyDriven("lane \(l) of input \(input.fullName) is driven more than once")
                }
                if let l = cover.firstIndex(of: 0) {
                    throw .undriven("lane \(l) of input \(input.fullName) is not driven")
                }
                input.isConnected = true
                if wires.count == 1, wires[0].resize == nil {
                    input.pointer = wires[0].source.pointer + wires[0].sourceLanes.lowerBound   // alias: free
                    continue
                }
                input.pointer = input.storage.base
                for w in wires {
                    let conversion = w.resize.map { (fromFrac: w.source.format.fracBits, to: input.format, rounding: $0.rounding, overflow: $0.overflow) }
                    plans[ObjectIdentifier(b), default: []].append(GatherCopy(
                        source: w.source.pointer + w.sourceLanes.lowerBound,
                        destination: input.storage.base + w.destinationLanes.lowerBound,
                        count: w.sourceLanes.count, conversion: conversion, owner: b))
                }
            }
        }
        order = try Schedule.order(blocks: blocks, connections: connections)
        let flat = order.flatMap { plans[ObjectIdentifier($0)] ?? [] }
        generalGathers = ContiguousArray(flat)
        plannedGathers = .allocate(capacity: max(flat.count, 1))
        _ = plannedGathers.initialize(from: flat.enumerated().map { PlannedGather($0.element, index: $0.offset) })
        var list: [ClockStep] = []
        var first = 0
        for b in order {
            let n = plans[ObjectIdentifier(b)]?.count ?? 0
            if n > 0 || !(b is EvaluatesNothing) {
                list.append(ClockStep(block: Unmanaged.passUnretained(b), firstGather: first, gathers: n, evaluates: !(b is EvaluatesNothing)))
            }
            first += n
        }
        steps = .allocate(capacity: max(list.count, 1))
        _ = steps.initialize(from: list)
        stepCount = list.count
        let committing = order.filter { !($0 is CommitsNothing) }.map { Unmanaged.passUnretained($0) }
        commits = .allocate(capacity: max(committing.count, 1))
        _ = commits.initialize(from: committing)
        commitCount = committing.count
        // Rules on how a block's inputs may be wired together (the netlist reports them earlier,
        // with positions; this is the check for designs wired by hand).
        for b in blocks {
            if let rules = b as? WiringRules, let v = rules.wiringViolations(connected: { $0.isConnected }).first {
                throw .connection("\(v.input.fullName): \(v.message)")
            }
        }
        // Every input is bound now: blocks that keep raw input pointers take them.
        for b in blocks { b.inputsBound() }
    }

    deinit {
        plannedGathers.deallocate()
        steps.deallocate()
        commits.deallocate()
    }

    /// Finds a block by instance name (not for hot loops).
    public func block(named name: String) -> Block? { blocks.first { $0.name == name } }

    /// Finds a signal by `instance.port` (not for hot loops).
    public func signal(_ fullName: String) -> Port? {
        guard let dot = fullName.lastIndex(of: ".") else { return nil }
        return block(named: String(fullName[..<dot]))?.port(named: String(fullName[fullName.index(after: dot)...]))
    }

    public func attach(_ observer: ClockObserver) { observers.append(observer) }
    public func detach(_ observer: ClockObserver) { observers.removeAll { $0 === observer } }

    /// Resets every block and the cycle counter.
    public func reset() {
        for b in blocks { b.reset() }
        cycle = 0
    }

    /// One clock.
    public func step() { clock() }

    /// The four steps. Blocks are called through unretained references (the simulator's `order`
    /// keeps them alive), so a clock does no reference counting; blocks that declare they do
    /// nothing in `evaluate` (`EvaluatesNothing`) or `commit` (`CommitsNothing`) are not called.
    @inline(never)
    final func clock() {
        let plan = steps.baseAddress!, n = stepCount
        let g = plannedGathers.baseAddress!
        var i = 0
        while i < n {
            let st = plan + i
            if st.pointee.gathers != 0 {
                var k = st.pointee.firstGather
                let end = k &+ st.pointee.gathers
                while k < end {
                    if !g[k].run() { generalGathers[g[k].index].run(rng: &conversionRNG) }
                    k &+= 1
                }
            }
            if st.pointee.evaluates { st.pointee.block._withUnsafeGuaranteedRef { $0.evaluate() } }
            i &+= 1
        }
        if !observers.isEmpty { for o in observers { o.sample(cycle: cycle) } }
        let c = commits.baseAddress!, m = commitCount
        i = 0
        while i < m {
            c[i]._withUnsafeGuaranteedRef { $0.commit() }
            i &+= 1
        }
        cycle &+= 1
    }

    public func run(_ clocks: Int) {
        for _ in 0..<clocks { step() }
    }

    /// Sum of saturation events over all blocks.
    public var saturations: Int { blocks.reduce(0) { $0 + $1.saturations } }
}

/// A block that restricts how its optional inputs may be wired together (e.g. a crossbar whose
/// update mode has no column-update port). `Simulator.init` refuses a design that breaks a rule;
/// the netlist elaborator asks first, so that it can report the offending connection's position.
public protocol WiringRules: AnyObject {
    /// The inputs wired against the block's rules, each with the reason; `connected(p)` tells
    /// whether input `p` has a driver.
    func wiringViolations(connected: (Port) -> Bool) -> [(input: Port, message: String)]
}

/// A block whose `evaluate()` does nothing (e.g. a register loaded only by the host): the simulator
/// does not call it. Its inputs' gathers still run.
public protocol EvaluatesNothing: AnyObject {}

/// A block whose `commit()` does nothing (purely combinational, or registers written only by the
/// host): the simulator does not call it.
public protocol CommitsNothing: AnyObject {}

/// One block's part of a clock: its gathers (`firstGather ..< firstGather + gathers` in the flat
/// gather list), then its `evaluate()` (unless it `EvaluatesNothing`).
struct ClockStep {
    let block: Unmanaged<Block>
    let firstGather: Int
    let gathers: Int
    let evaluates: Bool
}

/// A gather with its fast path chosen once (plain data: no reference counting per clock).
/// Results are those of `GatherCopy.run` bit for bit:
/// - a plain copy (no conversion);
/// - an exact widening (a resize that only adds fraction bits, or none, with deterministic
///   rounding): `dst = src << k`, which is the conversion's result whenever `src << k` lies in the
///   destination's range, i.e. src in [lo, hi]; if any lane is outside, `run` returns false and
///   the simulator redoes the gather with `GatherCopy.run` (which saturates or wraps and counts,
///   and uses no random bits);
/// - anything else (narrowing with rounding, stochastic conversions, which step the simulator's
///   LFSR once per lane): `run` returns false at once, and `GatherCopy.run` does it.
struct PlannedGather {
    enum Kind { case copy, widen, general }
    let kind: Kind
    let source: UnsafeMutablePointer<Int32>
    let destination: UnsafeMutablePointer<Int32>
    let count: Int
    let shift: Int32
    let lo: Int32
    let hi: Int32
    /// Index of the `GatherCopy` in the simulator's list.
    let index: Int

    init(_ g: GatherCopy, index: Int) {
        source = g.source
        destination = g.destination
        count = g.count
        self.index = index
        guard let c = g.conversion else {
            kind = .copy; shift = 0; lo = 0; hi = 0
            return
        }
        let k = c.to.fracBits - c.fromFrac
        if c.rounding != .stochastic && k >= 0 && k <= 30 {
            kind = .widen
            shift = Int32(k)
            // src << k in [minRaw, maxRaw]  <=>  src in [ceil(minRaw / 2^k), floor(maxRaw / 2^k)]
            lo = Int32(clamping: -((-c.to.minRaw) >> Int64(k)))
            hi = Int32(clamping: c.to.maxRaw >> Int64(k))
        } else {
            kind = .general; shift = 0; lo = 0; hi = 0
        }
    }

    /// The fast paths; false when `GatherCopy.run` must do (or redo) this gather.
    @inline(__always)
    func run() -> Bool {
        switch kind {
        case .copy:
            destination.update(from: source, count: count)
            return true
        case .widen:
            let s = source, d = destination, n = count, k = shift, lo = self.lo, hi = self.hi
            var bad: Int32 = 0
            var i = 0
            while i < n {
                let v = s[i]
                d[i] = v &<< k
                bad |= (v < lo ? 1 : 0) | (v > hi ? 1 : 0)
                i &+= 1
            }
            return bad == 0
        case .general:
            return false
        }
    }
}
