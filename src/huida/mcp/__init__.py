"""Model Context Protocol tools for AI agents: reading and searching Huida's conversations (`huida mcp`)."""
