/* test_differential.c - the checker (check.h) against a deliberately naive
 * second checker, on a few thousand random small processes.
 *
 * Everything on the oracle side is this file's own code and does not use
 * cspi's process layer:
 *   - a generator (splitmix64, fixed seeds) of random process terms over
 *     `channel a, b, c` using STOP, SKIP, DIV, prefix, [], |~|, ;, hiding,
 *     [|A|], |||, [A||B], renaming (also one-to-many), /\, [> and [|A|>,
 *     and guarded tail recursion through up to three named processes
 *     X1..X3; every generated text is fully bracketed;
 *   - hash-consed terms with the firing rules of LANGUAGE.md §4.2 written
 *     out directly (tau, tick, Omega, a parallel's joint tick); a state is
 *     a term, so recursion closes because equal terms are the same state;
 *   - an explicit LTS by exhaustive exploration; per state: stable,
 *     acceptance (visible events and tick), Omega, deadlocked (§4.3), and
 *     divergent (a tau-cycle reachable by taus, found by brute force);
 *   - exact verdicts (§3.2) by the subset construction over that LTS: for
 *     refinement, pairs of subset nodes of SPEC and IMPL reached by the same
 *     trace; for the single-process properties, the subset nodes of P;
 *   - a second, bounded computation of the same semantics straight from
 *     (state, trace) reachability: traces up to length BOUND, the stable
 *     acceptances after each, divergence after each. It must agree with the
 *     exact verdict whenever the exact (shortest) witness is that short;
 *     otherwise the oracle itself is wrong and the test says so.
 * Each random case becomes a CSPM script with one assertion (T=, F=, FD=,
 * deadlock free [F]/[FD]/default, divergence free, deterministic
 * [F]/[FD]/default, has trace), checked by chk_assertion as `cspi check`
 * does (interp/main.c, check_body). A case whose LTS or normal form is not
 * tiny is skipped (a handful), so the oracle stays exact. A disagreement
 * prints the script, both verdicts and cspi's block.
 *
 * A script declares a, b and c and uses them only as its processes do:
 * a renaming built before its channel's first use was once dropped (the
 * regression tests at the end of the file), which an earlier warm-up
 * assertion had hidden from the random cases.
 *
 * Failures (s, X) follow LANGUAGE.md literally: a stable state's
 * acceptance is its set of visible events and tick; Omega (after tick) is
 * stable with the empty acceptance. Determinism counts tick as an event.
 * The default model of deadlock freedom and determinism is FD (§3.2).
 * Case c of a test is generated from the seed seed * 0x100000001b3 + c, so
 * a reported case can be replayed alone.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "check.h"
#include "eval.h"
#include "event.h"
#include "session.h"
#include "proc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(differential);

/* ---- random numbers: splitmix64 ---- */

typedef struct {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t rng_below(Rng *r, uint32_t n) { return (uint32_t)(rng_next(r) % n); }

/* Picks an index with the given weights. */
static int rng_pick(Rng *r, const int *w, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++) total += w[i];
    int x = (int)rng_below(r, (uint32_t)total);
    for (int i = 0; i < n; i++) {
        if (x < w[i]) return i;
        x -= w[i];
    }
    return n - 1;
}

/* ---- terms ---- */

/* Labels: the visible events a, b, c, then tick and tau. Acceptances are
 * 4-bit masks over a, b, c, tick; a set of acceptances is a 16-bit mask. */
enum { EV_A, EV_B, EV_C, EV_TICK, EV_TAU };
enum { N_VIS = 3, N_OBS = 4 };
static const char *const ev_name[] = { "a", "b", "c" };

typedef enum {
    K_STOP, K_SKIP, K_DIV, K_OMEGA, K_PREFIX, K_EXT, K_INT, K_SEQ, K_HIDE, K_PAR,
    K_ILV, K_ALPHA, K_RENAME, K_INTR, K_TIMEOUT, K_EXCEPT, K_NAME, K_PRIO, K_SYNCEXT, K_SYNCINT,
    K_PRIOPO
} Kind;

/* x: event set (HIDE, PAR, EXCEPT, ALPHA's left) or relation (RENAME, bit
 * from*3+to means from <- to); y: ALPHA's right set; ev: PREFIX's event or
 * NAME's index. Sets are 3-bit masks over a, b, c. PRIO is
 * prioritise(k0, <x, y>) with x and y disjoint. PRIOPO is
 * prioritisepo(k0, {a, b, c}, order, maximal): x the order (bit hi*3+lo:
 * hi above lo, acyclic), y the maximal events (none below another). */
typedef struct {
    uint8_t kind, ev;
    uint16_t x, y;
    int32_t k0, k1;
} Term;

typedef struct {
    uint8_t lab;
    int32_t to;
} Tr;

enum { MAX_TERMS = 1 << 15, TERM_SLOTS = 1 << 16, MAX_TRS = 1 << 19, MAX_NAMES = 3 };

static Term terms[MAX_TERMS];
static int32_t n_terms;
static int32_t term_slot[TERM_SLOTS]; /* term id + 1 */
static uint8_t tr_state[MAX_TERMS];   /* 0 not computed, 1 computing, 2 done */
static uint32_t tr_off[MAX_TERMS], tr_n[MAX_TERMS];
static Tr trs[MAX_TRS];
static uint32_t n_trs;
static int32_t name_body[MAX_NAMES];
static int n_names;
static bool too_big;                  /* some bound was hit: skip the case */
static int32_t T_STOP, T_SKIP, T_DIV, T_OMEGA;

static uint32_t term_hash(const Term *t)
{
    uint64_t h = (uint64_t)t->kind * 0x9e3779b97f4a7c15ull;
    h = (h ^ t->ev) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ t->x) * 0x94d049bb133111ebull;
    h = (h ^ t->y) * 0x9e3779b97f4a7c15ull;
    h = (h ^ (uint32_t)t->k0) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (uint32_t)t->k1) * 0x94d049bb133111ebull;
    return (uint32_t)(h ^ (h >> 32));
}

static int32_t mk(Kind kind, int ev, int x, int y, int32_t k0, int32_t k1)
{
    Term t = { (uint8_t)kind, (uint8_t)ev, (uint16_t)x, (uint16_t)y, k0, k1 };
    uint32_t i = term_hash(&t) & (TERM_SLOTS - 1);
    for (; term_slot[i]; i = (i + 1) & (TERM_SLOTS - 1)) {
        const Term *u = &terms[term_slot[i] - 1];
        if (u->kind == t.kind && u->ev == t.ev && u->x == t.x && u->y == t.y && u->k0 == t.k0 &&
            u->k1 == t.k1)
            return term_slot[i] - 1;
    }
    if (n_terms >= MAX_TERMS - 1) {
        too_big = true;
        return T_STOP;
    }
    terms[n_terms] = t;
    tr_state[n_terms] = 0;
    term_slot[i] = n_terms + 1;
    return n_terms++;
}

static void terms_reset(void)
{
    memset(term_slot, 0, sizeof term_slot);
    n_terms = 0;
    n_trs = 0;
    n_names = 0;
    too_big = false;
    T_STOP = mk(K_STOP, 0, 0, 0, -1, -1);
    T_SKIP = mk(K_SKIP, 0, 0, 0, -1, -1);
    T_DIV = mk(K_DIV, 0, 0, 0, -1, -1);
    T_OMEGA = mk(K_OMEGA, 0, 0, 0, -1, -1);
}

static int32_t mk1(Kind k, int ev, int x, int32_t p) { return mk(k, ev, x, 0, p, -1); }
static int32_t mk2(Kind k, int x, int y, int32_t p, int32_t q) { return mk(k, 0, x, y, p, q); }
static int32_t mk_prefix(int ev, int32_t p) { return mk1(K_PREFIX, ev, 0, p); }
static int32_t mk_name(int i) { return mk(K_NAME, i, 0, 0, -1, -1); }

/* ---- printing terms as CSPM, fully bracketed ---- */

static void print_set(FILE *f, unsigned set)
{
    fputc('{', f);
    bool first = true;
    for (int e = 0; e < N_VIS; e++)
        if (set >> e & 1) {
            fprintf(f, "%s%s", first ? "" : ", ", ev_name[e]);
            first = false;
        }
    fputc('}', f);
}

/* Compression mode: the processes of the assertion (not the names' bodies,
 * so no recursion runs through a compression) are printed with this
 * compression around the root and around some subterms, chosen by
 * wrap_seed; the oracle still decides the uncompressed processes. */
static const char *compress_with = NULL;
static bool wrapping = false;
static uint64_t wrap_seed;

static void print_term_plain(FILE *f, int32_t id);

/* Closes compress_with( (which may be nested: "sbisim(diamond"). */
static void close_wrap(FILE *f)
{
    fputc(')', f);
    for (const char *c = compress_with; *c; c++)
        if (*c == '(') fputc(')', f);
}

static void print_term(FILE *f, int32_t id)
{
    const Term *t = &terms[id];
    bool leaf = t->kind == K_STOP || t->kind == K_SKIP || t->kind == K_DIV || t->kind == K_NAME;
    Rng r = { wrap_seed ^ (uint64_t)id * 0x9e3779b97f4a7c15ull };
    if (compress_with && wrapping && !leaf && rng_below(&r, 3) == 0) {
        fprintf(f, "%s(", compress_with);
        print_term_plain(f, id);
        close_wrap(f);
        return;
    }
    print_term_plain(f, id);
}

static void print_term_plain(FILE *f, int32_t id)
{
    const Term *t = &terms[id];
    const char *op = NULL;
    switch ((Kind)t->kind) {
    case K_STOP: fputs("STOP", f); return;
    case K_SKIP: fputs("SKIP", f); return;
    case K_DIV: fputs("DIV", f); return;
    case K_OMEGA: fputs("OMEGA", f); return; /* never printed in scripts */
    case K_NAME: fprintf(f, "X%d", t->ev + 1); return;
    case K_PREFIX:
        fprintf(f, "(%s -> ", ev_name[t->ev]);
        print_term(f, t->k0);
        fputc(')', f);
        return;
    case K_PRIO:
        fputs("prioritise(", f);
        print_term(f, t->k0);
        fputs(", <", f);
        print_set(f, t->x);
        fputs(", ", f);
        print_set(f, t->y);
        fputs(">)", f);
        return;
    case K_PRIOPO: {
        fputs("prioritisepo(", f);
        print_term(f, t->k0);
        fputs(", {a, b, c}, {", f);
        bool first = true;
        for (int hi = 0; hi < N_VIS; hi++)
            for (int lo = 0; lo < N_VIS; lo++)
                if (t->x >> (hi * 3 + lo) & 1) {
                    fprintf(f, "%s(%s, %s)", first ? "" : ", ", ev_name[hi], ev_name[lo]);
                    first = false;
                }
        fputs("}, ", f);
        print_set(f, t->y);
        fputc(')', f);
        return;
    }
    case K_HIDE:
        fputc('(', f);
        print_term(f, t->k0);
        fputs(" \\ ", f);
        print_set(f, t->x);
        fputc(')', f);
        return;
    case K_RENAME: {
        fputc('(', f);
        print_term(f, t->k0);
        fputs(" [[", f);
        bool first = true;
        for (int b = 0; b < 9; b++)
            if (t->x >> b & 1) {
                fprintf(f, "%s%s <- %s", first ? "" : ", ", ev_name[b / 3], ev_name[b % 3]);
                first = false;
            }
        fputs("]])", f);
        return;
    }
    case K_PAR:
    case K_EXCEPT:
    case K_SYNCEXT:
    case K_SYNCINT:
        fputc('(', f);
        print_term(f, t->k0);
        fputs(t->kind == K_SYNCEXT ? " [+ " : t->kind == K_SYNCINT ? " /+ " : " [| ", f);
        print_set(f, t->x);
        fputs(t->kind == K_PAR ? " |] " : t->kind == K_EXCEPT ? " |> "
              : t->kind == K_SYNCEXT ? " +] " : " +\\ ", f);
        print_term(f, t->k1);
        fputc(')', f);
        return;
    case K_ALPHA:
        fputc('(', f);
        print_term(f, t->k0);
        fputs(" [", f);
        print_set(f, t->x);
        fputs(" || ", f);
        print_set(f, t->y);
        fputs("] ", f);
        print_term(f, t->k1);
        fputc(')', f);
        return;
    case K_EXT: op = " [] "; break;
    case K_INT: op = " |~| "; break;
    case K_SEQ: op = " ; "; break;
    case K_ILV: op = " ||| "; break;
    case K_INTR: op = " /\\ "; break;
    case K_TIMEOUT: op = " [> "; break;
    }
    fputc('(', f);
    print_term(f, t->k0);
    fputs(op, f);
    print_term(f, t->k1);
    fputc(')', f);
}

/* ---- the firing rules (LANGUAGE.md §4.2), memoised per term ---- */

enum { MAX_LOCAL_TRS = 1024 };

typedef struct {
    Tr v[MAX_LOCAL_TRS];
    uint32_t n;
} TrBuf;

static void add(TrBuf *b, int lab, int32_t to)
{
    if (b->n == MAX_LOCAL_TRS) {
        too_big = true;
        return;
    }
    b->v[b->n++] = (Tr){ (uint8_t)lab, to };
}

static bool in_set(unsigned set, int ev) { return ev < N_VIS && (set >> ev & 1); }

static void trans(int32_t id);

/* The transitions of a computed term (valid until the next trans call). */
static const Tr *tr_of(int32_t id, uint32_t *n)
{
    *n = tr_n[id];
    return &trs[tr_off[id]];
}

/* May the left (side 0) or right (side 1) component of a parallel term do
 * visible event a alone? Must both do it together? */
static bool par_alone(const Term *t, int side, int a)
{
    switch ((Kind)t->kind) {
    case K_PAR: return !in_set(t->x, a);
    case K_ILV: return true;
    default: /* K_ALPHA */
        return side == 0 ? in_set(t->x, a) && !in_set(t->y, a) : in_set(t->y, a) && !in_set(t->x, a);
    }
}

static bool par_sync(const Term *t, int a)
{
    switch ((Kind)t->kind) {
    case K_PAR: return in_set(t->x, a);
    case K_ILV: return false;
    default: return in_set(t->x, a) && in_set(t->y, a);
    }
}

static void trans_into(int32_t id, TrBuf *b)
{
    const Term t = terms[id];
    uint32_t np = 0, nq = 0;
    const Tr *p, *q;
    switch ((Kind)t.kind) {
    case K_STOP:
    case K_OMEGA: break;
    case K_SKIP: add(b, EV_TICK, T_OMEGA); break;
    case K_DIV: add(b, EV_TAU, id); break;
    case K_PREFIX: add(b, t.ev, t.k0); break;
    case K_NAME: /* unfolded without a tau */
        trans(name_body[t.ev]);
        p = tr_of(name_body[t.ev], &np);
        for (uint32_t i = 0; i < np; i++) add(b, p[i].lab, p[i].to);
        break;
    case K_INT:
        add(b, EV_TAU, t.k0);
        add(b, EV_TAU, t.k1);
        break;
    case K_EXT:
        trans(t.k0);
        trans(t.k1);
        p = tr_of(t.k0, &np);
        for (uint32_t i = 0; i < np; i++)
            add(b, p[i].lab, p[i].lab == EV_TAU ? mk2(K_EXT, 0, 0, p[i].to, t.k1) : p[i].to);
        q = tr_of(t.k1, &nq);
        for (uint32_t i = 0; i < nq; i++)
            add(b, q[i].lab, q[i].lab == EV_TAU ? mk2(K_EXT, 0, 0, t.k0, q[i].to) : q[i].to);
        break;
    case K_TIMEOUT:
        trans(t.k0);
        p = tr_of(t.k0, &np);
        for (uint32_t i = 0; i < np; i++)
            add(b, p[i].lab, p[i].lab == EV_TAU ? mk2(K_TIMEOUT, 0, 0, p[i].to, t.k1) : p[i].to);
        add(b, EV_TAU, t.k1);
        break;
    case K_INTR:
        trans(t.k0);
        trans(t.k1);
        p = tr_of(t.k0, &np);
        for (uint32_t i = 0; i < np; i++)
            add(b, p[i].lab, p[i].lab == EV_TICK ? T_OMEGA : mk2(K_INTR, 0, 0, p[i].to, t.k1));
        q = tr_of(t.k1, &nq);
        for (uint32_t i = 0; i < nq; i++)
            add(b, q[i].lab, q[i].lab == EV_TAU ? mk2(K_INTR, 0, 0, t.k0, q[i].to) : q[i].to);
        break;
    case K_EXCEPT:
        trans(t.k0);
        p = tr_of(t.k0, &np);
        for (uint32_t i = 0; i < np; i++) {
            int l = p[i].lab;
            if (l == EV_TICK) add(b, l, T_OMEGA);
            else if (in_set(t.x, l)) add(b, l, t.k1);
            else add(b, l, mk2(K_EXCEPT, t.x, 0, p[i].to, t.k1));
        }
        break;
    case K_SYNCEXT: /* P [+x+] Q: tau keeps it open, an event of x needs both */
    case K_SYNCINT: /* P /+x+\ Q: P runs on, Q outside x interrupts, x needs both */
        trans(t.k0);
        trans(t.k1);
        p = tr_of(t.k0, &np);
        q = tr_of(t.k1, &nq);
        for (uint32_t i = 0; i < np; i++) {
            int l = p[i].lab;
            bool shared = l < N_VIS && in_set(t.x, l);
            if (shared) {
                for (uint32_t j = 0; j < nq; j++)
                    if (q[j].lab == l) add(b, l, mk2(t.kind, t.x, 0, p[i].to, q[j].to));
            } else if (l == EV_TICK) {
                add(b, l, T_OMEGA);
            } else if (l == EV_TAU || t.kind == K_SYNCINT) {
                add(b, l, mk2(t.kind, t.x, 0, p[i].to, t.k1));
            } else {
                add(b, l, p[i].to);
            }
        }
        for (uint32_t j = 0; j < nq; j++) {
            int l = q[j].lab;
            if (l < N_VIS && in_set(t.x, l)) continue;   /* with P, above */
            add(b, l, l == EV_TAU ? mk2(t.kind, t.x, 0, t.k0, q[j].to) : q[j].to);
        }
        break;
    case K_SEQ:
        trans(t.k0);
        p = tr_of(t.k0, &np);
        for (uint32_t i = 0; i < np; i++) {
            if (p[i].lab == EV_TICK) add(b, EV_TAU, t.k1);
            else add(b, p[i].lab, mk2(K_SEQ, 0, 0, p[i].to, t.k1));
        }
        break;
    case K_PRIO: {
        /* Levels: tau, tick and x are 1, y is 2, other events 0 (never
         * held back); only the best level present goes, with level 0. */
        trans(t.k0);
        p = tr_of(t.k0, &np);
        int best = 3;
        for (uint32_t i = 0; i < np; i++) {
            int l = p[i].lab, lv = l >= N_VIS || in_set(t.x, l) ? 1 : in_set(t.y, l) ? 2 : 0;
            if (lv && lv < best) best = lv;
        }
        for (uint32_t i = 0; i < np; i++) {
            int l = p[i].lab, lv = l >= N_VIS || in_set(t.x, l) ? 1 : in_set(t.y, l) ? 2 : 0;
            if (lv > best) continue;
            add(b, l, l == EV_TICK ? T_OMEGA : mk(K_PRIO, 0, t.x, t.y, p[i].to, -1));
        }
        break;
    }
    case K_PRIOPO: {
        /* An event goes unless something above it is possible: an event
         * above it in the order's closure, or tau or tick when it is not
         * maximal (all of a, b, c are prioritised). */
        unsigned above[N_VIS] = { 0 };   /* above[lo]: mask of the events above lo */
        for (int hi = 0; hi < N_VIS; hi++)
            for (int lo = 0; lo < N_VIS; lo++)
                if (t.x >> (hi * 3 + lo) & 1) above[lo] |= 1u << hi;
        for (int k = 0; k < N_VIS; k++)   /* closure: what is above k is above what k is above */
            for (int lo = 0; lo < N_VIS; lo++)
                if (above[lo] >> k & 1) above[lo] |= above[k];
        trans(t.k0);
        p = tr_of(t.k0, &np);
        unsigned vis = 0;
        bool urgent = false;
        for (uint32_t i = 0; i < np; i++) {
            if (p[i].lab < N_VIS) vis |= 1u << p[i].lab;
            else urgent = true;
        }
        for (uint32_t i = 0; i < np; i++) {
            int l = p[i].lab;
            if (l < N_VIS && ((above[l] & vis) || (urgent && !in_set(t.y, l)))) continue;
            add(b, l, l == EV_TICK ? T_OMEGA : mk(K_PRIOPO, 0, t.x, t.y, p[i].to, -1));
        }
        break;
    }
    case K_HIDE:
        trans(t.k0);
        p = tr_of(t.k0, &np);
        for (uint32_t i = 0; i < np; i++) {
            int l = p[i].lab;
            if (l == EV_TICK) add(b, l, T_OMEGA);
            else add(b, in_set(t.x, l) ? EV_TAU : l, mk1(K_HIDE, 0, t.x, p[i].to));
        }
        break;
    case K_RENAME:
        trans(t.k0);
        p = tr_of(t.k0, &np);
        for (uint32_t i = 0; i < np; i++) {
            int l = p[i].lab;
            if (l == EV_TICK) {
                add(b, l, T_OMEGA);
                continue;
            }
            int32_t next = mk1(K_RENAME, 0, t.x, p[i].to);
            if (l == EV_TAU || !(t.x >> (3 * l) & 7)) {
                add(b, l, next);
                continue;
            }
            for (int to = 0; to < N_VIS; to++)
                if (t.x >> (3 * l + to) & 1) add(b, to, next);
        }
        break;
    case K_PAR:
    case K_ILV:
    case K_ALPHA:
        trans(t.k0);
        trans(t.k1);
        p = tr_of(t.k0, &np);
        q = tr_of(t.k1, &nq);
        bool tick0 = false, tick1 = false;
        for (uint32_t i = 0; i < np; i++) {
            int l = p[i].lab;
            if (l == EV_TICK) tick0 = true;
            else if (l == EV_TAU || par_alone(&t, 0, l))
                add(b, l, mk(t.kind, 0, t.x, t.y, p[i].to, t.k1));
            else if (par_sync(&t, l))
                for (uint32_t j = 0; j < nq; j++)
                    if (q[j].lab == l) add(b, l, mk(t.kind, 0, t.x, t.y, p[i].to, q[j].to));
        }
        for (uint32_t j = 0; j < nq; j++) {
            int l = q[j].lab;
            if (l == EV_TICK) tick1 = true;
            else if (l == EV_TAU || par_alone(&t, 1, l))
                add(b, l, mk(t.kind, 0, t.x, t.y, t.k0, q[j].to));
        }
        if (tick0 && tick1) add(b, EV_TICK, T_OMEGA);   /* the components tick together */
        break;
    }
}

static void trans(int32_t id)
{
    if (tr_state[id] == 2) return;
    cr_assert_neq(tr_state[id], 1, "oracle: unguarded recursion through term %d", id);
    tr_state[id] = 1;
    TrBuf *b = malloc(sizeof *b);
    cr_assert_not_null(b);
    b->n = 0;
    trans_into(id, b);
    if (n_trs + b->n > MAX_TRS) {
        too_big = true;
        b->n = 0;
    }
    tr_off[id] = n_trs;
    tr_n[id] = b->n;
    memcpy(&trs[n_trs], b->v, b->n * sizeof(Tr));
    n_trs += b->n;
    free(b);
    tr_state[id] = 2;
}

/* ---- the explicit LTS ---- */

enum { MAX_STATES = 400, MAX_WORDS = (MAX_STATES + 63) / 64 };

typedef struct {
    int32_t term;
    uint32_t n;             /* transitions */
    uint8_t lab[64];
    int16_t to[64];
    bool stable, omega, dead, oncycle, div;
    uint8_t acc;            /* visible events and tick it can do */
} State;

static State states[MAX_STATES];
static int n_states;
static int16_t state_of[MAX_TERMS];   /* -1: not a state */
static int n_words;

static int add_state(int32_t term)
{
    if (state_of[term] >= 0) return state_of[term];
    if (n_states == MAX_STATES) {
        too_big = true;
        return 0;
    }
    states[n_states] = (State){ .term = term };
    state_of[term] = (int16_t)n_states;
    return n_states++;
}

static void nodes_reset(void);

/* Explores everything reachable from the given terms; fills in the per
 * state facts. Returns false (too big) if a bound was hit. */
static bool build_lts(const int32_t *roots, int n_roots)
{
    nodes_reset();          /* subset nodes belong to one LTS */
    n_states = 0;
    for (int32_t i = 0; i < MAX_TERMS; i++) state_of[i] = -1;
    for (int r = 0; r < n_roots; r++) add_state(roots[r]);
    for (int s = 0; s < n_states && !too_big; s++) {
        trans(states[s].term);
        uint32_t n;
        const Tr *t = tr_of(states[s].term, &n);
        if (n > 64) {
            too_big = true;
            break;
        }
        /* add_state never calls trans, so t stays valid */
        for (uint32_t i = 0; i < n; i++) {
            State *st = &states[s];
            st->lab[st->n] = t[i].lab;
            st->to[st->n] = (int16_t)add_state(t[i].to);
            st->n++;
        }
    }
    if (too_big) return false;
    n_words = (n_states + 63) / 64;
    for (int s = 0; s < n_states; s++) {
        State *st = &states[s];
        st->stable = true;
        st->acc = 0;
        for (uint32_t i = 0; i < st->n; i++) {
            if (st->lab[i] == EV_TAU) st->stable = false;
            else st->acc |= (uint8_t)(1u << st->lab[i]);
        }
        st->omega = st->term == T_OMEGA;
        st->dead = st->n == 0 && !st->omega;
    }
    /* Brute force: u is on a tau-cycle iff u is tau-reachable from its own
     * tau-successors; s diverges iff it tau-reaches such a u. */
    static int16_t stack[MAX_STATES];
    static bool seen[MAX_STATES];
    for (int u = 0; u < n_states; u++) {
        memset(seen, 0, sizeof seen);
        int sp = 0;
        for (uint32_t i = 0; i < states[u].n; i++)
            if (states[u].lab[i] == EV_TAU && !seen[states[u].to[i]]) {
                seen[states[u].to[i]] = true;
                stack[sp++] = states[u].to[i];
            }
        while (sp) {
            int v = stack[--sp];
            for (uint32_t i = 0; i < states[v].n; i++)
                if (states[v].lab[i] == EV_TAU && !seen[states[v].to[i]]) {
                    seen[states[v].to[i]] = true;
                    stack[sp++] = states[v].to[i];
                }
        }
        states[u].oncycle = seen[u];
    }
    for (int s = 0; s < n_states; s++) {
        memset(seen, 0, sizeof seen);
        int sp = 0;
        seen[s] = true;
        stack[sp++] = (int16_t)s;
        bool d = false;
        while (sp) {
            int v = stack[--sp];
            if (states[v].oncycle) d = true;
            for (uint32_t i = 0; i < states[v].n; i++)
                if (states[v].lab[i] == EV_TAU && !seen[states[v].to[i]]) {
                    seen[states[v].to[i]] = true;
                    stack[sp++] = states[v].to[i];
                }
        }
        states[s].div = d;
    }
    return true;
}

/* Everything reachable from state s (any labels). */
static void reachable(int s, bool *seen)
{
    static int16_t stack[MAX_STATES];
    memset(seen, 0, MAX_STATES * sizeof *seen);
    int sp = 0;
    seen[s] = true;
    stack[sp++] = (int16_t)s;
    while (sp) {
        int v = stack[--sp];
        for (uint32_t i = 0; i < states[v].n; i++)
            if (!seen[states[v].to[i]]) {
                seen[states[v].to[i]] = true;
                stack[sp++] = states[v].to[i];
            }
    }
}

/* ---- the subset construction: nodes are tau-closed sets of states ---- */

enum { MAX_NODES = 3000, NODE_SLOTS = 8192 };

typedef struct {
    uint64_t set[MAX_WORDS];
    uint8_t init;           /* visible events and tick some member can do */
    uint16_t accs;          /* acceptances of its stable members */
    bool div, dead;
    int32_t succ[N_OBS];    /* -2 not computed, -1 none */
} NfNode;

static NfNode nodes[MAX_NODES];
static int n_nodes;
static int32_t node_slot[NODE_SLOTS];

static void nodes_reset(void)
{
    n_nodes = 0;
    memset(node_slot, 0, sizeof node_slot);
}

static bool has(const uint64_t *set, int s) { return set[s / 64] >> (s % 64) & 1; }
static void put(uint64_t *set, int s) { set[s / 64] |= 1ull << (s % 64); }

static void tau_close(uint64_t *set)
{
    static int16_t stack[MAX_STATES];
    int sp = 0;
    for (int s = 0; s < n_states; s++)
        if (has(set, s)) stack[sp++] = (int16_t)s;
    while (sp) {
        int v = stack[--sp];
        for (uint32_t i = 0; i < states[v].n; i++)
            if (states[v].lab[i] == EV_TAU && !has(set, states[v].to[i])) {
                put(set, states[v].to[i]);
                stack[sp++] = states[v].to[i];
            }
    }
}

/* The node of a tau-closed set (made on first use); -1 if too many. */
static int node_of(const uint64_t *set)
{
    uint64_t h = 1469598103934665603ull;
    for (int w = 0; w < n_words; w++) h = (h ^ set[w]) * 1099511628211ull;
    uint32_t i = (uint32_t)(h ^ (h >> 29)) & (NODE_SLOTS - 1);
    for (; node_slot[i]; i = (i + 1) & (NODE_SLOTS - 1))
        if (memcmp(nodes[node_slot[i] - 1].set, set, (size_t)n_words * 8) == 0) return node_slot[i] - 1;
    if (n_nodes == MAX_NODES) {
        too_big = true;
        return -1;
    }
    NfNode *n = &nodes[n_nodes];
    memset(n, 0, sizeof *n);
    memcpy(n->set, set, (size_t)n_words * 8);
    for (int x = 0; x < N_OBS; x++) n->succ[x] = -2;
    for (int s = 0; s < n_states; s++) {
        if (!has(set, s)) continue;
        n->init |= states[s].acc;
        if (states[s].stable) n->accs |= (uint16_t)(1u << states[s].acc);
        if (states[s].div) n->div = true;
        if (states[s].dead) n->dead = true;
    }
    node_slot[i] = n_nodes + 1;
    return n_nodes++;
}

static int node_start(int s)
{
    uint64_t set[MAX_WORDS] = { 0 };
    put(set, s);
    tau_close(set);
    return node_of(set);
}

static int node_succ(int n, int x)
{
    if (nodes[n].succ[x] != -2) return nodes[n].succ[x];
    uint64_t set[MAX_WORDS] = { 0 };
    bool any = false;
    for (int s = 0; s < n_states; s++) {
        if (!has(nodes[n].set, s)) continue;
        for (uint32_t i = 0; i < states[s].n; i++)
            if (states[s].lab[i] == x) {
                put(set, states[s].to[i]);
                any = true;
            }
    }
    int r = -1;
    if (any) {
        tau_close(set);
        r = node_of(set);
    }
    if (r >= 0 || !any) nodes[n].succ[x] = r;
    return r;
}

/* Is some acceptance in `accs` (a set of acceptances) a subset of acc? */
static bool some_subset(uint16_t accs, unsigned acc)
{
    for (unsigned b = 0; b < 16; b++)
        if ((accs >> b & 1) && (b & ~acc) == 0) return true;
    return false;
}

/* ---- exact verdicts ---- */

/* The properties; the last three are the default models (FD, as
 * LANGUAGE.md §3.2 says) and `has trace`. */
typedef enum {
    P_TRACES, P_FAILURES, P_FD, P_DF_F, P_DF_FD, P_DIVF, P_DET_F, P_DET_FD,
    P_DF_DEFAULT, P_DET_DEFAULT, P_HAS_TRACE
} Prop;

static const char *const prop_assert[] = {
    "assert SPEC [T= IMPL", "assert SPEC [F= IMPL", "assert SPEC [FD= IMPL",
    "assert P :[deadlock free [F]]", "assert P :[deadlock free [FD]]", "assert P :[divergence free]",
    "assert P :[deterministic [F]]", "assert P :[deterministic [FD]]",
    "assert P :[deadlock free]", "assert P :[deterministic]", "assert P :[has trace]: ",
};

static bool is_refinement(Prop m) { return m <= P_FD; }

/* The property the oracle decides for m. */
static Prop semantic(Prop m)
{
    return m == P_DF_DEFAULT ? P_DF_FD : m == P_DET_DEFAULT ? P_DET_FD : m;
}

typedef struct {
    bool fail;
    int len;                /* a shortest witness: the length of its trace */
} Verdict;

static void witness(Verdict *v, int len)
{
    if (!v->fail || len < v->len) v->len = len;
    v->fail = true;
}

enum { MAX_PAIRS = 20000, PAIR_SLOTS = 1 << 16 };

static struct { int32_t i, s, d; } pair_q[MAX_PAIRS];
static uint64_t pair_slot[PAIR_SLOTS];  /* key + 1 */

static bool pair_add(int *n, int32_t i, int32_t s, int32_t d)
{
    uint64_t key = ((uint64_t)(uint32_t)i << 32 | (uint32_t)s) + 1;
    uint32_t h = (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 40) & (PAIR_SLOTS - 1);
    for (; pair_slot[h]; h = (h + 1) & (PAIR_SLOTS - 1))
        if (pair_slot[h] == key) return true;
    if (*n == MAX_PAIRS) {
        too_big = true;
        return false;
    }
    pair_slot[h] = key;
    pair_q[*n].i = i;
    pair_q[*n].s = s;
    pair_q[*n].d = d;
    (*n)++;
    return true;
}

/* SPEC [X= IMPL over the pairs of subset nodes reached by common traces. */
static Verdict exact_refine(Prop m, int spec, int impl)
{
    Verdict v = { false, 0 };
    memset(pair_slot, 0, sizeof pair_slot);
    int n = 0;
    int s0 = node_start(spec), i0 = node_start(impl);
    if (s0 < 0 || i0 < 0) return v;
    pair_add(&n, i0, s0, 0);
    for (int k = 0; k < n && !too_big; k++) {
        int i = pair_q[k].i, s = pair_q[k].s, d = pair_q[k].d;
        if (m == P_FD && nodes[s].div) continue;   /* anything goes after a spec divergence */
        if (m == P_FD && nodes[i].div) {
            witness(&v, d);
            continue;
        }
        if (m != P_TRACES)
            for (unsigned a = 0; a < 16; a++)
                if ((nodes[i].accs >> a & 1) && !some_subset(nodes[s].accs, a)) witness(&v, d);
        for (int x = 0; x < N_OBS; x++) {
            if (!(nodes[i].init >> x & 1)) continue;
            if (!(nodes[s].init >> x & 1)) {
                witness(&v, d + 1);
                continue;
            }
            int i2 = node_succ(i, x), s2 = node_succ(s, x);
            if (i2 < 0 || s2 < 0) return v;
            pair_add(&n, i2, s2, d + 1);
        }
    }
    return v;
}

/* A single-process property over P's subset nodes, breadth-first. */
static Verdict exact_single(Prop m, int p)
{
    Verdict v = { false, 0 };
    static int32_t q[MAX_NODES], depth[MAX_NODES];
    static bool queued[MAX_NODES];
    memset(queued, 0, sizeof queued);
    int n0 = node_start(p);
    if (n0 < 0) return v;
    int n = 0;
    q[n] = n0;
    depth[n0] = 0;
    queued[n0] = true;
    n++;
    for (int k = 0; k < n && !too_big; k++) {
        int x = q[k], d = depth[x];
        const NfNode *nd = &nodes[x];
        bool fd = m == P_DF_FD || m == P_DET_FD || m == P_DIVF;
        if (fd && nd->div) witness(&v, d);
        if ((m == P_DF_F || m == P_DF_FD) && nd->dead) witness(&v, d);
        if (m == P_DET_F || m == P_DET_FD)
            for (int e = 0; e < N_OBS; e++)
                if (nd->init >> e & 1)
                    for (unsigned a = 0; a < 16; a++)
                        if ((nd->accs >> a & 1) && !(a >> e & 1)) witness(&v, d + 1);
        for (int e = 0; e < N_OBS; e++) {
            if (!(nodes[x].init >> e & 1)) continue;
            int y = node_succ(x, e);
            if (y < 0) return v;
            if (!queued[y]) {
                queued[y] = true;
                depth[y] = d + 1;
                q[n++] = y;
            }
        }
    }
    return v;
}

/* P :[has trace]: t, by walking P's subset nodes. */
static Verdict exact_has_trace(int p, const int *tr, int len)
{
    Verdict v = { false, 0 };
    int n = node_start(p);
    for (int i = 0; i < len && n >= 0; i++) {
        if (!(nodes[n].init >> tr[i] & 1)) {
            witness(&v, i + 1);
            return v;
        }
        n = node_succ(n, tr[i]);
    }
    return v;
}

/* ---- the bounded semantics: (state, trace) reachability ---- */

/* Traces over a, b, c, tick of length <= BOUND, numbered as a 4-ary heap:
 * <> is 0, t^<x> is 4t + 1 + x. */
enum { BOUND = 4, N_TRACES = (1 << (2 * (BOUND + 1))) / 3 }; /* (4^(B+1) - 1) / 3 */

typedef struct {
    bool present[N_TRACES];
    uint16_t accs[N_TRACES];
    bool div[N_TRACES];
} Bounded;

static Bounded bsem[2];

static int trace_len(int t)
{
    int n = 0;
    for (; t; t = (t - 1) / 4) n++;
    return n;
}

static void bounded(int root, Bounded *b)
{
    static uint64_t seen[(MAX_STATES * N_TRACES + 63) / 64];
    static struct { int16_t s; int16_t d; int32_t t; } stack[MAX_STATES * N_TRACES];
    memset(seen, 0, sizeof seen);
    memset(b, 0, sizeof *b);
    int sp = 0;
    seen[(size_t)root * N_TRACES / 64] |= 1ull << ((size_t)root * N_TRACES % 64);
    stack[sp].s = (int16_t)root;
    stack[sp].d = 0;
    stack[sp].t = 0;
    sp++;
    while (sp) {
        sp--;
        int s = stack[sp].s, d = stack[sp].d, t = stack[sp].t;
        b->present[t] = true;
        if (states[s].stable) b->accs[t] |= (uint16_t)(1u << states[s].acc);
        if (states[s].div) b->div[t] = true;
        for (uint32_t i = 0; i < states[s].n; i++) {
            int l = states[s].lab[i], s2 = states[s].to[i], t2 = t, d2 = d;
            if (l != EV_TAU) {
                if (d == BOUND) continue;
                t2 = 4 * t + 1 + l;
                d2 = d + 1;
            }
            size_t bit = (size_t)s2 * N_TRACES + (size_t)t2;
            if (seen[bit / 64] >> (bit % 64) & 1) continue;
            seen[bit / 64] |= 1ull << (bit % 64);
            stack[sp].s = (int16_t)s2;
            stack[sp].d = (int16_t)d2;
            stack[sp].t = t2;
            sp++;
        }
    }
}

static bool spec_div_before(const Bounded *s, int t)
{
    for (;; t = (t - 1) / 4) {
        if (s->div[t]) return true;
        if (t == 0) return false;
    }
}

/* Does a violation show within traces of length <= BOUND? For refinement
 * b[0] is the spec and b[1] the implementation; otherwise b[0] is P. */
static bool bounded_fails(Prop m)
{
    const Bounded *s = &bsem[0], *im = &bsem[1], *p = &bsem[0];
    for (int t = 0; t < N_TRACES; t++) {
        int len = trace_len(t);
        switch (m) {
        case P_TRACES:
            if (im->present[t] && !s->present[t]) return true;
            break;
        case P_FAILURES:
        case P_FD:
            if (m == P_FD && spec_div_before(s, t)) break;
            if (!im->present[t]) break;
            if (!s->present[t]) return true;
            if (m == P_FD && im->div[t]) return true;
            for (unsigned a = 0; a < 16; a++)
                if ((im->accs[t] >> a & 1) && !some_subset(s->accs[t], a)) return true;
            break;
        case P_DF_F:
        case P_DF_FD:
        case P_DIVF:
            if (!p->present[t]) break;
            if (m != P_DF_F && p->div[t]) return true;
            if (m != P_DIVF && (p->accs[t] & 1) && (t == 0 || (t - 1) % 4 != EV_TICK)) return true;
            break;
        case P_DET_F:
        case P_DET_FD:
            if (!p->present[t]) break;
            if (m == P_DET_FD && p->div[t]) return true;
            if (len < BOUND)
                for (int x = 0; x < N_OBS; x++)
                    if (p->present[4 * t + 1 + x])
                        for (unsigned a = 0; a < 16; a++)
                            if ((p->accs[t] >> a & 1) && !(a >> x & 1)) return true;
            break;
        default: cr_assert_fail("bounded_fails: property %d", (int)m);
        }
    }
    return false;
}

/* ---- the generator ---- */

static unsigned gen_set(Rng *r, bool nonempty)
{
    unsigned s;
    do s = rng_below(r, 8);
    while (nonempty && s == 0);
    return s;
}

static unsigned gen_rel(Rng *r)
{
    unsigned rel = 0;
    int n = 1 + (int)rng_below(r, 3);
    for (int i = 0; i < n; i++) rel |= 1u << rng_below(r, 9);
    return rel;
}

static int32_t gen_top(Rng *r, int depth, int names);

static int32_t gen_leaf(Rng *r, int names)
{
    static const int w[] = { 3, 3, 1, 3, 3, 4, 1 };
    int k = rng_pick(r, w, names ? 7 : 5);
    int e = (int)rng_below(r, N_VIS);
    switch (k) {
    case 0: return T_STOP;
    case 1: return T_SKIP;
    case 2: return T_DIV;
    case 3: return mk_prefix(e, T_STOP);
    case 4: return mk_prefix(e, T_SKIP);
    case 5: return mk_name((int)rng_below(r, (uint32_t)names));
    default: return mk_prefix(e, mk_name((int)rng_below(r, (uint32_t)names)));
    }
}

static const Kind op_kind[] = { K_PREFIX, K_EXT, K_INT, K_SEQ, K_HIDE, K_PAR, K_ILV,
                                K_ALPHA, K_RENAME, K_INTR, K_TIMEOUT, K_EXCEPT };
static const int op_weight[] = { 5, 4, 3, 3, 3, 3, 2, 2, 3, 2, 2, 2 };

static int32_t gen_op(Rng *r, Kind k, int32_t p, int32_t q)
{
    switch (k) {
    case K_PREFIX: return mk_prefix((int)rng_below(r, N_VIS), p);
    case K_HIDE: return mk1(K_HIDE, 0, (int)gen_set(r, rng_below(r, 8) != 0), p);
    case K_RENAME: return mk1(K_RENAME, 0, (int)gen_rel(r), p);
    case K_PAR:
    case K_EXCEPT: return mk2(k, (int)gen_set(r, false), 0, p, q);
    case K_ALPHA: {
        int x = (int)gen_set(r, false);
        int y = (int)gen_set(r, false);
        return mk2(k, x, y, p, q);
    }
    default: return mk2(k, 0, 0, p, q);
    }
}

/* Any process (names anywhere: they are finite-state). */
static int32_t gen_top(Rng *r, int depth, int names)
{
    if (depth == 0 || rng_below(r, 6) == 0) return gen_leaf(r, names);
    Kind k = op_kind[rng_pick(r, op_weight, 12)];
    int32_t p = gen_top(r, depth - 1, names);
    int32_t q = k == K_PREFIX || k == K_HIDE || k == K_RENAME ? -1 : gen_top(r, depth - 1, names);
    return gen_op(r, k, p, q);
}

/* A named process's body: every call is `e -> Xj`, and only in places the
 * surrounding operator has gone by the time the call is reached (choice
 * operands, prefix, right of ;, /\ and [|A|>), so the LTS stays finite.
 * Other subterms are closed (no names). */
static int32_t gen_body(Rng *r, int depth, int names)
{
    if (depth == 0 || rng_below(r, 4) == 0) {
        static const int w[] = { 8, 1, 1, 1, 2 };
        int e = (int)rng_below(r, N_VIS);
        switch (rng_pick(r, w, 5)) {
        case 0: return mk_prefix(e, mk_name((int)rng_below(r, (uint32_t)names)));
        case 1: return T_STOP;
        case 2: return T_SKIP;
        case 3: return T_DIV;
        default: return mk_prefix(e, T_SKIP);
        }
    }
    /* One random draw per statement: the order in which a call's arguments
     * are evaluated is unspecified, and the cases must not depend on it. */
    static const int w[] = { 4, 4, 2, 1, 2, 1, 1 };
    static const Kind kind[] = { K_PREFIX, K_EXT, K_INT, K_TIMEOUT, K_SEQ, K_INTR, K_EXCEPT };
    Kind k = kind[rng_pick(r, w, 7)];
    if (k == K_PREFIX) {
        int e = (int)rng_below(r, N_VIS);
        return mk_prefix(e, gen_body(r, depth - 1, names));
    }
    int set = k == K_EXCEPT ? (int)gen_set(r, false) : 0;
    bool closed_left = k == K_SEQ || k == K_INTR || k == K_EXCEPT;
    int32_t p = closed_left ? gen_top(r, depth - 1, 0) : gen_body(r, depth - 1, names);
    int32_t q = gen_body(r, depth - 1, names);
    return mk2(k, set, 0, p, q);
}

static void gen_names(Rng *r)
{
    n_names = (int)rng_below(r, MAX_NAMES + 1);
    for (int i = 0; i < n_names; i++) name_body[i] = gen_body(r, 3, n_names);
}

/* A variant of p: one subterm replaced or tweaked. */
static int32_t mutate(Rng *r, int32_t p)
{
    const Term t = terms[p];
    bool leaf = t.k0 < 0;
    if (!leaf && rng_below(r, 3) != 0) {
        bool right = t.k1 >= 0 && rng_below(r, 2);
        int32_t k0 = right ? t.k0 : mutate(r, t.k0);
        int32_t k1 = right ? mutate(r, t.k1) : t.k1;
        return mk(t.kind, t.ev, t.x, t.y, k0, k1);
    }
    if (rng_below(r, 2) == 0) return gen_top(r, 1 + (int)rng_below(r, 2), n_names);
    switch ((Kind)t.kind) {
    case K_EXT:
    case K_INT:
    case K_TIMEOUT:
    case K_INTR: {
        static const Kind ch[] = { K_EXT, K_INT, K_TIMEOUT, K_INTR };
        return mk2(ch[rng_below(r, 4)], 0, 0, t.k0, t.k1);
    }
    case K_PREFIX: return mk_prefix((int)rng_below(r, N_VIS), t.k0);
    case K_HIDE:
    case K_PAR:
    case K_EXCEPT:
    case K_ALPHA: {
        unsigned x = t.x ^ (1u << rng_below(r, 3)), y = t.y;
        if (t.kind == K_ALPHA) y ^= 1u << rng_below(r, 3);
        return mk(t.kind, 0, (int)x, (int)y, t.k0, t.k1);
    }
    case K_RENAME: return mk1(K_RENAME, 0, (int)gen_rel(r), t.k0);
    case K_SEQ: return mk2(K_SEQ, 0, 0, t.k1, t.k0);
    default: return gen_top(r, 2, n_names);
    }
}

/* SPEC and IMPL, related often enough that both verdicts are common. */
static void gen_pair(Rng *r, int32_t *spec, int32_t *impl)
{
    int depth = 2 + (int)rng_below(r, 2);
    static const int w[] = { 3, 2, 4, 2, 1 };
    switch (rng_pick(r, w, 5)) {
    case 0:
        *spec = gen_top(r, depth, n_names);
        *impl = gen_top(r, depth, n_names);
        break;
    case 1: /* SPEC = IMPL |~| R: refined in every model */
        *impl = gen_top(r, depth, n_names);
        *spec = mk2(K_INT, 0, 0, *impl, gen_top(r, 2, n_names));
        break;
    case 2:
        *spec = gen_top(r, depth, n_names);
        *impl = mutate(r, *spec);
        if (rng_below(r, 3) == 0) *impl = mutate(r, *impl);
        break;
    case 3: { /* SPEC = op(IMPL, R) or op(R, IMPL) */
        *impl = gen_top(r, depth, n_names);
        Kind k = op_kind[1 + rng_below(r, 11)];
        int32_t other = gen_top(r, 2, n_names);
        bool swap = rng_below(r, 2);
        *spec = gen_op(r, k, swap ? other : *impl, swap ? *impl : other);
        break;
    }
    default: /* IMPL = SPEC (often a name) hidden or renamed, perhaps |~| SPEC */
        *spec = n_names && rng_below(r, 2) ? mk_name((int)rng_below(r, (uint32_t)n_names))
                                          : gen_top(r, depth, n_names);
        *impl = rng_below(r, 2) ? mk1(K_HIDE, 0, (int)gen_set(r, true), *spec)
                                : mk1(K_RENAME, 0, (int)gen_rel(r), *spec);
        if (rng_below(r, 2)) *impl = mk2(K_INT, 0, 0, *spec, *impl);
        break;
    }
}

/* ---- scripts and the real checker ---- */

/* The script: names, the processes, one assertion (for has trace, the
 * trace tr of length len). Caller frees. */
static char *make_script(Prop m, int32_t a, int32_t b, const int *tr, int len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    cr_assert_not_null(f);
    fputs("channel a, b, c\n", f);
    for (int i = 0; i < n_names; i++) {
        fprintf(f, "X%d = ", i + 1);
        print_term(f, name_body[i]);
        fputc('\n', f);
    }
    wrapping = true;
    if (is_refinement(m)) {
        fputs("SPEC = ", f);
        if (compress_with) fprintf(f, "%s(", compress_with);
        print_term(f, a);
        if (compress_with) close_wrap(f);
        fputs("\nIMPL = ", f);
        if (compress_with) fprintf(f, "%s(", compress_with);
        print_term(f, b);
        if (compress_with) close_wrap(f);
    } else {
        fputs("P = ", f);
        if (compress_with) fprintf(f, "%s(", compress_with);
        print_term(f, a);
        if (compress_with) close_wrap(f);
    }
    wrapping = false;
    fprintf(f, "\n%s", prop_assert[m]);
    if (m == P_HAS_TRACE) {
        fputc('<', f);
        for (int i = 0; i < len; i++) fprintf(f, "%s%s", i ? ", " : "", ev_name[tr[i]]);
        fputc('>', f);
    }
    fputc('\n', f);
    fclose(f);
    return buf;
}

/* Checks the script's one assertion with cspi, as `cspi check` does. The
 * diagnostics and the printed block are returned in *diag (caller frees). */
static ChkResult run_cspi(const char *script, char **diag)
{
    size_t dlen = 0;
    *diag = NULL;
    FILE *df = open_memstream(diag, &dlen);
    cr_assert_not_null(df);
    ChkResult res = CHK_ERROR;
    SessionLimits lim = { .max_steps = 100000000 };
    Session s;
    if (session_open_text(&s, "<differential>", script, strlen(script), NULL, 0, &lim, df, false) == LOAD_OK) {
        ChkOptions o = { .max_states = 1000000, .brief = true, .out = df };
        for (uint32_t i = 0; i < s.script->n; i++) {
            Node *d = s.script->kid[i];
            if (d->kind != N_ASSERT) continue;
            ChkStats st;
            res = chk_assertion(s.pt, d, &o, &st);
        }
    }
    session_close(&s);
    fclose(df);
    return res;
}

static const char *result_name(ChkResult r)
{
    switch (r) {
    case CHK_PASSED: return "Passed";
    case CHK_FAILED: return "Failed";
    case CHK_LIMIT: return "limit";
    default: return "error";
    }
}

/* ---- the differential loop ---- */

typedef struct {
    int compared, passed, failed, skipped, disagreed;
} Tally;

enum { MAX_REPORTS = 5 };

/* The oracle's verdict on one case (a, b: roots; b < 0 for one process),
 * checked against the oracle's second, bounded computation. Returns false
 * if the case is too big to decide. */
static bool oracle(Prop m, int32_t a, int32_t b, const int *tr, int len, const char *script,
                   Verdict *out)
{
    Prop sm = semantic(m);
    int sa = state_of[a], sb = b >= 0 ? state_of[b] : -1;
    Verdict v = is_refinement(m) ? exact_refine(sm, sa, sb)
              : m == P_HAS_TRACE ? exact_has_trace(sa, tr, len)
                                 : exact_single(sm, sa);
    if (too_big) return false;
    bounded(sa, &bsem[0]);
    if (sb >= 0) bounded(sb, &bsem[1]);
    bool bf;
    if (m == P_HAS_TRACE) {
        int t = 0;
        for (int i = 0; i < len; i++) t = 4 * t + 1 + tr[i];
        bf = !bsem[0].present[t];
    } else {
        bf = bounded_fails(sm);
    }
    cr_assert_eq(bf, v.fail && v.len <= BOUND,
                 "oracle inconsistent: exact %s (witness length %d), bounded %s\n%s",
                 v.fail ? "fails" : "passes", v.len, bf ? "fails" : "passes", script);
    if (sm == P_DF_F || sm == P_DF_FD || sm == P_DIVF) {
        static bool seen[MAX_STATES];
        reachable(sa, seen);
        bool any = false;
        for (int s = 0; s < n_states; s++)
            if (seen[s] && ((sm != P_DIVF && states[s].dead) || (sm != P_DF_F && states[s].div)))
                any = true;
        cr_assert_eq(any, v.fail, "oracle inconsistent: reachable states vs nodes\n%s", script);
    }
    *out = v;
    return true;
}

/* prioritise around p (x and y disjoint). */
static int32_t gen_prio(Rng *r, int32_t p)
{
    unsigned x = gen_set(r, false), y = gen_set(r, false) & ~x;
    return mk(K_PRIO, 0, (int)x, (int)y, p, -1);
}

/* prioritisepo around p: an acyclic order (pairs along a random ranking
 * of a, b, c) and maximal events that nothing is above. */
static int32_t gen_priopo(Rng *r, int32_t p)
{
    int rank[N_VIS] = { 0, 1, 2 };
    for (int i = N_VIS - 1; i > 0; i--) {
        int j = (int)rng_below(r, (unsigned)i + 1), x = rank[i];
        rank[i] = rank[j];
        rank[j] = x;
    }
    unsigned order = 0, below = 0;
    for (int i = 0; i < N_VIS; i++)
        for (int j = i + 1; j < N_VIS; j++)
            if (rng_below(r, 2)) {
                order |= 1u << (rank[i] * 3 + rank[j]);
                below |= 1u << rank[j];
            }
    unsigned maximal = gen_set(r, false) & ~below;
    return mk(K_PRIOPO, 0, (int)order, (int)maximal, p, -1);
}

/* Cases with prioritise: around the process, or around both sides of a
 * parallel in it (where the checker's networks meet it as an operator). */
static bool with_prio = false;
static bool with_priopo = false;   /* prioritisepo instead of prioritise */

static int32_t add_prio(Rng *r, int32_t p)
{
    if (p < 0) return p;
    int32_t (*gen)(Rng *, int32_t) = with_priopo ? gen_priopo : gen_prio;
    if (rng_below(r, 2)) return gen(r, p);
    int32_t q = gen(r, gen_top(r, 2, n_names));
    return mk2(rng_below(r, 2) ? K_PAR : K_ILV, (int)gen_set(r, false), 0, gen(r, p), q);
}

/* Cases with the synchronising operators: [+A+] or /+A+\ joining the
 * process with another one. */
static bool with_sync = false;

static int32_t add_sync(Rng *r, int32_t p)
{
    if (p < 0) return p;
    int32_t q = gen_top(r, 2, n_names);
    Kind k = rng_below(r, 2) ? K_SYNCEXT : K_SYNCINT;
    return rng_below(r, 2) ? mk2(k, (int)gen_set(r, false), 0, p, q) : mk2(k, (int)gen_set(r, false), 0, q, p);
}

/* Runs `count` random cases of property m from seed; the tally. With
 * `quiet`, disagreements are counted but not logged. */
static Tally run_cases(Prop m, uint64_t seed, int count, bool quiet)
{
    Tally tl = { 0, 0, 0, 0, 0 };
    for (int c = 0; c < count; c++) {
        Rng r = { seed * 0x100000001b3ull + (uint64_t)c };
        wrap_seed = rng_next(&r);
        terms_reset();
        gen_names(&r);
        int32_t a, b = -1;
        int tr[3], len = 0;
        if (is_refinement(m)) gen_pair(&r, &a, &b);
        else a = gen_top(&r, 3 + (int)rng_below(&r, 2), n_names);
        if (with_prio) {
            a = add_prio(&r, a);
            if (rng_below(&r, 2)) b = add_prio(&r, b);
        }
        if (with_sync) {
            a = add_sync(&r, a);
            if (rng_below(&r, 2)) b = add_sync(&r, b);
        }
        if (m == P_HAS_TRACE) {
            len = (int)rng_below(&r, 4);
            for (int i = 0; i < len; i++) tr[i] = (int)rng_below(&r, N_VIS);
        }
        int32_t roots[2] = { a, b };
        if (too_big || !build_lts(roots, b >= 0 ? 2 : 1)) {
            tl.skipped++;
            continue;
        }
        char *script = make_script(m, a, b, tr, len);
        Verdict v;
        if (!oracle(m, a, b, tr, len, script, &v)) {
            tl.skipped++;
            free(script);
            continue;
        }
        char *diag;
        ChkResult got = run_cspi(script, &diag);
        ChkResult want = v.fail ? CHK_FAILED : CHK_PASSED;
        tl.compared++;
        if (v.fail) tl.failed++;
        else tl.passed++;
        if (got != want) {
            if (tl.disagreed < MAX_REPORTS && !quiet)
                cr_log_error("differential: case %d (seed %llu) disagrees: cspi %s, oracle %s "
                             "(witness trace length %d)\n%s---\n%s",
                             c, (unsigned long long)seed, result_name(got), result_name(want),
                             v.fail ? v.len : -1, script, diag ? diag : "");
            tl.disagreed++;
        }
        free(diag);
        free(script);
    }
    fprintf(stderr, "differential %s%s%-38s %4d compared (%d pass, %d fail), %d skipped, %d disagree\n",
            compress_with ? compress_with : "", compress_with ? ": " : "",
            prop_assert[m], tl.compared, tl.passed, tl.failed, tl.skipped, tl.disagreed);
    return tl;
}

/* Runs `count` random cases of property m from seed; fails on any
 * disagreement (or an oracle inconsistent with itself). */
static void differential(Prop m, uint64_t seed, int count)
{
    Tally tl = run_cases(m, seed, count, false);
    cr_assert_eq(tl.disagreed, 0, "%d of %d cases disagree (first ones above)", tl.disagreed,
                 tl.compared);
    cr_assert_geq(tl.compared, count * 9 / 10, "too many cases skipped: %d of %d", tl.skipped, count);
}

/* ---- the random cases, one test per property ---- */

Test(differential, traces) { differential(P_TRACES, 1, 1000); }
Test(differential, failures) { differential(P_FAILURES, 2, 1000); }
Test(differential, failures_divergences) { differential(P_FD, 3, 1000); }
Test(differential, deadlock_free_F) { differential(P_DF_F, 4, 500); }
Test(differential, deadlock_free_FD) { differential(P_DF_FD, 5, 500); }
Test(differential, deadlock_free_default) { differential(P_DF_DEFAULT, 9, 200); }
Test(differential, divergence_free) { differential(P_DIVF, 6, 500); }
Test(differential, deterministic_F) { differential(P_DET_F, 7, 500); }
Test(differential, deterministic_FD) { differential(P_DET_FD, 8, 500); }
Test(differential, deterministic_default) { differential(P_DET_DEFAULT, 10, 200); }
Test(differential, has_trace) { differential(P_HAS_TRACE, 11, 300); }
Test(differential, prioritise_failures_divergences)
{
    with_prio = true;
    differential(P_FD, 12, 400);
}
Test(differential, prioritise_deadlock_free_F)
{
    with_prio = true;
    differential(P_DF_F, 13, 300);
}
Test(differential, prioritise_deterministic_FD)
{
    with_prio = true;
    differential(P_DET_FD, 14, 200);
}

Test(differential, prioritisepo_failures_divergences)
{
    with_prio = with_priopo = true;
    differential(P_FD, 19, 400);
}
Test(differential, prioritisepo_deadlock_free_F)
{
    with_prio = with_priopo = true;
    differential(P_DF_F, 20, 300);
}

Test(differential, sync_operators_failures_divergences)
{
    with_sync = true;
    differential(P_FD, 15, 400);
}
Test(differential, sync_operators_traces)
{
    with_sync = true;
    differential(P_TRACES, 16, 300);
}
Test(differential, sync_operators_deadlock_free_F)
{
    with_sync = true;
    differential(P_DF_F, 17, 300);
}
Test(differential, sync_operators_deterministic_FD)
{
    with_sync = true;
    differential(P_DET_FD, 18, 200);
}

/* ---- compressions: C(P) and P get the same verdicts ----
 * Each compression is put around the assertion's processes and some of
 * their subterms (print_term); the oracle decides the processes without
 * it. Every compression here preserves T, F and FD (sbisim and explicate
 * preserve more), so every property must get the same verdict. */

static void compressed(const char *c, uint64_t seed)
{
    static const struct { Prop m; int count; } props[] = {
        { P_FD, 250 }, { P_FAILURES, 150 }, { P_TRACES, 100 }, { P_DF_F, 100 },
        { P_DIVF, 100 }, { P_DET_FD, 100 }, { P_HAS_TRACE, 50 },
    };
    compress_with = c;
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
        differential(props[i].m, seed * 100 + i, props[i].count);
}

Test(differential, compress_sbisim) { compressed("sbisim", 21); }
Test(differential, compress_normal) { compressed("normal", 22); }
Test(differential, compress_diamond) { compressed("diamond", 23); }
Test(differential, compress_sbisim_diamond) { compressed("sbisim(diamond", 24); }
Test(differential, compress_tau_loop_factor) { compressed("tau_loop_factor", 25); }
Test(differential, compress_wbisim) { compressed("wbisim", 26); }
Test(differential, compress_dbisim) { compressed("dbisim", 27); }
Test(differential, compress_explicate) { compressed("explicate", 28); }

/* The harness catches an unsound "compression": chase resolves taus
 * eagerly, which changes the failures of a process whose taus are choices
 * (FDR documents it so); some verdicts must differ. */
Test(differential, compress_mode_catches_an_unsound_reduction)
{
    compress_with = "chase";
    Tally tl = run_cases(P_FD, 29, 200, true);
    cr_assert_gt(tl.disagreed, 0, "chase should change some verdicts in [FD=");
}

/* ---- the oracle itself, on cases worked out by hand from §3.2-§4.3 ---- */

/* Checks the oracle's verdict on one hand-made case against `fails`, then
 * cspi's against both. */
static void expect(Prop m, int32_t a, int32_t b, bool fails)
{
    int32_t roots[2] = { a, b };
    cr_assert(build_lts(roots, b >= 0 ? 2 : 1), "hand-made case too big");
    char *script = make_script(m, a, b, NULL, 0);
    Verdict v;
    cr_assert(oracle(m, a, b, NULL, 0, script, &v));
    cr_expect_eq(v.fail, fails, "oracle says %s, expected %s:\n%s", v.fail ? "Failed" : "Passed",
                 fails ? "Failed" : "Passed", script);
    char *diag;
    ChkResult got = run_cspi(script, &diag);
    cr_expect_eq(got, fails ? CHK_FAILED : CHK_PASSED, "cspi says %s, expected %s:\n%s---\n%s",
                 result_name(got), fails ? "Failed" : "Passed", script, diag ? diag : "");
    free(diag);
    free(script);
}

Test(differential, oracle_by_hand)
{
    const int A = EV_A, B = EV_B, C = EV_C;
    terms_reset();
    int32_t aS = mk_prefix(A, T_STOP), bS = mk_prefix(B, T_STOP), aK = mk_prefix(A, T_SKIP);
    int32_t ab = mk2(K_EXT, 0, 0, aS, bS), a_or_b = mk2(K_INT, 0, 0, aS, bS);

    /* refinement: internal choice refines external, not the other way */
    expect(P_TRACES, ab, a_or_b, false);
    expect(P_TRACES, a_or_b, ab, false);
    expect(P_FAILURES, ab, a_or_b, true);
    expect(P_FAILURES, a_or_b, ab, false);
    expect(P_FAILURES, aS, mk2(K_INT, 0, 0, aS, T_STOP), true);
    expect(P_TRACES, aS, mk2(K_INT, 0, 0, aS, T_STOP), false);
    /* DIV: no stable failures, every FD behaviour */
    expect(P_FAILURES, T_STOP, T_DIV, false);
    expect(P_FD, T_STOP, T_DIV, true);
    expect(P_FD, T_DIV, ab, false);
    expect(P_FD, mk_prefix(A, T_DIV), mk_prefix(A, ab), false);
    expect(P_FD, mk_prefix(A, T_DIV), mk_prefix(B, T_STOP), true);
    /* hiding a loop diverges; F ignores it */
    n_names = 1;
    name_body[0] = mk_prefix(A, mk_name(0));
    int32_t loop = mk1(K_HIDE, 0, 1u << A, mk_name(0));
    expect(P_DIVF, loop, -1, true);
    expect(P_DIVF, mk_name(0), -1, false);
    expect(P_FAILURES, T_STOP, loop, false);
    expect(P_FD, T_STOP, loop, true);
    expect(P_DET_F, loop, -1, false);
    expect(P_DET_FD, loop, -1, true);
    expect(P_DET_DEFAULT, loop, -1, true);
    n_names = 0;

    /* deadlock: STOP, not SKIP; a side that can only tick blocks the interface */
    expect(P_DF_F, T_STOP, -1, true);
    expect(P_DF_F, T_SKIP, -1, false);
    expect(P_DF_F, mk2(K_ILV, 0, 0, T_SKIP, aK), -1, false);
    expect(P_DF_F, mk2(K_PAR, 1u << A, 0, T_SKIP, aK), -1, true);
    expect(P_DF_F, mk2(K_SEQ, 0, 0, T_SKIP, aS), -1, true);
    expect(P_DF_F, T_DIV, -1, false);
    expect(P_DF_FD, T_DIV, -1, true);
    expect(P_DF_DEFAULT, T_DIV, -1, true);
    /* alphabetised parallel: a outside the left alphabet is blocked */
    expect(P_DF_F, mk2(K_ALPHA, 1u << B, 1u << B, aK, T_SKIP), -1, true);
    expect(P_DF_F, mk2(K_ALPHA, 1u << A, 1u << B, aK, T_SKIP), -1, false);

    /* determinism: tick counts; [> is nondeterministic; one-to-many renaming is not */
    expect(P_DET_F, ab, -1, false);
    expect(P_DET_F, a_or_b, -1, true);
    expect(P_DET_F, mk2(K_INT, 0, 0, T_SKIP, T_STOP), -1, true);
    expect(P_DET_F, mk2(K_TIMEOUT, 0, 0, aS, T_SKIP), -1, true);
    expect(P_DET_F, mk2(K_EXT, 0, 0, aS, aK), -1, true);
    expect(P_DET_F, mk1(K_RENAME, 0, 1u << (3 * A + B) | 1u << (3 * A + C), aS), -1, false);
    expect(P_DET_F, mk1(K_RENAME, 0, 1u << (3 * A + B), ab), -1, false); /* b -> STOP twice */
    expect(P_DET_F, mk1(K_RENAME, 0, 1u << (3 * A + B), mk2(K_EXT, 0, 0, aK, bS)), -1, true);

    /* interrupt and exception */
    int32_t abS = mk_prefix(A, bS), cS = mk_prefix(C, T_STOP);
    expect(P_TRACES, mk_prefix(A, mk_prefix(C, T_STOP)), mk2(K_EXCEPT, 1u << A, 0, abS, cS), false);
    expect(P_TRACES, mk2(K_EXCEPT, 1u << A, 0, abS, cS), abS, true);
    expect(P_TRACES, mk2(K_INTR, 0, 0, abS, cS), mk_prefix(A, mk_prefix(C, T_STOP)), false);
    expect(P_TRACES, mk2(K_INTR, 0, 0, aK, cS), mk2(K_SEQ, 0, 0, aK, cS), false);
    expect(P_TRACES, mk2(K_INTR, 0, 0, aK, cS), mk2(K_SEQ, 0, 0, aK, bS), true);
    /* Q's tick takes over an interrupt; P's tick ends it */
    expect(P_DF_F, mk2(K_INTR, 0, 0, T_STOP, T_SKIP), -1, false);
    expect(P_DF_F, mk2(K_INTR, 0, 0, T_SKIP, T_STOP), -1, false);
    expect(P_TRACES, mk2(K_INTR, 0, 0, T_SKIP, cS), mk2(K_EXT, 0, 0, T_SKIP, cS), false);
    expect(P_TRACES, T_SKIP, mk2(K_INTR, 0, 0, T_STOP, T_SKIP), false);
}

/* ---- regressions: bugs the random cases found, fixed ---- */

/* Was a bug: a renaming was silently dropped when it was built before any
 * event of the channels it renames had been used (first seen in random case 368 of
 * differential/traces, seed 1). Script:
 *     channel a, b, c
 *     X = b -> STOP
 *     assert (X [[b <- a]]) :[has trace]: <a>
 *     assert (X [[b <- c]]) [T= X
 * Expected: Passed, then Failed (X [[b <- a]] performs a; traces(X) = {<>,
 * <b>} is not within {<>, <c>}). It was: Failed, then Passed, the renamed
 * process behaving as X. It depended on evaluation order: the same assertion
 * written twice failed the first time and passed the second. Cause
 * (interp/procbuild.c, relation()): it read a channel's fields before they
 * were evaluated, so the relation had no pairs and the process came back
 * unrenamed. The linked parallel's ties go through the same function. */
Test(differential, bug_renaming_before_first_use)
{
    char *diag;
    ChkResult got = run_cspi("channel a, b, c\nX = b -> STOP\n"
                             "assert (X [[b <- a]]) :[has trace]: <a>\n", &diag);
    cr_expect_eq(got, CHK_PASSED, "X [[b <- a]] cannot do a: %s\n%s", result_name(got), diag);
    free(diag);
    got = run_cspi("channel a, b, c\nX = b -> STOP\nassert (X [[b <- c]]) [T= X\n", &diag);
    cr_expect_eq(got, CHK_FAILED, "X [[b <- c]] [T= X: %s\n%s", result_name(got), diag);
    free(diag);
}

/* Was a bug (cosmetic): the block printed for an assertion lost the brackets
 * around its first and last process. Script:
 *     channel a
 *     assert (a -> STOP) [T= (a -> STOP)
 * Expected line (--brief): "Passed: (a -> STOP) [T= (a -> STOP)".
 * It was: "Passed: a -> STOP) [T= (a -> STOP". chk_assertion_text copied
 * the source between the start and end of the assertion node's span, and a
 * bracketed expression's span did not include its brackets. */
Test(differential, bug_assertion_text_brackets)
{
    char *diag;
    ChkResult got = run_cspi("channel a\nassert (a -> STOP) [T= (a -> STOP)\n", &diag);
    cr_expect_eq(got, CHK_PASSED);
    cr_expect(strstr(diag, "Passed: (a -> STOP) [T= (a -> STOP)\n") != NULL, "printed:\n%s", diag);
    free(diag);
}
