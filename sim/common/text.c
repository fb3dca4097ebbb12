/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text.c — formatting into a string of exactly the length needed: measured once,
 * then written; folding prose between words.
 */
#include "sim/common/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *pl_text_vprintf(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    return s;
}

char *pl_text_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = pl_text_vprintf(fmt, ap);
    va_end(ap);
    return s;
}

size_t pl_text_columns(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

void pl_text_fold(FILE *out, const char *text, int col, int indent, int width)
{
    for (const char *w = text; *w;) {
        int len = (int)strcspn(w, " ");
        if (col > indent && width > 0 && col + 1 + len > width) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', out);
            col++;
        }
        for (; col < indent; col++)
            fputc(' ', out);
        fwrite(w, 1, (size_t)len, out);
        col += len;
        w += len;
        while (*w == ' ')
            w++;
    }
}
