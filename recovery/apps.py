from django.apps import AppConfig
from django.core import checks


class RecoveryConfig(AppConfig):
    name = "recovery"
    verbose_name = "Wrong-chain recovery"

    def ready(self):
        checks.register(check_chains_file)
        # Explorer links on tickets' customer pages come from the chain registry (tickets imports no app above it).
        from recovery.chains import explorer_patterns
        from tickets.explorers import source_register

        source_register(explorer_patterns)
        # The walkthrough reacts to what the services announce after a commit (services import nothing above them).
        from recovery import signals, walkthrough

        signals.lookup_finished.connect(walkthrough.lookup_finished, dispatch_uid="recovery.walkthrough.lookup")
        signals.case_changed.connect(walkthrough.case_changed, dispatch_uid="recovery.walkthrough.case")
        # How recovery's timeline events read (tickets/timeline_words.py).
        # The console's case links (chat imports no app above it).
        from chat.console_modules import console_module_register
        from recovery import timeline_words  # noqa: F401

        console_module_register("recovery/console-cases.js")


def check_chains_file(app_configs=None, **kwargs) -> list:
    """`manage.py check` (and every management command) refuses a broken chain registry up front."""
    from recovery.chains import ChainsFileError, registry

    try:
        registry()
    except ChainsFileError as exc:
        return [checks.Error(str(exc), hint="Fix the file named by HELPDESK_CHAINS_FILE.", id="recovery.E001")]
    return []
