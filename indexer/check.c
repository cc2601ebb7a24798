/*
 * check.c — whole-index figures (cdx_index_stats) and the consistency
 * check (cdx_index_check).
 *
 * The check reads everything in one read transaction: first the document
 * ids (a sorted array, so "does document N exist" is a binary search, not
 * a lookup per posting), then each database in turn against them. Every
 * problem becomes one plain sentence for the callback; the check goes on
 * after a problem so one run reports them all.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "index_int.h"

/* ------------------------------------------------------------ stats */

/* Distinct terms over every segment. */
static int count_terms(struct cdx_index *ix, MDB_txn *txn, uint64_t *out,
                       struct cdx_error *err)
{
	struct index_seg *segs = NULL;
	struct index_termit it;
	size_t n = 0;
	int rc;

	*out = 0;
	rc = index_segs_load(ix, txn, &segs, &n, err);
	if (rc != CDX_OK)
		return rc;
	if (n == 1) {
		*out = segs[0].n_terms; /* no need to read them */
		free(segs);
		return CDX_OK;
	}
	rc = index_termit_open(&it, ix, txn, segs, n, "", 0, err);
	while (rc == CDX_OK && (rc = index_termit_next(&it, err)) == CDX_OK)
		(*out)++;
	index_termit_release(&it);
	free(segs);
	return rc == CDX_ERR_ITEROVER ? CDX_OK : rc;
}

/* Claims per kind, counted over every claims record (there is no
 * per-kind list to count: it cost more room than this scan costs time).
 * A damaged record counts as far as it reads: check reports it. */
static int count_kinds(struct cdx_index *ix, MDB_txn *txn,
                       struct cdx_index_stats *out)
{
	struct index_strcache *strs = index_strcache_new(ix, txn);
	struct index_docs_it it;
	uint64_t doc;
	MDB_val v;
	int rc;

	rc = index_blocks_open(&it, ix, txn, DB_CLAIMS, 0);
	while (rc == 0) {
		struct index_claims_rd rd;
		struct index_claimrec r;
		int crc;

		rc = index_docs_next(&it, &doc, &v);
		if (rc == CDX_ERR_CORRUPT) {
			rc = 0; /* a damaged block: check says which */
			continue;
		}
		if (rc != CDX_OK)
			break;
		crc = index_claims_open(&rd, ix, txn, doc, v.mv_data,
		                        v.mv_size);
		index_claims_use(&rd, strs);
		while (crc == CDX_OK &&
		       (crc = index_claims_next(&rd, &r)) == CDX_OK)
			out->n_claims_by_kind[r.c.kind]++;
		index_claims_release(&rd);
		if (crc == CDX_ERR_NOMEM) {
			rc = ENOMEM;
			break;
		}
	}
	index_docs_close(&it);
	index_strcache_free(strs);
	return rc == CDX_ERR_ITEROVER ? 0 : rc;
}

/* Entities: the by_entity chunks that hold a name (each entity's
 * first). */
static int count_entities(struct cdx_index *ix, MDB_txn *txn, uint64_t *out)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc = mdb_cursor_open(txn, ix->dbi[DB_BY_ENTITY], &cur);

	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct index_entchunk ch;

		if (index_entchunk_open(&ch, &k, &v) == CDX_OK && ch.has_name)
			(*out)++;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int cdx_index_stats(struct cdx_index *ix, struct cdx_index_stats *out,
                    struct cdx_error *err)
{
	struct index_meta m;
	MDB_envinfo info;
	MDB_txn *txn = NULL;
	struct stat fst;
	char *data;
	int rc;

	memset(out, 0, sizeof *out);
	rc = index_read_begin(ix, &txn, err);
	if (rc != CDX_OK)
		return rc;
	rc = index_meta_load(ix, txn, &m, err);
	if (rc != CDX_OK)
		goto cleanup;
	out->schema = (unsigned)m.schema;
	out->n_docs = m.n_docs;
	out->n_claims = m.n_claims;
	out->n_tokens = m.n_tokens;
	out->text_bytes = m.text_bytes;
	rc = count_terms(ix, txn, &out->n_terms, err);
	if (rc != CDX_OK)
		goto cleanup;
	rc = count_entities(ix, txn, &out->n_entities);
	if (rc == 0)
		rc = count_kinds(ix, txn, out);
	if (rc != 0) {
		rc = index_mdb_error(ix, rc, "read", err);
		goto cleanup;
	}
	mdb_env_info(ix->env, &info);
	out->map_bytes = info.me_mapsize;
	data = malloc(strlen(ix->path) + sizeof "/data.mdb");
	if (data == NULL) {
		rc = cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	sprintf(data, "%s/data.mdb", ix->path);
	if (stat(data, &fst) == 0)
		out->file_bytes = (uint64_t)fst.st_size;
	free(data);
cleanup:
	index_read_end(ix, txn);
	return rc;
}

/* ------------------------------------------------------------ check */

struct checker {
	struct cdx_index *ix;
	MDB_txn *txn;
	cdx_warn_fn fn;
	void *ctx;
	unsigned n;
	uint64_t *docs; /* ids of every doc record, ascending */
	size_t n_docs, cap_docs;
	int rc;         /* a failure of the check itself */
	uint64_t text_end;
	struct index_dlen_reader dlen;
	uint64_t n_claims;       /* held by the claims records */
	struct index_strcache *strs; /* for check_claim, or NULL */
	struct index_claim_cur claims;
	char ent[INDEX_ENTITY_MAX + 1]; /* key of the chunk before */
	size_t ent_len;
	int have_ent;
};

static void problem(struct checker *c, const char *fmt, ...)
	CDX_PRINTF(2, 3);

static void problem(struct checker *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	c->n++;
	if (c->fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->fn(c->ctx, msg);
}

static int doc_exists(const struct checker *c, uint64_t id)
{
	size_t i = index_u64_lower(c->docs, c->n_docs, id);

	return i < c->n_docs && c->docs[i] == id;
}

/* Iterate every (key, value) of @p db, duplicates included. */
typedef void (*entry_fn)(struct checker *c, const MDB_val *k,
                         const MDB_val *v);

static void each(struct checker *c, enum index_db db, entry_fn fn)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc;

	if (c->rc != 0)
		return;
	rc = mdb_cursor_open(c->txn, c->ix->dbi[db], &cur);
	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	for (; rc == 0 && c->rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		fn(c, &k, &v);
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		c->rc = rc;
}

static void check_doc(struct checker *c, uint64_t id, const MDB_val *v);

typedef void (*rec_fn)(struct checker *c, uint64_t id, const MDB_val *v);

/* Every record of the blocked table @p db (doc records, claims
 * records), through the blocks that hold them. */
static void each_rec(struct checker *c, enum index_db db, rec_fn fn)
{
	struct index_docs_it it;
	uint64_t id;
	MDB_val v;
	int rc;

	if (c->rc != 0)
		return;
	rc = index_blocks_open(&it, c->ix, c->txn, db, 0);
	while (rc == 0 && c->rc == 0) {
		rc = index_docs_next(&it, &id, &v);
		if (rc == CDX_OK) {
			fn(c, id, &v);
		} else if (rc == CDX_ERR_CORRUPT) {
			problem(c, "the %s of documents %" PRIu64 ".. "
			        "cannot be decoded",
			        db == DB_CLAIMS ? "claims" : "records",
			        it.block << it.shift);
			rc = 0;
		}
	}
	index_docs_close(&it);
	if (rc != 0 && rc != CDX_ERR_ITEROVER && c->rc == 0)
		c->rc = rc;
}

static uint64_t key_id(const MDB_val *k)
{
	return k->mv_size >= 8 ? index_get_be64(k->mv_data) : 0;
}

static int get(struct checker *c, enum index_db db, const void *key,
               size_t n, MDB_val *v)
{
	MDB_val k = index_val(key, n);
	int rc = mdb_get(c->txn, c->ix->dbi[db], &k, v);

	if (rc != 0 && rc != MDB_NOTFOUND && c->rc == 0)
		c->rc = rc;
	return rc;
}

/* Document @p id's record into @p v: 0, or non-zero when it is missing
 * or its block is damaged (the walk reports that). */
static int get_doc(struct checker *c, uint64_t id, MDB_val *v)
{
	struct cdx_error e2 = CDX_ERROR_INIT;
	int rc = index_doc_get(c->ix, c->txn, id, v, &e2);

	if (rc != CDX_OK && rc != CDX_ERR_NOTFOUND &&
	    rc != CDX_ERR_CORRUPT && c->rc == 0)
		c->rc = EIO;
	return rc;
}

static void check_doc(struct checker *c, uint64_t id, const MDB_val *v)
{
	struct index_docrec r;
	struct index_text text;
	uint64_t mapped = 0;
	struct cdx_error e2 = CDX_ERROR_INIT;
	MDB_val t;

	if (c->n_docs == c->cap_docs) {
		size_t ncap = c->cap_docs ? c->cap_docs * 2 : 1024;
		uint64_t *nv = realloc(c->docs, ncap * sizeof *nv);

		if (nv == NULL) {
			c->rc = ENOMEM;
			return;
		}
		c->docs = nv;
		c->cap_docs = ncap;
	}
	c->docs[c->n_docs++] = id;
	if (index_docrec_unpack(v->mv_data, v->mv_size, &r) != CDX_OK) {
		problem(c, "document %" PRIu64 " cannot be decoded", id);
		return;
	}
	if (index_doc_source(c->ix, c->txn, &r, &e2) != CDX_OK) {
		problem(c, "document %" PRIu64 " names source prefix %u, which "
		        "does not exist", id, r.prefix - 1);
		return;
	}
	/* the span: the title stored apart, then the text */
	if (index_text_read(c->ix, c->txn, r.span_off, r.span_len, &text,
	                    &e2) != CDX_OK)
		problem(c, "document %" PRIu64 " has no text", id);
	index_text_release(&text);
	if (index_dlen_get(&c->dlen, id) != index_dlen_code(r.n_tokens))
		problem(c, "document %" PRIu64 " has length code %u in the "
		        "length table, not %u for its %" PRIu64 " tokens", id,
		        index_dlen_get(&c->dlen, id),
		        index_dlen_code(r.n_tokens), r.n_tokens);
	if (index_is_deleted(c->ix, c->txn, id))
		problem(c, "document %" PRIu64 " is marked deleted", id);
	if (index_idmap_get(c->ix, c->txn, DB_SOURCE,
	                    index_hash64(r.source, r.source_len), &mapped,
	                    &e2) != CDX_OK || mapped != id)
		problem(c, "source '%.*s' does not map to its document %" PRIu64,
		        (int)r.source_len, r.source, id);
	if (r.n_claims > 0) {
		int grc = index_block_get(c->ix, c->txn, DB_CLAIMS, id, &t,
		                          &e2);

		if (grc == CDX_ERR_NOTFOUND)
			problem(c, "the claims of document %" PRIu64 " are "
			        "missing", id);
		else if (grc != CDX_OK && grc != CDX_ERR_CORRUPT &&
		         c->rc == 0)
			c->rc = EIO;
	}
}

/* An entry of the source or hash map: it decodes, names a document,
 * and that document's source (content) has the hash. */
static void check_idmap(struct checker *c, const MDB_val *k,
                        const MDB_val *v, int is_source)
{
	const char *what = is_source ? "source hash" : "content hash";
	struct cdx_error e2 = CDX_ERROR_INIT;
	struct index_docrec r;
	uint64_t h, id, have = 0;
	uint8_t db[8];
	MDB_val d;

	if (index_idmap_entry(k, v, &h, &id) != CDX_OK) {
		problem(c, "%s map holds an entry that cannot be decoded",
		        is_source ? "source" : "content hash");
		return;
	}
	index_put_be64(db, id);
	if (!doc_exists(c, id) || get_doc(c, id, &d) != 0) {
		problem(c, "%s %016" PRIx64 " maps to document %" PRIu64
		        ", which does not exist", what, h, id);
		return;
	}
	/* an undecodable record or a missing text: check_doc reports it */
	if (index_docrec_unpack(d.mv_data, d.mv_size, &r) != CDX_OK ||
	    index_doc_source(c->ix, c->txn, &r, &e2) != CDX_OK)
		return;
	if (is_source)
		have = index_hash64(r.source, r.source_len);
	else if (index_doc_hash(c->ix, c->txn, &r, &have, &e2) != CDX_OK)
		return;
	if (have != h)
		problem(c, "%s %016" PRIx64 " maps to document %" PRIu64
		        ", whose hash differs", what, h, id);
}

static void check_source(struct checker *c, const MDB_val *k,
                         const MDB_val *v)
{
	check_idmap(c, k, v, 1);
}

static void check_hash(struct checker *c, const MDB_val *k, const MDB_val *v)
{
	check_idmap(c, k, v, 0);
}

/* Every entry of segment @p sg decodes, in order, within the segment's
 * range, naming live or deleted documents. */
static void check_segment(struct checker *c, const struct index_seg *sg)
{
	struct cdx_error e = CDX_ERROR_INIT;
	struct index_plist l = {0};
	struct index_segr r;
	uint64_t n = 0;
	int rc;

	index_segr_init(&r, c->ix, c->txn, sg);
	while ((rc = index_segr_next(&r, &e)) == CDX_OK) {
		n++;
		index_plist_clear(&l);
		rc = index_plist_decode(r.entry, r.entry_len, sg->first, 1,
		                        &l);
		if (rc == CDX_ERR_NOMEM) {
			c->rc = ENOMEM;
			break;
		}
		if (rc != CDX_OK || l.n == 0) {
			problem(c, "postings of term '%s' in segment %u are "
			        "damaged", r.term, sg->id);
			continue;
		}
		for (size_t i = 0; i < l.n; i++) {
			uint64_t d = l.v[i].doc;

			if ((i && d <= l.v[i - 1].doc) || d < sg->first ||
			    d > sg->last)
				problem(c, "postings of term '%s' are out of "
				        "order in segment %u", r.term, sg->id);
			else if (!doc_exists(c, d) &&
			         !index_is_deleted(c->ix, c->txn, d))
				problem(c, "postings of term '%s' list "
				        "document %" PRIu64 ", which does not "
				        "exist", r.term, d);
		}
	}
	if (rc != CDX_ERR_ITEROVER && c->rc == 0)
		problem(c, "segment %u cannot be read: %s", sg->id, e.msg);
	else if (rc == CDX_ERR_ITEROVER && n != sg->n_terms)
		problem(c, "segment %u holds %" PRIu64 " terms, its record "
		        "says %" PRIu64, sg->id, n, sg->n_terms);
	index_plist_release(&l);
	index_segr_release(&r);
}

static void check_segments(struct checker *c)
{
	struct cdx_error e = CDX_ERROR_INIT;
	struct index_seg *segs = NULL;
	size_t n = 0;

	if (c->rc != 0)
		return;
	if (index_segs_load(c->ix, c->txn, &segs, &n, &e) != CDX_OK) {
		problem(c, "%s", e.msg);
		return;
	}
	for (size_t i = 0; i < n && c->rc == 0; i++) {
		if (i && segs[i].first <= segs[i - 1].last)
			problem(c, "segments %u and %u overlap", segs[i - 1].id,
			        segs[i].id);
		check_segment(c, &segs[i]);
	}
	free(segs);
}

/* An entry of the prefix table: its reverse entry agrees. */
static void check_prefix(struct checker *c, const MDB_val *k,
                         const MDB_val *v)
{
	const uint8_t *kp = k->mv_data;
	uint8_t rk[5];
	MDB_val d;

	if (k->mv_size == 5 && kp[0] == 0) {
		if (get(c, DB_PREFIXES, v->mv_data, v->mv_size, &d) != 0 ||
		    d.mv_size != 4 || memcmp(d.mv_data, kp + 1, 4) != 0)
			problem(c, "source prefix %u '%.*s' is not indexed by "
			        "its name", index_get_be32(kp + 1),
			        (int)v->mv_size, (const char *)v->mv_data);
		return;
	}
	rk[0] = 0;
	if (v->mv_size == 4)
		memcpy(rk + 1, v->mv_data, 4);
	if (v->mv_size != 4 || get(c, DB_PREFIXES, rk, 5, &d) != 0 ||
	    d.mv_size != k->mv_size ||
	    memcmp(d.mv_data, k->mv_data, k->mv_size) != 0)
		problem(c, "source prefix '%.*s' has no id", (int)k->mv_size,
		        (const char *)k->mv_data);
}

static void check_dead(struct checker *c, const MDB_val *k, const MDB_val *v)
{
	if (doc_exists(c, key_id(k)))
		problem(c, "document %" PRIu64 " is marked deleted but "
		        "present", key_id(k));
}

/* A claims record: it decodes, its document exists and counts as many
 * claims as it holds. */
static void check_claim(struct checker *c, uint64_t doc, const MDB_val *v)
{
	uint64_t n = 0;
	struct index_claims_rd rd;
	struct index_claimrec r;
	struct index_docrec d;
	uint8_t db[8];
	MDB_val dv;
	int rc;

	rc = index_claims_open(&rd, c->ix, c->txn, doc, v->mv_data,
	                       v->mv_size);
	index_claims_use(&rd, c->strs);
	while (rc == CDX_OK && (rc = index_claims_next(&rd, &r)) == CDX_OK)
		n++;
	index_claims_release(&rd);
	c->n_claims += n;
	if (rc == CDX_ERR_NOMEM) {
		c->rc = ENOMEM;
		return;
	}
	if (rc != CDX_ERR_ITEROVER) {
		problem(c, "the claims of document %" PRIu64 " cannot be "
		        "decoded", doc);
		return;
	}
	index_put_be64(db, doc);
	if (!doc_exists(c, doc) || get_doc(c, doc, &dv) != 0)
		problem(c, "claims are stored for document %" PRIu64 ", which "
		        "does not exist", doc);
	else if (index_docrec_unpack(dv.mv_data, dv.mv_size, &d) == CDX_OK &&
	         d.n_claims != n)
		problem(c, "document %" PRIu64 " counts %u claims but %"
		        PRIu64 " are stored", doc, d.n_claims, n);
}

/* Is claim @p r about the entity @p k? */
static int is_about(const struct index_claimrec *r, const MDB_val *k)
{
	char key[INDEX_ENTITY_MAX + 1];
	int ok = 0;

	if (r->c.subject)
		ok |= index_entity_key(r->c.subject, r->subject_len, key) ==
		      k->mv_size && memcmp(key, k->mv_data, k->mv_size) == 0;
	if (r->c.commodity)
		ok |= index_entity_key(r->c.commodity, r->commodity_len,
		                       key) == k->mv_size &&
		      memcmp(key, k->mv_data, k->mv_size) == 0;
	return ok;
}

/* Claim @p id listed by @p what: 1 with *r when it exists, else 0 (and
 * the problem reported unless the record is damaged: check_claim says
 * so). */
static int listed(struct checker *c, const char *what, uint64_t id,
                  struct index_claimrec *r)
{
	struct cdx_error e = CDX_ERROR_INIT;
	int rc = index_claim_get(&c->claims, id, r, &e);

	if (rc == CDX_OK)
		return 1;
	if (rc == CDX_ERR_NOTFOUND)
		problem(c, "%s lists claim %u of document %" PRIu64 ", which "
		        "does not exist", what, index_claim_ord(id),
		        index_claim_doc(id));
	else if (rc != CDX_ERR_CORRUPT && c->rc == 0)
		c->rc = rc == CDX_ERR_NOMEM ? ENOMEM : EIO;
	return 0;
}

/* A chunk of an entity's claim list: it decodes, in order from its
 * key's document, every claim exists and is about the entity, and the
 * entity has a name. */
static void check_entity(struct checker *c, const MDB_val *k,
                         const MDB_val *v)
{
	struct index_entchunk ch;
	struct index_claimrec r;
	char what[INDEX_ENTITY_MAX + 16];
	uint64_t doc, pdoc = 0;
	uint32_t ord, pord = 0;
	MDB_val ek;
	int rc, first;

	if (index_entchunk_open(&ch, k, v) != CDX_OK) {
		problem(c, "the entity list has a key that cannot be decoded");
		return;
	}
	ek = index_val(ch.key, ch.key_len);
	snprintf(what, sizeof what, "entity '%.*s'", (int)ch.key_len,
	         ch.key);
	while ((rc = index_entchunk_next(&ch, &doc, &ord)) == CDX_OK) {
		uint64_t id = index_claim_id(doc, ord);

		if (ch.n == 1 ? doc != ch.first
		              : doc < pdoc || (doc == pdoc && ord <= pord)) {
			problem(c, "%s lists claims out of order", what);
			break;
		}
		pdoc = doc;
		pord = ord;
		if (listed(c, what, id, &r) && !is_about(&r, &ek))
			problem(c, "%s lists claim %u of document %" PRIu64
			        ", which is not about it", what, ord, doc);
	}
	if (rc == CDX_ERR_CORRUPT || (rc == CDX_ERR_ITEROVER && ch.n == 0))
		problem(c, "the claim list of %s cannot be decoded", what);
	/* the name is in the entity's first chunk, and only there */
	first = !c->have_ent || c->ent_len != ch.key_len ||
	        memcmp(c->ent, ch.key, ch.key_len) != 0;
	if (first && !ch.has_name)
		problem(c, "%s has no name", what);
	else if (!first && ch.has_name)
		problem(c, "%s has a second name", what);
	memcpy(c->ent, ch.key, ch.key_len);
	c->ent_len = ch.key_len;
	c->have_ent = 1;
}

static void check_block(struct checker *c, const MDB_val *k,
                        const MDB_val *v)
{
	if (k->mv_size != 8 || v->mv_size > INDEX_TEXT_BLOCK ||
	    key_id(k) * INDEX_TEXT_BLOCK >= c->text_end)
		problem(c, "text block %" PRIu64 " lies past the end of the "
		        "text", key_id(k));
}

/* A length block: every non-zero code must be a live document's. */
static void check_dlen(struct checker *c, const MDB_val *k,
                       const MDB_val *v)
{
	const uint8_t *p = v->mv_data;

	if (k->mv_size != 8 || v->mv_size > INDEX_DLEN_BLOCK) {
		problem(c, "length block %" PRIu64 " is malformed", key_id(k));
		return;
	}
	for (size_t i = 0; i < v->mv_size; i++) {
		uint64_t id = key_id(k) * INDEX_DLEN_BLOCK + i;

		if (p[i] != 0 && !doc_exists(c, id))
			problem(c, "the length table lists document %" PRIu64
			        ", which does not exist", id);
	}
}

/* Sums over the docs, compared with meta. */
static void check_meta(struct checker *c, const struct index_meta *m)
{
	uint64_t tokens = 0, bytes = 0;

	if (m->schema != CDX_INDEX_SCHEMA)
		problem(c, "the index says schema %" PRIu64 ", expected %d",
		        m->schema, CDX_INDEX_SCHEMA);
	if (m->n_docs != c->n_docs)
		problem(c, "the index counts %" PRIu64 " documents but holds %zu",
		        m->n_docs, c->n_docs);
	for (size_t i = 0; i < c->n_docs; i++) {
		struct index_docrec r;
		uint8_t db[8];
		MDB_val d;

		index_put_be64(db, c->docs[i]);
		if (get_doc(c, c->docs[i], &d) == 0 &&
		    index_docrec_unpack(d.mv_data, d.mv_size, &r) == CDX_OK) {
			tokens += r.n_tokens;
			bytes += r.span_len;
		}
	}
	if (m->n_tokens != tokens)
		problem(c, "the index counts %" PRIu64 " tokens but its "
		        "documents hold %" PRIu64, m->n_tokens, tokens);
	if (m->text_bytes != bytes)
		problem(c, "the index counts %" PRIu64 " bytes of text but its "
		        "documents hold %" PRIu64, m->text_bytes, bytes);
	if (c->n_docs && m->next_doc <= c->docs[c->n_docs - 1])
		problem(c, "the next document id %" PRIu64 " is already used",
		        m->next_doc);
}

int cdx_index_check(struct cdx_index *ix, cdx_warn_fn fn, void *ctx,
                    unsigned *n_problems, struct cdx_error *err)
{
	struct checker c = {0};
	struct index_meta m;
	int rc;

	if (n_problems)
		*n_problems = 0;
	c.ix = ix;
	c.fn = fn;
	c.ctx = ctx;
	rc = index_read_begin(ix, &c.txn, err);
	if (rc != CDX_OK)
		return rc;
	rc = index_meta_load(ix, c.txn, &m, err);
	if (rc != CDX_OK)
		goto cleanup;
	c.dlen.ix = ix;
	c.dlen.txn = c.txn;
	each_rec(&c, DB_DOCS, check_doc);
	if (c.rc == 0)
		check_meta(&c, &m);
	each(&c, DB_SOURCE, check_source);
	each(&c, DB_HASH, check_hash);
	c.text_end = m.text_end;
	check_segments(&c);
	c.strs = index_strcache_new(ix, c.txn);
	each_rec(&c, DB_CLAIMS, check_claim);
	if (c.rc == 0 && c.n_claims != m.n_claims)
		problem(&c, "the index counts %" PRIu64 " claims but holds %"
		        PRIu64, m.n_claims, c.n_claims);
	c.claims.ix = ix;
	c.claims.txn = c.txn;
	each(&c, DB_BY_ENTITY, check_entity);
	each(&c, DB_TEXT, check_block);
	each(&c, DB_DLEN, check_dlen);
	each(&c, DB_DELETED, check_dead);
	each(&c, DB_PREFIXES, check_prefix);
	if (c.rc == 0) {
		struct cdx_error e = CDX_ERROR_INIT;
		int src = index_strdict_check(ix, c.txn, &e);

		if (src == CDX_ERR_CORRUPT)
			problem(&c, "%s", e.msg);
		else if (src != CDX_OK)
			c.rc = src == CDX_ERR_NOMEM ? ENOMEM : EIO;
	}
	if (c.rc == 0)
		c.rc = index_stamp_check(ix, c.txn, fn, ctx, &c.n);
	if (c.rc != 0) {
		rc = index_mdb_error(ix, c.rc, "check", err);
		goto cleanup;
	}
	if (n_problems)
		*n_problems = c.n;
	if (c.n > 0)
		rc = cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s' has %u "
		                   "problem%s", ix->path, c.n,
		                   c.n == 1 ? "" : "s");
cleanup:
	index_strcache_free(c.strs);
	index_claim_cur_release(&c.claims);
	index_read_end(ix, c.txn);
	free(c.docs);
	return rc;
}
