/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c — the command-line front (being written). */
#include <stdio.h>

int main(void)
{
    fputs("pipelab: not built yet\n", stderr);
    return 2;
}
