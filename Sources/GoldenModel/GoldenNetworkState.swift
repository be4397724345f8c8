import FixedPoint

/// What a float run must carry across a checkpoint to continue bit for bit. Between images the
/// golden network's state is its weights, its biases and the random sign's register: `beginImage`
/// resets every neuron, integrator and filter, and the deferred shadows are empty after each
/// commit. Doubles are stored exactly, as their 64-bit patterns split into two 32-bit words (low
/// word first), so a resumed run reads the very numbers it wrote.
extension GoldenNetwork {
    /// Entries named `w1`, `w2`, ... (W_k), `b1`, `b2`, ... (b_k) and `sign_lfsr` (random-sign
    /// nudging only), in that order.
    public func persistentState() -> [(name: String, values: [Int32])] {
        var out: [(name: String, values: [Int32])] = []
        for k in 1 ... top { out.append(("w\(k)", Self.words(weights(k)))) }
        for k in 1 ... top { out.append(("b\(k)", Self.words(bias(k)))) }
        if let s = signLFSR { out.append(("sign_lfsr", [Int32(bitPattern: s.state)])) }
        return out
    }

    /// Loads what `persistentState` wrote; every entry of this network must be there with its size,
    /// and nothing else (a checkpoint is input: a forged or foreign one is refused in words).
    /// Nothing is changed unless every entry fits.
    public func restore(_ entries: [(name: String, values: [Int32])]) throws(GoldenError) {
        let expected = persistentState()
        var given: [String: [Int32]] = [:]
        for e in entries {
            guard let want = expected.first(where: { $0.name == e.name }) else {
                throw .badState("the checkpoint holds '\(e.name)', which this float network does not have")
            }
            guard given[e.name] == nil else { throw .badState("the checkpoint holds '\(e.name)' twice") }
            guard e.values.count == want.values.count else {
                throw .badState("'\(e.name)' has \(e.values.count) words, this float network \(want.values.count)")
            }
            given[e.name] = e.values
        }
        if let missing = expected.first(where: { given[$0.name] == nil }) {
            throw .badState("the checkpoint has no '\(missing.name)' for this float network")
        }
        var doubles: [String: [Double]] = [:]
        for (name, words) in given where name != "sign_lfsr" {
            let values = Self.doubles(words)
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw .badState("'\(name)'[\(bad)] is not a finite number")
            }
            doubles[name] = values
        }
        var sign: UInt32? = nil
        if let s = given["sign_lfsr"] {
            sign = UInt32(bitPattern: s[0])
            guard sign != 0 else { throw .badState("'sign_lfsr' is 0, the register's dead state") }
        }
        for k in 1 ... top {
            setWeights(k, doubles["w\(k)"]!)
            setBias(k, doubles["b\(k)"]!)
        }
        if let s = sign { loadSignState(s) }
    }

    static func words(_ values: [Double]) -> [Int32] {
        var out = [Int32]()
        out.reserveCapacity(2 * values.count)
        for v in values {
            let bits = v.bitPattern
            out.append(Int32(bitPattern: UInt32(truncatingIfNeeded: bits)))
            out.append(Int32(bitPattern: UInt32(truncatingIfNeeded: bits >> 32)))
        }
        return out
    }

    static func doubles(_ words: [Int32]) -> [Double] {
        stride(from: 0, to: words.count - 1, by: 2).map { i in
            Double(bitPattern: UInt64(UInt32(bitPattern: words[i])) | UInt64(UInt32(bitPattern: words[i + 1])) << 32)
        }
    }
}
