#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs the frame decoder fuzzer for N seconds
# (default 30), seeded from the conformance vectors. Skips with a notice if clang is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ not found; skipping the decoder fuzz run"
  exit 0
fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target frame_decoder_fuzzer
corpus=build/fuzz/corpus/frame_decoder
mkdir -p "$corpus"
shared=$(cmake -L -N build/fuzz 2>/dev/null | sed -n 's/^LIMINAL_SHARED_DIR:PATH=//p')
if [[ -n "$shared" && -f "$shared/spec/vectors/frames-valid.jsonl" ]]; then
  python3 - "$shared/spec/vectors" "$corpus" <<'PY'
import json, pathlib, sys
src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for name in ("frames-valid.jsonl", "frames-corrupt.jsonl"):
    for i, line in enumerate((src / name).read_text().splitlines()):
        (dst / f"{name.split('.')[0]}-{i}").write_bytes(bytes.fromhex(json.loads(line)["hex"]))
PY
fi
echo "fuzz: running frame_decoder_fuzzer for ${seconds}s"
./build/fuzz/tests/fuzz/frame_decoder_fuzzer "$corpus" -max_total_time="$seconds" \
  -max_len=4096 -print_final_stats=1 -artifact_prefix=build/fuzz/
