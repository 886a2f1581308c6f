/*
 * abbrev.c: the abbreviation table of the tokenizer (stage 4). A word in it
 * keeps its period as one token ("Gen.", "Calif."), and its class tells the
 * sentence splitter (stage 3) whether the period may also end a sentence.
 * Initials and dotted acronyms (W., U.S., U.S.S.R., e.g.) are recognised by
 * shape in tokenize.c, not here.
 *
 * Classes: TITLE words precede a name and never end a sentence; END words may
 * end one, which the splitter accepts only when a sentence-starter word
 * follows (see src/sentences/); NUM words are abbreviations only when a
 * number follows ("No. 3"), else "No" + "." as usual.
 *
 * Matching is case-sensitive so that "Ill." (Illinois) is an abbreviation and
 * "ill." is a word and a full stop. The table is sorted by bytes (memcmp,
 * then length) for the binary search; test_tokens checks every entry.
 */
#include "tokens/tokens.h"

typedef struct abbrev {
    const char *word;
    uint8_t len;
    uint8_t cls;
} abbrev;

static const abbrev abbrevs[] = {
    {"Adm", 3, KH_ABBR_TITLE},
    {"Ala", 3, KH_ABBR_END},
    {"Amb", 3, KH_ABBR_TITLE},
    {"Ariz", 4, KH_ABBR_END},
    {"Ark", 3, KH_ABBR_END},
    {"Art", 3, KH_ABBR_NUM},
    {"Assn", 4, KH_ABBR_END},
    {"Atty", 4, KH_ABBR_TITLE},
    {"Ave", 3, KH_ABBR_END},
    {"Blvd", 4, KH_ABBR_END},
    {"Brig", 4, KH_ABBR_TITLE},
    {"Bros", 4, KH_ABBR_END},
    {"Calif", 5, KH_ABBR_END},
    {"Capt", 4, KH_ABBR_TITLE},
    {"Cmdr", 4, KH_ABBR_TITLE},
    {"Co", 2, KH_ABBR_END},
    {"Col", 3, KH_ABBR_TITLE},
    {"Colo", 4, KH_ABBR_END},
    {"Conn", 4, KH_ABBR_END},
    {"Corp", 4, KH_ABBR_END},
    {"Cos", 3, KH_ABBR_END},
    {"Cpl", 3, KH_ABBR_TITLE},
    {"Del", 3, KH_ABBR_END},
    {"Dept", 4, KH_ABBR_END},
    {"Dr", 2, KH_ABBR_TITLE},
    {"Fig", 3, KH_ABBR_NUM},
    {"Fla", 3, KH_ABBR_END},
    {"Fr", 2, KH_ABBR_TITLE},
    {"Ft", 2, KH_ABBR_TITLE},
    {"Ga", 2, KH_ABBR_END},
    {"Gen", 3, KH_ABBR_TITLE},
    {"Gens", 4, KH_ABBR_TITLE},
    {"Gov", 3, KH_ABBR_TITLE},
    {"Govs", 4, KH_ABBR_TITLE},
    {"Hon", 3, KH_ABBR_TITLE},
    {"Ill", 3, KH_ABBR_END},
    {"Inc", 3, KH_ABBR_END},
    {"Ind", 3, KH_ABBR_END},
    {"Insp", 4, KH_ABBR_TITLE},
    {"Jr", 2, KH_ABBR_END},
    {"Kan", 3, KH_ABBR_END},
    {"Kans", 4, KH_ABBR_END},
    {"Ky", 2, KH_ABBR_END},
    {"La", 2, KH_ABBR_END},
    {"Lt", 2, KH_ABBR_TITLE},
    {"Ltd", 3, KH_ABBR_END},
    {"Maj", 3, KH_ABBR_TITLE},
    {"Mass", 4, KH_ABBR_END},
    {"Md", 2, KH_ABBR_END},
    {"Messrs", 6, KH_ABBR_TITLE},
    {"Mich", 4, KH_ABBR_END},
    {"Minn", 4, KH_ABBR_END},
    {"Miss", 4, KH_ABBR_END},
    {"Mme", 3, KH_ABBR_TITLE},
    {"Mo", 2, KH_ABBR_END},
    {"Mont", 4, KH_ABBR_END},
    {"Mr", 2, KH_ABBR_TITLE},
    {"Mrs", 3, KH_ABBR_TITLE},
    {"Ms", 2, KH_ABBR_TITLE},
    {"Msgr", 4, KH_ABBR_TITLE},
    {"Mt", 2, KH_ABBR_TITLE},
    {"Neb", 3, KH_ABBR_END},
    {"Nev", 3, KH_ABBR_END},
    {"No", 2, KH_ABBR_NUM},
    {"Nos", 3, KH_ABBR_NUM},
    {"Nr", 2, KH_ABBR_NUM},
    {"Okla", 4, KH_ABBR_END},
    {"Ore", 3, KH_ABBR_END},
    {"Pa", 2, KH_ABBR_END},
    {"Pres", 4, KH_ABBR_TITLE},
    {"Prof", 4, KH_ABBR_TITLE},
    {"Pvt", 3, KH_ABBR_TITLE},
    {"Rd", 2, KH_ABBR_END},
    {"Rep", 3, KH_ABBR_TITLE},
    {"Reps", 4, KH_ABBR_TITLE},
    {"Rev", 3, KH_ABBR_TITLE},
    {"Sec", 3, KH_ABBR_NUM},
    {"Sen", 3, KH_ABBR_TITLE},
    {"Sens", 4, KH_ABBR_TITLE},
    {"Sgt", 3, KH_ABBR_TITLE},
    {"Sr", 2, KH_ABBR_END},
    {"St", 2, KH_ABBR_TITLE},
    {"Supt", 4, KH_ABBR_TITLE},
    {"Tenn", 4, KH_ABBR_END},
    {"Tex", 3, KH_ABBR_END},
    {"Univ", 4, KH_ABBR_END},
    {"Va", 2, KH_ABBR_END},
    {"Vol", 3, KH_ABBR_NUM},
    {"Vols", 4, KH_ABBR_NUM},
    {"Vt", 2, KH_ABBR_END},
    {"Wash", 4, KH_ABBR_END},
    {"Wis", 3, KH_ABBR_END},
    {"Wyo", 3, KH_ABBR_END},
    {"al", 2, KH_ABBR_END},
    {"approx", 6, KH_ABBR_TITLE},
    {"est", 3, KH_ABBR_TITLE},
    {"etc", 3, KH_ABBR_END},
    {"no", 2, KH_ABBR_NUM},
    {"p", 1, KH_ABBR_NUM},
    {"pp", 2, KH_ABBR_NUM},
    {"vs", 2, KH_ABBR_TITLE},
};

/* A month abbreviation written "Jan" .. "Dec" or "Sept" (not "May", a word;
 * not "JAN" or "jan": the table is case-sensitive): an END word. */
static int month_abbrev(const char *s, size_t len)
{
    if (!kh_is_upper((unsigned char)s[0]))
        return 0;
    for (size_t i = 1; i < len; i++)
        if (!kh_is_lower((unsigned char)s[i]))
            return 0;
    int m = kh_month_find(s, len, KH_MONTH_ABBR | KH_MONTH_SEPT);
    return m != 0 && m != 5;
}

int kh_abbrev_class(const char *s, size_t len)
{
    size_t lo = 0, hi = KH_ARRAY_LEN(abbrevs);
    if (len == 0 || len > 8)
        return KH_ABBR_NONE;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const abbrev *a = &abbrevs[mid];
        size_t n = a->len < len ? a->len : len;
        int c = memcmp(a->word, s, n);
        if (c == 0)
            c = a->len < len ? -1 : a->len > len ? 1 : 0;
        if (c == 0)
            return a->cls;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return month_abbrev(s, len) ? KH_ABBR_END : KH_ABBR_NONE;
}
