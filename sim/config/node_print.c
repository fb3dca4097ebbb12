/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * node_print.c — a document tree written back as block YAML through libyaml's
 * emitter, keys in document order, each scalar in the style it was written in
 * when that style keeps its text, so that the printed tree parses back equal
 * (pl_node_equal) to the one printed.
 */
#include "sim/config/node.h"

#include "sim/config/node_tree.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

/* ---- Printing --------------------------------------------------------------- */

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
    return fwrite(buffer, 1, size, (FILE *)data) == size;
}

static int emit_scalar(yaml_emitter_t *e, const char *text, int style)
{
    yaml_event_t ev;
    /* A plain scalar goes out in whatever style keeps its text, quoted if need be. */
    yaml_scalar_style_t s =
        style == YAML_PLAIN_SCALAR_STYLE ? YAML_ANY_SCALAR_STYLE : (yaml_scalar_style_t)style;
    return yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text, (int)strlen(text), 1,
                                        1, s) &&
           yaml_emitter_emit(e, &ev);
}

static int emit_node(yaml_emitter_t *e, const pl_node *n)
{
    yaml_event_t ev;
    if (n->type == PL_NODE_SCALAR)
        return emit_scalar(e, n->text, n->style);
    int ok =
        n->type == PL_NODE_MAP
            ? yaml_mapping_start_event_initialize(
                  &ev, NULL, NULL, 1, n->style ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)
            : yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                                   n->style ? YAML_FLOW_SEQUENCE_STYLE
                                                            : YAML_BLOCK_SEQUENCE_STYLE);
    ok = ok && yaml_emitter_emit(e, &ev);
    for (size_t i = 0; ok && i < n->len; i++) {
        if (n->type == PL_NODE_MAP)
            ok = emit_scalar(e, n->items[i]->key, YAML_PLAIN_SCALAR_STYLE);
        ok = ok && emit_node(e, n->items[i]);
    }
    if (!ok)
        return 0;
    if (n->type == PL_NODE_MAP)
        yaml_mapping_end_event_initialize(&ev);
    else
        yaml_sequence_end_event_initialize(&ev);
    return yaml_emitter_emit(e, &ev);
}

static int emit_document(yaml_emitter_t *e, const pl_node *root)
{
    yaml_event_t ev;
    return yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
           yaml_emitter_emit(e, &ev) &&
           yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
           yaml_emitter_emit(e, &ev) && emit_node(e, root) &&
           yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(e, &ev) &&
           yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev) &&
           yaml_emitter_flush(e);
}

int pl_node_print(const pl_node *root, FILE *out, pl_diag *d)
{
    yaml_emitter_t e;
    if (!yaml_emitter_initialize(&e))
        return pl_node_nomem(d);
    yaml_emitter_set_output(&e, write_handler, out);
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_indent(&e, 2);
    yaml_emitter_set_width(&e, -1);
    errno = 0;
    int ok = emit_document(&e, root);
    int memory = e.error == YAML_MEMORY_ERROR;
    yaml_emitter_delete(&e);
    if (ok && fflush(out) == 0 && !ferror(out))
        return 0;
    if (memory)
        return pl_node_nomem(d);
    return pl_diag_set(d, PL_EIO, "cannot write the YAML: %s",
                       errno ? strerror(errno) : "the emitter failed");
}
