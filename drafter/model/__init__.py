"""The model layer: configuration, providers, chains, prompts, cache, tokens.

The only importer of LangChain and openai, and only inside functions: importing this
package (or :class:`ModelConfig`) loads neither.
"""

from drafter.model.config import ModelConfig

__all__ = ["ModelConfig"]
