/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figure.c — a growing array of owned figures.
 */
#include "sim/measure/figure.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    return c ? memcpy(c, s, n) : NULL;
}

int pl_figures_title(pl_figures *f, const char *title)
{
    char *t = copy(title);
    if (!t)
        return PL_ENOMEM;
    free(f->title);
    f->title = t;
    return 0;
}

int pl_figures_add(pl_figures *f, const char *name, double value, const char *unit,
                   const char *fmt, ...)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 8;
        pl_figure *v = realloc(f->v, cap * sizeof *v);
        if (!v)
            return PL_ENOMEM;
        f->v = v;
        f->cap = cap;
    }
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    pl_figure fig = {copy(name), value, copy(unit), copy(text)};
    if (!fig.name || !fig.unit || !fig.text) {
        free(fig.name);
        free(fig.unit);
        free(fig.text);
        return PL_ENOMEM;
    }
    f->v[f->n++] = fig;
    return 0;
}

void pl_figures_fini(pl_figures *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].name);
        free(f->v[i].unit);
        free(f->v[i].text);
    }
    free(f->v);
    free(f->title);
    *f = (pl_figures){0};
}
