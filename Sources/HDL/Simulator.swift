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
    public private(set) var cycle: Int = 0
    /// Attached observers; empty means the hot loop pays a single check.
    public private(set) var observers: [ClockObserver] = []

    private let orderStorage: ContiguousArray<Block>
    private let gathers: ContiguousArray<ContiguousArray<GatherCopy>>
    private var gatherBuffers: [LaneBuffer] = []
    private var conversionRNG = LFSR32(seed: 0x5EED_0001)

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
        orderStorage = ContiguousArray(order)
        gathers = ContiguousArray(order.map { plans[ObjectIdentifier($0)] ?? [] })
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
    @inline(__always)
    public func step() {
        let n = orderStorage.count
        for i in 0..<n {
            let plan = gathers[i]
            if !plan.isEmpty { for g in plan { g.run(rng: &conversionRNG) } }
            orderStorage[i].evaluate()
        }
        if !observers.isEmpty { for o in observers { o.sample(cycle: cycle) } }
        for i in 0..<n { orderStorage[i].commit() }
        cycle &+= 1
    }

    public func run(_ clocks: Int) {
        for _ in 0..<clocks { step() }
    }

    /// Sum of saturation events over all blocks.
    public var saturations: Int { blocks.reduce(0) { $0 + $1.saturations } }
}
