"""Expertise profiles and matching: needs for a solver team, reviewers for a need."""
