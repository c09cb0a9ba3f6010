# cspi - see README.md. `make run` and `make test` install what is missing first.
.SUFFIXES:
all: build/cspi

CC       ?= cc
CFLAGS   ?= -std=c11 -O2 -g -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror
GENFLAGS := -Wno-unused-parameter -Wno-unused-variable -Wno-unused-but-set-variable \
            -Wno-unused-function -Wno-implicit-fallthrough -Wno-sign-compare
CPPFLAGS += -Iinterp -Ibuild/gen -MMD -MP
PREFIX   ?= /usr/local
GEN      := build/gen
LIB_SRC  := $(filter-out interp/main.c,$(wildcard interp/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=build/%.o) $(GEN)/lexer.o $(GEN)/grammar.o
UNIT_SRC := $(wildcard tests/unit/*.c)
CRITERION_FLAGS := $(shell pkg-config --cflags criterion 2>/dev/null)
CRITERION_LIBS  := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

# ---- dependencies: apt-get only what is missing ----
DEB_PKGS := re2c lemon libcriterion-dev libedit-dev pkg-config gcc make
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# ---- generated sources ----
.DELETE_ON_ERROR:
$(GEN)/grammar.c $(GEN)/grammar.h &: grammar/grammar.y
	@mkdir -p $(GEN)
	cp grammar/grammar.y $(GEN)/grammar.y
	lemon -q -T/usr/share/lemon/lempar.c $(GEN)/grammar.y
	@rm -f $(GEN)/grammar.y
$(GEN)/lexer.c: grammar/lexer.re $(GEN)/grammar.h
	re2c -W -Werror --no-generation-date --no-version -o $@ grammar/lexer.re
$(GEN)/%.o: $(GEN)/%.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(GENFLAGS) -c -o $@ $<
build/%.o: %.c | $(GEN)/grammar.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CRITERION_FLAGS) -c -o $@ $<
build/libcsp.a: $(LIB_OBJ)
	$(AR) rcs $@ $^
build/cspi: build/interp/main.o build/libcsp.a
	$(CC) $(LDFLAGS) -o $@ $^
build/unit: $(UNIT_SRC:%.c=build/%.o) build/libcsp.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CRITERION_LIBS)
build/mutate: tests/fuzz/mutate.c
	@mkdir -p build
	$(CC) -std=c11 -O2 -Wall -Wextra -o $@ $<

# ---- the two commands of README.md ----
run: deps
	$(MAKE) build/cspi
	build/cspi parse samples/philosophers.csp && echo "samples/philosophers.csp: parsed and resolved"
	build/cspi parse --print samples/vending.csp

check-only: build/cspi build/unit build/mutate
	build/unit --jobs 2
	sh tests/roundtrip.sh build/cspi
	sh tests/fuzz.sh build/cspi build/mutate 1000
	sh tests/golden.sh build/cspi

test: deps
	$(MAKE) check-only

# AddressSanitizer + UBSan build of everything, in its own tree.
asan: deps
	$(MAKE) BUILD_FLAVOUR=asan -f Makefile.asan check-only

install: build/cspi
	mkdir -p $(DESTDIR)$(PREFIX)/bin
	cp build/cspi $(DESTDIR)$(PREFIX)/bin/cspi

clean:
	rm -rf build build-asan

.PHONY: all deps run test check-only asan install clean
-include $(shell find build -name '*.d' 2>/dev/null)
