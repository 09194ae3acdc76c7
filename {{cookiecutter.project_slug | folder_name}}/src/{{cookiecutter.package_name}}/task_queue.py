"""A priority task queue stored in the database.

Each pending task has a score (``score_task``): priority counts most, waiting raises the score up to an age
ceiling so that low-priority work is not starved, and every retry lowers it so that a failing task does not
hog the workers. ``claim_next`` hands out the highest score; a claimed task is completed, failed (and retried
while it has retries left) or, when its timeout passes, expired back into the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from . import events
from .database import DatabaseService
from .events import EventPublisher
from .models import InvalidTransition, Priority, Task, TaskStatus, Ticket, TicketStatus, utcnow
from .settings import ScoringWeights, TaskQueueSettings


def score_task(
    priority: Priority, age_seconds: float, retry_count: int, weights: ScoringWeights, age_ceiling_seconds: float
) -> float:
    """The higher the score, the sooner the task runs."""
    age_factor = min(max(age_seconds, 0.0) / age_ceiling_seconds, 1.0)
    return weights.priority * int(priority) + weights.age * age_factor - weights.retry_penalty * retry_count


@dataclass
class TaskQueue:
    db: DatabaseService
    settings: TaskQueueSettings
    clock: Callable[[], datetime] = utcnow
    publish: EventPublisher = events.discard

    def score(self, task: Task, now: datetime | None = None) -> float:
        age = ((now or self.clock()) - task.created_at).total_seconds()
        return score_task(
            task.priority, age, task.retry_count, self.settings.weights, self.settings.age_ceiling_seconds
        )

    def enqueue(
        self,
        ticket_id: str,
        task_type: str,
        priority: Priority = Priority.MEDIUM,
        *,
        timeout_seconds: float | None = None,
        max_retries: int | None = None,
    ) -> Task:
        return self.enqueue_many(
            ticket_id, [(task_type, priority)], timeout_seconds=timeout_seconds, max_retries=max_retries
        )[0]

    def enqueue_many(
        self,
        ticket_id: str,
        specs: Iterable[tuple[str, Priority]],
        *,
        timeout_seconds: float | None = None,
        max_retries: int | None = None,
    ) -> list[Task]:
        """Add tasks to a ticket in one transaction; an open or blocked ticket moves (back) to in progress."""
        now = self.clock()
        with self.db.session() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise LookupError(f"no ticket {ticket_id}")
            if ticket.status in (TicketStatus.DONE, TicketStatus.CANCELLED):
                raise InvalidTransition(f"ticket {ticket_id} is {ticket.status.value}: it takes no new tasks")
            if ticket.status is not TicketStatus.IN_PROGRESS:
                ticket.transition_to(TicketStatus.IN_PROGRESS)
            tasks = [
                Task(
                    ticket_id=ticket_id,
                    task_type=task_type,
                    priority=priority,
                    timeout_seconds=timeout_seconds or self.settings.default_timeout_seconds,
                    max_retries=self.settings.max_retries if max_retries is None else max_retries,
                    created_at=now,
                )
                for task_type, priority in specs
            ]
            session.add_all(tasks)
        for task in tasks:
            self.publish(
                events.TASK_ENQUEUED,
                {
                    "task_id": task.id,
                    "ticket_id": ticket_id,
                    "task_type": task.task_type,
                    "priority": task.priority.name,
                },
            )
        return tasks

    def pending(self) -> list[Task]:
        """Pending tasks, the next to be claimed first."""
        now = self.clock()
        with self.db.session() as session:
            tasks = session.scalars(select(Task).where(Task.status == TaskStatus.PENDING)).all()
        return sorted(tasks, key=lambda task: (-self.score(task, now), task.created_at, task.id))

    def claim_next(self, agent_id: str) -> Task | None:
        """Claim the highest-scoring pending task for ``agent_id``, or return None when nothing is pending."""
        now = self.clock()
        with self.db.session() as session:
            candidates = session.scalars(self._claim_candidates()).all() or session.scalars(self._any_unlocked()).all()
            if not candidates:
                return None
            task = min(candidates, key=lambda task: (-self.score(task, now), task.created_at, task.id))
            score = self.score(task, now)
            task.status, task.agent_id, task.claimed_at = TaskStatus.CLAIMED, agent_id, now
        self.publish(events.TASK_CLAIMED, {"task_id": task.id, "agent_id": agent_id, "score": score})
        return task

    def complete(self, task_id: str, result: str = "") -> Task:
        """Mark a claimed task done; when it was the ticket's last task to run, the ticket is settled."""
        with self.db.session() as session:
            task = self._claimed(session, task_id)
            task.status, task.finished_at, task.result = TaskStatus.COMPLETED, self.clock(), result
            session.flush()
            settled = self._settle(session, task.ticket)
        self.publish(events.TASK_COMPLETED, {"task_id": task.id, "ticket_id": task.ticket_id, "result": result})
        if settled and settled[0] is TicketStatus.DONE:
            self.publish(events.TICKET_DONE, {"ticket_id": task.ticket_id})
        elif settled:
            self.publish(events.TICKET_BLOCKED, {"ticket_id": task.ticket_id, "task_id": settled[1]})
        return task

    def fail(self, task_id: str, error: str) -> Task:
        """Put a failed task back in the queue while it has retries left; otherwise fail it and block its ticket."""
        with self.db.session() as session:
            task = self._claimed(session, task_id)
            task.error, task.agent_id, task.claimed_at = error, None, None
            retry = task.retries_left > 0
            blocked = not retry and task.ticket.can_transition_to(TicketStatus.BLOCKED)
            if retry:
                task.status, task.retry_count = TaskStatus.PENDING, task.retry_count + 1
            else:
                task.status, task.finished_at = TaskStatus.FAILED, self.clock()
            if blocked:
                task.ticket.transition_to(TicketStatus.BLOCKED)
        if retry:
            self.publish(events.TASK_RETRIED, {"task_id": task.id, "retry_count": task.retry_count, "error": error})
        else:
            self.publish(events.TASK_FAILED, {"task_id": task.id, "ticket_id": task.ticket_id, "error": error})
        if blocked:
            self.publish(events.TICKET_BLOCKED, {"ticket_id": task.ticket_id, "task_id": task.id})
        return task

    def expire_timed_out(self) -> list[Task]:
        """Fail every claimed task whose timeout has passed (each one is retried if it can be)."""
        now = self.clock()
        with self.db.session() as session:
            claimed = session.scalars(select(Task).where(Task.status == TaskStatus.CLAIMED)).all()
        overdue = [task for task in claimed if task.claimed_at + timedelta(seconds=task.timeout_seconds) <= now]
        return [self.fail(task.id, f"timed out after {task.timeout_seconds:g}s") for task in overdue]

    def counts(self) -> dict[TaskStatus, int]:
        with self.db.session() as session:
            rows = session.execute(select(Task.status, func.count()).group_by(Task.status)).all()
        found = dict(rows)
        return {status: found.get(status, 0) for status in TaskStatus}

    @staticmethod
    def _claim_candidates() -> Select[tuple[Task]]:
        """The oldest pending task of each (priority, retry count) group: the best score is always among them.

        Within a group the score only grows with age, so a claim reads a handful of rows at any queue length.
        SKIP LOCKED lets workers on other connections claim at the same time where the database supports it: a
        head another worker holds is skipped for this claim. SQLite ignores it, as it has one writer anyway.
        """
        rank = func.row_number().over(
            partition_by=(Task.priority, Task.retry_count), order_by=(Task.created_at, Task.id)
        )
        pending = Task.status == TaskStatus.PENDING
        heads = select(Task.id, rank.label("rank")).where(pending).subquery()
        head_ids = select(heads.c.id).where(heads.c.rank == 1)
        return select(Task).where(Task.id.in_(head_ids), pending).with_for_update(skip_locked=True)

    @staticmethod
    def _any_unlocked() -> Select[tuple[Task]]:
        """Any pending task no other worker holds: used when every group head is held, so that a busy queue
        is never reported empty."""
        return select(Task).where(Task.status == TaskStatus.PENDING).with_for_update(skip_locked=True).limit(1)

    @staticmethod
    def _claimed(session: Session, task_id: str) -> Task:
        task = session.get(Task, task_id)
        if task is None:
            raise LookupError(f"no task {task_id}")
        if task.status is not TaskStatus.CLAIMED:
            raise InvalidTransition(f"task {task_id} is {task.status.value}, not claimed")
        return task

    @staticmethod
    def _settle(session: Session, ticket: Ticket) -> tuple[TicketStatus, str | None] | None:
        """Once none of a ticket's tasks is left to run, the ticket is done, or blocked by its first failed task.

        Returns the new status and the task that decided it, or None when the ticket stays as it is.
        """
        counts = dict(
            session.execute(
                select(Task.status, func.count()).where(Task.ticket_id == ticket.id).group_by(Task.status)
            ).all()
        )
        if counts.get(TaskStatus.PENDING) or counts.get(TaskStatus.CLAIMED):
            return None
        first_failed = session.scalar(
            select(Task.id)
            .where(Task.ticket_id == ticket.id, Task.status == TaskStatus.FAILED)
            .order_by(Task.finished_at, Task.id)
            .limit(1)
        )
        outcome = TicketStatus.BLOCKED if first_failed else TicketStatus.DONE
        if not ticket.can_transition_to(outcome):
            return None
        ticket.transition_to(outcome)
        return outcome, first_failed
