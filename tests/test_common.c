/* test_common.c — the buffer, error and CSV helpers every module leans
 * on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cdx_buf.h"
#include "cdx_csv.h"
#include "cdx_hash.h"
#include "cdx_error.h"
#include "testutil.h"

START_TEST(buf_appends_and_terminates)
{
	struct cdx_buf b = CDX_BUF_INIT(1024);

	ck_assert_int_eq(cdx_buf_puts(&b, "abc"), CDX_OK);
	ck_assert_int_eq(cdx_buf_putc(&b, 'd'), CDX_OK);
	ck_assert_int_eq(cdx_buf_printf(&b, "-%d", 42), CDX_OK);
	ck_assert_str_eq(b.ptr, "abcd-42");
	ck_assert_uint_eq(b.len, 7);
	cdx_buf_release(&b);
	ck_assert_ptr_null(b.ptr);
}
END_TEST

START_TEST(buf_cap_is_sticky)
{
	struct cdx_buf b = CDX_BUF_INIT(4);

	ck_assert_int_eq(cdx_buf_puts(&b, "abcd"), CDX_OK);
	ck_assert_int_eq(cdx_buf_putc(&b, 'e'), CDX_ERR_LIMIT);
	ck_assert_ptr_null(b.ptr);
	/* once failed, every further append fails the same way */
	ck_assert_int_eq(cdx_buf_putc(&b, 'x'), CDX_ERR_LIMIT);
	cdx_buf_clear(&b);
	ck_assert_int_eq(cdx_buf_putc(&b, 'x'), CDX_OK);
	cdx_buf_release(&b);
}
END_TEST

START_TEST(buf_grows_past_initial)
{
	struct cdx_buf b = CDX_BUF_INIT(1 << 20);
	char *s;
	int i;

	for (i = 0; i < 10000; i++)
		ck_assert_int_eq(cdx_buf_putc(&b, (char)('a' + i % 26)), CDX_OK);
	ck_assert_uint_eq(b.len, 10000);
	s = cdx_buf_detach(&b);
	ck_assert_uint_eq(strlen(s), 10000);
	ck_assert_ptr_null(b.ptr);
	free(s);
	s = cdx_buf_detach(&b); /* empty buffer detaches as "" */
	ck_assert_str_eq(s, "");
	free(s);
	cdx_buf_release(NULL);
}
END_TEST

START_TEST(error_set_formats_and_returns_code)
{
	struct cdx_error err = CDX_ERROR_INIT;

	ck_assert_int_eq(cdx_error_set(&err, CDX_ERR_IO, "cannot open '%s'", "x"),
	                 CDX_ERR_IO);
	ck_assert_str_eq(err.msg, "cannot open 'x'");
	ck_assert_int_eq(err.code, CDX_ERR_IO);
	ck_assert_int_eq(cdx_error_set(NULL, CDX_ERR_FAIL, "ignored"),
	                 CDX_ERR_FAIL);
	cdx_error_clear(&err);
	ck_assert_int_eq(err.code, CDX_OK);
	ck_assert_str_eq(err.msg, "");
	ck_assert_str_eq(cdx_strerror(CDX_ERR_MAPFULL),
	                 "index is full; raise the map size");
	ck_assert_str_eq(cdx_strerror(12345), "unknown error");
}
END_TEST

START_TEST(csv_quotes_line_ends_and_bom)
{
	char buf[] = "\xef\xbb\xbf" "a,\"b, \"\"c\"\"\nd\",e\r\n"
	             "\"open,x\n";
	struct cdx_csv c;
	char *f[4];
	unsigned nl;

	cdx_csv_init(&c, buf, strlen(buf), ',');
	ck_assert_int_eq(cdx_csv_record(&c, f, 4, &nl), 3);
	ck_assert_str_eq(f[0], "a");
	ck_assert_str_eq(f[1], "b, \"c\"\nd");
	ck_assert_str_eq(f[2], "e");
	ck_assert_uint_eq(nl, 2);
	ck_assert_int_eq(c.unclosed, 0);
	ck_assert_int_eq(cdx_csv_record(&c, f, 4, &nl), 1);
	ck_assert_int_eq(c.unclosed, 1);
	ck_assert_int_eq(cdx_csv_record(&c, f, 4, &nl), 0);
}
END_TEST

START_TEST(tsv_has_no_quoting_and_counts_extra_fields)
{
	char buf[] = "\"a\"\tb,c\t\t\n1\t2\t3\t4\t5\n";
	struct cdx_csv c;
	char *f[3];
	unsigned nl;

	cdx_csv_init(&c, buf, strlen(buf), '\t');
	ck_assert_int_eq(cdx_csv_record(&c, f, 3, &nl), 4);
	ck_assert_str_eq(f[0], "\"a\"");
	ck_assert_str_eq(f[1], "b,c");
	ck_assert_str_eq(f[2], "");
	ck_assert_int_eq(cdx_csv_record(&c, f, 3, &nl), 5); /* 3 stored */
	ck_assert_str_eq(f[2], "3");
}
END_TEST

START_TEST(read_all_limits_and_errors)
{
	struct cdx_error err = CDX_ERROR_INIT;
	char path[] = "/tmp/cdx-common-XXXXXX", *data = NULL;
	size_t len = 1;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "0123456789", 10), 10);
	close(fd);
	ck_assert_int_eq(cdx_file_read_all(path, 10, &data, &len, &err),
	                 CDX_OK);
	ck_assert_str_eq(data, "0123456789");
	ck_assert_uint_eq(len, 10);
	free(data);
	ck_assert_int_eq(cdx_file_read_all(path, 9, &data, &len, &err),
	                 CDX_ERR_LIMIT);
	ck_assert_ptr_null(data);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	unlink(path);
	ck_assert_int_eq(cdx_file_read_all(path, 9, &data, &len, &err),
	                 CDX_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err.msg, "No such file"));
}
END_TEST

START_TEST(hash_folds_files_as_their_bytes)
{
	struct cdx_error err = CDX_ERROR_INIT;
	char path[] = "/tmp/cdx-hash-XXXXXX";
	uint64_t h = CDX_HASH_INIT, len = 0;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "rare earth oxides", 17), 17);
	close(fd);
	ck_assert_int_eq(cdx_hash_fold_file(&h, path, &len, &err), CDX_OK);
	ck_assert_uint_eq(len, 17);
	ck_assert(h == cdx_hash_fold(CDX_HASH_INIT, "rare earth oxides", 17));
	ck_assert(h != cdx_hash_fold(CDX_HASH_INIT, "rare earth oxide", 16));
	ck_assert(cdx_hash_fold_u64(1, 2) != cdx_hash_fold_u64(1, 3));
	unlink(path);
	ck_assert_int_eq(cdx_hash_fold_file(&h, path, NULL, &err), CDX_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	ck_assert_int_eq(cdx_hash_fold_file(&h, "/tmp", NULL, &err),
	                 CDX_ERR_NOTFOUND);
}
END_TEST

Suite *common_suite(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("buffers and errors");

	tcase_add_test(tc, buf_appends_and_terminates);
	tcase_add_test(tc, buf_cap_is_sticky);
	tcase_add_test(tc, buf_grows_past_initial);
	tcase_add_test(tc, error_set_formats_and_returns_code);
	suite_add_tcase(s, tc);
	tc = tcase_create("csv");
	tcase_add_test(tc, csv_quotes_line_ends_and_bom);
	tcase_add_test(tc, tsv_has_no_quoting_and_counts_extra_fields);
	tcase_add_test(tc, read_all_limits_and_errors);
	tcase_add_test(tc, hash_folds_files_as_their_bytes);
	suite_add_tcase(s, tc);
	return s;
}
