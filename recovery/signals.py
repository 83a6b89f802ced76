"""What recovery.services announces after a commit, for the modules above it to react to (docs/architecture.md,
"How a lower module lets a higher one react"). The walkthrough connects to both at start-up (RecoveryConfig.ready):
services imports nothing above it.

Receivers run in the process that committed, after the commit; an exception in one is logged by the on_commit
hook that sent it (robust) and, for a lookup, the task announces its verdict again (recovery.tasks)."""

from django.dispatch import Signal

# A lookup's verdict is stored (kwargs: lookup_id). Announced once by the run that stored it, and again by its task:
# receivers must be idempotent.
lookup_finished = Signal()

# A recovery case moved one step (kwargs: case_id).
case_changed = Signal()
