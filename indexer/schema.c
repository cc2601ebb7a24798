/* schema.c — placeholder: the indexer module lands here. */
#include "index.h"

void cdx_doc_info_release(struct cdx_doc_info *d);
