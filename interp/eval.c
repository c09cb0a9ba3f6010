/* eval.c - expressions, environments, thunks, patterns, application and
 * lazy sequences; see eval.h. Declarations, dots and events live in
 * evaldecl.c, built-in functions in stdlib/builtins.c.
 */
#define _POSIX_C_SOURCE 200809L
#include "eval_internal.h"

#include "types.h"
#include "unparse.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* How much of a value a message shows: a set of a million values is cut. */
enum { BRIEF_VALUE_BYTES = 80, EVAL_MESSAGE_VALUE_BYTES = 1024 };

static void print_hook(FILE *out, const Val *v, void *ctx);

/* ---- errors ---- */

/* "f(1, _)": a call with the arguments already computed (others as _). */
static void describe_call(const CallFrame *f, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "%s(", f->name);
    for (uint32_t a = 0; a < f->n_args && len < size - 8; a++) {
        if (a) len += (size_t)snprintf(buf + len, size - len, ", ");
        Thunk *t = f->args[a];
        if (t->state == TH_DONE && t->val->kind != V_FUNC && t->val->kind != V_PROC) {
            char *s = eval_to_string(t->val);
            len += (size_t)snprintf(buf + len, size - len, "%.60s", s ? s : "?");
            free(s);
        } else {
            len += (size_t)snprintf(buf + len, size - len, "_");
        }
    }
    if (len < size - 2) snprintf(buf + len, size - len, ")");
}

/* Notes for the calls that led to an error, innermost first; a run of calls
 * from the same place (deep recursion) is shown once with its count. */
static void print_call_chain(Eval *E)
{
    uint32_t shown = 0, i = E->n_frames;
    while (i > 0 && shown < 6) {
        CallFrame *f = &E->frames[--i];
        uint32_t same = 0;
        while (i > 0 && E->frames[i - 1].at.start == f->at.start &&
               E->frames[i - 1].at.file == f->at.file && E->frames[i - 1].name == f->name) {
            i--;
            same++;
        }
        char buf[256];
        describe_call(f, buf, sizeof buf);
        if (same)
            diag_note(&E->in->diag, f->at, "in %s, called here (and %u more times from here)", buf,
                      same);
        else
            diag_note(&E->in->diag, f->at, "in %s, called here", buf);
        shown++;
    }
    if (i > 0) diag_note(&E->in->diag, SPAN_NONE, "... and %u more calls", i);
}

static _Noreturn void fail(Eval *E, EvalStatus kind, Span at, const char *fmt, va_list ap)
{
    diag_verror(&E->in->diag, at, fmt, ap);
    print_call_chain(E);
    E->failure = kind;
    longjmp(*E->on_error, 1);
}

_Noreturn void eval_fail(Eval *E, Span at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail(E, EVAL_ERROR, at, fmt, ap);
}

_Noreturn void eval_limit(Eval *E, Span at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail(E, EVAL_LIMIT, at, fmt, ap);
}

/* A short printed form of a value for messages. */
static const char *brief(Eval *E, const Val *v)
{
    char *s = val_to_string_max(v, print_hook, NULL, BRIEF_VALUE_BYTES);
    if (!s) return "?";
    char *r = arena_strndup(E->arena, s, strlen(s));
    free(s);
    return r;
}

/* ---- temporaries ---- */

void *eval_tmp(Eval *E, size_t bytes)
{
    if (E->tmps.n == E->tmps.cap) {
        E->tmps.cap = E->tmps.cap ? E->tmps.cap * 2 : 64;
        E->tmps.items = xrealloc(E->tmps.items, E->tmps.cap * sizeof *E->tmps.items);
    }
    void *p = xmalloc(bytes);
    E->tmps.items[E->tmps.n++] = p;
    return p;
}

void eval_tmp_free(Eval *E, void *p)
{
    if (!p) return;
    for (uint32_t i = E->tmps.n; i-- > 0;) {
        if (E->tmps.items[i] != p) continue;
        E->tmps.items[i] = NULL;
        while (E->tmps.n && !E->tmps.items[E->tmps.n - 1]) E->tmps.n--;
        break;
    }
    free(p);
}

/* Frees the temporaries made since mark (an error unwound past them). */
static void release_tmps(Eval *E, uint32_t mark)
{
    while (E->tmps.n > mark) free(E->tmps.items[--E->tmps.n]);
}

void tvec_push(Eval *E, Vec *v, void *item)
{
    /* Built-ins list big sets here without evaluating: the watch too. */
    if ((v->n & 4095) == 4095 && watch_stopped(E->watch)) eval_stop(E, SPAN_NONE);
    if (v->n == v->cap) {
        uint32_t cap = v->cap ? v->cap * 2 : 8;
        void **items = eval_tmp(E, cap * sizeof *items);
        if (v->n) memcpy(items, v->items, v->n * sizeof *items);
        eval_tmp_free(E, v->items);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = item;
}

void tvec_free(Eval *E, Vec *v)
{
    eval_tmp_free(E, v->items);
    v->items = NULL;
    v->n = v->cap = 0;
}

/* What the frames between two of eval_expr's cost a browser's stack, in
 * levels of eval_expr (eval_set_max_depth), taken while they run: forcing
 * a thunk (eval_force, and value_of_def above it), matching arguments to
 * patterns (apply_begin and match, which may force them), a
 * comprehension's statements, the operators binop keeps, eval_other's
 * expressions (builtins.c: BUILTIN_LEVELS for a built-in's). Measured in
 * Chromium with bench/webdepth.mjs --frames in optimised code (web/api.c:
 * Recursion): shapes lazy (1.3 levels for a thunk forced), match (0.8 more
 * when a pattern forces it), comprehension, datatype, mapping. */
enum { FORCE_LEVELS = 2, MATCH_LEVELS = 2, COMP_LEVELS = 2, BINOP_LEVELS = 1, OTHER_LEVELS = 4 };

/* ---- thunks and environments ---- */

Thunk *eval_thunk_of(Eval *E, const Val *v)
{
    Thunk *t = arena_alloc_small(E->arena, sizeof *t);
    t->state = TH_DONE;
    t->val = v;
    return t;
}

Thunk *eval_delay(Eval *E, Node *e, Env *env)
{
    /* Literals and names cost nothing to evaluate now. */
    if (e->kind == N_INT || e->kind == N_BOOL || e->kind == N_CHAR)
        return eval_thunk_of(E, eval_expr(E, e, env));
    Thunk *t = ARENA_NEW(E->arena, Thunk);
    t->state = TH_PENDING;
    t->expr = e;
    t->env = env;
    return t;
}


static const Val *pattern_var_value(Eval *E, const PatCell *cell, const ResDef *def);

const Val *eval_force(Eval *E, Thunk *t)
{
    if (t->state == TH_DONE) return t->val;
    if (t->state == TH_RUNNING) {
        Span at = t->def ? t->def->at : (t->expr ? t->expr->span : SPAN_NONE);
        eval_fail(E, at, "infinite loop: the value of '%s' depends on itself",
                  t->def ? t->def->name->name : "this expression");
    }
    t->state = TH_RUNNING;
    if (E->running.n == E->running.cap) {
        E->running.cap = E->running.cap ? E->running.cap * 2 : 64;
        E->running.items = xrealloc(E->running.items, E->running.cap * sizeof *E->running.items);
    }
    E->running.items[E->running.n++] = t;
    const Val *v;
    E->depth += FORCE_LEVELS;
    if (t->cell) v = pattern_var_value(E, t->cell, t->def);
    else if (t->def && !t->expr) v = eval_decl_set(E, t->def, t->def->at, t->env);
    else v = eval_expr(E, t->expr, t->env);
    E->depth -= FORCE_LEVELS;
    E->running.n--;
    t->val = v;
    if (v == E->last_proc) E->last_proc = NULL;   /* kept here: named() must copy it */
    t->state = TH_DONE;
    t->expr = NULL;
    t->env = NULL;
    t->cell = NULL;
    return v;
}

/* A frame and its two arrays in one small allocation (comprehensions make
 * one per element). */
static Env *env_new(Eval *E, Env *up, uint32_t n)
{
    Env *e = arena_alloc_small(E->arena, sizeof *e + n * (sizeof *e->defs + sizeof *e->vals));
    e->up = up;
    e->n = n;
    e->defs = (const ResDef **)(void *)(e + 1);
    e->vals = (Thunk **)(void *)(e->defs + n);
    return e;
}

/* Bindings collected while matching a pattern (one pattern binds few). */
enum { MAX_BINDS = 64 };
typedef struct {
    const ResDef *defs[MAX_BINDS];
    Thunk *vals[MAX_BINDS];
    uint32_t n;
    Env *scope;             /* where names in the pattern are read (a module's constructors) */
} Binds;

static void bind(Eval *E, Binds *b, const ResDef *d, Thunk *t, Span at)
{
    if (b->n == MAX_BINDS) eval_fail(E, at, "more than %d variables in one pattern", MAX_BINDS);
    b->defs[b->n] = d;
    b->vals[b->n] = t;
    b->n++;
}

static Env *env_from_binds(Eval *E, Env *up, Binds *b)
{
    Env *e = env_new(E, up, b->n);
    memcpy(e->defs, b->defs, b->n * sizeof *b->defs);
    memcpy(e->vals, b->vals, b->n * sizeof *b->vals);
    b->n = 0;
    return e;
}

static Thunk *find_local(const ResDef *d, Env *env)
{
    for (Env *e = env; e; e = e->up)
        for (uint32_t i = 0; i < e->n; i++)
            if (e->defs[i] == d) return e->vals[i];
    return NULL;
}

static Thunk *lookup_local(Eval *E, const ResDef *d, Env *env, Span at)
{
    Thunk *t = find_local(d, env);
    if (!t) eval_fail(E, at, "internal error: '%s' has no value here", d->name->name);
    return t;
}

static const Val *value_of_def(Eval *E, const ResDef *d, Env *env, Span at)
{
    switch (d->level) {
    case RES_LEVEL_BUILTIN: {
        ResBuiltinClass c = res_builtins[d->index].cls;
        if (d->index == RES_BI_TSTOP || d->index == RES_BI_TSKIP)   /* STOP, SKIP in a Timed section */
            return bi_process(E, (int)d->index, eval_timed_tock_at(E, at, env, d->index == RES_BI_TSTOP
                                                                   ? "TSTOP" : "TSKIP"), NULL);
        if (c == RES_BC_CONST || c == RES_BC_SET || c == RES_BC_PROC)
            return bi_constant(E, (int)d->index, at);
        return val_builtin(E->vals, (int)d->index);
    }
    case RES_LEVEL_TOP:
        return eval_force(E, E->top[d->index]);
    case RES_LEVEL_MODULE: {
        /* Inside the module: its frame is on the chain (see module_frame). */
        Thunk *t = find_local(d, env);
        if (!t) eval_fail(E, at, "'%s' is defined in a module: name it with its module, as M::%s",
                          d->name->name, d->name->name);
        return eval_force(E, t);
    }
    default:
        return eval_force(E, lookup_local(E, d, env, at));
    }
}

/* ---- processes as values ---- */

static const Val *proc_value(Eval *E, Node *node, Env *env)
{
    ProcVal *p = ARENA_NEW(E->arena, ProcVal);
    p->node = node;
    p->env = env;
    p->builtin = -1;
    return E->last_proc = val_opaque(E->vals, V_PROC, p, 0);
}

/* v named after the clause or pattern binding `by` whose body made it (in
 * env): FDR's PProcCall. v itself may be shared (another name's value), so
 * the name goes on a copy, unless v is fresh (proc_value made it last and
 * no thunk keeps it). Not a process: v. */
static const Val *named(Eval *E, const Val *v, const Node *by, Env *env, bool fresh)
{
    if (v->kind != V_PROC) return v;
    eval_force_name_args(E, by, env);
    if (fresh) {   /* made by the caller's last step, seen by nobody else yet */
        ProcVal *p = (ProcVal *)v->ptr;
        p->name = by;
        p->name_env = env;
        return v;
    }
    ProcVal *p = ARENA_NEW(E->arena, ProcVal);
    *p = *(const ProcVal *)v->ptr;
    p->name = by;
    p->name_env = env;
    return val_opaque(E->vals, V_PROC, p, 0);
}

/* ---- streams ---- */

static const Val *stream_new(Eval *E, Stream s)
{
    Stream *p = ARENA_NEW(E->arena, Stream);
    *p = s;
    return val_opaque(E->vals, V_STREAM, p, 0);
}

static const Val *seq_tail(Eval *E, const Val *seq, uint32_t from)
{
    if (from >= seq->n) return val_seq(E->vals, NULL, 0);
    return stream_new(E, (Stream){ .kind = ST_TAIL, .source = seq, .index = from });
}

static void comp_collect(Eval *E, Node *comp, Node *stmts, uint32_t i, Env *env, Vec *out, const Val *src);
static bool match(Eval *E, Node *pat, Thunk *t, Binds *b);

/* Makes cell s the first cell of sequence seq (NIL or CONS). */
static void become_first_cell(Eval *E, Stream *s, const Val *seq, Span at)
{
    const Val *h, *t;
    if (!eval_uncons(E, seq, at, &h, &t)) {
        s->kind = ST_NIL;
        return;
    }
    s->head = h;
    s->tail = t;
    s->kind = ST_CONS;
}

/* Turns a suspended stream cell into NIL or CONS. */
static void stream_step(Eval *E, Stream *s, Span at)
{
    for (;;) {
        if (E->max_steps && ++E->steps > E->max_steps)
            eval_limit(E, at, "evaluation step limit reached while computing a sequence");
        if ((E->steps & 1023) == 0 && watch_stopped(E->watch)) eval_stop(E, at);
        switch ((StreamKind)s->kind) {
        case ST_NIL: case ST_CONS:
            return;
        case ST_FROM:
            s->head = val_int(E->vals, s->next);
            s->tail = s->next == INT64_MAX ? val_seq(E->vals, NULL, 0)
                      : stream_new(E, (Stream){ .kind = ST_FROM, .next = s->next + 1 });
            s->kind = ST_CONS;
            return;
        case ST_DELAY: {
            /* `a ^ e`: e is computed only when the sequence reaches it. */
            const Val *v = eval_expr(E, s->comp, s->env);
            become_first_cell(E, s, eval_need_seq(E, v, s->comp->span), at);
            return;
        }
        case ST_LIST:
            /* `<e1, e2>`: each element is computed when it is reached. */
            if (s->index >= s->comp->n) {
                s->kind = ST_NIL;
                return;
            }
            s->head = eval_expr(E, s->comp->kid[s->index], s->env);   /* may be a stream */
            s->tail = stream_new(E, (Stream){ .kind = ST_LIST, .comp = s->comp, .env = s->env,
                                              .index = s->index + 1 });
            s->kind = ST_CONS;
            return;
        case ST_TAIL:
            s->head = s->source->items[s->index];
            s->tail = seq_tail(E, s->source, s->index + 1);
            s->kind = ST_CONS;
            return;
        case ST_CAT: {
            const Val *h, *t;
            if (eval_uncons(E, s->first, at, &h, &t)) {
                s->head = h;
                s->tail = stream_new(E, (Stream){ .kind = ST_CAT, .first = t, .tail = s->tail });
                s->kind = ST_CONS;
                return;
            }
            become_first_cell(E, s, s->tail, at);
            return;
        }
        case ST_COMP: {
            /* The first generator draws lazily from its sequence; the other
             * statements run eagerly for each element it yields. */
            const Val *h, *t;
            if (!eval_uncons(E, s->source, at, &h, &t)) {
                s->kind = ST_NIL;
                return;
            }
            s->source = t;
            Node *stmts = s->comp->kid[1];
            Node *gen = stmts->kid[0];
            Binds b;
        b.n = 0;
        b.scope = s->env;
            if (!match(E, gen->kid[0], eval_thunk_of(E, h), &b)) {
                continue;
            }
            Env *env = env_from_binds(E, s->env, &b);
            Vec out = { 0 };
            comp_collect(E, s->comp, stmts, 1, env, &out, NULL);
            if (out.n == 0) {
                tvec_free(E, &out);
                continue;
            }
            const Val *batch = val_seq(E->vals, (const Val *const *)out.items, out.n);
            tvec_free(E, &out);
            Stream rest = *s;   /* the suspension over the remaining source */
            s->head = batch->items[0];
            s->tail = stream_new(E, (Stream){ .kind = ST_CAT, .first = seq_tail(E, batch, 1),
                                              .tail = stream_new(E, rest) });
            s->kind = ST_CONS;
            return;
        }
        }
    }
}

bool eval_uncons(Eval *E, const Val *seq, Span at, const Val **head, const Val **tail)
{
    if (seq->kind == V_SEQ) {
        if (seq->n == 0) return false;
        *head = seq->items[0];
        *tail = seq_tail(E, seq, 1);
        return true;
    }
    if (seq->kind != V_STREAM) eval_fail(E, at, "expected a sequence, found %s", brief(E, seq));
    Stream *s = seq->ptr;
    stream_step(E, s, at);
    if (s->kind == ST_NIL) return false;
    *head = s->head;
    *tail = s->tail;
    return true;
}

enum { MAX_SEQ_LENGTH = 10000000 };

/* The elements of a sequence value (forcing a stream). */
static const Val *force_seq(Eval *E, const Val *v, Span at)
{
    if (v->kind == V_SEQ) return v;
    Stream *s0 = v->ptr;
    if (s0->kind == ST_TAIL) {
        return val_seq(E->vals, s0->source->items + s0->index, s0->source->n - s0->index);
    }
    if (s0->kind == ST_FROM) eval_fail(E, at, "this sequence is infinite (it counts up from %lld)",
                                       (long long)s0->next);
    Vec items = { 0 };
    const Val *h, *t, *cur = v;
    while (eval_uncons(E, cur, at, &h, &t)) {
        if (items.n == MAX_SEQ_LENGTH)
            eval_limit(E, at, "a sequence longer than %u elements (is it infinite?)", MAX_SEQ_LENGTH);
        tvec_push(E, &items, (void *)eval_strict(E, h, at));
        if (t->kind == V_STREAM && ((Stream *)t->ptr)->kind == ST_FROM)
            eval_fail(E, at, "this sequence is infinite");
        cur = t;
    }
    const Val *r = val_seq(E->vals, (const Val *const *)items.items, items.n);
    tvec_free(E, &items);
    return r;
}

const Val *eval_strict(Eval *E, const Val *v, Span at)
{
    if (!val_holds_stream(v)) return v;
    if (v->kind == V_STREAM) v = force_seq(E, v, at);
    if (!val_holds_stream(v)) return v;
    const Val **items = eval_tmp(E, v->n * sizeof *items);
    for (uint32_t i = 0; i < v->n; i++) items[i] = eval_strict(E, v->items[i], at);
    const Val *r;
    switch (v->kind) {
    case V_TUPLE: r = val_tuple(E->vals, items, v->n); break;
    case V_SEQ: r = val_seq(E->vals, items, v->n); break;
    case V_MAP: r = val_map(E->vals, items, v->n / 2); break;
    default: r = val_dot(E->vals, items, v->n, v->flags); break;
    }
    eval_tmp_free(E, items);
    return r;
}

EvalStatus eval_deep(Eval *E, const Val *v, const Val **out);

/* ---- patterns ---- */

static bool is_seq_value(const Val *v) { return v->kind == V_SEQ || v->kind == V_STREAM; }

/* Parts of a concatenation pattern `<x>^xs^<y>`, left to right. */
static uint32_t cat_parts(Node *pat, Node **parts, uint32_t cap)
{
    if (pat->kind == N_BINOP && pat->op == OP_CAT) {
        uint32_t n = cat_parts(pat->kid[0], parts, cap);
        return n + cat_parts(pat->kid[1], parts + n, cap - n);
    }
    if (cap) parts[0] = pat;
    return 1;
}

static bool fixed_length_pattern(const Node *p) { return p->kind == N_SEQ || p->kind == N_STRING; }

static uint32_t fixed_length(Eval *E, Node *p)
{
    if (p->kind == N_SEQ) return p->n;
    return val_string(E->vals, p->str, p->len)->n;
}

static bool match_seq_items(Eval *E, Node *p, const Val *const *items, Binds *b)
{
    if (p->kind == N_STRING) {
        const Val *s = val_string(E->vals, p->str, p->len);
        for (uint32_t i = 0; i < s->n; i++)
            if (items[i] != s->items[i]) return false;
        return true;
    }
    for (uint32_t i = 0; i < p->n; i++)
        if (!match(E, p->kid[i], eval_thunk_of(E, items[i]), b)) return false;
    return true;
}

static bool match_cat(Eval *E, Node *pat, const Val *v, Binds *b)
{
    Node *parts[32];
    uint32_t n = cat_parts(pat, parts, 32);
    if (n > 32) eval_fail(E, pat->span, "concatenation pattern too long");
    uint32_t var = n;   /* the one part of variable length, if any */
    for (uint32_t i = 0; i < n; i++)
        if (!fixed_length_pattern(parts[i])) var = i;
    /* Match the fixed prefix lazily (a stream need not be forced). */
    const Val *rest = v;
    uint32_t stop = var == n ? n : var;
    for (uint32_t i = 0; i < stop; i++) {
        uint32_t k = fixed_length(E, parts[i]);
        const Val *items[64];
        if (k > 64) eval_fail(E, parts[i]->span, "sequence pattern too long");
        for (uint32_t j = 0; j < k; j++) {
            const Val *h, *t;
            if (!eval_uncons(E, rest, pat->span, &h, &t)) return false;
            items[j] = h;
            rest = t;
        }
        if (!match_seq_items(E, parts[i], items, b)) return false;
    }
    if (var == n) {
        const Val *h, *t;
        return !eval_uncons(E, rest, pat->span, &h, &t);
    }
    uint32_t suffix = 0;
    for (uint32_t i = var + 1; i < n; i++) suffix += fixed_length(E, parts[i]);
    if (suffix == 0) return match(E, parts[var], eval_thunk_of(E, rest), b);
    const Val *all = force_seq(E, rest, pat->span);
    if (all->n < suffix) return false;
    uint32_t at = all->n - suffix;
    for (uint32_t i = var + 1; i < n; i++) {
        if (!match_seq_items(E, parts[i], all->items + at, b)) return false;
        at += fixed_length(E, parts[i]);
    }
    const Val *middle = val_seq(E->vals, all->items, all->n - suffix);
    return match(E, parts[var], eval_thunk_of(E, middle), b);
}

/* Dot patterns `c.x.y`: the components of the pattern against the value's
 * atoms; a variable takes one field, the last takes all remaining ones. */
uint32_t eval_dot_pattern_parts(Node *p, Node **out, uint32_t cap)
{
    if (p->kind == N_DOT) {
        uint32_t n = eval_dot_pattern_parts(p->kid[0], out, cap);
        return n + eval_dot_pattern_parts(p->kid[1], out + n, cap > n ? cap - n : 0);
    }
    if (cap) out[0] = p;
    return 1;
}

/* Flattens a dotted value completely into atoms (heads and plain fields). */
static uint32_t value_atoms(const Val *v, const Val **out, uint32_t cap)
{
    if (v->kind != V_DOT) {
        if (cap) out[0] = v;
        return 1;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < v->n; i++) n += value_atoms(v->items[i], out + n, cap > n ? cap - n : 0);
    return n;
}


/* How many fields a part of a dot pattern takes, as FDR counts them
 * (libcspm's fieldsConsumed): a dot pattern one per part, `p @@ q` the
 * larger of its sides, anything else one. */
static uint32_t fields_consumed(const Node *p)
{
    if (p->kind == N_DOT) return fields_consumed(p->kid[0]) + fields_consumed(p->kid[1]);
    if (p->kind == N_ATAT) {
        uint32_t a = fields_consumed(p->kid[0]), b = fields_consumed(p->kid[1]);
        return a > b ? a : b;
    }
    return 1;
}

/* Dot patterns: a pattern variable (or `_`) takes one field, regrouped from
 * the atoms (a constructor takes its own fields along); a constant part
 * matches one atom; the last part takes everything that remains. A `@@`
 * part before the last takes as many fields as FDR counts for it, so
 * `k.(x@@t.a.b).z` needs three fields after k, and does not match
 * k.t.0.1.1, whose t.0.1 is one field (FDR's answer). */
static bool match_dot(Eval *E, Node *pat, const Val *v, Binds *b)
{
    Node *parts[MAX_DOT_PATTERN_PARTS];
    const Val *atoms[EVAL_MAX_ATOMS];
    uint32_t np = eval_dot_pattern_parts(pat, parts, MAX_DOT_PATTERN_PARTS);
    bool one_field_each = np <= MAX_DOT_PATTERN_PARTS;
    for (uint32_t k = 0; k + 1 < np && one_field_each; k++) one_field_each = fields_consumed(parts[k]) == 1;
    if (one_field_each && v->kind == V_DOT && (v->flags & VAL_DOT_HEADED) && np == v->n) {
        /* `Cons.x.xs` against Cons with two fields: field by field, no
         * flattening (recursive datatype values stay cheap to match). */
        bool ok = true;
        for (uint32_t k = 0; k < np && ok; k++)
            ok = match(E, parts[k], eval_thunk_of(E, v->items[k]), b);
        if (ok) return true;
    }
    uint32_t na = value_atoms(v, atoms, EVAL_MAX_ATOMS);
    if (np > MAX_DOT_PATTERN_PARTS || na > EVAL_MAX_ATOMS) eval_fail(E, pat->span, "dotted value too long to match");
    uint32_t i = 0;
    for (uint32_t k = 0; k < np; k++) {
        if (i >= na) return false;
        Node *p = parts[k];
        if (k == np - 1) {
            const Val *rest = eval_regroup(E, atoms + i, na - i, pat->span);
            return match(E, p, eval_thunk_of(E, rest), b);
        }
        bool takes_field = (p->kind == N_VAR && p->res && p->res->role == RES_ROLE_BIND) ||
                           p->kind == N_WILD || p->kind == N_TUPLE || p->kind == N_SEQ ||
                           p->kind == N_SET || p->kind == N_ATAT;
        uint32_t width = p->kind == N_ATAT ? fields_consumed(p) : 1;
        const Val *x;
        if (width > 1) {
            /* Its fields as one plain dotted value, as FDR hands them on. */
            const Val *group[MAX_DOT_PATTERN_PARTS];
            if (width > MAX_DOT_PATTERN_PARTS) eval_fail(E, p->span, "this pattern takes too many fields");
            for (uint32_t g = 0; g < width; g++) {
                if (i >= na) return false;
                group[g] = eval_take_group(E, atoms, na, &i, pat->span);
            }
            x = val_dot(E->vals, group, width, VAL_DOT_PLAIN);
        } else {
            x = takes_field ? eval_take_group(E, atoms, na, &i, pat->span) : atoms[i++];
        }
        if (!match(E, p, eval_thunk_of(E, x), b)) return false;
    }
    return i == na;
}

static bool match(Eval *E, Node *pat, Thunk *t, Binds *b)
{
    switch ((NodeKind)pat->kind) {
    case N_WILD:
        return true;
    case N_VAR:
        if (pat->res && pat->res->role == RES_ROLE_BIND) {
            bind(E, b, pat->res->def, t, pat->span);
            return true;
        }
        return eval_force(E, t) == eval_expr(E, pat, b->scope);
    case N_QUAL:
        return eval_force(E, t) == eval_expr(E, pat, b->scope);
    case N_INT: case N_CHAR: case N_BOOL: case N_STRING: case N_UNOP:
        return eval_equal(E, eval_force(E, t), eval_expr(E, pat, b->scope), pat->span);
    case N_ATAT:
        return match(E, pat->kid[0], t, b) && match(E, pat->kid[1], t, b);
    case N_TUPLE: {
        const Val *v = eval_force(E, t);
        if (v->kind != V_TUPLE || v->n != pat->n) return false;
        for (uint32_t i = 0; i < pat->n; i++)
            if (!match(E, pat->kid[i], eval_thunk_of(E, v->items[i]), b)) return false;
        return true;
    }
    case N_SEQ: {
        const Val *v = eval_force(E, t);
        if (!is_seq_value(v)) return false;
        const Val *cur = v;
        for (uint32_t i = 0; i < pat->n; i++) {
            const Val *h, *rest;
            if (!eval_uncons(E, cur, pat->span, &h, &rest)) return false;
            if (!match(E, pat->kid[i], eval_thunk_of(E, h), b)) return false;
            cur = rest;
        }
        const Val *h, *rest;
        return !eval_uncons(E, cur, pat->span, &h, &rest);
    }
    case N_BINOP:
        if (pat->op == OP_CAT) {
            const Val *v = eval_force(E, t);
            return is_seq_value(v) && match_cat(E, pat, v, b);
        }
        break;
    case N_SET: {
        const Val *v = eval_force(E, t);
        if (!val_is_set(v) || v->kind == V_SYMSET) return false;
        uint64_t n = val_set_card(v);
        if (pat->n == 0) return n == 0;
        if (n != 1) return false;
        uint32_t k;
        const Val **items = eval_set_items(E, v, &k, pat->span, "match");
        bool ok = match(E, pat->kid[0], eval_thunk_of(E, items[0]), b);
        eval_tmp_free(E, items);
        return ok;
    }
    case N_DOT:
        return match_dot(E, pat, eval_force(E, t), b);
    default:
        break;
    }
    eval_fail(E, pat->span, "this is not a pattern");
}

/* ---- pattern bindings ---- */

static bool pattern_binds(const Node *p, const ResDef *d)
{
    if (!p) return false;
    if (p->kind == N_VAR) return p->res && p->res->def == d && p->res->role == RES_ROLE_BIND;
    for (uint32_t i = 0; i < p->n; i++)
        if (pattern_binds(p->kid[i], d)) return true;
    return false;
}

static const Val *pattern_var_value(Eval *E, const PatCell *cell, const ResDef *def)
{
    Node *pat = cell->pat, *expr = cell->expr;
    /* `(a, b) = (e1, e2)` binds componentwise, so each side stays lazy. */
    while (pat->kind == N_TUPLE && expr->kind == N_TUPLE && pat->n == expr->n) {
        uint32_t i = 0;
        while (i < pat->n && !pattern_binds(pat->kid[i], def)) i++;
        pat = pat->kid[i];
        expr = expr->kid[i];
    }
    Thunk *t = eval_delay(E, expr, cell->env);
    Binds b;
        b.n = 0;
        b.scope = cell->env;
    if (!match(E, pat, t, &b))
        eval_fail(E, pat->span, "pattern match failure: the value %s does not match the "
                  "pattern", brief(E, eval_force(E, t)));
    Env *env = env_from_binds(E, NULL, &b);
    /* `P = e` of type Proc names its value P (not `(P, Q) = ...`: FDR) */
    bool names = cell->pat->kind == N_VAR && def->decl && def->decl->kind == N_PATBIND &&
                 types_def_gives_process(E->in, def, 0) != 0;
    for (uint32_t i = 0; i < env->n; i++)
        if (env->defs[i] == def) {
            const Val *v = eval_force(E, env->vals[i]);
            return names ? named(E, v, def->decl, cell->env, false) : v;
        }
    eval_fail(E, pat->span, "internal error: '%s' is not bound by its pattern", def->name->name);
}

/* ---- functions ---- */

static const Val *func_value(Eval *E, const ResDef *def, Node *lambda, Env *env)
{
    Func *f = ARENA_NEW(E->arena, Func);
    f->def = def;
    f->lambda = lambda;
    f->env = env;
    f->n_groups = def ? def->clauses[0]->kid[0]->n : 1;
    f->gives_proc = def ? (int8_t)types_def_gives_process(E->in, def, f->n_groups) : 0;
    return val_opaque(E->vals, V_FUNC, f, 0);
}

enum { MAX_CALL_DEPTH = 200000 };

static void push_frame(Eval *E, const char *name, Span at, Thunk **args, uint32_t n)
{
    /* Calls in a tail position nest no evaluation (see eval_expr), but can
     * build a value nested as deeply as they are many, which printing it
     * walks: under a bound in levels, they are bounded alike. */
    uint32_t most = E->max_depth < MAX_CALL_DEPTH ? E->max_depth : MAX_CALL_DEPTH;
    if (E->n_frames >= most)
        eval_fail(E, at, "recursion too deep (more than %u nested calls)", most);
    if (E->n_frames == E->cap_frames) {
        E->cap_frames = E->cap_frames ? E->cap_frames * 2 : 64;
        E->frames = xrealloc(E->frames, E->cap_frames * sizeof *E->frames);
    }
    E->frames[E->n_frames++] = (CallFrame){ name, at, args, n };
}

/* The clause of f's definition that matches its arguments: its body, and
 * in *env the clause's bindings. */
static Node *select_clause(Eval *E, Func *f, Span at, Env **env)
{
    const ResDef *d = f->def;
    for (uint32_t c = 0; c < d->n_clauses; c++) {
        Node *clause = d->clauses[c];
        Node *groups = clause->kid[0];
        Binds b;
        b.n = 0;
        b.scope = f->env;
        bool ok = true;
        for (uint32_t g = 0; g < groups->n && ok; g++) {
            Node *pats = groups->kid[g];
            if (pats->n != f->group_sizes[g])
                eval_fail(E, at, "'%s' takes %u argument%s, but is given %u", d->name->name,
                          pats->n, pats->n == 1 ? "" : "s", f->group_sizes[g]);
            for (uint32_t i = 0; i < pats->n && ok; i++) ok = match(E, pats->kid[i], f->groups[g][i], &b);
        }
        if (!ok) {
            continue;
        }
        *env = env_from_binds(E, f->env, &b);
        return clause->kid[1];
    }
    eval_fail(E, at, "pattern match failure: no clause of '%s' matches these arguments",
              d->name->name);
}

/* The first half of applying a function value (not a built-in) to one
 * group of argument thunks: a value at once (a relational image, a
 * partial application), or NULL with the body to evaluate and its
 * environment in *body and *env, the call's frame pushed for messages
 * (whoever evaluates the body pops it). So eval_expr evaluates a body in
 * its own frame, and a level of recursion costs one C frame fewer: what a
 * browser's stack holds (web/api.c: Recursion). */
static const Val *apply_begin(Eval *E, const Val *fv, Thunk **args, uint32_t n, Span at, Node **body,
                              Env **env)
{
    E->call_names = NULL;
    if (fv->kind != V_FUNC) eval_fail(E, at, "%s is not a function", brief(E, fv));
    Func *f = fv->ptr;
    if (f->image) {
        if (n != 1) eval_fail(E, at, "a relational image takes 1 argument, but is given %u", n);
        const Val *ys = val_map_find(f->image, eval_force(E, args[0]));
        return ys ? ys : val_empty_set(E->vals);
    }
    if (f->lambda) {
        Node *pats = f->lambda->kid[0];
        if (pats->n != n)
            eval_fail(E, at, "this lambda takes %u argument%s, but is given %u", pats->n,
                      pats->n == 1 ? "" : "s", n);
        push_frame(E, "lambda", at, args, n);
        Binds b;
        b.n = 0;
        b.scope = f->env;
        E->depth += MATCH_LEVELS;
        for (uint32_t i = 0; i < n; i++)
            if (!match(E, pats->kid[i], args[i], &b))
                eval_fail(E, pats->kid[i]->span, "pattern match failure: the argument %s "
                          "does not match the lambda's pattern", brief(E, eval_force(E, args[i])));
        E->depth -= MATCH_LEVELS;
        *env = env_from_binds(E, f->env, &b);
        *body = f->lambda->kid[1];
        return NULL;
    }
    /* Collect one more argument group; apply when all are there. The
     * closure of a partial application lives on; the last group's is only
     * read while its clause is chosen, so it stays on the stack when small. */
    enum { FEW_GROUPS = 8 };
    bool partial = f->n_done + 1 < f->n_groups, few = !partial && f->n_groups <= FEW_GROUPS;
    Func last, *g = few ? &last : ARENA_NEW(E->arena, Func);
    Thunk **few_groups[FEW_GROUPS];
    uint32_t few_sizes[FEW_GROUPS];
    *g = *f;
    g->groups = few ? few_groups : arena_alloc_small(E->arena, g->n_groups * sizeof *g->groups);
    g->group_sizes = few ? few_sizes : arena_alloc_small(E->arena, g->n_groups * sizeof *g->group_sizes);
    for (uint32_t i = 0; i < f->n_done; i++) {
        g->groups[i] = f->groups[i];
        g->group_sizes[i] = f->group_sizes[i];
    }
    g->groups[g->n_done] = args;
    g->group_sizes[g->n_done] = n;
    g->n_done++;
    if (partial) return val_opaque(E->vals, V_FUNC, g, 0);
    push_frame(E, f->def->name->name, at, args, n);
    E->depth += MATCH_LEVELS;
    *body = select_clause(E, g, at, env);
    E->depth -= MATCH_LEVELS;
    if (f->gives_proc)   /* the clause names the process its body makes (FDR) */
        for (uint32_t c = 0; c < f->def->n_clauses; c++)
            if (f->def->clauses[c]->kid[1] == *body) E->call_names = f->def->clauses[c];
    return NULL;
}

const Val *eval_apply(Eval *E, const Val *fv, Thunk **args, uint32_t n, Span at)
{
    if (fv->kind == V_BUILTIN) return bi_apply(E, fv->extra, args, n, at);
    Node *body;
    Env *env;
    const Val *r = apply_begin(E, fv, args, n, at, &body, &env);
    if (r) return r;
    const Node *names = E->call_names;
    r = eval_expr(E, body, env);
    E->n_frames--;
    return names ? named(E, r, names, env, false) : r;
}

/* ---- comprehensions ---- */

/* Elements of a generator's source, for set comprehensions and statements. */
static const Val **source_items(Eval *E, const Val *src, uint32_t *n, Span at)
{
    if (is_seq_value(src)) {
        const Val *s = force_seq(E, src, at);
        *n = s->n;
        const Val **items = eval_tmp(E, (s->n ? s->n : 1) * sizeof *items);
        memcpy(items, s->items, s->n * sizeof *items);
        return items;
    }
    return eval_set_items(E, src, n, at, "a generator");
}

static void comp_yield(Eval *E, Node *comp, Env *env, Vec *out)
{
    Node *el = comp->kid[0];
    if (el->kind == N_RANGE && comp->op == RANGE_SET) {
        tvec_push(E, out, (void *)eval_expr(E, el, env));   /* a set: eval_comp unions them */
        return;
    }
    if (el->kind == N_RANGE) {
        const Val *r = eval_expr(E, el, env);
        if (r->kind == V_STREAM) eval_fail(E, el->span, "an infinite range inside a comprehension");
        uint32_t n;
        const Val **items = is_seq_value(r) ? NULL : eval_set_items(E, r, &n, el->span, "a range");
        if (items) {
            for (uint32_t i = 0; i < n; i++) tvec_push(E, out, (void *)items[i]);
            eval_tmp_free(E, items);
        } else {
            for (uint32_t i = 0; i < r->n; i++) tvec_push(E, out, (void *)r->items[i]);
        }
        return;
    }
    for (uint32_t i = 0; i < el->n; i++)
        tvec_push(E, out, (void *)eval_strict(E, eval_expr(E, el->kid[i], env), el->kid[i]->span));
}

/* src: statement i's source if it is a generator evaluated already, or NULL. */
static void comp_collect(Eval *E, Node *comp, Node *stmts, uint32_t i, Env *env, Vec *out, const Val *src)
{
    if (i == stmts->n) {
        comp_yield(E, comp, env, out);
        return;
    }
    Node *s = stmts->kid[i];
    if (s->kind != N_GEN) {
        if (eval_to_bool(E, eval_expr(E, s, env), s->span)) comp_collect(E, comp, stmts, i + 1, env, out, NULL);
        return;
    }
    if (!src) src = eval_expr(E, s->kid[1], env);
    uint32_t n;
    const Val **items = source_items(E, src, &n, s->kid[1]->span);
    for (uint32_t k = 0; k < n; k++) {
        Binds b;
        b.n = 0;
        b.scope = env;
        if (match(E, s->kid[0], eval_thunk_of(E, items[k]), &b))
            comp_collect(E, comp, stmts, i + 1, env_from_binds(E, env, &b), out, NULL);
        else {
        }
    }
    eval_tmp_free(E, items);
}

/* (noinline: eval_expr's frame stays small, web/api.c: Recursion) */
/* first: the first statement's source when it is a generator (evaluated
 * first either way: eval_expr does it in its own frame), else NULL. */
static __attribute__((noinline)) const Val *eval_comp(Eval *E, Node *comp, Env *env, const Val *first)
{
    Node *stmts = comp->kid[1];
    if (first && comp->op == RANGE_SEQ && first->kind == V_STREAM)
        return stream_new(E, (Stream){ .kind = ST_COMP, .comp = comp, .env = env, .source = first });
    Vec out = { 0 };
    E->depth += COMP_LEVELS;
    comp_collect(E, comp, stmts, 0, env, &out, first);
    E->depth -= COMP_LEVELS;
    const Val *r;
    if (comp->op == RANGE_SET && comp->kid[0]->kind == N_RANGE) {
        r = val_empty_set(E->vals);
        for (uint32_t i = 0; i < out.n; i++) r = val_set_union(E->vals, r, out.items[i]);
    } else {
        r = comp->op == RANGE_SEQ ? val_seq(E->vals, (const Val *const *)out.items, out.n)
                                  : val_set(E->vals, (const Val *const *)out.items, out.n);
    }
    tvec_free(E, &out);
    return r;
}

/* ---- operators ---- */

int64_t eval_to_int(Eval *E, const Val *v, Span at)
{
    if (v->kind != V_INT) eval_fail(E, at, "expected an integer, found %s", brief(E, v));
    return v->num;
}

bool eval_to_bool(Eval *E, const Val *v, Span at)
{
    if (v->kind != V_BOOL) eval_fail(E, at, "expected a boolean, found %s", brief(E, v));
    return v->num != 0;
}

const Val *eval_need_seq(Eval *E, const Val *v, Span at)
{
    if (!is_seq_value(v)) eval_fail(E, at, "expected a sequence, found %s", brief(E, v));
    return v;
}

const Val *eval_need_set(Eval *E, const Val *v, Span at)
{
    if (!val_is_set(v)) eval_fail(E, at, "expected a set, found %s", brief(E, v));
    return v;
}

static const Val *arith(Eval *E, int op, Node *e, const Val *l, const Val *r)
{
    int64_t a = eval_to_int(E, l, e->kid[0]->span), b = eval_to_int(E, r, e->kid[1]->span), x;
    bool overflow = false;
    switch (op) {
    case OP_ADD: overflow = __builtin_add_overflow(a, b, &x); break;
    case OP_SUB: overflow = __builtin_sub_overflow(a, b, &x); break;
    case OP_MUL: overflow = __builtin_mul_overflow(a, b, &x); break;
    default:
        if (b == 0) eval_fail(E, e->span, "attempt to divide by zero");   /* FDR says so for % too */
        if (a == INT64_MIN && b == -1) {
            overflow = op == OP_DIV;
            x = 0;
        } else {
            /* Floor division, as FDR's evaluator (Haskell div/mod, LANGUAGE.md §4.4):
             * the quotient rounds down and the remainder takes the divisor's sign. */
            int64_t q = a / b, m = a % b;
            if (m != 0 && (m < 0) != (b < 0)) {
                q -= 1;
                m += b;
            }
            x = op == OP_DIV ? q : m;
        }
    }
    if (overflow) eval_fail(E, e->span, "integer overflow: %lld %s %lld does not fit in 64 bits",
                            (long long)a, ast_op_spelling[op], (long long)b);
    return val_int(E->vals, x);
}

/* Values of one CSPM type can be compared; these groups never meet. */
static int type_group(const Val *v)
{
    switch ((ValKind)v->kind) {
    case V_SEQ: case V_STREAM: return 1;
    case V_SET: case V_INTSET: case V_SYMSET: return 2;
    case V_DOT: case V_CHANNEL: case V_CTOR: return 3;
    default: return 10 + v->kind;
    }
}

static const char *type_word(const Val *v)
{
    switch ((ValKind)v->kind) {
    case V_INT: return "an integer";
    case V_BOOL: return "a boolean";
    case V_CHAR: return "a character";
    case V_TUPLE: return "a tuple";
    case V_SEQ: case V_STREAM: return "a sequence";
    case V_SET: case V_INTSET: case V_SYMSET: return "a set";
    case V_MAP: return "a map";
    case V_DOT: case V_CHANNEL: case V_CTOR: return "an event or datatype value";
    case V_FUNC: case V_BUILTIN: return "a function";
    default: return "a process";
    }
}

bool eval_equal(Eval *E, const Val *a, const Val *b, Span at)
{
    if (a == b) return true;
    if (type_group(a) != type_group(b))
        eval_fail(E, at, "cannot compare %s with %s", type_word(a), type_word(b));
    if (val_holds_stream(a) || val_holds_stream(b)) return eval_strict(E, a, at) == eval_strict(E, b, at);
    if (a->kind == V_FUNC || b->kind == V_FUNC) eval_fail(E, at, "functions cannot be compared");
    if (a->kind == V_PROC || b->kind == V_PROC) eval_fail(E, at, "processes cannot be compared");
    if (a->kind == V_SYMSET && b->kind == V_SYMSET) {
        /* Set(A) == Set(B) and Seq(A) == Seq(B) exactly when A == B. */
        const SymSet *x = a->ptr, *y = b->ptr;
        if (x->kind == y->kind && (x->kind == SY_SET || x->kind == SY_SEQ))
            return eval_equal(E, x->a, y->a, at);
    }
    if (a->kind == V_SYMSET || b->kind == V_SYMSET)
        eval_fail(E, at, "infinite sets of this kind cannot be compared");
    return false;
}

/* FDR's "a <= b" for the values of two maps (libcspm's compareValues
 * giving LT or EQ): false, never an error, where they are not comparable. */
static bool map_value_le(const Val *a, const Val *b)
{
    if (a == b) return true;
    bool sets = (a->kind == V_SET || a->kind == V_INTSET) && (b->kind == V_SET || b->kind == V_INTSET);
    if (sets) return val_set_subset(a, b);   /* {} is a SET, {1} an INTSET */
    if (a->kind != b->kind) return false;
    switch ((ValKind)a->kind) {
    case V_INT: case V_CHAR: case V_BOOL: return a->num <= b->num;
    case V_SEQ:
        if (a->n > b->n) return false;
        for (uint32_t i = 0; i < a->n; i++)
            if (a->items[i] != b->items[i]) return false;
        return true;
    case V_TUPLE:   /* lexicographic, in the total order of values */
        for (uint32_t i = 0; i < a->n && i < b->n; i++)
            if (a->items[i] != b->items[i]) return val_cmp(a->items[i], b->items[i]) < 0;
        return a->n <= b->n;
    case V_MAP:
        for (uint32_t i = 0; i < a->n; i += 2) {
            const Val *w = val_map_find(b, a->items[i]);
            if (!w || !map_value_le(a->items[i + 1], w)) return false;
        }
        return true;
    default: return false;
    }
}

/* a < b (strict) or a <= b for ordered values. */
static bool less(Eval *E, const Val *a, const Val *b, bool or_equal, Span at)
{
    a = eval_strict(E, a, at);
    b = eval_strict(E, b, at);
    if (a->kind == V_MAP && b->kind == V_MAP)   /* a submap, its values no greater (FDR) */
        return a == b ? or_equal : map_value_le(a, b);
    if (a->kind == V_INT && b->kind == V_INT) return or_equal ? a->num <= b->num : a->num < b->num;
    if (a->kind == V_CHAR && b->kind == V_CHAR) return or_equal ? a->num <= b->num : a->num < b->num;
    if (val_is_set(a) && val_is_set(b) && a->kind != V_SYMSET && b->kind != V_SYMSET) {
        bool sub = val_set_subset(a, b);
        return or_equal ? sub : sub && a != b;
    }
    if (a->kind == V_SEQ && b->kind == V_SEQ) {
        if (a->n > b->n || (!or_equal && a->n == b->n)) return false;
        for (uint32_t i = 0; i < a->n; i++)
            if (a->items[i] != b->items[i]) return false;
        return true;
    }
    if (a->kind == V_TUPLE && b->kind == V_TUPLE && a->n == b->n) {
        for (uint32_t i = 0; i < a->n; i++) {
            if (a->items[i] == b->items[i]) continue;
            return less(E, a->items[i], b->items[i], false, at);
        }
        return or_equal;
    }
    eval_fail(E, at, "%s and %s cannot be ordered", brief(E, a), brief(E, b));
}

static const Val *concat(Eval *E, const Val *a, const Val *b, Span at)
{
    eval_need_seq(E, a, at);
    eval_need_seq(E, b, at);
    if (a->kind == V_SEQ && b->kind == V_SEQ) {
        if (a->n == 0) return b;
        if (b->n == 0) return a;
        const Val **items = eval_tmp(E, (a->n + b->n) * sizeof *items);
        memcpy(items, a->items, a->n * sizeof *items);
        memcpy(items + a->n, b->items, b->n * sizeof *items);
        const Val *r = val_seq(E->vals, items, a->n + b->n);
        eval_tmp_free(E, items);
        return r;
    }
    return stream_new(E, (Stream){ .kind = ST_CAT, .first = a, .tail = b });
}

/* The operators whose value needs both operands' values: eval_expr
 * evaluates the operands in its own frame and binop_values combines them. */
static bool binop_strict(int op)
{
    switch (op) {
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
    case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
        return true;
    default:
        return false;
    }
}

/* (noinline, as the helpers below: eval_expr's frame stays small, web/api.c: Recursion) */
static __attribute__((noinline)) const Val *binop_values(Eval *E, Node *e, const Val *l, const Val *r)
{
    int op = e->op;
    switch (op) {
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD: return arith(E, op, e, l, r);
    case OP_EQ: return val_bool(E->vals, eval_equal(E, l, r, e->span));
    case OP_NE: return val_bool(E->vals, !eval_equal(E, l, r, e->span));
    case OP_LT: return val_bool(E->vals, less(E, l, r, false, e->span));
    case OP_LE: return val_bool(E->vals, less(E, l, r, true, e->span));
    case OP_GT: return val_bool(E->vals, less(E, r, l, false, e->span));
    case OP_GE: return val_bool(E->vals, less(E, r, l, true, e->span));
    default: eval_fail(E, e->span, "operator '%s' cannot be evaluated here", ast_op_spelling[op]);
    }
}

/* The other operators: and, or (the right operand only when needed), ^
 * (lazy on the right), and the process operators. */
static __attribute__((noinline)) const Val *binop(Eval *E, Node *e, Env *env)
{
    int op = e->op;
    switch (op) {
    case OP_AND:
        if (!eval_to_bool(E, eval_expr(E, e->kid[0], env), e->kid[0]->span)) return val_bool(E->vals, false);
        return val_bool(E->vals, eval_to_bool(E, eval_expr(E, e->kid[1], env), e->kid[1]->span));
    case OP_OR:
        if (eval_to_bool(E, eval_expr(E, e->kid[0], env), e->kid[0]->span)) return val_bool(E->vals, true);
        return val_bool(E->vals, eval_to_bool(E, eval_expr(E, e->kid[1], env), e->kid[1]->span));
    case OP_EXTCHOICE: case OP_INTCHOICE: case OP_INTERLEAVE: case OP_SEQ: case OP_TIMEOUT:
    case OP_INTERRUPT: case OP_GUARD: case OP_HIDE: case OP_PROJECT:
        return proc_value(E, e, env);
    case OP_CAT: {
        /* The right operand waits until the sequence reaches it (FDR is lazy
         * here: `<x>^f(xs)` may describe an infinite sequence). */
        const Val *l = eval_need_seq(E, eval_expr(E, e->kid[0], env), e->kid[0]->span);
        Node *r = e->kid[1];
        if ((l->kind == V_SEQ && l->n == 0) || r->kind == N_SEQ || r->kind == N_VAR ||
            r->kind == N_STRING)
            return concat(E, l, eval_expr(E, r, env), e->span);
        const Val *later = stream_new(E, (Stream){ .kind = ST_DELAY, .comp = r, .env = env });
        return stream_new(E, (Stream){ .kind = ST_CAT, .first = l, .tail = later });
    }
    default:
        return binop_values(E, e, eval_expr(E, e->kid[0], env), eval_expr(E, e->kid[1], env));
    }
}

static const Val *unop(Eval *E, Node *e, Env *env)
{
    const Val *v = eval_expr(E, e->kid[0], env);
    switch (e->op) {
    case OP_NEG: {
        int64_t x = eval_to_int(E, v, e->kid[0]->span);
        if (x == INT64_MIN) eval_fail(E, e->span, "integer overflow: -(%lld)", (long long)x);
        return val_int(E->vals, -x);
    }
    case OP_NOT: return val_bool(E->vals, !eval_to_bool(E, v, e->kid[0]->span));
    default: {
        Thunk *a = eval_thunk_of(E, v);
        return bi_apply(E, RES_BI_length, &a, 1, e->span);
    }
    }
}

/* ---- ranges, sets, sequences ---- */

static const Val *range(Eval *E, Node *e, Env *env)
{
    int64_t lo = eval_to_int(E, eval_expr(E, e->kid[0], env), e->kid[0]->span);
    bool bounded = e->kid[1] != NULL;
    int64_t hi = bounded ? eval_to_int(E, eval_expr(E, e->kid[1], env), e->kid[1]->span) : VAL_INF;
    if (e->op == RANGE_SET) return bounded ? val_int_range(E->vals, lo, hi) : val_int_from(E->vals, lo);
    if (!bounded) return stream_new(E, (Stream){ .kind = ST_FROM, .next = lo });
    if (lo > hi) return val_seq(E->vals, NULL, 0);
    if ((uint64_t)hi - (uint64_t)lo >= 100000000u)
        eval_limit(E, e->span, "the sequence <%lld..%lld> is too long to build",
                   (long long)lo, (long long)hi);
    uint32_t n = (uint32_t)(hi - lo + 1);
    const Val **items = eval_tmp(E, n * sizeof *items);
    for (uint32_t i = 0; i < n; i++) {
        eval_tick(E, e->span);   /* each element is a step: --max-steps and the watch see it */
        items[i] = val_int(E->vals, lo + i);
    }
    const Val *r = val_seq(E->vals, items, n);
    eval_tmp_free(E, items);
    return r;
}

/* Cheap to compute and cannot fail or loop: literals and local variables
 * (already computed or not, they are bound). */
static bool is_cheap(const Node *e)
{
    switch (e->kind) {
    case N_INT: case N_CHAR: case N_BOOL: case N_STRING: return true;
    case N_VAR:
        return e->res && e->res->def && (e->res->def->level == RES_LEVEL_LOCAL ||
                                         e->res->def->kind == RES_DEF_CHANNEL ||
                                         e->res->def->kind == RES_DEF_CONSTRUCTOR ||
                                         e->res->def->level == RES_LEVEL_BUILTIN);
    case N_TUPLE: case N_SEQ: case N_DOT:
        for (uint32_t i = 0; i < e->n; i++)
            if (!is_cheap(e->kid[i])) return false;
        return true;
    default: return false;
    }
}

static const Val *list_value(Eval *E, Node *e, Env *env)
{
    if (e->kind == N_SEQ && !is_cheap(e))   /* elements are lazy, as in FDR */
        return stream_new(E, (Stream){ .kind = ST_LIST, .comp = e, .env = env, .index = 0 });
    const Val **items = eval_tmp(E, (e->n ? e->n : 1) * sizeof *items);
    for (uint32_t i = 0; i < e->n; i++)
        items[i] = eval_strict(E, eval_expr(E, e->kid[i], env), e->kid[i]->span);
    const Val *r;
    switch (e->kind) {
    case N_TUPLE: r = val_tuple(E->vals, items, e->n); break;
    case N_SEQ: r = val_seq(E->vals, items, e->n); break;
    default: r = val_set(E->vals, items, e->n); break;
    }
    eval_tmp_free(E, items);
    return r;
}

static const Val *map_value(Eval *E, Node *e, Env *env)
{
    const Val **kv = eval_tmp(E, (2 * e->n + 1) * sizeof *kv);
    for (uint32_t i = 0; i < e->n; i++) {
        kv[2 * i] = eval_strict(E, eval_expr(E, e->kid[i]->kid[0], env), e->kid[i]->span);
        kv[2 * i + 1] = eval_strict(E, eval_expr(E, e->kid[i]->kid[1], env), e->kid[i]->span);
    }
    const Val *r = val_map(E->vals, kv, e->n);
    eval_tmp_free(E, kv);
    return r;
}

static const Val *productions_of(Eval *E, Node *e, Env *env)
{
    Vec prefixes = { 0 };
    if (e->kid[1]) {
        Node comp = *e;   /* {| es | stmts |}: collect the prefixes like a set comprehension */
        comp.kind = N_COMP;
        comp.op = RANGE_SET;
        comp_collect(E, &comp, e->kid[1], 0, env, &prefixes, NULL);
    } else {
        for (uint32_t i = 0; i < e->kid[0]->n; i++)
            tvec_push(E, &prefixes, (void *)eval_expr(E, e->kid[0]->kid[i], env));
    }
    const Val *r = val_empty_set(E->vals);
    for (uint32_t i = 0; i < prefixes.n; i++)
        r = val_set_union(E->vals, r, eval_productions(E, prefixes.items[i], e->span));
    tvec_free(E, &prefixes);
    return r;
}

/* A module's channel or constructor, one per instance (FDR gives each
 * instance its own): named I::c after the instance (or module) I, its
 * field types read in the instance's frame. */
static const Val *module_decl(Eval *E, const ResDef *d, Env *frame, const Sym *qual)
{
    ValDecl *vd = ARENA_NEW(E->arena, ValDecl);
    vd->name = d->name;
    if (qual) {
        size_t n = qual->len + 2 + d->name->len;
        char *buf = eval_tmp(E, n + 1);
        snprintf(buf, n + 1, "%s::%s", qual->name, d->name->name);
        vd->name = sym_intern(E->in->syms, buf, n);
        eval_tmp_free(E, buf);
    }
    vd->order = E->n_decl_order++;
    vd->is_channel = d->kind == RES_DEF_CHANNEL;
    vd->owner = (void *)d;
    vd->env = frame;
    if (vd->is_channel) vec_push(&E->module_channels, vd);
    return vd->is_channel ? val_channel(E->vals, vd) : val_ctor(E->vals, vd);
}

/* A thunk per definition in defs, made in frame (whose up is its scope):
 * functions are closures over the frame, pattern bindings wait to be
 * matched; a module's (qual: its name) channels and constructors are made
 * for this frame, its datatype, subtype and nametype sets are read in it.
 * A module inside a module is a located error when the module is first
 * used. */
static void bind_definitions(Eval *E, Env *frame, const ResDef *const *defs, const Sym *qual)
{
    for (uint32_t i = 0; i < frame->n; i++) {
        const ResDef *d = defs[i];
        frame->defs[i] = d;
        if (d->kind == RES_DEF_FUNCTION) {
            frame->vals[i] = eval_thunk_of(E, func_value(E, d, NULL, frame));
        } else if (d->kind == RES_DEF_VALUE && (d->decl->kind == N_EXTERNAL || d->decl->kind == N_TRANSPARENT)) {
            int b = res_builtin_lookup(d->name->name, d->name->len);   /* resolved: a built-in */
            frame->vals[i] = eval_thunk_of(E, val_builtin(E->vals, b < 0 ? 0 : b));
        } else if (d->kind == RES_DEF_VALUE) {
            PatCell *cell = ARENA_NEW(E->arena, PatCell);
            cell->pat = d->decl->kid[0];
            cell->expr = d->decl->kid[1];
            cell->env = frame;
            Thunk *t = ARENA_NEW(E->arena, Thunk);
            t->state = TH_PENDING;
            t->cell = cell;
            t->def = d;
            frame->vals[i] = t;
        } else if (d->kind == RES_DEF_CHANNEL || d->kind == RES_DEF_CONSTRUCTOR) {
            frame->vals[i] = eval_thunk_of(E, module_decl(E, d, frame, qual));
        } else if (d->kind == RES_DEF_DATATYPE || d->kind == RES_DEF_SUBTYPE ||
                   d->kind == RES_DEF_NAMETYPE) {
            Thunk *t = ARENA_NEW(E->arena, Thunk);
            t->state = TH_PENDING;
            t->def = d;
            t->env = frame;
            frame->vals[i] = t;
        } else {
            /* A module or instance inside a module: its frame is made when
             * it is named (nested_frame); as a value it is never read. */
            frame->vals[i] = eval_thunk_of(E, val_int(E->vals, 0));
        }
    }
}

static Env *frame_of(Eval *E, const ResDef *q, Span at);
static Env *module_frame(Eval *E, const Node *qualifier, Env *env);

/* The frame whose definitions include d, on the chain from env. */
static Env *frame_containing(const ResDef *d, Env *env)
{
    for (Env *e = env; e; e = e->up)
        for (uint32_t i = 0; i < e->n; i++)
            if (e->defs[i] == d) return e;
    return NULL;
}

/* The frame in which instance q's module is declared, for the module's
 * members to see: none for a top-level module, the frame of the qualifier's
 * module for `instance I = X::N(...)` (N sees X's parameters and members),
 * else the frame at env holding the module. */
static Env *declaring_frame(Eval *E, const ResDef *q, Env *env, Span at)
{
    const ResDef *m = q->module;
    if (!m || m->level == RES_LEVEL_TOP) return NULL;
    const Node *target = q->decl->kid[0];
    if (target->kind == N_QUAL) return module_frame(E, target->kid[0], env);
    Env *f = frame_containing(m, env);
    if (!f) eval_fail(E, at, "'%s' is declared in a module: name it with its module", m->name->name);
    return f;
}

/* The frame of module or instance q declared inside a module whose frame
 * (for this instance of it) is outer: made once per (outer, q). */
static Env *nested_frame(Eval *E, Env *outer, const ResDef *q, Span at)
{
    for (uint32_t i = 0; i < E->nested.n; i += 4)
        if (E->nested.items[i] == outer && E->nested.items[i + 1] == q) return E->nested.items[i + 2];
    const ResDef *m = q->kind == RES_DEF_INSTANCE ? q->module : q;
    if (!m) eval_fail(E, at, "'%s' is not a module", q->name->name);
    Node *params = m->decl->kid[0];
    if (q->kind == RES_DEF_MODULE && params && params->n)
        eval_fail(E, at, "module '%s' takes %u argument%s: name an instance of it instead", m->name->name,
                  params->n, params->n == 1 ? "" : "s");
    Env *up = q->kind == RES_DEF_INSTANCE ? declaring_frame(E, q, outer, at)
                                          : m->level == RES_LEVEL_TOP ? NULL : outer;
    if (q->kind == RES_DEF_INSTANCE) {
        Node *args = q->decl->kid[1];
        for (uint32_t i = 0; params && i < params->n; i++) {
            Node *arg = args->kid[i];
            const Val *v = eval_strict(E, eval_expr(E, arg, outer), arg->span);
            if (!eval_match(E, params->kid[i], v, up, &up))
                eval_fail(E, arg->span, "%s does not match the module's parameter pattern", brief(E, v));
        }
    }
    /* Its name, for its channels and constructors: the outer one's, `::`, its own. */
    const Sym *outer_name = NULL;
    for (uint32_t i = 0; i < E->nested.n && !outer_name; i += 4)
        if (E->nested.items[i + 2] == outer) outer_name = E->nested.items[i + 3];
    for (uint32_t i = 0; i < E->n_top && !outer_name; i++)
        if (E->modules[i] == outer) outer_name = res_top_def(E->script, i)->name;
    const Sym *name = q->name;
    if (outer_name) {
        size_t n = outer_name->len + 2 + q->name->len;
        char *buf = eval_tmp(E, n + 1);
        snprintf(buf, n + 1, "%s::%s", outer_name->name, q->name->name);
        name = sym_intern(E->in->syms, buf, n);
        eval_tmp_free(E, buf);
    }
    Env *frame = env_new(E, up, m->n_members);
    bind_definitions(E, frame, (const ResDef *const *)m->members, name);
    vec_push(&E->nested, outer);
    vec_push(&E->nested, (void *)q);
    vec_push(&E->nested, frame);
    vec_push(&E->nested, (void *)name);
    return frame;
}

/* The frame of the members of a top-level module or instance q: for a
 * module without parameters, or for an instance, whose arguments
 * (top-level expressions) are matched against the module's parameters in a
 * frame above. Made once, so each instance's processes are the same terms
 * at every use. */
static Env *frame_of(Eval *E, const ResDef *q, Span at)
{
    if (E->modules[q->index]) return E->modules[q->index];
    const ResDef *m = q->kind == RES_DEF_INSTANCE ? q->module : q;
    Node *params = m->decl->kid[0];
    Env *up = q->kind == RES_DEF_INSTANCE ? declaring_frame(E, q, NULL, at) : NULL;
    if (q->kind == RES_DEF_MODULE && params && params->n)
        eval_fail(E, at, "module '%s' takes %u argument%s: name an instance of it "
                  "(instance I = %s(...)) instead", m->name->name, params->n, params->n == 1 ? "" : "s",
                  m->name->name);
    if (q->kind == RES_DEF_INSTANCE) {
        Node *args = q->decl->kid[1];
        for (uint32_t i = 0; params && i < params->n; i++) {
            Node *arg = args->kid[i];
            const Val *v = eval_strict(E, eval_expr(E, arg, NULL), arg->span);
            if (!eval_match(E, params->kid[i], v, up, &up))
                eval_fail(E, arg->span, "%s does not match the module's parameter pattern",
                          brief(E, v));
        }
    }
    Env *frame = env_new(E, up, m->n_members);
    bind_definitions(E, frame, (const ResDef *const *)m->members, q->name);
    E->modules[q->index] = frame;
    return frame;
}

/* The frame of the module or instance a qualifier names: `M`, `M::N`, or
 * inside a module `N` for a module declared in it (env: where it is named). */
static Env *module_frame(Eval *E, const Node *qualifier, Env *env)
{
    const ResDef *q = (qualifier->kind == N_VAR || qualifier->kind == N_QUAL) && qualifier->res
                      ? qualifier->res->def : NULL;
    if (!q || (q->kind != RES_DEF_MODULE && q->kind != RES_DEF_INSTANCE))
        eval_fail(E, qualifier->span, "only a module or instance can be named before '::'");
    if (q->level == RES_LEVEL_TOP) return frame_of(E, q, qualifier->span);
    Env *outer = qualifier->kind == N_QUAL ? module_frame(E, qualifier->kid[0], env)
                                           : frame_containing(q, env);
    if (!outer) eval_fail(E, qualifier->span, "'%s' is declared in a module: name it with its module",
                          q->name->name);
    return nested_frame(E, outer, q, qualifier->span);
}

/* A module without parameters, or an instance: one with a frame of its own. */
static bool has_frame(const ResDef *d)
{
    return d->kind == RES_DEF_INSTANCE || (d->kind == RES_DEF_MODULE && !(d->decl->kid[0] && d->decl->kid[0]->n));
}

static void nested_frames(Eval *E, Env *frame, Span at, int depth)
{
    if (depth > AST_MAX_DEPTH) return;
    for (uint32_t i = 0; i < frame->n; i++)
        if (has_frame(frame->defs[i])) nested_frames(E, nested_frame(E, frame, frame->defs[i], at), at, depth + 1);
}

void eval_module_frames(Eval *E, Span at)
{
    for (uint32_t i = 0; i < E->n_top; i++) {
        const ResDef *d = res_top_def(E->script, i);
        if (has_frame(d)) nested_frames(E, frame_of(E, d, at), at, 0);
    }
}

Env *eval_let_env(Eval *E, Node *e, Env *env)
{
    const ResInfo *ri = e->res;
    Env *frame = env_new(E, env, ri ? ri->n_defs : 0);
    bind_definitions(E, frame, ri ? ri->defs : NULL, NULL);
    return frame;
}

/* `|~| x : S @ P` needs at least one choice (LANGUAGE.md §1.5). */
static void check_nonempty_choice(Eval *E, Node *e, Env *env)
{
    Node comp = *e;   /* count the statements' bindings as a comprehension would */
    Node none = { .kind = N_LIST };
    comp.kind = N_COMP;
    comp.op = RANGE_SEQ;
    Node *kids[2] = { &none, e->kid[0] };
    comp.kid = kids;
    comp.n = 2;
    Vec out = { 0 };
    Node unit = { .kind = N_LIST, .n = 1 };
    Node *one[1] = { &(Node){ .kind = N_BOOL, .num = 1 } };
    unit.kid = one;
    kids[0] = &unit;
    comp_collect(E, &comp, e->kid[0], 0, env, &out, NULL);
    uint32_t n = out.n;
    tvec_free(E, &out);
    if (n == 0) eval_fail(E, e->span, "internal choice |~| over an empty set");
}

/* ---- expressions ---- */

/* l.r, the operands' values known. */
static __attribute__((noinline)) const Val *dot_value(Eval *E, Node *e, const Val *l, const Val *r)
{
    l = eval_strict(E, l, e->span);
    return eval_dot(E, l, eval_strict(E, r, e->span), e->span);
}

/* The expressions eval_expr hands on: none of them continues in its frame,
 * so they stay out of it (noinline), which keeps the frame that recursion
 * repeats small (web/api.c: Recursion). */
static __attribute__((noinline)) const Val *eval_other(Eval *E, Node *e, Env *env)
{
    switch ((NodeKind)e->kind) {
    case N_STRING: return val_string(E->vals, e->str, e->len);
    case N_TUPLE: case N_SEQ: case N_SET: return list_value(E, e, env);
    case N_RANGE: return range(E, e, env);
    case N_PROD: return productions_of(E, e, env);
    case N_MAP: return map_value(E, e, env);
    case N_LAMBDA: return func_value(E, NULL, e, env);
    case N_UNOP: return unop(E, e, env);
    case N_REP:
        if (e->op == OP_INTCHOICE) check_nonempty_choice(E, e, env);
        return proc_value(E, e, env);
    case N_PREFIX: case N_GENPAR: case N_ALPHPAR: case N_EXCEPT: case N_SYNCEXT: case N_SYNCINT:
    case N_LINKPAR: case N_RENAME: case N_REPGENPAR: case N_REPSYNCEXT: case N_REPLINK:
        return proc_value(E, e, env);
    case N_WILD: case N_ATAT: eval_fail(E, e->span, "a pattern cannot be evaluated");
    case N_FIELD: eval_fail(E, e->span, "'?', '!' and '$' belong in the event of a prefix");
    default: eval_fail(E, e->span, "this cannot be evaluated (%s)", ast_kind_name[e->kind]);
    }
}

/* A call of clause `by` whose value, a process, is named after it (FDR's
 * PProcCall): its body is evaluated in a frame of its own, whose tail
 * calls are the same value, so they name nothing (the outermost call
 * wins); a call deeper down names its own value. */
static __attribute__((noinline)) const Val *named_call(Eval *E, Node *body, Env *env, const Node *by)
{
    uint32_t outer = E->naming_at;
    E->naming_at = E->depth + 1;   /* the depth of eval_expr's frame for the body */
    const Val *r = eval_expr(E, body, env);
    E->naming_at = outer;
    return named(E, r, by, env, r == E->last_proc);
}

/* A call of clause `by` whose value is a process, named after it and its
 * body left unevaluated, as FDR's PProcCall: printing names it (`F(-1)`)
 * without computing it; eval_proc_resolve works the body out, the frame
 * apply_begin pushed for this call (kept here) pushed again. */
static const Val *deferred_call(Eval *E, Node *body, Env *env, const Node *by)
{
    eval_force_name_args(E, by, env);
    struct DeferredCall *d = ARENA_NEW(E->arena, struct DeferredCall);
    d->frame = E->frames[E->n_frames - 1];
    ProcVal *p = ARENA_NEW(E->arena, ProcVal);
    p->node = body;
    p->env = env;
    p->builtin = -1;
    p->name = by;
    p->name_env = env;
    p->deferred = d;
    return E->last_proc = val_opaque(E->vals, V_PROC, p, 0);
}

const Val *eval_proc_resolve(Eval *E, const Val *v, Span at)
{
    /* `F(n) = let X = F(n) within X` makes a new deferred call at each
     * step: as deep a recursion as MAX_CALL_DEPTH nested calls. */
    for (uint32_t hops = 0; v->kind == V_PROC && ((const ProcVal *)v->ptr)->deferred; hops++) {
        const ProcVal *p = v->ptr;
        struct DeferredCall *d = p->deferred;
        if (!d->resolved) {
            if (hops >= MAX_CALL_DEPTH)
                eval_fail(E, at, "recursion too deep (more than %u nested calls)", MAX_CALL_DEPTH);
            uint32_t frames = E->n_frames;
            bool outer = E->calls_now;
            E->calls_now = true;   /* for the process layer: see eval_process_now */
            push_frame(E, d->frame.name, d->frame.at, d->frame.args, d->frame.n_args);
            d->resolved = named_call(E, p->node, p->env, p->name);
            E->n_frames = frames;
            E->calls_now = outer;
        }
        v = d->resolved;
    }
    return v;
}

const Val *eval_process_now(Eval *E, Node *e, Env *env)
{
    bool outer = E->calls_now;
    E->calls_now = true;
    const Val *v = eval_expr(E, e, env);
    E->calls_now = outer;
    return v;
}

/* What an expression's value is in a tail position of e (the branch an
 * `if` takes, a `let`'s body, the body of a function applied) is worked
 * out in this frame, not a new one: e and env move on, and the calls'
 * frames pushed on the way are popped when the value is known. */
const Val *eval_expr(Eval *E, Node *e, Env *env)
{
    uint32_t frames = E->n_frames;
    const Val *r;
    char probe;
    if (++E->depth > E->max_depth) eval_fail(E, e->span, "recursion too deep");
    for (;;) {
        if ((uintptr_t)E->stack_base - (uintptr_t)&probe > E->stack_limit)
            eval_fail(E, e->span, "recursion too deep");
        eval_tick(E, e->span);
        E->here = e->span;
        switch ((NodeKind)e->kind) {
        case N_INT: r = val_int(E->vals, e->num); break;
        case N_CHAR: r = val_char(E->vals, (uint32_t)e->num); break;
        case N_BOOL: r = val_bool(E->vals, e->num != 0); break;
        case N_VAR: case N_QUAL:
            if (!e->res || !e->res->def) eval_fail(E, e->span, "'%s' has no value", e->name->name);
            if (e->kind == N_QUAL && e->res->def->level == RES_LEVEL_MODULE)
                r = value_of_def(E, e->res->def, module_frame(E, e->kid[0], env), e->span);
            else
                r = value_of_def(E, e->res->def, env, e->span);
            break;
        case N_APPLY: {
            const Val *f = eval_expr(E, e->kid[0], env);
            Node *args = e->kid[1];
            Thunk **ts = arena_alloc_small(E->arena, (args->n ? args->n : 1) * sizeof *ts);
            bool strict = f->kind == V_BUILTIN && bi_strict(f->extra) && args->n == (uint32_t)bi_arity(f->extra);
            for (uint32_t i = 0; i < args->n; i++)
                ts[i] = strict ? eval_thunk_of(E, eval_expr(E, args->kid[i], env)) : eval_delay(E, args->kid[i], env);
            if (f->kind == V_BUILTIN) {
                r = bi_apply(E, f->extra, ts, args->n, e->span);
                break;
            }
            Node *body;
            Env *inner;
            r = apply_begin(E, f, ts, args->n, e->span, &body, &inner);
            if (r) break;
            if (E->call_names && E->naming_at != E->depth) {   /* FDR names what the call makes */
                /* deferred only where its type says a process (-1: not known) */
                bool proc = ((const Func *)f->ptr)->gives_proc == 1 && !E->calls_now;
                r = proc ? deferred_call(E, body, inner, E->call_names)
                         : named_call(E, body, inner, E->call_names);
                break;
            }
            e = body;
            env = inner;
            continue;
        }
        case N_LET:
            env = eval_let_env(E, e, env);
            e = e->kid[1];
            continue;
        case N_IF:
            e = eval_to_bool(E, eval_expr(E, e->kid[0], env), e->kid[0]->span) ? e->kid[1] : e->kid[2];
            continue;
        case N_BINOP:
            if (binop_strict(e->op)) {
                const Val *l = eval_expr(E, e->kid[0], env);
                r = binop_values(E, e, l, eval_expr(E, e->kid[1], env));
            } else {
                E->depth += BINOP_LEVELS;
                r = binop(E, e, env);
                E->depth -= BINOP_LEVELS;
            }
            break;
        case N_DOT: {
            const Val *l = eval_expr(E, e->kid[0], env);
            r = dot_value(E, e, l, eval_expr(E, e->kid[1], env));
            break;
        }
        case N_COMP: {
            Node *first = e->kid[1]->n && e->kid[1]->kid[0]->kind == N_GEN ? e->kid[1]->kid[0]->kid[1] : NULL;
            r = eval_comp(E, e, env, first ? eval_expr(E, first, env) : NULL);
            break;
        }
        default:
            E->depth += OTHER_LEVELS;
            r = eval_other(E, e, env);
            E->depth -= OTHER_LEVELS;
            break;
        }
        break;
    }
    E->depth--;
    E->n_frames = frames;
    return r;
}

/* ---- entry points ---- */

Eval *eval_new(Interp *in, Node *script)
{
    Eval *E = xcalloc(1, sizeof *E);
    E->in = in;
    E->vals = in->vals;
    E->arena = arena_new(1 << 20);
    E->script = script;
    struct rlimit rl;
    size_t stack = 8u << 20;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) stack = rl.rlim_cur;
    E->stack_limit = stack > (2u << 20) ? stack - (1u << 20) : stack / 2;
    E->max_steps = 2000000000u;
    E->max_depth = UINT32_MAX;
    E->here = SPAN_NONE;
    E->n_top = res_top_count(script);
    E->top = arena_alloc(E->arena, (E->n_top ? E->n_top : 1) * sizeof *E->top);
    E->decls = arena_alloc(E->arena, (E->n_top ? E->n_top : 1) * sizeof *E->decls);
    E->modules = arena_alloc(E->arena, (E->n_top ? E->n_top : 1) * sizeof *E->modules);
    eval_init_decls(E);
    for (uint32_t i = 0; i < E->n_top; i++) {
        const ResDef *d = res_top_def(script, i);
        Thunk *t = E->top[i];
        if (t) continue;   /* channels and constructors: set by eval_init_decls */
        t = ARENA_NEW(E->arena, Thunk);
        t->def = d;
        if (d->kind == RES_DEF_FUNCTION) {
            t->state = TH_DONE;
            t->val = func_value(E, d, NULL, NULL);
        } else if (d->kind == RES_DEF_VALUE) {
            PatCell *cell = ARENA_NEW(E->arena, PatCell);
            cell->pat = d->decl->kid[0];
            cell->expr = d->decl->kid[1];
            t->cell = cell;
            t->state = TH_PENDING;
        } else {
            t->state = TH_PENDING;   /* datatype, nametype, subtype sets; modules */
        }
        E->top[i] = t;
    }
    return E;
}

void eval_free(Eval *E)
{
    if (!E) return;
    arena_free(E->arena);
    free(E->frames);
    free(E->running.items);
    vec_free(&E->module_channels);
    vec_free(&E->nested);
    release_tmps(E, 0);
    free(E->tmps.items);
    free(E);
}

void eval_set_limits(Eval *E, size_t stack_bytes, uint64_t max_steps)
{
    if (stack_bytes) E->stack_limit = stack_bytes;
    E->max_steps = max_steps;
}

void eval_set_max_depth(Eval *E, uint32_t levels) { E->max_depth = levels ? levels : UINT32_MAX; }

bool eval_charge(Eval *E, uint32_t levels)
{
    if (E->depth > E->max_depth || levels > E->max_depth - E->depth) return false;
    E->depth += levels;
    return true;
}

void eval_discharge(Eval *E, uint32_t levels) { E->depth -= levels; }

ValTable *eval_values(Eval *E) { return E->vals; }
Diag *eval_diag(Eval *E) { return &E->in->diag; }

void eval_set_watch(Eval *E, Watch *w) { E->watch = w; }

Watch *eval_watch(const Eval *E) { return E->watch; }

void eval_poll(Eval *E, Span at)
{
    if (watch_stopped(E->watch)) eval_stop(E, at);
}

bool eval_interrupted(const Eval *E) { return watch_stopped(E->watch) != WATCH_NONE; }

EvalStatus eval_failure(const Eval *E) { return E->failure; }

_Noreturn void eval_stop(Eval *E, Span at)
{
    char why[160];
    /* Which expression notices the stop depends on when it came; which
     * definition was being computed does not: the innermost top-level one
     * is where the message points, so that it is the same every time. */
    for (uint32_t i = E->running.n; i-- > 0;) {
        const ResDef *d = E->running.items[i]->def;
        if (d && d->level == RES_LEVEL_TOP) {
            at = d->at;
            break;
        }
    }
    if (at.file == SPAN_NONE.file) at = E->here;   /* in a built-in's loop: the last expression */
    eval_limit(E, at, "%s", watch_reason(E->watch, why, sizeof why));
}

/* Runs f under an error handler; thunks left mid-computation are reset. */
#define GUARDED(E, body)                                                                  \
    do {                                                                                  \
        jmp_buf jb_;                                                                      \
        jmp_buf *saved_ = (E)->on_error;                                                  \
        uint32_t frames_ = (E)->n_frames, running_ = E->running.n, tmps_ = E->tmps.n;     \
        uint32_t depth_ = (E)->depth, naming_ = (E)->naming_at;                           \
        bool calls_now_ = (E)->calls_now;                                                 \
        char probe_;                                                                      \
        if (!saved_) {   /* an evaluation from outside: its steps count afresh */        \
            (E)->stack_base = &probe_;                                                    \
            (E)->steps = 0;                                                               \
        }                                                                                 \
        (E)->on_error = &jb_;                                                             \
        if (setjmp(jb_)) {                                                                \
            while (E->running.n > running_) E->running.items[--E->running.n]->state = TH_PENDING;  \
            release_tmps(E, tmps_);                                                       \
            (E)->on_error = saved_;                                                       \
            (E)->n_frames = frames_;                                                      \
            (E)->depth = depth_;                                                          \
            (E)->naming_at = naming_;                                                     \
            (E)->calls_now = calls_now_;                                                  \
            return (E)->failure;                                                          \
        }                                                                                 \
        body;                                                                             \
        (E)->on_error = saved_;                                                           \
    } while (0)

EvalStatus eval_guard(Eval *E, void (*fn)(void *ctx), void *ctx)
{
    GUARDED(E, fn(ctx));
    return EVAL_OK;
}

const Val *eval_local(Eval *E, const ResDef *d, Env *env, Span at)
{
    if (d->level != RES_LEVEL_LET && d->level != RES_LEVEL_LOCAL && d->level != RES_LEVEL_MODULE)
        return value_of_def(E, d, env, at);
    return eval_strict(E, eval_force(E, lookup_local(E, d, env, at)), at);
}

bool eval_match(Eval *E, Node *pat, const Val *v, Env *up, Env **out)
{
    Binds b;
    b.n = 0;
    b.scope = up;
    if (!match(E, pat, eval_thunk_of(E, v), &b)) return false;
    *out = env_from_binds(E, up, &b);
    return true;
}

/* Collects the environments of a statement list (as comp_collect walks it). */
static void bindings_walk(Eval *E, Node *stmts, uint32_t i, Env *env, Vec *out)
{
    if (i == stmts->n) {
        tvec_push(E, out, env);
        return;
    }
    Node *s = stmts->kid[i];
    if (s->kind != N_GEN) {
        if (eval_to_bool(E, eval_expr(E, s, env), s->span)) bindings_walk(E, stmts, i + 1, env, out);
        return;
    }
    const Val *src = eval_expr(E, s->kid[1], env);
    uint32_t n;
    const Val **items = source_items(E, src, &n, s->kid[1]->span);
    for (uint32_t k = 0; k < n; k++) {
        Env *inner;
        if (eval_match(E, s->kid[0], items[k], env, &inner)) bindings_walk(E, stmts, i + 1, inner, out);
    }
    eval_tmp_free(E, items);
}

Env **eval_bindings(Eval *E, Node *stmts, Env *env, uint32_t *n)
{
    Vec out = { 0 };
    bindings_walk(E, stmts, 0, env, &out);
    *n = out.n;
    if (!out.items) return eval_tmp(E, sizeof(Env *));
    return (Env **)out.items;
}

EvalStatus eval_node(Eval *E, Node *expr, const Val **out)
{
    GUARDED(E, *out = eval_strict(E, eval_expr(E, expr, NULL), expr->span));
    return EVAL_OK;
}

EvalStatus eval_def(Eval *E, const ResDef *def, const Val **out)
{
    GUARDED(E, *out = eval_strict(E, value_of_def(E, def, NULL, def->at), def->at));
    return EVAL_OK;
}

EvalStatus eval_deep(Eval *E, const Val *v, const Val **out)
{
    GUARDED(E, *out = eval_strict(E, v, SPAN_NONE));
    return EVAL_OK;
}

static void print_hook(FILE *out, const Val *v, void *ctx)
{
    switch (v->kind) {
    case V_FUNC: eval_print_func(ctx, out, v->ptr); break;   /* as FDR: f1, g(1), (\x @ …) */
    case V_BUILTIN: fputs(res_builtins[v->extra].name, out); break;   /* as FDR: head */
    case V_PROC: {
        const ProcVal *p = v->ptr;
        if (p->name) {   /* as FDR: P, F(1), G(_)::P */
            eval_print_proc_name(ctx, out, p);
            break;
        }
        if (p->builtin >= 0) {
            fputs(res_builtins[p->builtin].name, out);
            if (p->arg) {
                fputc('(', out);
                val_print(out, p->arg, print_hook, ctx);
                bool prio = p->builtin == RES_BI_prioritise || p->builtin == RES_BI_prioritise_nocache;
                if (prio && p->arg2) {   /* FDR: prioritise(P, <{c}>) */
                    fputs(", ", out);
                    val_print(out, p->arg2, print_hook, ctx);
                }
                fputc(')', out);
            }
        } else {
            eval_print_proc_expr(ctx, out, p);
        }
        break;
    }
    case V_SYMSET: {
        const SymSet *s = v->ptr;
        if (s->name) fputs(s->name, out);
        else if (s->kind == SY_SEQ || s->kind == SY_SET) {
            fputs(s->kind == SY_SEQ ? "Seq(" : "Set(", out);
            val_print(out, s->a, print_hook, ctx);
            fputc(')', out);
        }
        else if (s->kind == SY_DATATYPE) fputs(s->datatype->name->name, out);
        else if (s->kind == SY_TUPLE) val_print(out, s->a, print_hook, ctx);   /* (A, B) */
        else {
            fputs(s->kind == SY_UNION ? "union(" : s->kind == SY_INTER ? "inter(" : "diff(", out);
            val_print(out, s->a, print_hook, ctx);
            fputs(", ", out);
            val_print(out, s->b, print_hook, ctx);
            fputc(')', out);
        }
        break;
    }
    default: fputs("<sequence>", out);
    }
}

char *eval_to_string(const Val *v)
{
    return val_to_string_max(v, print_hook, NULL, EVAL_MESSAGE_VALUE_BYTES);
}

void eval_print(Eval *E, FILE *out, const Val *v)
{
    val_print(out, v, print_hook, E);
}

typedef struct {
    Eval *E;
    FILE *out;
    const Val *v;
} PrintJob;

static void print_job(void *ctx)
{
    PrintJob *j = ctx;
    eval_print(j->E, j->out, j->v);
}

EvalStatus eval_print_value(Eval *E, FILE *out, const Val *v)
{
    char *text = NULL;
    size_t len = 0;
    FILE *buf = open_memstream(&text, &len);
    if (!buf) {
        eval_print(E, out, v);
        return EVAL_OK;
    }
    PrintJob job = { E, buf, v };
    bool outer = E->print_strict;
    E->print_strict = true;
    EvalStatus st = eval_guard(E, print_job, &job);
    E->print_strict = outer;
    fclose(buf);
    if (st == EVAL_OK) fwrite(text, 1, len, out);
    free(text);
    return st;
}

const Val *eval_show(Eval *E, const Val *v, Span at)
{
    v = eval_strict(E, v, at);
    size_t len;
    char *s = val_to_string(v, print_hook, E, &len);
    const Val *r = val_string(E->vals, s ? s : "", s ? len : 0);
    free(s);
    return r;
}

EvalStatus eval_prints(Eval *E, FILE *out)
{
    for (uint32_t i = 0; i < E->script->n; i++) {
        Node *d = E->script->kid[i];
        if (d->kind != N_PRINT) continue;
        const Val *v;
        EvalStatus st = eval_node(E, d->kid[0], &v);
        if (st == EVAL_OK) st = eval_print_value(E, out, v);
        if (st != EVAL_OK) return st;
        fputc('\n', out);
    }
    return EVAL_OK;
}
