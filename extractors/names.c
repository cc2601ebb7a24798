/* names.c — the names of kinds, qualifiers, changes and entity types, as claims.md
 * spells them (the JSON contract depends on these exact strings). */
#include <string.h>

#include "extract.h"

static const char *const kind_names[CDX_KIND_COUNT_] = {
	"percent", "mass", "money", "count", "date", "agreement", "quantity",
};

const char *cdx_kind_name(enum cdx_claim_kind k)
{
	if ((unsigned)k >= CDX_KIND_COUNT_)
		return NULL;
	return kind_names[k];
}

int cdx_kind_parse(const char *name, enum cdx_claim_kind *out)
{
	for (unsigned i = 0; i < CDX_KIND_COUNT_; i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (enum cdx_claim_kind)i;
			return CDX_OK;
		}
	}
	return CDX_ERR_NOTFOUND;
}

const char *cdx_qualifier_name(enum cdx_qualifier q)
{
	switch (q) {
	case CDX_QUAL_EXACT: return "exact";
	case CDX_QUAL_APPROX: return "approx";
	case CDX_QUAL_MIN: return "min";
	case CDX_QUAL_MAX: return "max";
	case CDX_QUAL_RANGE: return "range";
	}
	return "exact";
}

const char *cdx_change_name(enum cdx_change c)
{
	switch (c) {
	case CDX_CHANGE_UP: return "up";
	case CDX_CHANGE_DOWN: return "down";
	case CDX_CHANGE_NONE: break;
	}
	return NULL;
}

const char *cdx_entity_type_name(enum cdx_entity_type t)
{
	static const char *const names[CDX_ENT_TYPE_COUNT_] = {
		"country", "org", "company", "commodity", "person", "place",
	};
	if ((unsigned)t >= CDX_ENT_TYPE_COUNT_)
		return "unknown";
	return names[t];
}
