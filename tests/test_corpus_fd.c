/*
 * test_corpus_fd.c — cdx_corpus_read_fd(): a descriptor the caller opened
 * and fstat()ed. A regular file of known size is read up to that size
 * and no further (the descriptor's offset shows no read past it), is
 * rejected by size before any read, and gives what the same bytes give
 * from a pipe (size unknown) or by path, whole or read piece by piece
 * past the part cap; a size of 0 is read as unknown; the descriptor stays
 * open. A scratch buffer keeps its memory from file to file. Fixtures
 * are written here.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdx_buf.h"
#include "corpus.h"
#include "test_corpus.h"
#include "testutil.h"

#define MAX_DOCS 64

struct docs {
	struct cdx_doc *d[MAX_DOCS];
	size_t n;
};

static int keep(void *ctx, struct cdx_doc *doc)
{
	struct docs *g = ctx;

	ck_assert_uint_lt(g->n, MAX_DOCS);
	g->d[g->n++] = doc;
	return 0;
}

static void docs_free(struct docs *g)
{
	for (size_t i = 0; i < g->n; i++)
		cdx_doc_free(g->d[i]);
	g->n = 0;
}

/* A new temporary file holding @p s; path out, and the file open. */
static int temp_with(char *path, size_t cap, const char *s, size_t n)
{
	int fd;

	snprintf(path, cap, "/tmp/cdx-fd-XXXXXX.txt");
	fd = mkstemps(path, 4);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, s, n), (ssize_t)n);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static const char article[] =
	"Lithium output\n\nChile mined 44,000 tons of lithium in 2023, "
	"about 24 percent of the world's supply. Australia mined more.\n";

START_TEST(regular_file_read_to_its_size)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct docs g = {0}, h = {0};
	char path[64];
	struct stat st;
	int fd = temp_with(path, sizeof path, article, sizeof article - 1);

	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(cdx_corpus_read_fd(fd, path, (uint64_t)st.st_size,
	                                    NULL, keep, &g, &err),
	                 CDX_OK);
	/* no read past the size: the offset stops there */
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), st.st_size);
	ck_assert_int_eq(cdx_corpus_read_file(path, NULL, keep, &h, &err),
	                 CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(g.d[0]->source, path);
	ck_assert_str_eq(g.d[0]->text, h.d[0]->text);
	ck_assert_str_eq(g.d[0]->title, "Lithium output");
	docs_free(&g);
	docs_free(&h);

	/* bytes past the size given (appended after the fstat) are not
	 * read: the text is the file as it was */
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(cdx_corpus_read_fd(fd, path, 60, NULL, keep, &g,
	                                    &err),
	                 CDX_OK);
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 60);
	ck_assert_int_eq(cdx_corpus_read_buffer(path, article, 60, NULL, keep,
	                                        &h, &err),
	                 CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.d[0]->text, h.d[0]->text);
	docs_free(&g);
	docs_free(&h);

	/* size 0 is unknown (/proc files say 0): read to the end */
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(cdx_corpus_read_fd(fd, path, 0, NULL, keep, &g,
	                                    &err),
	                 CDX_OK);
	ck_assert_int_eq(cdx_corpus_read_buffer(path, article,
	                                        sizeof article - 1, NULL, keep,
	                                        &h, &err),
	                 CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.d[0]->text, h.d[0]->text);
	docs_free(&g);
	docs_free(&h);

	/* the descriptor is still the caller's to close */
	ck_assert_int_eq(close(fd), 0);
	unlink(path);
}
END_TEST

START_TEST(too_large_by_size_before_reading)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	struct docs g = {0};
	char path[64], want[160];
	int fd = temp_with(path, sizeof path, article, sizeof article - 1);

	o.max_bytes = 100;
	ck_assert_int_eq(cdx_corpus_read_fd(fd, "a.txt", sizeof article - 1, &o,
	                                    keep, &g, &err),
	                 CDX_ERR_LIMIT);
	ck_assert_str_eq(err.msg, "'a.txt': file is larger than the 100 bytes "
	                          "limit");
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 0);
	ck_assert_uint_eq(g.n, 0);
	/* size unknown: the limit is found by reading */
	ck_assert_int_eq(cdx_corpus_read_fd(fd, "a.txt", CDX_READ_SIZE_UNKNOWN,
	                                    &o, keep, &g, &err),
	                 CDX_ERR_LIMIT);
	snprintf(want, sizeof want, "'a.txt': file is larger than the 100 "
	         "bytes limit");
	ck_assert_str_eq(err.msg, want);
	close(fd);
	unlink(path);
}
END_TEST

/* The same bytes through a pipe (size unknown), whole. */
static void read_piped(const char *s, size_t n,
                       const struct cdx_read_options *o, struct docs *g)
{
	struct cdx_error err = CDX_ERROR_INIT;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_uint_le(n, 60000); /* fits the pipe's buffer */
	ck_assert_int_eq(write(p[1], s, n), (ssize_t)n);
	close(p[1]);
	ck_assert_int_eq(cdx_corpus_read_fd(p[0], "p.txt",
	                                    CDX_READ_SIZE_UNKNOWN, o, keep, g,
	                                    &err),
	                 CDX_OK);
	close(p[0]);
}

/* Past the part cap the file is read piece by piece; ending each read at
 * the size (no read of 0 bytes) gives the same parts as a pipe. */
START_TEST(pieces_end_at_the_size)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	struct docs g = {0}, h = {0};
	char path[64], *s = malloc(8000);
	size_t n = 0;
	int fd;

	ck_assert_ptr_nonnull(s);
	for (int i = 0; n < 7000; i++)
		n += (size_t)sprintf(s + n, "Chile produced %d%% of the copper "
		                     "in %d.%s", i % 90, 1990 + i % 30,
		                     i % 3 == 2 ? "\n\n" : " ");
	o.part_max = 1024;
	fd = temp_with(path, sizeof path, s, n);
	ck_assert_int_eq(cdx_corpus_read_fd(fd, "p.txt", n, &o, keep, &g, &err),
	                 CDX_OK);
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), (off_t)n);
	read_piped(s, n, &o, &h);
	ck_assert_uint_gt(g.n, 1);
	ck_assert_uint_eq(g.n, h.n);
	for (size_t i = 0; i < g.n; i++) {
		ck_assert_str_eq(g.d[i]->source, h.d[i]->source);
		ck_assert_uint_eq(g.d[i]->base, h.d[i]->base);
		ck_assert_str_eq(g.d[i]->text, h.d[i]->text);
	}
	docs_free(&g);
	docs_free(&h);
	close(fd);
	unlink(path);
	free(s);
}
END_TEST

/* Files read into the caller's scratch buffer give what they give
 * without it; the buffer keeps its memory for the next file, even after
 * a rejected one, and a file streamed past the part cap leaves it
 * empty. */
START_TEST(scratch_is_reused)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	struct cdx_buf scratch = CDX_BUF_INIT(0);
	struct docs g = {0}, h = {0};
	char path[64], big[64], *s = malloc(4000);
	const char *kept;
	size_t n = 0;
	int fd;

	ck_assert_ptr_nonnull(s);
	fd = temp_with(path, sizeof path, article, sizeof article - 1);
	close(fd);
	o.scratch = &scratch;
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, keep, &g, &err),
	                 CDX_OK);
	ck_assert_int_eq(cdx_corpus_read_file(path, NULL, keep, &h, &err),
	                 CDX_OK);
	ck_assert_str_eq(g.d[0]->text, h.d[0]->text);
	ck_assert_ptr_nonnull(scratch.ptr);
	ck_assert_uint_eq(scratch.len, 0);
	kept = scratch.ptr;
	docs_free(&g);
	docs_free(&h);
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, keep, &g, &err),
	                 CDX_OK);
	ck_assert_ptr_eq(scratch.ptr, kept); /* the same memory again */
	docs_free(&g);

	/* rejected by its size while reading: the buffer stays usable */
	o.max_bytes = 50;
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(cdx_corpus_read_fd(fd, path, CDX_READ_SIZE_UNKNOWN,
	                                    &o, keep, &g, &err),
	                 CDX_ERR_LIMIT);
	close(fd);
	ck_assert_ptr_nonnull(scratch.ptr);
	kept = scratch.ptr;
	o.max_bytes = CDX_READ_MAX_BYTES;
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, keep, &g, &err),
	                 CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_ptr_eq(scratch.ptr, kept);
	docs_free(&g);

	/* past the part cap: read in pieces, the buffer given up */
	for (int i = 0; n < 3000; i++)
		n += (size_t)sprintf(s + n, "Peru produced %d%% of the zinc. ",
		                     i % 90);
	fd = temp_with(big, sizeof big, s, n);
	close(fd);
	o.part_max = 1024;
	ck_assert_int_eq(cdx_corpus_read_file(big, &o, keep, &g, &err),
	                 CDX_OK);
	ck_assert_uint_gt(g.n, 1);
	ck_assert_ptr_null(scratch.ptr);
	docs_free(&g);
	cdx_buf_release(&scratch);
	unlink(path);
	unlink(big);
	free(s);
}
END_TEST

TCase *corpus_fd_tcase(void)
{
	TCase *tc = tcase_create("read from a descriptor");

	tcase_add_test(tc, regular_file_read_to_its_size);
	tcase_add_test(tc, too_large_by_size_before_reading);
	tcase_add_test(tc, pieces_end_at_the_size);
	tcase_add_test(tc, scratch_is_reused);
	return tc;
}
