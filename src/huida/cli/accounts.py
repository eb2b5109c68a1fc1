"""Operator commands: tenants and users."""

from __future__ import annotations

from typing import Annotated

import typer

from huida.auth.service import create_tenant, create_user
from huida.cli.base import DbOption, app, console, fail, open_context
from huida.errors import DomainError, NotFound

tenant_app = typer.Typer(help="Manage tenants.", no_args_is_help=True)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")
app.add_typer(user_app, name="user")


@tenant_app.command("create")
def tenant_create(
    name: Annotated[str, typer.Option("--name", help="Tenant name")],
    admin_email: Annotated[str, typer.Option("--admin-email", help="Admin login (an email)")],
    admin_password: Annotated[str | None, typer.Option("--admin-password", help="Random when omitted")] = None,
    db: DbOption = None,
) -> None:
    """Create a tenant with its first admin; prints the ids and the login."""
    ctx = open_context(db)
    try:
        with ctx.db.session() as session:
            created = create_tenant(session, name, admin_email, admin_password)
            tenant_id, user_id = created.tenant.id, created.admin.id
    except DomainError as exc:
        raise fail(exc.description) from exc
    console.print(f"tenant id: {tenant_id}")
    console.print(f"admin user id: {user_id}")
    console.print(f"admin login: {admin_email}")
    if not admin_password:
        console.print(f"admin password: {created.password}")


@user_app.command("create")
def user_create(
    tenant: Annotated[int, typer.Option("--tenant", min=1, max=2**63 - 1, help="Tenant id")],
    username: Annotated[str, typer.Option("--username", help="Login name (often an email)")],
    password: Annotated[str | None, typer.Option("--password", help="Random when omitted")] = None,
    role: Annotated[str, typer.Option("--role", help="viewer, agent, editor or admin (auth/roles.py)")] = "admin",
    db: DbOption = None,
) -> None:
    """Create a user in a tenant; prints the user id."""
    from huida.auth.models import Tenant
    from huida.auth.security import generate_password

    ctx = open_context(db)
    secret = password or generate_password()
    try:
        with ctx.db.session() as session:
            if session.get(Tenant, tenant) is None:
                raise NotFound("TENANT_NOT_FOUND", f"tenant not found: {tenant}")
            user = create_user(session, tenant, username, secret, role=role,
                               email=username if "@" in username else None)
            user_id = user.id
    except DomainError as exc:
        raise fail(exc.description) from exc
    console.print(f"user id: {user_id}")
    if not password:
        console.print(f"password: {secret}")
