import CircuitIR
import FixedPoint
import HDL

/// What co-simulation reads from the RTL: every block output and register under its netlist name,
/// and every memory at the end of an image. Outputs are nets of the top module
/// (`<instance>_<port>`), registers wires inside the instance (`<instance>.<port>`), memories the
/// instance's arrays. Hand-written RTL passed to `eqspike cosim --rtl` must keep these names.
public struct ObservedSignal: Sendable {
    public let instance: String
    public let typeName: String
    public let port: String
    public let lanes: Int
    public let format: QFormat
    /// Computed within the clock (the model's value after its step); otherwise a register,
    /// whose value during clock t the model holds before step t.
    public let combinational: Bool
    /// Path below the top instance, e.g. `h_spike` or `h.u`.
    public let path: String

    public init(instance: String, typeName: String, port: String, lanes: Int, format: QFormat, combinational: Bool, path: String) {
        self.instance = instance
        self.typeName = typeName
        self.port = port
        self.lanes = lanes
        self.format = format
        self.combinational = combinational
        self.path = path
    }

    public var name: String { "\(instance).\(port)" }
    public var width: Int { lanes * format.width }
}

/// One memory read at the end of each image.
public struct ObservedMemory: Sendable {
    public let instance: String
    /// The model's persistent-state entry with the same words.
    public let entry: String
    public let words: Int
    public let format: QFormat
    /// The array inside the instance (a crossbar's: inside its SRAM instance).
    public let array: String
}

public enum Observation {
    public static func signals(_ circuit: Circuit) -> [ObservedSignal] {
        var out: [ObservedSignal] = []
        for inst in circuit.instances {
            for p in inst.interface.outputs {
                out.append(ObservedSignal(instance: inst.name, typeName: inst.typeName, port: p.name, lanes: p.lanes, format: p.format,
                                          combinational: p.timing == .combinational, path: TopModule.net(inst.name, p.name)))
            }
            for p in inst.interface.registers {
                out.append(ObservedSignal(instance: inst.name, typeName: inst.typeName, port: p.name, lanes: p.lanes, format: p.format,
                                          combinational: false, path: "\(inst.name).\(p.name)"))
            }
        }
        return out
    }

    public static func memories(_ circuit: Circuit) -> [ObservedMemory] {
        var out: [ObservedMemory] = []
        for inst in circuit.instances where inst.typeName == "crossbar" || inst.typeName == "bias" {
            // The stored words, then the deferred-update shadow (zero after every commit).
            // A crossbar's words are in its SRAM instances (`weights.mem`, `shadow.mem`), a bias's in arrays.
            let xbar = inst.typeName == "crossbar"
            for (entry, array) in [(xbar ? "weights" : "values", xbar ? "weights.mem" : "values"), ("shadow", xbar ? "shadow.mem" : "shadow")] {
                guard let f = inst.interface.persistent.first(where: { $0.name == entry }), let format = f.format else { continue }
                out.append(ObservedMemory(instance: inst.name, entry: entry, words: f.words, format: format, array: array))
            }
        }
        return out
    }
}
