/* test_headers.c — every public header compiles alone under -std=c11
 * -pedantic -Werror (libinput's build-pedantic test). */
#include "cdx_buf.h"
#include "cdx_csv.h"
#include "cdx_hash.h"
#include "cdx_error.h"
#include "corpus.h"
#include "manifest.h"
#include "extract.h"
#include "index.h"
#include "audit.h"

int main(void)
{
	return 0;
}
