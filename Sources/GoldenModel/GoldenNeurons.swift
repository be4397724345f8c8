/// The two per-neuron building blocks of the golden model, written straight from the equations of
/// docs/algorithm.md. Storage is allocated once and reached through raw pointers so that a clock
/// costs no allocation; both types are also usable on their own (f-I curves, estimator responses).

/// A bank of identical LIF neurons (one layer) with its spike register.
///
/// Per clock, for every neuron j with input current I_j(t):
///
///     v      = u(t) - gammaLIF * u(t) + I(t)      (u(t) if frozen during refractory)
///     fire   = (r(t) == 0) and (v >= u_th)
///     u(t+1) = clip(v - (fire ? u_th : 0), u_min, u_th)        (or 0 on fire, reset = zero)
///     s(t+1) = fire
///     r(t+1) = fire ? T_refract - 1 : max(r(t) - 1, 0)
///
/// The spike register s(t) is held as the list of the indices that spiked (ascending).
public final class GoldenLIFBank {
    public let count: Int
    let threshold: Double
    let uMin: Double
    let gammaLIF: Double
    let refractStart: Int32
    let resetToZero: Bool
    let integrateDuringRefractory: Bool

    /// Membrane potentials u(t).
    let u: UnsafeMutablePointer<Double>
    /// Refractory counters r(t).
    let r: UnsafeMutablePointer<Int32>
    /// s(t): indices of the neurons whose spike register is 1 during this clock.
    private(set) var spikes: UnsafeMutablePointer<Int32>
    public private(set) var spikeCount = 0
    /// s(t+1) being built during the clock (swapped with `spikes` at the edge).
    private var next: UnsafeMutablePointer<Int32>

    public init(count: Int, config c: GoldenConfig) {
        self.count = count
        threshold = c.threshold
        uMin = c.uMin
        gammaLIF = c.gammaLIF
        refractStart = Int32(c.tRefract - 1)
        resetToZero = c.reset == .zero
        integrateDuringRefractory = c.integrateDuringRefractory
        u = .allocate(capacity: count)
        r = .allocate(capacity: count)
        spikes = .allocate(capacity: count)
        next = .allocate(capacity: count)
        reset()
    }

    deinit {
        u.deallocate(); r.deallocate(); spikes.deallocate(); next.deallocate()
    }

    /// All registers to 0 (start of an image).
    public func reset() {
        u.update(repeating: 0, count: count)
        r.update(repeating: 0, count: count)
        spikeCount = 0
    }

    /// One clock with input currents `current[0 ..< count]`: computes u, r and s of the next clock.
    @inline(__always)
    public func step(current: UnsafePointer<Double>) {
        var n = 0
        let uth = threshold
        for j in 0 ..< count {
            let uj = u[j]
            let rj = r[j]
            let v: Double
            if rj > 0 && !integrateDuringRefractory {
                v = uj
            } else {
                v = uj - gammaLIF * uj + current[j]
            }
            let fire = rj == 0 && v >= uth
            var after = v
            if fire {
                after = resetToZero ? 0 : v - uth
                next[n] = Int32(j)
                n += 1
            }
            u[j] = min(max(after, uMin), uth)
            r[j] = fire ? refractStart : max(rj - 1, 0)
        }
        swap(&spikes, &next)
        spikeCount = n
    }

    /// The spike register s(t) as a buffer of indices.
    @inline(__always)
    public var spikeIndices: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: spikes, count: spikeCount) }

    /// u(t) of every neuron.
    public var potentials: [Double] { Array(UnsafeBufferPointer(start: u, count: count)) }
    /// r(t) of every neuron.
    public var refractory: [Int] { (0 ..< count).map { Int(r[$0]) } }
    /// s(t) of every neuron as 0/1.
    public var spikeVector: [Double] {
        var s = [Double](repeating: 0, count: count)
        for k in 0 ..< spikeCount { s[Int(spikes[k])] = 1 }
        return s
    }
}

/// The rate-derivative estimator of a bank of neurons: leaky integrator -> delay line ->
/// difference -> FIR moving average.
///
///     V(t+1) = V(t) - gammaLI * V(t) + s(t)
///     D(t)   = V(t) - V(t - tau)                      (V before t = 0 is 0)
///     F(t+1) = (1 / N_filt) * sum_{k=0}^{N_filt-1} D(t - k)   (D before t = 0 is 0)
///
/// F approximates (tau / gammaLI) * d(rate)/dt, delayed by about tau/2 + N_filt/2 clocks.
public final class GoldenEstimatorBank {
    public let count: Int
    let gammaLI: Double
    let tau: Int
    let nFilt: Int
    let invN: Double

    /// V(t), the leaky integrator.
    let V: UnsafeMutablePointer<Double>
    /// F(t), the filtered rate derivative.
    let F: UnsafeMutablePointer<Double>
    /// Delay line: slot (t mod tau) holds V(t - tau), `tau` slots of `count` values.
    private let delay: UnsafeMutablePointer<Double>
    /// FIR taps: slot (t mod nFilt) holds D(t - nFilt); running sum of the taps in `dSum`.
    private let taps: UnsafeMutablePointer<Double>
    private let dSum: UnsafeMutablePointer<Double>
    /// D(t) of the last clock (for probes).
    let D: UnsafeMutablePointer<Double>
    private var delaySlot = 0
    private var tapSlot = 0

    public init(count: Int, config c: GoldenConfig) {
        self.count = count
        gammaLI = c.gammaLI
        tau = c.tau
        nFilt = c.nFilt
        invN = 1.0 / Double(c.nFilt)
        V = .allocate(capacity: count)
        F = .allocate(capacity: count)
        D = .allocate(capacity: count)
        dSum = .allocate(capacity: count)
        delay = .allocate(capacity: count * c.tau)
        taps = .allocate(capacity: count * c.nFilt)
        reset()
    }

    deinit {
        V.deallocate(); F.deallocate(); D.deallocate(); dSum.deallocate(); delay.deallocate(); taps.deallocate()
    }

    /// Integrator, delay line and filter to 0 (start of an image).
    public func reset() {
        V.update(repeating: 0, count: count)
        F.update(repeating: 0, count: count)
        D.update(repeating: 0, count: count)
        dSum.update(repeating: 0, count: count)
        delay.update(repeating: 0, count: count * tau)
        taps.update(repeating: 0, count: count * nFilt)
        delaySlot = 0
        tapSlot = 0
    }

    /// One clock: consumes s(t) (the bank's spike list) and moves V and F to clock t+1.
    @inline(__always)
    public func step(spikes: UnsafeBufferPointer<Int32>) {
        let line = delay + delaySlot * count
        let tap = taps + tapSlot * count
        let g = gammaLI
        for j in 0 ..< count {
            let vj = V[j]
            let d = vj - line[j]          // D(t) = V(t) - V(t - tau)
            line[j] = vj                  // read again at t + tau
            dSum[j] += d - tap[j]         // window of the last nFilt values of D
            tap[j] = d
            D[j] = d
            F[j] = dSum[j] * invN         // F(t+1)
            V[j] = vj - g * vj            // V(t+1) without the spike term
        }
        for k in spikes { V[Int(k)] += 1 }
        delaySlot += 1; if delaySlot == tau { delaySlot = 0 }
        tapSlot += 1; if tapSlot == nFilt { tapSlot = 0 }
    }

    /// V(t) of every neuron.
    public var integrator: [Double] { Array(UnsafeBufferPointer(start: V, count: count)) }
    /// F(t) of every neuron.
    public var filtered: [Double] { Array(UnsafeBufferPointer(start: F, count: count)) }
    /// D(t-1), the last difference fed to the filter.
    public var difference: [Double] { Array(UnsafeBufferPointer(start: D, count: count)) }
}
