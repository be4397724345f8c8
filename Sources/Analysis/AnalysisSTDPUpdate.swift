import Foundation

/// Fig. 5c, second definition: the curve anchored on the update (the mechanism of the paper's
/// Fig. 5b), not the paper's own measurement (`AnalysisSTDPPaper.swift`).
///
/// W1 is written when an input (pre) spikes: W1[i][h] += eta1 F_h(t) (docs/algorithm.md), F_h being
/// the hidden neuron's rate-derivative estimate. Each such update event (i, h, t) is placed at
///
///     dt = mean(t_post of h's spikes within t +- w) - t,    w = min(halfWindow, t, clocks - 1 - t)
///
/// (a window of 2 x halfWindow = 200 clocks, kept symmetric about the update so that a neuron firing
/// at a steady rate gives dt ~ 0 wherever the window is clipped by the image), and the histogram
/// averages the update over the events of each dt bin. A post neuron that accelerates has more
/// spikes after the pre spike than before (dt > 0) and a positive F: potentiation after, the STDP
/// shape. Rate filter: `STDPImage.keptInputs` / `keptHidden`; events whose window would be narrower
/// than `minHalfWindow` clocks, or that have no post spike in it, are left out and counted.
extension STDPAnalysis {
    /// dt from -halfWindow to +halfWindow.
    public static func updateAnchoredHistogram(_ o: Options) -> Histogram {
        Histogram(range: Double(-o.halfWindow)...Double(o.halfWindow), binWidth: o.binWidth)
    }

    /// Adds the update events of one image to `h`.
    public static func addUpdateAnchored(_ image: STDPImage, to h: inout Histogram, options o: Options) {
        let clocks = max(image.clocks, 1)
        var sums = [Double](repeating: 0, count: h.sums.count), counts = [Int](repeating: 0, count: h.counts.count)
        defer { h.add(image: sums, counts) }
        // Pre spikes per clock from inputs above the rate filter, and from all inputs.
        let keptIn = image.keptInputs(minRate: o.minRate)
        var preAt = [Int](repeating: 0, count: clocks)
        var preAll = [Int](repeating: 0, count: clocks)
        for (i, train) in image.pre.enumerated() {
            for t in train where t >= 0 && t < clocks {
                preAll[t] += 1
                if keptIn[i] { preAt[t] += 1 }
            }
        }
        // Post prefix counts and sums of spike clocks.
        let nPost = image.post.count
        let postKept = image.keptHidden(minRate: o.minRate)
        var cnt = [[Int]](repeating: [], count: nPost), sum = [[Int]](repeating: [], count: nPost)
        for (k, train) in image.post.enumerated() {
            var c = [Int](repeating: 0, count: clocks + 1), s = [Int](repeating: 0, count: clocks + 1)
            var spikesAt = [Int](repeating: 0, count: clocks)
            for t in train where t >= 0 && t < clocks { spikesAt[t] += 1 }
            for t in 0 ..< clocks { c[t + 1] = c[t] + spikesAt[t]; s[t + 1] = s[t] + spikesAt[t] * t }
            cnt[k] = c; sum[k] = s
        }
        for u in image.updates where u.clock >= 0 && u.clock < clocks {
            let t = u.clock
            let m = preAt[t]
            let dropped = preAll[t] - m
            guard preAll[t] > 0 else { continue }
            let w = min(o.halfWindow, t, clocks - 1 - t)
            for (k, d) in u.deltas.enumerated() where k < nPost {
                guard postKept[k] else { h.filtered += preAll[t]; continue }
                h.filtered += dropped
                guard m > 0 else { continue }
                guard w >= o.minHalfWindow else { h.narrow += m; continue }
                let n = cnt[k][t + w + 1] - cnt[k][t - w]
                guard n > 0 else { h.withoutPost += m; continue }
                let mean = Double(sum[k][t + w + 1] - sum[k][t - w]) / Double(n)
                let b = h.bin(mean - Double(t))
                sums[b] += Double(m) * d
                counts[b] += m
            }
        }
    }
}
