import pytest

from helpdesk.env import ConfigError, database_from_url, envbool, envint, envsecret, redis_namespace


def test_envbool_reads_words(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert envbool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert envbool("X_FLAG", True) is False


def test_envbool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG"):
        envbool("X_FLAG")


def test_envint_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("X_NUM", "12a")
    with pytest.raises(ConfigError):
        envint("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "42")
    assert envint("X_NUM", 1) == 42


def test_envsecret_reads_file_variant(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET", "from-env")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert envsecret("X_SECRET") == "from-a-file"


def test_database_url_is_parsed():
    db = database_from_url("postgres://u%40x:p%2Fw@db.internal:6543/helpdesk?sslmode=require")
    assert db["USER"] == "u@x"
    assert db["PASSWORD"] == "p/w"
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.internal", "6543", "helpdesk")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_database_url_refuses_other_engines():
    with pytest.raises(ConfigError, match="scheme"):
        database_from_url("mysql://root@localhost/x")


def test_redis_names_differ_by_database_number_and_instance():
    names = {
        redis_namespace("redis://cache.internal:6379/11"),
        redis_namespace("redis://cache.internal:6379/12"),
        redis_namespace("redis://cache.internal:6379/12", "staging"),
        redis_namespace("redis://cache.internal:6379/12", "production"),
    }
    assert len(names) == 4
    assert redis_namespace("redis://h:6379/11") == "helpdesk.db11"
    assert redis_namespace("redis://h:6379", "staging") == "helpdesk.db0.staging"
    assert redis_namespace("redis://h:6379/1?db=3") == "helpdesk.db3"  # as redis-py reads it: the query wins
    assert redis_namespace("") == "helpdesk.db0"


@pytest.mark.parametrize("name", ["Staging", "a.b", "with space", "-lead", "x" * 41, "ü"])
def test_an_instance_name_that_redis_names_cannot_carry_is_refused(name):
    with pytest.raises(ConfigError, match="HELPDESK_INSTANCE"):
        redis_namespace("redis://h/0", name)
