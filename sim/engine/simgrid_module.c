/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * simgrid_module.c — opens the SimGrid engine's module on first use.
 *
 * Invariant: `engine` is NULL until a module was opened and its engine found, and then
 * never changes: the module stays open until the process exits (SimGrid cannot be
 * unloaded cleanly, and a child forked later uses it).
 */
#include "sim/engine/simgrid_module.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PL_SIMGRID_MODULE_DIR
#define PL_SIMGRID_MODULE_DIR "."
#endif

static pl_simgrid_engine_fn engine;

/* Writes the folder of the running program into dir; false when /proc/self/exe cannot
 * be read. */
static bool program_dir(char *dir, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", dir, len - 1);
    if (n <= 0)
        return false;
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (!slash)
        return false;
    *slash = '\0';
    return true;
}

/* Writes into path the first candidate that exists (see simgrid_module.h), and the
 * candidates tried into tried; false when none exists. */
static bool find_module(char *path, size_t len, char *tried, size_t tried_len)
{
    const char *env = getenv(PL_SIMGRID_MODULE_ENV);
    if (env && *env) {
        snprintf(path, len, "%s", env);
        snprintf(tried, tried_len, "%s, the file $%s names", env, PL_SIMGRID_MODULE_ENV);
        return access(path, F_OK) == 0;
    }
    char dirs[3][PATH_MAX];
    size_t ndirs = 0;
    if (program_dir(dirs[0], sizeof dirs[0])) {
        /* Beside the program (a build), then where an install puts it: PREFIX/bin/pipelab,
         * PREFIX/lib/pipelab/. */
        snprintf(dirs[1], sizeof dirs[1], "%.*s/../lib/pipelab", PATH_MAX - 32, dirs[0]);
        ndirs = 2;
    }
    snprintf(dirs[ndirs++], sizeof dirs[0], "%s", PL_SIMGRID_MODULE_DIR);
    size_t used = 0;
    tried[0] = '\0';
    for (size_t i = 0; i < ndirs; i++) {
        snprintf(path, len, "%s/%s", dirs[i], PL_SIMGRID_MODULE_FILE);
        if (access(path, F_OK) == 0)
            return true;
        if (used < tried_len)
            used += (size_t)snprintf(tried + used, tried_len - used, "%s%s", i ? " nor " : "",
                                     path);
    }
    if (used < tried_len)
        snprintf(tried + used, tried_len - used, " (set $%s to its path)", PL_SIMGRID_MODULE_ENV);
    return false;
}

int pl_simgrid_module_load(pl_simgrid_engine_fn *run, pl_diag *d)
{
    if (engine) {
        *run = engine;
        return 0;
    }
    char path[PATH_MAX + 64], tried[2 * PATH_MAX + 128];
    if (!find_module(path, sizeof path, tried, sizeof tried))
        return pl_diag_set(d, PL_EENGINE, "the SimGrid engine's module is missing: no %s", tried);
    /* Bound lazily, as a linked library would be: binding all of SimGrid's and ns-3's
     * names at once costs a third more. The module's own names were all checked when it
     * was linked (--no-undefined). */
    void *module = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (!module)
        return pl_diag_set(d, PL_EENGINE, "cannot load the SimGrid engine's module %s: %s", path,
                           dlerror());
    /* POSIX makes dlsym's object pointer usable as a function pointer; ISO C defines no
     * such cast, so the pointer is copied instead. */
    void *sym = dlsym(module, PL_SIMGRID_ENGINE);
    if (!sym) {
        const char *why = dlerror();
        int rc = pl_diag_set(d, PL_EENGINE, "the SimGrid engine's module %s lacks %s: %s",
                             path, PL_SIMGRID_ENGINE, why ? why : "no such symbol");
        dlclose(module);
        return rc;
    }
    memcpy(&engine, &sym, sizeof engine);
    *run = engine;
    return 0;
}

int pl_simgrid_run(const pl_graph *g, pl_timeline *tl, pl_diag *d)
{
    pl_simgrid_engine_fn run;
    int rc = pl_simgrid_module_load(&run, d);
    return rc != 0 ? rc : run(g, tl, d);
}
