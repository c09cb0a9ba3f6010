/* report.c - what the checker prints: an assertion's block in FDR's
 * layout, one --brief line, or one JSON object; counterexamples with their
 * traces, the specification's acceptances and the components' offers; and
 * the block of an assertion not decided. See check_internal.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "check_internal.h"

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

/* What each component of a parallel state offers (for deadlocks). */
static void print_components(Chk *c, Space *sp, uint32_t state, FILE *out, const char *indent)
{
    const Proc *p = net_term(sp->net, state);
    if (p) p = proc_under_wrappers(c->t, p);
    if (!p || (p->kind != PROC_PAR && p->kind != PROC_ALPHA && p->kind != PROC_LINK)) return;
    for (uint32_t i = 0; i < p->n && i < CHK_COMPONENTS_SHOWN; i++) {
        fprintf(out, "%sComponent %u offers ", indent, i + 1);
        print_initials(c, p->kids[i], out);
        fputc('\n', out);
    }
    if (p->n > CHK_COMPONENTS_SHOWN)
        fprintf(out, "%s... and %u more components\n", indent, p->n - CHK_COMPONENTS_SHOWN);
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

void chk_print_counterexample(Chk *c, const Counterexample *x, const char *impl, FILE *out)
{
    fprintf(out, "    Counterexample (%s Counterexample)\n", x->kind);
    if (x->node >= 0 && strcmp(x->kind, "Determinism") != 0) {
        fputs("        Specification Debug:\n            Trace: ", out);
        print_trace(c, x->visit, out);
        fputs("\n            Available Events: {", out);
        nf_successors(c, (uint32_t)x->node);
        NNode *n = &c->nodes[x->node];
        for (uint32_t i = 0; i < n->n_succ; i++) {
            if (i) fputs(", ", out);
            event_print(out, c->ev, n->succ_ev[i]);
        }
        fputs("}\n", out);
        if (strcmp(x->kind, "Min Acceptance") == 0) {
            nf_acceptances(c, (uint32_t)x->node);
            fputs("            Minimal Acceptances: {", out);
            for (uint32_t i = 0; i < n->n_acc; i++) {
                if (i) fputs(", ", out);
                print_set(c, n->acc[i], out);
            }
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
}

