"""gunicorn.conf.py as deployed, without the per-request access log.

Every server in a benchmark run (Standfirst and both floors) uses this same file; writing a
log line per request would otherwise be a large share of the floor's cost.
"""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "deployed_gunicorn_conf", Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
)
_deployed = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_deployed)
globals().update({k: v for k, v in vars(_deployed).items() if not k.startswith("_")})

accesslog = None
