/// FNV-1a 64-bit hash: a stable fingerprint (same bytes, same value on every platform and run),
/// used to tie checkpoints to the design they belong to.
public struct Fingerprint {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for b in bytes {
            value ^= UInt64(b)
            value = value &* 0x0000_0100_0000_01B3
        }
    }

    public mutating func add(_ s: String) {
        add(s.utf8)
        add([0])
    }

    public var hex: String {
        let h = String(value, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h
    }
}
