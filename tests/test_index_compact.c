/*
 * test_index_compact.c — closing a handle that wrote gives LMDB's free
 * pages back (indexer/compact.c): the file shrinks, the index stays whole,
 * and nothing is replaced while another handle holds the folder (here the
 * test itself holds the shared flock every handle takes, as another
 * process would) or when the handle only read.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus.h"
#include "test_index.h"
#include "testutil.h"

#define N_DOCS 400

static char texts[N_DOCS][160], sources[N_DOCS][32];

static off_t data_size(const char *path)
{
	char p[200];
	struct stat st;

	snprintf(p, sizeof p, "%s/data.mdb", path);
	ck_assert_int_eq(stat(p, &st), 0);
	return st.st_size;
}

static int has_leftover(const char *path)
{
	char p[200];

	snprintf(p, sizeof p, "%s/data.mdb.compact", path);
	return access(p, F_OK) == 0;
}

/* N_DOCS documents in batches of 50, then all but every tenth deleted:
 * the deletions rewrite segments and free most pages. */
static void fill_and_thin(struct cdx_index *ix)
{
	struct cdx_error err = CDX_ERROR_INIT;

	for (int b = 0; b < N_DOCS; b += 50) {
		struct cdx_index_writer *w;

		ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
		for (int i = b; i < b + 50; i++) {
			struct cdx_doc d;
			enum cdx_add_outcome o;

			snprintf(sources[i], sizeof sources[i], "doc%03d.txt", i);
			snprintf(texts[i], sizeof texts[i],
			         "Report %d: the mine at site%d shipped %d tonnes "
			         "of cobalt and word%d and word%d to the smelter.",
			         i, i, i * 7, i % 13, i % 29);
			d = mkdoc(sources[i], NULL, NULL, texts[i]);
			ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, &o,
			                                      NULL, &err),
			                 CDX_OK);
		}
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	}
	for (int i = 0; i < N_DOCS; i++)
		if (i % 10 != 0)
			ck_assert_int_eq(cdx_index_delete(ix, sources[i], &err),
			                 CDX_OK);
}

START_TEST(test_close_compacts)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_stats st;
	struct cdx_index *ix;
	struct tmp t;
	off_t before, after;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	fill_and_thin(ix);
	before = data_size(t.path);
	cdx_index_close(ix);
	after = data_size(t.path);
	ck_assert_msg(after < before, "%lld -> %lld bytes", (long long)before,
	              (long long)after);
	ck_assert(!has_leftover(t.path));
	ix = open_ix(t.path, 0, 0);
	assert_sound(ix);
	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	ck_assert_uint_eq(st.n_docs, N_DOCS / 10);
	ck_assert_uint_eq(hits_for(ix, "cobalt"), N_DOCS / 10);
	ck_assert_uint_eq(hits_for(ix, "site30"), 1);
	ck_assert_uint_eq(hits_for(ix, "site31"), 0);
	/* it stays writable: a new document after the swap */
	cdx_index_close(ix);
	ix = open_ix(t.path, 0, 0);
	{
		struct cdx_doc d = mkdoc("new.txt", NULL, NULL,
		                         "Gallium output rose.");

		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_NEW);
	}
	ck_assert_uint_eq(hits_for(ix, "gallium"), 1);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_no_compaction_beside_another_handle)
{
	struct cdx_index *ix;
	struct tmp t;
	off_t before;
	int fd;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	fill_and_thin(ix);
	before = data_size(t.path);
	/* what another process's handle holds */
	fd = open(t.path, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_SH), 0);
	cdx_index_close(ix);
	ck_assert_int_eq(data_size(t.path), before);
	ck_assert(!has_leftover(t.path));
	close(fd);
	/* a handle that only reads never compacts either */
	ix = open_ix(t.path, 0, 0);
	ck_assert_uint_eq(hits_for(ix, "cobalt"), N_DOCS / 10);
	cdx_index_close(ix);
	ck_assert_int_eq(data_size(t.path), before);
	/* the next writer does */
	ix = open_ix(t.path, 0, 0);
	{
		struct cdx_doc d = mkdoc("new.txt", NULL, NULL,
		                         "Gallium output rose.");

		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_NEW);
	}
	cdx_index_close(ix);
	ck_assert_int_lt(data_size(t.path), before);
	ix = open_ix(t.path, 0, 0);
	assert_sound(ix);
	ck_assert_uint_eq(hits_for(ix, "gallium"), 1);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

void index_add_compact_cases(Suite *s)
{
	TCase *tc = tcase_create("compaction at close");

	tcase_add_test(tc, test_close_compacts);
	tcase_add_test(tc, test_no_compaction_beside_another_handle);
	suite_add_tcase(s, tc);
}
