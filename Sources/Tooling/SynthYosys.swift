import Foundation
import RTL

/// One Yosys run: a module of the emitted RTL synthesised on its own, so each block keeps its own
/// numbers (per-module runs also let a slow block be cut off without losing the others, and cache
/// independently: a change of one block's format re-synthesises that block only).
public enum SynthYosys {
    /// The generic gate mapping: `synth` (coarse and fine optimisation, generic gates), every
    /// flip-flop legalised to a plain D flip-flop (`$_DFF_P_`: enables and synchronous resets become
    /// gates, so `stat -tech cmos` knows the cost of every cell), then ABC onto NAND, NOR and NOT.
    /// `stat -json` is in Yosys 0.23 and is parsed rather than the text table.
    static func script(module: String, file: String, libraries: [String], liberty: String?) -> String {
        var s = libraries.map { "read_verilog -lib \($0)" }
        s += ["read_verilog \(file)",
              "hierarchy -check -top \(module)",
              "synth -top \(module)"]
        if liberty != nil { s.append("design -save generic") }
        s += ["dfflegalize -cell $_DFF_P_ 01",
              "abc -g cmos2",
              "opt_clean",
              "tee -q -o stat.json stat -tech cmos -json"]
        if let l = liberty {
            // The same generic netlist mapped onto the library's cells instead.
            s += ["design -load generic",
                  "dfflibmap -liberty \(l)",
                  "abc -liberty \(l)",
                  "opt_clean",
                  "tee -q -o stat-liberty.json stat -liberty \(l) -json",
                  // 0.23's JSON has no area; its text has "Chip area for module '\\M': A".
                  "tee -q -o stat-liberty.txt stat -liberty \(l)"]
        }
        return s.joined(separator: "\n") + "\n"
    }

    /// What `stat -json` says of one module.
    struct Stat {
        var cellsByKind: [String: Int] = [:]
        var transistors = 0
        var area: Double? = nil
    }

    enum Outcome {
        case done(Stat, cmos: Stat)
        case failed(String)
    }

    /// Runs Yosys in `directory` (where the RTL is) with a wall-time limit and a memory limit
    /// (`ulimit -v`): a block whose logic explodes must not take the machine with it.
    static func run(module: String, file: String, libraries: [String], designModules: Set<String>, liberty: String?, directory: String,
                    timeoutSeconds: Double, memoryLimitMB: Int) throws -> Outcome {
        let work = directory + "/synth-\(module)"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let rel = { (f: String) in "../\(f)" }
        let text = script(module: module, file: rel(file), libraries: libraries.map(rel), liberty: liberty)
        try Data(text.utf8).write(to: URL(fileURLWithPath: work + "/synth.ys"))
        guard let yosys = HDLSimulator.which("yosys") else { throw Synth.Failure.noYosys }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "ulimit -v \(memoryLimitMB * 1024) && exec \"$0\" -q -s synth.ys", yosys]
        p.currentDirectoryURL = URL(fileURLWithPath: work)
        FileManager.default.createFile(atPath: work + "/yosys.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: work + "/yosys.log"))
        defer { try? log.close() }
        p.standardOutput = log
        p.standardError = log
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        if done.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            p.terminate()
            done.wait()
            return .failed("not finished in \(Int(timeoutSeconds)) s (--timeout)")
        }
        guard p.terminationStatus == 0 else {
            let log = (try? String(contentsOfFile: work + "/yosys.log", encoding: .utf8)) ?? ""
            if log.contains("bad_alloc") { return .failed("out of memory at the \(memoryLimitMB) MB limit (--memory-mb)") }
            let how = p.terminationReason == .uncaughtSignal ? "killed by signal" : "exit status"
            return .failed("yosys \(how) \(p.terminationStatus): \(log.split(separator: "\n").suffix(3).joined(separator: " | "))")
        }
        let cmos = try parse(work + "/stat.json", module: module, designModules: designModules)
        var lib = cmos
        if liberty != nil {
            lib = try parse(work + "/stat-liberty.json", module: module, designModules: designModules)
            lib.area = try chipArea(work + "/stat-liberty.txt", module: module)
        }
        return .done(lib, cmos: cmos)
    }

    /// The module's entry of `stat -json`: cells of Yosys's internal kinds (`$_NAND_`...) or of
    /// the Liberty file; instances of other modules (black boxes: SRAM macros, the top's blocks)
    /// are not counted here, each is reported on its own.
    static func parse(_ path: String, module: String, designModules: Set<String>) throws -> Stat {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let modules = root["modules"] as? [String: Any],
              let m = modules["\\" + module] as? [String: Any],
              let kinds = m["num_cells_by_type"] as? [String: Any] else {
            throw Synth.Failure.unreadable("\(path): no statistics for module \(module)")
        }
        var s = Stat()
        for (k, v) in kinds {
            let name = k.hasPrefix("\\") ? String(k.dropFirst()) : k
            guard let n = (v as? NSNumber)?.intValue, !designModules.contains(name) else { continue }
            s.cellsByKind[kind(name)] = n
        }
        // A string in 0.23, with a "+" when some cells (the black boxes) have no known cost.
        if let t = m["estimated_num_transistors"] {
            s.transistors = Int(String(describing: t).filter(\.isNumber)) ?? 0
        }
        return s
    }

    /// The area `stat -liberty` prints for the module (cells of the library only; black boxes have none).
    static func chipArea(_ path: String, module: String) throws -> Double {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let prefix = "Chip area for module '\\\(module)': "
        guard let line = text.split(separator: "\n").first(where: { $0.contains(prefix) }),
              let a = Double(line.components(separatedBy: prefix).last?.trimmingCharacters(in: .whitespaces) ?? "") else {
            throw Synth.Failure.unreadable("\(path): no chip area for module \(module)")
        }
        return a
    }

    /// `$_NAND_` -> `NAND`, `$_DFF_P_` -> `DFF_P`; Liberty cell names stay as they are.
    static func kind(_ k: String) -> String {
        guard k.hasPrefix("$_") else { return k }
        return String(k.dropFirst(2).dropLast(k.hasSuffix("_") ? 1 : 0))
    }

    /// `yosys -V`, part of every cache key (another version maps differently).
    static func version() throws -> String {
        guard let yosys = HDLSimulator.which("yosys") else { throw Synth.Failure.noYosys }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: yosys)
        p.arguments = ["-V"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let d = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
