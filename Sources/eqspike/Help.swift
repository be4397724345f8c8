/// Per-command help texts (`eqspike help <command>`).
let commandHelp: [String: String] = [
    "check": """
    eqspike check <netlist> [--json] [--set key=value ...]
      Elaborates the design and prints its hardware budget: blocks with lanes and formats, register,
      SRAM and delay-line bits, total state bits, clock and SynOp energy. Errors are printed as
      file:line:col: error: message, and the exit status is 1. When `eqspike synth` has synthesised
      the design (in .eqspike-cache/synth of the working directory), its per-block area table too;
      else a line saying how to get one.
    """,
    "train": """
    eqspike train <netlist> [options]
      --data DIR          MNIST IDX directory (default data/mnist; falls back to the shipped subset)
      --epochs N          epochs (default: the design's `epochs`)
      --train-limit N     use the first N training images
      --test-limit N      evaluate on the first N test images after each epoch
      --validation N      hold out the training file's last N images: never trained on, evaluated
                          after each epoch (metrics.csv gains validation_images, _accuracy and
                          _first_spike_accuracy), so settings can be chosen without the test set;
                          --train-limit then counts the images before them (fixed and float models)
      --seed N            host PRNG seed (default: the design's `seed`)
      --out DIR           run directory: metrics.csv, checkpoint.bin, run.json (default runs/<design>)
      --resume            continue from DIR/checkpoint.bin (same design, formats, seed and training
                          data; --epochs and learning-rate settings may change, run.json records it)
      --force             start a new run in DIR even though it holds one (replaces it)
      --jobs N            parallel evaluation jobs (default: all cores; the results do not depend on it)
      --set key=value     override a netlist parameter, block parameter or experiment key (repeatable)
      --model fixed|float fixed: the chip (default); float: the golden model configured from the design
                          (same data, initial weights, shuffle and schedule; same metrics.csv columns;
                          default --out runs/<design>-float; its checkpoint.bin holds the
                          network's weights, biases and sign register: --resume as for the chip)
      --model rate        train the rate-based C-EP reference (Table 1): same sizes,
                          seed, init, data and shuffle; --set cep.KEY=value sets dt, T, K, beta, eta1,
                          eta2, eta, lr_schedule (README, "Report")
    Ctrl-C stops within about a second, keeping the last consistent checkpoint (written between images:
    at the interruption, after every epoch and every minute); --resume continues bit for bit. The bits
    of a run depend on the design, --set, the seed and the training images only, not on --jobs,
    --test-limit or the machine.
    """,
    "eval": """
    eqspike eval <netlist> --weights CKPT [--data DIR] [--test-limit N] [--jobs N] [--energy-pj X] [--json] [--set k=v]
      Test accuracy with the rate readout and the first-spike readout, confusion matrix, mean clock of
      the first output spike, SynOps and energy per inference (SynOps x --energy-pj, and from
      activity: SRAM words, per-lane arithmetic and registers priced by the design's energy_* keys,
      per block), and the system cycles per tick the RTL's SRAM ports take (mean, median, p99, max,
      and the tick rate at 100 MHz).
    """,
    "simulate": """
    eqspike simulate <netlist> [--data DIR] [--weights CKPT] --images N --vcd FILE [--signals P,...]
                     [--from CLOCK] [--to CLOCK | --image K] [--learn] [--json] [--set k=v]
      Runs N test images (inference, or the full learning procedure with --learn) and writes a
      waveform and a GTKWave save file beside it; prints each image's system cycles and their
      distribution per tick. FILE.vcd: plain VCD; FILE.fst: GTKWave's FST (5-7x
      smaller; made by GTKWave's vcd2fst from a temporary VCD, package gtkwave); -: VCD on standard
      output (the summary goes to stderr, no save file). Other names are refused. Each image's first
      and last clock are printed (and given in --json). The save file opens zoomed to the whole dump,
      with named markers at each image start (image 0, image 1, ...) and each phase change (nudge),
      the first 26 of them (GTKWave has markers A-Z); ctrl.phase shows free / nudge / done through a
      translate-filter file written beside it (FILE.ctrl.phase.filter: keep it with the .gtkw).
      Signals: patterns such as hidden.u[0:7],*.spike (default: the design's probes); lanes are
      listed low to high, and a lane a named port lacks is an error.
      Every dump also has tb.image, the test bench's image counter (0, 1, ... from each image's
      first clock).
      --from/--to limit the dump to clocks FROM to TO, both inclusive, counted from 0 across the
      whole run (all N images back to back, not per image); without --to the dump runs to the end.
      A window after the run's last clock is an error (no VCD is written). --image K dumps image K
      only (counted from 0), from its first clock to its last, wherever it falls in the run.
    """,
    "export": """
    eqspike export <netlist> --weights CKPT --out DIR [--set k=v]
      Writes each crossbar and bias memory as a $readmemh-compatible hex file, with its format in a
      header comment, for an RTL test bench.
    """,
    "verilog": """
    eqspike verilog <netlist> [--weights CKPT] [--seed N] --out DIR [--set k=v]
      Writes the design as synthesizable Verilog-2005 (Verilator 5.006, Icarus Verilog 11 and Yosys
      0.23 accept it; verilator --lint-only -Wall prints nothing): one module per block instance,
      <type>_<instance>.v, headed by the block's bit-exact equations (docs/blocks*.md) with the
      constants the model realised; eqspike_top.v wired as the netlist says, nets named
      <instance>_<port>; the memories' $readmemh files (the same as `eqspike export`) and their
      shadows, from the checkpoint or the initial weights (--seed, default the design's); files.f
      (compilation order) and README.md (clock, reset, host ports, tick). Tick-level RTL: one clock
      per algorithm tick. Configurations it cannot write bit-exactly (crossbar update = rank1,
      stochastic rounding in lif, li, fir or scale, a stochastic resize) are refused, naming the instance
      and parameter, with a non-zero exit.
    """,
    "synth": """
    eqspike synth <netlist> [--liberty FILE] [--json] [--timeout S] [--memory-mb M] [--only a,b,...]
                  [--lane-scaling] [--cache DIR] [--set k=v]
      Area of the design from logic synthesis of its RTL (as `verilog` writes it) with Yosys (Debian
      package yosys): each block instance's module, and the top's glue as "(top)", synthesised on its
      own (synth; flip-flops legalised to plain D flip-flops; abc -g cmos2; stat -tech cmos -json),
      printed per block: cells by kind, flip-flops, estimated transistors, area. Area: from the
      Liberty file's cells with --liberty (mapped with dfflibmap and abc -liberty), else transistors x
      0.1995 um^2 (NanGate 45 nm NAND2_X1 / 4). SRAM macros (eqspike_sram: crossbar weights and
      shadows) are black boxes, listed with words, bits and port width, and sized at 0.346 um^2 per
      6T bit (45 nm) / 0.7 array efficiency (docs/synthesis.md). Totals are the sums of the parts.
      Each module runs under --timeout S seconds (default 600) and --memory-mb M (default 4096,
      ulimit -v); a block that exceeds them is listed as not synthesised, left out of the totals, and
      the exit status is 1. Results are cached per module in --cache DIR (default
      .eqspike-cache/synth in the working directory) under a hash of its Verilog, the script, the
      Yosys version and the Liberty file; `eqspike check` shows the cached table. --only a,b
      synthesises those instances only ("(top)" for the glue). --lane-scaling: a block with more than
      32 lanes (rows, columns) is synthesised with 16 and with 32 in each such size (8 and 16, then 4
      and 8, when those copies do not fit the limits) and its figures extrapolated linearly (marked *
      in the table; 784-lane banks and 784 x H crossbars are beyond Yosys's memory whole; accuracy of
      the estimate in docs/synthesis.md).
    """,
    "cosim": """
    eqspike cosim <netlist> [--weights CKPT] [--images N] [--learn] [--simulator icarus|verilator]
                  [--rtl DIR] [--out DIR] [--vcd FILE] [--verilator-opt O0] [--light] [--json]
                  [--data DIR] [--seed N] [--set k=v]
      Co-simulation: writes the RTL (as `verilog`) with a test bench into --out (default a fresh
      temporary directory), runs it under the HDL simulator (icarus: iverilog + vvp, the default;
      verilator: verilator --binary, needs g++ and make), then runs the model on the same images
      exactly as the trainer presents them (load, reset, clock until done; --learn: training images
      with learning, else test images) and compares every block output and register, every lane, on
      every tick, the tick's system cycles (the SRAM ports' sequencing: model count against RTL),
      and every crossbar and bias word at the end of each image. The first difference
      stops it: image, tick, block, signal, lane, expected and actual (raw and real), exit 1. At the
      end: ticks, signals and lanes compared, and the wall time of each side. --rtl DIR lays the
      files of DIR over the emitted ones (DIR/files.f, if present, lists the sources): hand-written
      or modified RTL checked against the model, with the signal names of README.md. --images
      default 2. --vcd FILE: the RTL's waveform (the whole hierarchy under eqspike_tb.dut, lane-packed
      vectors named as in the netlist), beside which `eqspike simulate ... --vcd` dumps the model's.
      --verilator-opt O0: the C++ optimisation of Verilator's model (a 784-lane design builds
      several times faster at O0 and runs slower). --light: compare the system cycles of every
      tick and the memories at image ends only, without the per-tick signal trace (the RTL's own
      speed, for a benchmark). A missing simulator is an error naming the Debian package to install.
    """,
    "compare": """
    eqspike compare <netlist> [--weights CKPT] [--images N] [--clocks N] [--learn] [--json]
                    [--vcd FILE] [--signals P,...] [--data DIR] [--seed N] [--set k=v]
      Runs the fixed-point chip and the float golden model (configured from the same design, loaded
      with the chip's weights) in lockstep on the same images: test images, or training images with
      --learn (nudge phase and learning on; the float model follows the chip's nudge decision).
      Reports, per state (u, V, F of each layer, currents), the max and mean |fixed - float| in LSBs
      of the fixed format, also over the clocks before the first spike divergence ("in sync"); spike
      agreement per layer with the clock of the first divergence; rate correlation; output-class
      agreement; nudge-decision agreement; and with --learn the weight divergence in LSBs.
      --clocks N stops after N clocks in all. --vcd writes one waveform (.vcd, .fst or -, as for
      simulate) with a fixed and a float scope and a .gtkw showing each fixed signal above its float
      twin (signals: --signals or the design's probes).
    """,
    "sweep": """
    eqspike sweep <netlist> --set key=v1,v2,... [--set ...] [--jobs N] [--out DIR] [--train-limit N]
                  [--test-limit N] [--epochs N] [--shard k/n] [--float] [--area] [--data DIR] [--seed N]
                  [--progress N]
    eqspike sweep --merge DIR [DIR ...] --out DIR
      Trains and tests every point of the grid (the cartesian product of the --set lists; the first
      --set varies slowest; a --set with one value is a fixed override), each on its own chip, N
      points at a time (default: all cores). Writes DIR/results.csv, results.json and plot.svg (test
      accuracy against weight bits, one line per combination of the other varying settings) and
      energy.svg (test accuracy against energy per inference from the activity account, Pareto front
      marked); results.csv also has energy per inference and per training image and mean system
      cycles per tick. --area: once the points are trained, each point's design is synthesised as
      `eqspike synth --lane-scaling` does (Yosys; blocks cached in .eqspike-cache/synth per distinct
      RTL, so each is synthesised once for the sweep) and results.csv gains logic transistors, logic,
      SRAM and total area (um^2, 45 nm), area.svg plots accuracy against area with its Pareto front.
      Finished points are recorded in DIR/points/ and are not run again (resume = same command).
      --shard k/n runs the points i with i mod n == k (0 <= k < n); --merge joins shard directories
      into one results.csv, identical to the unsplit sweep's except the last column (wall_seconds).
      --float also trains the float golden model on the same images (the dashed line in the plot).
      --progress N logs each point's running accuracy every N training images (default 5000; 0: off).
    """,
    "report": """
    eqspike report <run-dir> [<run-dir> ...] [--netlist N] [--data DIR] [--out DIR] [--test-limit N]
                   [--stdp-images N] [--betas b1,b2,...] [--energy-pj X] [--jobs N] [--no-sim]
      The paper's analyses from training runs (the --out directories of eqspike train), written as a
      self-contained report.html (inline SVG) plus the CSV behind each figure, in --out (default:
      the first run directory):
        Fig. 2   train/test accuracy per epoch (mean and spread over several runs; C-EP runs of
                 --model rate drawn beside the chip's)
        Fig. 3   test accuracy vs t x f_max for the rate and first-spike readouts, mean time of the
                 first output spike, SynOps over an inference (the checkpoint on --test-limit images,
                 default the run's test limit)
        Fig. 4   images nudged, spikes per neuron per image, accuracy vs training SynOps (metrics.csv)
        Fig. 5c  STDP-like curves over the first --stdp-images (1000) training images of epoch 1
                 from the initial weights: the paper's definition (W1 change in the 200 clocks
                 before a hidden spike vs t_post - mean t_pre) and the one anchored on each update;
                 the design's random-sign rule split into its +beta and -beta images, and the
                 paper's positive-sign rule, per --betas (default the design's beta)
        energy   SynOps and energy per inference and for training (--energy-pj, default the design's),
                 share of spikes and SynOps per layer
        one image through both phases (raster, membranes) and the learned W1 as 28x28 pictures,
        and a table of each paper number beside this model's. --no-sim: metrics-only figures.
      --netlist overrides the design named in run.json; --data as for train.
    """,
    "bench": """
    eqspike bench <netlist> [<netlist> ...] [--json] [--images N] [--data DIR] [--repeat R]
                  [--eval-images N] [--out FILE] [--trace-block NAME] [--no-golden] [--quick] [--set k=v]
      Measures the simulator on the design, release build: clocks/s in the free and the nudge phase
      (learning on), training and inference images/s, the fixed-point chip against the float golden
      model on the same images, the cost of tracing (an observer that does nothing, a VCD of one
      block's signals, a VCD of every signal) and VCD bytes/s, evaluation images/s with 1 and 2 jobs,
      and peak memory; with the training and inference runs, their system cycles per tick (the RTL's
      clock) and their energy per image from activity. Each figure is the median of R repeats
      (default 3) of identical work; rates
      are per CPU second of the thread and per wall second. Data: the shipped subset unless --data.
      --json prints one JSON record (machine, command, results); --out writes it to FILE.
      --quick measures only the phases, training and inference.
    """,
]
