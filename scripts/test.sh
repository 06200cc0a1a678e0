#!/usr/bin/env bash
# Installs everything and runs every test: the C++ suite (GoogleTest via
# ctest, built with -Werror and ASan+UBSan), the Python suite (pytest) and a
# short run of every fuzz target.
# Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

bash scripts/install-deps.sh
echo "== pip install .[test] =="
python3 -m pip install -q --disable-pip-version-check ".[test]" 2>&1 | grep -v -E "WARNING: (Location|Running pip)" || true

echo "== C++: configure + build (Werror, ASan+UBSan) =="
cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGFFBASE_WERROR=ON -DGFFBASE_SANITIZE=ON \
  -DGFFBASE_BUILD_TESTS=ON -DGFFBASE_BUILD_PYTHON=OFF >/dev/null
cmake --build build/test -j "$jobs"

echo "== C++ tests (ctest) =="
status=0
(cd build/test && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j "$jobs") || status=1

echo "== Python tests (pytest) =="
python3 -m pytest tests/python -q -p no:cacheprovider || status=1

# A short libFuzzer run of every target (ASan+UBSan); GFFBASE_FUZZ_SECONDS=0 skips it.
fuzz_seconds="${GFFBASE_FUZZ_SECONDS:-45}"
if [ "$fuzz_seconds" -gt 0 ]; then
  echo "== fuzz smoke run (${fuzz_seconds}s per target) =="
  bash scripts/fuzz.sh "$fuzz_seconds" || status=1
fi

exit $status
