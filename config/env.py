"""The one place that reads the process environment.

Settings modules import ``env`` and ``BASE_DIR`` from here; no other module
reads ``os.environ`` directly.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# A developer may keep local overrides in a .env file beside manage.py.
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv))
