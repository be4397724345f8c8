import XCTest
import Datasets
import GoldenModel

/// The golden model's rank-1 mode (W1 committed as n_i * A_h / T when the nudge phase ends, W2 and
/// the biases deferred), checked against the states of a network with frozen weights.
final class GoldenRank1Tests: XCTestCase {
    /// A digit-like image: a ring of bright pixels with graded edges (deterministic).
    static func ring() -> [UInt8] {
        (0 ..< 784).map { k in
            let dr = Double(k / 28) - 13.5, dc = Double(k % 28) - 13.5
            let d = abs((dr * dr + dc * dc).squareRoot() - 8)
            return d < 3 ? UInt8(255 - 70 * d) : 0
        }
    }

    func testRank1CommitsCountsTimesMeanIncrementAndDefersTheRest() throws {
        let c = try GoldenConfig().applying(overrides: "hidden=20 skip=-1 eta1=1e-3 eta2=2e-3 etaB=3e-3")
        let cr = try c.applying(overrides: "mode=rank1")
        XCTAssertEqual(cr.updateMode, .rank1)
        var g1 = SeededGenerator(seed: 11), g2 = SeededGenerator(seed: 11), g3 = SeededGenerator(seed: 11)
        let rank1 = try GoldenNetwork(config: cr, rng: &g1)
        let deferred = try GoldenNetwork(config: c, rng: &g2)
        let frozen = try GoldenNetwork(config: c, rng: &g3)
        frozen.learning = false
        let nets = [rank1, deferred, frozen]
        let w1 = rank1.weights1
        let nI = c.inputs, nH = c.hidden
        for n in nets { n.beginImage(pixels: Self.ring(), label: 6) }
        for _ in 0 ..< c.tFree { for n in nets { n.step() } }
        for n in nets { n.beginNudge() }
        var counts = [Int](repeating: 0, count: nI), acc = [Double](repeating: 0, count: nH)
        for t in 0 ..< c.tNudge {
            let sx = frozen.s(.input), fh = frozen.F(.hidden)
            for i in 0 ..< nI where sx[i] == 1 { counts[i] += 1 }
            for h in 0 ..< nH { acc[h] += c.eta1 * fh[h] }
            // Neither mode writes a weight before the commit: the three networks stay in lockstep.
            XCTAssertEqual(rank1.u(.hidden), frozen.u(.hidden))
            for n in nets { n.step() }
            if t == 40 {
                let p = rank1.pendingRank1
                XCTAssertEqual(p.clocks, 41)
                XCTAssertEqual(p.counts, counts)
                for h in 0 ..< nH { XCTAssertEqual(p.accumulators[h], acc[h], accuracy: 1e-15) }
            }
        }
        XCTAssertEqual(rank1.weights1, w1, "no change before the commit")
        rank1.endNudge(); deferred.endNudge()
        let T = Double(c.tNudge)
        XCTAssertGreaterThan(counts.filter { $0 > 0 }.count, 50, "many inputs spike")
        XCTAssertGreaterThan(acc.map { abs($0) }.max()!, 1e-3, "the image produces real updates")
        for i in 0 ..< nI {
            for h in 0 ..< nH {
                XCTAssertEqual(rank1.weights1[i * nH + h] - w1[i * nH + h], Double(counts[i]) * acc[h] / T, accuracy: 1e-12)
            }
        }
        XCTAssertNotEqual(rank1.weights1, deferred.weights1, "rank-1 is not the deferred sum")
        XCTAssertEqual(rank1.weights2, deferred.weights2, "W2 is deferred in rank-1 mode")
        XCTAssertEqual(rank1.biasHidden, deferred.biasHidden)
        XCTAssertEqual(rank1.biasOutput, deferred.biasOutput)
        let p = rank1.pendingRank1
        XCTAssertEqual(p.clocks, 0)
        XCTAssertEqual(Set(p.counts), [0])
        XCTAssertEqual(Set(p.accumulators), [0])
    }
}
