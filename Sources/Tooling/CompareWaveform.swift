import Foundation
import Waveform

/// The `.gtkw` of a comparison dump (`eqspike compare --vcd`): one group per block instance, in the
/// default view's order (controller, output, nudge, hidden, input, the rest); in it each fixed
/// trace with its float twin right below.
///
/// Twins are told apart by name, not only by colour: each trace gets a GTKWave alias
/// (`+{h.spike_3 fixed}`, `+{h.spike_3 float}`), what the signal pane shows instead of the full
/// names `fixed.h.spike_3` / `float.h.spike_3`, whose distinguishing first word is cut off when
/// the pane is narrower than the name. Viewers that do not read save files (Surfer) show the
/// `fixed` and `float` scopes of the dump itself. The lanes of both are spelt alike (`u_3`, see
/// `VCDVariable`), so a twin is found by its name under the other scope.
///
/// The dump opens zoomed to its whole length, as `simulate`'s save files do (it used to open on
/// the first 200 clocks, so a comparison of several images showed part of the first one).
enum CompareWaveform {
    static let analogPorts: Set<String> = ["u", "v", "mean", "current", "sum"]

    /// `instance.name fixed` / `instance.name float`: what GTKWave shows for the trace.
    static func alias(_ v: VCDVariable) -> String {
        (Array(v.scope.dropFirst()) + [v.name]).joined(separator: ".") + " " + (v.scope.first ?? "")
    }

    /// `groupOrder`: instance names in the order their groups are listed (`DefaultView.groupOrder`,
    /// as `simulate`'s save files); groups it does not name follow in dump order.
    static func saveFile(for writer: VCDWriter, groupOrder: [String] = []) -> String {
        let vars = writer.variables
        var floatByKey: [String: VCDVariable] = [:]
        for v in vars where v.scope.first == "float" {
            floatByKey[v.scope.dropFirst().joined(separator: ".") + "." + v.name] = v
        }
        var s = "[*]\n[*] \(writer.version): fixed-point chip (fixed.*) above its float golden twin (float.*)\n[*]\n"
        s += "[dumpfile] \"\(absolute(writer.dumpFileForSaveFile ?? writer.path))\"\n"
        s += "[savefile] \"\(absolute(writer.saveFilePath))\"\n"
        let first = writer.firstDumpedClock ?? 0
        let last = writer.lastDumpedClock ?? first
        let ticks = writer.timescale.ticksPerClock
        var options = GTKWaveSaveFile.Options()
        options.signalsWidth = 300
        s += "[timestart] \(first * ticks)\n[size] \(options.windowWidth) \(options.windowHeight)\n[pos] -1 -1\n"
        // The whole dump, its closing time step included (the clock after the last dumped one).
        let zoom = GTKWaveSaveFile.zoom(forTicks: (last - first + 1) * ticks, options: options)
        s += "*" + GTKWaveSaveFile.fixed6(zoom) + " -1" + String(repeating: " -1", count: GTKWaveSaveFile.namedMarkerCount) + "\n"
        s += "[treeopen] fixed.\n[treeopen] float.\n[sst_width] \(options.sstWidth)\n[signals_width] \(options.signalsWidth)\n"
        s += "[sst_expanded] 1\n[sst_vpaned_height] 260\n"
        var groups: [(String, [VCDVariable])] = []
        for v in vars where v.scope.first == "fixed" {
            let inst = v.scope.dropFirst().joined(separator: ".")
            if let k = groups.firstIndex(where: { $0.0 == inst }) { groups[k].1.append(v) } else { groups.append((inst, [v])) }
        }
        let rank = Dictionary(groupOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let ordered = groups.enumerated().sorted {
            (rank[$0.element.0] ?? groupOrder.count, $0.offset) < (rank[$1.element.0] ?? groupOrder.count, $1.offset)
        }.map(\.element)
        for (inst, members) in ordered {
            s += "@800200\n-\(inst)\n"
            for v in members {
                s += trace(v)
                if let twin = floatByKey[inst + "." + v.name] { s += trace(twin, analogLike: v) }
            }
            s += "@1000200\n-\(inst)\n"
        }
        s += "[pattern_trace] 1\n[pattern_trace] 0\n"
        return s
    }

    static func trace(_ v: VCDVariable, analogLike: VCDVariable? = nil) -> String {
        let ref = analogLike ?? v
        let analog = ref.width > 1 && analogPorts.contains(ref.port)
        var flags: GTKWaveSaveFile.Flags = [.rightJustify]
        var shift = 0
        var color = 0
        switch v.kind {
        case .real:
            flags.insert(.signed)
            color = 5
        case .fixed(let f) where f.width == 1:
            flags.insert(.binary)
            color = v.scope.first == "float" ? 5 : 3
        case .fixed(let f):
            flags.insert(.decimal)
            if f.isSigned { flags.insert(.signed) }
            if f.fracBits > 0 { flags.insert(.fixedPointShift); shift = f.fracBits }
        }
        if analog { flags.insert(.analogStep); if !v.isReal { color = 2 } }
        var s = "@\(flags.hexString)\n"
        if flags.contains(.fixedPointShift) { s += "[fpshift_count] \(shift)\n" }
        s += "[color] \(color)\n+{\(alias(v))} \(v.gtkwaveName)\n"
        if analog { s += "@20000\n-\n-\n" }
        return s
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
