"""Gunicorn configuration for the `web` service (see docs/operations.md).

Everything an operator may want to tune is read from the environment:

- ``PORT``                 port to listen on, on all interfaces (default 8000)
- ``WEB_CONCURRENCY``      worker processes (default 2 x CPUs + 1, at most 8)
- ``GUNICORN_THREADS``     threads per worker (gthread; default 4)
- ``GUNICORN_TIMEOUT``     seconds before a silent worker is killed and restarted (default 60)
- ``GUNICORN_MAX_REQUESTS`` requests after which a worker is recycled (default 1000, 0 = never)
- ``LOG_LEVEL``            gunicorn's own log level (default info)
- ``FORWARDED_ALLOW_IPS``  read by gunicorn itself: proxies whose X-Forwarded-* headers are trusted

Each thread keeps its own database connection (``DB_CONN_MAX_AGE``), so one web replica holds up
to WEB_CONCURRENCY x GUNICORN_THREADS connections to PostgreSQL.
"""
import os


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpu_count() -> int:
    # The CPUs this process may actually use (respects cpusets/affinity), not the host's total.
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


wsgi_app = "vroegsignalering.wsgi:application"

bind = f"0.0.0.0:{_int_env('PORT', 8000)}"
workers = _int_env("WEB_CONCURRENCY", min(2 * _cpu_count() + 1, 8))
# gthread: a few threads per process keep a slow client from blocking a whole worker, while the
# code stays plain synchronous Django.
worker_class = "gthread"
threads = _int_env("GUNICORN_THREADS", 4)

timeout = _int_env("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then (guards against slow memory growth); the jitter keeps them from
# all restarting at the same moment.
max_requests = _int_env("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(max_requests // 10, 0)

# The worker heartbeat file: on tmpfs, so a slow (container overlay) disk cannot stall workers.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Logs go to stdout/stderr; the container runtime collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The default format plus the response time in milliseconds and the request id. No personal data (D13):
# the request line is method, the URL pattern the path matched (not the path: ids; never the query
# string: an admin search ?q=<BSN>) and protocol; the Referer without its query string. GunicornLogger
# (vroegsignalering/common/gunicorn_logging.py) does this for every atom, whatever the format.
access_log_format = ('%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms '
                     '%({x-request-id}o)s')
logger_class = "vroegsignalering.common.gunicorn_logging.GunicornLogger"

# No control socket: it is not used, and the container's home may not be writable.
control_socket_disable = True
