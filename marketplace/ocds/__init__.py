"""Open Contracting Data Standard (OCDS 1.1.5) publication of the needs, with the bids extension.

A cross-cutting service, like search and audit: it reads the domains (challenges, bids, review
and its award records) and no domain imports it. Nothing is stored: every release is derived
from the need's recorded transitions and the review and award records, with their dates, each
time a package is asked for (see README "Open Contracting (OCDS)").

    sources.py   what one contracting process is made of, loaded in a few queries
    mapping.py   a release: the process as it stood at one moment
    merge.py     the OCDS merge rules, for a record's compiled release
    packages.py  release and record packages (used by the CLI and the JSON API)
    cli.py       `flask --app wsgi ocds export [--records] [-o FILE]`
"""
