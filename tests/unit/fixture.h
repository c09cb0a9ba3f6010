/* fixture.h - what most unit suites share: a fresh Interp per test whose
 * diagnostics go to a memory stream. Criterion runs each test in its own
 * process, so these globals never leak from one test into another.
 */
#ifndef CSP_TEST_FIXTURE_H
#define CSP_TEST_FIXTURE_H

#include "interp.h"

#include <stdio.h>

extern Interp *in;          /* the test's interpreter */
extern FILE *diag_out;      /* where in->diag writes */

void fixture_setup(void);
void fixture_teardown(void);
/* Everything reported so far (never NULL). */
const char *diag_text(void);

#endif
