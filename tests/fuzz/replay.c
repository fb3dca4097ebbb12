/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * replay.c — runs a fuzz target's entry point once on every file named on the
 * command line (and every file in the folders named), without libFuzzer: how the
 * test suite, built by any compiler and under any sanitizer, replays the seeds and
 * the inputs that once crashed.
 */
#include "fuzz_scratch.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int replay_file(const char *file)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        perror(file);
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *bigger = realloc(data, cap *= 2);
            if (!bigger)
                free(data);
            data = bigger;
        }
    }
    fclose(f);
    if (!data) {
        fprintf(stderr, "%s: out of memory\n", file);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    return 0;
}

/* Replays the files of a folder in name order; returns how many, or -1. */
static int replay_dir(const char *folder)
{
    struct dirent **entries;
    int n = scandir(folder, &entries, NULL, alphasort);
    if (n < 0) {
        perror(folder);
        return -1;
    }
    int count = 0;
    for (int i = 0; i < n; i++) {
        char file[4096];
        snprintf(file, sizeof file, "%s/%s", folder, entries[i]->d_name);
        struct stat st;
        if (entries[i]->d_name[0] != '.' && stat(file, &st) == 0 && S_ISREG(st.st_mode))
            count = count >= 0 && replay_file(file) == 0 ? count + 1 : -1;
        free(entries[i]);
    }
    free(entries);
    return count;
}

int main(int argc, char **argv)
{
    int total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        int n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]) == 0 ? 1 : -1;
        if (n < 0)
            return 1;
        total += n;
    }
    printf("%s: replayed %d inputs\n", argv[0], total);
    return total > 0 ? 0 : 1;
}
