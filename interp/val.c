/* val.c - hash-consed values, their order, set algebra and printing; see val.h. */
#define _GNU_SOURCE   /* fopencookie, for a bounded printing stream */
#include "val.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define VAL_AS_NAME(k) #k,
const char *const val_kind_name[V__COUNT] = { VAL_KINDS(VAL_AS_NAME) };

typedef HashSlot Slot;   /* item: the interned Val */

struct ValTable {
    Arena *arena;
    Slot *slots;            /* open addressing, power-of-two capacity */
    uint32_t cap, n_interned;
    uint32_t next_id;
    const Val *small_ints[1024 + 128];   /* -128 .. 1023, the common ones */
    const Val *empty_set, *bools[2];
};

enum { SMALL_MIN = -128, SMALL_MAX = 1023 };

ValTable *val_table_new(void)
{
    ValTable *t = xcalloc(1, sizeof *t);
    t->arena = arena_new(1 << 20);
    t->cap = 4096;
    t->slots = xcalloc(t->cap, sizeof *t->slots);
    return t;
}

void val_table_free(ValTable *t)
{
    if (!t) return;
    arena_free(t->arena);
    slots_free(t->slots, t->cap);
    free(t);
}

uint32_t val_count(const ValTable *t) { return t->next_id; }
size_t val_bytes(const ValTable *t) { return arena_bytes_used(t->arena) + t->cap * sizeof(Slot); }

/* ---- interning ---- */

static size_t payload_bytes(const Val *v)
{
    if (v->kind == V_INTSET) return 2 * v->n * sizeof(int64_t);
    return v->n * sizeof(const Val *);
}

static uint32_t hash_key(const Val *k)
{
    uint64_t h = (uint64_t)k->kind * 0x9E3779B97F4A7C15u ^ k->flags ^ (uint64_t)k->n << 8;
    h ^= (uint64_t)k->num * 0xBF58476D1CE4E5B9u;
    if (k->kind == V_INTSET) {
        for (uint32_t i = 0; i < 2 * k->n; i++) h = (h ^ (uint64_t)k->bounds[i]) * 0x100000001B3u;
    } else {
        for (uint32_t i = 0; i < k->n; i++) h = (h ^ k->items[i]->id) * 0x100000001B3u;
    }
    return hash_mix(h ^ k->extra);
}

static bool same_key(const Val *a, const Val *b)
{
    return a->kind == b->kind && a->flags == b->flags && a->n == b->n && a->num == b->num &&
           a->extra == b->extra && memcmp(a->items, b->items, payload_bytes(a)) == 0;
}

static void grow(ValTable *t) { slots_grow(&t->slots, &t->cap); }

/* The interned copy of key (whose items array may be a caller's buffer). */
static const Val *intern(ValTable *t, const Val *key)
{
    uint32_t h = hash_key(key);
    uint32_t i = h & (t->cap - 1);
    for (; t->slots[i].item; i = (i + 1) & (t->cap - 1))
        if (t->slots[i].hash == h && same_key(t->slots[i].item, key)) return t->slots[i].item;
    size_t bytes = offsetof(Val, items) + payload_bytes(key);
    if (bytes < sizeof(Val)) bytes = sizeof(Val);
    Val *v = arena_alloc_small(t->arena, bytes);
    memcpy(v, key, offsetof(Val, items));
    memcpy(v->items, key->items, payload_bytes(key));
    v->hash = h;
    v->id = t->next_id++;
    t->slots[i] = (Slot){ h, v };   /* stored without const; never written through */
    if (++t->n_interned * 4 > t->cap * 3) grow(t);
    return v;
}

/* A key with room for n items, on the heap when large. */
typedef struct {
    Val *v;
    unsigned char small[sizeof(Val) + 16 * sizeof(void *)];
} Key;

static Val *key_init(Key *k, ValKind kind, uint32_t n_words)
{
    size_t bytes = offsetof(Val, items) + n_words * sizeof(void *);
    k->v = bytes <= sizeof k->small ? (Val *)(void *)k->small : xmalloc(bytes);
    memset(k->v, 0, offsetof(Val, items));
    k->v->kind = (uint8_t)kind;
    return k->v;
}

static void key_done(Key *k)
{
    if ((unsigned char *)k->v != k->small) free(k->v);
}

static const Val *make_items(ValTable *t, ValKind kind, const Val *const *items, uint32_t n,
                             int flags)
{
    Key k;
    Val *v = key_init(&k, kind, n);
    v->n = n;
    v->flags = (uint8_t)flags;
    if (n) memcpy(v->items, items, n * sizeof *items);
    if (kind == V_TUPLE || kind == V_SEQ || kind == V_DOT || kind == V_MAP)
        for (uint32_t i = 0; i < n; i++)
            if (val_holds_stream(items[i])) {
                v->extra = VAL_HOLDS_STREAM;
                break;
            }
    const Val *r = intern(t, v);
    key_done(&k);
    return r;
}

static const Val *make_scalar(ValTable *t, ValKind kind, int64_t num)
{
    Key k;
    Val *v = key_init(&k, kind, 0);
    v->num = num;
    return intern(t, v);
}

/* ---- constructors ---- */

const Val *val_int(ValTable *t, int64_t n)
{
    if (n >= SMALL_MIN && n <= SMALL_MAX) {
        const Val **slot = &t->small_ints[n - SMALL_MIN];
        if (!*slot) *slot = make_scalar(t, V_INT, n);
        return *slot;
    }
    return make_scalar(t, V_INT, n);
}

const Val *val_bool(ValTable *t, bool b)
{
    if (!t->bools[b]) t->bools[b] = make_scalar(t, V_BOOL, b);
    return t->bools[b];
}

const Val *val_char(ValTable *t, uint32_t cp) { return make_scalar(t, V_CHAR, cp); }

const Val *val_tuple(ValTable *t, const Val *const *items, uint32_t n)
{
    return make_items(t, V_TUPLE, items, n, 0);
}

const Val *val_seq(ValTable *t, const Val *const *items, uint32_t n)
{
    return make_items(t, V_SEQ, items, n, 0);
}

const Val *val_string(ValTable *t, const char *utf8, size_t len)
{
    const Val **items = xmalloc((len ? len : 1) * sizeof *items);
    uint32_t n = 0;
    const unsigned char *s = (const unsigned char *)utf8, *e = s + len;
    while (s < e) {
        uint32_t c = *s++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (more) c &= 0x3F >> more;
        while (more-- > 0 && s < e) c = c << 6 | (*s++ & 0x3F);
        items[n++] = val_char(t, c);
    }
    const Val *r = val_seq(t, items, n);
    free(items);
    return r;
}

const Val *val_empty_set(ValTable *t)
{
    if (!t->empty_set) t->empty_set = make_items(t, V_SET, NULL, 0, 0);
    return t->empty_set;
}

/* An interval set whose ends are unbounded as `open` says (VAL_INTSET_OPEN_*);
 * an end is open only where its bound is the extreme integer. */
static const Val *intset_open(ValTable *t, const int64_t *bounds, uint32_t n_intervals, unsigned open)
{
    if (n_intervals == 0) return val_empty_set(t);
    if (bounds[2 * n_intervals - 1] != VAL_INF) open &= ~(unsigned)VAL_INTSET_OPEN_HI;
    if (bounds[0] != VAL_NEG_INF) open &= ~(unsigned)VAL_INTSET_OPEN_LO;
    Key k;
    Val *v = key_init(&k, V_INTSET, 2 * n_intervals);
    v->n = n_intervals;
    v->flags = (uint8_t)open;
    memcpy(v->bounds, bounds, 2 * n_intervals * sizeof *bounds);
    const Val *r = intern(t, v);
    key_done(&k);
    return r;
}

const Val *val_intset(ValTable *t, const int64_t *bounds, uint32_t n_intervals)
{
    return intset_open(t, bounds, n_intervals, 0);
}

const Val *val_int_range(ValTable *t, int64_t lo, int64_t hi)
{
    if (lo > hi) return val_empty_set(t);
    int64_t b[2] = { lo, hi };
    return val_intset(t, b, 1);
}

const Val *val_int_from(ValTable *t, int64_t lo)
{
    int64_t b[2] = { lo, VAL_INF };
    return intset_open(t, b, 1, VAL_INTSET_OPEN_HI);
}

const Val *val_int_all(ValTable *t)
{
    int64_t b[2] = { VAL_NEG_INF, VAL_INF };
    return intset_open(t, b, 1, VAL_INTSET_OPEN_HI | VAL_INTSET_OPEN_LO);
}

static int cmp_ptr(const void *x, const void *y)
{
    return val_cmp(*(const Val *const *)x, *(const Val *const *)y);
}

static int cmp_int64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* Sorted distinct integers into intervals. */
static const Val *intset_from_sorted(ValTable *t, const int64_t *xs, uint32_t n)
{
    int64_t *b = xmalloc(2 * (n ? n : 1) * sizeof *b);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (k && b[2 * k - 1] != VAL_INF && xs[i] <= b[2 * k - 1] + 1) {
            if (xs[i] > b[2 * k - 1]) b[2 * k - 1] = xs[i];
        } else {
            b[2 * k] = b[2 * k + 1] = xs[i];
            k++;
        }
    }
    const Val *r = val_intset(t, b, k);
    free(b);
    return r;
}

const Val *val_set(ValTable *t, const Val *const *items, uint32_t n)
{
    if (n == 0) return val_empty_set(t);
    bool all_ints = true;
    for (uint32_t i = 0; i < n && all_ints; i++) all_ints = items[i]->kind == V_INT;
    if (all_ints) {
        int64_t *xs = xmalloc(n * sizeof *xs);
        for (uint32_t i = 0; i < n; i++) xs[i] = items[i]->num;
        qsort(xs, n, sizeof *xs, cmp_int64);
        const Val *r = intset_from_sorted(t, xs, n);
        free(xs);
        return r;
    }
    const Val **s = xmalloc(n * sizeof *s);
    memcpy(s, items, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_ptr);
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (m == 0 || s[m - 1] != s[i]) s[m++] = s[i];
    const Val *r = make_items(t, V_SET, s, m, 0);
    free(s);
    return r;
}

const Val *val_map_find(const Val *m, const Val *key)
{
    uint32_t lo = 0, hi = m->n / 2;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int d = val_cmp(m->items[2 * mid], key);
        if (d == 0) return m->items[2 * mid + 1];
        if (d < 0) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

const Val *val_map(ValTable *t, const Val *const *kv, uint32_t n_pairs)
{
    /* Insertion sort by key keeps the last binding of a repeated key. */
    const Val **s = xmalloc((2 * n_pairs + 1) * sizeof *s);
    uint32_t m = 0;
    for (uint32_t i = 0; i < n_pairs; i++) {
        const Val *key = kv[2 * i], *value = kv[2 * i + 1];
        uint32_t lo = 0, hi = m;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (val_cmp(s[2 * mid], key) < 0) lo = mid + 1; else hi = mid;
        }
        if (lo < m && s[2 * lo] == key) {
            s[2 * lo + 1] = value;
            continue;
        }
        memmove(s + 2 * lo + 2, s + 2 * lo, (m - lo) * 2 * sizeof *s);
        s[2 * lo] = key;
        s[2 * lo + 1] = value;
        m++;
    }
    const Val *r = make_items(t, V_MAP, s, 2 * m, 0);
    free(s);
    return r;
}

const Val *val_dot(ValTable *t, const Val *const *items, uint32_t n, int flags)
{
    return make_items(t, V_DOT, items, n, flags);
}

static const Val *make_decl(ValTable *t, ValKind kind, const ValDecl *d)
{
    Key k;
    Val *v = key_init(&k, kind, 0);
    v->decl = d;
    return intern(t, v);
}

const Val *val_channel(ValTable *t, const ValDecl *d) { return make_decl(t, V_CHANNEL, d); }
const Val *val_ctor(ValTable *t, const ValDecl *d) { return make_decl(t, V_CTOR, d); }

const Val *val_builtin(ValTable *t, int id)
{
    Key k;
    Val *v = key_init(&k, V_BUILTIN, 0);
    v->extra = (uint16_t)id;
    return intern(t, v);
}

const Val *val_opaque(ValTable *t, ValKind k, void *payload, int flags)
{
    Val *v = arena_alloc_small(t->arena, sizeof *v);
    v->kind = (uint8_t)k;
    v->flags = (uint8_t)flags;
    v->ptr = payload;
    v->id = t->next_id++;
    v->hash = hash_mix(v->id);
    return v;
}

/* ---- order ---- */

static int kind_rank(ValKind k)
{
    /* Numbers first, then characters, booleans, structures, names, the rest. */
    static const int rank[V__COUNT] = {
        [V_INT] = 0, [V_CHAR] = 1, [V_BOOL] = 2, [V_TUPLE] = 3, [V_SEQ] = 4, [V_SET] = 5,
        [V_INTSET] = 5, [V_MAP] = 6, [V_CHANNEL] = 7, [V_CTOR] = 7, [V_DOT] = 8,
        [V_BUILTIN] = 9, [V_FUNC] = 10, [V_PROC] = 11, [V_STREAM] = 12, [V_SYMSET] = 13,
    };
    return rank[k];
}

static int cmp_num(int64_t a, int64_t b) { return (a > b) - (a < b); }

static int cmp_items(const Val *a, const Val *b)
{
    uint32_t n = a->n < b->n ? a->n : b->n;
    for (uint32_t i = 0; i < n; i++) {
        int c = val_cmp(a->items[i], b->items[i]);
        if (c) return c;
    }
    return cmp_num(a->n, b->n);
}

/* The i-th element of a finite INTSET, or of a SET. */
static int cmp_sets(const Val *a, const Val *b)
{
    if (a->kind == V_INTSET && b->kind == V_INTSET) {
        /* Element by element, as for other sets; equal runs are skipped whole. */
        uint32_t ia = 0, ib = 0;
        int64_t xa = a->bounds[0], xb = b->bounds[0];
        for (;;) {
            if (ia == a->n) return ib == b->n ? cmp_num(a->flags, b->flags) : -1;   /* {0..} after {0..MAX} */
            if (ib == b->n) return 1;
            if (xa != xb) return xa < xb ? -1 : 1;
            uint64_t ra = (uint64_t)a->bounds[2 * ia + 1] - (uint64_t)xa;
            uint64_t rb = (uint64_t)b->bounds[2 * ib + 1] - (uint64_t)xb;
            uint64_t k = ra < rb ? ra : rb;
            if (ra == k) { if (++ia < a->n) xa = a->bounds[2 * ia]; } else xa += (int64_t)k + 1;
            if (rb == k) { if (++ib < b->n) xb = b->bounds[2 * ib]; } else xb += (int64_t)k + 1;
        }
    }
    if (a->kind == V_INTSET) return b->n == 0 ? 1 : -1;   /* the empty set is a V_SET */
    if (b->kind == V_INTSET) return a->n == 0 ? -1 : 1;
    return cmp_items(a, b);
}

static const Val *dot_head(const Val *v) { return v->kind == V_DOT ? v->items[0] : v; }

int val_cmp(const Val *a, const Val *b)
{
    if (a == b) return 0;
    int ra = kind_rank(a->kind), rb = kind_rank(b->kind);
    if (ra != rb) {
        /* A constructor sorts with the dotted values it heads. */
        if ((ra == 7 || ra == 8) && (rb == 7 || rb == 8)) {
            int c = val_cmp(dot_head(a), dot_head(b));
            if (c) return c;
            return ra - rb;
        }
        return ra - rb;
    }
    switch ((ValKind)a->kind) {
    case V_INT: case V_CHAR: case V_BOOL: return cmp_num(a->num, b->num);
    case V_TUPLE: case V_SEQ: case V_MAP: case V_DOT: return cmp_items(a, b);
    case V_SET: case V_INTSET: return cmp_sets(a, b);
    case V_CHANNEL: case V_CTOR:
        if (a->decl->order != b->decl->order) return cmp_num(a->decl->order, b->decl->order);
        return cmp_num(a->kind, b->kind);
    case V_BUILTIN: return cmp_num(a->extra, b->extra);
    default: return cmp_num(a->id, b->id);
    }
}

/* ---- sets ---- */

bool val_is_set(const Val *v) { return v->kind == V_SET || v->kind == V_INTSET || v->kind == V_SYMSET; }

bool val_is_finite_set(const Val *v)
{
    if (v->kind == V_SET) return true;
    return v->kind == V_INTSET && !(v->flags & (VAL_INTSET_OPEN_HI | VAL_INTSET_OPEN_LO));
}

uint64_t val_set_card(const Val *v)
{
    if (v->kind == V_SET) return v->n;
    uint64_t c = 0;   /* saturates: {INT64_MIN..INT64_MAX} has 2^64 values */
    for (uint32_t i = 0; i < v->n; i++) {
        uint64_t run = (uint64_t)v->bounds[2 * i + 1] - (uint64_t)v->bounds[2 * i];
        if (run == UINT64_MAX || __builtin_add_overflow(c, run + 1, &c)) return UINT64_MAX;
    }
    return c;
}

bool val_intset_member(const Val *v, int64_t x)
{
    uint32_t lo = 0, hi = v->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (v->bounds[2 * mid + 1] < x) lo = mid + 1; else hi = mid;
    }
    return lo < v->n && v->bounds[2 * lo] <= x;
}

bool val_set_member(const Val *set, const Val *x)
{
    if (set->kind == V_INTSET) return x->kind == V_INT && val_intset_member(set, x->num);
    uint32_t lo = 0, hi = set->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        int c = val_cmp(set->items[mid], x);
        if (c == 0) return true;
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return false;
}

/* Interval sets: a -op- b with op 0 union, 1 inter, 2 diff (sweep over both). */
static const Val *intset_op(ValTable *t, const Val *a, const Val *b, int op)
{
    /* Work on half-open-free closed intervals using saturated arithmetic. */
    uint32_t cap = 2 * (a->n + b->n) + 2;
    int64_t *out = xmalloc(2 * cap * sizeof *out);
    uint32_t k = 0;
    /* Event sweep: collect all boundaries, test membership between them. */
    int64_t *pts = xmalloc(4 * (a->n + b->n) * sizeof *pts);
    uint32_t np = 0;
    for (uint32_t i = 0; i < a->n; i++) { pts[np++] = a->bounds[2 * i]; pts[np++] = a->bounds[2 * i + 1]; }
    for (uint32_t i = 0; i < b->n; i++) { pts[np++] = b->bounds[2 * i]; pts[np++] = b->bounds[2 * i + 1]; }
    qsort(pts, np, sizeof *pts, cmp_int64);
    /* Candidate points: each boundary, and the integers just after each one;
     * membership is constant between consecutive candidates. */
    int64_t *cand = xmalloc(2 * np * sizeof *cand);
    uint32_t nc = 0;
    for (uint32_t i = 0; i < np; i++) {
        cand[nc++] = pts[i];
        if (pts[i] != VAL_INF) cand[nc++] = pts[i] + 1;
    }
    qsort(cand, nc, sizeof *cand, cmp_int64);
    for (uint32_t i = 0; i < nc; i++) {
        if (i && cand[i] == cand[i - 1]) continue;
        int64_t x = cand[i];
        bool in_a = val_intset_member(a, x), in_b = val_intset_member(b, x);
        bool in = op == 0 ? (in_a || in_b) : op == 1 ? (in_a && in_b) : (in_a && !in_b);
        /* The run from x up to (not including) the next candidate. */
        int64_t end = VAL_INF;
        for (uint32_t j = i + 1; j < nc; j++)
            if (cand[j] != x) { end = cand[j] - 1; break; }
        if (!in) continue;
        if (k && out[2 * k - 1] != VAL_INF && out[2 * k - 1] + 1 >= x) {
            out[2 * k - 1] = end;
        } else {
            out[2 * k] = x;
            out[2 * k + 1] = end;
            k++;
        }
    }
    /* An end of the result is unbounded as the operator makes it of the
     * operands' ends (intset_open keeps it only where the bound is extreme). */
    unsigned open = 0;
    for (unsigned end = VAL_INTSET_OPEN_HI; end <= VAL_INTSET_OPEN_LO; end <<= 1) {
        bool oa = a->flags & end, ob = b->flags & end;
        if (op == 0 ? (oa || ob) : op == 1 ? (oa && ob) : (oa && !ob)) open |= end;
    }
    const Val *r = intset_open(t, out, k, open);
    free(out);
    free(pts);
    free(cand);
    return r;
}

static const Val *as_intset_or_null(const Val *v)
{
    return (v->kind == V_INTSET) ? v : NULL;
}

const Val *val_set_union(ValTable *t, const Val *a, const Val *b)
{
    if (a->kind == V_SET && a->n == 0) return b;
    if (b->kind == V_SET && b->n == 0) return a;
    if (as_intset_or_null(a) && as_intset_or_null(b)) return intset_op(t, a, b, 0);
    if (a->kind == V_INTSET || b->kind == V_INTSET) {
        /* Mixed ints and other values: only finite sets can be merged item by item
         * (the evaluator turns other cases into symbolic unions first). */
        const Val *x = a->kind == V_INTSET ? a : b, *y = a->kind == V_INTSET ? b : a;
        if (!val_is_finite_set(x)) return NULL;
        uint64_t nx = val_set_card(x);
        const Val **items = xmalloc((nx + y->n) * sizeof *items);
        uint32_t n = 0;
        for (uint32_t i = 0; i < x->n; i++)
            for (int64_t v = x->bounds[2 * i];; v++) {
                items[n++] = val_int(t, v);
                if (v == x->bounds[2 * i + 1]) break;
            }
        for (uint32_t i = 0; i < y->n; i++) items[n++] = y->items[i];
        Key k;
        const Val **s = items;
        qsort(s, n, sizeof *s, cmp_ptr);
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++)
            if (m == 0 || s[m - 1] != s[i]) s[m++] = s[i];
        (void)k;
        const Val *r = make_items(t, V_SET, s, m, 0);
        free(items);
        return r;
    }
    const Val **s = xmalloc((a->n + b->n) * sizeof *s);
    uint32_t i = 0, j = 0, m = 0;
    while (i < a->n || j < b->n) {
        int c = i == a->n ? 1 : j == b->n ? -1 : val_cmp(a->items[i], b->items[j]);
        if (c < 0) s[m++] = a->items[i++];
        else if (c > 0) s[m++] = b->items[j++];
        else { s[m++] = a->items[i++]; j++; }
    }
    const Val *r = make_items(t, V_SET, s, m, 0);
    free(s);
    return r;
}

const Val *val_set_inter(ValTable *t, const Val *a, const Val *b)
{
    if (a->kind == V_INTSET && b->kind == V_INTSET) return intset_op(t, a, b, 1);
    if (a->kind == V_INTSET || b->kind == V_INTSET) {
        const Val *x = a->kind == V_INTSET ? a : b, *y = a->kind == V_INTSET ? b : a;
        const Val **s = xmalloc((y->n + 1) * sizeof *s);
        uint32_t m = 0;
        for (uint32_t i = 0; i < y->n; i++)
            if (val_set_member(x, y->items[i])) s[m++] = y->items[i];
        const Val *r = val_set(t, s, m);
        free(s);
        return r;
    }
    const Val **s = xmalloc((a->n + 1) * sizeof *s);
    uint32_t m = 0;
    for (uint32_t i = 0; i < a->n; i++)
        if (val_set_member(b, a->items[i])) s[m++] = a->items[i];
    const Val *r = make_items(t, V_SET, s, m, 0);
    free(s);
    return r;
}

const Val *val_set_diff(ValTable *t, const Val *a, const Val *b)
{
    if (a->kind == V_INTSET && b->kind == V_INTSET) return intset_op(t, a, b, 2);
    if (a->kind == V_INTSET) return a;   /* b holds no integers */
    const Val **s = xmalloc((a->n + 1) * sizeof *s);
    uint32_t m = 0;
    for (uint32_t i = 0; i < a->n; i++)
        if (!val_set_member(b, a->items[i])) s[m++] = a->items[i];
    const Val *r = val_set(t, s, m);
    free(s);
    return r;
}

bool val_set_subset(const Val *a, const Val *b)
{
    if (a->kind == V_SET) {
        for (uint32_t i = 0; i < a->n; i++)
            if (!val_set_member(b, a->items[i])) return false;
        return true;
    }
    if (b->kind != V_INTSET) return false;
    if (a->flags & ~b->flags) return false;   /* unbounded where b is bounded */
    /* Every interval of a inside one interval of b. */
    for (uint32_t i = 0; i < a->n; i++) {
        int64_t lo = a->bounds[2 * i], hi = a->bounds[2 * i + 1];
        bool inside = false;
        for (uint32_t j = 0; j < b->n && !inside; j++)
            inside = b->bounds[2 * j] <= lo && hi <= b->bounds[2 * j + 1];
        if (!inside) return false;
    }
    return true;
}

/* ---- printing ---- */

bool val_is_string(const Val *v)
{
    if (v->kind != V_SEQ || v->n == 0) return false;
    for (uint32_t i = 0; i < v->n; i++)
        if (v->items[i]->kind != V_CHAR) return false;
    return true;
}

static void put_cp(FILE *out, uint32_t c, char quote)
{
    if (c == '\n') { fputs("\\n", out); return; }
    if (c == '\t') { fputs("\\t", out); return; }
    if (c == '\r') { fputs("\\r", out); return; }
    if (c == '\\' || c == (uint32_t)quote) { fputc('\\', out); fputc((int)c, out); return; }
    if (c < 0x80) { fputc((int)c, out); return; }
    if (c < 0x800) { fputc((int)(0xC0 | c >> 6), out); fputc((int)(0x80 | (c & 0x3F)), out); return; }
    if (c < 0x10000) {
        fputc((int)(0xE0 | c >> 12), out);
        fputc((int)(0x80 | ((c >> 6) & 0x3F)), out);
        fputc((int)(0x80 | (c & 0x3F)), out);
        return;
    }
    fputc((int)(0xF0 | c >> 18), out);
    fputc((int)(0x80 | ((c >> 12) & 0x3F)), out);
    fputc((int)(0x80 | ((c >> 6) & 0x3F)), out);
    fputc((int)(0x80 | (c & 0x3F)), out);
}

static void print_bound(FILE *out, int64_t b) { fprintf(out, "%" PRId64, b); }

static void print_items(FILE *out, const Val *v, const char *sep, ValPrintHook hook, void *ctx)
{
    for (uint32_t i = 0; i < v->n; i++) {
        if (i) fputs(sep, out);
        val_print(out, v->items[i], hook, ctx);
    }
}

/* Dotted fields: a field that is itself a plain dot is bracketed. */
static void print_dot(FILE *out, const Val *v, ValPrintHook hook, void *ctx)
{
    for (uint32_t i = 0; i < v->n; i++) {
        const Val *x = v->items[i];
        if (i) fputc('.', out);
        bool bracket = x->kind == V_DOT && (x->flags & VAL_DOT_HEADED) == 0;
        if (bracket) fputc('(', out);
        val_print(out, x, hook, ctx);
        if (bracket) fputc(')', out);
    }
}

void val_print(FILE *out, const Val *v, ValPrintHook hook, void *ctx)
{
    switch ((ValKind)v->kind) {
    case V_INT: fprintf(out, "%" PRId64, v->num); break;
    case V_BOOL: fputs(v->num ? "true" : "false", out); break;
    case V_CHAR: fputc('\'', out); put_cp(out, (uint32_t)v->num, '\''); fputc('\'', out); break;
    case V_TUPLE: fputc('(', out); print_items(out, v, ", ", hook, ctx); fputc(')', out); break;
    case V_SEQ:
        if (val_is_string(v)) {
            fputc('"', out);
            for (uint32_t i = 0; i < v->n; i++) put_cp(out, (uint32_t)v->items[i]->num, '"');
            fputc('"', out);
        } else {
            fputs(v->n ? "<" : "<>", out);
            print_items(out, v, ", ", hook, ctx);
            if (v->n) fputc('>', out);
        }
        break;
    case V_SET: fputc('{', out); print_items(out, v, ", ", hook, ctx); fputc('}', out); break;
    case V_INTSET: {
        /* Small finite sets are listed; long runs and unbounded ones as ranges. */
        unsigned open = v->flags;
        if (v->n == 1 && open == (VAL_INTSET_OPEN_HI | VAL_INTSET_OPEN_LO)) {
            fputs("Int", out);
            break;
        }
        fputc('{', out);
        bool listed = val_is_finite_set(v) && val_set_card(v) <= 64;
        for (uint32_t i = 0; i < v->n; i++) {
            int64_t lo = v->bounds[2 * i], hi = v->bounds[2 * i + 1];
            if (i) fputs(", ", out);
            if (listed) {
                for (int64_t x = lo;; x++) {
                    print_bound(out, x);
                    if (x == hi) break;
                    fputs(", ", out);
                }
            } else if (i == v->n - 1 && (open & VAL_INTSET_OPEN_HI)) {
                print_bound(out, lo);
                fputs("..", out);
            } else if (i == 0 && (open & VAL_INTSET_OPEN_LO)) {
                fputs("..", out);
                print_bound(out, hi);
            } else if (lo == hi) {
                print_bound(out, lo);
            } else {
                print_bound(out, lo);
                fputs("..", out);
                print_bound(out, hi);
            }
        }
        fputc('}', out);
        break;
    }
    case V_MAP:
        fputs("(| ", out);
        for (uint32_t i = 0; i < v->n; i += 2) {
            if (i) fputs(", ", out);
            val_print(out, v->items[i], hook, ctx);
            fputs(" => ", out);
            val_print(out, v->items[i + 1], hook, ctx);
        }
        fputs(v->n ? " |)" : "|)", out);
        break;
    case V_DOT: print_dot(out, v, hook, ctx); break;
    case V_CHANNEL: case V_CTOR: fputs(v->decl->name->name, out); break;
    default:
        if (hook) hook(out, v, ctx);
        else fprintf(out, "<%s>", val_kind_name[v->kind]);
    }
}

char *val_to_string(const Val *v, ValPrintHook hook, void *ctx, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) return NULL;
    val_print(f, v, hook, ctx);
    fclose(f);
    if (len) *len = n;
    return buf;
}

/* A stream that keeps the first max bytes written to it and counts the rest. */
typedef struct {
    char *buf;
    size_t len, max;
    bool cut;
} Bounded;

static ssize_t bounded_write(void *cookie, const char *data, size_t n)
{
    Bounded *b = cookie;
    size_t room = b->max - b->len;
    size_t take = n < room ? n : room;
    memcpy(b->buf + b->len, data, take);
    b->len += take;
    if (take < n) b->cut = true;
    return (ssize_t)n;
}

char *val_to_string_max(const Val *v, ValPrintHook hook, void *ctx, size_t max)
{
    Bounded b = { xmalloc(max + 1), 0, max, false };
    FILE *f = fopencookie(&b, "w", (cookie_io_functions_t){ .write = bounded_write });
    if (!f) {
        free(b.buf);
        return NULL;
    }
    val_print(f, v, hook, ctx);
    fclose(f);
    if (b.cut) memcpy(b.buf + max - 3, "...", 3);
    b.buf[b.len] = '\0';
    return b.buf;
}
