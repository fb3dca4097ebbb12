/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_import_read.c — profiler traces read into the arrays of sim/import/trace.h.
 *
 * The real traces are the PyTorch profiler traces of ../shared/traces (next to the source
 * tree; never copied into it). Expected counts come from that folder's README (8,568
 * kernels, six ProfilerStep#1009..1014) and from counting the events with Python's json
 * module (zcat TRACE | python3: events by ph and cat, args.stream, ProfilerStep# slices'
 * dur), which is how every number below was found. When /work/shared is absent (a checkout
 * without the shared traces) the real-trace tests are skipped with a message naming the
 * missing file; nothing else is.
 *
 * The Ascend trace is tests/data/import/ascend_trace_view.json: no Ascend trace is among
 * the shared ones, so it was written by hand from the documented structure (the Ascend
 * PyTorch Profiler guide, the msprof data file reference and torch_npu's trace writer;
 * the fixture's first event says so). The bad traces are tests/data/import/ too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/import/trace.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DATA   PL_SOURCE_DIR "/tests/data/import/"
#define SHARED PL_SOURCE_DIR "/../shared/traces/"

/* Reads a shared trace, or skips when the shared folder is not there. */
static int read_shared(const char *name, pl_trace *t)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", SHARED, name);
    if (access(path, R_OK) != 0) {
        print_message("skipped: %s is missing (the shared traces are not here)\n", path);
        return -1;
    }
    pl_diag d;
    pl_diag_init(&d);
    int rc = pl_trace_read(path, t, &d);
    if (rc)
        print_error("%s\n", d.msg);
    assert_int_equal(rc, 0);
    return 0;
}

static size_t count_activities(const pl_trace *t, int kind, uint64_t stream)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nactivities; i++)
        n += t->activities[i].kind == kind &&
             (stream == PL_TRACE_NONE || t->activities[i].stream == stream);
    return n;
}

static size_t count_slices(const pl_trace *t, int kind)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nslices; i++)
        n += t->slices[i].kind == kind;
    return n;
}

static const pl_trace_sync *sync_of(const pl_trace *t, uint64_t correlation)
{
    for (size_t i = 0; i < t->nsyncs; i++)
        if (t->syncs[i].correlation == correlation)
            return &t->syncs[i];
    fail_msg("no sync record with correlation %llu", (unsigned long long)correlation);
    return NULL;
}

/* README: 6 steps, 8,568 kernels on streams 7, 20, 21; Python: 654 memsets, 228 copies,
 * activities per stream 7: 8964, 20: 282, 21: 60, 22: 144 (the copies on 22), 40,506
 * cpu_op and 24,692 cuda_runtime slices on three threads, no cuda_sync. */
static void training_steps(void **state)
{
    (void)state;
    pl_trace t = {0};
    if (read_shared("a100_training_steps.json.gz", &t))
        skip();
    assert_string_equal(t.format, "PyTorch profiler (Kineto), CUDA");
    assert_string_equal(t.device, "NVIDIA A100-PG509-200");
    assert_int_equal(count_activities(&t, PL_ACTIVITY_KERNEL, PL_TRACE_NONE), 8568);
    assert_int_equal(count_activities(&t, PL_ACTIVITY_MEMSET, PL_TRACE_NONE), 654);
    assert_int_equal(count_activities(&t, PL_ACTIVITY_COPY, PL_TRACE_NONE), 228);
    size_t per_stream[][2] = {{7, 8964}, {20, 282}, {21, 60}, {22, 144}};
    for (size_t s = 0; s < 4; s++) {
        size_t n = 0;
        for (int k = PL_ACTIVITY_KERNEL; k <= PL_ACTIVITY_MEMSET; k++)
            n += count_activities(&t, k, per_stream[s][0]);
        assert_int_equal(n, per_stream[s][1]);
    }
    assert_int_equal(t.nactivities, 8568 + 654 + 228);
    assert_int_equal(count_slices(&t, PL_SLICE_OP), 40506);
    assert_int_equal(count_slices(&t, PL_SLICE_CALL), 24692);
    assert_int_equal(t.nsyncs, 0);
    assert_int_equal(t.nthreads, 3);
    assert_string_equal(t.threads[0], "3113936");
    assert_string_equal(t.threads[1], "3126441");
    assert_string_equal(t.threads[2], "-1029147072");
    /* The steps' dur in the trace, us: 75473, 76940, 76212, 76727, 78473, 81120. */
    const int64_t dur_us[] = {75473, 76940, 76212, 76727, 78473, 81120};
    size_t k = 0;
    for (size_t i = 0; i < t.nslices; i++) {
        const pl_trace_slice *s = &t.slices[i];
        if (s->kind != PL_SLICE_STEP)
            continue;
        char name[32];
        snprintf(name, sizeof name, "ProfilerStep#%zu", 1009 + k);
        assert_true(k < 6);
        assert_string_equal(pl_trace_string(&t, s->name), name);
        assert_int_equal(s->dur, dur_us[k] * 1000);
        assert_string_equal(t.threads[s->thread], "3113936");
        if (k == 0)
            assert_int_equal(s->ts, 1661203462598772LL * 1000);
        k++;
    }
    assert_int_equal(k, 6);
    pl_trace_fini(&t);
}

/* Python: 359 cpu_op, 361 cuda_runtime, 79 kernels, 16 copies, 3 memsets, 41 cuda_sync
 * (16 Stream Sync, 5 Context Sync, 20 Stream Wait Event). The trace has 16 ac2g flow
 * starts with no finish (cudaMemsetAsync and cudaStreamWaitEvent calls whose device side
 * was not recorded): it still reads. Correlation 5170: Stream Wait Event, stream 20 waits
 * on stream 7 for the event recorded by call 5169; 225: Context Sync, args.stream written
 * as 4294967295; 15: Stream Sync on stream 7. */
static void alexnet(void **state)
{
    (void)state;
    pl_trace t = {0};
    if (read_shared("a100_alexnet_forward.json.gz", &t))
        skip();
    assert_int_equal(count_slices(&t, PL_SLICE_OP), 359);
    assert_int_equal(count_slices(&t, PL_SLICE_CALL), 361);
    assert_int_equal(count_slices(&t, PL_SLICE_STEP), 0);
    assert_int_equal(count_activities(&t, PL_ACTIVITY_KERNEL, PL_TRACE_NONE), 79);
    assert_int_equal(count_activities(&t, PL_ACTIVITY_COPY, PL_TRACE_NONE), 16);
    assert_int_equal(count_activities(&t, PL_ACTIVITY_MEMSET, PL_TRACE_NONE), 3);
    assert_int_equal(t.nsyncs, 41);
    const pl_trace_sync *w = sync_of(&t, 5170);
    assert_int_equal(w->call, PL_CALL_WAIT_EVENT);
    assert_int_equal(w->stream, 20);
    assert_int_equal(w->wait_on_stream, 7);
    assert_int_equal(w->record_correlation, 5169);
    const pl_trace_sync *c = sync_of(&t, 225);
    assert_int_equal(c->call, PL_CALL_SYNC_DEVICE);
    assert_true(c->stream == PL_TRACE_NONE && c->wait_on_stream == PL_TRACE_NONE);
    assert_true(c->record_correlation == PL_TRACE_NONE);
    const pl_trace_sync *s = sync_of(&t, 15);
    assert_int_equal(s->call, PL_CALL_SYNC_STREAM);
    assert_true(s->stream == PL_TRACE_NONE);
    assert_int_equal(s->wait_on_stream, 7);
    pl_trace_fini(&t);
}

/* Python: correlation 1536 is an Event Sync on the event call 1533 recorded on stream 7;
 * one ProfilerStep#100 of 3154 us. */
static void event_sync(void **state)
{
    (void)state;
    pl_trace t = {0};
    if (read_shared("a100_event_sync.json.gz", &t))
        skip();
    const pl_trace_sync *s = sync_of(&t, 1536);
    assert_int_equal(s->call, PL_CALL_SYNC_EVENT);
    assert_int_equal(s->wait_on_stream, 7);
    assert_int_equal(s->record_correlation, 1533);
    assert_int_equal(count_slices(&t, PL_SLICE_STEP), 1);
    assert_int_equal(t.nsyncs, 4);
    pl_trace_fini(&t);
}

/* ROCm 6.2 on an MI250: runtime calls are hip* under cuda_runtime; Python: 14 kernels and
 * 2 copies on stream 0, 70 cpu_op, 21 calls on two threads, ProfilerStep#1 at
 * 4203669603187.439 us lasting 9288.291 us (user_annotation). */
static void mi250(void **state)
{
    (void)state;
    pl_trace t = {0};
    if (read_shared("mi250_minitoy_train.json.gz", &t))
        skip();
    assert_string_equal(t.format, "PyTorch profiler (Kineto), ROCm");
    assert_string_equal(t.device, "AMD Radeon Graphics");
    assert_int_equal(count_activities(&t, PL_ACTIVITY_KERNEL, 0), 14);
    assert_int_equal(count_activities(&t, PL_ACTIVITY_COPY, 0), 2);
    assert_int_equal(count_slices(&t, PL_SLICE_OP), 70);
    assert_int_equal(count_slices(&t, PL_SLICE_CALL), 21);
    assert_int_equal(t.nthreads, 2);
    size_t launches = 0;
    for (size_t i = 0; i < t.nslices; i++) {
        const pl_trace_slice *s = &t.slices[i];
        launches += s->kind == PL_SLICE_CALL && s->call == PL_CALL_LAUNCH;
        if (s->kind == PL_SLICE_STEP && !strcmp(pl_trace_string(&t, s->name), "ProfilerStep#1")) {
            assert_int_equal(s->ts, 4203669603187439LL);
            assert_int_equal(s->dur, 9288291);
        }
    }
    /* Python: 12 hipLaunchKernel and 2 hipExtModuleLaunchKernel. */
    assert_int_equal(launches, 14);
    pl_trace_fini(&t);
}

/* The fixture, by hand: one host thread 4385; a step, three ops, four CANN calls; tasks
 * Add, Mul on stream 2 ("Stream Id"), MEMCPY_ASYNC on stream 3 (its thread's name), an
 * EVENT_WAIT left out. aten::add launched Add (flow 1) and Mul (flow 2; written first):
 * its calls aclnnAdd, aclnnMul take them in task order. aten::add starts at
 * 1704161511421010.123 us, which a double cannot hold to the nanosecond. */
static void ascend(void **state)
{
    (void)state;
    pl_trace t = {0};
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_trace_read(DATA "ascend_trace_view.json", &t, &d), 0);
    assert_string_equal(t.format, "Ascend");
    assert_string_equal(t.device, "");
    assert_int_equal(t.nthreads, 1);
    assert_string_equal(t.threads[0], "4385");
    assert_int_equal(t.nslices, 8);
    const struct {
        const char *name;
        int kind, call;
        uint64_t corr;
    } want[] = {
        {"ProfilerStep#7", PL_SLICE_STEP, 0, PL_TRACE_NONE},
        {"aten::add", PL_SLICE_OP, 0, PL_TRACE_NONE},
        {"aten::copy_", PL_SLICE_OP, 0, PL_TRACE_NONE},
        {"aten::item", PL_SLICE_OP, 0, PL_TRACE_NONE},
        {"AscendCL@aclnnAdd", PL_SLICE_CALL, PL_CALL_LAUNCH, 1},
        {"AscendCL@aclnnMul", PL_SLICE_CALL, PL_CALL_LAUNCH, 2},
        {"AscendCL@aclrtMemcpyAsync", PL_SLICE_CALL, PL_CALL_COPY, 3},
        {"AscendCL@aclrtSynchronizeStream", PL_SLICE_CALL, PL_CALL_SYNC_STREAM, PL_TRACE_NONE},
    };
    for (size_t i = 0; i < 8; i++) {
        assert_string_equal(pl_trace_string(&t, t.slices[i].name), want[i].name);
        assert_int_equal(t.slices[i].kind, want[i].kind);
        assert_int_equal(t.slices[i].call, want[i].call);
        assert_true(t.slices[i].correlation == want[i].corr);
        assert_int_equal(t.slices[i].thread, 0);
    }
    assert_int_equal(t.slices[1].ts, 1704161511421010123LL);
    assert_int_equal(t.slices[1].dur, 40500);
    assert_int_equal(t.nactivities, 3);
    const struct {
        const char *name;
        int kind;
        uint64_t stream, corr;
    } act[] = {{"Add", PL_ACTIVITY_KERNEL, 2, 1},
               {"Mul", PL_ACTIVITY_KERNEL, 2, 2},
               {"MEMCPY_ASYNC", PL_ACTIVITY_COPY, 3, 3}};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(pl_trace_string(&t, t.activities[i].name), act[i].name);
        assert_int_equal(t.activities[i].kind, act[i].kind);
        assert_int_equal(t.activities[i].stream, act[i].stream);
        assert_int_equal(t.activities[i].correlation, act[i].corr);
    }
    assert_int_equal(t.nsyncs, 0);
    pl_trace_fini(&t);
}

/* tests/data/import/ascend_no_cann.json, by hand: no CANN process, so aten::linear's two
 * tasks (a memset at 535 us, MatMulV2 at 540 us, flow ids their start in ns as older
 * torch_npu writes them) get calls of no duration at the op's end (500 + 30 us), appended
 * in task order: the memset's first. */
static void ascend_without_calls(void **state)
{
    (void)state;
    pl_trace t = {0};
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_trace_read(DATA "ascend_no_cann.json", &t, &d), 0);
    assert_int_equal(t.nslices, 3);
    assert_int_equal(t.nactivities, 2);
    const int calls[] = {PL_CALL_MEMSET, PL_CALL_LAUNCH};
    const uint64_t ids[] = {535000, 540000};
    for (size_t i = 0; i < 2; i++) {
        const pl_trace_slice *s = &t.slices[1 + i];
        assert_string_equal(pl_trace_string(&t, s->name), "aten::linear");
        assert_int_equal(s->kind, PL_SLICE_CALL);
        assert_int_equal(s->call, calls[i]);
        assert_int_equal(s->ts, 530000);
        assert_int_equal(s->dur, 0);
        assert_int_equal(s->correlation, ids[i]);
    }
    assert_int_equal(t.activities[0].stream, 5);
    assert_int_equal(t.activities[0].correlation, 540000);
    assert_int_equal(t.activities[1].kind, PL_ACTIVITY_MEMSET);
    pl_trace_fini(&t);
}

/* Each bad trace fails with its code and this exact message. */
static void bad_traces(void **state)
{
    (void)state;
    const struct {
        const char *file;
        int code;
        const char *msg;
    } cases[] = {
        {"not_json.txt", PL_EPARSE,
         "not_json.txt:1:1: not valid JSON: lexical error: invalid "
         "string in json text."},
        {"truncated.json", PL_EPARSE,
         "truncated.json:3:1: not valid JSON: parse error: "
         "premature EOF"},
        {"truncated.json.gz", PL_EIO,
         "truncated.json.gz:2:79: truncated or damaged gzip (zlib: unexpected end of file): "
         "expected the rest of the compressed trace"},
        {"no_device.json", PL_ECONFIG,
         "no_device.json: no device activity: expected kernels, copies or memsets on a device "
         "stream, found 2 host slices and none on a device"},
        {"unknown_format.json", PL_EPARSE,
         "unknown_format.json:1:1: expected a Chrome-trace-format profiler trace (PyTorch "
         "profiler/Kineto or Ascend trace_view.json), found a JSON object without traceEvents"},
        {"unknown_events.json", PL_EPARSE,
         "unknown_events.json:1:1: expected a Chrome-trace-format profiler trace (PyTorch "
         "profiler/Kineto or Ascend trace_view.json), found events of no category these "
         "profilers write"},
        {"flow_nowhere.json", PL_ECONFIG,
         "flow_nowhere.json:6:3: flow 'ac2g' id 2 points nowhere: its start ('s') binds to no "
         "event on pid 10 tid 10 at ts 300.000 us; expected a slice there"},
        {"flow_no_finish.json", PL_ECONFIG,
         "flow_no_finish.json:3:3: flow 'ac2g' id 1 points nowhere: its start ('s') has no "
         "finish ('f'), though the kernel it started, 'k' (correlation 1), is in the trace; "
         "expected a finish on it"},
        {"bad_ts.json", PL_EPARSE,
         "bad_ts.json:2:3: key 'ts': expected a time in microseconds, found '12:00'"},
        {"no_such_trace.json", PL_EIO,
         "no_such_trace.json: cannot read: No such file or "
         "directory"},
    };
    /* Messages name the file as given: read from the data folder by relative path. */
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(DATA), 0);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pl_trace t = {0};
        pl_diag d;
        pl_diag_init(&d);
        int rc = pl_trace_read(cases[i].file, &t, &d);
        assert_int_equal(rc, cases[i].code);
        assert_string_equal(d.msg, cases[i].msg);
        assert_int_equal(t.nslices + t.nactivities + t.nstrings + t.nthreads, 0);
    }
    assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(training_steps), cmocka_unit_test(alexnet),
        cmocka_unit_test(event_sync),     cmocka_unit_test(mi250),
        cmocka_unit_test(ascend),         cmocka_unit_test(ascend_without_calls),
        cmocka_unit_test(bad_traces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
