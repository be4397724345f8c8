import FixedPoint

/// The crossbar's inner loops, on raw pointers, written so that LLVM vectorises the contiguous
/// ones (no calls, no traps, Int32 arithmetic proven not to overflow by the callers' bounds).
/// Every loop here is one of the equations of `Crossbar`'s doc comment; the callers choose the
/// loop whose preconditions hold and fall back to the exact Int64 reference (`MemCtl.addRounded`)
/// otherwise.
enum XbarKernel {
    /// Words of zeros allocated past the end of the weight and shadow memories and of the
    /// row-sized scratch buffers (`acc32`, `rowDeltaCopy`). The 16-lane kernels below handle the
    /// last, partial vector of a row as a whole vector: for a row read its extra lanes read the next
    /// row (or the padding) and are never stored; for a shadow update they add the zero lanes of
    /// the padded delta, so the words past the row (the next row's first words, or the padding) are
    /// rewritten with the value they hold.
    static let pad = 16

    typealias Lanes = SIMD16<Int32>

    @inline(__always)
    static func load(_ p: UnsafePointer<Int32>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Int32>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }

    // MARK: Reads

    /// `acc[j] = sum over k < count of w[list[k] * cols + j]` in Int32, for j < cols (lanes of `acc`
    /// up to the next multiple of 16 get don't-care values). Register-blocked: for each block of 64
    /// (then 16) columns the partial sums stay in vector registers while the spiking rows stream by.
    /// Preconditions: every partial sum fits Int32 (`rows * max|w| <= Int32.max`), `count >= 1`,
    /// `w` and `acc` padded by `pad` words.
    @inline(__always)
    static func sumRowsBlocked(_ w: UnsafePointer<Int32>, cols: Int, list: UnsafePointer<Int32>, count: Int,
                               into acc: UnsafeMutablePointer<Int32>) {
        var j = 0
        while j &+ 64 <= cols {
            var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes()
            var k = 0
            while k < count {
                let p = w + (Int(list[k]) &* cols &+ j)
                a0 &+= load(p); a1 &+= load(p + 16); a2 &+= load(p + 32); a3 &+= load(p + 48)
                k &+= 1
            }
            store(a0, acc + j); store(a1, acc + j + 16); store(a2, acc + j + 32); store(a3, acc + j + 48)
            j &+= 64
        }
        while j < cols {
            var a0 = Lanes()
            var k = 0
            while k < count {
                a0 &+= load(w + (Int(list[k]) &* cols &+ j))
                k &+= 1
            }
            store(a0, acc + j)
            j &+= 16
        }
    }

    /// `acc[j] = sum over k < count of w[list[k] * cols + j]` in Int32. Precondition: every partial
    /// sum fits Int32 (the caller checked `rows * max|w| <= Int32.max`), `count >= 1`.
    @inline(__always)
    static func sumRows32(_ w: UnsafePointer<Int32>, cols: Int, list: UnsafePointer<Int32>, count: Int,
                          into acc: UnsafeMutablePointer<Int32>) {
        acc.update(from: w + Int(list[0]) &* cols, count: cols)
        var k = 1
        while k &+ 4 <= count {
            let a = w + Int(list[k]) &* cols, b = w + Int(list[k &+ 1]) &* cols
            let c = w + Int(list[k &+ 2]) &* cols, d = w + Int(list[k &+ 3]) &* cols
            do { var j = 0; while j < cols { acc[j] = acc[j] &+ ((a[j] &+ b[j]) &+ (c[j] &+ d[j])); j &+= 1 } }
            k &+= 4
        }
        while k < count {
            let a = w + Int(list[k]) &* cols
            do { var j = 0; while j < cols { acc[j] = acc[j] &+ a[j]; j &+= 1 } }
            k &+= 1
        }
    }

    /// Same in Int64 (for wide weights or very many rows).
    @inline(__always)
    static func sumRows64(_ w: UnsafePointer<Int32>, cols: Int, list: UnsafePointer<Int32>, count: Int,
                          into acc: UnsafeMutablePointer<Int64>) {
        do { var j = 0; while j < cols { acc[j] = 0; j &+= 1 } }
        var k = 0
        while k &+ 2 <= count {
            let a = w + Int(list[k]) &* cols, b = w + Int(list[k &+ 1]) &* cols
            do { var j = 0; while j < cols { acc[j] = acc[j] &+ (Int64(a[j]) &+ Int64(b[j])); j &+= 1 } }
            k &+= 2
        }
        if k < count {
            let a = w + Int(list[k]) &* cols
            do { var j = 0; while j < cols { acc[j] = acc[j] &+ Int64(a[j]); j &+= 1 } }
        }
    }

    /// Column read: `acc[i] = sum over k < count of w[i * cols + list[k]]`, Int64 (gather).
    @inline(__always)
    static func sumColumns(_ w: UnsafePointer<Int32>, rows: Int, cols: Int, list: UnsafePointer<Int32>, count: Int,
                           into acc: UnsafeMutablePointer<Int64>) {
        do { var i = 0; while i < rows {
            let row = w + i &* cols
            var s: Int64 = 0
            for k in 0..<count { s &+= Int64(row[Int(list[k])]) }
            acc[i] = s
            i &+= 1
        } }
    }

    /// Column read in Int32: `acc[i] = sum over k < count of w[i * cols + list[k]]`. Precondition:
    /// `cols * max|w| <= Int32.max` (every partial sum fits), `count >= 1`.
    @inline(__always)
    static func sumColumns32(_ w: UnsafePointer<Int32>, rows: Int, cols: Int, list: UnsafePointer<Int32>, count: Int,
                             into acc: UnsafeMutablePointer<Int32>) {
        if count == 1 {
            let c = w + Int(list[0])
            var i = 0
            while i < rows { acc[i] = c[i &* cols]; i &+= 1 }
            return
        }
        var i = 0
        while i < rows {
            let row = w + i &* cols
            var s: Int32 = 0
            var k = 0
            while k < count { s &+= row[Int(list[k])]; k &+= 1 }
            acc[i] = s
            i &+= 1
        }
    }

    /// Converts exact Int32 sums with `shift` = weight frac - current frac to the current format:
    /// `shift <= 0`: `acc * 2^-shift` (exact); `shift > 0`: `acc / 2^shift` rounded by `rounding`
    /// (truncate, nearest or nearestEven); then saturated to [lo, hi]. Returns the saturations.
    @inline(__always)
    static func convert32(_ acc: UnsafePointer<Int32>, count n: Int, shift: Int, rounding: Rounding,
                          lo: Int32, hi: Int32, into out: UnsafeMutablePointer<Int32>) -> Int {
        var sat: Int32 = 0
        if shift <= 0 {
            let k = Int32(-shift)
            // acc * 2^k in [lo, hi]  <=>  acc in [ceil(lo / 2^k), floor(hi / 2^k)]
            let alo = Int32(truncatingIfNeeded: -((-Int64(lo)) >> Int64(k)))
            let ahi = Int32(truncatingIfNeeded: Int64(hi) >> Int64(k))
            do { var j = 0; while j < n {
                let a = acc[j]
                let over = a > ahi, under = a < alo
                out[j] = over ? hi : (under ? lo : a &<< k)
                sat &+= (over || under) ? 1 : 0
                j &+= 1
            } }
            return Int(sat)
        }
        let s = Int32(shift)
        let mask: Int32 = s >= 32 ? -1 : Int32(truncatingIfNeeded: (Int64(1) << Int64(s)) - 1)
        let half: Int32 = Int32(truncatingIfNeeded: Int64(1) << Int64(s - 1))
        switch rounding {
        case .nearest:
            do { var j = 0; while j < n {
                let a = acc[j]
                let v = (a &>> s) &+ ((a &>> (s &- 1)) & 1)
                let c = min(max(v, lo), hi)
                out[j] = c
                sat &+= c != v ? 1 : 0
                j &+= 1
            } }
        case .nearestEven:
            do { var j = 0; while j < n {
                let a = acc[j]
                let f = a &>> s, r = a & mask
                let v = f &+ ((r > half || (r == half && (f & 1) != 0)) ? 1 : 0)
                let c = min(max(v, lo), hi)
                out[j] = c
                sat &+= c != v ? 1 : 0
                j &+= 1
            } }
        case .truncate, .stochastic:   // stochastic is rejected for reads at construction
            do { var j = 0; while j < n {
                let v = acc[j] &>> s
                let c = min(max(v, lo), hi)
                out[j] = c
                sat &+= c != v ? 1 : 0
                j &+= 1
            } }
        }
        return Int(sat)
    }

    /// Reference conversion of one exact Int64 sum (wide path).
    @inline(__always)
    static func convert64(_ acc: UnsafePointer<Int64>, count n: Int, fromFrac: Int, to format: QFormat, rounding: Rounding,
                          into out: UnsafeMutablePointer<Int32>) -> Int {
        var sat = 0
        do { var j = 0; while j < n {
            out[j] = Int32(truncatingIfNeeded: Fixed.convert(acc[j], fromFrac: fromFrac, to: format, rounding: rounding,
                                                             overflow: .saturate, saturations: &sat))
            j &+= 1
        } }
        return sat
    }

    // MARK: Updates

    /// Geometry of the Int32 update path of a weight format of width `w <= 28` (see `Crossbar`):
    /// increments are kept within +-B, B = 2^w + 2, or replaced by an equivalent representative.
    struct UpdatePlan {
        let shift: Int          // delta frac - weight frac
        let rounding: Rounding
        let overflow: Overflow
        let format: QFormat     // weight format
        let lo: Int32, hi: Int32
        let bound: Int32        // B
        let wrapShift: Int32    // 32 - width (signed wrap)
        let wrapMask: Int32     // 2^width - 1 (unsigned wrap)
        let remMask: Int32      // 2^shift - 1 when shift > 0
        let half: Int32

        init(shift: Int, rounding: Rounding, overflow: Overflow, format: QFormat) {
            self.shift = shift
            self.rounding = rounding
            self.overflow = overflow
            self.format = format
            lo = Int32(format.minRaw)
            hi = Int32(format.maxRaw)
            bound = Int32((Int64(1) << format.width) + 2)
            wrapShift = Int32(32 - format.width)
            wrapMask = Int32((Int64(1) << format.width) - 1)
            remMask = shift > 0 ? Int32(truncatingIfNeeded: (Int64(1) << shift) - 1) : 0
            half = shift > 0 ? Int32(truncatingIfNeeded: Int64(1) << (shift - 1)) : 0
        }

        /// An Int32 stand-in for an exact increment `e` (weight LSBs): itself when |e| <= B; else,
        /// saturate: +-B (the sum saturates to the same bound); wrap: a value congruent to `e`
        /// mod 2^w in [2^(w+1), 3*2^w) or [-3*2^w, -2^(w+1)) (same wrapped result, still counted).
        @inline(__always)
        func reduce(_ e: Int64) -> Int32 {
            let b = Int64(bound)
            if e >= -b && e <= b { return Int32(truncatingIfNeeded: e) }
            if overflow == .saturate { return e > 0 ? bound : -bound }
            let w = format.width
            let m = e & ((Int64(1) << w) - 1)
            return Int32(truncatingIfNeeded: e > 0 ? (Int64(1) << (w + 1)) + m : -3 * (Int64(1) << w) + m)
        }
    }

    /// `inc[j]` = the rounded increment of `src[j]` (stochastic: its floor, and `rem[j]` the dropped
    /// bits, to be compared with a draw later), reduced by `plan.reduce`.
    @inline(__always)
    static func prepare(_ src: UnsafePointer<Int32>, count n: Int, plan p: UpdatePlan,
                        inc: UnsafeMutablePointer<Int32>, rem: UnsafeMutablePointer<Int32>) {
        let s = Int32(truncatingIfNeeded: p.shift)
        if p.shift > 0 && p.overflow == .saturate {
            // |src >> s| < 2^30: clamp to +-B in Int32 (equivalent to reduce for saturate).
            let b = p.bound, nb = -p.bound
            switch p.rounding {
            case .truncate:
                do { var j = 0; while j < n { inc[j] = min(max(src[j] &>> s, nb), b); j &+= 1 } }
            case .nearest:
                do { var j = 0; while j < n {
                    let x = src[j]
                    inc[j] = min(max(x &>> s, nb), b) &+ ((x &>> (s &- 1)) & 1)
                    j &+= 1
                } }
            case .nearestEven:
                let mask = p.remMask, half = p.half
                do { var j = 0; while j < n {
                    let x = src[j]
                    let f = x &>> s, r = x & mask
                    inc[j] = min(max(f, nb), b) &+ ((r > half || (r == half && (f & 1) != 0)) ? 1 : 0)
                    j &+= 1
                } }
            case .stochastic:
                let mask = p.remMask
                do { var j = 0; while j < n {
                    let x = src[j]
                    inc[j] = min(max(x &>> s, nb), b)
                    rem[j] = x & mask
                    j &+= 1
                } }
            }
            return
        }
        // General (exact Int64, then reduce): wrap mode, or delta with no more fraction bits.
        let stochastic = p.rounding == .stochastic
        do { var j = 0; while j < n {
            let x = Int64(src[j])
            let e = Fixed.shiftRightRounded(x, by: p.shift, rounding: stochastic ? .truncate : p.rounding)
            inc[j] = p.reduce(e)
            if stochastic { rem[j] = p.shift > 0 ? Int32(truncatingIfNeeded: x & Int64(p.remMask)) : 0 }
            j &+= 1
        } }
    }

    /// Read-modify-write of `n` contiguous words: `w[j] = fit(w[j] + inc[j])`, fit = saturate to
    /// [lo, hi] or wrap to the width. Returns the number of words that saturated or wrapped.
    /// Out-of-range sums are rare, so the vector pass stores the plain sums (they fit Int32) and
    /// only flags a row that needs the `fitRow` pass.
    @inline(__always)
    static func rmw(_ w: UnsafeMutablePointer<Int32>, _ inc: UnsafePointer<Int32>, count n: Int, plan p: UpdatePlan) -> Int {
        let lo = p.lo, span = UInt32(bitPattern: p.hi &- p.lo)
        var bad: UInt32 = 0
        var j = 0
        while j < n {
            let s = w[j] &+ inc[j]
            w[j] = s
            bad |= UInt32(bitPattern: s &- lo) > span ? 1 : 0
            j &+= 1
        }
        return bad == 0 ? 0 : fitRow(w, count: n, plan: p)
    }

    /// Stochastic read-modify-write: `w[j] = fit(w[j] + inc[j] + (rem[j] > (draw[j] & mask)))`.
    @inline(__always)
    static func rmwStochastic(_ w: UnsafeMutablePointer<Int32>, _ inc: UnsafePointer<Int32>, _ rem: UnsafePointer<Int32>,
                              _ draws: UnsafePointer<Int32>, count n: Int, plan p: UpdatePlan) -> Int {
        let lo = p.lo, span = UInt32(bitPattern: p.hi &- p.lo), mask = p.remMask
        var bad: UInt32 = 0
        var j = 0
        while j < n {
            let s = w[j] &+ inc[j] &+ (rem[j] > (draws[j] & mask) ? 1 : 0)
            w[j] = s
            bad |= UInt32(bitPattern: s &- lo) > span ? 1 : 0
            j &+= 1
        }
        return bad == 0 ? 0 : fitRow(w, count: n, plan: p)
    }

    /// Fits every out-of-range word of a row (saturate or wrap) and counts them.
    @inline(never)
    static func fitRow(_ w: UnsafeMutablePointer<Int32>, count n: Int, plan p: UpdatePlan) -> Int {
        var sat = 0
        var j = 0
        while j < n {
            let s = w[j]
            if s < p.lo || s > p.hi {
                switch p.overflow {
                case .saturate: w[j] = s < p.lo ? p.lo : p.hi
                case .wrap: w[j] = p.format.isSigned ? (s &<< p.wrapShift) &>> p.wrapShift : s & p.wrapMask
                }
                sat &+= 1
            }
            j &+= 1
        }
        return sat
    }

    /// Strided read-modify-write (a column: word i at w[i * stride]); `draws` nil = deterministic.
    @inline(__always)
    static func rmwStrided(_ w: UnsafeMutablePointer<Int32>, stride: Int, _ inc: UnsafePointer<Int32>, _ rem: UnsafePointer<Int32>,
                           _ draws: UnsafePointer<Int32>?, count n: Int, plan p: UpdatePlan) -> Int {
        var sat = 0
        do { var i = 0; while i < n {
            let a = w + i &* stride
            var s = a.pointee &+ inc[i]
            if let d = draws { s &+= rem[i] > (d[i] & p.remMask) ? 1 : 0 }
            let c: Int32
            switch p.overflow {
            case .saturate: c = min(max(s, p.lo), p.hi)
            case .wrap: c = p.format.isSigned ? (s &<< p.wrapShift) &>> p.wrapShift : s & p.wrapMask
            }
            a.pointee = c
            sat &+= c != s ? 1 : 0
            i &+= 1
        } }
        return sat
    }

    /// Deferred row updates: `s[r * cols + j] += delta[j]` for every row r in `list` and j < cols,
    /// stored without clamping (the sums fit Int32: both terms lie within +-2^30). The delta block
    /// stays in registers while the rows stream by. Returns true when some sum left [lo, hi]; the
    /// caller then fits those words (`fitRows`). Rows in `list` are distinct, so each word gets one
    /// addition and the order does not matter. Preconditions: `delta` holds zeros in its lanes from
    /// cols up to the next multiple of 16, `s` is padded by `pad` words.
    @inline(__always)
    static func accumulateRows(_ s: UnsafeMutablePointer<Int32>, cols: Int, list: UnsafePointer<Int32>, count: Int,
                               delta: UnsafePointer<Int32>, lo: Int32, hi: Int32) -> Bool {
        var mn = Lanes(repeating: Int32.max), mx = Lanes(repeating: Int32.min)
        var j = 0
        while j &+ 32 <= cols {
            let d0 = load(delta + j), d1 = load(delta + j + 16)
            var k = 0
            while k < count {
                let p = s + (Int(list[k]) &* cols &+ j)
                let v0 = load(p) &+ d0, v1 = load(p + 16) &+ d1
                store(v0, p); store(v1, p + 16)
                mn = mn.replacing(with: v0, where: v0 .< mn); mn = mn.replacing(with: v1, where: v1 .< mn)
                mx = mx.replacing(with: v0, where: v0 .> mx); mx = mx.replacing(with: v1, where: v1 .> mx)
                k &+= 1
            }
            j &+= 32
        }
        while j < cols {
            let d0 = load(delta + j)
            var k = 0
            while k < count {
                let p = s + (Int(list[k]) &* cols &+ j)
                let v0 = load(p) &+ d0
                store(v0, p)
                mn = mn.replacing(with: v0, where: v0 .< mn); mx = mx.replacing(with: v0, where: v0 .> mx)
                k &+= 1
            }
            j &+= 16
        }
        return mn.min() < lo || mx.max() > hi
    }

    // MARK: Rank-1 commit

    /// Once per rank-1 sweep: `quotient[j] = floor(a[j] / t)`, `remainder[j] = a[j] - quotient[j] * t`
    /// in [0, t), for t >= 1.
    @inline(__always)
    static func splitByClocks(_ a: UnsafePointer<Int32>, count n: Int, clocks t: Int32,
                              quotient: UnsafeMutablePointer<Int32>, remainder: UnsafeMutablePointer<Int32>) {
        let t64 = Int64(t)
        var j = 0
        while j < n {
            let x = Int64(a[j])
            var q = x / t64, r = x - q * t64
            if r < 0 { q -= 1; r += t64 }
            quotient[j] = Int32(truncatingIfNeeded: q)
            remainder[j] = Int32(truncatingIfNeeded: r)
            j &+= 1
        }
    }

    /// Exact division by the learning-clock count t (1 <= t < 2^15) of a dividend below 2^30, as a
    /// multiply-high: `floor(p / t) = (p * magic) >> shift` with l = ceil(log2 t), shift = 30 + l,
    /// magic = ceil(2^shift / t) <= 2^31 + 1. Exact for 0 <= p < 2^30: with magic * t = 2^shift + e,
    /// 0 <= e < t <= 2^l, p * magic / 2^shift = p / t + p e / (t 2^shift), an excess below
    /// p / (t 2^30) < 1 / t; and p / t = f + R / t with R <= t - 1, so the product stays below
    /// f + 1 and its floor is f. (Granlund and Montgomery 1994; the products fit 62 bits.)
    struct ClockDivider {
        let t: Int32
        let magic: UInt32
        let shift: UInt64
        init(_ t: Int32) {
            precondition(t >= 1 && t < 1 << 15)
            self.t = t
            let l = t == 1 ? 0 : 32 - UInt32(t - 1).leadingZeroBitCount
            shift = UInt64(30 + l)
            magic = UInt32(((UInt64(1) << shift) + UInt64(t) - 1) / UInt64(t))
        }
        /// (floor(n * A / t), (n * A) mod t) for A = q * t + r (the split of `splitByClocks`) and
        /// 0 <= n <= t: n * r < t^2 < 2^30 is divided exactly; the quotient, |x| <= |A|, is formed
        /// in wrapping Int32 arithmetic, exact because the true result fits.
        @inline(__always)
        func split(count n: Int32, quotient q: Int32, remainder r: Int32) -> (x: Int32, rem: Int32) {
            let p = n &* r
            let f = Int32(truncatingIfNeeded: (UInt64(UInt32(bitPattern: p)) &* UInt64(magic)) &>> shift)
            return (n &* q &+ f, p &- f &* t)
        }
    }

    /// The increments of one row of the rank-1 commit, in weight LSBs and reduced by `plan.reduce`:
    /// `rnd1(n * A[j] / T)` of `Crossbar` for the row's count `n` (1 <= n <= T), from the split
    /// `A[j] = quotient[j] * T + remainder[j]`. Precondition: `plan.shift` = s >= 0.
    ///
    /// x = floor(n A / T) and R = (n A) mod T (`ClockDivider.split`); with q = x >> s and
    /// rem = x mod 2^s, the documented q and r are q and rem * T + R. For s >= 1 the decisions
    /// reduce to Int32 tests on (rem, R): nearest `2r >= D` <=> rem >= 2^(s-1) (R / T < 1 cannot
    /// lift a smaller rem to half); nearestEven `2r > D` <=> rem > half or (rem = half and R > 0);
    /// stochastic `r 2^(32-s) > rotr32(x, s) T` <=> rem > u, or rem = u and R 2^(32-s) > v T, with
    /// u the draw's low s bits and v = draw >> s. Saturating weights (the designs' case) run these
    /// loops vectorised; wrap, or s = 0, the same decisions on the documented (q, r, D) per word.
    @inline(__always)
    static func rank1Increments(count n: Int32, divider dv: ClockDivider, quotient: UnsafePointer<Int32>, remainder: UnsafePointer<Int32>,
                                columns cols: Int, plan p: UpdatePlan, draws: UnsafePointer<Int32>?,
                                into inc: UnsafeMutablePointer<Int32>) {
        let s = Int32(truncatingIfNeeded: p.shift)
        let mask = p.remMask, half = p.half
        if p.shift >= 1 && p.overflow == .saturate {
            // |q| < 2^30: clamp to +-B, then add the rounding bit (as `prepare`: the sum saturates alike).
            let b = p.bound, nb = -p.bound
            switch p.rounding {
            case .truncate:
                do { var j = 0; while j < cols {
                    let x = dv.split(count: n, quotient: quotient[j], remainder: remainder[j]).x
                    inc[j] = min(max(x &>> s, nb), b)
                    j &+= 1
                } }
            case .nearest:
                do { var j = 0; while j < cols {
                    let x = dv.split(count: n, quotient: quotient[j], remainder: remainder[j]).x
                    inc[j] = min(max(x &>> s, nb), b) &+ ((x &>> (s &- 1)) & 1)
                    j &+= 1
                } }
            case .nearestEven:
                do { var j = 0; while j < cols {
                    let (x, rr) = dv.split(count: n, quotient: quotient[j], remainder: remainder[j])
                    let q = x &>> s, rem = x & mask
                    let up = rem > half || (rem == half && (rr != 0 || q & 1 != 0))
                    inc[j] = min(max(q, nb), b) &+ (up ? 1 : 0)
                    j &+= 1
                } }
            case .stochastic:
                let d = draws!, m = UInt64(32 &- s), t = UInt64(dv.t)
                do { var j = 0; while j < cols {
                    let (x, rr) = dv.split(count: n, quotient: quotient[j], remainder: remainder[j])
                    let q = x &>> s, rem = x & mask
                    let u = d[j] & mask, v = UInt32(bitPattern: d[j]) &>> UInt32(s)
                    let finer = UInt64(UInt32(bitPattern: rr)) &<< m > UInt64(v) &* t
                    let up = rem > u || (rem == u && finer)
                    inc[j] = min(max(q, nb), b) &+ (up ? 1 : 0)
                    j &+= 1
                } }
            }
            return
        }
        let t64 = Int64(dv.t)
        let d = t64 << Int64(s)                     // D = t * 2^s
        do { var j = 0; while j < cols {
            let (x, rr) = dv.split(count: n, quotient: quotient[j], remainder: remainder[j])
            let r = Int64(x & mask) &* t64 &+ Int64(rr)
            let q = Int64(x &>> s)
            let up: Bool
            switch p.rounding {
            case .truncate: up = false
            case .nearest: up = 2 &* r >= d
            case .nearestEven: up = 2 &* r > d || (2 &* r == d && q & 1 != 0)
            case .stochastic:
                let u = UInt32(bitPattern: draws![j]), m = UInt32(32 &- s)
                up = r &<< Int64(m) > Int64(u &>> UInt32(s) | u &<< m) &* t64
            }
            inc[j] = p.reduce(q &+ (up ? 1 : 0))
            j &+= 1
        } }
    }

    /// Clamps the out-of-range words of the listed rows to [lo, hi]; returns how many there were.
    @inline(never)
    static func fitRows(_ s: UnsafeMutablePointer<Int32>, cols: Int, list: UnsafePointer<Int32>, count: Int,
                        lo: Int32, hi: Int32) -> Int {
        var sat = 0
        for k in 0..<count {
            let row = s + Int(list[k]) &* cols
            for j in 0..<cols {
                let v = row[j]
                if v < lo || v > hi { row[j] = v < lo ? lo : hi; sat &+= 1 }
            }
        }
        return sat
    }

    /// Saturating add of a delta vector into shadow words (same format, no rounding), Int32 path.
    /// Precondition: the format's range lies within [-2^30, 2^30].
    @inline(__always)
    static func accumulate(_ s: UnsafeMutablePointer<Int32>, _ d: UnsafePointer<Int32>, count n: Int, lo: Int32, hi: Int32) -> Int {
        let span = UInt32(bitPattern: hi &- lo)
        var bad: UInt32 = 0
        var j = 0
        while j < n {
            let v = s[j] &+ d[j]
            s[j] = v
            bad |= UInt32(bitPattern: v &- lo) > span ? 1 : 0
            j &+= 1
        }
        if bad == 0 { return 0 }
        var sat = 0
        j = 0
        while j < n {
            let v = s[j]
            if v < lo || v > hi { s[j] = v < lo ? lo : hi; sat &+= 1 }
            j &+= 1
        }
        return sat
    }
}
