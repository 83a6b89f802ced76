"""The static files as production serves them: WhiteNoise's compressed files under hashed names, with the JavaScript
modules' imports (static and dynamic) rewritten to the hashed names as well.

Why the rewriting: the pages preload their modules under the hashed names (`{% static %}` in
`<link rel="modulepreload">`), while the modules imported one another by their plain names, so a browser downloaded
every module twice, and the two copies of a module were separate instances. On the 2G link of
tests/a11y/test_slow_link_browser.py the second round of downloads cost the customer over a second before the widget
was online."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
