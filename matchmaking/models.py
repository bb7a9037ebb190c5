"""Matchmaking (profiles, recommendations, meetings, 1:1 chat) is built in a later issue."""
