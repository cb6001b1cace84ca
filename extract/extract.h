/*
** extract.h — public interface of the extract stage of newsclaims.
**
** Extraction reads an nc_article (from ingest.h) and finds mentions (money,
** percentages, counts, dates, durations, organisations) and the claims built
** from them, sentence by sentence. Everything language-specific lives in
** data files under the rules folder:
**   <lang>.rules  lexicons, named patterns and rules (format: rules/README.md)
**   orgs.tsv      the organisation gazetteer (canonical id, kind, parent, aliases)
**   predicates.tsv the claim vocabulary (family, quantity kinds, roles, timeline line)
** so adding a language means adding files, not C code.
**
** Mentions and claims refer to the article by byte offsets into
** nc_article.text and by sentence index.
*/
#ifndef NC_EXTRACT_H
#define NC_EXTRACT_H

#include "../ingest/ingest.h"
#include <stdio.h>

/* ------------------------------------------------------------ mentions */

typedef enum nc_mention_kind {
    NC_MENTION_MONEY = 0,
    NC_MENTION_PERCENT,
    NC_MENTION_COUNT,
    NC_MENTION_DATE,
    NC_MENTION_DURATION,
    NC_MENTION_ORG,
    NC_MENTION_NUMBER,      /* a bare number ("two thirds", "1,674.5 million"); found
                               only when asked for (nc_extract_opts.kinds) */
    NC_MENTION_KIND_COUNT
} nc_mention_kind;

/* "money", "percent", "count", "date", "duration", "org", "number" (static). */
const char *nc_mention_kind_name(nc_mention_kind k);

/* Flags on a mention. */
enum {
    NC_MF_RESOLVED = 1,  /* a partial or relative date completed from the article date */
    NC_MF_VAGUE = 2,     /* unquantified ("hundreds of millions"): value is a lower bound */
    NC_MF_RANGE = 4,     /* value .. value_max */
    NC_MF_RELATIVE = 8,  /* a relative date ("a few weeks ago") */
    NC_MF_UNQUANTIFIED = 16, /* a currency named with no amount ("the dollar fell"): value is empty */
    NC_MF_CONTEXT = 32,      /* a time around the event ("within a few days", "all week"), from a
                                rule marked "claims no": no claim takes it as its value */
    NC_MF_YEAR_GUESSED = 64, /* a date's year that no word names ("on October 22"): chosen by
                                the sentence's tense or as the nearest to the publication */
    NC_MF_ANAPHORIC = 128    /* a date counted from the date the text named before it ("On
                                March 3 ... the next day", "two years later"): resolved from
                                that date, not from the publication (see nc_mention.shift) */
};

/* One mention. Fixed-size fields so a mention needs no allocation. */
typedef struct nc_mention {
    nc_mention_kind kind;
    size_t start, end;      /* byte span [start, end) into the article text, a
                               qualifier included ("about $70 million") */
    size_t core_start;      /* where the quantity itself starts: start, or just
                               after the qualifier ("$70 million") */
    size_t sentence;        /* index into nc_article.sentences */
    char   value[64];       /* money/count/percent: exact decimal in units ("70000000",
                               "1.57"); date: ISO at its precision ("2023-03", "2021-Q4",
                               "PAST_REF"); duration: ISO 8601 ("P5Y6M"); org: org id,
                               "~Name" for one found outside the gazetteer ("~Acme_Inc") */
    char   value_max[64];   /* upper bound of a range, "" otherwise */
    char   unit[32];        /* money: ISO 4217 code; percent: "%"; count: the noun class
                               ("subscribers"); duration: ""; org: kind ("company", "media");
                               date: a span counted from the publication ("the past
                               three years", value .. value_max) its signed length,
                               "-P3Y" back, "+P3Y" ahead; other dates "" */
    char   qualifier[16];   /* "at_least", "more_than", "about", "up_to", "nearly",
                               "less_than", "since", "before", "" */
    nc_date_precision precision;  /* dates */
    char   shift[12];       /* a date counted from another ("the next day" "+P1D", "three
                               weeks earlier" "-P3W"): its signed offset, "" otherwise. The
                               value is that offset from the last date the text named before
                               the mention (flag NC_MF_ANAPHORIC), or from the publication
                               when none came before */
    unsigned flags;         /* NC_MF_* */
    const char *rule;       /* id of the rule that found it; borrowed from the
                               extractor, valid while it lives */
} nc_mention;

/* The extractor: the compiled rules of every language, the gazetteer and
** the claim vocabulary (opaque; see nc_extractor_new below). */
typedef struct nc_extractor nc_extractor;

/* -------------------------------------------------------------- claims */

/* A claim: one fact a sentence states. Indices refer to the mentions of the
** same nc_extraction; -1 when absent. */
typedef struct nc_claim {
    size_t sentence;
    char   predicate[32];   /* from the vocabulary, see nc_extractor_predicate */
    char   subject[64];     /* org id, "" if none */
    char   object[64];      /* org id, "" if none */
    int    amount;          /* money / count / percent mention */
    int    duration;        /* duration mention, or the span counted from the
                               publication that states the term ("over the
                               next three years"); read it with nc_claim_duration */
    int    date;            /* date mention the event date came from */
    char   event_date[32];  /* ISO at event_precision, "" if none; a period from a date
                               range, an ISO 8601 interval of its two ends
                               ("2023-03-11/2023-03-12", "2020/2022") */
    nc_date_precision event_precision;
    char   event_date_source[12]; /* "sentence", "article", "" */
    char   source[64];      /* org id of the medium the claim is attributed to */
    int    is_negated;      /* "ne paierait pas", "refuses to" keep the frame, flag it */
    int    is_hedged;       /* "soll", "reportedly", "aurait", conditional */
    double confidence;      /* 0..1 */
    char   object_text[64]; /* what the claim is about, as the trigger's "name" group
                               wrote it: the hosted service ("Twitter Spaces") */
    const char *rule;       /* id of the trigger rule; borrowed like nc_mention.rule */
} nc_claim;

/* The claim vocabulary, read from rules/predicates.tsv (format there and in
** rules/README.md): what each predicate's claims hold and how they read.
** No C code branches on a predicate's name; it reads these properties. */
typedef struct nc_predicate {
    const char *name;        /* "acquires" */
    const char *family;      /* claims of one family may state the same fact */
    unsigned kinds;          /* the kinds its quantity may be, one bit (1u << kind)
                                each; 0 when it takes none */
    nc_mention_kind content; /* the first of them: its content kind, or
                                NC_MENTION_KIND_COUNT when none */
    const char *count_unit;  /* "count=points": a count must be of this unit
                                (the noun lexicon's value); NULL: any count */
    int required;            /* 1: no quantity, no claim */
    int directed;            /* 1: subject and object cannot be swapped */
    int bare;                /* 1: the claim of a quantity no frame took */
    const char *record;      /* contract record field ("value", "term", "signed",
                                "ends", "covers"), or NULL */
    const char *line;        /* timeline template ("{subject} acquires[ {object}]") */
} nc_predicate;

/* The predicate named name in x's vocabulary, NULL if none (borrowed, valid
** while x lives). */
const nc_predicate *nc_extractor_predicate(const nc_extractor *x, const char *name);
/* The whole vocabulary (borrowed, in file order); returns its length. */
size_t nc_extractor_predicates(const nc_extractor *x, const nc_predicate **list);
/* The bare predicate for quantities of kind k ("amount" for money), NULL if
** the vocabulary has none (borrowed). */
const nc_predicate *nc_extractor_bare_predicate(const nc_extractor *x, nc_mention_kind k);
/* The kind named s ("money", ...), or NC_MENTION_KIND_COUNT. */
nc_mention_kind nc_mention_kind_of(const char *s);

/* ---------------------------------------------------------- gazetteer */

typedef struct nc_org_alias {
    const char *lang;    /* "*" for every language */
    const char *alias;
} nc_org_alias;

typedef struct nc_org {
    const char *id;      /* "aws" */
    const char *name;    /* "Amazon Web Services" */
    const char *kind;    /* "company", "media", "product", "person" */
    const char *parent;  /* parent org id or NULL */
    nc_org_alias *aliases;
    size_t n_aliases;
} nc_org;

/* --------------------------------------------------------- extractor */

typedef struct nc_extract_opts {
    const char *rules_dir;     /* default "extract/rules" */
    uint32_t    match_limit;   /* PCRE2 match limit per rule call; default 200000 */
    uint32_t    depth_limit;   /* PCRE2 depth limit; default 2000 */
    double      time_budget;   /* seconds of matching per article; default 10 */
    int         no_jit;        /* use PCRE2's interpreter, not JIT (valgrind cannot
                                  follow JIT code); default: set when the
                                  NEWSCLAIMS_NO_JIT environment variable is set */
    unsigned    kinds;         /* the kinds of mention to find, one bit (1u << kind)
                                  each; 0 (the default) = every kind except
                                  NC_MENTION_NUMBER, which claims have no use for */
    int         deictic_dates; /* 1: keep the dates that only point at a time,
                                  without resolving to one ("now", "recently",
                                  "in the coming weeks": PRESENT_REF, PAST_REF,
                                  FUTURE_REF); 0 (the default): they still join
                                  periods ("between now and May 3") and are
                                  then dropped, as a story's date they say
                                  nothing (the peer conformance cases keep them) */
} nc_extract_opts;

nc_extract_opts nc_extract_default_opts(void);


/* Load and compile (PCRE2 JIT) every <lang>.rules file and orgs.tsv in
** opts->rules_dir (opts may be NULL). Returns NULL and fills *err (with
** file:line: offset: reason) on failure. Read-only once built: threads may
** share it (the only thing extractions change in it is a pool of work
** buffers and number formatters they borrow under a lock and give back).
** Free with nc_extractor_free, once no extraction runs. */
nc_extractor *nc_extractor_new(const nc_extract_opts *opts, nc_error *err);
void nc_extractor_free(nc_extractor *x);  /* NULL is a no-op */

/* 1 if rules for this language are loaded. */
int nc_extractor_has_lang(const nc_extractor *x, const char *lang);

/* The gazetteer (borrowed, valid while x lives). */
size_t nc_extractor_orgs(const nc_extractor *x, const nc_org **orgs);
const nc_org *nc_extractor_org(const nc_extractor *x, const char *id);

/* With the NEWSCLAIMS_PROFILE environment variable set when the extractor
** was made, the time spent in each rule is accumulated (for one thread: a
** measuring aid, not for production); this prints the rules that cost most,
** at most top of them. */
void nc_extractor_profile_report(const nc_extractor *x, FILE *out, size_t top);

/* The pattern of rule id in language lang, its {NAME}s expanded (borrowed,
** valid while x lives), or NULL if there is no such rule. */
const char *nc_extractor_rule_pattern(const nc_extractor *x, const char *lang, const char *id);

/* Run every rule's examples ("example TEXT => KIND VALUE [UNIT] [QUALIFIER]")
** through the extractor. Returns the number of failing examples and calls
** report(ud, where, message) for each (report may be NULL). *n_run receives
** the number of examples run. */
typedef void (*nc_report_fn)(void *ud, const char *where, const char *msg);
int nc_extractor_selftest(const nc_extractor *x, size_t *n_run,
                          nc_report_fn report, void *ud);

/* What one article yields. Arrays are owned by the extraction (free with
** nc_extraction_free). */
typedef struct nc_extraction {
    nc_mention *mentions;  /* sorted by start */
    size_t n_mentions;
    nc_claim *claims;      /* sorted by sentence, then position */
    size_t n_claims;
    size_t limit_hits;     /* rule calls stopped by a PCRE2 limit or the time budget */
} nc_extraction;

/* The ISO 8601 duration claim c states ("P5Y6M"): its duration mention's
** value, or the length of the span ahead it rests on ("over the next three
** years": "P3Y"); NULL if it states none. Borrowed from ex, valid while ex
** lives. */
const char *nc_claim_duration(const nc_extraction *ex, const nc_claim *c);

/* Check one expectation line (a rule file's "example ... => LINE", a line
** of a case file: the syntax is in expect.c and tests/cases/README.md)
** against an extraction made with x. Returns 1 when it holds, 0 when it
** does not, -1 when the line is malformed (an unknown kind, predicate or
** field). If got is not NULL, what the extraction holds is written there
** (truncated to gsize), for a failure's message. */
int nc_extraction_expect(const nc_extractor *x, const nc_extraction *ex, const char *expect, char *got, size_t gsize);

/* Extract mentions and claims from an article. lang defaults to the
** article's; an unsupported language gives NC_E_USAGE with a message. On
** success *out is filled (free with nc_extraction_free); rules that hit a
** limit are skipped for that sentence and counted in out->limit_hits. */
int nc_extract_article(const nc_extractor *x, const nc_article *a,
                       const char *lang, nc_extraction *out, nc_error *err);
void nc_extraction_free(nc_extraction *e);  /* frees the arrays, not e itself */

/* Write one article with what extraction found in it as one JSON line
** (the interchange format of `extract --stream` and `load`; fields: README,
** "Stream mode"). file_hash and file_size describe the input the article
** came from. ex may be NULL (no extraction). Errors: none (stdio's). */
void nc_extraction_write_json(FILE *f, const char *file_hash, size_t file_size, const nc_article *a,
                              const nc_extraction *ex);


#endif
