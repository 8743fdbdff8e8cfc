"""URLs to bytes: httpx with timeouts, a size limit and an SSRF guard.

The guard sits where the socket is opened. A host name is resolved once, every
address it resolves to is checked against `data/blocked_networks.txt` (loopback,
private, link-local, cloud metadata, CGNAT, multicast, reserved...), and the
socket connects to an address that was checked: a DNS answer that changes
between the check and the connection (DNS rebinding) has nothing to slip
through. TLS still sends the host name (SNI) and verifies the certificate
against it. Redirects are followed here, at most five, every hop through the
same guard; a literal address in any spelling (`2130706433`, `0x7f.1`,
`[::ffff:127.0.0.1]`) is read as the address it names, never sent to DNS.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import httpcore
import httpx

from newsgraph.errors import FetchError, InputError, RefusedAddress
from newsgraph.lexicon import DATA
from newsgraph.model import Page
from newsgraph.read.files import MAX_INPUT_BYTES

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# host, port -> the addresses the host name resolves to, as strings
Resolver = Callable[[str, int], Sequence[str]]

USER_AGENT = "newsgraph/0.1 (business news reader)"
ACCEPT = ("text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
          "application/xml;q=0.9, text/plain;q=0.8, */*;q=0.5")
SCHEMES = ("http", "https")
# Anything with a scheme is taken for a URL (and refused below unless http or https).
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://")
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Statuses where the same request may well work later.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# IPv6 prefixes whose last 32 bits are an IPv4 address the packet ends up at.
_IPV4_CARRIERS = (ipaddress.IPv6Network("::/96"), ipaddress.IPv6Network("::ffff:0:0/96"),
                  ipaddress.IPv6Network("64:ff9b::/96"))


@dataclass(frozen=True)
class Limits:
    """How much a fetch may take. `read_timeout` bounds each wait for data and
    `total_timeout` the whole fetch, so a server trickling bytes cannot hold a batch."""

    max_bytes: int = MAX_INPUT_BYTES
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0


LIMITS = Limits()


@dataclass(frozen=True)
class Fetched:
    """A response: the final URL (after redirects), its body and what the headers say.

    `not_modified` is a 304 answer to a conditional request: no content, and the
    caller's copy is still current.
    """

    url: str
    status: int
    content: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


def is_url(source: str) -> bool:
    """Whether an input names a URL (`scheme://...`) rather than a file."""
    return _URL.match(source) is not None


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (getaddrinfo), in the order to try them."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _Unresolved(host, str(exc)) from None
    return list(dict.fromkeys(str(info[4][0]) for info in answers))


@dataclass(frozen=True)
class Guard:
    """Which addresses a fetch may connect to: public ones only, unless `allow_private`.

    `resolve` turns a host name into addresses (tests give a stub); `exempt`
    networks are allowed although blocked (an intranet server you trust).
    """

    allow_private: bool = False
    resolve: Resolver = system_resolver
    exempt: tuple[Network, ...] = ()

    def addresses(self, host: str, port: int) -> list[str]:
        """The checked addresses of `host`; raises when any of them is not public."""
        literal = literal_address(host)
        found = [literal] if literal is not None else [
            _address(host, answer) for answer in self.resolve(host, port)]
        if not found:
            raise _Unresolved(host, "no address")
        for address in found:
            why = None if self.allow_private else self.refusal(address)
            if why is not None:
                raise _Refused(host, address, why, literal=literal is not None)
        return [str(address) for address in found]

    def refusal(self, address: IPAddress) -> str | None:
        """What kind of blocked network `address` is in, or None when it may be fetched."""
        if any(address.version == net.version and address in net for net in self.exempt):
            return None
        return blocked_network(address)


def blocked_network(address: IPAddress) -> str | None:
    """The label of the blocked network holding `address` (or the IPv4 address it
    carries), None for a public address."""
    for candidate in (address, *_carried_ipv4(address)):
        for network, label in blocked_networks():
            if candidate.version == network.version and candidate in network:
                return label
    return None


@cache
def blocked_networks() -> tuple[tuple[Network, str], ...]:
    """`data/blocked_networks.txt`: (network, what it is), read once."""
    out = []
    for line in (DATA / "blocked_networks.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cidr, _, label = line.strip().partition(" ")
            out.append((ipaddress.ip_network(cidr), label.strip()))
    return tuple(out)


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as an IP literal names, in every spelling the C
    resolver accepts (`127.1`, `0x7f.0.0.1`, `0177.0.0.1`, `2130706433`), or None."""
    host = host.removeprefix("[").removesuffix("]")
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.partition("%")[0])
        except ValueError:
            return None
    return _inet_aton(host.removesuffix("."))


def _inet_aton(host: str) -> ipaddress.IPv4Address | None:
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_number(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    *leading, last = [n for n in numbers if n is not None]
    # a.b.c.d; a.b.c (c fills 16 bits); a.b (b fills 24 bits); a (32 bits)
    if any(n > 255 for n in leading) or last >= 1 << (8 * (4 - len(leading))):
        return None
    value = last
    for i, n in enumerate(leading):
        value |= n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def _number(part: str) -> int | None:
    """A part of an IPv4 literal: decimal, octal (leading 0) or hex (0x)."""
    lowered = part.lower()
    try:
        if lowered.startswith("0x"):
            return int(lowered[2:] or "0", 16)
        if lowered.startswith("0") and len(lowered) > 1:
            return int(lowered[1:], 8)
        return int(lowered, 10) if lowered.isdigit() else None
    except ValueError:
        return None


def _carried_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    if address.version == 4:
        return []
    assert isinstance(address, ipaddress.IPv6Address)
    out = [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
           for net in _IPV4_CARRIERS if address in net]
    if address.sixtofour is not None:
        out.append(address.sixtofour)
    return out


def _address(host: str, answer: str) -> IPAddress:
    try:
        return ipaddress.ip_address(answer.partition("%")[0])
    except ValueError:
        raise _Unresolved(host, f"not an address: {answer!r}") from None


class _Refused(Exception):
    def __init__(self, host: str, address: IPAddress, why: str, *, literal: bool) -> None:
        shown = (f"{host} is" if str(address) == host.strip("[]") else
                 f"{host} names {address}," if literal else f"{host} resolves to {address},")
        super().__init__(f"refused: {shown} a non-public address ({why}); pass "
                         "--allow-private to fetch from your own network")


class _Unresolved(Exception):
    def __init__(self, host: str, why: str) -> None:
        super().__init__(f"cannot resolve host {host} ({why}); check the URL")


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, connecting only to addresses the guard checked."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        failure: httpcore.ConnectError | None = None
        for address in self._guard.addresses(host, port):
            try:
                return self._sockets.connect_tcp(address, port, timeout, local_address,
                                                 socket_options)
            except httpcore.ConnectError as exc:  # the next address may answer
                failure = exc
        assert failure is not None
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        raise _Unresolved(path, "unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self._sockets.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, guard: Guard) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        # httpx has no public hook for httpcore's `network_backend` (httpx is pinned
        # exactly in pyproject.toml): the pool is replaced by one that has it.
        self._pool = httpcore.ConnectionPool(ssl_context=_ssl_context(),
                                             network_backend=_GuardedBackend(guard))


@cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes a while; a feed's every item fetch shares one context.
    return httpx.create_ssl_context()


def fetch(url: str, *, allow_private: bool = False, etag: str | None = None,
          last_modified: str | None = None, limits: Limits = LIMITS,
          guard: Guard | None = None) -> Fetched:
    """GET `url` (http or https only) through the SSRF guard, within `limits`.

    `etag` and `last_modified` (from an earlier Fetched) make the request
    conditional: an unchanged resource comes back with `not_modified`. `guard`
    replaces the default guard; `allow_private` lifts its address check. Raises
    FetchError (RefusedAddress for a refused address) saying what went wrong.
    """
    guard = guard or Guard()
    if allow_private:
        guard = replace(guard, allow_private=True)
    deadline = time.monotonic() + limits.total_timeout
    headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified))
               if v}
    current = first = _checked_url(url, url)
    with _client(guard, limits) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            _within(url, limits, deadline)
            with (_errors(url, None if current == first else current, limits),
                  client.stream("GET", current, headers=headers) as response):
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    current = _next_hop(url, current, location)
                    continue
                return _fetched(url, response, limits, deadline)
    raise FetchError(url, f"more than {MAX_REDIRECTS} redirects; open the URL in a browser to "
                          "see where it leads")


def fetch_page(url: str, *, allow_private: bool = False) -> list[Page]:
    """The pages at `url`: one for an article, one per item for a feed (each item's
    article fetched from its link through the guard). Raises InputError (a
    FetchError when the fetch failed) when nothing readable came back."""
    from newsgraph.read import read_url  # the read stage imports this module

    pages: list[Page] = []
    errors: list[InputError] = []
    for item in read_url(url, allow_private=allow_private):
        if isinstance(item, InputError):
            errors.append(item)
        else:
            pages.append(item)
    if not pages:
        raise errors[0] if errors else InputError(url, "no text at this URL")
    return pages


def _client(guard: Guard, limits: Limits) -> httpx.Client:
    # No environment proxies: a proxy would connect on our behalf, past the guard.
    return httpx.Client(
        transport=_GuardedTransport(guard), follow_redirects=False, trust_env=False,
        timeout=httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout),
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT,
                 "Accept-Encoding": "gzip, deflate"})


def _checked_url(original: str, url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise FetchError(original, f"not a valid URL ({exc})") from None
    if parsed.scheme not in SCHEMES:
        where = "" if url == original else f" (a redirect led to {url})"
        raise FetchError(original, f"only http and https URLs can be fetched{where}")
    if not parsed.host:
        raise FetchError(original, "the URL has no host name")
    return parsed


def _next_hop(original: str, current: httpx.URL, location: str) -> httpx.URL:
    try:
        target = str(current.join(location))
    except (httpx.InvalidURL, ValueError, TypeError):
        raise FetchError(original, f"redirected to an invalid URL: {location[:200]!r}") from None
    return _checked_url(original, target)


@contextmanager
def _errors(url: str, redirect: httpx.URL | None, limits: Limits) -> Iterator[None]:
    """httpx and guard exceptions as FetchErrors that say what to do."""
    try:
        yield
    except _Refused as exc:
        hop = "" if redirect is None else f" (a redirect led to {redirect})"
        raise RefusedAddress(url, f"{exc}{hop}") from None
    except _Unresolved as exc:
        raise FetchError(url, str(exc), transient=True) from None
    except httpx.ConnectTimeout:
        raise FetchError(url, f"timed out after {limits.connect_timeout:g} s connecting; try "
                              "again later", transient=True) from None
    except httpx.TimeoutException:
        raise FetchError(url, f"timed out after {limits.read_timeout:g} s waiting for data; "
                              "try again later", transient=True) from None
    except httpx.ConnectError as exc:
        raise FetchError(url, f"cannot connect ({exc}); check the URL or try again later",
                         transient=True) from None
    except httpx.HTTPError as exc:
        raise FetchError(url, f"the server broke off the exchange ({type(exc).__name__}: "
                              f"{exc}); try again later", transient=True) from None
    except (httpx.InvalidURL, httpx.StreamError) as exc:  # neither is an HTTPError
        raise FetchError(url, f"cannot fetch this URL ({exc})") from None


def _fetched(url: str, response: httpx.Response, limits: Limits, deadline: float) -> Fetched:
    status = response.status_code
    if status == 304:
        content = b""
    elif 200 <= status < 300:
        content = _body(url, response, limits, deadline)
    else:
        raise FetchError(url, _status_reason(response), transient=status in TRANSIENT_STATUSES)
    content_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    return Fetched(url=str(response.url), status=status, content=content,
                   content_type=content_type or None, charset=response.charset_encoding,
                   etag=response.headers.get("etag"),
                   last_modified=response.headers.get("last-modified"),
                   not_modified=status == 304)


def _body(url: str, response: httpx.Response, limits: Limits, deadline: float) -> bytes:
    """The decoded body, read a chunk at a time, given up past the size or time limit."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_large(url, limits)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:  # counted after decompression: no gzip bombs
            raise _too_large(url, limits)
        _within(url, limits, deadline)
        chunks.append(chunk)
    return b"".join(chunks)


def _within(url: str, limits: Limits, deadline: float) -> None:
    if time.monotonic() > deadline:
        raise FetchError(url, f"took longer than {limits.total_timeout:g} s; the server is too "
                              "slow, try again later", transient=True)


def _too_large(url: str, limits: Limits) -> FetchError:
    size = limits.max_bytes
    shown = f"{size / 2**20:g} MB" if size >= 2**20 else f"{size:,} bytes"
    return FetchError(url, f"larger than {shown} limit")


def _status_reason(response: httpx.Response) -> str:
    status = response.status_code
    said = f"HTTP {status} {response.reason_phrase}".strip()
    if status in TRANSIENT_STATUSES:
        return f"{said}; the server is busy or failing, try again later"
    if status in (401, 403):
        return f"{said}; the server refuses to serve this page"
    if status in (404, 410):
        return f"{said}; check the URL"
    return said
