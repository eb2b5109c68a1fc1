"""Every table of Huida, imported in one place so that migrations see the whole schema."""

from huida.auth.models import SsoTokenUse, Tenant, User
from huida.channels.aily.models import AilyFile, AilyMessage, AilyRun, AilySession, RobotApiKey
from huida.channels.feishu.models import FeishuChannel, FeishuDelivery, FeishuImage, FeishuSeen
from huida.channels.widget.models import WidgetKey
from huida.conversation.models import ChatSession, Message
from huida.feedback.models import (  # issue 5 feedback
    AnswerFeedback,
    CommentLevel,
    CommentTag,
    FeedbackSetup,
    RobotOption,
    SatisfactionRating,
    SatisfactionTag,
    SessionComment,
)
from huida.jobs.models import Job
from huida.knowledge.models import Answer, Category, Question, Rule, RuleCategory
from huida.learning.models import LearnedPair, RobotModel
from huida.materials.models import Media, NewsArticle
from huida.reading.models import MessageTerm
from huida.robots.models import KnowledgeChange, Robot
from huida.system import SystemValue
from huida.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "Answer", "Category", "ChatSession", "Media", "Message", "NewsArticle", "Question", "Robot", "Rule", "RuleCategory",
    "SsoTokenUse", "SystemValue", "Tenant", "User",
]
__all__ += ["Job", "Webhook", "WebhookAttempt", "WebhookDelivery"]
__all__ += ["FeishuChannel", "FeishuDelivery", "FeishuImage", "FeishuSeen"]
__all__ += ["AilyFile", "AilyMessage", "AilyRun", "AilySession", "MessageTerm", "RobotApiKey"]
__all__ += ["AnswerFeedback", "CommentLevel", "CommentTag", "FeedbackSetup", "RobotOption",  # issue 5 feedback
            "SatisfactionRating", "SatisfactionTag", "SessionComment"]
__all__ += ["KnowledgeChange", "LearnedPair", "RobotModel"]
__all__ += ["WidgetKey"]
