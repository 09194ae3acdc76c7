"""factory-boy factories for realistic, varied data; pytest-randomly reseeds Faker and factory-boy before every
test, so a failure replays with the seed printed in the header (``pytest --randomly-seed=N``)."""

from __future__ import annotations

import factory

from {{ cookiecutter.package_name }}.models import Agent, Priority, Task, Ticket


class TicketFactory(factory.Factory):
    class Meta:
        model = Ticket

    title = factory.Faker("sentence", nb_words=5)
    description = factory.Faker("paragraph")
    priority = factory.Faker("random_element", elements=list(Priority))


class AgentFactory(factory.Factory):
    class Meta:
        model = Agent

    name = factory.Sequence(lambda n: f"agent-{n:03d}")
    capacity = factory.Faker("random_int", min=1, max=8)


class TaskFactory(factory.Factory):
    class Meta:
        model = Task

    ticket = factory.SubFactory(TicketFactory)
    task_type = factory.Faker("random_element", elements=["build", "test", "deploy", "review"])
    priority = factory.Faker("random_element", elements=list(Priority))
    timeout_seconds = factory.Faker("pyfloat", min_value=1, max_value=600)
