enum CosimCommand {
    static func run(_ args: ArraySlice<String>) throws { throw CLIError.usage("cosim: not yet") }
}
