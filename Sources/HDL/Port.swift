import FixedPoint

/// A named, typed, `lanes`-wide signal of a block: an input port, an output port or a state register.
/// `pointer` always addresses the current (settled) values: for an output or register, the block's
/// own storage; for an input, the driver's storage (aliased) or a simulator-owned gather buffer.
public final class Port {
    public enum Kind: String, Sendable { case input, output, register }
    /// When an output's value becomes valid in a clock.
    public enum Timing: Sendable {
        /// Computed by the owning block's `evaluate()` (may depend on inputs): consumers evaluate after it.
        case combinational
        /// A register's current value: valid from the start of the clock, so no ordering constraint.
        case registered
    }

    public let name: String
    public let kind: Kind
    public let lanes: Int
    public let format: QFormat
    public let timing: Timing
    /// An input the design may leave undriven (it then reads zero and the block can skip work).
    public let isOptional: Bool
    /// Names of particular raw values, from the declaration (see `PortDeclaration.valueNames`).
    public let valueNames: [Int32: String]
    /// The block this port belongs to.
    public var owner: Block { ownerReference! }
    /// Set once, when the block adopts the port (a declared port is made before its block exists).
    private unowned(unsafe) var ownerReference: Block?
    public internal(set) var pointer: UnsafeMutablePointer<Int32>
    /// True once the simulator bound a driver to this input (always true for outputs and registers).
    public internal(set) var isConnected: Bool
    /// Storage owned by this port (outputs, registers, and inputs before they are bound).
    public let storage: LaneBuffer

    /// A port as its block type declares it, not yet owned (see `DeclaredPorts`).
    convenience init(_ d: PortDeclaration) {
        self.init(name: d.name, kind: d.kind, lanes: d.lanes, format: d.format, timing: d.timing, optional: d.isOptional, owner: nil,
                  valueNames: d.valueNames)
    }

    init(name: String, kind: Kind, lanes: Int, format: QFormat, timing: Timing, optional: Bool, owner: Block?, valueNames: [Int32: String] = [:]) {
        precondition(lanes >= 1, "port \(name) needs at least one lane")
        self.name = name
        self.kind = kind
        self.lanes = lanes
        self.format = format
        self.timing = timing
        self.isOptional = optional
        self.valueNames = valueNames
        ownerReference = owner
        storage = LaneBuffer(count: lanes)
        pointer = storage.base
        isConnected = kind != .input
    }

    func adopt(by block: Block) {
        precondition(ownerReference == nil, "port \(name) already belongs to a block")
        ownerReference = block
    }

    /// `instance.port`, as used in netlists, VCD scopes and messages.
    public var fullName: String { "\(owner.name).\(name)" }

    public var buffer: UnsafeMutableBufferPointer<Int32> { UnsafeMutableBufferPointer(start: pointer, count: lanes) }

    /// Current raw values (a copy, for tests and reports; hot code uses `pointer`).
    public var values: [Int32] { Array(buffer) }

    public func value(_ lane: Int) -> Int32 { pointer[lane] }

    /// Real value of one lane.
    public func real(_ lane: Int) -> Double { format.toDouble(Int64(pointer[lane])) }

    /// Writes host-side values into an output or register (test benches, host-driven inputs).
    public func set(_ values: [Int32]) {
        precondition(values.count == lanes && kind != .input)
        for i in 0..<lanes { pointer[i] = values[i] }
    }
}
