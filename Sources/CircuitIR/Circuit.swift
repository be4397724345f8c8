import FixedPoint
import HDL

/// A design as elaboration describes it, before anything is allocated: what every back end reads
/// (the cycle simulator today, an RTL writer next) and what `eqspike check` budgets.
///
/// Immutable and cheap: a 784 x 60,000 crossbar is one `Instance` with its parameters and its
/// interface (ports, storage sizes, persistent state), not 47 million words. Everything in it has
/// been checked: parameters, interfaces, wiring (every required input lane driven exactly once,
/// formats equal or resized), the blocks' own wiring rules, and the absence of combinational
/// loops. Names refer to instances and ports by their netlist names.
public struct Circuit: Sendable {
    /// One block instance: its type, resolved parameters and the interface they give.
    public struct Instance: Sendable {
        public let name: String
        /// The block type's name as written in the netlist (`lif`, `crossbar`...).
        public let typeName: String
        /// Every parameter, validated, defaults filled in.
        public let parameters: BlockParameters
        public let interface: BlockInterface
        /// Position of the instance name in its `block` statement.
        public let location: SourceLocation

        public init(name: String, typeName: String, parameters: BlockParameters, interface: BlockInterface, location: SourceLocation) {
            self.name = name
            self.typeName = typeName
            self.parameters = parameters
            self.interface = interface
            self.location = location
        }
    }

    /// Some lanes of one port of one instance.
    public struct PortSlice: Sendable, Equatable, CustomStringConvertible {
        public let instance: String
        public let port: String
        public let lanes: Range<Int>

        public init(instance: String, port: String, lanes: Range<Int>) {
            self.instance = instance
            self.port = port
            self.lanes = lanes
        }

        /// `instance.port[a:b]`.
        public var description: String {
            lanes.count == 1 ? "\(instance).\(port)[\(lanes.lowerBound)]" : "\(instance).\(port)[\(lanes.lowerBound):\(lanes.upperBound - 1)]"
        }
    }

    /// A connection from an output or register slice to an input slice of the same width.
    public struct Wire: Sendable {
        public let source: PortSlice
        public let destination: PortSlice
        /// The conversion when the formats differ (nil when they are equal).
        public let resize: Connection.Resize?
        /// Position of the destination in its `connect` statement.
        public let location: SourceLocation

        public init(source: PortSlice, destination: PortSlice, resize: Connection.Resize?, location: SourceLocation) {
            self.source = source
            self.destination = destination
            self.resize = resize
            self.location = location
        }
    }

    /// A signal (some of its lanes) that waveforms show by default.
    public struct Probe: Sendable {
        public let slice: PortSlice
        public let location: SourceLocation

        public init(slice: PortSlice, location: SourceLocation) {
            self.slice = slice
            self.location = location
        }
    }

    /// The netlist file it came from.
    public let sourcePath: String
    /// In netlist order.
    public let instances: [Instance]
    /// In netlist order.
    public let wires: [Wire]
    /// Default waveform probes, in the order written.
    public let probes: [Probe]
    public let clock: Clock
    /// Experiment keys and role bindings (`role w1 = w1`), with positions.
    public let experiment: ExperimentTable
    /// Named parameters and formats after overrides, in the order written.
    public let parameters: [(name: String, value: ParameterValue)]

    public init(sourcePath: String, instances: [Instance], wires: [Wire], probes: [Probe], clock: Clock,
                experiment: ExperimentTable, parameters: [(name: String, value: ParameterValue)]) {
        self.sourcePath = sourcePath
        self.instances = instances
        self.wires = wires
        self.probes = probes
        self.clock = clock
        self.experiment = experiment
        self.parameters = parameters
    }

    public func instance(named name: String) -> Instance? { instances.first { $0.name == name } }

    /// Role name -> instance name (`role input = enc`).
    public var roles: [(role: String, instance: String, location: SourceLocation)] { experiment.roles }
}
