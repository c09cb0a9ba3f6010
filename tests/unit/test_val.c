/* test_val.c - hash-consed values (val.h): interning, canonical sets, the
 * total order, set algebra on integer intervals and printing. Values come
 * from the fixture interpreter's table, so each test starts with a fresh one.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "fixture.h"
#include "interp.h"
#include "val.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(val, .init = fixture_setup, .fini = fixture_teardown);

/* ---- helpers ---- */

#define T (in->vals)

static const Val *I(int64_t n) { return val_int(T, n); }
static const Val *B(bool b) { return val_bool(T, b); }
static const Val *C(uint32_t c) { return val_char(T, c); }
static const Val *S(const char *s) { return val_string(T, s, strlen(s)); }
/* lo..hi, where VAL_NEG_INF and VAL_INF stand for unbounded ends. */
static const Val *R(int64_t lo, int64_t hi)
{
    if (lo == VAL_NEG_INF && hi == VAL_INF) return val_int_all(T);
    if (hi == VAL_INF) return val_int_from(T, lo);
    if (lo == VAL_NEG_INF) return val_set_diff(T, val_int_all(T), val_int_from(T, hi + 1));
    return val_int_range(T, lo, hi);
}

/* The i-th item or bound, read through a function: clang's -Warray-bounds
 * takes a constant index past items[1] (Val's flexible union) for an overflow. */
static const Val *item(const Val *v, uint32_t i) { return v->items[i]; }
static int64_t bound(const Val *v, uint32_t i) { return v->bounds[i]; }

static const Val *tup2(const Val *a, const Val *b)
{
    const Val *xs[2] = { a, b };
    return val_tuple(T, xs, 2);
}

static const Val *seqv(uint32_t n, const Val *const *xs) { return val_seq(T, xs, n); }
static const Val *setv(uint32_t n, const Val *const *xs) { return val_set(T, xs, n); }

/* A set of the given ints. */
static const Val *iset(uint32_t n, const int64_t *xs)
{
    const Val **v = malloc((n ? n : 1) * sizeof *v);
    for (uint32_t i = 0; i < n; i++) v[i] = I(xs[i]);
    const Val *r = val_set(T, v, n);
    free(v);
    return r;
}

/* The printed form, in a static buffer (kept until the next call). */
static const char *str(const Val *v)
{
    static char *last;
    free(last);
    last = val_to_string(v, NULL, NULL, NULL);
    cr_assert_not_null(last);
    return last;
}

#define expect_print(v, ...) cr_assert_str_eq(str(v), __VA_ARGS__)

static int sign(int x) { return (x > 0) - (x < 0); }

/* A channel (or constructor) declaration with the given name and order. */
static ValDecl *decl(const char *name, uint32_t order, uint32_t arity, bool is_channel)
{
    static ValDecl decls[8];
    static int n;
    ValDecl *d = &decls[n++ % 8];
    memset(d, 0, sizeof *d);
    d->name = sym_intern_cstr(in->syms, name);
    d->order = order;
    d->arity = arity;
    d->is_channel = is_channel;
    return d;
}

/* ---- hash-consing ---- */

Test(val, equal_ints_are_one_pointer)
{
    cr_assert_eq(I(0), I(0));
    cr_assert_eq(I(-128), I(-128));
    cr_assert_eq(I(1023), I(1023));
    cr_assert_eq(I(1024), I(1024), "just past the small-int cache");
    cr_assert_eq(I(123456789012), I(123456789012));
    cr_assert_eq(I(INT64_MIN), I(INT64_MIN));
    cr_assert_eq(I(INT64_MAX), I(INT64_MAX));
    cr_assert_neq(I(1), I(2));
    cr_assert_eq(I(-7)->num, -7);
    cr_assert_eq(I(5)->kind, V_INT);
}

Test(val, scalars_of_different_kinds_differ)
{
    cr_assert_neq(I(1), B(true));
    cr_assert_neq(I(97), C('a'));
    cr_assert_neq(I(0), B(false));
    cr_assert_eq(B(true), B(true));
    cr_assert_eq(C('x'), C('x'));
    cr_assert_eq(C(0x1F600), C(0x1F600));
}

Test(val, equal_tuples_and_sequences_are_one_pointer)
{
    const Val *a[] = { I(1), S("ab"), B(false) };
    const Val *b[] = { I(1), S("ab"), B(false) };
    cr_assert_eq(val_tuple(T, a, 3), val_tuple(T, b, 3));
    cr_assert_eq(val_seq(T, a, 3), val_seq(T, b, 3));
    cr_assert_neq(val_tuple(T, a, 3), val_seq(T, a, 3), "a tuple is not a sequence");
    cr_assert_neq(val_tuple(T, a, 3), val_tuple(T, a, 2));
    const Val *swapped[] = { S("ab"), I(1), B(false) };
    cr_assert_neq(val_tuple(T, a, 3), val_tuple(T, swapped, 3));
    cr_assert_eq(val_seq(T, NULL, 0), val_seq(T, a, 0), "one empty sequence");
}

Test(val, nested_values_are_one_pointer)
{
    const Val *inner1[] = { I(1), I(2) }, *inner2[] = { I(1), I(2) };
    const Val *o1[] = { val_seq(T, inner1, 2), val_seq(T, NULL, 0) };
    const Val *o2[] = { val_seq(T, inner2, 2), val_seq(T, NULL, 0) };
    cr_assert_eq(val_seq(T, o1, 2), val_seq(T, o2, 2));
}

Test(val, strings_are_sequences_of_chars)
{
    const Val *chars[] = { C('a'), C('b'), C('c') };
    cr_assert_eq(S("abc"), val_seq(T, chars, 3));
    cr_assert_eq(S("abc"), S("abc"));
    cr_assert_neq(S("abc"), S("abd"));
    cr_assert_eq(S(""), val_seq(T, NULL, 0), "the empty string is <>");
    /* UTF-8 decodes to code points. */
    const Val *u = S("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");   /* e-acute, euro, emoji */
    cr_assert_eq(u->n, 3);
    cr_assert_eq(u->items[0], C(0xE9));
    cr_assert_eq(item(u, 1), C(0x20AC));
    cr_assert_eq(item(u, 2), C(0x1F600));
}

Test(val, equal_sets_are_one_pointer)
{
    const Val *a[] = { S("b"), S("a"), S("c") };
    const Val *b[] = { S("c"), S("b"), S("a"), S("a"), S("c") };
    const Val *x = setv(3, a), *y = setv(5, b);
    cr_assert_eq(x, y, "permutations and duplicates give one set");
    cr_assert_eq(x->kind, V_SET);
    cr_assert_eq(x->n, 3);
    cr_assert_eq(x->items[0], S("a"), "items are sorted");
    cr_assert_eq(item(x, 2), S("c"));
}

Test(val, equal_maps_are_one_pointer)
{
    const Val *kv1[] = { I(2), S("two"), I(1), S("one") };
    const Val *kv2[] = { I(1), S("one"), I(2), S("two") };
    const Val *m = val_map(T, kv1, 2);
    cr_assert_eq(m, val_map(T, kv2, 2));
    cr_assert_eq(m->kind, V_MAP);
    cr_assert_eq(m->n, 4, "items alternate key, value");
    cr_assert_eq(m->items[0], I(1), "sorted by key");
    cr_assert_eq(item(m, 1), S("one"));
    cr_assert_eq(val_map(T, NULL, 0), val_map(T, NULL, 0));
}

Test(val, later_map_keys_win)
{
    const Val *kv[] = { I(1), S("a"), I(2), S("b"), I(1), S("c") };
    const Val *m = val_map(T, kv, 3);
    cr_assert_eq(m->n, 4);
    cr_assert_eq(item(m, 1), S("c"));
    const Val *want[] = { I(1), S("c"), I(2), S("b") };
    cr_assert_eq(m, val_map(T, want, 2));
}

Test(val, equal_dots_are_one_pointer)
{
    ValDecl *c = decl("c", 0, 2, true);
    const Val *ch = val_channel(T, c);
    cr_assert_eq(ch, val_channel(T, c));
    const Val *a[] = { ch, I(1), B(true) }, *b[] = { ch, I(1), B(true) };
    const Val *x = val_dot(T, a, 3, VAL_DOT_HEADED);
    cr_assert_eq(x, val_dot(T, b, 3, VAL_DOT_HEADED));
    cr_assert_neq(x, val_dot(T, a, 3, VAL_DOT_HEADED | VAL_DOT_INCOMPLETE),
                  "flags are part of the value");
    cr_assert_neq(x, val_dot(T, a, 2, VAL_DOT_HEADED));
    const Val *p[] = { I(1), I(2) };
    cr_assert_eq(val_dot(T, p, 2, VAL_DOT_PLAIN), val_dot(T, p, 2, VAL_DOT_PLAIN));
    cr_assert_neq(val_channel(T, c), val_ctor(T, c), "a channel is not a constructor");
}

Test(val, builtins_are_interned)
{
    cr_assert_eq(val_builtin(T, 3), val_builtin(T, 3));
    cr_assert_neq(val_builtin(T, 3), val_builtin(T, 4));
}

Test(val, opaque_values_are_never_shared)
{
    int payload;
    const Val *a = val_opaque(T, V_FUNC, &payload, 0), *b = val_opaque(T, V_FUNC, &payload, 0);
    cr_assert_neq(a, b);
    cr_assert_neq(a->id, b->id);
    cr_assert_eq(a->ptr, &payload);
}

Test(val, ids_are_dense_and_distinct)
{
    uint32_t start = val_count(T);
    const Val *made[300];
    for (int i = 0; i < 100; i++) made[i] = I(1000 + i);
    for (int i = 0; i < 100; i++) made[100 + i] = tup2(I(i), B(i % 2));
    for (int i = 0; i < 100; i++) made[200 + i] = R(i, i + 5000);
    uint32_t end = val_count(T);
    /* Every new value took one id, and the ids are exactly start..end-1. */
    char *seen = calloc(end, 1);
    for (int i = 0; i < 300; i++) {
        cr_assert_lt(made[i]->id, end);
        cr_assert_eq(seen[made[i]->id], 0, "id %u used twice", made[i]->id);
        seen[made[i]->id] = 1;
    }
    free(seen);
    /* Making the same values again creates nothing. */
    for (int i = 0; i < 100; i++) cr_assert_eq(I(1000 + i), made[i]);
    for (int i = 0; i < 100; i++) cr_assert_eq(tup2(I(i), B(i % 2)), made[100 + i]);
    for (int i = 0; i < 100; i++) cr_assert_eq(R(i, i + 5000), made[200 + i]);
    cr_assert_eq(val_count(T), end);
    cr_assert_geq(end - start, 300, "at least one id per new value");
}

Test(val, table_survives_growth)
{
    /* Far more values than the initial table holds. */
    enum { N = 100000 };
    for (int64_t i = 0; i < N; i++) I(i * 7919);
    for (int64_t i = 0; i < N; i++) {
        const Val *v = I(i * 7919);
        cr_assert_eq(v->num, i * 7919);
    }
    uint32_t n = val_count(T);
    for (int64_t i = 0; i < N; i += 997) I(i * 7919);
    cr_assert_eq(val_count(T), n);
    cr_assert_gt(val_bytes(T), 0);
}

/* ---- canonical sets ---- */

Test(val, set_of_ints_is_an_intset)
{
    int64_t xs[] = { 5, 3, 4, 3, 10, 5 };
    const Val *s = iset(6, xs);
    cr_assert_eq(s->kind, V_INTSET);
    cr_assert_eq(s->n, 2, "{3..5} and {10}");
    cr_assert_eq(s->bounds[0], 3);
    cr_assert_eq(bound(s, 1), 5);
    cr_assert_eq(bound(s, 2), 10);
    cr_assert_eq(bound(s, 3), 10);
    int64_t ys[] = { 10, 4, 3, 5 };
    cr_assert_eq(iset(4, ys), s);
    int64_t b[] = { 3, 5, 10, 10 };
    cr_assert_eq(val_intset(T, b, 2), s);
}

Test(val, million_ints_are_one_interval)
{
    enum { N = 1000000 };
    const Val **v = malloc(N * sizeof *v);
    for (int i = 0; i < N; i++) v[i] = I(N - 1 - i);   /* descending */
    const Val *s = val_set(T, v, N);
    free(v);
    cr_assert_eq(s->kind, V_INTSET);
    cr_assert_eq(s->n, 1);
    cr_assert_eq(s->bounds[0], 0);
    cr_assert_eq(bound(s, 1), 999999);
    cr_assert_eq(s, R(0, 999999));
    cr_assert_eq(val_set_card(s), 1000000);
}

Test(val, empty_set_is_one_value)
{
    const Val *e = val_empty_set(T);
    cr_assert_eq(e->kind, V_SET);
    cr_assert_eq(e->n, 0);
    cr_assert_eq(val_set(T, NULL, 0), e);
    cr_assert_eq(R(5, 4), e, "an empty range is the empty set");
    cr_assert_eq(val_intset(T, NULL, 0), e);
    cr_assert_eq(val_set_card(e), 0);
    cr_assert(val_is_finite_set(e));
}

Test(val, ranges_and_unbounded_sets)
{
    const Val *all = R(VAL_NEG_INF, VAL_INF), *from2 = R(2, VAL_INF);
    cr_assert_eq(all->kind, V_INTSET);
    cr_assert_not(val_is_finite_set(all));
    cr_assert_not(val_is_finite_set(from2));
    cr_assert_not(val_is_finite_set(R(VAL_NEG_INF, 0)));
    cr_assert(val_is_finite_set(R(-3, 3)));
    cr_assert(val_is_set(all));
    cr_assert_not(val_is_set(I(1)));
    cr_assert_eq(R(2, VAL_INF), from2);
    cr_assert_eq(val_set_card(R(-3, 3)), 7);
    cr_assert_eq(R(7, 7), iset(1, (int64_t[]){ 7 }));
    /* Closed at the largest integer is finite, and not the unbounded set. */
    const Val *to_max = val_int_range(T, 0, INT64_MAX);
    cr_assert(val_is_finite_set(to_max));
    cr_assert_neq(to_max, R(0, VAL_INF));
    cr_assert_eq(val_set_card(to_max), (uint64_t)INT64_MAX + 1);
    cr_assert_eq(val_set_card(val_int_range(T, INT64_MIN, INT64_MAX)), UINT64_MAX);   /* saturated */
    cr_assert_eq(val_set_union(T, to_max, R(5, VAL_INF)), R(0, VAL_INF));
    cr_assert_eq(val_set_inter(T, to_max, R(5, VAL_INF)), val_int_range(T, 5, INT64_MAX));
    cr_assert(val_is_finite_set(val_set_diff(T, R(0, VAL_INF), val_int_range(T, 5, INT64_MAX))));
}

Test(val, mixed_sets_sort_ints_first)
{
    const Val *xs[] = { B(true), I(2), S("x"), I(1) };
    const Val *s = setv(4, xs);
    cr_assert_eq(s->kind, V_SET, "not all ints: a plain set");
    cr_assert_eq(s->n, 4);
    cr_assert_eq(s->items[0], I(1));
    cr_assert_eq(item(s, 1), I(2));
}

/* ---- set algebra ---- */

Test(val, union_merges_adjacent_intervals)
{
    cr_assert_eq(val_set_union(T, R(1, 3), R(4, 5)), R(1, 5));
    cr_assert_eq(val_set_union(T, R(4, 5), R(1, 3)), R(1, 5));
    cr_assert_eq(val_set_union(T, R(1, 3), R(2, 8)), R(1, 8), "overlapping");
    cr_assert_eq(val_set_union(T, R(1, 10), R(3, 4)), R(1, 10), "contained");
    const Val *gap = val_set_union(T, R(1, 3), R(5, 6));
    cr_assert_eq(gap->n, 2, "a gap keeps two intervals");
    cr_assert_eq(val_set_union(T, gap, iset(1, (int64_t[]){ 4 })), R(1, 6), "filling the gap");
    cr_assert_eq(val_set_union(T, val_empty_set(T), R(1, 3)), R(1, 3));
    cr_assert_eq(val_set_union(T, R(1, 3), val_empty_set(T)), R(1, 3));
}

Test(val, union_with_infinite_bounds)
{
    const Val *all = R(VAL_NEG_INF, VAL_INF);
    cr_assert_eq(val_set_union(T, R(VAL_NEG_INF, 0), R(1, VAL_INF)), all);
    cr_assert_eq(val_set_union(T, R(1, VAL_INF), R(-5, 0)), R(-5, VAL_INF));
    cr_assert_eq(val_set_union(T, all, R(1, 3)), all);
    cr_assert_eq(val_set_union(T, R(VAL_NEG_INF, -10), R(-20, 5)), R(VAL_NEG_INF, 5));
    const Val *two = val_set_union(T, R(VAL_NEG_INF, -1), R(1, VAL_INF));
    cr_assert_eq(two->n, 2);
    cr_assert_eq(val_set_union(T, two, iset(1, (int64_t[]){ 0 })), all);
}

Test(val, inter_of_intervals)
{
    cr_assert_eq(val_set_inter(T, R(1, 10), R(5, 20)), R(5, 10));
    cr_assert_eq(val_set_inter(T, R(1, 3), R(4, 6)), val_empty_set(T), "disjoint");
    cr_assert_eq(val_set_inter(T, R(1, 3), R(3, 6)), R(3, 3));
    const Val *gap = val_set_union(T, R(1, 3), R(7, 9));
    cr_assert_eq(val_set_inter(T, gap, R(2, 8)), val_set_union(T, R(2, 3), R(7, 8)));
}

Test(val, inter_with_infinite_bounds)
{
    const Val *all = R(VAL_NEG_INF, VAL_INF);
    cr_assert_eq(val_set_inter(T, R(VAL_NEG_INF, 10), R(5, VAL_INF)), R(5, 10));
    cr_assert_eq(val_set_inter(T, all, R(1, VAL_INF)), R(1, VAL_INF));
    cr_assert_eq(val_set_inter(T, all, all), all);
    cr_assert_eq(val_set_inter(T, R(1, VAL_INF), R(VAL_NEG_INF, 0)), val_empty_set(T));
    cr_assert_eq(val_set_inter(T, R(VAL_NEG_INF, -3), R(VAL_NEG_INF, 7)), R(VAL_NEG_INF, -3));
}

Test(val, diff_of_intervals)
{
    cr_assert_eq(val_set_diff(T, R(0, 10), R(3, 5)), val_set_union(T, R(0, 2), R(6, 10)));
    cr_assert_eq(val_set_diff(T, R(0, 10), R(0, 10)), val_empty_set(T));
    cr_assert_eq(val_set_diff(T, R(0, 10), R(20, 30)), R(0, 10));
    cr_assert_eq(val_set_diff(T, R(0, 10), R(5, 30)), R(0, 4));
    cr_assert_eq(val_set_diff(T, R(0, 10), R(-5, 0)), R(1, 10));
}

Test(val, diff_with_infinite_bounds)
{
    const Val *all = R(VAL_NEG_INF, VAL_INF);
    cr_assert_eq(val_set_diff(T, R(1, VAL_INF), R(1, 1)), R(2, VAL_INF), "diff({1..},{1}) == {2..}");
    const Val *holed = val_set_diff(T, all, R(0, 0));
    cr_assert_eq(holed->n, 2);
    cr_assert_eq(holed->bounds[0], VAL_NEG_INF);
    cr_assert_eq(bound(holed, 1), -1);
    cr_assert_eq(bound(holed, 2), 1);
    cr_assert_eq(bound(holed, 3), VAL_INF);
    cr_assert_eq(val_set_diff(T, all, R(0, VAL_INF)), R(VAL_NEG_INF, -1));
    cr_assert_eq(val_set_diff(T, all, all), val_empty_set(T));
    cr_assert_eq(val_set_diff(T, R(0, 10), all), val_empty_set(T));
    cr_assert_eq(val_set_diff(T, R(5, VAL_INF), R(10, VAL_INF)), R(5, 9));
}

Test(val, algebra_on_plain_sets)
{
    const Val *a[] = { S("a"), S("b") }, *b[] = { S("b"), S("c") };
    const Val *abc[] = { S("a"), S("b"), S("c") }, *just_a[] = { S("a") }, *just_b[] = { S("b") };
    cr_assert_eq(val_set_union(T, setv(2, a), setv(2, b)), setv(3, abc));
    cr_assert_eq(val_set_inter(T, setv(2, a), setv(2, b)), setv(1, just_b));
    cr_assert_eq(val_set_diff(T, setv(2, a), setv(2, b)), setv(1, just_a));
    cr_assert_eq(val_set_diff(T, setv(2, a), setv(2, a)), val_empty_set(T));
    /* A set of non-integers shares nothing with a set of integers. */
    cr_assert_eq(val_set_inter(T, setv(2, a), R(0, 5)), val_empty_set(T));
    cr_assert_eq(val_set_diff(T, setv(2, a), R(0, 5)), setv(2, a));
    cr_assert_eq(val_set_diff(T, R(0, 5), setv(2, a)), R(0, 5));
}

Test(val, union_of_ints_and_other_values)
{
    const Val *t[] = { B(true) };
    const Val *u = val_set_union(T, R(1, 3), setv(1, t));
    cr_assert_eq(u->kind, V_SET);
    cr_assert_eq(u->n, 4);
    const Val *want[] = { I(3), B(true), I(1), I(2) };
    cr_assert_eq(u, setv(4, want));
}

Test(val, subset)
{
    cr_assert(val_set_subset(R(1, 3), R(0, 5)));
    cr_assert(val_set_subset(R(1, 3), R(1, 3)));
    cr_assert_not(val_set_subset(R(1, 3), R(2, 5)));
    cr_assert(val_set_subset(val_set_union(T, R(1, 2), R(5, 6)), R(0, 10)));
    cr_assert_not(val_set_subset(R(0, 10), val_set_union(T, R(0, 4), R(6, 10))));
    cr_assert(val_set_subset(val_empty_set(T), R(1, 2)));
    cr_assert(val_set_subset(val_empty_set(T), val_empty_set(T)));
    cr_assert_not(val_set_subset(R(1, 2), val_empty_set(T)));
    cr_assert(val_set_subset(R(5, VAL_INF), R(1, VAL_INF)));
    cr_assert_not(val_set_subset(R(VAL_NEG_INF, VAL_INF), R(1, VAL_INF)));
    cr_assert(val_set_subset(R(1, VAL_INF), R(VAL_NEG_INF, VAL_INF)));
    const Val *a[] = { S("a") }, *ab[] = { S("a"), S("b") };
    cr_assert(val_set_subset(setv(1, a), setv(2, ab)));
    cr_assert_not(val_set_subset(setv(2, ab), setv(1, a)));
    cr_assert_not(val_set_subset(R(1, 2), setv(2, ab)));
    cr_assert_not(val_set_subset(setv(1, a), R(1, 2)));
}

Test(val, member)
{
    const Val *s = val_set_union(T, R(1, 3), R(7, 9));
    for (int64_t x = 0; x <= 10; x++)
        cr_assert_eq(val_set_member(s, I(x)), (x >= 1 && x <= 3) || (x >= 7 && x <= 9), "%lld",
                     (long long)x);
    cr_assert_not(val_set_member(s, B(true)), "a non-integer is never in an INTSET");
    cr_assert(val_set_member(R(VAL_NEG_INF, VAL_INF), I(INT64_MIN)));
    cr_assert(val_set_member(R(VAL_NEG_INF, VAL_INF), I(-123456789)));
    cr_assert(val_set_member(R(0, VAL_INF), I(1000000000000)));
    cr_assert_not(val_set_member(R(0, VAL_INF), I(-1)));
    cr_assert(val_intset_member(R(-5, 5), -5));
    cr_assert_not(val_intset_member(R(-5, 5), 6));
    const Val *xs[] = { tup2(I(1), I(2)), tup2(I(0), I(9)), S("z") };
    const Val *t = setv(3, xs);
    cr_assert(val_set_member(t, tup2(I(1), I(2))));
    cr_assert(val_set_member(t, S("z")));
    cr_assert_not(val_set_member(t, tup2(I(2), I(1))));
    cr_assert_not(val_set_member(val_empty_set(T), I(0)));
}

Test(val, card)
{
    cr_assert_eq(val_set_card(R(1, 3)), 3);
    cr_assert_eq(val_set_card(val_set_union(T, R(1, 3), R(10, 19))), 13);
    cr_assert_eq(val_set_card(R(-1000000000000, 999999999999)), 2000000000000ull);
    const Val *xs[] = { S("a"), S("b"), S("a") };
    cr_assert_eq(val_set_card(setv(3, xs)), 2);
}

/* ---- the total order ---- */

Test(val, order_of_ints_is_numeric)
{
    cr_assert_lt(val_cmp(I(-5), I(3)), 0);
    cr_assert_gt(val_cmp(I(1000000), I(999)), 0);
    cr_assert_lt(val_cmp(I(INT64_MIN), I(INT64_MAX)), 0);
    cr_assert_gt(val_cmp(I(INT64_MAX), I(-1)), 0);
    cr_assert_eq(val_cmp(I(7), I(7)), 0);
    cr_assert_lt(val_cmp(C('a'), C('b')), 0);
    cr_assert_lt(val_cmp(B(false), B(true)), 0);
}

Test(val, order_of_sequences_is_lexicographic)
{
    const Val *s12[] = { I(1), I(2) }, *s13[] = { I(1), I(3) }, *s1[] = { I(1) },
              *s2[] = { I(2) }, *s15[] = { I(1), I(5) };
    cr_assert_lt(val_cmp(seqv(2, s12), seqv(2, s13)), 0);
    cr_assert_lt(val_cmp(seqv(1, s1), seqv(2, s12)), 0, "a prefix comes first");
    cr_assert_lt(val_cmp(seqv(0, NULL), seqv(1, s1)), 0, "<> first of all");
    cr_assert_gt(val_cmp(seqv(1, s2), seqv(2, s15)), 0, "<2> after <1, 5>");
    cr_assert_lt(val_cmp(S("ab"), S("b")), 0);
    cr_assert_lt(val_cmp(tup2(I(1), I(9)), tup2(I(2), I(0))), 0, "tuples too");
    cr_assert_lt(val_cmp(tup2(I(1), I(2)), tup2(I(1), I(3))), 0);
}

Test(val, order_of_sets_is_by_elements)
{
    /* Sets of strings compare element by element; sets of ints must agree. */
    const Val *a[] = { S("a") }, *ab[] = { S("a"), S("b") }, *b[] = { S("b") };
    cr_assert_lt(val_cmp(val_empty_set(T), setv(1, a)), 0);
    cr_assert_lt(val_cmp(setv(1, a), setv(2, ab)), 0);
    cr_assert_lt(val_cmp(setv(2, ab), setv(1, b)), 0);
    cr_assert_lt(val_cmp(val_empty_set(T), R(1, 1)), 0);
    cr_assert_lt(val_cmp(R(1, 2), R(2, 2)), 0);
    cr_assert_lt(val_cmp(R(1, 2), iset(2, (int64_t[]){ 1, 3 })), 0);
}

/* BUG: the order of integer sets is not element by element: val_cmp({1},
 * {1, 2}) is > 0 while val_cmp({"a"}, {"a", "b"}) is < 0, so Set({1, 2})
 * prints as {{}, {1, 2}, {1}, {2}} rather than FDR's {{}, {1}, {1, 2}, {2}}.
 * (cmp_sets in val.c negates the comparison of upper bounds even when the
 * shorter set has no further interval.) */
Test(val, order_of_int_sets_puts_a_prefix_first)
{
    cr_assert_lt(val_cmp(R(1, 1), R(1, 2)), 0, "{1} before {1, 2}");
    cr_assert_lt(val_cmp(R(1, 3), val_set_union(T, R(1, 3), R(9, 9))), 0, "{1..3} before {1..3, 9}");
    const Val *ss[] = { R(2, 2), R(1, 2), R(1, 1), val_empty_set(T) };
    expect_print(setv(4, ss), "{{}, {1}, {1, 2}, {2}}");
}

/* A varied collection of values for the order's laws. */
static uint32_t sample_values(const Val **out)
{
    ValDecl *c = decl("c", 0, 1, true), *d = decl("d", 1, 0, true);
    ValDecl *k = decl("K", 2, 1, false), *z = decl("Z", 3, 0, false);
    const Val *ch = val_channel(T, c), *kk = val_ctor(T, k);
    uint32_t n = 0;
    int64_t ints[] = { INT64_MIN, -100, -1, 0, 1, 2, 1000, INT64_MAX };
    for (int i = 0; i < 8; i++) out[n++] = I(ints[i]);
    out[n++] = B(false);
    out[n++] = B(true);
    out[n++] = C('a');
    out[n++] = C('z');
    out[n++] = S("");
    out[n++] = S("a");
    out[n++] = S("ab");
    out[n++] = S("b");
    const Val *s12[] = { I(1), I(2) }, *s2[] = { I(2) };
    out[n++] = seqv(2, s12);
    out[n++] = seqv(1, s2);
    out[n++] = tup2(I(1), I(2));
    out[n++] = tup2(I(1), B(true));
    out[n++] = tup2(S("x"), I(0));
    out[n++] = val_empty_set(T);
    out[n++] = R(1, 2);
    out[n++] = R(0, VAL_INF);
    out[n++] = R(VAL_NEG_INF, VAL_INF);
    out[n++] = iset(2, (int64_t[]){ 1, 5 });
    const Val *sa[] = { S("a"), S("q") };
    out[n++] = setv(2, sa);
    const Val *kv[] = { I(1), I(2) };
    out[n++] = val_map(T, kv, 1);
    out[n++] = val_map(T, NULL, 0);
    out[n++] = ch;
    out[n++] = val_channel(T, d);
    out[n++] = kk;
    out[n++] = val_ctor(T, z);
    const Val *e1[] = { ch, I(0) }, *e2[] = { ch, I(1) }, *k1[] = { kk, I(4) };
    out[n++] = val_dot(T, e1, 2, VAL_DOT_HEADED);
    out[n++] = val_dot(T, e2, 2, VAL_DOT_HEADED);
    out[n++] = val_dot(T, k1, 2, VAL_DOT_HEADED);
    const Val *p[] = { I(1), I(2) };
    out[n++] = val_dot(T, p, 2, VAL_DOT_PLAIN);
    out[n++] = val_builtin(T, 1);
    return n;
}

Test(val, order_is_a_total_order)
{
    const Val *v[64];
    uint32_t n = sample_values(v);
    for (uint32_t i = 0; i < n; i++) {
        cr_assert_eq(val_cmp(v[i], v[i]), 0);
        for (uint32_t j = 0; j < n; j++) {
            int a = sign(val_cmp(v[i], v[j])), b = sign(val_cmp(v[j], v[i]));
            cr_assert_eq(a, -b, "antisymmetry fails for #%u and #%u", i, j);
            cr_assert_eq(a == 0, v[i] == v[j], "only equal values compare equal: #%u #%u", i, j);
        }
    }
}

Test(val, order_is_transitive)
{
    const Val *v[64];
    uint32_t n = sample_values(v);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++)
            for (uint32_t k = 0; k < n; k++) {
                if (val_cmp(v[i], v[j]) < 0 && val_cmp(v[j], v[k]) < 0)
                    cr_assert_lt(val_cmp(v[i], v[k]), 0, "not transitive: #%u < #%u < #%u", i, j, k);
            }
}

Test(val, channels_and_constructors_by_declaration_order)
{
    ValDecl *b = decl("b", 0, 0, true), *a = decl("a", 1, 0, true);
    cr_assert_lt(val_cmp(val_channel(T, b), val_channel(T, a)), 0, "order, not name");
    ValDecl *c = decl("c", 2, 1, true);
    const Val *ch = val_channel(T, c);
    const Val *e[] = { ch, I(1) };
    const Val *ev = val_dot(T, e, 2, VAL_DOT_HEADED);
    cr_assert_lt(val_cmp(val_channel(T, a), ev), 0);
    cr_assert_lt(val_cmp(ch, ev), 0, "a channel before its events");
}

/* ---- printing ---- */

Test(val, print_ints)
{
    expect_print(I(0), "0");
    expect_print(I(42), "42");
    expect_print(I(-7), "-7");
    expect_print(I(INT64_MIN), "-9223372036854775808");
    expect_print(I(INT64_MAX), "9223372036854775807");
    expect_print(B(true), "true");
    expect_print(B(false), "false");
}

Test(val, print_chars_with_escapes)
{
    expect_print(C('a'), "'a'");
    expect_print(C('\n'), "'\\n'");
    expect_print(C('\t'), "'\\t'");
    expect_print(C('\\'), "'\\\\'");
    expect_print(C('\''), "'\\''");
    expect_print(C('"'), "'\"'");
    expect_print(C(0xE9), "'\xC3\xA9'");
    expect_print(C(0x1F600), "'\xF0\x9F\x98\x80'");
}

Test(val, print_strings)
{
    expect_print(S("hello"), "\"hello\"");
    expect_print(S("a\"b"), "\"a\\\"b\"");
    expect_print(S("it's"), "\"it's\"");
    expect_print(S("x\ny"), "\"x\\ny\"");
    expect_print(S(""), "<>", "the empty string is the empty sequence");
}

Test(val, print_tuples_and_sequences)
{
    const Val *xs[] = { I(1), S("a"), B(true) };
    expect_print(val_tuple(T, xs, 3), "(1, \"a\", true)");
    expect_print(val_seq(T, xs, 3), "<1, \"a\", true>");
    expect_print(val_seq(T, NULL, 0), "<>");
    const Val *in1[] = { I(1) };
    const Val *nested[] = { val_seq(T, in1, 1), val_seq(T, NULL, 0) };
    expect_print(val_seq(T, nested, 2), "<<1>, <>>");
    const Val *ss[] = { S("ab"), S("c") };
    expect_print(val_seq(T, ss, 2), "<\"ab\", \"c\">");
}

Test(val, print_sets_sorted)
{
    expect_print(val_empty_set(T), "{}");
    expect_print(iset(3, (int64_t[]){ 3, -1, 2 }), "{-1, 2, 3}");
    const Val *xs[] = { S("b"), S("a") };
    expect_print(setv(2, xs), "{\"a\", \"b\"}");
    const Val *ts[] = { tup2(I(2), I(0)), tup2(I(1), I(5)), tup2(I(1), I(2)) };
    expect_print(setv(3, ts), "{(1, 2), (1, 5), (2, 0)}");
    const Val *inner[] = { val_empty_set(T), R(4, 4) };
    expect_print(setv(2, inner), "{{}, {4}}");
}

Test(val, print_int_ranges)
{
    expect_print(R(VAL_NEG_INF, VAL_INF), "Int");
    expect_print(R(2, VAL_INF), "{2..}");
    expect_print(R(-3, VAL_INF), "{-3..}");
    expect_print(R(1, 5), "{1, 2, 3, 4, 5}", "small sets are listed");
    expect_print(R(0, 999999), "{0..999999}", "big ones are ranges");
    expect_print(val_set_union(T, R(0, 99), R(200, 299)), "{0..99, 200..299}");
    expect_print(val_set_diff(T, R(VAL_NEG_INF, VAL_INF), R(0, 0)), "{..-1, 1..}");
}

/* BUG: a one-element interval of a set that is printed as ranges shows as a
 * range: val_to_string of {-1} union {1..} is "{-1..-1, 1..}" and of
 * {0..99} union {200} is "{0..99, 200..200}"; expected "{-1, 1..}" and
 * "{0..99, 200}". */
Test(val, print_singleton_interval_among_ranges)
{
    expect_print(val_set_union(T, R(-1, -1), R(1, VAL_INF)), "{-1, 1..}");
    expect_print(val_set_union(T, R(0, 99), R(200, 200)), "{0..99, 200}");
}

Test(val, print_maps)
{
    expect_print(val_map(T, NULL, 0), "(| |)");
    const Val *kv[] = { I(2), S("b"), I(1), S("a") };
    expect_print(val_map(T, kv, 2), "(| 1 => \"a\", 2 => \"b\" |)");
}

Test(val, print_dots)
{
    ValDecl *c = decl("c", 0, 2, true);
    const Val *ch = val_channel(T, c);
    expect_print(ch, "c");
    const Val *e[] = { ch, I(1), B(true) };
    expect_print(val_dot(T, e, 3, VAL_DOT_HEADED), "c.1.true");
    const Val *p[] = { I(1), I(2) };
    expect_print(val_dot(T, p, 2, VAL_DOT_PLAIN), "1.2");
    ValDecl *k = decl("K", 1, 1, false);
    const Val *kv[] = { val_ctor(T, k), I(-3) };
    expect_print(val_dot(T, kv, 2, VAL_DOT_HEADED), "K.-3");
    const Val *tv[] = { val_dot(T, kv, 2, VAL_DOT_HEADED), I(0) };
    expect_print(tup2(tv[0], tv[1]), "(K.-3, 0)");
}

Test(val, print_opaque_without_hook)
{
    int payload;
    expect_print(val_opaque(T, V_PROC, &payload, 0), "<PROC>");
}

Test(val, is_string)
{
    cr_assert(val_is_string(S("ab")));
    cr_assert_not(val_is_string(S("")), "the empty sequence is not printed as a string");
    const Val *mixed[] = { C('a'), I(1) };
    cr_assert_not(val_is_string(val_seq(T, mixed, 2)));
    cr_assert_not(val_is_string(I(1)));
}

Test(val, to_string_reports_length)
{
    size_t len = 0;
    char *s = val_to_string(S("abc"), NULL, NULL, &len);
    cr_assert_str_eq(s, "\"abc\"");
    cr_assert_eq(len, 5);
    free(s);
}

Test(val, kind_names)
{
    cr_assert_str_eq(val_kind_name[V_INT], "INT");
    cr_assert_str_eq(val_kind_name[V_INTSET], "INTSET");
    cr_assert_str_eq(val_kind_name[V_SYMSET], "SYMSET");
}
