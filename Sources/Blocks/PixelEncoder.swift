import FixedPoint
import HDL

/// `pixel_encoder`: the input layer's constant drive. The host loads one u8 pixel per lane; the
/// block outputs the current `g_in * pixel / 255` in the `current` format.
///
/// Encoding (a 256-entry ROM computed at elaboration, shared by all lanes):
///
///     ROM[p] = sat( floor(gain * p / 255 * 2^fc + 1/2) )     p = 0 ... 255
///
/// evaluated in IEEE double (`Fixed.quantize`, rounding `nearest`: ties towards +inf), saturated
/// to the `current` format; `fc` = fraction bits of `current`. Each lane whose loaded pixel maps
/// to a saturated ROM entry counts one saturation at the load.
///
/// Registers: `pixel` (u8.0 per lane) and the output `current` (registered). `load(pixels:)` is a
/// host write between clocks: it sets `pixel[k]` and `current[k] = ROM[pixel[k]]` together, so
/// the new current is seen from the next clock on (clock 0 after a reset). Per clock nothing
/// changes: `current(t+1) = current(t)` (the edge reloads `ROM[pixel]`, the same value).
/// reset() keeps both: the pixels are the stimulus, loaded per image.
public final class PixelEncoder: Block {
    public let lanes: Int
    public let currentFormat: QFormat
    public let gain: Double
    /// ROM[p] for p = 0...255 (raw current values) and whether each entry saturated.
    public let rom: [Int32]
    private let romSaturated: [Bool]

    public let current: Port
    public let pixel: Port

    public static let pixelFormat = QFormat(signed: false, intBits: 8, fracBits: 0)

    public init(name: String, lanes: Int, current: QFormat, gain: Double = 1) {
        precondition(lanes >= 1 && gain.isFinite)
        self.lanes = lanes
        currentFormat = current
        self.gain = gain
        var table = [Int32](repeating: 0, count: 256)
        var flags = [Bool](repeating: false, count: 256)
        var rng = LFSR32(seed: 1)
        for p in 0..<256 {
            var sat = 0
            table[p] = Int32(truncatingIfNeeded: try! Fixed.quantize(gain * Double(p) / 255, to: current, rounding: .nearest,
                                                                       overflow: .saturate, rng: &rng, saturations: &sat))
            flags[p] = sat > 0
        }
        rom = table
        romSaturated = flags
        let ports = DeclaredPorts(PixelEncoder.interface(lanes: lanes, current: current))
        self.current = ports["current"]
        pixel = ports["pixel"]
        super.init(name: name, ports: ports)
    }

    /// The interface for these parameters (checked by the netlist type, see `blockType`).
    public static func interface(lanes: Int, current: QFormat) -> BlockInterface {
        BlockInterface(
            ports: [.output("current", lanes: lanes, format: current, timing: .registered), .register("pixel", lanes: lanes, format: pixelFormat)],
            storage: [StorageItem(name: "pixel", kind: .register, words: lanes, wordBits: 8),
                      StorageItem(name: "current", kind: .register, words: lanes, format: current)])
    }

    public override var typeName: String { "pixel_encoder" }

    /// Loads one image (one byte per lane).
    public func load(pixels: UnsafeBufferPointer<UInt8>) {
        precondition(pixels.count == lanes, "\(name): \(lanes) pixels expected, got \(pixels.count)")
        let px = pixel.pointer, out = current.pointer
        var sat = 0
        rom.withUnsafeBufferPointer { table in
            for k in 0..<lanes {
                let p = Int(pixels[k])
                px[k] = Int32(p)
                out[k] = table[p]
                if romSaturated[p] { sat += 1 }
            }
        }
        saturations &+= sat
    }

    public func load(pixels: [UInt8]) {
        pixels.withUnsafeBufferPointer { load(pixels: $0) }
    }

    public var pixels: [UInt8] { pixel.values.map { UInt8($0) } }

    public static let blockType = BlockType(
        name: "pixel_encoder",
        doc: "constant input current per lane: current = round_nearest(gain * pixel / 255), pixels (u8) loaded by the host per image; kept by reset",
        parameters: [
            MemCtl.lanesSpec("number of pixels (input neurons)"),
            ParameterSpec("current", .format, default: .format(QFormat(signed: true, intBits: 2, fracBits: 14)), doc: "format of the output current"),
            ParameterSpec("gain", .real(-1e6...1e6), default: .real(1), doc: "g_in: the current of a white (255) pixel"),
        ],
        interface: { p throws(ParameterError) in
            let current = p.format("current"), gain = p.real("gain")
            if gain > current.maxValue || gain < current.minValue {
                throw ParameterError(parameter: "gain", message: "gain \(gain) is outside the range of current (\(current): \(current.minValue)...\(current.maxValue)), so a white pixel would saturate; widen current")
            }
            return PixelEncoder.interface(lanes: p.int("lanes"), current: current)
        },
        cycleModel: { (name, p) throws(ParameterError) -> Block in
            PixelEncoder(name: name, lanes: p.int("lanes"), current: p.format("current"), gain: p.real("gain"))
        })
}

/// The pixel and current registers are loaded only by the host (`load(pixels:)`): no clock work.
extension PixelEncoder: EvaluatesNothing, CommitsNothing {}
