/*
 * import_tabari.c: TABARI dictionaries (.actors, .agents, .verbs) into the
 * builder. (In progress: the importer lands in its own change.)
 */
#include "dict/build.h"

kh_status kh_src_tabari(kh_dict_builder *b, const char *name, const char *data, size_t len)
{
    (void)data;
    (void)len;
    kh_srcpos pos = {name, 0, 0};
    kh_bld_diag(b, &pos, KH_SEV_ERROR, "the TABARI importer is not built yet");
    return KH_ERR_FORMAT;
}
