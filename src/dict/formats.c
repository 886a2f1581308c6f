/*
 * formats.c: the dictionary source formats the builder reads, one row each.
 * khaldun's own format is parsed in this stage (source.c); the peers'
 * TABARI and PETRARCH formats by the peer wing's importers (src/peer/).
 * A new source format is one parser and one row here.
 */
#include "dict/build.h"
#include "peer/import.h"

const kh_src_format kh_src_formats[] = {
    {KH_DICT_KHALDUN, kh_src_khaldun},
    {KH_DICT_TABARI, kh_src_tabari},
    {KH_DICT_PETRARCH, kh_src_petrarch},
};
const size_t kh_src_n_formats = sizeof kh_src_formats / sizeof kh_src_formats[0];
