#!/usr/bin/env bash
# The whole test suite (what `make test` and CI run). Installs the Debian packages the suite needs
# when they are missing and it can (root with apt-get); otherwise says which tests will skip and why.
set -euo pipefail
cd "$(dirname "$0")/.."

# package providing each external tool the tests use (parallel: ParallelRecipeTests; verilator,
# iverilog, yosys, g++ and make: the RTL lint, synthesis and co-simulation tests)
declare -A package=([vcd2fst]=gtkwave [fst2vcd]=gtkwave [gtkwave]=gtkwave [xvfb-run]=xvfb [parallel]=parallel
                    [verilator]=verilator [iverilog]=iverilog [vvp]=iverilog [yosys]=yosys [g++]=g++ [make]=make)
missing=()
for tool in "${!package[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package[$tool]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${missing[*]} (Debian packages the waveform, recipe and RTL tests use; Verilator's C++ build needs g++ and make)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test.sh: not installed: ${missing[*]}; the tests that read VCD/FST files with GTKWave's tools, open GTKWave under Xvfb, run the GNU-parallel recipe, or lint, synthesise and co-simulate the RTL (Verilator, Icarus, Yosys) will be skipped (install with: sudo apt-get install ${missing[*]})"
  fi
fi

# pywellen (the parser of the Surfer viewer) for VCDLaneNamingTests: installed with pip when
# missing and pip can reach PyPI; otherwise that test skips and says why.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import pywellen' >/dev/null 2>&1; then
  if python3 -m pip install --quiet pywellen >/dev/null 2>&1; then
    echo "test.sh: installed pywellen (pip) for VCDLaneNamingTests"
  else
    echo "test.sh: could not pip-install pywellen; VCDLaneNamingTests/testWellenShowsOneSignalPerLane will be skipped"
  fi
fi

# The command-line tests run the eqspike executable built beside the test bundle.
swift build
set +e
swift test 2>&1 | tee .build/test.log
status=${PIPESTATUS[0]}
set -e
skips=$(grep "Test skipped" .build/test.log || true)
if [ -n "$skips" ]; then
  echo
  echo "test.sh: skipped tests and why:"
  echo "$skips" | sed 's/^/  /'
fi
# XCTest's own summary, restated as the last line: "tests: N passed, N failed, N skipped".
summary=$(grep -E "Executed [0-9]+ tests?, with" .build/test.log | tail -1 || true)
if [ -n "$summary" ]; then
  total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
  skipped=$(echo "$summary" | grep -oE '[0-9]+ tests? skipped' | grep -oE '^[0-9]+' || echo 0)
  failed=$(echo "$summary" | grep -oE '[0-9]+ failures?' | grep -oE '^[0-9]+' || echo 0)
  echo "tests: $((total - skipped - failed)) passed, $failed failed, $skipped skipped"
fi
exit "$status"
