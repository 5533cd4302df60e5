"""Workers of screens and widgets report their failures to the app.

Textual's ``Worker.StateChanged`` is posted to the node that started the worker and does not
bubble (``bubble=False`` in Textual 8), so the app's ``on_worker_state_changed`` only hears of
its own workers. A screen or widget that runs workers (``run_worker`` / ``@work``, always with
``exit_on_error=False`` in this app) mixes :class:`ReportsWorkerErrors` in, and a worker of
its that ends in ERROR reaches the app's one handler, which logs it and tells the agent.
``tests/ui/test_worker_errors.py`` checks every such class does.
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState

__all__ = ["ReportsWorkerErrors"]


class ReportsWorkerErrors:
    """Mixin for a Textual node: forwards a failed worker's state change to the app."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        app = getattr(self, "app", None)
        if app is not None and app is not self:
            app.post_message(Worker.StateChanged(event.worker, event.state))
