/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * node_parse.c — YAML text and files into a document tree: the bytes checked
 * (UTF-8, no NUL), libyaml's events built into nodes, duplicate keys caught
 * through a key index, files read with a size limit.
 *
 * Invariant of the builder: `open` holds the collections not yet ended,
 * outermost first, and `key`, when set, is the key of a mapping waiting for its
 * value; every key added to a mapping is in the key index, so that a duplicate
 * is found without comparing it to every key before it. A parse hands back a
 * whole tree or nothing.
 */
#include "sim/config/node.h"

#include "sim/common/input.h"
#include "sim/config/node_edit.h"
#include "sim/config/node_tree.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH     64
#define MAX_FILE_SIZE (16u << 20)

/* ---- Checking the bytes ----------------------------------------------------- */

/* Where byte `off` of text is, counting lines and characters the way libyaml does, so
 * that errors found before or by libyaml's reader point where the editor shows them. */
static pl_loc locate(const char *file, const unsigned char *text, size_t off, int col0)
{
    pl_loc loc = {file, 1, col0 + 1};
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n' || (text[i] == '\r' && text[i + 1] != '\n')) {
            loc.line++;
            loc.col = 1;
        } else if ((text[i] & 0xC0) != 0x80 && text[i] != '\r') {
            loc.col++;
        }
    }
    return loc;
}

/* The length of the valid UTF-8 sequence at p (at most n bytes), 0 when invalid:
 * overlong forms, surrogates and code points above U+10FFFF are invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = p[0] < 0x80         ? 1
                 : (p[0] >> 5) == 6  ? 2
                 : (p[0] >> 4) == 14 ? 3
                 : (p[0] >> 3) == 30 ? 4
                                     : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t c = len == 1 ? p[0] : p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min_for_len[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return len;
}

/* Rejects NUL bytes and bytes that are not UTF-8: the first mean a binary file, and
 * libyaml would report the second without a line and column. */
static int check_text(const char *file, const char *text, size_t len, int col0, pl_diag *d)
{
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        if (p[i] == 0) {
            pl_loc loc = locate(file, p, i, col0);
            return pl_diag_at(d, PL_EPARSE, &loc, NULL,
                              "NUL byte; expected text (is this a binary file?)");
        }
        size_t n = utf8_len(p + i, len - i);
        if (n == 0) {
            pl_loc loc = locate(file, p, i, col0);
            return pl_diag_at(d, PL_EPARSE, &loc, NULL,
                              "byte 0x%02X is not UTF-8; expected UTF-8 text", p[i]);
        }
        i += n;
    }
    return 0;
}

/* ---- Building from libyaml events ------------------------------------------- */

/* Every key read so far, of every mapping, hashed by mapping and name: a file of a
 * million keys in one mapping must not take a million squared comparisons to check for
 * duplicates. Open addressing, at most half full. */
struct key_index {
    const pl_node **slot; /* the value nodes, whose parent and key are the hashed pair */
    size_t cap, used;
};

static size_t key_hash(const pl_node *map, const char *key)
{
    size_t h = (size_t)(uintptr_t)map * 0x9E3779B97F4A7C15u;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 0x100000001B3u; /* FNV-1a */
    return h;
}

/* The value already written under key in map, or NULL. */
static const pl_node *index_find(const struct key_index *x, const pl_node *map, const char *key)
{
    if (x->cap == 0)
        return NULL;
    for (size_t i = key_hash(map, key) & (x->cap - 1);; i = (i + 1) & (x->cap - 1)) {
        const pl_node *n = x->slot[i];
        if (!n)
            return NULL;
        if (n->parent == map && strcmp(n->key, key) == 0)
            return n;
    }
}

static void index_put(struct key_index *x, const pl_node *n)
{
    size_t i = key_hash(n->parent, n->key) & (x->cap - 1);
    while (x->slot[i])
        i = (i + 1) & (x->cap - 1);
    x->slot[i] = n;
    x->used++;
}

static int index_add(struct key_index *x, const pl_node *n)
{
    if (2 * (x->used + 1) > x->cap) {
        struct key_index bigger = {calloc(x->cap ? 2 * x->cap : 64, sizeof *x->slot),
                                   x->cap ? 2 * x->cap : 64, 0};
        if (!bigger.slot)
            return PL_ENOMEM;
        for (size_t i = 0; i < x->cap; i++)
            if (x->slot[i])
                index_put(&bigger, x->slot[i]);
        free(x->slot);
        *x = bigger;
    }
    index_put(x, n);
    return 0;
}

struct builder {
    const char *file;    /* borrowed from the names the result will own */
    const pl_loc *fixed; /* when set, every node is located here */
    const unsigned char *text;
    size_t len;
    int col0;
    bool from_file; /* keys are checked for the look of a line of plain text */
    pl_node *root;
    pl_node *open[MAX_DEPTH]; /* the collections not yet ended, outermost first */
    size_t depth;
    char *key; /* a mapping's key read, waiting for its value */
    pl_loc key_loc;
    int documents;
    struct key_index keys;
    pl_diag *d;
};

static pl_loc mark_loc(const struct builder *b, yaml_mark_t m)
{
    if (b->fixed)
        return *b->fixed;
    /* At the end of the input libyaml pretends a line break follows, which would put a
     * complaint about an unfinished --set value on a line 2 the user never wrote. */
    if (m.index >= b->len)
        return locate(b->file, b->text, b->len, b->col0);
    pl_loc loc = {b->file, (int)m.line + 1, (int)m.column + 1};
    if (m.line == 0)
        loc.col += b->col0;
    return loc;
}

/* The key path a node about to be added will have, for messages. */
static void pending_path(const struct builder *b, char *buf, size_t len)
{
    if (b->depth == 0) {
        snprintf(buf, len, "%s", "");
        return;
    }
    const pl_node *top = b->open[b->depth - 1];
    if (top->type == PL_NODE_SEQ)
        snprintf(buf, len, "%s[%zu]", top->path, top->len);
    else if (b->key)
        snprintf(buf, len, "%s%s%s", top->path, *top->path ? "." : "", b->key);
    else
        snprintf(buf, len, "%s", top->path);
}

static int fail_at(struct builder *b, yaml_mark_t m, const char *msg)
{
    char path[1024];
    pending_path(b, path, sizeof path);
    pl_loc loc = mark_loc(b, m);
    return pl_diag_at(b->d, PL_EPARSE, &loc, *path ? path : NULL, "%s", msg);
}

/* A file of text lines that is not YAML (a password file, say) still parses when a line
 * holds ':' followed by a space or the end of the line: the line before that becomes a
 * key. A key written without quotes that holds a ':' itself is such a line, and it must
 * not be echoed in a message, since the file may hold a secret. */
static int check_key_text(struct builder *b, const yaml_event_t *ev)
{
    if (!b->from_file || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        !memchr(ev->data.scalar.value, ':', ev->data.scalar.length))
        return 0;
    return fail_at(b, ev->start_mark,
                   "a line of plain text, not a mapping (a key holding ':' with no space after "
                   "it); expected 'key: value' lines of YAML");
}

/* A scalar in key position: remembered until its value arrives. */
static int take_key(struct builder *b, const yaml_event_t *ev)
{
    int rc = check_key_text(b, ev);
    if (rc)
        return rc;
    const pl_node *map = b->open[b->depth - 1];
    char *key = pl_node_dup_n((const char *)ev->data.scalar.value, ev->data.scalar.length);
    if (!key)
        return pl_node_nomem(b->d);
    pl_loc loc = mark_loc(b, ev->start_mark);
    const pl_node *first = index_find(&b->keys, map, key);
    if (first) {
        char path[1024];
        snprintf(path, sizeof path, "%s%s%s", map->path, *map->path ? "." : "", key);
        free(key);
        return pl_diag_at(b->d, PL_EPARSE, &loc, path,
                          "duplicate key (first written at line %d, column %d)",
                          first->key_loc.line, first->key_loc.col);
    }
    b->key = key;
    b->key_loc = loc;
    return 0;
}

/* Adds a new node (taken) where the parse is: the root, a sequence's next item, or the
 * value of the pending key. */
static int add(struct builder *b, pl_node *n)
{
    if (b->depth == 0) {
        b->root = n;
        return 0;
    }
    pl_node *top = b->open[b->depth - 1];
    char *key = b->key;
    b->key = NULL;
    if (pl_node_append(top, key, top->type == PL_NODE_MAP ? &b->key_loc : NULL, n) != 0)
        return pl_node_nomem(b->d);
    if (top->type == PL_NODE_MAP && index_add(&b->keys, n) != 0)
        return pl_node_nomem(b->d);
    return 0;
}

/* Anchors, aliases and tags would make the tree a graph or its text typed; a scenario
 * has neither. Repetition is the `repeat` key's job. */
static int check_plain(struct builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
                       const yaml_char_t *tag)
{
    if (anchor)
        return fail_at(b, ev->start_mark, "anchors and aliases are not supported; use repeat");
    if (tag)
        return fail_at(b, ev->start_mark,
                       "YAML tags (!...) are not supported; write the value alone");
    return 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
    int rc = check_plain(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
    if (rc)
        return rc;
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (memchr(value, '\0', len))
        return fail_at(b, ev->start_mark, "a string holds a NUL character (\\0)");
    if (b->depth > 0 && b->open[b->depth - 1]->type == PL_NODE_MAP && !b->key)
        return take_key(b, ev);
    pl_loc loc = mark_loc(b, ev->start_mark);
    pl_node *n = pl_node_new(PL_NODE_SCALAR, &loc);
    if (!n || !(n->text = pl_node_dup_n(value, len))) {
        pl_node_destroy(n);
        return pl_node_nomem(b->d);
    }
    n->style = ev->data.scalar.style;
    return add(b, n);
}

static int on_start(struct builder *b, const yaml_event_t *ev, pl_node_type type)
{
    int map = type == PL_NODE_MAP;
    int rc = map ? check_plain(b, ev, ev->data.mapping_start.anchor, ev->data.mapping_start.tag)
                 : check_plain(b, ev, ev->data.sequence_start.anchor, ev->data.sequence_start.tag);
    if (rc)
        return rc;
    if (b->depth > 0 && b->open[b->depth - 1]->type == PL_NODE_MAP && !b->key)
        return fail_at(b, ev->start_mark, "a key must be a plain string, not a mapping or a list");
    if (b->depth == MAX_DEPTH)
        return fail_at(b, ev->start_mark, "nesting deeper than 64 levels");
    pl_loc loc = mark_loc(b, ev->start_mark);
    pl_node *n = pl_node_new(type, &loc);
    if (!n)
        return pl_node_nomem(b->d);
    n->style = map ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                   : ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    rc = add(b, n);
    if (rc)
        return rc;
    b->open[b->depth++] = n;
    return 0;
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->documents > 1)
            return fail_at(b, ev->start_mark,
                           "more than one YAML document; expected one (remove the '---')");
        return 0;
    case YAML_ALIAS_EVENT:
        return fail_at(b, ev->start_mark, "anchors and aliases are not supported; use repeat");
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(b, ev, PL_NODE_SEQ);
    case YAML_MAPPING_START_EVENT:
        return on_start(b, ev, PL_NODE_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        b->depth--;
        return 0;
    default:
        return 0;
    }
}

/* libyaml's own complaint, located: scanner and parser errors carry a mark, reader
 * errors only a byte offset. */
static int yaml_failure(struct builder *b, const yaml_parser_t *p, size_t text_len)
{
    if (p->error == YAML_MEMORY_ERROR)
        return pl_node_nomem(b->d);
    pl_loc loc;
    if (p->error == YAML_READER_ERROR)
        loc = locate(b->file, b->text, p->problem_offset < text_len ? p->problem_offset : text_len,
                     b->col0);
    else
        loc = mark_loc(b, p->problem_mark);
    const char *problem = p->problem ? p->problem : "unknown problem";
    if (p->context && p->error != YAML_READER_ERROR)
        return pl_diag_at(b->d, PL_EPARSE, &loc, NULL,
                          "malformed YAML: %s %s (which started at line %d, column %d)", problem,
                          p->context, mark_loc(b, p->context_mark).line,
                          mark_loc(b, p->context_mark).col);
    return pl_diag_at(b->d, PL_EPARSE, &loc, NULL, "malformed YAML: %s", problem);
}

/* Runs libyaml over text and builds b->root; on failure b->root may hold a partial tree
 * that the caller destroys. */
static int build(struct builder *b, const char *text, size_t len)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return pl_node_nomem(b->d);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    b->text = (const unsigned char *)text;
    b->len = len;
    int rc = 0, done = 0;
    while (!rc && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc = yaml_failure(b, &p, len);
            break;
        }
        rc = on_event(b, &ev);
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    free(b->key);
    b->key = NULL;
    free(b->keys.slot);
    b->keys.slot = NULL;
    return rc;
}

static const char *shape(const pl_node *n)
{
    return n->type == PL_NODE_SEQ   ? "a list"
           : n->type == PL_NODE_MAP ? "a mapping"
                                    : "a single value";
}

/* Parses text into a tree that owns `file` (a name list entry, taken); from_file when the
 * text is a file's. */
static int parse_text(const char *text, size_t len, struct name *file, int col0, bool want_map,
                      bool from_file, pl_node **out, pl_diag *d)
{
    struct builder b = {.file = file->text, .col0 = col0, .from_file = from_file, .d = d};
    int rc = check_text(file->text, text, len, col0, d);
    if (!rc)
        rc = build(&b, text, len);
    if (!rc && !b.root && want_map) {
        pl_loc loc = {file->text, 1, 1};
        rc = pl_diag_at(d, PL_EPARSE, &loc, NULL,
                        "the file holds no document; expected a mapping of keys to values");
    }
    if (!rc && b.root && want_map && b.root->type != PL_NODE_MAP)
        rc = pl_diag_at(d, PL_EPARSE, &b.root->loc, NULL,
                        "expected a mapping of keys to values at the top, got %s", shape(b.root));
    if (!rc && !b.root) {
        pl_loc loc = {file->text, 1, col0 + 1};
        b.root = pl_node_new(PL_NODE_SCALAR, &loc);
        if (!b.root || !(b.root->text = pl_node_dup_s("")))
            rc = pl_node_nomem(d);
    }
    if (rc) {
        pl_node_destroy(b.root);
        free(file);
        return rc;
    }
    file->next = b.root->names;
    b.root->names = file;
    *out = b.root;
    return 0;
}

int pl_node_parse_string(const char *text, const char *origin, int col0, pl_node **out, pl_diag *d)
{
    struct name *file = pl_node_new_name(origin);
    if (!file)
        return pl_node_nomem(d);
    return parse_text(text, strlen(text), file, col0, false, false, out, d);
}

int pl_node_parse_at(const char *text, const pl_loc *loc, pl_node **out, pl_diag *d)
{
    struct builder b = {.file = loc->file, .fixed = loc, .d = d};
    int rc = build(&b, text, strlen(text));
    if (!rc && !b.root) {
        b.root = pl_node_new(PL_NODE_SCALAR, loc);
        if (!b.root || !(b.root->text = pl_node_dup_s("")))
            rc = pl_node_nomem(d);
    }
    if (rc) {
        pl_node_destroy(b.root);
        return rc;
    }
    *out = b.root;
    return 0;
}

/* ---- Reading files ---------------------------------------------------------- */

/* Reports a file problem at the including document's key, or at the file itself. */
static int file_error(pl_diag *d, int code, const char *path, const pl_loc *from,
                      const char *from_key, const char *what)
{
    if (from)
        return pl_diag_at(d, code, from, from_key, "cannot read '%s': %s", path, what);
    return pl_diag_set(d, code, "%s: cannot read: %s", path, what);
}

/* Reads a whole regular file of at most MAX_FILE_SIZE bytes into a NUL-terminated buffer. */
static int slurp(const char *path, const pl_loc *from, const char *from_key, char **text,
                 size_t *len, pl_diag *d)
{
    pl_diag why;
    pl_diag_init(&why);
    int rc = pl_input_read(path, MAX_FILE_SIZE,
                           "larger than 16 MiB; a scenario or machine file is a few KiB, so this "
                           "is not one",
                           text, len, &why);
    if (rc == PL_ENOMEM)
        return pl_node_nomem(d);
    return rc ? file_error(d, rc, path, from, from_key, why.msg) : 0;
}

/* Reads and parses a file; `from` and `from_key` name the key that included it, if any. */
static int parse_path(const char *path, const pl_loc *from, const char *from_key, bool want_map,
                      pl_node **out, pl_diag *d)
{
    /* A name with a control character is refused unread, and never shown: it would reach
     * the terminal raw. */
    static const char no_control[] =
        "expected a file name without control characters (bytes below 0x20, or 0x7f)";
    for (const unsigned char *c = (const unsigned char *)path; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return from ? pl_diag_at(d, PL_ECONFIG, from, from_key, "%s", no_control)
                        : pl_diag_set(d, PL_EUSAGE, "%s", no_control);
    char *text = NULL;
    size_t len = 0;
    int rc = slurp(path, from, from_key, &text, &len, d);
    if (rc)
        return rc;
    /* A byte order mark may start a UTF-8 stream (YAML 1.2, 5.2); libyaml, told the
     * encoding, would take it for a character and the first line for an indented one. */
    size_t bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    struct name *file = pl_node_new_name(path);
    rc = file ? parse_text(text + bom, len - bom, file, 0, want_map, true, out, d)
              : pl_node_nomem(d);
    free(text);
    return rc;
}

int pl_node_parse_include(const char *path, const pl_loc *from, const char *from_key, pl_node **out,
                          pl_diag *d)
{
    return parse_path(path, from, from_key, true, out, d);
}

int pl_node_parse_file(const char *path, bool want_map, pl_node **out, pl_diag *d)
{
    return parse_path(path, NULL, NULL, want_map, out, d);
}
