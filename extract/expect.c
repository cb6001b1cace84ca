/*
** expect.c — one matcher for what the rule files' examples and the case
** files (tests/cases) say an extraction must hold.
**
** A line is one of:
**   KIND VALUE [UNIT [QUALIFIER]]   a mention ("money 70000000 USD at_least";
**                                   "-" as UNIT: any; "-" as VALUE: no value)
**   !KIND VALUE [UNIT [QUALIFIER]]  no such mention
**   none [KIND]                     no mention at all (of that kind)
**   claim PRED [FIELD=VALUE...] [FLAG...]    a claim with all of these
**   !claim PRED [FIELD=VALUE...] [FLAG...]   no such claim
** FIELDs: subject, object (an org id, its gazetteer name, or a discovered
** name as written, "Credit Suisse" for ~Credit_Suisse; "-" for none),
** amount (the value, then optionally its unit: "amount=3000000000 CHF"),
** term (ISO duration), date (the event date as stored), source. A value
** runs to the next FIELD= or FLAG, so names may hold spaces. FLAGs:
** negated, !negated, hedged, !hedged.
*/
#include "extract_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int mention_matches(const nc_mention *m, const char *kind, const char *value, const char *unit,
                           const char *qual)
{
    if (strcmp(nc_mention_kind_name(m->kind), kind) || strcmp(m->value, strcmp(value, "-") ? value : ""))
        return 0;
    if (unit && strcmp(unit, "-") && strcmp(m->unit, unit))
        return 0;
    if (qual && strcmp(m->qualifier, qual))
        return 0;
    return 1;
}

/* Does the org id name the party written as want? */
static int party_is(const nc_extractor *x, const char *id, const char *want)
{
    if (!strcmp(want, "-"))
        return !id[0];
    if (!id[0])
        return 0;
    if (!strcasecmp(id, want))
        return 1;
    const nc_org *o = nc_extractor_org(x, id);
    if (o && !strcasecmp(o->name, want))
        return 1;
    if (id[0] != '~')
        return 0;
    /* "~Credit_Suisse" is "Credit Suisse", "Crédit Suisse" and "~Crédit_Suisse":
    ** the name written as a discovered name's id is written */
    char name[256], want_id[256];
    size_t n = 0;
    for (const char *p = want + (want[0] == '~'); *p && n + 1 < sizeof name; p++)
        name[n++] = *p == '_' ? ' ' : *p;
    name[n] = 0;
    discovered_id(name, n, want_id, sizeof want_id);
    return !strcasecmp(id, want_id);
}

enum { F_SUBJECT, F_OBJECT, F_AMOUNT, F_TERM, F_DATE, F_SOURCE, F_COUNT };
static const char *const field_names[F_COUNT] = { "subject", "object", "amount", "term", "date", "source" };

typedef struct claim_want {
    char pred[64];
    char field[F_COUNT][128];
    int has[F_COUNT];
    int negated, hedged;     /* -1 any, 0, 1 */
} claim_want;

/* Parse "PRED field=value ... flags"; 0 if malformed. */
static int parse_claim(const char *s, claim_want *w)
{
    memset(w, 0, sizeof *w);
    w->negated = w->hedged = -1;
    while (*s == ' ')
        s++;
    size_t n = strcspn(s, " ");
    if (!n || n >= sizeof w->pred)
        return 0;
    memcpy(w->pred, s, n);
    s += n;
    int cur = -1;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        n = strcspn(s, " ");
        char tok[160];
        if (n >= sizeof tok)
            return 0;
        memcpy(tok, s, n);
        tok[n] = 0;
        s += n;
        char *eq = strchr(tok, '=');
        if (!strcmp(tok, "negated") || !strcmp(tok, "!negated")) {
            w->negated = tok[0] != '!';
            cur = -1;
        } else if (!strcmp(tok, "hedged") || !strcmp(tok, "!hedged")) {
            w->hedged = tok[0] != '!';
            cur = -1;
        } else if (eq) {
            *eq = 0;
            cur = -1;
            for (int f = 0; f < F_COUNT; f++)
                if (!strcmp(tok, field_names[f]))
                    cur = f;
            if (cur < 0 || w->has[cur])
                return 0;
            w->has[cur] = 1;
            snprintf(w->field[cur], sizeof w->field[cur], "%s", eq + 1);
        } else if (cur >= 0) {
            size_t l = strlen(w->field[cur]);
            snprintf(w->field[cur] + l, sizeof w->field[cur] - l, " %s", tok);
        } else {
            return 0;
        }
    }
    return 1;
}

static int claim_fits(const nc_extractor *x, const nc_extraction *ex, const nc_claim *c, const claim_want *w)
{
    if (strcmp(c->predicate, w->pred))
        return 0;
    if (w->has[F_SUBJECT] && !party_is(x, c->subject, w->field[F_SUBJECT]))
        return 0;
    if (w->has[F_OBJECT] && !party_is(x, c->object, w->field[F_OBJECT]))
        return 0;
    if (w->has[F_SOURCE] && !party_is(x, c->source, w->field[F_SOURCE]))
        return 0;
    if (w->has[F_AMOUNT]) {
        char v[128], u[64] = "";
        if (sscanf(w->field[F_AMOUNT], "%127s %63s", v, u) < 1)
            return 0;
        const nc_mention *m = c->amount >= 0 && (size_t)c->amount < ex->n_mentions ? &ex->mentions[c->amount] : NULL;
        if (!strcmp(v, "-")) {
            if (m)
                return 0;
        } else if (!m || strcmp(m->value, v) || (u[0] && strcmp(m->unit, u))) {
            return 0;
        }
    }
    if (w->has[F_TERM]) {
        const char *d = nc_claim_duration(ex, c);
        if (strcmp(d ? d : "-", w->field[F_TERM]))
            return 0;
    }
    if (w->has[F_DATE] && strcmp(c->event_date[0] ? c->event_date : "-", w->field[F_DATE]))
        return 0;
    if (w->negated >= 0 && c->is_negated != w->negated)
        return 0;
    if (w->hedged >= 0 && c->is_hedged != w->hedged)
        return 0;
    return 1;
}

/* What the extraction holds, for a failure's message. */
static void describe(const nc_extraction *ex, char *got, size_t gsize)
{
    size_t k = 0;
    got[0] = 0;
#define PUT(...)                                                                  \
    do {                                                                          \
        if (k < gsize)                                                            \
            k += (size_t)snprintf(got + k, gsize - k, __VA_ARGS__);               \
    } while (0)
    for (size_t i = 0; i < ex->n_mentions; i++) {
        const nc_mention *m = &ex->mentions[i];
        PUT("%s%s %s%s%s%s%s", i ? "; " : "", nc_mention_kind_name(m->kind), m->value, m->unit[0] ? " " : "", m->unit,
            m->qualifier[0] ? " " : "", m->qualifier);
    }
    if (ex->n_claims)
        PUT("; claims:");
    for (size_t i = 0; i < ex->n_claims; i++) {
        const nc_claim *c = &ex->claims[i];
        PUT(" (%s", c->predicate);
        if (c->subject[0])
            PUT(" subject=%s", c->subject);
        if (c->object[0])
            PUT(" object=%s", c->object);
        if (c->amount >= 0 && (size_t)c->amount < ex->n_mentions)
            PUT(" amount=%s %s", ex->mentions[c->amount].value, ex->mentions[c->amount].unit);
        const char *d = nc_claim_duration(ex, c);
        if (d)
            PUT(" term=%s", d);
        if (c->event_date[0])
            PUT(" date=%s", c->event_date);
        PUT("%s%s)", c->is_negated ? " negated" : "", c->is_hedged ? " hedged" : "");
    }
#undef PUT
    if (k >= gsize && gsize)
        got[gsize - 1] = 0;
}

int nc_extraction_expect(const nc_extractor *x, const nc_extraction *ex, const char *expect, char *got, size_t gsize)
{
    if (got && gsize)
        describe(ex, got, gsize);
    while (*expect == ' ')
        expect++;
    if (!strncmp(expect, "claim ", 6) || !strncmp(expect, "!claim ", 7)) {
        int want = expect[0] != '!';
        claim_want w;
        if (!parse_claim(expect + (want ? 6 : 7), &w) || !nc_extractor_predicate(x, w.pred))
            return -1;
        for (size_t i = 0; i < ex->n_claims; i++)
            if (claim_fits(x, ex, &ex->claims[i], &w))
                return want;
        return !want;
    }
    char kind[32] = "", value[64] = "", unit[32] = "", qual[32] = "";
    int n = sscanf(expect, "%31s %63s %31s %31s", kind, value, unit, qual);
    if (n < 1)
        return -1;
    if (!strcmp(kind, "none")) {
        if (n < 2)
            return ex->n_mentions == 0;
        for (size_t i = 0; i < ex->n_mentions; i++)   /* "none date": no mention of that kind */
            if (!strcmp(nc_mention_kind_name(ex->mentions[i].kind), value))
                return 0;
        return 1;
    }
    if (n < 2)
        return -1;
    int negate = kind[0] == '!';
    if (nc_mention_kind_of(kind + negate) == NC_MENTION_KIND_COUNT)
        return -1;
    for (size_t i = 0; i < ex->n_mentions; i++)
        if (mention_matches(&ex->mentions[i], kind + negate, value, n >= 3 ? unit : NULL, n >= 4 ? qual : NULL))
            return !negate;
    return negate;
}
