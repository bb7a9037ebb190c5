"""The server-rendered web client, one module per area (docs/web.md).

Views stay thin: they resolve the event through ``congress.selectors``, read through selectors and
change state only through the apps' services; ``common.handles_domain_errors`` and
``common.refusals_to_form`` turn the services' refusals into responses.
"""
