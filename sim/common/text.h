/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text.h — formatted strings on the heap, for whoever must keep what it formats, and
 * prose folded to a terminal's width.
 */
#ifndef PL_TEXT_H
#define PL_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* The text fmt and its arguments give, in a new string the caller frees; NULL when out
 * of memory. */
char *pl_text_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *pl_text_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* The columns a UTF-8 text takes on a terminal: its characters, not its bytes ("±" is
 * two bytes, one column). */
size_t pl_text_columns(const char *s);

/* Writes text's words, one space apart, folded between words so that no line passes
 * `width` columns (0: never folded). The caller's output stands at column `col`; the words
 * start at column `indent` (padded up to it where col is less) and each further line is
 * indented to it. Writes no line break after the last word. */
void pl_text_fold(FILE *out, const char *text, int col, int indent, int width);

/* The width to write text at: $COLUMNS if set, else the terminal's width when out is a
 * terminal, else 100; never less than PL_TEXT_MIN_WIDTH nor more than PL_TEXT_MAX_WIDTH. */
#define PL_TEXT_MIN_WIDTH 40
#define PL_TEXT_MAX_WIDTH 1000 /* no terminal is wider: a larger $COLUMNS is a mistake */
int pl_text_width(FILE *out);

#endif
