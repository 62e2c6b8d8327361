"""sidetone: send telephony events to a sidetone sidecar (standard library only).

Example:
    >>> import sidetone  # doctest: +SKIP
    >>> with sidetone.Client("http://127.0.0.1:9464", token="...") as st:  # doctest: +SKIP
    ...     st.call_started("c1", "inbound", "sip", trunk="trunk-a")
    ...     st.call_answered("c1")
    ...     st.call_ended("c1", hangup_by="caller")
"""

from ._async import AsyncClient
from ._core import Stats
from ._events import EVENT_TYPES, Events
from ._sync import Client

__all__ = ["AsyncClient", "Client", "EVENT_TYPES", "Events", "Stats", "__version__"]
__version__ = "0.1.0"
