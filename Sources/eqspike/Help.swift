/// Per-command help texts (`eqspike help <command>`).
let commandHelp: [String: String] = [
    "check": """
    eqspike check <netlist> [--json] [--set key=value ...]
      Elaborates the design and prints its hardware budget: blocks with lanes and formats, register,
      SRAM and delay-line bits, total state bits, clock and SynOp energy. Errors are printed as
      file:line:col: error: message, and the exit status is 1.
    """,
    "train": """
    eqspike train <netlist> [options]
      --data DIR          MNIST IDX directory (default data/mnist; falls back to the shipped subset)
      --epochs N          epochs (default: the design's `epochs`)
      --train-limit N     use the first N training images
      --test-limit N      evaluate on the first N test images after each epoch
      --seed N            host PRNG seed (default: the design's `seed`)
      --out DIR           run directory: metrics.csv, checkpoint.bin, run.json (default runs/<design>)
      --resume            continue from DIR/checkpoint.bin
      --jobs N            parallel evaluation jobs (default: all cores)
      --set key=value     override a netlist parameter, block parameter or experiment key (repeatable)
    Ctrl-C writes a checkpoint and exits; --resume continues bit for bit.
    """,
    "eval": """
    eqspike eval <netlist> --weights CKPT [--data DIR] [--test-limit N] [--jobs N] [--energy-pj X] [--json] [--set k=v]
      Test accuracy with the rate readout and the first-spike readout, confusion matrix, mean clock of
      the first output spike, SynOps and energy per inference.
    """,
    "simulate": """
    eqspike simulate <netlist> [--data DIR] [--weights CKPT] --images N --vcd FILE [--signals P,...]
                     [--from CLOCK] [--to CLOCK] [--learn] [--set k=v]
      Runs N test images (inference, or the full learning procedure with --learn) and writes a VCD and
      a GTKWave save file beside it. Signals: patterns such as hidden.u[0:7],*.spike (default: the
      design's probes).
    """,
    "export": """
    eqspike export <netlist> --weights CKPT --out DIR [--set k=v]
      Writes each crossbar and bias memory as a $readmemh-compatible hex file, with its format in a
      header comment, for an RTL test bench.
    """,
]
