"""factory-boy factories for realistic, varied data: for a test whose claim must hold whatever the values (a
title, a priority, a timeout), so that every run tries others. pytest-randomly reseeds Faker and factory-boy before
every test, so a failure replays with the seed printed in the header (``pytest --randomly-seed=N``).

A test that depends on particular values states them with the builders (tests/helpers/builders.py) instead: the
same data every run, only what matters to the test written out."""

from __future__ import annotations

import factory

from {{ cookiecutter.package_name }}.models import Priority, Task, Ticket


class TicketFactory(factory.Factory):
    class Meta:
        model = Ticket

    title = factory.Faker("sentence", nb_words=5)
    description = factory.Faker("paragraph")
    priority = factory.Faker("random_element", elements=list(Priority))


class TaskFactory(factory.Factory):
    class Meta:
        model = Task

    ticket = factory.SubFactory(TicketFactory)
    task_type = factory.Faker("random_element", elements=["build", "test", "deploy", "review"])
    priority = factory.Faker("random_element", elements=list(Priority))
    timeout_seconds = factory.Faker("pyfloat", min_value=1, max_value=600)
