"""newsworker: fetch, normalise, tag and index news."""
