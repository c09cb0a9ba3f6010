/* owners.c - choosing the bits of a key that name its owner; see owners.h. */
#include "owners.h"

#include "arena.h"

#include <stdlib.h>

/* The widest window of neighbouring components tried. */
enum { OWNER_MAX_LEAVES = 4 };
/* A part may hold up to (8 + OWNER_SLACK_EIGHTHS) / 8 of its even share. */
enum { OWNER_SLACK_EIGHTHS = 1 };
/* A choice must keep at least this many eighths of the moves that the
 * whole key sends away with their owner: otherwise sharing out by the
 * whole key (which balances best) stays. */
enum { OWNER_GAIN_EIGHTHS = 2 };

static bool even(const OwnerSample *s, uint64_t mask, uint64_t *count)
{
    for (unsigned i = 0; i < s->parts; i++) count[i] = 0;
    for (size_t k = 0; k < s->n_keys; k++) count[owners_of(mask, s->keys[k], 0, s->parts)]++;
    uint64_t most = 0;
    for (unsigned i = 0; i < s->parts; i++)
        if (count[i] > most) most = count[i];
    /* most / n_keys <= (8 + slack) / (8 * parts) */
    return most * 8 * s->parts <= (uint64_t)s->n_keys * (8 + OWNER_SLACK_EIGHTHS);
}

static size_t moves_away(const OwnerSample *s, uint64_t mask)
{
    size_t away = 0;
    for (size_t k = 0; k < s->n_moves; k++)
        away += owners_of(mask, s->moves[2 * k], 0, s->parts) != owners_of(mask, s->moves[2 * k + 1], 0, s->parts);
    return away;
}

uint64_t owners_choose(const OwnerSample *s)
{
    if (s->parts < 2 || s->n_keys == 0 || s->n_moves == 0) return 0;
    uint64_t *count = xmalloc(s->parts * sizeof *count);
    /* The whole key sends away (parts - 1) / parts of the moves. */
    size_t limit = s->n_moves * (s->parts - 1) / s->parts;
    limit -= limit * OWNER_GAIN_EIGHTHS / 8;
    uint64_t best = 0;
    size_t best_away = limit + 1;
    for (uint32_t width = 1; width <= OWNER_MAX_LEAVES && width <= s->n_leaves; width++)
        for (uint32_t first = 0; first + width <= s->n_leaves; first++) {
            uint64_t mask = 0;
            for (uint32_t l = first; l < first + width; l++) mask |= s->leaf_bits[l];
            if (!mask || !even(s, mask, count)) continue;
            size_t away = moves_away(s, mask);
            if (away < best_away) best = mask, best_away = away;   /* ties: the narrower, then the first */
        }
    free(count);
    return best;
}
