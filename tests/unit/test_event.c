/* test_event.c - the event table (event.h): dense numbers from 2 (0 is tau,
 * 1 is tick), one number per value, numbers back to values, growth, and
 * what counts as a complete event. Event values are built directly with
 * val.h; the channel declarations are local stand-ins for the evaluator's.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "event.h"
#include "fixture.h"
#include "interp.h"
#include "val.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static EventTable *ev;

static void setup(void)
{
    fixture_setup();
    ev = event_table_new();
}

static void teardown(void)
{
    event_table_free(ev);
    fixture_teardown();
}

TestSuite(event, .init = setup, .fini = teardown);

/* ---- helpers ---- */

static const Val *fields_placeholder[1];

/* A channel declaration with `arity` fields whose sets are known. */
static ValDecl *channel(const char *name, uint32_t order, uint32_t arity)
{
    static ValDecl pool[8];
    static int used;
    ValDecl *d = &pool[used++ % 8];
    memset(d, 0, sizeof *d);
    d->name = sym_intern_cstr(in->syms, name);
    d->order = order;
    d->arity = arity;
    d->is_channel = true;
    d->fields = fields_placeholder;
    return d;
}

/* The event c.i.j of a two-field channel. */
static const Val *event2(const ValDecl *c, int64_t i, int64_t j)
{
    const Val *items[] = { val_channel(in->vals, c), val_int(in->vals, i), val_int(in->vals, j) };
    return val_dot(in->vals, items, 3, VAL_DOT_HEADED);
}

static const char *printed(uint32_t id)
{
    static char buf[256];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    event_print(f, ev, id);
    fclose(f);
    return buf;
}

/* ---- numbering ---- */

Test(event, empty_table_has_tau_and_tick)
{
    cr_assert_eq(EVENT_TAU, 0);
    cr_assert_eq(EVENT_TICK, 1);
    cr_assert_eq(event_count(ev), 2);
    cr_assert_null(event_value(ev, EVENT_TAU));
    cr_assert_null(event_value(ev, EVENT_TICK));
    cr_assert_null(event_value(ev, 2), "nothing numbered yet");
}

Test(event, numbering_starts_at_two)
{
    ValDecl *a = channel("a", 0, 0), *b = channel("b", 1, 0);
    cr_assert_eq(event_id(ev, val_channel(in->vals, a)), 2);
    cr_assert_eq(event_id(ev, val_channel(in->vals, b)), 3);
    cr_assert_eq(event_count(ev), 4);
}

Test(event, numbers_follow_first_use_not_value_order)
{
    ValDecl *c = channel("c", 0, 2);
    cr_assert_eq(event_id(ev, event2(c, 9, 9)), 2);
    cr_assert_eq(event_id(ev, event2(c, 0, 0)), 3);
    cr_assert_eq(event_id(ev, event2(c, 5, 1)), 4);
}

Test(event, same_value_same_number)
{
    ValDecl *c = channel("c", 0, 2);
    uint32_t x = event_id(ev, event2(c, 1, 2));
    uint32_t y = event_id(ev, event2(c, 2, 1));
    cr_assert_neq(x, y);
    cr_assert_eq(event_id(ev, event2(c, 1, 2)), x);
    cr_assert_eq(event_id(ev, event2(c, 2, 1)), y);
    cr_assert_eq(event_count(ev), 4, "asking again adds nothing");
}

Test(event, value_round_trip)
{
    ValDecl *c = channel("c", 0, 2), *d = channel("done", 1, 0);
    const Val *vals[] = { event2(c, 0, 1), val_channel(in->vals, d), event2(c, 3, -4) };
    uint32_t ids[3];
    for (int i = 0; i < 3; i++) ids[i] = event_id(ev, vals[i]);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(event_value(ev, ids[i]), vals[i]);
        cr_assert_eq(event_id(ev, event_value(ev, ids[i])), ids[i]);
    }
    cr_assert_null(event_value(ev, event_count(ev)), "past the last number");
    cr_assert_null(event_value(ev, 1000000));
}

Test(event, growth_past_a_thousand_events)
{
    enum { N = 5000 };
    ValDecl *c = channel("c", 0, 2);
    for (int i = 0; i < N; i++) {
        uint32_t id = event_id(ev, event2(c, i / 100, i % 100));
        cr_assert_eq(id, (uint32_t)i + 2, "event %d got %u", i, id);
    }
    cr_assert_eq(event_count(ev), N + 2);
    /* Every number still leads to its value and back after the table grew. */
    for (int i = 0; i < N; i++) {
        const Val *v = event2(c, i / 100, i % 100);
        cr_assert_eq(event_value(ev, (uint32_t)i + 2), v, "event %d", i);
        cr_assert_eq(event_id(ev, v), (uint32_t)i + 2, "event %d", i);
    }
    cr_assert_eq(event_count(ev), N + 2);
}

Test(event, tables_are_independent)
{
    ValDecl *a = channel("a", 0, 0), *b = channel("b", 1, 0);
    EventTable *other = event_table_new();
    cr_assert_eq(event_id(other, val_channel(in->vals, b)), 2);
    cr_assert_eq(event_id(ev, val_channel(in->vals, a)), 2);
    cr_assert_eq(event_id(ev, val_channel(in->vals, b)), 3);
    cr_assert_eq(event_value(other, 2), val_channel(in->vals, b));
    event_table_free(other);
    event_table_free(NULL);
}

/* ---- complete events ---- */

Test(event, complete_events)
{
    ValDecl *c = channel("c", 0, 2), *d = channel("d", 1, 0);
    cr_assert(event_is_complete(val_channel(in->vals, d)), "a channel without fields");
    cr_assert_not(event_is_complete(val_channel(in->vals, c)), "a channel with fields");
    cr_assert(event_is_complete(event2(c, 0, 0)));
    const Val *part[] = { val_channel(in->vals, c), val_int(in->vals, 0) };
    cr_assert_not(event_is_complete(val_dot(in->vals, part, 2, VAL_DOT_HEADED | VAL_DOT_INCOMPLETE)));
    cr_assert_not(event_is_complete(val_int(in->vals, 3)));
    const Val *plain[] = { val_int(in->vals, 1), val_int(in->vals, 2) };
    cr_assert_not(event_is_complete(val_dot(in->vals, plain, 2, VAL_DOT_PLAIN)));
}

Test(event, channel_with_unknown_fields_is_not_complete)
{
    ValDecl *d = channel("d", 0, 0);
    d->fields = NULL;   /* not evaluated yet */
    cr_assert_not(event_is_complete(val_channel(in->vals, d)));
}

Test(event, constructor_value_is_not_an_event)
{
    ValDecl *k = channel("K", 0, 1);
    k->is_channel = false;
    const Val *items[] = { val_ctor(in->vals, k), val_int(in->vals, 1) };
    cr_assert_not(event_is_complete(val_dot(in->vals, items, 2, VAL_DOT_HEADED)));
}

/* ---- printing ---- */

Test(event, print_tau_tick_and_events)
{
    ValDecl *c = channel("c", 0, 2), *d = channel("done", 1, 0);
    uint32_t x = event_id(ev, event2(c, 1, -2)), y = event_id(ev, val_channel(in->vals, d));
    cr_assert_str_eq(printed(EVENT_TAU), "τ");
    cr_assert_str_eq(printed(EVENT_TICK), "✓");
    cr_assert_str_eq(printed(x), "c.1.-2");
    cr_assert_str_eq(printed(y), "done");
}
