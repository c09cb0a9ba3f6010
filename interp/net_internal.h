/* net_internal.h - what net.c and netrun.c share: the compiled network,
 * its components' local transitions, and the firing rules over a state
 * vector held in vals. Other modules use net.h.
 */
#ifndef CSP_NET_INTERNAL_H
#define CSP_NET_INTERNAL_H

#include "net.h"

#define MARK 0xF0000000u   /* vector values from here name a terminated node */
#define NONE UINT32_MAX
/* Operators nested deeper than this below the top are not compiled into
 * the network: the rest is one component (a leaf), which is as correct,
 * only less shared. */
#define NET_MAX_DEPTH 64

typedef enum { NK_LEAF, NK_PAR, NK_HIDE, NK_RENAME, NK_LINK, NK_PRIO, NK_PRIOPO } NetKind;

/* What an operator node does with one event, worked out on first use. */
typedef struct {
    const uint32_t *parts;  /* alphabetised parallel: the kids whose alphabet holds it;
                             * renaming: the events it becomes (owned, in the relation's order);
                             * prioritisepo: its pairs (ev, above) in the term's relation */
    uint32_t n;             /* their number; parallel: n_kids if synchronised, else 0; hiding: 1 if
                             * hidden; prioritise: the event's level (0: not prioritised);
                             * renaming: how many events it becomes (0: not renamed);
                             * prioritisepo: how many events are above it */
    bool known;
} Route;

typedef struct {
    uint8_t kind;           /* NetKind; NK_PAR covers PROC_PAR and PROC_ALPHA */
    Route *routes;          /* by event number */
    uint32_t cap_routes;
    uint32_t first;         /* the subtree's first leaf */
    uint32_t n_leaves;      /* the subtree's leaves: [first, first + n_leaves) */
    struct Memo *memo;      /* packed networks: the subtree's records by its leaves' codes */
    uint32_t n_kids;
    uint32_t *kids;         /* node indices (preorder: a parent's index is smaller) */
    const Proc *term;       /* the operator at compile time: its sets, relation, alphabets */
    bool *stuck;            /* a cursor's copy (net_cursor_new): set instead of working out
                             * a route not known yet (routes are learnt on one thread) */
} NetNode;

typedef struct {
    uint32_t event, next;   /* next: a local state number */
} LocalTrans;

typedef struct {
    const Proc **terms;     /* local state number -> term */
    uint32_t n, cap;
    uint32_t *first;        /* local state -> offset of its transitions, NONE if not computed */
    uint32_t *count;
    uint32_t omega;         /* the local number of Omega, NONE if not met yet */
    uint32_t hidden_by;     /* the hiding node directly above, NONE if none */
} Leaf;

/* Interned pairs of ids, numbered densely in order of arrival. A slot
 * holds entry + 1 in its low bits and, while entries are few enough, a tag
 * of the hash in its high bits, so most probes do not read the entry. */
typedef struct {
    uint32_t *ab;           /* 2 per entry */
    uint32_t n, cap_ab;
    uint32_t *slots;        /* 0 empty; power-of-two capacity */
    uint32_t cap;
    uint32_t id_mask;       /* the bits of a slot that hold entry + 1 */
    struct Recent *recent;  /* the table of states: the last entry met per hash's low bits
                             * (NET_RECENT_BITS of them); NULL for inner pairs */
} PairTable;

/* An entry of the table of states met lately: its pair and entry + 1 (0: none). */
typedef struct Recent {
    uint32_t a, b, e;
} Recent;

/* Successors are mostly states met a few thousand states before (two
 * moves in either order: the second order finds what the first made),
 * so the table of states remembers the last entry met per hash's low
 * bits, with its pair: these lookups touch neither the slots nor the
 * entries, which are far apart in memory. 2^14 of them (192 KiB) stay in
 * the second-level cache. */
#define NET_RECENT_BITS 14
#define NET_RECENT_MASK ((1u << NET_RECENT_BITS) - 1)

/* The compression tree: an inner node covers leaves [lo, hi) with hi - lo
 * >= 2; a child reference >= 0 is an inner node, < 0 is leaf -(ref + 1).
 * Inner node 0 is the root; children come after their parent. */
typedef struct {
    int32_t left, right;
    int32_t parent;
} TreeNode;

typedef struct {
    uint32_t event, first, n;   /* changes chg[first .. first + n) */
} Rec;

typedef struct {
    uint32_t leaf, val;
} Change;

/* Packed states: while every component's value fits a few bits and all of
 * them fit 64, a state is its vector packed into one word, stored as the
 * pair (low half, high half) in the table of states; no inner pairs. A
 * leaf's field holds a code: below n_marks the terminated node base + code
 * (MARK values), from n_marks on local state code - n_marks. */
typedef struct {
    uint8_t shift, bits;
    uint32_t base, n_marks; /* the nodes whose first leaf this is: [base, base + n_marks) */
} Field;

/* A leaf's value as its field's code, and back; the field's bits. */
static inline uint64_t field_code(const Field *f, uint32_t v)
{
    return v >= MARK ? v - MARK - f->base : (uint64_t)f->n_marks + v;
}

static inline uint32_t field_value(const Field *f, uint64_t code)
{
    return code < f->n_marks ? MARK + f->base + (uint32_t)code : (uint32_t)(code - f->n_marks);
}

static inline uint64_t field_mask(const Field *f) { return ((uint64_t)1 << f->bits) - 1; }

/* Values by slice of a packed key (a subtree's leaves' codes, which take
 * few values): a narrow slice indexes them directly, a wide one is hashed.
 * For the memos (net.c) and the root's plan (netplan.c). */
typedef struct {
    bool direct;
    uint64_t *keys;         /* hashed: each value's slice */
    uint32_t *vals;         /* NONE: none */
    uint32_t n, cap;
} SliceMap;

#define NET_DIRECT_BITS 12  /* a slice this narrow indexes its values directly */

void net_slices_init(SliceMap *m, uint32_t bits);
/* Slice s's value, NONE if it has none. */
uint32_t net_slices_get(const SliceMap *m, uint64_t s);
void net_slices_put(SliceMap *m, uint64_t s, uint32_t v);
void net_slices_free(SliceMap *m);

/* Successors named by their root pairs, before they are looked up. */
typedef struct {
    uint32_t state;         /* whose successors, NONE if none */
    uint32_t epoch;         /* the layout they were worked out in */
    uint32_t n, cap;
    uint32_t *root;         /* a, b and hash per successor */
    uint32_t *event;
    uint32_t *id;           /* per successor: its state id if found among the recent, else NONE */
} Batch;

struct Net {
    ProcTable *t;
    NetNode *nodes;
    uint32_t n_nodes, cap_nodes;
    Leaf *leaves;
    uint32_t n_leaves, cap_leaves;
    uint32_t width;         /* leaves in a vector: n_leaves, at least 2 (a pad leaf stays 0) */
    bool single;            /* one component: a state id is its local state number */
    LocalTrans *lt;         /* every leaf's cached transitions */
    uint32_t n_lt, cap_lt;
    struct { uint64_t *keys; uint32_t *vals; uint32_t n, cap; } local;   /* (leaf, term id) -> local */
    PairTable inner, states;
    bool packed;            /* states are packed words (Field), not trees */
    struct { Rec *recs; Change *chg; uint32_t n_recs, cap_recs, n_chg, cap_chg; } memo;   /* memos' records */
    bool widen;             /* a leaf has outgrown its field: lay out again before encoding */
    Field *fields;          /* per leaf */
    uint64_t key;           /* packed: the state being expanded */
    bool vals_packed;       /* vals are key unpacked (not moved in place by netrun) */
    TreeNode *tree;
    uint32_t n_tree;
    int32_t *leaf_parent;   /* leaf -> inner tree node above it */
    /* scratch for one expansion */
    uint32_t *vals, *ids;   /* the state being expanded: leaf values, inner pair ids */
    uint32_t *nvals, *nids; /* what a successor being built changed: old values, old pair ids */
    uint8_t *dirty;
    uint32_t *dirty_list;
    Rec *recs;
    uint32_t n_recs, cap_recs;
    uint8_t *held;          /* prioritisepo: which of a node's records are held back */
    uint32_t cap_held;
    Change *chg;
    uint32_t n_chg, cap_chg;
    LocalTrans *once;       /* a single component's transitions (not cached) */
    uint32_t cap_once;
    Batch now, ahead;       /* the successors being looked up; those of the state peeked at */
    uint32_t epoch;         /* layouts so far: a batch is good in its own */
    bool peeking;           /* working ahead: compute no component's transitions */
    NetTrans *out;
    uint32_t n_out, cap_out;
    uint32_t out_state;     /* whose transitions out holds, NONE if none */
    struct Plan *plan;      /* packed, under a parallel: the root's plan (netplan.c), NULL if none */
    NetKeyTrans *plan_out;  /* its successors of one state */
    uint32_t cap_plan_out;
};

typedef struct { uint32_t lo, hi; } Range;

/* The transitions of the subtree under node in the state held in n->vals,
 * as records in n->recs[out->lo .. out->hi) (sem's order); false after a
 * reported runtime error. */
bool net_gen(Net *n, uint32_t node, Range *out);
/* Whether the subtree under node has terminated (it is Omega). */
bool net_done(Net *n, uint32_t node);
/* Whether the subtree under node has terminated (it is Omega). */
/* How an operator node treats visible event ev. */
const Route *net_route(NetNode *x, uint32_t ev);
bool net_takes_part(const Route *r, uint32_t kid);
/* Participant k of a route (all kids in order when parts is NULL). */
static inline uint32_t net_part(const uint32_t *parts, uint32_t k) { return parts ? parts[k] : k; }
/* The term of the state held in n->vals (NULL after a reported error). */
const Proc *net_term_now(Net *n);
void *net_grow(void *a, uint32_t *cap, uint32_t need, size_t size);
/* For netexplain.c: a stored state into n->vals (transitions asked for
 * next are worked out afresh); a leaf's transitions in local state v. */
void net_load(Net *n, uint32_t state);
const LocalTrans *net_local_transitions(Net *n, uint32_t leaf, uint32_t v, uint32_t *count);

/* ---- the root's plan (netplan.c) ----
 * A packed network whose root is a parallel expands a key without records:
 * each child's successors in each of its slices (its leaves' codes) are
 * worked out once, as changes to the key and what the root does with
 * them, and a state's successors are put together from its children's
 * slices in gen_par's order. */
typedef enum { PLAN_OK, PLAN_GENERAL, PLAN_FAILED } PlanResult;

/* The successors of key (event and key, in net_transitions' order) into
 * n->plan_out: PLAN_OK; PLAN_GENERAL when the records' way must do it
 * (no plan, a field to widen, a terminated root or children, a plan
 * turned off); PLAN_FAILED after a reported runtime error, or while
 * peeking when a component's transitions are not known yet. */
PlanResult net_plan_expand(Net *n, uint64_t key, uint32_t *count);
/* The plan is void (a new layout) or no longer needed. */
void net_plan_free(Net *n);

#endif
