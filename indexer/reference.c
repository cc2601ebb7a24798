/*
 * reference.c — reference figures (USGS tables, a user's own) stored in the
 * refs database beside the claims, for the audit to compare claims with.
 *
 * Key: commodity 0x1f metric 0x1f country 0x1f year 0x1f year_end 0x1f
 * source 0x1f edition, as text, so that LMDB's order groups a commodity's
 * figures and a prefix scan reads one commodity. The value repeats every
 * field in a packed record (below), so a figure is read from its value
 * alone. Keys starting with byte 0x01 are tags, which listing skips.
 *
 * Value record: u8 version (1), u64 BE bits of the double value, three
 * u32 BE (year, year_end, edition as offsets from INT32_MIN), u8
 * qualifier, u8 flags, then six strings (commodity, country, metric, unit,
 * source, note) each as u16 BE length + bytes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "index_int.h"

#define REF_VERSION 1
#define REF_SEP '\x1f'
#define REF_TAG '\x01'
#define REF_KEY_MAX 480 /* below LMDB's 511-byte key limit */
#define REF_NSTR 6

static uint32_t int_bits(int v)
{
	return (uint32_t)((int64_t)v - INT32_MIN);
}

static int bits_int(uint32_t v)
{
	return (int)((int64_t)v + INT32_MIN);
}

static const char *field_or_empty(const char *s)
{
	return s ? s : "";
}

/* Check the fields of @p r: the key ones present, every one bounded. */
static int ref_validate(const struct cdx_ref *r, struct cdx_error *err)
{
	const char *names[REF_NSTR] = {"commodity", "country", "metric",
	                               "unit", "source", "note"};
	const char *vals[REF_NSTR] = {r->commodity, r->country, r->metric,
	                              r->unit, r->source, r->note};

	for (int i = 0; i < REF_NSTR; i++) {
		if (vals[i] == NULL && i != 3 && i != 5)
			return cdx_error_set(err, CDX_ERR_USAGE,
			                     "reference figure has no %s",
			                     names[i]);
		if (vals[i] && strlen(vals[i]) > CDX_REF_FIELD_MAX)
			return cdx_error_set(err, CDX_ERR_LIMIT,
			                     "reference %s '%.40s...' is longer "
			                     "than %d bytes", names[i], vals[i],
			                     CDX_REF_FIELD_MAX);
	}
	return CDX_OK;
}

static int ref_key(const struct cdx_ref *r, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s%c%s%c%s%c%d%c%d%c%s%c%d", r->commodity,
	                 REF_SEP, r->metric, REF_SEP, r->country, REF_SEP,
	                 r->year, REF_SEP, r->year_end, REF_SEP, r->source,
	                 REF_SEP, r->edition);

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

static int ref_pack(const struct cdx_ref *r, struct cdx_buf *b)
{
	const char *strs[REF_NSTR] = {r->commodity, r->country, r->metric,
	                              field_or_empty(r->unit), r->source,
	                              field_or_empty(r->note)};
	uint8_t head[1 + 8 + 12 + 2];
	uint64_t bits;

	memcpy(&bits, &r->value, sizeof bits);
	head[0] = REF_VERSION;
	index_put_be64(head + 1, bits);
	index_put_be32(head + 9, int_bits(r->year));
	index_put_be32(head + 13, int_bits(r->year_end));
	index_put_be32(head + 17, int_bits(r->edition));
	head[21] = (uint8_t)r->qualifier;
	head[22] = (uint8_t)r->flags;
	cdx_buf_clear(b);
	if (cdx_buf_add(b, head, sizeof head) != CDX_OK)
		return b->err;
	for (int i = 0; i < REF_NSTR; i++) {
		size_t n = strlen(strs[i]);
		uint8_t len[2] = {(uint8_t)(n >> 8), (uint8_t)n};

		if (cdx_buf_add(b, len, 2) != CDX_OK ||
		    cdx_buf_add(b, strs[i], n) != CDX_OK)
			return b->err;
	}
	return CDX_OK;
}

/* Unpack a value into @p r, copying strings into @p arena. */
static int ref_unpack(const uint8_t *p, size_t n, struct cdx_ref *r,
                      struct index_arena *arena)
{
	const uint8_t *end = p + n;
	const char **strs[REF_NSTR] = {&r->commodity, &r->country, &r->metric,
	                               &r->unit, &r->source, &r->note};
	uint64_t bits;

	if (n < 23 || p[0] != REF_VERSION)
		return CDX_ERR_CORRUPT;
	bits = index_get_be64(p + 1);
	memcpy(&r->value, &bits, sizeof bits);
	r->year = bits_int(index_get_be32(p + 9));
	r->year_end = bits_int(index_get_be32(p + 13));
	r->edition = bits_int(index_get_be32(p + 17));
	r->qualifier = (char)p[21];
	r->flags = p[22];
	p += 23;
	for (int i = 0; i < REF_NSTR; i++) {
		size_t len;

		if (end - p < 2)
			return CDX_ERR_CORRUPT;
		len = (size_t)p[0] << 8 | p[1];
		p += 2;
		if ((size_t)(end - p) < len)
			return CDX_ERR_CORRUPT;
		*strs[i] = index_arena_strndup(arena, (const char *)p, len);
		if (*strs[i] == NULL)
			return CDX_ERR_NOMEM;
		p += len;
	}
	if (r->note[0] == '\0')
		r->note = NULL;
	return CDX_OK;
}

static int put_once(struct cdx_index *ix, const struct cdx_ref *refs,
                    size_t n, size_t *n_new, struct cdx_error *err)
{
	struct cdx_buf b = CDX_BUF_INIT((size_t)4 << 10);
	char key[REF_KEY_MAX + 1];
	MDB_txn *txn = NULL;
	size_t fresh = 0;
	int rc, mrc = 0;

	rc = index_write_begin(ix, &txn, err);
	if (rc != CDX_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		int klen = ref_key(&refs[i], key, sizeof key);
		MDB_val k, v, old;

		if (klen < 0) {
			rc = cdx_error_set(err, CDX_ERR_LIMIT,
			                   "reference figure key too long");
			goto cleanup;
		}
		k = index_val(key, klen);
		if (ref_pack(&refs[i], &b) != CDX_OK) {
			rc = index_nomem(err);
			goto cleanup;
		}
		mrc = mdb_get(txn, ix->dbi[DB_REFS], &k, &old);
		if (mrc == MDB_NOTFOUND)
			fresh++;
		else if (mrc != 0)
			break;
		v = index_val(b.ptr, b.len);
		mrc = mdb_put(txn, ix->dbi[DB_REFS], &k, &v, 0);
		if (mrc != 0)
			break;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = index_mdb_error(ix, mrc, "write", err);
cleanup:
	cdx_buf_release(&b);
	if (rc != CDX_OK) {
		index_write_abort(ix, txn);
		return rc;
	}
	rc = index_write_commit(ix, txn, err);
	if (rc == CDX_OK && n_new)
		*n_new = fresh;
	return rc;
}

int cdx_index_ref_put(struct cdx_index *ix, const struct cdx_ref *refs,
                      size_t n, size_t *n_new, struct cdx_error *err)
{
	int rc;

	if (n_new)
		*n_new = 0;
	for (size_t i = 0; i < n; i++) {
		rc = ref_validate(&refs[i], err);
		if (rc != CDX_OK)
			return rc;
	}
	rc = index_grow_if_needed(ix, err);
	while (rc == CDX_OK) {
		rc = put_once(ix, refs, n, n_new, err);
		if (rc != CDX_ERR_MAPFULL)
			break;
		rc = index_grow(ix, err);
	}
	return rc;
}

static int rows_push(struct cdx_ref_rows *out, size_t *cap,
                     struct cdx_ref **slot)
{
	if (out->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct cdx_ref *v = realloc(out->v, ncap * sizeof *v);

		if (v == NULL)
			return CDX_ERR_NOMEM;
		out->v = v;
		*cap = ncap;
	}
	*slot = &out->v[out->n];
	memset(*slot, 0, sizeof **slot);
	return CDX_OK;
}

int cdx_index_ref_list(struct cdx_index *ix, const char *commodity,
                       struct cdx_ref_rows *out, struct cdx_error *err)
{
	char prefix[CDX_REF_FIELD_MAX + 2];
	size_t plen = 0, cap = 0;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc = CDX_OK, mrc, op;

	memset(out, 0, sizeof *out);
	if (commodity) {
		plen = strlen(commodity);
		if (plen > CDX_REF_FIELD_MAX)
			return CDX_OK; /* no such figure can be stored */
		memcpy(prefix, commodity, plen);
		prefix[plen++] = REF_SEP;
	}
	out->arena_ = calloc(1, sizeof(struct index_arena));
	if (out->arena_ == NULL)
		return index_nomem(err);
	rc = index_read_begin(ix, &txn, err);
	if (rc != CDX_OK)
		return rc;
	mrc = mdb_cursor_open(txn, ix->dbi[DB_REFS], &cur);
	k = index_val(prefix, plen);
	op = plen ? MDB_SET_RANGE : MDB_FIRST;
	while (mrc == 0 && (mrc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
		struct cdx_ref *r;

		op = MDB_NEXT;
		if (plen && (k.mv_size < plen ||
		             memcmp(k.mv_data, prefix, plen) != 0))
			break;
		if (k.mv_size && *(const char *)k.mv_data == REF_TAG)
			continue;
		rc = rows_push(out, &cap, &r);
		if (rc == CDX_OK)
			rc = ref_unpack(v.mv_data, v.mv_size, r, out->arena_);
		if (rc == CDX_ERR_CORRUPT) {
			rc = cdx_error_set(err, rc, "index '%s': bad reference "
			                   "figure record", ix->path);
			goto cleanup;
		}
		if (rc != CDX_OK) {
			rc = index_nomem(err);
			goto cleanup;
		}
		out->n++;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = index_mdb_error(ix, mrc, "read", err);
cleanup:
	if (cur)
		mdb_cursor_close(cur);
	index_read_end(ix, txn);
	return rc;
}

void cdx_ref_rows_release(struct cdx_ref_rows *r)
{
	if (r == NULL)
		return;
	free(r->v);
	index_arena_release(r->arena_);
	free(r->arena_);
	memset(r, 0, sizeof *r);
}

static int tag_key(const char *tag, char *out, struct cdx_error *err)
{
	size_t n = strlen(tag);

	if (n > CDX_REF_FIELD_MAX)
		return cdx_error_set(err, CDX_ERR_LIMIT, "reference tag '%.40s...'"
		                     " is too long", tag);
	out[0] = REF_TAG;
	memcpy(out + 1, tag, n);
	return (int)n + 1;
}

int cdx_index_ref_tag_get(struct cdx_index *ix, const char *tag, int *out,
                          struct cdx_error *err)
{
	char key[CDX_REF_FIELD_MAX + 2];
	int klen = tag_key(tag, key, err);
	MDB_txn *txn = NULL;
	MDB_val k, v;
	int rc;

	*out = 0;
	if (klen < 0)
		return klen;
	rc = index_read_begin(ix, &txn, err);
	if (rc != CDX_OK)
		return rc;
	k = index_val(key, klen);
	rc = mdb_get(txn, ix->dbi[DB_REFS], &k, &v);
	index_read_end(ix, txn);
	if (rc == 0)
		*out = 1;
	else if (rc != MDB_NOTFOUND)
		return index_mdb_error(ix, rc, "read", err);
	return CDX_OK;
}

int cdx_index_ref_tag_set(struct cdx_index *ix, const char *tag,
                          struct cdx_error *err)
{
	char key[CDX_REF_FIELD_MAX + 2];
	int klen = tag_key(tag, key, err);
	MDB_txn *txn = NULL;
	MDB_val k, v = index_val("", 0);
	int rc;

	if (klen < 0)
		return klen;
	rc = index_write_begin(ix, &txn, err);
	if (rc != CDX_OK)
		return rc;
	k = index_val(key, klen);
	rc = mdb_put(txn, ix->dbi[DB_REFS], &k, &v, 0);
	if (rc != 0) {
		index_write_abort(ix, txn);
		return index_mdb_error(ix, rc, "write", err);
	}
	return index_write_commit(ix, txn, err);
}
