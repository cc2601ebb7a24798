/*
 * test_cli_walk.c — what `ingest` reads of the paths it is given: in a
 * folder, links to files and to folders are followed (readdir() says
 * "link", so they are stat()ed), a dangling link is reported by name and
 * reason, sockets and pipes are skipped (a pipe is never opened, so the
 * walk cannot block on it); on the command line a link to a file or a
 * folder is read as what it points to, and a path that cannot be opened
 * (a dangling link, a socket, a mode-0 file for a user other than root)
 * gets one line naming it with the reason, the rest being indexed.
 *
 * The binary is $CLAIMDEX_BIN (meson sets it); each test works in a
 * fresh temporary folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cliutil.h"
#include "testutil.h"

static char tmpdir[256];

#define run(...) cdx_test_run(tmpdir, NULL, __VA_ARGS__)

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cdx-walk-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", tmpdir,
	         tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *in_tmp(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", tmpdir, name);
	return buf;
}

/* A text file @p name under tmpdir about @p metal. */
static void article(const char *name, const char *metal)
{
	char path[512];
	FILE *f = fopen(in_tmp(path, sizeof path, name), "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "Chile mined 44,000 tons of %s in 2023, about 24 percent "
	        "of the world's %s.\n", metal, metal);
	fclose(f);
}

static void folder(const char *name)
{
	char path[512];

	ck_assert_int_eq(mkdir(in_tmp(path, sizeof path, name), 0755), 0);
}

static void link_to(const char *target, const char *name)
{
	char path[512];

	ck_assert_int_eq(symlink(target, in_tmp(path, sizeof path, name)), 0);
}

/* A listening UNIX socket bound at @p name; close the descriptor. */
static int unix_socket(const char *name)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	in_tmp(a.sun_path, sizeof a.sun_path, name);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	return fd;
}

/* Document @p source is in index @p db. */
static void assert_stored(const char *db, const char *source)
{
	struct cdx_run o = run("--db", db, "show", source, NULL);

	ck_assert_msg(o.status == 0, "'%s' not stored: %s", source, o.err);
	cdx_run_free(&o);
}

static void assert_documents(const char *db, unsigned n)
{
	char want[64];
	struct cdx_run o = run("--db", db, "stats", "--json", NULL);

	snprintf(want, sizeof want, "\"documents\":%u,", n);
	ck_assert_msg(strstr(o.out, want) != NULL, "want %s in %s", want,
	              o.out);
	cdx_run_free(&o);
}

START_TEST(folder_links_followed_others_skipped)
{
	char db[512], in[512], p[512];
	struct cdx_run o;
	int sock;

	folder("in");
	folder("in/sub");
	folder("elsewhere");
	folder("other");
	article("in/a.txt", "lithium");
	article("in/sub/c.txt", "copper");
	article("elsewhere/b.txt", "cobalt");
	article("other/d.txt", "graphite");
	link_to("../elsewhere/b.txt", "in/link-file.txt");
	link_to("../other", "in/link-dir");
	link_to("/nonexistent/cdx", "in/dangling.txt");
	ck_assert_int_eq(mkfifo(in_tmp(p, sizeof p, "in/pipe.txt"), 0644), 0);
	sock = unix_socket("in/sock.txt");
	in_tmp(db, sizeof db, "db");
	in_tmp(in, sizeof in, "in");
	o = run("--db", db, "ingest", "--threads", "1", in, NULL);
	close(sock);
	ck_assert_int_eq(o.status, 1);
	snprintf(p, sizeof p, "cannot read '%s/dangling.txt': No such file or "
	         "directory", in);
	ck_assert_msg(strstr(o.err, p) != NULL, "%s", o.err);
	ck_assert_ptr_null(strstr(o.err, "pipe.txt"));
	ck_assert_ptr_null(strstr(o.err, "sock.txt"));
	cdx_run_free(&o);
	assert_documents(db, 4);
	snprintf(p, sizeof p, "%s/a.txt", in);
	assert_stored(db, p);
	snprintf(p, sizeof p, "%s/link-file.txt", in);
	assert_stored(db, p);
	snprintf(p, sizeof p, "%s/link-dir/d.txt", in);
	assert_stored(db, p);
	snprintf(p, sizeof p, "%s/sub/c.txt", in);
	assert_stored(db, p);
}
END_TEST

START_TEST(command_line_links_and_unopenable_paths)
{
	char db[512], f[512], d[512], bad[512], s[512], slash[512], want[700];
	struct cdx_run o;
	int sock;

	folder("dir");
	article("dir/x.txt", "nickel");
	article("y.txt", "zinc");
	link_to("y.txt", "to-file");
	link_to("dir", "to-dir");
	link_to("/nonexistent/cdx", "dangling");
	sock = unix_socket("sock");
	in_tmp(db, sizeof db, "db");
	in_tmp(f, sizeof f, "to-file");
	in_tmp(d, sizeof d, "to-dir");
	in_tmp(bad, sizeof bad, "dangling");
	in_tmp(s, sizeof s, "sock");
	in_tmp(slash, sizeof slash, "dir/");
	o = run("--db", db, "ingest", f, bad, d, s, NULL);
	close(sock);
	ck_assert_int_eq(o.status, 1);
	snprintf(want, sizeof want,
	         "cannot open '%s': No such file or directory", bad);
	ck_assert_msg(strstr(o.err, want) != NULL, "%s", o.err);
	snprintf(want, sizeof want,
	         "cannot open '%s': No such device or address", s);
	ck_assert_msg(strstr(o.err, want) != NULL, "%s", o.err);
	cdx_run_free(&o);
	assert_documents(db, 2);
	assert_stored(db, f);
	snprintf(want, sizeof want, "%s/x.txt", d);
	assert_stored(db, want);
	/* a folder named with its slash: no second one in the sources */
	in_tmp(db, sizeof db, "db2");
	o = run("--db", db, "ingest", slash, NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	snprintf(want, sizeof want, "%sx.txt", slash);
	assert_stored(db, want);
}
END_TEST

/* A file its user may not open; root opens anything, so for root the
 * file is read and only the count is checked. */
START_TEST(unopenable_file_in_a_folder)
{
	char db[512], in[512], p[512];
	struct cdx_run o;

	folder("in");
	article("in/a.txt", "lithium");
	article("in/locked.txt", "copper");
	ck_assert_int_eq(chmod(in_tmp(p, sizeof p, "in/locked.txt"), 0), 0);
	in_tmp(db, sizeof db, "db");
	in_tmp(in, sizeof in, "in");
	o = run("--db", db, "ingest", in, NULL);
	if (geteuid() == 0) {
		ck_assert_int_eq(o.status, 0);
		cdx_run_free(&o);
		assert_documents(db, 2);
		return;
	}
	ck_assert_int_eq(o.status, 1);
	snprintf(p, sizeof p, "cannot open '%s/locked.txt': Permission denied",
	         in);
	ck_assert_msg(strstr(o.err, p) != NULL, "%s", o.err);
	cdx_run_free(&o);
	assert_documents(db, 1);
}
END_TEST

Suite *cli_walk_suite(void)
{
	Suite *s = suite_create("cli walk");
	TCase *tc = tcase_create("paths, links and folders");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, folder_links_followed_others_skipped);
	tcase_add_test(tc, command_line_links_and_unopenable_paths);
	tcase_add_test(tc, unopenable_file_in_a_folder);
	suite_add_tcase(s, tc);
	return s;
}
