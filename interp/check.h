/* check.h - deciding assertions (LANGUAGE.md §3).
 * chk_assertion decides one `assert` of a loaded script: refinement in the
 * traces, stable-failures and failures-divergences models, deadlock and
 * divergence freedom, determinism, `has trace`, with `:[tau priority]:`.
 * States are explored breadth-first, so counterexamples are shortest. The
 * result (and a counterexample) is printed in FDR's block layout or as
 * JSON. Depends on proc.h.
 */
#ifndef CSP_CHECK_H
#define CSP_CHECK_H

#include "proc.h"

#include <stdio.h>

struct JsonWriter;

/* CHK_INTERRUPTED: Ctrl-C (the watch's WATCH_INTERRUPT) stopped it. */
typedef enum { CHK_PASSED, CHK_FAILED, CHK_ERROR, CHK_LIMIT, CHK_INTERRUPTED } ChkResult;

/* The states (or state pairs) a check explores before giving up, unless
 * told otherwise (--max-states). */
enum { CHK_DEFAULT_MAX_STATES = 10000000 };

typedef struct ChkOptions {
    uint64_t max_states;    /* states (or state pairs) explored before giving up */
    struct JsonWriter *json; /* non-NULL: each result is an object, an element of the
                              * array open in this writer */
    bool brief;             /* one line per assertion */
    bool show_time;         /* print the time taken */
    bool progress;          /* report progress on stderr for long checks */
    bool explain;           /* a failed assertion's counterexample explained (explain.h) */
    struct Explanation **keep;  /* with explain: the explanation is handed here (the caller
                                 * frees it with expl_free), not printed; NULL if none */
    unsigned workers;       /* threads exploring (workers.h; 0: every core, 1: this one) */
    struct RankLink *ranks; /* non-NULL: processes exploring together (ranks.h, cspi-mpi);
                             * every rank decides every assertion alike */
    FILE *out;
} ChkOptions;

typedef struct ChkStats {
    uint64_t states, transitions;
    double seconds;
    unsigned threads;       /* how many explored: the workers, or 1 (one thread decided) */
} ChkStats;

/* Decides the ASSERT declaration `decl` of the evaluator's script and
 * prints its block. Runtime errors are reported to the Diag (CHK_ERROR).
 * Memory, time and Ctrl-C are the evaluator's watch's (eval_set_watch),
 * whose clock restarts here: --timeout is per assertion. A limit reached
 * (CHK_LIMIT) leaves the session usable for the next assertion; what was
 * explored is freed. */
ChkResult chk_assertion(ProcTable *t, Node *decl, const ChkOptions *o, ChkStats *stats);

/* The traces of process p, shortest first and each length in event order,
 * up to length depth: emit(ctx, trace, len) is called for each (<> first;
 * the trace is valid during the call) until it returns false. They are read
 * off the checker's normal form, under the same limits as an assertion
 * (o->max_states counts the traces listed and the states normalised; at is
 * where limit messages point): CHK_PASSED when listed (or emit stopped),
 * CHK_ERROR, CHK_LIMIT or CHK_INTERRUPTED otherwise (reported). */
typedef bool (*ChkTraceFn)(void *ctx, const uint32_t *trace, uint32_t len);
ChkResult chk_traces(ProcTable *t, const Proc *p, uint32_t depth, const ChkOptions *o, Span at,
                     ChkTraceFn emit, void *ctx);

/* The script's assertions in order, those inside Timed sections included
 * (numbered as `cspi check --assert N` and the REPL's :check N number them):
 * how many there are, and the n-th (from 1; NULL if none), with *timed
 * telling whether it is in a Timed section. */
uint32_t chk_count_assertions(const Node *script);
Node *chk_nth_assertion(const Node *script, uint32_t n, bool *timed);

/* The block (or JSON object, or brief line) of an assertion not decided,
 * because of a runtime error, a limit or Ctrl-C (why), with the message
 * reported. */
void chk_print_undecided(const ChkOptions *o, const char *text, ChkResult why, const char *message);


/* An ASSERT declaration as written, on one line ("not " first when negated),
 * into buf: CHK_TEXT_MAX bytes show any assertion of a sensible size; a
 * longer one ends with "..." where it was cut. */
enum { CHK_TEXT_MAX = 1024 };
void chk_assertion_text(SrcSet *src, Node *decl, char *buf, size_t size);

#endif
