"""The ground floor under every app (docs/architecture.md): plain Python that every app needs and none owns. No
models, no settings of its own, and no import of any app of this project."""
