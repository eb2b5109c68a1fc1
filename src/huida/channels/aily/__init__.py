"""The Aily-style session-and-message API (seed 001): programs hold conversations with a Huida robot.

Sessions, USER messages (idempotent per session), runs that make the robot answer (through the outbox), the
ASSISTANT answers as MDX, file uploads, and per-robot API keys. Every message is stored in Huida's one
message store, so conversation reading and search (`huida.reading`) see these conversations too.
`huida.channels.aily.routes.routers` are its HTTP routes.
"""
