"""The Chinese text kit: numerals, dates, sentences, the lexicon, reading and writing files."""

from drafter.text.clock import local_time
from drafter.text.dates import parse_user_date
from drafter.text.files import Decoded, read_text, write_atomic
from drafter.text.frontmatter import split_front_matter_block

__all__ = [
    "Decoded",
    "local_time",
    "parse_user_date",
    "read_text",
    "split_front_matter_block",
    "write_atomic",
]
