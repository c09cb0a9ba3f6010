#!/bin/sh
# tests/layers.sh - the layers of cspi, and a check that the code keeps them
# (doc/DESIGN.md "Layers"). Run from the repository root: sh tests/layers.sh
#
# A module is a file stem (interp/eval.c and interp/eval.h are module eval),
# except for the files listed under MEMBERS, which belong to another module.
# X_internal.h is module X's private header.
#
# The rules, for every #include "..." in interp/, stdlib/, grammar/, tests/:
#  1. a file may include headers of its own layer and of the layers below it,
#     never of a layer above (data flows up the list, never down);
#  2. a file may include X_internal.h only if it belongs to module X;
#  3. every module is in LAYERS (a new module is placed there first).
# Exits 0 when all hold, else 1 with one line per broken include.
# With --graph it prints the include graph between modules instead (each
# module, its layer, and the other modules it includes) and checks nothing.

# The layers, lowest first, one per line; modules on one line are one layer
# and may include each other's public headers.
LAYERS='
hugemem json numarg watch library
arena
src sym
diag
val
ast
lex parse
unparse
resolve interp types
eval
event
proc lts compress
net
session workers keyset ranks detwork
run check graph
repl
main mpilink
tests
'

# Files that belong to a module other than their stem (file stem: module).
# grammar is lemon's parser (grammar.y, and the grammar.c and grammar.h it
# writes: the token codes the lexer reads); lexer is re2c's lexer.re.
MEMBERS='
evaldecl:eval
evalprint:eval
typecheck:types
evaltimed:eval
typedecl:types
typemodule:types
builtins:eval
procbuild:proc
sem:proc
netrun:net
netexplain:net
netplan:net
explore:check
normal:check
report:check
explain:check
traces:check
lexer:lex
grammar:parse
fixture:tests
fuzz_common:tests
'
graph=0
[ "$1" = --graph ] && graph=1

cd "$(dirname "$0")/.." || exit 2

files=$(ls interp/*.c interp/*.h stdlib/*.c stdlib/*.h grammar/*.re grammar/*.y \
            tests/unit/*.c tests/unit/*.h tests/fuzz/*.c 2>/dev/null)

awk -v layers="$LAYERS" -v members="$MEMBERS" -v graph=$graph '
function module_of(path,    s) {
    if (path ~ /^tests\//) return "tests"
    s = path
    sub(/^.*\//, "", s)
    sub(/\.[^.]*$/, "", s)
    sub(/_internal$/, "", s)
    return (s in member) ? member[s] : s
}
BEGIN {
    n = split(layers, line, "\n")
    k = 0
    for (i = 1; i <= n; i++) {
        if (line[i] ~ /^[ \t]*$/) continue
        k++
        m = split(line[i], mods, /[ \t]+/)
        for (j = 1; j <= m; j++) if (mods[j] != "") layer[mods[j]] = k
    }
    n = split(members, line, "\n")
    for (i = 1; i <= n; i++)
        if (split(line[i], kv, ":") == 2) member[kv[1]] = kv[2]
    bad = 0
    for (i = 1; i < ARGC && !graph; i++)
        if (!(module_of(ARGV[i]) in layer)) {
            printf "layers: %s: module %s is in no layer: add it to LAYERS in tests/layers.sh\n", \
                   ARGV[i], module_of(ARGV[i])
            bad = 1
        }
}
FNR == 1 {
    mod = module_of(FILENAME)
    seen[mod] = 1
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
    h = $0
    sub(/^[^"]*"/, "", h)
    sub(/".*$/, "", h)
    hm = module_of(h)
    if (graph) {
        to = (h ~ /_internal\.h$/) ? hm "_internal" : hm
        if (hm != mod && !((mod, to) in edge)) { edge[mod, to] = 1; uses[mod] = uses[mod] " " to }
        next
    }
    if (h ~ /_internal\.h$/ && hm != mod) {
        printf "layers: %s:%d includes %s, the private header of module %s; module %s may use %s.h only\n", \
               FILENAME, FNR, h, hm, mod, hm
        bad = 1
        next
    }
    if (!(hm in layer)) {
        printf "layers: %s:%d includes %s of module %s, which is in no layer: add it to LAYERS in tests/layers.sh\n", \
               FILENAME, FNR, h, hm
        bad = 1
        next
    }
    if ((mod in layer) && layer[hm] > layer[mod]) {
        printf "layers: %s:%d includes %s: module %s (layer %d) may not use module %s (layer %d), which is above it\n", \
               FILENAME, FNR, h, mod, layer[mod], hm, layer[hm]
        bad = 1
    }
}
END {
    if (graph) {
        for (mm in seen) printf "%2d %-8s ->%s\n", (mm in layer) ? layer[mm] : 99, mm, uses[mm] | "sort -n"
        exit 0
    }
    if (bad) print "layers: FAILED (the layers are listed in tests/layers.sh and explained in doc/DESIGN.md)"
    exit bad
}' $files
