"""Script modules that apps above chat add to the agent console (recovery's, which links a case's card to the case's
page). chat imports no app above it: each registers its module's static path at start-up (AppConfig.ready), and
the console page loads what is registered."""

_modules: list[str] = []


def console_module_register(static_path: str) -> None:
    if static_path not in _modules:
        _modules.append(static_path)


def console_modules() -> list[str]:
    return list(_modules)
