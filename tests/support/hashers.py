"""A password hasher for the test process only (tests/conftest.py installs it).

Django's PBKDF2 costs about half a second of CPU per password on purpose; the suite creates staff in nearly every
test, and that alone was minutes of CPU. This is the same algorithm with one iteration: the hash it writes names its
iteration count, so the servers and workers the tests start (with the production hashers) still verify it.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneIterationPBKDF2(PBKDF2PasswordHasher):
    iterations = 1
