"""`ask` and `similar` on the command line, over a store built with the model (contract JSON, filters)."""

import json
import shutil

import pytest

from app.cli import main

pytestmark = pytest.mark.model


def run(store, capsys, *argv):
    status = main(["-q", "--store", str(store.folder), *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_ask_json_follows_the_contract(model_store, capsys):
    status, out, _ = run(
        model_store, capsys, "ask", "Vem leder förvaltningens ledningsgrupp?", "-k", "5", "--json"
    )
    assert status == 0
    data = json.loads(out)
    assert data["query"] == "Vem leder förvaltningens ledningsgrupp?"
    assert [r["rank"] for r in data["results"]] == [1, 2, 3, 4, 5]
    for result in data["results"]:
        assert set(result) >= {"rank", "score", "text", "source_file", "page", "document", "nodes"}
        assert (
            isinstance(result["score"], float) and result["page"] is None or isinstance(result["page"], int)
        )
        assert result["document"].startswith("https://w3id.org/styrkedja/id/doc/")
        for node in result["nodes"]:
            assert set(node) == {"iri", "type", "label"}
        for start, end in result["answer_spans"]:
            assert 0 <= start < end <= len(result["text"])
    assert any("leds av skolchef" in r["text"] for r in data["results"])


def test_ask_cites_the_paragraph_a_passage_rests_on(model_store, capsys):
    _, out, _ = run(
        model_store, capsys, "ask", "Vilken paragraf kräver att huvudmannen utser en skolchef?", "--json"
    )
    first = json.loads(out)["results"][0]
    assert "2 kap. 8 §" in first["text"]
    assert {
        "iri": "https://lagen.nu/2010:800#K2P8",
        "type": "Paragraf",
        "label": "2 kap. 8 § skollagen (2010:800)",
    } in first["nodes"]


def test_ask_batch_answers_in_order(model_store, capsys, tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_text("Hur ofta träffas nätverket?\n\nVad beslutade utskottet?\n", "utf-8")
    status, out, _ = run(model_store, capsys, "ask", "--batch", str(questions), "-k", "2", "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and [line["query"] for line in lines] == [
        "Hur ofta träffas nätverket?",
        "Vad beslutade utskottet?",
    ]
    assert "Minst 4 möten per år" in lines[0]["results"][0]["text"]


def test_ask_filters(model_store, capsys):
    _, out, _ = run(
        model_store, capsys, "ask", "mål för verksamheten", "--kommun", "Finspång", "-k", "4", "--json"
    )
    assert {r["source_file"] for r in json.loads(out)["results"]} == {"002_finspang_verksamhetsplan.pdf"}
    _, out, _ = run(model_store, capsys, "ask", "beslut", "--doc-type", "protokoll", "--json")
    assert {r["source_file"] for r in json.loads(out)["results"]} == {"004_10e405f53db58f35.txt"}


def test_similar_says_what_documents_share(model_store, capsys):
    status, out, _ = run(model_store, capsys, "similar", "002_finspang_verksamhetsplan.pdf", "--json")
    data = json.loads(out)
    assert status == 0 and data["source_file"] == "002_finspang_verksamhetsplan.pdf"
    others = [r["source_file"] for r in data["similar"]]
    assert "002_finspang_verksamhetsplan.pdf" not in others and len(others) == 4
    assert all(0 <= r["graph"] <= 1 for r in data["similar"])
    assert any(r["shared"] for r in data["similar"])


def test_unknown_document_and_empty_store_are_user_errors(model_store, capsys, tmp_path):
    status, _, err = run(model_store, capsys, "similar", "finns-inte.pdf")
    assert status == 1 and "finns-inte.pdf: no such document in the store" in err
    status = main(["--store", str(tmp_path / "tom"), "ask", "något"])
    assert status == 1 and "the store is empty" in capsys.readouterr().err


def test_removed_document_leaves_the_index(model_store, capsys, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(model_store.folder, copy)
    assert main(["-q", "--store", str(copy), "remove", "004_10e405f53db58f35.txt"]) == 0
    capsys.readouterr()
    assert (
        main(["-q", "--store", str(copy), "ask", "Bildnings- och sociala utskottets beslut", "--json"]) == 0
    )
    results = json.loads(capsys.readouterr().out)["results"]
    assert results and all(r["source_file"] != "004_10e405f53db58f35.txt" for r in results)
