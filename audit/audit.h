/*
 * audit.h — placeholder: the audit module (claims against claims and
 * against reference tables) lands here.
 */
#ifndef CDX_AUDIT_H
#define CDX_AUDIT_H

#include "cdx_error.h"

#endif
