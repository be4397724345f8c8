import XCTest
@testable import Datasets

final class SeededGeneratorTests: XCTestCase {
    func testSplitMix64ReferenceOutputs() {
        // Published reference outputs of splitmix64.c seeded with 1234567.
        var g = SplitMix64(seed: 1_234_567)
        XCTAssertEqual((0 ..< 5).map { _ in g.next() },
                       [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                        4_593_380_528_125_082_431, 16_408_922_859_458_223_821])
    }

    func testXoshiro256StarStarReferenceOutputs() {
        // xoshiro256** from the state (1, 2, 3, 4): the reference outputs used by other ports.
        var g = SeededGenerator(state: (1, 2, 3, 4))
        XCTAssertEqual((0 ..< 10).map { _ in g.next() },
                       [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360,
                        607_988_272_756_665_600, 16_172_922_978_634_559_625, 8_476_171_486_693_032_832,
                        10_595_114_339_597_558_777, 2_904_607_092_377_533_576])
    }

    func testKnownFirstOutputsFromSeeds() {
        var g0 = SeededGenerator(seed: 0)
        XCTAssertEqual((0 ..< 5).map { _ in g0.next() },
                       [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0,
                        0x6AA5_94F1_262D_2D2C, 0xBBA5_AD4A_1F84_2E59])
        var g42 = SeededGenerator(seed: 42)
        XCTAssertEqual((0 ..< 5).map { _ in g42.next() },
                       [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1,
                        0xECB8_AD47_03B3_60A1, 0xFDE6_DC7F_E2EC_5E64])
        var s = SeededGenerator(seed: 42, stream: 5)
        XCTAssertEqual((0 ..< 3).map { _ in s.next() },
                       [0x7F7F_FDA3_29D4_0255, 0x75A0_E059_DF28_82E7, 0x86CA_C834_2FE8_B2C9])
    }

    func testDerivedValues() {
        var g = SeededGenerator(seed: 7)
        XCTAssertEqual((0 ..< 3).map { _ in g.nextDouble() }, [0.7005764821796896, 0.2787512294737843, 0.8396274618764198])
        var h = SeededGenerator(seed: 7)
        XCTAssertEqual((0 ..< 8).map { _ in h.nextInt(below: 1000) }, [700, 278, 839, 981, 990, 872, 60, 104])
        var f = SeededGenerator(seed: 7)
        let x = f.nextFloat()
        XCTAssertTrue(x >= 0 && x < 1)
        var r = SeededGenerator(seed: 3)
        for _ in 0 ..< 1000 {
            let v = r.nextDouble(in: -0.5 ..< 0.5)
            XCTAssertTrue(v >= -0.5 && v < 0.5)
            XCTAssertTrue(r.nextInt(below: 3) < 3)
        }
    }

    func testSameSeedSameSequenceDifferentSeedDifferentSequence() {
        var a = SeededGenerator(seed: 2024), b = SeededGenerator(seed: 2024), c = SeededGenerator(seed: 2025)
        let sa = (0 ..< 100).map { _ in a.next() }
        XCTAssertEqual(sa, (0 ..< 100).map { _ in b.next() })
        XCTAssertNotEqual(sa, (0 ..< 100).map { _ in c.next() })
        XCTAssertEqual(a, b)
        // Saving and restoring the state resumes the sequence.
        let saved = a.state
        let next = a.next()
        var resumed = SeededGenerator(state: saved)
        XCTAssertEqual(resumed.next(), next)
    }

    func testUniformIsUnbiasedEnough() {
        var g = SeededGenerator(seed: 1)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0 ..< 60000 { counts[g.nextInt(below: 6)] += 1 }
        XCTAssertLessThan(chiSquare(counts, expected: 10000), 20.5)  // 5 degrees of freedom, p = 0.001
        // A bound near 2^64 exercises the rejection step.
        var h = SeededGenerator(seed: 1)
        let big = UInt64.max / 3 * 2
        for _ in 0 ..< 1000 { XCTAssertTrue(h.nextInt(below: big) < big) }
        XCTAssertEqual(h.nextInt(below: UInt64(1)), 0)
    }

    func testKnownPermutations() {
        XCTAssertEqual(SeededShuffle.permutation(count: 10, seed: 42), [9, 1, 4, 2, 8, 7, 6, 5, 3, 0])
        var g = SeededGenerator(seed: 2024)
        XCTAssertEqual(SeededShuffle.permutation(count: 20, using: &g),
                       [15, 11, 17, 13, 10, 4, 16, 9, 8, 7, 0, 6, 18, 5, 3, 12, 2, 19, 14, 1])
        XCTAssertEqual(SeededShuffle.permutation(count: 0, seed: 1), [])
        XCTAssertEqual(SeededShuffle.permutation(count: 1, seed: 1), [0])
    }

    func testShuffleIsADeterministicPermutation() {
        for (n, seed) in [(2, UInt64(0)), (7, 1), (100, 99), (60000, 123)] {
            let p = SeededShuffle.permutation(count: n, seed: seed)
            XCTAssertEqual(p.sorted(), Array(0 ..< n), "a permutation of 0..<\(n)")
            XCTAssertEqual(p, SeededShuffle.permutation(count: n, seed: seed), "deterministic")
            if n >= 100 {
                XCTAssertNotEqual(p, Array(0 ..< n))
                XCTAssertNotEqual(p, SeededShuffle.permutation(count: n, seed: seed + 1))
            }
        }
    }

    /// The training order every model uses: 0 ..< count shuffled in place by stream epoch + 1 (what
    /// the Trainer wrote out before epochOrder existed; checkpoints of old runs depend on it).
    func testEpochOrderIsTheTrainersShuffle() {
        for (count, seed, epoch) in [(50, UInt64(3), 1), (7, 1, 0), (1, 2, 4), (0, 1, 0)] {
            var order = Array(0 ..< count)
            var g = SeededGenerator(seed: seed, stream: UInt64(epoch) + 1)
            SeededShuffle.shuffle(&order, using: &g)
            XCTAssertEqual(SeededShuffle.epochOrder(count: count, seed: seed, epoch: epoch), order)
        }
        XCTAssertNotEqual(SeededShuffle.epochOrder(count: 50, seed: 3, epoch: 0), SeededShuffle.epochOrder(count: 50, seed: 3, epoch: 1))
    }

    func testShuffleHelpersAgree() {
        let words = ["a", "b", "c", "d", "e", "f", "g"]
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5), g3 = SeededGenerator(seed: 5)
        var inPlace = words
        inPlace.seededShuffle(using: &g1)
        XCTAssertEqual(inPlace, words.seededShuffled(using: &g2))
        XCTAssertEqual(inPlace, SeededShuffle.permutation(count: words.count, using: &g3).map { words[$0] })
        XCTAssertEqual(inPlace.sorted(), words)
        // Works on slices too (indices not starting at 0).
        var array = Array(0 ..< 10)
        var g4 = SeededGenerator(seed: 5)
        array[3 ..< 8].seededShuffle(using: &g4)
        XCTAssertEqual(Array(array[0 ..< 3]), [0, 1, 2])
        XCTAssertEqual(Array(array[8...]), [8, 9])
        XCTAssertEqual(array[3 ..< 8].sorted(), [3, 4, 5, 6, 7])
    }

    func testUniformPermutationDistribution() {
        // Each of the 6 orders of 3 items is about equally likely: chi-square with 5 degrees of
        // freedom below 20.5 (p = 0.001). With seed 1 it is 3.3 (seed 77 would give 22.7 -- a
        // fluke: 8.7 over 600k draws).
        var g = SeededGenerator(seed: 1)
        var counts: [[Int]: Int] = [:]
        for _ in 0 ..< 60000 { counts[SeededShuffle.permutation(count: 3, using: &g), default: 0] += 1 }
        XCTAssertEqual(counts.count, 6)
        XCTAssertLessThan(chiSquare(Array(counts.values), expected: 10000), 20.5)
    }

    private func chiSquare(_ counts: [Int], expected: Double) -> Double {
        counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }
}
