"""The Chinese text kit: numerals, dates, sentences, the lexicon, reading and writing files."""
