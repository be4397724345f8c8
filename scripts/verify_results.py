#!/usr/bin/env python3
"""Re-checks every committed result: each directory under results/ with a checkpoint.bin is
evaluated with `eqspike eval` (the netlist, --set overrides and --data its run.json records; the
data default is --data) and the accuracies must equal the last row of its metrics.csv exactly
(test accuracy and first-spike accuracy, in images).

Usage: python3 scripts/verify_results.py [--eqspike PATH] [--data DIR] [RESULT_DIR ...]
Exit status 1 when any run disagrees or cannot be evaluated; directories without a checkpoint
are listed as not checkable (say, float-model runs, which keep no chip weights).
"""
import argparse, csv, json, os, shlex, subprocess, sys

def last_row(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError(f"{path}: no epochs")
    return rows[-1]

# Runs kept for the record that the current design cannot load (their checkpoints carry an older
# design's fingerprint); each directory's README says at which commit they reproduce.
HISTORICAL = {
    "results/positive-sign": "made at 58cd97a with the paper's positive nudge sign, before the nudge unit's sign register "
                             "(results/positive-sign/README.md says how to reproduce them there)",
}

def data_of(record, default):
    """The data directory the run was trained with: its recorded command's --data, else the default."""
    words = shlex.split(record.get("command", ""))
    for k, w in enumerate(words[:-1]):
        if w == "--data":
            return words[k + 1]
    return default

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eqspike", default=".build/release/eqspike")
    ap.add_argument("--data", default="data/mnist")
    ap.add_argument("dirs", nargs="*")
    a = ap.parse_args()
    if not os.access(a.eqspike, os.X_OK):
        sys.exit(f"verify_results: {a.eqspike} not found: run 'make build' first")
    if not os.path.exists(os.path.join(a.data, "t10k-images-idx3-ubyte")):
        sys.exit(f"verify_results: MNIST not under {a.data}: run 'make data' first")
    dirs = a.dirs or sorted(root for root, _, files in os.walk("results") if "metrics.csv" in files)
    bad = 0
    for d in dirs:
        old = next((why for root, why in HISTORICAL.items() if d == root or d.startswith(root + "/")), None)
        if old:
            print(f"{d}: not checkable at this commit: {old}")
            continue
        ckpt, run = os.path.join(d, "checkpoint.bin"), os.path.join(d, "run.json")
        if not os.path.isfile(ckpt):
            print(f"{d}: not checkable (no checkpoint.bin)")
            continue
        try:
            record = json.load(open(run))
            if record.get("model", "fixed") != "fixed":
                print(f"{d}: not checkable (a {record['model']} model's run: eval runs the chip)")
                continue
            row = last_row(os.path.join(d, "metrics.csv"))
            images = int(row["test_images"])
            cmd = [a.eqspike, "eval", record["netlist"], "--weights", ckpt, "--data", data_of(record, a.data),
                   "--test-limit", str(images), "--json"]
            for o in record.get("overrides", []):
                cmd += ["--set", o]
            out = subprocess.run(cmd, capture_output=True, text=True)
            if out.returncode != 0:
                raise RuntimeError(out.stderr.strip() or f"exit {out.returncode}")
            got = json.loads(out.stdout)
        except Exception as e:  # a result that cannot be re-checked is a failure, with its reason
            print(f"{d}: FAILED: {e}")
            bad += 1
            continue
        want = (round(float(row["test_accuracy"]) * images), round(float(row["test_first_spike_accuracy"]) * images))
        have = (round(got["accuracy"] * got["images"]), round(got["first_spike_accuracy"] * got["images"]))
        ok = want == have and got["images"] == images
        bad += not ok
        print(f"{d}: {'ok' if ok else 'MISMATCH'}: test {have[0]}/{images} (metrics.csv {want[0]}), "
              f"first spike {have[1]} (metrics.csv {want[1]}), epoch {row['epoch']}")
    sys.exit(1 if bad else 0)

if __name__ == "__main__":
    main()
