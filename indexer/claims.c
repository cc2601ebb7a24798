/*
 * claims.c — reading claims back: by document, entity or all, in
 * claim id order (which is (doc id, start) order); the entity counts; and
 * one document's record and text.
 *
 * Every string handed out is copied out of LMDB into an arena owned by
 * the result before the read transaction ends.
 */
#include <errno.h>
#include <stdlib.h>

#include "index_int.h"

/* The document of the claims being read, cached across its claims. */
struct doc_cache {
	uint64_t id;
	int have;
	const char *source, *date; /* in the arena */
	struct index_text text;
};

struct rows_ctx {
	struct cdx_index *ix;
	MDB_txn *txn;
	const struct cdx_claim_filter *f;
	struct index_claim_pred pred;
	struct index_claim_pred quick; /* pred without the year */
	uint64_t only_doc; /* with f->source */
	struct cdx_claim_rows *out;
	size_t cap;
	struct index_arena *arena;
	struct doc_cache doc;
	struct index_strcache *strs; /* for the records read, or NULL */
	int done;
};

/* ------------------------------------------------------------ predicate */

void index_claim_pred_init(struct index_claim_pred *p)
{
	memset(p, 0, sizeof *p);
	p->kind = -1;
}

static int key_is(const char *key, size_t key_len, const char *s, size_t n)
{
	char k[INDEX_ENTITY_MAX + 1];

	return s && index_entity_key(s, n, k) == key_len &&
	       memcmp(k, key, key_len) == 0;
}

/* The year an ISO prefix starts with, or 0. */
static int year_of(const char *s, size_t n)
{
	int y = 0;

	if (s == NULL || n < 4)
		return 0;
	for (size_t i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		y = y * 10 + (s[i] - '0');
	}
	return y;
}

int index_claim_pred_match(const struct index_claim_pred *p,
                           const struct index_claimrec *r, const char *date,
                           size_t date_len)
{
	const struct cdx_claim *c = &r->c;

	if (p->kind >= 0 && (int)c->kind != p->kind)
		return 0;
	if (p->entity_len &&
	    !key_is(p->entity, p->entity_len, c->subject, r->subject_len) &&
	    !key_is(p->entity, p->entity_len, c->commodity, r->commodity_len))
		return 0;
	if (p->commodity_len &&
	    !key_is(p->commodity, p->commodity_len, c->commodity,
	            r->commodity_len))
		return 0;
	if (p->has_range && !index_valrange_meets(&p->range, c->value,
	                                          c->value_max))
		return 0;
	if (p->year) {
		int y = year_of(c->time, strlen(c->time));

		if (y == 0 && c->kind == CDX_KIND_DATE)
			y = year_of(c->value_str, strlen(c->value_str));
		if (y == 0)
			y = year_of(date, date_len);
		if (y != p->year)
			return 0;
	}
	return 1;
}

int index_doc_has_claim(struct cdx_index *ix, MDB_txn *txn,
                        const struct index_claim_pred *p, uint64_t doc,
                        const struct index_docrec *d,
                        struct index_strcache **cache, int *out,
                        struct cdx_error *err)
{
	struct index_claims_rd rd;
	struct index_claimrec r;
	int rc;

	*out = 0;
	if (d->n_claims == 0)
		return CDX_OK;
	if (*cache == NULL)
		*cache = index_strcache_new(ix, txn);
	rc = index_claims_read(ix, txn, doc, &rd, err);
	index_claims_use(&rd, *cache);
	while (rc == CDX_OK && !*out &&
	       (rc = index_claims_next(&rd, &r)) == CDX_OK)
		*out = index_claim_pred_match(p, &r, d->date, d->date_len);
	index_claims_release(&rd);
	/* a missing or damaged record matches nothing: check reports it */
	if (rc == CDX_ERR_NOMEM)
		return cdx_error_set(err, rc, "out of memory");
	if (rc != CDX_OK && rc != CDX_ERR_ITEROVER && rc != CDX_ERR_NOTFOUND &&
	    rc != CDX_ERR_CORRUPT)
		return rc;
	return CDX_OK;
}

/* ------------------------------------------------------------ rows */

static int load_doc(struct rows_ctx *c, uint64_t id, struct cdx_error *err)
{
	struct index_docrec r;
	int rc;

	if (c->doc.have && c->doc.id == id)
		return CDX_OK;
	index_text_release(&c->doc.text);
	c->doc.have = 0;
	rc = index_doc_read(c->ix, c->txn, id, &r, err);
	if (rc == CDX_OK)
		rc = index_text_get(c->ix, c->txn, id, &c->doc.text, err);
	if (rc != CDX_OK)
		return rc;
	c->doc.source = index_arena_strndup(c->arena, r.source, r.source_len);
	c->doc.date = r.date ? index_arena_strndup(c->arena, r.date,
	                                           r.date_len) : NULL;
	if (c->doc.source == NULL || (r.date && c->doc.date == NULL))
		return index_nomem(err);
	c->doc.id = id;
	c->doc.have = 1;
	return CDX_OK;
}

static const char *slice(struct rows_ctx *c, uint32_t a, uint32_t z)
{
	size_t len = c->doc.text.len;

	if (z > len)
		z = (uint32_t)len;
	if (a > z)
		a = z;
	return index_arena_strndup(c->arena, c->doc.text.p + a, z - a);
}

static const char *opt_dup(struct rows_ctx *c, const char *s, size_t n,
                           int *fail)
{
	const char *p;

	if (s == NULL)
		return NULL;
	p = index_arena_strndup(c->arena, s, n);
	if (p == NULL)
		*fail = 1;
	return p;
}

/* Filter one stored claim and append it as a row. */
static int add_row(struct rows_ctx *c, const struct index_claimrec *rec,
                   struct cdx_error *err)
{
	const struct index_claimrec r = *rec;
	struct cdx_claim_row *row;
	int rc, fail = 0;

	if (c->f->source && r.doc != c->only_doc)
		return CDX_OK;
	/* the year may need the document's date: test the rest first */
	if (!index_claim_pred_match(&c->quick, &r, NULL, 0))
		return CDX_OK;
	rc = load_doc(c, r.doc, err);
	if (rc == CDX_ERR_NOTFOUND)
		return CDX_OK; /* an orphan claim: check reports it */
	if (rc != CDX_OK)
		return rc;
	if (!index_claim_pred_match(&c->pred, &r, c->doc.date,
	                            c->doc.date ? strlen(c->doc.date) : 0))
		return CDX_OK;
	if (c->out->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct cdx_claim_row *nv = realloc(c->out->v,
		                                   ncap * sizeof *nv);

		if (nv == NULL)
			return index_nomem(err);
		c->out->v = nv;
		c->cap = ncap;
	}
	row = &c->out->v[c->out->n];
	row->doc_id = r.doc;
	row->source = c->doc.source;
	row->doc_date = c->doc.date;
	row->claim = r.c;
	row->claim.subject = opt_dup(c, r.c.subject, r.subject_len, &fail);
	row->claim.commodity = opt_dup(c, r.c.commodity, r.commodity_len,
	                               &fail);
	row->claim.metric = opt_dup(c, r.c.metric, r.metric_len, &fail);
	for (unsigned i = 0; i < r.c.n_parties; i++)
		row->claim.parties[i] = opt_dup(c, r.c.parties[i],
		                                r.party_len[i], &fail);
	row->text = slice(c, r.c.start, r.c.end);
	row->sentence = slice(c, r.c.sent_start, r.c.sent_end);
	if (fail || row->text == NULL || row->sentence == NULL)
		return index_nomem(err);
	c->out->n++;
	if (c->f->limit && c->out->n >= c->f->limit)
		c->done = 1;
	return CDX_OK;
}

/* Every claim of the record @p rd. */
static int add_all(struct rows_ctx *c, struct index_claims_rd *rd,
                   struct cdx_error *err)
{
	struct index_claimrec r;
	int rc = CDX_OK;

	while (!c->done && (rc = index_claims_next(rd, &r)) == CDX_OK) {
		rc = add_row(c, &r, err);
		if (rc != CDX_OK)
			return rc;
	}
	if (c->done || rc == CDX_ERR_ITEROVER)
		return CDX_OK;
	if (rc == CDX_ERR_NOMEM)
		return index_nomem(err);
	return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': the claims "
	                     "of document %llu are damaged", c->ix->path,
	                     (unsigned long long)rd->doc);
}

/* The claims of document @p doc (none when it has no record). */
static int scan_doc(struct rows_ctx *c, uint64_t doc, struct cdx_error *err)
{
	struct index_claims_rd rd;
	int rc = index_claims_read(c->ix, c->txn, doc, &rd, err);

	index_claims_use(&rd, c->strs);
	if (rc == CDX_OK)
		rc = add_all(c, &rd, err);
	index_claims_release(&rd);
	return rc == CDX_ERR_NOTFOUND ? CDX_OK : rc;
}

/* Every claim, in document order. */
static int scan_claims(struct rows_ctx *c, struct cdx_error *err)
{
	struct index_docs_it it;
	uint64_t doc = 0;
	MDB_val v;
	int rc;

	rc = index_blocks_open(&it, c->ix, c->txn, DB_CLAIMS, 0);
	if (rc != 0) {
		index_docs_close(&it);
		return index_mdb_error(c->ix, rc, "read", err);
	}
	while (!c->done && (rc = index_docs_next(&it, &doc, &v)) == CDX_OK) {
		struct index_claims_rd rd;
		int arc;

		if (index_claims_open(&rd, c->ix, c->txn, doc, v.mv_data,
		                      v.mv_size) != CDX_OK) {
			arc = cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': "
			                    "the claims of document %llu are "
			                    "damaged", c->ix->path,
			                    (unsigned long long)doc);
		} else {
			index_claims_use(&rd, c->strs);
			arc = add_all(c, &rd, err);
		}
		index_claims_release(&rd);
		if (arc != CDX_OK) {
			index_docs_close(&it);
			return arc;
		}
	}
	index_docs_close(&it);
	if (rc == CDX_ERR_CORRUPT)
		return cdx_error_set(err, rc, "index '%s': the claims of "
		                     "documents %llu.. are damaged",
		                     c->ix->path, (unsigned long long)
		                     (it.block << INDEX_CLAIM_SHIFT));
	if (rc != CDX_OK && rc != CDX_ERR_ITEROVER)
		return index_mdb_error(c->ix, rc, "read", err);
	return CDX_OK;
}

/* Claims listed under entity key @p key, chunk by chunk. */
static int scan_entity(struct rows_ctx *c, const char *key, size_t n,
                       struct cdx_error *err)
{
	struct index_claim_cur cc = {0};
	uint8_t probe[INDEX_ENTITY_MAX + 1];
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc, arc = CDX_OK;

	if (n == 0 || n > INDEX_ENTITY_MAX)
		return CDX_OK;
	/* the key and its NUL: below every chunk key of the entity */
	memcpy(probe, key, n);
	probe[n] = 0;
	k = index_val(probe, n + 1);
	cc.ix = c->ix;
	cc.txn = c->txn;
	rc = mdb_cursor_open(c->txn, c->ix->dbi[DB_BY_ENTITY], &cur);
	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && !c->done && arc == CDX_OK) {
		struct index_entchunk ch;
		struct index_claimrec r;
		uint64_t doc;
		uint32_t ord;

		if (index_entchunk_open(&ch, &k, &v) != CDX_OK ||
		    ch.key_len != n || memcmp(ch.key, key, n) != 0)
			break;
		/* ascending ids: each claims record is read once */
		while (!c->done && arc == CDX_OK &&
		       (arc = index_entchunk_next(&ch, &doc, &ord)) == CDX_OK) {
			arc = index_claim_get(&cc, index_claim_id(doc, ord), &r,
			                      err);
			if (arc == CDX_OK)
				arc = add_row(c, &r, err);
			else if (arc == CDX_ERR_NOTFOUND)
				arc = CDX_OK; /* dangling: check reports it */
		}
		if (arc == CDX_ERR_ITEROVER || arc == CDX_ERR_CORRUPT)
			arc = CDX_OK; /* a damaged chunk: check reports it */
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	index_claim_cur_release(&cc);
	if (arc != CDX_OK)
		return arc;
	if (rc != 0 && rc != MDB_NOTFOUND)
		return index_mdb_error(c->ix, rc, "read", err);
	return CDX_OK;
}

int cdx_index_claims(struct cdx_index *ix, const struct cdx_claim_filter *f,
                     struct cdx_claim_rows *out, struct cdx_error *err)
{
	static const struct cdx_claim_filter all = CDX_CLAIM_FILTER_INIT;
	struct index_arena *arena;
	struct rows_ctx c;
	int rc;

	memset(out, 0, sizeof *out);
	if (f == NULL)
		f = &all;
	if (f->kind >= CDX_KIND_COUNT_)
		return cdx_error_set(err, CDX_ERR_USAGE,
		                     "no claim kind %d", f->kind);
	arena = calloc(1, sizeof *arena);
	if (arena == NULL)
		return index_nomem(err);
	out->arena_ = arena;
	memset(&c, 0, sizeof c);
	c.ix = ix;
	c.f = f;
	c.out = out;
	c.arena = arena;
	index_claim_pred_init(&c.pred);
	c.pred.kind = f->kind;
	c.pred.year = f->year;
	if (f->entity)
		c.pred.entity_len = index_entity_key(f->entity,
		                                     strlen(f->entity),
		                                     c.pred.entity);
	if (f->commodity)
		c.pred.commodity_len = index_entity_key(f->commodity,
		                                        strlen(f->commodity),
		                                        c.pred.commodity);
	if (f->value) {
		if (index_valrange_parse(f->value, strlen(f->value),
		                         &c.pred.range) != CDX_OK) {
			rc = cdx_error_set(err, CDX_ERR_USAGE,
			                   "cannot read value range '%s' (try "
			                   ">50, >=50, <5, 10..20 or 50)",
			                   f->value);
			goto cleanup;
		}
		c.pred.has_range = 1;
	}
	c.quick = c.pred;
	c.quick.year = 0;
	rc = index_read_begin(ix, &c.txn, err);
	if (rc != CDX_OK)
		goto cleanup;
	c.strs = index_strcache_new(ix, c.txn);
	if (f->source) {
		rc = index_doc_resolve(ix, c.txn, f->source, &c.only_doc, err);
		if (rc == CDX_OK)
			rc = scan_doc(&c, c.only_doc, err);
		if (rc == CDX_ERR_NOTFOUND)
			rc = CDX_OK; /* an unknown source has no claims */
	} else if (f->entity) {
		rc = scan_entity(&c, c.pred.entity, c.pred.entity_len, err);
	} else if (f->commodity) {
		rc = scan_entity(&c, c.pred.commodity, c.pred.commodity_len,
		                 err);
	} else {
		/* a kind is a filter on the scan: a per-kind list of claim
		 * ids cost more room than reading every record (~25 bytes a
		 * claim) costs time */
		rc = scan_claims(&c, err);
	}
cleanup:
	index_strcache_free(c.strs);
	index_text_release(&c.doc.text);
	index_read_end(ix, c.txn);
	if (rc != CDX_OK)
		cdx_claim_rows_release(out);
	return rc;
}

void cdx_claim_rows_release(struct cdx_claim_rows *r)
{
	if (r == NULL)
		return;
	free(r->v);
	index_arena_release(r->arena_);
	free(r->arena_);
	memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------ entities */

struct entity_count {
	const char *name;
	const char *key;
	size_t key_len;
	uint64_t n;
};

int cdx_index_entities(struct cdx_index *ix, cdx_entity_count_fn fn,
                       void *ctx, struct cdx_error *err)
{
	struct index_arena arena = {0};
	struct entity_count *v = NULL;
	size_t n = 0, cap = 0;
	MDB_cursor *cur = NULL;
	MDB_txn *txn = NULL;
	MDB_val k, d;
	int rc;

	rc = index_read_begin(ix, &txn, err);
	if (rc != CDX_OK)
		return rc;
	rc = mdb_cursor_open(txn, ix->dbi[DB_BY_ENTITY], &cur);
	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST);
	/* collect first, call back after: fn must not run under our txn;
	 * an entity's chunks are adjacent */
	while (rc == 0) {
		struct index_entchunk ch;
		MDB_val name;
		uint64_t doc;
		uint32_t ord;

		if (index_entchunk_open(&ch, &k, &d) != CDX_OK) {
			rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT);
			continue; /* check reports it */
		}
		if (n == 0 || v[n - 1].key_len != ch.key_len ||
		    memcmp(v[n - 1].key, ch.key, ch.key_len) != 0) {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct entity_count *nv = realloc(v, ncap *
				                                  sizeof *nv);

				if (nv == NULL) {
					rc = ENOMEM;
					break;
				}
				v = nv;
				cap = ncap;
			}
			/* an entity's first chunk holds its name (check
			 * reports one without) */
			name = ch.has_name ? index_val(ch.name, ch.name_len)
			                   : index_val(ch.key, ch.key_len);
			v[n].n = 0;
			v[n].key = index_arena_strndup(&arena, ch.key,
			                               ch.key_len);
			v[n].key_len = ch.key_len;
			v[n].name = index_arena_strndup(&arena, name.mv_data,
			                                name.mv_size);
			if (v[n++].name == NULL || v[n - 1].key == NULL) {
				rc = ENOMEM;
				break;
			}
		}
		while (index_entchunk_next(&ch, &doc, &ord) == CDX_OK)
			v[n - 1].n++;
		rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	index_read_end(ix, txn);
	if (rc != 0 && rc != MDB_NOTFOUND)
		rc = index_mdb_error(ix, rc, "read", err);
	else
		rc = CDX_OK;
	for (size_t i = 0; i < n && rc == CDX_OK; i++)
		if (fn(ctx, v[i].name, v[i].n) != 0)
			break;
	free(v);
	index_arena_release(&arena);
	return rc;
}

/* ------------------------------------------------------------ documents */

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

int cdx_index_doc_get(struct cdx_index *ix, const char *key, int with_text,
                      struct cdx_doc_info *out, struct cdx_error *err)
{
	struct index_docrec r;
	struct index_text t = {0}, title = {0};
	MDB_txn *txn = NULL;
	uint64_t id;
	int rc;

	memset(out, 0, sizeof *out);
	rc = index_read_begin(ix, &txn, err);
	if (rc != CDX_OK)
		return rc;
	rc = index_doc_resolve(ix, txn, key, &id, err);
	if (rc == CDX_OK)
		rc = index_doc_read(ix, txn, id, &r, err);
	if (rc == CDX_OK)
		rc = index_doc_title(ix, txn, &r, &title, err);
	if (rc == CDX_OK && with_text)
		rc = index_text_read(ix, txn, r.text_off, r.text_len, &t, err);
	if (rc != CDX_OK)
		goto cleanup;
	out->id = id;
	out->n_tokens = r.n_tokens;
	out->n_claims = r.n_claims;
	out->text_len = r.text_len;
	out->source = dup_n(r.source, r.source_len);
	out->title = r.has_title ? dup_n(title.p, title.len) : NULL;
	out->date = r.date ? dup_n(r.date, r.date_len) : NULL;
	out->format = strdup(cdx_format_name((enum cdx_format)r.format));
	out->text = with_text ? dup_n(t.p, t.len) : NULL;
	if (out->source == NULL || out->format == NULL ||
	    (r.has_title && out->title == NULL) ||
	    (r.date && out->date == NULL) ||
	    (with_text && out->text == NULL))
		rc = index_nomem(err);
cleanup:
	index_text_release(&t);
	index_text_release(&title);
	index_read_end(ix, txn);
	if (rc != CDX_OK)
		cdx_doc_info_release(out);
	return rc;
}

void cdx_doc_info_release(struct cdx_doc_info *d)
{
	if (d == NULL)
		return;
	free(d->source);
	free(d->title);
	free(d->date);
	free(d->format);
	free(d->text);
	memset(d, 0, sizeof *d);
}
