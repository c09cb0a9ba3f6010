/* interp.c - session set-up and the load pipeline (parse, resolve, type-check). */
#include "interp.h"

#include "parse.h"
#include "resolve.h"
#include "types.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

Interp *interp_new(FILE *diag_out)
{
    Interp *in = xcalloc(1, sizeof *in);
    in->src = src_set_new();
    in->syms = sym_table_new();
    in->load = arena_new(1 << 20);
    in->vals = val_table_new();
    diag_init(&in->diag, in->src, diag_out);
    return in;
}

void interp_free(Interp *in)
{
    if (!in) return;
    types_free(in->types);
    arena_free(in->load);
    val_table_free(in->vals);
    sym_table_free(in->syms);
    src_set_free(in->src);
    free(in);
}

static LoadStatus load(Interp *in, uint32_t file, Node **out)
{
    int before = in->diag.n_errors;
    Node *script = parse_script(in->src, in->syms, &in->diag, in->load, file);
    if (in->diag.n_errors == before) res_resolve(in, script);
    if (in->diag.n_errors == before && !in->skip_types) types_check_script(in, script);
    *out = script;
    return in->diag.n_errors == before ? LOAD_OK : LOAD_STATIC_ERROR;
}

LoadStatus interp_load_file(Interp *in, const char *path, Node **out)
{
    *out = NULL;
    int id = src_load_file(in->src, path);
    if (id < 0) {
        diag_error(&in->diag, SPAN_NONE, "cannot read '%s': %s", path, src_load_error(in->src));
        return LOAD_IO_ERROR;
    }
    return load(in, (uint32_t)id, out);
}

LoadStatus interp_load_with_expr(Interp *in, const char *path, const char *expr,
                                 Node **out, Node **expr_decl)
{
    return interp_load_session(in, path, NULL, expr, out, expr_decl);
}

/* Parses the session's definitions (each its own text named "<session>")
 * and expression after the script in `file`, joins them to it and resolves
 * the whole. */
static LoadStatus load_joined(Interp *in, int before, uint32_t file, const char *const *defs,
                              uint32_t n_defs, const char *expr, Node **out, Node **expr_decl)
{
    Node *script = parse_script(in->src, in->syms, &in->diag, in->load, file);
    Node *d = NULL;
    Node **extra = n_defs ? xcalloc(n_defs, sizeof *extra) : NULL;
    for (uint32_t k = 0; k < n_defs; k++)
        if (defs[k][0])
            extra[k] = parse_script(in->src, in->syms, &in->diag, in->load,
                                    src_add_text(in->src, "<session>", defs[k], strlen(defs[k])));
    if (expr) {
        uint32_t eid = src_add_text(in->src, "<expression>", expr, strlen(expr));
        d = parse_expr_decl(in->src, in->syms, &in->diag, in->load, eid,
                            sym_intern_cstr(in->syms, "<expression>"));
    }
    if (in->diag.n_errors != before) {
        free(extra);
        return LOAD_STATIC_ERROR;
    }
    /* Everything joins one script, so each part sees every name. */
    Ast ast = { in->load, &in->diag, false };
    Node *all = ast_new(&ast, N_SCRIPT, 0, script->span, 0);
    for (uint32_t i = 0; i < script->n; i++) ast_append(&ast, all, script->kid[i]);
    for (uint32_t k = 0; k < n_defs; k++)
        for (uint32_t i = 0; extra[k] && i < extra[k]->n; i++) ast_append(&ast, all, extra[k]->kid[i]);
    free(extra);
    if (d) ast_append(&ast, all, d);
    all->span = script->span;
    res_resolve(in, all);
    if (in->diag.n_errors == before && !in->skip_types) types_check_script(in, all);
    *out = all;
    if (expr_decl) *expr_decl = d;
    return in->diag.n_errors == before ? LOAD_OK : LOAD_STATIC_ERROR;
}

LoadStatus interp_load_session(Interp *in, const char *path, const char *session,
                               const char *expr, Node **out, Node **expr_decl)
{
    *out = NULL;
    if (expr_decl) *expr_decl = NULL;
    int before = in->diag.n_errors;
    uint32_t file;
    if (path) {
        int id = src_load_file(in->src, path);
        if (id < 0) {
            diag_error(&in->diag, SPAN_NONE, "cannot read '%s': %s", path, src_load_error(in->src));
            return LOAD_IO_ERROR;
        }
        file = (uint32_t)id;
    } else {
        file = src_add_text(in->src, "<no script>", "", 0);
    }
    const char *defs[1] = { session };
    return load_joined(in, before, file, defs, session && session[0] ? 1 : 0, expr, out,
                       expr_decl);
}

LoadStatus interp_load_session_text(Interp *in, const char *name, const char *text, size_t len,
                                    const char *const *defs, uint32_t n_defs, Node **out)
{
    *out = NULL;
    int before = in->diag.n_errors;
    uint32_t file = src_add_text(in->src, name ? name : "<no script>", text ? text : "",
                                 text ? len : 0);
    return load_joined(in, before, file, defs, n_defs, NULL, out, NULL);
}

LoadStatus interp_load_expr(Interp *in, const Node *script, const char *expr, Node **expr_decl)
{
    *expr_decl = NULL;
    int before = in->diag.n_errors;
    uint32_t eid = src_add_text(in->src, "<expression>", expr, strlen(expr));
    Node *d = parse_expr_decl(in->src, in->syms, &in->diag, in->load, eid,
                              sym_intern_cstr(in->syms, "<expression>"));
    if (in->diag.n_errors != before || !d) return LOAD_STATIC_ERROR;
    res_resolve_expr(in, script, d->kid[1]);
    char type[256];
    if (in->diag.n_errors == before && !in->skip_types)
        types_of_expr(in, d->kid[1], type, sizeof type);
    *expr_decl = d;
    return in->diag.n_errors == before ? LOAD_OK : LOAD_STATIC_ERROR;
}

LoadStatus interp_load_text(Interp *in, const char *name, const char *text, size_t len,
                            Node **out)
{
    return load(in, src_add_text(in->src, name, text, len), out);
}
