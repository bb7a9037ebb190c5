"""Django's PostgreSQL backend that does not wait for a connection while the database is known
to be down (``treffpunkt.unavailable``): settings.py selects it for every PostgreSQL URL.

Waiting for the pool (or libpq's connect) happens on the one sync thread that all of a server
process's requests, websocket requests and jobs share; work queued there before an outage was
seen would otherwise wait the pool's whole timeout, one item after another, while the request
that probes the database waits behind them all. A failed connect opens the breaker right here,
on that thread, before the next queued item can start waiting too.
"""

from django.db.backends.postgresql import base

from treffpunkt.unavailable import note_outage, refuse_while_down


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        refuse_while_down()
        try:
            return super().get_new_connection(conn_params)
        except self.Database.OperationalError as error:
            note_outage(error)
            raise
