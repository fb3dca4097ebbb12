/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rows.h — a table of values under named columns, as a model hands it to the
 * reports: the plan's schedule, the partition's stages. A cell holds a value, never
 * its printed form; the report layer prints it as text, JSON or CSV
 * (sim/report/rows.h), each with the column's own name.
 *
 * A column says how its values look in each form: its key in JSON and CSV, its
 * heading, width and alignment in text; a column may belong to one form alone.
 */
#ifndef PL_ROWS_H
#define PL_ROWS_H

#include <stdbool.h>
#include <stddef.h>

/* What a value is, which says how each form prints it. */
typedef enum pl_value_kind {
    PL_VALUE_TEXT, /* a string, as written */
    PL_VALUE_INT,  /* a whole number */
    PL_VALUE_REAL, /* a number without a unit: 12 significant digits */
    PL_VALUE_TIME, /* seconds: in text with pipelab's time units */
    PL_VALUE_SIZE, /* bytes: in text with pipelab's size units */
    PL_VALUE_BOOL, /* in text yes or no */
} pl_value_kind;

/* One value; a TEXT value owns its string. */
typedef struct pl_value {
    pl_value_kind kind;
    union {
        char *text;  /* TEXT */
        long long i; /* INT */
        double x;    /* REAL, TIME, SIZE */
        bool b;      /* BOOL */
    };
} pl_value;

/* Frees a TEXT value's string; other values own nothing. */
void pl_value_fini(pl_value *v);

/* A column; tables of columns are static and borrowed. */
typedef struct pl_column {
    const char *key;    /* its name in JSON and CSV ("start_s"); NULL: text only */
    const char *head;   /* its heading in text ("start"); NULL: not in text */
    pl_value_kind kind; /* every cell of the column is one */
    int width;          /* text: each cell's least width; 0: as wide as the widest cell */
    bool left;          /* text: aligned left, else right */
    int gap;            /* text: blanks before the column (before the first: the indent) */
} pl_column;

/* A table: its name ("schedule": the JSON key, the CSV file schedule.csv), a title in
 * text ("buffer map"; NULL: none), its columns (borrowed) and its cells, row after row.
 * Owns its name, title and cells. */
typedef struct pl_rows {
    char *name;
    char *title;
    const pl_column *cols;
    size_t ncols;
    pl_value *cells;
    size_t ncells, cap;
    bool failed; /* an add ran out of memory: the table is incomplete */
} pl_rows;

/* Starts an empty table. Returns 0 or PL_ENOMEM; call pl_rows_fini either way. */
int pl_rows_init(pl_rows *r, const char *name, const char *title, const pl_column *cols,
                 size_t ncols);
void pl_rows_fini(pl_rows *r);

/* Append the next cell of the current row, left to right; a row ends after ncols cells.
 * The value's kind must be the column's (TIME and SIZE columns take pl_rows_real). Out
 * of memory sets `failed`, so that a caller may add every cell and check once. */
void pl_rows_text(pl_rows *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pl_rows_int(pl_rows *r, long long i);
void pl_rows_real(pl_rows *r, double x);
void pl_rows_bool(pl_rows *r, bool b);

/* The number of whole rows. */
size_t pl_rows_count(const pl_rows *r);
/* The cell of row `row` (< pl_rows_count) in column `col`. */
const pl_value *pl_rows_cell(const pl_rows *r, size_t row, size_t col);

/* A list of tables; owns them. Zero-initialised is empty. */
typedef struct pl_tables {
    pl_rows **v;
    size_t n;
} pl_tables;

/* Appends a new empty table (see pl_rows_init) and returns it in *out, to be filled.
 * Returns 0 or PL_ENOMEM. */
int pl_tables_add(pl_tables *t, const char *name, const char *title, const pl_column *cols,
                  size_t ncols, pl_rows **out);
/* 0, or PL_ENOMEM when an add to any of the tables failed. */
int pl_tables_status(const pl_tables *t);
void pl_tables_fini(pl_tables *t);

#endif
