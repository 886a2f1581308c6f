/*
 * statement.h: statements, as the clause coder (clause.c) sees them
 * (statement.c): which clauses a report reports, who may make a statement,
 * of what kind, about whom. Internal to the events stage.
 */
#ifndef KH_EVENTS_STATEMENT_H
#define KH_EVENTS_STATEMENT_H

#include "events/coder.h"

/* Looks up the dictionary's &STMT_ synsets into c->stmt_syn (KH_NONE when
 * absent); called once by kh_clause_coder_setup. */
void kh_statement_setup(kh_coder *c);

/* The first clause of clause cl's sentence. */
size_t kh_sentence_clause0(const kh_doc *doc, size_t cl);
/* 1 when clause k is cl or reported (at any depth) by it. */
int kh_reported_by(const kh_doc *doc, size_t k, size_t cl);
/* 1 when some clause of c->doc is reported by clause cli directly. */
int kh_has_reported_children(kh_coder *c, size_t cli);

/* A media actor (role MED); a role code with no country or organisation. */
int kh_is_media(const char *code);
int kh_is_bare_role(const char *code);
/* A speaker whose plain comments are political statements (010). */
int kh_political_speaker(const char *code);
/* Whether speaker makes a statement event: not the police, the media or
 * civilians; for a plain comment (plain != 0) a political speaker, not a
 * pronoun or a bare role. */
int kh_statement_speaker(const kh_coder *c, int plain, const actor *speaker);

/* The statement the content of report cli makes, as a code record (010
 * when of no other kind); *kind says which (a static string). NULL when the
 * content names an act the coder could not code, or, with no kind, only
 * reports facts of the past (routine attribution). */
const kh_code_rec *kh_statement_code(kh_coder *c, size_t cli, const char **kind);
/* The statement tokens [first, end) make by their words alone (010 when
 * of no kind); *kind says which (a static string). */
const kh_code_rec *kh_statement_words(kh_coder *c, size_t first, size_t end, const char **kind);
/* The statement clause cli makes by its subject's state of mind (a
 * passive participle of a feeling: "X was disappointed by ..."), NULL when
 * none; *kind names the kind (a static string), *tok the feeling's token. */
const kh_code_rec *kh_statement_state(kh_coder *c, size_t cli, const char **kind, size_t *tok);
/* The actor the feeling at token tok of sentence si is about (not the speaker), into tgt
 * (MAX_ACTORS); returns how many. */
size_t kh_statement_state_target(kh_coder *c, size_t si, size_t tok, const actor *speaker, actor *tgt);
/* The actor report cli's content is about (other than the speaker), into
 * tgt (MAX_ACTORS); returns how many, 0 when none. */
size_t kh_statement_target(kh_coder *c, size_t cli, const actor *speaker, actor *tgt);

/* speaker.c: who speaks. 1 for the codes of speech acts (roots 01, 02,
 * 10-13). */
int kh_speech_code(const char *code);
/* A surname speaker NP ci ("Miyazawa") as the actor an earlier (with
 * KH_SPEAKER_LATER in how, a later) fuller phrase of the story names, into
 * *out; 1 when found, 2 when found and its country inferred from the story,
 * 0 when not. */
#define KH_SPEAKER_LATER 1u
int kh_speaker_by_surname(kh_coder *c, int32_t ci, unsigned how, actor *out);
/* The bare-role speaker of a statement of a kind takes the story's country;
 * 1 when the code changed, *why the evidence (a static string). */
int kh_speaker_country(kh_coder *c, size_t cli, actor *speaker, const char **why);
/* A headline "Speaker: what was said" whose clauses gave no event: the
 * statement of a named political speaker; `first_clause` is the sentence's
 * first clause. */
kh_status kh_speaker_headline(kh_coder *c, size_t si, size_t first_clause);

#endif
