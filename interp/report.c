/* report.c - what the checker prints: an assertion's block in FDR's
 * layout, one --brief line, or one JSON object; counterexamples with their
 * traces, the specification's acceptances and the components' offers; and
 * the block of an assertion not decided. See check_internal.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "check_internal.h"

#include "explain.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

static void print_trace(Chk *c, uint32_t i, FILE *out)
{
    uint32_t n, *path = chk_trace_to(c, i, &n);
    fputc('<', out);
    for (uint32_t k = n; k-- > 0;) {
        event_print(out, c->ev, path[k]);
        if (k) fputs(", ", out);
    }
    fputc('>', out);
    free(path);
}

static void print_initials(Chk *c, const Proc *p, FILE *out)
{
    uint32_t n;
    const Trans *ts = proc_transitions(c->t, p, &n);
    if (!ts) chk_bail_eval(c);
    fputc('{', out);
    uint32_t shown = 0;
    for (uint32_t k = 0; k < n; k++) {
        if (ts[k].event == EVENT_TAU) continue;
        bool dup = false;
        for (uint32_t j = 0; j < k && !dup; j++) dup = ts[j].event == ts[k].event;
        if (dup) continue;
        if (shown++) fputs(", ", out);
        event_print(out, c->ev, ts[k].event);
    }
    fputc('}', out);
}

static void free_names(char **names, uint32_t n)
{
    for (uint32_t i = 0; names && i < n; i++) free(names[i]);
    free(names);
}

/* The components of a parallel state (for deadlocks): the parallel under
 * any hiding and renaming at the top, or NULL. */
static const Proc *top_parallel(Chk *c, Space *sp, uint32_t state)
{
    const Proc *p = net_term(sp->net, state);
    if (p) p = proc_under_wrappers(c->t, p);
    if (!p || (p->kind != PROC_PAR && p->kind != PROC_ALPHA && p->kind != PROC_LINK)) return NULL;
    return p;
}

/* JSON: what each component of a deadlocked parallel offers, numbered
 * from 0, with its name from the script when it has one. */
static void json_components(Chk *c, Space *sp, uint32_t state, JsonWriter *j)
{
    const Proc *p = top_parallel(c, sp, state);
    if (!p) return;
    uint32_t n_names;
    char **names = chk_top_names(c, sp, &n_names);
    const Proc **calls = xmalloc(2 * p->n * sizeof *calls + 1), **bodies = calls + p->n;
    proc_names_of(c->t, p->kids, p->n, calls, bodies);
    json_key(j, "components");
    json_array_begin(j);
    for (uint32_t i = 0; i < p->n; i++) {
        json_object_begin(j);
        json_key(j, "component");
        json_uint(j, i);
        if (n_names == p->n) {
            json_key(j, "name");
            json_string(j, names[i]);
        }
        json_key(j, "state");
        const Proc *name = calls[i] ? calls[i] : bodies[i];
        proc_print(json_capture_begin(j), c->t, name ? name : p->kids[i]);
        json_capture_end(j);
        json_key(j, "offers");
        json_array_begin(j);
        uint32_t n;
        const Trans *ts = proc_transitions(c->t, p->kids[i], &n);
        if (!ts) chk_bail_eval(c);
        for (uint32_t k = 0; k < n; k++) {
            bool dup = ts[k].event == EVENT_TAU;
            for (uint32_t m = 0; m < k && !dup; m++) dup = ts[m].event == ts[k].event;
            if (dup) continue;
            event_print(json_capture_begin(j), c->ev, ts[k].event);
            json_capture_end(j);
        }
        json_array_end(j);
        json_object_end(j);
    }
    json_array_end(j);
    free(calls);
    free_names(names, n_names);
}

/* What each component of a parallel state offers (for deadlocks). */
static void print_components(Chk *c, Space *sp, uint32_t state, FILE *out, const char *indent)
{
    const Proc *p = net_term(sp->net, state);
    if (p) p = proc_under_wrappers(c->t, p);
    if (!p || (p->kind != PROC_PAR && p->kind != PROC_ALPHA && p->kind != PROC_LINK)) return;
    uint32_t n_made;
    char **names = chk_top_names(c, sp, &n_made);
    uint32_t n_names = n_made == p->n ? n_made : 0;   /* not the same parallel: no names */
    for (uint32_t i = 0; i < p->n && i < CHK_COMPONENTS_SHOWN; i++) {
        /* numbered from 0, as the script's indices usually are, and named
         * from the script (PHIL(0) [AlphaP(0) || AlphaF(0)] FORK(0)) */
        fprintf(out, "%sComponent %u ", indent, i);
        if (i < n_names && *names[i]) {
            if (strlen(names[i]) > CHK_COMPONENT_NAME_MAX) fprintf(out, "(%.*s...) ", CHK_COMPONENT_NAME_MAX, names[i]);
            else fprintf(out, "(%s) ", names[i]);
        }
        fputs("offers ", out);
        print_initials(c, p->kids[i], out);
        fputc('\n', out);
    }
    if (p->n > CHK_COMPONENTS_SHOWN)
        fprintf(out, "%s... and %u more components\n", indent, p->n - CHK_COMPONENTS_SHOWN);
    free_names(names, n_made);
}

static void print_set(Chk *c, const EventSet *s, FILE *out)
{
    fputc('{', out);
    for (uint32_t i = 0; i < s->n; i++) {
        if (i) fputs(", ", out);
        event_print(out, c->ev, s->ev[i]);
    }
    fputc('}', out);
}

static int by_events(const void *a, const void *b)
{
    const EventSet *x = *(const EventSet *const *)a, *y = *(const EventSet *const *)b;
    for (uint32_t i = 0; i < x->n && i < y->n; i++)
        if (x->ev[i] != y->ev[i]) return x->ev[i] < y->ev[i] ? -1 : 1;
    return (x->n > y->n) - (x->n < y->n);
}

/* A node's minimal acceptances, in the order of their events (as the
 * available events, in event order): the same whatever order the normal
 * form's states were numbered in (one thread or the workers). */
static void print_acceptances(Chk *c, const EventSet *const *acc, uint32_t n, FILE *out)
{
    const EventSet **sorted = xmalloc((n ? n : 1) * sizeof *sorted);
    if (n) memcpy(sorted, acc, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_events);
    for (uint32_t i = 0; i < n; i++) {
        if (i) fputs(", ", out);
        print_set(c, sorted[i], out);
    }
    free(sorted);
}

void chk_print_counterexample(Chk *c, const Counterexample *x, const char *impl, FILE *out)
{
    fprintf(out, "    Counterexample (%s Counterexample)\n", x->kind);
    if (x->node >= 0 && strcmp(x->kind, "Determinism") != 0) {
        fputs("        Specification Debug:\n            Trace: ", out);
        print_trace(c, x->visit, out);
        fputs("\n            Available Events: ", out);
        nf_successors(c, (uint32_t)x->node);
        NNode *n = &c->nodes[x->node];
        /* In event order: the same whatever order the normal form's states
         * were numbered in (one thread or the workers). */
        uint32_t *evs = xmalloc((n->n_succ ? n->n_succ : 1) * sizeof *evs);
        if (n->n_succ) memcpy(evs, n->succ_ev, n->n_succ * sizeof *evs);
        print_set(c, proc_sorted_set(c->t, evs, n->n_succ), out);
        free(evs);
        n = &c->nodes[x->node];
        fputc('\n', out);
        if (strcmp(x->kind, "Min Acceptance") == 0) {
            nf_acceptances(c, (uint32_t)x->node);
            fputs("            Minimal Acceptances: {", out);
            print_acceptances(c, n->acc, n->n_acc, out);
            /* No acceptance at all (not the one acceptance {}): every
             * state here can do tau, so the specification only diverges. */
            fputs(n->n_acc ? "}\n" : "} (no stable state: the specification diverges here)\n", out);
        }
    }
    fprintf(out, "        Implementation Debug:\n            %s (%s Behaviour):\n                Trace: ",
            impl, strcmp(x->kind, "Trace") == 0 ? "Trace" : strcmp(x->kind, "Divergence") == 0
            ? "Divergence" : "Failure");
    print_trace(c, x->visit, out);
    fputc('\n', out);
    if (x->has_event) {
        fputs(strcmp(x->kind, "Determinism") == 0 ? "                Performs then refuses: "
                                                  : "                Error Event: ", out);
        event_print(out, c->ev, x->error_event);
        fputc('\n', out);
    }
    if (x->acceptance) {
        fputs("                Min Acceptance: ", out);
        print_set(c, x->acceptance, out);
        fputc('\n', out);
    }
    if (strcmp(x->kind, "Divergence") == 0) fputs("                Diverges (an endless run of tau steps)\n", out);
    if (strcmp(x->kind, "Deadlock") == 0)
        print_components(c, &c->impl, chk_visit_state(c, x->visit), out, "                ");
}

void chk_assertion_text(SrcSet *src, Node *decl, char *buf, size_t size)
{
    Node *a = decl->kid[0];
    Span sp = a->span;
    const char *text = src_text(src, sp.file);
    size_t k = 0;
    if (decl->op) k = (size_t)snprintf(buf, size, "not ");
    bool space = false;
    uint32_t i = sp.start;
    for (; i < sp.end && k + 5 < size; i++) {   /* room for "..." and the NUL */
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n' || ch == '\r' || ch == '\t' || ch == ' ') {
            space = k > 0;
            continue;
        }
        if (space) buf[k++] = ' ';
        space = false;
        buf[k++] = (char)ch;
    }
    if (i < sp.end && size >= 5) {   /* cut: say so */
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = 0;
}
void chk_print_undecided(const ChkOptions *o, const char *text, ChkResult why, const char *message)
{
    FILE *out = o->out;
    const char *what = why == CHK_LIMIT ? "limit" : why == CHK_INTERRUPTED ? "interrupted" : "error";
    if (o->json) {
        json_object_begin(o->json);
        json_key(o->json, "assertion");
        json_string(o->json, text);
        json_key(o->json, "result");
        json_string(o->json, what);
        json_key(o->json, "message");
        json_string(o->json, message);
        json_object_end(o->json);
    } else if (o->brief) {
        fprintf(out, "Not decided: %s\n", text);
    } else {
        fprintf(out, "%s:\n    Result: Not decided (%s)\n    Reason: %s\n", text,
                why == CHK_LIMIT ? "a limit was reached" : why == CHK_INTERRUPTED ? "interrupted"
                : "a runtime error", message);
    }
}
/* The has-trace counterexample exists: the trace failed part way. */
static bool trace_failed(const Outcome *r, ChkResult result)
{
    return r->trace && r->trace_fail < r->trace_len && !r->holds && result == CHK_FAILED;
}

/* A decided assertion as one JSON object. */
void chk_report_json(Chk *c, const char *text, ChkResult result, const Outcome *r)
{
    JsonWriter *j = c->o->json;
    json_object_begin(j);
    json_key(j, "assertion");
    json_string(j, text);
    json_key(j, "result");
    json_string(j, result == CHK_PASSED ? "passed" : "failed");
    json_key(j, "states");
    json_uint(j, c->st->states);
    json_key(j, "transitions");
    json_uint(j, c->st->transitions);
    /* Like the text blocks, timing is opt-in so that output is reproducible. */
    if (c->o->show_time) {
        json_key(j, "time");
        json_fixed(j, c->st->seconds, 3);
    }
    if (r->has_x && result == CHK_FAILED) {
        json_key(j, "counterexample");
        json_object_begin(j);
        json_key(j, "kind");
        json_string(j, r->x.kind);
        json_key(j, "trace");
        json_array_begin(j);
        uint32_t n, *path = chk_trace_to(c, r->x.visit, &n);
        for (uint32_t k = n; k-- > 0;) {
            event_print(json_capture_begin(j), c->ev, path[k]);
            json_capture_end(j);
        }
        json_array_end(j);
        free(path);
        if (r->x.has_event) {
            json_key(j, "error_event");
            event_print(json_capture_begin(j), c->ev, r->x.error_event);
            json_capture_end(j);
        }
        if (strcmp(r->x.kind, "Deadlock") == 0) json_components(c, &c->impl, chk_visit_state(c, r->x.visit), j);
        json_object_end(j);
    }
    if (trace_failed(r, result)) {
        /* has trace: how far the process got, and the event it could not do */
        json_key(j, "counterexample");
        json_object_begin(j);
        json_key(j, "kind");
        json_string(j, "Trace");
        json_key(j, "trace");
        json_array_begin(j);
        for (uint32_t i = 0; i < r->trace_fail; i++) {
            event_print(json_capture_begin(j), c->ev, r->trace[i]);
            json_capture_end(j);
        }
        json_array_end(j);
        json_key(j, "error_event");
        event_print(json_capture_begin(j), c->ev, r->trace[r->trace_fail]);
        json_capture_end(j);
        json_object_end(j);
    }
    if (r->expl && !c->o->keep) expl_json(r->expl, j);
    json_object_end(j);
}

/* A decided assertion in FDR's block layout (or one --brief line). */
void chk_report_text(Chk *c, const char *text, ChkResult result, const Outcome *r)
{
    FILE *out = c->o->out;
    const char *verdict = result == CHK_PASSED ? "Passed" : "Failed";
    if (c->o->brief) {
        fprintf(out, "%s: %s\n", verdict, text);
        return;
    }
    fprintf(out, "%s:\n    Result: %s\n    Visited States: %llu\n    Visited Transitions: %llu\n",
            text, verdict, (unsigned long long)c->st->states, (unsigned long long)c->st->transitions);
    if (c->o->show_time) fprintf(out, "    Time: %.3f s\n", c->st->seconds);
    if (r->has_x && result == CHK_FAILED) chk_print_counterexample(c, &r->x, r->name, out);
    if (trace_failed(r, result)) {
        fputs("    Counterexample (Trace Counterexample)\n        Implementation Debug:\n"
              "            Performs: <", out);
        for (uint32_t i = 0; i < r->trace_fail; i++) {
            if (i) fputs(", ", out);
            event_print(out, c->ev, r->trace[i]);
        }
        fputs(">\n            Then cannot perform: ", out);
        event_print(out, c->ev, r->trace[r->trace_fail]);
        fputc('\n', out);
    }
    if (r->expl && !c->o->keep) expl_print(r->expl, out);
}

