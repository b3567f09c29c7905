/* fuzz_ledger.c — the audit's ledger reader: rows read and checked, joined
 * per metric and language, gap statistics computed and the JSON report
 * written (to a scratch file). The reader is the `audit` command's
 * (audit_ledger.c), compiled into this program; it prints its errors. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "eval-sets/audit/audit.h"

#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_use_source_data();
    char path[4200];
    snprintf(path, sizeof path, "%s", fuzz_file(".jsonl", data, size));
    char *files[] = {path};
    audit a;
    memset(&a, 0, sizeof a);
    a.tau = 0.5;
    if (audit_read(&a, files, 1) && audit_compute(&a)) {
        FILE *fp = fopen(fuzz_out_path(".json"), "w");
        if (fp) {
            audit_write_json(&a, fp);
            audit_write_table(&a, fp, 10);
            audit_write_csv(&a, fp);
            fclose(fp);
        }
    }
    audit_free(&a);
    return 0;
}
