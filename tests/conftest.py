import pytest
from rest_framework.test import APIClient

from tests.factories import CreditorFactory, MunicipalityFactory, issued_key


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _eager_celery():
    """Run tasks in-process, also where CI configures a broker (the end-to-end tests use a worker)."""
    from vroegsignalering.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _no_checks_on_intake(settings):
    """Intake tests store signals only; tests of the checks turn them on (``checks_on_intake``)."""
    settings.CHECKS_ON_INTAKE = False


@pytest.fixture(autouse=True)
def _webhooks_to_loopback(settings):
    """The webhook receivers of the tests listen on 127.0.0.1; tests of the address check turn this off."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def checks_on_intake(settings):
    settings.CHECKS_ON_INTAKE = True


@pytest.fixture
def municipality(db):
    return MunicipalityFactory()


@pytest.fixture
def creditor(db):
    return CreditorFactory(name="Zorgverzekeraar Noord")


@pytest.fixture
def api(creditor, municipality):
    """An API client authenticated as ``creditor``."""
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=issued_key(creditor))
    client.creditor = creditor
    return client


@pytest.fixture
def other_api(db, municipality):
    client = APIClient()
    other = CreditorFactory(name="Woningcorporatie Zuid")
    client.credentials(HTTP_X_API_KEY=issued_key(other))
    client.creditor = other
    return client


@pytest.fixture(scope="session")
def brp_population():
    """The fake BRP's persons (official mock persons + the demo population), built once per test run."""
    from signals.brp.fake import FakeBrpServer

    return FakeBrpServer(inhabitants={"0518": 566_221, "0363": 931_298, "0344": 374_238, "0935": 121_000}).store


@pytest.fixture
def fake_brp_server(brp_population):
    """A fake BRP on loopback of this test's own: its own port, request log, counters and faults, so a
    late question of an earlier test (a client that timed out and is still sending) can never be
    counted here. It shares the session's population, so starting one costs about a millisecond."""
    from signals.brp.fake import FakeBrpServer

    with FakeBrpServer(store=brp_population) as server:
        yield server


@pytest.fixture
def brp(fake_brp_server, settings):
    """Point the checks at this test's fake BRP, with quick retries."""
    settings.BRP_BASE_URL = fake_brp_server.url
    settings.BRP_RETRIES = 1
    settings.BRP_TIMEOUT = 2.0
    return fake_brp_server


@pytest.fixture
def e2e_worker(brp, checks_on_intake):
    """A real Celery worker thread (Redis in CI, memory:// otherwise) with the checks on intake
    and the fake BRP; use with ``django_db(transaction=True)`` (tests/e2e_support.py)."""
    from tests.e2e_support import celery_worker_running

    with celery_worker_running():
        yield
