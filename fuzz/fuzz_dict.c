/*
 * fuzz_dict.c: libFuzzer harness for the dictionary source parsers. The
 * first byte picks the format (khaldun, TABARI, PETRARCH) and the kind of
 * file (by its name: actors, agents, verbs, options, discards); the rest is
 * the file's text, fed to kh_dict_builder_add and checked by
 * kh_dict_builder_finish with no output file. Hand-edited dictionaries are
 * hostile input: nothing may crash, leak or read out of bounds.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude -Isrc fuzz/fuzz_dict.c \
 *         $(find src -name '*.c') -lsqlite3 -lm -o build-fuzz/fuzz_dict
 *   build-fuzz/fuzz_dict -dict=fuzz/dict/dict.dict fuzz/corpus/dict
 *
 * A .project is never picked: it would read files named in the input.
 */
#include <stddef.h>
#include <stdint.h>

#include "khaldun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const tabari[] = {"f.actors", "f.agents", "f.verbs", "f.options"};
    static const char *const petrarch[] = {"f.actors.txt", "f.agents.txt", "f.verbs.txt",
                                           "f.discards.txt", "f.txt"};
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    data++;
    size--;
    kh_dict_format fmt = (kh_dict_format)(sel % 3);
    const char *name = "f.txt";
    if (fmt == KH_DICT_TABARI)
        name = tabari[(sel / 3) % 4];
    else if (fmt == KH_DICT_PETRARCH)
        name = petrarch[(sel / 3) % 5];
    kh_dict_builder *b;
    if (kh_dict_builder_new(NULL, NULL, NULL, &b) != KH_OK)
        return 0;
    /* An empty input still goes through the parser (data must not be NULL). */
    static const char empty[1] = {0};
    kh_dict_builder_add(b, fmt, name, size ? (const char *)data : empty, size);
    kh_dict_builder_finish(b, NULL, NULL);
    kh_dict_builder_free(b);
    return 0;
}
