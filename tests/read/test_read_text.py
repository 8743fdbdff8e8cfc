"""Plain text, encodings, stdin and the error cases of read_inputs."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest

from newsgraph.errors import InputError
from newsgraph.model import Page
from newsgraph.read import read_inputs

SMART = "He said \u201cthe caf\u00e9 deal is done\u201d \u2014 shares rose.\n"


def read_one(path: Path) -> Page | InputError:
    results = list(read_inputs([str(path)]))
    assert len(results) == 1
    return results[0]


def read_page(path: Path) -> Page:
    result = read_one(path)
    assert isinstance(result, Page), result
    return result


def reason(path: Path) -> str:
    result = read_one(path)
    assert isinstance(result, InputError), result
    assert result.source == str(path)
    return result.reason


def test_txt_is_read_as_is_with_file_name_as_input(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(b"First line.\r\nSecond line.\r\n")
    assert read_page(path) == Page(input="story.txt", text="First line.\nSecond line.\n")


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SMART.encode())
    assert read_page(path).text == SMART


@pytest.mark.parametrize("codec", ["cp1252", "utf-16", "utf-16-be", "utf-32"])
def test_legacy_and_wide_encodings(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "legacy.text"
    data = SMART.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    assert read_page(path).text == SMART


def test_latin1(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    text = "Die Gr\u00f6\u00dfe der Stra\u00dfe, na\u00efve r\u00e9sum\u00e9 in Espa\u00f1a.\n"
    path.write_bytes(text.encode("latin-1"))
    assert read_page(path).text == text


def test_gzipped_text_keeps_full_name(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(SMART.encode()))
    assert read_page(path) == Page(input="story.txt.gz", text=SMART)


def test_missing_file(tmp_path: Path) -> None:
    assert reason(tmp_path / "nope.txt") == "file not found"


def test_impossible_paths() -> None:
    for source in ["", "a\x00b.txt"]:
        [error] = read_inputs([source])
        assert isinstance(error, InputError)
        assert (error.source, error.reason) == (source, "file not found")


def test_empty_and_blank_files(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \r\n\n")
    assert reason(tmp_path / "empty.txt") == "empty"
    assert reason(tmp_path / "blank.txt") == "empty"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert reason(path) == "binary file (not text)"


def test_corrupt_gzip(tmp_path: Path) -> None:
    path = tmp_path / "broken.html.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    assert reason(path) == "corrupt gzip file"


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("newsgraph.read.files.MAX_INPUT_BYTES", 10)
    (tmp_path / "big.txt").write_text("x" * 11)
    (tmp_path / "big.txt.gz").write_bytes(gzip.compress(b"x" * 11))
    assert reason(tmp_path / "big.txt") == "larger than 20 MB limit"
    assert reason(tmp_path / "big.txt.gz") == "larger than 20 MB limit"


def test_directory_walk_is_sorted_recursive_and_skips_gold_and_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "two.txt").write_text("two")
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "a.gold.json").write_text('{"input": "a.txt"}')
    (tmp_path / ".secret.txt").write_text("hidden")
    (tmp_path / ".hidden" / "x.txt").write_text("hidden")
    (tmp_path / "notes.md").write_text("not an input")
    (tmp_path / "c.json").write_text('{"maintext": "three"}')
    results = list(read_inputs([str(tmp_path)]))
    assert [(r.input, r.text) for r in results if isinstance(r, Page)] == [
        ("a.txt", "one"), ("two.txt", "two"), ("c.json", "three")]
    assert len(results) == 3


def test_directory_with_no_inputs(tmp_path: Path) -> None:
    (tmp_path / "a.gold.json").write_text("{}")
    [error] = read_inputs([str(tmp_path)])
    assert isinstance(error, InputError)
    assert error.reason == "is a directory with no readable files"


def test_one_bad_input_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("fine")
    results = list(read_inputs([str(tmp_path / "gone.txt"), str(tmp_path / "ok.txt")]))
    assert isinstance(results[0], InputError)
    assert results[1] == Page(input="ok.txt", text="fine")


def set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


@pytest.mark.parametrize(("data", "text"), [
    (b"Plain words on stdin.\n", "Plain words on stdin.\n"),
    (b'{"maintext": "From JSON.", "date_publish": "2025-07-30 12:00:00"}', "From JSON."),
    (b'{"maintext": "one"}\n{"maintext": "two"}\n', "one"),
    (SMART.encode("cp1252"), SMART),
])
def test_stdin_is_sniffed(monkeypatch: pytest.MonkeyPatch, data: bytes, text: str) -> None:
    set_stdin(monkeypatch, data)
    results = list(read_inputs(["-"]))
    assert isinstance(results[0], Page)
    assert results[0].input == "<stdin>"
    assert results[0].text == text


def test_stdin_html(monkeypatch: pytest.MonkeyPatch) -> None:
    body = "<p>" + "Acme Corp agreed to buy Widget Ltd for $2 billion in cash. " * 5 + "</p>"
    set_stdin(monkeypatch, f"<!DOCTYPE html><html><body>{body}</body></html>".encode())
    [page] = read_inputs(["-"])
    assert isinstance(page, Page)
    assert page.text.startswith("Acme Corp agreed") and "<p>" not in page.text


def test_empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    set_stdin(monkeypatch, b"")
    [error] = read_inputs(["-"])
    assert isinstance(error, InputError)
    assert (error.source, error.reason) == ("<stdin>", "empty")


# Business news in Japanese and Korean, invented, long enough for detection to be sure.
JAPANESE = ("電池メーカーの新工場は来年から量産を始める予定だと会社が発表した。"
            "投資額は約千億円で、自動車各社への供給を見込む。\n") * 3
KOREAN = ("배터리 제조사는 내년부터 새 공장에서 양산을 시작할 계획이라고 밝혔다. "
          "투자 규모는 약 1조 원이며 자동차 업체에 공급할 예정이다.\n") * 3


@pytest.mark.parametrize(("text", "codec"), [(JAPANESE, "shift_jis"), (JAPANESE, "euc_jp"),
                                             (KOREAN, "euc_kr"), (KOREAN, "utf-16")])
def test_east_asian_encodings(tmp_path: Path, text: str, codec: str) -> None:
    path = tmp_path / "asia.txt"
    path.write_bytes(text.encode(codec))
    assert read_page(path).text == text


@pytest.mark.parametrize(("text", "codec"), [(JAPANESE, "shift_jis"), (KOREAN, "euc-kr")])
def test_html_charset_declared_in_meta(tmp_path: Path, text: str, codec: str) -> None:
    path = tmp_path / "asia.html"
    body = "".join(f"<p>{line}</p>" for line in text.splitlines())
    html = (f'<html><head><meta charset="{codec}"><title>t</title></head>'
            f"<body><article>{body}</article></body></html>")
    path.write_bytes(html.encode(codec))
    assert read_page(path).text.splitlines()[0] == text.splitlines()[0]
