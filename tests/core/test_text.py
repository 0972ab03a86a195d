from elkaar.core.text import plain_text, render_markdown


def test_render_markdown_removes_script_and_raw_html():
    html = render_markdown("Hallo <script>alert(1)</script> **wereld**")
    assert "<script>" not in html
    assert "<strong>wereld</strong>" in html


def test_render_markdown_drops_javascript_links():
    html = render_markdown("[klik](javascript:alert(1))")
    assert 'href="javascript' not in html


def test_render_markdown_shifts_headings_below_page_title():
    assert "<h2>Programma</h2>" in render_markdown("# Programma")


def test_plain_text_strips_markup():
    assert plain_text("**vet** en _schuin_") == "vet en schuin"
