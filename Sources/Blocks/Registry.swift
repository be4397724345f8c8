import HDL

/// Every block type a netlist can instantiate.
public let standardBlocks = BlockRegistry(neuronPathBlockTypes + memoryAndControlBlockTypes)
