"""The vocabulary (ontology/styrkedja.ttl), the generated namespaces (ontology/sk.py) and the SHACL shapes."""

from __future__ import annotations

import ast
import tomllib
from functools import cache
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

import ontology
from ontology import DOCTYPE, DOCUMENT_TYPES, SK, SKS, generate, load_ontology, load_shapes
from ontology.validate import validate_document_graph

FIXTURES = Path(__file__).parent / "fixtures" / "ontology"
CASES = tomllib.loads((FIXTURES / "cases.toml").read_text(encoding="utf-8"))
CONTRACT = tomllib.loads((FIXTURES / "contract_terms.toml").read_text(encoding="utf-8"))
SK_NS = "https://w3id.org/styrkedja/ns#"


@cache
def vocabulary() -> Graph:
    return load_ontology()


@cache
def shapes() -> Graph:
    return load_shapes()


def sk_terms_in_ttl() -> list[URIRef]:
    g = vocabulary()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
    found = {s for kind in kinds for s in g.subjects(RDF.type, kind) if str(s).startswith(SK_NS)}
    return sorted(found)


def fixture_graph(name: str) -> Graph:
    return Graph().parse(FIXTURES / name, format="turtle")


# --- the Turtle file --------------------------------------------------------------------------------------


def test_ontology_parses_and_declares_itself():
    g = vocabulary()
    assert (URIRef(ontology.ONTOLOGY_IRI), RDF.type, OWL.Ontology) in g
    assert len(sk_terms_in_ttl()) >= 38


@pytest.mark.parametrize(
    ("name", "kind"),
    [(n, OWL.Class) for n in CONTRACT["classes"]]
    + [(n, OWL.ObjectProperty) for n in CONTRACT["object_properties"]]
    + [(n, OWL.DatatypeProperty) for n in CONTRACT["datatype_properties"]],
)
def test_contract_term_is_declared_in_ttl_and_sk(name, kind):
    iri = URIRef(SK_NS + name)
    assert (iri, RDF.type, kind) in vocabulary()
    assert name in SK
    assert SK[name] == iri


@pytest.mark.parametrize(("sub", "sup"), CONTRACT["subclasses"])
def test_contract_subclasses(sub, sup):
    assert (SK[sub], RDFS.subClassOf, SK[sup]) in vocabulary()


@pytest.mark.parametrize(("s", "p", "o"), CONTRACT["alignments"])
def test_promised_alignment_is_stated(s, p, o):
    g = vocabulary()
    namespaces = dict(g.namespaces())
    namespaces["bmm"] = ontology.BMM

    def expand(curie: str) -> URIRef:
        prefix, local = curie.split(":", 1)
        return URIRef(str(namespaces[prefix]) + local)

    assert (expand(s), expand(p), expand(o)) in g


@pytest.mark.parametrize("term", sk_terms_in_ttl(), ids=lambda t: t.split("#")[1])
def test_every_term_has_swedish_and_english_label_and_definition(term):
    g = vocabulary()
    labels = {lit.language for lit in g.objects(term, RDFS.label) if isinstance(lit, Literal)}
    definitions = {lit.language for lit in g.objects(term, SKOS.definition) if isinstance(lit, Literal)}
    assert {"sv", "en"} <= labels
    assert "en" in definitions
    assert (term, RDFS.isDefinedBy, URIRef(ontology.ONTOLOGY_IRI)) in g


def test_document_type_scheme_has_exactly_the_contract_notations():
    g = vocabulary()
    scheme = URIRef(ontology.DOCTYPE_SCHEME)
    concepts = set(g.subjects(SKOS.inScheme, scheme))
    notations = {str(g.value(c, SKOS.notation)) for c in concepts}
    assert notations == set(CONTRACT["document_types"]) == set(DOCUMENT_TYPES)
    for concept in concepts:
        notation = str(g.value(concept, SKOS.notation))
        assert (concept, RDF.type, SKOS.Concept) in g
        assert concept == DOCTYPE[notation] == URIRef(f"https://w3id.org/styrkedja/doctype/{notation}")
        assert any(lbl.language == "sv" for lbl in g.objects(concept, SKOS.prefLabel))
        assert len(list(g.objects(concept, SKOS.notation))) == 1


# --- the generated module ---------------------------------------------------------------------------------


def test_sk_py_is_up_to_date_with_the_ttl(tmp_path):
    out = tmp_path / "sk.py"
    assert generate.main(["--output", str(out)]) == 0
    committed = Path(generate.__file__).parent / "sk.py"
    assert out.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8")


def test_sk_names_exactly_the_ttl_terms():
    in_ttl = {str(t)[len(SK_NS) :] for t in sk_terms_in_ttl()}
    in_module = set(SK.__annotations__) | set(SK._extras)
    assert in_module == in_ttl


@pytest.mark.parametrize(("namespace", "typo"), [(SK, "Activty"), (SK, "dueData"), (DOCTYPE, "protokol")])
def test_misspelt_term_raises(namespace, typo):
    with pytest.raises(AttributeError):
        getattr(namespace, typo)


def test_keyword_term_is_reachable_by_item():
    assert SK["from"] == URIRef(SK_NS + "from")
    assert "from" in SK


def test_ontology_package_imports_nothing_from_the_project():
    project = {"ingest", "graph", "search", "app"}
    for path in Path(ontology.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not {n.split(".")[0] for n in names} & project, f"{path.name} imports {names}"


# --- the shapes -------------------------------------------------------------------------------------------


def test_shapes_parse_and_offer_the_document_type_list_of_the_scheme():
    g = shapes()
    assert (SKS.DocumentShape, RDF.type, SH.NodeShape) in g
    allowed = set(Collection(g, g.value(SKS["Document-documentType"], SH["in"])))
    assert allowed == {DOCTYPE[n] for n in DOCUMENT_TYPES}


def test_shape_paths_use_only_declared_sk_terms():
    declared = set(sk_terms_in_ttl())
    used = {o for o in shapes().objects() if isinstance(o, URIRef) and str(o).startswith(SK_NS)}
    assert used <= declared, used - declared


@pytest.mark.parametrize("name", CASES["good"])
@pytest.mark.parametrize("with_reference", [False, True])
def test_good_document_graph_conforms(name, with_reference):
    reference = [fixture_graph(CASES["reference"])] if with_reference else []
    report = validate_document_graph(fixture_graph(name), reference=reference)
    assert report.conforms, report.text


@pytest.mark.parametrize("name", CASES["good"])
def test_good_document_graph_conforms_without_the_ontology_mixed_in(name):
    report = validate_document_graph(fixture_graph(name), ontology=Graph())
    assert report.conforms, report.text


@pytest.mark.parametrize(("name", "expected"), sorted(CASES["bad"].items()))
def test_bad_document_graph_fails_in_the_expected_shapes(name, expected):
    report = validate_document_graph(fixture_graph(f"bad/{name}"))
    assert not report.conforms
    assert report.failed_shapes == {str(SKS[shape]) for shape in expected}, report.text
