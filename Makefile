# cspi - see README.md. `make run` and `make test` install what is missing first.
.SUFFIXES:
B        ?= build
all: $(B)/cspi

CC       ?= cc
CFLAGS   ?= -std=c11 -O2 -g -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror
GENFLAGS := -Wno-unused-parameter -Wno-unused-variable -Wno-unused-but-set-variable \
            -Wno-unused-function -Wno-implicit-fallthrough -Wno-sign-compare
CPPFLAGS += -Iinterp -Istdlib -I$(GEN) -MMD -MP
PREFIX   ?= /usr/local
GEN      := $(B)/gen
LIB_SRC  := $(filter-out interp/main.c interp/mpilink.c,$(wildcard interp/*.c)) $(wildcard stdlib/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o) $(GEN)/lexer.o $(GEN)/grammar.o
UNIT_SRC := $(wildcard tests/unit/*.c)
CRITERION_FLAGS := $(shell pkg-config --cflags criterion 2>/dev/null)
CRITERION_LIBS  := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)
EDIT_FLAGS := $(shell pkg-config --cflags libedit 2>/dev/null)
EDIT_LIBS  := $(shell pkg-config --libs libedit 2>/dev/null || echo -ledit)

# ---- dependencies: apt-get only what is missing ----
DEB_PKGS := re2c lemon libcriterion-dev libedit-dev pkg-config gcc make tmux
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
	@touch $(GEN)/grammar.h   # lemon keeps an unchanged header's time: it would be remade every time
$(GEN)/lexer.c: grammar/lexer.re $(GEN)/grammar.h
	re2c -W -Werror --no-generation-date --no-version -o $@ grammar/lexer.re
$(GEN)/%.o: $(GEN)/%.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(GENFLAGS) -c -o $@ $<
$(B)/%.o: %.c | $(GEN)/grammar.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CRITERION_FLAGS) $(EDIT_FLAGS) -c -o $@ $<
$(B)/libcsp.a: $(LIB_OBJ)
	$(AR) rcs $@ $^
$(B)/cspi: $(B)/interp/main.o $(B)/libcsp.a
	$(CC) $(LDFLAGS) -o $@ $^ -pthread $(EDIT_LIBS)
$(B)/unit: $(UNIT_SRC:%.c=$(B)/%.o) $(B)/libcsp.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CRITERION_LIBS) $(EDIT_LIBS)
$(B)/mutate: tests/fuzz/mutate.c
	@mkdir -p $(B)
	$(CC) -std=c11 -O2 -Wall -Wextra -o $@ $<

# ---- the two commands of README.md ----
run: deps
	$(MAKE) $(B)/cspi
	$(B)/cspi parse samples/philosophers.csp && echo "samples/philosophers.csp: parsed and resolved"
	$(B)/cspi parse --print samples/vending.csp
	$(B)/cspi eval samples/sets.csp 'card({x | x <- {0..99}, x % 3 == 0})'
	$(B)/cspi run samples/seed_channel.csp --schedule first
	$(B)/cspi check --brief samples/peterson.csp

check-only: $(B)/cspi $(B)/unit $(B)/mutate
	$(B)/unit --jobs 2
	$(B)/cspi test tests/conformance/*.csp
	sh tests/roundtrip.sh $(B)/cspi
	sh tests/fuzz.sh $(B)/cspi $(B)/mutate 1000
	sh tests/scale.sh $(B)/cspi
	sh tests/repl_terminal.sh $(B)/cspi
	sh tests/tutorial.sh $(B)/cspi
	sh tests/limits.sh $(B)/cspi
	sh tests/golden.sh $(B)/cspi
	sh tests/workers.sh $(B)/cspi
	sh tests/json.sh $(B)/cspi
	sh tests/output_errors.sh $(B)/cspi
	sh tests/mpi.sh $(B)/cspi $(B)/cspi-mpi

test: deps
	$(MAKE) check-only

# The layers of doc/DESIGN.md: no module includes a header of a layer above
# it, or another module's private *_internal.h (the order is in the script).
layers:
	sh tests/layers.sh
check-only: layers
.PHONY: layers

# AddressSanitizer + UBSan build of everything, in its own tree.
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# A sanitised cspi runs several times slower: a golden test's time limit
# (tests/golden.sh) is raised so that the slowest (check/chase_limit, a
# million taus: 9.5 s of CPU under ASan) passes on a busy machine too.
ASAN_GOLDEN_TIMEOUT ?= 90s
asan: deps
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 GOLDEN_TIMEOUT=$(ASAN_GOLDEN_TIMEOUT) \
	$(MAKE) B=build-asan CFLAGS="-std=c11 -O1 -g -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror $(ASAN_FLAGS)" \
	    LDFLAGS="$(ASAN_FLAGS)" check-only

# ---- fuzzing: libFuzzer harnesses (tests/fuzz/fuzz_*.c), not part of `make test` ----
# `make fuzz FUZZ_MINUTES=N` builds them with clang, ASan and UBSan in $(B)/fuzz and
# runs each of FUZZ_TARGETS in turn, N minutes in all (tests/fuzz/run.sh).
FUZZ_MINUTES ?= 10
FUZZ_TARGETS ?= parse eval check repl
FUZZ_PKGS    := clang libclang-rt-dev
FUZZ_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -std=c11 -O2 -g -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror \
                -fsanitize=fuzzer-no-link $(FUZZ_SAN)
$(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.c tests/fuzz/fuzz_common.h $(B)/libcsp.a
	$(CC) -Iinterp -Istdlib -I$(GEN) -Itests/fuzz $(CFLAGS) -fsanitize=fuzzer -o $@ $< tests/fuzz/fuzz_common.c \
	    $(B)/libcsp.a -pthread $(EDIT_LIBS)
fuzz-build: deps
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(FUZZ_PKGS)"
	$(MAKE) B=$(B)/fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" \
	    $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_TARGETS))
fuzz: fuzz-build
	sh tests/fuzz/run.sh $(B)/fuzz $(FUZZ_MINUTES) $(FUZZ_TARGETS)
.PHONY: fuzz fuzz-build

# ---- the browser playground: web/, MANUAL.md "The playground" ----
# `make web` compiles the library with emscripten (interp/ and stdlib/ as
# for cspi, less the REPL's terminal; web/api.c is the page's C API) and
# builds a static site into $(B)/web: open $(B)/web/index.html from disk.
# `make web-test` drives it in headless Chromium (web/test/), screenshots
# in $(B)/web-test. Both install what is missing: emscripten and chromium
# from Debian, the page's npm packages with `npm ci` (web/package-lock.json).
WEB_PKGS    := emscripten chromium
WEB_OBJ     := $(patsubst %.c,$(B)/wasm/%.o,$(filter-out interp/repl.c,$(LIB_SRC)) web/api.c) \
               $(B)/wasm/gen/lexer.o $(B)/wasm/gen/grammar.o
# (malloc and free: web/worker.js's warm-up writes a block of memory once.)
WEB_EXPORTS := _web_load,_web_run,_web_step_start,_web_step_choose,_web_step_back,_web_check,_web_graph,_malloc,_free
EMCFLAGS    := -std=c11 -O2 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror
# The worker's C stack (web/api.c's WEB_STACK_BYTES) and its memory: a
# browser gives a page at most 2 GB of WebAssembly memory. The link writes
# cspi.js and cspi.wasm; web/build.mjs puts both into the worker's text.
EMLDFLAGS   := -O2 -sMODULARIZE=1 -sEXPORT_NAME=createCspi -sENVIRONMENT=worker,node \
               -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2GB -sTOTAL_STACK=32MB -sINITIAL_MEMORY=64MB -sEXIT_RUNTIME=0 \
               -sEXPORTED_FUNCTIONS=$(WEB_EXPORTS) -sEXPORTED_RUNTIME_METHODS=ccall,FS \
               -sBINARYEN_EXTRA_PASSES=--one-caller-inline-max-function-size=$(WEB_ONE_CALLER_INLINE)
# Binaryen (the link's optimiser) inlines any function with one caller, the
# evaluator's cold cases into its recursive frame too (noinline is for the
# compiler only); past this size it leaves them where they are (web/api.c:
# Recursion).
WEB_ONE_CALLER_INLINE := 100
$(B)/wasm/gen/%.o: $(GEN)/%.c
	@mkdir -p $(@D)
	emcc $(CPPFLAGS) $(EMCFLAGS) $(GENFLAGS) -c -o $@ $<
$(B)/wasm/%.o: %.c | $(GEN)/grammar.h
	@mkdir -p $(@D)
	emcc $(CPPFLAGS) $(EMCFLAGS) -c -o $@ $<
# Debian's emscripten finds its JavaScript tools (acorn) in /usr/share/nodejs,
# where a node not from Debian does not look unless told.
$(B)/wasm/cspi.js: $(WEB_OBJ) web/warmup.csp
	NODE_PATH=/usr/share/nodejs emcc $(EMLDFLAGS) -o $@ $(WEB_OBJ)
web-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) $(WEB_PKGS)"
	@[ web/node_modules/.package-lock.json -nt web/package-lock.json ] || (cd web && npm ci --no-audit --no-fund)
web: web-deps
	$(MAKE) $(B)/wasm/cspi.js
	node web/build.mjs $(B)/wasm/cspi.js $(B)/web
web-test: web
	$(MAKE) --no-print-directory $(B)/cspi
	CSPI_WEB=$(B)/web CSPI_WEB_SHOTS=$(B)/web-test CSPI=$(B)/cspi node --test web/test/
# `make web-probe` builds, into $(B)/web-probe, the playground with its
# recursion limits lifted (-DCSPI_WEB_PROBE: web/api.c, interp/proc_internal.h)
# and its functions' names kept, for measuring how deep the browser's own
# stack goes and which frames fill it (bench/webdepth.mjs --frames). Not for
# users: deep recursion ends its worker.
WEB_PROBE_SRC := web/api.c interp/sem.c interp/procbuild.c
WEB_PROBE_OBJ := $(patsubst %.c,$(B)/wasm-probe/%.o,$(WEB_PROBE_SRC)) \
                 $(filter-out $(patsubst %.c,$(B)/wasm/%.o,$(WEB_PROBE_SRC)),$(WEB_OBJ))
$(B)/wasm-probe/%.o: %.c | $(GEN)/grammar.h
	@mkdir -p $(@D)
	emcc $(CPPFLAGS) $(EMCFLAGS) -DCSPI_WEB_PROBE -c -o $@ $<
$(B)/wasm-probe/cspi.js: $(WEB_PROBE_OBJ)
	NODE_PATH=/usr/share/nodejs emcc $(EMLDFLAGS) --profiling-funcs -o $@ $(WEB_PROBE_OBJ)
web-probe: web-deps
	$(MAKE) $(B)/wasm-probe/cspi.js
	node web/build.mjs $(B)/wasm-probe/cspi.js $(B)/web-probe
.PHONY: web web-deps web-test web-probe

# ---- cspi-mpi: checks explored across processes with Open MPI (doc/DISTRIBUTED.md) ----
# The same sources as cspi, main.c compiled by mpicc with -DCSPI_MPI and the
# MPI transport (interp/mpilink.c); `mpirun -np K $(B)/cspi-mpi check FILE`.
# The plain cspi never links MPI. `make mpi` installs Open MPI if missing.
MPI_PKGS := libopenmpi-dev openmpi-bin
MPICC    ?= mpicc
HAVE_MPI := $(shell command -v $(MPICC) >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1 && echo yes)
$(B)/mpi/%.o: interp/%.c | $(GEN)/grammar.h
	@mkdir -p $(@D)
	OMPI_CC=$(CC) $(MPICC) $(CPPFLAGS) $(CFLAGS) $(EDIT_FLAGS) -DCSPI_MPI -c -o $@ $<
$(B)/cspi-mpi: $(B)/mpi/main.o $(B)/mpi/mpilink.o $(B)/libcsp.a
	OMPI_CC=$(CC) $(MPICC) $(LDFLAGS) -o $@ $^ -pthread $(EDIT_LIBS)
mpi-deps: deps
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(MPI_PKGS)"
mpi: mpi-deps
	$(MAKE) $(B)/cspi-mpi
check-only: $(if $(HAVE_MPI),$(B)/cspi-mpi)
test: mpi-deps
.PHONY: mpi mpi-deps

install: $(B)/cspi
	mkdir -p $(DESTDIR)$(PREFIX)/bin
	cp $(B)/cspi $(DESTDIR)$(PREFIX)/bin/cspi

clean:
	rm -rf build build-asan

.PHONY: all deps run test check-only asan install clean
-include $(shell find $(B) -name '*.d' 2>/dev/null)
