/* upos.c: names of the Universal POS tags (kh_upos_name). */
#include "core/core.h"

const char *kh_upos_name(kh_upos upos)
{
    static const char *const names[KH_UPOS_COUNT] = {
        "X", "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN",
        "NUM", "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB",
    };
    return (unsigned)upos < KH_UPOS_COUNT ? names[upos] : "X";
}
