/*
** values.c — from a rule match to a mention's normalized value.
**
** Amounts are exact decimals (mant * 10^exp in an int64) so that
** "1,57 Milliarden" is 1570000000 and never 1569999999.9999998. Digits are
** parsed by ICU's decimal formatter for the rule file's locale
** (unum_parseDecimal), after any space-like grouping character is replaced
** by the locale's own grouping symbol ("300 000" with U+00A0 in French).
** Spelled-out numbers come from the "numword" lexicon, else from ICU's
** spell-out rules (UNUM_SPELLOUT), which know "cinq cents" and "zehn".
**
** Dates are ISO strings at a precision (2023, 2023-H1, 2023-Q1, 2023-03,
** 2023-03-15). A partial date ("30 juin", "im Dezember") takes the year that
** puts it closest to the article's publication date and is flagged
** resolved; a relative one ("last month", "vor über 5 Jahren") is computed
** from the publication date at the coarser of the two precisions. Vague
** references ("il y a quelques semaines") keep a TIMEX-style marker
** (PAST_REF, PRESENT_REF, FUTURE_REF). Durations are ISO 8601 (P5Y6M; PXY
** when the number of years is unsaid).
**
** Not done on purpose: no arithmetic on dates finer than a day; no time
** zones (news dates are calendar dates).
*/
#include "extract_int.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <unicode/ustring.h>

/* ------------------------------------------------------------ decimals */

int dec_parse(const char *s, dec *out)
{
    memset(out, 0, sizeof *out);
    int neg = 0, seen = 0, frac = 0, exp = 0;
    int64_t m = 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    for (; *s; s++) {
        if (*s == '.') {
            if (frac)
                return 0;
            frac = 1;
            continue;
        }
        if (*s == 'e' || *s == 'E') {
            int e = atoi(s + 1);
            if (e > 30 || e < -30)
                return 0;
            exp += e;
            break;
        }
        if (!isdigit((unsigned char)*s))
            return 0;
        seen = 1;
        if (m > (INT64_MAX - 9) / 10) {   /* too many digits: drop precision, keep magnitude */
            if (!frac)
                exp++;
            continue;
        }
        m = m * 10 + (*s - '0');
        if (frac)
            exp--;
    }
    if (!seen)
        return 0;
    while (m && m % 10 == 0) {
        m /= 10;
        exp++;
    }
    out->mant = neg ? -m : m;
    out->exp = m ? exp : 0;
    out->is_set = 1;
    return 1;
}

int dec_mul(dec a, dec b, dec *out)
{
    int64_t p;
    if (__builtin_mul_overflow(a.mant, b.mant, &p))
        return 0;
    int e = a.exp + b.exp;
    while (p != 0 && p % 10 == 0) {
        p /= 10;
        e++;
    }
    out->mant = p;
    out->exp = p ? e : 0;
    out->is_set = 1;
    return 1;
}

int dec_add(dec a, dec b, dec *out)
{
    /* align to the smaller exponent */
    while (a.exp > b.exp) {
        if (a.mant > INT64_MAX / 10 || a.mant < -INT64_MAX / 10)
            return 0;
        a.mant *= 10;
        a.exp--;
    }
    while (b.exp > a.exp) {
        if (b.mant > INT64_MAX / 10 || b.mant < -INT64_MAX / 10)
            return 0;
        b.mant *= 10;
        b.exp--;
    }
    int64_t s;
    if (__builtin_add_overflow(a.mant, b.mant, &s))
        return 0;
    out->mant = s;
    out->exp = a.exp;
    while (out->mant && out->mant % 10 == 0) {
        out->mant /= 10;
        out->exp++;
    }
    if (!out->mant)
        out->exp = 0;
    out->is_set = 1;
    return 1;
}

void dec_format(dec d, char *out, size_t size)
{
    char digits[32];
    int64_t m = d.mant < 0 ? -d.mant : d.mant;
    snprintf(digits, sizeof digits, "%lld", (long long)m);
    size_t nd = strlen(digits);
    char tmp[96];
    size_t k = 0;
    if (d.mant < 0)
        tmp[k++] = '-';
    if (d.exp >= 0) {
        if (nd + (size_t)d.exp + 2 > sizeof tmp) {
            snprintf(out, size, "%se%d", digits, d.exp);
            return;
        }
        memcpy(tmp + k, digits, nd);
        k += nd;
        for (int i = 0; i < d.exp && m; i++)
            tmp[k++] = '0';
    } else {
        size_t frac = (size_t)(-d.exp);
        if (frac + nd + 4 > sizeof tmp) {
            snprintf(out, size, "%se%d", digits, d.exp);
            return;
        }
        if (nd <= frac) {
            tmp[k++] = '0';
            tmp[k++] = '.';
            for (size_t i = 0; i < frac - nd; i++)
                tmp[k++] = '0';
            memcpy(tmp + k, digits, nd);
            k += nd;
        } else {
            memcpy(tmp + k, digits, nd - frac);
            k += nd - frac;
            tmp[k++] = '.';
            memcpy(tmp + k, digits + nd - frac, frac);
            k += frac;
        }
    }
    tmp[k] = 0;
    snprintf(out, size, "%s", tmp);
}

double dec_to_double(dec d)
{
    return (double)d.mant * pow(10.0, d.exp);
}

/* ------------------------------------------------------- value context */

void value_ctx_init(value_ctx *vc, const ruleset *rs, const nc_article *a)
{
    memset(vc, 0, sizeof *vc);
    vc->rs = rs;
    vc->pub_date = a && a->pub_date[0] ? a->pub_date : "";
    vc->pub_precision = a ? a->pub_date_precision : NC_PREC_NONE;
}

void value_ctx_reset(value_ctx *vc, const nc_article *a)
{
    vc->pub_date = a && a->pub_date[0] ? a->pub_date : "";
    vc->pub_precision = a ? a->pub_date_precision : NC_PREC_NONE;
    vc->sent = NULL;
    vc->sent_len = 0;
    vc->year_guessed = 0;
}

void value_ctx_free(value_ctx *vc)
{
    if (vc->dec_fmt)
        unum_close(vc->dec_fmt);
    if (vc->spell_fmt)
        unum_close(vc->spell_fmt);
    vc->dec_fmt = vc->spell_fmt = NULL;
}

/* Digits as written in the rule file's locale. */
static int parse_digits(value_ctx *vc, const char *s, size_t len, dec *out)
{
    /* ASCII digits alone ("70", "2023", most numbers in news) read the same
    ** in every locale: ICU gives them back as written, leading zeros
    ** dropped, up to 19 digits, and dec_parse drops them too */
    size_t nd = 0;
    while (nd < len && s[nd] >= '0' && s[nd] <= '9')
        nd++;
    if (nd == len && len > 0 && len <= 15) {
        char z[16];
        memcpy(z, s, len);
        z[len] = 0;
        return dec_parse(z, out);
    }
    if (!vc->dec_fmt) {
        UErrorCode st = U_ZERO_ERROR;
        vc->dec_fmt = unum_open(UNUM_DECIMAL, NULL, 0, vc->rs->locale, NULL, &st);
        if (U_FAILURE(st)) {
            vc->dec_fmt = NULL;
            return 0;
        }
        UChar sym[8];
        st = U_ZERO_ERROR;
        int32_t n = unum_getSymbol(vc->dec_fmt, UNUM_GROUPING_SEPARATOR_SYMBOL, sym, 8, &st);
        vc->group_sep = U_SUCCESS(st) && n == 1 ? sym[0] : ',';
        st = U_ZERO_ERROR;
        n = unum_getSymbol(vc->dec_fmt, UNUM_DECIMAL_SEPARATOR_SYMBOL, sym, 8, &st);
        vc->decimal_comma = U_SUCCESS(st) && n == 1 && sym[0] == ',';
    }
    UChar u[128];
    int32_t ulen = 0;
    UErrorCode st = U_ZERO_ERROR;
    if (len > 100)
        return 0;                       /* no money has 100 digits: refuse, don't guess */
    u_strFromUTF8(u, 128, &ulen, s, (int32_t)len, &st);
    if (U_FAILURE(st))
        return 0;
    /* spaces that group digits become the locale's grouping symbol */
    int32_t k = 0;
    for (int32_t i = 0; i < ulen; i++) {
        UChar c = u[i];
        if (c == ' ' || c == 0xA0 || c == 0x202F || c == 0x2009 || c == '\'' || c == 0x2019)
            c = vc->group_sep;
        /* where the decimal mark is a comma, a point can only group digits
        ** (a rule's NUM lets it through only between groups of three) */
        else if (c == '.' && vc->decimal_comma)
            c = vc->group_sep;
        u[k++] = c;
    }
    ulen = k;
    char outbuf[64];
    int32_t pos = 0;
    st = U_ZERO_ERROR;
    int32_t olen = unum_parseDecimal(vc->dec_fmt, u, ulen, &pos, outbuf, sizeof outbuf, &st);
    /* a result that fills the buffer comes back without its NUL (found by fuzz_extract) */
    if (U_FAILURE(st) || pos != ulen || olen <= 0 || olen >= (int32_t)sizeof outbuf)
        return 0;
    return dec_parse(outbuf, out);
}

/* One word of a spelled-out number: its value, whether it is a scale
** ("million", "dozen"), and whether it was glued to the one before it. */
typedef struct wtok {
    double d;
    int mult;
    int glued;
} wtok;
#define MAX_WTOK 48
#define GLUE_BUDGET 400     /* steps of backtracking for one glued word */

/* Split one case-folded word made of lexicon entries written together, as
** German writes numbers ("einhunderteinunddreißig": ein hundert ein und
** dreißig; "zweieinhalb": zwei einhalb), into t[n..]: the longest entry first,
** backtracking when the rest cannot be split, within *budget steps. Entries
** of "numword" and "scale" give tokens, "numjoin" ones ("und") are dropped.
** Returns the new number of tokens, or -1 if the word is not such a number. */
static int split_glued(const ruleset *rs, const char *f, size_t len, wtok *t, int n, int *budget)
{
    if (len == 0)
        return n;
    if (n >= MAX_WTOK || --*budget < 0)
        return -1;
    static const char *const names[] = { "numword", "scale", "numjoin" };
    struct cand { size_t k; double d; int kind; } c[64];
    int nc = 0;
    for (int li = 0; li < 3; li++) {
        const lexicon *lx = lex_find(rs, names[li]);
        for (size_t e = 0; lx && e < lx->n && nc < 64; e++) {
            const char *fe = lx->v[e].folded;
            size_t k = strlen(fe);
            if (k == 0 || k > len || memcmp(fe, f, k))
                continue;
            c[nc].k = k;
            c[nc].d = li < 2 ? strtod(lx->v[e].value, NULL) : 0;
            c[nc].kind = li;
            nc++;
        }
    }
    /* longest first; a stable order otherwise (the lexicon's) */
    for (int a = 1; a < nc; a++)
        for (int b = a; b > 0 && c[b].k > c[b - 1].k; b--) {
            struct cand x = c[b];
            c[b] = c[b - 1];
            c[b - 1] = x;
        }
    for (int a = 0; a < nc; a++) {
        int m = n;
        if (c[a].kind < 2) {
            t[m].d = c[a].d;
            t[m].mult = c[a].kind == 1;
            t[m].glued = 1;       /* the caller unglues the word's first */
            m++;
        }
        int r = split_glued(rs, f + c[a].k, len - c[a].k, t, m, budget);
        if (r >= 0)
            return r;
    }
    return -1;
}

/* A spelled-out number: the numword lexicon, else ICU spell-out rules. */
static int parse_words(value_ctx *vc, const char *s, size_t len, dec *out)
{
    const char *v = lex_lookup(vc->rs, "numword", s, len);
    if (v)
        return dec_parse(v, out);
    /* Several words ("cinq cents", "vingt-cinq", "two hundred", "twenty-one
    ** trillion three hundred", "zweihundertsechsundfünfzig"): words below 100
    ** add; "hundred" multiplies the group before it; a word of 1000 and above
    ** multiplies the group, or everything before it when that is smaller
    ** ("three lakh crore", "two thousand million"); a scale below 100
    ** ("dozen") multiplies the small words just before it ("three hundred and
    ** two dozens" 324). Scales ("million", "crore") come from the "scale"
    ** lexicon, joining words of the "numjoin" lexicon ("et", "und", "and")
    ** are skipped. A word found in no lexicon may be lexicon entries written
    ** together (split_glued). */
    {
        wtok t[MAX_WTOK];
        int nt = 0, ok = 1;
        size_t i = 0;
        while (i < len && ok) {
            while (i < len && (s[i] == ' ' || s[i] == '-' || (unsigned char)s[i] == 0xC2 || (unsigned char)s[i] == 0xA0))
                i++;
            size_t b = i;
            while (i < len && s[i] != ' ' && s[i] != '-' && (unsigned char)s[i] != 0xC2)
                i++;
            if (i == b)
                break;
            if (lex_lookup(vc->rs, "numjoin", s + b, i - b))
                continue;
            /* the longest lexicon entry of up to four words starting here:
            ** "quatre-vingt" (80) then "quinze", not 4 + 20 + 15 */
            const char *w = NULL;
            int mult = 0;
            {
                size_t e = i;
                for (int k = 0; k < 4 && e < len; k++) {
                    while (e < len && (s[e] == ' ' || s[e] == '-'))
                        e++;
                    while (e < len && s[e] != ' ' && s[e] != '-' && (unsigned char)s[e] != 0xC2)
                        e++;
                    const char *lw = lex_lookup(vc->rs, "numword", s + b, e - b);
                    if (lw) {
                        w = lw;
                        i = e;
                    }
                }
            }
            if (!w)
                w = lex_lookup(vc->rs, "numword", s + b, i - b);
            if (!w && (w = lex_lookup(vc->rs, "scale", s + b, i - b)) != NULL)
                mult = 1;
            if (w) {
                if (nt >= MAX_WTOK) {
                    ok = 0;
                    break;
                }
                t[nt].d = strtod(w, NULL);
                t[nt].mult = mult;
                t[nt].glued = 0;
                nt++;
                continue;
            }
            char f[256];
            if (i - b >= 200) {       /* folding would cut it: a prefix must not pass for it */
                ok = 0;
                break;
            }
            fold_utf8(s + b, i - b, f, sizeof f);
            int budget = GLUE_BUDGET;
            int r = split_glued(vc->rs, f, strlen(f), t, nt, &budget);
            if (r < 0 || r == nt) {
                ok = 0;
                break;
            }
            t[nt].glued = 0;          /* the word's first part follows a space */
            nt = r;
        }
        double total = 0, hi = 0, lo = 0;
        int any = 0;
        for (int k = 0; ok && k < nt; k++) {
            double d = t[k].d;
            int mult = t[k].mult;
            /* "a" before a number is an article: "a five billion dollar deal",
            ** "a three-year contract" (not 1 + 5, 1 + 3); "a hundred" stays
            ** 100; "einundzwanzig", "eineinhalb" are one number */
            if (any == 1 && total == 0 && hi == 0 && lo == 1 && d < 100 && !mult && !t[k].glued)
                lo = 0;
            any++;
            if (d >= 1000) {
                double g = hi + lo;
                if (total > 0 && total < d)
                    total = (total + g) * d;
                else
                    total += (g ? g : 1) * d;
                hi = lo = 0;
            } else if (d >= 100) {
                hi = ((hi + lo) ? hi + lo : 1) * d;
                lo = 0;
            } else if (mult) {
                if (lo)
                    lo *= d;
                else
                    hi = (hi ? hi : 1) * d;
            } else {
                lo += d;
            }
        }
        if (ok && any) {
            /* halves and quarters ("zweieinhalb", "anderthalb") keep their fraction */
            double x = total + hi + lo;
            char tmp[48];
            if (x == floor(x) || x >= 1e15)
                snprintf(tmp, sizeof tmp, "%.0f", x);
            else {
                snprintf(tmp, sizeof tmp, "%.6f", x);
                size_t tl = strlen(tmp);
                while (tl > 0 && tmp[tl - 1] == '0')
                    tmp[--tl] = 0;
            }
            return dec_parse(tmp, out);
        }
    }
    if (!vc->spell_fmt) {
        UErrorCode st = U_ZERO_ERROR;
        vc->spell_fmt = unum_open(UNUM_SPELLOUT, NULL, 0, vc->rs->locale, NULL, &st);
        if (U_FAILURE(st)) {
            vc->spell_fmt = NULL;
            return 0;
        }
    }
    char low[256];
    fold_utf8(s, len, low, sizeof low);
    UChar u[256];
    int32_t ulen = 0, pos = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(u, 256, &ulen, low, -1, &st);
    if (U_FAILURE(st))
        return 0;
    st = U_ZERO_ERROR;
    double d = unum_parseDouble(vc->spell_fmt, u, ulen, &pos, &st);
    if (U_FAILURE(st) || pos != ulen || d <= 0 || d > 1e15 || d != floor(d))
        return 0;
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%.0f", d);
    return dec_parse(tmp, out);
}

typedef struct groups {
    const rule *r;
    const char *text;
    const PCRE2_SIZE *ov;
    int n;
} groups;

static int get(const groups *g, int role, const char **s, size_t *len)
{
    int k = role_group(g->r, role, g->ov, g->n);
    if (k < 0)
        return 0;
    *s = g->text + g->ov[2 * k];
    *len = g->ov[2 * k + 1] - g->ov[2 * k];
    return 1;
}

static const char *lex_of(value_ctx *vc, const groups *g, int role, const char *lexname)
{
    const char *s;
    size_t n;
    if (!get(g, role, &s, &n))
        return NULL;
    return lex_lookup(vc->rs, lexname, s, n);
}

/* The number for roles num/word (or num2/word2). 1 if found. */
static int number(value_ctx *vc, const groups *g, int role_num, int role_word, dec *out)
{
    const char *s;
    size_t n;
    if (get(g, role_num, &s, &n))
        return parse_digits(vc, s, n, out);
    if (get(g, role_word, &s, &n))
        return parse_words(vc, s, n, out);
    return 0;
}

static int scale_of(value_ctx *vc, const groups *g, int role, dec *out)
{
    const char *v = lex_of(vc, g, role, "scale");
    if (!v)
        return 0;
    return dec_parse(v, out);
}

static void set_qualifier(value_ctx *vc, const groups *g, nc_mention *m)
{
    const char *q = lex_of(vc, g, G_QUAL, "qual");
    if (!q && g->r->kind == RK_DATE)
        q = lex_of(vc, g, G_QUAL, "datequal");    /* "before 2018", "nach dem 1. Mai" */
    if (!q && g->r->qualifier)
        q = g->r->qualifier;
    if (q)
        snprintf(m->qualifier, sizeof m->qualifier, "%s", q);
}

/* ---------------------------------------------------------------- dates */

typedef struct ymd {
    int y, m, d;      /* 0 where unknown */
    int q, h;         /* quarter 1-4, half 1-2 */
} ymd;

static int parse_iso(const char *s, ymd *o)
{
    memset(o, 0, sizeof *o);
    if (!s || strlen(s) < 4)
        return 0;
    o->y = atoi(s);
    if (s[4] == '-' && s[5] == 'Q')
        o->q = s[6] - '0';
    else if (s[4] == '-' && s[5] == 'H')
        o->h = s[6] - '0';
    else if (s[4] == '-') {
        o->m = atoi(s + 5);
        if (s[7] == '-')
            o->d = atoi(s + 8);
    }
    return o->y > 0;
}

static void format_date(const ymd *v, nc_date_precision p, char *out, size_t size)
{
    switch (p) {
    case NC_PREC_DAY: snprintf(out, size, "%04d-%02d-%02d", v->y, v->m, v->d); break;
    case NC_PREC_MONTH: snprintf(out, size, "%04d-%02d", v->y, v->m); break;
    case NC_PREC_WEEK: {
        int wy, w = nc_iso_week(v->y, v->m, v->d, &wy);
        snprintf(out, size, "%04d-W%02d", wy, w);
        break;
    }
    case NC_PREC_QUARTER: snprintf(out, size, "%04d-Q%d", v->y, v->q); break;
    case NC_PREC_HALF: snprintf(out, size, "%04d-H%d", v->y, v->h); break;
    case NC_PREC_YEAR: snprintf(out, size, "%04d", v->y); break;
    default: out[0] = 0;
    }
}

/* A date whose year is unknown, TIMEX style: "XXXX-03", "XXXX-03-15". */
static void format_no_year(ymd v, nc_date_precision p, char *out, size_t size)
{
    char tmp[16];
    v.y = 0;
    format_date(&v, p, tmp, sizeof tmp);
    snprintf(out, size, "XXXX%s", tmp + 4);
}

/* Months since year 0 of a date's midpoint, in half-months, for "closest". */
static int mid_halfmonths(const ymd *v)
{
    if (v->m)
        return (v->y * 12 + v->m - 1) * 2 + (v->d ? (v->d >= 15) : 1);
    if (v->q)
        return (v->y * 12 + (v->q - 1) * 3 + 1) * 2 + 1;
    if (v->h)
        return (v->y * 12 + (v->h - 1) * 6 + 3) * 2;
    return (v->y * 12 + 6) * 2;
}

/* A year for a date given without one: the year that puts it closest to
** the publication date. */
/* The year of a date written without one ("en juin", "in December"):
** the occurrence the sentence's tense points to — the last one up to the
** publication date when the sentence speaks of the past, the next one from
** it when it speaks of the future — else the one closest to it. */
static int choose_year(const ymd *partial, const ymd *pub, int tense)
{
    if (!pub->m && !pub->q && !pub->h)
        return pub->y;          /* publication known to the year only */
    int best = pub->y, bestd = 1 << 30;
    int mp = mid_halfmonths(pub);
    for (int y = pub->y - 1; y <= pub->y + 1; y++) {
        ymd c = *partial;
        c.y = y;
        int mc = mid_halfmonths(&c);
        if ((tense < 0 && mc > mp) || (tense > 0 && mc < mp))
            continue;
        int dist = abs(mc - mp);
        if (dist < bestd) {
            bestd = dist;
            best = y;
        }
    }
    return best;
}

/* Where the sentence around [at, at+len) points in time, by the words of the
** rule file's "tense" lexicon (values "past" and "future"): -1, +1, or 0
** when it says neither, or both. */
static int sentence_tense(value_ctx *vc, size_t at)
{
    const lexicon *lx = lex_find(vc->rs, "tense");
    if (!lx || !vc->sent)
        return 0;
    /* a window of the sentence around the date, folded */
    size_t b = at > 180 ? at - 180 : 0, e = at + 180 < vc->sent_len ? at + 180 : vc->sent_len;
    while (b > 0 && ((unsigned char)vc->sent[b] & 0xC0) == 0x80)
        b--;
    char f[1024];
    fold_utf8(vc->sent + b, e - b, f, sizeof f);
    int past = 0, future = 0;
    for (size_t i = 0; i < lx->n; i++)
        if (folded_has_word(f, lx->v[i].folded)) {
            if (!strcmp(lx->v[i].value, "past"))
                past = 1;
            else if (!strcmp(lx->v[i].value, "future"))
                future = 1;
        }
    return past == future ? 0 : past ? -1 : 1;
}

/* Where the match starts in its sentence (for sentence_tense). */
static size_t sentence_at(const value_ctx *vc, const groups *g)
{
    return vc->sent && g->text + g->ov[0] >= vc->sent ? (size_t)(g->text + g->ov[0] - vc->sent) : 0;
}

/* Add n units (Y, Q, M, W, D) to a date; returns the precision the result
** keeps. */
static nc_date_precision shift(ymd *v, nc_date_precision p, long n, char unit)
{
    long months = 0;
    switch (unit) {
    case 'Y': months = 12 * n; break;
    case 'Q': months = 3 * n; break;
    case 'M': months = n; break;
    case 'W': case 'D': {
        if (p < NC_PREC_DAY) {
            months = (unit == 'W' ? n * 7 : n) / 30;
            break;
        }
        long days = unit == 'W' ? n * 7 : n;
        while (days != 0) {
            if (days > 0) {
                int md = nc_days_in_month(v->y, v->m);
                v->d++;
                if (v->d > md) { v->d = 1; v->m++; if (v->m > 12) { v->m = 1; v->y++; } }
                days--;
            } else {
                v->d--;
                if (v->d < 1) {
                    v->m--;
                    if (v->m < 1) { v->m = 12; v->y--; }
                    v->d = nc_days_in_month(v->y, v->m);
                }
                days++;
            }
        }
        return p;
    }
    }
    if (p >= NC_PREC_MONTH && v->m) {
        long t = (long)v->y * 12 + (v->m - 1) + months;
        v->y = (int)(t / 12);
        v->m = (int)(t % 12) + 1;
    } else if (p == NC_PREC_QUARTER) {
        long t = (long)v->y * 4 + (v->q - 1) + months / 3;
        v->y = (int)(t / 4);
        v->q = (int)(t % 4) + 1;
    } else {
        v->y += (int)(months / 12);
    }
    return p;
}

static nc_date_precision unit_precision(char unit)
{
    switch (unit) {
    case 'Y': return NC_PREC_YEAR;
    case 'Q': return NC_PREC_QUARTER;
    case 'M': return NC_PREC_MONTH;
    default: return NC_PREC_DAY;
    }
}

int date_from_anchor(const char *anchor, nc_date_precision ap, const char *sh,
                     char *out, size_t size, nc_date_precision *op)
{
    ymd r;
    if (!sh || (sh[0] != '+' && sh[0] != '-') || sh[1] != 'P' || !isdigit((unsigned char)sh[2]))
        return 0;
    if (ap != NC_PREC_YEAR && ap != NC_PREC_HALF && ap != NC_PREC_QUARTER && ap != NC_PREC_MONTH &&
        ap != NC_PREC_DAY)
        return 0;
    char *e;
    long k = strtol(sh + 2, &e, 10);
    char u = *e;
    if (!u || e[1] || !strchr("YQMWD", u) || k < 0 || k > 1000 || !anchor)
        return 0;
    /* a day or month whose year is unknown ("March 3" in an undated
    ** article, XXXX-03-03): counted in days, weeks or months within a leap
    ** year, so that February 29 exists; the year stays unknown */
    char tmp[16];
    int no_year = !strncmp(anchor, "XXXX-", 5) && strlen(anchor) < sizeof tmp - 1;
    if (no_year) {
        if (!strchr("MWD", u) || (ap != NC_PREC_MONTH && ap != NC_PREC_DAY))
            return 0;
        snprintf(tmp, sizeof tmp, "2000%s", anchor + 4);
        anchor = tmp;
    }
    if (strchr(anchor, 'X') || !parse_iso(anchor, &r))
        return 0;
    /* a quarter counted from a half-year has no quarter to keep */
    nc_date_precision up = unit_precision(u), p = up < ap ? up : ap;
    if (ap == NC_PREC_HALF && u == 'Q')
        p = NC_PREC_YEAR;
    if ((ap == NC_PREC_MONTH || ap == NC_PREC_DAY) && (r.m < 1 || r.m > 12))
        return 0;
    if (ap == NC_PREC_DAY && (r.d < 1 || r.d > nc_days_in_month(r.y, r.m)))
        return 0;
    shift(&r, ap, sh[0] == '-' ? -k : k, u);
    if (p == NC_PREC_QUARTER && !r.q && r.m)
        r.q = (r.m - 1) / 3 + 1;
    if (r.y < 1 || r.y > 9999)
        return 0;
    if (no_year)
        format_no_year(r, p, out, size);
    else
        format_date(&r, p, out, size);
    *op = p;
    return 1;
}

/* Day of the week of a full date, 1 = Monday .. 7 = Sunday (Gregorian). */
static int weekday_of(const ymd *v)
{
    static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
    int y = v->y - (v->m < 3);
    int w = (y + y / 4 - y / 100 + y / 400 + t[v->m - 1] + v->d) % 7;   /* 0 = Sunday */
    return w == 0 ? 7 : w;
}

/* "on Friday", "last Sunday", "vendredi prochain", "am vergangenen
** Montag": the day of that name nearest the publication date in the
** direction the words ("prev", "next", "this"; "nextweek", "lastweek": in
** the week after or before the publication's) or else the sentence's
** tense point to, else the nearest; without a publication date known to the day, a TIMEX
** weekday ("XXXX-WXX-5") that makes no event date. */
static int weekday_mention(value_ctx *vc, const groups *g, int want, int weekend, const ymd *pub, int has_pub,
                           nc_mention *m)
{
    m->flags |= NC_MF_RELATIVE;
    if (!has_pub || vc->pub_precision < NC_PREC_DAY || !pub->m || !pub->d) {
        if (weekend)
            snprintf(m->value, sizeof m->value, "XXXX-WXX-WE");
        else
            snprintf(m->value, sizeof m->value, "XXXX-WXX-%d", want);
        m->precision = NC_PREC_NONE;
        return 1;
    }
    int cur = weekday_of(pub);
    long back = (cur - want + 7) % 7, fwd = (want - cur + 7) % 7, delta;
    if (role_group(g->r, G_PREV, g->ov, g->n) >= 0) {
        delta = -(back ? back : 7);
    } else if (role_group(g->r, G_NEXT, g->ov, g->n) >= 0) {
        delta = fwd ? fwd : 7;
    } else if (weekend && role_group(g->r, G_THIS, g->ov, g->n) >= 0 && sentence_tense(vc, sentence_at(vc, g)) < 0) {
        delta = -back;                            /* "said this weekend": the one just past */
    } else if (role_group(g->r, G_THIS, g->ov, g->n) >= 0) {
        delta = want - cur;                       /* the same Monday-to-Sunday week */
    } else if (role_group(g->r, G_NEXTWEEK, g->ov, g->n) >= 0) {
        delta = want - cur + 7;                   /* "Friday next week" */
    } else if (role_group(g->r, G_LASTWEEK, g->ov, g->n) >= 0) {
        delta = want - cur - 7;
    } else {
        size_t at = sentence_at(vc, g);
        int tense = sentence_tense(vc, at);
        delta = tense > 0 ? fwd : tense < 0 ? -back : back <= fwd ? -back : fwd;
    }
    ymd r = *pub;
    shift(&r, NC_PREC_DAY, delta, 'D');
    format_date(&r, NC_PREC_DAY, m->value, sizeof m->value);
    m->precision = NC_PREC_DAY;
    m->flags |= NC_MF_RESOLVED;
    return 1;
}

/* "the rest of the year", "le reste du mois", "den Rest der Woche" (rest:
** from the publication to the last day of its year, quarter, month or week)
** and "the year to date", "depuis le début de l'année", "seit Jahresbeginn"
** (to_date: from the first day of that period to the publication); both ends
** at the publication's precision, one value when they are the same (an
** article dated only to its year); a week needs the day. */
static int period_part_mention(value_ctx *vc, char unit, int to_date, const ymd *pub, int has_pub, nc_mention *m)
{
    if (!strchr("YQMW", unit))
        return 0;
    m->flags |= NC_MF_RELATIVE;
    nc_date_precision pu = unit == 'W' ? NC_PREC_WEEK : unit_precision(unit), p = vc->pub_precision;
    ymd r = *pub;
    if (pu == NC_PREC_QUARTER && !r.q && r.m)
        r.q = (r.m - 1) / 3 + 1;
    char period[16], first[11], last[11];
    if (!has_pub || p < pu || (pu == NC_PREC_WEEK && p < NC_PREC_DAY)) {
        snprintf(m->value, sizeof m->value, "%s", to_date ? "PAST_REF" : "FUTURE_REF");
        return 1;
    }
    format_date(&r, pu, period, sizeof period);
    ymd e;
    if (!nc_iso_period(period, first, last) || !parse_iso(to_date ? first : last, &e))
        return 0;
    format_date(to_date ? &e : pub, p, m->value, sizeof m->value);
    format_date(to_date ? pub : &e, p, m->value_max, sizeof m->value_max);
    m->precision = p;
    m->flags |= NC_MF_RESOLVED | NC_MF_RANGE;
    if (!strcmp(m->value, m->value_max)) {
        m->value_max[0] = 0;              /* known only to the year: "the rest of the year" is that year */
        m->flags &= ~(unsigned)NC_MF_RANGE;
    }
    return 1;
}

/* Day, month and year of a date from the groups of those roles; 1 if any. */
static int date_parts(value_ctx *vc, const groups *g, int rd, int rm, int ry, ymd *v)
{
    const char *s, *lv;
    size_t n;
    memset(v, 0, sizeof *v);
    if (get(g, ry, &s, &n)) {
        v->y = atoi(s);
        if (n == 2)
            v->y += v->y < 70 ? 2000 : 1900;
    }
    if ((lv = lex_of(vc, g, rm, "month")) || (lv = lex_of(vc, g, rm, "monthshort")))
        v->m = atoi(lv);
    else if (get(g, rm, &s, &n))
        v->m = atoi(s);
    if ((lv = lex_of(vc, g, rd, "dayord")))
        v->d = atoi(lv);                /* "the fourth of May", "le premier mai" */
    else if (get(g, rd, &s, &n))
        v->d = atoi(s);
    return v->y || v->m || v->d;
}

/* A period written with both ends ("from January to March 2023", "between
** 2020 and 2022", "November 19 to 20"): each end takes from the other the
** parts it leaves out; a year left out everywhere is chosen as for a single
** date. value is the start, value_max the end, at their own precisions. */
static int year_for(value_ctx *vc, const groups *g, const ymd *v, const ymd *pub);

static int range_mention(value_ctx *vc, const groups *g, ymd a, ymd b, const ymd *pub, int has_pub, nc_mention *m)
{
    if (!b.m && a.m && b.d)
        b.m = a.m;                        /* "November 19 to 20" */
    if (!a.m && b.m && a.d)
        a.m = b.m;                        /* "from 3 until 12 of Sept" */
    if (!a.y && b.y && (a.m || !a.d))
        a.y = b.y;                        /* "from January to March 2023" */
    if (!b.y && a.y && (b.m || !b.d))
        b.y = a.y;
    if ((a.d && !a.m) || (b.d && !b.m) || (!a.y && !a.m) || (!b.y && !b.m))
        return 0;
    if (a.m > 12 || b.m > 12 || (a.m && a.d > nc_days_in_month(a.y ? a.y : 2000, a.m)) ||
        (b.m && b.d > nc_days_in_month(b.y ? b.y : 2000, b.m)))
        return 0;
    if (!a.y && !has_pub) {
        /* no year anywhere and no publication date: "XXXX-03" .. "XXXX-05" */
        format_no_year(a, a.d ? NC_PREC_DAY : NC_PREC_MONTH, m->value, sizeof m->value);
        format_no_year(b, b.d ? NC_PREC_DAY : NC_PREC_MONTH, m->value_max, sizeof m->value_max);
        m->precision = NC_PREC_NONE;
        m->flags |= NC_MF_RANGE;
        return 1;
    }
    if (!a.y) {
        /* "from July to October last year": the year the words name; "du 24
        ** au 26 août prochain", "les 20 et 21 mars derniers": the first such
        ** start after (before) the publication; else the tense's */
        a.y = year_for(vc, g, &a, pub);
        b.y = a.y + (b.m < a.m || (b.m == a.m && b.d && b.d < a.d));   /* "from November to February" */
        m->flags |= NC_MF_RESOLVED;
    }
    if (a.y < 1800 || a.y > 2200 || b.y < 1800 || b.y > 2200)
        return 0;
    nc_date_precision pa = a.d ? NC_PREC_DAY : a.m ? NC_PREC_MONTH : NC_PREC_YEAR;
    nc_date_precision pb = b.d ? NC_PREC_DAY : b.m ? NC_PREC_MONTH : NC_PREC_YEAR;
    char sa[16], sb[16];
    format_date(&a, pa, sa, sizeof sa);
    format_date(&b, pb, sb, sizeof sb);
    if (strcmp(sa, sb) > 0)
        return 0;                         /* an end before its start is no period */
    snprintf(m->value, sizeof m->value, "%s", sa);
    snprintf(m->value_max, sizeof m->value_max, "%s", sb);
    m->precision = pa;
    m->flags |= NC_MF_RANGE;
    return 1;
}

/* The year of a date written without one, from the publication date:
** "this January" the publication's; "of last year", "next year's" the one
** before or after it; "last September", "next June", "last Q2" the last
** such month (day, quarter) before the publication's, or the first after it;
** else the one the sentence's tense points to (choose_year). */
static int year_for(value_ctx *vc, const groups *g, const ymd *v, const ymd *pub)
{
    int prev = role_group(g->r, G_PREV, g->ov, g->n) >= 0, next = role_group(g->r, G_NEXT, g->ov, g->n) >= 0;
    if (role_group(g->r, G_THIS, g->ov, g->n) >= 0)
        return pub->y;
    if (role_group(g->r, G_LASTYEAR, g->ov, g->n) >= 0)
        return pub->y - 1;                 /* "the third quarter of last year" */
    if (role_group(g->r, G_NEXTYEAR, g->ov, g->n) >= 0)
        return pub->y + 1;
    if ((prev || next) && v->q && !v->m && pub->m && vc->pub_precision >= NC_PREC_MONTH) {
        /* "last Q2", "next Q1": the last such quarter before the publication's, or the first after */
        int pq = (pub->m - 1) / 3 + 1, cmp = (v->q > pq) - (v->q < pq);
        return prev ? (cmp < 0 ? pub->y : pub->y - 1) : (cmp > 0 ? pub->y : pub->y + 1);
    }
    if ((prev || next) && v->m && pub->m && vc->pub_precision >= NC_PREC_MONTH) {
        int cmp = v->m != pub->m ? (v->m > pub->m) - (v->m < pub->m)
                  : v->d && pub->d && vc->pub_precision >= NC_PREC_DAY ? (v->d > pub->d) - (v->d < pub->d) : 0;
        return prev ? (cmp < 0 ? pub->y : pub->y - 1) : (cmp > 0 ? pub->y : pub->y + 1);
    }
    vc->year_guessed = 1;                  /* no word names the year: the tense, or the nearest */
    return choose_year(v, pub, sentence_tense(vc, sentence_at(vc, g)));
}

/* "summer 2022", "cet été", "l'été dernier", "im vergangenen Herbst": a
** season (ingest.h: SP, SU, FA, WI from March, June, September, December,
** three months each, named by the year it starts in), TIMEX style "2022-SU".
** Without a year: "this" the one the publication falls in (or, outside it,
** the one of the publication's year); "prev" the last to end before the
** publication's month, "next" the first to start after it; else the
** sentence's tense: past the last to have started, future the first not yet
** over, neither as "this". "XXXX-SU" when no publication date is known. */
static int season_mention(value_ctx *vc, const groups *g, const char *code, int first, int year, const ymd *pub,
                          int has_pub, nc_mention *m)
{
    m->precision = NC_PREC_SEASON;
    if (year) {
        snprintf(m->value, sizeof m->value, "%04d-%.2s", year, code);
        return 1;
    }
    m->flags |= NC_MF_RELATIVE;
    if (!has_pub) {
        snprintf(m->value, sizeof m->value, "XXXX-%.2s", code);
        return 1;
    }
    int y = pub->y;
    if (pub->m && vc->pub_precision >= NC_PREC_MONTH) {
        /* months counted from year 0: the publication's, and a season's first and last */
        long pm = (long)pub->y * 12 + pub->m - 1;
#define S0(Y) ((long)(Y) * 12 + first - 1)
        int tense = 0;
        if (role_group(g->r, G_PREV, g->ov, g->n) >= 0)
            tense = -2;
        else if (role_group(g->r, G_NEXT, g->ov, g->n) >= 0)
            tense = 2;
        else if (role_group(g->r, G_THIS, g->ov, g->n) < 0)
            tense = sentence_tense(vc, sentence_at(vc, g));
        y = pub->y + 1;
        switch (tense) {
        case -2: while (S0(y) + 2 >= pm) y--; break;     /* ended before */
        case -1: while (S0(y) > pm) y--; break;          /* started by */
        case 1: y = pub->y - 1; while (S0(y) + 2 < pm) y++; break;   /* not over */
        case 2: y = pub->y - 1; while (S0(y) <= pm) y++; break;      /* starts after */
        default:
            y = pub->y;
            if (S0(y - 1) + 2 >= pm)                  /* January in last year's winter */
                y--;
        }
#undef S0
    }
    snprintf(m->value, sizeof m->value, "%04d-%.2s", y, code);
    m->flags |= NC_MF_RESOLVED;
    return 1;
}

/* "the first Friday of July", "le deuxième mardi de novembre": the nth
** (`nth`: 1 to 5, the `dayord` lexicon or digits) such weekday of the month,
** the year as for any date without one. */
static int nth_weekday_mention(value_ctx *vc, const groups *g, int want, ymd v, const ymd *pub, int has_pub,
                               nc_mention *m)
{
    const char *s, *lv;
    size_t n;
    if (!get(g, G_NTH, &s, &n))
        return 0;
    int k = (lv = lex_of(vc, g, G_NTH, "dayord")) ? atoi(lv) : atoi(s);
    if (k < 1 || k > 5 || want < 1 || want > 7 || v.m < 1 || v.m > 12)
        return 0;
    if (!v.y) {
        if (!has_pub)
            return 0;
        v.y = year_for(vc, g, &v, pub);
        m->flags |= NC_MF_RESOLVED;
    }
    ymd first = { v.y, v.m, 1, 0, 0 };
    v.d = 1 + (want - weekday_of(&first) + 7) % 7 + 7 * (k - 1);
    if (v.d > nc_days_in_month(v.y, v.m))
        return 0;                          /* no fifth Friday that month */
    format_date(&v, NC_PREC_DAY, m->value, sizeof m->value);
    m->precision = NC_PREC_DAY;
    return 1;
}

/* A week by its number or its rank, as an ISO week (precision week,
** "2019-W31"): "week 31 of 2019", "KW 31" (`week`, the year's, else the
** publication's or the one `lastyear`/`nextyear` name); "the first week of
** October", "the last week of 2019" (`nth` with `unit` W: the nth or, through
** the `last` lexicon, the last week of the month or year, a month's first week
** being the one with its first Thursday, as ISO 8601 counts a year's); "the
** week of March 13" (`unit` W with a day and month: the week of that day). */
static int week_mention(value_ctx *vc, const groups *g, ymd v, const ymd *pub, int has_pub, nc_mention *m)
{
    const char *s, *lv;
    size_t n;
    int last = lex_of(vc, g, G_NTH, "last") != NULL, k = 0;
    if (!last && get(g, G_NTH, &s, &n))
        k = (lv = lex_of(vc, g, G_NTH, "dayord")) ? atoi(lv) : atoi(s);
    int w = get(g, G_WEEK, &s, &n) ? atoi(s) : 0, of_day = !w && !last && !k && v.d && v.m;
    if (!w && !last && !of_day && (k < 1 || k > 5))
        return 0;
    if (!v.y) {
        if (!has_pub)
            return 0;
        m->flags |= NC_MF_RESOLVED | NC_MF_RELATIVE;
        if (role_group(g->r, G_LASTYEAR, g->ov, g->n) >= 0)
            v.y = pub->y - 1;
        else if (role_group(g->r, G_NEXTYEAR, g->ov, g->n) >= 0)
            v.y = pub->y + 1;
        else if (v.m && !w)
            v.y = year_for(vc, g, &v, pub);   /* "the first week of October", "the week of March 13" */
        else
            v.y = pub->y;
    }
    if (v.y < 1800 || v.y > 2200 || v.m > 12)
        return 0;
    ymd t;                                 /* the week's Thursday, or any of its days */
    if (of_day) {
        if (v.d > nc_days_in_month(v.y, v.m))
            return 0;
        t = v;                             /* "the week of March 13": the week that day is in */
    } else if (w || !v.m) {
        /* a week of the year: its number, the rank, or the last (the week of December 28) */
        int y, mo, d;
        if (last) {
            int wy;
            w = nc_iso_week(v.y, 12, 28, &wy);
        } else if (!w) {
            w = k;
        }
        if (!nc_iso_week_monday(v.y, w, &y, &mo, &d))
            return 0;
        nc_add_days(&y, &mo, &d, 3);
        t = (ymd){ y, mo, d, 0, 0 };
    } else {
        int dim = nc_days_in_month(v.y, v.m);
        ymd first = { v.y, v.m, 1, 0, 0 }, end = { v.y, v.m, dim, 0, 0 };
        int d = last ? dim - (weekday_of(&end) - 4 + 7) % 7 : 1 + (4 - weekday_of(&first) + 7) % 7 + 7 * (k - 1);
        if (d > dim)
            return 0;                      /* no fifth week that month */
        t = (ymd){ v.y, v.m, d, 0, 0 };
    }
    format_date(&t, NC_PREC_WEEK, m->value, sizeof m->value);
    m->precision = NC_PREC_WEEK;
    return 1;
}

static int date_mention(value_ctx *vc, const groups *g, nc_mention *m)
{
    ymd v = { 0 }, pub, v2;
    int has_pub = parse_iso(vc->pub_date, &pub);
    const char *s;
    size_t n;
    const char *lv;
    date_parts(vc, g, G_DAY, G_MONTH, G_YEAR, &v);
    int has_v2 = date_parts(vc, g, G_DAY2, G_MONTH2, G_YEAR2, &v2);
    const char *mrel = lex_of(vc, g, G_MONTHREL, "monthrel");
    if (mrel && (v.m || v.y || v2.m || v2.y))
        return 0;                         /* a month said twice */
    if (mrel) {
        /* "the 20th of next month", "du 4 au 22 de ce mois", "the first
        ** Friday of next month", "am 15. nächsten Monats": the month is the
        ** publication's moved by the lexicon's offset ("+P1M", "0M", "-P1M") */
        const char *p = mrel + (mrel[0] == '+' || mrel[0] == '-') + (mrel[0] != '0');
        long k = strtol(p, (char **)&p, 10);
        if (*p != 'M' || v.d > 31 || v2.d > 31 || (!v.d && !has_v2 && role_group(g->r, G_NTH, g->ov, g->n) < 0))
            return 0;
        m->flags |= NC_MF_RELATIVE;
        if (!has_pub || !pub.m || vc->pub_precision < NC_PREC_MONTH) {
            if (!v.d || (has_v2 && !v2.d))
                return 0;                 /* no month to count the nth weekday in */
            snprintf(m->value, sizeof m->value, "XXXX-XX-%02d", v.d);   /* as a day alone */
            if (has_v2) {
                snprintf(m->value_max, sizeof m->value_max, "XXXX-XX-%02d", v2.d);
                m->flags |= NC_MF_RANGE;
            }
            m->precision = NC_PREC_NONE;
            return 1;
        }
        ymd r = pub;
        shift(&r, NC_PREC_MONTH, mrel[0] == '-' ? -k : k, 'M');
        v.y = r.y;
        v.m = r.m;
        if (has_v2) {
            v2.y = r.y;
            v2.m = r.m;
        }
        m->flags |= NC_MF_RESOLVED;       /* "the 31st of this month" in November: as "Nov 31" below */
    }
    if (has_v2) {
        set_qualifier(vc, g, m);
        return range_mention(vc, g, v, v2, &pub, has_pub, m);
    }
    if ((lv = lex_of(vc, g, G_QUARTER, "quarter")))
        v.q = atoi(lv);
    else if (get(g, G_QUARTER, &s, &n))
        v.q = atoi(s);
    if ((lv = lex_of(vc, g, G_HALFYEAR, "halfyear")))
        v.h = atoi(lv);
    else if (get(g, G_HALFYEAR, &s, &n))
        v.h = atoi(s);                    /* "H2 2016" */
    set_qualifier(vc, g, m);
    const char *wu = lex_of(vc, g, G_UNIT, "unit");
    if (role_group(g->r, G_WEEK, g->ov, g->n) >= 0 ||
        (wu && wu[0] == 'W' && (role_group(g->r, G_NTH, g->ov, g->n) >= 0 || (v.d && v.m))))
        return week_mention(vc, g, v, &pub, has_pub, m);
    const char *wd = lex_of(vc, g, G_WEEKDAY, "weekday");
    if (wd && v.m && !v.d && role_group(g->r, G_NTH, g->ov, g->n) >= 0)
        return nth_weekday_mention(vc, g, atoi(wd), v, &pub, has_pub, m);
    const char *sv = lex_of(vc, g, G_SEASON, "season");
    if (sv) {
        int first;
        if (!nc_season_of(sv, &first) || v.m || v.d || (v.y && (v.y < 1800 || v.y > 2200)))
            return 0;
        return season_mention(vc, g, sv, first, v.y, &pub, has_pub, m);
    }
    if (!wd && (wd = lex_of(vc, g, G_WEEKDAY, "weekend")) && (v.y || v.m || v.d))
        return 0;
    if (wd && !v.y && !v.m && !v.d) {
        int want = atoi(wd);
        if (want < 1 || want > 7)
            return 0;
        /* "6-7", a weekend: that Saturday to the Sunday after it */
        const char *dash = strchr(wd, '-');
        int last = dash ? atoi(dash + 1) : want;
        if (!weekday_mention(vc, g, want, last > want, &pub, has_pub, m))
            return 0;
        ymd r;
        if (last > want && last <= 7 && m->precision == NC_PREC_DAY && parse_iso(m->value, &r)) {
            shift(&r, NC_PREC_DAY, last - want, 'D');
            format_date(&r, NC_PREC_DAY, m->value_max, sizeof m->value_max);
            m->flags |= NC_MF_RANGE;
        }
        return 1;
    }

    /* relative: "vor über 5 Jahren", "a few weeks ago", "last month",
    ** "two weeks from now" */
    const char *unit = lex_of(vc, g, G_UNIT, "unit");
    const char *rel = lex_of(vc, g, G_REL, "rel");
    if (!rel && g->r->value && !v.y && !v.m && !v.q && !v.h)
        rel = g->r->value;
    if (unit && role_group(g->r, G_REST, g->ov, g->n) >= 0)
        return period_part_mention(vc, unit[0], 0, &pub, has_pub, m);
    if (unit && role_group(g->r, G_TODATE, g->ov, g->n) >= 0)
        return period_part_mention(vc, unit[0], 1, &pub, has_pub, m);
    dec num;
    int has_num = number(vc, g, G_NUM, G_WORD, &num);
    int is_ago = role_group(g->r, G_AGO, g->ov, g->n) >= 0;
    int is_ahead = role_group(g->r, G_AHEAD, g->ov, g->n) >= 0;
    /* "two days later", "trois semaines plus tôt": counted from the date the
    ** text named before (extract.c), from the publication until then */
    int is_later = role_group(g->r, G_LATER, g->ov, g->n) >= 0;
    int is_earlier = role_group(g->r, G_EARLIER, g->ov, g->n) >= 0;
    if (is_later || is_earlier) {
        if (!unit || !strchr("YQMWD", unit[0]) || !has_num || is_ago || is_ahead || rel)
            return 0;
        double kd = dec_to_double(num);
        if (!(kd >= 1 && kd <= 1000) || kd != (long)kd)
            return 0;
        snprintf(m->shift, sizeof m->shift, "%cP%ld%c", is_later ? '+' : '-', (long)kd, unit[0]);
        is_ahead = is_later;
        is_ago = is_earlier;
    }
    int is_prev = role_group(g->r, G_PREV, g->ov, g->n) >= 0, is_next = role_group(g->r, G_NEXT, g->ov, g->n) >= 0;
    if (unit && (is_prev || is_next) && !is_ago && !is_ahead && !rel) {
        /* "the past three years", "les deux prochaines années", "in den
        ** vergangenen drei Jahren", "the past month" (one): from that many units before the
        ** publication up to it, or from it to as many after; both ends at
        ** the publication's precision. Days to years only. */
        if (!strchr("YQMWD", unit[0]))
            return 0;
        m->flags |= NC_MF_RELATIVE;
        double kd = has_num ? dec_to_double(num) : 1;   /* "the past month": one */
        long k = kd > 1001 ? 1001 : kd < 1 ? 0 : (long)kd;
        if (k < 1)
            return 0;
        /* its length, signed like the rel lexicon's offsets: "+P3Y" ahead (a claim's term), "-P3Y" back */
        snprintf(m->unit, sizeof m->unit, "%cP%ld%c", is_prev ? '-' : '+', k, unit[0]);
        if (!has_pub || k > 1000) {
            snprintf(m->value, sizeof m->value, "%s", is_prev ? "PAST_REF" : "FUTURE_REF");
            return 1;
        }
        ymd a = pub, b = pub;
        nc_date_precision p = vc->pub_precision;
        shift(is_prev ? &a : &b, p, is_prev ? -k : k, unit[0]);
        format_date(&a, p, m->value, sizeof m->value);
        format_date(&b, p, m->value_max, sizeof m->value_max);
        m->precision = p;
        m->flags |= NC_MF_RESOLVED | NC_MF_RANGE;
        return 1;
    }
    if (unit && has_num && (is_ago || is_ahead || rel)) {
        m->flags |= NC_MF_RELATIVE;
        double kd = dec_to_double(num);   /* 1e20 years ago: no long holds it (found by fuzz_normalize) */
        long k = kd > 1001 ? 1001 : kd < 0 ? 0 : (long)kd;
        if (!has_pub || k > 1000) {
            snprintf(m->value, sizeof m->value, "%s", is_ago ? "PAST_REF" : "FUTURE_REF");
            return 1;
        }
        ymd r = pub;
        nc_date_precision p = unit_precision(unit[0]);
        if (p > vc->pub_precision)
            p = vc->pub_precision;
        shift(&r, vc->pub_precision, is_ago ? -k : k, unit[0]);
        format_date(&r, p, m->value, sizeof m->value);
        m->precision = p;
        m->flags |= NC_MF_RESOLVED;
        /* "more than five years ago" is before that date */
        if (!strcmp(m->qualifier, "more_than") || !strcmp(m->qualifier, "at_least"))
            snprintf(m->qualifier, sizeof m->qualifier, "%s", is_ago ? "before" : "after");
        return 1;
    }
    /* "the end of the year", "fin de l'année", "Ende des Jahres": the
    ** publication's year, month or week (a unit, role this, no number) */
    char this_rel[3];
    if (!rel && unit && unit[0] && strchr("YMW", unit[0]) && !has_num &&
        role_group(g->r, G_THIS, g->ov, g->n) >= 0) {
        this_rel[0] = '0';
        this_rel[1] = unit[0];
        this_rel[2] = 0;
        rel = this_rel;
    }
    if (rel && rel[0] == '~') {
        /* "~+P1D", "the next day": counted from the date the text named
        ** before (extract.c), from the publication until then */
        if ((rel[1] != '+' && rel[1] != '-') || rel[2] != 'P')
            return 0;
        snprintf(m->shift, sizeof m->shift, "%s", rel + 1);
        rel++;
    }
    if (rel) {
        m->flags |= NC_MF_RELATIVE;
        if (rel[0] == '-' || rel[0] == '+' || rel[0] == '0') {
            /* "-P1M": one month before publication; "0M": this month */
            const char *p = rel + (rel[0] == '0' ? 0 : 1);
            if (*p == 'P')
                p++;
            long k = strtol(p, (char **)&p, 10);
            char u = *p;
            if (!has_pub || !u) {
                snprintf(m->value, sizeof m->value, "%s",
                         rel[0] == '+' ? "FUTURE_REF" : rel[0] == '0' ? "PRESENT_REF" : "PAST_REF");
                return 1;
            }
            ymd r = pub;
            /* "-P1W", "last week": the week before the publication's, as a
            ** week; "two weeks ago" above stays a day */
            nc_date_precision pr = u == 'W' ? NC_PREC_WEEK : unit_precision(u);
            if (pr > vc->pub_precision)
                pr = vc->pub_precision;
            if (u == 'Q' && pr == NC_PREC_QUARTER && !r.q && r.m)
                r.q = (r.m - 1) / 3 + 1;
            shift(&r, pr == NC_PREC_QUARTER ? NC_PREC_QUARTER : vc->pub_precision,
                  rel[0] == '-' ? -k : k, u);
            format_date(&r, pr, m->value, sizeof m->value);
            m->precision = pr;
            m->flags |= NC_MF_RESOLVED;
            return 1;
        }
        snprintf(m->value, sizeof m->value, "%s", rel);   /* PAST_REF ... */
        return 1;
    }

    if (v.d && !v.m && !v.y && !v.q && !v.h) {
        /* a day alone ("on the 27th"): of the publication month, or of the
        ** month before or after it when the sentence's tense points past
        ** that day */
        if (v.d > 31)
            return 0;
        m->flags |= NC_MF_RELATIVE;
        if (!has_pub || !pub.m || vc->pub_precision < NC_PREC_MONTH) {
            snprintf(m->value, sizeof m->value, "XXXX-XX-%02d", v.d);
            m->precision = NC_PREC_NONE;
            return 1;
        }
        size_t at = sentence_at(vc, g);
        int tense = sentence_tense(vc, at);
        ymd c = pub;
        c.d = v.d;
        if (vc->pub_precision >= NC_PREC_DAY && pub.d) {
            if (tense < 0 && v.d > pub.d)
                shift(&c, NC_PREC_MONTH, -1, 'M');
            else if (tense > 0 && v.d < pub.d)
                shift(&c, NC_PREC_MONTH, 1, 'M');
        }
        if (c.d > nc_days_in_month(c.y, c.m))
            return 0;
        format_date(&c, NC_PREC_DAY, m->value, sizeof m->value);
        m->precision = NC_PREC_DAY;
        m->flags |= NC_MF_RESOLVED;
        return 1;
    }
    nc_date_precision p = v.d && v.m ? NC_PREC_DAY : v.m ? NC_PREC_MONTH :
                          v.q ? NC_PREC_QUARTER : v.h ? NC_PREC_HALF : v.y ? NC_PREC_YEAR : NC_PREC_NONE;
    if (p == NC_PREC_NONE)
        return 0;
    if (v.m > 12 || v.d > 31 || v.q > 4 || v.h > 2 || (v.y && (v.y < 1800 || v.y > 2200)))
        return 0;
    if (v.d && v.m && v.d > nc_days_in_month(v.y ? v.y : 2000, v.m)) {
        /* "Feb 30", "31 avril", "29 February 2023": a day its month does not
        ** have, kept as written with no year, a TIMEX that dates nothing (a
        ** range with such an end is none: range_mention) */
        format_no_year(v, NC_PREC_DAY, m->value, sizeof m->value);
        m->precision = NC_PREC_NONE;
        m->flags &= ~(unsigned)NC_MF_RESOLVED;
        return 1;
    }
    if (!v.y) {
        if (!has_pub) {
            format_no_year(v, p, m->value, sizeof m->value);
            m->precision = p;
            return 1;
        }
        v.y = year_for(vc, g, &v, &pub);
        m->flags |= NC_MF_RESOLVED;
        /* "Feb 29" in a year without one: the nearest leap year the same
        ** side of the publication as the year chosen */
        for (int k = 0; k < 8 && v.d && v.m && v.d > nc_days_in_month(v.y, v.m); k++)
            v.y += v.y > pub.y || (v.y == pub.y && v.m > pub.m) ? 1 : -1;
    }
    format_date(&v, p, m->value, sizeof m->value);
    m->precision = p;
    return 1;
}

/* ------------------------------------------------------------- mentions */

static int amount(value_ctx *vc, const groups *g, int rn, int rw, int rs, dec *shared_scale,
                  dec *out, int *is_vague)
{
    dec n, sc;
    int has = number(vc, g, rn, rw, &n);
    if (!has) {
        const char *vg = lex_of(vc, g, G_VAGUE, "vague");
        if (!vg || rn != G_NUM)
            return 0;
        dec_parse(vg, &n);
        *is_vague = 1;
    }
    if (scale_of(vc, g, rs, &sc)) {
        if (!dec_mul(n, sc, &n))
            return 0;
    } else if (shared_scale && shared_scale->is_set) {
        if (!dec_mul(n, *shared_scale, &n))
            return 0;
    }
    if (role_group(g->r, G_HALF, g->ov, g->n) >= 0) {
        dec half = { 5, -1, 1 }, h;
        if (scale_of(vc, g, rs, &sc) && dec_mul(half, sc, &h))
            dec_add(n, h, &n);
    }
    *out = n;
    return 1;
}

/* The value of a decimal written in words after "point": each word gives
** its digits ("zero three" .03, "seventy-one" .71, "nought four" .04). */
static int point_words(value_ctx *vc, const char *s, size_t n, dec *out)
{
    char digits[40];
    size_t nd = 0;
    size_t i = 0;
    int tens = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
            i++;
        size_t b = i;
        while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
            i++;
        if (i == b)
            break;
        dec w;
        if (!parse_words(vc, s + b, i - b, &w) || w.exp < 0 || w.mant < 0)
            return 0;
        char t[32];
        dec_format(w, t, sizeof t);
        size_t tl = strlen(t);
        /* a ten then a unit are one pair of digits: "cinquante deux" 52 */
        if (tl == 1 && t[0] != '0' && tens && nd > 0 && digits[nd - 1] == '0') {
            digits[nd - 1] = t[0];
            tens = 0;
            continue;
        }
        tens = tl == 2 && t[1] == '0' && t[0] >= '2';
        if (nd + tl >= sizeof digits - 1)
            return 0;
        memcpy(digits + nd, t, tl);
        nd += tl;
    }
    if (!nd)
        return 0;
    char buf[48];
    snprintf(buf, sizeof buf, "0.%.*s", (int)nd, digits);
    return dec_parse(buf, out);
}

/* A double as a dec, to 15 significant digits. */
static int dec_of_double(double x, dec *out)
{
    if (!(x == x) || x > 9e18 || x < -9e18)
        return 0;
    char buf[48];
    snprintf(buf, sizeof buf, "%.15g", x);
    if (strchr(buf, 'e')) {
        /* 1e-12: write it out */
        snprintf(buf, sizeof buf, "%.20f", x);
    }
    return dec_parse(buf, out);
}

/* The parts a bare number may have around num/word and scale (the number
** rules): a decimal in words after "point" (pointwords), a power of ten
** (exp10, "1.3e6"), a fraction (denom/denomword: "3/4", "one over
** three"; fraction, the lexicon of that name: "two thirds", "a half"), a
** whole part before it (whole/wholeword: "2 1/4", "one and a half"), and a
** sign (neg: "-1", "minus five"). 0 if a part does not parse. */
static int number_parts(value_ctx *vc, const groups *g, dec *v)
{
    const char *s;
    size_t n;
    if (get(g, G_POINTWORDS, &s, &n)) {
        dec f;
        if (!point_words(vc, s, n, &f) || !dec_add(*v, f, v))
            return 0;
    }
    if (get(g, G_DECIMALS, &s, &n)) {
        /* digits after a decimal mark other than the locale's ("5,00" in English) */
        char t[40] = "0.";
        dec f;
        if (n + 3 > sizeof t)
            return 0;
        memcpy(t + 2, s, n);
        t[n + 2] = 0;
        if (!dec_parse(t, &f) || !dec_add(*v, f, v))
            return 0;
    }
    if (get(g, G_EXP10, &s, &n)) {
        char t[16];
        if (n >= sizeof t)
            return 0;
        memcpy(t, s, n);
        t[n] = 0;
        long e = strtol(t, NULL, 10);
        if (e > 18 || e < -18)
            return 0;
        v->exp += (int)e;
    }
    if (get(g, G_POW, &s, &n)) {
        /* "1.1^23", "2.5^-1": the exponent's sign is the parity of its minus signs */
        int neg = 0;
        size_t i = 0;
        for (; i < n && (s[i] == '-' || s[i] == '+'); i++)
            neg ^= s[i] == '-';
        char t[16];
        if (n - i >= sizeof t || i == n)
            return 0;
        memcpy(t, s + i, n - i);
        t[n - i] = 0;
        long e = strtol(t, NULL, 10);
        if (e > 300)
            return 0;
        if (!dec_of_double(pow(dec_to_double(*v), neg ? -(double)e : (double)e), v))
            return 0;
    }
    dec d;
    int has_den = number(vc, g, G_DENOM, G_DENOMWORD, &d);
    const char *fv = lex_of(vc, g, G_FRACTION, "fraction");
    if (!has_den && fv) {
        has_den = dec_parse(fv, &d);
        /* a compound ordinal: "twenty-fifth" 25, "one hundred and fifth" 105 */
        const char *s2;
        size_t n2;
        dec head;
        if (has_den && get(g, G_DENOMHEAD, &s2, &n2)) {
            if (!parse_words(vc, s2, n2, &head) || !dec_add(head, d, &d))
                return 0;
        }
    }
    if (has_den) {
        double den = dec_to_double(d);
        if (den == 0)
            return 0;
        dec w = { 0, 0, 1 };
        double part = dec_to_double(*v) / den;
        const char *ws, *ns;
        size_t wn, nn;
        if (part >= 1 && get(g, G_WHOLEWORD, &ws, &wn) && get(g, G_WORD, &ns, &nn) && ns > ws) {
            /* a mixed number's fraction is proper: "one hundred and thirty
            ** fifths" is 130/5, the "and" inside the numerator */
            if (!parse_words(vc, ws, (size_t)(ns + nn - ws), v))
                return 0;
            part = dec_to_double(*v) / den;
        } else if (number(vc, g, G_WHOLE, G_WHOLEWORD, &w) && get(g, G_WHOLEWORD, &ws, &wn)) {
            /* a fraction after a scale is of that scale: "two million and a
            ** half" is 2,500,000 */
            size_t b = wn;
            while (b > 0 && ws[b - 1] != ' ' && ws[b - 1] != '-')
                b--;
            const char *sc = lex_lookup(vc->rs, "scale", ws + b, wn - b);
            double scale = sc ? strtod(sc, NULL) : 0;
            if (scale >= 1000)
                part *= scale;
        }
        if (!dec_of_double(dec_to_double(w) + part, v))
            return 0;
    }
    if (role_group(g->r, G_NEG, g->ov, g->n) >= 0)
        v->mant = -v->mant;
    return 1;
}

/* A qualifier written just before a quantity ("au moins 70 millions",
** "mindestens 70 Millionen", "at least $70 million"): the longest surface of
** the "qual" lexicon that ends where the mention starts (spaces between) and
** starts a word. Looking back from the match, rather than making every rule
** start with an optional qualifier, keeps the rules anchored on digits and
** number words, which PCRE2 finds fast. Returns the new start, or start. */
static size_t qualifier_before(const ruleset *rs, const char *lexname, const char *text, size_t s0, size_t start,
                               char *qual, size_t qsize)
{
    const lexicon *lx = lex_find(rs, lexname);
    if (!lx || start == 0)
        return start;
    size_t e = start;
    while (e > s0 && text[e - 1] == ' ')
        e--;
    if (e == start)
        return start;            /* no space: part of another word */
    size_t best = start;
    for (size_t i = 0; i < lx->n; i++) {
        size_t n = strlen(lx->v[i].surface);
        if (n > e - s0 || n > 60)
            continue;
        size_t b = e - n;
        if (b > s0 && ((unsigned char)text[b - 1] >= 0x80 || isalnum((unsigned char)text[b - 1])))
            continue;            /* must start a word */
        char f[256];
        fold_utf8(text + b, n, f, sizeof f);
        if (strcmp(f, lx->v[i].folded))
            continue;
        if (b < best) {
            best = b;
            snprintf(qual, qsize, "%s", lx->v[i].value);
        }
    }
    return best;
}

void attach_qualifier(const ruleset *rs, const char *text, size_t s0, nc_mention *m)
{
    m->core_start = m->start;
    if (m->qualifier[0] || m->kind == NC_MENTION_DATE || m->kind == NC_MENTION_ORG)
        return;
    m->start = qualifier_before(rs, "qual", text, s0, m->start, m->qualifier, sizeof m->qualifier);
}

/* Does a surface of lexicon lx end at e, starting a word (not inside one)? */
static int lex_ends_at(const lexicon *lx, const char *text, size_t s0, size_t e)
{
    for (size_t i = 0; i < lx->n; i++) {
        size_t n = strlen(lx->v[i].surface);
        if (n > e - s0 || n > 60)
            continue;
        size_t b = e - n;
        if (b > s0 && ((unsigned char)text[b - 1] >= 0x80 || isalnum((unsigned char)text[b - 1])))
            continue;
        char f[256];
        fold_utf8(text + b, n, f, sizeof f);
        if (!strcmp(f, lx->v[i].folded))
            return 1;
    }
    return 0;
}

/* A match of a rule with a "notafter" line may not follow (spaces between)
** a surface of one of the lexicons it names, nor, for "capitalised", a word
** that starts with a capital letter and does not start the sentence or a
** quotation ("Boeing 777 jets", "the FTSE 100 firms"; "Some 300 workers" is
** kept), nor, for "code", a word with a digit, "&" or two capitals ("S&P
** 500", "DAX 30"). Words glued to the number are the pattern's business. */
int follows_excluded(const ruleset *rs, const rule *r, const char *text, size_t s0, size_t start)
{
    size_t e = start;
    while (e > s0 && text[e - 1] == ' ')
        e--;
    if (e == start || e == s0)
        return 0;
    size_t b = e;                        /* the word before: back to a space */
    while (b > s0 && text[b - 1] != ' ')
        b--;
    /* the sentence's or a quotation's first word: nothing but punctuation before */
    size_t p = b;
    while (p > s0 && text[p - 1] == ' ')
        p--;
    int first = p == s0 || strchr(":;\"(", text[p - 1]) != NULL ||
                (p >= s0 + 2 && ((unsigned char)text[p - 2] == 0xC2 && (unsigned char)text[p - 1] == 0xAB)) ||
                (p >= s0 + 3 && (unsigned char)text[p - 3] == 0xE2 && (unsigned char)text[p - 2] == 0x80 &&
                 ((unsigned char)text[p - 1] == 0x9C || (unsigned char)text[p - 1] == 0x9E ||
                  (unsigned char)text[p - 1] == 0x94 || (unsigned char)text[p - 1] == 0x93));
    char spec[256];
    snprintf(spec, sizeof spec, "%s", r->notafter);
    char *save = NULL;
    for (char *t = strtok_r(spec, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (!strncmp(t, "capitalised", 11) || !strcmp(t, "code")) {
            int upper = 0, digit = 0, amp = 0, lead = -1;
            int32_t i = 0, n = (int32_t)(e - b);
            const uint8_t *w = (const uint8_t *)text + b;
            while (i < n) {
                UChar32 c;
                U8_NEXT(w, i, n, c);
                if (c < 0)
                    break;
                if (lead < 0 && u_isalnum(c))
                    lead = u_isupper(c) ? 1 : 0;
                upper += u_isupper(c) != 0;
                digit += u_isdigit(c) != 0;
                amp += c == '&';
            }
            /* a possessive ("Twitter's 300 employees") names who has them */
            int poss = e - b > 2 && text[e - 1] == 's' &&
                       (text[e - 2] == '\'' || (e - b > 4 && !memcmp(text + e - 4, "\xE2\x80\x99", 3)));
            if (strchr(",;:.!?)", text[e - 1]))
                continue;    /* "Depuis 2009, deux raffineries": a break between */
            if (t[1] == 'a' && lead == 1 && !poss) {
                /* the first word blocks too, unless it is in a lexicon named
                ** after the colon(s): "capitalised:cstop:qual" keeps "Some 300
                ** workers", "The 30 banks" and drops "Boeing 777 jets" */
                if (!first)
                    return 1;
                int allowed = t[11] != ':';
                char lexes[128];
                snprintf(lexes, sizeof lexes, "%s", t + 11);
                char *save2 = NULL;
                for (char *l = strtok_r(lexes, ":", &save2); l && !allowed; l = strtok_r(NULL, ":", &save2)) {
                    const lexicon *lx = lex_find(rs, l);
                    allowed = lx && lex_ends_at(lx, text, s0, e);
                }
                if (!allowed)
                    return 1;
            }
            if (t[1] == 'o' && (digit || amp || upper >= 2))
                return 1;
            continue;
        }
        const lexicon *lx = lex_find(rs, t);
        if (lx && lex_ends_at(lx, text, s0, e))
            return 1;
    }
    return 0;
}

void attach_date_bound(const ruleset *rs, const char *text, size_t s0, nc_mention *m)
{
    if (m->kind != NC_MENTION_DATE || m->qualifier[0] || m->value_max[0] || m->unit[0] || strstr(m->value, "_REF"))
        return;
    m->start = qualifier_before(rs, "datequal", text, s0, m->start, m->qualifier, sizeof m->qualifier);
}

int mention_from_match(value_ctx *vc, const rule *r, const char *text,
                       const PCRE2_SIZE *ov, int n_groups, nc_mention *m)
{
    groups g = { r, text, ov, n_groups };
    memset(m, 0, sizeof *m);
    m->start = m->core_start = ov[0];
    m->end = ov[1];
    m->rule = r->id;
    if (r->no_claim)
        m->flags |= NC_MF_CONTEXT;
    dec v, v2, sc2 = { 0 };
    int vague = 0, vague2 = 0;
    switch (r->kind) {
    case RK_MONEY:
    case RK_COUNT:
    case RK_PERCENT: {
        m->kind = r->kind == RK_MONEY ? NC_MENTION_MONEY : r->kind == RK_COUNT ? NC_MENTION_COUNT : NC_MENTION_PERCENT;
        /* a range's single scale word applies to both bounds: "entre 5 et 10 millions" */
        scale_of(vc, &g, G_SCALE2, &sc2);
        if (!amount(vc, &g, G_NUM, G_WORD, G_SCALE, &sc2, &v, &vague)) {
            /* a rule with "value unquantified" names a currency with no
            ** amount ("the dollar fell", "a multibillion-dollar deal") */
            if (r->kind != RK_MONEY || !r->value || strcmp(r->value, "unquantified"))
                return 0;
            const char *cur = lex_of(vc, &g, G_CURRENCY, "currency");
            if (!cur || strchr(cur, '/'))
                return 0;
            snprintf(m->unit, sizeof m->unit, "%s", cur);
            m->flags |= NC_MF_UNQUANTIFIED;
            return 1;
        }
        if (!number_parts(vc, &g, &v))   /* "minus five percent", "1,1^23 pourcent" */
            return 0;
        /* the hundredths said after the unit: "3 dollars 50 cents",
        ** "thirteen dollars and forty-five cents", "15 dollars 50" */
        dec cents;
        if (number(vc, &g, G_CENTS, G_CENTSWORD, &cents)) {
            double c = dec_to_double(cents);
            if (c < 0 || c >= 100 || cents.exp < 0)
                return 0;
            cents.exp -= 2;
            if (!dec_add(v, cents, &v))
                return 0;
        }
        dec_format(v, m->value, sizeof m->value);
        if (amount(vc, &g, G_NUM2, G_WORD2, G_SCALE2, NULL, &v2, &vague2)) {
            dec_format(v2, m->value_max, sizeof m->value_max);
            m->flags |= NC_MF_RANGE;
        }
        if (vague) {
            m->flags |= NC_MF_VAGUE;
            if (!m->qualifier[0])
                snprintf(m->qualifier, sizeof m->qualifier, "at_least");
        }
        set_qualifier(vc, &g, m);
        if (r->kind == RK_MONEY) {
            const char *cur = lex_of(vc, &g, G_CURRENCY, "currency");
            if (!cur)
                cur = lex_of(vc, &g, G_CURRENCY2, "currency");
            if (!cur)
                cur = r->unit;
            if (!cur)
                return 0;
            /* "USD/100": the surface names the hundredth part ("cents", "pence") */
            const char *slash = strchr(cur, '/');
            if (slash && !strcmp(slash, "/100")) {
                v.exp -= 2;
                dec_format(v, m->value, sizeof m->value);
                if (m->flags & NC_MF_RANGE) {
                    v2.exp -= 2;
                    dec_format(v2, m->value_max, sizeof m->value_max);
                }
            }
            snprintf(m->unit, sizeof m->unit, "%.*s", slash ? (int)(slash - cur) : (int)strlen(cur), cur);
        } else if (r->kind == RK_PERCENT) {
            snprintf(m->unit, sizeof m->unit, "%%");
        } else {
            const char *noun = lex_of(vc, &g, G_NOUN, "noun");
            if (!noun)
                noun = r->unit;
            const char *ns;
            size_t nn;
            if (!noun && get(&g, G_NOUN, &ns, &nn)) {
                /* a noun outside the lexicon: as written, case-folded ("arbeitsplätze"),
                ** cut at a character's start where it does not fit */
                char f[256];
                fold_utf8(ns, nn, f, sizeof f);
                size_t k = strlen(f);
                if (k >= sizeof m->unit) {
                    k = sizeof m->unit - 1;
                    while (k > 0 && ((unsigned char)f[k] & 0xC0) == 0x80)
                        k--;
                }
                snprintf(m->unit, sizeof m->unit, "%.*s", (int)k, f);
            } else {
                snprintf(m->unit, sizeof m->unit, "%s", noun ? noun : "");
            }
        }
        return 1;
    }
    case RK_NUMBER:
        m->kind = NC_MENTION_NUMBER;
        if (!amount(vc, &g, G_NUM, G_WORD, G_SCALE, NULL, &v, &vague)) {
            /* a fraction word alone ("more than half") is one such part */
            if (role_group(g.r, G_NUM, g.ov, g.n) >= 0 || role_group(g.r, G_WORD, g.ov, g.n) >= 0 ||
                !lex_of(vc, &g, G_FRACTION, "fraction"))
                return 0;
            v = (dec){ 1, 0, 1 };
        }
        if (!number_parts(vc, &g, &v))
            return 0;
        dec_format(v, m->value, sizeof m->value);
        return 1;
    case RK_DURATION: {
        m->kind = NC_MENTION_DURATION;
        set_qualifier(vc, &g, m);
        const char *unit = lex_of(vc, &g, G_UNIT, "unit");
        if (!unit)
            unit = r->unit;
        dec n;
        if (!number(vc, &g, G_NUM, G_WORD, &n)) {
            if (!r->value)
                return 0;
            if (!strcmp(r->value, "PX") && unit) {
                /* "a few minutes", "several days": so many of the unit, unsaid */
                char iso = unit[0] == 'N' ? 'M' : unit[0];
                int t = unit[0] == 'H' || unit[0] == 'N' || unit[0] == 'S';
                snprintf(m->value, sizeof m->value, "P%sX%c", t ? "T" : "", iso);
                m->flags |= NC_MF_VAGUE;
                return 1;
            }
            /* a rule's fixed count ("all day", "another week": 1; "a couple of days": 2) */
            if (!unit || !dec_parse(r->value, &n)) {
                snprintf(m->value, sizeof m->value, "%s", r->value);   /* "PXY": unsaid */
                m->flags |= NC_MF_VAGUE;
                return 1;
            }
        }
        if (!unit || n.mant <= 0)
            return 0;
        double kd = dec_to_double(n);
        if (kd >= 1000)
            return 0;                      /* no contract runs a thousand years */
        long k = (long)kd;
        int half = role_group(r, G_HALF, ov, n_groups) >= 0;
        char u = unit[0];
        double frac = kd - (double)k;
        if (u == 'H' || u == 'N' || u == 'S') {
            /* hours, miNutes, seconds: "PT3H", "PT20M"; a half or a fraction
            ** in the next unit down ("two and a half hours" PT2H30M) */
            char iso = u == 'N' ? 'M' : u;
            double sub = (half ? 0.5 : frac) * 60;
            long whole_sub = (long)(sub + 0.5);
            char lead[24] = "";            /* no "0H" before "30M" in "half an hour" */
            if (k)
                snprintf(lead, sizeof lead, "%ld%c", k, iso);
            if (sub > 1e-9 && u != 'S' && fabs(sub - (double)whole_sub) < 1e-6)
                snprintf(m->value, sizeof m->value, "PT%s%ld%c", lead, whole_sub, u == 'H' ? 'M' : 'S');
            else if (frac > 1e-9)
                snprintf(m->value, sizeof m->value, "PT%g%c", kd, iso);
            else
                snprintf(m->value, sizeof m->value, "PT%ld%c", k, iso);
            return 1;
        }
        if (frac > 1e-9) {
            /* "3.5 years": the fraction in the next unit down where it is whole
            ** (P3Y6M, P1M15D), else a decimal ISO 8601 allows in the last part */
            double sub = u == 'Y' ? frac * 12 : u == 'M' ? frac * 30 : u == 'W' ? frac * 7 : -1;
            char lead[24] = "";            /* no "0Y" before "6M" in "half a year" */
            if (k)
                snprintf(lead, sizeof lead, "%ld%c", k, u);
            if (sub > 0 && fabs(sub - (double)(long)(sub + 0.5)) < 1e-6 && u != 'W')
                snprintf(m->value, sizeof m->value, "P%s%ld%c", lead, (long)(sub + 0.5), u == 'Y' ? 'M' : 'D');
            else if (u == 'W' && sub > 0 && fabs(sub - (double)(long)(sub + 0.5)) < 1e-6)
                snprintf(m->value, sizeof m->value, "P%ldD", k * 7 + (long)(sub + 0.5));
            else
                snprintf(m->value, sizeof m->value, "P%g%c", kd, u);
            return 1;
        }
        if (half && u == 'Y')
            snprintf(m->value, sizeof m->value, "P%ldY6M", k);
        else if (half && u == 'M')
            snprintf(m->value, sizeof m->value, "P%ldM15D", k);
        else
            snprintf(m->value, sizeof m->value, "P%ld%c", k, u);
        return 1;
    }
    case RK_DATE:
        m->kind = NC_MENTION_DATE;
    {
        vc->year_guessed = 0;
        int ok = date_mention(vc, &g, m);
        if (ok && vc->year_guessed)
            m->flags |= NC_MF_YEAR_GUESSED;
        return ok;
    }
    default:
        return 0;
    }
}
