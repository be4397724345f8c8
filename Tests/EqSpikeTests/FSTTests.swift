import XCTest
import Foundation
import Waveform

/// `--vcd FILE.fst` writes a real FST: GTKWave's fst2vcd turns it back into the values of the VCD
/// of the same run, value for value; names the tool does not write are refused.
final class FSTTests: XCTestCase {
    /// Every value change of a VCD as "time hierarchical.name value", values normalised (binary
    /// without leading zeros, reals as Doubles), so two writers' spellings compare.
    static func changes(_ text: String) -> [String] {
        var scope: [String] = []
        var names: [String: String] = [:]
        var out: [String] = []
        var time = 0
        var inDefinitions = true
        func norm(_ v: String) -> String {
            if v.hasPrefix("b") || v.hasPrefix("B") {
                let bits = v.dropFirst().drop { $0 == "0" }
                return "b" + (bits.isEmpty ? "0" : String(bits))
            }
            if v.hasPrefix("r") || v.hasPrefix("R") { return "r" + String(Double(v.dropFirst()) ?? .nan) }
            return v
        }
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let f = line.split(separator: " ").map(String.init)
            if inDefinitions {
                if f.first == "$scope", f.count >= 3 { scope.append(f[2]) }
                if f.first == "$upscope" { scope.removeLast() }
                if f.first == "$var", f.count >= 5 {
                    // $var kind width id name [range] $end
                    let name = f[4...].prefix { $0 != "$end" }.joined()
                    names[f[3]] = (scope + [name]).joined(separator: ".")
                }
                if f.first == "$enddefinitions" { inDefinitions = false }
                continue
            }
            guard let c = line.first else { continue }
            if c == "#" { time = Int(line.dropFirst()) ?? time; continue }
            if c == "$" { continue }
            if c == "b" || c == "B" || c == "r" || c == "R", f.count == 2 {
                out.append("\(time) \(names[f[1]] ?? "?\(f[1])") \(norm(f[0]))")
            } else if "01xzXZ".contains(c) {
                out.append("\(time) \(names[String(line.dropFirst())] ?? "?") \(c)")
            }
        }
        return out.sorted()
    }

    func testFSTHoldsTheValuesOfTheVCD() throws {
        guard let fst2vcd = DumpTools.find("fst2vcd"), DumpTools.find("vcd2fst") != nil else {
            throw XCTSkip("GTKWave's vcd2fst and fst2vcd are not installed (apt-get install gtkwave)")
        }
        let dir = Repo.temporaryDirectory("fst")
        let common = ["simulate", "hw-configs/eqspike-tiny.net", "--data", Repo.subset, "--images", "2", "--learn"]
        XCTAssertEqual(try Tool.run(common + ["--vcd", dir + "/run.vcd"]).status, 0)
        let r = try Tool.run(common + ["--vcd", dir + "/run.fst"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/run.fst.partial.vcd"), "the temporary VCD is removed")
        let save = try String(contentsOfFile: dir + "/run.gtkw", encoding: .utf8)
        XCTAssertTrue(save.contains("run.fst\""), "the save file opens the FST")
        let back = try DumpTools.run(fst2vcd, [dir + "/run.fst"])
        XCTAssertEqual(back.status, 0)
        let vcd = try String(contentsOfFile: dir + "/run.vcd", encoding: .utf8)
        let expected = Self.changes(vcd)
        XCTAssertGreaterThan(expected.count, 1000)
        XCTAssertEqual(Self.changes(back.output), expected, "fst2vcd of the FST must give the VCD's values")
    }

    func testNamesTheToolDoesNotWriteAreRefused() throws {
        for name in ["x.vcd.gz", "x.txt", "x", "x.FST.bak"] {
            let path = Repo.temporaryDirectory("badname") + "/" + name
            let r = try Tool.run(["simulate", "hw-configs/eqspike-tiny.net", "--data", Repo.subset, "--images", "1", "--vcd", path])
            XCTAssertEqual(r.status, 1, name)
            XCTAssertTrue(r.stderr.contains(".vcd (plain VCD), .fst"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "nothing written under \(name)")
        }
    }
}

/// External waveform tools (GTKWave's), found on PATH.
enum DumpTools {
    static func find(_ tool: String) -> String? { DumpTarget.findOnPath(tool) }

    static func run(_ tool: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let (status, data) = try Tool.capture(tool, args)
        return (status, String(decoding: data, as: UTF8.self))
    }


}
