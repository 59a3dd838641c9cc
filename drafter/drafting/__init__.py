"""The pipeline: engine → gates → repair → Brief, one report or many.

Importing this package loads neither LangChain nor openai: the model chains load on
the first model call.
"""

from drafter.drafting.aio import adraft, adraft_many
from drafter.drafting.backend import AsyncChainBackend, ChainBackend, ModelBackend, ProseStep
from drafter.drafting.batch import BatchItem, BatchSummary, draft_files, draft_many
from drafter.drafting.examples import select_examples
from drafter.drafting.gates import check, check_text, gate
from drafter.drafting.pipeline import draft, place
from drafter.drafting.shorten import toc_shortener

__all__ = [
    "AsyncChainBackend",
    "BatchItem",
    "BatchSummary",
    "ChainBackend",
    "ModelBackend",
    "ProseStep",
    "adraft",
    "adraft_many",
    "check",
    "check_text",
    "draft",
    "draft_files",
    "draft_many",
    "gate",
    "place",
    "select_examples",
    "toc_shortener",
]
