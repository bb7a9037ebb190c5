import pytest

from expo.markdown import render_markdown
from tests.factories import ExhibitorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Hallo <script>alert(1)</script>Welt", "<p>Hallo Welt</p>"),
        ("<img src=x onerror=alert(1)>", "<p></p>"),
        ('<a href="#" onclick="alert(1)">x</a>', '<p><a href="#" rel="noopener noreferrer nofollow">x</a></p>'),
        ("[x](javascript:alert(1))", '<p><a rel="noopener noreferrer nofollow">x</a></p>'),
        ("[Web](https://example.org)", '<p><a href="https://example.org" rel="noopener noreferrer nofollow">Web</a></p>'),
        ("**fett** und *kursiv*\n\n- eins\n- zwei", "<p><strong>fett</strong> und <em>kursiv</em></p>\n<ul>\n<li>eins</li>\n<li>zwei</li>\n</ul>"),
    ],
)  # fmt: skip
def test_markdown_renders_inert(text, html):
    assert render_markdown(text) == html


def test_booth_detail_carries_inert_html(event, api):
    booth = ExhibitorFactory(
        event=event,
        description="<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))",
    )

    response = api.get(f"/api/v1/events/{event.slug}/exhibitors/{booth.pk}/")

    html = response.json()["description_html"]
    for active in ("<script", "onerror", "javascript:", "alert(1)<"):
        assert active not in html
    assert response.json()["description"] == booth.description
