/*
** extract_int.h — shared by the files of the extract stage only.
*/
#ifndef NC_EXTRACT_INT_H
#define NC_EXTRACT_INT_H

#include "extract.h"
#include <pcre2.h>
#include <unicode/unum.h>

/* ------------------------------------------------------------ decimals */
/* Exact decimal: mant * 10^exp. Money is never a binary double here. */
typedef struct dec {
    int64_t mant;
    int     exp;
    int     is_set;
} dec;

int  dec_parse(const char *s, dec *out);          /* "1.57", "3E+5", "-2" */
int  dec_mul(dec a, dec b, dec *out);             /* 0 on overflow */
int  dec_add(dec a, dec b, dec *out);
void dec_format(dec d, char *out, size_t size);   /* "1570000000", "1.5" */
double dec_to_double(dec d);

/* ------------------------------------------------------------ lexicons */
typedef struct lex_entry {
    char *value;     /* canonical value ("USD", "1000000", "at_least") */
    char *surface;   /* as written in the rule file */
    char *folded;    /* case-folded, spaces unified: for lookup */
} lex_entry;

typedef struct lexicon {
    char name[32];
    lex_entry *v;
    size_t n;
} lexicon;

/* ---------------------------------------------------------------- rules */
#define NC_MAX_SAME_ROLE 8      /* groups of one name in a rule ("day" in each alternative) */
enum group_role {
    G_NUM, G_NUM2, G_WORD, G_WORD2, G_SCALE, G_SCALE2, G_CURRENCY, G_CURRENCY2,
    G_QUAL, G_VAGUE, G_HALF, G_UNIT, G_NOUN, G_DAY, G_MONTH, G_YEAR, G_QUARTER,
    G_HALFYEAR, G_REL, G_AGO, G_SRC, G_NAME, G_DAY2, G_MONTH2, G_YEAR2, G_CENTS, G_CENTSWORD,
    G_WEEKDAY, G_PREV, G_NEXT, G_THIS, G_AHEAD,
    G_NEG, G_WHOLE, G_WHOLEWORD, G_DENOM, G_DENOMWORD, G_FRACTION, G_EXP10, G_POINTWORDS, G_POW, G_NEXTWEEK, G_LASTWEEK,
    G_DENOMHEAD, G_DECIMALS, G_NTH, G_LASTYEAR, G_NEXTYEAR, G_SEASON, G_REST, G_TODATE, G_WEEK, G_MONTHREL,
    G_LATER, G_EARLIER,
    G_ROLE_COUNT
};

typedef enum rule_kind {
    RK_MONEY, RK_PERCENT, RK_COUNT, RK_DATE, RK_DURATION, RK_ORG, RK_NUMBER,
    RK_TRIGGER, RK_NEGATION, RK_HEDGE, RK_ATTRIBUTION, RK_REFERENCE,
    RK_PARTY,          /* no pattern: examples of the party pass (parties.c) */
    RK_KIND_COUNT
} rule_kind;

typedef struct example {
    char *text;
    char *expect;    /* "money 70000000 USD at_least" */
    int   line;
} example;

/* The tokens an "anchor" or a "needs" line names (rules/README.md). */
typedef struct word_set {
    uint64_t *hash;          /* sorted hashes of the folded tokens */
    size_t n, cap;
    struct { uint64_t hash; int len; } *prefix;   /* "refus*": a token starting so */
    size_t n_prefix;
    int    digit;            /* an ASCII digit (where a run of digits begins) */
} word_set;

/* A frame: where a trigger's subject, object and quantity stand, as a
** pattern over the sentence with its mentions and cues written as slots
** (claims.c, "slotted text"; rules/README.md, "Frames"). */
enum frame_role { FR_SUBJECT, FR_OBJECT, FR_AMOUNT, FR_TERM, FR_WHEN, FR_TRIGGER, FR_ROLE_COUNT };
typedef struct frame {
    char *src;               /* as written, then expanded */
    pcre2_code *code;
    int jit;
    int group[FR_ROLE_COUNT][NC_MAX_SAME_ROLE];   /* group numbers per role, 0 where absent */
    /* The slots every match must hold (outside optional groups, alternatives
    ** and lookarounds), each as the letters it accepts (bit 1 << (letter -
    ** 'a')): a sentence lacking one cannot match, and the frame is not run.
    ** At most FRAME_NEEDS; more are not checked. */
#define FRAME_NEEDS 8
    uint32_t need[FRAME_NEEDS];
    int n_need;
    int line;
} frame;

/* Slots of the slotted text: U+E000, a letter, the slot's number, U+E001
** (triggers: "t", the rule's index, ".", the number). */
#define SLOT_OPEN "\xEE\x80\x80"
#define SLOT_CLOSE "\xEE\x80\x81"
/* A candidate name's mark, before the word: U+E002, its number, U+E003. */
#define CAND_OPEN "\xEE\x80\x82"
#define CAND_CLOSE "\xEE\x80\x83"

typedef struct rule {
    char  *id;
    rule_kind kind;
    char  *pattern_src;      /* after expansion */
    pcre2_code *code;
    pcre2_code *code_anchored;   /* the same, compiled anchored, when the rule has
                                    an "anchor" line */
    unsigned char jit, jit_anchored;   /* 1: JIT-compiled, matched through pcre2_jit_match */
    unsigned char anchored;  /* 1: matched only at its anchors, through code_anchored (set
                                once the rule set is loaded: rules_load_all) */
    char  *anchor_spec;      /* "digit numword": where its matches can start */
    word_set anchors;        /* the tokens they are */
    char  *needs_spec;       /* "ago": a token one of which a sentence must hold
                                for the rule to be tried there */
    word_set needs;          /* the tokens they are */
    unsigned char needs_used;   /* 1: sentences without one are skipped (set with
                                   anchored; not past NC_ANCHOR_BITS, nor with anchors off) */
    int    group[G_ROLE_COUNT][NC_MAX_SAME_ROLE];  /* group numbers per role (names may repeat
                                       in alternatives), 0 where absent */
    char  *predicate;        /* triggers */
    char  *unit;             /* fixed unit (count noun class, etc.) */
    char  *value;            /* fixed value (references: the org they point to) */
    char  *qualifier;        /* fixed qualifier */
    int    no_claim;         /* "claims no": its mentions are no claim's value (NC_MF_CONTEXT) */
    char  *notafter;         /* "notafter": lexicon names (and "capitalised", "code") of
                                the words a match may not follow ("Boeing 777 jets") */
    example *examples;
    size_t n_examples;
    frame *frames;           /* triggers: the frames that make its claims */
    size_t n_frames;
    int    line;
    const char *file;        /* borrowed from the ruleset */
} rule;

#define NC_ANCHOR_WORDS 2
#define NC_ANCHOR_BITS (64 * NC_ANCHOR_WORDS)
#define NC_MAX_PREFIX_LENS 16

typedef struct ruleset {
    char lang[8];
    char locale[32];
    int  has_capitalised_names;   /* "capitalised_names yes": a run of capitalised words
                                     may be a name by itself (parties.c; not in German,
                                     where every noun is capitalised) */
    char *path;
    lexicon *lex;
    size_t n_lex;
    rule *rules;
    size_t n_rules;
    /* the anchors inverted: for a token's hash, which rules (bit i for rule
    ** i < NC_ANCHOR_BITS) may start there; one lookup per token instead of
    ** one search per rule and token */
    struct anchor_slot { uint64_t hash; uint64_t mask[NC_ANCHOR_WORDS]; } *atab;
    size_t atab_size;        /* a power of two, or 0 */
    uint64_t digit_mask[NC_ANCHOR_WORDS];   /* rules anchored at digits */
    /* prefix anchors ("refus*"): the prefix lengths in use, and a table
    ** like atab keyed by the hash of a token's first len bytes and len */
    int pre_len[NC_MAX_PREFIX_LENS];
    int n_pre_len;
    struct anchor_slot *ptab;
    size_t ptab_size;
    /* the "needs" lines inverted the same way: for a token, which rules it
    ** lets be tried in its sentence */
    struct anchor_slot *ntab, *nptab;
    size_t ntab_size, nptab_size;
    uint64_t need_digit_mask[NC_ANCHOR_WORDS];   /* rules a digit lets be tried */
    struct party_lex *party; /* the party pass's lexicons, hashed (parties.c) */
} ruleset;

/* NEWSCLAIMS_PROFILE: what one rule cost over a run (one thread) */
struct rule_prof {
    double secs;               /* wall time in its matching, values included */
    unsigned long tries;       /* match attempts (pcre2 calls) */
    unsigned long hits;        /* of which matched */
};

struct nc_extractor {
    nc_extract_opts opts;
    char *rules_dir;
    ruleset *sets;
    size_t n_sets;
    nc_org *orgs;
    size_t n_orgs;
    char *orgs_text;           /* backing store of the gazetteer strings */
    char **orgs_extra;         /* inflected aliases and their languages (orgs_inflect), owned */
    size_t n_orgs_extra;
    nc_predicate *preds;       /* the claim vocabulary (predicates.tsv), file order */
    size_t n_preds;
    char *preds_text;          /* backing store of its strings */
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;
    int no_anchor;             /* NEWSCLAIMS_NO_ANCHOR: try anchored rules everywhere */
    struct rule_prof *profile; /* per rule (all sets, in order), or NULL */
    size_t n_profile;
    struct scratch_pool *pool; /* what extractions reuse between articles (extract.c);
                                  mutable through a shared extractor, under its lock */
};

/* predicates.c: rules/predicates.tsv */
int  predicates_load(nc_extractor *x, nc_error *err);
void predicates_free(nc_extractor *x);

/* rules.c */
int  rules_load_all(nc_extractor *x, nc_error *err);
void rules_free_all(nc_extractor *x);
const ruleset *ruleset_find(const nc_extractor *x, const char *lang);
const lexicon *lex_find(const ruleset *rs, const char *name);
/* canonical value for text in lexicon name, NULL if not found */
const char *lex_lookup(const ruleset *rs, const char *name, const char *text, size_t len);
/* the same in lexicon lx (NULL: none); the value is borrowed from lx */
const char *lex_value(const lexicon *lx, const char *text, size_t len);
/* Does the case-folded text hold the folded surface (a lexicon entry's
** `folded`) as a whole word, or words? A surface "*ed" stands for any word
** ending so after a stem of three letters or more ("rejected", not "need"). */
int folded_has_word(const char *text, const char *surface);
/* case-fold UTF-8 (ICU full case folding), unify spaces; into out */
void fold_utf8(const char *s, size_t len, char *out, size_t size);
/* The token starting at s (len bytes left): a run of letters, one ASCII
** digit (*is_digit set), or one other non-space character. Returns its
** length in bytes (0 at white space) and the hash of its case-folded form. */
size_t token_at(const char *s, size_t len, uint64_t *hash, int *is_digit);
/* The same, also giving pre[i], the hash of the token's first lens[i]
** case-folded bytes (0 when the token is shorter), for prefix anchors, and
** (if folded_len is not NULL) how many case-folded bytes the hash covers. */
size_t token_at_pre(const char *s, size_t len, uint64_t *hash, int *is_digit,
                    const int *lens, int n_lens, uint64_t *pre, int *folded_len);
/* Is the token hash among the rule's anchors? */
int anchor_has(const rule *r, uint64_t hash);
/* The rules (bits, rule i < NC_ANCHOR_BITS) anchored at a token: out is
** set, not or-ed. Rules past NC_ANCHOR_BITS are asked with anchor_has. */
void anchor_mask(const ruleset *rs, uint64_t hash, int is_digit, uint64_t out[NC_ANCHOR_WORDS]);
/* Or into out the rules with a prefix anchor of length len and this hash. */
void anchor_mask_prefix(const ruleset *rs, uint64_t hash, int len, uint64_t out[NC_ANCHOR_WORDS]);
/* Or into out the rules whose "needs" line a token names (its hash, whether
** it is a digit, and its prefixes' hashes for rs->pre_len, as token_at_pre
** gives them). */
void needs_mask(const ruleset *rs, uint64_t hash, int is_digit, const uint64_t *pre, uint64_t out[NC_ANCHOR_WORDS]);
const char *rule_kind_name(rule_kind k);

/* orgs.c */
/* A data file read whole, NUL-terminated (malloc'd: the caller frees it), at
** most max bytes; NULL with err set ("cannot open WHAT", too large,
** unreadable) otherwise. */
char *data_file_read(const char *path, long max, const char *what, nc_error *err);
/* The next line of a data file's text that holds something (not blank, not a
** "#" comment), cut out in place (its '\n' and a final '\r' overwritten);
** *next moves past it and *lineno counts every line read, blank ones too.
** NULL at the end. Start with *next = the text, *lineno = 0. */
char *data_file_line(char **next, int *lineno);
int  orgs_load(nc_extractor *x, nc_error *err);
void orgs_free(nc_extractor *x);
/* org id for an alias as written (exact, then case-insensitive); NULL if none */
const nc_org *org_by_alias(const nc_extractor *x, const char *lang, const char *s, size_t len);
/* The aliases valid in lang (borrowed strings) in a malloc'd array *out
** (free it; NULL on allocation failure); returns how many. */
size_t orgs_aliases(const nc_extractor *x, const char *lang, const char ***out);
/* Add to the gazetteer, once per language, the inflected forms of its aliases
** that rs's `aliasinflect` lexicon describes (German "der Deutschen Bank" for
** "Deutsche Bank"); the strings are owned by x (freed by orgs_free). Returns
** NC_OK, also when rs has no such lexicon, or NC_E_NOMEM. */
int orgs_inflect(nc_extractor *x, const ruleset *rs);

/* values.c: per-article context for number parsing and date resolution */
typedef struct value_ctx {
    const ruleset *rs;
    UNumberFormat *dec_fmt;     /* opened lazily */
    UNumberFormat *spell_fmt;
    UChar group_sep;            /* the locale's grouping symbol */
    int   decimal_comma;        /* the locale writes decimals with a comma (fr, de) */
    const char *pub_date;       /* ISO, may be "" */
    nc_date_precision pub_precision;
    const char *sent;           /* the sentence being matched (tense cues) */
    size_t sent_len;
    int   year_guessed;         /* the last date's year came from no word (year_for) */
} value_ctx;

void value_ctx_init(value_ctx *vc, const ruleset *rs, const nc_article *a);
/* Ready vc (initialised once) for another article, keeping its formatters
** open: opening ICU's number formatters costs more than a short article's
** parsing. */
void value_ctx_reset(value_ctx *vc, const nc_article *a);
void value_ctx_free(value_ctx *vc);
/* Extend an amount, count, percentage or duration mention backwards over a
** qualifier of the "qual" lexicon written just before it (within the
** sentence starting at s0), setting m->qualifier and m->core_start (where
** the quantity itself starts). */
void attach_qualifier(const ruleset *rs, const char *text, size_t s0, nc_mention *m);
/* Does the word just before start (spaces between) make a match of rule r
** part of a name or a code, as its "notafter" line says? s0: the sentence's start. */
int follows_excluded(const ruleset *rs, const rule *r, const char *text, size_t s0, size_t start);
/* The same for a date kept after overlaps are resolved (one day, month,
** quarter or year with no qualifier, not a span), over a word of the
** "datequal" lexicon ("since", "after", "before"), not before s0 (the
** sentence's start or the previous mention's end). */
void attach_date_bound(const ruleset *rs, const char *text, size_t s0, nc_mention *m);

/* A date counted from an anchor date: shift ("+P1D", "-P2W": Y, Q, M, W or D)
** from anchor (an ISO date at precision ap: a year, half, quarter, month or
** day) into out, at the coarser of ap and the shift's unit (*op). Returns 1,
** or 0 when the anchor or the shift is not of that form (out untouched). */
int  date_from_anchor(const char *anchor, nc_date_precision ap, const char *shift,
                      char *out, size_t size, nc_date_precision *op);

/* Fill m->value etc. from the groups of a match. Returns 1 if the match
** gives a usable mention, 0 if it is to be dropped. */
int  mention_from_match(value_ctx *vc, const rule *r, const char *text,
                        const PCRE2_SIZE *ov, int n_groups, nc_mention *m);

/* A match of a rule that is not a mention: a claim trigger, a negation, a
** hedge, an attribution ("selon The Information") or a reference ("the
** company"). */
typedef struct cue {
    rule_kind kind;
    size_t start, end;
    size_t sentence;
    const rule *r;
    char org[64];        /* attribution: the medium's org id; reference: target */
    size_t name_start, name_end;   /* triggers: what the claim is about ("Twitter Spaces"), if named */
} cue;

/* Index of the group set in this frame match for a role, or -1. */
int frame_group(const frame *f, int role, const PCRE2_SIZE *ov, int n_groups);

/* Index of the group set in this match for a role, or -1. */
int role_group(const rule *r, int role, const PCRE2_SIZE *ov, int n_groups);

/* "~Name as written": the id of an organisation outside the gazetteer. */
void discovered_id(const char *s, size_t n, char *out, size_t size);

/* parties.c: names of organisations and people outside the gazetteer. */
/* Hash the lexicons the pass reads (rolenoun, notname, place, ...) into
** rs->party, once the file is loaded; parties_free releases it. */
int  parties_prepare(ruleset *rs);
void parties_free(ruleset *rs);
/* Does the language's file say `capitalised_names yes` (French, English)?
** Then a company the text names is found as a party, as a rule. */
int  parties_names(const ruleset *rs);
/* Add ORG mentions for the names found in the article's sentences (acronyms,
** role-noun appositions, person cues, capitalised runs where the language
** has capitalised names, and their repetitions), never overlapping one of
** the *nm mentions (sorted by start; *ms may be reallocated, kept sorted).
** Returns NC_OK or NC_E_NOMEM. */
int  parties_find(const nc_extractor *x, const ruleset *article_rs, const nc_article *a,
                  nc_mention **ms, size_t *nm);

/* claims.c: build claims from the mentions and cues of one article. */
int claims_build(const nc_extractor *x, const ruleset *rs, const nc_article *a,
                 nc_extraction *ex, const cue *cues, size_t n_cues, nc_error *err);

#endif
