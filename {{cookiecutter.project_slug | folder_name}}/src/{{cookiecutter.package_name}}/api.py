"""The HTTP API over the queue: submit a ticket, follow its tasks, see the queue, and ask whether the service is
alive (``/health``) and ready (``/ready``: every server answered in time).

FastAPI writes the OpenAPI document from these types; ``openapi.json`` at the project's root is the committed
copy that consumers build against, and ``tests/contract`` checks that the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from . import __version__
from .health import overall
from .models import Priority, TaskStatus, Ticket, TicketStatus
from .service import Service

TITLE = "{{ cookiecutter.project_slug }}"

PriorityName = Literal[tuple(Priority.__members__)]  # "LOW", "MEDIUM"... as in the events


def _name_of(priority: Any) -> Any:
    return priority.name if isinstance(priority, Priority) else priority


PriorityOut = Annotated[PriorityName, BeforeValidator(_name_of)]  # read from a row's Priority
NO_NUL = r"^[^\x00]*$"  # not every database's text can hold NUL: refused here with a 422, not failing there


class TaskIn(BaseModel):
    type: str = Field(min_length=1, max_length=50, pattern=NO_NUL, examples=["echo"])
    priority: PriorityName = "MEDIUM"


class TicketIn(BaseModel):
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field("", max_length=10_000, pattern=NO_NUL)
    priority: PriorityName = "MEDIUM"
    tasks: list[TaskIn] = Field(min_length=1, max_length=100)


class TaskOut(BaseModel):
    # Read from a row (from_attributes); a docstring here would change the OpenAPI document.
    model_config = ConfigDict(from_attributes=True)

    id: str
    type: str = Field(validation_alias=AliasChoices("type", "task_type"))  # task_type in the table
    priority: PriorityOut
    status: TaskStatus
    retry_count: int
    result: str | None
    error: str | None


class TicketOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    description: str
    priority: PriorityOut
    status: TicketStatus
    tasks: list[TaskOut]


class QueueOut(BaseModel):
    tasks: dict[TaskStatus, int]


class Alive(BaseModel):
    status: Literal["ok"] = "ok"


class Check(BaseModel):
    healthy: bool
    detail: str


class Readiness(BaseModel):
    ready: bool
    checks: dict[str, Check]


class Problem(BaseModel):
    detail: str


NOT_JSON = {400: {"model": Problem, "description": "The body could not be read (broken JSON is a 422)"}}
NOT_FOUND = {404: {"model": Problem, "description": "No such ticket"}}
UNAVAILABLE = {503: {"model": Problem, "description": "The database did not answer; try again later"}}


def create_app(
    service: Service, lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None
) -> FastAPI:
    """The API over ``service``; ``lifespan`` runs around serving (``__main__`` starts the agent in it)."""
    app = FastAPI(title=TITLE, version=__version__, lifespan=lifespan)
    app.state.service = service
    for error in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(error, database_unavailable)
    app.include_router(router)
    return app


async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse(status_code=503, content={"detail": "the database did not answer; try again later"})


def the_service(request: Request) -> Service:
    return request.app.state.service


router = APIRouter()
ServiceOf = Annotated[Service, Depends(the_service)]  # the Service create_app was given


@router.post("/tickets", status_code=201, responses={**NOT_JSON, **UNAVAILABLE})
def submit_ticket(ticket: TicketIn, service: ServiceOf) -> TicketOut:
    """Open a ticket with its tasks; the worker runs them, highest score first."""
    created = Ticket(title=ticket.title, description=ticket.description, priority=Priority[ticket.priority])
    service.db.add(created)
    service.queue.enqueue_many(created.id, [(task.type, Priority[task.priority]) for task in ticket.tasks])
    return get_ticket(created.id, service)


@router.get("/tickets/{ticket_id}", responses={**NOT_FOUND, **UNAVAILABLE})
def get_ticket(ticket_id: str, service: ServiceOf) -> TicketOut:
    """A ticket and its tasks, oldest first."""
    with service.db.session() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise HTTPException(status_code=404, detail=f"no ticket {ticket_id}")
        return TicketOut.model_validate(ticket)


@router.get("/queue", responses=UNAVAILABLE)
def queue_counts(service: ServiceOf) -> QueueOut:
    """How many tasks are in each state."""
    return QueueOut(tasks=service.queue.counts())


@router.get("/health")
def alive() -> Alive:
    """The process serves requests (liveness). It asks no server: see /ready."""
    return Alive()


@router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A server did not answer in time"}},
)
async def ready(service: ServiceOf) -> Readiness | JSONResponse:
    """Every server answered within worker.health_check_timeout_seconds (readiness)."""
    results = await service.readiness()
    body = Readiness(
        ready=overall(results),
        checks={name: Check(healthy=result.healthy, detail=result.detail) for name, result in results.items()},
    )
    return body if body.ready else JSONResponse(status_code=503, content=body.model_dump())
