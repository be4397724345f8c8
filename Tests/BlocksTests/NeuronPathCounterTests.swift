import XCTest
import FixedPoint
import HDL
@testable import Blocks

final class NeuronPathCounterTests: XCTestCase {
    /// In a simulated design: counts only while enable is high, one clock late, saturating at
    /// 2^W - 1 (counted); reset clears.
    func testCountsWhileEnabledAndSaturates() throws {
        let lanes = 4
        let spikes = NPDrive("spikes", lanes: lanes, format: .bit)
        let enable = NPDrive("enable", lanes: 1, format: .bit)
        let counter = try SpikeCounter(name: "c", lanes: lanes, format: npFormat("u4.0"))
        let sim = try Simulator(blocks: [spikes, enable, counter],
                                connections: [Connection(spikes.out, counter.spike), Connection(enable.out, counter.enable)])
        var rng = NPRandom(2)
        for _ in 0..<2 {
            sim.reset()
            counter.clearCounters()
            var expected = Array(repeating: 0, count: lanes)
            var events = 0
            for t in 0..<100 {
                XCTAssertEqual(counter.count.values.map(Int.init), expected, "clock \(t)")
                let en = (t / 10) % 2 == 0
                enable.set(0, en ? 1 : 0)
                for k in 0..<lanes {
                    let s = rng.bit(0.3 + 0.2 * Double(k))
                    spikes.set(k, s ? 1 : 0)
                    if en && s {
                        if expected[k] < 15 { expected[k] += 1 } else { events += 1 }
                    }
                }
                sim.step()
            }
            XCTAssertEqual(counter.saturations, events)
            XCTAssertGreaterThan(events, 0, "lane 3 (p = 0.9) passes 15")
        }
    }

    /// An unconnected enable means "always counting".
    func testUnconnectedEnableAlwaysCounts() throws {
        let spikes = NPDrive("spikes", lanes: 2, format: .bit)
        let counter = try SpikeCounter(name: "c", lanes: 2)
        let sim = try Simulator(blocks: [spikes, counter], connections: [Connection(spikes.out, counter.spike)])
        sim.reset()
        spikes.set(0, 1)
        spikes.set(1, 0)
        sim.run(1000)
        XCTAssertEqual(counter.count.values, [1000, 0])
        XCTAssertEqual(counter.storage, [StorageItem(name: "count", kind: .register, words: 2, wordBits: 16)])
    }

    func testCountFormatMustBeAnUnsignedInteger() {
        for bad in ["s16.0", "u8.4"] {
            XCTAssertThrowsError(try SpikeCounter(name: "c", lanes: 1, format: npFormat(bad))) { e in
                XCTAssertEqual((e as? ParameterError)?.parameter, "count")
            }
        }
    }
}
