import HDL
/// Block types of the neuron path (LIF, LI, delay, FIR, adder, scale, spike counter). Filled in by NeuronPathTypes.
let neuronPathBlockTypes: [BlockType] = []
