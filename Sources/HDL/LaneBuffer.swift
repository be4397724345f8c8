/// Contiguous raw lane storage (Int32 per lane), owned by a block or by the simulator.
/// A class so that its address is stable for the lifetime of the design: ports alias into it and
/// hot loops read and write through the pointer without bounds checks or copy-on-write.
public final class LaneBuffer {
    public let count: Int
    public let base: UnsafeMutablePointer<Int32>

    public init(count: Int, initial: Int32 = 0) {
        precondition(count >= 0)
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: initial, count: max(count, 1))
    }

    deinit { base.deallocate() }

    public var buffer: UnsafeMutableBufferPointer<Int32> { UnsafeMutableBufferPointer(start: base, count: count) }

    public func fill(_ v: Int32) { base.update(repeating: v, count: count) }

    public func copy(from other: LaneBuffer) {
        precondition(other.count == count)
        base.update(from: other.base, count: count)
    }

    public subscript(i: Int) -> Int32 {
        get { base[i] }
        set { base[i] = newValue }
    }

    public var array: [Int32] { Array(buffer) }
}
