/* test_compress.c - the compressions' contracts (compress.h, lts.h) on
 * machines whose reductions are known by hand: state counts, labels
 * (divergence, minimal acceptances), the plain writing-out of labels, the
 * cache per (compression, term), and the state limit. That C(P) keeps P's
 * verdicts on random processes is test_differential.c's compression mode.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "fixture.h"

#include "compress.h"
#include "eval.h"
#include "event.h"
#include "interp.h"
#include "lts.h"
#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(compress);

/* Loads script; l->p is the term of its last declaration. */
static void load(Loaded *l, const char *script) { fixture_load(l, "<compress>", script); }

static void unload(Loaded *l) { fixture_unload(l); }

typedef struct {
    Loaded *l;
    Compression c;          /* COMPRESS__COUNT: only explore */
    uint64_t max;
    Lts *in, *out;
} Job;

static void job(void *ctx)
{
    Job *j = ctx;
    j->in = lts_of_term(j->l->pt, j->l->p, j->max, SPAN_NONE, "test");
    if (j->c != COMPRESS__COUNT) j->out = compress_lts(j->l->pt, j->c, j->in, j->max, SPAN_NONE);
}

/* P's machine and its compression c (both evaluator temporaries, freed
 * with the session's evaluator). */
static Job run(Loaded *l, Compression c)
{
    Job j = { l, c, 100000, NULL, NULL };
    cr_assert(proc_guard(l->pt, job, &j), "%s", l->diag ? l->diag : "");
    return j;
}

static uint32_t edges_of(const Lts *L, uint32_t s) { return L->first[s + 1] - L->first[s]; }

static uint32_t n_accs(const Lts *L, uint32_t s) { return L->acc_first[s + 1] - L->acc_first[s]; }

Test(compress, sbisim_merges_bisimilar_states)
{
    Loaded l;
    load(&l, "channel a, b\nY = a -> b -> a -> b -> Y\nP = Y\n");
    Job j = run(&l, COMPRESS_sbisim);
    cr_assert_eq(j.in->n, 4);
    cr_assert_eq(j.out->n, 2);
    cr_assert_null(j.out->label, "a plain machine stays plain");
    unload(&l);
}

Test(compress, sbisim_keeps_taus_apart_from_visible_events)
{
    Loaded l;   /* a then STOP vs a hidden step then STOP: not strongly bisimilar */
    load(&l, "channel a, b\nP = (a -> STOP) [] (b -> (a -> STOP) \\ {a})\n");
    Job j = run(&l, COMPRESS_sbisim);
    cr_assert_eq(j.out->n, j.in->n - 1, "only the two STOPs (plain and hidden) merge");
    unload(&l);
}

Test(compress, tau_loop_factor_makes_one_divergent_state)
{
    Loaded l;
    load(&l, "channel a, b\nLL = a -> b -> LL\nP = LL \\ {a, b}\n");
    Job j = run(&l, COMPRESS_tau_loop_factor);
    cr_assert_eq(j.in->n, 2);
    cr_assert_eq(j.out->n, 1, "the loop");
    const Lts *L = j.out;
    cr_assert_eq(edges_of(L, 0), 1);
    cr_assert_eq(L->edges[L->first[0]].event, EVENT_TAU);
    cr_assert_eq(L->edges[L->first[0]].to, 0, "a tau to itself: divergent");
    unload(&l);
}

Test(compress, diamond_keeps_a_divergence_inside_a_closure)
{
    Loaded l;   /* FDR 4.2.1 fixed diamond losing this divergence */
    load(&l, "channel a, b\nP = a -> (DIV |~| b -> STOP)\n");
    Job j = run(&l, COMPRESS_diamond);
    const Lts *L = j.out;
    cr_assert_eq(L->n, 3);
    cr_assert_not_null(L->label);
    cr_assert_eq(L->label[0], LTS_LABELLED);
    cr_assert_eq(L->label[1], LTS_LABELLED | LTS_DIVERGENT, "after a: divergent");
    cr_assert_eq(n_accs(L, 1), 1);
    cr_assert_eq(L->accs[L->acc_first[1]]->n, 1, "accepting {b}");
    for (uint32_t k = 0; k < L->n_edges; k++) cr_assert_neq(L->edges[k].event, EVENT_TAU, "no taus remain");
    unload(&l);
}

Test(compress, diamond_keeps_only_the_earliest_targets)
{
    Loaded l;   /* after a: Q, and (by a tau from Q) b -> STOP; Q is enough */
    load(&l, "channel a, b, c\nQ = c -> STOP [> b -> STOP\nP = a -> Q [] a -> b -> STOP\n");
    Job j = run(&l, COMPRESS_diamond);
    const Lts *L = j.out;
    cr_assert_eq(edges_of(L, 0), 1, "one a-edge: its other target is reached from the first by a tau");
    unload(&l);
}

Test(compress, normal_labels_nondeterminism_with_acceptances)
{
    Loaded l;
    load(&l, "channel a, b, c\nP = a -> b -> STOP |~| a -> c -> STOP\n");
    Job j = run(&l, COMPRESS_normal);
    const Lts *L = j.out;
    cr_assert_eq(j.in->n, 6);
    cr_assert_eq(L->n, 3);
    cr_assert_eq(n_accs(L, 0), 1, "initially {a}");
    cr_assert_eq(n_accs(L, 1), 2, "after a: {b} and {c}");
    cr_assert_eq(n_accs(L, 2), 1, "STOP: {}");
    cr_assert_eq(L->accs[L->acc_first[2]]->n, 0);
    /* written out: the node after a gains a tau to a state per acceptance */
    Lts *plain = lts_explicate(l.pt, L, NULL);
    cr_assert_eq(plain->n, 5);
    cr_assert_null(plain->label);
    unload(&l);
}

Test(compress, normal_can_grow)
{
    Loaded l;   /* "the third event from the end was a": 4 states, 8 normal-form nodes */
    load(&l, "channel a, b\n"
             "X0 = a -> X0 [] b -> X0 [] a -> X1\n"
             "X1 = a -> X2 [] b -> X2\n"
             "X2 = a -> X3 [] b -> X3\n"
             "X3 = STOP\n"
             "P = X0\n");
    Job j = run(&l, COMPRESS_normal);
    cr_assert_eq(j.in->n, 4);
    cr_assert_eq(j.out->n, 8);
    unload(&l);
}

Test(compress, weak_bisimulation_drops_an_inert_tau)
{
    Loaded l;
    load(&l, "channel a, b, c\nP = (a -> c -> b -> STOP) \\ {c}\n");
    Job w = run(&l, COMPRESS_wbisim), d = run(&l, COMPRESS_dbisim);
    cr_assert_eq(w.in->n, 4);
    cr_assert_eq(w.out->n, 3);
    cr_assert_eq(d.out->n, 3);
    unload(&l);
}

Test(compress, weak_bisimulation_respects_divergence)
{
    Loaded l;   /* after a, one branch can diverge: it must not merge with b -> STOP */
    load(&l, "channel a, b\nP = a -> (b -> STOP [] DIV)\n");
    Job w = run(&l, COMPRESS_wbisim);
    bool tau_loop = false;
    for (uint32_t s = 0; s < w.out->n; s++)
        for (uint32_t k = w.out->first[s]; k < w.out->first[s + 1]; k++)
            if (w.out->edges[k].event == EVENT_TAU && w.out->edges[k].to == s) tau_loop = true;
    cr_assert(tau_loop, "the divergence is kept as a tau to itself");
    unload(&l);
}

Test(compress, explicate_is_the_same_machine)
{
    Loaded l;
    load(&l, "channel a, b\nY = a -> b -> a -> b -> Y\nP = Y\n");
    Job j = run(&l, COMPRESS_explicate);
    cr_assert_eq(j.out->n, j.in->n);
    cr_assert_eq(j.out->n_edges, j.in->n_edges);
    unload(&l);
}

Test(compress, a_compression_is_cached_per_term)
{
    Loaded l;
    load(&l, "channel a, b\nY = a -> b -> a -> b -> Y\nP = sbisim(Y) ||| sbisim(Y)\n");
    uint32_t n;
    const Trans *ts = proc_transitions(l.pt, l.p, &n);
    cr_assert_not_null(ts);
    const CompressLog *log = compress_log(l.pt, &n);
    cr_assert_eq(n, 1, "one compression for both components");
    cr_assert_eq(log[0].before, 4);
    cr_assert_eq(log[0].after, 2);
    unload(&l);
}

Test(compress, too_many_states_is_a_limit)
{
    Loaded l;
    load(&l, "channel up\nC(n) = up -> C(n + 1)\nP = C(0)\n");
    Job j = { &l, COMPRESS_normal, 100, NULL, NULL };
    cr_assert_not(proc_guard(l.pt, job, &j));
    cr_assert_eq(eval_failure(l.E), EVAL_LIMIT);
    fflush(l.df);
    cr_assert(strstr(l.diag, "more than 100 states"), "%s", l.diag);
    unload(&l);
}
