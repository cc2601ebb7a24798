/*
 * cdx_hash.h — a 64-bit running hash for fingerprints: what the
 * extractor's data (extractors/fingerprint.c) and an ingest's stamps
 * (cli/stamp.c) fold their inputs into. Not for hash tables (the index
 * has its own, indexer/util.c) nor for anything adversarial.
 */
#ifndef CDX_HASH_H
#define CDX_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "cdx_error.h"

/** The value to start folding from. */
#define CDX_HASH_INIT 0xcbf29ce484222325ULL

/** Fold @p n bytes at @p p into @p h (FNV-1a, eight bytes a step). */
uint64_t cdx_hash_fold(uint64_t h, const void *p, size_t n);

/** Fold the value @p v (as eight little-endian bytes) into @p h. */
uint64_t cdx_hash_fold_u64(uint64_t h, uint64_t v);

/**
 * Fold the bytes of the file at @p path into *@p h, and its length into
 * *@p len when not NULL. @return CDX_OK; CDX_ERR_NOTFOUND (no message)
 * when @p path is a folder; CDX_ERR_IO (the message names the file).
 */
int cdx_hash_fold_file(uint64_t *h, const char *path, uint64_t *len,
                       struct cdx_error *err) CDX_WUR;

#endif
