import XCTest
import FixedPoint
import HDL
@testable import Blocks
#if canImport(Glibc)
import Glibc
#endif

/// glibc's `heapBytesInUse()!` (bytes in use by malloc), or nil where it cannot be read.
/// Swift's Glibc module does not import <malloc.h>, so the function is looked up with dlsym. On
/// x86-64 SysV a struct returned by value (here 10 x size_t) is returned through a hidden pointer
/// passed as the first argument, so `mallinfo2` is called as `void *(*)(void *out)`.
func heapBytesInUse() -> Int? {
    #if os(Linux) && arch(x86_64)
    typealias Mallinfo2 = @convention(c) (UnsafeMutableRawPointer) -> UnsafeMutableRawPointer?
    struct Cache { nonisolated(unsafe) static let fn: Mallinfo2? = dlsym(dlopen(nil, RTLD_NOW), "mallinfo2").map { unsafeBitCast($0, to: Mallinfo2.self) } }
    guard let f = Cache.fn else { return nil }
    var info = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)     // arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost
    _ = withUnsafeMutableBytes(of: &info) { f($0.baseAddress!) }
    return info.7
    #else
    return nil
    #endif
}

/// The crossbar at MNIST size (784 x 300, ~60 spiking rows per clock, learning on) must not
/// allocate per clock. Measured with glibc's `heapBytesInUse()!` (bytes in use): before and
/// after a warm run, and mid-clock (an observer samples between evaluate and commit), so memory
/// held by the block across a clock or leaked per clock fails the test.
final class MemoryControlAllocationTests: XCTestCase {
    #if os(Linux)
    final class HeapProbe: ClockObserver {
        var baseline = 0
        var worst = 0
        func sample(cycle: Int) { worst = max(worst, abs(heapBytesInUse()! - baseline)) }
    }

    func heapGrowth(update: Crossbar.UpdateMode, rounding: Rounding, clocks: Int) -> (end: Int, midClock: Int) {
        let rows = 784, cols = 300
        let df = mcFormat("s1.23")
        let x = Crossbar(name: "w1", rows: rows, cols: cols, weight: mcFormat("s1.15"), current: mcFormat("s6.15"), delta: df,
                         rounding: rounding, update: update, seed: 3)
        let d = MCDriver([("rs", rows, .bit), ("cs", cols, .bit), ("rd", cols, df), ("cd", rows, df), ("learn", 1, .bit), ("apply", 1, .bit)])
        var wires = [Connection(d["rs"], x.rowSpike), Connection(d["cs"], x.colSpike), Connection(d["rd"], x.rowDelta),
                     Connection(d["learn"], x.learn), Connection(d["apply"], x.apply)]
        if update != .rank1 { wires.append(Connection(d["cd"], x.colDelta)) }   // rank-1 has no column update
        let sim = try! Simulator(blocks: [d, x], connections: wires)
        var rng = MCRandom(1)
        try! x.load(weights: (0..<rows * cols).map { _ in Int32(rng.int(-3000...3000)) })
        // 64 precomputed spike patterns: ~60 of 784 rows, ~2 of 300 columns per clock.
        let patterns: [[Int32]] = (0..<64).map { _ in (0..<rows).map { _ in rng.bit(60.0 / 784) ? 1 : 0 } }
        let colPatterns: [[Int32]] = (0..<64).map { _ in (0..<cols).map { _ in rng.bit(2.0 / 300) ? 1 : 0 } }
        d.set("rd", (0..<cols).map { _ in Int32(rng.int(-4000...4000)) })
        d.set("cd", (0..<rows).map { _ in Int32(rng.int(-4000...4000)) })
        d.set("learn", 1)
        let probe = HeapProbe()
        let rs = d["rs"].pointer, cs = d["cs"].pointer, ap = d["apply"].pointer
        func run(_ n: Int, from start: Int) {
            for t in start..<start + n {
                patterns[t & 63].withUnsafeBufferPointer { rs.update(from: $0.baseAddress!, count: rows) }
                colPatterns[t & 63].withUnsafeBufferPointer { cs.update(from: $0.baseAddress!, count: cols) }
                ap[0] = t % 50 == 49 ? 1 : 0
                sim.step()
            }
        }
        run(100, from: 0)                    // warm: every path taken at least once
        sim.attach(probe)
        probe.baseline = heapBytesInUse()!
        run(clocks, from: 100)
        let after = heapBytesInUse()!
        sim.detach(probe)
        XCTAssertGreaterThan(update == .rank1 ? x.commitWrites : x.rowWrites, 0)
        return (after - probe.baseline, probe.worst)
    }

    func testCrossbarDoesNotAllocatePerClock() throws {
        guard heapBytesInUse() != nil else { throw XCTSkip("mallinfo2 is not available on this platform") }
        for (update, rounding) in [(Crossbar.UpdateMode.immediate, Rounding.nearest), (.immediate, .stochastic), (.deferred, .stochastic),
                                  (.rank1, .stochastic), (.rank1, .nearest)] {
            // A background allocation by the test runner could disturb one attempt; three in a row cannot be luck.
            var results: [(Int, Int)] = []
            for _ in 0..<3 {
                let r = heapGrowth(update: update, rounding: rounding, clocks: 300)
                results.append(r)
                if r.end == 0 && r.midClock == 0 { break }
            }
            let last = results.last!
            XCTAssertEqual(last.0, 0, "\(update) \(rounding): heap grew by \(last.0) bytes over 300 clocks (attempts \(results))")
            XCTAssertEqual(last.1, 0, "\(update) \(rounding): \(last.1) bytes held mid-clock")
        }
    }

    /// The check itself can fail: a block that allocates per clock is caught.
    func testHeapProbeCatchesAnAllocatingBlock() throws {
        guard heapBytesInUse() != nil else { throw XCTSkip("mallinfo2 is not available on this platform") }
        final class Leaky: Block {
            var kept: [[Int32]] = []
            init() { super.init(name: "leaky") }
            override func evaluate() { kept.append([Int32](repeating: 1, count: 64)) }
        }
        let b = Leaky()
        let sim = try! Simulator(blocks: [b], connections: [])
        let probe = HeapProbe()
        sim.attach(probe)
        sim.run(10)
        probe.baseline = heapBytesInUse()!
        sim.run(100)
        XCTAssertGreaterThan(heapBytesInUse()! - probe.baseline, 100 * 64 * 4)
        XCTAssertGreaterThan(probe.worst, 0)
    }
    #endif
}
