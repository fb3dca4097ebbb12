/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * table.h — a text table whose columns are as wide as their widest cell, for the
 * text report.
 *
 * Cells are added row by row, left to right; a row ends after `ncols` cells. The
 * first column is aligned left (names), the others right (numbers). A failed add
 * is remembered, so that a caller may add every cell and check once, when printing.
 */
#ifndef PL_TABLE_H
#define PL_TABLE_H

#include <stdio.h>

typedef struct pl_table pl_table;

/* Creates an empty table of ncols columns (>= 1). Returns NULL when out of memory. Free
 * with pl_table_destroy. */
pl_table *pl_table_create(int ncols);
void pl_table_destroy(pl_table *t);

/* Appends one cell, printf-style (the text is copied). Out of memory makes the table
 * fail when printed. */
void pl_table_addf(pl_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the rows, each after `indent`, columns two spaces apart, no trailing blanks;
 * widths count characters, not bytes. A table wider than `fold` characters (0: never) is
 * folded: its columns after the first in blocks that fit beside the first, one block after
 * another, a blank line between, each row's first column repeated. Returns 0, PL_ENOMEM
 * when an add failed, or PL_EIO when writing failed. */
int pl_table_print_folded(const pl_table *t, FILE *out, const char *indent, int fold);

/* pl_table_print_folded, folded to the terminal's width (pl_text_width) where out is a
 * terminal, whole where it is a file or a pipe: what a file holds never depends on the
 * terminal a command ran in. */
int pl_table_print(const pl_table *t, FILE *out, const char *indent);

#endif
