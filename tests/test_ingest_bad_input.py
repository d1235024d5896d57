"""Bad input: one clear error naming the file and the problem; the other files in the run are still read."""

from pathlib import Path

import pytest

from app.cli import main
from ingest.model import IngestError
from ingest.reader import ReadOptions, read_document, read_many

DATA = Path(__file__).parent / "data"
FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
GOOD_PDF = DATA / "pdf" / "001_skaraborg_skis_uppdragsbeskrivning.pdf"


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """Each bad input, with a phrase its error message must contain."""
    pdf = GOOD_PDF.read_bytes()
    files = {
        "encrypted": (FIXTURES / "encrypted.pdf", "encrypted"),
        "image_only": (FIXTURES / "image_only.pdf", "OCR"),
        "truncated": (tmp / "truncated.pdf", "damaged or truncated"),
        "corrupt": (tmp / "corrupt.pdf", "damaged or truncated"),
        "empty_txt": (tmp / "empty.txt", "empty"),
        "empty_pdf": (tmp / "empty.pdf", "empty"),
        "unknown_type": (tmp / "plan.docx", "unsupported file type"),
        "missing": (tmp / "does_not_exist.pdf", "no such file"),
    }
    (tmp / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    (tmp / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (tmp / "empty.txt").write_bytes(b"  \n\n")
    (tmp / "empty.pdf").write_bytes(b"")
    (tmp / "plan.docx").write_bytes(b"PK\x03\x04 not really a docx")
    return files


@pytest.mark.parametrize(
    "case",
    ["encrypted", "image_only", "truncated", "corrupt", "empty_txt", "empty_pdf", "unknown_type", "missing"],
)
def test_bad_input_gives_one_clear_error(tmp_path, case):
    path, phrase = _bad_files(tmp_path)[case]
    with pytest.raises(IngestError) as caught:
        read_document(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert phrase.casefold() in message.casefold(), message
    assert "\n" not in message


def test_page_limit(tmp_path):
    with pytest.raises(IngestError, match="2 pages, more than the limit of 1"):
        read_document(GOOD_PDF, ReadOptions(max_pages=1))


def test_owner_password_only_pdf_is_read():
    doc = read_document(FIXTURES / "owner_password_only.pdf")
    assert any("Skolchefsnätverket" in block.text for block in doc.blocks)


@pytest.mark.parametrize(("encoding", "warning"), [("cp1252", "cp1252"), ("latin-1", "")])
def test_legacy_encodings_are_read(tmp_path, encoding, warning):
    path = tmp_path / "gammal.txt"
    text = "Förvaltningens ledningsgrupp träffas en gång i månaden – åäö.\n"
    path.write_bytes(text.encode(encoding, "replace"))
    doc = read_document(path)
    assert "Förvaltningens ledningsgrupp träffas" in doc.text
    assert doc.warnings, "the assumed encoding should be reported"


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    bad = _bad_files(tmp_path)
    paths = [bad["corrupt"][0], GOOD_PDF, bad["encrypted"][0], DATA / "seeds" / "004_10e405f53db58f35.txt"]
    outcomes = list(read_many(paths))
    assert [o.error is None for o in outcomes] == [False, True, False, True]
    assert outcomes[1].document.pages and outcomes[3].document.pages


def test_cli_parse_exit_status_and_message(tmp_path, capsys):
    bad = _bad_files(tmp_path)
    status = main(["parse", str(bad["truncated"][0]), str(GOOD_PDF)])
    captured = capsys.readouterr()
    assert status == 1
    assert "truncated.pdf: the PDF is damaged or truncated" in captured.err
    assert "SKOLUTVECKLING I SKARABORG" in captured.out  # the good file was still parsed


def test_cli_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["parse"])
    assert caught.value.code == 2
