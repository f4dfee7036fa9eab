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
#   make dkms-install [KVER=...]                 sources to /usr/src/tlbflush-VER,
#                                                dkms add, build, install
#   make dkms-remove                             dkms remove --all, sources gone
#
# Kbuild reads ./Kbuild for the module itself.

KDIR ?= /lib/modules/$(shell uname -r)/build
OUT ?= results

.PHONY: all modules clean check host-test fuzz bench checkpatch torture scale \
	dkms-src dkms-install dkms-remove

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
	tools/vm/testbed scale --cpus "$(SCALE_CPUS)" --stock-cpus "$(STOCK_CPUS)" \
		--stock-runs $(STOCK_RUNS) --out $(OUT)/scale

checkpatch:
	tools/check-patch

# DKMS (dkms.conf). dkms-src copies what the module build needs into
# $(DKMS_SOURCETREE)/tlbflush-VERSION; tools/check-dkms uses it with a
# private tree, dkms-install with the system's.
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
DKMS_SOURCETREE ?= /usr/src
DKMS_SRC := $(DKMS_SOURCETREE)/tlbflush-$(DKMS_VERSION)
DKMS_FILES := dkms.conf Kbuild Makefile \
	$(filter-out %.mod.c,$(wildcard *.c)) $(wildcard *.h) include \
	strategies kunit tests/common

dkms-src:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -r --parents $(DKMS_FILES) $(DKMS_SRC)/

dkms-install: dkms-src
	dkms add -m tlbflush -v $(DKMS_VERSION)
	dkms build -m tlbflush -v $(DKMS_VERSION) $(if $(KVER),-k $(KVER))
	dkms install -m tlbflush -v $(DKMS_VERSION) $(if $(KVER),-k $(KVER))

dkms-remove:
	-dkms remove -m tlbflush -v $(DKMS_VERSION) --all
	rm -rf $(DKMS_SRC)
