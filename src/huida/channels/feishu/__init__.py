"""The Feishu / Lark channel: a robot answering in Feishu chats, by HTTP callback or long connection.

- routes.py: channel apps CRUD, the delivery log, and `POST /channels/feishu/{channelId}/events`;
- verify.py + crypto.py: authenticating callbacks (token, signature, replay window, AES decryption);
- inbound.py: dedupe and queue every event (one outbox job `feishu.reply` per reply owed);
- jobs.py: ask the robot (ConversationService), render (outbound.py, cards.py), reply (client.py, lark-oapi);
- longconn.py: `lark.ws.Client` feeding the same intake (`huida feishu-connect`, `huida serve --feishu-connect`).
"""
