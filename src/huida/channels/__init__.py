"""Channels: the places visitors talk to a robot besides the open API (Feishu/Lark, ...).

Every channel hands its questions to `huida.conversation.service.ConversationService.ask`, the one way in.
"""
