/*
** parties.c — names of organisations and people that the gazetteer does not
** know, found in the gaps the other mentions leave: the parties claims need.
**
** Evidence for a name (language knowledge in <lang>.rules lexicons; this
** file reads only their names):
**   - an acronym: an all-capital word of 2 to 6 letters and digits (UBS,
**     FINMA, SAP), not in a sentence written in capitals, not a roman
**     numeral, not a word of a lexicon (currency codes, units, `notname`)
**   - a role noun just before it (`rolenoun`, whose value is the kind:
**     "the bank UBS", "la banque suisse UBS", "der Konzern Siemens"; German
**     compounds through `rolesuffix`, "der Großbank UBS"), perhaps with a
**     `place` word (a nationality) between them ("le constructeur américain
**     Boeing"); a person cue ("Mr", "M.", "Herr", "chief executive") makes
**     the name a person
**   - at a sentence's start, an apposition after it that says what it is:
**     a comma, a determiner (`det`), a role noun, a closing comma ("Supermac,
**     a privately held firm, reported"; French and English)
**   - a hyphenated compound whose head says the first part is a name
**     (`compoundhead`, "Lufthansa-Konzern"; not after `compoundstop` words)
**   - a known first name (`firstname`) opening two capitalised words: a person
**   - two or three capitalised words and a person's title in apposition after
**     them ("Jerry Kendall, president of", "named Rafael Collado as chief
**     executive": `roleas` words): a person
**   - where the rule file says `capitalised_names yes` (French, English), a
**     run of one to four capitalised words, `nameconnector` words inside
**     ("Bank of America", "Banque de France"), leading determiners and
**     `notname` words dropped, not a lone word that opens a clause, not
**     only `place` words
**   - never a hyphenated adjective (`adjtail`: "San Diego-based",
**     "Japanese-owned") nor the capitalised words just before it
**   - a name found so, written again in the same article (German too, where
**     every noun is capitalised and a capital alone is no evidence)
** A name of two or three words is a person where the article names its last
** word so ("Jean Dupont" ... "M. Dupont").
** A run with a legal form as its first or last word (`legalform`: "Pharmacia
** AB", "NV Philips") is a company's name.
** An acronym or a name is a company where the article says so: a company's
** role noun just after it ("the OMV group"), or the name written elsewhere
** with a legal form ("OMV AG": org.legal_form's mention).
** Each becomes an ORG mention, value "~" + the name (diacritics folded,
** spaces as "_": discovered_id), unit its kind: "company", "body" (a role
** noun of the `body` kind: a union, a regulator, a court, a government;
** no company), "organisation" (an acronym, what a person heads: an
** organisation of no known kind), "person", or "name" when nothing says
** which. A company reference ("the company") may stand for a company, an
** organisation or a name, not a body (claims.c, ref_fits).
*/
#include "extract_int.h"
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* --------------------------------------------------------- the lexicons */

enum {
    P_NOTNAME = 1,   /* capitalised but no name: determiners, pronouns, months, currencies */
    P_PLACE = 2,     /* countries, nationalities, cities */
    P_ROLE = 4,      /* a role noun: value the kind of the name after it */
    P_CONNECT = 8,   /* inside a multiword name: of, de, du, & */
    P_FIRST = 16,    /* a first name */
    P_ROLEEND = 32,  /* the last word of a role noun ("maker" of "aircraft maker") */
    P_CHEAD = 64,    /* a compound's head that makes its first part a name ("-Konzern") */
    P_CSTOP = 128,   /* a compound's first part that is no name ("Auto-", "Dax-") */
    P_DET = 256,     /* a determiner (the `det` lexicon): opens an apposition */
    P_ADJTAIL = 512, /* a hyphenated compound's tail that makes it an adjective ("-based") */
    P_ROLEAS = 1024, /* between a person's name and the title after it: "as" */
    P_LEGAL = 2048   /* a legal form inside a run of capitals ("Pharmacia AB", "NV Philips") */
};

struct pslot {
    uint64_t hash;   /* 0: empty */
    unsigned bits;
    const char *kind;   /* P_ROLE, P_CHEAD: borrowed from the lexicon */
};

struct party_lex {
    struct pslot *tab;
    size_t size;                 /* a power of two */
    const lexicon *suffix;       /* rolesuffix (compounds: "Großbank") */
    int names;                   /* capitalised runs are names (capitalised_names yes) */
};

static uint64_t fnv(const char *s, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}
#define FNV0 1469598103934665603ULL

/* Case-fold UTF-8 (simple folding, per code point; ’ as '), into out;
** returns the length (0 when it does not fit). */
static size_t pfold(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    int32_t i = 0;
    while ((size_t)i < n) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, (int32_t)n, c);
        if (c < 0)
            c = 0xFFFD;
        if (c == 0x2019)
            c = '\'';
        if (u_isUWhiteSpace(c) || c == 0xA0)
            c = ' ';
        c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
        if (k + 4 >= size)
            return 0;
        UBool err = 0;
        U8_APPEND((uint8_t *)out, k, size, c, err);
        if (err)
            return 0;
    }
    out[k] = 0;
    return k;
}

static struct pslot *pslot_at(const struct party_lex *p, uint64_t h)
{
    size_t i = h & (p->size - 1);
    while (p->tab[i].hash && p->tab[i].hash != h)
        i = (i + 1) & (p->size - 1);
    return &p->tab[i];
}

static void padd(struct party_lex *p, const lexicon *lx, unsigned bits)
{
    for (size_t i = 0; lx && i < lx->n; i++) {
        char f[256];
        size_t n = pfold(lx->v[i].surface, strlen(lx->v[i].surface), f, sizeof f);
        if (!n)
            continue;
        struct pslot *s = pslot_at(p, fnv(f, n, FNV0));
        s->hash = fnv(f, n, FNV0);
        s->bits |= bits;
        if ((bits & (P_ROLE | P_CHEAD)) && !s->kind)
            s->kind = lx->v[i].value;
        const char *sp = (bits & P_ROLE) ? strrchr(f, ' ') : NULL;
        if (sp) {
            struct pslot *l = pslot_at(p, fnv(sp + 1, strlen(sp + 1), FNV0));
            l->hash = fnv(sp + 1, strlen(sp + 1), FNV0);
            l->bits |= P_ROLEEND;
        }
    }
}

int parties_prepare(ruleset *rs)
{
    static const char *const notname[] = { "notname", "det", "month", "monthshort", "weekday",
                                           "currency", "scale", "numword", "unit", "qual", "tense" };
    struct party_lex *p = calloc(1, sizeof *p);
    if (!p)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < rs->n_lex; i++)
        n += rs->lex[i].n;
    p->size = 64;
    while (p->size < 2 * n + 16)
        p->size *= 2;
    if (!(p->tab = calloc(p->size, sizeof *p->tab))) {
        free(p);
        return 0;
    }
    for (size_t i = 0; i < sizeof notname / sizeof *notname; i++)
        padd(p, lex_find(rs, notname[i]), P_NOTNAME);
    padd(p, lex_find(rs, "place"), P_PLACE);
    padd(p, lex_find(rs, "rolenoun"), P_ROLE);
    padd(p, lex_find(rs, "nameconnector"), P_CONNECT);
    padd(p, lex_find(rs, "firstname"), P_FIRST);
    padd(p, lex_find(rs, "compoundhead"), P_CHEAD);
    padd(p, lex_find(rs, "det"), P_DET);
    padd(p, lex_find(rs, "compoundstop"), P_CSTOP);
    padd(p, lex_find(rs, "adjtail"), P_ADJTAIL);
    padd(p, lex_find(rs, "roleas"), P_ROLEAS);
    padd(p, lex_find(rs, "legalform"), P_LEGAL);
    p->suffix = lex_find(rs, "rolesuffix");
    p->names = rs->has_capitalised_names;
    rs->party = p;
    return 1;
}

int parties_names(const ruleset *rs)
{
    return rs && rs->party && rs->party->names;
}

void parties_free(ruleset *rs)
{
    if (rs->party) {
        free(rs->party->tab);
        free(rs->party);
        rs->party = NULL;
    }
}

/* ------------------------------------------------------------ the words */

enum {
    W_CAP = 1,       /* starts with a capital */
    W_ACRO = 2,      /* all capitals, 2-6 letters and digits, 2 letters at least */
    W_INM = 4,       /* inside a mention already found */
    W_START = 8,     /* opens the sentence or a clause (after ':', a quote, a bracket) */
    W_JOIN = 16,     /* only spaces between it and the next word */
    W_POSS = 32,     /* ends with 's or ' (a possessive, a genitive): ends a name */
    W_LOWER = 64,    /* starts with a small letter */
    W_SHOUT = 128    /* all capitals */
};

typedef struct pword {
    size_t s, e;       /* the word, a final possessive 's or apostrophe left out */
    unsigned flags;
    unsigned bits;     /* P_* of its folded form (looked up lazily) */
    int looked;
    const char *kind;  /* P_ROLE */
} pword;

typedef struct found {
    size_t start, end, sentence;
    size_t tail;       /* a compound's end ("Lufthansa-Konzern"): the mention's, the name
                          being start..end; 0 for none */
    char id[64];
    char kind[32];
    int evidence;      /* not a bare capitalised run */
    int nwords;
} found;

typedef struct pstate {
    const nc_article *a;
    pword *w;
    size_t nw, capw;
    found *f;
    size_t nf, capf;
    int oom;
} pstate;

static int is_word_cp(UChar32 c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '&' ||
               c == '-' || c == '\'';
    return u_isalnum(c) || c == '&' || c == '-' || c == '\'' || c == 0x2019 || u_charType(c) == U_NON_SPACING_MARK;
}

static int is_apos(const char *t, size_t i, size_t e)
{
    return t[i] == '\'' || (i + 3 <= e && (unsigned char)t[i] == 0xE2 && (unsigned char)t[i + 1] == 0x80 &&
                            (unsigned char)t[i + 2] == 0x99);
}

static unsigned lookup(const struct party_lex *p, const char *s, size_t n, const char **kind)
{
    char f[256];
    size_t k = pfold(s, n, f, sizeof f);
    if (!k)
        return 0;
    const struct pslot *sl = pslot_at(p, fnv(f, k, FNV0));
    if (!sl->hash)
        return 0;
    if (kind && sl->kind)
        *kind = sl->kind;
    return sl->bits;
}

static unsigned wbits(const struct party_lex *p, const char *t, pword *w)
{
    if (!w->looked) {
        w->looked = 1;
        w->bits = lookup(p, t + w->s, w->e - w->s, &w->kind);
    }
    return w->bits;
}

static pword *push_word(pstate *st)
{
    if (st->nw == st->capw) {
        size_t cap = st->capw ? st->capw * 2 : 128;
        pword *v = realloc(st->w, cap * sizeof *v);
        if (!v) {
            st->oom = 1;
            return NULL;
        }
        st->w = v;
        st->capw = cap;
    }
    pword *w = &st->w[st->nw++];
    memset(w, 0, sizeof *w);
    return w;
}

/* The words of text[s0, s1); French elisions ("l'", "d'") that a lexicon
** knows are words of their own. ms[*mi..] are the mentions from s0 on. */
static void words_of(pstate *st, const struct party_lex *p, size_t s0, size_t s1, const nc_mention *ms,
                     size_t nm, size_t mi)
{
    const char *t = st->a->text;
    st->nw = 0;
    size_t i = s0;
    int start = 1;
    while (i < s1) {
        UChar32 c;
        int32_t j = (int32_t)i;
        U8_NEXT((const uint8_t *)t, j, (int32_t)s1, c);
        if (!is_word_cp(c) || c == '\'' || c == 0x2019 || c == '-') {
            if (c == ':' || c == '"' || c == 0xAB || c == 0x201C || c == '(' || c == 0x2014 || c == 0x2013 ||
                c == ';' || c == 0x201E)
                start = 1;
            if (!u_isUWhiteSpace(c) && c != 0xA0 && st->nw && !(c == '&'))
                st->w[st->nw - 1].flags &= ~(unsigned)W_JOIN;
            i = (size_t)j;
            continue;
        }
        size_t b = i, e = (size_t)j;
        while (e < s1) {
            int32_t k = (int32_t)e;
            U8_NEXT((const uint8_t *)t, k, (int32_t)s1, c);
            if (!is_word_cp(c))
                break;
            e = (size_t)k;
        }
        /* an elision the lexicons know ("l'", "d'", "qu'") is a word of its own */
        for (size_t q = b; q < e && q < b + 4; q++)
            if (is_apos(t, q, e) && q > b) {
                size_t ae = q + (t[q] == '\'' ? 1 : 3);
                if (ae < e && lookup(p, t + b, ae - b, NULL) & (P_NOTNAME | P_CONNECT)) {
                    pword *w = push_word(st);
                    if (!w)
                        return;
                    w->s = b;
                    w->e = ae;
                    w->flags = W_LOWER | W_JOIN | (start ? W_START : 0);
                    start = 0;
                    b = ae;
                }
                break;
            }
        pword *w = push_word(st);
        if (!w)
            return;
        w->s = b;
        w->e = e;
        /* a final possessive or genitive apostrophe ends the name: "Boeing's", "UBS'" */
        size_t pe = e;
        if (pe - b > 2 && (t[pe - 1] == 's' || t[pe - 1] == 'S') && is_apos(t, pe - 2, pe))
            pe -= 2;
        else if (pe - b > 4 && (t[pe - 1] == 's' || t[pe - 1] == 'S') && is_apos(t, pe - 4, pe))
            pe -= 4;
        while (pe > b && (t[pe - 1] == '\'' || t[pe - 1] == '-'))
            pe--;
        while (pe > b + 3 && is_apos(t, pe - 3, pe))
            pe -= 3;
        if (pe < e)
            w->flags |= W_POSS;
        w->e = pe > b ? pe : e;
        w->flags |= W_JOIN | (start ? W_START : 0);
        start = 0;
        /* the letters' case */
        int32_t k = (int32_t)w->s;
        size_t letters = 0, alnum = 0, upper = 0, lower = 0;
        int first = 1;
        while ((size_t)k < w->e) {
            U8_NEXT((const uint8_t *)t, k, (int32_t)w->e, c);
            int al, up, lo, dg;
            if (c < 0x80) {
                up = c >= 'A' && c <= 'Z';
                lo = c >= 'a' && c <= 'z';
                al = up || lo;
                dg = c >= '0' && c <= '9';
            } else {
                al = u_isalpha(c);
                up = al && (u_isupper(c) || u_istitle(c));
                lo = al && !up && u_islower(c);
                dg = !al && u_isdigit(c);
            }
            if (al) {
                letters++;
                upper += up;
                lower += lo;
                if (first)
                    w->flags |= up ? W_CAP : lo ? W_LOWER : 0;
            }
            alnum += al || dg;
            first = 0;
        }
        if (!lower && upper >= 2 && alnum >= 2 && alnum <= 6 && alnum == (size_t)(w->e - w->s))   /* ASCII only */
            w->flags |= W_ACRO;
        if ((letters < 2 && alnum < 2) || alnum != letters)
            w->flags &= ~(unsigned)(W_CAP | W_ACRO);   /* "U" of "U.S.", initials; "X5", "COP21": models, events */
        if (!lower && upper >= 2)
            w->flags |= W_SHOUT;
        /* inside a mention? */
        while (mi < nm && ms[mi].end <= w->s)
            mi++;
        if (mi < nm && ms[mi].start < e)
            w->flags |= W_INM;
        /* "San Diego-based", "Japanese-owned": a capitalised adjective (its
        ** tail after the last hyphen in the `adjtail` lexicon), never a name,
        ** nor are the capitalised words written just before it ("San"); a
        ** verb in small letters ("Merrill Lynch co-managed") ends nothing */
        for (size_t h = w->e; h > w->s + 1; h--)
            if (t[h - 1] == '-') {
                if (h < w->e && (w->flags & W_CAP) && (lookup(p, t + h, w->e - h, NULL) & P_ADJTAIL)) {
                    w->flags |= W_INM;
                    for (size_t q = st->nw - 1; q > 0 && (st->w[q - 1].flags & W_JOIN) && (st->w[q - 1].flags & W_CAP) &&
                                                !(st->w[q - 1].flags & W_POSS);
                         q--)
                        st->w[q - 1].flags |= W_INM;
                }
                break;
            }
        i = e;
    }
    /* words in capitals next to one another, or longer than an acronym, are
    ** a headline's or a dateline's ("NEW YORK", "REINE ÉLIZABETH"): no names */
    for (size_t k = 0; k < st->nw; k++) {
        pword *w = &st->w[k];
        if (!(w->flags & W_SHOUT))
            continue;
        int next = k + 1 < st->nw && (w->flags & W_JOIN) && (st->w[k + 1].flags & W_SHOUT);
        int prev = k > 0 && (st->w[k - 1].flags & W_JOIN) && (st->w[k - 1].flags & W_SHOUT);
        /* "LONDON, March 3 -", "PARIS, 12 juin": a dateline; "UBS, la banque
        ** suisse," goes on in small letters: a name */
        int dateline = (w->flags & W_START) && !(w->flags & W_JOIN) &&
                       !(k + 1 < st->nw && (st->w[k + 1].flags & W_LOWER));
        if (next || prev || dateline || !(w->flags & W_ACRO))
            w->flags |= W_INM;   /* treated as taken */
    }
}

/* Is the word (n bytes at w) written somewhere in the article inside a
** sentence, after a word of its own sentence, with its capital? Only
** articles under 256 KB are searched: the check is for names that open a
** sentence, so a longer article's lone capitalised openers stay unnamed. */
static int capital_inside(const nc_article *a, const char *w, size_t n)
{
    if (a->text_len > (256u << 10) || !n)
        return 0;
    const char *t = a->text, *end = t + a->text_len;
    for (const char *p = t; p + n <= end; p++) {
        p = memchr(p, (unsigned char)w[0], (size_t)(end - p));
        if (!p || p + n > end)
            return 0;
        if (memcmp(p, w, n) || (p + n < end && (isalnum((unsigned char)p[n]) || ((unsigned char)p[n] & 0x80))))
            continue;
        const char *q = p;
        while (q > t && q[-1] == ' ')
            q--;
        if (q == p || q == t)
            continue;          /* glued to what precedes, or the text's start */
        unsigned char c = (unsigned char)q[-1];
        if (isalnum(c) || c == ',' || (c & 0x80))
            return 1;          /* after a word or a comma: inside a sentence */
    }
    return 0;
}

/* Does the article treat the word opening a sentence as a name though it
** never writes it inside one ("Conseco had 1986 operating earnings of",
** its wire headline "CONSECO SETS ...")? It is written again, in any case
** (twice in all, at least), never with a small first letter, and it is no
** plural ("Shares", "Analysts" open sentences as common nouns). ASCII
** first letters only; 0 for texts over 256 KiB, as capital_inside. */
static int name_by_case(const nc_article *a, const char *w, size_t n)
{
    if (a->text_len > (256u << 10) || n < 3 || n > 40 || !isupper((unsigned char)w[0]) ||
        w[n - 1] == 's' || w[n - 1] == 'S')
        return 0;
    int seen = 0;
    const char *t = a->text, *end = t + a->text_len;
    for (const char *p = t; p + n <= end; p++) {
        if (tolower((unsigned char)*p) != tolower((unsigned char)w[0]) || strncasecmp(p, w, n))
            continue;
        if ((p > t && (isalnum((unsigned char)p[-1]) || ((unsigned char)p[-1] & 0x80))) ||
            (p + n < end && (isalnum((unsigned char)p[n]) || ((unsigned char)p[n] & 0x80))))
            continue;          /* inside a longer word */
        if (islower((unsigned char)*p))
            return 0;          /* a common word somewhere */
        seen++;
        p += n - 1;
    }
    return seen >= 2;
}

static int is_roman(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("IVXLCDM", s[i]))
            return 0;
    return 1;
}

/* The role noun (or person cue) just before word i: its kind, or NULL. Up
** to three words back, one `place` word allowed between ("la banque suisse
** UBS"); a German compound by its `rolesuffix` ("Großbank"). */
static const char *role_before(const struct party_lex *p, pstate *st, size_t i)
{
    const char *t = st->a->text;
    size_t j = i;
    for (int skip = 0; skip < 2 && j > 0; skip++) {
        /* the words j-k .. j-1, k = 3, 2, 1: the text between them as written */
        for (size_t k = j < 3 ? j : 3; k >= 1; k--) {
            size_t b = st->w[j - k].s, e = st->w[j - 1].e;
            int ok = 1;
            for (size_t q = j - k; q + 1 < j; q++)
                ok &= (st->w[q].flags & W_JOIN) != 0;
            if (!ok || (st->w[j - 1].flags & W_INM))
                continue;
            /* "Mr. Smith", "M. Dupont": the period is the word's */
            size_t pe = e;
            if (pe < st->w[j].s && t[pe] == '.')
                pe++;
            else if (!(st->w[j - 1].flags & W_JOIN))
                continue;
            const char *kind = NULL;
            if (lookup(p, t + b, pe - b, &kind) & P_ROLE)
                return kind;
            if (pe != e && (lookup(p, t + b, e - b, &kind) & P_ROLE) && (st->w[j - 1].flags & W_JOIN))
                return kind;
        }
        pword *w = &st->w[j - 1];
        if (p->suffix && (w->flags & W_JOIN)) {
            char f[256];
            size_t n = pfold(t + w->s, w->e - w->s, f, sizeof f);
            for (size_t s = 0; n && s < p->suffix->n; s++) {
                size_t l = strlen(p->suffix->v[s].folded);
                if (l < n && !memcmp(f + n - l, p->suffix->v[s].folded, l))
                    return p->suffix->v[s].value;
            }
        }
        /* one nationality between the role noun and the name */
        if (skip == 0 && (wbits(p, t, w) & P_PLACE) && (w->flags & W_JOIN))
            j--;
        else
            break;
    }
    return NULL;
}

static found *push_found(pstate *st)
{
    if (st->nf == st->capf) {
        size_t cap = st->capf ? st->capf * 2 : 32;
        found *v = realloc(st->f, cap * sizeof *v);
        if (!v) {
            st->oom = 1;
            return NULL;
        }
        st->f = v;
        st->capf = cap;
    }
    found *f = &st->f[st->nf++];
    memset(f, 0, sizeof *f);
    return f;
}

static found *add_found(pstate *st, size_t si, size_t b, size_t e, const char *kind, int evidence, int nwords)
{
    found *f = push_found(st);
    if (!f)
        return NULL;
    f->start = b;
    f->end = e;
    f->sentence = si;
    discovered_id(st->a->text + b, e - b, f->id, sizeof f->id);
    snprintf(f->kind, sizeof f->kind, "%s", kind);
    f->evidence = evidence;
    f->nwords = nwords;
    return f;
}

/* A hyphenated compound whose head makes its first part a name: the
** `compoundhead` lexicon, whose value is the name's kind ("Lufthansa-Konzern",
** "Henkel-Aktie", "MPS-Aktien": German writes a name joined to the noun it
** qualifies), the first part capitalised and in no `compoundstop`, `place` or
** `notname` lexicon ("Auto-Aktien", "Dax-Konzern", "US-Konzern"). The mention
** spans the compound, so that frames see one party where the compound stands;
** its id is the name's. Returns 1 when w was such a compound. */
static int compound_name(const struct party_lex *p, pstate *st, size_t si, const pword *w)
{
    const char *t = st->a->text;
    size_t dash = w->e;
    while (dash > w->s && t[dash - 1] != '-')
        dash--;
    if (dash <= w->s + 1 || dash >= w->e)
        return 0;
    const char *kind = NULL;
    if (!(lookup(p, t + dash, w->e - dash, &kind) & P_CHEAD) || !kind)
        return 0;
    size_t ne = dash - 1;      /* the name: w->s .. ne, its own hyphens kept ("Air-France") */
    size_t fe = w->s;          /* its first part */
    while (fe < ne && t[fe] != '-')
        fe++;
    if ((lookup(p, t + w->s, ne - w->s, NULL) | lookup(p, t + w->s, fe - w->s, NULL)) & (P_CSTOP | P_PLACE | P_NOTNAME))
        return 0;
    found *f = add_found(st, si, w->s, ne, kind, 1, 1);
    if (f)
        f->tail = w->e;
    return 1;
}

/* Is the sentence written in capitals (a headline), or in Title Case? */
static void sentence_case(const pstate *st, int *caps, int *title)
{
    size_t acro = 0, lower = 0, cap = 0, longw = 0;
    for (size_t i = 0; i < st->nw; i++) {
        const pword *w = &st->w[i];
        if (w->flags & W_LOWER)
            lower++;
        if (w->flags & W_ACRO)
            acro++;
        if (w->e - w->s >= 4) {
            longw++;
            cap += (w->flags & W_CAP) != 0;
        }
    }
    *caps = st->nw >= 2 && (lower == 0 || acro * 2 > st->nw);
    *title = longw >= 3 && cap * 10 > longw * 7;
}

/* The names of one sentence. */
/* An apposition after the name b..e that opens its sentence, and says what
** it is: a comma, a determiner, a role noun after at most two words in
** small letters or places, and a comma again further on, closing it
** ("Supermac, a privately held firm based in Mountain View, reported";
** "Orion, une société lyonnaise, a versé"). Only where capitalised runs are
** names (in German "X, die ..." opens a relative clause as often), never
** "Maine, the company said" (no closing comma: a clause). Returns the role's
** kind, or NULL. */
static const char *role_after(const struct party_lex *p, pstate *st, size_t b, size_t e)
{
    const char *t = st->a->text;
    /* one word ("Presumably, a buyer would", "Interrogé, le ministère a"
    ** open a sentence too: written capitalised inside a sentence as well,
    ** or an acronym); a longer run is a name already */
    if (!p->names || b != e || !(st->w[b].flags & W_START) || e + 2 >= st->nw || (st->w[e].flags & (W_JOIN | W_POSS)))
        return NULL;
    if (!(st->w[b].flags & W_ACRO) && !capital_inside(st->a, t + st->w[b].s, st->w[b].e - st->w[b].s))
        return NULL;
    size_t q = st->w[e].e;
    while (q < st->w[e + 1].s && (t[q] == ' ' || t[q] == ','))
        q++;
    if (q != st->w[e + 1].s || !memchr(t + st->w[e].e, ',', q - st->w[e].e) || !(wbits(p, t, &st->w[e + 1]) & P_DET))
        return NULL;
    for (size_t k = e + 2; k < st->nw && k <= e + 4; k++) {
        pword *w = &st->w[k];
        if (!(st->w[k - 1].flags & W_JOIN) || (w->flags & W_INM))
            return NULL;
        const char *kind = NULL;
        if ((lookup(p, t + w->s, w->e - w->s, &kind) & P_ROLE) && kind && strcmp(kind, "person") &&
            !(w->flags & W_POSS)) {    /* "the federation's vice president" */
            /* a comma closes it before the sentence ends */
            for (size_t c = w->e; c < st->w[st->nw - 1].e; c++)
                if (t[c] == ',')
                    return kind;
            return NULL;
        }
        if (!(w->flags & W_LOWER) && !(wbits(p, t, w) & P_PLACE))
            return NULL;
        if (wbits(p, t, w) & (P_CONNECT | P_NOTNAME))
            return NULL;
    }
    return NULL;
}

/* A person's title in apposition after the name b..e (two or three
** capitalised words, no connector), where capitalised runs are names:
** "Jerry Kendall, president of the company, said", "Anne Brun, a former
** chairwoman", "named Rafael Collado as chief executive" (`roleas` words,
** "as"). A comma (or a `roleas` word), a determiner perhaps, at most one
** word in small letters, then a role noun whose kind is person, not followed
** by a capitalised word (then the title is the next name's: "Acme Corp,
** chairman John Smith said"). Returns 1 when so. */
static int person_after(const struct party_lex *p, pstate *st, size_t b, size_t e)
{
    const char *t = st->a->text;
    if (!p->names || e == b || e - b > 2 || e + 2 >= st->nw || (st->w[e].flags & W_POSS))
        return 0;
    for (size_t q = b; q <= e; q++)
        if ((st->w[q].flags & W_ACRO) || (wbits(p, t, &st->w[q]) & (P_CONNECT | P_ROLE | P_PLACE)))
            return 0;
    size_t k = e + 1;
    size_t gap = st->w[e].e;
    while (gap < st->w[k].s && t[gap] == ' ')
        gap++;
    if (gap < st->w[k].s && t[gap] == ',') {
        gap++;
        while (gap < st->w[k].s && t[gap] == ' ')
            gap++;
        if (gap != st->w[k].s)
            return 0;
    } else if (gap == st->w[k].s && (st->w[e].flags & W_JOIN) && (wbits(p, t, &st->w[k]) & P_ROLEAS)) {
        k++;
    } else {
        return 0;
    }
    if (k < st->nw && (wbits(p, t, &st->w[k]) & P_DET) && (st->w[k].flags & W_JOIN))
        k++;
    for (int lower = 0; k < st->nw && lower < 2; k++) {
        pword *w = &st->w[k];
        if (w->flags & W_INM)
            return 0;
        /* the role noun, of up to three words */
        for (size_t n = 3; n >= 1; n--) {
            if (k + n > st->nw)
                continue;
            int ok = 1;
            for (size_t q = k; q + 1 < k + n; q++)
                ok &= (st->w[q].flags & W_JOIN) != 0;
            const char *kind = NULL;
            if (!ok || !(lookup(p, t + w->s, st->w[k + n - 1].e - w->s, &kind) & P_ROLE) || !kind ||
                strcmp(kind, "person"))
                continue;
            size_t after = k + n;
            return !(after < st->nw && (st->w[after - 1].flags & W_JOIN) && (st->w[after].flags & W_CAP));
        }
        if (!(w->flags & W_LOWER) || !(w->flags & W_JOIN) || (wbits(p, t, w) & (P_NOTNAME | P_CONNECT)))
            return 0;
        lower++;
    }
    return 0;
}

static void sentence_parties(const struct party_lex *p, pstate *st, size_t si)
{
    const char *t = st->a->text;
    int caps, title;
    sentence_case(st, &caps, &title);
    if (caps)
        return;
    size_t i = 0;
    while (i < st->nw) {
        pword *w = &st->w[i];
        if ((w->flags & W_INM) || !(w->flags & W_CAP)) {
            i++;
            continue;
        }
        if (memchr(st->a->text + w->s, '-', w->e - w->s) && compound_name(p, st, si, w)) {
            i++;
            continue;
        }
        /* a role noun before it? only where the word before can end one */
        const char *role = NULL;
        if (i > 0 && (p->suffix || t[st->w[i - 1].e] == '.' ||
                      (wbits(p, t, &st->w[i - 1]) & (P_ROLE | P_ROLEEND | P_PLACE))))
            role = role_before(p, st, i);
        /* the run of capitalised words from i (connectors inside) */
        size_t j = i, content = 1;
        int before_first = 0;   /* the run stops before a first name opening another */
        /* German: two words after a role noun ("die Fluggesellschaft Air
        ** France"), three after a person's title ("Polizeidirektor Hans Peter
        ** Doskozil") */
        size_t maxw = p->names ? 4 : !role ? 1 : !strcmp(role, "person") ? 3 : 2;
        while (content < maxw && (st->w[j].flags & W_JOIN) && !(st->w[j].flags & W_POSS) && j + 1 < st->nw) {
            pword *n = &st->w[j + 1];
            if (n->flags & W_INM)
                break;
            if (n->flags & W_CAP) {
                if (!p->names && (wbits(p, t, n) & (P_NOTNAME | P_PLACE)))
                    break;
                /* "Treasury Secretary James Baker", "CFDT Laurent Berger": a title
                ** or a first name starts another name */
                const char *nk = NULL;
                if ((wbits(p, t, n) & P_ROLE) && (nk = n->kind) && !strcmp(nk, "person"))
                    break;
                if ((wbits(p, t, n) & P_FIRST) && !(wbits(p, t, &st->w[j]) & P_FIRST)) {
                    before_first = 1;
                    break;
                }
                j++;
                content++;
                continue;
            }
            if (p->names && (n->flags & W_JOIN) && j + 2 < st->nw && (wbits(p, t, n) & P_CONNECT) &&
                (st->w[j + 2].flags & W_CAP) && !(st->w[j + 2].flags & W_INM)) {
                j += 2;
                content++;
                continue;
            }
            break;
        }
        size_t next = j + 1;
        /* drop leading words that are no name: determiners, "However", role
        ** nouns ("President", "Chief Executive": cues for what follows) */
        size_t b = i;
        while (b <= j) {
            const char *kind = NULL;
            size_t took = 0;
            for (size_t k = (j - b + 1 < 3 ? j - b + 1 : 3); k >= 1 && !took; k--) {
                if (k > 1) {
                    int ok = 1;
                    for (size_t q = b; q + 1 < b + k; q++)
                        ok &= (st->w[q].flags & W_JOIN) != 0;
                    if (!ok)
                        continue;
                }
                size_t e = st->w[b + k - 1].e;
                if (k == 1 && e < st->a->text_len && t[e] == '.' && (lookup(p, t + st->w[b].s, e + 1 - st->w[b].s, &kind) & P_ROLE))
                    took = 1;
                else if (lookup(p, t + st->w[b].s, e - st->w[b].s, &kind) & P_ROLE)
                    took = k;
            }
            if (took && kind && !strcmp(kind, "person")) {   /* "President", "Chief Executive" */
                role = kind;
                b += took;
                continue;
            }
            if (wbits(p, t, &st->w[b]) & P_NOTNAME) {
                b++;
                continue;
            }
            /* "Successivement UDF": a clause's first word before an acronym */
            if ((st->w[b].flags & W_START) && b + 1 <= j && (st->w[b + 1].flags & W_ACRO) &&
                !(wbits(p, t, &st->w[b]) & P_FIRST)) {
                b++;
                continue;
            }
            /* "Shares of Boeing": a clause's first word before a connector */
            if ((st->w[b].flags & W_START) && b + 1 <= j && (wbits(p, t, &st->w[b + 1]) & P_CONNECT)) {
                b += 2;
                continue;
            }
            break;
        }
        /* "PDG de HP France", "chief executive of Boeing": after a person's
        ** title, a connector names what the person heads, an organisation */
        if (b > i && b <= j && (wbits(p, t, &st->w[b]) & P_CONNECT)) {
            while (b <= j && (wbits(p, t, &st->w[b]) & P_CONNECT))
                b++;
            if (role && !strcmp(role, "person"))
                role = "organisation";
        }
        size_t e = j;
        while (e >= b && e > 0 && ((wbits(p, t, &st->w[e]) & (P_CONNECT | P_NOTNAME)) || !(st->w[e].flags & (W_CAP))))
            e--;
        if (b > j || e < b || e > j) {
            i = next;
            continue;
        }
        size_t nwords = 0, places = 0, acros = 0;
        for (size_t q = b; q <= e; q++) {
            if (wbits(p, t, &st->w[q]) & P_CONNECT)
                continue;
            nwords++;
            places += (wbits(p, t, &st->w[q]) & (P_PLACE | P_NOTNAME)) != 0;
            acros += (st->w[q].flags & W_ACRO) && !is_roman(t + st->w[q].s, st->w[q].e - st->w[q].s);
        }
        const char *kind = NULL;
        int evidence = 1;
        if (nwords > 1 && (lookup(p, t + st->w[b].s, st->w[e].e - st->w[b].s, NULL) & (P_PLACE | P_NOTNAME)))
            places = nwords;   /* "Hong Kong", "Los Angeles" */
        if (places == nwords || (nwords == 1 && is_roman(t + st->w[b].s, st->w[b].e - st->w[b].s))) {
            i = next;
            continue;
        }
        if (!role && e == j)
            role = role_after(p, st, b, e);   /* "Supermac, a privately held firm," */
        if (role) {
            kind = role;
            if (!strcmp(kind, "person") && nwords > 3) {
                i = next;
                continue;
            }
        } else if (nwords >= 2 && (wbits(p, t, &st->w[b]) & P_FIRST)) {
            kind = "person";
        } else if (!acros && e == j && person_after(p, st, b, e)) {
            kind = "person";   /* "Jerry Kendall, president of the company," */
        } else if (acros) {
            kind = "organisation";
        } else if (p->names && !title) {
            kind = "name";
            evidence = 0;
            /* a lone capitalised word: a place as often as a name. It is only a
            ** candidate, which a claim's frame may take as its subject or object
            ** ("Boeing sold ...", claims.c); one that opens a sentence must be
            ** written with its capital inside a sentence of the article too
            ** ("Shares rose" is no name), or be a possessive ("Lufthansa's
            ** shares": what owns something; places, days and months are
            ** `place` and `notname` words), or be a word the article writes
            ** again and never in small letters (name_by_case) */
            if (nwords == 1)
                kind = (st->w[b].flags & W_START) && !(st->w[b].flags & W_POSS) &&
                               !capital_inside(st->a, t + st->w[b].s, st->w[b].e - st->w[b].s) &&
                               !name_by_case(st->a, t + st->w[b].s, st->w[b].e - st->w[b].s)
                           ? NULL : "candidate";
            /* nor the tail of a longer capitalised sequence cut short ("Real
            ** Estate Group", "Banque de France": the word before, inside the
            ** sentence, is capitalised and no determiner, or a connector after
            ** one), nor a company's role noun alone ("the Bank has raised") */
            if (nwords == 1 && kind) {
                size_t k = b;
                if (k > 1 && (st->w[k - 1].flags & W_JOIN) && (wbits(p, t, &st->w[k - 1]) & P_CONNECT))
                    k--;
                pword *pw = k > 0 ? &st->w[k - 1] : NULL;
                int tail = pw && (pw->flags & W_JOIN) && (pw->flags & W_CAP) && !(pw->flags & W_START) &&
                           !(wbits(p, t, pw) & (P_DET | P_NOTNAME));
                const char *rk = NULL;
                int alone_role = (lookup(p, t + st->w[b].s, st->w[b].e - st->w[b].s, &rk) & P_ROLE) && rk &&
                                 !strcmp(rk, "company");
                if (tail || alone_role)
                    kind = NULL;
            }
        }
        /* "Pharmacia AB", "NV Philips Gloeilampenfabrieken", "Citibank NA": a
        ** legal form (`legalform`) in the run, as the run's first or last
        ** word, makes it a company's name */
        if (kind && (!strcmp(kind, "organisation") || !strcmp(kind, "name")) && nwords >= 2) {
            size_t last = j;
            while (last > b && !(st->w[last].flags & W_CAP))
                last--;
            if ((wbits(p, t, &st->w[b]) & P_LEGAL) || (wbits(p, t, &st->w[last]) & P_LEGAL) ||
                (last < j && (wbits(p, t, &st->w[j]) & P_LEGAL))) {
                kind = "company";
                evidence = 1;
            }
        }
        /* "the OMV group", "the Chrysler unit": a company's role noun just
        ** after an acronym or a name says it is a company */
        if (kind && (!strcmp(kind, "organisation") || !strcmp(kind, "name")) && e == j && e + 1 < st->nw &&
            (st->w[e].flags & W_JOIN) && !(st->w[e].flags & W_POSS) && !(st->w[e + 1].flags & (W_INM | W_CAP))) {
            const char *rk = NULL;
            if ((wbits(p, t, &st->w[e + 1]) & P_ROLE) && (rk = st->w[e + 1].kind) && !strcmp(rk, "company") &&
                !(e + 2 < st->nw && (st->w[e + 1].flags & W_JOIN) &&
                  ((st->w[e + 2].flags & W_CAP) || (wbits(p, t, &st->w[e + 2]) & P_CONNECT)))) {   /* "the OECD group of ..." */
                kind = "company";
                evidence = 1;
            }
        }
        if (!p->names && !role && nwords > 1)
            kind = NULL;       /* German: a run of capitals alone is no name */
        /* "House Speaker Jim Wright", "Soviet Leader Mikhail Gorbachev",
        ** "Financier Carl Lindner": capitalised words with no other evidence
        ** just before a person's first name are the person's title */
        if (before_first && kind && !evidence && !acros)
            kind = NULL;
        if (kind)
            add_found(st, si, st->w[b].s, st->w[e].e, kind, evidence, (int)nwords);
        i = next;
    }
}

/* A name found in the article written again where nothing else says so:
** "Boeing said" after "the aircraft maker Boeing"; a person's surname alone
** after the full name; German genitives ("Boeings") of a name found. */
static void repeats(const struct party_lex *p, pstate *st, size_t si, const found *known, size_t nk, size_t nfirst)
{
    const char *t = st->a->text;
    size_t nf0 = st->nf;
    (void)si;
    for (size_t i = 0; i < st->nw; i++) {
        pword *w = &st->w[i];
        if ((w->flags & W_INM) || !(w->flags & W_CAP))
            continue;
        /* covered already? by a name of the first pass (found[0 .. nfirst),
        ** in text order: a binary search), or one this pass found in this
        ** sentence (from nf0 on) */
        int covered = 0;
        size_t lo = 0, hi = nfirst;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (st->f[mid].end <= w->s)
                lo = mid + 1;
            else
                hi = mid;
        }
        covered = lo < nfirst && st->f[lo].start <= w->s;
        for (size_t q = nf0; q < st->nf && !covered; q++)
            covered = st->f[q].start <= w->s && w->s < st->f[q].end;
        if (covered)
            continue;
        const found *best = NULL;
        size_t best_end = 0;
        for (size_t k = 0; k < nk; k++) {
            const found *f = &known[k];
            if (!f->evidence && f->nwords < 2)
                continue;
            size_t n = f->end - f->start;
            const char *name = t + f->start;
            size_t end = 0;
            if (w->s + n <= st->a->text_len && !memcmp(t + w->s, name, n)) {
                end = w->s + n;
            } else if (!strcmp(f->kind, "person") && f->nwords >= 2) {
                /* the surname alone */
                size_t ls = f->end;
                while (ls > f->start && t[ls - 1] != ' ')
                    ls--;
                if (w->e - w->s == f->end - ls && !memcmp(t + w->s, t + ls, f->end - ls))
                    end = w->e;
            }
            if (!end)
                continue;
            /* a whole word (or run) ends there; a German genitive s is allowed */
            size_t we = i;
            while (we < st->nw && st->w[we].e < end)
                we++;
            if (we >= st->nw)
                continue;
            if (st->w[we].e != end && !(st->w[we].e == end + 1 && t[end] == 's' && !p->names))
                continue;
            int clean = 1;
            for (size_t q = i; q <= we; q++)
                clean &= !(st->w[q].flags & W_INM);
            if (clean && end > best_end) {
                best = f;
                best_end = end;
            }
        }
        if (best) {
            found *f = push_found(st);
            if (!f)
                return;
            *f = *best;
            f->start = w->s;
            f->end = best_end;
            f->tail = 0;
            f->sentence = si;
        }
    }
}

static int cmp_found(const void *a, const void *b)
{
    const found *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int kind_rank(const char *k)
{
    return !strcmp(k, "candidate") ? -1 : !strcmp(k, "name") ? 0 : !strcmp(k, "organisation") || !strcmp(k, "body") ? 1 : 2;
}

static const ruleset *rules_of(const nc_extractor *x, const ruleset *article_rs, const nc_article *a, size_t si)
{
    const char *sl = a->sentences[si].lang;
    const ruleset *other = sl[0] && strcmp(sl, article_rs->lang) ? ruleset_find(x, sl) : NULL;
    return other ? other : article_rs;
}

/* The work arrays, kept by each thread from one article to the next in a
** thread-specific slot whose destructor frees them when the thread ends. */
struct pkeep {
    pword *w;
    size_t capw;
    found *f;
    size_t capf;
};

static pthread_key_t keep_key;
static pthread_once_t keep_once = PTHREAD_ONCE_INIT;
static int keep_ok;

static void keep_free(void *p)
{
    struct pkeep *k = p;
    free(k->w);
    free(k->f);
    free(k);
}

static void keep_init(void)
{
    keep_ok = pthread_key_create(&keep_key, keep_free) == 0;
}

static struct pkeep *keep_get(void)
{
    pthread_once(&keep_once, keep_init);
    if (!keep_ok)
        return NULL;
    struct pkeep *k = pthread_getspecific(keep_key);
    if (!k && (k = calloc(1, sizeof *k)) && pthread_setspecific(keep_key, k) != 0) {
        free(k);
        k = NULL;
    }
    return k;
}

#define MAX_KNOWN 512

/* The names being sorted by cmp_found_id (qsort takes no context; one
** thread sorts at a time through it, so it is thread-local). */
static _Thread_local const found *sort_found;

static int cmp_found_id(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int r = strcmp(sort_found[x].id, sort_found[y].id);
    return r ? r : (x > y) - (x < y);
}

int parties_find(const nc_extractor *x, const ruleset *article_rs, const nc_article *a, nc_mention **pms,
                 size_t *pnm)
{
    /* the work arrays, kept by each thread from one article to the next */
    struct pkeep *kp = keep_get();
    pstate st = { 0 };
    st.a = a;
    if (kp) {
        st.w = kp->w;
        st.capw = kp->capw;
        st.f = kp->f;
        st.capf = kp->capf;
    }
    nc_mention *ms = *pms;
    size_t nm = *pnm;
    size_t mi = 0;
    /* the names with evidence, sentence by sentence */
    for (size_t si = 0; si < a->n_sentences && !st.oom; si++) {
        const ruleset *rs = rules_of(x, article_rs, a, si);
        if (!rs->party)
            continue;
        size_t s0 = a->sentences[si].start, s1 = a->sentences[si].end;
        while (mi < nm && ms[mi].end <= s0)
            mi++;
        words_of(&st, rs->party, s0, s1, ms, nm, mi);
        sentence_parties(rs->party, &st, si);
    }
    /* their repetitions */
    size_t nk = st.nf;
    found *known = nk ? malloc(nk * sizeof *known) : NULL;
    if (nk && !known)
        st.oom = 1;
    /* the names that may repeat, each once (the same name found in many
    ** sentences is one name to look for), at most MAX_KNOWN: a long article
    ** then finds its repeats of the first ones only */
    size_t repeatable = 0, nfirst = nk;
    for (size_t k = 0; known && k < nk && repeatable < MAX_KNOWN; k++) {
        const found *f = &st.f[k];
        if (!f->evidence && f->nwords < 2)
            continue;
        int seen = 0;
        for (size_t q = 0; q < repeatable && !seen; q++)
            seen = known[q].end - known[q].start == f->end - f->start &&
                   !memcmp(a->text + known[q].start, a->text + f->start, f->end - f->start) &&
                   !strcmp(known[q].kind, f->kind);
        if (!seen)
            known[repeatable++] = *f;
    }
    if (nk && known && repeatable) {
        mi = 0;
        for (size_t si = 0; si < a->n_sentences && !st.oom; si++) {
            const ruleset *rs = rules_of(x, article_rs, a, si);
            if (!rs->party)
                continue;
            size_t s0 = a->sentences[si].start, s1 = a->sentences[si].end;
            while (mi < nm && ms[mi].end <= s0)
                mi++;
            words_of(&st, rs->party, s0, s1, ms, nm, mi);
            repeats(rs->party, &st, si, known, repeatable, nfirst);
        }
    }
    free(known);
    if (kp) {
        kp->w = st.w;
        kp->capw = st.capw;
        kp->f = st.f;
        kp->capf = st.capf;
    } else {
        free(st.w);      /* no thread slot to keep them in: give them back */
        free(st.f);
    }
    if (st.oom || !st.nf)
        return st.oom ? NC_E_NOMEM : NC_OK;
    qsort(st.f, st.nf, sizeof *st.f, cmp_found);
    /* one id per name in the article: a genitive s dropped where the bare
    ** form is found too ("Boeings"), the most telling kind for all. Through
    ** an index sorted by id, so that the work is n log n in the names found */
    size_t *ix = malloc(st.nf * sizeof *ix);
    if (!ix)
        return NC_E_NOMEM;
    sort_found = st.f;
    for (size_t i = 0; i < st.nf; i++)
        ix[i] = i;
    qsort(ix, st.nf, sizeof *ix, cmp_found_id);
    for (size_t i = 0; i < st.nf; i++) {
        found *f = &st.f[i];
        size_t l = strlen(f->id);
        if (l <= 2 || f->id[l - 1] != 's' || rules_of(x, article_rs, a, f->sentence)->has_capitalised_names)
            continue;
        char bare[sizeof f->id];
        memcpy(bare, f->id, l - 1);
        bare[l - 1] = 0;
        size_t lo = 0, hi = st.nf;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(st.f[ix[mid]].id, bare) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < st.nf && !strcmp(st.f[ix[lo]].id, bare))
            f->id[l - 1] = 0;
    }
    qsort(ix, st.nf, sizeof *ix, cmp_found_id);
    for (size_t i = 0; i < st.nf;) {
        size_t j = i, best = ix[i];
        while (j < st.nf && !strcmp(st.f[ix[j]].id, st.f[ix[i]].id)) {
            if (kind_rank(st.f[ix[j]].kind) > kind_rank(st.f[best].kind))
                best = ix[j];
            j++;
        }
        for (size_t k = i; k < j; k++)
            if (ix[k] != best)
                memcpy(st.f[ix[k]].kind, st.f[best].kind, sizeof st.f[best].kind);
        i = j;
    }
    free(ix);
    /* a name of two or three words whose last word the article names as a
    ** person by itself ("Jean Dupont" ... "M. Dupont a déclaré", "Mr Kendall
    ** said") is that person */
    for (size_t k = 0; k < st.nf; k++) {
        found *g = &st.f[k];
        if (g->nwords != 1 || strcmp(g->kind, "person") || !g->evidence)
            continue;
        size_t gl = strlen(g->id + 1);   /* the surname, after "~" */
        for (size_t q = 0; q < st.nf; q++) {
            found *f = &st.f[q];
            size_t fl = strlen(f->id);
            if (f->nwords < 2 || f->nwords > 3 || (strcmp(f->kind, "name") && strcmp(f->kind, "organisation")) ||
                fl <= gl + 1 || f->id[fl - gl - 1] != '_' || strcmp(f->id + fl - gl, g->id + 1))
                continue;
            snprintf(f->kind, sizeof f->kind, "person");
        }
    }
    /* a name written elsewhere in the article with a legal form is a company:
    ** "OMV" after "OMV AG", "Texaco" after "Texaco Inc" (a company mention
    ** whose id is the name's and one word more) */
    for (size_t i = 0; i < nm; i++) {
        if (ms[i].kind != NC_MENTION_ORG || strcmp(ms[i].unit, "company") || ms[i].value[0] != '~')
            continue;
        const char *cv = ms[i].value;
        const char *us = strrchr(cv, '_');
        if (!us)
            continue;
        size_t pl = (size_t)(us - cv);
        for (size_t k = 0; k < st.nf; k++)
            if (strlen(st.f[k].id) == pl && !memcmp(st.f[k].id, cv, pl) &&
                (!strcmp(st.f[k].kind, "organisation") || !strcmp(st.f[k].kind, "name")))
                snprintf(st.f[k].kind, sizeof st.f[k].kind, "company");
    }
    /* into the mentions, in order; found names never overlap one another */
    nc_mention *v = realloc(ms, (nm + st.nf) * sizeof *v);
    if (!v) {
        return NC_E_NOMEM;
    }
    ms = v;
    size_t add = 0;
    size_t last_end = 0;
    for (size_t i = 0; i < st.nf; i++) {
        const found *f = &st.f[i];
        if (f->start < last_end)
            continue;
        last_end = f->tail ? f->tail : f->end;
        nc_mention *m = &ms[nm + add++];
        memset(m, 0, sizeof *m);
        m->kind = NC_MENTION_ORG;
        m->start = m->core_start = f->start;
        m->end = last_end;
        m->sentence = f->sentence;
        snprintf(m->value, sizeof m->value, "%s", f->id);
        snprintf(m->unit, sizeof m->unit, "%s", f->kind);
        m->rule = f->evidence ? "org.party" : "org.party_capitalised";
    }
    /* merge: both parts are sorted by start */
    if (add) {
        nc_mention *merged = malloc((nm + add) * sizeof *merged);
        if (!merged) {
            *pms = ms;
            return NC_E_NOMEM;
        }
        size_t p = 0, q = nm, k = 0;
        while (p < nm || q < nm + add)
            merged[k++] = (q >= nm + add || (p < nm && ms[p].start <= ms[q].start)) ? ms[p++] : ms[q++];
        free(ms);
        ms = merged;
    }
    *pms = ms;
    *pnm = nm + add;
    return NC_OK;
}
