/// The published figures `eqspike synth` turns counts into area with (docs/synthesis.md). No open
/// standard-cell Liberty file ships with Debian 12, so without `--liberty` logic area is the
/// estimated transistor count times the area per transistor of a two-input NAND in an open 45 nm
/// library; SRAM macros are kept out of logic synthesis and sized from a 45 nm 6T bit cell. Both
/// are at the same node so they add up; neither includes routing or placement utilisation.
public enum SynthFigures {
    /// um^2 per transistor: NanGate FreePDK45 Open Cell Library (NangateOpenCellLibrary_typical.lib),
    /// cell NAND2_X1, area 0.798 um^2 for 4 transistors.
    public static let um2PerTransistor = 0.798 / 4
    public static let transistorSource = "NanGate FreePDK45 Open Cell Library: NAND2_X1 = 0.798 um^2 / 4 transistors (45 nm)"

    /// um^2 per 6T bit cell: Intel 45 nm high-k/metal-gate process, 0.346 um^2 (K. Mistry et al.,
    /// "A 45nm Logic Technology with High-k+Metal Gate Transistors, Strained Silicon, 9 Cu
    /// Interconnect Layers, 193nm Dry Patterning, and 100% Pb-free Packaging", IEDM 2007).
    public static let um2PerBitCell = 0.346
    /// Fraction of a macro's area that is bit cells (the rest: decoders, sense amplifiers, write
    /// drivers, column multiplexers). An assumption, not a measured figure of one macro: compiled
    /// SRAMs of a few kbit to a few Mbit are commonly quoted at 50-80 %; 0.7 is taken here.
    public static let arrayEfficiency = 0.7
    public static let sramSource = "6T bit cell 0.346 um^2 (Intel 45 nm, Mistry et al., IEDM 2007) / array efficiency 0.7 (assumed)"

    /// Area of an SRAM macro of `bits` bits.
    public static func sramArea(bits: Int) -> Double { Double(bits) * um2PerBitCell / arrayEfficiency }
}
