"""Article HTML: sanitised with nh3 on the way in, wrapped in a small page on the way out."""

from __future__ import annotations

from html import escape

import nh3

# nh3's default tag list already leaves out script, style, iframe, object, embed, form, svg and base.
_ATTRIBUTES: dict[str, set[str]] = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"style", "title"}
# Only presentational properties: nothing that positions, overlays or loads (url(...)) anything.
_STYLE_PROPERTIES = {
    "color", "background-color", "text-align", "font-weight", "font-style", "font-size", "text-decoration",
    "line-height", "margin", "margin-top", "margin-bottom", "padding", "width", "max-width", "height",
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}  # javascript:, data:, vbscript: ... are dropped

# The page can never run a script even if something slipped through the sanitiser.
PAGE_CSP = ("default-src 'none'; img-src 'self' https: http:; style-src 'unsafe-inline'; base-uri 'none'; "
            "form-action 'none'; sandbox allow-popups allow-popups-to-escape-sandbox")

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 720px;
       margin: 0 auto; padding: 16px; line-height: 1.7; color: #222; }}
h1 {{ font-size: 1.5em; margin-bottom: 4px; }}
.meta {{ color: #888; font-size: 0.9em; margin-bottom: 16px; }}
img {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<article>
<h1>{title}</h1>
<div class="meta">{date}</div>
{body}
{source}
</article>
</body>
</html>
"""


def sanitize_html(html: str) -> str:
    """Harmless markup survives; scripts, event handlers, script URLs and embedded frames do not."""
    return nh3.clean(html, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                     filter_style_properties=_STYLE_PROPERTIES, link_rel="noopener noreferrer nofollow")


def article_page(title: str, body_html: str, date: str | None, source_url: str | None) -> str:
    """A whole HTML document around an already sanitised body."""
    source = ""
    if source_url:
        href = escape(source_url, quote=True)
        source = f'<p><a href="{href}" rel="noopener noreferrer nofollow">阅读原文</a></p>'
    return _PAGE.format(title=escape(title), date=escape(date or ""), body=body_html, source=source)
