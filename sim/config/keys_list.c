/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keys_list.c — the listing of `pipelab keys`. One walk of the schema visits each key's
 * row: a first walk measures the text columns and a second prints them, or a caller's
 * function takes each row (the front's JSON). Tables may refer to themselves, so the walk keeps the
 * tables it is in and never enters one twice.
 */
#include "sim/config/keys_list.h"

#include "sim/common/text.h"

#include <string.h>

#define MAX_TABLES 64
#define PATH_LEN   256

/* One listed key. `type`, `deflt`, `help` and `same_as` are borrowed. */
struct row {
    char path[PATH_LEN];
    const char *type;
    char unit[256];
    const char *deflt; /* NULL: none */
    bool required;
    const char *help;
    const char *same_as; /* the path of the table it repeats, or NULL */
};

/* The tables being listed, outermost first, with the path each was listed under. */
struct stack {
    size_t n;
    const pl_key *table[MAX_TABLES];
    const char *path[MAX_TABLES];
};

struct widths {
    size_t path, type, unit, deflt;
};

/* What a walk does with each row under the prefix. */
struct walk {
    const char *prefix;
    size_t matched;
    struct widths w;
    FILE *out;           /* text: print (else measure) */
    int width;           /* text: fold help at this column (0: never) */
    pl_keys_visit_fn fn; /* a caller's walk: called for each row (else text) */
    void *ctx;
};

static void unit_of(const pl_key *k, char *out, size_t len)
{
    if (k->type == PL_KEY_ENUM && k->choices)
        snprintf(out, len, "%s", k->choices);
    else if ((k->type == PL_KEY_QUANTITY || k->type == PL_KEY_RANDOM) && k->quantity == PL_Q_TIME)
        snprintf(out, len, "ns, us, ms, s%s%s", k->clock ? ", or cycles of " : "",
                 k->clock ? k->clock : "");
    else if (k->type == PL_KEY_QUANTITY || k->type == PL_KEY_RANDOM)
        snprintf(out, len, "%s", pl_quantity_units(k->quantity));
    else
        snprintf(out, len, "-");
}

static void fill_row(struct row *row, const char *prefix, const pl_key *k)
{
    snprintf(row->path, sizeof row->path, "%s%s%s%s", prefix, *prefix ? "." : "", k->name,
             k->type == PL_KEY_LIST ? "[]" : "");
    row->type = pl_keys_type_name(k->type);
    unit_of(k, row->unit, sizeof row->unit);
    row->deflt = k->deflt;
    row->required = (k->flags & PL_KEY_REQUIRED) != 0;
    row->help = k->help ? k->help : "";
    row->same_as = NULL;
}

static size_t max_size(size_t a, size_t b)
{
    return a > b ? a : b;
}

/* Whether path is prefix or lies under it: "tile.cores" under "tile", not under "til". */
static bool under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (n == 0)
        return true;
    if (strncmp(path, prefix, n) != 0)
        return false;
    return path[n] == '\0' || path[n] == '.' || path[n] == '[' || prefix[n - 1] == '.';
}

/* The default column: the default, or whether the key is required. */
static const char *default_text(const struct row *row)
{
    return row->deflt ? row->deflt : row->required ? "required" : "-";
}

static void emit_text(const struct row *row, const struct walk *k)
{
    const struct widths *w = &k->w;
    const char *deflt = default_text(row);
    char help[1024];
    snprintf(help, sizeof help, "%s%s%s%s", row->help, row->same_as && *row->help ? " " : "",
             row->same_as ? "(same keys as " : "",
             row->same_as ? (*row->same_as ? row->same_as : "the top level") : "");
    if (row->same_as)
        strncat(help, ")", sizeof help - strlen(help) - 1);
    char line[2 * PATH_LEN + 1024];
    int n = snprintf(line, sizeof line, "%-*s  %-*s  %-*s  %-*s", (int)w->path, row->path,
                     (int)w->type, row->type, (int)w->unit, row->unit, (int)w->deflt, deflt);
    size_t at = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    /* A key without help would end in the padding of the columns before it. */
    while (!*help && at > 0 && line[at - 1] == ' ')
        at--;
    line[at] = '\0';
    fputs(line, k->out);
    if (*help) {
        fputs("  ", k->out);
        /* Help folded beside the columns, or under them where they leave it too little
         * room. */
        size_t from = at + 2;
        if (k->width > 0 && from + 30 > (size_t)k->width) {
            fprintf(k->out, "\n%*s", 4, "");
            from = 4;
        }
        pl_text_fold(k->out, help, (int)from, (int)from, k->width);
    }
    fputc('\n', k->out);
}

static void visit(const struct row *row, struct walk *k)
{
    if (!under(row->path, k->prefix))
        return;
    k->matched++;
    if (k->fn) {
        pl_key_row r = {row->path,     row->type, row->unit,   row->deflt,
                        row->required, row->help, row->same_as};
        k->fn(&r, k->ctx);
    } else if (k->out) {
        emit_text(row, k);
    } else {
        const char *deflt = default_text(row);
        k->w.path = max_size(k->w.path, strlen(row->path));
        k->w.type = max_size(k->w.type, strlen(row->type));
        k->w.unit = max_size(k->w.unit, strlen(row->unit));
        k->w.deflt = max_size(k->w.deflt, strlen(deflt));
    }
}

static const char *on_stack(const struct stack *s, const pl_key *table)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->table[i] == table)
            return s->path[i];
    return NULL;
}

static void list_table(const pl_key *table, const char *prefix, struct stack *s, struct walk *k)
{
    if (s->n == MAX_TABLES)
        return;
    s->table[s->n] = table;
    s->path[s->n++] = prefix;
    for (const pl_key *key = table; key->name; key++) {
        struct row row;
        fill_row(&row, prefix, key);
        const char *seen = key->children ? on_stack(s, key->children) : NULL;
        row.same_as = seen;
        visit(&row, k);
        if (key->children && !seen)
            list_table(key->children, row.path, s, k);
    }
    s->n--;
}

/* The text table: the columns measured, then the header and the rows. */
static void list_text(const pl_key *root, struct walk *k, FILE *out)
{
    struct stack s = {0};
    k->w = (struct widths){strlen("KEY"), strlen("TYPE"), strlen("UNIT"), strlen("DEFAULT")};
    list_table(root, "", &s, k);
    if (k->matched == 0)
        return;
    k->out = out;
    struct row header = {.type = "TYPE", .deflt = "DEFAULT", .help = "HELP"};
    snprintf(header.path, sizeof header.path, "KEY");
    snprintf(header.unit, sizeof header.unit, "UNIT");
    emit_text(&header, k);
    k->matched = 0;
    list_table(root, "", &s, k);
}

int pl_keys_list(const pl_key *root, const char *prefix, int width, FILE *out, pl_diag *d)
{
    struct walk k = {.prefix = prefix ? prefix : "", .width = width};
    list_text(root, &k, out);
    if (k.matched == 0)
        return pl_diag_set(d, PL_EUSAGE, "no key is '%s' or lies under it (see pipelab keys)",
                           k.prefix);
    return 0;
}

size_t pl_keys_walk(const pl_key *root, const char *prefix, pl_keys_visit_fn fn, void *ctx)
{
    struct walk k = {.prefix = prefix ? prefix : "", .fn = fn, .ctx = ctx};
    struct stack s = {0};
    list_table(root, "", &s, &k);
    return k.matched;
}

