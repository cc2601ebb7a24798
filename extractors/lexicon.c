/*
 * lexicon.c — the word lists of the extractor (number words, scales, units,
 * currencies, qualifiers, month names, metric cues, clause words), read
 * from the tab-separated files in extractors/data/.
 *
 * Every file has the same shape: one row a line, fields split at tabs,
 * blank lines and lines starting with # ignored. Each file's own header
 * comment documents its columns. A malformed row is an error naming the
 * file and the line, so a typo in the data never silently drops a word.
 * patterns.c renders the lists as PCRE2 alternations (extract_lex_alt):
 * that is how the figure pattern is built from data rather than from code.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"

#define TSV_MAX_FIELDS 8

int extract_tsv_read(const char *dir, const char *name, unsigned min_f,
             unsigned max_f, tsv_row_fn fn, void *ctx, struct cdx_error *err)
{
	char path[4096];
	char why[256];
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	FILE *fp = NULL;
	int rc = CDX_OK;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return cdx_error_set(err, CDX_ERR_IO,
		                     "data path too long: '%s'", dir);
	fp = fopen(path, "r");
	if (fp == NULL)
		return cdx_error_set(err, CDX_ERR_IO, "cannot open '%s': %s",
		                     path, strerror(errno));
	while ((n = getline(&line, &cap, fp)) >= 0) {
		char *f[TSV_MAX_FIELDS + 1];
		unsigned nf = 0;
		char *p = line;

		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		for (;;) {
			char *tab = strchr(p, '\t');

			if (nf < TSV_MAX_FIELDS + 1)
				f[nf] = p;
			nf++;
			if (tab == NULL)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (nf < min_f || nf > max_f) {
			rc = cdx_error_set(err, CDX_ERR_FORMAT,
			                   "bad data line '%s:%u': expected %u to "
			                   "%u tab-separated fields, found %u",
			                   path, lineno, min_f, max_f, nf);
			goto cleanup;
		}
		why[0] = '\0';
		rc = fn(ctx, f, nf, lineno, why, sizeof(why));
		if (rc == CDX_ERR_NOMEM) {
			rc = cdx_error_set(err, rc, "out of memory reading '%s'",
			                   path);
			goto cleanup;
		}
		if (rc != CDX_OK) {
			rc = cdx_error_set(err, rc, "bad data line '%s:%u': %s",
			                   path, lineno, why);
			goto cleanup;
		}
	}
	if (ferror(fp))
		rc = cdx_error_set(err, CDX_ERR_IO, "cannot read '%s': %s",
		                   path, strerror(errno));
cleanup:
	free(line);
	fclose(fp);
	return rc;
}

/* ------------------------------------------------------------ lists */

static int lex_add(struct lex_list *l, const char *text, int exact, int cls,
                   double value, const char *unit, const char *alt_unit,
                   const char *alt_entity)
{
	struct lex_entry *e;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 32;
		struct lex_entry *v = realloc(l->v, ncap * sizeof(*v));

		if (v == NULL)
			return CDX_ERR_NOMEM;
		l->v = v;
		l->cap = ncap;
	}
	e = &l->v[l->n];
	memset(e, 0, sizeof(*e));
	e->text = strdup(text);
	e->unit = unit ? strdup(unit) : NULL;
	e->alt_unit = alt_unit ? strdup(alt_unit) : NULL;
	e->alt_entity = alt_entity ? strdup(alt_entity) : NULL;
	if (e->text == NULL || (unit && e->unit == NULL) ||
	    (alt_unit && e->alt_unit == NULL) ||
	    (alt_entity && e->alt_entity == NULL)) {
		free(e->text);
		free(e->unit);
		free(e->alt_unit);
		free(e->alt_entity);
		return CDX_ERR_NOMEM;
	}
	e->len = (uint32_t)strlen(text);
	e->exact = (uint8_t)exact;
	e->cls = (uint8_t)cls;
	e->value = value;
	l->n++;
	return CDX_OK;
}

static void lex_list_release(struct lex_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].unit);
		free(l->v[i].alt_unit);
		free(l->v[i].alt_entity);
		free(l->v[i].world);
	}
	free(l->v);
	free(l->slot);
	free(l->next);
	free(l->hash);
	l->v = NULL;
	l->slot = l->next = l->hash = NULL;
	l->n = l->cap = 0;
}

/* FNV-1a over the folded form of [s, s+n): ASCII lower case, runs of white
 * space as one space (the form surface_eq() compares in). */
static uint32_t fold_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_space(c)) {
			while (i + 1 < n && is_space((unsigned char)s[i + 1]))
				i++;
			c = ' ';
		}
		h = (h ^ lower(c)) * 16777619u;
	}
	return h;
}

/* Build the hash index of @p l (see struct lex_list). */
static int index_list(struct lex_list *l)
{
	size_t slots = 16;

	while (slots < 2 * l->n)
		slots *= 2;
	l->slot = calloc(slots, sizeof(*l->slot));
	l->next = calloc(l->n + 1, sizeof(*l->next));
	l->hash = calloc(l->n + 1, sizeof(*l->hash));
	if (l->slot == NULL || l->next == NULL || l->hash == NULL)
		return CDX_ERR_NOMEM;
	l->mask = (uint32_t)(slots - 1);
	/* from the last row up, so each chain runs in file order */
	for (size_t i = l->n; i-- > 0;) {
		uint32_t h = fold_hash(l->v[i].text, l->v[i].len);

		l->hash[i] = h;
		l->v[i].head_mask = wk_keep8(l->v[i].len);
		l->v[i].head = extract_head_of(l->v[i].text, l->v[i].len, 0);
		l->next[i] = l->slot[h & l->mask];
		l->slot[h & l->mask] = (uint32_t)i + 1;
		if (l->v[i].len > l->maxlen)
			l->maxlen = l->v[i].len;
	}
	return CDX_OK;
}

void extract_lexicon_release(struct lexicon *lx)
{
	if (lx == NULL)
		return;
	lex_list_release(&lx->numbers);
	lex_list_release(&lx->units);
	lex_list_release(&lx->quals);
	lex_list_release(&lx->dates);
	lex_list_release(&lx->metrics);
	lex_list_release(&lx->grammar);
	lex_list_release(&lx->words);
	lex_list_release(&lx->agree);
	lex_list_release(&lx->refnouns);
	free(lx->morder);
	free(lx->gorder);
	free(lx->gend);
	free(lx->aorder);
	lx->morder = lx->gorder = lx->gend = lx->aorder = NULL;
}

/* The bucket entry @p e goes to: its first or (@p last) its last byte,
 * lower case, after 256 buckets per class before its own with
 * @p by_class. */
static unsigned bucket_of(const struct lex_entry *e, int last, int by_class)
{
	return (by_class ? (unsigned)e->cls << 8 : 0) +
	       lower((unsigned char)e->text[last ? e->len - 1 : 0]);
}

/* Bucket the entries of @p l (a counting sort, stable, so each bucket
 * keeps file order): entries of bucket b are order[start[b] ..
 * start[b + 1]), for b below @p n. */
static int bucket(const struct lex_list *l, int last, int by_class,
                  uint32_t **order, uint32_t *start, unsigned n)
{
	uint32_t *fill = malloc(n * sizeof(*fill));

	*order = malloc((l->n + 1) * sizeof(**order));
	if (*order == NULL || fill == NULL) {
		free(fill);
		return CDX_ERR_NOMEM;
	}
	memset(start, 0, (n + 1) * sizeof(*start));
	for (size_t i = 0; i < l->n; i++)
		start[bucket_of(&l->v[i], last, by_class) + 1]++;
	for (unsigned b = 0; b < n; b++)
		start[b + 1] += start[b];
	memcpy(fill, start, n * sizeof(*fill));
	for (size_t i = 0; i < l->n; i++)
		(*order)[fill[bucket_of(&l->v[i], last, by_class)]++] =
		        (uint32_t)i;
	free(fill);
	return CDX_OK;
}

/* Each metric's phrase for a figure that belongs to the whole world:
 * "world production" for "global production was 197,000 tons", whose
 * subject is null, so that the audit can compare it with the reference's
 * World rows. A "-" row and a metric already about the world get none. */
static int world_metrics(struct lexicon *lx)
{
	for (size_t i = 0; i < lx->metrics.n; i++) {
		struct lex_entry *e = &lx->metrics.v[i];
		size_t n = strlen(e->unit) + 7;

		if (strcmp(e->unit, "-") == 0 ||
		    strncmp(e->unit, "world ", 6) == 0)
			continue;
		if ((e->world = malloc(n)) == NULL)
			return CDX_ERR_NOMEM;
		snprintf(e->world, n, "world %s", e->unit);
	}
	return CDX_OK;
}

/* The nouns of the typed "the NOUN" and "this NOUN" phrases of
 * grammar.tsv's back class, for phrases with words between ("the fifth
 * biggest US carrier", "this central African nation"). A noun from a
 * "the" row (class 0) follows either word, one from a "this" row (class
 * 1) only "this". */
static int ref_nouns(struct lexicon *lx)
{
	uint32_t k;

	for (size_t i = 0; i < lx->grammar.n; i++) {
		const struct lex_entry *e = &lx->grammar.v[i];
		int rc, this = e->len > 5 && strncmp(e->text, "this ", 5) == 0;
		size_t skip = this ? 5 : 4;

		if (e->cls != G_BACK || e->value < 0 || e->len <= skip ||
		    (!this && strncmp(e->text, "the ", 4) != 0) ||
		    strchr(e->text + skip, ' '))
			continue;
		rc = lex_add(&lx->refnouns, e->text + skip, 0, this, e->value,
		             NULL, NULL, NULL);
		if (rc)
			return rc;
		k = wk_key_of(e->text + skip, e->len - skip) &
		    (REFKEY_BITS - 1);
		lx->refkeys[k >> 6] |= (uint64_t)1 << (k & 63);
	}
	return CDX_OK;
}

/* ----------------------------------------------------- field parsing */

/* Index of @p s in the NULL-terminated @p names, or -1. */
static int name_index(const char *s, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* Fill @p why with "@p what '@p val'" (or just @p what) for the caller. */
static int bad(char *why, size_t cap, const char *what, const char *val)
{
	if (val)
		snprintf(why, cap, "%s '%s'", what, val);
	else
		snprintf(why, cap, "%s", what);
	return CDX_ERR_FORMAT;
}

static int parse_number(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return *s != '\0' && *end == '\0' && errno == 0 && isfinite(*out);
}

/* The case column: "i" (any case) or "s" (exact). */
static int parse_case(const char *s, int *exact)
{
	if (strcmp(s, "i") == 0 || strcmp(s, "s") == 0) {
		*exact = s[0] == 's';
		return 1;
	}
	return 0;
}

static int row_numbers(void *ctx, char **f, unsigned nf, unsigned line,
                       char *why, size_t cap)
{
	static const char *const cls[] = {"word", "scale", "fraction",
	                                  "approx", NULL};
	int c = name_index(f[0], cls), exact;
	double v;

	if (c < 0)
		return bad(why, cap, "unknown class", f[0]);
	if (f[1][0] == '\0')
		return bad(why, cap, "empty surface", NULL);
	if (!parse_number(f[2], &v))
		return bad(why, cap, "bad number", f[2]);
	if (!parse_case(f[3], &exact))
		return bad(why, cap, "bad case (want i or s)", f[3]);
	return lex_add(ctx, f[1], exact, c, v, NULL, NULL, NULL);
}

static int row_units(void *ctx, char **f, unsigned nf, unsigned line,
                       char *why, size_t cap)
{
	static const char *const cls[] = {"percent", "mass", "money",
	                                  "currency", "per", "quantity",
	                                  NULL};
	int c = name_index(f[0], cls), exact, scaled, verb, rc;
	char alt[64];
	char *eq = NULL;
	double v;

	if (c < 0)
		return bad(why, cap, "unknown class", f[0]);
	if (f[1][0] == '\0' || f[2][0] == '\0')
		return bad(why, cap, "empty surface or unit", NULL);
	if (strlen(f[2]) >= CDX_CLAIM_UNIT_MAX)
		return bad(why, cap, "unit too long", f[2]);
	if (!parse_number(f[3], &v) || v <= 0)
		return bad(why, cap, "bad factor", f[3]);
	/* "x": any case, and only after a scale word; "y": any case, and
	 * not after a bare year */
	scaled = strcmp(f[4], "x") == 0;
	verb = strcmp(f[4], "y") == 0;
	if (!scaled && !verb && !parse_case(f[4], &exact))
		return bad(why, cap, "bad case (want i, s, x or y)", f[4]);
	if (scaled || verb)
		exact = 0;
	if (nf == 6) {
		if (snprintf(alt, sizeof(alt), "%s", f[5]) >= (int)sizeof(alt) ||
		    (eq = strchr(alt, '=')) == NULL || eq == alt ||
		    eq[1] == '\0')
			return bad(why, cap, "bad alternative (want UNIT=Entity)",
			           f[5]);
		*eq++ = '\0';
	}
	rc = lex_add(ctx, f[1], exact, c, v, f[2], eq ? alt : NULL, eq);
	if (rc == 0 && (scaled || verb)) {
		struct lex_list *l = ctx;

		l->v[l->n - 1].scaled = (uint8_t)scaled;
		l->v[l->n - 1].verb = (uint8_t)verb;
	}
	return rc;
}

static int row_quals(void *ctx, char **f, unsigned nf, unsigned line,
                       char *why, size_t cap)
{
	static const char *const cls[] = {"exact", "approx", "min", "max",
	                                  "range", NULL};
	int c = name_index(f[0], cls);

	if (c <= 0)
		return bad(why, cap, "unknown qualifier", f[0]);
	if (f[1][0] == '\0')
		return bad(why, cap, "empty phrase", NULL);
	return lex_add(ctx, f[1], 0, c, 0, NULL, NULL, NULL);
}

static int row_dates(void *ctx, char **f, unsigned nf, unsigned line,
                       char *why, size_t cap)
{
	static const char *const cls[] = {"month", "prep", "clock", "rel",
	                                  "relunit", "weekday", NULL};
	int c = name_index(f[0], cls);
	double v;

	if (c < 0)
		return bad(why, cap, "unknown class", f[0]);
	if (f[1][0] == '\0')
		return bad(why, cap, "empty word", NULL);
	if (!parse_number(f[2], &v) || (c == D_MONTH && (v < 1 || v > 12)))
		return bad(why, cap, "bad number", f[2]);
	/* Month and day names keep their capital: "May" the month, not
	 * "may". */
	return lex_add(ctx, f[1], c == D_MONTH || c == D_WEEKDAY, c, v, NULL,
	               NULL, NULL);
}

static int row_metrics(void *ctx, char **f, unsigned nf, unsigned line,
                       char *why, size_t cap)
{
	struct lex_list *l = ctx;
	unsigned mask = 0;
	char kinds[128];
	char *tok, *save = NULL;
	size_t len;
	int adjacent, rc;

	if (strcmp(f[0], "*") == 0) {
		mask = (1u << CDX_KIND_COUNT_) - 1;
	} else {
		if (snprintf(kinds, sizeof(kinds), "%s", f[0]) >=
		    (int)sizeof(kinds))
			return bad(why, cap, "bad kinds", f[0]);
		for (tok = strtok_r(kinds, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			enum cdx_claim_kind k;

			if (cdx_kind_parse(tok, &k) != CDX_OK)
				return bad(why, cap, "unknown kind", tok);
			mask |= 1u << k;
		}
	}
	if (mask == 0 || f[1][0] == '\0' || f[2][0] == '\0')
		return bad(why, cap, "empty kinds, cue or metric", NULL);
	if (f[1][0] >= 'A' && f[1][0] <= 'Z')
		return bad(why, cap, "cue not in lower case", f[1]);
	if (nf > 3 && (f[3][0] == '\0' || strcmp(f[2], "-") == 0))
		return bad(why, cap, "empty override list, or one on a non-cue",
		           NULL);
	/* a cue ending in " #" counts only right beside its figure */
	len = strlen(f[1]);
	adjacent = len > 2 && strcmp(f[1] + len - 2, " #") == 0;
	if (adjacent)
		f[1][len - 2] = '\0';
	/* the fourth column, the metrics this cue overrides in its clause,
	 * is kept in alt_unit */
	if ((rc = lex_add(ctx, f[1], 0, (int)mask, 0, f[2],
	                  nf > 3 ? f[3] : NULL, NULL)) != CDX_OK)
		return rc;
	l->v[l->n - 1].adjacent = (uint8_t)adjacent;
	return CDX_OK;
}

static int row_grammar(void *ctx, char **f, unsigned nf, unsigned line,
                       char *why, size_t cap)
{
	static const char *const cls[] = {"clause", "back", "change", "said",
	                                  "source", "intro", "near", "prep",
	                                  "target", "rel", "whole", "rank",
	                                  "masthead", "report", "versus",
	                                  NULL};
	int c = name_index(f[0], cls), type = -1;

	if (c < 0)
		return bad(why, cap, "unknown class", f[0]);
	if (f[1][0] == '\0')
		return bad(why, cap, "empty phrase", NULL);
	if (nf == 3) {
		for (int t = 0; t < CDX_ENT_TYPE_COUNT_; t++)
			if (strcmp(f[2], cdx_entity_type_name(t)) == 0)
				type = t;
		if (type < 0 || c != G_BACK)
			return bad(why, cap, "bad entity type", f[2]);
	}
	return lex_add(ctx, f[1], 0, c, type, NULL, NULL, NULL);
}

static int row_words(void *ctx, char **f, unsigned nf, unsigned line,
                     char *why, size_t cap)
{
	static const char *const cls[] = {"stop", "uncounted", "label", "up",
	                                  "down", "notname", "title", "given",
	                                  "firm", "doc", "notshare", "partof",
	                                  "base", "grade", "ownerless",
	                                  "market", "kindof", "economy",
	                                  "industry", "measure", "added",
	                                  "length", "legal", "joiner",
	                                  "nameword", "wirenote", NULL};
	int c = name_index(f[0], cls);

	if (c < 0)
		return bad(why, cap, "unknown class", f[0]);
	if (f[1][0] == '\0' || strchr(f[1], ' '))
		return bad(why, cap, "not one word", f[1]);
	return lex_add(ctx, f[1], 0, c, 0, NULL, NULL, NULL);
}

static int row_agree(void *ctx, char **f, unsigned nf, unsigned line,
                     char *why, size_t cap)
{
	static const char *const cls[] = {"head", "name", "det", "not",
	                                  "stop", NULL};
	int c = name_index(f[0], cls);

	if (c < 0)
		return bad(why, cap, "unknown class", f[0]);
	if (f[1][0] == '\0')
		return bad(why, cap, "empty phrase", NULL);
	if (c == A_NAME && !(f[1][0] >= 'A' && f[1][0] <= 'Z'))
		return bad(why, cap, "name not capitalised", f[1]);
	return lex_add(ctx, f[1], 0, c, 0, NULL, NULL, NULL);
}

/* Mark the second byte of @p e (lower case) in the 256-bit @p row of
 * its first byte; a one-byte entry marks every byte. */
static void mark_second(uint64_t row[4], const struct lex_entry *e)
{
	unsigned b;

	if (e->len < 2) {
		memset(row, 0xff, 4 * sizeof(*row));
		return;
	}
	b = lower((unsigned char)e->text[1]);
	row[b >> 6] |= (uint64_t)1 << (b & 63);
}

int extract_lexicon_load(struct lexicon *lx, const char *dir,
                         struct cdx_error *err)
{
	int rc;

	memset(lx, 0, sizeof(*lx));
	if ((rc = extract_tsv_read(dir, "numbers.tsv", 4, 4, row_numbers,
	                   &lx->numbers, err)) ||
	    (rc = extract_tsv_read(dir, "units.tsv", 5, 6, row_units, &lx->units,
	                   err)) ||
	    (rc = extract_tsv_read(dir, "qualifiers.tsv", 2, 2, row_quals, &lx->quals,
	                   err)) ||
	    (rc = extract_tsv_read(dir, "dates.tsv", 3, 3, row_dates, &lx->dates,
	                   err)) ||
	    (rc = extract_tsv_read(dir, "metrics.tsv", 3, 4, row_metrics,
	                   &lx->metrics, err)) ||
	    (rc = extract_tsv_read(dir, "grammar.tsv", 2, 3, row_grammar,
	                   &lx->grammar, err)) ||
	    (rc = extract_tsv_read(dir, "words.tsv", 2, 2, row_words,
	                   &lx->words, err)) ||
	    (rc = extract_tsv_read(dir, "agreements.tsv", 2, 2, row_agree,
	                   &lx->agree, err))) {
		extract_lexicon_release(lx);
		return rc;
	}
	if (bucket(&lx->metrics, 0, 0, &lx->morder, lx->mstart, 256) ||
	    bucket(&lx->grammar, 0, 1, &lx->gorder, lx->gstart,
	           G_COUNT_ * 256) ||
	    bucket(&lx->grammar, 1, 1, &lx->gend, lx->gendstart,
	           G_COUNT_ * 256) ||
	    bucket(&lx->agree, 0, 1, &lx->aorder, lx->astart,
	           A_COUNT_ * 256) ||
	    ref_nouns(lx) || index_list(&lx->refnouns) || world_metrics(lx) ||
	    index_list(&lx->numbers) ||
	    index_list(&lx->units) || index_list(&lx->quals) ||
	    index_list(&lx->dates) || index_list(&lx->metrics) ||
	    index_list(&lx->grammar) || index_list(&lx->words) ||
	    index_list(&lx->agree)) {
		extract_lexicon_release(lx);
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	}
	/* the first two bytes of cues and phrases, which rule most words
	 * out before a walk of the list */
	for (size_t i = 0; i < lx->metrics.n; i++) {
		const struct lex_entry *e = &lx->metrics.v[i];

		mark_second(lx->msecond[lower((unsigned char)e->text[0])], e);
	}
	for (size_t i = 0; i < lx->grammar.n; i++) {
		const struct lex_entry *e = &lx->grammar.v[i];
		unsigned char c = (unsigned char)e->text[0];

		mark_second(lx->gsecond[e->cls][lower(c)], e);
		lx->gfirst[lower(c)] |= (uint16_t)(1u << lx->grammar.v[i].cls);
		if (c >= 'a' && c <= 'z')
			lx->gfirst[c - 32] |= (uint16_t)(1u << lx->grammar.v[i].cls);
		else if (c >= 'A' && c <= 'Z')
			lx->gfirst[c] |= (uint16_t)(1u << lx->grammar.v[i].cls);
	}
	return CDX_OK;
}

/* ------------------------------------------------------------ lookups */

/* Does the surface of @p e equal [s, s+n) under its case rule? */
static int surface_eq(const struct lex_entry *e, const char *s, size_t n)
{
	size_t i = 0, j = 0;

	while (i < e->len && j < n) {
		unsigned char a = (unsigned char)e->text[i];
		unsigned char b = (unsigned char)s[j];

		if (a == ' ') {
			if (!is_space(b))
				return 0;
			while (j < n && is_space((unsigned char)s[j]))
				j++;
			i++;
			continue;
		}
		if (e->exact ? a != b : lower(a) != lower(b))
			return 0;
		i++;
		j++;
	}
	return i == e->len && j == n;
}

size_t extract_lex_prefix(const struct lex_entry *e, const char *s, size_t n)
{
	size_t i = 0, j = 0;

	while (i < e->len && j < n) {
		unsigned char a = (unsigned char)e->text[i];
		unsigned char b = (unsigned char)s[j];

		if (a == ' ') {
			if (!is_space(b))
				return 0;
			while (j < n && is_space((unsigned char)s[j]))
				j++;
			i++;
			continue;
		}
		if (e->exact ? a != b : lower(a) != lower(b))
			return 0;
		i++;
		j++;
	}
	if (i < e->len || (j < n && is_alnum((unsigned char)s[j]) &&
	                   is_alnum((unsigned char)e->text[e->len - 1])))
		return 0;
	return j;
}

const struct lex_entry *extract_lex_find(const struct lex_list *l, int cls,
                                 const char *s, size_t n)
{
	uint32_t k, h;

	/* a text longer than every surface may still fold shorter only by
	 * runs of white space: allow for them before giving up */
	if (l->slot == NULL || n == 0 ||
	    (n > l->maxlen && !memchr(s, ' ', n) && !memchr(s, '\t', n) &&
	     !memchr(s, '\n', n)))
		return NULL;
	h = fold_hash(s, n);
	for (k = l->slot[h & l->mask]; k; k = l->next[k - 1]) {
		const struct lex_entry *e = &l->v[k - 1];

		/* equal surfaces fold alike: another hash rules it out */
		if (l->hash[k - 1] == h && (cls < 0 || e->cls == cls) &&
		    surface_eq(e, s, n))
			return e;
	}
	return NULL;
}

uint32_t extract_lex_classes(const struct lex_list *l, const char *s,
                             size_t n)
{
	uint32_t k, h, mask = 0;

	if (l->slot == NULL || n == 0 ||
	    (n > l->maxlen && !memchr(s, ' ', n) && !memchr(s, '\t', n) &&
	     !memchr(s, '\n', n)))
		return 0;
	h = fold_hash(s, n);
	for (k = l->slot[h & l->mask]; k; k = l->next[k - 1]) {
		const struct lex_entry *e = &l->v[k - 1];

		if (l->hash[k - 1] == h && e->cls < 32 && surface_eq(e, s, n))
			mask |= 1u << e->cls;
	}
	return mask;
}
