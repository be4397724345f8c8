import XCTest
import FixedPoint
@testable import HDL

final class SimulatorTests: XCTestCase {
    /// counter -> accumulator -> register, checked clock by clock against the closed form.
    func testCounterAccumulatorRegister() throws {
        let c = Counter("counter")
        let a = Accumulator("acc")
        let r = DRegister("reg")
        let sim = try Simulator(blocks: [r, a, c], connections: [Connection(c.out, a.x), Connection(a.acc, r.d)])
        sim.reset()
        var expectCount = 0, expectAcc = 0, expectReg = 0
        for t in 0..<40 {
            XCTAssertEqual(Int(c.out.value(0)), expectCount, "count at clock \(t)")
            XCTAssertEqual(Int(a.acc.value(0)), expectAcc * 16, "acc at clock \(t) (s12.4 raw)")
            XCTAssertEqual(Int(r.q.value(0)), expectReg, "reg at clock \(t)")
            // Next values all come from this clock's values (two-phase commit).
            let (nc, na, nr) = (expectCount + 1, expectAcc + expectCount, expectAcc * 16)
            (expectCount, expectAcc, expectReg) = (nc, na, nr)
            sim.step()
        }
        XCTAssertEqual(sim.cycle, 40)
    }

    /// Two registers feeding each other swap values every clock: both take their next value at once.
    func testRegistersCommitSimultaneously() throws {
        let a = DRegister("a", format: s8, initial: 5)
        let b = DRegister("b", format: s8, initial: -3)
        let sim = try Simulator(blocks: [a, b], connections: [Connection(a.q, b.d), Connection(b.q, a.d)])
        sim.reset()
        for t in 0..<10 {
            XCTAssertEqual(a.q.value(0), t % 2 == 0 ? 5 : -3)
            XCTAssertEqual(b.q.value(0), t % 2 == 0 ? -3 : 5)
            sim.step()
        }
    }

    func testCombinationalLoopIsRejectedNamingTheBlocks() {
        let p = AddConstant("p"), q = AddConstant("q"), r = AddConstant("r")
        let reg = DRegister("reg", format: s8)
        XCTAssertThrowsError(try Simulator(blocks: [reg, p, q, r],
                                           connections: [Connection(p.y, q.x), Connection(q.y, r.x), Connection(r.y, p.x), Connection(r.y, reg.d)])) { e in
            XCTAssertEqual(e as? HDLError, .combinationalLoop(["p", "q", "r"]))
            XCTAssertEqual("\(e)", "combinational loop through blocks p -> q -> r -> p")
        }
        // A loop broken by a register is fine.
        let p2 = AddConstant("p2"), reg2 = DRegister("reg2", format: s8)
        XCTAssertNoThrow(try Simulator(blocks: [p2, reg2], connections: [Connection(p2.y, reg2.d), Connection(reg2.q, p2.x)]))
    }

    /// Combinational blocks are evaluated after their drivers whatever order they are listed in.
    func testTopologicalOrder() throws {
        let c = Counter("c")
        let p = AddConstant("p", k: 10), q = AddConstant("q", k: 100)
        let reg = DRegister("reg", format: s8)
        let sim = try Simulator(blocks: [reg, q, p, c], connections: [Connection(c.out, p.x), Connection(p.y, q.x), Connection(q.y, reg.d)])
        XCTAssertEqual(sim.order.map { $0.name }, ["p", "q", "reg", "c"])   // reg reads q.y, which is combinational
        XCTAssertLessThan(sim.order.firstIndex { $0 === p }!, sim.order.firstIndex { $0 === q }!)
        sim.reset()
        sim.run(3)
        XCTAssertEqual(reg.q.value(0), 2 + 110)   // counter was 2 in the last clock, +10 +100
    }

    func testWiringErrors() {
        let c = Counter("c", lanes: 4)
        let a = Accumulator("a", lanes: 4)
        let a3 = Accumulator("a3", lanes: 3)
        let a16 = Accumulator("a16", lanes: 4, format: s16_4)
        func message(_ blocks: [Block], _ conns: [Connection]) -> String {
            do { _ = try Simulator(blocks: blocks, connections: conns); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message([c, a], []), "input a.x is not driven")
        XCTAssertEqual(message([c, a3], [Connection(c.out, a3.x)]), "c.count gives 4 lanes but a3.x takes 3")
        XCTAssertEqual(message([c, a16], [Connection(c.out, a16.x)]), "format mismatch: c.count is s8.0 but a16.x is s12.4; add an explicit resize")
        XCTAssertEqual(message([c, a], [Connection(c.out, 0..<2, a.x, 0..<2)]), "lane 2 of input a.x is not driven")
        XCTAssertEqual(message([c, a], [Connection(c.out, a.x), Connection(c.out, 0..<1, a.x, 3..<4)]), "lane 3 of input a.x is driven more than once")
        XCTAssertEqual(message([c, a], [Connection(c.out, 2..<6, a.x, 0..<4)]), "lanes 2:5 are outside c.count (4 lanes)")
        XCTAssertEqual(message([c, a], [Connection(a.x, c.out)]), "a.x is an input and cannot drive c.count")
        XCTAssertEqual(message([c, Counter("c")], []), "two blocks are named 'c'")
    }

    /// Inputs driven in pieces are gathered; a resize converts with the stated rounding.
    func testGatherAndResize() throws {
        let c = Counter("c", lanes: 2)
        let reg = DRegister("reg", lanes: 4, format: s8)
        let wide = DRegister("wide", lanes: 2, format: s16_4)
        let sim = try Simulator(blocks: [c, reg, wide], connections: [
            Connection(c.out, 0..<2, reg.d, 2..<4),
            Connection(c.out, 0..<2, reg.d, 0..<2),
            Connection(c.out, wide.d, resize: .init(rounding: .nearest, overflow: .saturate)),
        ])
        sim.reset()
        sim.run(5)
        XCTAssertEqual(reg.q.values, [4, 4, 4, 4])
        XCTAssertEqual(wide.q.values, [64, 64])     // 4.0 in s12.4
        XCTAssertEqual(sim.signal("reg.q")?.values, [4, 4, 4, 4])
        XCTAssertNil(sim.signal("nope.q"))
    }

    /// Observers see the settled state just before each edge, once per clock.
    func testObserverSamplesBeforeTheEdge() throws {
        final class Recorder: ClockObserver {
            let port: HDL.Port
            var seen: [(Int, Int32)] = []
            init(_ p: HDL.Port) { port = p }
            func sample(cycle: Int) { seen.append((cycle, port.value(0))) }
        }
        let c = Counter("c")
        let p = AddConstant("p", k: 100)
        let reg = DRegister("reg", format: s8)
        let sim = try Simulator(blocks: [c, p, reg], connections: [Connection(c.out, p.x), Connection(p.y, reg.d)])
        let rec = Recorder(p.y)
        sim.attach(rec)
        sim.reset()
        sim.run(3)
        XCTAssertEqual(rec.seen.map { $0.0 }, [0, 1, 2])
        XCTAssertEqual(rec.seen.map { $0.1 }, [100, 101, 102])
        sim.detach(rec)
        sim.run(1)
        XCTAssertEqual(rec.seen.count, 3)
    }
}
