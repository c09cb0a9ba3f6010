/* event.h - events as small integers.
 * An EventTable numbers every concrete event (a complete channel value such
 * as c.1.true, or a field-less channel) densely, in order of first use; 0 is
 * tau and 1 is tick, as in FDR's event maps. Process terms and the checker
 * store and compare these numbers instead of values. Depends on val.h.
 */
#ifndef CSP_EVENT_H
#define CSP_EVENT_H

#include "val.h"

enum { EVENT_TAU = 0, EVENT_TICK = 1 };

typedef struct EventTable EventTable;

EventTable *event_table_new(void);
void event_table_free(EventTable *t);
/* The number of an event value (interned on first use). */
uint32_t event_id(EventTable *t, const Val *event);
/* The value of an event number >= 2 (NULL for tau and tick). */
const Val *event_value(const EventTable *t, uint32_t id);
uint32_t event_count(const EventTable *t);   /* including tau and tick */
/* Is v a complete event: a channel with all its fields (or none)? */
bool event_is_complete(const Val *v);
/* Events in the order of their values (val_cmp: channels in declaration
 * order, then their fields), tick after every visible event: an order
 * that does not depend on when events were numbered. Thread-safe while no
 * event is being numbered. */
int event_cmp(const EventTable *t, uint32_t a, uint32_t b);
/* perm[0, n) becomes the indexes of evs[0, n) in that order (a stable
 * merge sort; evs are distinct events, tau excluded). */
void event_order(const EventTable *t, const uint32_t *evs, uint32_t n, uint32_t *perm);
/* Prints an event as FDR does: c.1.true, τ as "τ", ✓ as "✓". */
void event_print(FILE *out, const EventTable *t, uint32_t id);

#endif
