# SPDX-License-Identifier: GPL-2.0
#
# tlbflush: out-of-tree module, host tests, test VM and benchmark.
#
#   make [KDIR=/lib/modules/$(uname -r)/build]   build tlbflush.ko (+ tlbflush_kunit.ko)
#   make check                                   host tests + KUnit in the debug VM
#   make bench                                   benchmark on the stock kernel VM
#   make torture [MINUTES=10] [CYCLES=100]       torture + scftorture + native load,
#                                                debug VM (tools/vm/testbed torture)
#   make scale [SCALE_CPUS=2,4,8,16,32,64] [STOCK_CPUS=128] [STOCK_RUNS=5]
#                                                the test bed from 2 to 64 vCPUs (debug)
#                                                and at 128 (stock): results/scale
#   make fuzz                                    run the host fuzzer (long)
#   make checkpatch                              checkpatch --strict on the sources
#
# Kbuild reads ./Kbuild for the module itself.

KDIR ?= /lib/modules/$(shell uname -r)/build
OUT ?= results

.PHONY: all modules clean check host-test fuzz bench checkpatch torture scale

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(if $(W),W=$(W)) modules

clean:
	-[ -d $(KDIR) ] && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C tests/host clean
	rm -rf build

host-test:
	$(MAKE) -C tests/host check

fuzz:
	$(MAKE) -C tests/host fuzz

check:
	tools/check

bench:
	tools/vm/testbed bench --out $(OUT)/bench

MINUTES ?= 10
CYCLES ?= 100
torture:
	tools/vm/testbed torture --minutes $(MINUTES) --cycles $(CYCLES) \
		--out $(OUT)/torture

SCALE_CPUS ?= 2,4,8,16,32,64
STOCK_CPUS ?= 128
STOCK_RUNS ?= 5
scale:
	tools/vm/testbed scale --cpus $(SCALE_CPUS) --stock-cpus $(STOCK_CPUS) \
		--stock-runs $(STOCK_RUNS) --out $(OUT)/scale

checkpatch:
	tools/check-patch
