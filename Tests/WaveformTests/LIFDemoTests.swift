import Foundation
import XCTest
import FixedPoint
import HDL
@testable import Waveform

// A small LIF-like design to look at in GTKWave, and a throughput measurement.
//
//   stim.current (s2.10) -> hidden: u (s2.10), spike (bit) -> rate: mean (u3.8)
//
// `hidden` integrates without leak, fires when u >= 1 (reset by subtraction), cannot fire on the
// clock after a spike, u clipped to [-1, 1). `rate` is a leaky integrator mean <- mean - mean/8 + s.
// `hidden` also keeps a Double copy of the same dynamics (`uFloat`), dumped as `float.hidden.u`.
//
// `WAVEFORM_DEMO_DIR=/some/dir swift test --filter LIFDemoTests` leaves lif.vcd and lif.gtkw there.

final class DemoStimulus: Block {
    private(set) var current: HDL.Port!
    let lanes: Int
    private var clock = 0
    static let format = QFormat(signed: true, intBits: 2, fracBits: 10)

    init(name: String, lanes: Int) {
        self.lanes = lanes
        super.init(name: name)
        current = addOutput("current", lanes: lanes, format: DemoStimulus.format, timing: .registered)
    }
    /// Lane i gets (i+1)/16 for 100 clocks, then the order reverses; lane 0 is pushed negative.
    func level(_ lane: Int, _ clock: Int) -> Int32 {
        let step = Int32(1024 / 16)
        if lane == 0 && clock >= 60 && clock < 90 { return -3 * step }
        return clock < 100 ? step * Int32(lane + 1) : step * Int32(lanes - lane)
    }
    override func reset() {
        clock = 0
        for i in 0..<lanes { current.pointer[i] = level(i, 0) }
    }
    override func commit() {
        clock += 1
        for i in 0..<lanes { current.pointer[i] = level(i, clock) }
    }
}

final class DemoLIF: Block {
    private(set) var current: HDL.Port!
    private(set) var u: HDL.Port!
    private(set) var spike: HDL.Port!
    let uFloat: UnsafeMutablePointer<Double>
    private let nextU: LaneBuffer, nextSpike: LaneBuffer
    private var nextFloat: [Double]
    static let one: Int32 = 1024

    init(name: String, lanes: Int) {
        uFloat = .allocate(capacity: lanes)
        uFloat.initialize(repeating: 0, count: lanes)
        nextU = LaneBuffer(count: lanes)
        nextSpike = LaneBuffer(count: lanes)
        nextFloat = Array(repeating: 0, count: lanes)
        super.init(name: name)
        current = addInput("current", lanes: lanes, format: DemoStimulus.format)
        u = addRegister("u", lanes: lanes, format: DemoStimulus.format)
        spike = addOutput("spike", lanes: lanes, format: .bit, timing: .registered)
    }
    deinit { uFloat.deallocate() }

    override func reset() {
        u.storage.fill(0)
        spike.storage.fill(0)
        for i in 0..<u.lanes { uFloat[i] = 0 }
    }
    override func evaluate() {
        for i in 0..<u.lanes {
            var v = u.pointer[i] + current.pointer[i]
            var s: Int32 = 0
            if v >= DemoLIF.one && spike.pointer[i] == 0 { v -= DemoLIF.one; s = 1 }
            nextU[i] = min(max(v, -DemoLIF.one), DemoLIF.one - 1)
            nextSpike[i] = s
            var f = uFloat[i] + Double(current.pointer[i]) / 1024
            if f >= 1 && spike.pointer[i] == 0 { f -= 1 }
            nextFloat[i] = min(max(f, -1), 1 - 1.0 / 1024)
        }
    }
    override func commit() {
        u.storage.copy(from: nextU)
        spike.storage.copy(from: nextSpike)
        for i in 0..<u.lanes { uFloat[i] = nextFloat[i] }
    }
}

final class DemoRate: Block {
    private(set) var spike: HDL.Port!
    private(set) var mean: HDL.Port!
    private let next: LaneBuffer

    init(name: String, lanes: Int) {
        next = LaneBuffer(count: lanes)
        super.init(name: name)
        spike = addInput("spike", lanes: lanes, format: .bit)
        mean = addRegister("mean", lanes: lanes, format: QFormat(signed: false, intBits: 3, fracBits: 8))
    }
    override func reset() { mean.storage.fill(0) }
    override func evaluate() {
        for i in 0..<mean.lanes { next[i] = mean.pointer[i] - (mean.pointer[i] >> 3) + (spike.pointer[i] << 8) }
    }
    override func commit() { mean.storage.copy(from: next) }
}

final class LIFDemoTests: XCTestCase {
    func testLIFDemoDump() throws {
        let lanes = 8
        let stim = DemoStimulus(name: "stim", lanes: lanes)
        let hidden = DemoLIF(name: "hidden", lanes: lanes)
        let rate = DemoRate(name: "rate", lanes: lanes)
        let sim = try Simulator(blocks: [stim, hidden, rate], connections: [
            Connection(stim.current, hidden.current), Connection(hidden.spike, rate.spike),
        ])
        sim.reset()
        let dir: URL
        if let demo = ProcessInfo.processInfo.environment["WAVEFORM_DEMO_DIR"] {
            dir = URL(fileURLWithPath: demo)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } else {
            dir = try TestFiles.scratch()
        }
        let vcd = try VCDWriter(path: dir.appendingPathComponent("lif.vcd").path, clockPeriodSeconds: 1e-5)
        try vcd.addSignals(from: sim, patterns: ["stim.current[0:3]", "hidden.{u,spike}[0:3]", "rate.mean[0:3]"], scope: "fixed")
        try vcd.addRealSignals([RealSignal(instance: "hidden", name: "u", lanes: lanes, pointer: hidden.uFloat)],
                               patterns: ["hidden.u[0:1]"], scope: "float")
        vcd.window = 0...159
        vcd.saveFileOptions?.visibleClocks = 120
        vcd.saveFileOptions?.analog = .ports(["u", "mean"])       // currents as numbers
        sim.attach(vcd)
        sim.run(200)
        try vcd.finish()

        let parsed = try MiniVCD(text: TestFiles.text(URL(fileURLWithPath: vcd.path)))
        XCTAssertEqual(parsed.variables.count, 4 * 4 + 2)
        XCTAssertEqual(parsed.times.last, 1600)
        // lane 3 gets 0.25 per clock until clock 100: a spike every 4 clocks
        let spikes = (0..<100).filter { parsed.value("fixed.hidden.spike_3", at: $0 * 10) == .bits("1") }
        XCTAssertEqual(spikes.count, 24)
        let gtkw = try TestFiles.text(URL(fileURLWithPath: vcd.saveFilePath))
        XCTAssertTrue(gtkw.contains("@40008424\n[fpshift_count] 10\n[color] 2\nfixed.hidden.u_0[11:0]\n"))
        XCTAssertTrue(gtkw.contains("@40000424\n[fpshift_count] 10\n[color] 0\nfixed.stim.current_3[11:0]\n"))
        XCTAssertTrue(gtkw.contains("@40008024\n[fpshift_count] 8\n[color] 2\nfixed.rate.mean_3[10:0]\n"), "unsigned analog")
        XCTAssertTrue(gtkw.contains("@8420\n[color] 2\nfloat.hidden.u_1\n"))
    }
}

/// Throughput of the writer on a 784-300-10-sized design dumping every lane: prints VCD bytes/s
/// and the share of run time spent writing. `WAVEFORM_BENCH_CLOCKS` sets the clocks (default 200),
/// `WAVEFORM_BENCH_FILE` the output (e.g. /dev/null to leave the disk out;
/// measure with `swift test -c release -Xswiftc -enable-testing --filter VCDThroughputTests`).
final class VCDThroughputTests: XCTestCase {
    final class NoisyLayer: Block {
        private(set) var u: HDL.Port!
        private(set) var spike: HDL.Port!
        private var rng: LFSR32
        private let next: LaneBuffer

        init(name: String, lanes: Int, seed: UInt32) {
            rng = LFSR32(seed: seed)
            next = LaneBuffer(count: lanes)
            super.init(name: name)
            u = addRegister("u", lanes: lanes, format: QFormat(signed: true, intBits: 4, fracBits: 12))
            spike = addOutput("spike", lanes: lanes, format: .bit, timing: .registered)
        }
        override func evaluate() {
            for i in 0..<u.lanes {
                var v = u.pointer[i] + Int32(rng.next() & 0x3FF)       // about 0.125 per clock on average
                if v >= 4096 { v -= 4096 }
                next[i] = v
            }
        }
        override func commit() {
            for i in 0..<u.lanes {
                spike.pointer[i] = next[i] < u.pointer[i] ? 1 : 0
                u.pointer[i] = next[i]
            }
        }
    }

    func testThroughput() throws {
        let clocks = Int(ProcessInfo.processInfo.environment["WAVEFORM_BENCH_CLOCKS"] ?? "") ?? 200
        func design() throws -> Simulator {
            let s = try Simulator(blocks: [NoisyLayer(name: "input", lanes: 784, seed: 1), NoisyLayer(name: "hidden", lanes: 300, seed: 2),
                                           NoisyLayer(name: "output", lanes: 10, seed: 3)], connections: [])
            s.reset()
            return s
        }
        let plain = try design()
        var t0 = DispatchTime.now().uptimeNanoseconds
        plain.run(clocks)
        let simulationOnly = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9

        let path = try ProcessInfo.processInfo.environment["WAVEFORM_BENCH_FILE"] ?? TestFiles.scratch().appendingPathComponent("bench.vcd").path
        let sim = try design()
        let vcd = try VCDWriter(path: path, clockPeriodSeconds: 1e-5, date: "x")
        vcd.saveFileOptions = nil
        try vcd.addSignals(from: sim, patterns: ["*"])
        sim.attach(vcd)
        t0 = DispatchTime.now().uptimeNanoseconds
        sim.run(clocks)
        try vcd.finish()
        let withWriter = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let writing = max(withWriter - simulationOnly, 1e-9)
        let bytes = vcd.bytesWritten
        print(String(format: "VCD throughput: %d clocks x %d variables, %d changes, %.1f MB in %.3f s writing (%.0f MB/s), simulation alone %.3f s, with writer %.3f s",
                     clocks, vcd.variables.count, vcd.changesWritten, Double(bytes) / 1e6, writing, Double(bytes) / 1e6 / writing,
                     simulationOnly, withWriter))
        XCTAssertEqual(vcd.variables.count, 2 * (784 + 300 + 10))
        XCTAssertGreaterThan(bytes, clocks * 1000)
    }
}
