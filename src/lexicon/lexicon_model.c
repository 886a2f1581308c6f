/*
 * lexicon_model.c: the tagger's weights in the lexicon image. The last step
 * of kh_lexicon_build_ex (lexicon_build.c): the weights are read from the
 * shipped weights file (kh_lex_build_options.model_path, what set-up does),
 * or trained on a CoNLL-U file against the freshly built lexicon
 * (train_path, what `make model` does), and written as the image's model
 * section after the lexicon's own. Nothing here runs at tagging time.
 */
#include "lexicon/lexicon.h"
#include "tags/model.h"

/*
 * Writes the image: the lexicon's six sections, plus the tagger's weights
 * when they are trained here (opt->train_path: train against the lexicon
 * just written, then rewrite the image with the weights, and save them to
 * opt->save_model when asked) or read from a weights file
 * (opt->model_path). Both ways give the same bytes for the same weights:
 * the image's source hash mixes in the training file's hash either way.
 */
kh_status kh_lex_write_image(const kh_lex_build_options *opt, uint64_t source_hash,
                             const kh_image_section_in secs[6], const char *out_path,
                             kh_error *err)
{
    kh_model_weights m;
    memset(&m, 0, sizeof m);
    kh_status st = KH_OK;
    if (opt->train_path) {
        st = kh_image_write(out_path, kh_fourcc("LEX1"), KH_LEX_VERSION, source_hash, secs,
                            6, NULL, err);
        kh_lexicon *lex = NULL;
        if (!st)
            st = kh_lexicon_load(out_path, NULL, &lex, err);
        if (!st)
            st = kh_model_train(lex, opt->train_path, opt->train_epochs, &m, err);
        kh_lexicon_free(lex);
        if (!st && opt->save_model)
            st = kh_model_weights_write(&m, opt->save_model, err);
    } else if (opt->model_path) {
        st = kh_model_weights_read(opt->model_path, &m, err);
        if (!st && m.lexicon_hash != source_hash && !(opt->flags & KH_LEXICON_STALE_MODEL_OK))
            st = kh_error_set(err, KH_ERR_VERSION, 0, 0,
                              "%s was trained against another lexicon (lexicon %016llx, this "
                              "one %016llx): retrain it with `make model`, which needs the UD "
                              "English-EWT dev set",
                              opt->model_path, (unsigned long long)m.lexicon_hash,
                              (unsigned long long)source_hash);
    } else {
        return kh_image_write(out_path, kh_fourcc("LEX1"), KH_LEX_VERSION, source_hash, secs,
                              6, NULL, err);
    }
    kh_buf model;
    kh_buf_init(&model, NULL, 0);
    if (!st && (st = kh_model_pack(&m, &model)) != KH_OK)
        st = kh_error_set(err, st, 0, 0, "laying out the tagger's weights: %s",
                          kh_strerror(st));
    if (!st) {
        kh_image_section_in all[7] = {
            secs[0], secs[1], secs[2], secs[3], secs[4], secs[5],
            {KH_LEX_SEC_MODEL, model.data, model.len},
        };
        st = kh_image_write(out_path, kh_fourcc("LEX1"), KH_LEX_VERSION,
                            kh_hash64(&m.train_hash, sizeof m.train_hash, source_hash), all,
                            7, NULL, err);
    }
    kh_buf_free(&model);
    kh_model_weights_free(&m);
    return st;
}
