/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * simgrid_module.h — finds and opens the SimGrid engine's module.
 *
 * The SimGrid engine (sim/engine/simgrid.c) and SimGrid itself with the libraries it
 * links (ns-3, boost, the C++ runtime) are not part of the program: they are a module,
 * libpipelab_simgrid.so, that a process opens only when it is about to simulate on
 * SimGrid, so that every other command starts without them. The module is looked for
 * in this order: the file that $PL_SIMGRID_MODULE names (when set and not empty: that
 * file alone); libpipelab_simgrid.so in the folder of the running program
 * (/proc/self/exe); in ../lib/pipelab from that folder (where `cmake --install` puts it);
 * the build folder the program was built in, compiled in (where the
 * tests, which live in build/tests/, find it). The first of the folders that holds the
 * file is the one opened.
 */
#ifndef PL_SIMGRID_MODULE_H
#define PL_SIMGRID_MODULE_H

#include "sim/common/error.h"
#include "sim/engine/simgrid.h"

/* The module's file name, and the environment variable that names another file. */
#define PL_SIMGRID_MODULE_FILE "libpipelab_simgrid.so"
#define PL_SIMGRID_MODULE_ENV  "PL_SIMGRID_MODULE"

/*
 * Opens the module (once per process; later calls return at once) and sets *run to its
 * engine (pl_simgrid_engine_run, simgrid.h). A process that forks SimGrid children
 * calls it before forking them, so that they inherit the open module instead of each
 * loading it again. Fails with PL_EENGINE when no candidate file exists (the diagnostic
 * lists the paths tried) or the file cannot be opened or lacks the engine (the
 * diagnostic gives the path and the dynamic loader's reason); nothing is kept then, so
 * a later call tries again.
 */
int pl_simgrid_module_load(pl_simgrid_engine_fn *run, pl_diag *d);

#endif
