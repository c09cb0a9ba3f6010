/* run.c - the walker behind `cspi run`; see run.h. */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include "arena.h"
#include "json.h"
#include "netrun.h"
#include "numarg.h"

#include <stdlib.h>
#include <string.h>

uint64_t run_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

__extension__ typedef unsigned __int128 U128;

/* A uniform choice below n: the high word of random * n (no division
 * per step), drawing again when the low word falls under 2^64 mod n, the
 * few products that would make some choices likelier (Lemire's method). */
uint64_t run_uniform(uint64_t *state, uint64_t n)
{
    for (;;) {
        U128 m = (U128)run_random(state) * n;
        uint64_t low = (uint64_t)m;
        if (low >= n || low >= (0 - n) % n) return (uint64_t)(m >> 64);
    }
}

static bool only_tau(const Trans *ts, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (ts[i].event != EVENT_TAU) return false;
    return n > 0;
}

/* What each component offered at a deadlock (for parallel systems). */
static void explain_deadlock(ProcTable *t, const Proc *p, FILE *out)
{
    p = proc_under_wrappers(t, p);
    if (!p) return;
    if (p->kind != PROC_PAR && p->kind != PROC_ALPHA && p->kind != PROC_LINK) return;
    enum { SHOWN = 8 };
    for (uint32_t i = 0; i < p->n; i++) {
        if (i == SHOWN) {
            fprintf(out, "--   ... and %u more components\n", p->n - SHOWN);
            break;
        }
        uint32_t n;
        const Trans *ts = proc_transitions(t, p->kids[i], &n);
        if (!ts) return;
        fprintf(out, "--   component %u offers {", i);   /* from 0, as cspi check numbers them */
        uint32_t shown = 0;
        for (uint32_t k = 0; k < n; k++) {
            bool dup = false;
            for (uint32_t j = 0; j < k && !dup; j++) dup = ts[j].event == ts[k].event;
            if (dup) continue;
            if (shown++) fputs(", ", out);
            event_print(out, proc_events(t), ts[k].event);
        }
        fputs("}", out);
        if (p->kids[i]->kind == PROC_OMEGA) fputs(" (terminated)", out);
        fputc('\n', out);
    }
}

typedef struct {
    const Proc **states;
    uint32_t *events;
    uint32_t n, cap;
} History;

static void history_push(History *h, const Proc *s, uint32_t ev)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->states = xrealloc(h->states, h->cap * sizeof *h->states);
        h->events = xrealloc(h->events, h->cap * sizeof *h->events);
    }
    h->states[h->n] = s;
    h->events[h->n] = ev;
    h->n++;
}

/* Interactive choice: the index of the chosen transition, -1 to quit, -2 to
 * go back, -3 for `random N` (N in *random_steps). Lines are read whole,
 * however long, into *buf (getline's buffer, of *cap bytes). */
static int ask_in(ProcTable *t, const Trans *ts, uint32_t n, const RunOptions *o, uint64_t *random_steps,
                  const History *h, const Proc *state, char **buf, size_t *cap)
{
    for (;;) {
        for (uint32_t i = 0; i < n; i++) {
            fprintf(o->out, "%s%u) ", i ? "   " : "  ", i + 1);
            event_print(o->out, proc_events(t), ts[i].event);
        }
        fputc('\n', o->out);
        fputs("step> ", o->out);
        fflush(o->out);
        if (getline(buf, cap, o->in) < 0) return -1;
        char *line = *buf;
        line[strcspn(line, "\r\n")] = 0;
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        char *end;
        long k = strtol(s, &end, 10);
        if (end != s && *end == 0 && k >= 1 && (uint32_t)k <= n) return (int)k - 1;
        for (uint32_t i = 0; i < n; i++) {
            char *name = NULL;
            size_t len = 0;
            FILE *m = open_memstream(&name, &len);
            event_print(m, proc_events(t), ts[i].event);
            fclose(m);
            bool same = name && strcmp(name, s) == 0;
            free(name);
            if (same) return (int)i;
        }
        /* Event names come first: an event may be called `b` or `quit`. */
        if (strcmp(s, "trace") == 0) {
            fputc('<', o->out);
            uint32_t shown = 0;
            for (uint32_t i = 0; i < h->n; i++) {
                if (h->events[i] == EVENT_TAU) continue;
                if (shown++) fputs(", ", o->out);
                event_print(o->out, proc_events(t), h->events[i]);
            }
            fputs(">\n", o->out);
            continue;
        }
        if (strcmp(s, "state") == 0) {
            const Proc *body = proc_body(t, state);
            proc_print(o->out, t, body ? body : state);
            fputc('\n', o->out);
            continue;
        }
        if (strcmp(s, "quit") == 0 || strcmp(s, "q") == 0) return -1;
        if (strcmp(s, "back") == 0 || strcmp(s, "b") == 0) return -2;
        if (strncmp(s, "random", 6) == 0 && (s[6] == 0 || s[6] == ' ')) {
            const char *arg = s + 6 + strspn(s + 6, " ");
            char msg[160];
            *random_steps = 1;
            if (!*arg || numarg_parse("random", arg, 1, UINT64_MAX, random_steps, msg, sizeof msg))
                return -3;
            fprintf(o->out, "%s\n", msg);
            continue;
        }
        fprintf(o->out, "choose 1-%u, an event, back, random N, trace, state or quit\n", n);
    }
}

static int ask(ProcTable *t, const Trans *ts, uint32_t n, const RunOptions *o, uint64_t *random_steps,
               const History *h, const Proc *state)
{
    char *line = NULL;
    size_t cap = 0;
    int k = ask_in(t, ts, n, o, random_steps, h, state, &line, &cap);
    free(line);
    return k;
}

static void print_event(ProcTable *t, const RunOptions *o, uint32_t ev)
{
    if (o->quiet) return;
    if (ev < 2 && !o->show_tau) return;
    if (o->json) {
        event_print(json_capture_begin(o->json), proc_events(t), ev);
        json_capture_end(o->json);
        return;
    }
    event_print(o->out, proc_events(t), ev);
    fputc('\n', o->out);
    if (o->schedule != SCHED_INTERACTIVE && !o->quiet) fflush(o->out);
}

/* Has writing the trace failed (a full disk, a closed pipe)? Asked only
 * when each step writes to o->out: ferror takes the stream's lock, which
 * was three quarters of a --quiet step. A --quiet or JSON run writes at the
 * end, and main.c checks that. */
static bool output_failed(const RunOptions *o)
{
    return !o->quiet && !o->json && ferror(o->out);
}

static const char *plural(unsigned long long n) { return n == 1 ? "" : "s"; }

/* A walk starts over terms, whose transitions are cached: when states
 * repeat (a token ring, servers returning to idle) a step is one lookup.
 * But each transition of a parallel term that moves a component is a new
 * term as wide as the system, kept with its own transitions: for a system
 * of many components that keeps reaching new states, time and memory grow
 * with the square of its width. When that cost (new terms times width,
 * summed over the states expanded) would pass SWITCH_BUDGET, the walk goes
 * on in place over the system's network (netrun.h), where a step costs what
 * it changes. Both list transitions in the same order: the run is the same. */
enum { NETWORK_FROM = 16 };
static const uint64_t SWITCH_BUDGET = 16000000;

/* What a walk carries from terms over to the network. */
typedef struct {
    uint64_t rng[2];
    uint64_t tau_run;       /* consecutive steps in states offering only tau */
    uint64_t cycle;         /* a tau cycle of this many steps ended the walk (tau_cycles) */
} Walk;

/* The top parallel of p (under hiding and renaming) into *wide if it has
 * at least NETWORK_FROM components, else NULL. false after a reported
 * runtime error. */
static bool wide_parallel(ProcTable *t, const Proc *p, const Proc **wide)
{
    *wide = NULL;
    p = proc_under_wrappers(t, p);
    if (!p) return false;
    if ((p->kind == PROC_PAR || p->kind == PROC_ALPHA) && p->n >= NETWORK_FROM) *wide = p;
    return true;
}

/* What expanding a state whose top is parallel par will cost, before it
 * is expanded, into *cost: the moves components make alone to somewhere
 * else, times the width. Counted move by move only when a cheap upper
 * bound (every component transition moving) would reach limit; below it,
 * the bound. false after a reported runtime error. */
static bool expansion_cost(ProcTable *t, const Proc *par, uint64_t limit, uint64_t *cost)
{
    uint64_t bound = 0;
    for (uint32_t i = 0; i < par->n; i++) {
        const Proc *kid = par->kids[i];
        if (kid->trans_state != 2) {
            bound = UINT64_MAX;
            break;
        }
        bound += kid->n_trans;
    }
    if (bound != UINT64_MAX && bound * par->n < limit) {
        *cost = bound * par->n;
        return true;
    }
    uint64_t moving = 0;
    for (uint32_t i = 0; i < par->n; i++) {
        uint32_t n;
        const Trans *ts = proc_transitions(t, par->kids[i], &n);
        if (!ts) return false;
        for (uint32_t k = 0; k < n; k++) {
            if (proc_participants(par, ts[k].event) > 1) continue;
            const Proc *next = proc_state(t, ts[k].next);
            if (!next) return false;
            moving += next != par->kids[i];
        }
    }
    *cost = moving * par->n;
    return true;
}

/* What expanding p cost: its transitions to other terms, times the width. */
static uint64_t expanded_cost(const Proc *p, const Trans *ts, uint32_t n, uint32_t width)
{
    uint64_t elsewhere = 0;
    for (uint32_t k = 0; k < n; k++) elsewhere += ts[k].next != p;
    return elsewhere * width;
}

/* Walks a network in place: random or leftmost-first steps. */
static RunEnd walk_network(ProcTable *t, NetRun *r, const RunOptions *o, RunStats *st, Walk *w)
{
    uint64_t *rng = w->rng, tau_run = w->tau_run;
    for (;;) {
        uint64_t taus, n = netrun_count(r, &taus);
        if (n == 0) return netrun_terminated(r) ? RUN_TERMINATED : RUN_DEADLOCK;
        if (eval_interrupted(proc_eval(t))) return RUN_STOPPED;
        if (st->steps >= o->max_steps || output_failed(o))
            return RUN_STEP_LIMIT;   /* a write error: main.c reports it */
        tau_run = taus == n ? tau_run + 1 : 0;
        if (o->livelock_after && tau_run > o->livelock_after) return RUN_LIVELOCK;
        uint32_t ev;
        if (!netrun_step(r, o->schedule == SCHED_FIRST ? 0 : run_uniform(rng, n), &ev)) return RUN_ERROR;
        print_event(t, o, ev);
        st->steps++;
        if (ev >= 2) st->events++;
    }
}

/* The states a walk passed through by tau steps since its last visible
 * event (at most TAU_CYCLE_MAX of them). */
enum { TAU_CYCLE_MAX = 4096 };
typedef struct {
    const Proc **states;
    uint32_t n, cap;
} TauRun;

/* Records the step `from` --tr-->: returns the length of the tau cycle it
 * closes (tr.next is a state passed since the last visible event), else 0.
 * Terms are hash-consed, so the same state is the same pointer. */
static uint64_t tau_cycle(TauRun *r, const Proc *from, Trans tr)
{
    if (tr.event != EVENT_TAU) {
        r->n = 0;
        return 0;
    }
    if (r->n == TAU_CYCLE_MAX) return 0;
    if (r->n == r->cap) r->states = xrealloc(r->states, (r->cap = r->cap ? r->cap * 2 : 16) *
                                                            sizeof *r->states);
    r->states[r->n++] = from;
    for (uint32_t i = r->n; i-- > 0;)
        if (r->states[i] == tr.next) {
            uint64_t len = r->n - i;
            r->n = 0;
            return len;
        }
    return 0;
}

/* Undoes the last step of an interactive walk: the state before it. */
static const Proc *step_back(History *h, RunStats *st, FILE *out)
{
    h->n--;
    st->steps--;
    if (h->events[h->n] >= 2) st->events--;
    fputs("(back)\n", out);
    return h->states[h->n];
}

/* At a dead end of an interactive walk that has a step to undo (also when
 * `random N` walked into it): whether the person asks to undo it rather
 * than stop. */
static bool wants_back(const RunOptions *o, const Proc *p)
{
    fprintf(o->out, "(%s: back to undo, anything else to stop)\n",
            p->kind == PROC_OMEGA ? "terminated" : "deadlock");
    fputs("step> ", o->out);
    fflush(o->out);
    char *line = NULL;
    size_t cap = 0;
    bool back = getline(&line, &cap, o->in) >= 0 && strncmp(line, "back", 4) == 0;
    free(line);
    return back;
}

/* Before p is expanded as a term: whether the walk should go on in a
 * network instead (p's top parallel is wide and the terms have cost
 * SWITCH_BUDGET). *wide is that parallel (NULL: none). false after a
 * reported runtime error. */
static bool budget_spent(ProcTable *t, const Proc *p, const RunOptions *o, uint64_t spent,
                         const Proc **wide, bool *spent_all)
{
    *wide = NULL;
    *spent_all = false;
    if (p->trans_state != 2 && o->schedule != SCHED_INTERACTIVE && !wide_parallel(t, p, wide)) return false;
    uint64_t cost = 0;
    if (*wide && !expansion_cost(t, *wide, SWITCH_BUDGET - spent, &cost)) return false;
    *spent_all = *wide && spent + cost >= SWITCH_BUDGET;
    return true;
}

/* The transition the schedule takes among ts[0..n): its index, or ask()'s
 * -1 (quit), -2 (back) or -3 (the next *random_left steps are random). */
static int choose(ProcTable *t, const Trans *ts, uint32_t n, const RunOptions *o, uint64_t *rng,
                  uint64_t *random_left, const History *hist, const Proc *p)
{
    if (o->schedule == SCHED_FIRST) return 0;
    if (o->schedule == SCHED_RANDOM || *random_left > 0) {
        if (*random_left) (*random_left)--;
        return (int)run_uniform(rng, n);
    }
    return ask(t, ts, n, o, random_left, hist, p);
}

/* Walks the terms: every schedule, with history for `back`. *last is the
 * state it ended in. */
static RunEnd walk_terms(ProcTable *t, const Proc *start, const RunOptions *o, RunStats *st,
                         Walk *w, const Proc **last, bool *to_network)
{
    const Proc *p = start;
    History hist = { 0 };
    uint64_t tau_run = 0, random_left = 0, spent = 0;
    TauRun taus = { 0 };
    RunEnd end;
    *to_network = false;
    for (;;) {
        const Proc *wide;
        if (!budget_spent(t, p, o, spent, &wide, to_network)) {
            end = RUN_ERROR;
            break;
        }
        if (*to_network) {
            end = RUN_STEP_LIMIT;   /* not reported: the network walk goes on */
            break;
        }
        uint32_t n;
        const Trans *ts = proc_transitions(t, p, &n);
        if (!ts) {
            end = RUN_ERROR;
            break;
        }
        if (wide) spent += expanded_cost(p, ts, n, wide->n);
        if (n == 0 && o->schedule == SCHED_INTERACTIVE && hist.n) {
            random_left = 0;
            if (wants_back(o, p)) {
                p = step_back(&hist, st, o->out);
                continue;
            }
        }
        if (n == 0) {
            end = p->kind == PROC_OMEGA ? RUN_TERMINATED : RUN_DEADLOCK;
            break;
        }
        if (eval_interrupted(proc_eval(t))) {
            end = RUN_STOPPED;
            break;
        }
        if (st->steps >= o->max_steps || output_failed(o)) {
            end = RUN_STEP_LIMIT;   /* a write error: main.c reports it */
            break;
        }
        tau_run = only_tau(ts, n) ? tau_run + 1 : 0;
        if (o->livelock_after && tau_run > o->livelock_after) {
            end = RUN_LIVELOCK;
            break;
        }
        int k = choose(t, ts, n, o, w->rng, &random_left, &hist, p);
        if (k == -3) continue;
        if (k == -1) {
            end = RUN_QUIT;
            break;
        }
        if (k == -2) {
            if (hist.n) p = step_back(&hist, st, o->out);
            else fputs("(at the start)\n", o->out);
            continue;
        }
        Trans tr = ts[k];
        if (o->schedule == SCHED_INTERACTIVE) history_push(&hist, p, tr.event);
        print_event(t, o, tr.event);
        st->steps++;
        if (tr.event >= 2) st->events++;
        uint64_t cycle = o->tau_cycles ? tau_cycle(&taus, p, tr) : 0;
        p = tr.next;
        if (cycle && o->schedule == SCHED_INTERACTIVE) {
            fprintf(o->out, "(livelock: %llu internal step%s led back to this state; it can move "
                    "internally for ever here)\n", (unsigned long long)cycle, plural(cycle));
            random_left = 0;
        } else if (cycle) {
            w->cycle = cycle;
            end = RUN_LIVELOCK;
            break;
        }
    }
    free(taus.states);
    free(hist.states);
    free(hist.events);
    w->tau_run = tau_run;
    *last = p;
    return end;
}

RunEnd run_walk(ProcTable *t, const Proc *start, const RunOptions *o, RunStats *st)
{
    Walk w = { { o->seed, o->seed ^ 0x5851F42D4C957F2Du }, 0, 0 };
    memset(st, 0, sizeof *st);
    if (o->json) {
        json_key(o->json, "trace");
        json_array_begin(o->json);
    }
    const Proc *p = start;
    NetRun *r = NULL;
    bool to_network, failed = false;
    RunEnd end = walk_terms(t, start, o, st, &w, &p, &to_network);
    if (to_network) {
        r = netrun_new(t, p, NETWORK_FROM, &failed);
        end = r ? walk_network(t, r, o, st, &w) : RUN_ERROR;
    }
    static const char *const names[] = { "terminated", "deadlock", "step limit", "livelock",
                                         "quit", "stopped", "error" };
    if (o->json) {
        json_array_end(o->json);
        json_key(o->json, "end");
        json_string(o->json, names[end]);
        json_key(o->json, "events");
        json_uint(o->json, st->events);
        json_key(o->json, "steps");
        json_uint(o->json, st->steps);
    } else if (end != RUN_ERROR) {
        switch (end) {
        case RUN_TERMINATED:
            fprintf(o->out, "-- terminated after %llu event%s\n", (unsigned long long)st->events, plural(st->events));
            break;
        case RUN_DEADLOCK:
            fprintf(o->out, "-- deadlock after %llu event%s: no event is possible\n",
                    (unsigned long long)st->events, plural(st->events));
            if (r) p = netrun_term(r);
            if (p) explain_deadlock(t, p, o->out);
            break;
        case RUN_STEP_LIMIT:
            fprintf(o->out, "-- stopped after %llu step%s (%llu event%s): the step limit; raise it "
                    "with --steps\n", (unsigned long long)st->steps, plural(st->steps),
                    (unsigned long long)st->events, plural(st->events));
            break;
        case RUN_LIVELOCK:
            if (w.cycle) {
                fprintf(o->out, "-- livelock after %llu event%s: %llu internal step%s led back to "
                        "a state it had been in; it can move internally for ever\n",
                        (unsigned long long)st->events, plural(st->events),
                        (unsigned long long)w.cycle, plural(w.cycle));
                break;
            }
            fprintf(o->out, "-- livelock suspected after %llu event%s: only internal (tau) steps "
                    "for %llu steps\n", (unsigned long long)st->events, plural(st->events),
                    (unsigned long long)o->livelock_after);
            break;
        case RUN_STOPPED: {
            char why[160];
            Watch *wt = eval_watch(proc_eval(t));
            if (watch_stopped(wt) == WATCH_INTERRUPT)
                fprintf(o->out, "-- interrupted after %llu event%s\n", (unsigned long long)st->events,
                        plural(st->events));
            else
                fprintf(o->out, "-- stopped after %llu event%s: %s\n", (unsigned long long)st->events,
                        plural(st->events), watch_reason(wt, why, sizeof why));
            break;
        }
        default:
            fprintf(o->out, "-- quit after %llu event%s\n", (unsigned long long)st->events, plural(st->events));
        }
    }
    netrun_free(r);
    return end;
}
