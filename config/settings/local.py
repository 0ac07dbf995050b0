"""Development settings: DEBUG on, console e-mail, fixed development keys."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Development-only defaults. production.py has none and refuses to start
# without real values.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-secret-key-not-for-production-use-0123456789")
IDENTITY_ENCRYPTION_KEY = env(
    "IDENTITY_ENCRYPTION_KEY", default="ZGV2LW9ubHktaWRlbnRpdHkta2V5LTMyLWJ5dGVzISE="
)
IDENTITY_HASH_KEY = env("IDENTITY_HASH_KEY", default="dev-only-identity-hash-key")

# Without a broker, tasks run in-process when they are called.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# "Run now" on the synchronisation page runs in a thread, so its progress shows.
SYNC_EAGER_IN_THREAD = env.bool("SYNC_EAGER_IN_THREAD", default=True)
