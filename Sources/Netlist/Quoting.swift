/// What a diagnostic may quote of the input. Every `Diagnostic` message passes through
/// `Quoting.clean`, so that no call site can echo a 10 MB literal whole or print an invisible
/// character (a zero-width space, a stray BOM) that the reader cannot see in the message.
enum Quoting {
    /// A run of quoted text longer than this is shortened ...
    static let longestWhole = 80
    /// ... to its first `keptPrefix` characters, "..." and its length.
    static let keptPrefix = 40

    /// `message` with long runs shortened and invisible characters named (`U+200B`).
    static func clean(_ message: String) -> String {
        var out = ""
        var run = ""                   // the current run of non-separator characters
        var runLength = 0
        func flush() {
            if runLength > longestWhole {
                out += String(run.prefix(keptPrefix)) + "... (\(runLength) characters)"
            } else {
                out += run
            }
            run = ""
            runLength = 0
        }
        for ch in message {
            if isSeparator(ch) {
                flush()
                out.append(ch)
                continue
            }
            runLength += 1
            // Keep only what may be shown: the prefix, or everything until the run is known long.
            if runLength <= longestWhole { run += visible(ch) }
        }
        flush()
        return out
    }

    /// Where a quoted run ends: blanks, quotes and the punctuation that surrounds quoted text.
    private static func isSeparator(_ ch: Character) -> Bool {
        ch == " " || ch == "\n" || ch == "\t" || ch == "'" || ch == "\"" || ch == "(" || ch == ")"
            || ch == "[" || ch == "]" || ch == "," || ch == ":" || ch == "=" || ch == "/"
    }

    /// The character as printed in a message: itself, or `U+XXXX` for one that shows nothing.
    static func visible(_ ch: Character) -> String {
        ch.unicodeScalars.contains(where: isInvisible) ? ch.unicodeScalars.map(describe).joined(separator: " ") : String(ch)
    }

    /// `U+200B` for an invisible scalar, the scalar itself otherwise.
    private static func describe(_ s: Unicode.Scalar) -> String { isInvisible(s) ? name(s) : String(s) }

    /// "U+200B" (with four or more hex digits, as Unicode writes code points).
    static func name(_ s: Unicode.Scalar) -> String {
        let hex = String(s.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Controls, format characters (zero-width space, BOM, bidi marks), separators other than the
    /// plain space, private-use and unassigned code points: nothing a reader can see.
    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        if s == " " { return false }
        switch s.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator,
             .privateUse, .unassigned, .surrogate:
            return true
        default:
            return false
        }
    }
}
