/*
 * main.c — `claimdex [--db DIR] COMMAND [ARGS]`: global options, the
 * command table and the shared helpers of cli/ (error printing, opening
 * the index and the extractor).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CLAIMDEX_VERSION "0.1.0"

struct command {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"ingest", cmd_ingest, "add files, folders or stdin to the index"},
	{"search", cmd_search, "ranked full-text search with snippets"},
	{"claims", cmd_claims, "list claims, by entity and kind"},
	{"entities", cmd_entities, "list entities with their claim counts"},
	{"extract", cmd_extract, "print the claims of files (no index)"},
	{"show", cmd_show, "print a document with its claims marked"},
	{"delete", cmd_delete, "remove a document from the index"},
	{"stats", cmd_stats, "figures about the index"},
	{"check", cmd_check, "verify the index's consistency"},
	{"audit", cmd_audit, "check claims against references and each other"},
	{"reference", cmd_reference, "load or list reference figures"},
};

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: claimdex [--db DIR] [--data DIR] [--quiet] COMMAND "
	        "[ARGS...]\n"
	        "\n"
	        "Index articles, extract the figures they state, and query "
	        "them.\n"
	        "\n"
	        "Commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
	        "\n"
	        "Options:\n"
	        "  --db DIR     index folder (default: $CLAIMDEX_DB, else "
	        "./claimdex.db)\n"
	        "  --data DIR   extractor data folder (default: "
	        "$CLAIMDEX_DATA, else built-in)\n"
	        "  -q, --quiet  no progress or summary lines\n"
	        "  --version    print the version\n"
	        "  -h, --help   this help; `claimdex COMMAND --help` for a "
	        "command's\n"
	        "\n"
	        "Exit status: 0 all well, 1 some inputs were rejected (the rest "
	        "was done),\n"
	        "2 usage error, 3 index error.\n");
}

void cli_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("claimdex: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_warn(void *ctx, const char *msg)
{
	struct cli *c = ctx;

	if (c == NULL || !c->quiet)
		fprintf(stderr, "claimdex: warning: %s\n", msg);
}

const char *cli_flat(char *buf, size_t cap, const char *s)
{
	size_t o = 0;
	int space = 0;

	if (cap == 0)
		return buf;
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
			space = o > 0;
			continue;
		}
		if (o + space + 1 >= cap)
			break;
		if (space)
			buf[o++] = ' ';
		space = 0;
		buf[o++] = (char)ch;
	}
	/* do not end inside a multi-byte character */
	while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80) {
		size_t k = o - 1;
		while (k > 0 && ((unsigned char)buf[k] & 0xC0) == 0x80)
			k--;
		{
			unsigned char lead = (unsigned char)buf[k];
			size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
			if (o - k >= need)
				break;
			o = k;
		}
	}
	if (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0xC0)
		o--;
	buf[o] = '\0';
	return buf;
}

long cli_parse_count(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < 0)
		return -1;
	return v;
}

int cli_open_index(struct cli *c, int create, struct cdx_index **out)
{
	struct cdx_index_options o = CDX_INDEX_OPTIONS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	int rc;

	o.flags = create ? CDX_INDEX_CREATE : 0;
	rc = cdx_index_open(out, c->db, &o, &err);
	if (rc != CDX_OK) {
		if (rc == CDX_ERR_NOTFOUND)
			cli_errorf("no index at '%s' (run `claimdex ingest` "
			           "first, or pass --db)",
			           c->db);
		else
			cli_errorf("%s", err.msg[0] ? err.msg : cdx_strerror(rc));
		return EXIT_INDEX;
	}
	return EXIT_OK;
}

int cli_open_extractor(struct cli *c, struct cdx_extractor **out)
{
	struct cdx_error err = CDX_ERROR_INIT;
	int rc = cdx_extract_new(out, c->data_dir, &err);

	if (rc != CDX_OK) {
		cli_errorf("cannot load extractor data: %s",
		           err.msg[0] ? err.msg : cdx_strerror(rc));
		return EXIT_INDEX;
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli c = {"claimdex", NULL, NULL, 0};
	int i;

	c.db = getenv("CLAIMDEX_DB");
	if (c.db == NULL || c.db[0] == '\0')
		c.db = "claimdex.db";
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return EXIT_OK;
		} else if (strcmp(a, "--version") == 0) {
			printf("claimdex %s\n", CLAIMDEX_VERSION);
			return EXIT_OK;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			c.quiet = 1;
		} else if (strcmp(a, "--db") == 0 || strcmp(a, "--data") == 0) {
			if (i + 1 >= argc) {
				cli_errorf("option '%s' needs a folder", a);
				return EXIT_USAGE;
			}
			if (a[2] == 'd' && a[3] == 'b')
				c.db = argv[++i];
			else
				c.data_dir = argv[++i];
		} else if (strncmp(a, "--db=", 5) == 0) {
			c.db = a + 5;
		} else if (strncmp(a, "--data=", 7) == 0) {
			c.data_dir = a + 7;
		} else {
			cli_errorf("unknown option '%s'", a);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
		if (strcmp(argv[i], commands[k].name) == 0)
			return commands[k].run(&c, argc - i, argv + i);
	}
	cli_errorf("unknown command '%s' (see `claimdex --help`)", argv[i]);
	return EXIT_USAGE;
}
