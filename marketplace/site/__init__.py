"""The site itself, above every domain: the home page and language switch, and the
commands that assemble the domains (`setup`, `db`, `worker`)."""
