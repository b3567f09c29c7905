/* fuzz.h — what the fuzz targets share (tests/fuzz/, not installed).
 *
 * Every target defines LLVMFuzzerTestOneInput(). Built with --enable-fuzzing
 * it links libFuzzer; otherwise replay_main.c gives it a main() that feeds
 * each file of the directories named on the command line, so `make check`
 * replays the seed and regression corpora through the same code.
 *
 * The parsers read files, so most targets write the input to a file first
 * (fuzz_file(): one file per process under $TMPDIR, rewritten each run). */
#ifndef PP_FUZZ_H
#define PP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write `data` to this process's scratch file with the given suffix
 * (".json", ".xml", ...) and return its path (static storage, valid until
 * the next call). Aborts if the file cannot be written: that is a broken
 * machine, not a finding. */
const char *fuzz_file(const char *suffix, const uint8_t *data, size_t size);

/* A second scratch path in the same directory (for outputs); not created. */
const char *fuzz_out_path(const char *suffix);

/* Read every byte of a result (a string up to its NUL), so that the
 * sanitizer sees a result that is too short or not terminated; the reads
 * cannot be optimized away. NULL is ignored. */
void fuzz_touch(const void *p, size_t n);
void fuzz_touch_str(const char *s);

/* The top of the source tree's data (POLYPHONY_DATA, else the configured
 * source directory), so schemas and the registry are found uninstalled. */
void fuzz_use_source_data(void);

#endif
