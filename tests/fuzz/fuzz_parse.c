/* fuzz_parse.c - libFuzzer harness: the lexer, parser and resolver, and the
 * printer's round trip.
 * An input is a script. It is loaded as `cspi parse` loads a file; when it
 * loads cleanly, its canonical print (unparse_script) must load cleanly too,
 * give the same syntax tree (unparse_tree) and print to itself, as
 * tests/roundtrip.sh checks for the corpus. A difference aborts (a crash for
 * libFuzzer), with both texts on stderr.
 */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_common.h"

#include "interp.h"
#include "unparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What print(out, script) writes, as a NUL-terminated text (free it). */
static char *printed(void (*print)(FILE *, const Node *), const Node *script)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) abort();
    print(f, script);
    fclose(f);
    return buf;
}

static void round_trip(const Node *script)
{
    char *text = printed(unparse_script, script);
    char *tree = printed(unparse_tree, script);
    Interp *in = interp_new(stderr);
    Node *again;
    if (interp_load_text(in, fuzz_script_path(), text, strlen(text), &again) != LOAD_OK)
        fuzz_fail("the printed script does not load", text);
    char *text2 = printed(unparse_script, again);
    char *tree2 = printed(unparse_tree, again);
    if (strcmp(tree, tree2) != 0) {
        fprintf(stderr, "tree of the input:\n%s\ntree of its print:\n%s\n", tree, tree2);
        fuzz_fail("printing changes the syntax tree", text);
    }
    if (strcmp(text, text2) != 0) {
        fprintf(stderr, "printed once:\n%s\nprinted twice:\n%s\n", text, text2);
        fuzz_fail("printing is not idempotent", NULL);
    }
    free(text);
    free(tree);
    free(text2);
    free(tree2);
    interp_free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    Interp *in = interp_new(stderr);
    Node *script;
    if (interp_load_text(in, fuzz_script_path(), text, size, &script) == LOAD_OK) round_trip(script);
    interp_free(in);
    free(text);
    return 0;
}
