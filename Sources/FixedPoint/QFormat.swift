/// A fixed-point number format: signedness, integer bits and fraction bits.
///
/// Notation `s1.7` is signed with 1 integer bit *including the sign* and 7 fraction bits: 8 bits in
/// all, range [-1, 1 - 2^-7]. `u2.6` is unsigned with 2 integer bits and 6 fraction bits: range
/// [0, 4 - 2^-6]. A raw value `r` stands for the real number `r / 2^fracBits`.
/// The total width is 1...32 bits; intermediate results are computed in wider integers.
public struct QFormat: Hashable, Sendable, CustomStringConvertible {
    public let isSigned: Bool
    public let intBits: Int
    public let fracBits: Int

    public static let maxWidth = 32

    /// Creates a format; traps on an impossible one. Use `validated` for user input.
    public init(signed: Bool, intBits: Int, fracBits: Int) {
        switch QFormat.check(signed: signed, intBits: intBits, fracBits: fracBits) {
        case .success: break
        case .failure(let e): preconditionFailure(e.description)
        }
        self.isSigned = signed
        self.intBits = intBits
        self.fracBits = fracBits
    }

    /// A single bit: spikes, enables.
    public static let bit = QFormat(signed: false, intBits: 1, fracBits: 0)

    public static func validated(signed: Bool, intBits: Int, fracBits: Int) throws(FixedPointError) -> QFormat {
        if case .failure(let e) = check(signed: signed, intBits: intBits, fracBits: fracBits) { throw e }
        return QFormat(signed: signed, intBits: intBits, fracBits: fracBits)
    }

    private static func check(signed: Bool, intBits: Int, fracBits: Int) -> Result<Void, FixedPointError> {
        if intBits < 0 { return .failure(.invalidFormat("integer bits must be >= 0, got \(intBits)")) }
        if fracBits < 0 { return .failure(.invalidFormat("fraction bits must be >= 0, got \(fracBits)")) }
        if signed && intBits < 1 { return .failure(.invalidFormat("a signed format needs at least 1 integer bit (the sign)")) }
        let w = intBits + fracBits
        if w < 1 || w > maxWidth { return .failure(.invalidFormat("total width must be 1...\(maxWidth) bits, got \(w)")) }
        return .success(())
    }

    /// Parses `s1.7`, `u0.8`, `s16` (integer), `u1` (one bit).
    public static func parse(_ text: String) throws(FixedPointError) -> QFormat {
        guard let first = text.first, first == "s" || first == "u" else {
            throw .invalidFormat("'\(text)' is not a format: expected s<int>.<frac> or u<int>.<frac>, e.g. s1.7")
        }
        let body = text.dropFirst()
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let i = Int(parts[0]), parts[0].allSatisfy(\.isNumber),
              parts.count == 1 || (Int(parts[1]) != nil && parts[1].allSatisfy(\.isNumber)) else {
            throw .invalidFormat("'\(text)' is not a format: expected s<int>.<frac> or u<int>.<frac>, e.g. s1.7")
        }
        let f = parts.count == 2 ? Int(parts[1])! : 0
        return try validated(signed: first == "s", intBits: i, fracBits: f)
    }

    public var width: Int { intBits + fracBits }
    public var minRaw: Int64 { isSigned ? -(Int64(1) << (width - 1)) : 0 }
    public var maxRaw: Int64 { isSigned ? (Int64(1) << (width - 1)) - 1 : (Int64(1) << width) - 1 }
    /// Value of one least significant bit.
    public var lsb: Double { 1.0 / Double(Int64(1) << fracBits) }
    public var minValue: Double { Double(minRaw) * lsb }
    public var maxValue: Double { Double(maxRaw) * lsb }
    /// Whether raw values fit the simulator's Int32 lane storage (all but unsigned 32-bit).
    public var fitsInt32Lanes: Bool { maxRaw <= Int64(Int32.max) }

    public var description: String { "\(isSigned ? "s" : "u")\(intBits).\(fracBits)" }

    public func toDouble(_ raw: Int64) -> Double { Double(raw) * lsb }

    public func contains(raw: Int64) -> Bool { raw >= minRaw && raw <= maxRaw }
}

public enum FixedPointError: Error, Equatable, CustomStringConvertible {
    case invalidFormat(String)
    case notFinite(Double)

    public var description: String {
        switch self {
        case .invalidFormat(let m): return m
        case .notFinite(let v): return "cannot quantise a non-finite value (\(v))"
        }
    }
}
