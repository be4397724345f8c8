import HDL
/// Block types of memories and control (crossbar, bias, pixel encoder, nudge, phase controller, LFSR).
let memoryAndControlBlockTypes: [BlockType] = []
