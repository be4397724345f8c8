/// Topological order of blocks over combinational paths.
///
/// Block B must evaluate after block A when B reads an output of A that A computes combinationally.
/// Blocks evaluate atomically (like one `always_comb` per module), so a cycle among such edges is a
/// combinational loop and is rejected, naming the blocks on it. Ties keep the given (netlist) order.
public enum Schedule {
    static func order(blocks: [Block], connections: [Connection]) throws(HDLError) -> [Block] {
        let index = Dictionary(uniqueKeysWithValues: blocks.enumerated().map { (ObjectIdentifier($0.element), $0.offset) })
        var edges: [(Int, Int)] = []
        for c in connections where c.source.timing == .combinational && c.source.kind == .output {
            guard let a = index[ObjectIdentifier(c.source.owner)], let b = index[ObjectIdentifier(c.destination.owner)] else { continue }
            edges.append((a, b))
        }
        return try order(names: blocks.map(\.name), combinationalEdges: edges).map { blocks[$0] }
    }

    /// The evaluation order of blocks `0..<names.count` given the edges (a, b) "b reads a
    /// combinational output of a", as indices; or the loop, by name. (The same rule for a wired
    /// simulator and for a `Circuit`, which is checked before anything is built.)
    public static func order(names: [String], combinationalEdges: [(Int, Int)]) throws(HDLError) -> [Int] {
        let count = names.count
        var successors = Array(repeating: [Int](), count: count)
        var indegree = Array(repeating: 0, count: count)
        var seen = Set<[Int]>()
        for (a, b) in combinationalEdges {
            if a == b { throw .combinationalLoop([names[a]]) }
            if seen.insert([a, b]).inserted {
                successors[a].append(b)
                indegree[b] += 1
            }
        }
        // Kahn's algorithm, always taking the lowest ready index so netlist order breaks ties.
        var ready = Set((0..<count).filter { indegree[$0] == 0 })
        var order: [Int] = []
        while let next = ready.min() {
            ready.remove(next)
            order.append(next)
            for s in successors[next] {
                indegree[s] -= 1
                if indegree[s] == 0 { ready.insert(s) }
            }
        }
        if order.count == count { return order }
        throw .combinationalLoop(findCycle(successors: successors, remaining: indegree).map { names[$0] })
    }

    /// One cycle among the blocks left with a non-zero in-degree. Every such block has a blocked
    /// predecessor, so walking predecessors always closes a cycle; it is returned in signal order.
    private static func findCycle(successors: [[Int]], remaining: [Int]) -> [Int] {
        let blocked = remaining.map { $0 > 0 }
        var predecessors = Array(repeating: [Int](), count: successors.count)
        for (a, list) in successors.enumerated() where blocked[a] { for b in list { predecessors[b].append(a) } }
        guard let start = blocked.firstIndex(of: true) else { return [] }
        var path: [Int] = []
        var position: [Int: Int] = [:]
        var node = start
        while position[node] == nil {
            position[node] = path.count
            path.append(node)
            guard let previous = predecessors[node].first else { return path }
            node = previous
        }
        var cycle = Array(path[position[node]!...].reversed())
        // Start at the lowest-numbered block, so the message is stable.
        if let m = cycle.indices.min(by: { cycle[$0] < cycle[$1] }) { cycle = Array(cycle[m...] + cycle[..<m]) }
        return cycle
    }
}
