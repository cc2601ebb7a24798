/*
 * doclen.c — the document length table: one byte per document id, in
 * blocks of INDEX_DLEN_BLOCK ids, so BM25 finds a candidate's length in
 * a block it usually holds already instead of reading and unpacking the
 * document's record.
 *
 * A byte is a quantized length (as Lucene keeps its norms): exact below
 * 64 tokens, then steps of 6%, which moves a score by well under the
 * difference that matters in ranking. 0 marks a document that is gone,
 * so the table also tells ranking which postings (of replaced documents
 * not yet merged away) to skip.
 */
#include <math.h>

#include "index_int.h"

#define DLEN_EXACT 64
#define DLEN_STEP 1.06

uint8_t index_dlen_code(uint64_t n)
{
	double c;

	if (n < DLEN_EXACT)
		return (uint8_t)(n + 1);
	c = DLEN_EXACT + 1 + floor(log((double)n / DLEN_EXACT) / log(DLEN_STEP));
	return c > 255 ? 255 : (uint8_t)c;
}

double index_dlen_value(uint8_t code)
{
	if (code == 0)
		return 0;
	if (code <= DLEN_EXACT)
		return code - 1;
	/* the middle of the step the code covers */
	return DLEN_EXACT * pow(DLEN_STEP, code - DLEN_EXACT - 1 + 0.5);
}

int index_dlen_set(struct cdx_index *ix, MDB_txn *txn, uint64_t doc,
                   uint8_t code, struct cdx_error *err)
{
	uint8_t kb[8], block[INDEX_DLEN_BLOCK];
	MDB_val k = index_val(kb, 8), v;
	size_t at = (size_t)(doc % INDEX_DLEN_BLOCK), len = 0;
	int rc;

	index_put_be64(kb, doc / INDEX_DLEN_BLOCK);
	rc = mdb_get(txn, ix->dbi[DB_DLEN], &k, &v);
	if (rc == 0) {
		len = v.mv_size < sizeof block ? v.mv_size : sizeof block;
		memcpy(block, v.mv_data, len);
	} else if (rc != MDB_NOTFOUND) {
		return index_mdb_error(ix, rc, "read", err);
	}
	if (at >= len) {
		if (code == 0)
			return CDX_OK; /* nothing to clear */
		memset(block + len, 0, at + 1 - len);
		len = at + 1;
	}
	block[at] = code;
	v = index_val(block, len);
	rc = mdb_put(txn, ix->dbi[DB_DLEN], &k, &v, 0);
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}

int index_dlen_append(struct cdx_index *ix, MDB_txn *txn,
                      struct index_tail *tail, uint64_t doc, uint8_t code,
                      struct cdx_error *err)
{
	uint64_t no = doc / INDEX_DLEN_BLOCK;
	size_t at = (size_t)(doc % INDEX_DLEN_BLOCK);

	if (!tail->live || tail->no != no) {
		int rc = index_tail_load(ix, txn, tail, no, 0, err);

		if (rc != CDX_OK)
			return rc;
	}
	if (at >= tail->len) {
		if (code == 0)
			return CDX_OK; /* nothing to clear */
		memset(tail->b + tail->len, 0, at + 1 - tail->len);
		tail->len = at + 1;
	}
	tail->b[at] = code;
	tail->dirty = 1;
	return CDX_OK;
}

uint8_t index_dlen_get(struct index_dlen_reader *r, uint64_t doc)
{
	uint64_t b = doc / INDEX_DLEN_BLOCK;
	size_t at = (size_t)(doc % INDEX_DLEN_BLOCK);

	if (r->block != b + 1) {
		uint8_t kb[8];
		MDB_val k = index_val(kb, 8), v;

		index_put_be64(kb, b);
		r->block = b + 1;
		r->p = NULL;
		r->n = 0;
		if (mdb_get(r->txn, r->ix->dbi[DB_DLEN], &k, &v) == 0) {
			r->p = v.mv_data;
			r->n = v.mv_size;
		}
	}
	return at < r->n ? r->p[at] : 0;
}
