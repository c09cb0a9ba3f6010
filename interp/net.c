/* net.c - networks of components and their compact states; see net.h.
 * A state vector holds, per component (leaf), its local state number, or
 * MARK + i when network node i (a parallel whose first leaf this is) has
 * terminated: Omega for the node and everything under it. Vectors are
 * stored tree-compressed: the leaves are split in halves recursively, each
 * inner half is an interned pair of its halves' ids, and the root pair is
 * the state, numbered densely. Successors re-intern only the pairs above
 * the components that moved.
 */
#include "net_internal.h"

#include "hugemem.h"

#include <stdlib.h>
#include <string.h>

static void *grow(void *a, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap) return a;
    uint32_t ncap = *cap ? *cap : 16;
    while (ncap < need) ncap *= 2;
    *cap = ncap;
    return xrealloc(a, (size_t)ncap * size);
}

/* ---- interned pairs ---- */

static uint32_t pair_hash(uint32_t a, uint32_t b) { return hash_mix((uint64_t)a << 32 | b); }

#define TAGGED_IDS 0x07FFFFFFu   /* 27 bits of id, 5 of tag, up to 134 million entries */

/* The capacity is any size (it grows by half), and a hash picks its first
 * slot by its high bits, scaled: so the load stays between 1/2 and 3/4 and
 * memory follows the number of entries closely. The tag is the hash's low
 * bits, which do not pick the slot. */
static uint32_t first_slot(uint32_t cap, uint32_t h) { return (uint32_t)(((uint64_t)h * cap) >> 32); }

static uint32_t tag_of(const PairTable *p, uint32_t h)
{
    return p->id_mask == TAGGED_IDS ? (h << 27) & ~TAGGED_IDS : 0;
}

/* The slots again, for ncap slots, from the entries (which stay as they
 * are): the old slots go first, so the peak is the new table alone. */
static void pairs_rebuild(PairTable *p, uint32_t ncap)
{
    enum { AHEAD = 32 };   /* slots fetched ahead of their entries' insertion (a power of two) */
    huge_free(p->slots, (size_t)p->cap * sizeof *p->slots);
    uint32_t *slots = p->slots = huge_alloc((size_t)ncap * sizeof *slots);
    p->cap = ncap;
    p->id_mask = ncap <= TAGGED_IDS ? TAGGED_IDS : UINT32_MAX;
    uint32_t hashes[AHEAD];   /* hashes of the entries whose slots are on their way */
    for (uint32_t e = 0; e < p->n + AHEAD; e++) {
        uint32_t *h = &hashes[e % AHEAD];
        if (e >= AHEAD) {   /* entry e - AHEAD goes in */
            uint32_t j = first_slot(ncap, *h);
            while (slots[j]) j = j + 1 == ncap ? 0 : j + 1;
            slots[j] = (e - AHEAD + 1) | tag_of(p, *h);
        }
        if (e < p->n) {
            *h = pair_hash(p->ab[2 * e], p->ab[2 * e + 1]);
            __builtin_prefetch(&slots[first_slot(ncap, *h)]);
        }
    }
}

static void pairs_rehash(PairTable *p) { pairs_rebuild(p, p->cap ? p->cap + p->cap / 2 : 1024); }

/* The entry of pair (a, b) if it is the last met with its hash's low
 * bits (see NET_RECENT_BITS), else NONE: no slot is read. */
static uint32_t pair_recent(const PairTable *p, uint32_t a, uint32_t b, uint32_t h)
{
    if (!p->recent) return NONE;
    const Recent *r = &p->recent[h & NET_RECENT_MASK];
    return r->e && r->a == a && r->b == b ? r->e - 1 : NONE;
}

static uint32_t pair_id_hashed(PairTable *p, uint32_t a, uint32_t b, uint32_t h)
{
    uint32_t known = pair_recent(p, a, b, h);
    if (known != NONE) return known;
    if ((uint64_t)(p->n + 1) * 4 >= (uint64_t)p->cap * 3) pairs_rehash(p);
    uint32_t tag = tag_of(p, h);
    uint32_t j = first_slot(p->cap, h);
    for (uint32_t s; (s = p->slots[j]) != 0; j = j + 1 == p->cap ? 0 : j + 1) {
        if ((s & ~p->id_mask) != tag) continue;
        uint32_t e = (s & p->id_mask) - 1;
        if (p->ab[2 * e] == a && p->ab[2 * e + 1] == b) {
            if (p->recent) p->recent[h & NET_RECENT_MASK] = (Recent){ a, b, e + 1 };
            return e;
        }
    }
    if (2 * (p->n + 1) > p->cap_ab) {
        uint32_t ncap = p->cap_ab ? 2 * p->cap_ab : 64;
        p->ab = huge_realloc(p->ab, (size_t)p->cap_ab * sizeof *p->ab, (size_t)ncap * sizeof *p->ab);
        p->cap_ab = ncap;
    }
    p->ab[2 * p->n] = a;
    p->ab[2 * p->n + 1] = b;
    p->slots[j] = (p->n + 1) | tag;
    if (p->recent) p->recent[h & NET_RECENT_MASK] = (Recent){ a, b, p->n + 1 };
    return p->n++;
}

static uint32_t pair_id(PairTable *p, uint32_t a, uint32_t b)
{
    return pair_id_hashed(p, a, b, pair_hash(a, b));
}

/* Where pair (a, b) would be looked for first, to prefetch it. */
static const void *pair_slot(const PairTable *p, uint32_t h)
{
    return p->cap ? &p->slots[first_slot(p->cap, h)] : NULL;
}

static void pairs_free(PairTable *p)
{
    huge_free(p->ab, (size_t)p->cap_ab * sizeof *p->ab);
    huge_free(p->slots, (size_t)p->cap * sizeof *p->slots);
    free(p->recent);
}

/* ---- components: local states and their transitions ---- */

static uint32_t local_of(Net *n, uint32_t leaf, const Proc *p)
{
    if ((uint64_t)(n->local.n + 1) * 2 >= n->local.cap) {
        uint32_t ncap = n->local.cap ? n->local.cap * 2 : 256;
        uint64_t *keys = xcalloc(ncap, sizeof *keys);
        uint32_t *vals = xmalloc(ncap * sizeof *vals);
        for (uint32_t i = 0; i < n->local.cap; i++) {
            if (!n->local.keys[i]) continue;
            uint32_t j = hash_mix(n->local.keys[i]) & (ncap - 1);
            while (keys[j]) j = (j + 1) & (ncap - 1);
            keys[j] = n->local.keys[i];
            vals[j] = n->local.vals[i];
        }
        free(n->local.keys);
        free(n->local.vals);
        n->local.keys = keys;
        n->local.vals = vals;
        n->local.cap = ncap;
    }
    uint64_t key = ((uint64_t)(leaf + 1) << 32) | p->id;
    uint32_t j = hash_mix(key) & (n->local.cap - 1);
    for (; n->local.keys[j]; j = (j + 1) & (n->local.cap - 1))
        if (n->local.keys[j] == key) return n->local.vals[j];
    Leaf *l = &n->leaves[leaf];
    uint32_t id = l->n;
    if (id == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->terms = xrealloc(l->terms, l->cap * sizeof *l->terms);
        l->first = xrealloc(l->first, l->cap * sizeof *l->first);
        l->count = xrealloc(l->count, l->cap * sizeof *l->count);
    }
    l->terms[id] = p;
    l->first[id] = NONE;
    l->count[id] = 0;
    if (p->kind == PROC_OMEGA) l->omega = id;
    l->n++;
    if (n->packed && (n->fields[leaf].n_marks + l->n - 1) >> n->fields[leaf].bits) n->widen = true;
    n->local.keys[j] = key;
    n->local.vals[j] = id;
    n->local.n++;
    return id;
}

/* What sem makes of a component that becomes P \ B under hiding of A
 * with B in A: (P \ B) \ A is P \ A, so the component is P. */
static const Proc *under_hiding(Net *n, uint32_t leaf, const Proc *p)
{
    uint32_t up = n->leaves[leaf].hidden_by;
    while (up != NONE && p->kind == PROC_HIDE) {
        const EventSet *b = p->set;
        for (uint32_t i = 0; i < b->n; i++)
            if (!proc_in_set(n->nodes[up].term->set, b->ev[i])) return p;
        p = p->kids[0];
    }
    return p;
}

/* The transitions of local state v of a leaf (into n->lt, or n->once for
 * a single component, which is not cached). NULL after a reported error. */
static const LocalTrans *local_transitions(Net *n, uint32_t leaf, uint32_t v, uint32_t *count)
{
    Leaf *l = &n->leaves[leaf];
    if (l->first[v] != NONE) {
        *count = l->count[v];
        return n->lt + l->first[v];
    }
    if (n->peeking) return NULL;
    uint32_t m;
    const Trans *ts = proc_transitions_once(n->t, l->terms[v], &m);
    if (!ts) return NULL;
    /* proc_state below may unfold terms: keep a copy of ts first. */
    Trans small[16];
    Trans *copy = m <= 16 ? small : xmalloc(m * sizeof *copy);
    memcpy(copy, ts, m * sizeof *copy);
    n->once = grow(n->once, &n->cap_once, m + 1, sizeof *n->once);
    bool ok = true;
    for (uint32_t k = 0; k < m && ok; k++) {
        const Proc *next = copy[k].next;
        if (next->kind == PROC_CALL) next = proc_state(n->t, next);
        if (!next) ok = false;
        else next = under_hiding(n, leaf, next);
        if (!ok) break;
        else n->once[k] = (LocalTrans){ copy[k].event, local_of(n, leaf, next) };
    }
    if (copy != small) free(copy);
    if (!ok) return NULL;
    *count = m;
    if (n->single) return n->once;
    l = &n->leaves[leaf];   /* local_of may have moved it */
    n->lt = grow(n->lt, &n->cap_lt, n->n_lt + m + 1, sizeof *n->lt);
    memcpy(n->lt + n->n_lt, n->once, m * sizeof *n->lt);
    l->first[v] = n->n_lt;
    l->count[v] = m;
    n->n_lt += m;
    return n->lt + l->first[v];
}

/* ---- compiling the static top of a term ---- */

static NetKind node_kind(const Proc *p)
{
    switch ((ProcKind)p->kind) {
    case PROC_PAR: case PROC_ALPHA: return NK_PAR;
    case PROC_HIDE: return NK_HIDE;
    case PROC_RENAME: return NK_RENAME;
    case PROC_LINK: return NK_LINK;
    case PROC_PRIO: return NK_PRIO;
    case PROC_PRIOPO: return NK_PRIOPO;
    default: return NK_LEAF;
    }
}

static uint32_t compile(Net *n, const Proc *p, uint32_t depth)
{
    uint32_t id = n->n_nodes++;
    n->nodes = grow(n->nodes, &n->cap_nodes, n->n_nodes, sizeof *n->nodes);
    NetKind kind = depth < NET_MAX_DEPTH ? node_kind(p) : NK_LEAF;
    n->nodes[id] = (NetNode){ .kind = (uint8_t)kind, .first = n->n_leaves, .term = p };
    if (kind == NK_LEAF) {
        n->nodes[id].n_leaves = 1;
        uint32_t leaf = n->n_leaves++;
        n->leaves = grow(n->leaves, &n->cap_leaves, n->n_leaves, sizeof *n->leaves);
        memset(&n->leaves[leaf], 0, sizeof n->leaves[leaf]);
        n->leaves[leaf].omega = NONE;
        n->leaves[leaf].hidden_by = NONE;
        return id;
    }
    uint32_t *kids = xmalloc(p->n * sizeof *kids);
    for (uint32_t i = 0; i < p->n; i++) kids[i] = compile(n, p->kids[i], depth + 1);
    n->nodes[id].n_leaves = n->n_leaves - n->nodes[id].first;
    n->nodes[id].kids = kids;
    n->nodes[id].n_kids = p->n;
    if (kind == NK_HIDE && n->nodes[kids[0]].kind == NK_LEAF) n->leaves[n->nodes[kids[0]].first].hidden_by = id;
    return id;
}

static int32_t build_tree(Net *n, uint32_t lo, uint32_t hi, int32_t parent)
{
    if (hi - lo == 1) {
        n->leaf_parent[lo] = parent;
        return -(int32_t)lo - 1;
    }
    int32_t me = (int32_t)n->n_tree++;
    n->tree[me].parent = parent;
    uint32_t mid = lo + (hi - lo) / 2;
    int32_t l = build_tree(n, lo, mid, me);
    int32_t r = build_tree(n, mid, hi, me);
    n->tree[me].left = l;
    n->tree[me].right = r;
    return me;
}

/* ---- packed states ---- */

static uint64_t pack(const Net *n, const Field *fields, const uint32_t *vals)
{
    uint64_t key = 0;
    for (uint32_t l = 0; l < n->n_leaves; l++) key |= field_code(&fields[l], vals[l]) << fields[l].shift;
    return key;
}

static void unpack(const Net *n, const Field *fields, uint64_t key, uint32_t *vals)
{
    for (uint32_t l = 0; l < n->n_leaves; l++)
        vals[l] = field_value(&fields[l], key >> fields[l].shift & field_mask(&fields[l]));
}

static uint64_t stored_key(const Net *n, uint32_t state)
{
    return n->states.ab[2 * state] | (uint64_t)n->states.ab[2 * state + 1] << 32;
}

static uint32_t bits_for(uint64_t codes)
{
    uint32_t b = 1;
    while (b < 64 && ((uint64_t)1 << b) < codes) b++;
    return b;
}

/* Fields wide enough for every leaf's codes so far: their total bits. */
static uint32_t lay_out(Net *n, Field *fields)
{
    uint32_t at = 0;
    for (uint32_t l = 0; l < n->n_leaves; l++) {
        Field *f = &fields[l];
        uint64_t codes = (uint64_t)f->n_marks + n->leaves[l].n;
        if (((uint64_t)1 << f->bits) < codes) f->bits = (uint8_t)bits_for(codes);
        f->shift = (uint8_t)(at < 64 ? at : 0);
        at += f->bits;
    }
    return at;
}

/* ---- states ---- */

/* Fills vals and ids from a stored state. */
static void decode(Net *n, uint32_t state, uint32_t *vals, uint32_t *ids)
{
    if (n->single) {
        vals[0] = state;
        return;
    }
    if (n->packed) {
        unpack(n, n->fields, stored_key(n, state), vals);
        return;
    }
    for (uint32_t i = 0; i < n->n_tree; i++) {
        const uint32_t *ab = i == 0 ? &n->states.ab[2 * state] : &n->inner.ab[2 * ids[i]];
        int32_t kid[2] = { n->tree[i].left, n->tree[i].right };
        for (int s = 0; s < 2; s++) {
            if (kid[s] < 0) vals[-kid[s] - 1] = ab[s];
            else ids[kid[s]] = ab[s];
        }
    }
}

static uint32_t ref_value(const uint32_t *vals, const uint32_t *ids, int32_t ref)
{
    return ref < 0 ? vals[-ref - 1] : ids[ref];
}

static uint32_t encode_node(Net *n, uint32_t i, const uint32_t *vals, const uint32_t *ids)
{
    uint32_t a = ref_value(vals, ids, n->tree[i].left), b = ref_value(vals, ids, n->tree[i].right);
    return i == 0 ? pair_id(&n->states, a, b) : pair_id(&n->inner, a, b);
}

/* The root pair of the state reached from the one in vals/ids by a
 * record's changes: the inner pairs below it are interned on the way. The
 * changes are made in place and undone, so a step costs what it changes,
 * not the size of the vector. */
static void successor_root(Net *n, const Rec *r, uint32_t *a, uint32_t *b)
{
    const Change *c = n->chg + r->first;
    uint32_t *old_vals = n->nvals, *old_ids = n->nids;
    uint32_t n_dirty = 0;
    for (uint32_t k = 0; k < r->n; k++) {
        old_vals[k] = n->vals[c[k].leaf];
        n->vals[c[k].leaf] = c[k].val;
        for (int32_t i = n->leaf_parent[c[k].leaf]; i > 0 && !n->dirty[i]; i = n->tree[i].parent) {
            n->dirty[i] = 1;
            n->dirty_list[n_dirty++] = (uint32_t)i;
        }
    }
    for (uint32_t k = 1; k < n_dirty; k++)   /* descending: children before parents */
        for (uint32_t m = k; m > 0 && n->dirty_list[m - 1] < n->dirty_list[m]; m--) {
            uint32_t tmp = n->dirty_list[m];
            n->dirty_list[m] = n->dirty_list[m - 1];
            n->dirty_list[m - 1] = tmp;
        }
    for (uint32_t k = 0; k < n_dirty; k++) {
        uint32_t i = n->dirty_list[k];
        n->dirty[i] = 0;
        old_ids[k] = n->ids[i];
        n->ids[i] = encode_node(n, i, n->vals, n->ids);
    }
    *a = ref_value(n->vals, n->ids, n->tree[0].left);
    *b = ref_value(n->vals, n->ids, n->tree[0].right);
    for (uint32_t k = n_dirty; k-- > 0;) n->ids[n->dirty_list[k]] = old_ids[k];
    for (uint32_t k = r->n; k-- > 0;) n->vals[c[k].leaf] = old_vals[k];
}

/* The same for packed states: the fields the record changes. */
static void successor_key(const Net *n, const Rec *r, uint32_t *a, uint32_t *b)
{
    uint64_t key = n->key;
    const Change *c = n->chg + r->first;
    for (uint32_t k = 0; k < r->n; k++) {
        const Field *f = &n->fields[c[k].leaf];
        key = (key & ~(field_mask(f) << f->shift)) | field_code(f, c[k].val) << f->shift;
    }
    *a = (uint32_t)key;
    *b = (uint32_t)(key >> 32);
}

static void memos_clear(Net *n);

/* A leaf has outgrown its field: the stored states are packed again with
 * wider fields or, past 64 bits, stored as trees. Either way each keeps
 * its id (they are re-interned in order). cur is the state held in vals
 * (NONE before the first is stored). */
static void widen(Net *n, uint32_t cur)
{
    n->widen = false;
    n->epoch++;
    memos_clear(n);
    Field *old = xmalloc(n->n_leaves * sizeof *old);
    memcpy(old, n->fields, n->n_leaves * sizeof *old);
    uint32_t *vals = n->nvals, *ids = n->nids;   /* scratch: no successor is being built */
    if (lay_out(n, n->fields) <= 64) {
        for (uint32_t e = 0; e < n->states.n; e++) {
            unpack(n, old, stored_key(n, e), vals);
            uint64_t key = pack(n, n->fields, vals);
            n->states.ab[2 * e] = (uint32_t)key;
            n->states.ab[2 * e + 1] = (uint32_t)(key >> 32);
        }
        if (n->states.cap) pairs_rebuild(&n->states, n->states.cap);
        if (n->states.recent) memset(n->states.recent, 0, sizeof *n->states.recent << NET_RECENT_BITS);
        n->key = pack(n, n->fields, n->vals);
    } else {
        PairTable trees = { 0 };
        for (uint32_t e = 0; e < n->states.n; e++) {
            unpack(n, old, stored_key(n, e), vals);
            for (uint32_t i = n->n_tree; i-- > 1;) ids[i] = encode_node(n, i, vals, ids);
            pair_id(&trees, ref_value(vals, ids, n->tree[0].left), ref_value(vals, ids, n->tree[0].right));
        }
        trees.recent = n->states.recent;   /* its entries name keys no more */
        n->states.recent = NULL;
        if (trees.recent) memset(trees.recent, 0, sizeof *trees.recent << NET_RECENT_BITS);
        pairs_free(&n->states);
        n->states = trees;
        n->packed = false;
        for (uint32_t i = n->n_tree; i-- > 1;) n->ids[i] = encode_node(n, i, n->vals, n->ids);
        n->ids[0] = cur;
    }
    free(old);
}

/* ---- the firing rules over the network (the order of sem.c) ---- */

static bool leaf_done(Net *n, uint32_t leaf)
{
    uint32_t v = n->vals[leaf];
    return v >= MARK || v == n->leaves[leaf].omega;
}

static bool done(Net *n, uint32_t node)
{
    const NetNode *x = &n->nodes[node];
    switch ((NetKind)x->kind) {
    case NK_LEAF: return leaf_done(n, x->first);
    case NK_HIDE: case NK_RENAME: case NK_PRIO: case NK_PRIOPO: return done(n, x->kids[0]);
    default: {
        uint32_t v = n->vals[x->first];
        return v >= MARK && v - MARK <= node;
    }
    }
}

static uint32_t add_change(Net *n, uint32_t leaf, uint32_t val)
{
    n->chg = grow(n->chg, &n->cap_chg, n->n_chg + 1, sizeof *n->chg);
    n->chg[n->n_chg] = (Change){ leaf, val };
    return n->n_chg++;
}

static void add_rec(Net *n, uint32_t event, uint32_t first, uint32_t count)
{
    n->recs = grow(n->recs, &n->cap_recs, n->n_recs + 1, sizeof *n->recs);
    n->recs[n->n_recs++] = (Rec){ event, first, count };
}

/* A record whose changes are those of several records (distinct leaves). */
static void add_joined(Net *n, uint32_t event, const uint32_t *which, uint32_t k)
{
    uint32_t first = n->n_chg, total = 0;
    for (uint32_t i = 0; i < k; i++) {
        Rec r = n->recs[which[i]];
        for (uint32_t m = 0; m < r.n; m++) add_change(n, n->chg[r.first + m].leaf, n->chg[r.first + m].val);
        total += r.n;
    }
    add_rec(n, event, first, total);
}

static bool gen(Net *n, uint32_t node, Range *out);

static bool range_has(const Net *n, Range r, uint32_t ev)
{
    for (uint32_t k = r.lo; k < r.hi; k++)
        if (n->recs[k].event == ev) return true;
    return false;
}


/* How node x treats visible event ev (cached per node and event). */
static const Route *route(NetNode *x, uint32_t ev)
{
    if (x->stuck && (ev >= x->cap_routes || !x->routes[ev].known)) {
        static const Route unknown = { NULL, 0, false };
        *x->stuck = true;   /* the expansion is void: net_learn works this out */
        return &unknown;
    }
    if (ev >= x->cap_routes) {
        uint32_t cap = x->cap_routes;
        x->routes = grow(x->routes, &x->cap_routes, ev + 1, sizeof *x->routes);
        memset(x->routes + cap, 0, (x->cap_routes - cap) * sizeof *x->routes);
    }
    Route *r = &x->routes[ev];
    if (r->known) return r;
    const Proc *p = x->term;
    if (p->kind == PROC_ALPHA) r->parts = proc_alpha_parts(p->alpha, ev, &r->n);
    else if (p->kind == PROC_PAR) r->n = proc_in_set(p->set, ev) ? x->n_kids : 0;
    else if (p->kind == PROC_HIDE) r->n = proc_in_set(p->set, ev);
    else if (p->kind == PROC_PRIO) r->n = proc_prio_level(p->rel, ev);
    else if (p->kind == PROC_PRIOPO) r->parts = proc_po_above(p->rel, ev, &r->n);
    else if (p->kind == PROC_RENAME) {
        uint32_t *to = NULL, n = 0, cap = 0;
        for (uint32_t i = 0; i < p->rel->n; i++)
            if (p->rel->pair[2 * i] == ev) {
                to = grow(to, &cap, n + 1, sizeof *to);
                to[n++] = p->rel->pair[2 * i + 1];
            }
        r->parts = to;
        r->n = n;
    }
    r->known = true;
    return r;
}

static bool takes_part(const Route *r, uint32_t kid)
{
    for (uint32_t k = 0; k < r->n; k++)
        if (net_part(r->parts, k) == kid) return true;
    return false;
}

/* A kid of a parallel with many records is looked up by event through a
 * small hash table (built per expansion) of each event's first record,
 * its records chained in order: a parallel of components with many moves
 * each (Roscoe's knight's tours: 64 squares) would otherwise scan a
 * participant's records for each of its events. Below INDEX_FROM records,
 * a scan costs less. */
enum { INDEX_FROM = 32 };

typedef struct {
    uint32_t *first;            /* by hash of the event: its first record + 1 (0: none); NULL: not indexed */
    uint32_t *last;             /* beside first: its last record so far */
    uint32_t *next;             /* by record - lo: the next record with its event, NONE if none */
    uint32_t lo, mask;
} RecIndex;

static uint32_t index_slot(const Net *n, const RecIndex *ix, uint32_t ev)
{
    uint32_t j = hash_mix(ev) & ix->mask;
    while (ix->first[j] && n->recs[ix->first[j] - 1].event != ev) j = (j + 1) & ix->mask;
    return j;
}

/* Built on the first lookup in the kid, so a kid whose events no other
 * shares (interleaving) costs nothing. */
static void index_records(const Net *n, Range r, RecIndex *ix)
{
    uint32_t m = r.hi - r.lo;
    uint32_t cap = 1;
    while (cap < 2 * m) cap *= 2;
    ix->first = xcalloc(2 * (size_t)cap + m, sizeof *ix->first);
    ix->last = ix->first + cap;
    ix->next = ix->last + cap;
    ix->lo = r.lo;
    ix->mask = cap - 1;
    for (uint32_t k = r.lo; k < r.hi; k++) {
        uint32_t j = index_slot(n, ix, n->recs[k].event);
        ix->next[k - r.lo] = NONE;
        if (ix->first[j]) ix->next[ix->last[j] - r.lo] = k;
        else ix->first[j] = k + 1;
        ix->last[j] = k;
    }
}

/* The first record with event ev in kid range r (indexed by ix), NONE if none. */
static uint32_t first_record(const Net *n, Range r, RecIndex *ix, uint32_t ev)
{
    if (!ix->first && r.hi - r.lo >= INDEX_FROM) index_records(n, r, ix);
    if (!ix->first) {
        for (uint32_t k = r.lo; k < r.hi; k++)
            if (n->recs[k].event == ev) return k;
        return NONE;
    }
    uint32_t j = index_slot(n, ix, ev);
    return ix->first[j] ? ix->first[j] - 1 : NONE;
}

/* Every way the participants can do ev together, first participant
 * outermost, each participant's records in their order. */
static void combine(Net *n, uint32_t ev, const Range *kid, RecIndex *ix, const uint32_t *parts,
                    uint32_t n_parts, uint32_t k, uint32_t *chosen)
{
    if (k == n_parts) {
        add_joined(n, ev, chosen, n_parts);
        return;
    }
    uint32_t q = net_part(parts, k);
    Range r = kid[q];
    if (ix[q].first) {
        for (uint32_t m = first_record(n, r, &ix[q], ev); m != NONE; m = ix[q].next[m - ix[q].lo]) {
            chosen[k] = m;
            combine(n, ev, kid, ix, parts, n_parts, k + 1, chosen);
        }
        return;
    }
    for (uint32_t m = r.lo; m < r.hi; m++) {
        if (n->recs[m].event != ev) continue;
        chosen[k] = m;
        combine(n, ev, kid, ix, parts, n_parts, k + 1, chosen);
    }
}

/* sem's joint tick: when every kid has a tick record, one tick whose
 * changes are the kids' first ticks' and then MARK + node on the node's
 * first leaf (the node is Omega as a whole). */
static void joint_tick(Net *n, uint32_t node, const Range *kid)
{
    const NetNode *x = &n->nodes[node];
    uint32_t first = n->n_chg, total = 0;
    for (uint32_t i = 0; i < x->n_kids; i++)
        if (!range_has(n, kid[i], EVENT_TICK)) return;
    for (uint32_t i = 0; i < x->n_kids; i++) {
        uint32_t k = kid[i].lo;
        while (n->recs[k].event != EVENT_TICK) k++;
        Rec r = n->recs[k];
        for (uint32_t m = 0; m < r.n; m++) add_change(n, n->chg[r.first + m].leaf, n->chg[r.first + m].val);
        total += r.n;
    }
    add_change(n, x->first, MARK + node);
    add_rec(n, EVENT_TICK, first, total + 1);
}

static bool gen_par(Net *n, uint32_t node, Range *out)
{
    NetNode *x = &n->nodes[node];
    const Proc *p = x->term;
    Range small[8];
    Range *kid = x->n_kids <= 8 ? small : xmalloc(x->n_kids * sizeof *kid);
    bool ok = true;
    for (uint32_t i = 0; i < x->n_kids && ok; i++) ok = gen(n, x->kids[i], &kid[i]);
    uint32_t chosen_small[8], *chosen = x->n_kids <= 8 ? chosen_small : xmalloc(x->n_kids * sizeof *chosen);
    RecIndex ix_small[8], *ix = x->n_kids <= 8 ? ix_small : xmalloc(x->n_kids * sizeof *ix);
    for (uint32_t i = 0; i < x->n_kids; i++) ix[i].first = NULL;   /* built when first looked up */
    out->lo = n->n_recs;
    for (uint32_t i = 0; i < x->n_kids && ok; i++) {
        for (uint32_t k = kid[i].lo; k < kid[i].hi; k++) {
            Rec r = n->recs[k];
            if (r.event == EVENT_TICK) continue;   /* joint: below */
            if (r.event == EVENT_TAU) {
                add_rec(n, EVENT_TAU, r.first, r.n);
                continue;
            }
            const Route *rt = route(x, r.event);
            const uint32_t *parts = rt->parts;
            uint32_t n_parts = rt->n;
            if (p->kind == PROC_ALPHA && !takes_part(rt, i)) continue;   /* blocked */
            if (n_parts <= 1) {
                add_rec(n, r.event, r.first, r.n);
                continue;
            }
            if (net_part(parts, 0) != i) continue;   /* listed where its first participant lists it */
            if (first_record(n, kid[i], &ix[i], r.event) != k) continue;   /* and at its first record */
            bool all = true;
            for (uint32_t q = 0; q < n_parts && all; q++) {
                uint32_t part = net_part(parts, q);
                all = first_record(n, kid[part], &ix[part], r.event) != NONE;
            }
            if (all) combine(n, r.event, kid, ix, parts, n_parts, 0, chosen);
        }
    }
    if (ok) joint_tick(n, node, kid);
    out->hi = n->n_recs;
    for (uint32_t i = 0; i < x->n_kids; i++) free(ix[i].first);
    if (kid != small) free(kid);
    if (chosen != chosen_small) free(chosen);
    if (ix != ix_small) free(ix);
    return ok;
}

static bool gen_link(Net *n, uint32_t node, Range *out)
{
    const NetNode *x = &n->nodes[node];
    const EventRel *rel = x->term->rel;
    Range kid[2];
    if (!gen(n, x->kids[0], &kid[0]) || !gen(n, x->kids[1], &kid[1])) return false;
    out->lo = n->n_recs;
    for (int side = 0; side < 2; side++)
        for (uint32_t k = kid[side].lo; k < kid[side].hi; k++) {
            Rec r = n->recs[k];
            if (r.event == EVENT_TAU) add_rec(n, EVENT_TAU, r.first, r.n);
            else if (r.event != EVENT_TICK && !proc_rel_has(rel, r.event, side)) add_rec(n, r.event, r.first, r.n);
        }
    for (uint32_t a = kid[0].lo; a < kid[0].hi; a++)
        for (uint32_t b = kid[1].lo; b < kid[1].hi; b++)
            for (uint32_t i = 0; i < rel->n; i++)
                if (rel->pair[2 * i] == n->recs[a].event && rel->pair[2 * i + 1] == n->recs[b].event) {
                    uint32_t pair[2] = { a, b };
                    add_joined(n, EVENT_TAU, pair, 2);
                }
    joint_tick(n, node, kid);
    out->hi = n->n_recs;
    return true;
}

/* The transitions of a subtree in the current state, as records in
 * recs[out->lo .. out->hi), worked out here. */
static bool gen_here(Net *n, uint32_t node, Range *out)
{
    NetNode *x = &n->nodes[node];
    switch ((NetKind)x->kind) {
    case NK_LEAF: {
        out->lo = out->hi = n->n_recs;
        uint32_t v = n->vals[x->first];
        if (v >= MARK) return true;
        uint32_t m;
        const LocalTrans *ts = local_transitions(n, x->first, v, &m);
        if (!ts) return false;
        for (uint32_t k = 0; k < m; k++) add_rec(n, ts[k].event, add_change(n, x->first, ts[k].next), 1);
        out->hi = n->n_recs;
        return true;
    }
    case NK_HIDE: {
        if (!gen(n, x->kids[0], out)) return false;
        for (uint32_t k = out->lo; k < out->hi; k++) {
            uint32_t ev = n->recs[k].event;
            if (ev != EVENT_TICK && ev != EVENT_TAU && route(x, ev)->n) n->recs[k].event = EVENT_TAU;
        }
        return true;
    }
    case NK_RENAME: {
        Range in;
        if (!gen(n, x->kids[0], &in)) return false;
        out->lo = n->n_recs;
        for (uint32_t k = in.lo; k < in.hi; k++) {
            Rec r = n->recs[k];
            const Route *rt = r.event > EVENT_TICK ? route(x, r.event) : NULL;
            if (!rt || rt->n == 0) add_rec(n, r.event, r.first, r.n);
            else
                for (uint32_t i = 0; i < rt->n; i++) add_rec(n, rt->parts[i], r.first, r.n);
        }
        out->hi = n->n_recs;
        return true;
    }
    case NK_PRIO: {
        /* sem's prio_rules: only the records at the best level present
         * (tau and tick are level 1), and those of unprioritised events. */
        if (!gen(n, x->kids[0], out)) return false;
        uint32_t best = UINT32_MAX, kept = out->lo;
        for (uint32_t pass = 0; pass < 2; pass++)
            for (uint32_t k = out->lo; k < out->hi; k++) {
                uint32_t ev = n->recs[k].event, level = 1;
                if (ev != EVENT_TAU && ev != EVENT_TICK) level = route(x, ev)->n;
                if (pass == 0 && level && level < best) best = level;
                if (pass == 1 && level <= best) n->recs[kept++] = n->recs[k];
            }
        if (out->hi == n->n_recs) n->n_recs = kept;
        out->hi = kept;
        return true;
    }
    case NK_PRIOPO: {
        /* sem's priopo_rules: a record goes unless an event above its
         * event (tau and tick above the non-maximal ones) has a record. */
        if (!gen(n, x->kids[0], out)) return false;
        n->held = grow(n->held, &n->cap_held, out->hi - out->lo + 1, sizeof *n->held);
        for (uint32_t k = out->lo; k < out->hi; k++) {
            uint32_t ev = n->recs[k].event;
            const Route *rt = ev > EVENT_TICK ? route(x, ev) : NULL;
            bool held = false;
            for (uint32_t i = 0; rt && i < rt->n && !held; i++)
                for (uint32_t j = out->lo; j < out->hi && !held; j++)
                    held = n->recs[j].event == rt->parts[2 * i + 1];
            n->held[k - out->lo] = held;
        }
        uint32_t kept = out->lo;
        for (uint32_t k = out->lo; k < out->hi; k++)
            if (!n->held[k - out->lo]) n->recs[kept++] = n->recs[k];
        if (out->hi == n->n_recs) n->n_recs = kept;
        out->hi = kept;
        return true;
    }
    case NK_LINK: return !done(n, node) ? gen_link(n, node, out) : (out->lo = out->hi = n->n_recs, true);
    case NK_PAR: return !done(n, node) ? gen_par(n, node, out) : (out->lo = out->hi = n->n_recs, true);
    }
    return false;
}

/* ---- memos: a subtree's records by the codes of its leaves ---- */

/* In a packed network, the records of an operator node below the root
 * depend only on its leaves' values, which are a slice of the packed word:
 * a subtree met again in that slice (a philosopher and his fork in one of
 * their few joint states) replays its records instead of working them out.
 * A memo that rarely hits is dropped; all are dropped when fields widen. */
typedef struct {
    uint32_t rec, n_recs;      /* records in n->memo.recs */
    uint32_t chg, n_chg;       /* and their changes in n->memo.chg */
} MemoEntry;

typedef struct Memo {
    bool off;
    uint8_t shift;             /* the slice in the packed word: key >> shift & mask */
    uint64_t mask;
    SliceMap map;              /* slice -> entry */
    MemoEntry *at;
    uint32_t n, cap;
    uint32_t hits, misses;
} Memo;

enum { MEMO_TRIAL = 1024, MEMO_MAX_RECS = 1u << 22 };

void net_slices_init(SliceMap *m, uint32_t bits)
{
    *m = (SliceMap){ .direct = bits <= NET_DIRECT_BITS };
    if (m->direct) {
        m->cap = 1u << bits;
        m->vals = xmalloc(m->cap * sizeof *m->vals);
        memset(m->vals, 0xFF, m->cap * sizeof *m->vals);   /* NONE */
    }
}

/* Where slice s's value is, or the empty place where it would go. */
static uint32_t *slice_place(const SliceMap *m, uint64_t s)
{
    if (m->direct) return &m->vals[s];
    uint32_t j = hash_mix(s) & (m->cap - 1);
    while (m->vals[j] != NONE && m->keys[j] != s) j = (j + 1) & (m->cap - 1);
    return &m->vals[j];
}

uint32_t net_slices_get(const SliceMap *m, uint64_t s) { return m->cap ? *slice_place(m, s) : NONE; }

void net_slices_put(SliceMap *m, uint64_t s, uint32_t v)
{
    if (!m->direct && (m->n + 1) * 2 > m->cap) {
        SliceMap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->keys = xmalloc(m->cap * sizeof *m->keys);
        m->vals = xmalloc(m->cap * sizeof *m->vals);
        memset(m->vals, 0xFF, m->cap * sizeof *m->vals);
        m->n = 0;
        for (uint32_t i = 0; i < old.cap; i++)
            if (old.vals[i] != NONE) net_slices_put(m, old.keys[i], old.vals[i]);
        net_slices_free(&old);
    }
    uint32_t *at = slice_place(m, s);
    if (!m->direct) {
        m->keys[at - m->vals] = s;
        m->n += *at == NONE;
    }
    *at = v;
}

void net_slices_free(SliceMap *m)
{
    free(m->keys);
    free(m->vals);
}

static void memo_free(Memo *m)
{
    if (!m) return;
    net_slices_free(&m->map);
    free(m->at);
    free(m);
}

/* Slices change meaning with the layout: memos start again. */
static void memos_clear(Net *n)
{
    for (uint32_t i = 0; i < n->n_nodes; i++) {
        memo_free(n->nodes[i].memo);
        n->nodes[i].memo = NULL;
    }
    n->memo.n_recs = n->memo.n_chg = 0;
}

static uint32_t slice_bits(const Net *n, const NetNode *x)
{
    const Field *last = &n->fields[x->first + x->n_leaves - 1];
    return last->shift + last->bits - n->fields[x->first].shift;
}

static uint64_t slice_of(const Net *n, const NetNode *x)
{
    uint64_t key = 0;
    uint32_t base = n->fields[x->first].shift;
    for (uint32_t l = x->first; l < x->first + x->n_leaves; l++)
        key |= field_code(&n->fields[l], n->vals[l]) << (n->fields[l].shift - base);
    return key;
}

static Memo *memo_new(const Net *n, const NetNode *x)
{
    Memo *m = xcalloc(1, sizeof *m);
    uint32_t bits = slice_bits(n, x);
    m->shift = n->fields[x->first].shift;
    m->mask = bits < 64 ? ((uint64_t)1 << bits) - 1 : UINT64_MAX;
    net_slices_init(&m->map, bits);
    return m;
}

static void memo_replay(Net *n, const MemoEntry *e, Range *out)
{
    n->recs = grow(n->recs, &n->cap_recs, n->n_recs + e->n_recs, sizeof *n->recs);
    n->chg = grow(n->chg, &n->cap_chg, n->n_chg + e->n_chg, sizeof *n->chg);
    if (e->n_chg) memcpy(n->chg + n->n_chg, n->memo.chg + e->chg, e->n_chg * sizeof *n->chg);
    uint32_t moved = n->n_chg - e->chg;
    out->lo = n->n_recs;
    for (uint32_t k = 0; k < e->n_recs; k++) {
        Rec r = n->memo.recs[e->rec + k];
        r.first += moved;
        n->recs[n->n_recs++] = r;
    }
    out->hi = n->n_recs;
    n->n_chg += e->n_chg;
}

static void memo_store(Net *n, Memo *m, uint64_t key, Range in)
{
    if (n->memo.n_recs + (in.hi - in.lo) > MEMO_MAX_RECS) return;
    m->at = grow(m->at, &m->cap, m->n + 1, sizeof *m->at);
    MemoEntry *e = &m->at[m->n];
    net_slices_put(&m->map, key, m->n++);
    *e = (MemoEntry){ n->memo.n_recs, in.hi - in.lo, n->memo.n_chg, 0 };
    for (uint32_t k = in.lo; k < in.hi; k++) {
        Rec r = n->recs[k];
        n->memo.chg = grow(n->memo.chg, &n->memo.cap_chg, n->memo.n_chg + r.n, sizeof *n->memo.chg);
        if (r.n) memcpy(n->memo.chg + n->memo.n_chg, n->chg + r.first, r.n * sizeof *n->chg);
        n->memo.recs = grow(n->memo.recs, &n->memo.cap_recs, n->memo.n_recs + 1, sizeof *n->memo.recs);
        n->memo.recs[n->memo.n_recs++] = (Rec){ r.event, n->memo.n_chg, r.n };
        n->memo.n_chg += r.n;
        e->n_chg += r.n;
    }
}

static bool gen(Net *n, uint32_t node, Range *out)
{
    NetNode *x = &n->nodes[node];
    /* Fields are trusted only while no leaf has outgrown its own. */
    if (x->kind == NK_LEAF || node == 0 || !n->packed || n->widen || (x->memo && x->memo->off))
        return gen_here(n, node, out);
    if (!x->memo) x->memo = memo_new(n, x);
    Memo *m = x->memo;
    uint64_t key = n->vals_packed ? n->key >> m->shift & m->mask : slice_of(n, x);
    uint32_t known = net_slices_get(&m->map, key);
    if (known != NONE) {
        m->hits++;
        memo_replay(n, &m->at[known], out);
        return true;
    }
    if (!gen_here(n, node, out)) return false;
    if (x->stuck && *x->stuck) return true;   /* void records: not kept */
    if (++m->misses >= MEMO_TRIAL && m->misses > 4 * m->hits) {
        m->off = true;   /* a slice seldom seen twice: not worth keeping */
        return true;
    }
    memo_store(n, m, key, *out);
    return true;
}

/* ---- the interface ---- */

/* Each leaf's field: which terminated nodes it may hold. false when states
 * cannot be packed (a parallel of no components has no leaf of its own). */
static bool plan_fields(Net *n)
{
    n->fields = xcalloc(n->n_leaves, sizeof *n->fields);
    for (uint32_t l = 0; l < n->n_leaves; l++) n->fields[l].base = NONE;
    for (uint32_t i = 0; i < n->n_nodes; i++) {
        const NetNode *x = &n->nodes[i];
        if (x->kind != NK_LEAF && x->n_kids == 0) return false;
        Field *f = &n->fields[x->first];
        if (f->base == NONE) f->base = i;   /* the topmost node on the path down to the leaf */
        if (x->kind == NK_LEAF) f->n_marks = i - f->base;
    }
    return true;
}

Net *net_new(ProcTable *t, const Proc *p)
{
    p = proc_state(t, p);
    if (!p) return NULL;
    Net *n = xcalloc(1, sizeof *n);
    n->t = t;
    n->out_state = NONE;
    n->now.state = n->ahead.state = NONE;
    compile(n, p, 0);
    n->single = n->n_nodes == 1;   /* a lone component, not even under hiding */
    uint32_t L = n->width = n->n_leaves < 2 ? 2 : n->n_leaves;
    n->tree = xcalloc(L, sizeof *n->tree);
    n->leaf_parent = xcalloc(L, sizeof *n->leaf_parent);
    n->vals = xcalloc(L, sizeof *n->vals);
    n->nvals = xcalloc(L, sizeof *n->nvals);
    n->ids = xcalloc(L, sizeof *n->ids);
    n->nids = xcalloc(L, sizeof *n->nids);
    n->dirty = xcalloc(L, 1);
    n->dirty_list = xcalloc(L, sizeof *n->dirty_list);
    if (!n->single) {
        build_tree(n, 0, L, -1);
        n->states.recent = xcalloc((size_t)1 << NET_RECENT_BITS, sizeof *n->states.recent);
    }
    else n->leaf_parent[0] = -1;
    n->packed = !n->single && plan_fields(n);
    /* The initial state: each leaf's term at compile time. */
    for (uint32_t i = 0; i < n->n_nodes; i++)
        if (n->nodes[i].kind == NK_LEAF) n->vals[n->nodes[i].first] = local_of(n, n->nodes[i].first, n->nodes[i].term);
    if (n->packed) {
        widen(n, NONE);
        if (n->packed) {
            pair_id(&n->states, (uint32_t)n->key, (uint32_t)(n->key >> 32));
            return n;
        }
    }
    if (!n->single)
        for (uint32_t i = n->n_tree; i-- > 0;) {
            uint32_t id = encode_node(n, i, n->vals, n->ids);
            n->ids[i] = id;   /* ids[0] holds the root's state id */
        }
    return n;
}

void net_free(Net *n)
{
    if (!n) return;
    for (uint32_t i = 0; i < n->n_nodes; i++) {
        free(n->nodes[i].kids);
        if (n->nodes[i].kind == NK_RENAME)
            for (uint32_t e = 0; e < n->nodes[i].cap_routes; e++) free((void *)n->nodes[i].routes[e].parts);
        free(n->nodes[i].routes);
        memo_free(n->nodes[i].memo);
    }
    for (uint32_t i = 0; i < n->n_leaves; i++) {
        free(n->leaves[i].terms);
        free(n->leaves[i].first);
        free(n->leaves[i].count);
    }
    free(n->nodes);
    free(n->leaves);
    free(n->lt);
    free(n->local.keys);
    free(n->local.vals);
    pairs_free(&n->inner);
    pairs_free(&n->states);
    free(n->tree);
    free(n->leaf_parent);
    free(n->vals);
    free(n->nvals);
    free(n->ids);
    free(n->nids);
    free(n->dirty);
    free(n->dirty_list);
    free(n->fields);
    free(n->memo.recs);
    free(n->memo.chg);
    free(n->recs);
    free(n->held);
    free(n->chg);
    free(n->once);
    free(n->out);
    net_plan_free(n);
    free(n->plan_out);
    for (int i = 0; i < 2; i++) {
        Batch *b = i ? &n->now : &n->ahead;
        free(b->root);
        free(b->event);
        free(b->id);
    }
    free(n);
}

static void batch_room(Batch *b, uint32_t m)
{
    if (m <= b->cap) return;
    b->cap = m + m / 2;
    b->root = xrealloc(b->root, 3 * (size_t)b->cap * sizeof *b->root);
    b->event = xrealloc(b->event, (size_t)b->cap * sizeof *b->event);
    b->id = xrealloc(b->id, (size_t)b->cap * sizeof *b->id);
}

/* Successor k of a batch: root pair (a, c) by event; its slot is fetched
 * unless the recent entries know it. */
static void batch_put(Net *n, Batch *b, uint32_t k, uint32_t event, uint32_t a, uint32_t c)
{
    uint32_t *ab = &b->root[3 * k];
    ab[0] = a;
    ab[1] = c;
    ab[2] = pair_hash(a, c);
    b->id[k] = pair_recent(&n->states, a, c, ab[2]);
    if (b->id[k] == NONE) __builtin_prefetch(pair_slot(&n->states, ab[2]));
    b->event[k] = event;
}

static void batch_done(const Net *n, Batch *b, uint32_t state, uint32_t m)
{
    b->n = m;
    b->state = state;
    b->epoch = n->epoch;
}

/* Works out the successors of state into b: their events and root pairs,
 * whose slots in the table of states are fetched together (the table is
 * large, and each lookup would otherwise wait for memory on its own).
 * false after a reported runtime error, or, while peeking, when a
 * component's transitions are not known yet (nothing is reported). */
static bool batch_fill(Net *n, uint32_t state, Batch *b)
{
    b->state = NONE;
    if (n->packed) {
        uint32_t m;
        PlanResult pr = net_plan_expand(n, stored_key(n, state), &m);
        if (pr == PLAN_FAILED) return false;
        if (pr == PLAN_OK) {
            batch_room(b, m);
            for (uint32_t k = 0; k < m; k++) {
                uint64_t key = n->plan_out[k].key;
                batch_put(n, b, k, n->plan_out[k].event, (uint32_t)key, (uint32_t)(key >> 32));
            }
            batch_done(n, b, state, m);
            return true;
        }
    }
    decode(n, state, n->vals, n->ids);
    if (n->packed) n->key = stored_key(n, state);
    else n->ids[0] = state;
    n->n_recs = n->n_chg = 0;
    Range r;
    n->vals_packed = n->packed;
    bool ok = gen(n, 0, &r);
    n->vals_packed = false;
    if (!ok) return false;
    if (n->widen) widen(n, state);   /* never while peeking: no new local state */
    uint32_t m = r.hi - r.lo;
    batch_room(b, m);
    for (uint32_t k = 0; k < m; k++) {
        uint32_t a, c;
        if (n->packed) successor_key(n, &n->recs[r.lo + k], &a, &c);
        else successor_root(n, &n->recs[r.lo + k], &a, &c);
        batch_put(n, b, k, n->recs[r.lo + k].event, a, c);
    }
    batch_done(n, b, state, m);
    return true;
}

/* Works out next's successors ahead (see batch_fill), if every component
 * already knows its transitions there: no error can be reported early. */
static void peek(Net *n, uint32_t next)
{
    n->peeking = true;
    if (!batch_fill(n, next, &n->ahead)) n->ahead.state = NONE;
    n->peeking = false;
}

static const NetTrans *single_transitions(Net *n, uint32_t state, uint32_t *count)
{
    n->vals[0] = state;
    n->n_recs = n->n_chg = 0;
    Range r;
    if (!gen(n, 0, &r)) return NULL;
    uint32_t m = r.hi - r.lo;
    n->out = grow(n->out, &n->cap_out, m + 1, sizeof *n->out);
    for (uint32_t k = 0; k < m; k++)
        n->out[k] = (NetTrans){ n->recs[r.lo + k].event, n->chg[n->recs[r.lo + k].first].val };
    n->n_out = m;
    n->out_state = state;
    *count = m;
    return n->out;
}

const NetTrans *net_transitions_ahead(Net *n, uint32_t state, uint32_t next, uint32_t *count)
{
    if (state != n->out_state && n->single) return single_transitions(n, state, count);
    bool peek_next = next != NONE && next != state && !n->single;
    if (state == n->out_state) {
        if (peek_next && n->ahead.state != next) peek(n, next);
        *count = n->n_out;
        return n->out;
    }
    n->out_state = NONE;
    if (n->ahead.state != state || n->ahead.epoch != n->epoch)
        if (!batch_fill(n, state, &n->ahead)) return NULL;
    Batch b = n->now;   /* the filled batch becomes now's */
    n->now = n->ahead;
    n->ahead = b;
    n->ahead.state = NONE;
    b = n->now;
    /* The entries the slots name are not fetched ahead: more lines in
     * flight made one worker slower (DESIGN §7). */
    if (peek_next) peek(n, next);
    n->out = grow(n->out, &n->cap_out, b.n + 1, sizeof *n->out);
    for (uint32_t k = 0; k < b.n; k++) {
        const uint32_t *ab = &b.root[3 * k];
        uint32_t id = b.id[k] != NONE ? b.id[k] : pair_id_hashed(&n->states, ab[0], ab[1], ab[2]);
        n->out[k] = (NetTrans){ b.event[k], id };
    }
    n->n_out = b.n;
    n->out_state = state;
    *count = b.n;
    return n->out;
}

const NetTrans *net_transitions(Net *n, uint32_t state, uint32_t *count)
{
    return net_transitions_ahead(n, state, NONE, count);
}

bool net_terminated(Net *n, uint32_t state)
{
    decode(n, state, n->vals, n->ids);
    n->out_state = NONE;   /* vals now hold this state */
    return done(n, 0);
}

typedef struct {
    Net *n;
    const Proc *out;
} TermCall;

static const Proc *term_of(Net *n, uint32_t node)
{
    const NetNode *x = &n->nodes[node];
    if (done(n, node) && x->kind != NK_LEAF) return proc_leaf(n->t, PROC_OMEGA);
    if (x->kind == NK_LEAF) {
        uint32_t v = n->vals[x->first];
        return v >= MARK ? proc_leaf(n->t, PROC_OMEGA) : n->leaves[x->first].terms[v];
    }
    const Proc *small[8];
    const Proc **kids = x->n_kids <= 8 ? small : xmalloc(x->n_kids * sizeof *kids);
    for (uint32_t i = 0; i < x->n_kids; i++) kids[i] = term_of(n, x->kids[i]);
    const Proc *p = x->term;
    const Proc *r = proc_op(n->t, (ProcKind)p->kind, kids, x->n_kids, p->set,
                            p->kind == PROC_ALPHA ? p->sets : NULL, p->rel);
    if (kids != small) free(kids);
    return r;
}

static void term_call(void *ctx)
{
    TermCall *c = ctx;
    c->out = term_of(c->n, 0);
}

const Proc *net_term_now(Net *n)
{
    TermCall c = { n, NULL };
    return proc_guard(n->t, term_call, &c) ? c.out : NULL;
}

const Proc *net_term(Net *n, uint32_t state)
{
    decode(n, state, n->vals, n->ids);
    n->out_state = NONE;
    return net_term_now(n);
}

uint32_t net_states(const Net *n) { return n->single ? n->leaves[0].n : n->states.n; }
uint32_t net_components(const Net *n) { return n->n_leaves; }

size_t net_bytes(const Net *n)
{
    return (size_t)n->states.cap_ab * 4 + (size_t)n->states.cap * 4 + (size_t)n->inner.cap_ab * 4 +
           (size_t)n->inner.cap * 4 + (size_t)n->cap_lt * sizeof *n->lt + (size_t)n->local.cap * 12;
}

/* ---- keys and cursors ---- */

/* A cursor is a copy of the network that shares its components, leaves,
 * fields and routes (read only) and owns its scratch, its memos and its
 * nodes (whose routes point at the network's). */
struct NetCursor {
    Net net;
    Net *main;
    bool stuck;             /* the expansion met a route not known yet */
    uint32_t epoch;         /* the layout its memos were made in */
    NetKeyTrans *out;
    uint32_t cap_out;
};

bool net_keyed(const Net *n) { return n->packed && !n->single; }
uint32_t net_layout(const Net *n) { return n->epoch; }
uint64_t net_initial_key(const Net *n) { return stored_key(n, 0); }

uint64_t net_leaf_bits(const Net *n, uint32_t leaf)
{
    return net_keyed(n) && leaf < n->n_leaves ? field_mask(&n->fields[leaf]) << n->fields[leaf].shift : 0;
}

uint32_t net_state_of_key(Net *n, uint64_t key)
{
    n->out_state = NONE;
    n->now.state = n->ahead.state = NONE;
    return pair_id(&n->states, (uint32_t)key, (uint32_t)(key >> 32));
}

/* Copies the scratch and memos of from (a cursor's own parts) into to. */
static void own_parts(Net *to, const Net *from)
{
    to->nodes = from->nodes;
    to->vals = from->vals;
    to->ids = from->ids;
    to->nvals = from->nvals;
    to->nids = from->nids;
    to->dirty = from->dirty;
    to->dirty_list = from->dirty_list;
    to->recs = from->recs;
    to->n_recs = from->n_recs;
    to->cap_recs = from->cap_recs;
    to->chg = from->chg;
    to->n_chg = from->n_chg;
    to->cap_chg = from->cap_chg;
    to->once = from->once;
    to->cap_once = from->cap_once;
    to->now = from->now;
    to->ahead = from->ahead;
    to->out = from->out;
    to->n_out = from->n_out;
    to->cap_out = from->cap_out;
    to->out_state = NONE;
    to->memo.recs = from->memo.recs;
    to->memo.chg = from->memo.chg;
    to->memo.n_recs = from->memo.n_recs;
    to->memo.n_chg = from->memo.n_chg;
    to->memo.cap_recs = from->memo.cap_recs;
    to->memo.cap_chg = from->memo.cap_chg;
    to->plan = from->plan;
    to->plan_out = from->plan_out;
    to->cap_plan_out = from->cap_plan_out;
    to->peeking = true;   /* no component's transitions are worked out here */
    to->widen = false;
}

NetCursor *net_cursor_new(Net *m)
{
    NetCursor *c = xcalloc(1, sizeof *c);
    c->main = m;
    c->epoch = m->epoch;
    Net own = { 0 };
    uint32_t L = m->width;
    own.nodes = xcalloc(m->n_nodes, sizeof *own.nodes);
    own.vals = xcalloc(L, sizeof *own.vals);
    own.ids = xcalloc(L, sizeof *own.ids);
    own.nvals = xcalloc(L, sizeof *own.nvals);
    own.nids = xcalloc(L, sizeof *own.nids);
    own.dirty = xcalloc(L, 1);
    own.dirty_list = xcalloc(L, sizeof *own.dirty_list);
    own.now.state = own.ahead.state = NONE;
    c->net = *m;
    own_parts(&c->net, &own);
    net_cursor_sync(c);
    return c;
}

void net_cursor_sync(NetCursor *c)
{
    Net *n = &c->net, own = c->net;
    *n = *c->main;
    own_parts(n, &own);
    if (c->epoch != n->epoch) {   /* slices mean other things now */
        memos_clear(n);
        c->epoch = n->epoch;
    }
    for (uint32_t i = 0; i < n->n_nodes; i++) {
        struct Memo *memo = n->nodes[i].memo;
        n->nodes[i] = c->main->nodes[i];
        n->nodes[i].memo = memo;
        n->nodes[i].stuck = &c->stuck;
    }
}

void net_cursor_free(NetCursor *c)
{
    if (!c) return;
    Net *n = &c->net;
    for (uint32_t i = 0; i < n->n_nodes; i++) memo_free(n->nodes[i].memo);
    net_plan_free(n);
    free(n->plan_out);
    free(n->nodes);
    free(n->vals);
    free(n->ids);
    free(n->nvals);
    free(n->nids);
    free(n->dirty);
    free(n->dirty_list);
    free(n->recs);
    free(n->chg);
    free(n->once);
    free(n->out);
    free(n->memo.recs);
    free(n->memo.chg);
    free(c->out);
    free(c);
}

const NetKeyTrans *net_cursor_next(NetCursor *c, uint64_t key, uint32_t *count, bool *is_done)
{
    Net *n = &c->net;
    c->stuck = false;
    uint32_t m;
    PlanResult pr = net_plan_expand(n, key, &m);
    if (pr == PLAN_FAILED) return NULL;
    if (pr == PLAN_OK && m > 0) {   /* none: has it terminated? the records' way says */
        *is_done = false;
        *count = m;
        return n->plan_out;
    }
    unpack(n, n->fields, key, n->vals);
    n->key = key;
    n->n_recs = n->n_chg = 0;
    n->vals_packed = true;
    Range r;
    bool ok = gen(n, 0, &r);
    n->vals_packed = false;
    if (!ok || c->stuck) return NULL;
    m = r.hi - r.lo;
    c->out = grow(c->out, &c->cap_out, m + 1, sizeof *c->out);
    for (uint32_t k = 0; k < m; k++) {
        uint32_t a, b;
        successor_key(n, &n->recs[r.lo + k], &a, &b);
        c->out[k] = (NetKeyTrans){ n->recs[r.lo + k].event, a | (uint64_t)b << 32 };
    }
    *is_done = m == 0 && done(n, 0);
    *count = m;
    return c->out;
}

bool net_learn(Net *n, uint64_t key)
{
    if (!net_keyed(n)) return true;
    n->out_state = NONE;   /* vals are about to hold another state */
    n->now.state = n->ahead.state = NONE;
    unpack(n, n->fields, key, n->vals);
    n->key = key;
    n->n_recs = n->n_chg = 0;
    n->vals_packed = true;
    Range r;
    bool ok = gen(n, 0, &r);
    n->vals_packed = false;
    if (ok && n->widen) widen(n, NONE);
    return ok;
}

/* ---- for netrun.c ---- */

bool net_gen(Net *n, uint32_t node, Range *out) { return gen(n, node, out); }
bool net_done(Net *n, uint32_t node) { return done(n, node); }
const Route *net_route(NetNode *x, uint32_t ev) { return route(x, ev); }
bool net_takes_part(const Route *r, uint32_t kid) { return takes_part(r, kid); }
void *net_grow(void *a, uint32_t *cap, uint32_t need, size_t size) { return grow(a, cap, need, size); }

/* ---- for netexplain.c ---- */

void net_load(Net *n, uint32_t state)
{
    decode(n, state, n->vals, n->ids);
    if (n->packed) n->key = stored_key(n, state);
    else if (!n->single) n->ids[0] = state;
    n->out_state = NONE;
    n->ahead.state = NONE;
}

const LocalTrans *net_local_transitions(Net *n, uint32_t leaf, uint32_t v, uint32_t *count)
{
    return local_transitions(n, leaf, v, count);
}
