/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep_record.h — what keeps a sweep's results file from being mixed, damaged or
 * written twice at once: its record, the check at the end of each row, and its lock.
 *
 * The record is a text file beside the results, RESULTS.sweep, one `name: value` line
 * each (docs/sweeps.md lists them): the pipelab version, the scenario and a hash of its
 * effective configuration, the --set and --vary arguments, the seed, the replications,
 * the number of points, whether each row has the verdict (--advice), the shard and the
 * results' columns. Some of its lines are
 * *bound* (all but `scenario`, `seed from` and `shard`, and comments): each row's last
 * field, `check`, is the polynomial hash below of the bound lines followed by the row up
 * to its last comma, so that a row edited by hand, or a row of a sweep with another
 * record, does not match. The hash is (h * 256 + byte) mod a prime below 2^45, which
 * awk computes exactly in doubles (scripts/sweep_check.awk, for merge_results.sh), and
 * which tells apart any two texts that differ in one byte.
 *
 * The lock is a record lock (fcntl(2), F_SETLK) on the whole of RESULTS.lock, a file that
 * is never renamed (the results are replaced by rename when rewritten), held by the sweep's
 * own process from its start to its end; its forked workers do not inherit it.
 */
#ifndef PL_SWEEP_RECORD_H
#define PL_SWEEP_RECORD_H

#include "sim/common/error.h"
#include "sim/config/config.h"
#include "sim/study/results.h"
#include "sim/study/sweep_points.h"

#include <stddef.h>
#include <stdint.h>

/* The modulus of the row checks: the largest prime below 2^45. */
#define PL_SWEEP_CHECK_MOD 35184372088777ull

/* FNV-1a, 64 bits, of n bytes: the configuration's hash. */
uint64_t pl_sweep_fnv1a(const char *s, size_t n);

/* The check hash h continued over n bytes. */
uint64_t pl_sweep_check_more(uint64_t h, const char *s, size_t n);

/* The check hash of the record's bound lines (each with its line break): the start of
 * every row's check. */
uint64_t pl_sweep_record_binding(const char *record);

/* Appends to buf (of size n, NUL-terminated) s with backslashes and control characters
 * escaped (\\, \n, \r, \t, \xHH), so that a value is one line of the record. Returns
 * false when it does not fit. */
bool pl_sweep_record_escape(char *buf, size_t n, const char *s);

/* *hash gets the FNV-1a hash of configuration c as `pipelab config` prints it (the hash a
 * record and a run's provenance give). Fails as pl_config_print does, or PL_ENOMEM. */
int pl_sweep_config_hash(const pl_config *c, uint64_t *hash, pl_diag *d);

/* Loads a sweep's scenario with its --set arguments once (checking it before any point
 * runs): *seed is the scenario's seed, *config the FNV-1a hash of its effective
 * configuration as `pipelab config` prints it. Fails as pl_config_load does. */
int pl_sweep_record_config(const char *scenario, const char *const *sets, size_t nsets,
                           unsigned long long *seed, uint64_t *config, pl_diag *d);

/* What a record says: the sweep's arguments (borrowed), the seed of replication 0 and
 * whether it was given, the configuration's hash and the results' header. */
typedef struct pl_sweep_record_of {
    const char *scenario;
    const char *const *sets;
    size_t nsets;
    const pl_sweep_points *points;
    unsigned reps;
    unsigned long long seed;
    bool seed_given;
    size_t shard, nshards;
    uint64_t config;
    bool advice; /* rows with the verdict's columns (--advice): an `advice` line */
    const char *header;
} pl_sweep_record_of;

/* The record text into *record, which the caller frees. Fails with PL_ENOMEM. */
int pl_sweep_record_text(const pl_sweep_record_of *o, char **record, pl_diag *d);

/* Writes the record of the results file `results` to `results`.sweep, whole or not at
 * all. Fails as pl_output_file does. */
int pl_sweep_record_write(const char *results, const char *record, pl_diag *d);

/* Reads the record of `results` into *record (the caller frees it). Fails with PL_EUSAGE
 * when there is none (naming it), else as pl_results_read_text does. */
int pl_sweep_record_read(const char *results, char **record, pl_diag *d);

/* Compares the record `found` (of the file `results`) with the record `want` of the sweep
 * that would resume it, line by line for every name but `scenario` and `seed from`.
 * Fails with PL_EUSAGE naming the first difference: the version, the seed, the --set or
 * --vary arguments, the replications, the shard, the points, --advice, the configuration
 * (with both scenarios) or the columns. */
int pl_sweep_record_compare(const char *results, const char *found, const char *want, pl_diag *d);

/* Checks the results r, read from `results` in file order, against their record: the
 * header is the record's `columns`, every row has as many fields as the header and its
 * check matches. Fails with PL_EUSAGE (a row's check, naming its line) or PL_EPARSE (the
 * header, a row's fields), or PL_ENOMEM. */
int pl_sweep_record_verify(const char *results, const char *record, const pl_results *r,
                           pl_diag *d);

/* The check field of a row: `,` and the check of the row's text (len bytes) after the
 * binding, as written at the end of the row. buf needs 24 bytes. */
void pl_sweep_record_check(uint64_t binding, const char *row, size_t len, char *buf);

/* The lock of a results file. */
typedef struct pl_sweep_lock {
    int fd;     /* -1 when not held */
    char *path; /* RESULTS.lock; owned */
} pl_sweep_lock;

/* Takes the lock of `results` without waiting. Fails with PL_EUSAGE when another process
 * holds it (naming the file and the process) or when `results` exists and is not a
 * regular file (a device, a FIFO, a symbolic link), PL_EIO when the lock cannot be
 * created, or PL_ENOMEM. Release it with pl_sweep_lock_release, also after a failure. */
int pl_sweep_lock_take(const char *results, pl_sweep_lock *l, pl_diag *d);

/* Removes the lock file and releases the lock. */
void pl_sweep_lock_release(pl_sweep_lock *l);

#endif
