/// Errors found while wiring a design. Messages name blocks and ports; the netlist layer adds
/// file, line and column.
public enum HDLError: Error, Equatable, CustomStringConvertible {
    case combinationalLoop([String])
    case connection(String)
    case undriven(String)
    case multiplyDriven(String)

    public var description: String {
        switch self {
        case .combinationalLoop(let blocks):
            return "combinational loop through blocks \(blocks.joined(separator: " -> ")) -> \(blocks.first ?? "")"
        case .connection(let m): return m
        case .undriven(let m): return m
        case .multiplyDriven(let m): return m
        }
    }
}
