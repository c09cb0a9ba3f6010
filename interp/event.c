/* event.c - dense numbering of events; see event.h. */
#include "event.h"

#include "arena.h"

#include <stdlib.h>

struct EventTable {
    const Val **values;     /* by event number; [0], [1] unused */
    uint32_t n, cap;
    uint32_t *slots;        /* open addressing over value ids: event number + 1, 0 empty */
    uint32_t n_slots;
};

EventTable *event_table_new(void)
{
    EventTable *t = xcalloc(1, sizeof *t);
    t->cap = 64;
    t->values = xcalloc(t->cap, sizeof *t->values);
    t->n = 2;   /* tau, tick */
    t->n_slots = 128;
    t->slots = xcalloc(t->n_slots, sizeof *t->slots);
    return t;
}

void event_table_free(EventTable *t)
{
    if (!t) return;
    free(t->values);
    free(t->slots);
    free(t);
}

static uint32_t slot_of(const EventTable *t, const Val *v)
{
    uint32_t i = (v->hash ^ v->id * 0x9E3779B9u) & (t->n_slots - 1);
    while (t->slots[i] && t->values[t->slots[i] - 1] != v) i = (i + 1) & (t->n_slots - 1);
    return i;
}

uint32_t event_id(EventTable *t, const Val *v)
{
    uint32_t i = slot_of(t, v);
    if (t->slots[i]) return t->slots[i] - 1;
    if (t->n == t->cap) {
        t->cap *= 2;
        t->values = xrealloc(t->values, t->cap * sizeof *t->values);
    }
    uint32_t id = t->n++;
    t->values[id] = v;
    t->slots[i] = id + 1;
    if (t->n * 2 > t->n_slots) {
        uint32_t old_n = t->n_slots;
        uint32_t *old = t->slots;
        t->n_slots *= 2;
        t->slots = xzeroed(t->n_slots * sizeof *t->slots);
        for (uint32_t k = 0; k < old_n; k++)
            if (old[k]) t->slots[slot_of(t, t->values[old[k] - 1])] = old[k];
        free(old);
    }
    return id;
}

const Val *event_value(const EventTable *t, uint32_t id)
{
    return id >= 2 && id < t->n ? t->values[id] : NULL;
}

uint32_t event_count(const EventTable *t) { return t->n; }

int event_cmp(const EventTable *t, uint32_t a, uint32_t b)
{
    if (a == b) return 0;
    if (a == EVENT_TICK || b == EVENT_TICK) return a == EVENT_TICK ? 1 : -1;
    const Val *x = event_value(t, a), *y = event_value(t, b);
    int c = x && y ? val_cmp(x, y) : 0;
    return c ? c : (a > b) - (a < b);
}

/* Merges the sorted runs perm[lo, mid) and perm[mid, hi) through tmp. */
static void merge_runs(const EventTable *t, const uint32_t *evs, uint32_t *perm, uint32_t *tmp, uint32_t lo,
                       uint32_t mid, uint32_t hi)
{
    uint32_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) tmp[k++] = event_cmp(t, evs[perm[j]], evs[perm[i]]) < 0 ? perm[j++] : perm[i++];
    while (i < mid) tmp[k++] = perm[i++];
    while (j < hi) tmp[k++] = perm[j++];
    for (k = lo; k < hi; k++) perm[k] = tmp[k];
}

void event_order(const EventTable *t, const uint32_t *evs, uint32_t n, uint32_t *perm)
{
    for (uint32_t i = 0; i < n; i++) perm[i] = i;
    if (n < 2) return;
    uint32_t *tmp = xmalloc(n * sizeof *tmp);
    for (uint32_t w = 1; w < n; w *= 2)
        for (uint32_t lo = 0; lo + w < n; lo += 2 * w)
            merge_runs(t, evs, perm, tmp, lo, lo + w, lo + 2 * w < n ? lo + 2 * w : n);
    free(tmp);
}

bool event_is_complete(const Val *v)
{
    if (v->kind == V_CHANNEL) return v->decl->fields && v->decl->arity == 0;
    return v->kind == V_DOT && (v->flags & VAL_DOT_HEADED) && !(v->flags & VAL_DOT_INCOMPLETE) &&
           v->items[0]->kind == V_CHANNEL;
}

void event_print(FILE *out, const EventTable *t, uint32_t id)
{
    if (id == EVENT_TAU) fputs("τ", out);
    else if (id == EVENT_TICK) fputs("✓", out);
    else val_print(out, t->values[id], NULL, NULL);
}
