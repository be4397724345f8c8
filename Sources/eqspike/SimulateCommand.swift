/// `eqspike simulate`: written once the Waveform module's API is in.
enum SimulateCommand {
    static func run(_ args: ArraySlice<String>) throws { throw CLIError.failed("simulate: not built yet") }
}
