/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * provenance.c — the provenance file of `pipelab run -o DIR`, in the style of a sweep's
 * record (sim/study/sweep_record.h): one `name: value` line each, values escaped so that
 * each is one line, and the configuration's hash the one a sweep's record gives.
 */
#include "sim/provenance.h"
#include "sim/study/sweep_record.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                           "-_./=:,@%+";

/* Whether a holds a control character, which only bash's $'...' can quote on one line. */
static bool has_control(const char *a)
{
    for (; *a; a++)
        if ((unsigned char)*a < 0x20 || *a == 0x7f)
            return true;
    return false;
}

char *pl_provenance_command(int argc, char *const *argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += 4 * strlen(argv[i]) + 4;
    char *out = malloc(len), *w = out;
    if (!out)
        return NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i)
            *w++ = ' ';
        if (*a && !a[strspn(a, safe)]) {
            w = stpcpy(w, a);
        } else if (has_control(a)) {
            /* $'a\nb': backslash escapes, control characters as \xHH. */
            w = stpcpy(w, "$'");
            for (; *a; a++) {
                unsigned char ch = (unsigned char)*a;
                if (ch == '\\' || ch == '\'')
                    w += sprintf(w, "\\%c", ch);
                else if (ch < 0x20 || ch == 0x7f)
                    w += sprintf(w, "\\x%02x", ch);
                else
                    *w++ = (char)ch;
            }
            *w++ = '\'';
        } else {
            /* 'it'\''s': a quote ends the quoting, is escaped, and quoting starts again. */
            *w++ = '\'';
            for (; *a; a++)
                w = *a == '\'' ? stpcpy(w, "'\\''") : (*w = *a, w + 1);
            *w++ = '\'';
        }
    }
    *w = '\0';
    return out;
}

int pl_provenance_write(FILE *out, const char *version, const char *command, const char *scenario,
                        unsigned long long seed, const pl_config *c, pl_diag *d)
{
    size_t room = 4 * strlen(scenario) + 1; /* each byte escaped takes at most 4 */
    char *line = malloc(room);
    uint64_t hash = 0;
    if (!line)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    int rc = pl_sweep_config_hash(c, &hash, d);
    if (rc == 0) {
        fprintf(out,
                "# What made the files in this folder (docs/reports.md, \"Provenance\").\n"
                "pipelab: %s\n",
                version);
        /* One line already: quoted for a shell to read back (pl_provenance_command). */
        fprintf(out, "command: %s\n", command);
        line[0] = '\0';
        pl_sweep_record_escape(line, room, scenario);
        fprintf(out, "scenario: %s\nseed: %llu\nconfig: fnv1a64:%016" PRIx64 "\n", line, seed,
                hash);
    }
    free(line);
    if (rc == 0 && ferror(out))
        rc = pl_diag_set(d, PL_EIO, "cannot write the provenance");
    return rc;
}
