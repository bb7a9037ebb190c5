"""The realtime gateway: one websocket per client, typed messages, topics with resume."""
