"""Gunicorn settings for Standfirst; every value can be overridden on the command line."""

import multiprocessing
import os

# 0.0.0.0 inside a container; `make run` overrides it with --bind 127.0.0.1:8000.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Gunicorn's rule of thumb. Each sync worker holds one request at a time, so this
# is also the request concurrency (and the database connection count) per container.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))

# Sync workers: page views are short, cached or CPU-bound, and slow clients are
# buffered by the proxy or CDN in front, which is what sync workers need.
worker_class = "sync"

# A request that takes longer than this is stuck: the worker is killed and replaced.
timeout = 30
# On restart or deploy, in-flight requests get this long to finish.
graceful_timeout = 30
# Behind a load balancer, reuse its connections instead of opening one per request.
keepalive = 5

# Logs go to stdout/stderr; the container runtime collects them.
accesslog = "-"
errorlog = "-"
# Gunicorn's default format starts with the client address (%(h)s); the database keeps
# readers' addresses only as keyed hashes, and so does nothing here: time, request line,
# status, bytes, duration, referrer, user agent.
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# Off: periodic worker recycling hides memory leaks instead of exposing them, and
# every restart empties that worker's in-process state (connections, warm imports).
max_requests = 0

# Only these proxy addresses may set X-Forwarded-Proto and friends: loopback by
# default; set FORWARDED_ALLOW_IPS to the load balancer's address or network.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Each worker imports the app itself: code reloads on HUP work, and no database
# connection or Redis client is opened before fork and shared between workers.
preload_app = False

# No control socket (gunicornc): its default path is in $HOME, one for every master on the
# machine (two web hosts on one machine would take each other's), and the image's user has
# no home. Signals do the work: HUP reloads, TERM stops gracefully.
control_socket_disable = True
