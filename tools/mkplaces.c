/*
 * tools/mkplaces.c: dump the gazetteer of Debian's libgeonames0 as tab-separated text.
 *
 * Set-up time only: tools/mkplaces.sh builds and runs this program, then turns its output
 * into the [places] section of the default dictionary (ISO3 codes, cleaning, sorting).
 * libgeonames0 holds GeoNames' cities15000 set compiled into the library; its public API
 * gives name, region, country, coordinates and population, and each city is a GVariant of
 * type (sssssssudd) whose first and third members are the GeoNames id and the region code.
 *
 * The libraries are opened with dlopen, so no -dev package (libgeonames-dev, libglib2.0-dev)
 * is needed: only libgeonames0 and the libglib2.0-0 it depends on. Prototypes are declared
 * here by hand from geonames.h and glib's gvariant.h; the record type is checked before any
 * member is read, so a future libgeonames with another layout fails loudly instead of
 * printing garbage.
 *
 * Output, one city a line, in the library's order (the caller sorts):
 *     GEONAMES_ID  NAME  ASCII_NAME  ADMIN1_CODE  ADMIN1_NAME  ISO2  POPULATION  LAT  LON
 * ASCII_NAME is NAME transliterated by iconv ("São Paulo" -> "Sao Paulo"), empty when it
 * equals NAME or when some character has no ASCII form. Tabs, newlines and other control
 * bytes inside strings become spaces. Coordinates have 4 decimals. It does not clean
 * dictionary metacharacters (| ; #): mkplaces.sh does.
 *
 *     mkplaces [LIBGEONAMES_PATH]      (default: libgeonames.so.0 from the loader's path)
 * Exit status 0, or 1 with a message on standard error.
 */
#include <dlfcn.h>
#include <iconv.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct GVariant GVariant;

/* The names of the record's members, in order (for the layout check). */
#define CITY_TYPE "(sssssssudd)"
enum { M_ID = 0, M_ADMIN1_CODE = 2 };

typedef struct api {
    int (*n_cities)(void);
    GVariant *(*get_city)(int index);
    void (*city_free)(GVariant *city);
    const char *(*city_name)(GVariant *city);
    const char *(*city_state)(GVariant *city);
    const char *(*city_country_code)(GVariant *city);
    double (*city_lat)(GVariant *city);
    double (*city_lon)(GVariant *city);
    unsigned (*city_population)(GVariant *city);
    const char *(*type_string)(GVariant *value);
    GVariant *(*child_value)(GVariant *value, size_t index);
    const char *(*get_string)(GVariant *value, size_t *length);
    void (*unref)(GVariant *value);
} api;

static int die(const char *what, const char *detail)
{
    fprintf(stderr, "mkplaces: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

/* Looks SYMBOL up in HANDLE and stores it in *SLOT; 0 on success. */
static int bind_sym(void *handle, const char *symbol, void *slot)
{
    void *p = dlsym(handle, symbol);
    if (!p) return die("missing symbol", symbol);
    memcpy(slot, &p, sizeof p); /* object pointer -> function pointer, as POSIX allows */
    return 0;
}

/* Writes S with control bytes (tabs, newlines) turned into spaces. NULL prints nothing. */
static void put_clean(const char *s)
{
    if (!s) return;
    for (; *s; s++) putchar((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

/* Writes the ASCII transliteration of S, or nothing when it equals S or is incomplete. */
static void put_ascii(iconv_t cd, const char *s)
{
    char buf[256], out[1024]; /* iconv wants a non-const input; 4 output bytes a byte is ample */
    if (!s || cd == (iconv_t)-1) return;
    size_t inlen = strlen(s);
    if (inlen >= sizeof buf) return;
    memcpy(buf, s, inlen + 1);
    char *in = buf, *o = out;
    size_t left = sizeof out - 1;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &in, &inlen, &o, &left) == (size_t)-1) return;
    *o = '\0';
    if (strchr(out, '?') || strcmp(out, s) == 0) return;
    put_clean(out);
}

/* Prints a coordinate with 4 decimals, never "-0.0000". */
static void put_coord(double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.4f", v);
    fputs(strcmp(buf, "-0.0000") == 0 ? "0.0000" : buf, stdout);
}

int main(int argc, char **argv)
{
    const char *libpath = argc > 1 ? argv[1] : "libgeonames.so.0";
    void *geo = dlopen(libpath, RTLD_NOW | RTLD_GLOBAL);
    if (!geo) return die("cannot open the gazetteer library (install Debian's libgeonames0)", dlerror());
    void *glib = dlopen("libglib-2.0.so.0", RTLD_NOW);
    if (!glib) return die("cannot open libglib-2.0.so.0", dlerror());
    api a;
    if (bind_sym(geo, "geonames_get_n_cities", &a.n_cities) || bind_sym(geo, "geonames_get_city", &a.get_city) ||
        bind_sym(geo, "geonames_city_free", &a.city_free) || bind_sym(geo, "geonames_city_get_name", &a.city_name) ||
        bind_sym(geo, "geonames_city_get_state", &a.city_state) ||
        bind_sym(geo, "geonames_city_get_country_code", &a.city_country_code) ||
        bind_sym(geo, "geonames_city_get_latitude", &a.city_lat) ||
        bind_sym(geo, "geonames_city_get_longitude", &a.city_lon) ||
        bind_sym(geo, "geonames_city_get_population", &a.city_population) ||
        bind_sym(glib, "g_variant_get_type_string", &a.type_string) ||
        bind_sym(glib, "g_variant_get_child_value", &a.child_value) ||
        bind_sym(glib, "g_variant_get_string", &a.get_string) || bind_sym(glib, "g_variant_unref", &a.unref))
        return 1;

    /* iconv's //TRANSLIT tables follow LC_CTYPE; C.UTF-8 ships with Debian's libc6. */
    if (!setlocale(LC_CTYPE, "C.UTF-8")) setlocale(LC_CTYPE, "");
    iconv_t cd = iconv_open("ASCII//TRANSLIT", "UTF-8");

    int n = a.n_cities();
    if (n <= 0) return die("the gazetteer library holds no cities", NULL);
    for (int i = 0; i < n; i++) {
        GVariant *c = a.get_city(i);
        if (!c) return die("geonames_get_city returned NULL", NULL);
        const char *type = a.type_string(c);
        if (!type || strcmp(type, CITY_TYPE) != 0)
            return die("unexpected city record type (expected " CITY_TYPE ")", type);
        GVariant *id = a.child_value(c, M_ID);
        GVariant *admin = a.child_value(c, M_ADMIN1_CODE);
        const char *name = a.city_name(c);
        put_clean(a.get_string(id, NULL));
        putchar('\t');
        put_clean(name);
        putchar('\t');
        put_ascii(cd, name);
        putchar('\t');
        put_clean(a.get_string(admin, NULL));
        putchar('\t');
        put_clean(a.city_state(c));
        putchar('\t');
        put_clean(a.city_country_code(c));
        printf("\t%u\t", a.city_population(c));
        put_coord(a.city_lat(c));
        putchar('\t');
        put_coord(a.city_lon(c));
        putchar('\n');
        a.unref(admin);
        a.unref(id);
        a.city_free(c);
    }
    if (cd != (iconv_t)-1) iconv_close(cd);
    if (fflush(stdout) != 0 || ferror(stdout)) return die("write error", NULL);
    return 0;
}
