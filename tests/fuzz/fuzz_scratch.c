/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_scratch.c — the scratch folder of a fuzz target and the arguments an input
 * carries.
 */
#include "fuzz_scratch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096];
static char path[4096 + 256];

static void remove_scratch(void)
{
    char cmd[4096 + 64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", dir);
}

static int make_scratch(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/pipelab-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    atexit(remove_scratch);
    snprintf(path, sizeof path, "%s/workloads", dir);
    if (mkdir(path, 0700) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/examples", dir);
    if (symlink(PL_SOURCE_DIR "/workloads", path) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/configs", dir);
    return symlink(PL_SOURCE_DIR "/configs", path);
}

const char *pl_fuzz_write(const char *name, const uint8_t *data, size_t size)
{
    if (!*dir && make_scratch() != 0) {
        perror("fuzz: scratch folder");
        abort();
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    size_t wrote = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || wrote != size)
        return NULL;
    return path;
}

size_t pl_fuzz_lines(const uint8_t *data, size_t size, const char *prefix, char **args, size_t max)
{
    size_t n = 0, skip = strlen(prefix);
    for (size_t i = 0; i < size && n < max;) {
        size_t end = i;
        while (end < size && data[end] != '\n')
            end++;
        if (end - i > skip && memcmp(data + i, prefix, skip) == 0 &&
            !memchr(data + i, 0, end - i)) {
            size_t len = end - i - skip;
            if ((args[n] = malloc(len + 1)) != NULL) {
                memcpy(args[n], data + i + skip, len);
                args[n++][len] = '\0';
            }
        }
        i = end + 1;
    }
    return n;
}
