import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elkaar.settings")
application = get_wsgi_application()

# What loading made (modules, settings, URL patterns, translations) lives as long as the process: move it out
# of the garbage collector's sight, so that its full passes do not walk it all again and again (those passes
# paused one search in twenty for 20 to 40 ms; bench/search_speed.py, docs/search.md).
gc.collect()
gc.freeze()
