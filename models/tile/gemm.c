/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gemm.c — deriving a tile kernel from a GEMM shape.
 *
 * Tiles run output block by output block, and within a block over K: tile
 * (block, kk) loads a tile_m x tile_k slice of A and a tile_k x tile_n slice of B,
 * extracts them into L0A and L0B, and accumulates their product into the block's
 * L0C slot, which spans the block's k / tile_k tiles and is stored once, on the last.
 * The accumulator is 4 bytes per element (fp32, or int32 for int8 inputs), as the
 * cube accumulates. Sizes must divide: partial edge tiles are not modelled.
 */
#include "models/tile/gemm.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static double element_bytes(const char *dtype)
{
    if (strcmp(dtype, "int8") == 0)
        return 1;
    if (strcmp(dtype, "fp32") == 0 || strcmp(dtype, "int32") == 0)
        return 4;
    return 2; /* fp16, bf16 */
}

static int add_buffer(pl_tile_program *p, const char *name, pl_onchip_memory memory, double size,
                      uint32_t depth, uint32_t span)
{
    pl_tile_buffer *b = &p->buffers[p->nbuffers++];
    b->name = strdup(name);
    b->memory = memory;
    b->size = size;
    b->depth = depth;
    b->span = span;
    return b->name ? 0 : PL_ENOMEM;
}

/* A step on the default pipe `unit` (every program has the default pipes). */
static int add_step(pl_tile_program *p, const char *op, const char *unit, pl_tile_amount amount,
                    double amount_value, int writes, int read0, int read1, uint32_t every)
{
    pl_tile_step *s = &p->steps[p->nsteps++];
    int u = pl_tile_program_unit(p, unit);
    assert(u >= 0);
    s->unit = (uint32_t)u;
    s->op = strdup(op);
    s->amount = amount;
    if (amount == PL_TILE_BYTES)
        s->bytes = amount_value;
    else
        s->flops = amount_value;
    s->writes = writes;
    if (read0 >= 0)
        s->reads[s->nreads++] = (uint32_t)read0;
    if (read1 >= 0)
        s->reads[s->nreads++] = (uint32_t)read1;
    s->every = every;
    return s->op ? 0 : PL_ENOMEM;
}

/* The dimension `dim` divided by its tile size, or an error naming the tile key. */
static int blocks(const pl_node *gemm, const char *dim, const char *tile, long long *out,
                  pl_diag *d)
{
    long long n = pl_node_int(pl_node_get(gemm, dim));
    const pl_node *t = pl_node_get(gemm, tile);
    long long size = pl_node_int(t);
    if (n % size != 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(t), pl_node_path(t),
                          "expected a divisor of %s = %lld, got %lld (partial tiles are not "
                          "modelled)",
                          dim, n, size);
    *out = n / size;
    return 0;
}

int pl_tile_gemm_generate(const pl_config *cfg, const pl_node *sec, pl_tile_program *p, pl_diag *d)
{
    (void)cfg;
    const pl_node *gemm = pl_node_get(sec, "gemm");
    long long bm = 0, bn = 0, bk = 0;
    int rc = blocks(gemm, "m", "tile_m", &bm, d);
    if (rc == 0)
        rc = blocks(gemm, "n", "tile_n", &bn, d);
    if (rc == 0)
        rc = blocks(gemm, "k", "tile_k", &bk, d);
    if (rc != 0)
        return rc;
    /* Each factor is below 2^31, so m x n fits in 64 bits, and so does its product with k
     * once m x n is within the bound. */
    uint64_t mn = (uint64_t)bm * (uint64_t)bn;
    if (mn > PL_TILE_MAX_TASKS || mn * (uint64_t)bk > PL_TILE_MAX_TASKS)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(gemm), pl_node_path(gemm),
                          "%lld x %lld x %lld tiles (m / tile_m, n / tile_n, k / tile_k) are more "
                          "than %llu, more than fit in memory; raise the tile sizes",
                          bm, bn, bk, (unsigned long long)PL_TILE_MAX_TASKS);
    double tm = (double)pl_node_int(pl_node_get(gemm, "tile_m"));
    double tn = (double)pl_node_int(pl_node_get(gemm, "tile_n"));
    double tk = (double)pl_node_int(pl_node_get(gemm, "tile_k"));
    double in = element_bytes(pl_node_str(pl_node_get(gemm, "dtype")));
    double out = element_bytes(pl_node_str(pl_node_get(gemm, "out_dtype")));
    uint32_t depth = (uint32_t)pl_node_int(pl_node_get(sec, "depth")), kt = (uint32_t)bk;
    double a = tm * tk * in, b = tk * tn * in;
    p->tiles = mn * (uint64_t)bk;
    enum { A1, B1, A0, B0, C };
    rc = add_buffer(p, "a_l1", PL_MEM_L1, a, depth, 1);
    rc = rc ? rc : add_buffer(p, "b_l1", PL_MEM_L1, b, depth, 1);
    rc = rc ? rc : add_buffer(p, "a_l0", PL_MEM_L0A, a, depth, 1);
    rc = rc ? rc : add_buffer(p, "b_l0", PL_MEM_L0B, b, depth, 1);
    rc = rc ? rc : add_buffer(p, "c_l0", PL_MEM_L0C, tm * tn * 4, depth, kt);
    rc = rc ? rc : add_step(p, "TLOAD A", "MTE2", PL_TILE_BYTES, a, A1, -1, -1, 1);
    rc = rc ? rc : add_step(p, "TLOAD B", "MTE2", PL_TILE_BYTES, b, B1, -1, -1, 1);
    rc = rc ? rc : add_step(p, "TEXTRACT A", "MTE1", PL_TILE_BYTES, a, A0, A1, -1, 1);
    rc = rc ? rc : add_step(p, "TEXTRACT B", "MTE1", PL_TILE_BYTES, b, B0, B1, -1, 1);
    rc = rc ? rc : add_step(p, "TMATMUL", "CUBE", PL_TILE_FLOPS, 2 * tm * tn * tk, C, A0, B0, 1);
    rc = rc ? rc : add_step(p, "TSTORE C", "MTE3", PL_TILE_BYTES, tm * tn * out, -1, C, -1, kt);
    if (rc != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    return 0;
}
