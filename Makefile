# Two entry points (see README.md):
#   make demo  - install dependencies, build, flash the blink example onto the virtual Blue Pill
#   make test  - install dependencies, build with sanitizers, run the whole test suite
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps build demo test clean

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

clean:
	rm -rf $(BUILD) $(BUILD)-test
