/*
 * extract_int.h — the interfaces between the .c files of extractors/.
 *
 * The knowledge lives in plain-text data files (the .tsv files of
 * extractors/data), read once into word lists (lexicon.c) and an entity
 * trie (gazetteer.c).
 * patterns.c builds one PCRE2 pattern from the word lists and compiles it;
 * figures.c turns each match into a figure (number, unit, qualifier, or a
 * date); assemble.c gives each figure its subject, commodity, metric and
 * time; extract.c holds the public objects and the per-sentence loop.
 * The byte classes, word keys and byte masks the scanners share are in
 * extract_bytes.h, the triggers and candidates of the scans in
 * extract_scan.h, both included here. Nothing here is visible outside
 * extractors/.
 */
#ifndef CDX_EXTRACT_INT_H
#define CDX_EXTRACT_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <string.h>

#include "cdx_buf.h"
#include "extract.h"
#include "extract_bytes.h"

/* ---------------------------------------------------------- lexicon.c */

/* Row classes, one enum per data file. */
enum { LEX_WORD = 0, LEX_SCALE, LEX_FRACTION, LEX_APPROX }; /* numbers.tsv */
enum { U_PERCENT = 0, U_MASS, U_MONEY, U_CURRENCY, U_PER,
       U_QUANTITY };                                   /* units.tsv */
enum { A_HEAD = 0, A_NAME, A_DET, A_NOT, A_STOP, A_COUNT_ };            /* agreements.tsv */
enum { D_MONTH = 0, D_PREP, D_CLOCK, D_REL, D_RELUNIT, D_WEEKDAY }; /* dates.tsv */
enum { G_CLAUSE = 0, G_BACK, G_CHANGE, G_SAID, G_SOURCE, G_INTRO,
       G_NEAR, G_PREP, G_TARGET, G_REL, G_WHOLE, G_RANK, G_MASTHEAD,
       G_REPORT, G_VERSUS, G_COUNT_ };                 /* grammar.tsv */
enum { W_STOP = 0, W_UNCOUNTED, W_LABEL, W_UP, W_DOWN,
       W_NOTNAME, W_TITLE, W_GIVEN, W_FIRM, W_DOC,
       W_NOTSHARE, W_PARTOF, W_BASE, W_GRADE,
       W_OWNERLESS, W_MARKET, W_KINDOF, W_ECONOMY,
       W_INDUSTRY, W_MEASURE, W_ADDED, W_LENGTH,
       W_LEGAL, W_JOINER, W_NAMEWORD, W_WIRENOTE };         /* words.tsv */
/* qualifiers.tsv uses enum cdx_qualifier; metrics.tsv a bit mask of kinds. */

/** One row of a word list. Strings are owned by the list. */
struct lex_entry {
	char *text;       /* the surface form as the data file writes it */
	uint32_t len;
	uint8_t exact;    /* match only in this exact case */
	uint8_t scaled;   /* a unit only after a scale word ("5 billion
	                     won", never "3 won") */
	uint8_t verb;     /* also a verb: after a bare year the number is
	                     the year ("1986 marks a turning point") */
	uint8_t cls;      /* row class (see the enums above) */
	uint8_t adjacent; /* metric cue: counts only right before its figure
	                     ("charge 865,000 dlrs", not "in charge of") */
	double value;     /* number, scale, factor to tonnes, month */
	char *unit;       /* normalised unit or metric phrase, or NULL */
	char *alt_unit;   /* unit used when alt_entity is in the document; for
	                     a metric cue, the metrics it overrides in its
	                     clause ("tariff" over "import reliance"), joined
	                     by commas, or NULL */
	char *alt_entity; /* canonical entity name, or NULL */
	char *world;      /* for a metric cue, its phrase for a world total
	                     ("world production"), or NULL */
	uint64_t head;      /* its first eight bytes (fewer: zero) lower()ed */
	uint64_t head_mask; /* the bytes of head that it has */
};

struct lex_list {
	struct lex_entry *v;
	size_t n, cap;
	/* Hash index over the folded surfaces (lower case, one space), built
	 * once loaded, so a lookup costs one probe, not a walk of the list:
	 * slot[h & mask] and next[i] hold entry index + 1, 0 ending a chain;
	 * a chain lists entries in file order. */
	uint32_t *slot, *next;
	uint32_t *hash;  /* of each entry's folded surface, whole */
	uint32_t mask;
	uint32_t maxlen; /* longest surface: a longer text matches nothing */
};

#define REFKEY_BITS 4096 /* bits of struct lexicon's refkeys */

/** Every word list the extractor reads. */
struct lexicon {
	struct lex_list numbers, units, quals, dates, metrics, grammar, words,
	                agree;
	uint16_t gfirst[256]; /* bit 1 << class: a grammar phrase of that
	                        class starts with this byte (any case) */
	uint32_t *morder;    /* metric cues by first byte, file order kept */
	uint32_t mstart[257]; /* cues starting with byte c: morder[mstart[c]
	                         .. mstart[c + 1]) */
	uint64_t msecond[256][4]; /* bit b of row c: a cue starts with
	                             bytes c, b (lower case), or is c
	                             alone */
	uint32_t *gorder, *gend; /* grammar phrases by class, then by first
	                            and by last byte (lower case), file
	                            order kept: phrases of class k and byte
	                            c are gorder[gstart[k << 8 | c] ..
	                            gstart[(k << 8 | c) + 1]) */
	uint32_t gstart[G_COUNT_ * 256 + 1], gendstart[G_COUNT_ * 256 + 1];
	uint64_t gsecond[G_COUNT_][256][4]; /* bit b of row [k][c]: a phrase
	                                       of class k starts with bytes
	                                       c, b (lower case), or is c
	                                       alone */
	uint32_t *aorder;    /* agreement words by class and first byte,
	                        file order kept, as gorder */
	uint32_t astart[A_COUNT_ * 256 + 1];
	struct lex_list refnouns; /* NOUN of each "the NOUN" back phrase with
	                             a type (value: the type) */
	uint64_t refkeys[REFKEY_BITS / 64]; /* bit wk_key() of each such
	                             noun (none holds a space): one test
	                             rules out most words before a lookup */
};

/**
 * Called for each data row of a .tsv file: @p f holds @p nf fields (split
 * at tabs, NUL-terminated, valid during the call). Return CDX_OK, or an
 * error code after filling @p why with the reason (the caller adds the
 * file and line).
 */
typedef int (*tsv_row_fn)(void *ctx, char **f, unsigned nf, unsigned line,
                          char *why, size_t why_cap);

/**
 * Read @p dir/@p name, skipping blank lines and # comments, and hand each
 * row to @p fn. A row with fewer than @p min_f or more than @p max_f fields
 * is malformed. @return CDX_OK; CDX_ERR_IO ("cannot open 'path': ...");
 * CDX_ERR_FORMAT ("'path:line': ..."); CDX_ERR_NOMEM.
 */
int extract_tsv_read(const char *dir, const char *name, unsigned min_f,
             unsigned max_f, tsv_row_fn fn, void *ctx, struct cdx_error *err);

/** Load every word list from @p dir. Same codes as extract_tsv_read(). */
int extract_lexicon_load(struct lexicon *lx, const char *dir,
                         struct cdx_error *err);
void extract_lexicon_release(struct lexicon *lx);

/**
 * The entry of class @p cls in @p l whose surface is [s, s+n) under its
 * case rule (runs of white space count as one space), or NULL.
 */
const struct lex_entry *extract_lex_find(const struct lex_list *l, int cls,
                                 const char *s, size_t n);

/**
 * Bit 1 << cls set for each class (below 32) of @p l with an entry whose
 * surface is [s, s+n): extract_lex_find() for every class in one probe.
 */
uint32_t extract_lex_classes(const struct lex_list *l, const char *s,
                             size_t n);

/**
 * When the surface of @p e starts [s, s+n) and ends on a word boundary
 * there, the bytes it covers; else 0.
 */
size_t extract_lex_prefix(const struct lex_entry *e, const char *s, size_t n);

/* Flags of extract_lex_alt(). */
enum {
	ALT_LEAD_B = 1,  /* no word character may come before the phrase */
	ALT_TRAIL_B = 2, /* no word character may follow the phrase */
	ALT_NO_SCALED = 4, /* leave out units valid only after a scale,
	                      and verbs (units.tsv case x and y) */
};

/**
 * Append to @p b a PCRE2 group `(?:a|b|...)` matching the surfaces of
 * class @p cls (all classes when cls < 0), longest first, escaped, white
 * space as \s+, exact-case rows wrapped in (?-i:...), grouped by their
 * first two bytes (same matches, fewer tries; patterns.c). Errors stick
 * in b.
 */
void extract_lex_alt(struct cdx_buf *b, const struct lex_list *l, int cls,
             unsigned flags);

/* ------------------------------------------------------ candidates */

/* Where a sentence's names and triggers may be, found by one pass over
 * its words (extract_cands_scan(), scan.c) instead of one pass for the
 * names and one for the triggers: gz holds the places the gazetteer's
 * scan would walk its trie at, in order; tg the places the trigger scan
 * would stop at, each with what must still hold there (tk). Reused from
 * sentence to sentence. */
enum { TC_SYM = 0, TC_NUM = 1, TC_WORD = 2 };
struct cands {
	uint32_t *gz;
	uint32_t *gk; /* of each gz: its word's key (wk_key()) */
	uint32_t *ge; /* of each gz: its word's end, 0 for a symbol */
	size_t n_gz;
	uint32_t *tg;
	uint32_t *tk; /* TC_SYM: symbol_at() must hold; TC_NUM: a trigger;
	                 TC_WORD + n: word_at() of n letters must hold */
	size_t n_tg;
	size_t cap;
	struct masks bm; /* the byte classes of the sentence scanned */
};

void extract_cands_release(struct cands *c);

/* -------------------------------------------------------- gazetteer.c */

struct gazetteer;

int extract_gz_load(struct gazetteer **out, const char *dir,
                   struct cdx_error *err);
void extract_gz_free(struct gazetteer *g);

/**
 * The longest entity name that starts at @p pos of @p t (a token start)
 * and passes its case rule: on success sets *end and *id and returns 1;
 * returns 0 when none does.
 */
int extract_gz_match(const struct gazetteer *g, const char *t, size_t len,
                    size_t pos, size_t *end, uint32_t *id);

/**
 * The next name in [t, t+len) starting at a word start at or after *pos
 * (extract_gz_match() at each): on success sets *start, *end, *id,
 * moves *pos past the name and returns 1; returns 0 (and *pos = len) when
 * there is none.
 */
int extract_gz_next(const struct gazetteer *g, const char *t, size_t len,
                    size_t *pos, size_t *start, size_t *end, uint32_t *id);

/* The gazetteer's leading-word filters, for extract_cands_scan(). */
struct gz_filter {
	const uint64_t *first, *first_low; /* by a word's key bit */
	const uint64_t *lead_any, *second; /* see gz_may_lead() */
	const uint8_t *sym;                /* by a symbol, folded */
	uint32_t mask;                     /* of the key bits */
};

/* The bit of key @p h in the filters of @p mask + 1 bits. */
static inline uint32_t gz_first_bit(uint32_t h, uint32_t mask)
{
	return (h ^ (h >> 16)) & mask;
}

/* The bit in gz_filter's second of a leading word of key @p k followed,
 * after white space, by the folded bytes @p a, @p b. */
static inline uint32_t gz_pair_bit(uint32_t k, unsigned char a,
                                   unsigned char b, uint32_t mask)
{
	return gz_first_bit((k ^ (uint32_t)(a << 8 | b)) * 0x9e3779b1u, mask);
}

/* A byte as the gazetteer's trie holds it: white space as ' ', ASCII
 * letters in lower case. */
static inline unsigned char gz_fold(unsigned char c)
{
	return is_space(c) ? ' ' : lower(c);
}

/*
 * May a name start with the word of key @p key (first bits passed) that
 * ends at @p j of [t, t+len)? Most words leading some name ("the" of "the
 * Pentagon") lead none where they stand ("the company"): lead_any says
 * that some name is such a word alone or goes on from it with no white
 * space; else every name it leads goes on, after white space, with two
 * bytes that second holds. 0 only when no name can start there.
 */
static inline int gz_may_lead(const struct gz_filter *f, const char *t,
                              size_t len, size_t j, uint32_t key)
{
	uint32_t bit = gz_first_bit(key, f->mask);

	if (f->lead_any[bit >> 6] >> (bit & 63) & 1)
		return 1;
	if (j >= len || !is_space((unsigned char)t[j]))
		return 0;
	while (j < len && is_space((unsigned char)t[j]))
		j++;
	if (j + 1 >= len)
		return 1; /* too near the end to tell: the trie will */
	bit = gz_pair_bit(key, gz_fold((unsigned char)t[j]),
	                  gz_fold((unsigned char)t[j + 1]), f->mask);
	return f->second[bit >> 6] >> (bit & 63) & 1;
}

void extract_gz_filter(const struct gazetteer *g, struct gz_filter *f);

/** extract_gz_next() over the candidates @p c of [t, t+len)
 * (extract_cands_scan()), *ci a cursor into them (0 to start): the same
 * mentions. */
int extract_gz_next_cand(const struct gazetteer *g, const char *t,
                         size_t len, const struct cands *c, size_t *ci,
                         size_t *pos, size_t *start, size_t *end,
                         uint32_t *id);

/** Canonical name and type of entity @p id. Ids from extract_gz_count()
 * on are names taken from the text (propernames.c): no canonical name
 * here (NULL), type company. */
const char *extract_gz_name(const struct gazetteer *g, uint32_t id);
enum cdx_entity_type extract_gz_type(const struct gazetteer *g, uint32_t id);
/** The entity @p id acts for as a subject (a head of state: the country),
 * or @p id itself (always, for a name taken from the text). */
uint32_t extract_gz_actor(const struct gazetteer *g, uint32_t id);
/** Number of entities (ids run from 0 to this, exclusive). */
size_t extract_gz_count(const struct gazetteer *g);

/** Entity named @p name (any alias, any case); CDX_ERR_NOTFOUND if none. */
int extract_gz_lookup(const struct gazetteer *g, const char *name,
                     uint32_t *id);

/* --------------------------------------------------------- patterns.c */

/** Capture group numbers of the figure pattern, found by name. */
struct pattern_groups {
	int dprep, dmon, dday, dyear, dday2, dmon2, dyear2, diso, dyear3,
	    dyear4, dmon3, dday3, dmon4, dreln, drelu;
	int q, btw, fr, cur, n, sc, sep, cur2, n2, sc2, u, per, per2;
};

/** The compiled figure pattern; immutable after extract_pattern_build(). */
struct pattern {
	pcre2_code *code;
	int jit; /* compiled to machine code: pcre2_jit_match() runs it */
	pcre2_code *code_fig; /* the same with its date branch cut off */
	int jit_fig;
	struct pattern_groups g;
};

/**
 * Build the figure pattern from @p lx and compile it (JIT when the platform
 * has it). @return CDX_OK; CDX_ERR_FORMAT naming the offset and PCRE2's
 * message when it does not compile; CDX_ERR_NOMEM.
 */
int extract_pattern_build(struct pattern *p, const struct lexicon *lx,
                  struct cdx_error *err);

/**
 * pcre2_match() of @p p over [t, t+len) from @p start, with its date
 * branch when @p dates (else code_fig), by the JIT's own entry when the
 * pattern was JIT-compiled. @return as pcre2_match().
 */
int extract_pattern_match(const struct pattern *p, int dates, const char *t,
                          size_t len, size_t start, pcre2_match_data *md,
                          pcre2_match_context *mc);
void extract_pattern_release(struct pattern *p);

/* scan.c, datecheck.c, cands.c: triggers, windows, candidates */
#include "extract_scan.h"

/* ------------------------------------------------------------ kinds.c */

/**
 * Is the number spanning [@p start, @p end) of sentence [t, t+len) a count
 * (see kinds.c)? @p value is its value (1 has rules of its own), @p prev
 * the unit of the sentence's earlier count ("" or NULL for none). On yes
 * returns 1, sets *noun_end to the end of the counted noun and writes its
 * singular, lower case, to @p unit.
 */
int extract_count_noun(const struct lexicon *lx, const char *t, size_t len,
                       size_t start, size_t end, double value,
                       const char *prev, size_t *noun_end, char *unit,
                       size_t cap);

/**
 * Does "of" and a partof word of words.tsv follow the number ending at
 * @p end ("17 of which", "12 of them")? Then, when the sentence counted
 * something before, the number counts the same. @return 1 or 0 (also for
 * a number that names something: "Section 17 of which", and for @p value
 * 1: "one of them" picks one out, it counts nothing).
 */
int extract_count_partof(const struct lexicon *lx, const char *t, size_t len,
                         size_t start, size_t end, double value);

/** Is the name at [@p start, @p end) part of a currency's name that is a
 * figure's unit: a currency word of units.tsv's money class follows, and
 * a number or "in" stands before ("1.90 Canadian dollars", "calculated
 * in US dollars")? It is then no mention of the country (see kinds.c). */
int extract_currency_unit(const struct lexicon *lx, const char *t,
                          size_t len, size_t start, size_t end);

/** Does an up or down word right before or after the figure at [start,
 * end) make it a change? */
enum cdx_change extract_change_of(const struct lexicon *lx, const char *t,
                                  size_t len, size_t start, size_t end);

/* ------------------------------------------------------- agreements.c */

struct figure;

/**
 * Is an agreement head (agreements.tsv) at @p at of sentence [t, t+len)?
 * Returns -1 when none is; 0 when one is but makes no claim; 1 with *f
 * filled (kind agreement, its span) when it does. *next is set, unless
 * -1, to where the scan for figures goes on.
 */
int extract_agreement_at(const struct lexicon *lx, const char *t, size_t len,
                         size_t at, struct figure *f, size_t *next);

/* ------------------------------------------------------ propernames.c */

/** Is @p i the first word of a sentence or line of @p t (after any
 * opening quote or bracket)? Its first word is capitalised whatever it
 * is. */
int extract_sentence_start(const char *t, size_t i);

struct ment;

/* Names taken from the text kept per document: each new run of capitals is
 * compared with those kept, so the table is bounded; later names are no
 * mentions. */
#define TNAME_MAX 256

/** A name the gazetteer does not know, as the document writes it. */
struct tname {
	const char *p;       /* its longest form, in the document text */
	uint32_t len;
	uint32_t first, last; /* its first word is [p, p+first), its last
	                         [p+last, p+len) (edge_words()) */
	uint32_t n_poss, n_bare; /* mentions written "X's", and without */
	uint8_t person;      /* a person's name, as far as the text tells */
	uint8_t firm;        /* a firm word stood beside it: a company */
	const char *pooled;  /* its copy in the claims' pool, once made */
};

/** The names of the document being extracted (scratch-owned). */
/* The words.tsv classes of a short word, as propernames.c remembers
 * them: the same capitalised words ("The", "But", "Mr") open run after
 * run, and a look at this beats hashing the word again. */
struct word_cls_memo {
	uint64_t x;   /* the word's bytes, zero past n */
	uint32_t n;   /* its length, 1 to 8; 0: an empty slot */
	uint32_t cls; /* extract_lex_classes() of the word */
};

#define WORD_CLS_MEMO 1024 /* slots, a power of two */

struct tnames {
	struct tname v[TNAME_MAX];
	size_t n;
	/* kept from document to document: a scratch serves one extractor */
	struct word_cls_memo memo[WORD_CLS_MEMO];
};

/**
 * Find the names of sentence [t, t+len) that the gazetteer mentions
 * already in (*v)[0 .. *n) (sorted by start) do not cover, add the new ones
 * to @p tn, and insert a mention of each (type company, id @p base + its
 * index in @p tn) into *v, keeping it sorted. @p bm holds the masks of
 * [t, t+len) (extract_masks_fill()). @p t must stay valid while @p tn is
 * used. @return CDX_OK or CDX_ERR_NOMEM.
 */
int extract_tnames_scan(const struct lexicon *lx, struct tnames *tn,
                        const struct masks *bm, const char *t, size_t len,
                        uint32_t base, struct ment **v, size_t *n,
                        size_t *cap);

/** The form of name @p k a claim reports, NUL-terminated in @p out (cut at
 * @p cap - 1 bytes); returns its length. */
size_t extract_tname_form(const struct tnames *tn, size_t k, char *out,
                          size_t cap);

/* ---------------------------------------------------------- figures.c */

/** A figure found in a sentence; offsets are relative to the sentence. */
struct figure {
	enum cdx_claim_kind kind;
	uint32_t start, end;
	double value, value_max;
	enum cdx_qualifier qualifier;
	char unit[CDX_CLAIM_UNIT_MAX];
	char per[8];
	char date[CDX_CLAIM_DATE_MAX]; /* date kind: ISO prefix, or "" */
	int year;                      /* date kind: its year when the text
	                                  states it, or 0 */
	uint8_t month, day;            /* date kind: as stated, or 0 */
	uint8_t relative;              /* date kind: "last year", resolved
	                                  against the document's date */
	const char *alt_entity;        /* currency that depends on context */
	const char *alt_unit;
	int64_t label;                 /* entity labelling its table row, -1 */
};

/** Context figures.c needs beyond the match. */
struct figure_ctx {
	const struct lexicon *lx;
	const struct pattern *pat;
	const char *sent; /* the sentence */
	size_t len;
	int last_year;    /* most recent year stated before, or 0 */
	int doc_year, doc_month; /* the document's own date, or 0 */
	char prev_count[CDX_CLAIM_UNIT_MAX]; /* the unit of the sentence's
	                                        last count so far, or "" */
};

/**
 * Turn the match in @p ov (a PCRE2 ovector over the sentence) into at most
 * two figures (a change "from 3 to 5 percent" gives two). @return the
 * number of figures written to @p out; 0 when the match is no claim (a
 * bare number, a name like "Section 232").
 */
int extract_figure_from_match(const struct figure_ctx *fc, const PCRE2_SIZE *ov,
                      struct figure out[2]);

/* --------------------------------------------------------- assemble.c */

/** An entity mention, relative to the sentence. */
struct ment {
	uint32_t start, end;
	uint32_t id;
	enum cdx_entity_type type;
	uint8_t from_text; /* a name taken from the text (propernames.c) */
};

/** What carries over from one sentence to the next, within a document. */
struct carry {
	int64_t subject;   /* subject of the sentence before, or -1 */
	int64_t commodity; /* last commodity named, or -1 */
	int64_t topic;     /* the entity named most so far, or -1 */
	int64_t label;     /* the sentence before was only this name, or -1 */
	int64_t last[CDX_ENT_TYPE_COUNT_]; /* last entity named of each type */
	uint32_t *counts;  /* mentions so far per entity (scratch-owned) */
	uint32_t *counted; /* the entities counted so far, each once, so
	                      the next document clears only those */
	size_t *n_counted;
};

/** A clause separator found in a sentence: [start, end). */
struct cut {
	uint32_t start, end;
};

/** A phrase pointing back to an entity of a type: "the airline", "the
 * fifth biggest US carrier". */
struct ref {
	uint32_t start, end;
	enum cdx_entity_type type;
};

struct assemble_bufs;

/** One sentence ready for assembly. */
struct sentence {
	const char *text;
	size_t len;
	const struct cut *cuts; /* clause separators, in order */
	size_t n_cuts;
	const struct ref *refs; /* phrases pointing back, in order */
	size_t n_refs;
	const struct ment *ments;
	size_t n_ments;
	const struct figure *figs;
	size_t n_figs;
	struct assemble_bufs *bufs; /* scratch of the assembler, set by
	                               extract_assemble_cuts() */
	const struct masks *bm;     /* the byte classes of text */
};

/* Helpers of assemble.c and metric.c. */

/** Are [a, a+n) and [b, b+n) equal but for ASCII case? The phrases are
 * short: a loop here beats a call to strncasecmp(). */
static inline int extract_ci_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/** The first eight bytes of [t+at, t+len) as lower() makes them, zero
 * past len: what extract_head_ok() tests a phrase's head against. */
static inline uint64_t extract_head_of(const char *t, size_t len, size_t at)
{
	return wk_lower8(wk_load8(t, len, at));
}

/** Can phrase @p e occur where the text's head (extract_head_of()) is
 * @p x, by its first eight bytes or fewer? A test cheap enough to run
 * before a full comparison on every entry sharing the first byte. */
static inline int extract_head_ok(uint64_t x, const struct lex_entry *e)
{
	return (x & e->head_mask) == e->head;
}

static inline int extract_word_start(const struct sentence *s, size_t at)
{
	return is_alnum((unsigned char)s->text[at]) &&
	       (at == 0 || !is_alnum((unsigned char)s->text[at - 1]));
}

static inline size_t extract_skip_space(const struct sentence *s, size_t at)
{
	while (at < s->len && is_space((unsigned char)s->text[at]))
		at++;
	return at;
}

/* --------------------------------------------------------- assemble.c */

/** The clause [*ps, *pe) before the colon that ends right before clause
 * start @p cs: "resources are distributed as follows: Argentina, 28
 * million tons" lists what the words before the colon name. Returns 0
 * when no colon opens the clause. */
int extract_before_colon(const struct sentence *s, size_t cs, size_t *ps,
                         size_t *pe);

/** extract_grammar_at() past its test of the first byte. */
const struct lex_entry *extract_grammar_find(const struct lexicon *lx,
                                             const struct sentence *s,
                                             size_t at, int cls);

/** The grammar phrase of class @p cls (G_*) at @p at of @p s, or NULL.
 * Most bytes start no phrase of the class: that test is inline, the
 * callers ask at most bytes of a sentence. */
static inline const struct lex_entry *
extract_grammar_at(const struct lexicon *lx, const struct sentence *s,
                   size_t at, int cls)
{
	unsigned b;

	if (at >= s->len ||
	    !(lx->gfirst[(unsigned char)s->text[at]] & (1u << cls)))
		return NULL;
	b = at + 1 < s->len ? lower((unsigned char)s->text[at + 1]) : 0;
	if (!(lx->gsecond[cls][lower((unsigned char)s->text[at])][b >> 6] >>
	      (b & 63) & 1))
		return NULL;
	return extract_grammar_find(lx, s, at, cls);
}

/** Does a grammar phrase of class @p cls end right before @p at (past
 * spaces and a "the")? */
int extract_grammar_before(const struct lexicon *lx,
                           const struct sentence *s, size_t at, int cls);

/** May mention @p i of @p s be a figure's subject (no commodity, no
 * modifier, no source, not inside a figure or a phrase pointing back)? */
int extract_is_candidate(const struct lexicon *lx, const struct sentence *s,
                         size_t i);

/* -------------------------------------------------------- commodity.c */

/**
 * The commodity figure @p f of @p s concerns, as a gazetteer id: the one
 * named nearest it in the sentence, else @p cr's carried one, except for
 * a count of anything but producers (words.tsv "industry") and for a
 * figure whose clause [@p cs, @p ce) is about an economy (words.tsv
 * "economy"); a count of a class of materials (words.tsv "kindof") takes
 * only one inside its span or the one its clause is about. -1: none.
 */
int64_t extract_pick_commodity(const struct lexicon *lx,
                               const struct sentence *s,
                               const struct figure *f, size_t cs, size_t ce,
                               const struct carry *cr);

/* ------------------------------------------------------------- when.c */

/**
 * Write to @p out (@p cap bytes) the time figure @p f of @p s holds for:
 * the date right after it, else the nearest before it in its clause
 * (which starts at @p cs), else the sentence's first before it, else the
 * first after it in its clause (cuts inside brackets do not end it).
 * Leaves @p out alone when there is none.
 */
void extract_pick_time(const struct sentence *s, const struct figure *f,
                       size_t cs, char *out, size_t cap);

/* ------------------------------------------------------------ world.c */

/**
 * Does the clause part [@p from, @p f) name the world as the owner of
 * figure @p f, after any name ("the world's mined cobalt, now estimated at
 * 280,000 tons", "total worldwide reserves amount to 130 million tons")?
 * Not when the world word follows "of" before a percent (a share's
 * whole), another preposition ("at the global box office"), or precedes a
 * ranking word ("the world's largest producer"); not when a name, or a
 * phrase pointing back, stands between it and the figure, or a name
 * before it without a break ("Glencore saw worldwide sales rise 8%").
 * @return 1 or 0.
 */
int extract_world_owned(const struct lexicon *lx, const struct sentence *s,
                        size_t from, const struct figure *f);

/**
 * Is the clause [@p cs, @p ce), naming no one, an item of a list that
 * divides a world total ("global end uses were estimated as follows:
 * batteries, 88%; ceramics and glass, 4%"), or reported about one ("an
 * assessment of global copper resources indicated that ... resources
 * contained 1.5 billion tons")? The clause before the list's colon, or
 * before "that", holds a "whole" word with no name after it, not before
 * a ranking word. @return 1 or 0.
 */
int extract_world_list(const struct lexicon *lx, const struct sentence *s,
                       size_t cs, size_t ce);

/* -------------------------------------------------------- ownerless.c */

/** Is percentage @p f a material's grade: a commodity right after it,
 * the figure in apposition after a comma or a bracket ("Mischmetal, 65%
 * cerium"), or a words.tsv "grade" word ending the phrase ("oxide, 99.5%
 * minimum")? @return 1 or 0. */
int extract_grade_of(const struct lexicon *lx, const struct sentence *s,
                     const struct figure *f);

/** Does the clause part [@p from, @p f) open with a commodity and a
 * words.tsv "ownerless" word ("Rare earth elements consist of"), or a
 * "market" word when @p f is a sum per unit ("The copper price was
 * projected to average $4.80 per pound"), at most two words in capitals
 * before the commodity ("The COMEX copper price")? @return 1 or 0. */
int extract_commodity_about(const struct lexicon *lx,
                            const struct sentence *s, size_t from,
                            const struct figure *f);

/* ----------------------------------------------------------- metric.c */

/** A metric cue at a word start of a figure's clause. */
struct cue_hit {
	uint32_t at;
	const struct lex_entry *e;
};

/** The cues of one figure's clause [cs, ce), in text order: those that
 * name a measure and stand outside the figure. */
struct clause_cues {
	size_t cs, ce;
	struct cue_hit *v; /* room for a cue at every word start */
	size_t n, cap;
	int tariff; /* a "tariff" cue stands anywhere in the clause */
};

/**
 * Fill @p cc (whose v holds room for every word start of the sentence)
 * with the cues of figure @p f's clause [cs, ce).
 */
void extract_metric_scan(const struct lexicon *lx, const struct sentence *s,
                         const struct figure *f, size_t cs, size_t ce,
                         struct clause_cues *cc);

/** The metric of figure @p f, from its clause's cues @p cc, or NULL. */
const char *extract_metric_pick(const struct lexicon *lx,
                                const struct sentence *s,
                                const struct figure *f,
                                const struct clause_cues *cc);

/** The phrase of @p metric (a metric extract_metric_pick() gave) for a
 * figure of the whole world ("world production"), or @p metric itself
 * when it has none. */
const char *extract_metric_world(const struct lexicon *lx,
                                 const char *metric);

/** The metric phrase @p name as metrics.tsv spells it (the string claims
 * share), or NULL when no row gives it. */
const char *extract_metric_named(const struct lexicon *lx, const char *name);
/** Is the first or second word of @p s a table's row word (a metrics.tsv
 * cue ending in a space, whatever its kinds: "Shr", "Qtly div", "NOTE:")?
 * Then @p s is a row or a note of a wire's earnings table. */
int extract_metric_row(const struct lexicon *lx, const struct sentence *s);

/* ------------------------------------------------ assemble.c, continued */

/**
 * Fill @p c (already holding the figure's kind, span, value and unit) with
 * subject, commodity, metric and time for figure @p fi of @p s. Returns
 * the subject's entity id, or -1; for a name taken from the text (an id
 * from extract_gz_count() on) c->subject is left NULL for the caller to
 * fill.
 */
int64_t extract_assemble_claim(const struct lexicon *lx,
                            const struct gazetteer *gz,
                    const struct sentence *s, size_t fi,
                    const struct carry *cr, struct cdx_claim *c);

/** Arrays the assembler fills per sentence, owned by the caller's
 * scratch and reused. */
struct assemble_bufs {
	struct cut *cuts;
	size_t cap_cuts;
	struct ref *refs;
	size_t cap_refs;
	struct clause_cues cues; /* of the figure being assembled */
};

/**
 * Find the clause separators and the phrases pointing back of @p s into
 * @p b (grown as needed) and point s->cuts and s->refs at them; make room
 * in b->cues for the cues of any clause of @p s and point s->bufs at @p b.
 * @return CDX_OK or CDX_ERR_NOMEM.
 */
int extract_assemble_cuts(const struct lexicon *lx, struct sentence *s,
                          struct assemble_bufs *b);

/** Update @p cr after sentence @p s. */
void extract_assemble_carry(const struct lexicon *lx,
                            const struct gazetteer *gz,
                    const struct sentence *s, struct carry *cr);

/* ------------------------------------------------------------- firm.c */
/** The company of the document being extracted, found in its title once
 * the first table row needs it, and whether the sentence being
 * extracted is in a table of its earnings. */
struct firm_state {
	int caps;         /* the title is in capitals: it may name one */
	int done;         /* the title was read */
	const char *name; /* the company, or NULL: the gazetteer's, or in
	                     the claims' pool */
	int table;        /* the current sentence is a row of a table or
	                     follows one naming no one */
};
/** Start document with title @p title (NULL ok). */
void extract_firm_reset(struct firm_state *st, const char *title);
/**
 * Set st->table for sentence @p s: it is a row (extract_metric_row()),
 * or it follows a sentence in the table and names no one but
 * commodities ("1986 qtr includes a gain of 5 mln dlrs"). Only in a
 * document whose title is in capitals.
 */
void extract_firm_table(const struct lexicon *lx, struct firm_state *st,
                        const struct sentence *s);
/**
 * Does sentence @p s point back to a company with nothing to point to
 * (it names no one but commodities, and the caller found no subject
 * carried from before): it opens with "It", "Its" or "The company"
 * (grammar.tsv back, untyped or of companies), or holds a phrase
 * pointing back to a company? In a document whose title names a
 * company, that company is meant.
 */
int extract_firm_pointed(const struct lexicon *lx, const struct sentence *s);
/**
 * Set *@p subject to the company that @p title (NULL ok) names in
 * capitals, written readable, or to NULL (see firm.c); the name is read
 * on the first call after @p st was zeroed and copied into @p out's pool
 * unless the gazetteer knows it. @return CDX_OK or CDX_ERR_NOMEM.
 */
int extract_firm_subject(const struct lexicon *lx, const struct gazetteer *gz,
                         const char *title, struct firm_state *st,
                         struct cdx_claims *out, const char **subject);
/* ---------------------------------------------------------- extract.c */

struct cdx_extractor {
	struct lexicon lx;
	struct gazetteer *gz;
	struct pattern pat;
	struct triggers trig;
	struct gz_filter gzf; /* the gazetteer's filters, for scan.c */
	uint8_t table_first[256]; /* bit 1: a scale word, bit 2: a unit
	                             a table header may name starts with
	                             this byte, lower case (tables.c) */
	uint64_t fingerprint;     /* of the data folder (fingerprint.c) */
};

/* ------------------------------------------------------ fingerprint.c */

/** The fingerprint of data folder @p dir: its files' names and bytes.
 *  @return CDX_OK, CDX_ERR_IO or CDX_ERR_NOMEM. */
int extract_fingerprint_compute(const char *dir, uint64_t *out,
                                struct cdx_error *err);

/* ----------------------------------------------------------- tables.c */

/** The unit a flattened table's header declared, and its scale. */
struct table_state {
	const struct lex_entry *unit; /* NULL: none yet in the document */
	double scale;
};

/** Fill ex->table_first from the lexicon (once loaded). */
void extract_tables_index(struct cdx_extractor *ex);

/**
 * Add the figures of the flattened table lines of sentence [t, t+len)
 * (with mentions @p ments) to @p *figs, kept in text order, the header's
 * unit carried in @p ts. @return CDX_OK or CDX_ERR_NOMEM.
 */
int extract_table_lines(const struct cdx_extractor *ex,
                        struct table_state *ts, const struct ment *ments,
                        size_t n_ments, struct figure **figs, size_t *n_figs,
                        size_t *cap_figs, const char *t, size_t len);

/** Lower the PCRE2 match limit of @p s (tests of the limit path). */
void extract_scratch_set_match_limit(struct cdx_extract_scratch *s,
                                     uint32_t limit);

#endif
