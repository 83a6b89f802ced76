"""Garbage into the other doors: pasted TXIDs, the deposit-address CSV import and the chain registry file.
Each answers with a clear result or a clear error, never a crash, and an import that fails writes nothing."""

import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from recovery.chains import ChainsFileError, load_registry
from recovery.txid import Format, parse_txid
from tests.security.frames import NASTY_TEXT
from tickets.models import DepositAddress

FUZZ = hsettings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
GOOD_CHAINS = Path(__file__).resolve().parents[2] / "recovery" / "chains.default.toml"

pasted = st.one_of(
    NASTY_TEXT,
    st.text(alphabet="0123456789abcdefABCDEFxX:/.?=#&% \n\t", max_size=200),
    st.builds(
        lambda h, t: f"https://{h}/tx/{t}", st.sampled_from(["etherscan.io", "bscscan.com", "evil.example"]), NASTY_TEXT
    ),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
)


@FUZZ
@given(text=pasted)
def test_any_pasted_text_gets_a_format_and_advice_never_an_exception(text):
    parsed = parse_txid(text)
    assert parsed.input_format in vars(Format).values()
    assert isinstance(parsed.advice, str)
    if parsed.lookable:
        assert parsed.tx_hash and all(c in "0123456789abcdefx" for c in parsed.tx_hash.lower())


csv_rows = st.lists(
    st.lists(st.one_of(NASTY_TEXT, st.sampled_from(["ethereum", "bsc", "0x" + "a" * 40, "", "cust-1"])), max_size=6),
    max_size=6,
)


@pytest.mark.django_db
def test_a_garbage_csv_import_is_refused_with_its_line_and_writes_nothing(customer):
    folder = Path(tempfile.mkdtemp(prefix="sec-csv-"))
    outcomes = {"refused": 0, "imported": 0}

    @FUZZ
    @given(header=st.sampled_from(["customer,chain,address,memo", "customer,chain", "", "a,b,c,d"]), rows=csv_rows)
    def run(header, rows):
        path = folder / "addresses.csv"
        lines = [header] + [",".join(row) for row in rows]
        path.write_bytes("\n".join(lines).encode("utf-8", "replace"))  # valid UTF-8; other encodings: below
        before = DepositAddress.objects.count()
        try:
            call_command("import_deposit_addresses", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
            outcomes["imported"] += 1
        except CommandError as exc:
            assert str(path) in str(exc)
            assert DepositAddress.objects.count() == before, "a refused import wrote nothing"
            outcomes["refused"] += 1

    try:
        run()
    finally:
        shutil.rmtree(folder)
    assert outcomes["refused"] > 0


@FUZZ
@given(
    cut=st.integers(min_value=0, max_value=4000),
    # No "[" or "]": a bracket inside a URL is the known crash below.
    junk=st.one_of(
        NASTY_TEXT.filter(lambda t: "[" not in t and "]" not in t),
        st.sampled_from(["=", '"', "key = ", "rpc_urls = 5", "\x00", "\n[[chains]]\n", "\n[chains\n"]),
    ),
)
def test_a_garbage_chain_file_is_refused_with_where_and_what(cut, junk):
    good = GOOD_CHAINS.read_text()
    folder = Path(tempfile.mkdtemp(prefix="sec-chains-"))
    path = folder / "chains.toml"
    try:
        path.write_bytes((good[:cut] + junk + good[cut:]).encode("utf-8", "replace"))
        try:
            registry = load_registry(path)
        except ChainsFileError as exc:
            assert str(path) in str(exc)
        else:
            assert registry.get("ethereum") is not None or registry.get("bsc") is not None
    finally:
        shutil.rmtree(folder)


@pytest.mark.django_db
def test_a_csv_that_is_not_utf8_is_refused_with_a_clear_error(tmp_path, customer):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"customer,chain,address,memo\ncaf\xe9,ethereum,0x" + b"a" * 40 + b",\n")
    with pytest.raises(CommandError):
        call_command("import_deposit_addresses", str(path))
    assert DepositAddress.objects.count() == 0


def test_a_chain_file_with_a_malformed_rpc_url_is_refused_with_where_and_what(tmp_path):
    good = GOOD_CHAINS.read_text()
    start = good.index("rpc_urls")
    line_end = good.index("\n", start)
    path = tmp_path / "chains.toml"
    path.write_text(good[:start] + 'rpc_urls = ["http://[::1"]' + good[line_end:])
    with pytest.raises(ChainsFileError) as refused:
        load_registry(path)
    assert str(path) in str(refused.value)
