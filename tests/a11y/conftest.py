from tests.i18n.catalogues import compile_if_stale

compile_if_stale()
