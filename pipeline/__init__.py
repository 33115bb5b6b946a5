"""wirestory pipeline: options, assembly and the command line."""

import logging


class _DropMissingGcpNotice(logging.Filter):
    """Beam warns at import that the optional GCP client is absent; local users need not care."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("apitools not found")


logging.getLogger().addFilter(_DropMissingGcpNotice())
