#!/usr/bin/env bash
# Bit identity of two versions of the kernels: every float bit pattern (or
# every STRIDE-th) through each selected function of nonlin's function list
# (every functor of every tier; swish and swiglu also at beta = 1.702), in
# float, unary and gated (the gate every input, up a bit-mix of it), with
# the headers of OLD (a commit) and of the working tree, in one
# program (tests/bitcmp: the two sides compiled with nonlin's ABI namespace
# renamed), per -march level. For a change meant to keep the bits: "0 of N
# outputs differ" for every row, or the first input that differs.
#
#   scripts/bitcmp.sh OLD [REGEX] [STRIDE]
#
#   OLD     a commit (checked out into a temporary worktree, removed after)
#   REGEX   which functions, searched in names such as fast::gelu, swiglu,
#           precise::glu, swish(1.702) (ECMAScript; default all: the fast
#           and default tiers took about 15 minutes at -march=x86-64-v3 on 2
#           cores, most of it in the gated functions' rare lanes)
#   STRIDE  every STRIDE-th bit pattern (default 1: all 2^32)
# Environment: BITCMP_MARCH (default "x86-64-v3 x86-64"), CXX (default g++),
#              BITCMP_DIR (default build/bitcmp).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,20p' "$0"; exit 2; }
old=$1
regex=${2:-.*}
stride=${3:-1}
cxx=${CXX:-g++}
dir=${BITCMP_DIR:-build/bitcmp}
mkdir -p "$dir"
tree=$(mktemp -d)
trap 'git worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"' EXIT
git worktree add --detach --force "$tree" "$old" >/dev/null
status=0
for march in ${BITCMP_MARCH:-x86-64-v3 x86-64}; do
  flags=(-O2 -std=c++17 "-march=$march")
  rm -f "$dir/old-$march.o" "$dir/new-$march.o" "$dir/bitcmp-$march"
  "$cxx" "${flags[@]}" -I "$tree/include" -I tests/bitcmp -DNONLIN_ABI=abi_bitcmp_old -DBITCMP_SIDE=bitcmp_old \
    -c tests/bitcmp/side.cpp -o "$dir/old-$march.o" &
  pid=$!
  "$cxx" "${flags[@]}" -I include -I tests/bitcmp -DNONLIN_ABI=abi_bitcmp_new -DBITCMP_SIDE=bitcmp_new \
    -DBITCMP_NAMES=bitcmp_new_names \
    -c tests/bitcmp/side.cpp -o "$dir/new-$march.o"
  wait "$pid"
  "$cxx" "${flags[@]}" -I tests/bitcmp tests/bitcmp/main.cpp "$dir/old-$march.o" "$dir/new-$march.o" \
    -o "$dir/bitcmp-$march" -pthread
  echo "=== -march=$march: $(git rev-parse --short "$old") against the working tree ==="
  "$dir/bitcmp-$march" "$regex" "$stride" || status=1
done
exit $status
