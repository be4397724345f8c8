import XCTest
import Glibc
import Foundation
import FixedPoint
import HDL
@testable import Blocks

/// Counts Swift heap allocations made on one thread, through the runtime's instrumentation hook
/// (`_swift_allocObject`, the function pointer `swift_allocObject` calls when swizzling is enabled):
/// every class instance, array or string buffer, closure context and box goes through it, freed or
/// not. Raw `malloc` is covered separately by glibc's bytes in use (`NPMallocBytes`).
/// The hook is installed only while measuring and counts only the measuring thread.
enum NPSwiftAllocationCounter {
    typealias AllocFunction = @convention(c) (UnsafeRawPointer?, Int, Int) -> UnsafeMutableRawPointer?

    nonisolated(unsafe) static var original: AllocFunction?
    nonisolated(unsafe) static var count = 0
    nonisolated(unsafe) static var thread = pthread_self()

    /// nil when this runtime does not export the hook (then the test falls back to mallinfo2 only).
    static func measure(_ body: () -> Void) -> Int? {
        guard let slot = dlsym(nil, "_swift_allocObject"),
              let flag = dlsym(nil, "_swift_enableSwizzlingOfAllocationAndRefCountingFunctions_forInstrumentsOnly") else { return nil }
        let function = slot.assumingMemoryBound(to: AllocFunction?.self)
        let enabled = flag.assumingMemoryBound(to: Bool.self)
        // Touch the statics before the hook can run, so it never triggers their lazy initialisation.
        thread = pthread_self()
        count = 0
        original = function.pointee
        let wasEnabled = enabled.pointee
        function.pointee = { metadata, size, alignMask in
            if pthread_equal(pthread_self(), NPSwiftAllocationCounter.thread) != 0 { NPSwiftAllocationCounter.count &+= 1 }
            return NPSwiftAllocationCounter.original!(metadata, size, alignMask)
        }
        enabled.pointee = true
        body()
        enabled.pointee = wasEnabled
        function.pointee = original
        return count
    }
}

/// glibc's bytes in use (what `mallinfo2().uordblks` reports; malloc.h is not in Swift's Glibc
/// module, so it is read from `malloc_info`'s process-wide totals: arena size minus free chunks,
/// plus mmapped chunks).
enum NPMallocBytes {
    static func inUse() -> Int? {
        typealias Info = @convention(c) (Int32, UnsafeMutablePointer<FILE>?) -> Int32
        guard let symbol = dlsym(nil, "malloc_info") else { return nil }
        let info = unsafeBitCast(symbol, to: Info.self)
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var size = 0
        guard let stream = open_memstream(&buffer, &size) else { return nil }
        _ = info(0, stream)
        fclose(stream)
        guard let text = buffer.map({ String(cString: $0) }) else { return nil }
        free(buffer)
        // The totals over all arenas follow the last </heap>.
        guard let range = text.range(of: "</heap>", options: .backwards) else { return nil }
        var total = 0
        for line in text[range.upperBound...].split(separator: "\n") {
            guard let s = line.range(of: "size=\""), let e = line[s.upperBound...].firstIndex(of: "\""),
                  let value = Int(line[s.upperBound..<e]) else { continue }
            if line.contains("<system type=\"current\"") || line.contains("<total type=\"mmap\"") { total += value }
            if line.contains("<total type=\"fast\"") || line.contains("<total type=\"rest\"") { total -= value }
        }
        return total
    }
}

/// A block that allocates per clock, as a careless one would: proves the check can fail.
final class NPCarelessBlock: Block {
    private(set) var y: HDL.Port!
    private var history: [Int32] = []
    private var scratch: [Int32] = []
    init(_ name: String) {
        super.init(name: name)
        y = addOutput("y", lanes: 1, format: QFormat(signed: true, intBits: 16, fracBits: 0), timing: .registered)
    }
    override func evaluate() {
        scratch = [Int32](repeating: y.pointer[0], count: 64)   // a fresh array per clock (escapes: no stack promotion)
        history.append(scratch[3])                              // and a growing one
    }
}

final class NeuronPathAllocationTests: XCTestCase {
    /// A 300-lane LIF -> LI -> delay -> adder (V - Vd) -> FIR chain, driven by a host register:
    /// after a warm-up, thousands of clocks allocate nothing (no Swift object, no growth of malloc's bytes in use).
    func testNeuronChainAllocatesNothingPerClock() throws {
        let lanes = 300
        let currentFormat = npFormat("s3.13")
        let drive = NPDrive("stimulus", lanes: lanes, format: currentFormat)
        let lif = try LIFCore(name: "lif", lanes: lanes, membrane: npFormat("s3.13"), current: currentFormat, leak: 0.05)
        let li = try LeakyIntegrator(name: "li", lanes: lanes, format: npFormat("u4.12"), gamma: 0.1)
        let delay = try DelayLine(name: "delay", lanes: lanes, depth: 20, format: npFormat("u4.12"))
        let diff = try Adder(name: "diff", lanes: lanes, terms: 2, signs: "+-", format: npFormat("s5.12"))
        let fir = try FIRAverager(name: "fir", lanes: lanes, taps: 20, input: npFormat("s5.12"), output: npFormat("s5.12"), rounding: .stochastic)
        let eta = try Scaler(name: "eta", lanes: lanes, input: npFormat("s5.12"), output: npFormat("s2.14"), factor: 2.5e-4, rounding: .stochastic)
        let count = try SpikeCounter(name: "count", lanes: lanes)
        let widen = Connection.Resize(rounding: .truncate, overflow: .saturate)
        let sim = try Simulator(blocks: [drive, lif, li, delay, diff, fir, eta, count], connections: [
            Connection(drive.out, lif.current),
            Connection(lif.spike, li.spike),
            Connection(lif.spike, count.spike),
            Connection(li.v, delay.x),
            Connection(li.v, diff.terms[0], resize: widen),
            Connection(delay.delayed, diff.terms[1], resize: widen),
            Connection(diff.sum, fir.x),
            Connection(fir.mean, eta.x),
        ])
        sim.reset()
        var rng = NPRandom(1)
        for k in 0..<lanes { drive.set(k, npQuantize(rng.uniform(0, 0.8), currentFormat)) }
        sim.run(200)                                          // warm-up: every path has run
        XCTAssertNotNil(NPMallocBytes.inUse(), "malloc_info is readable")

        let before = NPMallocBytes.inUse() ?? 0
        let swiftAllocations = NPSwiftAllocationCounter.measure { sim.run(5000) }
        let after = NPMallocBytes.inUse() ?? 0
        XCTAssertNotNil(swiftAllocations, "the runtime hook is available on this toolchain")
        XCTAssertEqual(swiftAllocations ?? 0, 0, "Swift heap allocations in 5000 clocks")
        XCTAssertLessThan(after - before, 16384, "malloc'd bytes grew by \(after - before) in 5000 clocks")
        XCTAssertGreaterThan(lif.spikesEmitted, 100_000, "the chain was busy")
        XCTAssertNotEqual(fir.mean.values.filter { $0 != 0 }.count, 0)
    }

    /// The same measurement catches a block that allocates per clock.
    func testTheCheckCatchesAnAllocatingBlock() throws {
        let careless = NPCarelessBlock("careless")
        let sim = try Simulator(blocks: [careless], connections: [])
        sim.run(10)
        let before = NPMallocBytes.inUse() ?? 0
        let allocations = NPSwiftAllocationCounter.measure { sim.run(1000) }
        let after = NPMallocBytes.inUse() ?? 0
        XCTAssertGreaterThanOrEqual(allocations ?? 0, 1000, "one temporary array per clock at least")
        XCTAssertGreaterThan(after - before, 3000, "the growing array shows in malloc's bytes in use")
    }
}
