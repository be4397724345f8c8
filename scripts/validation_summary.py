#!/usr/bin/env python3
"""Summarises runs made with `eqspike train --validation N` so that settings are chosen on the
held-out images, not on test: per run directory, validation accuracy after the last epoch, its mean
over the last K epochs (default 10: one epoch's figure moves by about 0.1-0.2 point), the epoch with
the best validation accuracy, and test accuracy beside each, shown for comparison only.

Usage: python3 scripts/validation_summary.py [--last K] [--markdown] RUN_DIR [RUN_DIR ...]
Exit status 1 when a directory has no metrics.csv or no validation column.
"""
import argparse, csv, os, sys

def summary(path, last):
    with open(os.path.join(path, "metrics.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or "validation_accuracy" not in rows[0]:
        raise ValueError(f"{path}/metrics.csv has no validation_accuracy column (train with --validation N)")
    tail = rows[-last:]
    best = max(rows, key=lambda r: float(r["validation_accuracy"]))
    pct = lambda r, k: 100 * float(r[k])
    return {
        "run": path, "epochs": len(rows),
        "validation_last": pct(rows[-1], "validation_accuracy"),
        "validation_mean_last": sum(pct(r, "validation_accuracy") for r in tail) / len(tail),
        "best_epoch": int(best["epoch"]), "validation_best": pct(best, "validation_accuracy"),
        "test_last": pct(rows[-1], "test_accuracy"),
        "test_mean_last": sum(pct(r, "test_accuracy") for r in tail) / len(tail),
        "test_at_best": pct(best, "test_accuracy"),
        "validation_images": int(rows[-1]["validation_images"]),
    }

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--last", type=int, default=10, help="epochs averaged at the end (default 10)")
    ap.add_argument("--markdown", action="store_true", help="a Markdown table instead of aligned text")
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    if a.last < 1:
        sys.exit("validation_summary: --last must be at least 1")
    try:
        rows = [summary(d, a.last) for d in a.dirs]
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"validation_summary: {e}")
    head = ["run", "epochs", "validation % (last)", f"validation % (mean of last {a.last})", "best validation % (epoch)",
            "test % (last)", f"test % (mean of last {a.last})", "test % at the best validation epoch"]
    lines = [[r["run"], str(r["epochs"]), f"{r['validation_last']:.2f}", f"{r['validation_mean_last']:.2f}",
              f"{r['validation_best']:.2f} ({r['best_epoch']})", f"{r['test_last']:.2f}", f"{r['test_mean_last']:.2f}",
              f"{r['test_at_best']:.2f}"] for r in rows]
    if a.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for l in lines:
            print("| " + " | ".join(l) + " |")
    else:
        widths = [max(len(h), *(len(l[i]) for l in lines)) for i, h in enumerate(head)]
        for l in [head] + lines:
            print("  ".join(c.ljust(w) for c, w in zip(l, widths)).rstrip())

if __name__ == "__main__":
    main()
