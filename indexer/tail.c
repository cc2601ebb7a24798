/*
 * tail.c — the last block of a table of fixed-size blocks (the text
 * stream, record.c; the length table, doclen.c) held by the writer while
 * a batch appends to it.
 *
 * Each new document adds a few bytes to the last block of both tables.
 * Done in LMDB, every one read the block, copied it out, added to the
 * copy and put it back whole: some 16 KB moved and two tree searches per
 * document for a few hundred bytes of text and one length byte. The
 * writer keeps the block here instead and stores it when it is full or
 * when the transaction needs the table as it stands: before the writer
 * removes a document (index_tail_flush), and at commit; a text the
 * writer reads back to compare is read through the block held
 * (index_doc_same). What is stored is the same bytes, so the index
 * is too.
 */
#include <assert.h>

#include "index_int.h"

void index_tail_init(struct index_tail *t, enum index_db db, size_t cap,
                     unsigned new_flags)
{
	assert(cap > 0 && cap <= sizeof t->b);
	t->db = db;
	t->cap = cap;
	t->new_flags = new_flags;
	index_tail_reset(t);
}

void index_tail_reset(struct index_tail *t)
{
	t->no = 0;
	t->len = 0;
	t->live = t->dirty = t->stored = 0;
}

int index_tail_flush(struct cdx_index *ix, MDB_txn *txn, struct index_tail *t,
                     struct cdx_error *err)
{
	uint8_t kb[8];
	MDB_val k = index_val(kb, 8), v = index_val(t->b, t->len);
	int rc = 0;

	if (t->live && t->dirty) {
		index_put_be64(kb, t->no);
		rc = mdb_put(txn, ix->dbi[t->db], &k, &v,
		             t->stored ? 0 : t->new_flags);
	}
	if (rc != 0)
		return index_mdb_error(ix, rc, "write", err);
	index_tail_reset(t);
	return CDX_OK;
}

int index_tail_load(struct cdx_index *ix, MDB_txn *txn, struct index_tail *t,
                    uint64_t no, int fresh, struct cdx_error *err)
{
	uint8_t kb[8];
	MDB_val k = index_val(kb, 8), v;
	int rc = index_tail_flush(ix, txn, t, err);

	if (rc != CDX_OK)
		return rc;
	if (!fresh) {
		index_put_be64(kb, no);
		rc = mdb_get(txn, ix->dbi[t->db], &k, &v);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return index_mdb_error(ix, rc, "read", err);
		if (rc == 0) {
			t->len = v.mv_size < t->cap ? v.mv_size : t->cap;
			memcpy(t->b, v.mv_data, t->len);
			t->stored = 1;
		}
	}
	t->no = no;
	t->live = 1;
	return CDX_OK;
}
