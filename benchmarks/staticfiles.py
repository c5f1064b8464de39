"""Static files for the benchmark server when the production collectstatic cannot run.

`static/vendor/signature_pad/signature_pad.umd.min.js` ends with a `sourceMappingURL` comment naming
a .map file that is not vendored, and ManifestStaticFilesStorage refuses to post-process it. Until
that line is removed (or the map vendored), benchmarks/run collects with this storage: the same
hashed names and staticfiles.json, only the source-map reference is left as it is. The server then
runs with the unchanged production storage, which only reads the manifest.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class ManifestWithoutSourceMaps(ManifestStaticFilesStorage):
    patterns = tuple(
        (extension, tuple(p for p in rules if "sourceMappingURL" not in (p[0] if isinstance(p, tuple) else p)))
        for extension, rules in ManifestStaticFilesStorage.patterns
    )
