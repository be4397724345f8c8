#!/usr/bin/env python3
"""Mean change of every memory between two `eqspike export` directories.

    python3 scripts/memory_drift.py BEFORE_DIR AFTER_DIR

Each directory holds the `$readmemh` files `eqspike export` writes (w1.hex, w2.hex, b_h.hex,
b_o.hex), whose second header line states the word format ("format s1.15: ..."). Prints, per
memory, the mean signed change (a drift: the same sign on most words), the mean absolute change
and the mean value before and after, in real units. Used to measure the bias of the update rule
with beta = 0 (docs/experiments.md, "Random-sign nudging").
"""
import os
import re
import sys


def load(path):
    """Values of one hex file, as reals."""
    fmt = None
    values = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("//"):
                m = re.search(r"format ([su])(\d+)\.(\d+)", line)
                if m:
                    fmt = (m.group(1) == "s", int(m.group(2)), int(m.group(3)))
                continue
            if not line:
                continue
            if fmt is None:
                sys.exit(f"{path}: no 'format' line in the header before the data")
            signed, int_bits, frac_bits = fmt
            width = int_bits + frac_bits          # s1.15 and u4.12 are 16-bit words
            raw = int(line, 16)
            if signed and raw >= 1 << (width - 1):
                raw -= 1 << width
            values.append(raw / (1 << frac_bits))
    return values


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    before, after = sys.argv[1], sys.argv[2]
    for d in (before, after):
        if not os.path.isdir(d):
            sys.exit(f"{d}: not a directory (make it with eqspike export --out {d})")
    names = sorted(n for n in os.listdir(before) if n.endswith(".hex"))
    if not names:
        sys.exit(f"{before}: no .hex files (make them with eqspike export)")
    print(f"{'memory':8} {'words':>7} {'mean change':>12} {'mean |change|':>14} {'mean before':>12} {'mean after':>12}")
    for name in names:
        a = load(os.path.join(before, name))
        other = os.path.join(after, name)
        if not os.path.exists(other):
            sys.exit(f"{other}: missing")
        b = load(other)
        if len(a) != len(b):
            sys.exit(f"{name}: {len(a)} words in {before}, {len(b)} in {after}")
        d = [y - x for x, y in zip(a, b)]
        n = len(d)
        print(f"{name[:-4]:8} {n:7d} {sum(d) / n:12.3e} {sum(abs(x) for x in d) / n:14.3e} {sum(a) / n:12.3e} {sum(b) / n:12.3e}")


if __name__ == "__main__":
    main()
