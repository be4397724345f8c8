import Blocks
import Foundation
import HDL
@testable import Netlist
import XCTest

/// SplitMix64: a small deterministic generator, so every fuzz run mutates the same way.
struct FuzzRNG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}

/// Mutates the shipped designs thousands of times (deleted and duplicated lines, swapped tokens,
/// truncation, huge, negative and odd numbers, random bytes, bad overrides): every case must end
/// in a design or in diagnostics, never in a crash, a trap or a runaway allocation.
final class FuzzTests: XCTestCase {
    static let numbers = ["0", "-1", "-0", "1", "2", "7", "31", "32", "33", "65536", "100000", "1000000", "4294967296",
                          "9223372036854775807", "99999999999999999999999", "-9223372036854775808", "1e308", "1e999",
                          "-2.5e-4", "0.5", "3.0", "1e-300", "0x7FFFFFFF", "s33.0", "u32", "s1.15", "s0.1", "u0.0"]
    static let junk = ["$", "\u{0}", "\u{7F}", "é", "😀", "(", ")", "[", "]", "{", "}", "->", ":", ",", ".", "*", "=", "#",
                       "\n", "\t", "\r\n", "block", "connect", "experiment {", "role", "probe", "clock", "resize(", "true", "[0:", "H"]

    /// Lines of a text (a byte loop: Foundation's components(separatedBy:) is slow in debug).
    static func lines(_ text: String) -> [String] {
        var out: [String] = []
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { p in
            var start = 0
            for i in 0..<p.count where p[i] == 10 {
                out.append(String(decoding: UnsafeMutableBufferPointer(rebasing: p[start..<i]), as: UTF8.self))
                start = i + 1
            }
            out.append(String(decoding: UnsafeMutableBufferPointer(rebasing: p[start..<p.count]), as: UTF8.self))
        }
        return out
    }

    static func mutate(_ text: String, _ rng: inout FuzzRNG) -> String {
        var lines = lines(text)
        switch rng.below(9) {
        case 0 where !lines.isEmpty:                       // delete a line
            lines.remove(at: rng.below(lines.count))
        case 1 where !lines.isEmpty:                       // duplicate a line
            let i = rng.below(lines.count)
            lines.insert(lines[i], at: rng.below(lines.count + 1))
        case 2:                                            // swap two tokens of a line
            let i = rng.below(lines.count)
            var words = lines[i].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            if words.count >= 2 {
                let a = rng.below(words.count), b = rng.below(words.count)
                words.swapAt(a, b)
                lines[i] = words.joined(separator: " ")
            }
        case 3:                                            // truncate
            let bytes = Array(text.utf8)
            return String(decoding: bytes.prefix(rng.below(bytes.count + 1)), as: UTF8.self)
        case 4, 5:                                         // replace a number with an odd one
            let i = rng.below(lines.count)
            var words = lines[i].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            let numeric = words.indices.filter { words[$0].first?.isNumber == true }
            if let k = numeric.isEmpty ? nil : rng.pick(numeric) {
                words[k] = rng.pick(FuzzTests.numbers) + (words[k].hasSuffix(",") ? "," : (words[k].hasSuffix(")") ? ")" : ""))
                lines[i] = words.joined(separator: " ")
            }
        case 6:                                            // random bytes or junk tokens
            var bytes = Array(lines.joined(separator: "\n").utf8)
            let at = rng.below(bytes.count + 1)
            if rng.below(2) == 0 {
                bytes.insert(contentsOf: (0..<(1 + rng.below(4))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            } else {
                bytes.insert(contentsOf: Array(rng.pick(FuzzTests.junk).utf8), at: at)
            }
            return String(decoding: bytes, as: UTF8.self)
        case 7:                                            // replace an identifier with another
            let i = rng.below(lines.count), j = rng.below(lines.count)
            let a = lines[i].split(separator: " ").map(String.init), b = lines[j].split(separator: " ").map(String.init)
            if !a.isEmpty, !b.isEmpty {
                var words = a
                words[rng.below(words.count)] = rng.pick(b)
                lines[i] = words.joined(separator: " ")
            }
        default:                                           // delete a character
            var bytes = Array(lines.joined(separator: "\n").utf8)
            if !bytes.isEmpty { bytes.remove(at: rng.below(bytes.count)) }
            return String(decoding: bytes, as: UTF8.self)
        }
        return lines.joined(separator: "\n")
    }

    static func randomOverrides(_ rng: inout FuzzRNG) -> [String] {
        let targets = ["H", "N_in", "tau", "beta", "experiment.beta", "experiment.T_free", "T_free", "h.u", "w1.rounding",
                       "w1.rows", "x.lanes", "ctrl.t_free", "nudge.window", "HH", "experiment.zz", "a.b.c", "", "h", "update_mode"]
        let values = FuzzTests.numbers + ["stochastic", "deferred", "s3.12", "H * 2", "(", "1 +", "[1, 2]", "abc", ""]
        return (0..<rng.below(3)).map { _ in "\(rng.pick(targets))=\(rng.pick(values))" }
    }

    /// One case: nil when it ends in a design, else its diagnostics (which must point into the
    /// file or the command line); a string describing the problem if they do not.
    static func run(_ source: String, overrides: [String]) -> (designed: Bool, problem: String?) {
        let limits = ElaborationLimits(maxStateWords: 1 << 21, maxErrors: 50)
        do {
            _ = try Netlist.elaborate(source: source, path: "fuzz.net", registry: standardBlocks, overrides: overrides, limits: limits)
            return (true, nil)
        } catch {
            if error.diagnostics.isEmpty { return (false, "no diagnostics") }
            let lineCount = source.utf8.reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
            for d in error.diagnostics {
                let l = d.location
                let fileOK = l.file == "fuzz.net" ? l.line <= lineCount : l.file == SourceLocation.commandLine
                if !fileOK || l.line < 1 || l.column < 1 || d.message.isEmpty { return (false, "bad diagnostic \(d)") }
            }
            return (false, nil)
        }
    }

    /// Results written by concurrent workers (each index by one worker).
    final class Results: @unchecked Sendable {
        var designed: [Bool]
        var problems: [String?]
        init(_ n: Int) {
            designed = Array(repeating: false, count: n)
            problems = Array(repeating: nil, count: n)
        }
    }

    func testMutatedDesignsNeverTrap() throws {
        let start = Date()
        // The tiny design gets most cases; the 784 ones are slower to build (SRAM allocation).
        let plan = [("eqspike-tiny.net", 1400), ("eqspike-784-100-10.net", 150), ("eqspike-784-300-10.net", 70), ("", 200)]
        let originals = try plan.map { $0.0.isEmpty ? "" : try String(contentsOfFile: "\(hwConfigs)/\($0.0)", encoding: .utf8) }
        var jobs: [(original: Int, seed: UInt64)] = []
        for (k, (_, count)) in plan.enumerated() {
            for i in 0..<count { jobs.append((k, 0xE05_5B1C &+ UInt64(jobs.count) &* 0x9E37_79B9 &+ UInt64(i))) }
        }
        var fixed: [(source: String, overrides: [String])] = []
        for n in 0..<4 {   // pathological inputs
            fixed.append((String(repeating: "(", count: 5000 * (n + 1)), []))
            fixed.append(("H = " + Array(repeating: "1", count: 3000).joined(separator: " + "), []))
            fixed.append(("H = " + String(repeating: "-", count: 10_000) + "1", []))
            fixed.append((String(repeating: "block a: lif(lanes = 1000000)\n", count: 20), []))
            fixed.append(("experiment {\n" + String(repeating: "x = [1, 2, [3]]\n", count: 200), ["experiment.x=1"]))
        }
        // Both cores: each case builds its own input from its own seed (deterministic) and has its
        // own sink, blocks and simulator.
        let total = jobs.count + fixed.count
        let results = Results(total)
        let sharedJobs = jobs, sharedFixed = fixed, sharedOriginals = originals
        DispatchQueue.concurrentPerform(iterations: total) { i in
            let source: String, overrides: [String]
            if i < sharedJobs.count {
                var rng = FuzzRNG(state: sharedJobs[i].seed)
                let original = sharedOriginals[sharedJobs[i].original]
                if original.isEmpty {   // random bytes
                    let bytes = (0..<rng.below(400)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    source = String(decoding: bytes, as: UTF8.self)
                    overrides = []
                } else {
                    var text = original
                    for _ in 0..<(1 + rng.below(3)) { text = FuzzTests.mutate(text, &rng) }
                    source = text
                    overrides = rng.below(4) == 0 ? FuzzTests.randomOverrides(&rng) : []
                }
            } else {
                (source, overrides) = sharedFixed[i - sharedJobs.count]
            }
            let r = FuzzTests.run(source, overrides: overrides)
            results.designed[i] = r.designed
            results.problems[i] = r.problem.map { "\($0)\n--- overrides: \(overrides)\n--- source:\n\(source)" }
        }
        for (i, p) in results.problems.enumerated() {
            if let p { XCTFail("case \(i): \(p)") }
        }
        let designs = results.designed.filter { $0 }.count
        print("fuzz: \(total) cases, \(designs) designs, \(total - designs) rejected with diagnostics, in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        XCTAssertGreaterThan(designs, 50, "some mutations (comments, odd values in range) still elaborate")
        XCTAssertGreaterThan(total - designs, 1000)
    }
}
