"""Bytes to text: BOMs, UTF-8, a declared charset, then charset-normalizer's guess."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

SNIFF_BYTES = 8192  # binary check and charset sniffing look at this much of the start
# A BOM is the strongest signal there is; UTF-32 first since its LE BOM starts like UTF-16's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# WHATWG: pages labelled latin-1/ascii are really windows-1252 (smart quotes at 0x80-0x9F).
_WEB_ALIASES = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252"}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.1  # text files hold almost no C0 controls; binary files plenty


class Unreadable(Exception):
    """The bytes are not usable text; `reason` is the short message for InputError."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode `data` to text with `\\n` line ends and no BOM, or raise Unreadable."""
    text = _decode_raw(data, declared)
    head = text[:SNIFF_BYTES]
    if head and len(_CONTROL.findall(head)) > _MAX_CONTROL_SHARE * len(head):
        raise Unreadable("binary file (not text)")
    return normalize(text)


def normalize(text: str) -> str:
    """Strip a BOM and make every line end a plain `\\n`, so offsets agree everywhere."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _decode_raw(data: bytes, declared: str | None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise Unreadable("cannot decode text") from None
    if b"\x00" in data[:SNIFF_BYTES]:
        raise Unreadable("binary file (not text)")
    try:
        # The fast path: nearly every input is UTF-8. Valid UTF-8 also wins over a
        # declared charset, since legacy-encoded text is almost never valid UTF-8 by
        # chance while pages saved as UTF-8 under a stale latin-1 label are common.
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared_codec = _known_codec(declared)
    if declared_codec:
        try:
            return data.decode(declared_codec)
        except UnicodeDecodeError:
            pass  # a wrong declaration is common; fall through to guessing
    return _guess(data)


def _known_codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None
    return _WEB_ALIASES.get(name, name)


def _guess(data: bytes) -> str:
    best = from_bytes(data).best()
    if best is None:
        raise Unreadable("binary file (not text)")
    # On short Western text charset-normalizer often names cp1250 or cp852 where
    # windows-1252 reads just as well; prefer it unless it reads clearly worse.
    western = from_bytes(data, cp_isolation=["cp1252"]).best()
    if (western is not None and western.chaos <= best.chaos + 0.05
            and western.coherence >= best.coherence - 0.05):
        return str(western)
    return str(best)
