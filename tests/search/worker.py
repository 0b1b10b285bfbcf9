"""A separate process writing needs, for the crash and concurrency tests.

    python -m tests.search.worker publish|crash DATABASE_URL DATA_DIR INDEX_DIR OWNER ADMIN N TAG
"""
from __future__ import annotations

import os
import sys


def main(mode, url, data_dir, index_dir, owner_id, admin_id, count, tag) -> None:
    from marketplace import create_app
    from marketplace.challenges.models import NeedStatus
    from marketplace.extensions import db
    from marketplace.search import engine
    from tests import factories

    app = create_app({"DATA_DIR": data_dir, "SQLALCHEMY_DATABASE_URI": url,
                      "INDEX_DIR": index_dir, "SECRET_KEY": "worker"})
    if mode == "crash":
        # The process dies after the database commit, before the index is written.
        def die(*_args, **_kwargs):
            os._exit(17)
        engine.writer = die
    with app.test_request_context():
        for number in range(int(count)):
            factories.need(int(owner_id), NeedStatus.published, int(admin_id),
                           title_zh=f"碳化硅{tag}需求{number}", title_en=f"SiC need {tag} {number}")
            db.session.commit()
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
