/* proc.c - hash-consed process terms and their construction from process
 * values; see proc.h. Transitions are computed in sem.c.
 */
#include "proc_internal.h"
#include "compress.h"
#include "lts.h"

#include <stdlib.h>
#include <string.h>

#define PROC_AS_NAME(k) #k,
const char *const proc_kind_name[PROC__COUNT] = { PROC_KINDS(PROC_AS_NAME) };

/* ---- interning ---- */

typedef ProcSlot Slot;
typedef struct {
    Slot *slots;
    uint32_t cap, n;
} Table;

static void table_init(Table *tb)
{
    tb->cap = 1024;
    tb->n = 0;
    tb->slots = xcalloc(tb->cap, sizeof *tb->slots);
}

static void table_grow(Table *tb) { slots_grow(&tb->slots, &tb->cap); }

static uint32_t hash_words(const uint32_t *w, uint32_t n, uint64_t seed)
{
    uint64_t h = seed * 0x9E3779B97F4A7C15u + n;
    for (uint32_t i = 0; i < n; i++) h = (h ^ w[i]) * 0x100000001B3u;
    return hash_mix(h);
}

ProcTable *proc_table_new(Eval *E, EventTable *events)
{
    ProcTable *t = xcalloc(1, sizeof *t);
    t->E = E;
    t->events = events;
    t->arena = arena_new(1 << 20);
    table_init((Table *)&t->procs);
    table_init((Table *)&t->sets);
    table_init((Table *)&t->rels);
    table_init((Table *)&t->free_vars);
    table_init((Table *)&t->alphas);
    table_init((Table *)&t->proc_vals);
    return t;
}

void proc_table_free(ProcTable *t)
{
    if (!t) return;
    slots_free(t->procs.slots, t->procs.cap);
    slots_free(t->sets.slots, t->sets.cap);
    slots_free(t->rels.slots, t->rels.cap);
    slots_free(t->free_vars.slots, t->free_vars.cap);
    slots_free(t->alphas.slots, t->alphas.cap);
    slots_free(t->proc_vals.slots, t->proc_vals.cap);
    free(t->once);
    compress_cache_free(t->compress);
    arena_free(t->arena);
    free(t);
}

struct CompressCache **proc_compress_cache(ProcTable *t) { return &t->compress; }

uint32_t proc_count(const ProcTable *t) { return t->n_procs; }
EventTable *proc_events(ProcTable *t) { return t->events; }
Eval *proc_eval(ProcTable *t) { return t->E; }

const EventSet *proc_eventset(ProcTable *t, const uint32_t *ev, uint32_t n)
{
    uint32_t h = hash_words(ev, n, 7);
    uint32_t i = h & (t->sets.cap - 1);
    for (; t->sets.slots[i].item; i = (i + 1) & (t->sets.cap - 1)) {
        const EventSet *s = t->sets.slots[i].item;
        if (t->sets.slots[i].hash == h && s->n == n && (n == 0 || memcmp(s->ev, ev, n * sizeof *ev) == 0))
            return s;
    }
    EventSet *s = arena_alloc_small(t->arena, sizeof *s + n * sizeof *ev);
    s->n = n;
    s->id = t->sets.n;
    if (n) memcpy(s->ev, ev, n * sizeof *ev);
    t->sets.slots[i] = (Slot){ h, s };
    if (++t->sets.n * 2 > t->sets.cap) table_grow((Table *)&t->sets);
    return s;
}

bool proc_in_set(const EventSet *s, uint32_t ev)
{
    uint32_t lo = 0, hi = s->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (s->ev[mid] < ev) lo = mid + 1; else hi = mid;
    }
    return lo < s->n && s->ev[lo] == ev;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_pair(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0]) return (x[0] > y[0]) - (x[0] < y[0]);
    return (x[1] > y[1]) - (x[1] < y[1]);
}

const EventSet *proc_sorted_set(ProcTable *t, uint32_t *ev, uint32_t n)
{
    qsort(ev, n, sizeof *ev, cmp_u32);
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (m == 0 || ev[m - 1] != ev[i]) ev[m++] = ev[i];
    return proc_eventset(t, ev, m);
}

const EventRel *proc_relation(ProcTable *t, uint32_t *pairs, uint32_t n)
{
    qsort(pairs, n, 2 * sizeof *pairs, cmp_pair);
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (m == 0 || pairs[2 * m - 2] != pairs[2 * i] || pairs[2 * m - 1] != pairs[2 * i + 1]) {
            pairs[2 * m] = pairs[2 * i];
            pairs[2 * m + 1] = pairs[2 * i + 1];
            m++;
        }
    uint32_t h = hash_words(pairs, 2 * m, 11);
    uint32_t i = h & (t->rels.cap - 1);
    for (; t->rels.slots[i].item; i = (i + 1) & (t->rels.cap - 1)) {
        const EventRel *r = t->rels.slots[i].item;
        if (t->rels.slots[i].hash == h && r->n == m && (m == 0 || memcmp(r->pair, pairs, 2 * m * sizeof *pairs) == 0))
            return r;
    }
    EventRel *r = arena_alloc_small(t->arena, sizeof *r + 2 * m * sizeof *pairs);
    r->n = m;
    r->id = t->rels.n;
    if (m) memcpy(r->pair, pairs, 2 * m * sizeof *pairs);
    t->rels.slots[i] = (Slot){ h, r };
    if (++t->rels.n * 2 > t->rels.cap) table_grow((Table *)&t->rels);
    return r;
}

const uint32_t *proc_po_above(const EventRel *r, uint32_t ev, uint32_t *n)
{
    uint32_t lo = 0, hi = r->n;   /* the first pair from ev (pairs sorted by their first) */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->pair[2 * mid] < ev) lo = mid + 1;
        else hi = mid;
    }
    uint32_t end = lo;
    while (end < r->n && r->pair[2 * end] == ev) end++;
    *n = end - lo;
    return r->pair + 2 * lo;
}

uint32_t proc_prio_level(const EventRel *r, uint32_t ev)
{
    for (uint32_t i = 0; i < r->n; i++)
        if (r->pair[2 * i + 1] == ev) return r->pair[2 * i];
    return 0;
}

/* Sizes a's table for events lo..hi, `total` of them with repeats: direct
 * when that takes no more room than hashing would. */
static void alpha_table(ProcTable *t, AlphaIndex *a, uint32_t lo, uint32_t hi, uint32_t total)
{
    uint32_t hashed = 16;
    while (hashed < 2 * total + 2) hashed *= 2;
    a->direct = total && hi - lo < hashed;
    a->lo = a->direct ? lo : 0;
    a->cap = a->direct ? hi - lo + 1 : hashed;
    a->slots = arena_alloc(t->arena, a->cap * sizeof *a->slots);
}

/* Counts participants per event, then fills members in component order. */
static void alpha_fill(ProcTable *t, AlphaIndex *a, const EventSet *const *sets, uint32_t total)
{
    uint32_t n = a->n;
    a->members = arena_alloc(t->arena, (total ? total : 1) * sizeof *a->members);
    for (uint32_t k = 0; k < n; k++)
        for (uint32_t e = 0; e < sets[k]->n; e++) {
            AlphaSlot *s = proc_alpha_slot(a, sets[k]->ev[e]);
            s->key = sets[k]->ev[e] + 1;
            s->count++;
        }
    uint32_t off = 0;
    for (uint32_t j = 0; j < a->cap; j++) {
        a->slots[j].first = off;
        off += a->slots[j].count;
        a->slots[j].count = 0;
    }
    for (uint32_t k = 0; k < n; k++)
        for (uint32_t e = 0; e < sets[k]->n; e++) {
            AlphaSlot *s = proc_alpha_slot(a, sets[k]->ev[e]);
            a->members[s->first + s->count++] = k;
        }
}

/* The interned index of these alphabets (made on first use). */
static const AlphaIndex *alpha_find(ProcTable *t, const EventSet *const *sets, uint32_t n)
{
    uint32_t *ids = xmalloc((n ? n : 1) * sizeof *ids);
    for (uint32_t i = 0; i < n; i++) ids[i] = sets[i]->id;
    uint32_t h = hash_words(ids, n, 13);
    free(ids);
    uint32_t i = h & (t->alphas.cap - 1);
    for (; t->alphas.slots[i].item; i = (i + 1) & (t->alphas.cap - 1)) {
        const AlphaIndex *a = t->alphas.slots[i].item;
        if (t->alphas.slots[i].hash == h && a->n == n && memcmp(a->sets, sets, n * sizeof *sets) == 0)
            return a;
    }
    AlphaIndex *a = ARENA_NEW(t->arena, AlphaIndex);
    a->n = n;
    a->id = t->alphas.n;
    a->sets = arena_dup(t->arena, sets, n * sizeof *sets);
    uint32_t total = 0, lo = UINT32_MAX, hi = 0;
    for (uint32_t k = 0; k < n; k++) {
        total += sets[k]->n;
        if (sets[k]->n && sets[k]->ev[0] < lo) lo = sets[k]->ev[0];
        if (sets[k]->n && sets[k]->ev[sets[k]->n - 1] > hi) hi = sets[k]->ev[sets[k]->n - 1];
    }
    alpha_table(t, a, lo, hi, total);
    alpha_fill(t, a, sets, total);
    t->alphas.slots[i] = (Slot){ h, a };
    if (++t->alphas.n * 2 > t->alphas.cap) table_grow((Table *)&t->alphas);
    return a;
}

const AlphaIndex *proc_alpha(ProcTable *t, const EventSet *const *sets, uint32_t n)
{
    const AlphaIndex *last = t->last_alpha;
    if (last && last->sets == sets && last->n == n) return last;   /* interned arrays never change */
    t->last_alpha = alpha_find(t, sets, n);
    return t->last_alpha;
}

/* The key of a term: everything but its id, hash and cached transitions. */
static uint32_t proc_hash(const Proc *k)
{
    uint32_t w[8] = { k->kind, k->n, k->event, k->set ? k->set->id + 1 : 0,
                      k->rel ? k->rel->id + 1 : 0, (uint32_t)(uintptr_t)k->node,
                      (uint32_t)((uint64_t)(uintptr_t)k->node >> 32), k->n_fv };
    uint64_t h = hash_words(w, 8, 3);
    for (uint32_t i = 0; i < k->n; i++) h = (h ^ k->kids[i]->id) * 0x100000001B3u;
    if (k->alpha) h = (h ^ k->alpha->id) * 0x100000001B3u;
    for (uint32_t i = 0; i < k->n_fv; i++) h = (h ^ k->fv[i]->id) * 0x100000001B3u;
    if (k->kind == PROC_LTS) h = (h ^ (uint64_t)(uintptr_t)k->env) * 0x100000001B3u;
    return hash_mix(h);
}

static bool proc_same(const Proc *a, const Proc *b)
{
    if (a->kind != b->kind || a->n != b->n || a->event != b->event || a->set != b->set ||
        a->rel != b->rel || a->node != b->node || a->n_fv != b->n_fv)
        return false;
    if (memcmp(a->kids, b->kids, a->n * sizeof *a->kids) != 0) return false;
    if (a->alpha != b->alpha) return false;
    if (a->kind == PROC_LTS && a->env != b->env) return false;   /* a machine's state */
    return a->n_fv == 0 || memcmp(a->fv, b->fv, a->n_fv * sizeof *a->fv) == 0;
}

const Proc *proc_intern(ProcTable *t, const Proc *key)
{
    uint32_t h = proc_hash(key);
    uint32_t i = h & (t->procs.cap - 1);
    for (; t->procs.slots[i].item; i = (i + 1) & (t->procs.cap - 1))
        if (t->procs.slots[i].hash == h && proc_same(t->procs.slots[i].item, key))
            return t->procs.slots[i].item;
    Proc *p = arena_alloc_small(t->arena, sizeof *p + key->n * sizeof *p->kids);
    *p = *key;
    p->trans_state = 0;
    p->trans = NULL;
    p->unfolded = NULL;
    p->n_trans = 0;
    if (key->n) memcpy(p->kids, key->kids, key->n * sizeof *p->kids);

    if (key->n_fv) p->fv = arena_dup(t->arena, key->fv, key->n_fv * sizeof *key->fv);
    p->hash = h;
    p->depth = 1;
    for (uint32_t k = 0; k < p->n; k++)
        if (p->kids[k]->depth + 1 > p->depth) p->depth = p->kids[k]->depth + 1;
    if (p->depth > PROC_MAX_DEPTH)
        eval_fail(t->E, t->calling && t->calling->node->kind != N_LIST ? t->calling->node->span : SPAN_NONE,
                  "a process keeps growing as it runs (a term nested more than %d "
                  "deep): recursion through renaming, parallel or sequential composition?",
                  PROC_MAX_DEPTH);
    p->id = t->n_procs++;
    t->procs.slots[i] = (Slot){ h, p };
    if (++t->procs.n * 4 > t->procs.cap * 3) table_grow((Table *)&t->procs);
    return p;
}

/* A key with room for n children (heap for big n). */
typedef struct {
    Proc *p;
    unsigned char small[sizeof(Proc) + 8 * sizeof(Proc *)];
} PKey;

/* Big keys are evaluator temporaries: interning may fail and unwind. */
static Proc *pkey(ProcTable *t, PKey *k, ProcKind kind, uint32_t n)
{
    size_t bytes = sizeof(Proc) + n * sizeof(Proc *);
    k->p = bytes <= sizeof k->small ? (Proc *)(void *)k->small : eval_tmp(t->E, bytes);
    memset(k->p, 0, sizeof(Proc));
    k->p->kind = (uint8_t)kind;
    k->p->n = n;
    return k->p;
}

static const Proc *pkey_done(ProcTable *t, PKey *k)
{
    const Proc *r = proc_intern(t, k->p);
    if ((unsigned char *)k->p != k->small) eval_tmp_free(t->E, k->p);
    return r;
}

const Proc *proc_leaf(ProcTable *t, ProcKind kind)
{
    PKey k;
    pkey(t, &k, kind, 0);
    return pkey_done(t, &k);
}

const Proc *proc_lts_state(ProcTable *t, const void *m, uint32_t s)
{
    PKey k;
    Proc *p = pkey(t, &k, PROC_LTS, 0);
    p->event = s;
    p->env = (void *)m;
    return pkey_done(t, &k);
}

const Proc *proc_chase(ProcTable *t, const Proc *p, Span at)
{
    Proc *c = (Proc *)proc_op(t, PROC_CHASE, &p, 1, NULL, NULL, NULL);
    if (!c->env) {
        Span *where = arena_alloc_small(t->arena, sizeof *where);
        *where = at;
        c->env = where;
    }
    return c;
}

const Proc *proc_prefix(ProcTable *t, uint32_t ev, const Proc *next)
{
    PKey k;
    Proc *p = pkey(t, &k, PROC_PREFIX, 1);
    p->event = ev;
    p->kids[0] = next;
    return pkey_done(t, &k);
}

static int cmp_proc(const void *a, const void *b)
{
    uint32_t x = (*(const Proc *const *)a)->id, y = (*(const Proc *const *)b)->id;
    return (x > y) - (x < y);
}

/* [] and |~| are associative, commutative and idempotent: children are
 * flattened, sorted by id and deduplicated, so P [] Q and Q [] P are one
 * term; STOP is the unit of []. A |~| left with one child stays a |~|:
 * its tau is what makes a recursion through it guarded. */
const Proc *proc_choice(ProcTable *t, ProcKind kind, const Proc *const *kids, uint32_t n)
{
    uint32_t total = 0;
    for (uint32_t i = 0; i < n; i++) total += kids[i]->kind == kind ? kids[i]->n : 1;
    const Proc **all = eval_tmp(t->E, (total ? total : 1) * sizeof *all);
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (kids[i]->kind == kind) {
            for (uint32_t j = 0; j < kids[i]->n; j++) all[m++] = kids[i]->kids[j];
        } else if (!(kind == PROC_EXT && kids[i]->kind == PROC_STOP)) {
            all[m++] = kids[i];
        }
    }
    qsort(all, m, sizeof *all, cmp_proc);
    uint32_t u = 0;
    for (uint32_t i = 0; i < m; i++)
        if (u == 0 || all[u - 1] != all[i]) all[u++] = all[i];
    const Proc *r;
    if (u == 0) r = proc_leaf(t, PROC_STOP);
    else if (u == 1 && kind == PROC_EXT) r = all[0];
    else {   /* |~| of one process is still a tau to it (DIV = DIV |~| DIV diverges, FDR) */
        PKey k;
        Proc *p = pkey(t, &k, kind, u);
        memcpy(p->kids, all, u * sizeof *all);
        r = pkey_done(t, &k);
    }
    eval_tmp_free(t->E, all);
    return r;
}

/* Whether child i of a term of this kind keeps running while the term moves
 * (a component): such children are stored in state form, so a component
 * that comes back to where it started is the same term as before it moved. */
bool proc_runs_on(ProcKind kind, uint32_t i)
{
    switch (kind) {
    case PROC_PAR: case PROC_ALPHA: case PROC_LINK: case PROC_HIDE: case PROC_RENAME:
    case PROC_PRIO: case PROC_INTERRUPT: case PROC_SYNCEXT: case PROC_SYNCINT: case PROC_PRIOPO: case PROC_CHASE:
        return true;
    case PROC_SEQ: case PROC_TIMEOUT: case PROC_EXCEPT:
        return i == 0;
    default:
        return false;
    }
}

const Proc *proc_op(ProcTable *t, ProcKind kind, const Proc *const *kids, uint32_t n,
                    const EventSet *set, const EventSet *const *sets, const EventRel *rel)
{
    const Proc *small[8];
    const Proc **own = NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (kids[i]->kind != PROC_CALL || !proc_runs_on(kind, i)) continue;
        const Proc *s = proc_state_form(t, kids[i]);
        if (s == kids[i]) continue;
        if (!own) {
            own = n <= 8 ? small : eval_tmp(t->E, n * sizeof *own);
            memcpy(own, kids, n * sizeof *own);
            kids = own;
        }
        own[i] = s;
    }
    const Proc *r = proc_op_formed(t, kind, kids, n, set, sets, rel);
    if (own && own != small) eval_tmp_free(t->E, own);
    return r;
}

const Proc *proc_op_formed(ProcTable *t, ProcKind kind, const Proc *const *kids, uint32_t n,
                           const EventSet *set, const EventSet *const *sets, const EventRel *rel)
{
    if (kind == PROC_HIDE && kids[0]->kind == PROC_HIDE) {
        /* (P \ A) \ B = P \ (A u B): recursion through hiding stays finite. */
        const Proc *inner = kids[0];
        uint32_t *ev = xmalloc((set->n + inner->set->n + 1) * sizeof *ev);
        memcpy(ev, set->ev, set->n * sizeof *ev);
        memcpy(ev + set->n, inner->set->ev, inner->set->n * sizeof *ev);
        const EventSet *both = proc_sorted_set(t, ev, set->n + inner->set->n);
        free(ev);
        return proc_op_formed(t, PROC_HIDE, inner->kids, 1, both, NULL, NULL);
    }
    PKey k;
    Proc *p = pkey(t, &k, kind, n);
    if (n) memcpy(p->kids, kids, n * sizeof *kids);
    p->set = set;
    if (sets) {
        p->alpha = proc_alpha(t, sets, n);
        p->sets = p->alpha->sets;
    }
    p->rel = rel;
    return pkey_done(t, &k);
}

const Proc *proc_call(ProcTable *t, Node *node, const Val *const *fv, uint32_t n_fv, void *env)
{
    PKey k;
    Proc *p = pkey(t, &k, PROC_CALL, 0);
    p->node = node;
    p->fv = (const Val **)fv;
    p->n_fv = n_fv;
    p->env = env;
    return pkey_done(t, &k);
}

/* ---- printing ---- */

static void print_set(FILE *out, ProcTable *t, const EventSet *s)
{
    fputc('{', out);
    for (uint32_t i = 0; i < s->n; i++) {
        if (i) fputs(", ", out);
        event_print(out, t->events, s->ev[i]);
    }
    fputc('}', out);
}

/* A CALL's expression is printed with its free variables' values. */
typedef struct {
    ProcTable *t;
    const Proc *call;
    const FreeVars *f;
} CallVars;

static bool call_var(void *ctx, FILE *out, const Node *var)
{
    CallVars *cv = ctx;
    if (!var->res || !var->res->def) return false;
    for (uint32_t i = 0; i < cv->f->n && i < cv->call->n_fv; i++) {
        if (cv->f->defs[i] != var->res->def) continue;
        val_print(out, cv->call->fv[i], NULL, NULL);
        return true;
    }
    return false;
}

static void print_term(FILE *out, ProcTable *t, const Proc *p, int depth)
{
    if (depth > 6) {
        fputs("...", out);
        return;
    }
    switch ((ProcKind)p->kind) {
    case PROC_STOP: fputs("STOP", out); return;
    case PROC_SKIP: fputs("SKIP", out); return;
    case PROC_OMEGA: fputs("Ω", out); return;
    case PROC_DIV: fputs("DIV", out); return;
    case PROC_PREFIX:
        event_print(out, t->events, p->event);
        fputs(" -> ", out);
        print_term(out, t, p->kids[0], depth + 1);
        return;
    case PROC_CALL: {
        const char *b = proc_builtin_call(p);
        if (b && strcmp(b, "loop") != 0) {
            fputs(b, out);
            if (strcmp(b, "WAIT") == 0) fprintf(out, "(%lld)", (long long)p->fv[1]->num);
            return;
        }
        CallVars cv = { t, p, proc_free_vars(t, p->node) };
        unparse_expr_with(out, p->node, call_var, &cv);
        return;
    }
    case PROC_RUN: case PROC_CHAOS:
        fputs(p->kind == PROC_RUN ? "RUN(" : "CHAOS(", out);
        print_set(out, t, p->set);
        fputc(')', out);
        return;
    case PROC_LTS: {   /* normal(P)#3: state 3 of P's compressed machine */
        const LtsMachine *m = p->env;
        fprintf(out, "%s(", m->name);
        print_term(out, t, m->of, depth + 1);
        fprintf(out, ")#%u", p->event);
        return;
    }
    case PROC_CHASE:
        fputs("chase(", out);
        print_term(out, t, p->kids[0], depth + 1);
        fputc(')', out);
        return;
    default: break;
    }
    const char *op = p->kind == PROC_EXT ? " [] " : p->kind == PROC_INT ? " |~| "
                   : p->kind == PROC_SEQ ? " ; " : p->kind == PROC_INTERRUPT ? " /\\ "
                   : p->kind == PROC_TIMEOUT ? " [> " : p->kind == PROC_PAR && p->set->n == 0 ? " ||| "
                   : " || ";
    fputc('(', out);
    for (uint32_t i = 0; i < p->n; i++) {
        if (i) {
            if ((p->kind == PROC_PAR && p->set->n) || p->kind == PROC_SYNCEXT || p->kind == PROC_SYNCINT) {
                fputs(p->kind == PROC_PAR ? " [| " : p->kind == PROC_SYNCEXT ? " [+ " : " /+ ", out);
                print_set(out, t, p->set);
                fputs(p->kind == PROC_PAR ? " |] " : p->kind == PROC_SYNCEXT ? " +] " : " +\\ ", out);
            } else {
                fputs(op, out);
            }
        }
        print_term(out, t, p->kids[i], depth + 1);
    }
    fputc(')', out);
    if (p->kind == PROC_HIDE) {
        fputs(" \\ ", out);
        print_set(out, t, p->set);
    }
}

void proc_print(FILE *out, ProcTable *t, const Proc *p) { print_term(out, t, p, 0); }

/* The state a call stands for once unfolded (NULL if it is not a call
 * unfolded yet), and how well it names it: 2 a name or an application,
 * 1 another expression. */
static const Proc *call_target(const Proc *q, int *rank)
{
    if (q->kind != PROC_CALL || q->node == NULL || q->node->kind == N_LIST) return NULL;   /* N_LIST: a loop */
    const Proc *u = q->unfolded;
    for (int hops = 0; u && u != q && u->kind == PROC_CALL && hops < 1000; hops++) {
        if (u->unfolded == u) return NULL;
        u = u->unfolded;
    }
    if (!u || u == q) return NULL;
    *rank = q->node->kind == N_VAR || q->node->kind == N_APPLY ? 2 : 1;
    return u;
}

void proc_names_of(ProcTable *t, const Proc *const *states, uint32_t n, const Proc **names, const Proc **bodies)
{
    uint32_t cap = 16;
    while (cap < 2 * n + 2) cap *= 2;
    uint32_t *slot = xcalloc(cap, sizeof *slot);   /* index of a state asked about + 1 */
    uint32_t *first = xmalloc((n ? n : 1) * sizeof *first);
    for (uint32_t i = 0; i < n; i++) {
        names[i] = bodies[i] = NULL;
        uint32_t j = (states[i]->id * 0x9E3779B9u) & (cap - 1);
        while (slot[j] && states[slot[j] - 1] != states[i]) j = (j + 1) & (cap - 1);
        if (!slot[j]) slot[j] = i + 1;
        first[i] = slot[j] - 1;
    }
    for (uint32_t k = 0; k < t->procs.cap; k++) {
        const Proc *q = t->procs.slots[k].item;
        int rank = 0;
        const Proc *u = q ? call_target(q, &rank) : NULL;
        if (!u) continue;
        uint32_t j = (u->id * 0x9E3779B9u) & (cap - 1);
        while (slot[j] && states[slot[j] - 1] != u) j = (j + 1) & (cap - 1);
        if (!slot[j]) continue;
        const Proc **best = rank == 2 ? &names[slot[j] - 1] : &bodies[slot[j] - 1];
        if (!*best || q->id < (*best)->id) *best = q;
    }
    for (uint32_t i = 0; i < n; i++) {
        names[i] = names[first[i]];
        bodies[i] = bodies[first[i]];
    }
    free(first);
    free(slot);
}

void proc_print_part(FILE *out, ProcTable *t, const Proc *call, const struct Node *e)
{
    CallVars cv = { t, call, proc_free_vars(t, call->node) };
    unparse_expr_with(out, e, call_var, &cv);
}

const Proc *proc_name_of(ProcTable *t, const Proc *state, int which)
{
    const Proc *name, *body;
    proc_names_of(t, &state, 1, &name, &body);
    return which == PROC_NAME_ONLY ? name : which == PROC_NAME_BODY ? body : name ? name : body;
}

bool proc_guard(ProcTable *t, void (*fn)(void *), void *ctx)
{
    uint32_t unfold = t->unfold_depth, build = t->build_depth, same = t->same_depth;
    const Proc *calling = t->calling;
    if (eval_guard(t->E, fn, ctx) == EVAL_OK) return true;
    t->unfold_depth = unfold;
    t->build_depth = build;
    t->same_depth = same;
    t->calling = calling;
    for (uint32_t i = 0; i < t->procs.cap; i++) {
        Proc *q = t->procs.slots[i].item;
        if (!q) continue;
        if (q->trans_state == 1) q->trans_state = 0;
        if (q->unfolded == q) q->unfolded = NULL;
    }
    return false;
}
