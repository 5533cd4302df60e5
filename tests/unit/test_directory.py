"""The reference directory: names and IDs of legal entities, offices, departments and cost
centers seen in list rows, searchable by name."""

from __future__ import annotations

from types import SimpleNamespace

from tui.domain.directory import Directories, ReferenceDirectory, fold, is_id, references_of

PARIS_HQ = "11111111-1111-4111-8111-111111111111"
PARIS_OFFICE = "22222222-2222-4222-8222-222222222222"
ZURICH = "33333333-3333-4333-8333-333333333333"
OTHER_PARIS_HQ = "44444444-4444-4444-8444-444444444444"
LEGAL = "55555555-5555-4555-8555-555555555555"


def detail(office_id: str, office: str, **business: object) -> dict:
    return {
        "userId": {"id": "u"},
        "businessDetail": {
            "legalEntity": {"id": LEGAL, "name": "Acme SAS"},
            "office": {"id": office_id, "name": office},
            **business,
        },
    }


def filled() -> ReferenceDirectory:
    directory = ReferenceDirectory()
    directory.add(
        [
            detail(PARIS_HQ, "Paris HQ", department={"id": "d-1", "name": "Legal"}),
            detail(PARIS_OFFICE, "Paris Office", costCenter={"id": "c-1", "name": "4600 Legal"}),
            detail(ZURICH, "Zürich Office"),
            detail(PARIS_HQ, "Paris HQ"),  # seen again: nothing new
        ]
    )
    return directory


def test_rows_fill_every_kind():
    directory = filled()
    assert directory.names("offices") == ["Paris HQ", "Paris Office", "Zürich Office"]
    assert directory.names("legal_entities") == ["Acme SAS"]
    assert directory.names("departments") == ["Legal"]
    assert directory.names("cost_centers") == ["4600 Legal"]
    assert len(directory) == 6


def test_search_is_substring_case_and_accent_insensitive():
    directory = filled()
    assert directory.search("offices", "PARIS") == [("Paris HQ", PARIS_HQ), ("Paris Office", PARIS_OFFICE)]
    assert directory.search("offices", "zurich") == [("Zürich Office", ZURICH)]
    assert directory.search("offices", "office") == [("Paris Office", PARIS_OFFICE), ("Zürich Office", ZURICH)]
    assert directory.search("departments", "leg") == [("Legal", "d-1")]
    assert directory.search("cost_centers", "legal") == [("4600 Legal", "c-1")]
    assert directory.search("offices", "nowhere") == []
    assert directory.search("offices", "", limit=1) == [("Paris HQ", PARIS_HQ)]


def test_prefix_matches_rank_first():
    directory = ReferenceDirectory()
    directory.add([detail(PARIS_HQ, "Lyon Legal"), detail(PARIS_OFFICE, "Legal Paris")])
    assert [n for n, _ in directory.search("offices", "legal")] == ["Legal Paris", "Lyon Legal"]


def test_by_name_and_name_of():
    directory = filled()
    assert directory.by_name("offices", "paris hq") == (PARIS_HQ,)
    assert directory.by_name("offices", "  ZURICH   office ") == (ZURICH,)
    assert directory.by_name("offices", "paris") == ()
    assert directory.name_of("offices", ZURICH) == "Zürich Office"
    assert directory.name_of("offices", "nope") is None
    assert directory.name_of("departments", PARIS_HQ) is None  # kinds are apart


def test_the_same_name_in_two_companies_gives_both_ids():
    directory = filled()
    directory.add([detail(OTHER_PARIS_HQ, "Paris HQ")])
    assert directory.by_name("offices", "Paris HQ") == (PARIS_HQ, OTHER_PARIS_HQ)
    assert directory.names("offices").count("Paris HQ") == 1


def test_a_renamed_reference_moves_to_its_new_name():
    directory = filled()
    assert directory.add([detail(ZURICH, "Zurich Campus")]) == 1
    assert directory.by_name("offices", "Zürich Office") == ()
    assert directory.by_name("offices", "zurich campus") == (ZURICH,)


def test_resolve_ids_names_and_parts_of_names():
    directory = filled()
    assert directory.resolve("offices", PARIS_OFFICE) == ((PARIS_OFFICE,), None)  # an ID as it is
    assert directory.resolve("offices", "Paris HQ") == ((PARIS_HQ,), None)
    assert directory.resolve("offices", "zür") == ((ZURICH,), None)  # the one name containing it
    ids, error = directory.resolve("offices", "paris")
    assert ids == () and "matches 2 offices (Paris HQ, Paris Office)" in error
    ids, error = directory.resolve("offices", "Berlin")
    assert ids == () and error == "no office named 'Berlin' among the 3 offices seen in the list"
    ids, error = ReferenceDirectory().resolve("cost_centers", "x")
    assert ids == () and "no cost centers seen yet" in error


def test_rows_with_references_and_models():
    directory = ReferenceDirectory()
    row = SimpleNamespace(references=(("offices", PARIS_HQ, "Paris HQ"),))
    model = SimpleNamespace(
        business_detail=SimpleNamespace(
            legal_entity=SimpleNamespace(id=LEGAL, name="Acme SAS"),
            office=None,
            department=None,
            cost_center=SimpleNamespace(id="c-9", name="9000 Ops"),
        )
    )
    assert directory.add([row, model]) == 3
    assert directory.search("cost_centers", "ops") == [("9000 Ops", "c-9")]
    assert references_of({"businessDetail": {"office": {"id": "x"}}}) == ()  # no name: nothing to pick by
    assert references_of({"userId": {"id": "u"}}) == ()


def test_directories_are_per_environment_and_scope():
    book = Directories()
    a = book.for_scope("prod", "tmc-1", None)
    assert book.for_scope("prod", "tmc-1", "ignored") is a
    assert book.for_scope("staging", "tmc-1", None) is not a
    assert book.for_scope("prod", None, "company-1") is not a


def test_fold_and_is_id():
    assert fold("  Zürich   Öffice ") == "zurich office"
    assert fold("ÉCOLE") == "ecole"
    assert is_id(PARIS_HQ) and is_id(PARIS_HQ.upper())
    assert not is_id("Paris HQ") and not is_id("o-1")
