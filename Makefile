# jrun — `make run` runs a demo container, `make test` runs every test. Both install what they need.
SHELL := /bin/bash
MVN   ?= mvn -q -B
BUILD := build
ROOTFS := $(BUILD)/rootfs
JAR   := target/jrun.jar

.PHONY: all build run test unit rootfs init tools clean lint bench

all: build

build: $(JAR) $(BUILD)/jna/.ok $(BUILD)/jrun.aot $(BUILD)/run.aot
	@bin/jrun --version >/dev/null

# JDK 25's AOT cache (JEP 483/514) about halves a cold start. Trained on the commands users run most:
# lint, plan, and a real container when the kernel allows one here. Without JDK 25 this is a no-op,
# and a stale cache (jar rebuilt) is ignored silently by the JVM.
$(BUILD)/jrun.aot: $(JAR) $(BUILD)/jna/.ok | rootfs
	@rm -f $@
	@if bin/jrun --jdk-version 2>/dev/null | grep -q '^25'; then \
	  JRUN_AOT_TRAIN=$@ bin/jrun train specs/demo.yaml >/dev/null 2>&1 || true; \
	fi
	@touch $@

# The second cache: only what `jrun SPEC` needs when the spec's plan is cached (bin/jrun picks it
# by a hint file). Trained on that path alone: one run fills a scratch plan cache, the next runs
# from it.
$(BUILD)/run.aot: $(JAR) $(BUILD)/jna/.ok | rootfs
	@rm -f $@
	@if bin/jrun --jdk-version 2>/dev/null | grep -q '^25'; then \
	  t=$$(mktemp -d); \
	  XDG_CACHE_HOME=$$t bin/jrun specs/demo.yaml >/dev/null 2>&1; \
	  XDG_CACHE_HOME=$$t JRUN_AOT_TRAIN=$@ bin/jrun specs/demo.yaml >/dev/null 2>&1 || true; \
	  rm -rf $$t; \
	fi
	@touch $@

$(JAR): pom.xml $(shell find src schema -type f 2>/dev/null)
	$(MVN) -DskipTests package
	@touch $(JAR)

# JNA normally unpacks libjnidispatch.so into a temp dir on every start; unpack it once here and
# the launcher points jna.boot.library.path at it (see docs/design.md, "cold start").
$(BUILD)/jna/.ok: $(JAR)
	@mkdir -p $(BUILD)/jna
	@arch=$$(uname -m | sed 's/x86_64/x86-64/'); cd $(BUILD)/jna && rm -f libjnidispatch.so \
	  && unzip -o -q -j ../../$(JAR) "com/sun/jna/linux-$$arch/libjnidispatch.so" || true
	@touch $@

# Test rootfs: Debian's busybox-static, unpacked without root (apt-get download + dpkg-deb -x),
# with the applet links and the empty mount points a container needs. Cached under build/.
rootfs: $(ROOTFS)/.ok
$(ROOTFS)/.ok:
	@rm -rf $(BUILD)/rootfs.tmp && mkdir -p $(BUILD)/rootfs.tmp $(BUILD)/deb
	@cd $(BUILD)/deb && (ls busybox-static_*.deb >/dev/null 2>&1 || apt-get download busybox-static >/dev/null 2>&1 \
	   || { [ "$$(id -u)" = 0 ] && apt-get update -qq >/dev/null && apt-get download busybox-static >/dev/null; })
	@dpkg-deb -x $(BUILD)/deb/busybox-static_*.deb $(BUILD)/rootfs.tmp
	@cd $(BUILD)/rootfs.tmp && mkdir -p proc sys dev tmp etc root home run var/tmp mnt usr/sbin usr/bin sbin \
	 && for a in $$(./bin/busybox --list-full); do [ -e "$$a" ] || ln -s /bin/busybox "$$a"; done \
	 && printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > etc/passwd \
	 && printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > etc/group \
	 && : > etc/hosts && : > etc/hostname && : > etc/resolv.conf && : > etc/motd && chmod 1777 tmp
	@chmod -R a+rX $(BUILD)/rootfs.tmp && rm -rf $(ROOTFS) && mv $(BUILD)/rootfs.tmp $(ROOTFS) && touch $@

# A detached container's PID 1: Debian's tini-static (as docker --init binds it), unpacked like
# busybox, without root. jrun finds it here (host/StaticInit); without it, a JVM copy is the init.
init: $(BUILD)/tools/tini-static
$(BUILD)/tools/tini-static:
	@mkdir -p $(BUILD)/deb $(BUILD)/tools && rm -rf $(BUILD)/tini.tmp
	@cd $(BUILD)/deb && (ls tini_*.deb >/dev/null 2>&1 || apt-get download tini >/dev/null 2>&1 \
	   || { [ "$$(id -u)" = 0 ] && apt-get update -qq >/dev/null && apt-get download tini >/dev/null; })
	@dpkg-deb -x $(BUILD)/deb/tini_*.deb $(BUILD)/tini.tmp && cp $(BUILD)/tini.tmp/usr/bin/tini-static $@ \
	 && chmod 755 $@ && rm -rf $(BUILD)/tini.tmp

# Networking's helpers, unpacked like busybox without root: pasta (Debian passt) and slirp4netns
# with its libslirp0 for network mode slirp, and nftables for bridge mode's masquerade rule when
# the host has no nft. jrun looks in build/tools/bin after PATH (net/Helpers).
TOOLS := $(BUILD)/tools
tools: $(TOOLS)/bin/.ok
$(TOOLS)/bin/.ok:
	@mkdir -p $(BUILD)/deb $(TOOLS)/bin && rm -rf $(TOOLS)/pkg && mkdir -p $(TOOLS)/pkg
	@pkgs="passt slirp4netns libslirp0"; command -v nft >/dev/null || pkgs="$$pkgs nftables libnftables1"; \
	 cd $(BUILD)/deb && for p in $$pkgs; do \
	   ls $${p}_*.deb >/dev/null 2>&1 || apt-get download $$p >/dev/null 2>&1 \
	   || { [ "$$(id -u)" = 0 ] && apt-get update -qq >/dev/null && apt-get download $$p >/dev/null; } \
	   || { echo "make tools: cannot download Debian package $$p" >&2; exit 1; }; \
	   dpkg-deb -x $${p}_*.deb ../tools/pkg; done
	@cd $(TOOLS)/bin && ln -sf ../pkg/usr/bin/passt pasta && ln -sf ../pkg/usr/bin/passt passt
	@lib=$$(cd $(TOOLS)/pkg && ls -d usr/lib/*-linux-gnu | head -1); for b in slirp4netns nft; do \
	   f=$$(ls $(TOOLS)/pkg/usr/bin/$$b $(TOOLS)/pkg/usr/sbin/$$b 2>/dev/null | head -1); [ -n "$$f" ] || continue; \
	   printf '#!/bin/sh\n# %s from Debian, unpacked by make tools; its libraries beside it\nhere=$$(dirname "$$(readlink -f "$$0")")\nLD_LIBRARY_PATH="$$here/../pkg/%s$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}" exec "$$here/../pkg/%s" "$$@"\n' \
	     $$b $$lib $${f#$(TOOLS)/pkg/} > $(TOOLS)/bin/$$b && chmod 755 $(TOOLS)/bin/$$b; done
	@chmod -R a+rX $(TOOLS) && touch $@

run: build rootfs
	bin/jrun specs/demo.yaml

# No rootfs, no AOT training, no container: the tests that need no namespaces, from the sources.
unit:
	mvn -B --no-transfer-progress test -Dgroups='!container'

# Not quiet: CI reads Surefire's summary lines.
test: build rootfs init tools
	mvn -B --no-transfer-progress test

lint: build
	bin/jrun lint specs/

bench: build rootfs
	bench/lint.sh && bench/startup.sh

clean:
	rm -rf target $(BUILD)
