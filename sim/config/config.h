/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config.h — a scenario as the user wrote it, checked against the schema.
 *
 * Loading reads the scenario file, reads the machine file it names (a path
 * relative to the scenario), applies `--set key.path=value` overrides, then
 * validates the whole tree against the schema and fills in defaults. A loaded
 * pl_config is valid: every key is known, typed, in range and parsed, so
 * getters never fail.
 */
#ifndef PL_CONFIG_H
#define PL_CONFIG_H

#include "sim/common/error.h"
#include "sim/config/keys.h"
#include "sim/config/node.h"

#include <stdio.h>

typedef struct pl_config pl_config;

/* The most files a chain may hold, the scenario included, each starting from (`base`)
 * or including the next: checked before the next file is read. */
#define PL_CONFIG_MAX_CHAIN 64
/* The most bytes of included files (machine, base and tile files) a scenario may hold,
 * a file counting once for every key that names it, since each such key gets a copy of
 * its tree: checked before a file is read or copied. A file is read and parsed once per
 * load however many keys name it. */
#define PL_CONFIG_MAX_INCLUDED (16u << 20)

/*
 * Loads the scenario at `path`. `sets` are nsets strings "key.path=value" (borrowed);
 * value is YAML (a scalar or a flow mapping) parsed and validated exactly like the file.
 * List items are addressed as "dispatch.ops[2].kernel" or "dispatch.ops.2.kernel".
 * `root` is the schema of the whole scenario (borrowed; must outlive the config).
 *
 * Fails with PL_EIO (unreadable scenario or machine file), PL_EPARSE (malformed YAML),
 * PL_ECONFIG (unknown key, wrong type, missing unit, value out of range, missing required
 * key, files that name each other in a cycle, a chain of files longer than
 * PL_CONFIG_MAX_CHAIN, included files above PL_CONFIG_MAX_INCLUDED) or PL_EUSAGE (a --set
 * without '=' or naming a list item that does not exist);
 * the diagnostic gives file, line, column, key, what was expected and, for an unknown
 * key, the nearest valid one. For a --set, the file is "--set 'ARG'", the line 1 and
 * the column the offending character's position in ARG. On success the caller frees
 * *out with pl_config_destroy.
 */
int pl_config_load(const char *path, const char *const *sets, size_t nsets, const pl_key *root,
                   pl_config **out, pl_diag *d);
void pl_config_destroy(pl_config *c);

/* The scenario file's path as given to pl_config_load. */
const char *pl_config_file(const pl_config *c);
/* The whole tree, defaults included. */
const pl_node *pl_config_root(const pl_config *c);
/* The node at a key path such as "dispatch.threads.infer"; NULL when the key is absent
 * and has no default. */
const pl_node *pl_config_get(const pl_config *c, const char *path);

/* Shorthands for pl_node_*(pl_config_get(c, path)); the key must be present. */
long long pl_config_int(const pl_config *c, const char *path);
double pl_config_real(const pl_config *c, const char *path);
bool pl_config_bool(const pl_config *c, const char *path);
const char *pl_config_str(const pl_config *c, const char *path);

/* Writes the effective configuration (the machine inlined, overrides applied, defaults
 * filled in) as YAML that pipelab config would load again. Fails with PL_EIO. */
int pl_config_print(const pl_config *c, FILE *out, pl_diag *d);

#endif
