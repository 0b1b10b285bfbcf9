"""Notifications: in-app list, email outbox, deadline reminders."""
