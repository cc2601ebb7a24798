/*
 * postings.c — term entries (a term's documents, term frequencies and
 * word positions within one segment) and the batch accumulator.
 *
 * An entry keeps the documents apart from the positions: ranking reads
 * only the doc part and stops there; phrases read both. Doc ids are
 * deltas from the segment's first doc on, positions per document the
 * first and then gaps. A list of a few stays varints (a doc's low bit
 * says "tf is 1" unless the header says every tf is); a longer one is
 * cut into blocks of 128 numbers bit-packed at one width (pack.c), which
 * is where common words, whose gaps are 0 to 3 bits, stop paying a byte
 * a document. A phrase decodes positions for chosen documents only
 * (index_plist_decode_sel): a position block none of them reaches is
 * stepped over by its header (index_pack_skip), unread.
 * (The batch's postings before they are encoded: acc.c.)
 */
#include <assert.h>
#include <stdlib.h>

#include "index_int.h"

void index_plist_release(struct index_plist *l)
{
	if (l == NULL)
		return;
	free(l->v);
	free(l->pos);
	memset(l, 0, sizeof *l);
}

void index_plist_clear(struct index_plist *l)
{
	l->n = l->npos = 0;
}

size_t index_plist_lower(const struct index_plist *l, size_t lo, size_t hi,
                         uint64_t doc)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].doc < doc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int index_plist_add(struct index_plist *l, uint64_t doc, uint32_t tf,
                    const uint32_t *pos)
{
	uint32_t *to;

	/* a batch makes hundreds of thousands of these: the growth check
	 * stays inline, and a term's few positions are copied by hand */
	if (l->n == l->cap &&
	    index_array_grow((void **)&l->v, &l->cap, l->n + 1,
	                     sizeof *l->v) != CDX_OK)
		return CDX_ERR_NOMEM;
	l->v[l->n].doc = doc;
	l->v[l->n].tf = tf;
	l->v[l->n].off = (uint32_t)l->npos;
	l->n++;
	if (pos == NULL)
		return CDX_OK;
	if (l->cap_pos - l->npos < tf &&
	    index_array_grow((void **)&l->pos, &l->cap_pos, l->npos + tf,
	                     sizeof *l->pos) != CDX_OK)
		return CDX_ERR_NOMEM;
	to = l->pos + l->npos;
	if (tf <= 4) {
		for (uint32_t i = 0; i < tf; i++)
			to[i] = pos[i];
	} else {
		memcpy(to, pos, tf * sizeof *pos);
	}
	l->npos += tf;
	return CDX_OK;
}

/* Entries with fewer documents (positions) than this keep them as
 * varints: a packed block's header byte would outweigh what packing
 * saves on a few numbers. */
#define PACK_MIN_DOCS 8
#define PACK_MIN_POS 8

/* The doc part as varints: per doc its delta (the first from @p base),
 * shifted left with the low bit saying "tf is 1" unless every tf is 1,
 * then tf when it is not 1. */
static uint8_t *put_docs_varint(uint8_t *o, const struct index_plist *l,
                                uint64_t base, int all_tf1)
{
	uint64_t prev = base;

	for (size_t i = 0; i < l->n; i++) {
		const struct index_posting *p = &l->v[i];

		if (p->tf == 0)
			continue;
		if (all_tf1)
			o += index_varint_put(o, p->doc - prev);
		else
			o += index_varint_put(o, (p->doc - prev) << 1 |
			                         (p->tf == 1));
		if (p->tf > 1)
			o += index_varint_put(o, p->tf);
		prev = p->doc;
	}
	return o;
}

/* The doc part packed: the first doc id less @p base as a varint, then
 * per 128 docs a block of (gap - 1) (0 for the first doc) and, unless
 * every tf is 1, a block of (tf - 1). */
static uint8_t *put_docs_packed(uint8_t *o, const struct index_plist *l,
                                uint64_t base, uint64_t first, int all_tf1)
{
	uint32_t gaps[INDEX_PACK_BLOCK], tfs[INDEX_PACK_BLOCK];
	uint64_t prev = first;
	size_t k = 0;

	o += index_varint_put(o, first - base);
	for (size_t i = 0; i < l->n; i++) {
		const struct index_posting *p = &l->v[i];

		if (p->tf == 0)
			continue;
		gaps[k] = p->doc == first ? 0 : (uint32_t)(p->doc - prev - 1);
		tfs[k++] = p->tf - 1;
		prev = p->doc;
		if (k == INDEX_PACK_BLOCK) {
			o += index_pack_put(o, gaps, k);
			if (!all_tf1)
				o += index_pack_put(o, tfs, k);
			k = 0;
		}
	}
	if (k > 0) {
		o += index_pack_put(o, gaps, k);
		if (!all_tf1)
			o += index_pack_put(o, tfs, k);
	}
	return o;
}

/* The positions, per doc the first one and then the gaps to the next:
 * varints when few, else packed blocks of (gap - 1), the first as is.
 * A document's gaps go into the block in one run, a loop the compiler
 * can vectorize; a block is packed as soon as it is full. */
static uint8_t *put_positions(uint8_t *o, const struct index_plist *l,
                              uint64_t npos)
{
	uint32_t blk[INDEX_PACK_BLOCK];
	size_t k = 0;

	if (npos < PACK_MIN_POS) {
		for (size_t i = 0; i < l->n; i++) {
			const uint32_t *at = l->pos + l->v[i].off;

			for (uint32_t j = 0; j < l->v[i].tf; j++)
				o += index_varint_put(o, j ? at[j] - at[j - 1] - 1 :
				                             at[0]);
		}
		return o;
	}
	for (size_t i = 0; i < l->n; i++) {
		const uint32_t *at = l->pos + l->v[i].off;
		uint32_t tf = l->v[i].tf;

		if (tf == 0)
			continue;
		if (k == INDEX_PACK_BLOCK) {
			o += index_pack_put(o, blk, k);
			k = 0;
		}
		blk[k++] = at[0];
		for (uint32_t j = 1; j < tf;) {
			size_t m = INDEX_PACK_BLOCK - k;

			if (m == 0) {
				o += index_pack_put(o, blk, k);
				k = 0;
				m = INDEX_PACK_BLOCK;
			}
			if (m > tf - j)
				m = tf - j;
			for (size_t x = 0; x < m; x++)
				blk[k + x] = at[j + x] - at[j + x - 1] - 1;
			k += m;
			j += (uint32_t)m;
		}
	}
	if (k > 0)
		o += index_pack_put(o, blk, k);
	return o;
}

/* Every live entry's size is bounded (varint doc part: 15 bytes a doc;
 * a packed block: 1 + 4 bytes a number), so the entry is written once
 * into room reserved for the worst case, the body after room for the
 * header, which is then moved up against it. */
int index_plist_encode(const struct index_plist *l, uint64_t base,
                       struct cdx_buf *b)
{
	uint64_t n = 0, max_tf = 0, npos = 0, first = 0, last = 0;
	uint8_t *at, *o, *body, *end;
	size_t hdr;
	int packed, all_tf1;

	for (size_t i = 0; i < l->n; i++) {
		const struct index_posting *p = &l->v[i];

		if (p->tf == 0)
			continue;
		assert(n == 0 || p->doc > last);
		if (n++ == 0)
			first = p->doc;
		last = p->doc;
		npos += p->tf;
		if (p->tf > max_tf)
			max_tf = p->tf;
	}
	if (n == 0)
		return CDX_OK;
	assert(first >= base);
	packed = n >= PACK_MIN_DOCS && last - first <= UINT32_MAX;
	all_tf1 = max_tf == 1;
	if (cdx_buf_grow(b, 30 + 15 * n + 5 * (l->pos ? npos : 0)) != CDX_OK)
		return b->err;
	at = (uint8_t *)b->ptr + b->len;
	body = at + 10;
	end = packed ? put_docs_packed(body, l, base, first, all_tf1) :
	               put_docs_varint(body, l, base, all_tf1);
	if (l->pos != NULL)
		end = put_positions(end, l, npos);
	o = at + index_varint_put(at, n << 2 | (uint64_t)packed << 1 |
	                              (uint64_t)all_tf1);
	hdr = (size_t)(o - at);
	memmove(o, body, (size_t)(end - body));
	b->len += hdr + (size_t)(end - body);
	b->ptr[b->len] = '\0';
	return CDX_OK;
}

uint64_t index_entry_df(const uint8_t *p, size_t n)
{
	uint64_t h;

	return index_varint_get(&p, p + n, &h) == CDX_OK ? h >> 2 : 0;
}

/* Each get_docs_* reads @p df docs at *p (not past @p end) into out,
 * advancing *p past the doc part. */
static int get_docs_varint(const uint8_t **pp, const uint8_t *end,
                           uint64_t df, uint64_t base, int all_tf1,
                           struct index_plist *out)
{
	const uint8_t *p = *pp;
	uint64_t doc = base;

	for (uint64_t i = 0; i < df; i++) {
		uint64_t d, tf = 1;

		if (index_varint_get(&p, end, &d))
			return CDX_ERR_CORRUPT;
		if (!all_tf1) {
			if (!(d & 1) && (index_varint_get(&p, end, &tf) ||
			                 tf < 2 || tf > UINT32_MAX))
				return CDX_ERR_CORRUPT;
			d >>= 1;
		}
		if ((i > 0 && d == 0) || d > UINT64_MAX - doc)
			return CDX_ERR_CORRUPT;
		doc += d;
		out->v[out->n].doc = doc;
		out->v[out->n].tf = (uint32_t)tf;
		out->v[out->n].off = 0;
		out->n++;
	}
	*pp = p;
	return CDX_OK;
}

static int get_docs_packed(const uint8_t **pp, const uint8_t *end,
                           uint64_t df, uint64_t base, int all_tf1,
                           struct index_plist *out)
{
	uint32_t gaps[INDEX_PACK_BLOCK], tfs[INDEX_PACK_BLOCK];
	const uint8_t *p = *pp;
	uint64_t doc;

	if (index_varint_get(&p, end, &doc) || doc > UINT64_MAX - base)
		return CDX_ERR_CORRUPT;
	doc += base;
	for (uint64_t i = 0; i < df; i += INDEX_PACK_BLOCK) {
		size_t k = df - i < INDEX_PACK_BLOCK ? (size_t)(df - i) :
		                                       INDEX_PACK_BLOCK;

		struct index_posting *e = out->v + out->n;
		uint32_t bad = 0;

		if (index_pack_get(&p, end, gaps, k) ||
		    (!all_tf1 && index_pack_get(&p, end, tfs, k)))
			return CDX_ERR_CORRUPT;
		if (i == 0 && gaps[0] != 0)
			return CDX_ERR_CORRUPT;
		/* a block adds less than 2^39 to the doc id: one overflow
		 * check for the block, not one per doc */
		if (doc > UINT64_MAX - ((uint64_t)INDEX_PACK_BLOCK << 33))
			return CDX_ERR_CORRUPT;
		doc -= i == 0; /* the first doc's gap is 0, not one less */
		for (size_t j = 0; j < k; j++) {
			doc += (uint64_t)gaps[j] + 1;
			e[j].doc = doc;
			e[j].off = 0;
		}
		if (all_tf1) {
			for (size_t j = 0; j < k; j++)
				e[j].tf = 1;
		} else {
			/* a tf of 2^32 (stored as UINT32_MAX) wraps to 0 */
			for (size_t j = 0; j < k; j++) {
				e[j].tf = tfs[j] + 1;
				bad |= e[j].tf == 0;
			}
		}
		if (bad)
			return CDX_ERR_CORRUPT;
		out->n += k;
	}
	*pp = p;
	return CDX_OK;
}

/* Positions of out->v[first..n) from p to end (see put_positions). */
static int get_positions(const uint8_t *p, const uint8_t *end,
                         size_t first, struct index_plist *out)
{
	uint32_t blk[INDEX_PACK_BLOCK];
	uint64_t npos = 0;
	size_t k = 0, used = 0;
	int packed;

	for (size_t i = first; i < out->n; i++)
		npos += out->v[i].tf;
	packed = npos >= PACK_MIN_POS;
	/* a packed block of zeros takes one byte for 128 positions: bound
	 * what damaged counts could make us allocate */
	if (npos > (uint64_t)(end - p) * (packed ? INDEX_PACK_BLOCK : 1))
		return CDX_ERR_CORRUPT;
	if (index_array_grow((void **)&out->pos, &out->cap_pos,
	         out->npos + (size_t)npos, sizeof *out->pos))
		return CDX_ERR_NOMEM;
	for (size_t i = first; i < out->n; i++) {
		struct index_posting *e = &out->v[i];
		uint64_t at = 0;

		e->off = (uint32_t)out->npos;
		for (uint32_t j = 0; j < e->tf; j++) {
			uint64_t d;

			if (!packed) {
				if (index_varint_get(&p, end, &d))
					return CDX_ERR_CORRUPT;
			} else {
				if (used == k) {
					k = INDEX_PACK_BLOCK;
					if (npos < k)
						k = (size_t)npos;
					npos -= k;
					used = 0;
					if (index_pack_get(&p, end, blk, k))
						return CDX_ERR_CORRUPT;
				}
				d = blk[used++];
			}
			at = j ? at + d + 1 : d;
			if (at > UINT32_MAX)
				return CDX_ERR_CORRUPT;
			out->pos[out->npos++] = (uint32_t)at;
		}
	}
	return p == end ? CDX_OK : CDX_ERR_CORRUPT;
}

/* The entry's header and doc part at *p, its docs appended to @p out;
 * *p is left at the positions. */
static int decode_docs(const uint8_t **pp, const uint8_t *end, uint64_t base,
                       struct index_plist *out)
{
	const uint8_t *p = *pp;
	uint64_t h, df;
	int packed, all_tf1, rc;

	if (index_varint_get(&p, end, &h))
		return CDX_ERR_CORRUPT;
	df = h >> 2;
	packed = (int)(h >> 1 & 1);
	all_tf1 = (int)(h & 1);
	/* a varint doc takes a byte at least, a packed one a bit at most
	 * (a block header per 128 docs when every gap is 1) */
	if (df == 0 ||
	    df > (uint64_t)(end - p) * (packed ? INDEX_PACK_BLOCK : 1))
		return CDX_ERR_CORRUPT;
	if (index_array_grow((void **)&out->v, &out->cap, out->n + df, sizeof *out->v))
		return CDX_ERR_NOMEM;
	rc = packed ? get_docs_packed(&p, end, df, base, all_tf1, out) :
	              get_docs_varint(&p, end, df, base, all_tf1, out);
	*pp = p;
	return rc;
}

int index_plist_decode(const uint8_t *p, size_t n, uint64_t base,
                       int with_pos, struct index_plist *out)
{
	const uint8_t *end = p + n;
	size_t first = out->n;
	int rc = decode_docs(&p, end, base, out);

	if (rc != CDX_OK || !with_pos)
		return rc;
	return get_positions(p, end, first, out);
}

/* Reads positions by their number in the entry's stream, decoding only
 * the packed blocks asked for and stepping over the others. */
struct pos_cursor {
	const uint8_t *p, *end; /* the next block not read */
	uint64_t npos;          /* positions in the stream */
	uint64_t next;          /* number of the first position at p */
	uint64_t have;          /* number of blk[0], UINT64_MAX: none */
	int packed;
	uint32_t blk[INDEX_PACK_BLOCK];
};

/* The @p n positions of one document, numbers @p q to q + n in the
 * stream (never below one asked for before), into @p v as positions:
 * the first as stored, each next one the gap plus one on. The sums run
 * in 64 bits and only grow, so one check at the end catches a damaged
 * entry's overflow. */
static int pos_run(struct pos_cursor *c, uint64_t q, uint32_t n, uint32_t *v)
{
	uint64_t pos = 0;
	int first = 1;

	while (n > 0) {
		const uint32_t *s;
		uint32_t m, j = 0;

		if (!c->packed) {
			/* a few varints: read through */
			uint64_t d;

			if (index_varint_get(&c->p, c->end, &d) ||
			    d > UINT32_MAX)
				return CDX_ERR_CORRUPT;
			if (c->next++ == q) {
				pos = first ? d : pos + d + 1;
				first = 0;
				*v++ = (uint32_t)pos;
				q++;
				n--;
			}
			continue;
		}
		if (c->have == UINT64_MAX || q >= c->have + INDEX_PACK_BLOCK) {
			uint64_t b = q / INDEX_PACK_BLOCK * INDEX_PACK_BLOCK;

			for (;;) {
				size_t k = c->npos - c->next < INDEX_PACK_BLOCK ?
				           (size_t)(c->npos - c->next) :
				           INDEX_PACK_BLOCK;

				if (c->next == b) {
					if (index_pack_get(&c->p, c->end,
					                   c->blk, k))
						return CDX_ERR_CORRUPT;
					c->have = b;
					c->next += k;
					break;
				}
				if (index_pack_skip(&c->p, c->end, k))
					return CDX_ERR_CORRUPT;
				c->next += k;
			}
		}
		/* what of the run this block holds */
		s = c->blk + (q - c->have);
		m = (uint32_t)(c->have + INDEX_PACK_BLOCK - q);
		if (m > n)
			m = n;
		if (first) {
			pos = s[0];
			v[0] = (uint32_t)pos;
			first = 0;
			j = 1;
		}
		for (; j < m; j++) {
			pos += (uint64_t)s[j] + 1;
			v[j] = (uint32_t)pos;
		}
		v += m;
		q += m;
		n -= m;
	}
	return pos > UINT32_MAX ? CDX_ERR_CORRUPT : CDX_OK;
}

/* Step *p over the doc part of an entry whose header says @p df,
 * @p packed and @p all_tf1, without decoding it; *first gets its first
 * doc id less the base. */
static int skip_docs(const uint8_t **pp, const uint8_t *end, uint64_t df,
                     int packed, int all_tf1, uint64_t *first)
{
	const uint8_t *p = *pp;

	if (packed) {
		if (index_varint_get(&p, end, first))
			return CDX_ERR_CORRUPT;
		for (uint64_t i = 0; i < df; i += INDEX_PACK_BLOCK) {
			size_t k = df - i < INDEX_PACK_BLOCK ? (size_t)(df - i) :
			                                       INDEX_PACK_BLOCK;

			if (index_pack_skip(&p, end, k) ||
			    (!all_tf1 && index_pack_skip(&p, end, k)))
				return CDX_ERR_CORRUPT;
		}
	} else {
		for (uint64_t i = 0; i < df; i++) {
			uint64_t d, tf;

			if (index_varint_get(&p, end, &d))
				return CDX_ERR_CORRUPT;
			if (!all_tf1) {
				if (!(d & 1) && index_varint_get(&p, end, &tf))
					return CDX_ERR_CORRUPT;
				d >>= 1;
			}
			if (i == 0)
				*first = d;
		}
	}
	*pp = p;
	return CDX_OK;
}

/* The entry's documents as @p known (the term's list over every
 * segment, read for ranking) holds them: the df docs from the first at
 * or after @p base, which must be the entry's first. */
static int known_docs(const uint8_t **pp, const uint8_t *end, uint64_t base,
                      const struct index_plist *known,
                      const struct index_posting **docs, size_t *n)
{
	const uint8_t *p = *pp;
	uint64_t h, df, first = 0;
	size_t lo;

	if (index_varint_get(&p, end, &h) || (df = h >> 2) == 0 ||
	    skip_docs(&p, end, df, (int)(h >> 1 & 1), (int)(h & 1),
	              &first) != CDX_OK)
		return CDX_ERR_CORRUPT;
	lo = index_plist_lower(known, 0, known->n, base);
	if (df > known->n - lo || first > UINT64_MAX - base ||
	    known->v[lo].doc != base + first)
		return CDX_ERR_CORRUPT;
	*docs = known->v + lo;
	*n = (size_t)df;
	*pp = p;
	return CDX_OK;
}

int index_plist_decode_sel(const uint8_t *p, size_t n, uint64_t base,
                           const uint64_t *want, size_t n_want,
                           const struct index_plist *known,
                           struct index_plist *out)
{
	const uint8_t *end = p + n;
	const struct index_posting *docs;
	struct pos_cursor c;
	uint64_t at = 0, keep = 0;
	size_t first = out->n, k = first, w = 0, i = 0, n_docs;
	int rc, dense;

	if (known != NULL) {
		rc = known_docs(&p, end, base, known, &docs, &n_docs);
		/* room for the wanted docs only: a common word's entry has
		 * thousands, of which a phrase wants a few */
		if (rc == CDX_OK &&
		    index_array_grow((void **)&out->v, &out->cap, out->n +
		                     (n_docs < n_want ? n_docs : n_want),
		                     sizeof *out->v))
			rc = CDX_ERR_NOMEM;
	} else {
		rc = decode_docs(&p, end, base, out);
		docs = out->v + first; /* compacted in place below */
		n_docs = out->n - first;
	}
	if (rc != CDX_OK)
		return rc;
	/* keep the wanted docs, each with the number of its first
	 * position in .off for now: each wanted doc gallops ahead (unless
	 * most are wanted), the frequencies of the docs stepped over summed
	 * in a tight loop (in 64 bits: no overflow before the one check at
	 * the end). A slot written (in place, without known) is never one
	 * still to read. */
	dense = n_want >= n_docs / 8;
	for (; w < n_want && i < n_docs; w++) {
		size_t step = 1, lo = i, hi = i;

		while (dense && i < n_docs && docs[i].doc < want[w])
			at += docs[i++].tf;
		while (!dense && i + step < n_docs &&
		       docs[i + step].doc < want[w])
			step *= 2;
		if (!dense)
			hi = i + step < n_docs ? i + step : n_docs;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (docs[mid].doc < want[w])
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; i < lo; i++)
			at += docs[i].tf;
		if (i < n_docs && docs[i].doc == want[w]) {
			struct index_posting e = docs[i++];

			e.off = (uint32_t)at;
			at += e.tf;
			out->v[k++] = e;
			keep += e.tf;
		}
	}
	for (; i < n_docs; i++)
		at += docs[i].tf;
	out->n = k;
	if (at > UINT32_MAX)
		return CDX_ERR_CORRUPT;
	c.packed = at >= PACK_MIN_POS;
	if (at > (uint64_t)(end - p) * (c.packed ? INDEX_PACK_BLOCK : 1))
		return CDX_ERR_CORRUPT;
	if (index_array_grow((void **)&out->pos, &out->cap_pos,
	         out->npos + (size_t)keep, sizeof *out->pos))
		return CDX_ERR_NOMEM;
	c.p = p;
	c.end = end;
	c.npos = at;
	c.next = 0;
	c.have = UINT64_MAX;
	for (size_t d = first; d < out->n; d++) {
		struct index_posting *e = &out->v[d];
		uint64_t q = e->off;

		e->off = (uint32_t)out->npos;
		if (pos_run(&c, q, e->tf, out->pos + out->npos))
			return CDX_ERR_CORRUPT;
		out->npos += e->tf;
	}
	return CDX_OK;
}
