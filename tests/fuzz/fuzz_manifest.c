/*
 * fuzz_manifest.c — libFuzzer harness for collection manifests
 * (corpus/manifest.h) and the CSV/TSV record reader under them
 * (common/cdx_csv.h): the input is written to a temporary folder beside
 * two files its rows may name, loaded as a manifest, and applied to
 * documents named like files, collection items, parts and URLs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cdx_csv.h"
#include "manifest.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/cdx-fuzz-manifest-XXXXXX";
static char mpath[128];

static void cleanup(void)
{
	char p[160];

	snprintf(p, sizeof p, "%s/a.txt", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/b.sgm", dir);
	unlink(p);
	unlink(mpath);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char p[160];
	FILE *f;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(p, sizeof p, "%s/a.txt", dir);
	if ((f = fopen(p, "w")) == NULL)
		abort();
	fclose(f);
	snprintf(p, sizeof p, "%s/b.sgm", dir);
	if ((f = fopen(p, "w")) == NULL)
		abort();
	fclose(f);
	snprintf(mpath, sizeof mpath, "%s/m.tsv", dir);
	atexit(cleanup);
	return 0;
}

static void ignore(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *name;
		unsigned part;
	} docs[] = {
		{"a.txt", 0}, {"b.sgm#3", 0}, {"b.sgm#4", 0},
		{"a.txt#part2", 2}, {"https://example.org/x", 0},
		{"none.txt", 0},
	};
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_manifest *m = NULL;
	char *copy = malloc(size + 1);
	FILE *f = fopen(mpath, "wb");

	if (copy == NULL || f == NULL)
		abort();
	/* the record reader alone, with both delimiters */
	for (int d = 0; d < 2; d++) {
		struct cdx_csv c;
		char *fields[8];
		unsigned nl;

		memcpy(copy, data, size);
		copy[size] = '\0';
		cdx_csv_init(&c, copy, size, d ? '\t' : ',');
		while (cdx_csv_record(&c, fields, 8, &nl) > 0)
			;
	}
	free(copy);
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	if (cdx_manifest_load(&m, mpath, ignore, NULL, &err) != CDX_OK)
		return 0;
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		struct cdx_doc d;
		char src[200];

		memset(&d, 0, sizeof d);
		if (strncmp(docs[i].name, "https:", 6) == 0)
			snprintf(src, sizeof src, "%s", docs[i].name);
		else
			snprintf(src, sizeof src, "%s/%s", dir, docs[i].name);
		d.source = src;
		d.part = docs[i].part;
		if (cdx_manifest_apply(m, &d) == 1) {
			free(d.title);
			free(d.date);
			free(d.url);
		}
	}
	cdx_manifest_free(m);
	return 0;
}
