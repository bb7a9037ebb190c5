from demo import congress, expo
from demo.content import load


def test_content_sessions_name_known_rooms_tracks_slots_and_speakers():
    data = load("congress")
    rooms = {room["key"] for room in data["rooms"]}
    tracks = {track["key"] for track in data["tracks"]}
    last_names = {speaker.last_name for speaker in congress.speakers()}

    unknown = [
        session.title
        for session in congress.programme()
        if session.slot not in data["slots"]
        or (session.room is not None and session.room not in rooms)
        or (session.track is not None and session.track not in tracks)
        or not set(session.speakers) <= last_names
    ]

    assert unknown == []


def test_content_speakers_last_names_are_unique():
    """Sessions and speaker accounts name speakers by last name."""
    last_names = [speaker.last_name for speaker in congress.speakers()]

    assert len(set(last_names)) == len(last_names)


def test_content_exhibitors_name_known_categories():
    categories = {category["slug"] for category in load("expo")["categories"]}
    themes = load("matchmaking")["category_themes"]

    unknown = [
        booth["name"]
        for booth in expo.exhibitors()
        if not set(booth["categories"]) <= categories & set(load("expo")["products"]) & set(themes)
    ]

    assert unknown == []


def test_content_profile_tags_are_in_the_vocabulary():
    data = load("matchmaking")
    vocabulary = {tag["slug"] for tag in data["tags"]}

    used = set(data["governance"])
    for profile in data["profiles"].values():
        used |= set(profile["interests"] + profile["offers"] + profile["seeks"])

    assert used - vocabulary == set()
