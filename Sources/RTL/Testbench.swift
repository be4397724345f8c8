import CircuitIR
import FixedPoint

/// The co-simulation test bench: drives `eqspike_top` with the host stimulus of `Chip.present`
/// (per image: pixels, one-hot target, train flag; `rst` and `load` for one clock; then clocks
/// until done) read with `$readmemh`, and writes every observed signal on every tick, and every
/// memory at the end of every image, to `rtl_trace.txt`:
///
///     T <image> <tick> <system cycles> <hex of signal 0> <hex of signal 1> ...   (`Observation.signals` order)
///     E <image> <ticks>
///     M <image> <instance>.<entry> <hex word 0> <hex word 1> ...
///
/// Values are sampled with the clock low in the tick's last system cycle (`tick` high, before the
/// edge that commits it): registers hold their value of tick t, combinational signals the value
/// they have within tick t (the crossbars have read and updated). A tick that has not ended after
/// `maxCyclesPerTick` cycles is cut there (cosim then reports its cycle count as a mismatch).
public enum Testbench {
    public static let name = "eqspike_tb"
    public static let traceFile = "rtl_trace.txt"

    /// `vcd`: a file the test bench dumps the whole RTL hierarchy into (`$dumpvars`), for GTKWave
    /// beside the model's `eqspike simulate` dump of the same images.
    public static func text(circuit: Circuit, signals: [ObservedSignal], images: Int, maxTicks: Int, maxCyclesPerTick: Int,
                            vcd: String? = nil) throws -> String {
        guard let enc = circuit.instances.first(where: { $0.typeName == "pixel_encoder" }),
              let nudge = circuit.instances.first(where: { $0.typeName == "nudge" }),
              let ctrl = circuit.instances.first(where: { $0.typeName == "phase_controller" }) else {
            throw RTLError(instance: "", "co-simulation needs a pixel_encoder, a nudge unit and a phase_controller (the host's ports)")
        }
        let n = enc.interface.port(named: "pixel")!.lanes
        let l = nudge.interface.port(named: "target")!.lanes
        let pix = TopModule.net(enc.name, "pixel"), tgt = TopModule.net(nudge.name, "target")
        let train = TopModule.net(ctrl.name, "train"), done = TopModule.net(ctrl.name, "done")
        let hostPorts = [".clk(clk)", ".rst(rst)", ".load(load)", ".tick_done(tick_done)", ".\(pix)(\(pix))", ".\(tgt)(\(tgt))", ".\(train)(\(train))", ".\(done)(\(done))"]
        var s = """
        `timescale 1ns / 1ps
        // Co-simulation test bench written by `eqspike cosim` (see RTL/Testbench.swift for the trace format).
        module \(name);
            reg clk = 1'b0, rst = 1'b0, load = 1'b0;
            reg [\(n * 8 - 1):0] \(pix);
            reg [\(l - 1):0] \(tgt);
            reg \(train);
            wire \(done), tick_done;
            \(TopModule.name) dut (\(hostPorts.joined(separator: ", ")));

            reg [7:0] stim_pixels [0:\(images * n - 1)];
            reg [\(max(l, 1) - 1):0] stim_targets [0:\(images - 1)];
            reg [0:0] stim_train [0:\(images - 1)];
            integer f, img, t, k, cycles;
            initial begin
                $readmemh("stim_pixels.hex", stim_pixels);
                $readmemb("stim_targets.bin", stim_targets);
                $readmemh("stim_train.hex", stim_train);
                f = $fopen("\(traceFile)", "w");
                \(vcd.map { "$dumpfile(\"\($0)\"); $dumpvars(0, dut);" } ?? "// no waveform (cosim --vcd)")
                for (img = 0; img < \(images); img = img + 1) begin
                    for (k = 0; k < \(n); k = k + 1) \(pix)[k*8 +: 8] = stim_pixels[img*\(n) + k];
                    \(tgt) = stim_targets[img];
                    \(train) = stim_train[img][0];
                    rst = 1'b1; load = 1'b1;
                    #5 clk = 1'b1;
                    #5 clk = 1'b0;
                    rst = 1'b0; load = 1'b0;
                    t = 0;
                    while (!\(done) && t < \(maxTicks)) begin
                        // System cycles until the tick's last one (`tick`), where every value of the tick is settled.
                        cycles = 1;
                        #4;
                        while (!dut.tick && cycles < \(maxCyclesPerTick)) begin
                            #1 clk = 1'b1;
                            #5 clk = 1'b0;
                            #4;
                            cycles = cycles + 1;
                        end
                        $fwrite(f, "T %0d %0d %0d", img, t, cycles);

        """
        for sig in signals {
            s += "                $fwrite(f, \" \");\n"
            // Verilator limits a $display-like argument to 8192 bits: wide vectors go out in
            // 4096-bit pieces (whole hex digits), most significant first, with no separator.
            let w = sig.width
            if w <= 4096 {
                s += "                $fwrite(f, \"%h\", dut.\(sig.path));\n"
            } else {
                var hi = w - 1
                var lo = (w - 1) / 4096 * 4096
                while hi >= 0 {
                    s += "                $fwrite(f, \"%h\", dut.\(sig.path)[\(hi):\(lo)]);\n"
                    hi = lo - 1
                    lo = max(0, lo - 4096)
                }
            }
        }
        s += """
                        $fwrite(f, "\\n");
                        #1 clk = 1'b1;
                        #5 clk = 1'b0;
                        t = t + 1;
                    end
                    $fwrite(f, "E %0d %0d\\n", img, t);

        """
        for m in Observation.memories(circuit) {
            s += "            $fwrite(f, \"M %0d \(m.instance).\(m.entry)\", img);\n"
            s += "            for (k = 0; k < \(m.words); k = k + 1) $fwrite(f, \" %h\", dut.\(m.instance).\(m.array)[k]);\n"
            s += "            $fwrite(f, \"\\n\");\n"
        }
        s += """
                end
                $fclose(f);
                $finish;
            end
        endmodule

        """
        return s
    }

    /// `$readmemh` stimulus files: pixels (one byte a line), targets (one-hot, a line per image),
    /// train flags.
    public static func stimulus(pixels: [[UInt8]], labels: [Int], train: Bool, outputs: Int) -> [(name: String, contents: String)] {
        var p = "// pixels, \(pixels.first?.count ?? 0) per image, image-major\n"
        for img in pixels { for v in img { p += String(v, radix: 16) + "\n" } }
        var t = "// one-hot targets, lane k = bit k\n"
        for l in labels {
            var bits = [Character](repeating: "0", count: outputs)
            if l >= 0 && l < outputs { bits[outputs - 1 - l] = "1" }
            t += String(bits) + "\n"
        }
        var r = "// train flag per image\n"
        for _ in labels { r += (train ? "1" : "0") + "\n" }
        return [("stim_pixels.hex", p), ("stim_targets.bin", t), ("stim_train.hex", r)]
    }
}

