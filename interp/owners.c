/* owners.c - choosing the bits of a key that name its owner; see owners.h. */
#include "owners.h"

#include "arena.h"

#include <stdlib.h>

/* A sample: this many keys, and the moves of this many states. */
enum { OWNER_SAMPLE_KEYS = 1 << 14, OWNER_SAMPLE_STATES = 1 << 9 };
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

uint64_t owners_sample(Net *net, NetCursor *cur, const KeySet *const *sets, unsigned n_sets, unsigned parts)
{
    uint64_t all = 0;
    for (unsigned i = 0; i < n_sets; i++) all += sets[i]->n;
    uint64_t stride = all / OWNER_SAMPLE_KEYS + 1, step = all / OWNER_SAMPLE_STATES + 1, at = 0;
    uint64_t *keys = xmalloc((all / stride + 1) * sizeof *keys);
    size_t n_keys = 0, n_moves = 0, cap_moves = 0;
    uint64_t *moves = NULL;
    for (unsigned i = 0; i < n_sets; i++)
        for (uint32_t e = 0; e < sets[i]->n; e++, at++) {
            uint64_t key = sets[i]->keys[e];
            if (at % stride == 0) keys[n_keys++] = key;
            if (at % step) continue;
            uint32_t m;
            bool done;
            const NetKeyTrans *ts = net_cursor_next(cur, key, &m, &done);
            if (!ts) continue;
            if (n_moves + m > cap_moves) moves = xrealloc(moves, (cap_moves = 2 * (n_moves + m)) * 2 * sizeof *moves);
            for (uint32_t k = 0; k < m; k++, n_moves++) {
                moves[2 * n_moves] = key;
                moves[2 * n_moves + 1] = ts[k].key;
            }
        }
    uint32_t n_leaves = net_components(net);
    uint64_t *bits = xmalloc(n_leaves * sizeof *bits);
    for (uint32_t l = 0; l < n_leaves; l++) bits[l] = net_leaf_bits(net, l);
    OwnerSample sample = { keys, n_keys, moves, n_moves, bits, n_leaves, parts };
    uint64_t mask = owners_choose(&sample);
    free(keys);
    free(moves);
    free(bits);
    return mask;
}
