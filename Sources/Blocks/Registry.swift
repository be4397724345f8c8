import HDL

/// Every block type a netlist can instantiate. Each block declares its netlist type beside its
/// cycle model, as `static let blockType` (parameters, interface, wiring rules, cycle model);
/// adding a block type is adding it to one of these lists.
public let standardBlocks = BlockRegistry(neuronPathBlockTypes + memoryAndControlBlockTypes)

/// The neuron path: LIF, LI, delay, FIR, adder, scale, spike counter (docs/blocks.md).
let neuronPathBlockTypes: [BlockType] = [
    LIFCore.blockType, LeakyIntegrator.blockType, DelayLine.blockType, FIRAverager.blockType, Adder.blockType,
    Scaler.blockType, SpikeCounter.blockType,
]

/// Memories and control: crossbar, bias, pixel encoder, nudge, phase controller, LFSR
/// (docs/blocks-memory-control.md).
let memoryAndControlBlockTypes: [BlockType] = [
    Crossbar.blockType, Bias.blockType, PixelEncoder.blockType, NudgeUnit.blockType, PhaseController.blockType,
    LFSRBlock.blockType,
]
