import FixedPoint

/// A wire from lanes of an output (or register) to lanes of an input.
public struct Connection {
    public let source: Port
    public let sourceLanes: Range<Int>
    public let destination: Port
    public let destinationLanes: Range<Int>
    /// Explicit format conversion when the formats differ; nil means they must be equal.
    public let resize: Resize?

    public struct Resize: Sendable, Equatable {
        public let rounding: Rounding
        public let overflow: Overflow
        public init(rounding: Rounding, overflow: Overflow) {
            self.rounding = rounding
            self.overflow = overflow
        }
    }

    /// Whole port to whole port.
    public init(_ source: Port, _ destination: Port, resize: Resize? = nil) {
        self.init(source, 0..<source.lanes, destination, 0..<destination.lanes, resize: resize)
    }

    public init(_ source: Port, _ sourceLanes: Range<Int>, _ destination: Port, _ destinationLanes: Range<Int>, resize: Resize? = nil) {
        self.source = source
        self.sourceLanes = sourceLanes
        self.destination = destination
        self.destinationLanes = destinationLanes
        self.resize = resize
    }
}

/// A copy the simulator performs before the destination block evaluates: for inputs driven in
/// pieces, or through a format conversion. Whole-port, same-format wires are aliased instead (free).
@usableFromInline
struct GatherCopy {
    let source: UnsafeMutablePointer<Int32>
    let destination: UnsafeMutablePointer<Int32>
    let count: Int
    /// Conversion: source fraction bits, destination format and modes; nil = plain copy.
    let conversion: (fromFrac: Int, to: QFormat, rounding: Rounding, overflow: Overflow)?
    let owner: Block

    @inline(__always)
    func run(rng: inout LFSR32) {
        guard let c = conversion else {
            destination.update(from: source, count: count)
            return
        }
        var sat = 0
        for i in 0..<count {
            let bits = c.rounding == .stochastic ? UInt64(rng.next()) : 0
            destination[i] = Int32(truncatingIfNeeded: Fixed.convert(Int64(source[i]), fromFrac: c.fromFrac, to: c.to,
                                                                      rounding: c.rounding, overflow: c.overflow,
                                                                      randomBits: bits, saturations: &sat))
        }
        owner.saturations &+= sat
    }
}
