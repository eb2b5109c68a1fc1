"""The small talk every robot answers unless its settings change it: one entry per topic and language.

Entries are split by language so that the reply is in the visitor's language: "hi" gets an English reply,
"你好" a Chinese one. Each entry has a `name` (topic-language) that `smallTalkExtra` uses to change or
switch off one entry without copying the list. Emoji and emoticons have no language; they sit in the
Chinese entries, the robot's default language.

The patterns are whole messages, not keywords: the matcher (huida.engine.dialogue.smalltalk) already
forgives particles, punctuation, repeated characters and fillers ("你好呀", "hi there", "哈哈哈哈"), so
the lists name the phrases people actually type rather than their variants. Words that the robot's
`humanKeywords` catch first ("你是真人吗" holds 真人) may stay here: they answer when those are edited.

Names are part of the settings API: a robot's stored smallTalkExtra refers to them, so a default entry is
never renamed or removed (its patterns and reply may change).
"""

from __future__ import annotations

from typing import Any

_HUMAN_ZH = "发送「转人工」"
_HUMAN_EN = 'type "human agent"'


def _entry(name: str, patterns: str, reply: str) -> dict[str, Any]:
    # Patterns are written space-separated with "|" between them: English patterns contain spaces.
    return {"name": name, "patterns": [p.strip() for p in patterns.split("|") if p.strip()], "reply": reply}


DEFAULT_SMALL_TALK: list[dict[str, Any]] = [
    _entry("greeting-zh", "你好|您好|你好啊|嗨|哈喽|哈罗|嗨喽|喂|早|早安|早上好|上午好|中午好|下午好|晚上好|"
           "大家好|你好你好|👋|🙋",
           "您好！请问有什么可以帮您？"),
    _entry("greeting-en", "hi|hello|hey|hiya|howdy|yo|greetings|morning|good morning|good afternoon|"
           "good evening|hi there|hello there|hey there",
           "Hello! How can I help you today?"),
    _entry("how-are-you-zh", "你好吗|最近好吗|你还好吗|你怎么样|在忙吗|吃了吗",
           "我很好，谢谢关心！请问有什么可以帮您？"),
    _entry("how-are-you-en", "how are you|how are you doing|how is it going|hows it going|how do you do|"
           "whats up|sup",
           "I'm doing well, thanks for asking! How can I help you?"),
    _entry("thanks-zh", "谢谢|多谢|感谢|谢啦|谢了|谢谢你|谢谢您|非常感谢|十分感谢|万分感谢|太感谢了|感谢感谢|好的谢谢|"
           "好的多谢|好的感谢|谢谢你的帮助|谢谢您的帮助|谢谢帮忙|辛苦了|辛苦你了|麻烦你了|3q|🙏|💐",
           "不客气，很高兴能帮到您！"),
    _entry("thanks-en", "thanks|thank you|thx|thanx|ty|tks|many thanks|thanks a lot|thank you so much|"
           "thank you very much|much appreciated|appreciate it|i appreciate it|cheers|ok thanks|ok thank you|"
           "thanks for your help|thank you for your help|thanks for the help|thanks for helping",
           "You're welcome! Anything else I can help with?"),
    _entry("goodbye-zh", "再见|拜拜|拜|再会|下次见|回头见|88|886|晚安|没事了|没有了|没别的了|没其他问题了|"
           "谢谢再见|好的再见|好的拜拜|谢谢拜拜",
           "再见，祝您生活愉快！"),
    _entry("goodbye-en", "bye|goodbye|good bye|bye bye|see you|see you later|see ya|later|good night|"
           "have a nice day|have a good day|thats all|that is all|nothing else|ok bye|thanks bye|thank you bye",
           "Goodbye, have a great day!"),
    _entry("presence-zh", "在吗|在么|在嘛|在不在|在没在|有人吗|有人在吗|有没有人|人呢|客服在吗|还在吗",
           "您好，我在的，请问有什么可以帮您？"),
    _entry("presence-en", "are you there|you there|anyone there|anybody there|is anyone there|is anybody there|"
           "anyone here|is anyone here|hello anyone there|are you still there",
           "I'm here! How can I help you?"),
    _entry("identity-zh", "你是谁|你叫什么|你叫什么名字|你是机器人吗|你是真人吗|你是人吗|是机器人吗|是真人吗|"
           "你是ai吗|你是人工智能吗|你是客服吗|你是谁啊",
           f"我是智能客服机器人，可以回答您的常见问题；需要人工服务时，{_HUMAN_ZH}即可。"),
    _entry("identity-en", "who are you|what are you|are you a bot|are you a robot|are you human|are you a human|"
           "are you real|are you ai|are you an ai|what is your name|whats your name|is this a bot",
           f"I'm a virtual assistant: I answer common questions, and you can {_HUMAN_EN} to talk to a person."),
    _entry("abilities-zh", "你能做什么|你会什么|你会干什么|你能干什么|你可以做什么|你可以干什么|你能帮我做什么|"
           "你能帮我什么|你有什么功能",
           "我可以回答常见问题，也能为您推荐相关问题；请直接输入您的问题，需要人工服务时" + _HUMAN_ZH + "即可。"),
    _entry("abilities-en", "what can you do|what do you do|what can you help with|what can you help me with|"
           "how can you help|how can you help me|what can i ask|what can i ask you",
           f"I can answer common questions and suggest related ones: just type your question, or {_HUMAN_EN} "
           "to talk to a person."),
    _entry("praise-zh", "你真棒|真棒|你好棒|好棒|太棒了|很棒|你很棒|真聪明|你真聪明|你好聪明|好聪明|厉害|真厉害|"
           "你真厉害|你好厉害|太厉害了|好厉害|666|牛|真牛|优秀|给力|点赞|赞|好评|不错|挺好|👍|👏|💯|💪|❤|💕|🌹|"
           "😍|🥰",
           "谢谢夸奖！还有什么可以帮您的吗？"),
    _entry("praise-en", "great|awesome|good bot|nice|nice bot|well done|good job|great job|amazing|perfect|"
           "excellent|brilliant|you are great|you are awesome|youre great|youre awesome|smart bot|love it",
           "Thank you! Is there anything else I can help with?"),
    _entry("complaint-zh", "你好笨|太笨了|真笨|好笨|笨|笨蛋|你真笨|你好蠢|太蠢了|真蠢|蠢|你好傻|傻|真没用|没用|"
           "你没用|一点用都没有|有什么用|你有什么用|答非所问|听不懂人话|听不懂人话吗|你听不懂吗|听不懂吗|不是我要的|不是这个|"
           "没解决|没有解决|你在说什么|说的什么|智障|废物|👎|😡|😠|🤬",
           f"抱歉没能帮到您，我还在学习中。您可以换个说法再问，或者{_HUMAN_ZH}由人工客服为您服务。"),
    _entry("complaint-en", "stupid|stupid bot|dumb|dumb bot|bad bot|useless|useless bot|you are useless|"
           "youre useless|this is useless|you are stupid|youre stupid|not helpful|you are not helpful|"
           "youre not helpful|not helpful at all|that doesnt help|that didnt help|wrong answer|"
           "thats not what i asked|you dont understand|you dont understand me",
           f"Sorry I couldn't help. You can rephrase your question, or {_HUMAN_EN} to talk to a person."),
    _entry("laughter-zh", "哈哈|哈哈哈|呵呵|嘿嘿|嘻嘻|嘎嘎|233|2333|笑死|笑死我了|哈哈笑死|😂|🤣|😆|😄|😁|😀|😹|:d|:-d",
           "😄 还有什么可以帮您的吗？"),
    _entry("laughter-en", "haha|hahaha|hehe|lol|lmao|rofl|xd",
           "😄 Anything else I can help with?"),
    _entry("ack-zh", "好的|好|好滴|好嘞|好吧|嗯|嗯嗯|哦|噢|哦哦|行|行吧|可以|知道了|我知道了|明白|明白了|了解|了解了|"
           "收到|懂了|清楚了|原来如此|没问题|👌|🆗|✅|😊|🙂|☺|😉|:)|:-)|^_^|^^",
           "好的，还有其他问题随时问我。"),
    _entry("ack-en", "ok|okay|okey|kk|got it|i see|oh i see|understood|alright|all right|sure|sure thing|cool|"
           "fine|noted|makes sense|i understand",
           "OK! Let me know if there's anything else I can help with."),
]
