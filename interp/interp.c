/* interp.c - session set-up and the load pipeline (parse, then resolve). */
#include "interp.h"

#include "parse.h"
#include "resolve.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

Interp *interp_new(FILE *diag_out)
{
    Interp *in = xcalloc(1, sizeof *in);
    in->src = src_set_new();
    in->syms = sym_table_new();
    in->load = arena_new(1 << 20);
    diag_init(&in->diag, in->src, diag_out);
    return in;
}

void interp_free(Interp *in)
{
    if (!in) return;
    arena_free(in->load);
    sym_table_free(in->syms);
    src_set_free(in->src);
    free(in);
}

static LoadStatus load(Interp *in, uint32_t file, Node **out)
{
    int before = in->diag.n_errors;
    Node *script = parse_script(in->src, in->syms, &in->diag, in->load, file);
    if (in->diag.n_errors == before) res_resolve(in, script);
    *out = script;
    return in->diag.n_errors == before ? LOAD_OK : LOAD_STATIC_ERROR;
}

LoadStatus interp_load_file(Interp *in, const char *path, Node **out)
{
    *out = NULL;
    int id = src_load_file(in->src, path);
    if (id < 0) {
        diag_error(&in->diag, SPAN_NONE, "cannot read '%s': %s", path, strerror(errno));
        return LOAD_IO_ERROR;
    }
    return load(in, (uint32_t)id, out);
}

LoadStatus interp_load_text(Interp *in, const char *name, const char *text, size_t len,
                            Node **out)
{
    return load(in, src_add_text(in->src, name, text, len), out);
}
