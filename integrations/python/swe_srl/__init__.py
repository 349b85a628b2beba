"""Thin adapters from RL frameworks to a swe-srl server (`swe-srl serve`), standard library only.

Each framework module gives that framework's interface (subclassing its base class when the
framework is importable) and calls the server over HTTP: SRL rewards in batches, and episodes in
Docker sandboxes for multi-turn agent RL. The server's address and token come from SWE_SRL_URL
(default http://127.0.0.1:8765) and SWE_SRL_TOKEN, or from the constructor.
"""
from .client import SweSrlClient, SweSrlError, default_client

__all__ = ["SweSrlClient", "SweSrlError", "default_client"]
