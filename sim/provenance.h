/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * provenance.h — what made the files of `pipelab run -o DIR`: the command line, the
 * version, the scenario, its seed and the hash of its effective configuration, in
 * DIR/provenance beside the configuration itself (config.yaml).
 */
#ifndef PL_PROVENANCE_H
#define PL_PROVENANCE_H

#include "sim/common/error.h"
#include "sim/config/config.h"

#include <stdio.h>

/* The command line on one line, as bash reads it back: each argument as given, quoted
 * with ' where it holds anything but letters, digits and -_./=:,@%+, or as $'...' with
 * \xHH escapes where it holds a control character. New string (the caller frees it), or
 * NULL when out of memory. Call it before getopt_long reorders argv. */
char *pl_provenance_command(int argc, char *const *argv);

/* Writes the provenance lines (`name: value`, docs/reports.md): pipelab (the version),
 * command, scenario, seed and config (fnv1a64:HEX of the configuration as config.yaml
 * holds it). Fails with PL_ENOMEM or PL_EIO. */
int pl_provenance_write(FILE *out, const char *version, const char *command, const char *scenario,
                        unsigned long long seed, const pl_config *c, pl_diag *d);

#endif
