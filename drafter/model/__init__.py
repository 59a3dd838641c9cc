"""The model layer: providers, chains, prompts, cache, tokens. The only LangChain/openai importer."""
