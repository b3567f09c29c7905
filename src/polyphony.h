/* polyphony.h — the public interface of libpolyphony, in one include. */
#ifndef POLYPHONY_H
#define POLYPHONY_H

#include "pp_common.h"
#include "pp_stream.h"
#include "pp_record.h"
#include "pp_text.h"
#include "pp_ledger.h"
#include "pp_stats.h"
#include "pp_progress.h"
#include "pp_data.h"
#include "pp_langtag.h"
#include "pp_fasttext.h"
#include "pp_spm.h"

#endif
