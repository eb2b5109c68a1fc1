"""The HTTP application: routers of every domain package, error handlers, middleware, lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from huida import __version__
from huida.api.aliases import AliasMiddleware
from huida.api.errors import install_error_handlers
from huida.api.health import router as health_router
from huida.api.middleware import BodyLimitMiddleware, RequestLogMiddleware
from huida.api.openapi import install_openapi
from huida.api.textcheck import refuse_control_characters
from huida.auth.routes import router as auth_router
from huida.channels.aily.routes import routers as aily_routers
from huida.channels.feishu.routes import routers as feishu_routers
from huida.channels.widget.routes import routers as widget_routers
from huida.config import Settings, load_settings
from huida.console.routes import router as console_router
from huida.context import AppContext, build_context
from huida.conversation.routes import router as conversation_router
from huida.conversation.snapshots import process_embedder
from huida.evaluation.health_routes import router as knowledge_health_router
from huida.evaluation.routes import router as evaluation_router
from huida.feedback.api import routers as feedback_routers
from huida.jobs import install_worker
from huida.knowledge.importexport.routes import router as import_export_router
from huida.knowledge.routes import router as knowledge_router
from huida.materials.routes import router as materials_router
from huida.reading.indexing import install_search_index
from huida.reading.routes import router as reading_router
from huida.robots.routes import router as robots_router
from huida.webhooks.routes import router as webhooks_router

# Order matters where paths overlap: fixed paths (rules/search, rules/import) before rules/{ruleId}.
ROUTERS = [
    health_router, auth_router, robots_router,
    import_export_router, knowledge_router, knowledge_health_router, materials_router,  # knowledge
    conversation_router, evaluation_router,  # asking, and measuring the answers
    *feedback_routers, webhooks_router,  # ratings, feedback and the callbacks that report them
    *feishu_routers, *aily_routers, *widget_routers,  # channels
    reading_router,  # conversation reading and search
    console_router,  # the web console's static files (/console)
]

log = logging.getLogger("huida")


def create_app(settings: Settings | None = None, *, ctx: AppContext | None = None) -> FastAPI:
    install_search_index()  # messages stored by this process are indexed for search in their transaction
    ctx = ctx or build_context(settings or load_settings())
    process_embedder()  # a configured dense model loads now: a missing extra fails the start, not an ask
    install_worker(ctx)  # the in-process outbox worker (off with Settings.run_worker=False)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for start in ctx.startup:
            start()
        try:
            yield
        finally:
            for stop in reversed(ctx.shutdown):
                stop()

    app = FastAPI(
        title="Huida",
        version=__version__,
        description="Huida (回答): a self-hosted customer-service robot server. "
        "Easemob-compatible robot open API under /v10.",
        lifespan=lifespan,
        # On the app, not on each router: a route family added later refuses control characters as well.
        dependencies=[Depends(refuse_control_characters)],
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    app.add_middleware(AliasMiddleware)  # the seed's URL variants, rewritten before routing (innermost)
    app.add_middleware(BodyLimitMiddleware, limit=ctx.settings.max_body_bytes)
    if ctx.settings.log_requests:
        app.add_middleware(RequestLogMiddleware)
    for router in ROUTERS:
        app.include_router(router)
    install_openapi(app)  # the served /openapi.json, corrected to what the routes really answer
    return app
