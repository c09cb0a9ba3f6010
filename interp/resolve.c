/* resolve.c - name binding and static checks; see resolve.h.
 *
 * Visibility is one array indexed by Sym id holding the innermost visible
 * definition of each name; a stack of scopes remembers what each
 * definition hid, so leaving a scope restores the outer names. Scope 0
 * holds the built-ins, scope 1 the top level, so a user's definition
 * shadows a built-in without being a duplicate.
 *
 * A block of declarations (the script, a module, a let) is mutually
 * recursive, so it is handled in passes:
 *   A  channels, datatypes and constructors (patterns need to know them);
 *   B  everything else that defines a name (function clauses are grouped,
 *      pattern bindings bound, module members collected);
 *   C  instances are linked to their modules;
 *   2  bodies are resolved.
 * Errors are collected and printed sorted by position, all at once.
 */
#include "resolve.h"

#include "interp.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RES_BI_ROW(name, cls, type) { #name, RES_BC_##cls, type },
const ResBuiltin res_builtins[RES_BI__COUNT] = { RES_BUILTINS(RES_BI_ROW) };

#define RES_DEF_NAME(k, s) s,
const char *const res_def_kind_name[RES_DEF__COUNT] = { RES_DEF_KINDS(RES_DEF_NAME) };

/* ---- resolver state ---- */

typedef struct Scope {
    ResLevel level;     /* of the definitions made here */
    Vec defs;           /* ResDef *, in order of activation */
    Vec hid;            /* for each of defs, what it hid in Res.visible */
} Scope;

/* A node whose free variables are being collected; depth is the number of
 * scopes open when it started, so definitions in lower scopes are outside. */
typedef struct Closure {
    Node *node;
    uint32_t depth;
    uint32_t stamp;     /* unique and increasing: inner closures have larger stamps */
    Vec free;           /* ResDef *, in order of first use */
} Closure;

typedef struct Note {
    struct Note *next;
    Span at;
    char *msg;
} Note;

typedef struct Report {
    uint32_t key, order;    /* top-level declaration index; arrival order */
    Span at;
    char *msg;
    Note *notes, **tail;
} Report;

typedef struct Res {
    Interp *in;
    bool in_timed;          /* declaring the contents of a Timed section */
    Arena *arena;
    ResDef **visible;       /* by Sym id: the innermost visible definition */
    uint32_t n_syms;
    Scope *scopes;          /* scopes[0..n_scopes) are open; the rest are kept for reuse */
    uint32_t n_scopes, cap_scopes;
    Closure *closures;
    uint32_t n_closures, cap_closures;
    uint32_t n_stamps;      /* closures opened so far */
    ResDef *builtin[RES_BI__COUNT];
    Vec top;                /* top-level definitions */
    uint32_t n_locals;      /* ids handed out to non-top definitions */
    uint32_t key;           /* index of the top-level declaration being handled */
    uint32_t seq;           /* index of the declaration in the current block */
    bool exported;          /* the declaration is in a module's `exports` part */
    ResDef *last_fn;        /* the function the previous declaration added a clause to */
    Vec reports;            /* Report * */
    uint32_t *n_reports_at; /* reports per top-level declaration (key) */
    uint32_t n_keys;
    uint32_t counted_key;   /* n_reports_before counts the reports of keys below this */
    uint32_t n_reports_before;
} Res;

/* What a pattern binds and which of its parts to handle. */
typedef struct Pat {
    ResDefKind kind;        /* of the variables it binds */
    Node *decl;
    bool bind;              /* bind variables, report malformed patterns */
    bool uses;              /* resolve qualified names in it */
    bool quiet;             /* inside a malformed pattern: bind, but report nothing more */
} Pat;

static void expr(Res *R, Node *x);
static const ResDef *qual(Res *R, Node *q);

/* ---- reports, printed at the end in source order ---- */

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *s = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    return s;
}

static Report *error_key(Res *R, uint32_t key, Span at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static Report *error_key(Res *R, uint32_t key, Span at, const char *fmt, ...)
{
    Report *r = xcalloc(1, sizeof *r);
    if (key < R->n_keys) R->n_reports_at[key]++;
    r->key = key;
    r->order = R->reports.n;
    r->at = at;
    r->tail = &r->notes;
    va_list ap;
    va_start(ap, fmt);
    r->msg = vformat(fmt, ap);
    va_end(ap);
    vec_push(&R->reports, r);
    return r;
}

#define error_at(R, at, ...) error_key((R), (R)->key, (at), __VA_ARGS__)

static void note_at(Report *r, Span at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note_at(Report *r, Span at, const char *fmt, ...)
{
    Note *n = xcalloc(1, sizeof *n);
    n->at = at;
    va_list ap;
    va_start(ap, fmt);
    n->msg = vformat(fmt, ap);
    va_end(ap);
    *r->tail = n;
    r->tail = &n->next;
}

static int report_cmp(const void *pa, const void *pb)
{
    const Report *a = *(const Report *const *)pa, *b = *(const Report *const *)pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->at.file != b->at.file) return a->at.file < b->at.file ? -1 : 1;
    if (a->at.start != b->at.start) return a->at.start < b->at.start ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Prints the reports sorted by declaration and position, frees them, and
 * returns how many errors there were. */
static int flush_reports(Res *R)
{
    if (R->reports.n) qsort(R->reports.items, R->reports.n, sizeof(void *), report_cmp);
    for (uint32_t i = 0; i < R->reports.n; i++) {
        Report *r = R->reports.items[i];
        diag_error(&R->in->diag, r->at, "%s", r->msg);
        for (Note *n = r->notes, *next; n; n = next) {
            next = n->next;
            diag_note(&R->in->diag, n->at, "%s", n->msg);
            free(n->msg);
            free(n);
        }
        free(r->msg);
        free(r);
    }
    int n = (int)R->reports.n;
    vec_free(&R->reports);
    return n;
}

/* ---- small helpers ---- */

static ResInfo *res_of(Res *R, Node *x)
{
    if (!x->res) x->res = ARENA_NEW(R->arena, ResInfo);
    return x->res;
}

static void set_res(Res *R, Node *x, const ResDef *d, ResRole role)
{
    ResInfo *ri = res_of(R, x);
    ri->def = d;
    ri->role = (uint8_t)role;
}

static const char *article(const char *noun)
{
    return strchr("aeiou", noun[0]) ? "an" : "a";
}

static const char *kind_name(const ResDef *d) { return res_def_kind_name[d->kind]; }

static bool is_ident_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '\'';
}

/* The span of a declaration's name: the first whole-word occurrence of it
 * in the declaration's text (after `datatype`, `module`, ...). */
static Span name_span(Res *R, const Node *x)
{
    Span s = x->span;
    if (s.file >= src_count(R->in->src) || !x->name) return s;
    const char *text = src_text(R->in->src, s.file);
    uint32_t len = x->name->len;
    for (uint32_t i = s.start; i + len <= s.end; i++) {
        if (memcmp(text + i, x->name->name, len) != 0) continue;
        if (i > 0 && is_ident_byte(text[i - 1])) continue;
        if (is_ident_byte(text[i + len])) continue;
        return (Span){ s.file, i, i + len };
    }
    return s;
}

static void **vec_copy(Res *R, const Vec *v)
{
    return v->n ? vec_to_arena(v, R->arena) : NULL;
}

/* ---- scopes and definitions ---- */

static Scope *top_scope(Res *R) { return &R->scopes[R->n_scopes - 1]; }

static void push_scope(Res *R, ResLevel level)
{
    if (R->n_scopes == R->cap_scopes) {
        uint32_t cap = R->cap_scopes ? R->cap_scopes * 2 : 16;
        R->scopes = xrealloc(R->scopes, cap * sizeof *R->scopes);
        memset(R->scopes + R->cap_scopes, 0, (cap - R->cap_scopes) * sizeof *R->scopes);
        R->cap_scopes = cap;
    }
    Scope *s = &R->scopes[R->n_scopes++];
    s->level = level;
    s->defs.n = 0;
    s->hid.n = 0;
}

static void pop_scope(Res *R)
{
    Scope *s = top_scope(R);
    for (uint32_t i = s->defs.n; i-- > 0;) {
        const ResDef *d = s->defs.items[i];
        R->visible[d->name->id] = s->hid.items[i];
    }
    R->n_scopes--;
}

static void pop_scopes(Res *R, uint32_t n)
{
    while (n--) pop_scope(R);
}

static ResDef *lookup(Res *R, const Sym *name)
{
    return name->id < R->n_syms ? R->visible[name->id] : NULL;
}

/* Makes d visible in the innermost scope, hiding any outer definition. */
static void activate(Res *R, ResDef *d)
{
    Scope *s = top_scope(R);
    vec_push(&s->defs, d);
    vec_push(&s->hid, R->visible[d->name->id]);
    R->visible[d->name->id] = d;
    d->scope_ = R->n_scopes - 1;
}

static ResDef *new_def(Res *R, ResDefKind kind, const Sym *name, Span at, Node *decl,
                       Node *binder)
{
    ResDef *d = ARENA_NEW(R->arena, ResDef);
    d->name = name;
    d->kind = (uint8_t)kind;
    d->level = (uint8_t)top_scope(R)->level;
    d->is_exported = d->level == RES_LEVEL_MODULE && R->exported;
    d->in_timed = R->in_timed;
    d->at = at;
    d->decl = decl;
    d->binder = binder;
    d->seq_ = R->seq;
    d->key_ = R->key;
    if (d->level != RES_LEVEL_TOP) d->index = R->n_locals++;
    return d;
}

static bool is_pattern_var(const ResDef *d)
{
    switch (d->kind) {
    case RES_DEF_VALUE: case RES_DEF_PARAM: case RES_DEF_GENVAR: case RES_DEF_INPUT:
    case RES_DEF_MODPARAM:
        return d->binder != NULL;
    default:
        return false;
    }
}

/* "duplicate definition": the error goes to whichever comes later. */
static void report_dup(Res *R, const ResDef *a, const ResDef *b)
{
    bool a_first = a->seq_ < b->seq_ ||
                   (a->seq_ == b->seq_ && a->at.file == b->at.file && a->at.start <= b->at.start);
    const ResDef *first = a_first ? a : b, *later = a_first ? b : a;
    Report *r = error_key(R, later->key_, later->at, "duplicate definition of '%s'",
                          later->name->name);
    note_at(r, first->at, "'%s' was first defined here, as %s %s", first->name->name,
            article(kind_name(first)), kind_name(first));
}

/* Activates d unless its name is already defined in the same scope (then
 * reports it and returns false: d stays invisible). */
static bool declare(Res *R, ResDef *d)
{
    ResDef *old = lookup(R, d->name);
    if (old && old->scope_ == R->n_scopes - 1) {
        if (is_pattern_var(old) && is_pattern_var(d) && old->seq_ == d->seq_) {
            Report *r = error_at(R, d->at, "'%s' is bound twice in this pattern", d->name->name);
            note_at(r, old->at, "'%s' is first bound here", d->name->name);
        } else {
            report_dup(R, old, d);
        }
        return false;
    }
    activate(R, d);
    if (d->level == RES_LEVEL_TOP) vec_push(&R->top, d);
    return true;
}

/* ---- free variables ---- */

static void open_closure(Res *R, Node *x)
{
    if (R->n_closures == R->cap_closures) {
        uint32_t cap = R->cap_closures ? R->cap_closures * 2 : 16;
        R->closures = xrealloc(R->closures, cap * sizeof *R->closures);
        memset(R->closures + R->cap_closures, 0, (cap - R->cap_closures) * sizeof *R->closures);
        R->cap_closures = cap;
    }
    Closure *c = &R->closures[R->n_closures++];
    c->node = x;
    c->depth = R->n_scopes;
    c->stamp = ++R->n_stamps;
    c->free.n = 0;
}

static void close_closure(Res *R)
{
    Closure *c = &R->closures[--R->n_closures];
    ResInfo *ri = res_of(R, c->node);
    ri->is_closure = true;
    ri->n_free = c->free.n;
    if (!c->free.n) return;
    const Sym **names = arena_alloc(R->arena, c->free.n * sizeof *names);
    for (uint32_t i = 0; i < c->free.n; i++) names[i] = ((const ResDef *)c->free.items[i])->name;
    ri->free = names;
    ri->free_defs = (const ResDef *const *)vec_copy(R, &c->free);
}

/* A local definition used here is free in every open closure that started
 * above its scope. Inner closures are checked first: once one already has
 * it, the outer ones do too. So the open closures that have d are those
 * from the outermost out to the one stamped d->free_mark_ (stamps grow
 * inwards; a closed closure's stamp is never reused), and the check is
 * O(1) however many names a closure captures. */
static void note_local_use(Res *R, ResDef *d)
{
    uint32_t innermost = 0;
    for (uint32_t i = R->n_closures; i-- > 0;) {
        Closure *c = &R->closures[i];
        if (d->scope_ >= c->depth || c->stamp <= d->free_mark_) break;
        vec_push(&c->free, d);
        if (!innermost) innermost = c->stamp;
    }
    if (innermost) d->free_mark_ = innermost;
}

/* ---- did you mean ---- */

/* Optimal string alignment distance (insert, delete, substitute, swap two
 * adjacent bytes), or UINT_MAX when the names are far too long. */
static unsigned edit_distance(const char *a, uint32_t la, const char *b, uint32_t lb)
{
    enum { MAXLEN = 64 };
    if (la > MAXLEN || lb > MAXLEN) return UINT_MAX;
    unsigned rows[3][MAXLEN + 1];
    unsigned *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (uint32_t j = 0; j <= lb; j++) prev[j] = j;
    for (uint32_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (uint32_t j = 1; j <= lb; j++) {
            unsigned cost = a[i - 1] != b[j - 1];
            unsigned best = prev[j - 1] + cost;
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1;
            cur[j] = best;
        }
        unsigned *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

/* How close `cand` is to `name` for a suggestion, or UINT_MAX if too far:
 * at most 2 edits, and at most half the shorter name (so 'tmp' does not
 * suggest 'Map'). */
static unsigned closeness(const Sym *name, const Sym *cand)
{
    uint32_t shorter = name->len < cand->len ? name->len : cand->len;
    if (shorter < 2 || cand == name) return UINT_MAX;
    uint32_t diff = name->len > cand->len ? name->len - cand->len : cand->len - name->len;
    if (diff > 2) return UINT_MAX;
    unsigned d = edit_distance(name->name, name->len, cand->name, cand->len);
    return d <= 2 && 2 * d <= shorter ? d : UINT_MAX;
}

static void consider(const Sym *name, const ResDef *cand, const ResDef **best, unsigned *dist)
{
    unsigned d = closeness(name, cand->name);
    if (d < *dist) {
        *dist = d;
        *best = cand;
    }
}

/* Whether a note made now could be shown: reports print sorted by
 * top-level declaration, and the Diag shows DIAG_MAX_ERRORS errors, so
 * once that many belong to earlier declarations, searching for a
 * suggestion (a scan of every visible name) is wasted work. Without this
 * check 20,000 undefined names took a minute. n_reports_before counts
 * reports of declarations before R->key, so it never exceeds what sorts
 * before the report being made (those arriving later only add to it). */
static bool notes_may_show(Res *R)
{
    const Diag *d = &R->in->diag;
    if (d->quiet) return false;
    if (R->key < R->counted_key) {   /* pass C walked ahead; pass 2 starts again at 0 */
        R->counted_key = 0;
        R->n_reports_before = 0;
    }
    while (R->counted_key < R->key && R->counted_key < R->n_keys)
        R->n_reports_before += R->n_reports_at[R->counted_key++];
    return (uint64_t)d->n_errors + R->n_reports_before < DIAG_MAX_ERRORS;
}

static void suggest(Report *r, const ResDef *best, Span use)
{
    if (!best) return;
    if (best->level == RES_LEVEL_BUILTIN)
        note_at(r, use, "did you mean '%s' (a built-in)?", best->name->name);
    else
        note_at(r, best->at, "did you mean '%s'?", best->name->name);
}

/* The closest visible name: user definitions from the top level inwards,
 * then the built-ins; ties go to the one defined first. */
static void suggest_visible(Res *R, Report *r, const Sym *name, Span use)
{
    if (!notes_may_show(R)) return;
    const ResDef *best = NULL;
    unsigned dist = UINT_MAX;
    for (uint32_t s = 1; s <= R->n_scopes; s++) {
        const Scope *sc = &R->scopes[s % R->n_scopes];
        for (uint32_t i = 0; i < sc->defs.n; i++) consider(name, sc->defs.items[i], &best, &dist);
    }
    suggest(r, best, use);
}

static void undefined(Res *R, Node *v)
{
    Report *r = error_at(R, v->span, "undefined name '%s'", v->name->name);
    suggest_visible(R, r, v->name, v->span);
}

/* ---- names in expressions ---- */

/* Inside a Timed section STOP and SKIP are tock-CSP's TSTOP and TSKIP
 * (they let time pass), and WAIT and timed_priority exist only there; TSTOP
 * and TSKIP cannot be named (FDR: not in scope). */
static ResDef *timed_builtin(Res *R, Node *v, ResDef *d)
{
    if (d->level != RES_LEVEL_BUILTIN) return d;
    switch (d->index) {
    case RES_BI_STOP: return R->in_timed ? R->builtin[RES_BI_TSTOP] : d;
    case RES_BI_SKIP: return R->in_timed ? R->builtin[RES_BI_TSKIP] : d;
    case RES_BI_TSTOP: case RES_BI_TSKIP: return NULL;
    case RES_BI_WAIT: case RES_BI_timed_priority:
        if (!R->in_timed) {
            error_at(R, v->span, "'%s' is only defined inside a Timed section", d->name->name);
            return R->builtin[RES_BI_STOP];   /* reported: any definition will do */
        }
        return d;
    default: return d;
    }
}

static void use(Res *R, Node *v)
{
    ResDef *d = lookup(R, v->name);
    if (d) d = timed_builtin(R, v, d);
    if (!d) {
        undefined(R, v);
        return;
    }
    set_res(R, v, d, RES_ROLE_USE);
    if (d->level >= RES_LEVEL_LET) note_local_use(R, d);
}

/* The module (or instance) that `x` in `x::name` names, or NULL after an
 * error (or when an instance could not be linked, already reported). */
/* The innermost visible module or instance named name, looking past other
 * definitions that hide it (an input variable `Recording` does not hide
 * the module Recording before `::`, as in FDR), or NULL. */
static ResDef *lookup_module(Res *R, const Sym *name)
{
    ResDef *d = lookup(R, name);
    while (d && d->kind != RES_DEF_MODULE && d->kind != RES_DEF_INSTANCE) {
        if (d->scope_ >= R->n_scopes) return NULL;
        const Scope *s = &R->scopes[d->scope_];
        ResDef *hid = NULL;
        for (uint32_t i = s->defs.n; i-- > 0;)
            if (s->defs.items[i] == d) {
                hid = s->hid.items[i];
                break;
            }
        d = hid;
    }
    return d;
}

static const ResDef *module_ref(Res *R, Node *x)
{
    const ResDef *d = NULL;
    if (x->kind == N_QUAL) {
        d = qual(R, x);
    } else if (x->kind == N_VAR) {
        ResDef *m = lookup_module(R, x->name);
        if (m) set_res(R, x, m, RES_ROLE_USE);
        else use(R, x);
        d = x->res ? x->res->def : NULL;
    }
    if (!d) return NULL;
    if (d->kind == RES_DEF_INSTANCE) return d->module ? d : NULL;
    if (d->kind == RES_DEF_MODULE) return d;
    Report *r = error_at(R, x->span, "'%s' is not a module", d->name->name);
    if (d->level != RES_LEVEL_BUILTIN)
        note_at(r, d->at, "'%s' is defined here, as %s %s", d->name->name,
                article(kind_name(d)), kind_name(d));
    return NULL;
}

static int by_sym_id(const void *pa, const void *pb)
{
    const ResDef *a = *(const ResDef *const *)pa, *b = *(const ResDef *const *)pb;
    return a->name->id < b->name->id ? -1 : a->name->id > b->name->id;
}

/* The member of module m (or of the module instance m instantiates) named
 * `name`, or NULL: a binary search over the members sorted by name, made
 * on first use (a module's member names are distinct: it is one scope). */
static const ResDef *member(Res *R, const ResDef *m, const Sym *name)
{
    ResDef *mod = (ResDef *)(m->kind == RES_DEF_INSTANCE ? m->module : m);
    if (!mod || !mod->n_members) return NULL;
    if (!mod->sorted_) {
        mod->sorted_ = arena_alloc(R->arena, mod->n_members * sizeof *mod->sorted_);
        memcpy(mod->sorted_, mod->members, mod->n_members * sizeof *mod->sorted_);
        qsort(mod->sorted_, mod->n_members, sizeof *mod->sorted_, by_sym_id);
    }
    uint32_t lo = 0, hi = mod->n_members;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const Sym *s = mod->sorted_[mid]->name;
        if (s == name) return mod->sorted_[mid];
        if (s->id < name->id) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

/* `M::x`: x must be exported by module M (or by the module M instantiates). */
static const ResDef *qual(Res *R, Node *q)
{
    const ResDef *m = module_ref(R, q->kid[0]);
    if (!m) return NULL;
    if (m->kind == RES_DEF_MODULE && m->decl && m->decl->kid[0] && m->decl->kid[0]->n) {
        uint32_t n = m->decl->kid[0]->n;
        error_at(R, q->span, "module '%s' takes %u argument%s: its members are reached through "
                 "an instance of it (instance I = %s(...), then I::%s)", m->name->name, n,
                 n == 1 ? "" : "s", m->name->name, q->name->name);
        return NULL;
    }
    const ResDef *d = member(R, m, q->name);
    if (d && d->is_exported) {
        set_res(R, q, d, RES_ROLE_USE);
        return d;
    }
    Span at = { q->span.file, q->span.end - q->name->len, q->span.end };
    if (at.start < q->span.start) at = q->span;
    Report *r = error_at(R, at, "'%s' is not exported by %s '%s'", q->name->name,
                         m->kind == RES_DEF_INSTANCE ? "instance" : "module", m->name->name);
    if (d) note_at(r, d->at, "'%s' is defined here, but not exported", q->name->name);
    if (!notes_may_show(R)) return NULL;
    const ResDef *best = NULL;
    unsigned dist = UINT_MAX;
    for (uint32_t i = 0; i < m->n_members; i++)
        if (m->members[i]->is_exported) consider(q->name, m->members[i], &best, &dist);
    suggest(r, best, at);
    return NULL;
}

/* ---- patterns ---- */

/* A name in a pattern that matches a constant instead of binding. */
static bool is_constant(const ResDef *d)
{
    if (d->kind == RES_DEF_CONSTRUCTOR || d->kind == RES_DEF_CHANNEL) return true;
    return d->kind == RES_DEF_BUILTIN && (d->index == RES_BI_True || d->index == RES_BI_False);
}

static void pattern(Res *R, Node *p, const Pat *pc);

/* Whether this walk reports malformed patterns (once, and not inside one). */
static bool reports(const Pat *pc) { return pc->bind && !pc->quiet; }

static void pat_var(Res *R, Node *v, const Pat *pc)
{
    ResDef *old = lookup(R, v->name);
    if (old && is_constant(old)) {
        if (pc->bind) set_res(R, v, old, RES_ROLE_MATCH);
        return;
    }
    if (!pc->bind) return;
    ResDef *d = new_def(R, pc->kind, v->name, v->span, pc->decl, v);
    set_res(R, v, d, RES_ROLE_BIND);
    declare(R, d);
}

/* `<x>^xs^<y>`: the parts, of which at most one may have a variable length
 * (LANGUAGE.md §1.4). */
static void pat_cat(Res *R, Node *p, const Pat *pc)
{
    uint32_t n_variable = 0;
    Node *x = p;
    for (;;) {
        bool last = x->kind != N_BINOP || x->op != OP_CAT;
        Node *part = last ? x : x->kid[1];
        if (part->kind != N_SEQ) n_variable++;
        pattern(R, part, pc);
        if (last) break;
        x = x->kid[0];
    }
    if (n_variable > 1 && reports(pc))
        error_at(R, p->span, "at most one part of a '^' pattern may have a variable length");
}

static const char *field_spelling(int op)
{
    return op == FIELD_IN ? "?" : op == FIELD_OUT ? "!" : "$";
}

static void pattern(Res *R, Node *p, const Pat *pc)
{
    if (!p) return;
    switch (p->kind) {
    case N_VAR:
        pat_var(R, p, pc);
        return;
    case N_WILD: case N_INT: case N_CHAR: case N_STRING: case N_BOOL:
        return;
    case N_QUAL:
        if (pc->uses) qual(R, p);
        return;
    case N_UNOP:
        if (p->op == OP_NEG && p->kid[0]->kind == N_INT) return;
        if (p->op == OP_NEG && reports(pc)) {
            error_at(R, p->span, "'-' in a pattern applies only to an integer literal");
            return;
        }
        break;
    case N_SET:
        if (p->n > 1 && reports(pc))
            error_at(R, p->span, "a set pattern may hold at most one element");
        /* fall through */
    case N_TUPLE: case N_SEQ: case N_DOT: case N_ATAT:
        for (uint32_t i = 0; i < p->n; i++) pattern(R, p->kid[i], pc);
        return;
    case N_BINOP:
        if (p->op != OP_CAT) break;
        pat_cat(R, p, pc);
        return;
    case N_RESTRICT:
        if (reports(pc))
            error_at(R, p->span, "':' only restricts an input field or a generator");
        return;
    case N_FIELD:
        if (reports(pc))
            error_at(R, p->span, "'%s' is only allowed in the event of a prefix '->'",
                     field_spelling(p->op));
        return;
    default:
        break;
    }
    if (reports(pc))
        error_at(R, p->span, "this is not a pattern: a pattern is made of names, literals, "
                 "tuples, sequences, '^', sets of at most one element, '.' and '@@'");
    /* Bind the names inside anyway, so that the body reports no more. */
    Pat inner = *pc;
    inner.quiet = true;
    for (uint32_t i = 0; i < p->n; i++) pattern(R, p->kid[i], &inner);
}

/* ---- statements, closures and binding forms ---- */

/* The generator just bound (the innermost scope) must not bind a name an
 * earlier generator of the same list bound (scopes from `first` on): FDR
 * rejects `{x | x <- A, x <- B}`. */
static void no_rebound_generator(Res *R, uint32_t first)
{
    Scope *s = top_scope(R);
    for (uint32_t i = 0; i < s->defs.n; i++) {
        const ResDef *d = s->defs.items[i], *hid = s->hid.items[i];
        if (!hid || hid->kind != RES_DEF_GENVAR || hid->scope_ < first) continue;
        Report *r = error_at(R, d->at, "'%s' is bound twice in one list of generators",
                             d->name->name);
        note_at(r, hid->at, "'%s' is first bound here, by an earlier generator", d->name->name);
    }
}

/* Resolves statements left to right. Each generator opens a scope for its
 * variables, seen by the later statements; the caller pops them (the
 * returned count) after the body. */
static uint32_t stmts(Res *R, Node *list)
{
    if (!list) return 0;
    uint32_t pushed = 0, first = R->n_scopes;
    for (uint32_t i = 0; i < list->n; i++) {
        Node *s = list->kid[i];
        if (s->kind != N_GEN) {
            expr(R, s);
            continue;
        }
        expr(R, s->kid[1]);
        push_scope(R, RES_LEVEL_LOCAL);
        pushed++;
        Pat pc = { .kind = RES_DEF_GENVAR, .decl = s, .bind = true, .uses = true };
        pattern(R, s->kid[0], &pc);
        no_rebound_generator(R, first);
    }
    return pushed;
}

/* Whether a top-level value defined as `name = rhs` might hold an event:
 * false when rhs is a literal, a set, an arithmetic or a process. */
static bool rhs_may_be_event(const Node *rhs)
{
    switch (rhs->kind) {
    case N_INT: case N_CHAR: case N_STRING: case N_BOOL: case N_TUPLE: case N_SEQ: case N_SET:
    case N_RANGE: case N_COMP: case N_PROD: case N_MAP: case N_LAMBDA: case N_UNOP: case N_BINOP:
    case N_PREFIX: case N_GENPAR: case N_ALPHPAR: case N_EXCEPT: case N_SYNCEXT: case N_SYNCINT:
    case N_LINKPAR: case N_RENAME: case N_REP: case N_REPGENPAR: case N_REPSYNCEXT:
    case N_REPLINK:
        return false;
    default:
        return true;
    }
}

/* Whether a name could be the head of an event (or, with constructors, of a
 * production). Local names, parameters and values of unknown shape may hold
 * anything at run time, so only definite mistakes say no. */
static bool may_be_event(const ResDef *d, bool allow_constructor)
{
    switch (d->kind) {
    case RES_DEF_CHANNEL: case RES_DEF_PARAM: case RES_DEF_GENVAR: case RES_DEF_INPUT:
    case RES_DEF_MODPARAM:
        return true;
    case RES_DEF_CONSTRUCTOR:
        return allow_constructor;
    case RES_DEF_FUNCTION:
        return d->level >= RES_LEVEL_LET;
    case RES_DEF_VALUE:
        if (d->level >= RES_LEVEL_LET) return true;
        if (!d->decl || d->decl->kind != N_PATBIND || d->decl->kid[0] != d->binder) return true;
        return rhs_may_be_event(d->decl->kid[1]);
    default:
        return false;
    }
}

/* The leftmost name of an event `c.x?y!z` or production prefix `c.x` must be
 * a channel (or, in a production, a constructor) when it is a plain name. */
static void check_event_head(Res *R, Node *e, bool production)
{
    Node *h = e;
    while (h->kind == N_FIELD || h->kind == N_DOT) h = h->kid[0];
    if (h->kind != N_VAR || !h->res || !h->res->def || h->res->role != RES_ROLE_USE) return;
    const ResDef *d = h->res->def;
    if (may_be_event(d, production)) return;
    Report *r = production
        ? error_at(R, h->span, "'%s' is not a channel or datatype constructor", h->name->name)
        : error_at(R, h->span, "'%s' is not a channel", h->name->name);
    if (d->level == RES_LEVEL_BUILTIN)
        note_at(r, h->span, "'%s' is a built-in", h->name->name);
    else
        note_at(r, d->at, "'%s' is defined here, as %s %s", h->name->name,
                article(kind_name(d)), kind_name(d));
}

/* `$x` comes before every `?` and `!` of its event (FDR: `c?y$z` is not a
 * valid field sequence). */
static void ndin_first(Res *R, const Node *e)
{
    const Node *f = e->kid[0];
    while (f->kind == N_FIELD && f->op == FIELD_NDIN) f = f->kid[0];
    if (f->kind != N_FIELD) return;
    Span at = { e->span.file, e->kid[0]->span.end, e->span.end };
    Report *r = error_at(R, at, "a nondeterministic input '$' cannot follow '%s': '$' "
                         "fields come first in an event", field_spelling(f->op));
    note_at(r, (Span){ f->span.file, f->kid[0]->span.end, f->span.end }, "the '%s' field is here",
            field_spelling(f->op));
}

/* An event: a FIELD chain binds its input variables, left to right, into
 * the prefix's scope; output fields and restrictions see earlier inputs. */
static void event(Res *R, Node *e)
{
    if (e->kind != N_FIELD) {
        expr(R, e);
        return;
    }
    event(R, e->kid[0]);
    if (e->op == FIELD_NDIN) ndin_first(R, e);
    if (e->op == FIELD_OUT) {
        expr(R, e->kid[1]);
        return;
    }
    expr(R, e->kid[2]);
    Pat pc = { .kind = RES_DEF_INPUT, .decl = e, .bind = true, .uses = true };
    pattern(R, e->kid[1], &pc);
}

/* What libcspm's desugarer refuses inside a Timed section. */
static void untimed_only(Res *R, Node *x)
{
    if (!R->in_timed) return;
    if (x->kind == N_LINKPAR || x->kind == N_REPLINK)
        error_at(R, x->span, "the linked parallel operator is not allowed in a Timed section");
    for (Node *f = x->kind == N_PREFIX ? x->kid[0] : NULL; f && f->kind == N_FIELD; f = f->kid[0])
        if (f->op == FIELD_NDIN)
            error_at(R, f->span, "a nondeterministic input '$' is not allowed in a Timed section");
}

static void prefix(Res *R, Node *x)
{
    untimed_only(R, x);
    push_scope(R, RES_LEVEL_LOCAL);
    event(R, x->kid[0]);
    check_event_head(R, x->kid[0], false);
    open_closure(R, x);
    expr(R, x->kid[1]);
    close_closure(R);
    pop_scope(R);
}

/* A FIELD outside a prefix's event: reported once, at the outermost. */
static void misplaced_field(Res *R, Node *x)
{
    error_at(R, x->span, "'%s' is only allowed in the event of a prefix '->'",
             field_spelling(x->op));
    Node *h = x;
    while (h->kind == N_FIELD) h = h->kid[0];
    expr(R, h);
}

static void lambda(Res *R, Node *x)
{
    open_closure(R, x);
    push_scope(R, RES_LEVEL_LOCAL);
    Pat pc = { .kind = RES_DEF_PARAM, .decl = x, .bind = true, .uses = true };
    for (uint32_t i = 0; i < x->kid[0]->n; i++) pattern(R, x->kid[0]->kid[i], &pc);
    expr(R, x->kid[1]);
    pop_scope(R);
    close_closure(R);
}

static void declare_block(Res *R, Node *priv, Node *pub);
static void resolve_block(Res *R, Node *priv, Node *pub);

static void let(Res *R, Node *x)
{
    open_closure(R, x);
    push_scope(R, RES_LEVEL_LET);
    declare_block(R, x->kid[0], NULL);
    resolve_block(R, x->kid[0], NULL);
    expr(R, x->kid[1]);
    ResInfo *ri = res_of(R, x);
    ri->n_defs = top_scope(R)->defs.n;
    ri->defs = (const ResDef *const *)vec_copy(R, &top_scope(R)->defs);
    pop_scope(R);
    close_closure(R);
}

static void comprehension(Res *R, Node *x)
{
    uint32_t n = stmts(R, x->kid[1]);
    expr(R, x->kid[0]);
    pop_scopes(R, n);
}

static void production(Res *R, Node *x)
{
    uint32_t n = stmts(R, x->kid[1]);
    Node *exps = x->kid[0];
    for (uint32_t i = 0; i < exps->n; i++) {
        expr(R, exps->kid[i]);
        check_event_head(R, exps->kid[i], true);
    }
    pop_scopes(R, n);
}

/* REP: stmts body; REPGENPAR, REPSYNCEXT: A stmts body. The set A is
 * evaluated once, outside the generators; the body is a closure. */
static void replicated(Res *R, Node *x)
{
    bool has_set = x->kind != N_REP;
    if (has_set) expr(R, x->kid[0]);
    uint32_t n = stmts(R, x->kid[has_set]);
    open_closure(R, x);
    expr(R, x->kid[has_set + 1]);
    close_closure(R);
    pop_scopes(R, n);
}

/* `[ ties | tstmts ] stmts @ P`: the ties see the replication variables. */
static void replicated_link(Res *R, Node *x)
{
    untimed_only(R, x);
    uint32_t n = stmts(R, x->kid[2]);
    uint32_t m = stmts(R, x->kid[1]);
    expr(R, x->kid[0]);
    pop_scopes(R, m);
    open_closure(R, x);
    expr(R, x->kid[3]);
    close_closure(R);
    pop_scopes(R, n);
}

/* `P [ ties | stmts ] Q` and `P [[ pairs | stmts ]]`: the statements bind
 * only in the ties or pairs. */
static void with_pairs(Res *R, Node *x)
{
    untimed_only(R, x);
    expr(R, x->kid[0]);
    uint32_t n = stmts(R, x->kid[2]);
    expr(R, x->kid[1]);
    pop_scopes(R, n);
    if (x->kind == N_LINKPAR) expr(R, x->kid[3]);
}

static void expr(Res *R, Node *x)
{
    if (!x) return;
    switch (x->kind) {
    case N_INT: case N_CHAR: case N_STRING: case N_BOOL: case N_TYPE:
        return;
    case N_VAR:
        use(R, x);
        return;
    case N_QUAL:
        qual(R, x);
        return;
    case N_WILD:
        error_at(R, x->span, "'_' may only appear in a pattern");
        return;
    case N_ATAT:
        error_at(R, x->span, "'@@' may only appear in a pattern");
        return;
    case N_FIELD:
        misplaced_field(R, x);
        return;
    case N_RESTRICT:
        error_at(R, x->span, "':' only restricts an input field or a generator");
        expr(R, x->kid[1]);
        return;
    case N_COMP: comprehension(R, x); return;
    case N_PROD: production(R, x); return;
    case N_LAMBDA: lambda(R, x); return;
    case N_LET: let(R, x); return;
    case N_PREFIX: prefix(R, x); return;
    case N_REP: case N_REPGENPAR: case N_REPSYNCEXT: replicated(R, x); return;
    case N_REPLINK: replicated_link(R, x); return;
    case N_LINKPAR: case N_RENAME: with_pairs(R, x); return;
    default:
        for (uint32_t i = 0; i < x->n; i++) expr(R, x->kid[i]);
        return;
    }
}

/* ---- declarations: passes over a block ---- */

typedef void DeclFn(Res *R, Node *d);

/* Calls fn on each declaration of list, and on the declarations inside
 * Timed sections (which belong to the enclosing block). */
static void each_decl(Res *R, Node *list, bool exported, DeclFn *fn)
{
    if (!list) return;
    for (uint32_t i = 0; i < list->n; i++) {
        Node *d = list->kid[i];
        if (list->kind == N_SCRIPT) R->key = i;
        R->seq++;
        R->exported = exported;
        fn(R, d);
        if (d->kind == N_TIMED) {
            bool outer = R->in_timed;
            R->last_fn = NULL;
            R->in_timed = true;
            each_decl(R, d->kid[0], exported, fn);
            R->in_timed = outer;
            R->last_fn = NULL;
        }
    }
    R->exported = false;
}

/* Pass A: channels, datatypes and their constructors. */
static void declare_types(Res *R, Node *d)
{
    if (d->kind == N_CHANNEL) {
        Node *names = d->kid[0];
        for (uint32_t i = 0; i < names->n; i++) {
            Node *v = names->kid[i];
            ResDef *c = new_def(R, RES_DEF_CHANNEL, v->name, v->span, d, v);
            set_res(R, v, c, RES_ROLE_DECL);
            declare(R, c);
        }
    } else if (d->kind == N_DATATYPE) {
        ResDef *t = new_def(R, RES_DEF_DATATYPE, d->name, name_span(R, d), d, NULL);
        set_res(R, d, t, RES_ROLE_DECL);
        declare(R, t);
        t->members = arena_alloc(R->arena, d->n * sizeof *t->members);
        for (uint32_t i = 0; i < d->n; i++) {
            Node *cl = d->kid[i];
            Span at = { cl->span.file, cl->span.start, cl->span.start + cl->name->len };
            ResDef *c = new_def(R, RES_DEF_CONSTRUCTOR, cl->name, at, cl, NULL);
            c->owner = t;
            set_res(R, cl, c, RES_ROLE_DECL);
            if (declare(R, c)) t->members[t->n_members++] = c;
        }
    }
}

static void add_clause(Res *R, ResDef *f, Node *c)
{
    if (f->n_clauses == f->cap_) {
        uint32_t cap = f->cap_ ? f->cap_ * 2 : 4;
        Node **clauses = arena_alloc(R->arena, cap * sizeof *clauses);
        if (f->n_clauses) memcpy(clauses, f->clauses, f->n_clauses * sizeof *clauses);
        f->clauses = clauses;
        f->cap_ = cap;
    }
    f->clauses[f->n_clauses++] = c;
}

/* "f(_, _)(_)" into buf. */
static void clause_shape(const Node *c, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "%s", c->name->name);
    const Node *groups = c->kid[0];
    for (uint32_t g = 0; g < groups->n && n < size; g++) {
        n += (size_t)snprintf(buf + n, size - n, "(");
        for (uint32_t i = 0; i < groups->kid[g]->n && n < size; i++)
            n += (size_t)snprintf(buf + n, size - n, i ? ", _" : "_");
        if (n < size) n += (size_t)snprintf(buf + n, size - n, ")");
    }
}

/* All clauses of a function take the same numbers of arguments. */
static void check_clause_shape(Res *R, const ResDef *f, Node *c)
{
    const Node *a = f->clauses[0]->kid[0], *b = c->kid[0];
    bool same = a->n == b->n;
    for (uint32_t g = 0; same && g < a->n; g++) same = a->kid[g]->n == b->kid[g]->n;
    if (same) return;
    Span at = name_span(R, c);
    Report *r;
    if (a->n == 1 && b->n == 1) {
        r = error_at(R, at, "clause of '%s' has %u argument%s; its first clause has %u",
                     c->name->name, b->kid[0]->n, b->kid[0]->n == 1 ? "" : "s", a->kid[0]->n);
    } else {
        char was[128], is[128];
        clause_shape(f->clauses[0], was, sizeof was);
        clause_shape(c, is, sizeof is);
        r = error_at(R, at, "clause of '%s' has the shape %s; its first clause has %s",
                     c->name->name, is, was);
    }
    note_at(r, f->at, "the first clause of '%s' is here", c->name->name);
}

/* Consecutive clauses with one name (in one file) form one function; a
 * later group with the same name is a duplicate definition. */
static void declare_clause(Res *R, Node *c)
{
    ResDef *f = R->last_fn;
    if (f && f->name == c->name && f->clauses[f->n_clauses - 1]->span.file == c->span.file) {
        check_clause_shape(R, f, c);
    } else {
        f = new_def(R, RES_DEF_FUNCTION, c->name, name_span(R, c), c, NULL);
        declare(R, f);
        R->last_fn = f;
    }
    add_clause(R, f, c);
    set_res(R, c, f, RES_ROLE_DECL);
}

static void declare_patbind(Res *R, Node *d)
{
    Node *lhs = d->kid[0];
    if (lhs->kind == N_VAR) {   /* `x = e` defines x, even if x names a constructor */
        ResDef *v = new_def(R, RES_DEF_VALUE, lhs->name, lhs->span, d, lhs);
        set_res(R, lhs, v, RES_ROLE_BIND);
        set_res(R, d, v, RES_ROLE_DECL);
        declare(R, v);
        return;
    }
    Pat pc = { .kind = RES_DEF_VALUE, .decl = d, .bind = true, .uses = false };
    pattern(R, lhs, &pc);
}

static void collect_module(Res *R, ResDef *m, Node *x)
{
    ResDef *last = R->last_fn;
    uint32_t seq = R->seq;
    push_scope(R, RES_LEVEL_MODULE);
    declare_block(R, x->kid[1], x->kid[2]);
    Scope *s = top_scope(R);
    m->members = (ResDef **)vec_copy(R, &s->defs);
    m->n_members = s->defs.n;
    for (uint32_t i = 0; i < m->n_members; i++)   /* a constructor keeps its datatype */
        if (m->members[i]->kind != RES_DEF_CONSTRUCTOR) m->members[i]->owner = m;
    pop_scope(R);
    R->last_fn = last;
    R->seq = seq;
}

/* Pass B: every other definition, in order. */
static void declare_values(Res *R, Node *d)
{
    if (d->kind != N_FUNCLAUSE) R->last_fn = NULL;
    ResDefKind kind;
    switch (d->kind) {
    case N_FUNCLAUSE: declare_clause(R, d); return;
    case N_PATBIND: declare_patbind(R, d); return;
    case N_SUBTYPE: kind = RES_DEF_SUBTYPE; break;
    case N_NAMETYPE: kind = RES_DEF_NAMETYPE; break;
    case N_MODULE: kind = RES_DEF_MODULE; break;
    case N_INSTANCE: kind = RES_DEF_INSTANCE; break;
    case N_EXTERNAL: case N_TRANSPARENT:
        /* In a module, `transparent normal` makes a member N::normal, the
         * built-in under the module's name (libcspm's alias). */
        if (top_scope(R)->level == RES_LEVEL_MODULE)
            for (uint32_t i = 0; i < d->n; i++)
                declare(R, new_def(R, RES_DEF_VALUE, d->kid[i]->name, d->kid[i]->span, d, NULL));
        return;
    default: return;
    }
    ResDef *def = new_def(R, kind, d->name, name_span(R, d), d, NULL);
    set_res(R, d, def, RES_ROLE_DECL);
    declare(R, def);
    if (kind == RES_DEF_MODULE) collect_module(R, def, d);
}

/* Pass C: `instance I = M(args)` gets M's members. */
static void link_instance(Res *R, Node *d)
{
    if (d->kind != N_INSTANCE || !d->res) return;
    ResDef *inst = (ResDef *)d->res->def;
    const ResDef *m = module_ref(R, d->kid[0]);
    if (m && m->kind == RES_DEF_INSTANCE) m = m->module;
    if (!m) return;
    inst->module = m;
    inst->members = m->members;
    inst->n_members = m->n_members;
    uint32_t want = m->decl->kid[0]->n, got = d->kid[1] ? d->kid[1]->n : 0;
    if (want != got) {
        Report *r = error_at(R, d->kid[0]->span, "module '%s' takes %u argument%s; "
                             "this instance gives %u", m->name->name, want,
                             want == 1 ? "" : "s", got);
        note_at(r, m->at, "module '%s' is defined here", m->name->name);
    }
}

static void declare_block(Res *R, Node *priv, Node *pub)
{
    ResDef *last = R->last_fn;
    uint32_t seq = R->seq;
    R->seq = 0;
    each_decl(R, priv, false, declare_types);
    each_decl(R, pub, true, declare_types);
    R->seq = 0;
    R->last_fn = NULL;
    each_decl(R, priv, false, declare_values);
    R->last_fn = NULL;
    each_decl(R, pub, true, declare_values);
    R->last_fn = last;
    R->seq = seq;
}

/* ---- pass 2: bodies ---- */

static void resolve_clause(Res *R, Node *c)
{
    bool local = top_scope(R)->level == RES_LEVEL_LET;
    if (local) open_closure(R, c);
    push_scope(R, RES_LEVEL_LOCAL);
    Pat pc = { .kind = RES_DEF_PARAM, .decl = c, .bind = true, .uses = true };
    Node *groups = c->kid[0];
    for (uint32_t g = 0; g < groups->n; g++)
        for (uint32_t i = 0; i < groups->kid[g]->n; i++) pattern(R, groups->kid[g]->kid[i], &pc);
    expr(R, c->kid[1]);
    pop_scope(R);
    if (local) close_closure(R);
}

static void resolve_patbind(Res *R, Node *d)
{
    Pat pc = { .kind = RES_DEF_VALUE, .decl = d, .bind = false, .uses = true };
    pattern(R, d->kid[0], &pc);
    bool local = top_scope(R)->level == RES_LEVEL_LET;
    if (local) open_closure(R, d);
    expr(R, d->kid[1]);
    if (local) close_closure(R);
}

/* `subtype S = C | D.fields`: each clause names an existing constructor. */
static void resolve_subtype(Res *R, Node *d)
{
    for (uint32_t i = 0; i < d->n; i++) {
        Node *cl = d->kid[i];
        Span at = { cl->span.file, cl->span.start, cl->span.start + cl->name->len };
        ResDef *c = lookup(R, cl->name);
        if (!c) {
            Report *r = error_at(R, at, "undefined name '%s'", cl->name->name);
            suggest_visible(R, r, cl->name, at);
        } else if (c->kind != RES_DEF_CONSTRUCTOR) {
            Report *r = error_at(R, at, "'%s' is not a datatype constructor", cl->name->name);
            if (c->level != RES_LEVEL_BUILTIN)
                note_at(r, c->at, "'%s' is defined here, as %s %s", cl->name->name,
                        article(kind_name(c)), kind_name(c));
        } else {
            set_res(R, cl, c, RES_ROLE_USE);
        }
        expr(R, cl->kid[0]);
    }
}

/* `external f` and `transparent f` name built-ins of that class, as in
 * FDR: chase and chase_nocache are both; timed_priority is neither (a Timed
 * section's own). */
static void resolve_declared_builtins(Res *R, Node *d)
{
    bool ext = d->kind == N_EXTERNAL;
    for (uint32_t i = 0; i < d->n; i++) {
        Node *v = d->kid[i];
        int b = res_builtin_lookup(v->name->name, v->name->len);
        ResBuiltinClass cls = b < 0 || b == RES_BI_timed_priority ? RES_BC_CONST : res_builtins[b].cls;
        bool both = b == RES_BI_chase || b == RES_BI_chase_nocache;
        if (cls == (ext ? RES_BC_EXTERNAL : RES_BC_TRANSPARENT) || both) {
            set_res(R, v, R->builtin[b], RES_ROLE_USE);
        } else if (cls == RES_BC_EXTERNAL || cls == RES_BC_TRANSPARENT) {
            error_at(R, v->span, "'%s' is not a built-in %s function: it is %s one "
                     "(declare it with '%s %s')", v->name->name, ext ? "external" : "transparent",
                     ext ? "a transparent" : "an external", ext ? "transparent" : "external",
                     v->name->name);
        } else {
            error_at(R, v->span, "'%s' is not a built-in %s function", v->name->name,
                     ext ? "external" : "transparent");
        }
    }
}

static void resolve_module(Res *R, Node *m)
{
    push_scope(R, RES_LEVEL_MODULE);
    Pat pc = { .kind = RES_DEF_MODPARAM, .decl = m, .bind = true, .uses = true };
    for (uint32_t i = 0; i < m->kid[0]->n; i++) pattern(R, m->kid[0]->kid[i], &pc);
    push_scope(R, RES_LEVEL_MODULE);
    const ResDef *md = m->res->def;
    for (uint32_t i = 0; i < md->n_members; i++) activate(R, md->members[i]);
    resolve_block(R, m->kid[1], m->kid[2]);
    pop_scopes(R, 2);
}

/* `Timed(f) { ... }`: f is outside the section; the section's `tock` is
 * the one visible where the section is written (the TIMED node's def). */
static void timed_section(Res *R, Node *d)
{
    expr(R, d->kid[1]);
    const Sym *tock = sym_intern_cstr(R->in->syms, "tock");
    ResDef *t = lookup(R, tock);
    Span at = { d->span.file, d->span.start, d->span.start + 5 };   /* `Timed` */
    if (!t) error_at(R, at, "a Timed section needs a channel 'tock' (declare `channel tock`)");
    else if (t->kind != RES_DEF_CHANNEL)
        error_at(R, at, "'tock' must be a channel for a Timed section, but it is a %s",
                 res_def_kind_name[t->kind]);
    else set_res(R, d, t, RES_ROLE_USE);
}

static void resolve_decl(Res *R, Node *d)
{
    switch (d->kind) {
    case N_FUNCLAUSE: resolve_clause(R, d); return;
    case N_PATBIND: resolve_patbind(R, d); return;
    case N_CHANNEL: expr(R, d->kid[1]); return;
    case N_DATATYPE:
        for (uint32_t i = 0; i < d->n; i++) expr(R, d->kid[i]->kid[0]);
        return;
    case N_SUBTYPE: resolve_subtype(R, d); return;
    case N_EXTERNAL: case N_TRANSPARENT: resolve_declared_builtins(R, d); return;
    case N_TYPESIG:
        for (uint32_t i = 0; i < d->kid[0]->n; i++) expr(R, d->kid[0]->kid[i]);
        return;
    case N_MODULE: resolve_module(R, d); return;
    case N_INSTANCE: expr(R, d->kid[1]); return;
    case N_TIMED: timed_section(R, d); return;   /* its declarations follow (each_decl) */
    case N_NAMETYPE: case N_ASSERT: case N_PRINT: expr(R, d->kid[0]); return;
    default: return;
    }
}

static void resolve_block(Res *R, Node *priv, Node *pub)
{
    uint32_t seq = R->seq;
    R->seq = 0;
    each_decl(R, priv, false, link_instance);
    each_decl(R, pub, true, link_instance);
    R->seq = 0;
    each_decl(R, priv, false, resolve_decl);
    each_decl(R, pub, true, resolve_decl);
    R->seq = seq;
}

/* ---- entry points ---- */

static void add_builtins(Res *R)
{
    push_scope(R, RES_LEVEL_BUILTIN);
    for (int i = 0; i < RES_BI__COUNT; i++) {
        const Sym *s = sym_intern_cstr(R->in->syms, res_builtins[i].name);
        ResDef *d = ARENA_NEW(R->arena, ResDef);
        d->name = s;
        d->kind = RES_DEF_BUILTIN;
        d->level = RES_LEVEL_BUILTIN;
        d->index = (uint32_t)i;
        d->at = SPAN_NONE;
        R->builtin[i] = d;
    }
    R->n_syms = sym_count(R->in->syms);
    R->visible = xcalloc(R->n_syms ? R->n_syms : 1, sizeof *R->visible);
    for (int i = 0; i < RES_BI__COUNT; i++) activate(R, R->builtin[i]);
}

static int top_cmp(const void *pa, const void *pb)
{
    const ResDef *a = *(const ResDef *const *)pa, *b = *(const ResDef *const *)pb;
    if (a->key_ != b->key_) return a->key_ < b->key_ ? -1 : 1;
    if (a->seq_ != b->seq_) return a->seq_ < b->seq_ ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* A resolver over in's names and load arena, with the built-ins declared. */
static void res_open(Res *R, struct Interp *in)
{
    memset(R, 0, sizeof *R);
    R->in = in;
    R->arena = in->load;
    add_builtins(R);
}

/* Frees the resolver's scopes and closures and reports what it found;
 * returns the number of errors, as flush_reports does. */
static int res_close(Res *R)
{
    for (uint32_t i = 0; i < R->cap_scopes; i++) {
        vec_free(&R->scopes[i].defs);
        vec_free(&R->scopes[i].hid);
    }
    for (uint32_t i = 0; i < R->cap_closures; i++) vec_free(&R->closures[i].free);
    free(R->scopes);
    free(R->closures);
    free(R->visible);
    return flush_reports(R);
}

/* Top-level definitions in source order; pass A made channels and
 * datatypes first. `index` is then the final position. */
static void finish_top(Res *R, Node *script)
{
    for (uint32_t i = 0; i < R->top.n; i++) ((ResDef *)R->top.items[i])->index = i;
    if (R->top.n) qsort(R->top.items, R->top.n, sizeof(void *), top_cmp);
    for (uint32_t i = 0; i < R->top.n; i++) ((ResDef *)R->top.items[i])->index = i;
    ResInfo *ri = res_of(R, script);
    ri->n_defs = R->top.n;
    ri->defs = (const ResDef *const *)vec_copy(R, &R->top);
}

int res_resolve(struct Interp *in, Node *script)
{
    Res R;
    res_open(&R, in);
    R.n_keys = script->n;
    R.n_reports_at = xcalloc(script->n ? script->n : 1, sizeof *R.n_reports_at);
    push_scope(&R, RES_LEVEL_TOP);
    declare_block(&R, script, NULL);
    resolve_block(&R, script, NULL);
    finish_top(&R, script);
    free(R.n_reports_at);
    vec_free(&R.top);
    return res_close(&R);
}

/* Resolves one expression against a script resolved before: the script's
 * top-level definitions are visible, as they were to its own declarations.
 * Nothing of the script is changed except the resolver's private
 * bookkeeping (scope_), which activate sets to what it was. */
int res_resolve_expr(struct Interp *in, const Node *script, Node *x)
{
    Res R;
    res_open(&R, in);
    push_scope(&R, RES_LEVEL_TOP);
    for (uint32_t i = 0; i < res_top_count(script); i++)
        activate(&R, (ResDef *)res_top_def(script, i));
    expr(&R, x);
    return res_close(&R);
}

uint32_t res_top_count(const Node *script)
{
    return script && script->res ? script->res->n_defs : 0;
}

const ResDef *res_top_def(const Node *script, uint32_t i)
{
    return i < res_top_count(script) ? script->res->defs[i] : NULL;
}

const ResDef *res_top_lookup(const Node *script, const Sym *name)
{
    for (uint32_t i = 0; i < res_top_count(script); i++)
        if (script->res->defs[i]->name == name) return script->res->defs[i];
    return NULL;
}

int res_builtin_lookup(const char *name, size_t len)
{
    for (int i = 0; i < RES_BI__COUNT; i++)
        if (strlen(res_builtins[i].name) == len && memcmp(res_builtins[i].name, name, len) == 0)
            return i;
    return -1;
}
