from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import factors


class Command(BaseCommand):
    help = "Remove every second factor of a staff member (a lost phone) and end their sessions."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, email, **options):
        user = User.objects.filter(email=User.objects.normalize_email(email).lower()).first()
        if user is None:
            raise CommandError(f"no staff member {email!r}")
        factors.factors_reset(user=user)
        self.stdout.write(f"{user.email}: factors removed; the next sign-in starts at enrolment")
