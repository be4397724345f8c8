import HDL
import Blocks
import Waveform

/// What a chip's GTKWave save file shows first: the one place that decides it.
///
/// A dump of every signal of 784-100-10 used to open on 784 flat `enc.current` rows (the encoder
/// is the first block of the netlist), with the controller, the output layer and the nudge far
/// below. The default view follows what a designer looks at first:
/// 1. the phase controller (`ctrl`: phase, learn, done ...), where in the run am I;
/// 2. the output layer, then the blocks that read its spikes (readout counter, the output
///    estimator's leaky integrator), not the crossbar that also reads them (it is synapses, below);
/// 3. the nudge unit, what the teacher does to the output;
/// 4. the hidden layer, 5. the input layer;
/// 6. every other block, in netlist order.
/// A group with more than `closeAbove` traces starts closed (open it with a click: GTKWave keeps
/// it in the group), so a 784- or 100-lane block does not push the rest off the screen; within a
/// group registers come first, then combinational outputs, then inputs (an input repeats the value
/// its driver shows elsewhere).
public enum DefaultView {
    /// Groups larger than this start closed: about the rows a 900-pixel window shows at once.
    public static let closeAbove = 64

    /// Instance names in the order the save file lists their groups (every block of the chip).
    public static func groupOrder(for chip: Chip) -> [String] {
        let output = chip.outputLayer as Block
        var first: [Block] = [chip.phase, output]
        // Readers of the output layer, in netlist order; synapse arrays belong with the rest.
        let readers = Set(chip.simulator.connections
            .filter { $0.source.owner === output && !($0.destination.owner is any SynapseArray) }
            .map { ObjectIdentifier($0.destination.owner) })
        first += chip.simulator.blocks.filter { readers.contains(ObjectIdentifier($0)) }
        first += [chip.nudge] + chip.hiddenLayers.reversed().map { $0 as Block } + [chip.inputLayer]
        var names: [String] = []
        for b in first + chip.simulator.blocks where !names.contains(b.name) { names.append(b.name) }
        return names
    }

    /// `options` with this policy applied; `scope` is the dump's top scope if it has one
    /// (`fixed` in a comparison), which group names carry in front of the instance name.
    public static func options(for chip: Chip, base options: GTKWaveSaveFile.Options = .init(), scope: String? = nil) -> GTKWaveSaveFile.Options {
        var o = options
        o.groupOrder = groupOrder(for: chip).map { name in scope.map { "\($0).\(name)" } ?? name }
        o.closeGroupsAbove = closeAbove
        o.registersFirst = true
        return o
    }
}
