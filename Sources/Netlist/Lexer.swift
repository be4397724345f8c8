import FixedPoint

/// A token of the netlist language. The language is line-oriented, so newlines are tokens.
struct Token: CustomStringConvertible {
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
    var intValue: Int? = nil
    /// For `.real`: the value (finite; the lexer reported a literal that overflows).
    var realValue: Double = 0

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
struct Lexer {
    private let bytes: [UInt8]
    private let file: String
    private let firstLine: Int
    private var index = 0
    private var line: Int
    private var lineStart = 0
    private let sink: DiagnosticSink

    /// `line` is the line number given to the first line (override strings use their ordinal).
    init(_ text: String, file: String, line: Int = 1, sink: DiagnosticSink) {
        bytes = Array(text.utf8)
        self.file = file
        firstLine = line
        self.line = line
        self.sink = sink
    }

    static func tokenize(_ text: String, file: String, line: Int = 1, sink: DiagnosticSink) -> [Token] {
        var lexer = Lexer(text, file: file, line: line, sink: sink)
        return lexer.run()
    }

    private var location: SourceLocation { SourceLocation(file: file, line: line, column: index - lineStart + 1) }

    private func peek(_ offset: Int = 0) -> UInt8? {
        let i = index + offset
        return i < bytes.count ? bytes[i] : nil
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    private static func isHexDigit(_ b: UInt8) -> Bool { isDigit(b) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102) }

    private func text(_ from: Int) -> String { String(decoding: bytes[from..<index], as: UTF8.self) }

    private mutating func run() -> [Token] {
        var tokens: [Token] = []
        while let b = peek() {
            let start = location
            let from = index
            switch b {
            case 32, 9, 13, 12, 11:       // blanks (CR of CRLF included)
                index += 1
            case 35:                      // '#' comment to end of line
                while let c = peek(), c != 10 { index += 1 }
            case 10:
                index += 1
                tokens.append(Token(kind: .newline, text: "\n", location: start))
                line += 1
                lineStart = index
            case _ where Lexer.isLetter(b):
                while let c = peek(), Lexer.isLetter(c) || Lexer.isDigit(c) { index += 1 }
                var word = text(from)
                if Lexer.looksLikeFormat(word) {
                    if peek() == 46, let d = peek(1), Lexer.isDigit(d) {   // ".digits"
                        index += 1
                        while let c = peek(), Lexer.isDigit(c) { index += 1 }
                        word = text(from)
                    }
                    tokens.append(Token(kind: .format, text: word, location: start))
                } else {
                    tokens.append(Token(kind: .identifier, text: word, location: start))
                }
            case _ where Lexer.isDigit(b):
                tokens.append(number(start: start, from: from))
            case 45 where peek(1) == 62:  // "->"
                index += 2
                tokens.append(Token(kind: .punctuation, text: "->", location: start))
            case 61, 58, 44, 40, 41, 91, 93, 123, 125, 46, 43, 45, 42, 47:   // = : , ( ) [ ] { } . + - * /
                index += 1
                tokens.append(Token(kind: .punctuation, text: text(from), location: start))
            default:
                // One diagnostic per character: skip UTF-8 continuation bytes of a multi-byte one.
                index += 1
                if b >= 0xC0 { while let c = peek(), c & 0xC0 == 0x80 { index += 1 } }
                let shown = b >= 32 && b < 127 ? "'\(Character(UnicodeScalar(b)))'"
                    : (b >= 0x80 ? "'\(text(from))'" : "byte 0x\(String(b, radix: 16, uppercase: true))")
                sink.error(start, "unexpected character \(shown)")
            }
        }
        tokens.append(Token(kind: .newline, text: "\n", location: location))
        tokens.append(Token(kind: .end, text: "", location: location))
        return tokens
    }

    /// `s16`, `u1`, `s1` ... (the integer part of a format literal).
    static func looksLikeFormat(_ word: String) -> Bool {
        let u = Array(word.utf8)
        return u.count >= 2 && (u[0] == 115 || u[0] == 117) && u.dropFirst().allSatisfy(isDigit)
    }

    /// Decimal integers (with `_` separators), hexadecimal `0x...`, reals `1.5`, `2.5e-4`, `1e3`.
    /// A unit written right after a number (`10us`) becomes a separate identifier token.
    private mutating func number(start: SourceLocation, from: Int) -> Token {
        if peek() == 48, let x = peek(1), x == 120 || x == 88, let h = peek(2), Lexer.isHexDigit(h) {
            index += 2
            while let c = peek(), Lexer.isHexDigit(c) || c == 95 { index += 1 }
            let t = text(from)
            let v = Int(t.dropFirst(2).filter { $0 != "_" }, radix: 16)
            if v == nil { sink.error(start, "integer literal \(t) is too large") }
            return Token(kind: .integer, text: t, location: start, intValue: v)
        }
        var isReal = false
        while let c = peek(), Lexer.isDigit(c) || c == 95 { index += 1 }
        if peek() == 46, let d = peek(1), Lexer.isDigit(d) {
            isReal = true
            index += 1
            while let c = peek(), Lexer.isDigit(c) || c == 95 { index += 1 }
        }
        if let e = peek(), e == 101 || e == 69 {
            var k = 1
            if let s = peek(1), s == 43 || s == 45 { k = 2 }
            if let d = peek(k), Lexer.isDigit(d) {
                isReal = true
                index += k
                while let c = peek(), Lexer.isDigit(c) { index += 1 }
            }
        }
        let t = text(from)
        let digits = t.filter { $0 != "_" }
        if isReal {
            let v = Double(digits) ?? .infinity
            if !v.isFinite {
                sink.error(start, "number \(t) is too large")
                return Token(kind: .real, text: t, location: start, realValue: 0)
            }
            return Token(kind: .real, text: t, location: start, realValue: v)
        }
        let v = Int(digits)
        if v == nil { sink.error(start, "integer literal \(t) is too large") }
        return Token(kind: .integer, text: t, location: start, intValue: v)
    }
}
