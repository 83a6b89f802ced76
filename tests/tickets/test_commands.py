"""createapikey and import_deposit_addresses."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tickets import demo, services
from tickets.models import AccountActivity, ApiKey, CannedReply, Customer, DepositAddress, Ticket

pytestmark = pytest.mark.django_db


def test_createapikey_prints_a_working_key_once():
    out, err = StringIO(), StringIO()
    call_command(
        "createapikey",
        "Exchange backend",
        "--scope",
        "tickets:read",
        "--scope",
        "activity:write",
        stdout=out,
        stderr=err,
    )
    raw = out.getvalue().strip()
    key = ApiKey.objects.get()
    assert services.api_key_verify(raw) == key
    assert key.scopes == ["activity:write", "tickets:read"]
    assert raw.split("_", 2)[2] not in key.secret_hash


def test_createapikey_needs_a_known_scope():
    with pytest.raises(CommandError):
        call_command("createapikey", "x")
    with pytest.raises(CommandError):
        call_command("createapikey", "x", "--scope", "root")
    assert not ApiKey.objects.exists()


def write(tmp_path, text: str):
    path = tmp_path / "addresses.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_creates_unknown_customers(tmp_path, customer):
    path = write(
        tmp_path,
        "customer,chain,address,memo\n"
        "cust-1,bsc,0xAB00000000000000000000000000000000000001,\n"
        "new-9,ton,EQD-someTonAddress,12345\n"
        "new-9,ethereum,0xab00000000000000000000000000000000000002,\n",
    )
    out = StringIO()
    call_command("import_deposit_addresses", path, stdout=out)
    assert "Imported 3 deposit address(es) for 2 customer(s)" in out.getvalue()
    assert Customer.objects.filter(external_id="new-9").exists()
    assert DepositAddress.objects.get(chain="bsc").address == "0xab00000000000000000000000000000000000001"
    assert DepositAddress.objects.get(chain="ton").memo == "12345"
    call_command("import_deposit_addresses", path, stdout=StringIO())  # again: idempotent
    assert DepositAddress.objects.count() == 3


def test_a_bad_row_is_named_and_nothing_is_imported(tmp_path, customer, other_customer):
    services.deposit_address_upsert(customer=other_customer, chain="bsc", address="0x" + "9" * 40)
    path = write(
        tmp_path,
        f"customer,chain,address,memo\ncust-1,bsc,0x{'1' * 40},\nbrand-new,bsc,,\ncust-1,bsc,0x{'9' * 40},\n",
    )
    with pytest.raises(CommandError, match=r"line 3: a deposit address needs a chain and an address; nothing"):
        call_command("import_deposit_addresses", path)
    assert DepositAddress.objects.count() == 1
    assert not Customer.objects.filter(external_id="brand-new").exists()
    path = write(tmp_path, f"customer,chain,address,memo\ncust-1,bsc,0x{'9' * 40},\n")
    with pytest.raises(CommandError, match=r"line 2: .*another customer"):
        call_command("import_deposit_addresses", path)


def test_import_names_missing_columns_and_files(tmp_path):
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_deposit_addresses", write(tmp_path, "user,chain,address\n"))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_deposit_addresses", str(tmp_path / "nope.csv"))


def test_seed_demo_is_idempotent_and_gives_tickets_in_every_state():
    # Only this app's demo rows are counted: other apps' seeders add their own.
    ours = Ticket.objects.filter(subject__in=[row[1] for row in demo.TICKETS])
    call_command("seed_demo", stdout=StringIO())
    first = {"tickets": ours.count(), "addresses": DepositAddress.objects.count()}
    call_command("seed_demo", stdout=StringIO())
    assert (
        {"tickets": ours.count(), "addresses": DepositAddress.objects.count()}
        == first
        == {
            "tickets": len(demo.TICKETS),
            "addresses": first["addresses"],
        }
    )
    assert set(ours.values_list("status", flat=True)) == {"new", "open", "pending", "solved", "closed"}
    assert AccountActivity.objects.filter(customer__external_id="demo-alice").count() == 3
    assert CannedReply.objects.filter(owner__isnull=True).count() >= 3
