/* fixture.c - the shared per-test interpreter; see fixture.h. */
#define _POSIX_C_SOURCE 200809L
#include "fixture.h"

#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

Interp *in;
FILE *diag_out;
static char *diag_buf;
static size_t diag_len;

void fixture_setup(void)
{
    diag_out = open_memstream(&diag_buf, &diag_len);
    in = interp_new(diag_out);
}

void fixture_teardown(void)
{
    interp_free(in);
    fclose(diag_out);
    free(diag_buf);
    diag_buf = NULL;
}

const char *diag_text(void)
{
    fflush(diag_out);
    return diag_buf ? diag_buf : "";
}

const Proc *fixture_load(Loaded *l, const char *name, const char *script)
{
    memset(l, 0, sizeof *l);
    l->df = open_memstream(&l->diag, &l->len);
    cr_assert_eq(session_open_text(&l->s, name, script, strlen(script), NULL, 0, NULL, l->df, false),
                 LOAD_OK, "%s", script);
    l->E = l->s.E;
    l->pt = l->s.pt;
    Node *tree = l->s.script;
    const Val *v;
    cr_assert_eq(eval_node(l->E, tree->kid[tree->n - 1]->kid[1], &v), EVAL_OK, "%s", script);
    l->p = proc_of_value(l->pt, v, SPAN_NONE);
    return l->p;
}

void fixture_unload(Loaded *l)
{
    session_close(&l->s);
    fclose(l->df);
    free(l->diag);
}
