"""A bill page as words with their boxes: what a PDF's text layer (``pdftotext -bbox-layout``) and Tesseract's TSV
both give, in one unit (points from the page's top left corner), so the reader pairs a label with the value to its
right or below it, whatever extracted the words. Plain Python: tested on boxes written by hand, without OCR.

A line's words come left to right as they are printed; an Arabic line reads right to left, so its text (what the
labels are matched against, what is shown) is put back in reading order by ``reading_order``. Every step is linear
or n log n in the number of words.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """One word on a page: its text and its box in points (x to the right, y downwards), ``page`` from 0."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    page: int = 0


# the box of a character and of a line for a text given without boxes: monospaced, like pdftotext -layout's
CHAR_WIDTH, LINE_HEIGHT = 6.0, 12.0
# a gap wider than this many line heights separates two cells of a line (columns, a label and its far value);
# a space between two words of a phrase is about a quarter of it
CELL_GAP = 0.9
# a word joins the line whose neighbouring word's middle is within this many heights of its own: robust to a scan's
# tilt (the neighbour is near) and to OCR boxes of uneven heights
LINE_TOLERANCE = 0.5
# what a neighbour's horizontal distance weighs against a vertical one: more than the slope of a scan turned by up to
# about 3 degrees, so a word goes to the line of its near neighbour rather than of a far one level with it
DRIFT = 0.05
# a box taller than this many times the page's usual word guides no line (it still joins one)
TALL = 2.0
# lines still open to a word, the latest ones: a bound on the work per word, whatever the page
OPEN_LINES = 8


def middle(word):
    return (word.y0 + word.y1) / 2


def height(word):
    return max(word.y1 - word.y0, 1.0)


def is_arabic(text):
    """Whether ``text`` holds an Arabic letter (Arabic-Indic digits and separators are not letters)."""
    return any(
        ("\u0620" <= char <= "\u065f" or "\u066e" <= char <= "\u06d3" or "\ufb50" <= char <= "\ufefc") for char in text
    )


def _latin_letters(text):
    return sum(char.isalpha() and char.isascii() for char in text)


def _arabic_letters(text):
    return sum(is_arabic(char) for char in text)


def is_rtl(words):
    """A line reads right to left when it holds more Arabic letters than Latin ones."""
    return sum(_arabic_letters(word.text) for word in words) > sum(_latin_letters(word.text) for word in words)


def reading_order(row, rtl=None):
    """The words of a line (left to right as printed) in reading order: a right-to-left line's runs from the right,
    a run of Arabic words from its right end, other runs (numbers, Latin words) left to right. Its own inverse."""
    rtl = is_rtl(row) if rtl is None else rtl
    runs = []
    for word in row:
        arabic = is_arabic(word.text)
        if runs and runs[-1][0] == arabic:
            runs[-1][1].append(word)
        else:
            runs.append((arabic, [word]))
    runs = [list(reversed(words)) if arabic else words for arabic, words in runs]
    return [word for run in (reversed(runs) if rtl else runs) for word in run]


class _Row:
    """A line being built: its words, and those that guide the next ones (its ends, the last added) — never a box
    much taller than the page's words (OCR's noise: a rule, a stamp's edge, as tall as two lines)."""

    __slots__ = ("guided", "last", "left", "right", "words")

    def __init__(self, word, tall):
        self.words, self.left, self.right, self.last, self.guided = [word], word, word, word, not tall

    def neighbour(self, word):
        """The word of the line next to ``word``: the one at the end it extends, else the last one added."""
        if word.x0 >= self.right.x0:
            return self.right
        if word.x0 <= self.left.x0:
            return self.left
        return self.last

    def add(self, word, tall):
        self.words.append(word)
        if tall:
            return
        if not self.guided:  # the line began with a tall box: its first word of a line's height guides it
            self.left = self.right = word
            self.guided = True
        self.left = word if word.x0 < self.left.x0 else self.left
        self.right = word if word.x0 >= self.right.x0 else self.right
        self.last = word


def lines(words):
    """The words grouped into lines, top to bottom and page by page, each line's words left to right: a word joins
    the open line whose neighbouring word's vertical middle is nearest its own (within ``LINE_TOLERANCE`` of their
    heights). Words come whole: a PDF's Arabic glyphs are joined into words where they are extracted
    (``tools/bill_text``)."""
    rows, open_rows = [], []
    heights = sorted(map(height, words))
    tall = TALL * heights[len(heights) // 2] if heights else 0
    for word in sorted(words, key=lambda word: (word.page, middle(word), word.x0)):
        best, best_distance = None, None
        for row in open_rows:
            near = row.neighbour(word)
            rise = abs(middle(near) - middle(word))
            if near.page == word.page and rise <= LINE_TOLERANCE * max(height(near), height(word)):
                # a far neighbour counts less than a near one: a tilted line's next line may start level with it
                distance = rise + DRIFT * max(0.0, near.x0 - word.x1, word.x0 - near.x1)
                if best is None or distance < best_distance:
                    best, best_distance = row, distance
        if best is None:
            best = _Row(word, height(word) > tall)
            rows.append(best)
            open_rows = [*open_rows[-(OPEN_LINES - 1) :], best]
        else:
            best.add(word, height(word) > tall)
    ordered = sorted(rows, key=lambda row: (row.left.page, sum(map(middle, row.words)) / len(row.words)))
    return [sorted(row.words, key=lambda word: word.x0) for row in ordered]


def line_height(row):
    heights = sorted(height(word) for word in row)
    return heights[len(heights) // 2]


def cells(row):
    """A line's words (left to right) cut into cells where the gap between two words is wider than ``CELL_GAP``
    line heights: ``[(first index, last index)]``."""
    if not row:
        return []
    wide = CELL_GAP * line_height(row)
    spans, start = [], 0
    for index in range(1, len(row)):
        if row[index].x0 - row[index - 1].x1 > wide:
            spans.append((start, index - 1))
            start = index
    spans.append((start, len(row) - 1))
    return spans


def words_from_text(text):
    """The words of a text that came without boxes (a test's, a stored one): each character one ``CHAR_WIDTH`` wide,
    each line ``LINE_HEIGHT`` below the last, so columns written with spaces stay columns. A right-to-left line is
    laid out as it is printed: from the right (``reading_order`` gives it back)."""
    words = []
    for row, line in enumerate(text.splitlines()):
        tokens, column = [], 0
        for token in line.split(" "):
            if token:
                tokens.append((token, column, column + len(token)))
            column += len(token) + 1
        top = row * LINE_HEIGHT

        def word(token, start, end, top=top):
            return Word(token, start * CHAR_WIDTH, top, end * CHAR_WIDTH, top + LINE_HEIGHT)

        placed = [word(*token) for token in tokens]
        if is_rtl(placed):
            width = len(line)
            placed = _keep_runs_left_to_right([word(token, width - end, width - start) for token, start, end in tokens])
        words.extend(placed)
    return words


def _keep_runs_left_to_right(mirrored):
    """Mirroring a right-to-left line turns its runs of numbers and Latin words around too: put each run's words
    back left to right within the run's place."""
    result, run = [], []

    def flush():
        if run:
            left, right = min(word.x0 for word in run), max(word.x1 for word in run)
            result.extend(
                Word(word.text, left + right - word.x1, word.y0, left + right - word.x0, word.y1) for word in run
            )
            run.clear()

    for word in mirrored:  # in reading order
        if is_arabic(word.text):
            flush()
            result.append(word)
        else:
            run.append(word)
    flush()
    return result


def text_of(words):
    """The words as text, a line per line in reading order and the gaps between them as spaces (one per
    ``CHAR_WIDTH``, at least one): what is stored on the bill and shown to the user."""
    texts = []
    for row in lines(words):
        line, previous = "", None
        for word in reading_order(row):
            if previous is not None:
                gap = max(word.x0 - previous.x1, previous.x0 - word.x1)
                line += " " * max(1, round(gap / CHAR_WIDTH))
            line += word.text
            previous = word
        texts.append(line)
    return "\n".join(texts)
