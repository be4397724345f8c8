import CircuitIR

/// The README written beside the RTL: how a host drives the top module.
enum ProtocolReadme {
    static func text(circuit: Circuit, sources: [String]) -> String {
        let enc = circuit.instances.filter { $0.typeName == "pixel_encoder" }.map(\.name)
        let nudge = circuit.instances.filter { $0.typeName == "nudge" }.map(\.name)
        let ctrl = circuit.instances.filter { $0.typeName == "phase_controller" }.map(\.name)
        let mems = circuit.instances.filter { $0.typeName == "crossbar" || $0.typeName == "bias" }.map(\.name)
        return """
        # RTL of \(circuit.sourcePath)

        Written by `eqspike verilog`: Verilog-2005, one module per block instance
        (`<type>_<instance>.v`, headed by the block's bit-exact equations from docs/blocks*.md),
        and the top module `eqspike_top` wired as the netlist says. Compile the files in
        `files.f`, in that order, from this directory (the memories read their `.hex` files with
        relative paths):

            verilator --lint-only -Wall $(cat files.f)
            iverilog -g2005 -o top.vvp $(cat files.f)

        ## Clocks, reset, host stimulus

        - `clk` is the **system clock**. The model's clock, the **tick** (\(circuit.clock)), is one or
          more system cycles: the crossbars read their spiking rows and columns through SRAM ports of
          `port_words` words per cycle, then update, and in the tick's last cycle (`tick`, inside
          `eqspike_top`) every other register commits. `tick_done` is high for one cycle after the
          edge that committed a tick. The model counts the same cycles (`eqspike eval` and
          `eqspike simulate` report them; `eqspike cosim` compares them tick by tick).
        - Starting an image: hold `rst` and `load` high for one clock, with the host inputs set:
          \(enc.map { "`\($0)_pixel` (one u8.0 pixel per lane, lane k in bits [8k +: 8])" }.joined(separator: ", ")),
          \(nudge.map { "`\($0)_target` (the label, one-hot)" }.joined(separator: ", ")),
          \(ctrl.map { "`\($0)_train` (1: learn from this image)" }.joined(separator: ", ")).
          That edge writes the host registers and clears every per-image register, as the model's
          `reset()` does; memories (\(mems.map { "`\($0)`" }.joined(separator: ", "))), their shadows and all
          LFSRs keep their state, and no SRAM is accessed in that clock.
        - Then drop `rst` and `load` and clock until \(ctrl.map { "`\($0)_done`" }.joined(separator: ", ")) is high (look at it
          when `tick_done` is high): the free phase, and when training and not skipped the nudge
          phase with its weight commit in the last tick. Tick t of the model (0-based from the
          reset) is the t-th tick after the reset clock.
        - Signals: every block output is a net `<instance>_<port>` of `eqspike_top`; registers are
          wires named after their port inside the instance (`eqspike_top.h.u`). Lane k of a port of
          W-bit words is bits [W*k +: W]; values are the raw two's-complement fixed-point words of
          the port's format (`eqspike check` lists them). A crossbar's combinational outputs are
          valid from the end of the tick's read phase to its last cycle. Memories: a crossbar's
          words are in its `eqspike_sram` instances `weights` and `shadow` (array `mem`, address
          row * cols + col); a bias's in arrays `values` and `shadow`. `eqspike cosim --rtl DIR`
          reads all of these by these names, in the tick's last cycle.

        ## SRAMs

        `eqspike_sram.v` is a behavioural single-port SRAM: ROWS x COLS words, one access per cycle
        of P words of a row or of a column (transposable), synchronous read. A foundry macro (or two
        macros and a transpose network) with that port replaces it; `eqspike cosim --rtl` then
        checks the result against the model.

        ## Initial contents

        `<memory>.hex` hold the weights (the same files as `eqspike export`), `<memory>.shadow.hex`
        the deferred-update shadows, and the LFSR states are written into the modules: all as the
        model held them when the RTL was written (initial weights, or the `--weights` checkpoint).
        A learning-rate `scale` block's factor is its value at that time.

        ## What this RTL is

        Synthesizable Verilog-2005 of the model's cycle-accurate semantics, with the crossbars'
        SRAM ports sequenced over system cycles. `eqspike cosim` runs it under Icarus Verilog or
        Verilator beside the model and compares every block output and register on every tick, the
        system cycles of every tick, and every memory word at the end of every image.

        """
    }
}
