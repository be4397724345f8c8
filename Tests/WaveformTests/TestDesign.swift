import Foundation
import FixedPoint
import HDL
@testable import Waveform

// A tiny design for the waveform tests: a counter feeding an accumulator feeding a register,
// two lanes each, with a signed fixed-point signal (s4.4), single bits and a Double shadow.

/// `count` (u4.0, registered): counts up by lane+1, wrapping at 16. `odd` (bit, combinational):
/// the low bit of `count`.
final class TestCounter: Block {
    private(set) var count: HDL.Port!
    private(set) var odd: HDL.Port!
    private let next: LaneBuffer

    init(name: String, lanes: Int = 2) {
        next = LaneBuffer(count: lanes)
        super.init(name: name)
        count = addOutput("count", lanes: lanes, format: QFormat(signed: false, intBits: 4, fracBits: 0), timing: .registered)
        odd = addOutput("odd", lanes: lanes, format: .bit, timing: .combinational)
    }

    override func reset() { count.storage.fill(0) }
    override func evaluate() {
        for i in 0..<count.lanes {
            next[i] = (count.pointer[i] + Int32(i + 1)) & 15
            odd.pointer[i] = count.pointer[i] & 1
        }
    }
    override func commit() { count.storage.copy(from: next) }
}

/// `in` (u4.0) -> `sum` = wrap_s4.4(acc + in/4 - 1.5) (combinational), `acc` (s4.4 register)
/// takes `sum` at the edge. `accReal` is the current `acc` as a Double (for `real` variables).
final class TestAccumulator: Block {
    private(set) var input: HDL.Port!
    private(set) var sum: HDL.Port!
    private(set) var acc: HDL.Port!
    let accReal: UnsafeMutablePointer<Double>
    static let format = QFormat(signed: true, intBits: 4, fracBits: 4)

    init(name: String, lanes: Int = 2) {
        accReal = .allocate(capacity: lanes)
        accReal.initialize(repeating: 0, count: lanes)
        super.init(name: name)
        input = addInput("in", lanes: lanes, format: QFormat(signed: false, intBits: 4, fracBits: 0))
        sum = addOutput("sum", lanes: lanes, format: TestAccumulator.format, timing: .combinational)
        acc = addRegister("acc", lanes: lanes, format: TestAccumulator.format)
    }

    deinit { accReal.deallocate() }

    override func reset() { acc.storage.fill(0) }
    override func evaluate() {
        for i in 0..<acc.lanes {
            let raw = acc.pointer[i] + input.pointer[i] * 4 - 24          // + in/4 - 1.5 in s4.4
            sum.pointer[i] = Int32(Int8(truncatingIfNeeded: raw))          // wrap to 8 bits
            accReal[i] = TestAccumulator.format.toDouble(Int64(acc.pointer[i]))
        }
    }
    override func commit() { acc.storage.copy(from: sum.storage) }
}

/// `d` (s4.4) -> `q` (s4.4, registered); `neg` (bit, combinational) = q < 0.
final class TestRegister: Block {
    private(set) var d: HDL.Port!
    private(set) var q: HDL.Port!
    private(set) var neg: HDL.Port!
    private let next: LaneBuffer

    init(name: String, lanes: Int = 2) {
        next = LaneBuffer(count: lanes)
        super.init(name: name)
        d = addInput("d", lanes: lanes, format: TestAccumulator.format)
        q = addOutput("q", lanes: lanes, format: TestAccumulator.format, timing: .registered)
        neg = addOutput("neg", lanes: lanes, format: .bit, timing: .combinational)
    }

    override func reset() { q.storage.fill(0) }
    override func evaluate() {
        for i in 0..<q.lanes {
            next[i] = d.pointer[i]
            neg.pointer[i] = q.pointer[i] < 0 ? 1 : 0
        }
    }
    override func commit() { q.storage.copy(from: next) }
}

struct TestDesign {
    let counter = TestCounter(name: "ctr")
    let accumulator = TestAccumulator(name: "acc")
    let register = TestRegister(name: "reg")
    let simulator: Simulator

    init() throws {
        simulator = try Simulator(blocks: [counter, accumulator, register], connections: [
            Connection(counter.count, accumulator.input),
            Connection(accumulator.sum, register.d),
        ])
        simulator.reset()
    }

    var doubles: RealSignal { RealSignal(instance: "acc", name: "acc", lanes: 2, pointer: accumulator.accReal) }
}

/// Records every lane of every signal at each sample: what "the simulator reported" per clock.
final class Recorder: ClockObserver {
    let ports: [HDL.Port]
    private(set) var values: [String: [Int: Int32]] = [:]   // "inst.port[lane]" -> cycle -> raw
    private(set) var cycles: [Int] = []
    init(_ simulator: Simulator) { ports = simulator.blocks.flatMap(\.signals) }
    func sample(cycle: Int) {
        cycles.append(cycle)
        for p in ports {
            for l in 0..<p.lanes { values["\(p.fullName)_\(l)", default: [:]][cycle] = p.pointer[l] }
        }
    }
}

enum TestFiles {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// A fresh directory under the system temporary directory.
    static func scratch(_ name: String = #function) throws -> URL {
        let clean = name.filter { $0.isLetter || $0.isNumber }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eqspike-wave-\(clean)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// Path of an installed tool, or nil.
    static func tool(_ name: String) -> String? { DumpTarget.findOnPath(name) }

    /// Runs a tool; returns exit status and combined stdout + stderr.
    static func run(_ tool: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

let goldenDate = "Thu Jan 1 00:00:00 2026"
let goldenVersion = "EqSpikeHW VCDWriter (test)"

/// The golden dump: every signal of the test design under top scope `fixed` (16 variables), plus
/// the accumulator's Double shadow under `float` (2), 100 kHz clock; `acc` and `q` drawn analog.
func writeTestDesign(to dir: URL, clocks: Int = 12) throws -> (VCDWriter, Recorder, TestDesign) {
    let design = try TestDesign()
    let vcd = try VCDWriter(path: dir.appendingPathComponent("design.vcd").path, clockPeriodSeconds: 1e-5,
                            version: goldenVersion, date: goldenDate)
    try vcd.addSignals(from: design.simulator, patterns: ["*"], scope: "fixed")
    try vcd.addRealSignals([design.doubles], scope: "float")
    vcd.saveFileOptions?.analog = .ports(["acc", "q"])
    let recorder = Recorder(design.simulator)
    design.simulator.attach(vcd)
    design.simulator.attach(recorder)
    design.simulator.run(clocks)
    try vcd.finish()
    return (vcd, recorder, design)
}
