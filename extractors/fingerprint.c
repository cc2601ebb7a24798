/*
 * fingerprint.c — a 64-bit fingerprint of the extractor's data as
 * loaded: the name and bytes of every file in the data folder (hidden
 * ones aside), in name order. Computed once when the extractor is made
 * (cdx_extract_new), so that `ingest` can tell whether a file's claims
 * could come out otherwise than when it was stamped (cli/stamp.c): other
 * --data, or edited word lists, change it. Every file counts, not only
 * those read today: a file added to the folder for a newer claimdex
 * changes the fingerprint too, which at worst re-reads what was
 * unchanged.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"

/* FNV-1a, 64 bits, eight bytes a step (a byte a step cost every run
 * 0.45 million instructions for the 60 KB of data). */
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, b + i, 8);
		h = (h ^ w) * FNV_PRIME;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ b[i]) * FNV_PRIME;
	return h;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fold file @p dir/@p name (its name, its length, its bytes) into *h. */
static int fold_file(const char *dir, const char *name, uint64_t *h,
                     struct cdx_error *err)
{
	char path[4096], buf[8192];
	uint64_t len = 0;
	size_t n;
	FILE *fp;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    sizeof path)
		return cdx_error_set(err, CDX_ERR_IO, "data path too long: '%s'",
		                     dir);
	fp = fopen(path, "rb");
	if (fp == NULL) /* a folder, or gone: not data the loader read */
		return errno == EISDIR ? CDX_OK :
		       cdx_error_set(err, CDX_ERR_IO, "cannot open '%s': %s",
		                     path, strerror(errno));
	*h = fnv(*h, name, strlen(name) + 1);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		*h = fnv(*h, buf, n);
		len += n;
	}
	*h = fnv(*h, &len, sizeof len);
	n = (size_t)ferror(fp);
	fclose(fp);
	return n ? cdx_error_set(err, CDX_ERR_IO, "cannot read '%s'", path)
	         : CDX_OK;
}

int extract_fingerprint_compute(const char *dir, uint64_t *out,
                                struct cdx_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	uint64_t h = FNV_OFFSET;
	int rc = CDX_OK;

	*out = 0;
	if (d == NULL)
		return cdx_error_set(err, CDX_ERR_IO, "cannot open '%s': %s", dir,
		                     strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **v = realloc(names, ncap * sizeof *v);

			if (v == NULL) {
				rc = CDX_ERR_NOMEM;
				goto cleanup;
			}
			names = v;
			cap = ncap;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			rc = CDX_ERR_NOMEM;
			goto cleanup;
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n && rc == CDX_OK; i++)
		rc = fold_file(dir, names[i], &h, err);
	if (rc == CDX_OK)
		*out = h;
cleanup:
	if (rc == CDX_ERR_NOMEM)
		cdx_error_set(err, rc, "out of memory");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

uint64_t cdx_extract_fingerprint(const struct cdx_extractor *ex)
{
	return ex->fingerprint;
}
