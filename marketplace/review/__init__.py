"""Expert review: pool, rounds, rubric, panels, scoring, decisions, publicity."""
