/* verdict.c — placeholder until the audit module lands. */
#include "audit.h"

int cdx_audit_placeholder_(void);
int cdx_audit_placeholder_(void)
{
	return 0;
}
