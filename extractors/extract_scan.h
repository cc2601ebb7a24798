/*
 * extract_scan.h — the triggers of the figure pattern and the scans that
 * find them before any regular expression runs: scan.c (trigger words,
 * windows, hopeless triggers), datecheck.c (where no date can start),
 * cands.c (one pass over a sentence's words for the candidates of both
 * the trigger and the name scans). Included by extract_int.h (split from
 * it for length), after the lexicon's and the gazetteer's declarations
 * it uses; nothing here is visible outside extractors/.
 */
#ifndef CDX_EXTRACT_SCAN_H
#define CDX_EXTRACT_SCAN_H

/* ------------------------------------------------------------- scan.c */

#define PREFIX_WORD_MAX 24

/* -------------------------------------------------------- datecheck.c */

#define DATEWORD_HASH 512 /* slots: a power of two, twice the words at
                             most */

/** The words of the dates' data (dates.tsv, but for clock words): each
 * run of letters and digits of a preposition, month, relative word or
 * unit, lower case, hashed; the first bytes of months. */
struct datewords {
	char (*w)[PREFIX_WORD_MAX];
	size_t n, cap;
	uint16_t hash[DATEWORD_HASH]; /* 1 + index in w; 0 = empty */
	uint8_t month_first[256];     /* a month starts with this byte,
	                                 lower case */
	uint8_t any;                  /* a word with a digit, or too long
	                                 for w: extract_date_possible()
	                                 says 1 */
};

/** Build @p dw from @p lx. @return CDX_OK, CDX_ERR_NOMEM, or
 * CDX_ERR_LIMIT (too many words). Freed with the triggers. */
int extract_datewords_build(struct datewords *dw, const struct lexicon *lx);

struct triggers;

/**
 * May the figure pattern's date branch match from any start in [from,
 * @p at] of [t, t+len), where @p at is the first trigger from some from
 * on (datecheck.c)? 0 only when it cannot; then the pattern without its
 * date branch (struct pattern's code_fig) gives the same match.
 */
int extract_date_possible(const struct triggers *tr, const char *t,
                          size_t len, size_t at);

/** Trigger words hashed by their leading word, a class per byte, and the words
 * that may open a match before its trigger. */
#define TRIG_HASH 512 /* slots: a power of two, twice the words at most */
#define TRIG_KEYBITS 65536 /* bits of the leading-word filter, a power of
                              2: few words of a text pass it by chance */
#define PRE_HASH 1024 /* slots for the prefix words: a power of two, twice
                         the words at most */
struct triggers {
	uint8_t cls[256];                /* what a byte may start */
	uint32_t hash[TRIG_HASH];        /* 1 + first word of a group sharing
	                                    a leading word; 0 = empty */
	uint8_t pairs[65536];            /* a trigger word starts with these
	                                    two lower-case bytes */
	uint64_t keybits[TRIG_KEYBITS / 64]; /* bit: some trigger word's leading
	                                    word hashes to it (hash_key()) */
	const struct lex_entry **words;  /* borrowed from the lexicon, sorted
	                                    by leading word */
	size_t n_words, cap_words;
	char (*pre)[PREFIX_WORD_MAX];    /* lower case, sorted */
	size_t n_pre, cap_pre;
	uint16_t prehash[PRE_HASH];      /* 1 + index in pre of a word, by
	                                    hash_key(); 0 = empty */
	uint32_t pre_len[256];           /* bit n: a prefix word of n bytes
	                                    starts with this (lower-case)
	                                    byte; most words before a
	                                    trigger fail this one test */
	struct datewords dw;             /* for extract_date_possible() */
	uint8_t *roles;                  /* of each word and its group
	                                    (scan.c's R_*), for
	                                    extract_trigger_hopeless() */
	const struct lex_list *dates;    /* borrowed: its rel words */
	uint64_t rel_lens;               /* bit n: the last word of a rel
	                                    word has n bytes (n < 64) */
	uint64_t hopebits[TRIG_KEYBITS / 64]; /* bit: the leading word of a
	                                    group with no R_ANY role hashes
	                                    to it (wk_key()) */
};

/* What a byte may start (struct triggers' cls). */
enum { T_DIGIT = 1, T_WORD = 2, T_DOT = 4, T_SYM = 8 };

/** Build the trigger table from @p lx (which must outlive it).
 * @return CDX_OK or CDX_ERR_NOMEM. */
int extract_triggers_build(struct triggers *tr, const struct lexicon *lx,
                           struct cdx_error *err);
void extract_triggers_release(struct triggers *tr);

/** Is a trigger word of @p wlen letters at word start @p i of [t, t+len)?
 * Is a trigger starting with a symbol ("½") at @p i? */
int extract_trigger_word_at(const struct triggers *tr, const char *t,
                            size_t len, size_t i, size_t wlen);
int extract_trigger_symbol_at(const struct triggers *tr, const char *t,
                              size_t len, size_t i);

/** The first trigger (digit run, ".5", trigger word) at or after @p from
 * in [t, t+len), or @p len when there is none. */
size_t extract_next_trigger(const struct triggers *tr, const char *t,
                            size_t len, size_t from);

/**
 * Find in one pass over [t, t+len) (cands.c) the candidates @p c of both the
 * gazetteer's scan (filters @p gf) and the trigger scan (@p tr).
 * @return CDX_OK or CDX_ERR_NOMEM.
 */
int extract_cands_scan(struct cands *c, const struct gz_filter *gf,
                       const struct triggers *tr, const char *t, size_t len);

/** extract_next_trigger() over the candidates @p c of [t, t+len), *ci a
 * cursor into them (0 to start; @p from may step back): the same
 * triggers. */
size_t extract_next_trigger_cand(const struct triggers *tr, const char *t,
                                 size_t len, const struct cands *c,
                                 size_t *ci, size_t from);

/**
 * Can no match of the figure pattern starting in [from, @p at] hold the
 * trigger word at @p at of [t, t+len) (one extract_next_trigger_cand()
 * found)? 1 only when none can: a word that is only a fraction not
 * followed by "of" ("third quarter"), only a relative unit with no
 * relative word before it ("a year ago"), or only an agreement word.
 * Then the pattern need not run.
 */
int extract_trigger_hopeless(const struct triggers *tr, const char *t,
                             size_t len, size_t at);

/** Where a match holding the trigger at @p at may start, not before
 * @p from: the start of the trigger's word, or of the run of words before
 * it that may open a match ("more than $5"). */
size_t extract_window_start(const struct triggers *tr, const char *t,
                            size_t from, size_t at);

#endif
