"""Fixtures shared by the supervisor tests."""

import pytest


@pytest.fixture
def client_as(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
