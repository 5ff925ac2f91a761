from tests.trust.helpers import frozen

__all__ = ["frozen"]
