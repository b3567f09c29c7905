/* fuzz_texts.h — a few fixed texts the model targets run a loaded model on:
 * several scripts, combining marks, white space runs, an empty string. */
#ifndef PP_FUZZ_TEXTS_H
#define PP_FUZZ_TEXTS_H

static const char *const fuzz_texts[] = {
    "Gbogbo ènìyàn ni a bí ní òmìnira",
    "All human beings are born free and equal in dignity and rights.",
    "ሰው ሁሉ ሲወለድ ነጻና",
    "\xe4\xba\xba\xe4\xba\xba\xe7\x94\x9f\xe8\x80\x8c\xe8\x87\xaa\xe7\x94\xb1 12345 don't  \t\n x",
    "a\xcc\x81\xcc\x80  \xe2\x96\x81 <0x41> \xf0\x9f\x98\x80",
    "",
};
#define FUZZ_NTEXTS (sizeof fuzz_texts / sizeof fuzz_texts[0])

#endif
