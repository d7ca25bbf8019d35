"""reviews.redline: the words readers see, compared word by word."""

from reviews.redline import redline, visible_text

PAGE = """<html><head><style>p { color: red }</style><script>var x = "hidden";</script></head>
<body><nav><a href="/">Home</a> <a href="/library/">Library</a></nav>
<main><h1>Heart&nbsp;failure clinic</h1>
<p>Seen within <strong>ten</strong> business   days.</p>
<ul><li>New diagnosis</li><li>Two admissions</li></ul>
<p><span class="tag">Awareness</span><span class="tag">Consideration</span></p>
<form><button>Download</button></form></main><footer>© Concord</footer></body></html>"""


def test_visible_text_reads_the_main_content_as_paragraphs():
    assert visible_text(PAGE) == (
        "Heart failure clinic\n"
        "Seen within ten business days.\n"
        "New diagnosis\nTwo admissions\n"
        "Awareness Consideration"
    )


def test_without_main_the_whole_body_is_read_but_never_scripts_or_styles():
    text = visible_text("<body><style>x{}</style><p>One</p><script>no</script><p>Two</p></body>")
    assert text == "One\nTwo"


def test_redline_marks_insertions_and_deletions_by_word():
    result = redline("Seen within ten business days.", "Seen within seven business days.")
    assert [(run.kind, run.text) for run in result.runs] == [
        ("equal", "Seen within"),
        ("delete", "ten"),
        ("insert", "seven"),
        ("equal", "business days."),
    ]
    assert (result.inserted, result.deleted, result.changed) == (1, 1, True)


def test_unchanged_text_has_no_changes_and_paragraph_breaks_are_not_words():
    same = redline("One\nTwo", "One\nTwo")
    assert not same.changed
    added = redline("One", "One\nTwo three")
    assert (added.inserted, added.deleted) == (2, 0)
    assert added.runs[-1].kind == "insert"


def test_long_unchanged_stretches_are_folded_around_the_change():
    before = " ".join(f"w{n}" for n in range(100)) + " ten days."
    after = " ".join(f"w{n}" for n in range(100)) + " seven days."
    shown = list(redline(before, after).shown())
    first = shown[0]
    assert first.kind == "equal" and first.head == ""  # nothing to show before the start
    assert first.hidden_words == 88 and first.hidden.startswith("w0 ")
    assert first.tail == " ".join(f"w{n}" for n in range(88, 100))
    assert [(run.kind, run.head) for run in shown[1:]] == [
        ("delete", "ten"),
        ("insert", "seven"),
        ("equal", "days."),
    ]
