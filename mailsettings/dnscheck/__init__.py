"""DNS facts for the mail advice: the one package that talks DNS (dnspython, and pyspf through it).

Everything here returns structured results with error codes, never text for people: the pages
and the API turn the codes into words in the request's language (mailsettings.selectors).

- `resolver`: the one resolver factory (OKBNET_DNS_NAMESERVERS, explicit timeouts), `Session`
  (one check: a time budget, a question count, each question once) and `lookup()`.
- `srv`: RFC 6186 / RFC 8314 submission SRV records of a provider's domain.
- `spf`: RFC 7208 `check_host()` through pyspf.
- `dkimkeys`, `dmarc`, `mtasts`: DKIM keys, DMARC (with RFC 7489 §7.1 report authorisation),
  MTA-STS and TLS-RPT records.
- `owndomain`: every record of a domain hosted by OKBNET; `zone`: the records it should publish.

The submission probe (SMTP, not DNS) lives beside this package, not in it.
"""

from .dkimkeys import DkimKey, dkim_check
from .dmarc import DmarcResult, dmarc_check, organizational_domain
from .mtasts import TxtPolicy, mta_sts_check, tls_rpt_check
from .owndomain import OwnDomainCheck, okbnet_names, own_domain_check, own_domain_spf_suggestion, relay_addresses
from .resolver import (
    CNAME_LOOP,
    INVALID_NAME,
    NODATA,
    NXDOMAIN,
    SERVFAIL,
    TIMEOUT,
    VOID_ERRORS,
    InvalidDomain,
    Lookup,
    Session,
    is_temporary,
    lookup,
    make_resolver,
    to_ascii,
    to_unicode,
    txt_texts,
)
from .spf import (
    BAD_ADDRESS,
    BAD_CIDR,
    BAD_DOMAIN,
    BAD_MACRO,
    DUPLICATE_MODIFIER,
    FAIL,
    INCLUDE_LOOP,
    INCLUDE_WITHOUT_SPF,
    MULTIPLE_RECORDS,
    NEUTRAL,
    NON_ASCII,
    NONE,
    PASS,
    PERMERROR,
    SOFTFAIL,
    SYNTAX,
    TEMPERROR,
    TOO_MANY_LOOKUPS,
    TOO_MANY_MX,
    UNKNOWN_MECHANISM,
    VOID_LOOKUP_LIMIT_CODE,
    SpfResult,
    check_host,
    spf_suggestion,
)
from .srv import SUBMISSION_SERVICES, SubmissionSupport, submission_support
from .zone import zone_snippet

__all__ = [
    "BAD_ADDRESS",
    "BAD_CIDR",
    "BAD_DOMAIN",
    "BAD_MACRO",
    "CNAME_LOOP",
    "DUPLICATE_MODIFIER",
    "FAIL",
    "INCLUDE_LOOP",
    "INCLUDE_WITHOUT_SPF",
    "INVALID_NAME",
    "MULTIPLE_RECORDS",
    "NEUTRAL",
    "NODATA",
    "NONE",
    "NON_ASCII",
    "NXDOMAIN",
    "PASS",
    "PERMERROR",
    "SERVFAIL",
    "SOFTFAIL",
    "SUBMISSION_SERVICES",
    "SYNTAX",
    "TEMPERROR",
    "TIMEOUT",
    "TOO_MANY_LOOKUPS",
    "TOO_MANY_MX",
    "UNKNOWN_MECHANISM",
    "VOID_ERRORS",
    "VOID_LOOKUP_LIMIT_CODE",
    "DkimKey",
    "DmarcResult",
    "InvalidDomain",
    "Lookup",
    "OwnDomainCheck",
    "Session",
    "SpfResult",
    "SubmissionSupport",
    "TxtPolicy",
    "check_host",
    "dkim_check",
    "dmarc_check",
    "is_temporary",
    "lookup",
    "make_resolver",
    "mta_sts_check",
    "okbnet_names",
    "organizational_domain",
    "own_domain_check",
    "own_domain_spf_suggestion",
    "relay_addresses",
    "spf_suggestion",
    "submission_support",
    "tls_rpt_check",
    "to_ascii",
    "to_unicode",
    "txt_texts",
    "zone_snippet",
]  # fmt: skip
