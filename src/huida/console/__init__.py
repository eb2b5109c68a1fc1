"""The web console (issue 17): static files served at /console; see routes.py."""
