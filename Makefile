# The two commands a fresh Debian 12 machine needs: `make run` and `make test`.
# Both install any missing Debian packages first (scripts/deps.sh skips apt when
# everything is present), then configure and build with the CMake presets.

JOBS ?= $(shell nproc)
CONFIG ?= config/liminald.toml
FUZZ_SECONDS ?= 300

.PHONY: all deps build release run test test-sanitize test-sanitize-all fuzz fuzz-smoke bench format clean

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

# Every test: the Debug suite (unit, property, simulation, end-to-end), the codec
# properties under ASan/UBSan, and a bounded libFuzzer smoke when clang is present.
test: build
	ctest --preset debug
	$(MAKE) --no-print-directory test-sanitize
	$(MAKE) --no-print-directory fuzz-smoke

# The core's suites (codec, supervisor, services, dispatch, metrics) under ASan + UBSan.
test-sanitize: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS) --target sanitize_tests
	ctest --preset asan

# Also the threaded layers (io runtime, client, health endpoint, JSON backend): a second
# full build, so it is not part of `make test`.
test-sanitize-all: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS) --target sanitize_tests sanitize_extended_tests
	ctest --test-dir build/asan -L 'sanitize' --output-on-failure -j 2

fuzz-smoke:
	@scripts/fuzz.sh 30

fuzz:
	@scripts/fuzz.sh $(FUZZ_SECONDS)

bench: release
	./build/release/bench/liminal-bench $(BENCH_ARGS)

format:
	find core io sim daemon client tools bench tests -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build
