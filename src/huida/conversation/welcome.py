"""The welcome message (seed 004 §1.3), with a variant per strategy when configured."""

from __future__ import annotations

from typing import Any

from huida.conversation import reply as r
from huida.conversation.service import ConversationService, strategy_context
from huida.engine.strategies import choose_answer


def greeting_for(service: ConversationService, tenant_id: int, robot_id: str, strategy_data: dict[str, Any] | None,
                 origin_type: str | None = None) -> r.Welcome:
    view = service.robot_view(tenant_id, robot_id)
    settings = view.settings
    context = strategy_context(settings, strategy_data, origin_type)
    # The plain welcome text is the variant without strategies, so §9.4's rules pick between them.
    variants = [(v.text, tuple(v.strategies)) for v in settings.welcomeVariants] + [(settings.welcomeText, ())]
    text, _ = choose_answer(variants, lambda v: v[1], context, service.rng) or (settings.welcomeText, ())
    return r.Welcome(tenant_id=tenant_id, content=r.Text(text=text))
