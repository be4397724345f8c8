import FixedPoint

/// A token of the netlist language. The language is line-oriented, so newlines are tokens.
/// A class: the parser passes tokens around a lot, and a reference is one retain (a debug build
/// copying a struct of two strings per look-ahead made parsing the slowest part of elaboration).
final class Token: CustomStringConvertible {
    enum Kind: Equatable {
        case identifier
        /// A fixed-point format literal: `s1.15`, `u8`, `u0.8`. Such spellings are reserved.
        case format
        case integer
        case real
        case punctuation
        case newline
        case end
    }
    let kind: Kind
    let text: String
    let location: SourceLocation
    /// For `.integer`: the value (nil when the literal does not fit an Int; the lexer reported it).
    let intValue: Int?
    /// For `.real`: the value (finite; the lexer reported a literal that overflows).
    let realValue: Double

    init(kind: Kind, text: String, location: SourceLocation, intValue: Int? = nil, realValue: Double = 0) {
        self.kind = kind
        self.text = text
        self.location = location
        self.intValue = intValue
        self.realValue = realValue
    }

    func isPunctuation(_ p: String) -> Bool { kind == .punctuation && text == p }
    func isWord(_ w: String) -> Bool { kind == .identifier && text == w }

    /// How a token is named in "expected X, found Y" messages.
    var description: String {
        switch kind {
        case .newline: return "end of line"
        case .end: return "end of file"
        default: return "'\(text)'"
        }
    }
}

/// Splits netlist text into tokens. Never traps: an unexpected byte is reported and skipped.
/// Written as plain loops over a byte buffer (no closures or generic slices per byte), so that a
/// debug build lexes thousands of files a second (the fuzz test does).
enum Lexer {
    /// `line` is the line number given to the first line (override strings use their ordinal).
    static func tokenize(_ text: String, file: String, line firstLine: Int = 1, sink: DiagnosticSink) -> [Token] {
        var storage = Array(text.utf8)
        return storage.withUnsafeMutableBufferPointer { p in
            run(UnsafeBufferPointer(p), file: file, firstLine: firstLine, sink: sink)
        }
    }

    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    @inline(__always) static func isHexDigit(_ b: UInt8) -> Bool { isDigit(b) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102) }

    private static let punctuation: [UInt8: String] = [61: "=", 58: ":", 44: ",", 40: "(", 41: ")", 91: "[", 93: "]",
                                                       123: "{", 125: "}", 46: ".", 43: "+", 45: "-", 42: "*", 47: "/"]

    private static func run(_ bytes: UnsafeBufferPointer<UInt8>, file: String, firstLine: Int, sink: DiagnosticSink) -> [Token] {
        let n = bytes.count
        var tokens: [Token] = []
        tokens.reserveCapacity(n / 3 + 2)
        var i = 0, line = firstLine, lineStart = 0
        // A UTF-8 byte-order mark, as some Windows editors save: invisible, so skipped (columns
        // still count from the first visible byte).
        if n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            i = 3
            lineStart = 3
        }
        func text(_ a: Int, _ b: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self) }
        while i < n {
            let b = bytes[i]
            let start = SourceLocation(file: file, line: line, column: i - lineStart + 1)
            let from = i
            if b == 32 || b == 9 || b == 13 || b == 12 || b == 11 {          // blanks (CR of CRLF too)
                i += 1
            } else if b == 35 {                                               // '#' comment to end of line
                while i < n && bytes[i] != 10 { i += 1 }
            } else if b == 10 {
                i += 1
                tokens.append(Token(kind: .newline, text: "\n", location: start))
                line += 1
                lineStart = i
            } else if isLetter(b) {
                i += 1
                while i < n && (isLetter(bytes[i]) || isDigit(bytes[i])) { i += 1 }
                // `s16`, `u1`, `s1.15`: a format literal (such spellings are reserved).
                var isFormat = i - from >= 2 && (b == 115 || b == 117)
                if isFormat { for k in (from + 1)..<i where !isDigit(bytes[k]) { isFormat = false; break } }
                if isFormat {
                    if i + 1 < n && bytes[i] == 46 && isDigit(bytes[i + 1]) {
                        i += 1
                        while i < n && isDigit(bytes[i]) { i += 1 }
                    }
                    tokens.append(Token(kind: .format, text: text(from, i), location: start))
                } else {
                    tokens.append(Token(kind: .identifier, text: text(from, i), location: start))
                }
            } else if isDigit(b) {
                let (token, end) = number(bytes, from, start: start, sink: sink)
                tokens.append(token)
                i = end
            } else if b == 45 && i + 1 < n && bytes[i + 1] == 62 {           // "->"
                i += 2
                tokens.append(Token(kind: .punctuation, text: "->", location: start))
            } else if let p = punctuation[b] {
                i += 1
                tokens.append(Token(kind: .punctuation, text: p, location: start))
            } else {
                // One diagnostic per character: skip UTF-8 continuation bytes of a multi-byte one.
                i += 1
                if b >= 0xC0 { while i < n && bytes[i] & 0xC0 == 0x80 { i += 1 } }
                let shown = b >= 32 && b < 127 ? "'\(Character(UnicodeScalar(b)))'"
                    : (b >= 0x80 ? describe(text(from, i), byte: b) : "byte 0x\(String(b, radix: 16, uppercase: true))")
                sink.error(start, "unexpected character \(shown)")
            }
        }
        let end = SourceLocation(file: file, line: line, column: i - lineStart + 1)
        tokens.append(Token(kind: .newline, text: "\n", location: end))
        tokens.append(Token(kind: .end, text: "", location: end))
        return tokens
    }

    /// A non-ASCII character: quoted when visible ('é'), by code point and name when it shows
    /// nothing ("U+200B (ZERO WIDTH SPACE)"); a byte that is not UTF-8 by its value.
    static func describe(_ text: String, byte: UInt8) -> String {
        guard let s = text.unicodeScalars.first, text.unicodeScalars.count == 1,
              s != "\u{FFFD}" || text.utf8.count == 3 else {
            return "byte 0x\(String(byte, radix: 16, uppercase: true))" + (byte >= 0x80 ? " (not UTF-8)" : "")
        }
        guard Quoting.isInvisible(s) else { return "'\(text)'" }
        let name = s.properties.name ?? s.properties.nameAlias
        return Quoting.name(s) + (name.map { " (\($0))" } ?? "")
    }

    /// Decimal integers (with `_` separators), hexadecimal `0x...`, reals `1.5`, `2.5e-4`, `1e3`.
    /// A unit written right after a number (`10us`) becomes a separate identifier token.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, start: SourceLocation, sink: DiagnosticSink) -> (Token, Int) {
        let n = bytes.count
        var i = from
        func text() -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<i]), as: UTF8.self) }
        /// The literal without `_` separators (and without `0x`).
        func digits(_ a: Int) -> String {
            var d: [UInt8] = []
            for k in a..<i where bytes[k] != 95 { d.append(bytes[k]) }
            return String(decoding: d, as: UTF8.self)
        }
        if bytes[i] == 48, i + 2 < n, bytes[i + 1] == 120 || bytes[i + 1] == 88, isHexDigit(bytes[i + 2]) {
            i += 2
            while i < n && (isHexDigit(bytes[i]) || bytes[i] == 95) { i += 1 }
            let t = text()
            let v = Int(digits(from + 2), radix: 16)
            if v == nil { sink.error(start, "integer literal \(t) is too large") }
            return (Token(kind: .integer, text: t, location: start, intValue: v), i)
        }
        var isReal = false
        while i < n && (isDigit(bytes[i]) || bytes[i] == 95) { i += 1 }
        if i + 1 < n, bytes[i] == 46, isDigit(bytes[i + 1]) {
            isReal = true
            i += 1
            while i < n && (isDigit(bytes[i]) || bytes[i] == 95) { i += 1 }
        }
        if i < n, bytes[i] == 101 || bytes[i] == 69 {
            var k = i + 1
            if k < n, bytes[k] == 43 || bytes[k] == 45 { k += 1 }
            if k < n, isDigit(bytes[k]) {
                isReal = true
                i = k
                while i < n && isDigit(bytes[i]) { i += 1 }
            }
        }
        let t = text()
        if isReal {
            let v = Double(digits(from)) ?? .infinity
            if !v.isFinite {
                sink.error(start, "number \(t) is too large")
                return (Token(kind: .real, text: t, location: start, realValue: 0), i)
            }
            return (Token(kind: .real, text: t, location: start, realValue: v), i)
        }
        let v = Int(digits(from))
        if v == nil { sink.error(start, "integer literal \(t) is too large") }
        return (Token(kind: .integer, text: t, location: start, intValue: v), i)
    }
}
