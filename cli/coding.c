/*
 * coding.c: what the coding subcommands (code, explain, eval) share:
 * loading the lexicon and the dictionary image, or building an image from
 * TABARI / PETRARCH / khaldun sources given on the command line.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void cli_models_init(cli_models *m)
{
    memset(m, 0, sizeof *m);
    m->dict_format = KH_DICT_KHALDUN;
}

int cli_text_option(cli_input *in, cli_models *m, const char **text, int argc, char **argv, int i,
                    const char *usage)
{
    int used;
    if (!strcmp(argv[i], "-e")) {
        if (i + 1 >= argc)
            usage_error(usage, "-e needs a text");
        *text = argv[i + 1];
        return 2;
    }
    if ((used = cli_input_option(in, argc, argv, i, usage)) > 0)
        return used;
    return cli_models_option(m, argc, argv, i, usage);
}

int cli_models_option(cli_models *m, int argc, char **argv, int i, const char *usage)
{
    const char *a = argv[i];
    if (!strcmp(a, "--dict") || !strcmp(a, "--lexicon") || !strcmp(a, "--dict-format")) {
        if (i + 1 >= argc)
            usage_error(usage, "%s needs a value", a);
        const char *v = argv[i + 1];
        if (!strcmp(a, "--lexicon")) {
            m->lexicon_path = v;
        } else if (!strcmp(a, "--dict")) {
            if (m->n_dict_paths >= sizeof m->dict_paths / sizeof m->dict_paths[0])
                usage_error(usage, "too many --dict options");
            m->dict_paths[m->n_dict_paths++] = v;
        } else if (!strcmp(v, "khaldun")) {
            m->dict_format = KH_DICT_KHALDUN;
        } else if (!strcmp(v, "tabari")) {
            m->dict_format = KH_DICT_TABARI;
        } else if (!strcmp(v, "petrarch")) {
            m->dict_format = KH_DICT_PETRARCH;
        } else {
            usage_error(usage, "unknown dictionary format '%s' (khaldun, tabari, petrarch)", v);
        }
        return 2;
    }
    return 0;
}

static int is_image(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char magic[8] = {0};
    size_t n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == 8 && !memcmp(magic, "KHALDUN", 8);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *ext)
{
    size_t n = strlen(s), e = strlen(ext);
    return n >= e && !strcasecmp(s + n - e, ext);
}

/* Is a file in a folder source one the format reads? khaldun and PETRARCH:
 * *.txt. TABARI: its extensions (.actors .agents .verbs .options), or with
 * `project` only *.project. */
static int dir_wants(kh_dict_format f, const char *name, int project)
{
    if (f != KH_DICT_TABARI)
        return ends_with(name, ".txt");
    if (project)
        return ends_with(name, ".project");
    return ends_with(name, ".actors") || ends_with(name, ".agents") ||
           ends_with(name, ".verbs") || ends_with(name, ".options");
}

/* The entries of a folder, sorted, as "dir/name" (the caller frees them). */
static char **dir_list(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        fatal("%s: cannot open directory", dir);
    char **names = NULL;
    size_t cap = 0;
    struct dirent *e;
    *n = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                fatal("out of memory");
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[*n] = malloc(len);
        if (!names[*n])
            fatal("out of memory");
        snprintf(names[*n], len, "%s/%s", dir, e->d_name);
        (*n)++;
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

size_t cli_dict_add(kh_dict_builder *b, kh_dict_format format, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        fatal("%s: no such file or directory", path);
    if (!S_ISDIR(st.st_mode)) {
        kh_status s = kh_dict_builder_add(b, format, path, NULL, 0);
        if (s && s != KH_ERR_FORMAT)
            fatal("%s: %s", path, kh_strerror(s));
        return 1;
    }
    size_t n, files = 0;
    char **names = dir_list(path, &n);
    /* A TABARI folder with a project file: the files the project names,
     * as TABARI reads them. */
    int project = 0;
    for (size_t i = 0; i < n && format == KH_DICT_TABARI; i++)
        project |= dir_wants(format, names[i], 1) && stat(names[i], &st) == 0 &&
                   S_ISREG(st.st_mode);
    for (size_t i = 0; i < n; i++) {
        if (stat(names[i], &st) == 0 &&
            ((S_ISDIR(st.st_mode) && !project) ||
             (S_ISREG(st.st_mode) && dir_wants(format, names[i], project))))
            files += cli_dict_add(b, format, names[i]);
        free(names[i]);
    }
    free(names);
    return files;
}

/* Prints what a peer import read and loaded, by kind (standard error). */
void cli_dict_summary(const kh_dict_builder *b)
{
    kh_dict_build_summary s;
    kh_dict_builder_summary(b, &s);
    if (!s.peer)
        return;
    static const char *const kinds[KH_ENTRY_KINDS] = {"actors", "agents", "verbs and patterns",
                                                      "synset members"};
    char line[512];
    size_t n = 0;
    for (int k = 0; k < KH_ENTRY_KINDS && n < sizeof line; k++)
        if (s.read[k])
            n += (size_t)snprintf(line + n, sizeof line - n, "%s%zu of %zu %s", n ? ", " : "",
                                  s.read[k] - s.skipped[k], s.read[k], kinds[k]);
    fprintf(stderr, "khaldun: loaded %s; %zu line%s skipped (a warning each)", n ? line : "nothing",
            s.skipped_lines, s.skipped_lines == 1 ? "" : "s");
    if (s.remarks)
        fprintf(stderr, "; %zu remark%s not shown (duplicates, codes outside the table: "
                "--strict shows them)", s.remarks, s.remarks == 1 ? "" : "s");
    fputc('\n', stderr);
}

/* Builds an image from sources into a temporary file and loads it. */
static void build_dict(cli_models *m)
{
    cli_diag diag = {0, 0, 1, 1};
    kh_dict_builder *b;
    kh_status s = kh_dict_builder_new(NULL, cli_diag_print, &diag, &b);
    if (s)
        fatal("%s", kh_strerror(s));
    if (m->dict_format != KH_DICT_KHALDUN) {
        const char *env = getenv("KHALDUN_SOURCE_DATA");
        char cameo[4096];
        snprintf(cameo, sizeof cameo, "%s/cameo.txt", env && *env ? env : "data");
        struct stat st;
        if (stat(cameo, &st) == 0) {
            s = kh_dict_builder_add(b, KH_DICT_KHALDUN, cameo, NULL, 0);
            if (s && s != KH_ERR_FORMAT)
                fatal("%s: %s", cameo, kh_strerror(s));
        }
    }
    for (size_t i = 0; i < m->n_dict_paths; i++)
        cli_dict_add(b, m->dict_format, m->dict_paths[i]);
    char tmpl[] = "/tmp/khaldun-dict-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0)
        fatal("cannot create a temporary file");
    close(fd);
    kh_error err;
    memset(&err, 0, sizeof err);
    s = kh_dict_builder_finish(b, tmpl, &err);
    kh_dict_builder_free(b);
    if (s) {
        unlink(tmpl);
        fatal("dictionary sources: %s", err.message[0] ? err.message : kh_strerror(s));
    }
    s = kh_dict_load(tmpl, NULL, &m->dict, &err);
    unlink(tmpl); /* the mapping stays valid */
    if (s)
        fatal("%s", err.message[0] ? err.message : kh_strerror(s));
}

/* An image without verb patterns codes no event, whatever the input: every
 * run would report success with 0 events, code --db would mark the stories
 * as stored, recode would delete every event. It is refused by name. */
static void need_patterns(const kh_dict *d, const char *name)
{
    kh_dict_stats st;
    kh_dict_stats_get(d, &st);
    if (!st.patterns)
        fatal("%s: the dictionary has no verb patterns, so it can code no event (it holds %s); "
              "nothing was done", name,
              st.actors || st.countries || st.agents || st.places ? "names but no verbs"
              : st.codes ? "event codes only" : "nothing");
}

void cli_models_load(cli_models *m)
{
    kh_error err;
    memset(&err, 0, sizeof err);
    const char *lex = m->lexicon_path ? m->lexicon_path : cli_data_path("lexicon.img");
    if (!lex)
        cli_data_missing("lexicon image", "lexicon.img", "--lexicon FILE");
    kh_status s = kh_lexicon_load(lex, NULL, &m->lexicon, &err);
    if (s)
        fatal("%s", err.message[0] ? err.message : kh_strerror(s));
    if (m->n_dict_paths == 1 && m->dict_format == KH_DICT_KHALDUN && is_image(m->dict_paths[0])) {
        s = kh_dict_load(m->dict_paths[0], NULL, &m->dict, &err);
        if (s)
            fatal("%s", err.message[0] ? err.message : kh_strerror(s));
        need_patterns(m->dict, m->dict_paths[0]);
        return;
    }
    if (m->n_dict_paths) {
        build_dict(m);
        need_patterns(m->dict, m->dict_paths[0]);
        return;
    }
    const char *img = cli_data_path("khaldun.dict");
    if (!img)
        cli_data_missing("dictionary image", "khaldun.dict", "--dict FILE");
    s = kh_dict_load(img, NULL, &m->dict, &err);
    if (s)
        fatal("%s", err.message[0] ? err.message : kh_strerror(s));
    need_patterns(m->dict, img);
}

void cli_models_free(cli_models *m)
{
    kh_dict_free(m->dict);
    kh_lexicon_free(m->lexicon);
    m->dict = NULL;
    m->lexicon = NULL;
}
