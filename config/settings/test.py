"""Settings for pytest: fast hashing, in-memory e-mail, fixed keys."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
IDENTITY_ENCRYPTION_KEY = "dGVzdC1vbmx5LWlkZW50aXR5LWtleS0zMi1ieXRlcyE="
IDENTITY_HASH_KEY = "test-identity-hash-key"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/inservice-test-media")
