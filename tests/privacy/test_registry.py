"""The registry's scrubbing of stored pushes."""

from treffpunkt.privacy import ERASED_NAME, scrub_json


def test_a_push_by_the_person_loses_name_and_text():
    push = {"id": 3, "user": {"id": 7, "name": "Zuzanna Q"}, "text": "Hallo", "seq": 4}
    assert scrub_json(push, user_id=7, strings=["Zuzanna Q"]) == {
        "id": 3,
        "user": {"id": 7, "name": ERASED_NAME},
        "text": "",
        "seq": 4,
    }


def test_a_meeting_with_the_person_loses_its_message():
    push = {"with": {"id": 7, "name": "Z"}, "message": "Am Stand", "location": "Halle 1"}
    scrubbed = scrub_json(push, user_id=7, strings=[])
    assert (scrubbed["with"]["name"], scrubbed["message"]) == (ERASED_NAME, "")


def test_others_pushes_stay_unless_they_quote_the_person():
    push = {"user": {"id": 8, "name": "Otto"}, "text": "Grüße an zuzanna@example.org"}
    assert scrub_json(push, user_id=7, strings=["zuzanna@example.org"]) == {
        "user": {"id": 8, "name": "Otto"},
        "text": ERASED_NAME,
    }
