from tests.realtime.conftest import connect, event, live_session, people  # noqa: F401 (fixtures)
