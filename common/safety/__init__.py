"""What the chat refuses to carry or lets pass only with a warning: secrets a customer pastes (redacted before they
are stored), agents asking for secrets (refused), and links to look-alike domains (flagged for the agent).

Pure functions on text: no database, no settings read at import. docs/SECURITY.md names the threat each answers.
"""
