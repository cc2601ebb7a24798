/*
 * extract.h — from a document's sentences to claims: the figures it states
 * (percent, money, mass, ...) with their normalised value, qualifier, byte
 * span, and what they are about (subject, commodity, metric, time), as
 * ../shared/design/claims.md defines them.
 *
 * Two objects: a struct cdx_extractor holds the knowledge (compiled PCRE2
 * patterns, the entity gazetteer loaded from extractors/data/), built once
 * and then shared read-only by any number of threads; a struct
 * cdx_extract_scratch holds one thread's match data and work buffers.
 *
 * extractors/ knows nothing of files or of the index.
 */
#ifndef CDX_EXTRACT_H
#define CDX_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "cdx_error.h"
#include "corpus.h"

/** Kinds of claim, as claims.md names them. */
enum cdx_claim_kind {
	CDX_KIND_PERCENT = 0,
	CDX_KIND_MASS,
	CDX_KIND_MONEY,
	CDX_KIND_COUNT,
	CDX_KIND_DATE,
	CDX_KIND_AGREEMENT,
	CDX_KIND_QUANTITY,
	CDX_KIND_COUNT_ /**< number of kinds, not a kind */
};

/** "percent", "mass", ... ; NULL for an out-of-range kind. */
const char *cdx_kind_name(enum cdx_claim_kind k);
/** The kind named @p name; CDX_ERR_NOTFOUND when there is none. */
int cdx_kind_parse(const char *name, enum cdx_claim_kind *out);

/** Qualifiers, as claims.md names them. */
enum cdx_qualifier {
	CDX_QUAL_EXACT = 0,
	CDX_QUAL_APPROX,
	CDX_QUAL_MIN,
	CDX_QUAL_MAX,
	CDX_QUAL_RANGE,
};

/** "exact", "approx", "min", "max", "range". */
const char *cdx_qualifier_name(enum cdx_qualifier q);

/** Direction of a figure that states a change ("rose 5%", "a 3% cut"). */
enum cdx_change {
	CDX_CHANGE_NONE = 0,
	CDX_CHANGE_UP,
	CDX_CHANGE_DOWN,
};

/** "up", "down"; NULL for CDX_CHANGE_NONE. */
const char *cdx_change_name(enum cdx_change c);

/** Entity types of the gazetteer. */
enum cdx_entity_type {
	CDX_ENT_COUNTRY = 0, /**< countries, territories, regions (Europe) */
	CDX_ENT_ORG,         /**< organisations and government agencies */
	CDX_ENT_COMPANY,
	CDX_ENT_COMMODITY,
	CDX_ENT_PERSON,
	CDX_ENT_PLACE,       /**< deposits, projects, mines */
	CDX_ENT_TYPE_COUNT_
};

/** "country", "org", "company", "commodity", "person", "place". */
const char *cdx_entity_type_name(enum cdx_entity_type t);

#define CDX_CLAIM_UNIT_MAX 24
#define CDX_CLAIM_DATE_MAX 24
#define CDX_CLAIM_PARTIES_MAX 6

/**
 * One claim. Fixed size, no heap: string members are either inline arrays
 * or `const char *` to strings whose owner the producer documents. For
 * cdx_extract_run(): canonical names (gazetteer entities, metric phrases)
 * belong to the extractor and are valid while it lives; a name taken from
 * the text ("Dr Reddy's", a company the gazetteer does not know) lives in
 * the string pool of the struct cdx_claims that holds the claim, valid
 * until that array is cleared or released. Whoever keeps a claim longer
 * copies its strings (the indexer does).
 */
struct cdx_claim {
	enum cdx_claim_kind kind;
	uint32_t start, end;           /**< span of the figure in doc text */
	uint32_t sent_start, sent_end; /**< span of its sentence */
	double value;     /**< normalised number; NAN when none (date, agreement) */
	double value_max; /**< upper end of a range; NAN when none */
	char value_str[CDX_CLAIM_DATE_MAX]; /**< date kind: ISO prefix ("2030",
	                     "2027-10"); empty when unresolved. Agreement kind:
	                     empty (the value is the span's text) */
	char unit[CDX_CLAIM_UNIT_MAX]; /**< "%", "pp", "t", "USD", counted noun;
	                                    empty for none */
	char per[8];                   /**< price per unit ("lb", "t"); or "" */
	enum cdx_qualifier qualifier;
	enum cdx_change change;        /**< up or down when a verb or noun
	                                    says the figure is a change */
	const char *subject;   /**< canonical entity name, or NULL */
	const char *commodity; /**< canonical commodity name, or NULL */
	const char *metric;    /**< short metric phrase, or NULL */
	char time[CDX_CLAIM_DATE_MAX]; /**< ISO prefix the figure holds for, or "" */
	const char *parties[CDX_CLAIM_PARTIES_MAX]; /**< agreement parties */
	unsigned n_parties;
};

struct cdx_claims_chunk;

/**
 * A growable array of claims, owned by the caller, with a pool for the
 * strings of its claims that no longer-lived object owns (names taken from
 * the text). The pool is a list of chunks that are never reallocated, so a
 * pointer into it stays valid while claims are appended; it is recycled by
 * cdx_claims_clear() (and by cdx_extract_run() when it is called with
 * n == 0: setting n to 0 by hand is the same as clearing) and freed by
 * cdx_claims_release().
 */
struct cdx_claims {
	struct cdx_claim *v;
	size_t n, cap;
	struct cdx_claims_chunk *pool; /**< first chunk of strings, or NULL */
	struct cdx_claims_chunk *pool_at; /**< chunk being filled */
};

#define CDX_CLAIMS_INIT {NULL, 0, 0, NULL, NULL}
/** Empty the array for reuse: n = 0, the pool's strings become invalid
 * (its memory is kept). NULL ok. */
void cdx_claims_clear(struct cdx_claims *c);
/** Free the array and its pool; strings owned by the extractor stay.
 * NULL ok; the struct is left empty (CDX_CLAIMS_INIT) for reuse. */
void cdx_claims_release(struct cdx_claims *c);
/**
 * Copy [s, s+n) into the pool of @p c as a NUL-terminated string and set
 * *out to it (valid until @p c is cleared or released).
 * @return CDX_OK or CDX_ERR_NOMEM.
 */
int cdx_claims_strdup(struct cdx_claims *c, const char *s, size_t n,
                      const char **out);

/** An entity mention found in a text. */
struct cdx_mention {
	uint32_t start, end;       /**< byte span in the text */
	const char *name;          /**< canonical name, owned by the extractor */
	enum cdx_entity_type type;
	uint32_t id;               /**< stable id within this extractor */
};

struct cdx_extractor;
struct cdx_extract_scratch;

/**
 * Load the gazetteer and patterns from @p data_dir (the folder holding
 * extractors/data's files) and compile every pattern with JIT. NULL means
 * the built-in default (CDX_DATA_DIR set at build time, or the directory
 * in $CLAIMDEX_DATA).
 * @return CDX_OK; CDX_ERR_IO when a data file cannot be read;
 *   CDX_ERR_FORMAT when a data file or pattern is malformed (message names
 *   the file and line, or the pattern and offset); CDX_ERR_NOMEM.
 *   On failure *out is NULL.
 */
int cdx_extract_new(struct cdx_extractor **out, const char *data_dir,
                    struct cdx_error *err);

/**
 * A fingerprint of the data @p ex was loaded from: the names and bytes of
 * the files of its data folder, hashed when it was made. Other data, or
 * an edited word list, gives another; for telling whether claims could
 * come out otherwise than before.
 */
uint64_t cdx_extract_fingerprint(const struct cdx_extractor *ex);

/** Free an extractor. NULL ok. Claims it produced must not be used after. */
void cdx_extract_free(struct cdx_extractor *ex);

/** Per-thread work state for @p ex. Caller frees with the function below. */
int cdx_extract_scratch_new(struct cdx_extract_scratch **out,
                            const struct cdx_extractor *ex,
                            struct cdx_error *err);
void cdx_extract_scratch_free(struct cdx_extract_scratch *s);

/**
 * Append the claims of @p doc to @p out (not cleared first), in text order.
 * Strings of the new claims are the extractor's or in @p out's pool (see
 * struct cdx_claims); when out->n is 0 the pool is recycled first.
 * A PCRE2 match limit hit in a sentence skips that sentence and counts a
 * warning (*n_limit_hits, may be NULL) instead of failing.
 * @return CDX_OK or CDX_ERR_NOMEM.
 */
int cdx_extract_run(const struct cdx_extractor *ex,
                    struct cdx_extract_scratch *s, const struct cdx_doc *doc,
                    struct cdx_claims *out, unsigned *n_limit_hits,
                    struct cdx_error *err);

/**
 * Find entity mentions in @p text (longest match first, case rules
 * applied), calling @p fn for each in text order. Return non-zero from
 * @p fn to stop; that value is returned.
 */
typedef int (*cdx_mention_fn)(void *ctx, const struct cdx_mention *m);
int cdx_extract_mentions(const struct cdx_extractor *ex,
                         struct cdx_extract_scratch *s, const char *text,
                         size_t len, cdx_mention_fn fn, void *ctx);

/**
 * Look up an entity by any of its names or aliases (case-insensitive for
 * names that are not all-caps). On success *out is the canonical name
 * (owned by the extractor) and *type its type.
 * @return CDX_OK or CDX_ERR_NOTFOUND.
 */
int cdx_extract_entity_lookup(const struct cdx_extractor *ex,
                              const char *name, const char **out,
                              enum cdx_entity_type *type);

#endif
