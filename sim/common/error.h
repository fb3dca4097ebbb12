/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * error.h — error codes and diagnostics.
 *
 * Fallible calls return 0 or a negative PL_E... code; the code says what kind
 * of failure it was, and a pl_diag filled by the callee says exactly what and
 * where, in one line a user can act on.
 */
#ifndef PL_ERROR_H
#define PL_ERROR_H

#include <stdarg.h>

/* X(NAME, value, message, exit status of the program) */
#define PL_ERRORS(X)                                                                   \
    X(OK, 0, "success", 0)                                                         \
    X(NOMEM, -1, "out of memory", 3)                                               \
    X(IO, -2, "cannot read or write a file", 2)                                    \
    X(PARSE, -3, "malformed input", 2)                                             \
    X(CONFIG, -4, "invalid configuration", 2)                                      \
    X(USAGE, -5, "bad command line", 2)                                            \
    X(DEADLOCK, -6, "the model cannot finish: units wait on each other", 1)        \
    X(ENGINE, -7, "the simulation engine failed", 3)                               \
    X(CHILD, -8, "the simulation process died", 3)                                 \
    X(INVAL, -9, "invalid task graph", 3)

enum pl_error {
#define PL_ERROR_ENUM(name, value, msg, status) PL_E##name = (value),
    PL_ERRORS(PL_ERROR_ENUM)
#undef PL_ERROR_ENUM
};

/* The message for an error code; "unknown error" for a code not in the list. */
const char *pl_strerror(int err);
/* The code's name without prefix ("CONFIG"); "UNKNOWN" for a code not in the list. */
const char *pl_errname(int err);
/* The exit status the program uses for an error code: 2 for bad input, 1 for a model
 * that cannot finish, 3 for internal failures. */
int pl_exit_status(int err);

/* Where something was written: a file (or "--set ..." for the command line), a 1-based
 * line and column. The file name is borrowed from whoever owns the document. */
typedef struct pl_loc {
    const char *file;
    int line;
    int col;
} pl_loc;

/* One diagnostic. The caller provides the storage (pl_diag_init); callees fill it when
 * they fail. */
#define PL_DIAG_MAX 2048
typedef struct pl_diag {
    int code;
    char msg[PL_DIAG_MAX];
} pl_diag;

void pl_diag_init(pl_diag *d);
/* Sets the diagnostic to a printf-style message and returns code, so that a callee can
 * write `return pl_diag_set(d, PL_ECONFIG, "...")`. */
int pl_diag_set(pl_diag *d, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int pl_diag_vset(pl_diag *d, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* The same, prefixed with "FILE:LINE:COL: key 'KEY': ". loc and key may be NULL. */
int pl_diag_at(pl_diag *d, int code, const pl_loc *loc, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
