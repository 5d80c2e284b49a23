# Build, deps, check, install, demo, bench.
# `make` builds build/lxc: one static musl binary; every lxc-* tool is a symlink to it.

PREFIX    ?= /usr
DESTDIR   ?=
DEPS_DIR  ?= /var/cache/lxc-static-deps
BUILD     ?= build

CC        := musl-gcc
HOSTCC    ?= gcc
CLANG     ?= clang

WARN      := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation
CPPFLAGS  := -D_GNU_SOURCE -I. -Ilib -I$(BUILD) -isystem $(DEPS_DIR)/include \
             -isystem $(DEPS_DIR)/kernel-headers -DLXC_DATADIR='"$(PREFIX)/share/lxc"'
CFLAGS    := -std=gnu11 -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
             -fno-unwind-tables -fstack-protector-strong $(WARN)
LDFLAGS   := -static -Wl,--gc-sections -s
LIBS      := $(DEPS_DIR)/lib/libseccomp.a $(DEPS_DIR)/lib/libcap.a

LIB_SRCS    := $(sort $(wildcard lib/*.c lib/storage/*.c))
APPLET_SRCS := $(sort $(wildcard applets/*.c))
LIB_OBJS    := $(LIB_SRCS:%.c=$(BUILD)/%.o)
APPLET_OBJS := $(APPLET_SRCS:%.c=$(BUILD)/%.o)
GEN_OBJS    := $(if $(wildcard seccomp/bpfgen.c),$(BUILD)/seccomp_default.o)
HEADERS     := $(wildcard lib/*.h lib/storage/*.h applets/*.h) $(BUILD)/applets.h

DEPS_STAMP  := $(DEPS_DIR)/.stamp

.PHONY: all deps check check-unit check-integration check-vm fuzz install demo bench size clean

all: $(BUILD)/lxc

# Run `make deps` by itself only when something is missing.
$(DEPS_STAMP):
	sh .ci/deps.sh

deps:
	sh .ci/deps.sh

# The applet table: one "//applet: NAME" line per applet file, sorted for bsearch.
$(BUILD)/applets.h: $(APPLET_SRCS) | $(BUILD)/.dir
	grep -h '^//applet: ' $(APPLET_SRCS) | sed 's|^//applet: *||' | LC_ALL=C sort | \
	  awk '{ id = $$1; gsub("-", "_", id); printf "APPLET(%s, \"%s\")\n", id, $$1 }' > $@.tmp
	mv $@.tmp $@

$(BUILD)/.dir:
	mkdir -p $(BUILD)/lib/storage $(BUILD)/applets $(BUILD)/seccomp $(BUILD)/host
	touch $@

$(BUILD)/%.o: %.c $(HEADERS) $(DEPS_STAMP) | $(BUILD)/.dir
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The default seccomp profile is compiled to BPF at build time (compiling it at
# every start costs milliseconds): a host-side helper links the same lib/ code.
$(BUILD)/seccomp-bpfgen: seccomp/bpfgen.c $(LIB_OBJS) $(DEPS_STAMP)
	$(CC) $(CPPFLAGS) $(CFLAGS) -static seccomp/bpfgen.c $(LIB_OBJS) $(LIBS) -o $@

$(BUILD)/seccomp_default.c: $(BUILD)/seccomp-bpfgen seccomp/default.seccomp
	$(BUILD)/seccomp-bpfgen seccomp/default.seccomp > $@.tmp
	mv $@.tmp $@

$(BUILD)/seccomp_default.o: $(BUILD)/seccomp_default.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/main.o: main.c $(HEADERS) $(DEPS_STAMP) | $(BUILD)/.dir
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# Our malloc and open replace musl's in build/lxc only (see malloc.c, open.c).
$(BUILD)/malloc.o $(BUILD)/open.o: $(BUILD)/%.o: %.c $(DEPS_STAMP) | $(BUILD)/.dir
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/lxc: $(BUILD)/main.o $(BUILD)/malloc.o $(BUILD)/open.o $(APPLET_OBJS) $(LIB_OBJS) $(GEN_OBJS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@
	@ls -l $@ | awk '{ printf "build/lxc: %d bytes\n", $$5 }'

# A bin directory of lxc-* symlinks for the tests.
$(BUILD)/bin/.stamp: $(BUILD)/lxc
	rm -rf $(BUILD)/bin && mkdir -p $(BUILD)/bin
	ln -s ../lxc $(BUILD)/bin/lxc
	cd $(BUILD)/bin && for a in $$(../lxc --list); do ln -s ../lxc $$a; done
	touch $@

# ---- tests ------------------------------------------------------------------------------
check: $(BUILD)/lxc $(BUILD)/bin/.stamp
	@sh test/check.sh

check-unit: $(DEPS_STAMP) $(if $(wildcard seccomp/bpfgen.c),$(BUILD)/seccomp_default.c)
	@sh test/check.sh unit

check-integration: $(BUILD)/lxc $(BUILD)/bin/.stamp
	@sh test/check.sh integration

check-vm: $(BUILD)/lxc $(BUILD)/bin/.stamp
	@sh test/vm/run

fuzz: $(DEPS_STAMP)
	@sh test/fuzz/run.sh $${FUZZ_SECONDS:-60}

# ---- install ----------------------------------------------------------------------------
# Configs that belong under /etc are installed only when absent (the user's stay).
SYSCONFDIR ?= /etc
CONFIG_FILES = $(filter-out conf/default.conf conf/lxc-net.default conf/lxc.default,$(wildcard conf/*.conf))
install: $(BUILD)/lxc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/lxc/config/common.conf.d \
	  $(DESTDIR)$(PREFIX)/share/lxc/config/userns.conf.d $(DESTDIR)$(PREFIX)/share/lxc/templates \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(SYSCONFDIR)/lxc \
	  $(DESTDIR)$(SYSCONFDIR)/default $(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(SYSCONFDIR)/init.d \
	  $(DESTDIR)$(SYSCONFDIR)/init
	install -m 0755 $(BUILD)/lxc $(DESTDIR)$(PREFIX)/bin/lxc
	for a in $$($(BUILD)/lxc --list); do ln -sf lxc $(DESTDIR)$(PREFIX)/bin/$$a; done
	install -m 0644 $(CONFIG_FILES) $(DESTDIR)$(PREFIX)/share/lxc/config/
	install -m 0644 conf/common.conf.d/README $(DESTDIR)$(PREFIX)/share/lxc/config/common.conf.d/
	install -m 0644 conf/userns.conf.d/README $(DESTDIR)$(PREFIX)/share/lxc/config/userns.conf.d/
	install -m 0644 seccomp/default.seccomp $(DESTDIR)$(PREFIX)/share/lxc/config/common.seccomp
	[ -e $(DESTDIR)$(SYSCONFDIR)/lxc/default.conf ] || install -m 0644 conf/default.conf $(DESTDIR)$(SYSCONFDIR)/lxc/default.conf
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/lxc-net ] || install -m 0644 conf/lxc-net.default $(DESTDIR)$(SYSCONFDIR)/default/lxc-net
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/lxc ] || install -m 0644 conf/lxc.default $(DESTDIR)$(SYSCONFDIR)/default/lxc
	install -m 0644 conf/init/systemd/*.service $(DESTDIR)$(PREFIX)/lib/systemd/system/
	install -m 0755 conf/init/sysvinit/* $(DESTDIR)$(SYSCONFDIR)/init.d/
	install -m 0644 conf/init/upstart/*.conf $(DESTDIR)$(SYSCONFDIR)/init/
	for t in templates/lxc-*; do [ -f "$$t" ] && install -m 0755 $$t $(DESTDIR)$(PREFIX)/share/lxc/templates/ || true; done
	for a in $$($(BUILD)/lxc --list | sed 's/^lxc-//'); do \
	  $(BUILD)/lxc --man $$a > $(DESTDIR)$(PREFIX)/share/man/man1/lxc-$$a.1; done
	$(BUILD)/lxc --man lxc.container.conf > $(DESTDIR)$(PREFIX)/share/man/man5/lxc.container.conf.5
	$(BUILD)/lxc --completion > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/_lxc
	for a in $$($(BUILD)/lxc --list); do ln -sf _lxc $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$a; done
	@echo "installed into $(DESTDIR)$(PREFIX)"

# ---- demo, bench, size --------------------------------------------------------------------
demo: $(BUILD)/lxc $(BUILD)/bin/.stamp
	@sh test/demo.sh

bench: $(BUILD)/lxc $(BUILD)/bin/.stamp
	@sh test/bench/run.sh

size: $(BUILD)/lxc
	@ls -l $(BUILD)/lxc | awk '{ printf "build/lxc: %d bytes (budget 1572864)\n", $$5 }'
	@$(CC) $(CFLAGS) -static -Wl,--gc-sections $(BUILD)/main.o $(BUILD)/malloc.o $(BUILD)/open.o $(APPLET_OBJS) $(LIB_OBJS) $(GEN_OBJS) $(LIBS) -o $(BUILD)/lxc.unstripped
	@nm --size-sort -S -r $(BUILD)/lxc.unstripped | head -n 20

clean:
	rm -rf $(BUILD)
