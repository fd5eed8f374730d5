"""The partner-facing side: the read API (JSON and IPTC ninjs 2.0), the partner feed, and
the registry of who republished us. What a partner may receive is eligibility.py's rule."""
