import pytest

from .helpers import load_taxonomy


@pytest.fixture
def taxonomy(app):
    with app.app_context():
        load_taxonomy()
