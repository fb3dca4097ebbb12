/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * units.h — quantities with units: parsing what users write, formatting what
 * reports print.
 *
 * Internally every quantity is a double in SI base units: seconds, bytes,
 * bytes per second, hertz, floating-point operations per second. A number
 * without a unit where a unit is needed is an error, never a guess.
 */
#ifndef PL_UNITS_H
#define PL_UNITS_H

#include <stdbool.h>
#include <stddef.h>

/* X(NAME, what it measures, the units a user may write) */
#define PL_QUANTITIES(X)                                                               \
    X(TIME, "time", "ns, us, ms, s, or cycles of a clock")                         \
    X(SIZE, "size", "B, KiB, MiB, GiB, KB, MB, GB")                                \
    X(BANDWIDTH, "bandwidth", "B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s")   \
    X(FREQUENCY, "frequency", "Hz, kHz, MHz, GHz")                                 \
    X(RATE, "compute rate", "FLOPS, GFLOPS, TFLOPS")

typedef enum pl_quantity {
#define PL_QUANTITY_ENUM(name, what, units) PL_Q_##name,
    PL_QUANTITIES(PL_QUANTITY_ENUM)
#undef PL_QUANTITY_ENUM
        PL_QUANTITY_COUNT
} pl_quantity;

/* "time", "size", ...; NULL out of range. */
const char *pl_quantity_name(pl_quantity q);
/* The units a user may write for q, as a phrase for error messages. */
const char *pl_quantity_units(pl_quantity q);

/*
 * Parses "12us", "12 us", "1.5e3 ns", "2 GiB", "900 GB/s", "1.8 GHz", "40 TFLOPS".
 * "µs" is accepted for "us". For TIME, "N cycles" is N / clock_hz seconds;
 * clock_hz <= 0 means no clock is known, and cycles are an error; < 0 says moreover that
 * the value can never be in cycles, so the phrase below does not offer them.
 * On success stores the SI value in *out and returns 0. On failure returns
 * PL_ECONFIG and writes one phrase saying what was expected into why (for
 * example "a time with a unit (ns, us, ms, s, or cycles of a clock), got '12'").
 */
int pl_units_parse(const char *text, pl_quantity q, double clock_hz, double *out, char *why,
                   size_t why_len);

/* The magnitudes other than 0 that pl_units_parse accepts for q, in SI units: a time 1e-15 s
 * to 1e6 s, a size 1 B to 2^53 B, a bandwidth 1 B/s to 1e18 B/s, a frequency 1 Hz to 1e15 Hz,
 * a compute rate 1 FLOPS to 1e18 FLOPS. Outside them a value is refused with the reason
 * "out of range: a time is 0 or from 1e-15 s to 1e6 s". */
void pl_units_limits(pl_quantity q, double *min, double *max);

/* The SI unit of q, the one whose factor is 1 ("s", "B", "B/s", "Hz", "FLOPS"): a value
 * printed with it reads back exactly as written. "" for a quantity out of range. */
const char *pl_units_si(pl_quantity q);

/* Whether text is written in cycles ("100 cycles", "1e3cycles"), so that a caller can look
 * up the clock before parsing, and say which clock is missing when there is none. */
bool pl_units_is_cycles(const char *text);

/* Formats an SI value with the unit that keeps the number readable ("12 us",
 * "1.224 ms", "64 KiB", "1.6 TB/s"), with at most `digits` significant digits.
 * Writes at most len bytes including the terminator; returns buf. */
char *pl_units_format(double value, pl_quantity q, int digits, char *buf, size_t len);

/* A time, size or bandwidth with 4 significant digits, for reports. The text lives in a
 * compound literal until the end of the enclosing block, so several may appear in one
 * call. */
#define PL_TIME_TEXT(x) pl_units_format((x), PL_Q_TIME, 4, (char[32]){0}, 32)
#define PL_SIZE_TEXT(x) pl_units_format((x), PL_Q_SIZE, 4, (char[32]){0}, 32)
#define PL_RATE_TEXT(x) pl_units_format((x), PL_Q_BANDWIDTH, 4, (char[32]){0}, 32)

#endif
