/// A design the RTL back end cannot write bit-exactly: refused, naming the instance and the
/// parameter, rather than emitting RTL that would silently disagree with the model.
public struct RTLError: Error, CustomStringConvertible {
    public let instance: String
    public let message: String
    public init(instance: String, _ message: String) {
        self.instance = instance
        self.message = message
    }
    public var description: String { instance.isEmpty ? "rtl: \(message)" : "rtl: instance '\(instance)': \(message)" }
}
