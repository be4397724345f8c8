import Foundation

/// Fig. 5c as the paper measures it: "the average weight updates in the first layer as a function
/// of the time difference between post-synaptic neuron spikes and the average time of pre-synaptic
/// neuron spikes in a window of 200 time steps before the post-synaptic neuron spike", with neurons
/// below 0.05 filtered out.
///
/// One event per (hidden spike at t_post in the nudge phase, input i with at least one spike in the
/// window [t_post - 200, t_post)):
///
///     dt     = t_post - mean(t_pre of i's spikes in the window)
///     update = sum of the increments W1[i][h] received at those spikes (the synapse's change over
///              the window; W1[i][h] is written only when i spikes, and only while learning)
///
/// and the histogram averages `update` over the events of each dt bin. The window starts at the
/// image onset at the latest (clock 0: nothing before it); such events are kept and counted in
/// `clipped`. Rate filter: `STDPImage.keptInputs` / `keptHidden`, events dropped counted in
/// `filtered`.
///
/// What to expect (and why it is not centred on zero here): dt is always in (0, 200]. A clamped
/// input fires periodically, so with a full window dt = (time since its last spike) + (half the
/// span of its spikes in the window) ~ 100 clocks, and with a window cut by the onset dt ~ t_post / 2;
/// the curve's x axis therefore says more about where in the image the post spike falls than about
/// causality. The update-anchored curve (`AnalysisSTDPUpdate.swift`) is the one that measures the
/// mechanism of the paper's Fig. 5b.
extension STDPAnalysis {
    /// dt from 0 to paperWindow.
    public static func paperHistogram(_ o: Options) -> Histogram {
        Histogram(range: 0...Double(o.paperWindow), binWidth: o.binWidth)
    }

    /// Adds the events of one image to `h`.
    public static func addPaper(_ image: STDPImage, to h: inout Histogram, options o: Options) {
        let clocks = max(image.clocks, 1)
        var sums = [Double](repeating: 0, count: h.sums.count), counts = [Int](repeating: 0, count: h.counts.count)
        defer { h.add(image: sums, counts) }
        let keptIn = image.keptInputs(minRate: o.minRate)
        let keptHid = image.keptHidden(minRate: o.minRate)
        let nHid = image.post.count
        var updateAt = [Int](repeating: -1, count: clocks)
        for (k, u) in image.updates.enumerated() where u.clock >= 0 && u.clock < clocks { updateAt[u.clock] = k }
        // Per input that spiked: spikes before each clock (before[c] = number of spikes at clocks < c),
        // prefix sums of spike times and of the increments per hidden lane, indexed by spike number.
        struct Train { var input: Int; var kept: Bool; var before: [Int]; var timeSum: [Int]; var deltaSum: [Double] }
        var trains: [Train] = []
        for (i, spikes) in image.pre.enumerated() {
            let s = spikes.filter { $0 >= 0 && $0 < clocks }
            guard !s.isEmpty else { continue }
            var before = [Int](repeating: 0, count: clocks + 1)
            var k = 0
            for c in 0 ... clocks {
                before[c] = k
                while k < s.count && s[k] == c { k += 1 }
            }
            var timeSum = [Int](repeating: 0, count: s.count + 1)
            var deltaSum = [Double](repeating: 0, count: keptIn[i] ? (s.count + 1) * nHid : 0)
            for (n, t) in s.enumerated() {
                timeSum[n + 1] = timeSum[n] + t
                guard keptIn[i] else { continue }
                let u = updateAt[t]
                for j in 0 ..< nHid {
                    let d = u >= 0 && j < image.updates[u].deltas.count ? image.updates[u].deltas[j] : 0
                    deltaSum[(n + 1) * nHid + j] = deltaSum[n * nHid + j] + d
                }
            }
            trains.append(Train(input: i, kept: keptIn[i], before: before, timeSum: timeSum, deltaSum: deltaSum))
        }
        for (j, spikes) in image.post.enumerated() {
            // Post spikes after the first nudge clock: their window holds at least one learning clock.
            for t in spikes where t > image.freeClocks && t < clocks {
                let lo = max(0, t - o.paperWindow)
                for tr in trains {
                    let a = tr.before[lo], b = tr.before[t]
                    guard b > a else { continue }
                    guard keptHid[j] && tr.kept else { h.filtered += 1; continue }
                    let mean = Double(tr.timeSum[b] - tr.timeSum[a]) / Double(b - a)
                    let update = tr.deltaSum[b * nHid + j] - tr.deltaSum[a * nHid + j]
                    let k = h.bin(Double(t) - mean)
                    sums[k] += update
                    counts[k] += 1
                    if t - o.paperWindow < 0 { h.clipped += 1 }
                }
            }
        }
    }
}
