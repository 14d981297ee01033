"""Monitoring that speaks first: saved searches matched as articles are indexed, webhook deliveries,
previews against history and source-volume baselines."""
