import FixedPoint
import HDL

/// A named bank of fixed-point lanes (Int32 raw values) that a waveform writer can probe:
/// normally a block's port, but any storage that holds settled values at sample time will do.
public struct IntegerSignal {
    /// Instance path, dots for hierarchy (`hidden`, `core0.hidden`).
    public let instance: String
    public let name: String
    public let format: QFormat
    public let lanes: Int
    /// Lane 0; lanes are contiguous. Must stay valid while the writer samples.
    public let pointer: UnsafeMutablePointer<Int32>
    /// A state register (VCD type `reg`) rather than a wire.
    public let isRegister: Bool
    /// Only selected when a pattern names it exactly (unconnected optional inputs).
    public let isQuiet: Bool
    /// A block's input (what its driver shows again): listed after registers and outputs in a
    /// save file's group (`GTKWaveSaveFile.Options.registersFirst`).
    public let isInput: Bool
    /// Names a viewer shows for particular raw values (`PortDeclaration.valueNames`).
    public let valueNames: [Int32: String]

    public init(instance: String, name: String, format: QFormat, lanes: Int, pointer: UnsafeMutablePointer<Int32>,
                isRegister: Bool = false, isQuiet: Bool = false, isInput: Bool = false, valueNames: [Int32: String] = [:]) {
        precondition(lanes >= 1, "signal \(instance).\(name) needs at least one lane")
        self.instance = instance
        self.name = name
        self.format = format
        self.lanes = lanes
        self.pointer = pointer
        self.isRegister = isRegister
        self.isQuiet = isQuiet
        self.isInput = isInput
        self.valueNames = valueNames
    }

    /// A block's port (after the `Simulator` is built, so that inputs point at their drivers).
    /// Registers and registered outputs are `reg`, inputs and combinational outputs `wire`.
    public init(_ port: Port) {
        self.init(instance: port.owner.name, name: port.name, format: port.format, lanes: port.lanes,
                  pointer: port.pointer,
                  isRegister: port.kind == .register || (port.kind == .output && port.timing == .registered),
                  isQuiet: port.kind == .input && !port.isConnected, isInput: port.kind == .input, valueNames: port.valueNames)
    }

    /// Every signal of the blocks, in block order and, per block, inputs, outputs, registers.
    /// A name that appears twice in a block is taken once (as `Block.port(named:)` does).
    public static func all(of blocks: [Block]) -> [IntegerSignal] {
        var out: [IntegerSignal] = []
        for b in blocks {
            var names = Set<String>()
            for p in b.signals where names.insert(p.name).inserted { out.append(IntegerSignal(p)) }
        }
        return out
    }
}

/// A named bank of Double lanes (a float golden model's state), probed as VCD `real` variables.
public struct RealSignal {
    public let instance: String
    public let name: String
    public let lanes: Int
    /// Lane 0; lanes are contiguous. Must stay valid while the writer samples.
    public let pointer: UnsafeMutablePointer<Double>

    public init(instance: String, name: String, lanes: Int, pointer: UnsafeMutablePointer<Double>) {
        precondition(lanes >= 1, "signal \(instance).\(name) needs at least one lane")
        self.instance = instance
        self.name = name
        self.lanes = lanes
        self.pointer = pointer
    }
}

/// One VCD variable as declared in the header: one lane of one signal.
///
/// Naming: one spelling that GTKWave 3.3.118 (VCD and FST loaders, vcd2fst/fst2vcd) and wellen
/// (the parser of the Surfer viewer, pywellen 0.25) both present as one signal per lane
/// (`VCDLaneNamingTests` reads a dump with both):
/// - a single-lane signal is its port name: `$var wire 1 ! spike $end`, `$var reg 16 " u [15:0] $end`;
/// - lane `i` of a multi-lane signal is `name_i`, integer or real: `$var wire 1 # spike_3 $end`,
///   `$var reg 16 $ u_3 [15:0] $end` (GTKWave shows `u_3[15:0]`), `$var real 64 % u_3 $end`.
/// Why not brackets: wellen folds 1-bit `spike[0]`, `spike[1]` ... into one vector `spike` (300
/// bits for 300 neurons) and turns `u[3] [15:0]` into a sub-scope `u` holding a variable `[3]`;
/// GTKWave's VCD loader drops a `[i]` suffix from `real` variables (all lanes collapse into one
/// name) while its FST loader keeps it. `_i` means nothing special to any of them.
public struct VCDVariable: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case fixed(QFormat)
        case real
    }
    /// Scope path, outermost first (`["fixed", "hidden"]`).
    public let scope: [String]
    public let port: String
    /// The lane, or nil for a single-lane signal.
    public let lane: Int?
    public let kind: Kind
    /// `wire`, `reg` or `real`.
    public let varType: String
    /// A block's input, not its own output or register (the save file may list it last).
    public internal(set) var isInput = false
    /// The identifier code in the value changes (shared by aliases of the same storage).
    public internal(set) var identifier: String
    /// Names of particular raw values (an enumeration): the save file shows them through a
    /// GTKWave translate filter. Empty for an ordinary number.
    public internal(set) var valueNames: [Int32: String] = [:]

    public var width: Int {
        switch kind {
        case .fixed(let f): return f.width
        case .real: return 64
        }
    }

    public var isReal: Bool { kind == .real }

    /// The variable's name inside its scope: `u`, `u_3` (see the type's comment for why `_`).
    public var name: String {
        guard let lane else { return port }
        return "\(port)_\(lane)"
    }

    /// The reference as written in `$var`: name, then ` [W-1:0]` for a vector.
    public var reference: String { width > 1 && !isReal ? "\(name) [\(width - 1):0]" : name }

    /// Dotted name without the packed range: `fixed.hidden.u_3`.
    public var fullName: String { (scope + [name]).joined(separator: ".") }

    /// The name GTKWave gives the variable (used in `.gtkw` trace lines): `fixed.hidden.u_3[15:0]`.
    public var gtkwaveName: String { width > 1 && !isReal ? "\(fullName)[\(width - 1):0]" : fullName }

    /// The scope path as one dotted string (the GTKWave group of the variable).
    public var scopeName: String { scope.joined(separator: ".") }
}

/// Precomputed VCD identifier codes: bijective base 94 over the printable characters `!`...`~`,
/// as pyvcd and Verilator do, so the first 94 variables get one character and the next 8836 two.
enum VCDIdentifier {
    static func code(_ index: Int) -> [UInt8] {
        precondition(index >= 0)
        var n = index
        var out: [UInt8] = []
        repeat {
            out.append(UInt8(33 + n % 94))
            n = n / 94 - 1
        } while n >= 0
        return out
    }
}
