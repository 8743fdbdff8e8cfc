"""Fetching URLs: a real local server, the size and time limits, and the SSRF guard.

Every request goes to 127.0.0.1; a refused address is refused before any
connection is made, so nothing here reaches the internet. DNS answers are
given by a stub resolver (the guard's `resolve`), never by a mock server.
"""

from __future__ import annotations

import gzip
import ipaddress
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import local_server as server
import pytest

from newsgraph.errors import FetchError, InputError, RefusedAddress
from newsgraph.model import Page
from newsgraph.read import fetch_page, read_inputs
from newsgraph.read.fetch import (
    MAX_REDIRECTS,
    Guard,
    Limits,
    blocked_network,
    fetch,
    literal_address,
)

ARTICLE = (b"<html><head><title>Brenmark Cells hires</title></head><body><article>"
           b"<p>Brenmark Cells hired 200 engineers for its plant in Mo i Rana, the Norwegian "
           b"cell maker said on Monday. The plant makes lithium iron phosphate cells for "
           b"carmakers in Germany and France.</p></article></body></html>")
LOOPBACK_ONLY = Guard(exempt=(ipaddress.ip_network("127.0.0.1/32"),))


@pytest.fixture
def web() -> Iterator[Any]:
    with server.LocalServer() as local:
        yield local


def no_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"the guard asked DNS about {host}, a literal address")


# --- fetching ----------------------------------------------------------------


def test_fetch_gives_body_type_charset_and_validators(web: Any) -> None:
    web.route("/a", server.Route(ARTICLE, "text/html; charset=ISO-8859-1", etag='"v1"',
                                 last_modified="Mon, 02 Jun 2025 06:15:00 GMT"))
    got = fetch(web.url("/a"), allow_private=True)
    assert (got.status, got.content, got.content_type, got.charset) == (
        200, ARTICLE, "text/html", "iso-8859-1")
    assert (got.etag, got.last_modified, got.not_modified) == (
        '"v1"', "Mon, 02 Jun 2025 06:15:00 GMT", False)
    assert web.requests[0].headers["User-Agent"].startswith("newsgraph/")


def test_etag_and_last_modified_make_a_conditional_request(web: Any) -> None:
    web.route("/e", server.Route(ARTICLE, etag='"v1"'))
    web.route("/m", server.Route(ARTICLE, last_modified="Mon, 02 Jun 2025 06:15:00 GMT"))
    first = fetch(web.url("/e"), allow_private=True)
    again = fetch(web.url("/e"), allow_private=True, etag=first.etag)
    assert again.not_modified and again.status == 304 and again.content == b""
    assert web.requests[-1].headers["If-None-Match"] == '"v1"'
    by_date = fetch(web.url("/m"), allow_private=True,
                    last_modified="Mon, 02 Jun 2025 06:15:00 GMT")
    assert by_date.not_modified
    changed = fetch(web.url("/e"), allow_private=True, etag='"v0"')
    assert not changed.not_modified and changed.content == ARTICLE


def test_fetch_page_reads_html_through_the_read_stage(web: Any) -> None:
    web.route("/story", server.Route(ARTICLE))
    [page] = fetch_page(web.url("/story"), allow_private=True)
    assert isinstance(page, Page)
    assert page.title == "Brenmark Cells hires"
    assert "hired 200 engineers" in page.text
    assert page.url == web.url("/story") and page.input == web.url("/story")


def test_charset_from_the_http_header_decodes_the_page(web: Any) -> None:
    body = "<html><body><p>Škoda Group and Brenmark Cells sign a deal worth 40 mln € for " \
           "battery packs, the Czech company said on Friday in Plzeň.</p></body></html>"
    web.route("/cp", server.Route(body.encode("cp1250"), "text/html; charset=windows-1250"))
    [page] = fetch_page(web.url("/cp"), allow_private=True)
    assert "Škoda Group" in page.text and "Plzeň" in page.text


def test_plain_text_url_is_a_text_page(web: Any) -> None:
    web.route("/t.txt", server.Route(b"Brenmark Cells opened a plant.", "text/plain"))
    [page] = fetch_page(web.url("/t.txt"), allow_private=True)
    assert page.text == "Brenmark Cells opened a plant."


def test_gzip_body_is_decoded(web: Any) -> None:
    web.route("/gz", server.Route(gzip.compress(ARTICLE), headers={"Content-Encoding": "gzip"}))
    assert fetch(web.url("/gz"), allow_private=True).content == ARTICLE


# --- limits and failures ---------------------------------------------------------


def test_declared_size_over_the_limit_is_refused(web: Any) -> None:
    web.route("/big", server.Route(b"x" * 5000))
    with pytest.raises(FetchError, match="larger than 1,000 bytes limit"):
        fetch(web.url("/big"), allow_private=True, limits=Limits(max_bytes=1000))


def test_streamed_size_over_the_limit_is_cut_off(web: Any) -> None:
    web.route("/stream", server.Route(b"x" * 5000, send_length=False))
    with pytest.raises(FetchError, match="larger than 1,000 bytes limit"):
        fetch(web.url("/stream"), allow_private=True, limits=Limits(max_bytes=1000))


def test_a_gzip_bomb_counts_its_inflated_size(web: Any) -> None:
    bomb = gzip.compress(b"\0" * 2_000_000)
    assert len(bomb) < 10_000
    web.route("/bomb", server.Route(bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match="larger than"):
        fetch(web.url("/bomb"), allow_private=True, limits=Limits(max_bytes=100_000))


def test_a_server_that_does_not_answer_times_out(web: Any) -> None:
    web.route("/slow", server.Route(hang=True))
    with pytest.raises(FetchError, match="timed out") as caught:
        fetch(web.url("/slow"), allow_private=True, limits=Limits(read_timeout=0.2))
    assert caught.value.transient


def test_a_trickling_server_hits_the_total_time_limit(web: Any) -> None:
    web.route("/drip", server.Route(trickle=True))
    with pytest.raises(FetchError, match="took longer than") as caught:
        fetch(web.url("/drip"), allow_private=True, limits=Limits(total_timeout=0.3))
    assert caught.value.transient


@pytest.mark.parametrize(("status", "transient", "hint"), [
    (404, False, "check the URL"), (403, False, "refuses"), (503, True, "try again later"),
    (429, True, "try again later"),
])
def test_error_statuses_say_what_to_do(web: Any, status: int, transient: bool,
                                       hint: str) -> None:
    web.route("/s", server.Route(b"no", status=status))
    with pytest.raises(FetchError, match=f"HTTP {status}.*{hint}") as caught:
        fetch(web.url("/s"), allow_private=True)
    assert caught.value.transient is transient


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd",
                                 "gopher://127.0.0.1:70/", "http://", "http://exa mple.com/"])
def test_only_http_and_https_urls_are_fetched(url: str) -> None:
    with pytest.raises(FetchError):
        fetch(url, allow_private=True)


def test_redirects_are_followed_to_the_final_url(web: Any) -> None:
    web.route("/old", server.Route(status=301, headers={"Location": "/new"}))
    web.route("/new", server.Route(ARTICLE))
    got = fetch(web.url("/old"), allow_private=True)
    assert got.url == web.url("/new") and got.content == ARTICLE


def test_a_redirect_loop_stops(web: Any) -> None:
    web.route("/loop", server.Route(status=302, headers={"Location": "/loop"}))
    with pytest.raises(FetchError, match=f"more than {MAX_REDIRECTS} redirects"):
        fetch(web.url("/loop"), allow_private=True)
    assert len(web.requests) == MAX_REDIRECTS + 1


def test_read_inputs_reports_a_failed_url_and_goes_on(web: Any, tmp_path: Path) -> None:
    web.route("/gone", server.Route(b"", status=410))
    text = tmp_path / "a.txt"
    text.write_text("Brenmark Cells opened a plant.", encoding="utf-8")
    sources = [web.url("/gone"), "http://127.0.0.1:1/x", str(text)]
    items = list(read_inputs(sources, allow_private=True))
    assert [type(i) for i in items] == [FetchError, FetchError, Page]
    assert items[0].source == web.url("/gone") and "HTTP 410" in items[0].reason
    assert "cannot connect" in items[1].reason and items[1].transient
    guarded = list(read_inputs(sources))
    assert [type(i) for i in guarded] == [RefusedAddress, RefusedAddress, Page]
    assert "--allow-private" in guarded[0].reason


def test_fetch_page_raises_the_fetch_error() -> None:
    with pytest.raises(RefusedAddress):
        fetch_page("http://127.0.0.1:1/")


# --- the SSRF guard: literal addresses ----------------------------------------------

REFUSED_LITERALS = [
    ("http://127.0.0.1/", "loopback"),
    ("http://localhost.127.0.0.1.nip.invalid@127.0.0.1/", "loopback"),  # userinfo trick
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::1]/", "loopback"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://100.64.0.1/", "carrier-grade NAT"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://224.0.0.1/", "multicast"),
    ("http://255.255.255.255/", "reserved"),
    ("http://2130706433/", "loopback"),  # decimal 127.0.0.1
    ("http://0x7f.1/", "loopback"),  # hex, short form
    ("http://0x7f000001/", "loopback"),
    ("http://017700000001/", "loopback"),  # octal
    ("http://127.1/", "loopback"),
    ("http://127.0.0.1./", "loopback"),  # trailing dot
    ("http://0xa9.0xfe.0xa9.0xfe/", "link-local"),  # 169.254.169.254 in hex
    ("http://[::ffff:127.0.0.1]/", "loopback"),  # IPv4-mapped
    ("http://[::ffff:169.254.169.254]/", "link-local"),
    ("http://[::127.0.0.1]/", "loopback"),  # IPv4-compatible
    ("http://[64:ff9b::a9fe:a9fe]/", "link-local"),  # NAT64 of 169.254.169.254
    ("http://[2002:7f00:1::]/", "loopback"),  # 6to4 of 127.0.0.1
    ("http://[fe80::1]/", "link-local"),
    ("http://[fd12:3456::1]/", "unique local"),
    ("http://[ff02::1]/", "multicast"),
    ("http://[::]/", "unspecified"),
    ("https://127.0.0.1:8443/", "loopback"),
]


@pytest.mark.parametrize(("url", "kind"), REFUSED_LITERALS)
def test_literal_non_public_addresses_are_refused(url: str, kind: str) -> None:
    with pytest.raises(RefusedAddress, match=kind) as caught:
        fetch(url, guard=Guard(resolve=no_dns))
    assert caught.value.source == url and not caught.value.transient


@pytest.mark.parametrize("url", ["http://0177.0.0.1/", "http://127.0.0.01/"])
def test_dotted_octal_urls_are_rejected_before_any_lookup(url: str) -> None:
    """httpx refuses these as malformed IPv4 (leading zeros); the guard would too."""
    with pytest.raises(FetchError, match="not a valid URL"):
        fetch(url, guard=Guard(resolve=no_dns))
    assert str(literal_address(url.split("/")[2])) == "127.0.0.1"


@pytest.mark.parametrize(("host", "address"), [
    ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("017700000001", "127.0.0.1"),
    ("127.1", "127.0.0.1"), ("10.1", "10.0.0.1"), ("192.168.257", "192.168.1.1"),
    ("[::ffff:127.0.0.1]", "::ffff:7f00:1"), ("8.8.8.8", "8.8.8.8"),
])
def test_literal_addresses_are_read_in_every_spelling(host: str, address: str) -> None:
    assert str(literal_address(host)) == address


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4.5", "256.0.0.1", "08.0.0.1",
                                  "0x", "12a.0.0.1", "news.test."])
def test_names_are_not_literals(host: str) -> None:
    if host == "0x":
        assert str(literal_address(host)) == "0.0.0.0"  # as the C resolver reads it
    else:
        assert literal_address(host) is None


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700::1111",
                                     "::ffff:8.8.8.8", "2002:808:808::"])
def test_public_addresses_pass(address: str) -> None:
    assert blocked_network(ipaddress.ip_address(address)) is None


# --- the SSRF guard: DNS answers ----------------------------------------------------


def resolver(answers: dict[str, list[str]]) -> Any:
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[host]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


@pytest.mark.parametrize("answers", [
    ["10.0.0.1"], ["127.0.0.1"], ["::1"], ["169.254.169.254"], ["fd00::5"],
    ["93.184.216.34", "127.0.0.1"],  # one private answer among public ones is enough
    ["::ffff:10.1.2.3"],
])
def test_a_name_resolving_to_a_non_public_address_is_refused(answers: list[str]) -> None:
    guard = Guard(resolve=resolver({"news.example": answers}))
    with pytest.raises(RefusedAddress, match=r"news\.example resolves to"):
        fetch("http://news.example/story", guard=guard)


def test_localhost_is_refused_through_the_system_resolver() -> None:
    with pytest.raises(RefusedAddress, match="loopback"):
        fetch("http://localhost:1/")


def test_an_unresolvable_name_is_a_clear_error() -> None:
    with pytest.raises(FetchError, match="cannot resolve host"):
        fetch("http://news.example/", guard=Guard(resolve=resolver({"news.example": []})))


def test_the_connection_goes_to_the_address_that_was_checked(web: Any) -> None:
    """DNS rebinding: a second lookup would say 10.0.0.1, but there is none; the socket
    goes to the checked answer, and the request still names the host."""
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    web.route("/r", server.Route(ARTICLE))
    guard = Guard(resolve=rebinding, exempt=LOOPBACK_ONLY.exempt)
    got = fetch(f"http://news.example:{web.port}/r", guard=guard)
    assert got.content == ARTICLE and calls == ["news.example"]
    assert web.requests[0].headers["Host"] == f"news.example:{web.port}"


def test_allow_private_lifts_the_check(web: Any) -> None:
    web.route("/p", server.Route(ARTICLE))
    with pytest.raises(RefusedAddress):
        fetch(web.url("/p"))
    assert fetch(web.url("/p"), allow_private=True).content == ARTICLE
    assert web.paths() == ["/p"]  # the refused fetch never connected


# --- the SSRF guard: redirects --------------------------------------------------------


@pytest.mark.parametrize(("target", "kind"), [
    ("http://169.254.169.254/latest/meta-data/iam/", "link-local"),
    ("http://[::1]:{port}/p", "loopback"),
    ("http://127.0.0.2:{port}/p", "loopback"),
    ("http://2130706434:{port}/p", "loopback"),  # 127.0.0.2, decimal
    ("http://10.0.0.1/admin", "private"),
    ("http://internal.example/", "private"),  # a name whose DNS answer is private
])
def test_every_redirect_hop_goes_through_the_guard(web: Any, target: str, kind: str) -> None:
    """The server itself is allowed (127.0.0.1 only); where it redirects to is not."""
    web.route("/go", server.Route(status=302,
                                  headers={"Location": target.format(port=web.port)}))
    web.route("/p", server.Route(ARTICLE))
    guard = Guard(resolve=resolver({"internal.example": ["10.9.8.7"]}),
                  exempt=LOOPBACK_ONLY.exempt)
    with pytest.raises(RefusedAddress, match=f"{kind}.*a redirect led to"):
        fetch(web.url("/go"), guard=guard)
    assert web.paths() == ["/go"]


def test_a_redirect_to_another_scheme_is_refused(web: Any) -> None:
    web.route("/f", server.Route(status=302, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchError, match="only http and https"):
        fetch(web.url("/f"), guard=LOOPBACK_ONLY)


def test_refused_errors_are_input_errors() -> None:
    """The batch goes on: a refused URL is one InputError among the inputs."""
    assert issubclass(RefusedAddress, FetchError) and issubclass(FetchError, InputError)
