from tests.webhooks.conftest import hclient, loopback_app, worker

__all__ = ["hclient", "loopback_app", "worker"]
