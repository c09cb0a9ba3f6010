/* fixture.c - the shared per-test interpreter; see fixture.h. */
#define _POSIX_C_SOURCE 200809L
#include "fixture.h"

#include <stdlib.h>

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
