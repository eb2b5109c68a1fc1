"""A robot answer (a typed reply's content) as Markdown: how an ASSISTANT message of the Aily-style API reads
(MDX) and how conversation reading shows it to people and agents.

Menus and recommendations become lists whose items carry their knowledge ids, so a reader knows what the
visitor was offered and a program can answer with one of them (typing an item's text picks it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from huida.conversation import reply as r

ImageMarkdown = Callable[[r.Image], str]  # an image answer -> its Markdown image
ArticleLink = Callable[[r.Article], str | None]  # an article -> the URL its title links to, if any


def choice_list(items: Sequence[r.Choice]) -> str:
    return "\n".join(f"- {item.text} (knowledgeId: {item.knowledge_id})" for item in items)


def _menu(part: r.Menu | r.Recommendations) -> str:
    items = part.items + ((part.transfer,) if isinstance(part, r.Menu) and part.transfer else ())
    return f"{part.title}\n\n{choice_list(items)}".strip()


def _text(part: r.Text) -> str:
    if part.transfer is None:
        return part.text
    # the "transfer to a human" button under the text, offered like a menu item
    return part.text + "\n\n" + choice_list([part.transfer])


def _articles(part: r.Articles, link: ArticleLink) -> str:
    blocks = []
    for article in part.articles:
        url = link(article)
        head = f"**[{article.title}]({url})**" if url else f"**{article.title}**"
        blocks.append(f"{head}\n\n{article.digest}".strip())
    return "\n\n".join(blocks)


def _media(part: r.Media) -> str:
    return f"[{part.kind}]({part.url})" if part.url else f"[{part.kind}]"


def _part(part: r.Part, image: ImageMarkdown, link: ArticleLink) -> str:
    if isinstance(part, r.Text):
        return _text(part)
    if isinstance(part, r.Menu | r.Recommendations):
        return _menu(part)
    if isinstance(part, r.Articles):
        return _articles(part, link)
    if isinstance(part, r.Image):
        return image(part)
    if isinstance(part, r.Handover):
        return part.prompt
    return _media(part)


def content_markdown(content: r.Content, image: ImageMarkdown, link: ArticleLink = lambda article: None) -> str:
    return "\n\n".join(_part(part, image, link) for part in r.parts(content))
