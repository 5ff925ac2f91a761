"""The webhook fixtures (a loopback receiver is allowed) for the delivery recipes."""

from tests.webhooks.conftest import hclient, loopback_app

__all__ = ["hclient", "loopback_app"]
