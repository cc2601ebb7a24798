/*
 * test_index_entnames.c — entity names kept in the by_entity chunks
 * (indexer/entlist.c, schema 8), whose keys end in the first document
 * in its fewest bytes: the keys and the name header of a chunk decode
 * (derived from the key, inline, none) and damage is CORRUPT; names come
 * back as first stored, move to the next chunk when the entity's first
 * chunk empties, go with the last one; and the check reports an entity
 * without a name or with two.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"
#include "test_index.h"

static int open_chunk(const char *key, const void *v, size_t n,
                      struct index_entchunk *c)
{
	static uint8_t kb[INDEX_ENTITY_MAX + 10];
	size_t klen = strlen(key);
	MDB_val k = {klen + 3, kb}, val = {n, (void *)v};

	memcpy(kb, key, klen);
	kb[klen] = 0;
	kb[klen + 1] = 1; /* document 7 in one byte */
	kb[klen + 2] = 7;
	return index_entchunk_open(c, &k, &val);
}

/* Header 0: no name; 1: the key with its words' first letters upper-
 * cased; n + 2: n bytes of name. Then the entries. */
START_TEST(test_name_headers)
{
	struct index_entchunk c;
	uint64_t doc;
	uint32_t ord;

	ck_assert_int_eq(open_chunk("rare earths", "\x01\x00\x03", 3, &c),
	                 CDX_OK);
	ck_assert(c.has_name && c.name_len == 11 &&
	          memcmp(c.name, "Rare Earths", 11) == 0);
	ck_assert_int_eq(index_entchunk_next(&c, &doc, &ord), CDX_OK);
	ck_assert(doc == 7 && ord == 3);
	ck_assert_int_eq(index_entchunk_next(&c, &doc, &ord),
	                 CDX_ERR_ITEROVER);
	ck_assert_int_eq(open_chunk("u.s.", "\x06U.S.\x00\x01", 8, &c),
	                 CDX_OK);
	ck_assert(c.has_name && c.name_len == 4 &&
	          memcmp(c.name, "U.S.", 4) == 0);
	ck_assert_int_eq(index_entchunk_next(&c, &doc, &ord), CDX_OK);
	ck_assert(doc == 7 && ord == 1);
	ck_assert_int_eq(open_chunk("chile", "\x00\x00\x02", 3, &c), CDX_OK);
	ck_assert(!c.has_name && c.name == NULL);
	/* an empty name is inline, not absent */
	ck_assert_int_eq(open_chunk("x", "\x02\x00\x00", 3, &c), CDX_OK);
	ck_assert(c.has_name && c.name_len == 0);
	/* no header; a name past the value; a cut header varint */
	ck_assert_int_eq(open_chunk("chile", "", 0, &c), CDX_ERR_CORRUPT);
	ck_assert_int_eq(open_chunk("chile", "\x09Chi", 4, &c),
	                 CDX_ERR_CORRUPT);
	ck_assert_int_eq(open_chunk("chile", "\x80", 1, &c), CDX_ERR_CORRUPT);
}
END_TEST

/* Chunk keys: the document in its fewest bytes after their count. */
START_TEST(test_chunk_keys)
{
	static const struct {
		const char *k;
		size_t n;
		int ok;
		uint64_t doc;
	} keys[] = {
		{"chile\0\x01\x07", 8, 1, 7},
		{"chile\0\x02\x01\x00", 9, 1, 256},
		{"chile\0\x08\xff\xff\xff\xff\xff\xff\xff\xff", 15, 1,
		 UINT64_MAX},
		{"chile\0\x02\x00\x07", 9, 0, 0},  /* not the fewest bytes */
		{"chile\0\x00", 7, 0, 0},            /* no bytes */
		{"chile\0\x09\1\2\3\4\5\6\7\x08\x09", 16, 0, 0},
		{"chile\0\x02\x01", 8, 0, 0},       /* cut */
		{"chile\0\x01\x07\x00", 9, 0, 0},  /* a byte too many */
		{"chile", 5, 0, 0},                   /* no NUL */
		{"\0\x01\x07", 3, 0, 0},            /* no entity */
	};
	struct index_entchunk c;

	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		MDB_val k = {keys[i].n, (void *)keys[i].k}, v = {1, "\0"};
		int rc = index_entchunk_open(&c, &k, &v);

		ck_assert_msg(rc == (keys[i].ok ? CDX_OK : CDX_ERR_CORRUPT),
		              "key %zu: %d", i, rc);
		if (keys[i].ok)
			ck_assert(c.key_len == 5 && c.first == keys[i].doc);
	}
	/* byte order is numeric order */
	ck_assert_int_lt(memcmp(keys[0].k, keys[1].k, 8), 0);
	ck_assert_int_lt(memcmp(keys[1].k, keys[2].k, 9), 0);
}
END_TEST

struct names {
	char text[512];
};

static int collect(void *ctx, const char *name, uint64_t n)
{
	struct names *s = ctx;
	size_t at = strlen(s->text);

	snprintf(s->text + at, sizeof s->text - at, "%s=%llu;", name,
	         (unsigned long long)n);
	return 0;
}

static void assert_names(struct cdx_index *ix, const char *want)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct names s = {""};

	ck_assert_int_eq(cdx_index_entities(ix, collect, &s, &err), CDX_OK);
	ck_assert_str_eq(s.text, want);
}

enum { N_DOCS = 300 };

/* Documents 0..N_DOCS-1 each with a claim about "CHILE" (an inline
 * name: not the derived "Chile") and one about "Rare Earths" (derived);
 * the first 200 fill the first chunk and more. Deleting them from the
 * first on empties the first chunk: the name moves on, spelled as
 * first stored; the last claim's removal drops it. */
START_TEST(test_name_moves)
{
	static const char body[] = "Chile sold 5 tons of rare earths.";
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w = NULL;
	struct cdx_claim v[2];
	struct cdx_claims cl = {v, 2, 2, NULL, NULL};
	struct cdx_index *ix;
	char src[32], want[128];
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	v[0] = mkclaim(body, body, "5 tons", CDX_KIND_MASS, 5, "t", "CHILE",
	               NULL);
	v[1] = mkclaim(body, body, "5 tons", CDX_KIND_MASS, 5, "t",
	               "Rare Earths", NULL);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (int i = 0; i < N_DOCS; i++) {
		struct cdx_doc d;
		char txt[64];

		snprintf(src, sizeof src, "/e/%d.txt", i);
		snprintf(txt, sizeof txt, "%s %d", body, i);
		d = mkdoc(src, NULL, NULL, txt);
		/* a later spelling does not replace the first */
		v[0].subject = i ? "Chile" : "CHILE";
		ck_assert_int_eq(cdx_index_writer_add(w, &d, &cl, NULL, NULL,
		                                      &err), CDX_OK);
	}
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	assert_names(ix, "CHILE=300;Rare Earths=300;");
	assert_sound(ix);
	for (int i = 0; i < N_DOCS; i++) {
		snprintf(src, sizeof src, "/e/%d.txt", i);
		ck_assert_int_eq(cdx_index_delete(ix, src, &err), CDX_OK);
		if (i + 1 < N_DOCS) {
			snprintf(want, sizeof want,
			         "CHILE=%d;Rare Earths=%d;", N_DOCS - i - 1,
			         N_DOCS - i - 1);
			assert_names(ix, want);
		}
		if (i % 50 == 0 || i > 190)
			assert_sound(ix);
	}
	assert_names(ix, "");
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Rewrite the value of the by_entity chunk @p n (0: the first) of
 * entity "chile" with name header @p head (bytes). */
static void set_head(const char *path, int n, const char *head, size_t hl)
{
	struct index_entchunk c;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val k, v;
	uint8_t buf[1024];
	int i = -1;

	raw_open(path, "by_entity", &env, &txn, &dbi);
	ck_assert_int_eq(mdb_cursor_open(txn, dbi, &cur), 0);
	ck_assert_int_eq(mdb_cursor_get(cur, &k, &v, MDB_FIRST), 0);
	do {
		ck_assert_int_eq(index_entchunk_open(&c, &k, &v), CDX_OK);
		if (c.key_len == 5 && memcmp(c.key, "chile", 5) == 0)
			i++;
	} while (i < n && mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0);
	ck_assert_int_eq(i, n);
	memcpy(buf, head, hl);
	memcpy(buf + hl, c.p, (size_t)(c.end - c.p));
	v = index_val(buf, hl + (size_t)(c.end - c.p));
	ck_assert_int_eq(mdb_cursor_put(cur, &k, &v, MDB_CURRENT), 0);
	mdb_cursor_close(cur);
	raw_close(env, txn);
}

static void assert_problem(const char *path, const char *want)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct problems p = {0};
	struct cdx_index *ix = open_ix(path, 0, 0);

	ck_assert_int_eq(cdx_index_check(ix, on_problem, &p, NULL, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_msg(strstr(p.first, want) != NULL, "%s", p.first);
	cdx_index_close(ix);
}

/* The check: an entity whose first chunk has no name, and one whose
 * later chunk has one too. */
START_TEST(test_name_damage)
{
	static const char body[] = "Chile sold 5 tons.";
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w = NULL;
	struct cdx_claim v[1];
	struct cdx_claims cl = {v, 1, 1, NULL, NULL};
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	v[0] = mkclaim(body, body, "5 tons", CDX_KIND_MASS, 5, "t", "Chile",
	               NULL);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (int i = 0; i < N_DOCS; i++) {
		char src[32], txt[64];
		struct cdx_doc d;

		snprintf(src, sizeof src, "/e/%d.txt", i);
		snprintf(txt, sizeof txt, "%s %d", body, i);
		d = mkdoc(src, NULL, NULL, txt);
		ck_assert_int_eq(cdx_index_writer_add(w, &d, &cl, NULL, NULL,
		                                      &err), CDX_OK);
	}
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	assert_sound(ix);
	cdx_index_close(ix);
	set_head(t.path, 1, "\x01", 1); /* the second chunk names it too */
	set_head(t.path, 0, "\x00", 1); /* and the first does not */
	assert_problem(t.path, "entity 'chile' has no name");
	set_head(t.path, 0, "\x07" "Chile", 6);
	assert_problem(t.path, "entity 'chile' has a second name");
	tmp_remove(&t);
}
END_TEST

void index_add_entnames_cases(Suite *s)
{
	TCase *tc = tcase_create("entity names");

	tcase_add_test(tc, test_name_headers);
	tcase_add_test(tc, test_chunk_keys);
	tcase_add_test(tc, test_name_moves);
	tcase_add_test(tc, test_name_damage);
	suite_add_tcase(s, tc);
}
