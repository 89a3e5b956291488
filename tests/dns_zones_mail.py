"""Zones for the mail-record tests: RFC 7208's edge cases (rfc.test and its reverse zones), DKIM,
DMARC, MTA-STS and TLS-RPT records (records.test) and an external report destination (reports.test).

Cases are written from RFC 7208 (and the kinds of case the openspf/pyspf RFC 7208 test suite has),
in our own names. Every address is a documentation address; the relay is 203.0.113.25.
"""

# A 2048-bit RSA public key (SubjectPublicKeyInfo, base64) and a 512-bit one (too weak, RFC 8301).
DKIM_KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2Y7/Ubnh203eqdKw3QnSl//UvlL+bUUHRUSmtDqhu1f9NM+4R0hAJ0p05nbd6TRuitP/ww/m7A8SKETZCwCeOI/AijOXQLJ6hL0SqPb5roP5Mb1Vu8i97ZLD42rb/rO23QANyyi87uaPTPiTV4myz7dfF4WQh9ng2FIU0DXbILveU1vq3hmMsMRhXz8/lQe+MNzBYuOWy2R5EEgD/mlwFJB+MvHRI1qGsiFnKPpW9lIyi8YNIn5el7oAhg7bzvhNmd1pARwEZacOafPIzKIrjqCZHo6GaKftxVAUiWayIg4oJuveB7i8h4gNgYJICu7X/97306n3stnFz8I1vUR+9QIDAQAB"
WEAK_KEY = "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBALTbZxTMB/mERDiAbT/yrahHbB+T+B5/VtZXsfdignxZKqH3eNFHDbTt3UHmiDr5bxdZWdZylOBvped9H6wwkWMCAwEAAQ=="
DKIM_TXT = f'"v=DKIM1; k=rsa; p={DKIM_KEY[:200]}" "{DKIM_KEY[200:]}"'
ED25519_KEY = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="  # RFC 8463 §A.2

_MX11 = "\n".join(f"mx11 MX {i} m{i}.rfc.test." for i in range(1, 12))

RFC_ZONE = (
    r"""
host A 203.0.113.25
host AAAA 2001:db8:25::25
; --- syntax: RFC 7208 §4.6 / §5 / §12: each of these is a permerror, wherever the term stands
ctrl-lf TXT "v=spf1 ip4:203.0.113.25\010-all"
ctrl-cr TXT "v=spf1 ip4:203.0.113.25\013 -all"
cidr032 TXT "v=spf1 ip4:203.0.113.25/032 -all"
cidr33 TXT "v=spf1 ip4:203.0.113.25/33 -all"
cidr6-129 TXT "v=spf1 ip6:2001:db8::/129 -all"
bare-ip4 TXT "v=spf1 ip4 -all"
bare-ip6 TXT "v=spf1 ip6 -all"
ip4-port TXT "v=spf1 ip4:203.0.113.25:8080 -all"
ip4-short TXT "v=spf1 ip4:203.0.113 -all"
ip4-dual TXT "v=spf1 ip4:203.0.113.25//32 -all"
ip6-bad TXT "v=spf1 ip6:2001:db8:zzzz:: -all"
a-empty TXT "v=spf1 a: -all"
a-colon TXT "v=spf1 a:host.rfc.test:25 -all"
exists-cidr TXT "v=spf1 exists:%{i}/24 -all"
exists-bare TXT "v=spf1 exists -all"
include-cidr TXT "v=spf1 include:host.rfc.test/24 -all"
unknown-mech TXT "v=spf1 foo:bar -all"
late-error TXT "v=spf1 +all ip4:203.0.113"
unknown-macro TXT "v=spf1 a:%{q}.rfc.test -all"
bad-macro-char TXT "v=spf1 a:%x.rfc.test -all"
redirect-twice TXT "v=spf1 redirect=host.rfc.test redirect=ok.rfc.test"
all-arg TXT "v=spf1 -all:foo"
; --- accepted spellings
two-spaces TXT "v=spf1  ip4:203.0.113.25   -all"
trailing-space TXT "v=spf1 -all "
split TXT "v=spf1 ip4:203.0.113.25" " -all"
only-version TXT "v=spf1"
ok TXT "v=spf1 ip4:203.0.113.25 -all"
null-mx TXT "v=spf1 mx -all"
null-mx MX 0 .
unknown-modifier TXT "v=spf1 ip4:203.0.113.25 foo=bar -all"
; --- macros (RFC 7208 §7)
macro-i TXT "v=spf1 exists:%{ir}.%{v}.list.rfc.test -all"
25.113.0.203.in-addr.list A 127.0.0.2
5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0.8.b.d.0.1.0.0.2.ip6.list A 127.0.0.2
macro-l TXT "v=spf1 exists:%{lr-}.lp.rfc.test -all"
bad.strong.lp A 127.0.0.2
macro-o TXT "v=spf1 exists:%{o}.od.rfc.test -all"
sender.example.od A 127.0.0.2
macro-d2 TXT "v=spf1 exists:%{d2}.d2.rfc.test -all"
rfc.test.d2 A 127.0.0.2
macro-h TXT "v=spf1 exists:%{h}.helo.rfc.test -all"
mta.example.helo A 127.0.0.2
macro-p TXT "v=spf1 exists:%{p}.p.rfc.test -all"
host.rfc.test.p A 127.0.0.2
; --- exp= (RFC 7208 §6.2): the domain's own words for a fail
exp TXT "v=spf1 ip4:192.0.2.1 -all exp=why.rfc.test"
why TXT "%{i} is not one of %{d}'s mail servers"
exp-none TXT "v=spf1 -all exp=nowhere.rfc.test"
exp-bad TXT "v=spf1 -all exp=whybad.rfc.test"
whybad TXT "broken %{q} macro"
exp-include TXT "v=spf1 include:exp.rfc.test -all"
exp-redirect TXT "v=spf1 exp=why.rfc.test redirect=fail-plain.rfc.test"
fail-plain TXT "v=spf1 -all"
; --- IPv4-mapped IPv6 clients are IPv4 (§5 ¶9)
mapped TXT "v=spf1 -ip4:203.0.113.25 ip6:::ffff:203.0.113.25 +all"
mapped-a TXT "v=spf1 a:host.rfc.test -all"
; --- limits (§4.6.4)
mx11 TXT "v=spf1 mx -all"
"""
    + _MX11
    + r"""
include-loop TXT "v=spf1 include:include-loop2.rfc.test -all"
include-loop2 TXT "v=spf1 include:include-loop.rfc.test -all"
redirect-loop TXT "v=spf1 redirect=redirect-loop2.rfc.test"
redirect-loop2 TXT "v=spf1 redirect=redirect-loop.rfc.test"
; --- ptr and a CNAME loop (§5.5: a name whose addresses cannot be found is skipped)
ptr TXT "v=spf1 ptr:rfc.test -all"
ptr-self TXT "v=spf1 ptr -all"
ptr-loop TXT "v=spf1 ptr"
loop4 CNAME loop5
loop5 CNAME loop4
"""
)

REVERSE4 = """
25 PTR host.rfc.test.
26 PTR loop4.rfc.test.
"""
REVERSE6 = """
5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR host.rfc.test.
"""

RECORDS_ZONE = f"""
; DKIM (selector "okbnet"): a CNAME to OKBNET's key, a key as TXT, and broken ones
okbnet._domainkey.cname CNAME okbnet._domainkey.okbnet.test.
okbnet._domainkey.txt TXT {DKIM_TXT}
okbnet._domainkey.ed TXT "v=DKIM1; k=ed25519; p={ED25519_KEY}"
okbnet._domainkey.revoked TXT "v=DKIM1; k=rsa; p="
okbnet._domainkey.weak TXT "v=DKIM1; k=rsa; p={WEAK_KEY}"
okbnet._domainkey.garbage TXT "v=DKIM1; k=rsa; p=bm90IGEga2V5"
okbnet._domainkey.badtags TXT "v=DKIM1; k=rsa; k=rsa; p={DKIM_KEY[:100]}"
okbnet._domainkey.unknownalg TXT "v=DKIM1; k=dsa; p=bm90IGEga2V5"
okbnet._domainkey.two TXT "v=DKIM1; p={WEAK_KEY}"
okbnet._domainkey.two TXT {DKIM_TXT}
; DMARC
_dmarc.good TXT "v=DMARC1; p=reject; sp=quarantine; pct=50; rua=mailto:dmarc@records.test; ruf=mailto:forensic@records.test"
_dmarc.monitor TXT "v=DMARC1; p=none; rua=mailto:dmarc@reports.test"
_dmarc.extok TXT "v=DMARC1; p=quarantine; rua=mailto:agg@reports.test!10m"
_dmarc.extno TXT "v=DMARC1; p=quarantine; rua=mailto:agg@noauth.test"
_dmarc.extmixed TXT "v=DMARC1; p=none; rua=mailto:agg@reports.test,mailto:agg@noauth.test"
_dmarc.nopolicy TXT "v=DMARC1; rua=mailto:dmarc@records.test"
_dmarc.badpolicy TXT "v=DMARC1; p=block"
_dmarc.badpct TXT "v=DMARC1; p=reject; pct=150"
_dmarc.badalign TXT "v=DMARC1; p=reject; adkim=x"
_dmarc.baduri TXT "v=DMARC1; p=none; rua=dmarc@records.test"
_dmarc.notfirst TXT "p=reject; v=DMARC1"
_dmarc.two TXT "v=DMARC1; p=none"
_dmarc.two TXT "v=DMARC1; p=reject"
_dmarc.syntax TXT "v=DMARC1; p=reject; p=none"
_dmarc.sub TXT "v=DMARC1; p=reject"
; MTA-STS and TLS-RPT
_mta-sts.good TXT "v=STSv1; id=20261201T000000;"
_smtp._tls.good TXT "v=TLSRPTv1; rua=mailto:tlsrpt@records.test,https://reports.records.test/tlsrpt"
_mta-sts.badid TXT "v=STSv1; id=not-valid!"
_mta-sts.noid TXT "v=STSv1;"
_mta-sts.badversion TXT "v=STSv2; id=1"
_mta-sts.two TXT "v=STSv1; id=1"
_mta-sts.two TXT "v=STSv1; id=2"
_smtp._tls.norua TXT "v=TLSRPTv1;"
_smtp._tls.baduri TXT "v=TLSRPTv1; rua=ftp://reports.records.test/"
_smtp._tls.syntax TXT "v=TLSRPTv1; rua"
"""

# The external report destination: it authorises reports for two of records.test's domains (§7.1).
REPORTS_ZONE = """
monitor.records.test._report._dmarc TXT "v=DMARC1"
extok.records.test._report._dmarc TXT "v=DMARC1"
extmixed.records.test._report._dmarc TXT "v=DMARC1"
"""

ZONES = {
    "rfc.test": RFC_ZONE,
    "113.0.203.in-addr.arpa": REVERSE4,
    "5.2.0.0.8.b.d.0.1.0.0.2.ip6.arpa": REVERSE6,
    "records.test": RECORDS_ZONE,
    "reports.test": REPORTS_ZONE,
    "noauth.test": "",
}
