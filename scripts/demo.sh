#!/usr/bin/env bash
# The demo command: installs what is missing, builds the examples with the
# machine's widest SIMD and runs them: `tour` prints every activation on a few
# inputs with its accuracy bound, `ffn_swiglu` runs a LLaMA-style feed-forward
# block and times its activation step with and without nonlin.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dir=build/demo
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-march=native" \
  -DNONLIN_BUILD_TESTS=OFF -DNONLIN_BUILD_BENCHMARKS=OFF -DNONLIN_BUILD_EXAMPLES=ON >/dev/null
cmake --build "$dir" -j "$(nproc 2>/dev/null || echo 2)" --target tour ffn_swiglu
"$dir/examples/tour"
echo
"$dir/examples/ffn_swiglu"
