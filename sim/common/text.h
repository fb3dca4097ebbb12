/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text.h — formatted strings on the heap, for whoever must keep what it formats.
 */
#ifndef PL_TEXT_H
#define PL_TEXT_H

#include <stdarg.h>
#include <stddef.h>

/* The text fmt and its arguments give, in a new string the caller frees; NULL when out
 * of memory. */
char *pl_text_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *pl_text_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* The columns a UTF-8 text takes on a terminal: its characters, not its bytes ("±" is
 * two bytes, one column). */
size_t pl_text_columns(const char *s);

#endif
