/* compress.h - FDR's compressions as reductions of explicit machines
 * (lts.h): sbisim, tau_loop_factor, diamond, normal, wbisim, dbisim,
 * explicate. compress_term turns a term into its reachable machine,
 * compresses it and gives back the term of the result's initial state (an
 * LTS term, lts.h), so a compressed process is a leaf like any other: the
 * network, the checker, the runner and the REPL walk it through the firing
 * rules. Results are cached per (compression, term) for the life of the
 * ProcTable, so a repeated component is compressed once; each compression
 * done is logged (states before and after) for `cspi check --verbose`.
 * What each preserves is in MANUAL.md ("Compressions"). Depends on lts.h,
 * proc.h.
 */
#ifndef CSP_COMPRESS_H
#define CSP_COMPRESS_H

#include "lts.h"

#define COMPRESSIONS(X) X(sbisim) X(normal) X(diamond) X(tau_loop_factor) X(wbisim) X(dbisim) \
    X(explicate)
#define COMPRESS_AS_ENUM(k) COMPRESS_##k,
typedef enum { COMPRESSIONS(COMPRESS_AS_ENUM) COMPRESS__COUNT } Compression;
extern const char *const compress_name[COMPRESS__COUNT];

/* The states a process may have to be compressed, unless told otherwise. */
enum { COMPRESS_DEFAULT_MAX_STATES = 10000000 };

/* The compression a built-in (ResBuiltinId) names (normalise and lazynorm
 * are normal, lazyenumerate is explicate), or -1. */
int compress_of_builtin(int builtin);

/* The term of compression c of p (cached): p's reachable states, at most
 * the table's limit (compress_set_max_states), compressed. Errors and
 * limits are reported at `at` and unwind (call under proc_guard). */
const Proc *compress_term(ProcTable *t, Compression c, const Proc *p, Span at);

/* Compression c of machine L as a new machine in evaluator temporaries
 * (lts_free_tmp): the algorithm alone, for compress_term and the tests.
 * Errors unwind. */
Lts *compress_lts(ProcTable *t, Compression c, const Lts *L, uint64_t max_states, Span at);

void compress_set_max_states(ProcTable *t, uint64_t max_states);

/* One compression done: its name, the term, states before (of the machine
 * compressed) and after (of the result, labelled; plain: spelled out). */
typedef struct CompressLog {
    const char *name;
    const Proc *of;
    uint32_t before, after, plain;
} CompressLog;

/* The compressions done so far in this table, in order (the array is valid
 * until the next compression). */
const CompressLog *compress_log(ProcTable *t, uint32_t *n);

void compress_cache_free(struct CompressCache *c);

#endif
