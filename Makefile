# The two commands a fresh Debian 12 machine needs: `make run` and `make test`.
# Both install any missing Debian packages first (scripts/deps.sh skips apt when
# everything is present), then configure and build with the CMake presets.

JOBS ?= $(shell nproc)
CONFIG ?= config/liminald.toml
FUZZ_SECONDS ?= 300

.PHONY: all deps build release run test format-check test-sanitize test-sanitize-all test-debug test-tsan fuzz fuzz-smoke bench format clean

all: build

deps:
	@scripts/deps.sh

build: deps
	cmake --preset debug
	cmake --build --preset debug -j $(JOBS)

release: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

# Build an optimised liminald and run it in the foreground with the bundled config.
run: release
	./build/release/daemon/liminald --config $(CONFIG)

# Every test: the formatting check, then one build, Debug + ASan + UBSan (preset `asan`, clang,
# with -Wthread-safety), in which every suite runs
# (unit, property, simulation, end-to-end, the bench smoke), then a bounded libFuzzer smoke
# when clang is present. One sanitized build replaces a plain Debug build plus a second
# ASan build of the core's suites.
test: format-check test-sanitize
	$(MAKE) --no-print-directory fuzz-smoke

# Every suite under ASan + UBSan: what `make test` runs before the fuzz smoke.
test-sanitize: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan

# Kept for old habits: every suite already runs under ASan/UBSan in `make test-sanitize`.
test-sanitize-all: test-sanitize

# The unsanitized Debug build (`make build`) and every suite in it: faster to iterate on.
test-debug: build
	ctest --preset debug

# The threaded suites (io runtime, client, metrics, health endpoint, liminald end to end)
# under ThreadSanitizer: a separate build, not part of `make test`.
test-tsan: deps
	cmake --preset tsan
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan

fuzz-smoke:
	@scripts/fuzz.sh 30

fuzz:
	@scripts/fuzz.sh $(FUZZ_SECONDS)

bench: release
	./build/release/bench/liminal-bench $(BENCH_ARGS)

format:
	find core io sim daemon client tools bench tests cmake \( -name '*.h' -o -name '*.cc' \) -print | xargs clang-format -i

# Fails on any C++ source that `make format` would change.
format-check:
	@scripts/format-check.sh

clean:
	rm -rf build
