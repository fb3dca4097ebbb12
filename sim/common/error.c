/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * error.c — names, messages and exit statuses of error codes, and diagnostics.
 *
 * Every error code is spelled once, in PL_ERRORS; the tables here are generated
 * from it.
 */
#include "sim/common/error.h"

#include <stdio.h>
#include <string.h>

struct error_info {
    int code;
    const char *name;
    const char *msg;
    int status;
};

static const struct error_info errors[] = {
#define PL_ERROR_INFO(name, value, msg, status) {value, #name, msg, status},
    PL_ERRORS(PL_ERROR_INFO)
#undef PL_ERROR_INFO
};

static const struct error_info *find(int err)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == err)
            return &errors[i];
    return NULL;
}

const char *pl_strerror(int err)
{
    const struct error_info *e = find(err);
    return e ? e->msg : "unknown error";
}

const char *pl_errname(int err)
{
    const struct error_info *e = find(err);
    return e ? e->name : "UNKNOWN";
}

int pl_exit_status(int err)
{
    const struct error_info *e = find(err);
    return e ? e->status : 3;
}

void pl_diag_init(pl_diag *d)
{
    d->code = PL_EOK;
    d->msg[0] = '\0';
}

int pl_diag_vset(pl_diag *d, int code, const char *fmt, va_list ap)
{
    d->code = code;
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    return code;
}

int pl_diag_set(pl_diag *d, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pl_diag_vset(d, code, fmt, ap);
    va_end(ap);
    return code;
}

int pl_diag_at(pl_diag *d, int code, const pl_loc *loc, const char *key, const char *fmt, ...)
{
    size_t n = 0;
    d->code = code;
    d->msg[0] = '\0';
    if (loc && loc->file)
        n += (size_t)snprintf(d->msg, sizeof d->msg, "%s:%d:%d: ", loc->file, loc->line,
                              loc->col);
    if (key && n < sizeof d->msg)
        n += (size_t)snprintf(d->msg + n, sizeof d->msg - n, "key '%s': ", key);
    if (n < sizeof d->msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->msg + n, sizeof d->msg - n, fmt, ap);
        va_end(ap);
    }
    return code;
}
