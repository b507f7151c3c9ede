"""Static files as a phone on venue wifi wants them: content-hashed names (cached forever),
gzip and Brotli copies built once by `collectstatic`, never per request.

`collect_if_stale()` runs `collectstatic` when a source file is newer than the manifest:
the test session calls it, so `make test` needs no manual step and never serves a stale
stylesheet to a browser journey.
"""

import brotli
from django.conf import settings
from django.contrib.staticfiles import finders
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Brotli's best quality is worth its time on what a dancer's phone loads (a few KB each);
# on the megabyte API-docs bundles it took most of a minute for a percent or two.
BEST_QUALITY_UP_TO = 256 * 1024
LARGE_FILE_QUALITY = 5


class TieredCompressor(Compressor):
    def compress_brotli(self, data):
        quality = 11 if len(data) <= BEST_QUALITY_UP_TO else LARGE_FILE_QUALITY
        return brotli.compress(data, quality=quality)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, compressing each hashed file only once:
    a hashed name is its content, so an existing .br/.gz copy is already the right one."""

    # Our JavaScript modules import each other by name (the DJ dashboard's follower): those
    # names are rewritten to the hashed ones too, or the browser asks for a missing file.
    # Only in our own scripts (js/): django-htmx's unminified sources say import("../htmx")
    # in doc comments, which a fresh collectstatic took for a missing file and stopped.
    patterns = CompressedManifestStaticFilesStorage.patterns + (
        ("js/*.js", CompressedManifestStaticFilesStorage._js_module_import_aggregation_patterns[1]),
    )

    def create_compressor(self, **kwargs):
        return TieredCompressor(**kwargs)

    def compress_files(self, paths):
        hashed = set(self.hashed_files.values())
        fresh = [path for path in paths
                 if path not in hashed or not (self.exists(path + ".br") or self.exists(path + ".gz"))]
        yield from super().compress_files(fresh)


def manifest_path():
    return settings.STATIC_ROOT / "staticfiles.json"


def newest_source_mtime():
    newest = 0.0
    for finder in finders.get_finders():
        for path, storage in finder.list(None):
            newest = max(newest, storage.get_modified_time(path).timestamp())
    return newest


def collect_if_stale():
    """Run collectstatic if the manifest is missing or older than any source file."""
    from django.core.management import call_command

    manifest = manifest_path()
    if manifest.exists() and manifest.stat().st_mtime >= newest_source_mtime():
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    return True
