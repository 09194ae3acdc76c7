"""The queue as a state machine: hypothesis runs random sequences of operations and checks the invariants."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from {{ cookiecutter.package_name }}.database import DatabaseService
from {{ cookiecutter.package_name }}.models import InvalidTransition, Priority, Task, TaskStatus, Ticket, TicketStatus
from {{ cookiecutter.package_name }}.settings import TaskQueueSettings
from {{ cookiecutter.package_name }}.task_queue import TaskQueue

from tests.helpers.builders import AgentBuilder, TicketBuilder
from tests.helpers.fakes import FakeClock, RecordingPublisher


class QueueMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.db = DatabaseService.from_url("sqlite+pysqlite:///:memory:")
        self.db.create_schema()
        self.clock = FakeClock()
        self.events = RecordingPublisher()
        self.queue = TaskQueue(self.db, TaskQueueSettings(max_retries=2), clock=self.clock, publish=self.events)
        self.ticket = TicketBuilder().save(self.db)
        self.agent = AgentBuilder().save(self.db)
        self.enqueued = 0
        self.claimed: list[str] = []

    def teardown(self) -> None:
        self.db.engine.dispose()

    @rule(priority=st.sampled_from(list(Priority)), timeout=st.floats(min_value=1, max_value=100))
    def enqueue(self, priority: Priority, timeout: float) -> None:
        if self.db.get(Ticket, self.ticket.id).status is TicketStatus.DONE:
            with pytest.raises(InvalidTransition, match="it takes no new tasks"):
                self.queue.enqueue(self.ticket.id, "build", priority, timeout_seconds=timeout)
            return
        self.queue.enqueue(self.ticket.id, "build", priority, timeout_seconds=timeout)
        self.enqueued += 1
        # Ids are random; distinct creation times keep ties out of the claim order, so replays are identical.
        self.clock.advance(0.001)

    @rule()
    def claim(self) -> None:
        best = self.queue.pending()[:1]
        task = self.queue.claim_next(self.agent.id)
        assert ([task.id] if task else []) == [t.id for t in best]
        if task:
            self.claimed.append(task.id)

    @precondition(lambda self: self.claimed)
    @rule(data=st.data())
    def complete(self, data: st.DataObject) -> None:
        self.queue.complete(self.claimed.pop(data.draw(st.integers(0, len(self.claimed) - 1))), "ok")

    @precondition(lambda self: self.claimed)
    @rule(data=st.data())
    def fail(self, data: st.DataObject) -> None:
        task = self.queue.fail(self.claimed.pop(data.draw(st.integers(0, len(self.claimed) - 1))), "boom")
        assert task.status in (TaskStatus.PENDING, TaskStatus.FAILED)

    @rule(seconds=st.floats(min_value=0, max_value=200))
    def time_passes(self, seconds: float) -> None:
        self.clock.advance(seconds)
        expired = {task.id for task in self.queue.expire_timed_out()}
        self.claimed = [task_id for task_id in self.claimed if task_id not in expired]

    @invariant()
    def no_task_is_lost_or_invented(self) -> None:
        assert sum(self.queue.counts().values()) == self.enqueued

    @invariant()
    def the_claimed_tasks_are_exactly_those_held(self) -> None:
        assert self.queue.counts()[TaskStatus.CLAIMED] == len(self.claimed)

    @invariant()
    def retries_stay_within_their_limit(self) -> None:
        with self.db.session() as session:
            for task in session.query(Task):
                assert 0 <= task.retry_count <= task.max_retries
                assert (task.agent_id is not None) == (
                    task.status is TaskStatus.CLAIMED or task.status is TaskStatus.COMPLETED
                )


TestQueueMachine = QueueMachine.TestCase
# Every step runs real SQL and three invariants, so an example (20 steps) costs what a whole property test does:
# a fifth of the profile's examples (10 in dev, 40 in ci). On a cold start real SQL can trip hypothesis' too_slow
# check, which is about timing, not bugs.
TestQueueMachine.settings = settings(
    max_examples=max(settings.default.max_examples // 5, 1),
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
