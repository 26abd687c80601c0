#!/usr/bin/env bash
# Fails when a C++ source is not formatted as .clang-format says (`make format` fixes it).
# Skips with a notice if clang-format is absent (scripts/deps.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null 2>&1; then
  echo "format-check: clang-format not found; skipping"
  exit 0
fi
mapfile -t files < <(find core io sim daemon client tools bench tests cmake \
  \( -name '*.h' -o -name '*.cc' \) -print | sort)
if ! clang-format --dry-run -Werror "${files[@]}"; then
  echo "format-check: the files above are not clang-formatted; run 'make format'" >&2
  exit 1
fi
echo "format-check: ${#files[@]} files formatted"
