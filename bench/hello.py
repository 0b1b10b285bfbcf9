"""The baseline of `make bench-web`: the smallest Flask app, served like the marketplace
(gunicorn, 2 sync workers), so a page's requests/s can be read as a share of what this machine,
gunicorn and Flask give at best.

    gunicorn --workers 2 --bind 127.0.0.1:8001 bench.hello:app
"""
from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
