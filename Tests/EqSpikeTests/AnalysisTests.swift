import XCTest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Analysis
@testable import EqSpike

/// The report's pure analysis functions on small hand-made inputs with known answers.
final class AnalysisTests: XCTestCase {
    // MARK: Fig. 3 readouts

    /// Three images, eight clocks:
    ///   A (label 3): 3 spikes at clock 2, then 1 at clocks 5, 6, 7;
    ///   B (label 0): 0 and 2 together at clock 4 (tie: the lowest index is first);
    ///   C (label 5): no output spike.
    func handMadeTrains() -> [OutputSpikeTrain] {
        [OutputSpikeTrain(label: 3, events: [.init(clock: 2, lane: 3), .init(clock: 5, lane: 1), .init(clock: 6, lane: 1), .init(clock: 7, lane: 1)]),
         OutputSpikeTrain(label: 0, events: [.init(clock: 4, lane: 0), .init(clock: 4, lane: 2)]),
         OutputSpikeTrain(label: 5, events: [])]
    }

    func testFirstSpikeReadoutOfAHandMadeRaster() {
        let trains = handMadeTrains()
        XCTAssertEqual(trains[0].firstSpike, SpikeEvent(clock: 2, lane: 3))
        XCTAssertEqual(trains[1].firstSpike, SpikeEvent(clock: 4, lane: 0))
        XCTAssertNil(trains[2].firstSpike)
        let c = AccuracyOverTime.curves(trains, outputs: 10, horizon: 8)
        let third = 1.0 / 3, twoThirds = 2.0 / 3
        XCTAssertEqual(c.clocks, Array(0 ..< 8))
        XCTAssertEqual(c.firstSpike, [0, 0, third, third, twoThirds, twoThirds, twoThirds, twoThirds])
        XCTAssertEqual(c.answered, [0, 0, third, third, twoThirds, twoThirds, twoThirds, twoThirds])
        XCTAssertEqual(c.meanFirstSpikeClock, 3)          // (2 + 4) / 2
        XCTAssertEqual(c.images, 3)
        XCTAssertEqual(c.imagesWithoutSpike, 1)
    }

    func testRateReadoutOverTimeOfHandMadeCounts() {
        let c = AccuracyOverTime.curves(handMadeTrains(), outputs: 10, horizon: 8)
        let third = 1.0 / 3, twoThirds = 2.0 / 3
        // t = 2, 3: A leads with class 3 (right). t = 4: B's tie 0/2 goes to 0 (right). t = 5: A ties
        // 3 and 1 -> 1 (wrong); from then on class 1 leads A. C never answers.
        XCTAssertEqual(c.rate, [0, 0, third, third, twoThirds, third, third, third])
        // The chip's windowed readout (clocks [4, 8)): A -> 1 (wrong), B -> 0 (right), C: no spikes -> 0 (wrong).
        XCTAssertEqual(AccuracyOverTime.windowAccuracy(handMadeTrains(), outputs: 10, from: 4, to: 8), third, accuracy: 1e-15)
        // Every spike before the window: nothing counted, every prediction is class 0.
        XCTAssertEqual(AccuracyOverTime.windowAccuracy(handMadeTrains(), outputs: 10, from: 0, to: 1), third, accuracy: 1e-15)
    }

    // MARK: Fig. 5c

    /// One input lane spiking every 5 clocks (rate 0.2) and one that spikes once (rate 0.005,
    /// filtered); four hidden lanes: 0 spikes at 160 and 170 in the nudge phase (mean 15 clocks
    /// after the update at 150), 1 at 120 and 130 (25 before), 2 is quiet in the free phase
    /// (filtered), 3 has no spike near the update. Lanes 0, 1, 3 fire every 10 clocks in the free
    /// phase (rate 0.1). A second update at 195 has a window of only 4 clocks (too narrow).
    func handMadeImage() -> STDPImage {
        let free = Array(stride(from: 0, through: 90, by: 10))
        return STDPImage(clocks: 200, freeClocks: 100,
                         pre: [Array(stride(from: 0, to: 200, by: 5)), [150]],
                         post: [free + [160, 170], free + [120, 130], [160], free],
                         updates: [.init(clock: 150, deltas: [0.5, -0.25, 9, 7]), .init(clock: 195, deltas: [1, 1, 1, 1])])
    }

    static var tenClockBins: STDPAnalysis.Options {
        var o = STDPAnalysis.Options()
        o.binWidth = 10
        return o
    }

    func testSTDPHistogramOfHandMadeSpikeTrains() {
        XCTAssertEqual(STDPAnalysis.updateAnchoredHistogram(.init()).sums.count, 100)   // default: 2-clock bins
        XCTAssertEqual(STDPAnalysis.paperHistogram(.init()).sums.count, 100)            // 0 ... 200 in 2-clock bins
        var h = STDPAnalysis.updateAnchoredHistogram(Self.tenClockBins)
        XCTAssertEqual(h.sums.count, 20)                  // +-100 clocks in 10-clock bins
        XCTAssertEqual(h.bin(15), 11)
        XCTAssertEqual(h.centre(11), 15)
        XCTAssertEqual(h.bin(-25), 7)
        XCTAssertEqual(h.centre(7), -25)
        XCTAssertEqual(h.bin(-1000), 0)
        XCTAssertEqual(h.bin(1000), 19)
        STDPAnalysis.addUpdateAnchored(handMadeImage(), to: &h, options: Self.tenClockBins)
        XCTAssertEqual(h.images, 1)
        XCTAssertEqual(h.events, 2)
        XCTAssertEqual(h.counts[11], 1)
        XCTAssertEqual(h.sums[11], 0.5)
        XCTAssertEqual(h.counts[7], 1)
        XCTAssertEqual(h.sums[7], -0.25)
        XCTAssertEqual(h.means[11], 0.5)
        XCTAssertTrue(h.means[0].isNaN)
        XCTAssertEqual(h.withoutPost, 1)                  // lane 3 at 150
        XCTAssertEqual(h.narrow, 3)                       // lanes 0, 1, 3 at 195
        XCTAssertEqual(h.filtered, 6)                     // lane 2 (2 pres at 150, 1 at 195); the rare input x lanes 0, 1, 3 at 150
        // Potentiation after, depression before: slope (0.5 - -0.25) / (15 - -25).
        XCTAssertEqual(STDPAnalysis.slope(h), 0.75 / 40, accuracy: 1e-15)
        XCTAssertEqual(STDPAnalysis.meanUpdate(h), 0.125, accuracy: 1e-15)
        XCTAssertTrue(STDPAnalysis.slope(h, minEvents: 2).isNaN)          // no bin has 2 events
        XCTAssertEqual(h.meaningful(minEvents: 1), [7, 11])
        var twice = h
        twice.merge(h)
        XCTAssertEqual(twice.counts[11], 2)
        XCTAssertEqual(twice.means[7], -0.25)
        XCTAssertEqual(twice.images, 2)
    }

    func testSTDPWindowStaysSymmetricNearTheEndOfTheImage() {
        // A post neuron firing steadily every 4 clocks: an update at 180 (window +-19 < 20) is
        // too narrow; one at 170 sees clocks 140...200 clipped to 140...199 -> w = 29, symmetric,
        // so the steady neuron sits at dt ~ 0, not at a negative dt from the clipped side.
        let steady = Array(stride(from: 0, to: 200, by: 4))
        let image = STDPImage(clocks: 200, freeClocks: 100, pre: [Array(stride(from: 0, to: 200, by: 2))], post: [steady],
                              updates: [.init(clock: 170, deltas: [1]), .init(clock: 180, deltas: [1])])
        var h = STDPAnalysis.updateAnchoredHistogram(Self.tenClockBins)
        STDPAnalysis.addUpdateAnchored(image, to: &h, options: Self.tenClockBins)
        XCTAssertEqual(h.narrow, 1)
        XCTAssertEqual(h.events, 1)
        // Spikes 144 ... 196 in [141, 199]: mean 170 -> dt = 0 -> bin 10 (centre 5).
        XCTAssertEqual(h.counts[10], 1)
    }

    /// A post neuron that fires every 10 clocks and, from clock 150, every 2 (it accelerates), while
    /// an input fires every 5 clocks and each of its spikes in [130, 170) writes the neuron's rate
    /// derivative (+1 while it accelerates). `decelerating` is the mirror image: every 2 clocks, then
    /// every 10 from 150 — what a -beta image does to the same neuron — with the update kept at +1,
    /// as the random-sign rule keeps the +beta sign by negating eta.
    func speedChangeImage(decelerating: Bool) -> STDPImage {
        let (early, late) = decelerating ? (2, 10) : (10, 2)
        let post = Array(stride(from: 0, to: 150, by: early)) + Array(stride(from: 150, to: 300, by: late))
        let pre = Array(stride(from: 0, to: 300, by: 5))
        let updates = pre.filter { $0 >= 130 && $0 < 170 }.map { STDPImage.Update(clock: $0, deltas: [1]) }
        return STDPImage(clocks: 300, freeClocks: 100, pre: [pre], post: [post], updates: updates, negative: decelerating)
    }

    func testSTDPAcceleratingPostNeuronGivesPotentiationAfterThePreSpike() {
        var o = Self.tenClockBins
        o.minHalfWindow = 0
        var h = STDPAnalysis.updateAnchoredHistogram(o)
        STDPAnalysis.addUpdateAnchored(speedChangeImage(decelerating: false), to: &h, options: o)
        XCTAssertEqual(h.events, 8)                      // inputs at 130, 135, ..., 165
        // Every window of +-100 clocks around an update before 150 holds more post spikes after it.
        for k in h.sums.indices where h.counts[k] > 0 { XCTAssertGreaterThan(h.centre(k), 0, "positive update at dt \(h.centre(k))") }
        XCTAssertEqual(STDPAnalysis.meanUpdate(h), 1)
        // The decelerating neuron with the same positive update: every event lands at dt < 0, the
        // anti-causal side (why Fig. 5c splits the random-sign rule's images by sign).
        var g = STDPAnalysis.updateAnchoredHistogram(o)
        STDPAnalysis.addUpdateAnchored(speedChangeImage(decelerating: true), to: &g, options: o)
        XCTAssertEqual(g.events, 8)
        for k in g.sums.indices where g.counts[k] > 0 { XCTAssertLessThan(g.centre(k), 0, "event at dt \(g.centre(k))") }
    }

    /// The paper's definition by hand. Input 0 fires every 5 clocks (rate 0.2), input 1 once
    /// (filtered); hidden 0 fires every 10 clocks in the free phase (rate 0.1), then at 100 (the
    /// first nudge clock: its window holds no learning clock, not an event), 160 and 250; hidden 1
    /// is quiet in the free phase (filtered) and fires at 160. Every input spike in the nudge phase
    /// writes 0.01 on W1[0][0] and 5 on W1[0][1].
    func testSTDPPaperDefinitionByHand() {
        let pre0 = Array(stride(from: 0, to: 260, by: 5))
        let image = STDPImage(clocks: 260, freeClocks: 100, pre: [pre0, [150]],
                              post: [Array(stride(from: 0, through: 100, by: 10)) + [160, 250], [160]],
                              updates: pre0.filter { $0 >= 100 }.map { .init(clock: $0, deltas: [0.01, 5]) })
        var h = STDPAnalysis.paperHistogram(Self.tenClockBins)
        XCTAssertEqual(h.sums.count, 20)
        STDPAnalysis.addPaper(image, to: &h, options: Self.tenClockBins)
        XCTAssertEqual(h.images, 1)
        XCTAssertEqual(h.events, 2)
        // Hidden 0 at 160: window [0, 160) cut by the onset; input 0 at 0, 5, ..., 155 (mean 77.5)
        // -> dt 82.5 (bin 8); W1[0][0] changed at 100, ..., 155: 12 x 0.01.
        XCTAssertEqual(h.counts[8], 1)
        XCTAssertEqual(h.sums[8], 0.12, accuracy: 1e-12)
        // Hidden 0 at 250: window [50, 250): 50, ..., 245 (mean 147.5) -> dt 102.5 (bin 10); changes
        // at 100, ..., 245: 30 x 0.01.
        XCTAssertEqual(h.counts[10], 1)
        XCTAssertEqual(h.sums[10], 0.30, accuracy: 1e-12)
        XCTAssertEqual(h.clipped, 1)
        // Filtered: input 1 (its spike at 150 is in both windows of hidden 0) -> 2; hidden 1 at 160
        // with inputs 0 and 1 -> 2.
        XCTAssertEqual(h.filtered, 4)
        // The quiet neuron's large updates (5 per spike) never reach the curve.
        XCTAssertEqual(h.sums.reduce(0, +), 0.42, accuracy: 1e-12)
    }

    /// Without the rate filter the quiet neuron and the rare input are in: the filter is what
    /// removed them.
    func testSTDPPaperRateFilterIsWhatRemovesTheQuietNeuron() {
        var o = Self.tenClockBins
        o.minRate = 0
        let pre0 = Array(stride(from: 0, to: 260, by: 5))
        let image = STDPImage(clocks: 260, freeClocks: 100, pre: [pre0], post: [[], [160]],
                              updates: pre0.filter { $0 >= 100 }.map { .init(clock: $0, deltas: [0.01, 5]) })
        var h = STDPAnalysis.paperHistogram(o)
        STDPAnalysis.addPaper(image, to: &h, options: o)
        XCTAssertEqual(h.events, 1)
        XCTAssertEqual(h.sums[8], 60, accuracy: 1e-12)   // 12 x 5
        var filtered = STDPAnalysis.paperHistogram(Self.tenClockBins)
        STDPAnalysis.addPaper(image, to: &filtered, options: Self.tenClockBins)
        XCTAssertEqual(filtered.events, 0)
        XCTAssertEqual(filtered.filtered, 1)
    }

    /// Events of a -beta image go to the -beta curve, never to the +beta one.
    func testSTDPSplitRoutesImagesBySign() {
        var o = Self.tenClockBins
        o.minHalfWindow = 0
        var split = STDPSplit(STDPAnalysis.updateAnchoredHistogram(o))
        for negative in [false, true, true] {
            let image = speedChangeImage(decelerating: negative)
            STDPAnalysis.addUpdateAnchored(image, to: &split[image.negative], options: o)
        }
        XCTAssertEqual(split.plus.images, 1)
        XCTAssertEqual(split.minus.images, 2)
        XCTAssertEqual(split.minus.events, 16)
        for k in split.plus.sums.indices where split.plus.counts[k] > 0 { XCTAssertGreaterThan(split.plus.centre(k), 0) }
        // Mixed, the two would average to a flat line through dt = 0; split, the -beta curve has all
        // its (positive) updates on the anti-causal side.
        for k in split.minus.sums.indices where split.minus.counts[k] > 0 { XCTAssertLessThan(split.minus.centre(k), 0) }
        XCTAssertEqual(split[true], split.minus)
    }

    // MARK: energy

    func testEnergyTableArithmetic() {
        var c = InferenceCounts()
        c.images = 10
        c.spikesInput = 700; c.spikesHidden = 90; c.spikesOutput = 10
        c.synopsInputHidden = 70_000; c.synopsHiddenOutput = 900; c.synopsOutputHidden = 100
        c.synopsByDeadline = 15_000
        c.deadline = 20
        c.spikesBeforeFirstOutput = 678
        let e = EnergyTable(picojoulesPerSynop: 10, inference: c, trainingSynops: 1e10, trainingEpochs: 2, trainingImagesPerEpoch: 5000)
        XCTAssertEqual(c.synopsFree, 71_000)
        XCTAssertEqual(e.energyPerInference, 71_000 * 10e-12, accuracy: 1e-20)
        XCTAssertEqual(e.energyPerInferenceByDeadline, 1.5e-7, accuracy: 1e-20)
        XCTAssertEqual(e.inputSpikeShare, 0.875)
        XCTAssertEqual(e.hiddenSpikeShare, 0.1125)
        XCTAssertEqual(e.inputHiddenSynopShare, 70_000.0 / 71_000)
        XCTAssertEqual(e.trainingEnergy, 0.1, accuracy: 1e-15)
        // 1e10 SynOps over 10,000 training images = 1e6 per image; x 50 epochs x 60,000 images.
        XCTAssertEqual(e.extrapolatedTrainingSynops, 3e12, accuracy: 1)
        XCTAssertEqual(e.extrapolatedTrainingEnergy, 30, accuracy: 1e-9)
        XCTAssertEqual(e.rows.count, 12)
        XCTAssertEqual(e.rows.first { $0.quantity.hasPrefix("share of spikes") }?.value, 0.875)
        XCTAssertEqual(formatJoules(1.5e-6), "1.5 µJ")
        XCTAssertEqual(formatJoules(42), "42 J")
    }

    // MARK: metrics

    static let metricsCSV = """
    \(EpochMetrics.csvHeader)
    1,500,0.800000,300,0.760000,0.700000,7.100,0.900000,30.000,100000.0,50000.0,90000.0,0,1.000000,10.00
    2,500,0.900000,300,0.860000,,,0.500000,34.000,110000.0,30000.0,95000.0,0,0.250000,10.00
    """

    func testMetricsParsingAndTrainingSeries() throws {
        let m = try MetricsTable(csv: Self.metricsCSV)
        XCTAssertEqual(m.epochs, [1, 2])
        XCTAssertEqual(m.column("test_first_spike_accuracy")[1], nil)
        XCTAssertEqual(m.values("test_accuracy"), [0.76, 0.86])
        XCTAssertTrue(m.values("no_such_column").allSatisfy(\.isNaN))
        let s = TrainingSeries(m)
        XCTAssertEqual(s.synopsPerEpoch, [150_000 * 500, 140_000 * 500])
        XCTAssertEqual(s.cumulativeSynops, [75_000_000, 145_000_000])
        XCTAssertEqual(s.meanNudged(lastEpochs: 20), 0.7, accuracy: 1e-15)
        XCTAssertEqual(s.meanNudged(lastEpochs: 1), 0.5)
        XCTAssertEqual(s.synopsPerTrainingImage, 145_000)
        XCTAssertThrowsError(try MetricsTable(csv: "a,b\n1,2,3\n")) { e in
            XCTAssertTrue("\(e)".contains(":2: 3 fields"), "\(e)")
        }
        XCTAssertThrowsError(try MetricsTable(csv: "a,b\n1,x\n")) { e in XCTAssertTrue("\(e)".contains("'x' is not a number"), "\(e)") }
        XCTAssertThrowsError(try MetricsTable(csv: ""))
    }

    /// `eqspike report` used to read a NaN in metrics.csv as an empty value (drawn as "not
    /// measured"); a non-finite or unparsable number is an error naming file, line and column,
    /// while an empty field (written on purpose, e.g. test columns without a test set) stays allowed.
    func testNonFiniteMetricsAreErrorsNamingTheField() throws {
        let header = "epoch,train_accuracy,test_accuracy\n"
        for bad in ["nan", "NaN", "inf", "-inf"] {
            XCTAssertThrowsError(try MetricsTable(csv: header + "1,0.5,0.4\n2,0.6,\(bad)\n", path: "run/metrics.csv")) { e in
                XCTAssertEqual("\(e)", "run/metrics.csv:3: column 3 (test_accuracy): '\(bad)' is not a finite number (the trainers leave a value they could not measure empty)")
            }
        }
        XCTAssertThrowsError(try MetricsTable(csv: header + "1,0.5x,\n", path: "m.csv")) { e in
            XCTAssertEqual("\(e)", "m.csv:2: column 2 (train_accuracy): '0.5x' is not a number")
        }
        let empty = try MetricsTable(csv: header + "1,0.5,\n")
        XCTAssertEqual(empty.column("test_accuracy"), [nil], "an empty field is 'not measured'")
        // Through the report's loader, as `eqspike report` reads a run directory.
        let dir = Repo.temporaryDirectory("nan-metrics")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try (EpochMetrics.csvHeader + "\n" + "1,30,nan,0,,,,,,,,,0,1.000000,0.10\n").write(toFile: dir + "/metrics.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RunDirectory.load(dir)) { e in
            XCTAssertTrue("\(e)".hasPrefix(dir + "/metrics.csv:2: column 3 (train_accuracy): 'nan'"), "\(e)")
        }
    }

    func testMeanAndSpreadOverRuns() throws {
        let a = try MetricsTable(csv: Self.metricsCSV)
        var b = a
        b.rows[0][b.columns.firstIndex(of: "test_accuracy")!] = 0.78
        b.rows.removeLast()                               // a run with one epoch only
        let agg = RunAggregate.of([a, b], column: "test_accuracy")
        XCTAssertEqual(agg.epochs, [1, 2])
        XCTAssertEqual(agg.runs, [2, 1])
        XCTAssertEqual(agg.mean[0], 0.77, accuracy: 1e-15)
        XCTAssertEqual(agg.std[0], (0.0002).squareRoot(), accuracy: 1e-12)   // sample sd of 0.76, 0.78
        XCTAssertEqual(agg.mean[1], 0.86)
        XCTAssertEqual(agg.std[1], 0)
        XCTAssertEqual(agg.last?.epoch, 2)
        XCTAssertTrue(meanStd([]).mean.isNaN)
    }

    // MARK: comparison table

    func testPaperComparisonRows() {
        var m = ModelNumbers()
        m.testAccuracy = 0.95
        m.epochs = 1
        m.synopsPerInference = 300_000
        m.meanFirstSpikeXfmax = 3
        let rows = PaperComparison.rows(m)
        let acc = rows[0]
        XCTAssertEqual(acc.paper, 0.9687)
        XCTAssertEqual(acc.modelText, "95.00%")
        XCTAssertEqual(acc.differenceText, "-1.87 points")
        let syn = rows.first { $0.quantity.hasPrefix("SynOps per inference") }!
        XCTAssertEqual(syn.differenceText, "+150000 (x2)")
        let t = rows.first { $0.quantity.hasPrefix("mean time") }!
        XCTAssertEqual(t.differenceText, "-0.50 / f_max")
        XCTAssertEqual(rows.first { $0.quantity.hasPrefix("rate-based C-EP 784") }?.modelText, "not measured")
        // 784-300-10 compares with the paper's 300-neuron column.
        m.hidden = 300
        m.network = "784-300-10"
        XCTAssertEqual(PaperComparison.rows(m)[0].paper, 0.9759)
        XCTAssertEqual(PaperComparison.rows(m)[0].quantity, "test accuracy, 784-300-10, batch 1")
        m.network = "16-8-4"
        XCTAssertEqual(PaperComparison.rows(m)[0].quantity, "test accuracy, 16-8-4 (paper: 784-100-10)")
    }

    // MARK: SVG

    func testTicksAndLabels() {
        XCTAssertEqual(SVG.ticks(0...100, count: 5), [0, 20, 40, 60, 80, 100])
        XCTAssertEqual(SVG.ticks(0.5...1.5, count: 4), [0.5, 1, 1.5])
        XCTAssertEqual(SVG.ticks(-100...100, count: 4), [-100, -50, 0, 50, 100])
        XCTAssertEqual(SVG.tickLabel(150_000), "1.5e5")
        XCTAssertEqual(SVG.tickLabel(2e-4), "2e-4")
        XCTAssertEqual(SVG.tickLabel(0.25), "0.25")
        XCTAssertEqual(SVG.n(3.14159), "3.14")
        XCTAssertEqual(SVG.n(2.0), "2")
        XCTAssertEqual(SVG.escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;")
    }

    func testHeatmapLevelsAndColours() {
        XCTAssertEqual(SVGHeatmap.level(0, limit: 1, levels: 21), 10)
        XCTAssertEqual(SVGHeatmap.level(1, limit: 1, levels: 21), 20)
        XCTAssertEqual(SVGHeatmap.level(-5, limit: 1, levels: 21), 0)
        XCTAssertEqual(SVGHeatmap.color(level: 10, of: 21), "#f7f7f7")   // white middle
        XCTAssertEqual(SVGHeatmap.color(level: 0, of: 21), "#2166ac")
        XCTAssertEqual(SVGHeatmap.color(level: 20, of: 21), "#b2182b")
        XCTAssertEqual(SVGHeatmap.percentileAbs([1, -2, 3, -4, 100], 0.5), 3)
    }

    /// Every helper's output is well-formed XML (what an SVG viewer needs).
    func testFiguresAreWellFormedSVG() throws {
        var p = SVGPlot(title: "t <&>", xLabel: "x", yLabel: "y", x: 0...10, y: -1...1)
        p.line([(0, 0), (5, .nan), (6, 0.5), (10, 1)], color: "#000", label: "line")
        p.band(x: [0, 10], lower: [-0.5, -0.5], upper: [0.5, 0.5], color: "#f00", label: "band")
        p.markers([(1, 0)], color: "#00f", label: "dots")
        p.verticalLine(at: 3, color: "#0f0", label: "v")
        p.horizontalLine(at: 0, color: "#0f0")
        p.shadeX(from: 5, to: 10, color: "#ccc", label: "nudge")
        p.errorBars(x: [1], y: [0], err: [0.1], color: "#000")
        var q = SVGPlot(title: "log", xLabel: "x", yLabel: "y", x: 1e6...1e13, y: 0...1)
        q.xLog = true
        q.line([(1e7, 0.5), (1e12, 0.9)], color: "#000")
        let heat = SVGHeatmap.render(tiles: [[0, 1, -1, 0.5], [0, 0, 0, 0]], rows: 2, cols: 2, columns: 2, title: "w", tileLabels: ["a", "b"])
        let raster = SVGRaster.render(layers: [.init(name: "in", lanes: 4, events: [.init(clock: 1, lane: 2), .init(clock: 3, lane: 0)], color: "#000")],
                                      clocks: 10, shade: (5, 10, "nudge"), title: "r")
        for svg in [p.render(), q.render(), heat, raster] {
            let parser = XMLParser(data: Data(svg.utf8))
            XCTAssertTrue(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "") in \(svg.prefix(200))")
            XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            XCTAssertFalse(svg.contains("href"), "no external references")
        }
        XCTAssertTrue(q.render().contains(">1e10<"))
    }
}
