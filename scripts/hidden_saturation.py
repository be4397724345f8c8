#!/usr/bin/env python3
"""How many hidden neurons are silent, saturated or in between, from a VCD of their spikes.

    eqspike simulate hw-configs/eqspike-784-100-10.net --weights CKPT --images 300 \
        --vcd /tmp/h.vcd --signals 'h.spike'
    python3 scripts/hidden_saturation.py /tmp/h.vcd [--clocks 130] [--window 80 130] [--max 25]

`simulate` without --learn runs T_free clocks per image (130 in the 784 designs), so image k
covers clocks [k * clocks, (k + 1) * clocks). Each neuron's spikes are counted over the readout
window of each image; a count of 0 is "silent", a count >= max (f_max * window = 25) is
"saturated": the hard sigmoid's flat parts, where a neuron passes no gradient. Prints the
fraction of (neuron, image) pairs in each state, and the neurons that are silent or saturated on
every image.
"""
import argparse
import re
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("vcd")
    ap.add_argument("--clocks", type=int, default=130, help="clocks per image (T_free)")
    ap.add_argument("--window", type=int, nargs=2, default=[80, 130], help="readout window [from, to)")
    ap.add_argument("--max", type=int, default=25, help="saturated count (f_max * window)")
    a = ap.parse_args()
    lo, hi = a.window
    if not (0 <= lo < hi <= a.clocks):
        sys.exit(f"window {lo}..{hi} must lie inside 0..{a.clocks}")

    ids = {}              # VCD id -> neuron index (h.spike[k])
    period = None         # clock period in timescale units
    scope = None
    counts = {}           # (image, neuron) -> spikes in the window
    t = 0
    try:
        f = open(a.vcd)
    except OSError as e:
        sys.exit(f"{a.vcd}: {e.strerror}")
    with f:
        for line in f:
            line = line.strip()
            if line.startswith("$scope"):
                scope = line.split()[2]
            elif line.startswith("$var"):
                p = line.split()
                m = re.match(r"spike\[(\d+)\]", p[4])
                if scope == "h" and m:
                    ids[p[3]] = int(m.group(1))
            elif period is None and "clock period" in line:
                m = re.search(r"= (\d+) x", line)
                if m:
                    period = int(m.group(1))
            elif line.startswith("#"):
                t = int(line[1:])
            elif line[:1] == "1" and line[1:] in ids:
                if period is None:
                    sys.exit(f"{a.vcd}: no 'clock period ... = N x' comment in the header")
                clock = t // period
                image, c = divmod(clock, a.clocks)
                if lo <= c < hi:
                    key = (image, ids[line[1:]])
                    counts[key] = counts.get(key, 0) + 1
    if not ids:
        sys.exit(f"{a.vcd}: no h.spike[k] variables (simulate with --signals 'h.spike')")
    # The last time stamp is the end of the run (images * clocks periods).
    images = -(-(t // period) // a.clocks) if period else 0
    if images == 0:
        sys.exit(f"{a.vcd}: no clocks recorded")
    n = len(ids)
    pairs = images * n
    silent = sum(1 for i in range(images) for k in range(n) if counts.get((i, k), 0) == 0)
    saturated = sum(1 for i in range(images) for k in range(n) if counts.get((i, k), 0) >= a.max)
    never = sum(1 for k in range(n) if all(counts.get((i, k), 0) == 0 for i in range(images)))
    always = sum(1 for k in range(n) if all(counts.get((i, k), 0) >= a.max for i in range(images)))
    print(f"{n} hidden neurons x {images} images, counts over clocks {lo}..{hi - 1} of each image")
    print(f"silent (0 spikes):        {100 * silent / pairs:5.1f}% of (neuron, image) pairs; {never} neurons on every image")
    print(f"saturated (>= {a.max} spikes): {100 * saturated / pairs:5.1f}%; {always} neurons on every image")
    print(f"in between:               {100 * (pairs - silent - saturated) / pairs:5.1f}%")


if __name__ == "__main__":
    main()
