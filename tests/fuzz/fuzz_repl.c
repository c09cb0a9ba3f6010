/* fuzz_repl.c - libFuzzer harness: the REPL reading piped input.
 * An input is REPL input, optionally after a script: when a line is exactly
 * "%%", the text before it is written to <fuzz_dir>/input.csp and loaded
 * first (as `cspi repl FILE`), and the text after it is what is typed.
 * repl_main runs as it does without a terminal, reading that text as its
 * standard input, on a big stack; a watchdog interrupts the command in
 * progress (as Ctrl-C does) after half a second of CPU time, and every 5 ms
 * after that. Commands that would touch other files are disarmed first:
 * a line starting with ':l' (:load) loses its ':', and '.dot', '.svg' and
 * '.gv' lose their '.', so :graph never writes a file or runs dot.
 */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_common.h"

#include "repl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { STACK_BYTES = 64u << 20 };

/* Disarms :load and :graph's output files (see the header comment). */
static void disarm(char *t, size_t len)
{
    bool line_start = true;
    for (size_t i = 0; i < len; i++) {
        if (line_start) {
            size_t j = i;
            while (j < len && (t[j] == ' ' || t[j] == '\t')) j++;
            if (j + 1 < len && t[j] == ':' && t[j + 1] == 'l') t[j] = ' ';
        }
        line_start = t[i] == '\n';
        if (t[i] == '.' && (strncmp(t + i + 1, "dot", 3) == 0 || strncmp(t + i + 1, "svg", 3) == 0 ||
                            strncmp(t + i + 1, "gv", 2) == 0))
            t[i] = ',';
    }
}

typedef struct {
    const char *path;
} Job;

static void repl(void *p)
{
    const Job *j = p;
    repl_main(j->path, false, &fuzz_watch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    char *typed = text;
    size_t typed_len = size;
    Job job = { NULL };
    /* The script, up to a line "%%". */
    for (size_t i = 0; i + 2 <= size; i++) {
        if ((i == 0 || text[i - 1] == '\n') && text[i] == '%' && text[i + 1] == '%' &&
            (i + 2 == size || text[i + 2] == '\n')) {
            FILE *f = fopen(fuzz_script_path(), "wb");
            if (!f || fwrite(text, 1, i, f) != i || fclose(f) != 0) abort();
            job.path = fuzz_script_path();
            typed = text + i + 2 + (i + 2 < size);
            typed_len = size - (size_t)(typed - text);
            break;
        }
    }
    disarm(typed, typed_len);
    FILE *in = typed_len ? fmemopen(typed, typed_len, "r") : fopen("/dev/null", "r");
    if (!in) abort();
    FILE *saved = stdin;
    stdin = in;
    fuzz_watchdog_start(0.5);
    fuzz_on_big_stack(repl, &job, STACK_BYTES);
    fuzz_watchdog_stop();
    stdin = saved;
    fclose(in);
    free(text);
    return 0;
}
