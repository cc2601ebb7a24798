/* test_common.c — the buffer and error helpers every module leans on. */
#include <string.h>

#include "cdx_buf.h"
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

Suite *common_suite(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("buffers and errors");

	tcase_add_test(tc, buf_appends_and_terminates);
	tcase_add_test(tc, buf_cap_is_sticky);
	tcase_add_test(tc, buf_grows_past_initial);
	tcase_add_test(tc, error_set_formats_and_returns_code);
	suite_add_tcase(s, tc);
	return s;
}
