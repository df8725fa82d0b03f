# Two entry points (see README.md):
#   make demo  - install dependencies, build, flash the blink example onto the virtual Blue Pill
#   make test  - install dependencies, build with sanitizers, run the whole test suite
#   make bench - install dependencies, build optimised, run every flash benchmark and write
#                docs/benchmarks.md's tables and docs/benchmarks.png (bench/run.sh)
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps build demo test bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	@scripts/demo.sh $(BUILD)

test: deps
	cmake -S . -B $(BUILD)-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTFLASH_SANITIZE=ON \
	      -DSTFLASH_WERROR=ON
	cmake --build $(BUILD)-test -j$(JOBS)
	cd $(BUILD)-test && ctest --output-on-failure -j$(JOBS)

bench:
	@scripts/install-deps.sh --bench
	cmake -S . -B $(BUILD)-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD)-bench -j$(JOBS)
	bench/run.sh $(BUILD)-bench

clean:
	rm -rf $(BUILD) $(BUILD)-test $(BUILD)-bench
