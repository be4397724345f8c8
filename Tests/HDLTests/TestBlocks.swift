import FixedPoint
@testable import HDL

/// Tiny blocks for kernel tests.
let s8 = QFormat(signed: true, intBits: 8, fracBits: 0)
let s16_4 = QFormat(signed: true, intBits: 12, fracBits: 4)

/// count(t+1) = count(t) + 1 (registered, wraps).
final class Counter: Block {
    private var _count: HDL.Port!
    init(_ name: String, lanes: Int = 1) {
        super.init(name: name)
        _count = addOutput("count", lanes: lanes, format: s8, timing: .registered)
    }
    var out: HDL.Port { _count }
    override func reset() { _count.storage.fill(0) }
    override func evaluate() {}
    override func commit() {
        for i in 0..<_count.lanes {
            var sat = 0
            _count.pointer[i] = Int32(Fixed.applyOverflow(Int64(_count.pointer[i]) + 1, format: s8, mode: .wrap, saturations: &sat))
        }
    }
}

/// acc(t+1) = acc(t) + x(t); registered output.
final class Accumulator: Block {
    var x: HDL.Port!
    var acc: HDL.Port!
    private var next: [Int32]
    init(_ name: String, lanes: Int = 1, format: QFormat = s8) {
        next = Array(repeating: 0, count: lanes)
        super.init(name: name)
        x = addInput("x", lanes: lanes, format: format)
        acc = addOutput("acc", lanes: lanes, format: s16_4, timing: .registered)
    }
    override func reset() { acc.storage.fill(0) }
    override func evaluate() {
        for i in 0..<acc.lanes {
            var sat = 0
            let sum = FixedArithmetic.add(Int64(acc.pointer[i]), s16_4, Int64(x.pointer[i]), x.format, to: s16_4, saturations: &sat)
            saturations += sat
            next[i] = Int32(sum)
        }
    }
    override func commit() { for i in 0..<acc.lanes { acc.pointer[i] = next[i] } }
}

/// A plain D register: q(t+1) = d(t).
final class DRegister: Block {
    var d: HDL.Port!
    var q: HDL.Port!
    private var next: [Int32]
    let initial: Int32
    init(_ name: String, lanes: Int = 1, format: QFormat = s16_4, initial: Int32 = 0) {
        next = Array(repeating: 0, count: lanes)
        self.initial = initial
        super.init(name: name)
        d = addInput("d", lanes: lanes, format: format)
        q = addOutput("q", lanes: lanes, format: format, timing: .registered)
    }
    override func reset() { q.storage.fill(initial) }
    override func evaluate() { for i in 0..<q.lanes { next[i] = d.pointer[i] } }
    override func commit() { for i in 0..<q.lanes { q.pointer[i] = next[i] } }
}

/// Combinational: y = x + k.
final class AddConstant: Block {
    var x: HDL.Port!
    var y: HDL.Port!
    let k: Int32
    init(_ name: String, lanes: Int = 1, format: QFormat = s8, k: Int32 = 1) {
        self.k = k
        super.init(name: name)
        x = addInput("x", lanes: lanes, format: format)
        y = addOutput("y", lanes: lanes, format: format, timing: .combinational)
    }
    override func evaluate() { for i in 0..<y.lanes { y.pointer[i] = x.pointer[i] &+ k } }
}

