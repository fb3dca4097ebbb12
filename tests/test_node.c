/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_node.c — the document tree: where every key and value was written,
 * the inputs libyaml or pipelab refuse, paths, lookups and printing.
 *
 * Expected locations are counted by hand in tests/data/config/node_basic.yaml
 * and in the strings below (line and column 1-based, columns in characters);
 * expected messages are the ones node.c writes, with libyaml's own wording of
 * YAML syntax errors (libyaml 0.2.5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/config/node.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BASIC PL_SOURCE_DIR "/tests/data/config/node_basic.yaml"

static pl_node *parse_file_ok(const char *path)
{
    pl_diag d;
    pl_diag_init(&d);
    pl_node *root = NULL;
    int rc = pl_node_parse_file(path, true, &root, &d);
    if (rc)
        print_error("%s\n", d.msg);
    assert_int_equal(rc, 0);
    return root;
}

static void assert_at(const pl_loc *loc, int line, int col)
{
    if (loc->line != line || loc->col != col)
        print_error("at %d:%d, expected %d:%d\n", loc->line, loc->col, line, col);
    assert_int_equal(loc->line, line);
    assert_int_equal(loc->col, col);
}

/* The node at path, which must exist. */
static const pl_node *at(const pl_node *root, const char *path)
{
    const pl_node *n = pl_node_find(root, path);
    if (!n)
        print_error("no node at %s\n", path);
    assert_non_null(n);
    return n;
}

static void test_locations(void **state)
{
    (void)state;
    pl_node *root = parse_file_ok(BASIC);
    assert_string_equal(pl_node_loc(root)->file, BASIC);
    assert_at(pl_node_loc(root), 2, 1);
    /* "model: dispatch": key at column 1, value after "model: " at column 8. */
    assert_at(pl_node_key_loc(at(root, "model")), 2, 1);
    assert_at(pl_node_loc(at(root, "model")), 2, 8);
    /* A block mapping starts at its first key, "  mode" on line 4. */
    assert_at(pl_node_key_loc(at(root, "dispatch")), 3, 1);
    assert_at(pl_node_loc(at(root, "dispatch")), 4, 3);
    /* A quoted scalar starts at its opening quote: `  mode: "serial"`, column 9. */
    assert_at(pl_node_loc(at(root, "dispatch.mode")), 4, 9);
    /* The sequence starts at its first "- " (column 5), the item after it (column 7). */
    assert_at(pl_node_key_loc(at(root, "dispatch.ops")), 5, 3);
    assert_at(pl_node_loc(at(root, "dispatch.ops")), 6, 5);
    assert_at(pl_node_loc(at(root, "dispatch.ops[0]")), 6, 7);
    assert_at(pl_node_loc(at(root, "dispatch.ops[0].name")), 6, 13);
    /* "      kernel: {dist: normal, mean: 10us, sd: 1us}": '{' is column 15, "mean" 30,
     * "10us" 36. */
    assert_at(pl_node_key_loc(at(root, "dispatch.ops[0].kernel")), 7, 7);
    assert_at(pl_node_loc(at(root, "dispatch.ops[0].kernel")), 7, 15);
    assert_at(pl_node_key_loc(at(root, "dispatch.ops[0].kernel.mean")), 7, 30);
    assert_at(pl_node_loc(at(root, "dispatch.ops[0].kernel.mean")), 7, 36);
    assert_at(pl_node_loc(at(root, "dispatch.ops.1.sync")), 9, 13);
    /* An empty value is located just after "empty: ". */
    assert_at(pl_node_loc(at(root, "dispatch.empty")), 10, 9);
    pl_node_destroy(root);
}

static void test_queries(void **state)
{
    (void)state;
    pl_node *root = parse_file_ok(BASIC);
    assert_int_equal(pl_node_type_of(root), PL_NODE_MAP);
    assert_int_equal(pl_node_len(root), 2);
    assert_string_equal(pl_node_key(root, 0), "model");
    assert_string_equal(pl_node_key(root, 1), "dispatch");
    assert_ptr_equal(pl_node_at(root, 1), pl_node_get(root, "dispatch"));
    assert_null(pl_node_get(root, "ops"));
    assert_null(pl_node_text(root));
    const pl_node *ops = at(root, "dispatch.ops");
    assert_int_equal(pl_node_type_of(ops), PL_NODE_SEQ);
    assert_int_equal(pl_node_len(ops), 2);
    assert_null(pl_node_get(ops, "name")); /* not a mapping */
    /* Texts as written, quotes removed. */
    assert_string_equal(pl_node_text(at(root, "dispatch.mode")), "serial");
    assert_string_equal(pl_node_text(at(root, "dispatch.ops[1].name")), "b c");
    assert_string_equal(pl_node_text(at(root, "dispatch.empty")), "");
    assert_int_equal(pl_node_len(at(root, "dispatch.mode")), 0);
    /* An absent key, as pl_node_get returns it, has no entries either. */
    assert_int_equal(pl_node_len(pl_node_get(root, "no_such_key")), 0);
    /* Paths use [i] for items, whichever way the lookup was written. */
    assert_string_equal(pl_node_path(root), "");
    assert_string_equal(pl_node_path(at(root, "dispatch.ops.0.kernel.sd")),
                        "dispatch.ops[0].kernel.sd");
    assert_string_equal(pl_node_path(at(root, "dispatch.ops[1]")), "dispatch.ops[1]");
    /* Lookups that lead nowhere. */
    assert_null(pl_node_find(root, "dispatch.ops[2]"));
    assert_null(pl_node_find(root, "dispatch.mode.x"));
    assert_null(pl_node_find(root, "dispatch[0]"));
    assert_null(pl_node_find(root, "dispatch..mode"));
    assert_null(pl_node_find(root, "dispatch.ops[x]"));
    pl_node_destroy(root);
}

/* Parses text from a scratch file and checks the failure code and whole message, in
 * which "F" stands for the file's path. */
static void assert_file_refused(const char *text, size_t len, bool want_map, int code,
                                const char *msg)
{
    char *dir = pl_test_mkdtemp();
    char path[4200], want[4400];
    snprintf(path, sizeof path, "%s/f.yaml", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    const char *rest = strncmp(msg, "F", 1) == 0 ? msg + 1 : msg;
    snprintf(want, sizeof want, "%s%s", strncmp(msg, "F", 1) == 0 ? path : "", rest);
    pl_diag d;
    pl_diag_init(&d);
    pl_node *root = NULL;
    assert_int_equal(pl_node_parse_file(path, want_map, &root, &d), code);
    assert_null(root);
    assert_string_equal(d.msg, want);
    pl_test_rmtree(dir);
    free(dir);
}

#define REFUSED(text, msg) assert_file_refused(text, strlen(text), true, PL_EPARSE, msg)

static void test_malformed(void **state)
{
    (void)state;
    /* libyaml notices the unclosed '[' at "b:" on line 2. */
    REFUSED("a: [1, 2\nb: 3\n",
            "F:2:2: malformed YAML: did not find expected ',' or ']' while parsing a flow "
            "sequence (which started at line 1, column 4)");
    /* " c" is indented less than "  b": no key libyaml expects. */
    REFUSED("a:\n  b: 1\n c: 2\n", "F:3:2: malformed YAML: did not find expected key while "
                                   "parsing a block mapping (which started at line 1, column "
                                   "1)");
    REFUSED("a: b: c\n", "F:1:5: malformed YAML: mapping values are not allowed in this context");
}

static void test_refused_structure(void **state)
{
    (void)state;
    REFUSED("a: 1\nb: 2\na: 3\n", "F:3:1: key 'a': duplicate key (first written at line 1, "
                                  "column 1)");
    REFUSED("x:\n  a: 1\n  a: 2\n", "F:3:3: key 'x.a': duplicate key (first written at line 2, "
                                    "column 3)");
    /* The anchor is refused where it is written ("&x" at column 4), before any alias. */
    REFUSED("a: &x 1\nb: *x\n", "F:1:4: key 'a': anchors and aliases are not supported; use "
                                "repeat");
    REFUSED("a: 1\nb: *x\n", "F:2:4: key 'b': anchors and aliases are not supported; use repeat");
    REFUSED("a: !!str 1\n", "F:1:4: key 'a': YAML tags (!...) are not supported; write the "
                            "value alone");
    REFUSED("a: 1\n---\nb: 2\n",
            "F:2:1: more than one YAML document; expected one (remove the '---')");
    REFUSED("[a, b]: 1\n", "F:1:1: a key must be a plain string, not a mapping or a list");
    REFUSED("- 1\n- 2\n", "F:1:1: expected a mapping of keys to values at the top, got a list");
    REFUSED("12us\n", "F:1:1: expected a mapping of keys to values at the top, got a single "
                      "value");
    REFUSED("", "F:1:1: the file holds no document; expected a mapping of keys to values");
    REFUSED("# only a comment\n",
            "F:1:1: the file holds no document; expected a mapping of keys to values");
}

static void test_refused_bytes(void **state)
{
    (void)state;
    /* "b: x" then NUL: the NUL is the 5th character of line 2. */
    assert_file_refused("a: 1\nb: x\0y\n", 11, true, PL_EPARSE,
                        "F:2:5: NUL byte; expected text (is this a binary file?)");
    /* "bé: " is 4 characters (é is 2 bytes), so 0xFF is column 5. */
    REFUSED("a: 1\nb\xc3\xa9: \xff\n", "F:2:5: byte 0xFF is not UTF-8; expected UTF-8 text");
    /* An overlong encoding of '/' (C0 AF) is not UTF-8 either. */
    REFUSED("a: \xc0\xaf\n", "F:1:4: byte 0xC0 is not UTF-8; expected UTF-8 text");
    /* A control character is found by libyaml's reader, which gives only an offset. */
    REFUSED("a: 1\nb: \x01\n", "F:2:4: malformed YAML: control characters are not allowed");
    /* "\0" in a double-quoted string would cut the text short. */
    REFUSED("a: 1\nb: \"\\0\"\n", "F:2:4: key 'b': a string holds a NUL character (\\0)");
}

static void test_not_a_map_allowed(void **state)
{
    (void)state;
    /* Without want_map any document will do. */
    pl_diag d;
    pl_diag_init(&d);
    pl_node *root = NULL;
    char *dir = pl_test_mkdtemp();
    char path[4200];
    snprintf(path, sizeof path, "%s/list.yaml", dir);
    pl_test_write_file(path, "- 1\n- 2\n");
    assert_int_equal(pl_node_parse_file(path, false, &root, &d), 0);
    assert_int_equal(pl_node_type_of(root), PL_NODE_SEQ);
    assert_string_equal(pl_node_path(pl_node_at(root, 1)), "[1]");
    pl_node_destroy(root);
    pl_test_rmtree(dir);
    free(dir);
}

static void test_unreadable(void **state)
{
    (void)state;
    pl_diag d;
    pl_diag_init(&d);
    pl_node *root = NULL;
    const char *path = PL_SOURCE_DIR "/tests/data/config/no-such-file.yaml";
    assert_int_equal(pl_node_parse_file(path, true, &root, &d), PL_EIO);
    char want[4200];
    snprintf(want, sizeof want, "%s: cannot read: No such file or directory", path);
    assert_string_equal(d.msg, want);
    /* A directory opens but cannot be read. */
    assert_int_equal(pl_node_parse_file(PL_SOURCE_DIR "/tests", true, &root, &d), PL_EIO);
    assert_string_equal(d.msg, PL_SOURCE_DIR "/tests: cannot read: Is a directory");
}

static void test_too_large(void **state)
{
    (void)state;
    /* A sparse file of 16 MiB + 1 byte: one byte over the limit. */
    char *dir = pl_test_mkdtemp();
    char path[4200], want[4400];
    snprintf(path, sizeof path, "%s/big.yaml", dir);
    pl_test_write_file(path, "a: 1\n");
    assert_int_equal(truncate(path, (16 << 20) + 1), 0);
    pl_diag d;
    pl_diag_init(&d);
    pl_node *root = NULL;
    assert_int_equal(pl_node_parse_file(path, true, &root, &d), PL_EIO);
    snprintf(want, sizeof want,
             "%s: cannot read: larger than 16 MiB; a scenario or machine file is a few KiB, so "
             "this is not one",
             path);
    assert_string_equal(d.msg, want);
    /* Exactly 16 MiB is read (and then refused for its NUL bytes, the sparse part). */
    assert_int_equal(truncate(path, 16 << 20), 0);
    assert_int_equal(pl_node_parse_file(path, true, &root, &d), PL_EPARSE);
    assert_true(pl_test_contains(d.msg, ":2:1: NUL byte"));
    pl_test_rmtree(dir);
    free(dir);
}

static void test_parse_string(void **state)
{
    (void)state;
    pl_diag d;
    pl_diag_init(&d);
    pl_node *n = NULL;
    /* As if "{dist: normal, mean: 10us}" followed 7 characters of an argument: '{' at
     * column 8, "mean" at 8 + 15 = 23, "10us" at 8 + 21 = 29. */
    assert_int_equal(pl_node_parse_string("{dist: normal, mean: 10us}", "--set 'x'", 7, &n, &d), 0);
    assert_string_equal(pl_node_loc(n)->file, "--set 'x'");
    assert_at(pl_node_loc(n), 1, 8);
    assert_at(pl_node_key_loc(pl_node_get(n, "mean")), 1, 23);
    assert_at(pl_node_loc(pl_node_get(n, "mean")), 1, 29);
    pl_node_destroy(n);
    /* A scalar, and empty text as an empty scalar. */
    assert_int_equal(pl_node_parse_string("12us", "o", 5, &n, &d), 0);
    assert_string_equal(pl_node_text(n), "12us");
    assert_at(pl_node_loc(n), 1, 6);
    pl_node_destroy(n);
    assert_int_equal(pl_node_parse_string("", "o", 5, &n, &d), 0);
    assert_string_equal(pl_node_text(n), "");
    assert_at(pl_node_loc(n), 1, 6);
    pl_node_destroy(n);
    /* Errors point into the caller's text: the missing item after "[1, " is column
     * 5 + 9 = 14. */
    n = NULL;
    assert_int_equal(pl_node_parse_string("{a: [1, }", "--set 'x'", 5, &n, &d), PL_EPARSE);
    assert_null(n);
    assert_string_equal(d.msg, "--set 'x':1:14: malformed YAML: did not find expected node "
                               "content while parsing a flow node (which started at line 1, "
                               "column 14)");
    assert_int_equal(pl_node_parse_string("a: \xff", "o", 0, &n, &d), PL_EPARSE);
    assert_string_equal(d.msg, "o:1:4: byte 0xFF is not UTF-8; expected UTF-8 text");
}

static void test_depth(void **state)
{
    (void)state;
    /* 64 nested lists are fine, 65 are not: the 65th '[' is column 65. */
    char text[256];
    pl_diag d;
    pl_diag_init(&d);
    pl_node *n = NULL;
    memset(text, '[', 64);
    memset(text + 64, ']', 64);
    text[128] = '\0';
    assert_int_equal(pl_node_parse_string(text, "o", 0, &n, &d), 0);
    pl_node_destroy(n);
    memset(text, '[', 65);
    memset(text + 65, ']', 65);
    text[130] = '\0';
    assert_int_equal(pl_node_parse_string(text, "o", 0, &n, &d), PL_EPARSE);
    assert_true(pl_test_contains(d.msg, "o:1:65: key '[0][0]"));
    assert_true(pl_test_contains(d.msg, "': nesting deeper than 64 levels"));
}

/* Prints a tree into a string the caller frees. */
static char *print_to_string(const pl_node *root)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_node_print(root, f, &d), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_print(void **state)
{
    (void)state;
    pl_node *root = parse_file_ok(BASIC);
    char *text = print_to_string(root);
    /* Block style with libyaml's indentless sequences; flow mappings and quoting kept,
     * comments gone. */
    assert_string_equal(text, "model: dispatch\n"
                              "dispatch:\n"
                              "  mode: \"serial\"\n"
                              "  ops:\n"
                              "  - name: a\n"
                              "    kernel: {dist: normal, mean: 10us, sd: 1us}\n"
                              "  - name: 'b c'\n"
                              "    sync: true\n"
                              "  empty:\n");
    pl_diag d;
    pl_diag_init(&d);
    pl_node *again = NULL;
    assert_int_equal(pl_node_parse_string(text, "printed", 0, &again, &d), 0);
    assert_true(pl_node_equal(root, again));
    pl_node_destroy(again);
    free(text);
    pl_node_destroy(root);
}

static void test_print_quoting(void **state)
{
    (void)state;
    /* Texts that would change meaning if printed bare come back quoted, and the tree
     * printed and parsed again is equal to the first. */
    const char *yaml = "a: \"x: y\"\n"
                       "b: '#not a comment'\n"
                       "c: \"line\\none\"\n"
                       "d: 12 \xc2\xb5s\n"
                       "e: ''\n"
                       "f: \"- item\"\n"
                       "'g: h': \"[1]\"\n";
    pl_diag d;
    pl_diag_init(&d);
    pl_node *root = NULL, *again = NULL;
    assert_int_equal(pl_node_parse_string(yaml, "q", 0, &root, &d), 0);
    char *text = print_to_string(root);
    assert_int_equal(pl_node_parse_string(text, "printed", 0, &again, &d), 0);
    assert_true(pl_node_equal(root, again));
    assert_string_equal(pl_node_text(pl_node_get(again, "c")), "line\none");
    assert_string_equal(pl_node_text(pl_node_get(again, "g: h")), "[1]");
    /* µ is written as itself, not escaped. */
    assert_true(pl_test_contains(text, "d: 12 \xc2\xb5s\n"));
    free(text);
    pl_node_destroy(again);
    pl_node_destroy(root);
}

static void test_equal(void **state)
{
    (void)state;
    pl_diag d;
    pl_diag_init(&d);
    pl_node *a, *b, *c, *e;
    assert_int_equal(pl_node_parse_string("{x: 1, y: [a, b]}", "a", 0, &a, &d), 0);
    assert_int_equal(pl_node_parse_string("x: '1'\ny:\n- a\n- b\n", "b", 3, &b, &d), 0);
    assert_int_equal(pl_node_parse_string("{y: [a, b], x: 1}", "c", 0, &c, &d), 0);
    assert_int_equal(pl_node_parse_string("{x: 1, y: [a, c]}", "e", 0, &e, &d), 0);
    /* Quoting, style and locations aside, a and b are the same; c has another key order
     * and e another text. */
    assert_true(pl_node_equal(a, b));
    assert_false(pl_node_equal(a, c));
    assert_false(pl_node_equal(a, e));
    pl_node_destroy(a);
    pl_node_destroy(b);
    pl_node_destroy(c);
    pl_node_destroy(e);
}

static void test_print_write_error(void **state)
{
    (void)state;
    /* /dev/full accepts the open and fails every write. */
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        skip();
    pl_diag d;
    pl_diag_init(&d);
    pl_node *root = parse_file_ok(BASIC);
    assert_int_equal(pl_node_print(root, f, &d), PL_EIO);
    assert_string_equal(d.msg, "cannot write the YAML: No space left on device");
    fclose(f);
    pl_node_destroy(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locations),     cmocka_unit_test(test_queries),
        cmocka_unit_test(test_malformed),     cmocka_unit_test(test_refused_structure),
        cmocka_unit_test(test_refused_bytes), cmocka_unit_test(test_not_a_map_allowed),
        cmocka_unit_test(test_unreadable),    cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_parse_string),  cmocka_unit_test(test_depth),
        cmocka_unit_test(test_print),         cmocka_unit_test(test_print_quoting),
        cmocka_unit_test(test_equal),         cmocka_unit_test(test_print_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
