"""Import deposit addresses from a CSV file (customer,chain,address,memo), all or nothing."""

import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tickets import services

COLUMNS = ["customer", "chain", "address", "memo"]


class Command(BaseCommand):
    help = "Import deposit addresses from CSV with columns customer,chain,address,memo (customer = exchange user id)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            # Spreadsheets often export Latin-1 or UTF-16; guessing would silently change customers' ids.
            raise CommandError(
                f"{file}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8 and import again; "
                "nothing was imported"
            ) from exc
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CommandError(f"{file}: missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}")
        count, customers = self._import(file, reader)
        self.stdout.write(
            self.style.SUCCESS(f"Imported {count} deposit address(es) for {customers} customer(s) from {file}.")
        )

    @transaction.atomic
    def _import(self, file: str, reader: csv.DictReader) -> tuple[int, int]:
        seen: set[str] = set()
        count = 0
        for row in reader:
            # Line numbers count the header, as in a spreadsheet.
            line = reader.line_num
            try:
                external_id = (row.get("customer") or "").strip()
                customer = services.customer_upsert(external_id=external_id)
                services.deposit_address_upsert(
                    customer=customer,
                    chain=row.get("chain") or "",
                    address=row.get("address") or "",
                    memo=row.get("memo") or "",
                )
            except ValueError as exc:
                raise CommandError(f"{file}, line {line}: {exc}; nothing was imported") from exc
            seen.add(external_id)
            count += 1
        return count, len(seen)
