import pytest
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from accounts.models import Role
from tests.auth import login
from tests.caches import own_caches
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, issued_key

# No deadline per example: how fast a shared CI machine runs an example is not a property of the code
# (a slow example would fail as DeadlineExceeded or Flaky). A failure prints its reproduction blob.
hypothesis_settings.register_profile("suite", deadline=None, print_blob=True)
hypothesis_settings.load_profile("suite")


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A cache of this test's own: a fresh key prefix (Django recreates the cache connections when
    CACHES changes). Nothing an earlier test stored (throttle counters...) is seen, and nothing is
    flushed under a parallel test process (xdist) that shares the Redis cache (CACHE_URL)."""
    settings.CACHES = own_caches(settings.CACHES)


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


# --- the people of the case, team and visit tests: Proefdorp with worker Wim and team lead Tineke,
# and Anderstad next door (a module with other people defines its own) ----------------------------------

@pytest.fixture
def gemeente(db):
    return MunicipalityFactory(cbs_code="0100", name="Proefdorp")


@pytest.fixture
def andere(db):
    return MunicipalityFactory(cbs_code="0200", name="Anderstad")


@pytest.fixture
def lead(gemeente):
    return UserFactory(role=Role.TEAMLEIDER, municipalities=[gemeente], first_name="Tineke", last_name="Leider")


@pytest.fixture
def worker(gemeente):
    return UserFactory(municipalities=[gemeente], first_name="Wim", last_name="Werker")


@pytest.fixture
def client_lead(client, lead):
    login(client, lead)
    return client


@pytest.fixture(scope="session")
def brp_population():
    """The fake BRP's persons (official mock persons + the demo population), built once per test run."""
    from demo.brp_fake.server import FakeBrpServer

    return FakeBrpServer(inhabitants={"0518": 566_221, "0363": 931_298, "0344": 374_238, "0935": 121_000}).store


@pytest.fixture
def fake_brp_server(brp_population):
    """A fake BRP on loopback of this test's own: its own port, request log, counters and faults, so a
    late question of an earlier test (a client that timed out and is still sending) can never be
    counted here. It shares the session's population, so starting one costs about a millisecond."""
    from demo.brp_fake.server import FakeBrpServer

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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-randomly's shuffle: the browser tests as one block at the end (in their random
    order), so their package-scoped browser starts once, not once per stretch of browser modules."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_terminal_summary(terminalreporter, config):
    """The seed of the random order, at the end where a failure is read, to replay it exactly."""
    seed = config.getoption("randomly_seed", None) if config.pluginmanager.hasplugin("randomly") else None
    if isinstance(seed, int):
        terminalreporter.write_line(f"Test order: pytest-randomly seed {seed}; replay with "
                                    f"--randomly-seed={seed} (same tests, same -n), or -p no:randomly for file order.")
