import Foundation
import EqSpike

/// eqspike — the command-line tool of EqSpikeHW. Each command lives in its own file.
let usage = """
usage: eqspike <command> [arguments]

commands:
  check <netlist> [--json] [--set k=v ...]      elaborate a design and print its hardware budget
  train <netlist> [options]                      train on-chip (fixed point) or the float golden model
  eval <netlist> --weights CKPT [options]        test accuracy, readouts, SynOps and energy
  simulate <netlist> --images N --vcd FILE       run images and write a VCD + GTKWave save file
  export <netlist> --weights CKPT --out DIR      crossbar contents as $readmemh hex files
  verilog <netlist> [--weights CKPT] --out DIR   synthesizable Verilog-2005 of the design, bit-exact with the model
  synth <netlist> [--liberty FILE] [--json]     area from Yosys on the emitted RTL: cells, flip-flops, transistors per block; SRAM macros
  cosim <netlist> [--images N] [--learn]         the emitted RTL under Icarus or Verilator against the model, tick by tick
  compare <netlist> [--images N] [--learn]       fixed chip vs float golden model in lockstep: errors in LSBs, spike agreement
  sweep <netlist> --set key=v1,v2 [...]          grid of designs trained and tested in parallel: results.csv, plot.svg
  report <run-dir> [...]                         the paper's figures and tables from training runs: report.html + CSVs
  bench <netlist> [--json] [--images N]          simulator speed: clocks/s, images/s, fixed vs float, tracing cost
  help [command]                                 this text, or one command's options

Run `eqspike help <command>` for a command's options.
"""

let version = "0.1.0"

func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("eqspike: \(message)\n".utf8))
    exit(code)
}

let args = CommandLine.arguments
guard args.count >= 2 else {
    print(usage)
    exit(2)
}
let command = args[1]
let rest = args.dropFirst(2)

do {
    switch command {
    case "check": try CheckCommand.run(rest)
    case "train": try TrainCommand.run(rest)
    case "eval": try EvalCommand.run(rest)
    case "simulate": try SimulateCommand.run(rest)
    case "export": try ExportCommand.run(rest)
    case "verilog": try VerilogCommand.run(rest)
    case "synth": try SynthCommand.run(rest)
    case "cosim": try CosimCommand.run(rest)
    case "bench": try BenchCommand.run(rest)
    case "compare": try CompareCommand.run(rest)
    case "sweep": try SweepCommand.run(rest)
    case "report": try ReportCommand.run(rest)
    case "help", "--help", "-h":
        guard let c = rest.first else { print(usage); break }
        guard rest.count == 1 else { fail("help takes one command name", code: 2) }
        guard let text = commandHelp[c] else {
            let hint = closest(c, in: commandHelp.keys.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
            fail("no command '\(c)'\(hint)\n\n\(usage)", code: 2)
        }
        print(text)
    case "--version", "version": print("eqspike \(version)")
    default:
        let hint = closest(command, in: ["check", "train", "eval", "simulate", "export", "verilog", "synth", "cosim", "compare", "sweep", "report", "bench", "help"]).map { " (did you mean '\($0)'?)" } ?? ""
        fail("unknown command '\(command)'\(hint)\n\n\(usage)", code: 2)
    }
} catch let e as CLIError {
    if case .usage = e { fail("\(e)\nsee: eqspike help \(command)", code: 2) }
    fail("\(e)")
} catch let e as TrainError {
    if case .interrupted = e { fail("\(e)", code: 130) }
    fail("\(e)")
} catch {
    fail("\(error)")
}
