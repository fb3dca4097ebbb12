/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text.c — formatting into a string of exactly the length needed: measured once,
 * then written; folding prose between words.
 */
#include "sim/common/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

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

int pl_text_width(FILE *out)
{
    int width = 0;
    const char *env = getenv("COLUMNS");
    if (env && *env) {
        char *end;
        long n = strtol(env, &end, 10);
        if (*end == '\0' && n > 0)
            width = n > PL_TEXT_MAX_WIDTH ? PL_TEXT_MAX_WIDTH : (int)n;
    }
    struct winsize ws;
    if (!width && isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col)
        width = ws.ws_col > PL_TEXT_MAX_WIDTH ? PL_TEXT_MAX_WIDTH : ws.ws_col;
    if (!width)
        width = 100;
    return width < PL_TEXT_MIN_WIDTH ? PL_TEXT_MIN_WIDTH : width;
}
