"""Ratings and feedback: robot options, session comments, satisfaction per answer, thumbs up/down.

Channels record a thumbs click with `set_feedback(session, tenant_id=, robot_id=, msg_id=, status=,
text=None, user_id=None)` in their own transaction; learning jobs read thumbed-up (question, rule) pairs
with `thumbs_up_pairs(session, robot_id, after_id=)`.
"""

from huida.feedback.signals import LearningPair, thumbs_up_pairs
from huida.feedback.thumbs import FeedbackChange, set_feedback

__all__ = ["FeedbackChange", "LearningPair", "set_feedback", "thumbs_up_pairs"]
