"""The routes of ratings and feedback (seed 004 §2, seed 003)."""

from huida.feedback.api.comments import router as comments_router
from huida.feedback.api.options import router as options_router
from huida.feedback.api.satisfaction import router as satisfaction_router
from huida.feedback.api.thumbs import router as thumbs_router

routers = [options_router, comments_router, satisfaction_router, thumbs_router]

__all__ = ["routers"]
