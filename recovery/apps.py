from django.apps import AppConfig
from django.core import checks


class RecoveryConfig(AppConfig):
    name = "recovery"
    verbose_name = "Wrong-chain recovery"

    def ready(self):
        checks.register(check_chains_file)
        # How recovery's timeline events read (tickets/timeline_words.py).
        from recovery import timeline_words  # noqa: F401


def check_chains_file(app_configs=None, **kwargs) -> list:
    """`manage.py check` (and every management command) refuses a broken chain registry up front."""
    from recovery.chains import ChainsFileError, registry

    try:
        registry()
    except ChainsFileError as exc:
        return [checks.Error(str(exc), hint="Fix the file named by HELPDESK_CHAINS_FILE.", id="recovery.E001")]
    return []
