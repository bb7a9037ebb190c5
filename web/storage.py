"""Static files under names that carry their content hash, so a browser never mixes two releases.

``collectstatic`` writes every file twice: ``web/live.js`` and ``web/live.<hash>.js`` (plus
compressed copies), and ``{% static %}`` names the hashed one. The hash is taken after the
references inside a file are rewritten: ``url()`` in CSS and, for the web client's ES modules,
every relative ``import … from "./…";``. A changed ``lib/socket.js`` therefore changes the names of
the page modules that import it, and a page rendered after a deploy loads only new files, while
the files of the previous release stay in ``STATIC_ROOT`` beside them (see docs/web.md).
"""

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
    # Only the web client's own scripts are modules; a third-party bundle (the admin, Swagger UI)
    # may hold "import … from" inside strings, which must not be rewritten.
    _js_module_import_aggregation_patterns = (
        "web/*.js",
        HashedFilesMixin._js_module_import_aggregation_patterns[1],
    )
