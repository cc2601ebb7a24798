/* format.c — names of the input formats. */
#include "corpus.h"

const char *cdx_format_name(enum cdx_format f)
{
	switch (f) {
	case CDX_FMT_AUTO: return "auto";
	case CDX_FMT_TEXT: return "text";
	case CDX_FMT_HTML: return "html";
	case CDX_FMT_XML: return "xml";
	case CDX_FMT_SGML: return "sgml";
	case CDX_FMT_JSONL: return "jsonl";
	}
	return "unknown";
}
