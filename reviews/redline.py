"""A redline of what readers will see: the rendered text of two versions, compared
word by word.

Reviewers approve what a page or snippet *shows*, not its fields. :func:`visible_text`
reads the words of a rendered page (its ``<main>`` if it has one; no scripts, styles,
navigation or forms), keeping paragraph breaks; :func:`redline` compares two such
texts and returns the runs of unchanged, inserted and deleted words.
"""

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

PARAGRAPH = "\n"
_SKIPPED = {"script", "style", "noscript", "template", "svg", "nav", "form", "button"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
# Inline boxes that stand apart on screen (badges, tags): a space, not glued words.
_APART = {"span", "label", "time", "small"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col"}
_WORD = re.compile(r"\S+")


class _TextReader(HTMLParser):
    def __init__(self, *, main_only):
        super().__init__(convert_charrefs=True)
        self.main_only = main_only
        self.in_main = 0
        self.skipping = 0
        self.parts = []

    @property
    def reading(self):
        return not self.skipping and (self.in_main or not self.main_only)

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
        if tag in _SKIPPED and tag not in _VOID:
            self.skipping += 1
        if tag in _BLOCKS and self.reading:
            self.parts.append(PARAGRAPH)
        elif tag in _APART and self.reading:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS and self.reading:
            self.parts.append(PARAGRAPH)
        elif tag in _APART and self.reading:
            self.parts.append(" ")
        if tag in _SKIPPED and self.skipping:
            self.skipping -= 1
        if tag == "main" and self.in_main:
            self.in_main -= 1

    def handle_data(self, data):
        if self.reading:
            self.parts.append(data)


def visible_text(html):
    """The words of rendered ``html`` as a reader sees them: paragraphs separated by one
    newline, words by one space."""
    html = html.decode() if isinstance(html, bytes) else html
    reader = _TextReader(main_only="<main" in html)
    reader.feed(html)
    reader.close()
    paragraphs = "".join(reader.parts).split(PARAGRAPH)
    lines = (" ".join(paragraph.split()) for paragraph in paragraphs)
    return PARAGRAPH.join(line for line in lines if line)


@dataclass(frozen=True)
class Run:
    """Consecutive words that are ``"equal"``, ``"insert"``-ed or ``"delete"``-d."""

    kind: str
    text: str

    @property
    def paragraphs(self):
        """The run's text split at paragraph breaks (for templates)."""
        return self.text.split(PARAGRAPH)


CONTEXT = 12  # unchanged words shown on each side of a change


@dataclass(frozen=True)
class Shown:
    """A run as shown: unchanged runs far from any change keep ``CONTEXT`` words at
    each end and fold the ``hidden`` middle away."""

    kind: str
    head: str
    hidden: str = ""
    hidden_words: int = 0
    tail: str = ""


@dataclass(frozen=True)
class Redline:
    runs: tuple
    inserted: int  # words
    deleted: int

    @property
    def changed(self):
        return bool(self.inserted or self.deleted)

    def shown(self):
        """The runs for a reader: changes in full, long unchanged stretches folded."""
        last = len(self.runs) - 1
        for number, run in enumerate(self.runs):
            tokens = _tokens(run.text)
            words = [token for token in tokens if token != PARAGRAPH]
            keep_head = CONTEXT if number else 0
            keep_tail = CONTEXT if number < last else 0
            if run.kind != "equal" or len(words) <= keep_head + keep_tail + CONTEXT:
                yield Shown(run.kind, run.text)
                continue
            head, middle, tail = _split(tokens, keep_head, keep_tail)
            hidden = sum(1 for token in middle if token != PARAGRAPH)
            yield Shown("equal", _join(head), _join(middle), hidden, _join(tail))


def _split(tokens, head_words, tail_words):
    """``tokens`` cut after ``head_words`` words and before the last ``tail_words``."""
    positions = [index for index, token in enumerate(tokens) if token != PARAGRAPH]
    start = positions[head_words] if head_words else 0
    end = positions[-tail_words] if tail_words else len(tokens)
    return tokens[:start], tokens[start:end], tokens[end:]


def _tokens(text):
    tokens = []
    for number, line in enumerate(text.split(PARAGRAPH)):
        if number:
            tokens.append(PARAGRAPH)
        tokens.extend(_WORD.findall(line))
    return tokens


def _join(tokens):
    text = ""
    for token in tokens:
        if token == PARAGRAPH:
            text += PARAGRAPH
        elif text and not text.endswith(PARAGRAPH):
            text += " " + token
        else:
            text += token
    return text


def redline(before, after):
    """Word-level changes from text ``before`` to text ``after`` (``visible_text``)."""
    old, new = _tokens(before), _tokens(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    runs, inserted, deleted = [], 0, 0
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(Run("equal", _join(new[b1:b2])))
            continue
        if op in ("delete", "replace"):
            runs.append(Run("delete", _join(old[a1:a2])))
            deleted += sum(1 for token in old[a1:a2] if token != PARAGRAPH)
        if op in ("insert", "replace"):
            runs.append(Run("insert", _join(new[b1:b2])))
            inserted += sum(1 for token in new[b1:b2] if token != PARAGRAPH)
    return Redline(tuple(runs), inserted, deleted)
