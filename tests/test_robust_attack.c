/*
 * test_robust_attack.c — inputs crafted to hurt a parser: XML external
 * entities (a file, a parameter entity, an external DTD, the network),
 * entity expansion bombs, and text pathological for the extractor's
 * regular expressions. None may read a file, open a connection, grow
 * without bound or fail to end.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "extract.h"
#include "test_robust.h"
#include "testutil.h"

#define SECRET "claimdex-secret-marker-7f3a"

static char tmpdir[256];

static void setup(void)
{
	robust_tmp_new(tmpdir);
}

static void teardown(void)
{
	robust_tmp_remove(tmpdir);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* A listening TCP socket on 127.0.0.1; *port gets its port. */
static int listener(int *port)
{
	struct sockaddr_in a;
	socklen_t n = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &n), 0);
	*port = ntohs(a.sin_port);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

START_TEST(external_entities_are_never_resolved)
{
	struct robust_got g = {0};
	char secret[300], dtd[300], xml[2048];
	int port, fd = listener(&port);

	snprintf(secret, sizeof secret, "%s/secret.txt", tmpdir);
	write_file(secret, SECRET "\n");
	snprintf(dtd, sizeof dtd, "%s/evil.dtd", tmpdir);
	snprintf(xml, sizeof xml, "<!ENTITY dtdent SYSTEM \"file://%s\">\n",
	         secret);
	write_file(dtd, xml);
	snprintf(xml, sizeof xml,
	         "<?xml version=\"1.0\"?>\n"
	         "<!DOCTYPE r SYSTEM \"file://%s\" [\n"
	         "<!ENTITY file SYSTEM \"file://%s\">\n"
	         "<!ENTITY net SYSTEM \"http://127.0.0.1:%d/x\">\n"
	         "<!ENTITY %% pe SYSTEM \"file://%s\">\n"
	         "%%pe;\n"
	         "]>\n"
	         "<r><title>T &file;</title><p>A &file; B &net; C &dtdent; "
	         "Platinum rose 1%% in 2023.</p></r>\n",
	         dtd, secret, port, dtd);
	ck_assert_int_eq(robust_read_buf("xxe.xml", xml, strlen(xml), &g),
	                 CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert(robust_text_has(&g, "Platinum rose 1% in 2023."));
	ck_assert(!robust_text_has(&g, SECRET));
	ck_assert(g.docs[0]->title == NULL ||
	          strstr(g.docs[0]->title, SECRET) == NULL);
	/* the same entities in a feed item and through the HTML parser */
	robust_got_free(&g);
	snprintf(xml, sizeof xml,
	         "<?xml version=\"1.0\"?>\n"
	         "<!DOCTYPE rss [<!ENTITY file SYSTEM \"file://%s\">\n"
	         "<!ENTITY net SYSTEM \"http://127.0.0.1:%d/y\">]>\n"
	         "<rss><channel><item><title>&file;</title><description>"
	         "Tin rose 9%%. &file; &net; &lt;b&gt;&amp;file;&lt;/b&gt;"
	         "</description></item></channel></rss>\n",
	         secret, port);
	ck_assert_int_eq(robust_read_buf("xxe.rss", xml, strlen(xml), &g),
	                 CDX_OK);
	ck_assert(robust_text_has(&g, "Tin rose 9%."));
	ck_assert(!robust_text_has(&g, SECRET));
	robust_got_free(&g);
	/* nobody knocked */
	ck_assert_int_lt(accept(fd, NULL, NULL), 0);
	close(fd);
}
END_TEST

START_TEST(billion_laughs_ends_small)
{
	struct robust_got g = {0};

	ck_assert_int_eq(robust_read("billion-laughs.xml", &g, NULL), CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert(robust_text_has(&g, "Uranium output rose 3% in 2023."));
	ck_assert_uint_lt(g.docs[0]->len, 1024);
	ck_assert(!robust_text_has(&g, "lollol"));
	robust_got_free(&g);
}
END_TEST

START_TEST(quadratic_blowup_ends_small)
{
	struct robust_got g = {0};
	size_t big = 20000, refs = 20000, n = 0;
	char *s = malloc(big + refs * 3 + 256);

	/* one 20 KB entity referenced 20,000 times: 400 MB if expanded */
	ck_assert_ptr_nonnull(s);
	n += (size_t)sprintf(s, "<?xml version=\"1.0\"?><!DOCTYPE r "
	                        "[<!ENTITY a \"");
	memset(s + n, 'a', big);
	n += big;
	n += (size_t)sprintf(s + n, "\">]><r><p>Zinc rose 2%%.</p><p>");
	for (size_t i = 0; i < refs; i++, n += 3)
		memcpy(s + n, "&a;", 3);
	n += (size_t)sprintf(s + n, "</p></r>");
	ck_assert_int_eq(robust_read_buf("quad.xml", s, n, &g), CDX_OK);
	ck_assert(robust_text_has(&g, "Zinc rose 2%."));
	/* the text is the file with its markup blanked (xmltext.c): never
	 * longer than the input, and without the entity's text */
	ck_assert_uint_le(g.docs[0]->len, n);
	ck_assert(!robust_text_has(&g, "aaaaaaaa"));
	ck_assert(!robust_text_has(&g, "&a;"));
	robust_got_free(&g);
	free(s);
}
END_TEST

START_TEST(pathological_text_for_the_patterns)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_extractor *ex = NULL;
	struct cdx_extract_scratch *scr = NULL;
	struct cdx_claims claims = CDX_CLAIMS_INIT;
	static const char *const units[] = {
		"1,", "1.", "1 ", "$1", "1%", "1-", "1 to ", "one ",
		"1 million ", "(1) ", "about ", "per cent ",
	};
	size_t n = (size_t)256 << 10;
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(cdx_extract_new(&ex, NULL, &err), CDX_OK);
	ck_assert_int_eq(cdx_extract_scratch_new(&scr, ex, &err), CDX_OK);
	/* one sentence of each repeated fragment: no full stop to split at
	 * except inside numbers, many partial matches everywhere */
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		struct cdx_doc *doc = NULL;
		size_t k = strlen(units[u]), i = 0;
		unsigned hits = 0;

		for (; i + k <= n; i += k)
			memcpy(s + i, units[u], k);
		s[i] = '\0';
		ck_assert_int_eq(cdx_doc_new(&doc, "p.txt", NULL, NULL, s, i,
		                             &err),
		                 CDX_OK);
		claims.n = 0;
		ck_assert_int_eq(cdx_extract_run(ex, scr, doc, &claims, &hits,
		                                 &err),
		                 CDX_OK);
		for (size_t c = 0; c < claims.n; c++)
			ck_assert_uint_le(claims.v[c].end, doc->len);
		cdx_doc_free(doc);
	}
	cdx_claims_release(&claims);
	cdx_extract_scratch_free(scr);
	cdx_extract_free(ex);
	free(s);
}
END_TEST

void robust_add_attack_cases(Suite *s)
{
	TCase *tc = tcase_create("parser attacks fail");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, external_entities_are_never_resolved);
	tcase_add_test(tc, billion_laughs_ends_small);
	tcase_add_test(tc, quadratic_blowup_ends_small);
	tcase_add_test(tc, pathological_text_for_the_patterns);
	suite_add_tcase(s, tc);
}
