/*
 * util.c — small pieces the indexer files share: varints, hashing, UTF-8
 * cutting, the keys of the source and by_entity databases, a bump arena
 * (for strings whose pointers must stay put) and a string hash map.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"

size_t index_varint_put(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

int index_nomem(struct cdx_error *err)
{
	return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
}

int index_array_grow(void **v, size_t *cap, size_t want, size_t size)
{
	size_t ncap = *cap ? *cap : 16;
	void *nv;

	if (want <= *cap)
		return CDX_OK;
	while (ncap < want)
		ncap *= 2;
	nv = realloc(*v, ncap * size);
	if (nv == NULL)
		return CDX_ERR_NOMEM;
	*v = nv;
	*cap = ncap;
	return CDX_OK;
}

int index_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	uint64_t r = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (q >= end)
			return CDX_ERR_CORRUPT;
		r |= (uint64_t)(*q & 0x7f) << shift;
		if ((*q++ & 0x80) == 0) {
			*p = q;
			*v = r;
			return CDX_OK;
		}
	}
	return CDX_ERR_CORRUPT;
}

int index_buf_varint(struct cdx_buf *b, uint64_t v)
{
	uint8_t tmp[10];

	return cdx_buf_add(b, tmp, index_varint_put(tmp, v));
}

/* Little-endian: the stored hash must not depend on the machine's byte
 * order. */
uint64_t index_load_le64(const void *s)
{
	uint64_t v;

	memcpy(&v, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* Sixteen bytes a step in two lanes, so that one lane's multiply runs
 * while the other's waits (FNV-1a, a byte a step, took 6 instructions a
 * byte: 30M of a BBC ingest); each lane is xor-multiply-xorshift, and
 * the lanes and the length meet in a splitmix64 finalizer. */
uint64_t index_hash64(const void *p, size_t n)
{
	const uint8_t *s = p;
	uint64_t a = 0x243f6a8885a308d3ULL ^ n, b = 0x13198a2e03707344ULL;
	uint8_t tail[16] = {0};

	for (; n >= 16; s += 16, n -= 16) {
		a = (a ^ index_load_le64(s)) * 0x9e3779b97f4a7c15ULL;
		b = (b ^ index_load_le64(s + 8)) * 0xc2b2ae3d27d4eb4fULL;
		a ^= a >> 29;
		b ^= b >> 31;
	}
	if (n > 0) {
		/* the length went into the seed: zero padding is unambiguous */
		memcpy(tail, s, n);
		a = (a ^ index_load_le64(tail)) * 0x9e3779b97f4a7c15ULL;
		b = (b ^ index_load_le64(tail + 8)) * 0xc2b2ae3d27d4eb4fULL;
		a ^= a >> 29;
		b ^= b >> 31;
	}
	a ^= (b << 32 | b >> 32) + 0x9e3779b97f4a7c15ULL;
	a = (a ^ (a >> 30)) * 0xbf58476d1ce4e5b9ULL;
	a = (a ^ (a >> 27)) * 0x94d049bb133111ebULL;
	return a ^ (a >> 31);
}

uint64_t index_mem_hash(const void *p, size_t n)
{
	const uint8_t *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, v;

	/* eight bytes a step: terms are short, and this runs per token */
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&v, s, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (n > 0) {
		v = 0;
		memcpy(&v, s, n);
		h = (h ^ v) * 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 32;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

size_t index_utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	/* back off continuation bytes so no character is split */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

size_t index_entity_key(const char *name, size_t n, char *out)
{
	char tmp[INDEX_ENTITY_MAX * 4 + 8];
	size_t k;

	n = index_utf8_cut(name, n, INDEX_ENTITY_MAX * 2);
	k = cdx_corpus_fold(name, n, tmp, sizeof tmp, 1);
	if (k >= sizeof tmp)
		k = sizeof tmp - 1;
	k = index_utf8_cut(tmp, k, INDEX_ENTITY_MAX);
	memcpy(out, tmp, k);
	out[k] = '\0';
	return k;
}

/* ------------------------------------------------------------ arena */

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

#define ARENA_BLOCK ((size_t)64 << 10)

void *index_arena_alloc(struct index_arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t cap;
	void *p;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (b == NULL || b->cap - b->used < n) {
		cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = malloc(sizeof *b + cap);
		if (b == NULL)
			return NULL;
		b->used = 0;
		b->cap = cap;
		/* a block bigger than usual goes second so the current
		 * block's free space is not lost */
		if (a->head != NULL && n > ARENA_BLOCK) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

char *index_arena_strndup(struct index_arena *a, const char *s, size_t n)
{
	char *p = index_arena_alloc(a, n + 1);

	if (p == NULL)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void index_arena_release(struct index_arena *a)
{
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

/* ------------------------------------------------------------ strmap */

struct strmap_slot {
	uint64_t hash;
	const char *s;
	uint32_t len;
	uint32_t val;
};

void *index_zalloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = malloc(n * size > 0 ? n * size : 1);
	if (p)
		memset(p, 0, n * size);
	return p;
}

size_t index_u64_lower(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The slots a table starts with: a claims record names a dozen
 * strings, and clearing the table costs its size. */
#define STRMAP_MIN 32

static int strmap_grow(struct index_strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : STRMAP_MIN;
	struct strmap_slot *ns = index_zalloc(ncap, sizeof *ns);

	if (ns == NULL)
		return CDX_ERR_NOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		struct strmap_slot *o = &m->slots[i];
		size_t j;

		if (o->s == NULL)
			continue;
		for (j = o->hash & (ncap - 1); ns[j].s; j = (j + 1) & (ncap - 1))
			;
		ns[j] = *o;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return CDX_OK;
}

/* Are @p a and @p b (of @p n bytes) the same? Keys are short and their
 * hashes already equal: a loop here, not a call to memcmp, which
 * cost the writer's term lookup (one per posting) a third of its
 * instructions. */
static int same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	uint32_t u, v;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return 0;
	}
	if (n >= 4) {
		/* the first four bytes and the last four, overlapping */
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		if (u != v)
			return 0;
		memcpy(&u, a + n - 4, 4);
		memcpy(&v, b + n - 4, 4);
		return u == v;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

int index_strmap_put(struct index_strmap *m, const char *s, size_t len,
                     uint32_t newval, uint32_t *val)
{
	return index_strmap_put_h(m, s, len, index_mem_hash(s, len), newval,
	                          val);
}

int index_strmap_put_h(struct index_strmap *m, const char *s, size_t len,
                       uint64_t h, uint32_t newval, uint32_t *val)
{
	size_t j;

	/* keep the load under 1/2 so probe runs stay short */
	if ((m->n + 1) * 2 > m->cap && strmap_grow(m) != CDX_OK)
		return CDX_ERR_NOMEM;
	for (j = h & (m->cap - 1); m->slots[j].s; j = (j + 1) & (m->cap - 1)) {
		struct strmap_slot *e = &m->slots[j];

		if (e->hash == h && e->len == len && same_bytes(e->s, s, len)) {
			*val = e->val;
			return 0;
		}
	}
	m->slots[j].hash = h;
	m->slots[j].s = s;
	m->slots[j].len = (uint32_t)len;
	m->slots[j].val = newval;
	m->n++;
	*val = newval;
	return 1;
}

int index_strmap_get(const struct index_strmap *m, const char *s, size_t len,
                     uint32_t *val)
{
	if (m->n == 0)
		return CDX_ERR_NOTFOUND;
	return index_strmap_get_h(m, s, len, index_mem_hash(s, len), val);
}

int index_strmap_get_h(const struct index_strmap *m, const char *s,
                       size_t len, uint64_t h, uint32_t *val)
{
	if (m->n == 0)
		return CDX_ERR_NOTFOUND;
	for (size_t j = h & (m->cap - 1); m->slots[j].s;
	     j = (j + 1) & (m->cap - 1)) {
		const struct strmap_slot *e = &m->slots[j];

		if (e->hash == h && e->len == len && same_bytes(e->s, s, len)) {
			*val = e->val;
			return CDX_OK;
		}
	}
	return CDX_ERR_NOTFOUND;
}

void index_strmap_clear(struct index_strmap *m)
{
	/* a table grown for one large set is mostly empty for the next
	 * ones, and wiping all of it each time cost more than using it
	 * (one long document's claims, then every record after it): it
	 * starts over small instead */
	if (m->cap > STRMAP_MIN && m->n * 8 < m->cap) {
		free(m->slots);
		m->slots = NULL;
		m->cap = 0;
	} else if (m->slots) {
		memset(m->slots, 0, m->cap * sizeof *m->slots);
	}
	m->n = 0;
}

void index_strmap_release(struct index_strmap *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
