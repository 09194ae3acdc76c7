"""What the service's worker does with each type of task: one async handler per task type.

The example does no real work; replace these with yours. A task whose type has no handler fails with
"no handler for task type ..." and is retried like any other failure, so a typo shows up as a blocked ticket.
"""

from __future__ import annotations

from .models import Task
from .worker import Handler


async def echo(task: Task) -> str:
    return f"{task.task_type} done for ticket {task.ticket_id}"


HANDLERS: dict[str, Handler] = {"echo": echo}
