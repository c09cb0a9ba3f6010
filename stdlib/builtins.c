/* builtins.c - the built-in functions and constants of CSPM (LANGUAGE.md §2).
 * Each is applied to argument thunks: most force all their arguments first;
 * `error` and the process built-ins keep theirs lazy. Names and classes come
 * from the library's table (library.h, through resolve.h).
 */
#include "eval_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    Eval *E;
    Thunk **args;
    uint32_t n;
    Span at;
} Call;

static const Val *arg(Call *c, uint32_t i) { return eval_force(c->E, c->args[i]); }
static const Val *set_arg(Call *c, uint32_t i) { return eval_need_set(c->E, arg(c, i), c->at); }
static const Val *seq_arg(Call *c, uint32_t i) { return eval_need_seq(c->E, arg(c, i), c->at); }

static const Val *seq_items(Call *c, uint32_t i)
{
    return eval_strict(c->E, seq_arg(c, i), c->at);
}

static ValTable *V(Call *c) { return c->E->vals; }

const Val *bi_process(Eval *E, int id, const Val *a, const Val *a2)
{
    ProcVal *p = ARENA_NEW(E->arena, ProcVal);
    p->builtin = id;
    p->arg = a;
    p->arg2 = a2;
    return val_opaque(E->vals, V_PROC, p, 0);
}

static const Val *proc_builtin(Eval *E, int id, const Val *a) { return bi_process(E, id, a, NULL); }

const Val *bi_constant(Eval *E, int id, Span at)
{
    switch (id) {
    case RES_BI_True: return val_bool(E->vals, true);
    case RES_BI_False: return val_bool(E->vals, false);
    case RES_BI_emptyMap: return val_map(E->vals, NULL, 0);
    case RES_BI_Bool: {
        const Val *b[2] = { val_bool(E->vals, false), val_bool(E->vals, true) };
        return val_set(E->vals, b, 2);
    }
    case RES_BI_Int: return val_int_all(E->vals);
    case RES_BI_Char: case RES_BI_Proc: {
        const Val *s = eval_symset(E, SY_ALL, NULL, NULL);
        ((SymSet *)s->ptr)->name = res_builtins[id].name;
        return s;
    }
    case RES_BI_Events: return eval_all_events(E, at);
    default: return proc_builtin(E, id, NULL);
    }
}

int bi_arity(int id)
{
    switch (id) {
    case RES_BI_union: case RES_BI_inter: case RES_BI_diff: case RES_BI_member: case RES_BI_elem:
    case RES_BI_mapLookup: case RES_BI_mapMember: case RES_BI_mapDelete: case RES_BI_Map:
    case RES_BI_mapUpdateMultiple: case RES_BI_prioritise: case RES_BI_prioritise_nocache:
    case RES_BI_mtransclose: case RES_BI_BUFFER:
        return 2;
    case RES_BI_mapUpdate: case RES_BI_failure_watchdog: case RES_BI_trace_watchdog:
    case RES_BI_WEAK_BUFFER:
        return 3;
    case RES_BI_prioritisepo: case RES_BI_SIGNAL_BUFFER:   /* FDR 4's arities */
        return 4;
    default:
        return 1;
    }
}

bool bi_strict(int id)
{
    switch (id) {
    case RES_BI_union: case RES_BI_inter: case RES_BI_diff: case RES_BI_Union: case RES_BI_Inter:
    case RES_BI_member: case RES_BI_card: case RES_BI_empty: case RES_BI_set: case RES_BI_seq:
    case RES_BI_Set: case RES_BI_Seq: case RES_BI_length: case RES_BI_null: case RES_BI_head:
    case RES_BI_tail: case RES_BI_concat: case RES_BI_elem:
        return true;
    default:
        return false;
    }
}

static const Val *from_vec(Call *c, Vec *v, bool as_set)
{
    const Val *r = as_set ? val_set(V(c), (const Val *const *)v->items, v->n)
                          : val_seq(V(c), (const Val *const *)v->items, v->n);
    tvec_free(c->E, v);
    return r;
}

/* Set(A): every subset of a finite set. */
static const Val *powerset(Call *c, const Val *a)
{
    uint32_t n;
    const Val **xs = eval_set_items(c->E, a, &n, c->at, "Set");
    if (n > 20) {
        eval_tmp_free(c->E, xs);
        const Val *s = eval_symset(c->E, SY_SET, a, NULL);
        return s;
    }
    Vec out = { 0 };
    const Val **sub = eval_tmp(c->E, (n ? n : 1) * sizeof *sub);
    for (uint64_t mask = 0; mask < (1ull << n); mask++) {
        uint32_t k = 0;
        for (uint32_t i = 0; i < n; i++)
            if (mask >> i & 1) sub[k++] = xs[i];
        tvec_push(c->E, &out, (void *)val_set(V(c), sub, k));
    }
    eval_tmp_free(c->E, sub);
    eval_tmp_free(c->E, xs);
    return from_vec(c, &out, true);
}

static const Val *map_arg(Call *c, uint32_t i)
{
    const Val *m = arg(c, i);
    if (m->kind != V_MAP) eval_fail(c->E, c->at, "expected a map");
    return m;
}

/* ---- relations (FDR's external functions) ---- */

/* The pairs of a relation, each checked to be a pair. */
static const Val **relation_pairs(Call *c, const Val *r, uint32_t *n, const char *what)
{
    const Val **xs = eval_set_items(c->E, r, n, c->at, what);
    for (uint32_t i = 0; i < *n; i++)
        if (xs[i]->kind != V_TUPLE || xs[i]->n != 2)
            eval_fail(c->E, c->at, "%s: expected a set of pairs", what);
    return xs;
}

/* transpose(R) = {(y, x) | (x, y) <- R} */
static const Val *transpose(Call *c, const Val *r)
{
    uint32_t n;
    const Val **xs = relation_pairs(c, r, &n, "transpose");
    for (uint32_t i = 0; i < n; i++) {
        const Val *const *pair = xs[i]->items;
        const Val *p[2] = { pair[1], pair[0] };
        xs[i] = val_tuple(V(c), p, 2);
    }
    const Val *t = val_set(V(c), xs, n);
    eval_tmp_free(c->E, xs);
    return t;
}

/* relational_image(R): the function x -> {y | (x', y) <- R, x' == x},
 * kept as the map from each x to its set (pairs arrive sorted by x). */
static const Val *relational_image(Call *c, const Val *r)
{
    uint32_t n;
    const Val **xs = relation_pairs(c, r, &n, "relational_image");
    Vec kv = { 0 };
    for (uint32_t i = 0; i < n;) {
        uint32_t j = i;
        while (j < n && xs[j]->items[0] == xs[i]->items[0]) j++;
        const Val **ys = eval_tmp(c->E, (j - i) * sizeof *ys);
        for (uint32_t k = i; k < j; k++) {
            const Val *const *pair = xs[k]->items;   /* a pointer: clang misreads items[1] */
            ys[k - i] = pair[1];
        }
        tvec_push(c->E, &kv, (void *)xs[i]->items[0]);
        tvec_push(c->E, &kv, (void *)val_set(V(c), ys, j - i));
        eval_tmp_free(c->E, ys);
        i = j;
    }
    Func *f = ARENA_NEW(c->E->arena, Func);
    f->n_groups = 1;
    f->image = val_map(V(c), (const Val *const *)kv.items, kv.n / 2);
    tvec_free(c->E, &kv);
    eval_tmp_free(c->E, xs);
    return val_opaque(V(c), V_FUNC, f, 0);
}

/* Where x is in the sorted, distinct values xs (it is there). */
static uint32_t index_of(const Val *const *xs, uint32_t n, const Val *x)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int d = val_cmp(xs[mid], x);
        if (d == 0) return mid;
        if (d < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* The class representative of x in a union-find forest over indices. */
static uint32_t find_root(uint32_t *up, uint32_t x)
{
    while (up[x] != x) {
        up[x] = up[up[x]];
        x = up[x];
    }
    return x;
}

/* mtransclose(R, D): the classes of the symmetric, transitive closure of R,
 * each as the pairs (r, x) for every other member x, where both are in D.
 * The representative r is chosen as FDR does: the member met first when R's
 * pairs are read in order, first components before second ones (libcspm
 * numbers the nodes so and its search enters each class at its lowest
 * number). R's order is cspi's order of values, which is FDR's for numbers,
 * tuples, sets, sequences and events, but not for datatype constants (FDR
 * orders those by first use, cspi by declaration): there the
 * representative can differ (MANUAL §6). */
static const Val *mtransclose(Call *c, const Val *r, const Val *d)
{
    uint32_t n;
    const Val **xs = relation_pairs(c, r, &n, "mtransclose");
    const Val **ends = eval_tmp(c->E, (n ? 2 * n : 1) * sizeof *ends);
    for (uint32_t i = 0; i < n; i++) {
        const Val *const *pair = xs[i]->items;   /* a pointer: clang misreads items[1] */
        ends[i] = pair[0];
        ends[n + i] = pair[1];
    }
    uint32_t m;   /* the nodes, sorted and distinct, to find them by value */
    const Val **node = eval_set_items(c->E, val_set(V(c), ends, 2 * n), &m, c->at, "mtransclose");
    uint32_t *first = eval_tmp(c->E, (m ? m : 1) * sizeof *first);   /* by node: where it is met */
    uint32_t *up = eval_tmp(c->E, (m ? m : 1) * sizeof *up);
    for (uint32_t i = 0; i < m; i++) {
        first[i] = UINT32_MAX;
        up[i] = i;
    }
    for (uint32_t k = 0; k < 2 * n; k++) {
        uint32_t i = index_of(node, m, ends[k]);
        if (first[i] == UINT32_MAX) first[i] = k;
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t a = find_root(up, index_of(node, m, ends[k]));
        uint32_t b = find_root(up, index_of(node, m, ends[n + k]));
        if (a == b) continue;
        if (first[a] < first[b]) up[b] = a; else up[a] = b;   /* the first met leads */
    }
    Vec out = { 0 };
    for (uint32_t i = 0; i < m; i++) {
        uint32_t root = find_root(up, i);
        if (root == i) continue;
        if (!eval_member(c->E, node[root], d, c->at) || !eval_member(c->E, node[i], d, c->at)) continue;
        const Val *p[2] = { node[root], node[i] };
        tvec_push(c->E, &out, (void *)val_tuple(V(c), p, 2));
    }
    eval_tmp_free(c->E, up);
    eval_tmp_free(c->E, first);
    eval_tmp_free(c->E, node);
    eval_tmp_free(c->E, ends);
    eval_tmp_free(c->E, xs);
    return from_vec(c, &out, true);
}

static const Val *map_with(Call *c, const Val *m, const Val *const *kv, uint32_t n_pairs,
                           const Val *drop)
{
    uint32_t n = m->n / 2;
    const Val **all = eval_tmp(c->E, (2 * (n + n_pairs) + 1) * sizeof *all);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (drop && m->items[2 * i] == drop) continue;
        all[2 * k] = m->items[2 * i];
        all[2 * k + 1] = m->items[2 * i + 1];
        k++;
    }
    if (n_pairs) memcpy(all + 2 * k, kv, 2 * n_pairs * sizeof *kv);
    const Val *r = val_map(V(c), all, k + n_pairs);
    eval_tmp_free(c->E, all);
    return r;
}

static const Val *pairs_of_seq(Call *c, const Val *s, const Val ***kv)
{
    *kv = eval_tmp(c->E, (2 * s->n + 1) * sizeof **kv);
    for (uint32_t i = 0; i < s->n; i++) {
        const Val *p = s->items[i];
        if (p->kind != V_TUPLE || p->n != 2) eval_fail(c->E, c->at, "expected a sequence of pairs");
        memcpy(*kv + 2 * i, p->items, 2 * sizeof **kv);   /* the key and the value */
    }
    return s;
}

static const Val *seq_fn(Call *c, int id)
{
    Eval *E = c->E;
    const Val *s = seq_arg(c, 0), *h, *t;
    if (s->kind == V_STREAM && ((const Stream *)s->ptr)->kind == ST_TAIL) {
        /* The rest of a sequence after a pattern took its head: no copy needed. */
        const Stream *st = s->ptr;
        uint32_t left = st->source->n - st->index;
        if (id == RES_BI_length) return val_int(V(c), left);
        if (id == RES_BI_null) return val_bool(V(c), left == 0);
    }
    if (s->kind == V_STREAM && ((const Stream *)s->ptr)->kind == ST_LIST && id == RES_BI_length) {
        const Stream *st = s->ptr;   /* counting the elements does not compute them */
        return val_int(V(c), st->comp->n - st->index);
    }
    switch (id) {
    case RES_BI_length: return val_int(V(c), (int64_t)eval_strict(E, s, c->at)->n);
    case RES_BI_null: return val_bool(V(c), !eval_uncons(E, s, c->at, &h, &t));
    case RES_BI_head:
        if (!eval_uncons(E, s, c->at, &h, &t))
            eval_fail(E, c->at, "attempt to take the head of the empty sequence");
        return h;
    default:
        if (!eval_uncons(E, s, c->at, &h, &t))
            eval_fail(E, c->at, "attempt to take the tail of the empty sequence");
        return t;
    }
}

/* Union(S) and Inter(S): over a set of sets. The Inter of no sets is {},
 * as in FDR (not the universe). */
static const Val *union_or_inter_all(Call *c, int id)
{
    Eval *E = c->E;
    uint32_t n;
    const Val **xs = eval_set_items(E, set_arg(c, 0), &n, c->at, res_builtins[id].name);
    const Val *r = n ? xs[0] : val_empty_set(V(c));
    for (uint32_t i = 1; i < n; i++)
        r = eval_set_op(E, id == RES_BI_Union ? 0 : 1, r, xs[i], c->at);
    eval_tmp_free(c->E, xs);
    return r;
}

/* card(S); card(Set(A)) = 2^card(A) without listing it. */
static const Val *card(Call *c)
{
    Eval *E = c->E;
    const Val *big = set_arg(c, 0);
    if (big->kind == V_SYMSET && ((const SymSet *)big->ptr)->kind == SY_SET &&
        val_is_finite_set(((const SymSet *)big->ptr)->a)) {
        uint64_t k = val_set_card(((const SymSet *)big->ptr)->a);   /* |Set(A)| = 2^|A| */
        if (k > 62) eval_fail(E, c->at, "card: Set(A) has 2^%llu elements", (unsigned long long)k);
        return val_int(V(c), (int64_t)1 << k);
    }
    const Val *s = eval_finite(E, big, c->at, "card");
    uint64_t n = val_set_card(s);
    if (n > INT64_MAX) eval_fail(E, c->at, "card: the set has %s values, more than an integer holds",
                                 n == UINT64_MAX ? "2^64" : "2^63 or more");
    return val_int(V(c), (int64_t)n);
}

/* seq(S): the elements in the order of values. */
static const Val *seq_of_set(Call *c)
{
    Eval *E = c->E;
    uint32_t n;
    const Val **xs = eval_set_items(E, set_arg(c, 0), &n, c->at, "seq");
    const Val *r = val_seq(V(c), xs, n);
    eval_tmp_free(c->E, xs);
    return r;
}

/* Set(A): listed for a small finite A, symbolic otherwise. */
static const Val *all_subsets(Call *c)
{
    Eval *E = c->E;
    const Val *a = set_arg(c, 0);
    if (!val_is_finite_set(a)) return eval_symset(E, SY_SET, a, NULL);
    return powerset(c, a);
}

/* concat(<s1, s2, ...>), lazy when a part is infinite. */
static const Val *concat(Call *c)
{
    Eval *E = c->E;
    /* Walk the outer sequence without forcing its parts. */
    Vec parts = { 0 };
    bool lazy = false;
    for (const Val *cur = seq_arg(c, 0), *h, *t; eval_uncons(E, cur, c->at, &h, &t); cur = t) {
        tvec_push(E, &parts, (void *)h);
        lazy = lazy || h->kind == V_STREAM;
    }
    if (lazy) {
        /* An infinite part must not be forced: chain the parts lazily. */
        const Val *r = val_seq(V(c), NULL, 0);
        for (uint32_t i = parts.n; i-- > 0;) {
            Stream st = { .kind = ST_CAT, .first = eval_need_seq(E, parts.items[i], c->at), .tail = r };
            Stream *p = ARENA_NEW(E->arena, Stream);
            *p = st;
            r = val_opaque(V(c), V_STREAM, p, 0);
        }
        tvec_free(E, &parts);
        return r;
    }
    Vec out = { 0 };
    for (uint32_t i = 0; i < parts.n; i++) {
        const Val *s = eval_strict(E, eval_need_seq(E, parts.items[i], c->at), c->at);
        for (uint32_t j = 0; j < s->n; j++) tvec_push(c->E, &out, (void *)s->items[j]);
    }
    tvec_free(E, &parts);
    return from_vec(c, &out, false);
}

/* elem(x, s): walks s only as far as x. */
static const Val *elem(Call *c)
{
    Eval *E = c->E;
    const Val *x = eval_strict(E, arg(c, 0), c->at), *cur = seq_arg(c, 1), *h, *t;
    while (eval_uncons(E, cur, c->at, &h, &t)) {
        if (eval_equal(E, x, h, c->at)) return val_bool(V(c), true);
        cur = t;
    }
    return val_bool(V(c), false);
}

/* mapFromList(<(k, v), ...>). */
static const Val *map_from_list(Call *c)
{
    const Val **kv;
    const Val *s = pairs_of_seq(c, seq_items(c, 0), &kv);
    const Val *r = val_map(V(c), kv, s->n);
    eval_tmp_free(c->E, kv);
    return r;
}

/* mapToList(m): its pairs in the order of keys. */
static const Val *map_to_list(Call *c)
{
    const Val *m = map_arg(c, 0);
    Vec out = { 0 };
    for (uint32_t i = 0; i < m->n; i += 2) tvec_push(c->E, &out, (void *)val_tuple(V(c), m->items + i, 2));
    return from_vec(c, &out, false);
}

/* mapLookup(m, k): an error when k is not a key. */
static const Val *map_lookup(Call *c)
{
    Eval *E = c->E;
    const Val *m = map_arg(c, 0), *k = eval_strict(E, arg(c, 1), c->at), *v = val_map_find(m, k);
    if (!v) {
        char *s = eval_to_string(k);
        char buf[120];
        snprintf(buf, sizeof buf, "%.100s", s ? s : "?");
        free(s);
        eval_fail(E, c->at, "mapLookup: the key %s is not in the map", buf);
    }
    return v;
}

/* mapUpdateMultiple(m, <(k, v), ...>): of two pairs with one key the first
 * wins, as in FDR (which inserts them from the last); val_map keeps the
 * last of equal keys, so the pairs go to it reversed. */
static const Val *map_update_multiple(Call *c)
{
    const Val **kv;
    const Val *s = pairs_of_seq(c, seq_items(c, 1), &kv);
    for (uint32_t i = 0, j = s->n ? s->n - 1 : 0; i < j; i++, j--)
        for (int h = 0; h < 2; h++) {
            const Val *x = kv[2 * i + h];
            kv[2 * i + h] = kv[2 * j + h];
            kv[2 * j + h] = x;
        }
    const Val *r = map_with(c, map_arg(c, 0), kv, s->n, NULL);
    eval_tmp_free(c->E, kv);
    return r;
}

/* Map(K, V): every map from a subset of K to V (finite sets only). */
static const Val *all_maps(Call *c)
{
    Eval *E = c->E;
    /* Every map from a subset of K to V: finite sets only. */
    uint32_t nk, nv;
    const Val **ks = eval_set_items(E, set_arg(c, 0), &nk, c->at, "Map");
    const Val **vs = eval_set_items(E, set_arg(c, 1), &nv, c->at, "Map");
    Vec out = { 0 };
    uint64_t total = 1;
    for (uint32_t i = 0; i < nk; i++) {
        total *= nv + 1;
        if (total > 1000000) eval_limit(E, c->at, "Map(K, V) has too many maps to list");
    }
    const Val **kv = eval_tmp(c->E, (2 * nk + 1) * sizeof *kv);
    for (uint64_t code = 0; code < total; code++) {
        uint64_t x = code;
        uint32_t n = 0;
        for (uint32_t i = 0; i < nk; i++) {
            uint32_t pick = (uint32_t)(x % (nv + 1));
            x /= nv + 1;
            if (pick == 0) continue;
            kv[2 * n] = ks[i];
            kv[2 * n + 1] = vs[pick - 1];
            n++;
        }
        tvec_push(c->E, &out, (void *)val_map(V(c), kv, n));
    }
    eval_tmp_free(c->E, kv);
    eval_tmp_free(c->E, ks);
    eval_tmp_free(c->E, vs);
    return from_vec(c, &out, true);
}

/* error(s): stops with s as the message (a string is shown as text). */
static const Val *error_call(Call *c)
{
    Eval *E = c->E;
    const Val *s = eval_strict(E, arg(c, 0), c->at);
    char *msg = val_is_string(s) || (s->kind == V_SEQ && s->n == 0) ? NULL
                                                                      : eval_to_string(s);
    if (msg) {
        char buf[300];
        snprintf(buf, sizeof buf, "%.280s", msg);
        free(msg);
        eval_fail(E, c->at, "%s", buf);
    }
    char buf[1024];
    uint32_t k = 0;
    for (uint32_t i = 0; i < s->n && k < sizeof buf - 5; i++) {
        uint32_t cp = (uint32_t)s->items[i]->num;
        if (cp < 0x80) buf[k++] = (char)cp;
        else if (cp < 0x800) { buf[k++] = (char)(0xC0 | cp >> 6); buf[k++] = (char)(0x80 | (cp & 0x3F)); }
        else { buf[k++] = (char)(0xE0 | cp >> 12); buf[k++] = (char)(0x80 | ((cp >> 6) & 0x3F)); buf[k++] = (char)(0x80 | (cp & 0x3F)); }
    }
    buf[k] = 0;
    eval_fail(E, c->at, "%s", buf);
}

/* prioritise(P, <A1, A2, ...>): a process value. */
static const Val *prioritise(Call *c)
{
    Eval *E = c->E;
    const Val *p = proc_builtin(E, RES_BI_prioritise, arg(c, 0));
    ((ProcVal *)p->ptr)->arg2 = eval_strict(E, seq_arg(c, 1), c->at);
    if (((ProcVal *)p->ptr)->arg2->n == 0) eval_fail(E, c->at, "prioritise needs a non-empty sequence of sets");
    return p;
}

/* WAIT(n) in a Timed section: n tocks, then TSKIP (a process value with the
 * section's tock and n). */
static const Val *wait(Call *c)
{
    const Val *tock = eval_timed_tock_at(c->E, c->at, NULL, "WAIT");
    const Val *n = eval_strict(c->E, arg(c, 0), c->at);
    if (n->kind != V_INT) eval_fail(c->E, c->at, "WAIT takes a number of tocks");
    if (n->num < 0) eval_fail(c->E, c->at, "WAIT(%lld): the number of tocks must be 0 or more",
                              (long long)n->num);
    return bi_process(c->E, RES_BI_WAIT, tock, n);
}

/* timed_priority(P) in a Timed section: prioritise(P, <{}, {tock}>), so
 * tau and tick come before tock (maximal progress). */
static const Val *timed_priority(Call *c)
{
    const Val *tock = eval_timed_tock_at(c->E, c->at, NULL, "timed_priority");
    const Val *sets[2] = { val_set(V(c), NULL, 0), val_set(V(c), &tock, 1) };
    return bi_process(c->E, RES_BI_prioritise, arg(c, 0), val_seq(V(c), sets, 2));
}

static const Val *apply(Call *c, int id)
{
    Eval *E = c->E;
    switch (id) {
    case RES_BI_union: return eval_set_op(E, 0, set_arg(c, 0), set_arg(c, 1), c->at);
    case RES_BI_inter: return eval_set_op(E, 1, set_arg(c, 0), set_arg(c, 1), c->at);
    case RES_BI_diff: return eval_set_op(E, 2, set_arg(c, 0), set_arg(c, 1), c->at);
    case RES_BI_Union: case RES_BI_Inter: return union_or_inter_all(c, id);
    case RES_BI_member: return val_bool(V(c), eval_member(E, arg(c, 0), set_arg(c, 1), c->at));
    case RES_BI_card: return card(c);
    case RES_BI_empty: return val_bool(V(c), eval_set_empty(E, set_arg(c, 0), c->at));
    case RES_BI_set: {
        const Val *s = seq_items(c, 0);
        return val_set(V(c), s->items, s->n);
    }
    case RES_BI_seq: return seq_of_set(c);
    case RES_BI_Set: return all_subsets(c);
    case RES_BI_Seq: return eval_symset(E, SY_SEQ, set_arg(c, 0), NULL);
    case RES_BI_length: case RES_BI_null: case RES_BI_head: case RES_BI_tail: return seq_fn(c, id);
    case RES_BI_concat: return concat(c);
    case RES_BI_elem: return elem(c);
    case RES_BI_mapFromList: return map_from_list(c);
    case RES_BI_mapToList: return map_to_list(c);
    case RES_BI_mapLookup: return map_lookup(c);
    case RES_BI_mapMember:
        return val_bool(V(c), val_map_find(map_arg(c, 0), eval_strict(E, arg(c, 1), c->at)) != NULL);
    case RES_BI_mapUpdate: {
        const Val *kv[2] = { eval_strict(E, arg(c, 1), c->at), eval_strict(E, arg(c, 2), c->at) };
        return map_with(c, map_arg(c, 0), kv, 1, NULL);
    }
    case RES_BI_mapUpdateMultiple: return map_update_multiple(c);
    case RES_BI_mapDelete:
        return map_with(c, map_arg(c, 0), NULL, 0, eval_strict(E, arg(c, 1), c->at));
    case RES_BI_Map: return all_maps(c);
    case RES_BI_error: return error_call(c);
    case RES_BI_show: return eval_show(E, arg(c, 0), c->at);
    case RES_BI_extensions: return eval_extensions(E, eval_strict(E, arg(c, 0), c->at), c->at);
    case RES_BI_productions: return eval_productions(E, eval_strict(E, arg(c, 0), c->at), c->at);
    case RES_BI_RUN: case RES_BI_CHAOS: return proc_builtin(E, id, set_arg(c, 0));
    case RES_BI_loop: return proc_builtin(E, id, arg(c, 0));
    case RES_BI_prioritise: case RES_BI_prioritise_nocache: return prioritise(c);
    case RES_BI_WAIT: return wait(c);
    case RES_BI_prioritisepo: {
        /* prioritisepo(P, A, order, maximal): the three sets wait in a tuple
         * for the process layer, which works out the order's closure. */
        const Val *sets[3] = { set_arg(c, 1), set_arg(c, 2), set_arg(c, 3) };
        return bi_process(E, id, arg(c, 0), val_tuple(V(c), sets, 3));
    }
    case RES_BI_timed_priority: return timed_priority(c);
    case RES_BI_transpose: return transpose(c, set_arg(c, 0));
    case RES_BI_relational_image: return relational_image(c, set_arg(c, 0));
    case RES_BI_relational_inverse_image: return relational_image(c, transpose(c, set_arg(c, 0)));
    case RES_BI_mtransclose: return mtransclose(c, set_arg(c, 0), set_arg(c, 1));
    default:
        break;
    }
    if (id == RES_BI_model_compress || id == RES_BI_deter)
        return arg(c, 0);   /* these preserve the semantics as the identity (LANGUAGE.md §2.8) */
    if (res_builtins[id].cls == RES_BC_TRANSPARENT || id == RES_BI_chase || id == RES_BI_chase_nocache) {
        /* compressions and chase: the process layer builds the machine (compress.h) */
        const Val *v = proc_builtin(E, id, arg(c, 0));
        ((ProcVal *)v->ptr)->at = c->at;
        return v;
    }
    /* The remaining process built-ins: keep the application as a process value. */
    return proc_builtin(E, id, NULL);
}

/* What a built-in's frames cost a browser's stack while it runs, in levels
 * of eval_expr (eval.c: FORCE_LEVELS; web/api.c: Recursion). */
enum { BUILTIN_LEVELS = 3 };

const Val *bi_apply(Eval *E, int id, Thunk **args, uint32_t n, Span at)
{
    int want = bi_arity(id);
    if ((int)n != want)
        eval_fail(E, at, "'%s' takes %d argument%s, but is given %u", res_builtins[id].name, want,
                  want == 1 ? "" : "s", n);
    Call c = { E, args, n, at };
    E->depth += BUILTIN_LEVELS;
    const Val *r = apply(&c, id);
    E->depth -= BUILTIN_LEVELS;
    return r;
}
