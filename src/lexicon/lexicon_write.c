/*
 * lexicon_write.c: the last step of the lexicon build (lexicon_build.c):
 * writes the "LEX1" image, with the tagger's weights when there are any.
 * The weights are read from a weights file (kh_lex_build_options.model_path)
 * or trained here (train_path) against the lexicon laid out in memory, so
 * the image is written once, complete, through the one output opener
 * (kh_image_write -> kh_output_open_ex): never over a file the build read,
 * and a regular file only replaced when the new image is whole.
 */
#include <string.h>

#include "lexicon/lexicon.h"
#include "tags/model.h"

#define LEX_ROLE "a file this build reads"

/* Trains the tagger against the lexicon of `secs`, laid out in memory (the
 * output is not written until the weights are in), and saves the weights to
 * opt->save_model when asked. */
static kh_status train(const kh_lex_build_options *opt, uint64_t source_hash,
                       const kh_file_id *inputs, size_t n_inputs,
                       const kh_image_section_in secs[6], kh_model_weights *m, kh_error *err)
{
    unsigned char *img = NULL;
    size_t img_size = 0;
    kh_lexicon *lex = NULL;
    kh_status st = kh_image_build(kh_fourcc("LEX1"), KH_LEX_VERSION, source_hash, secs, 6, NULL,
                                  &img, &img_size, err);
    if (!st)
        st = kh_lexicon_from_memory(img, img_size, NULL, &lex, err);
    if (!st)
        st = kh_model_train(lex, opt->train_path, opt->train_epochs, m, err);
    kh_lexicon_free(lex);
    kh_free(NULL, img);
    if (!st && opt->save_model)
        st = kh_model_weights_write(m, opt->save_model, inputs, n_inputs, LEX_ROLE, err);
    return st;
}

kh_status kh_lex_write_image(const kh_lex_build_options *opt, uint64_t source_hash,
                             const kh_file_id *inputs, size_t n_inputs,
                             const kh_image_section_in secs[6], const char *out_path,
                             kh_error *err)
{
    if (!opt->train_path && !opt->model_path)
        return kh_image_write(out_path, kh_fourcc("LEX1"), KH_LEX_VERSION, source_hash, secs, 6,
                              inputs, n_inputs, LEX_ROLE, NULL, err);
    kh_model_weights m;
    memset(&m, 0, sizeof m);
    kh_status st;
    if (opt->train_path) {
        st = train(opt, source_hash, inputs, n_inputs, secs, &m, err);
    } else {
        st = kh_model_weights_read(opt->model_path, &m, err);
        if (!st && m.lexicon_hash != source_hash && !(opt->flags & KH_LEXICON_STALE_MODEL_OK))
            st = kh_error_set(err, KH_ERR_VERSION, 0, 0,
                              "%s was trained against another lexicon (lexicon %016llx, this "
                              "one %016llx): retrain it with `make model`, which needs the UD "
                              "English-EWT dev set",
                              opt->model_path, (unsigned long long)m.lexicon_hash,
                              (unsigned long long)source_hash);
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
                            kh_hash64(&m.train_hash, sizeof m.train_hash, source_hash), all, 7,
                            inputs, n_inputs, LEX_ROLE, NULL, err);
    }
    kh_buf_free(&model);
    kh_model_weights_free(&m);
    return st;
}
