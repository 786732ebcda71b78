/* Debian builds libxml2 with ICU, and encoding.h then includes the system ICU headers, which
   clash with the ICU that Foundation bundles (same names, different enums) in any Swift module
   importing both. Nothing here touches the ICU members of xmlCharEncodingHandler (only pointers
   to it are used), so hide them. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/encoding.h>

/* libxml2's generic error callback is variadic, which Swift cannot implement; this no-op lets
   the XMLTree wrapper keep stray messages (those raised without a parser context) off stderr.
   The setting is per thread in libxml2, so it is applied on the parsing thread. */
static void frenemy_xml_ignore_generic_error(void *ctx, const char *msg, ...) {
    (void)ctx;
    (void)msg;
}

static inline void frenemy_xml_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, frenemy_xml_ignore_generic_error);
}
