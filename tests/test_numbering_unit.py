"""Slots and tables are numbered from 1 wherever people read or type them; the service counts from 0."""
import pytest
from marshmallow import ValidationError

from matchmaker.schemas import ChangeIn, EventOut, ParticipantIn, PlacementOut
from matchmaker.numbering import shown, shown_in_text, stored


def test_people_count_from_one_and_the_service_from_zero():
    assert (shown(0), stored(1), shown(None), stored(None)) == (1, 0, None, None)
    assert shown_in_text("b has meetings a~b, b~c all fixed to slot 0; table 2 lost") == \
        "b has meetings a~b, b~c all fixed to slot 1; table 3 lost"


def test_the_api_schemas_convert_both_ways():
    loaded = ChangeIn().load({"type": "table_lost", "table": 1, "from_slot": 3})
    assert (loaded["table"], loaded["from_slot"]) == (0, 2)
    assert PlacementOut().dump({"meeting": "a~b", "slot": 0, "table": 4}) == {"meeting": "a~b", "slot": 1, "table": 5}
    out = EventOut().dump({"id": "E-1", "name": "Day", "slots": [{"index": 0, "start": "s", "end": "e", "session": 1}],
                           "tables": [{"index": 2, "name": "Table 3"}], "requests": [],
                           "participants": [{"id": "p", "forbidden": [0, 5], "hosted_table": None}]})
    assert out["slots"][0]["number"] == 1 and out["tables"][0]["number"] == 3
    assert out["participants"][0]["forbidden_slots"] == [1, 6] and out["participants"][0]["hosted_table"] is None


@pytest.mark.parametrize("body", [{"id": "p", "forbidden_slots": [0]}, {"id": "p", "hosted_table": 0},
                                  {"id": "p", "forbidden_slots": [-3]}])
def test_slot_or_table_zero_is_refused_with_the_rule(body):
    with pytest.raises(ValidationError) as err:
        ParticipantIn().load(body)
    assert "numbered from 1" in str(err.value.messages)
