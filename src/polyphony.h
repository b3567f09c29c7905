/* polyphony.h — the core of libpolyphony, in one include. The stages' public
 * headers are included by their folder ("langs/pp_lid.h", ...); the C shims
 * (langs/pp_fasttext.h, tokenizers/pp_spm.h) are never pulled in from here. */
#ifndef POLYPHONY_H
#define POLYPHONY_H

#include "src/pp_common.h"
#include "src/pp_stream.h"
#include "src/pp_record.h"
#include "src/pp_record_view.h"
#include "src/pp_text.h"
#include "src/pp_ledger.h"
#include "src/pp_stats.h"
#include "src/pp_progress.h"
#include "src/pp_data.h"
#include "src/pp_langtag.h"

#endif
