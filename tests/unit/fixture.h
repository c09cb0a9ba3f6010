/* fixture.h - what most unit suites share: a fresh Interp per test whose
 * diagnostics go to a memory stream. Criterion runs each test in its own
 * process, so these globals never leak from one test into another.
 */
#ifndef CSP_TEST_FIXTURE_H
#define CSP_TEST_FIXTURE_H

#include "interp.h"
#include "session.h"

#include <stdio.h>

extern Interp *in;          /* the test's interpreter */
extern FILE *diag_out;      /* where in->diag writes */

void fixture_setup(void);
void fixture_teardown(void);
/* Everything reported so far (never NULL). */
const char *diag_text(void);

/* A script loaded whole (a Session of its own, diagnostics in memory), for
 * the suites about processes: the term of its last declaration's right
 * side is p. */
typedef struct {
    Session s;
    Eval *E;
    ProcTable *pt;
    const Proc *p;
    char *diag;             /* what was reported (fflush(df) first) */
    size_t len;
    FILE *df;
} Loaded;

/* Loads script, named name in messages; asserts that it loads and that its
 * last declaration evaluates. Returns l->p. */
const Proc *fixture_load(Loaded *l, const char *name, const char *script);
void fixture_unload(Loaded *l);

#endif
