"""The JSON API under /api/v1/ (issue 13): public needs, taxonomy, industry map and
publicity; with a personal API token, a team's own bids, an owner's own needs and drafts,
and an admin's review reports and exports. OpenAPI 3 at /api/v1/openapi.json, browsable at
/api/v1/docs.

The top layer: it may import any domain; nothing imports it.
"""
