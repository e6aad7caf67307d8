"""The protocol model: valid files load and round-trip; each kind of bad input gets a message that names
the field, the bad value and what would be valid."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core.errors import ProtocolError
from explorer.core.protocol import Dose
from explorer.core.protocol_file import load_protocol, loads_protocol, save_protocol
from explorer.core.validation import protocol_from_dict

GOOD = {
    "title": "CAR4SAR, Arm A",
    "target": 0.25,
    "doses": ["1e5 cells/kg", "3e5 cells/kg", "1e6 cells/kg", "3e6 cells/kg"],
    "truth": [0.05, 0.12, 0.25, 0.45],
    "start_dose": 1,
    "design": {"method": "3+3"},
    "trials": 10000,
    "seed": 2024,
}


def with_(**changes):
    """GOOD with top-level keys changed (a value of ... deletes the key)."""
    d = copy.deepcopy(GOOD)
    for k, v in changes.items():
        if v is ...:
            d.pop(k, None)
        else:
            d[k] = v
    return d


def test_the_contract_example_loads():
    p = protocol_from_dict(GOOD)
    assert p.arms[0].n_doses == 4 and p.target == 0.25 and p.arms[0].start_dose == 1
    assert p.arms[0].doses[0] == Dose("1e5 cells/kg")
    assert p.arms[0].design.method == "3+3" and p.arms[0].design.options == {"variant": "standard"}
    assert p.warnings == ()


def test_defaults_when_optional_keys_are_omitted():
    p = protocol_from_dict({"target": 0.3, "truth": [0.1, 0.2, 0.3], "design": {"method": "3+3"}})
    assert [d.label for d in p.arms[0].doses] == ["DL1", "DL2", "DL3"]
    assert p.arms[0].start_dose == 1 and p.trials == 10000 and p.seed == 2024 and p.method == "auto"


def test_dose_objects_with_values_and_units():
    p = protocol_from_dict(with_(doses=[{"label": "low", "value": 1e5, "unit": "cells/kg"},
                                        {"value": 3e5, "unit": "cells/kg"}, {"label": "c", "value": 1e6},
                                        {"label": "d", "value": 3e6}]))
    assert p.arms[0].doses[0] == Dose("low", 1e5, "cells/kg")
    assert p.arms[0].doses[1].label == "300000 cells/kg"


def test_round_trip_through_a_file(tmp_path):
    p = protocol_from_dict(with_(design={"method": "a+b", "a": 2, "b": 4, "e": 2}, method="exact"))
    path = tmp_path / "p.json"
    save_protocol(p, path)
    q = load_protocol(path)
    assert q == p
    assert json.loads(path.read_text())["design"] == {"method": "a+b", "a": 2, "b": 4, "c": 1, "d": 1, "e": 2,
                                                       "deescalation": True}


def test_method_names_are_case_insensitive():
    assert protocol_from_dict(with_(design={"method": "A+B"})).arms[0].design.method == "a+b"


def test_non_monotone_truth_is_allowed_with_a_warning():
    p = protocol_from_dict(with_(truth=[0.05, 0.30, 0.20, 0.45]))
    assert len(p.warnings) == 1
    assert "not increasing" in p.warnings[0].message and "level 2: 0.3 > level 3: 0.2" in p.warnings[0].message


# Each bad input: (what to change, the field the message must name, words the message must contain).
BAD = [
    ("truth above 1", with_(truth=[0.05, 0.12, 1.3, 0.45]), "truth[2]", ["1.3", "outside [0, 1]", "0.25"]),
    ("truth below 0", with_(truth=[-0.1, 0.12, 0.25, 0.45]), "truth[0]", ["-0.1", "outside [0, 1]"]),
    ("truth not a number", with_(truth=[0.05, "high", 0.25, 0.45]), "truth[1]", ['"high"', "not a number"]),
    ("truth not a list", with_(truth=0.25), "truth", ["0.25", "not a list"]),
    ("truth missing", with_(truth=...), "truth", ["missing", "each dose"]),
    ("truth length differs from doses", with_(truth=[0.1, 0.2, 0.3]), "truth", ["3 values for 4 doses"]),
    ("one dose only", with_(doses=["a"], truth=[0.2]), "doses", ["1 dose", "from 2 to 12"]),
    ("thirteen doses", with_(doses=[f"d{i}" for i in range(13)], truth=[0.1] * 13), "doses",
     ["13 doses", "from 2 to 12"]),
    ("empty ladder", with_(doses=[], truth=[]), "doses", ["0 doses", "from 2 to 12"]),
    ("duplicate labels", with_(doses=["a", "b", "a", "c"]), "doses[2]", ['"a"', "used twice"]),
    ("empty label", with_(doses=["a", " ", "b", "c"]), "doses[1]", ["label is empty"]),
    ("dose values not increasing", with_(doses=[{"label": "a", "value": 3}, {"label": "b", "value": 2},
                                                {"label": "c", "value": 4}, {"label": "d", "value": 5}]),
     "doses[1].value", ["2", "lowest to highest"]),
    ("dose value negative", with_(doses=[{"label": "a", "value": -1}, "b", "c", "d"]), "doses[0].value",
     ["-1", "positive"]),
    ("unknown key in a dose", with_(doses=[{"label": "a", "dose": 1}, "b", "c", "d"]), "doses[0].dose",
     ['"dose"', "Valid keys: label, value, unit"]),
    ("target above 1", with_(target=1.5), "target", ["1.5", "outside (0, 1)"]),
    ("target of 0", with_(target=0), "target", ["0", "outside (0, 1)"]),
    ("target as percent text", with_(target="25%"), "target", ['"25%"', "not a number"]),
    ("target missing", with_(target=...), "target", ["missing", "0.25"]),
    ("start dose 0", with_(start_dose=0), "start_dose", ["0", "from 1 to 4"]),
    ("start dose above the ladder", with_(start_dose=5), "start_dose", ["5", "from 1 to 4"]),
    ("start dose not whole", with_(start_dose=1.5), "start_dose", ["1.5", "whole number"]),
    ("design missing", with_(design=...), "design", ["missing", "3+3"]),
    ("design not an object", with_(design="3+3"), "design", ["not an object", '"method"']),
    ("design method missing", with_(design={"variant": "standard"}), "design.method", ["missing", '"3+3"']),
    ("design that does not exist", with_(design={"method": "4+4"}), "design.method",
     ['"4+4"', "not a design", '"3+3"', '"a+b"']),
    ("unknown design option", with_(design={"method": "3+3", "cohort": 3}), "design.cohort",
     ['"cohort"', "not an option of 3+3", "variant"]),
    ("bad choice", with_(design={"method": "3+3", "variant": "fast"}), "design.variant",
     ['"fast"', '"standard"', '"no_expansion"']),
    ("option of the wrong type", with_(design={"method": "a+b", "a": "3"}), "design.a", ['"3"', "whole number"]),
    ("option out of bounds", with_(design={"method": "a+b", "a": 0}), "design.a", ["0", "from 1 to 12"]),
    ("a+b with e below d", with_(design={"method": "a+b", "d": 2, "e": 1}), "design.e", ["e = 1", "d = 2"]),
    ("trials zero", with_(trials=0), "trials", ["0", "from 1 to 1,000,000"]),
    ("trials absurd", with_(trials=10**9), "trials", ["1,000,000,000", "from 1 to 1,000,000"]),
    ("trials not whole", with_(trials=100.5), "trials", ["100.5", "whole number"]),
    ("seed not an integer", with_(seed=1.5), "seed", ["1.5", "whole number"]),
    ("seed text", with_(seed="abc"), "seed", ['"abc"', "whole number"]),
    ("seed negative", with_(seed=-1), "seed", ["-1", "≥ 0"]),
    ("boolean as a number", with_(trials=True), "trials", ["true", "whole number"]),
    ("unknown key with a typo", with_(trails=100), "trails", ['"trails"', 'Did you mean "trials"']),
    ("title not text", with_(title=3), "title", ["3", "not text"]),
    ("compute method unknown", with_(method="fast"), "method", ['"fast"', '"exact"', '"monte-carlo"']),
]


@pytest.mark.parametrize("raw,field,words", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_names_the_field_the_value_and_what_is_valid(raw, field, words):
    with pytest.raises(ProtocolError) as err:
        protocol_from_dict(raw)
    fields = [p.field for p in err.value.problems]
    assert field in fields, f"expected a problem at {field}, got {err.value}"
    message = next(p.message for p in err.value.problems if p.field == field)
    for w in words or []:
        assert w in message, f"{w!r} not in {message!r}"
    assert message.rstrip().endswith((".", "?")), "messages are sentences"


def test_a_cohort_larger_than_the_sample_size_is_named():
    from explorer.core.designs.base import Design

    problems = Design.cross_check({"cohort_size": 20, "max_n": 18}, 4, 0.25, "design")
    assert [p.field for p in problems] == ["design.cohort_size"]
    assert "20" in problems[0].message and "max_n = 18" in problems[0].message


def test_all_problems_are_reported_at_once():
    with pytest.raises(ProtocolError) as err:
        protocol_from_dict(with_(target=2, truth=[0.1, 2, 0.3, 0.4], seed=-5))
    assert {p.field for p in err.value.problems} >= {"target", "truth[1]", "seed"}


def test_not_an_object():
    with pytest.raises(ProtocolError, match="must be a JSON object"):
        protocol_from_dict([1, 2])


def test_malformed_json_points_at_the_line():
    with pytest.raises(ProtocolError) as err:
        loads_protocol('{"target": 0.25,\n "truth": [0.1, 0.2\n}', source="p.json")
    msg = str(err.value)
    assert "p.json is not valid JSON" in msg and "line 3" in msg


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ProtocolError, match="no such file"):
        load_protocol(tmp_path / "nope.json")
    with pytest.raises(ProtocolError, match="is a folder"):
        load_protocol(tmp_path)


def test_binary_file(tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ProtocolError, match="not UTF-8"):
        load_protocol(path)


def test_there_are_at_least_twenty_distinct_bad_inputs():
    assert len({b[0] for b in BAD}) >= 20


@settings(max_examples=60, deadline=None)
@given(truth=st.lists(st.floats(0, 1), min_size=2, max_size=12), target=st.floats(0.01, 0.99),
       start=st.integers(1, 12), seed=st.integers(0, 2**40))
def test_random_valid_protocols_load_and_round_trip(truth, target, start, seed):
    start = min(start, len(truth))
    p = protocol_from_dict({"target": target, "truth": truth, "start_dose": start, "seed": seed,
                            "design": {"method": "3+3"}})
    assert loads_protocol(p.to_json()) == p


@settings(max_examples=60, deadline=None)
@given(value=st.one_of(st.floats(allow_nan=True, allow_infinity=True).filter(lambda v: not 0 <= v <= 1),
                       st.text(max_size=5), st.none(), st.booleans(), st.lists(st.integers(), max_size=2)),
       index=st.integers(0, 3))
def test_random_invalid_truth_values_give_a_message_at_that_index(value, index):
    truth = list(GOOD["truth"])
    truth[index] = value
    with pytest.raises(ProtocolError) as err:
        protocol_from_dict(with_(truth=truth))
    assert f"truth[{index}]" in [p.field for p in err.value.problems]
