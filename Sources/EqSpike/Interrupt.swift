import Foundation

/// Ctrl-C handling for long runs: the first SIGINT/SIGTERM sets a flag that the trainer checks
/// between images, so it can write a checkpoint and exit cleanly; a second one exits at once.
public enum Interrupt {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    public static var requested: Bool { flag != 0 }

    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { _ in
            if Interrupt.flag != 0 { _exit(130) }
            Interrupt.flag = 1
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    /// For tests: pretend the user pressed Ctrl-C.
    public static func request() { flag = 1 }
    public static func clear() { flag = 0 }
}
