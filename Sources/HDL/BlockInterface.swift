import FixedPoint

/// One port of a block type's interface: what a netlist can wire or probe, known from the
/// parameters alone (no block allocated).
public struct PortDeclaration: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    /// input, output or register (a state register visible to probes).
    public let kind: Port.Kind
    public let lanes: Int
    public let format: QFormat
    /// For an output: registered (no ordering constraint) or combinational (readers evaluate after).
    /// Inputs are `combinational`, registers `registered`.
    public let timing: Port.Timing
    /// An input the design may leave undriven.
    public let isOptional: Bool
    /// Names of particular raw values (an enumeration such as a phase: 0 free, 1 nudge, 2 done),
    /// shown instead of the number by waveform viewers. Empty for an ordinary number.
    public var valueNames: [Int32: String] = [:]

    public init(name: String, kind: Port.Kind, lanes: Int, format: QFormat, timing: Port.Timing, isOptional: Bool,
                valueNames: [Int32: String] = [:]) {
        self.name = name
        self.kind = kind
        self.lanes = lanes
        self.format = format
        self.timing = timing
        self.isOptional = isOptional
        self.valueNames = valueNames
    }

    /// The same port with names for some of its raw values (`.output(...).naming([0: "free", ...])`).
    public func naming(_ names: [Int32: String]) -> PortDeclaration {
        var d = self
        d.valueNames = names
        return d
    }

    public static func input(_ name: String, lanes: Int, format: QFormat, optional: Bool = false) -> PortDeclaration {
        PortDeclaration(name: name, kind: .input, lanes: lanes, format: format, timing: .combinational, isOptional: optional)
    }
    public static func output(_ name: String, lanes: Int, format: QFormat, timing: Port.Timing) -> PortDeclaration {
        PortDeclaration(name: name, kind: .output, lanes: lanes, format: format, timing: timing, isOptional: false)
    }
    public static func register(_ name: String, lanes: Int, format: QFormat) -> PortDeclaration {
        PortDeclaration(name: name, kind: .register, lanes: lanes, format: format, timing: .registered, isOptional: false)
    }

    public var description: String {
        "\(kind.rawValue) \(name)[\(lanes)] \(format)\(kind == .output ? (timing == .registered ? " registered" : " combinational") : "")\(isOptional ? " optional" : "")"
    }
}

/// One piece of hardware storage: `words` words of `wordBits` bits, for budgets and for the
/// simulator's memory limit.
public struct StorageItem: Sendable, Equatable {
    public enum Kind: String, Sendable { case register, sram, delayLine = "delay line" }
    public let name: String
    public let kind: Kind
    public let words: Int
    public let wordBits: Int
    public init(name: String, kind: Kind, words: Int, wordBits: Int) {
        self.name = name
        self.kind = kind
        self.words = words
        self.wordBits = wordBits
    }
    public init(name: String, kind: Kind, words: Int, format: QFormat) {
        self.init(name: name, kind: kind, words: words, wordBits: format.width)
    }
    public var bits: Int { words * wordBits }
}

/// One entry of a block's persistent state (what a checkpoint keeps): its size in words and,
/// when the words are fixed-point numbers (memory contents), their format. Random-source states
/// have no format.
public struct PersistentDeclaration: Sendable, Equatable {
    public let name: String
    public let words: Int
    public let format: QFormat?
    public init(_ name: String, words: Int, format: QFormat? = nil) {
        self.name = name
        self.words = words
        self.format = format
    }
}

/// What a block type's instance looks like from outside, as a pure function of its parameters:
/// its ports (inputs, then outputs, then registers, each in declaration order), the storage it
/// implements and its persistent state. Elaboration, budgets and back ends read this; the cycle
/// model (a `Block`) is built to match it (tested for every block type of every shipped design).
public struct BlockInterface: Sendable, Equatable {
    public let ports: [PortDeclaration]
    public let storage: [StorageItem]
    public let persistent: [PersistentDeclaration]

    public init(ports: [PortDeclaration], storage: [StorageItem], persistent: [PersistentDeclaration] = []) {
        // Same order as a block's `signals`, so that the two compare equal.
        self.ports = ports.filter { $0.kind == .input } + ports.filter { $0.kind == .output } + ports.filter { $0.kind == .register }
        self.storage = storage
        self.persistent = persistent
    }

    /// Default storage of a block: its registers.
    public init(ports: [PortDeclaration], persistent: [PersistentDeclaration] = []) {
        self.init(ports: ports, storage: ports.filter { $0.kind == .register }.map {
            StorageItem(name: $0.name, kind: .register, words: $0.lanes, format: $0.format)
        }, persistent: persistent)
    }

    public func port(named name: String) -> PortDeclaration? { ports.first { $0.name == name } }
    public var inputs: [PortDeclaration] { ports.filter { $0.kind == .input } }
    public var outputs: [PortDeclaration] { ports.filter { $0.kind == .output } }
    public var registers: [PortDeclaration] { ports.filter { $0.kind == .register } }

    /// Words of lane and memory state an instance holds (ports plus storage): what building its
    /// cycle model allocates, for the simulator's memory limit.
    public var stateWords: Int {
        var total = 0
        for n in ports.map(\.lanes) + storage.map(\.words) {
            let (s, o) = total.addingReportingOverflow(n)
            total = o ? Int.max : s
        }
        return total
    }
}

extension Block {
    /// The interface of this instance as built (ports, storage, persistent state sizes and formats),
    /// to compare with its type's declared interface.
    public var builtInterface: BlockInterface {
        let formats = Dictionary(persistentFormats.map { ($0.name, $0.format) }, uniquingKeysWith: { a, _ in a })
        return BlockInterface(
            ports: signals.map { PortDeclaration(name: $0.name, kind: $0.kind, lanes: $0.lanes, format: $0.format, timing: $0.timing, isOptional: $0.isOptional, valueNames: $0.valueNames) },
            storage: storage,
            persistent: persistentState.map { PersistentDeclaration($0.name, words: $0.values.count, format: formats[$0.name]) })
    }
}

/// The ports of a block made from its declared interface before the block exists: the block keeps
/// them in `let` properties (`x = ports["x"]`) and hands them to `Block.init(name:ports:)`, so its
/// ports cannot differ from its declaration.
public struct DeclaredPorts {
    public let interface: BlockInterface
    let all: [Port]

    public init(_ interface: BlockInterface) {
        self.interface = interface
        all = interface.ports.map { Port($0) }
    }

    /// A declared port. Asking for another is a bug in the block (its model and its interface
    /// disagree), never a netlist error.
    public subscript(name: String) -> Port {
        guard let p = optional(name) else { preconditionFailure("port '\(name)' is not in the block's declared interface") }
        return p
    }

    /// A port declared only for some parameters (e.g. a rank-1 crossbar's counters), else nil.
    public func optional(_ name: String) -> Port? { all.first { $0.name == name } }
}
