/* library.h - CSPM's standard library, as a table: every built-in name
 * FDR's library defines (LANGUAGE.md §2), what kind of thing it is, and
 * its FDR type (libcspm's Prelude), written once for the resolver (which
 * binds the names), the type checker (which reads the types) and the
 * evaluator (builtins.c, which implements them). Nothing here is code.
 *
 * CSPM_LIBRARY(X) calls X(name, class, type) per built-in. `true`/`false`
 * are keywords, not in this table; `tock` is always user-declared. The
 * type is FDR's, as types.c reads it: `[Eq a, Set b] (a, {b}) -> Bool`;
 * one-letter variables, `?` for a type cspi leaves to run time
 * (extensions and productions of a dotted value of unknown shape). The
 * classes: CONST, SET, PROC, FUN; EXTERNAL and TRANSPARENT are functions
 * that `external`/`transparent` may declare.
 *
 * There is no prelude written in CSPM: each process of FDR's library is an
 * operator of its own in FDR, with its own states (RUN(A) is one state,
 * CHAOS(A) two, whatever A is), which a CSPM definition would not
 * reproduce, so builtins.c and the process layer build them in C.
 */
#ifndef CSP_LIBRARY_H
#define CSP_LIBRARY_H

#define CSPM_LIBRARY(X) \
    X(True, CONST, "Bool") X(False, CONST, "Bool") X(emptyMap, CONST, "[Set k] (|k=>v|)") \
    X(Bool, SET, "{Bool}") X(Int, SET, "{Int}") X(Char, SET, "{Char}") \
    X(Events, SET, "{Event}") X(Proc, SET, "{Proc}") \
    X(STOP, PROC, "Proc") X(SKIP, PROC, "Proc") X(DIV, PROC, "Proc") X(TSTOP, PROC, "Proc") \
    X(TSKIP, PROC, "Proc") \
    X(RUN, FUN, "({Event}) -> Proc") X(CHAOS, FUN, "({Event}) -> Proc") \
    X(WAIT, FUN, "(Int) -> Proc") X(BUFFER, FUN, "(Int, {(Event, Event)}) -> Proc") \
    X(WEAK_BUFFER, FUN, "(Int, Event, {(Event, Event)}) -> Proc") \
    X(SIGNAL_BUFFER, FUN, "(Int, Event, Event, {(Event, Event)}) -> Proc") \
    X(union, FUN, "[Set a] ({a}, {a}) -> {a}") X(inter, FUN, "[Set a] ({a}, {a}) -> {a}") \
    X(diff, FUN, "[Set a] ({a}, {a}) -> {a}") X(Union, FUN, "[Set a] ({{a}}) -> {a}") \
    X(Inter, FUN, "[Set a] ({{a}}) -> {a}") X(member, FUN, "[Eq a] (a, {a}) -> Bool") \
    X(card, FUN, "[Eq a] ({a}) -> Int") X(empty, FUN, "[Eq a] ({a}) -> Bool") \
    X(set, FUN, "[Set a] (<a>) -> {a}") X(seq, FUN, "[Eq a] ({a}) -> <a>") \
    X(Set, FUN, "[Set a] ({a}) -> {{a}}") X(Seq, FUN, "[Set a] ({a}) -> {<a>}") \
    X(length, FUN, "(<a>) -> Int") X(null, FUN, "(<a>) -> Bool") X(head, FUN, "(<a>) -> a") \
    X(tail, FUN, "(<a>) -> <a>") X(concat, FUN, "(<<a>>) -> <a>") \
    X(elem, FUN, "[Eq a] (a, <a>) -> Bool") \
    X(mapFromList, FUN, "[Set k] (<(k, v)>) -> (|k=>v|)") \
    X(mapToList, FUN, "[Set k] ((|k=>v|)) -> <(k, v)>") \
    X(mapLookup, FUN, "[Set k] ((|k=>v|), k) -> v") \
    X(mapMember, FUN, "[Set k] ((|k=>v|), k) -> Bool") \
    X(mapUpdate, FUN, "[Set k] ((|k=>v|), k, v) -> (|k=>v|)") \
    X(mapUpdateMultiple, FUN, "[Set k] ((|k=>v|), <(k, v)>) -> (|k=>v|)") \
    X(mapDelete, FUN, "[Set k] ((|k=>v|), k) -> (|k=>v|)") \
    X(Map, FUN, "[Set k, Set v] ({k}, {v}) -> {(|k=>v|)}") \
    X(error, FUN, "(<Char>) -> a") X(show, FUN, "(a) -> <Char>") \
    X(extensions, FUN, "(?) -> {?}") X(productions, FUN, "(?) -> {?}") \
    X(chase, EXTERNAL, "(Proc) -> Proc") X(chase_nocache, EXTERNAL, "(Proc) -> Proc") \
    X(deter, EXTERNAL, "(Proc) -> Proc") X(loop, EXTERNAL, "(Proc) -> Proc") \
    X(prioritise, EXTERNAL, "(Proc, <{Event}>) -> Proc") \
    X(prioritise_nocache, EXTERNAL, "(Proc, <{Event}>) -> Proc") \
    X(prioritisepo, EXTERNAL, "(Proc, {Event}, {(Event, Event)}, {Event}) -> Proc") \
    X(failure_watchdog, EXTERNAL, "(Proc, {Event}, Event) -> Proc") \
    X(trace_watchdog, EXTERNAL, "(Proc, {Event}, Event) -> Proc") \
    X(mtransclose, EXTERNAL, "[Eq a] ({(a, a)}, {a}) -> {(a, a)}") \
    X(relational_image, EXTERNAL, "[Eq a, Set b] ({(a, b)}) -> (a) -> {b}") \
    X(relational_inverse_image, EXTERNAL, "[Set a, Eq b] ({(a, b)}) -> (b) -> {a}") \
    X(transpose, EXTERNAL, "[Set a, Set b] ({(a, b)}) -> {(b, a)}") \
    X(timed_priority, EXTERNAL, "(Proc) -> Proc") \
    X(normal, TRANSPARENT, "(Proc) -> Proc") X(normalise, TRANSPARENT, "(Proc) -> Proc") \
    X(lazynorm, TRANSPARENT, "(Proc) -> Proc") X(sbisim, TRANSPARENT, "(Proc) -> Proc") \
    X(wbisim, TRANSPARENT, "(Proc) -> Proc") X(dbisim, TRANSPARENT, "(Proc) -> Proc") \
    X(diamond, TRANSPARENT, "(Proc) -> Proc") X(explicate, TRANSPARENT, "(Proc) -> Proc") \
    X(lazyenumerate, TRANSPARENT, "(Proc) -> Proc") \
    X(tau_loop_factor, TRANSPARENT, "(Proc) -> Proc") \
    X(model_compress, TRANSPARENT, "(Proc) -> Proc")

#endif
