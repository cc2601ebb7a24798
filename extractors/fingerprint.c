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

#include "cdx_hash.h"
#include "extract_int.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fold file @p dir/@p name (its name, its length, its bytes) into *h;
 * a folder is no data the loader reads and folds nothing. */
static int fold_file(const char *dir, const char *name, uint64_t *h,
                     struct cdx_error *err)
{
	char path[4096];
	uint64_t len = 0, g = cdx_hash_fold(*h, name, strlen(name) + 1);
	int rc;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    sizeof path)
		return cdx_error_set(err, CDX_ERR_IO, "data path too long: '%s'",
		                     dir);
	rc = cdx_hash_fold_file(&g, path, &len, err);
	if (rc == CDX_ERR_NOTFOUND)
		return CDX_OK;
	if (rc == CDX_OK)
		*h = cdx_hash_fold(g, &len, sizeof len);
	return rc;
}

int extract_fingerprint_compute(const char *dir, uint64_t *out,
                                struct cdx_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	uint64_t h = CDX_HASH_INIT;
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
