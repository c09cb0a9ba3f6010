/* main.c - the cspi command line: arguments, commands, exit codes.
 * Exit codes (sysexits style, MANUAL.md "Exit codes"): 0 success,
 * 1 an assertion failed, 64 usage, 65 static error in a script, 70 runtime
 * error, 74 I/O error, 75 a limit was reached.
 */
#include "interp.h"
#include "unparse.h"

#include <stdio.h>
#include <string.h>

#ifndef CSPI_VERSION
#define CSPI_VERSION "0.1.0"
#endif

enum { EXIT_OK = 0, EXIT_USAGE = 64, EXIT_STATIC = 65, EXIT_RUNTIME = 70, EXIT_IO = 74 };

static const char usage_main[] =
    "usage: cspi COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "cspi reads CSP scripts in FDR's machine-readable dialect (CSPM).\n"
    "\n"
    "Commands:\n"
    "  parse FILE...     check that scripts parse and every name resolves\n"
    "\n"
    "Options:\n"
    "  -h, --help        show this help (also: cspi COMMAND --help)\n"
    "  -V, --version     show the version\n"
    "\n"
    "Exit codes: 0 ok, 1 assertion failed, 64 usage, 65 error in a script,\n"
    "70 runtime error, 74 file unreadable, 75 limit reached. See MANUAL.md.\n";

static const char usage_parse[] =
    "usage: cspi parse [--print | --tree] FILE...\n"
    "\n"
    "Reads each script (following its includes), reports syntax errors and\n"
    "name errors with their locations, and prints nothing when all is well.\n"
    "\n"
    "Options:\n"
    "  --print           print the script back as canonical, fully bracketed CSPM\n"
    "  --tree            print the syntax tree as s-expressions\n"
    "  -h, --help        show this help\n";

static int usage_error(const char *fmt, const char *arg, const char *help_for)
{
    fprintf(stderr, "cspi: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", help_for ? help_for : "try 'cspi --help'\n");
    return EXIT_USAGE;
}

static int cmd_parse(int argc, char **argv)
{
    bool print = false, tree = false;
    int first_file = argc, n_files = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--print") == 0) print = true;
        else if (strcmp(a, "--tree") == 0) tree = true;
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_parse, stdout);
            return EXIT_OK;
        } else if (a[0] == '-' && a[1] && strcmp(a, "--") != 0) {
            return usage_error("parse: unknown option '%s'", a, "try 'cspi parse --help'\n");
        } else {
            if (strcmp(a, "--") == 0) i++;
            first_file = i;
            n_files = argc - i;
            break;
        }
    }
    for (int i = first_file; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1] && first_file < i)
            return usage_error("parse: options must come before the files ('%s')", argv[i],
                               "try 'cspi parse --help'\n");
    if (n_files == 0) return usage_error("parse: %s", "no script given", "try 'cspi parse --help'\n");
    if (print && tree) return usage_error("parse: %s", "--print and --tree exclude each other",
                                          "try 'cspi parse --help'\n");
    int status = EXIT_OK;
    for (int i = first_file; i < argc; i++) {
        Interp *in = interp_new(stderr);
        Node *script;
        LoadStatus st = interp_load_file(in, argv[i], &script);
        if (st == LOAD_IO_ERROR) {
            if (status == EXIT_OK) status = EXIT_IO;
        } else if (st == LOAD_STATIC_ERROR) {
            status = EXIT_STATIC;
        } else if (print) {
            unparse_script(stdout, script);
        } else if (tree) {
            unparse_tree(stdout, script);
        }
        interp_free(in);
    }
    if (fflush(stdout) != 0) {
        perror("cspi: writing output");
        return EXIT_IO;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("cspi %s\n", CSPI_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "parse") == 0) return cmd_parse(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd, NULL);
}
