"""The zones the DNS tests serve from a real NSD (see tests/nsd.py). Records are zone-relative.

Relays of OKBNET in the tests: settings.OKBNET_RELAY_ADDRESSES (203.0.113.25, 203.0.113.26,
2001:db8:25::25), published by "okbnet.test" (relay names and the _spf include).
"""

import idna

from .dns_zones_mail import DKIM_TXT as _DKIM_TXT
from .dns_zones_mail import ZONES as MAIL_ZONES

IDN_DOMAIN = "メール.test"
IDN_ZONE = idna.encode(IDN_DOMAIN, uts46=True).decode()

_ELEVEN = " ".join(f"a:l{i}.spf.test" for i in range(1, 12))
_TEN = " ".join(f"a:l{i}.spf.test" for i in range(1, 11))

# Submission-probe peers: name -> loopback address (tests/test_smtpprobe.py starts the servers).
PROBE_HOSTS = {
    "smtp.good.probe.test": "127.0.0.11",  # 587 STARTTLS + AUTH, 465 implicit TLS + AUTH
    "smtp.only465.probe.test": "127.0.0.12",  # 465 only
    "smtp.noauth.probe.test": "127.0.0.13",  # 587 STARTTLS without AUTH, 465 closed
    "smtp.selfsigned.probe.test": "127.0.0.14",  # 587 STARTTLS with a self-signed certificate
    "smtp.silent.probe.test": "127.0.0.15",  # accepts, never answers
    "smtp.closed.probe.test": "127.0.0.16",  # nothing listens
    "smtp.postfix.probe.test": "127.0.0.17",  # Debian's Postfix with Dovecot SASL
    "mail.mailonly.probe.test": "127.0.0.11",  # no smtp.<domain>: the probe tries mail.<domain>
    "smtp.private.probe.test": "127.0.0.2",  # outside an allow list of 127.0.0.1/32
    "smtp.e2e.probe.test": "127.0.0.18",  # the browser test's provider
}
PROBE_ZONE = "\n".join(f"{name.removesuffix('.probe.test')} A {address}" for name, address in PROBE_HOSTS.items())

ZONES = {
    "okbnet.test": """
relays A 203.0.113.25
relays A 203.0.113.26
relays AAAA 2001:db8:25::25
relay CNAME relays
gw CNAME relays
mx A 203.0.113.25
autoconfig A 192.0.2.80
okbnet._domainkey TXT {dkim}
*._report._dmarc TXT "v=DMARC1"
_dmarc TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@okbnet.test"
_submission._tcp SRV 0 1 587 gw.okbnet.test.
_submissions._tcp SRV 0 1 465 gw.okbnet.test.
@ MX 10 mx
@ TXT "v=spf1 include:_spf.okbnet.test -all"
_spf TXT "v=spf1 ip4:203.0.113.25 ip4:203.0.113.26 ip6:2001:db8:25::/64 -all"
""".replace("{dkim}", _DKIM_TXT),
    "provider.test": """
_submission._tcp.both SRV 0 1 587 smtp.both.provider.test.
_submissions._tcp.both SRV 0 1 465 smtp.both.provider.test.
_submission._tcp.only587 SRV 0 1 587 mail.only587.provider.test.
_submissions._tcp.only587 SRV 0 0 0 .
_submissions._tcp.only465 SRV 0 1 465 smtps.only465.provider.test.
_submission._tcp.declined SRV 0 0 0 .
_submissions._tcp.declined SRV 0 0 0 .
absent A 192.0.2.1
_submission._tcp.hostonly SRV 0 1 587 smtp.hostonly.provider.test.
smtp.hostonly A 192.0.2.2
""",
    IDN_ZONE: """
@ MX 10 mx
mx A 192.0.2.3
_submission._tcp SRV 0 1 587 smtp
smtp A 192.0.2.4
""",
    # Own domains. good: every record right (as the generated snippet would have it); half: gw and
    # SPF partly elsewhere; bare: almost nothing; twospf: two SPF records.
    "own.test": """
gw.good CNAME relay.okbnet.test.
good MX 10 mx.okbnet.test.
good TXT "v=spf1 mx include:_spf.okbnet.test ~all"
okbnet._domainkey.good CNAME okbnet._domainkey.okbnet.test.
_dmarc.good TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@okbnet.test"
_submission._tcp.good SRV 0 1 587 gw.good.own.test.
_submissions._tcp.good SRV 0 1 465 gw.good.own.test.
autoconfig.good CNAME autoconfig.okbnet.test.
gw.half A 203.0.113.25
gw.half A 198.51.100.7
half MX 10 mx.example.
half TXT "v=spf1 ip4:198.51.100.0/24 -all"
gw.bare A 198.51.100.8
gw.twospf A 203.0.113.25
twospf MX 10 mx.okbnet.test.
twospf TXT "v=spf1 include:_spf.okbnet.test -all"
twospf TXT "v=spf1 ip4:198.51.100.0/24 -all"
broken TXT "v=spf1 ip4:203.0.113.25/032 include:_spf.okbnet.test -all"
_dmarc.broken TXT "v=DMARC1; p=none; rua=mailto:agg@noauth.test"
""",
    "cname.test": """
a1 CNAME a2.cname2.test.
a3 A 192.0.2.33
loop1 CNAME loop2.cname2.test.
inzone CNAME a3
exists A 192.0.2.34
""",
    "cname2.test": """
a2 CNAME a3.cname.test.
loop2 CNAME loop1.cname.test.
""",
    # OKBNET's own SPF as the dashboard judges it (network.spf): exact (other order and spelling), too wide.
    "spfexact.test": """
@ TXT "v=spf1 include:_spf.spfexact.test -all"
_spf TXT "v=spf1 ip6:2001:db8:25::25 ip4:203.0.113.26 +ip4:203.0.113.25/32 -all"
""",
    "spfwide.test": """
@ TXT "v=spf1 include:_spf.spfwide.test -all"
_spf TXT "v=spf1 ip4:203.0.113.0/24 ip4:198.51.100.0/24 ip6:2001:db8:25::25 -all"
""",
    "spf.test": f"""
pass TXT "v=spf1 ip4:203.0.113.0/24 -all"
fail TXT "v=spf1 ip4:192.0.2.0/24 -all"
softfail TXT "v=spf1 ~all"
neutral TXT "v=spf1 ?all"
nospf TXT "google-site-verification=abc"
two TXT "v=spf1 -all"
two TXT "v=spf1 ip4:203.0.113.25 -all"
eleven TXT "v=spf1 {_ELEVEN} -all"
ten TXT "v=spf1 {_TEN} -all"
void3 TXT "v=spf1 a:v1.spf.test a:v2.spf.test a:v3.spf.test -all"
void2 TXT "v=spf1 a:v1.spf.test a:v2.spf.test -all"
loop1 TXT "v=spf1 include:loop2.spf.test -all"
loop2 TXT "v=spf1 include:loop1.spf.test -all"
self TXT "v=spf1 include:self.spf.test -all"
incpass TXT "v=spf1 include:_spf.okbnet.test -all"
incfail TXT "v=spf1 include:fail.spf.test ~all"
incnone TXT "v=spf1 include:nospf.spf.test -all"
redirect TXT "v=spf1 redirect=_spf.okbnet.test"
redirectnone TXT "v=spf1 redirect=nospf.spf.test"
mx TXT "v=spf1 mx -all"
mx MX 10 mailhost.spf.test.
mailhost A 203.0.113.25
acidr TXT "v=spf1 a/24 -all"
acidr A 203.0.113.1
exists TXT "v=spf1 exists:%{{ir}}.list.spf.test -all"
25.113.0.203.list A 127.0.0.2
ip6 TXT "v=spf1 ip6:2001:db8:25::/64 -all"
syntax TXT "v=spf1 foo:bar -all"
upper TXT "V=SPF1 IP4:203.0.113.25 -ALL"
mx3 TXT "v=spf1 mx -all"
mx3 MX 10 m1.spf.test.
mx3 MX 20 m2.spf.test.
mx3 MX 30 m3.spf.test.
m1 A 192.0.2.101
m2 A 192.0.2.102
m3 A 192.0.2.103
"""
    + "\n".join(f"l{i} A 192.0.2.{i}" for i in range(1, 12)),
    **MAIL_ZONES,
    # The submission probe's peers (tests/smtp_servers.py), one loopback address per behaviour.
    "probe.test": PROBE_ZONE,
}
