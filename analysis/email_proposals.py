"""Proposals and comments written in the body of an e-mail, placed on the draft.

`extract_items(body, draft)`:

1. cleans the body: quoted replies ("> ..." lines; "On ... wrote:", « Le ... a écrit : »,
   "El ... escribió:", "-----Original Message-----", an Outlook "From:/Sent:" block, and
   everything below them), the signature ("-- " and below, "Sent from my ..."), the greeting
   line and the sign-off line with everything below it; a forwarded message is kept;
2. cuts it into units (paragraphs, bullets, header lines such as "Section 4.2:"; wrapped
   lines are joined) and the units into sentences with spaCy's sentencizer (quoted text,
   abbreviations such as "para." and "4.2." masked first so they never end a sentence);
3. drops pure courtesy sentences ("Dear colleagues", "Thank you", "Please find attached")
   unless they also say something (a reference, a quote, support, objection, "but ...");
4. reads every sentence with rules on its *skeleton* (quoted passages replaced by
   placeholders, accents and case folded): English, French and Spanish patterns for
   replace / should read / instead of / delete / add after-before / add at the end of;
   every match is a change item, a sentence with none is one comment item;
5. places each item: the quoted old text (or insertion anchor) is looked for in the blocks
   of the sections the sentence names — or, failing that, of the last header line
   ("Section 4.2:") or earlier sentence of the same paragraph — and then in the whole draft;
   one occurrence places it, several make it "ambiguous" (every candidate listed), none
   leaves it "general" with a notice. A comment is placed by the first quote found in the
   draft, else by its reference (the whole referenced part: `old` is then ""), else
   "general".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..models.document import Document
from ..models.email_items import EmailItem
from ..models.notices import Notice
from .classify import change_intent, intent_of
from .classify import fold as _fold
from .nlp import detect_language, pipeline
from .quotes import locate_quote
from .references import DraftIndex, Reference, find_references, index_of, resolve_indices
from .topics import by_similarity, by_topic, find_topic, topic_index

NOT_FOUND = "quoted text not found in the draft"

# ============================================================================ cleaning

_REPLY_HEADERS = [
    re.compile(r"^\s*On\b.{0,300}\bwrote\s*:\s*$", re.I),
    re.compile(r"^\s*Le\b.{0,300}\ba\s+[ée]crit\s*:\s*$", re.I),
    re.compile(r"^\s*El\b.{0,300}\bescribi[óo]\s*:\s*$", re.I),
    re.compile(
        r"^\s*-{2,}\s*(?:original message|message d'origine|message original|mensaje original"
        r"|courriel original)\s*-{2,}\s*$",
        re.I,
    ),
]
_OUTLOOK_FROM = re.compile(r"^\s*\*?(?:From|De)\s*:\*?\s*\S", re.I)
_OUTLOOK_NEXT = re.compile(
    r"^\s*\*?(?:Sent|Date|Envoy[ée]|Enviado(?: el)?|Fecha|To|À|A|Para|Subject|Objet|Asunto)\s*:", re.I
)
_FORWARDED = re.compile(
    r"forwarded message|message transf[ée]r[ée]|mensaje reenviado|begin forwarded message",
    re.I,
)
_FORWARD_MARKER = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|message transf[ée]r[ée]|mensaje reenviado)\s*-{2,}"
    r"|begin forwarded message\s*:)\s*$",
    re.I,
)
_MAIL_HEADER = re.compile(
    r"^\s*\*?(?:From|De|Date|Fecha|Subject|Objet|Asunto|To|À|Para|Cc|Sent|Envoy[ée]|Enviado)\s*:", re.I
)
_SIG_DASHES = re.compile(r"^--\s*$")
_SENT_FROM = re.compile(
    r"^\s*(?:sent from my|envoy[ée] de mon|enviado desde mi|get outlook for)\b", re.I
)


_SIGN_OFF = re.compile(
    r"^(?:(?:many\s+)?thanks(?:\s+again)?\s+and\s+|thank\s+you\s+and\s+)?"
    r"(?:(?:best|kind|kindest|warm|warmest|many|with\s+(?:best|kind|warm))\s+)?regards"
    r"|^(?:best\s+wishes|all\s+the\s+best|sincerely(?:\s+yours)?|yours(?:\s+(?:sincerely|faithfully|truly))?"
    r"|cheers|(?:in\s+)?solidarity|fraternally|en\s+solidarite|en\s+solidaridad|thanks|thank\s+you|many\s+thanks|thanks\s+again|thank\s+you\s+again|respectfully"
    r"|best|bien\s+cordialement|tres\s+cordialement|cordialement|(?:meilleures|sinceres|bien\s+)?salutations"
    r"|bien\s+a\s+vous|avec\s+mes\s+salutations|merci(?:\s+beaucoup|\s+d'avance)?"
    r"|(?:un\s+)?(?:cordial\s+)?saludos?(?:\s+cordiales)?|atentamente|cordialmente|muchas\s+gracias|gracias)"
)
# "Best regards", "Thanks!", "Saludos, Ana": a name may follow after a comma, nothing else
_SIGN_OFF_LINE = re.compile(rf"(?:{_SIGN_OFF.pattern})\s*(?:[.!]|,(?:\s*[\w .'’-]{{1,40}})?)?\s*$")
_GREETING = re.compile(
    r"^(?:dear|hi|hello|hey|good\s+(?:morning|afternoon|evening)|greetings|to\s+whom\s+it\s+may\s+concern"
    r"|bonjour|bonsoir|cher|chere|chers|cheres|madame|monsieur|mesdames|messieurs"
    r"|estimad[oa]s?|hola|buenos\s+dias|buenas\s+tardes|querid[oa]s?|distinguid[oa]s?|senor(?:a|es|as)?)\b"
)
_HAS_QUOTE_MARK = re.compile(r"[\"“”«»‘]|(?<!\w)'|'(?!\w)")


def clean_body(body: str) -> str:
    """The body without quoted replies, greeting, sign-off and signature."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        two = line + " " + lines[i + 1] if i + 1 < len(lines) else line
        if any(rx.match(line) or rx.match(two) for rx in _REPLY_HEADERS) or _SIG_DASHES.match(line):
            cut = i
            break
        if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_NEXT.match(x) for x in lines[i + 1 : i + 5]):
            if not _FORWARDED.search(" ".join(lines[max(0, i - 3) : i])):
                cut = i
                break
    lines = [ln for ln in lines[:cut] if not ln.lstrip().startswith(">") and not _SENT_FROM.match(ln)]
    # a forwarded message stays, without its marker and header lines
    header = [bool(_MAIL_HEADER.match(ln)) for ln in lines]
    lines = [
        ln for i, ln in enumerate(lines)
        if not _FORWARD_MARKER.match(ln)
        and not (header[i] and ((i > 0 and header[i - 1]) or (i + 1 < len(lines) and header[i + 1])))
    ]

    # greeting: the first non-empty line, when short and only a greeting
    for i, line in enumerate(lines):
        if line.strip():
            folded = _fold(line.strip())
            if len(folded) < 80 and _GREETING.match(folded) and not _HAS_QUOTE_MARK.search(line):
                if re.search(r"[,:!]\s*$", folded) or len(folded.split()) <= 4:
                    lines[i] = ""
            break

    # sign-off: the first line that is only a sign-off, with nothing quoted below it
    seen_content = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if seen_content and _SIGN_OFF_LINE.match(_fold(stripped)):
            if not any(_QUOTE.search(x) for x in lines[i + 1 :]):
                lines = lines[:i]
                break
        seen_content = True
    return "\n".join(lines).strip("\n")


# ============================================================================ units

_BULLET = re.compile(r"^\s*(?:[-*•·–—▪◦]|\(?\d{1,2}[.)](?!\d)|\(?[a-z][.)]|\([ivx]+\))\s+", re.I)
_ENDS_SENTENCE = re.compile(r"[.!?:;]['\"’”»)]*\s*$")


@dataclass
class _Unit:
    text: str
    header: bool = False  # a short line introducing what follows ("Section 4.2:")


def _units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    current: list[str] = []

    def flush():
        if current:
            units.append(_Unit(" ".join(current)))
            current.clear()

    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        bullet = _BULLET.match(raw)
        if bullet:
            flush()
            line = raw[bullet.end() :].strip()
            if not line:
                continue
        current.append(line)
        # a line that ends a sentence, or a short line, ends the unit; a long line without
        # final punctuation was wrapped and goes on with the next line
        short = len(line) < 50
        if line.endswith(":") or (short and not line.endswith(",")) or (
            _ENDS_SENTENCE.search(line) and not bullet and len(raw) < 60
        ):
            flush()
    flush()
    for u in units:
        u.header = len(u.text) <= 80 and (u.text.endswith(":") or not _ENDS_SENTENCE.search(u.text))
    return units


# ============================================================================ sentences

_QUOTE = re.compile(
    r'"(?P<a>[^"\n]+?)"'
    r"|[“”](?P<b>[^“”\n]+?)[”“]"
    r"|«\s*(?P<c>[^«»\n]+?)\s*»"
    r"|„(?P<d>[^“”„\n]+?)[“”]"
    r"|‘(?P<e>(?:[^‘’\n]|’(?=\w))+?)’(?!\w)"
    r"|(?<!\w)'(?P<f>(?:[^'\n]|'(?=\w))+?)'(?!\w)"
)
_ABBREVIATIONS = re.compile(
    r"(?<!\w)(?:paras?|pars?|sect|sec|art|arts|no|nos|nr|cf|e\.g|i\.e|p|pp|vol|ch|chap"
    r"|approx|incl|viz|vs|mr|mrs|ms|dr|prof|fig|ref|resp|sr|sra|srs|av|env|ca)\.(?=\s|\d|$)",
    re.I,
)
_NUMBER_DOT = re.compile(r"(?<=\d)\.(?=\s+[a-zà-ÿ0-9(])")
_NEXT_STARTS_SENTENCE = re.compile(r"\s*(?:$|[A-ZÀ-Ý¿¡\"“«‘'])")
_PLACEHOLDER = re.compile(r"⟦(\d+)⟧")


@dataclass
class _Sentence:
    text: str
    quotes: list[str]
    skeleton: str  # quoted passages replaced by ⟦i⟧
    folded: str  # skeleton, lower case, no accents (same length)
    refs: list[Reference] = field(default_factory=list)


def _quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(outer start, outer end, inner start, inner end) of each quoted passage."""
    out = []
    for m in _QUOTE.finditer(text):
        g = m.lastgroup
        if g and m.group(g).strip():
            out.append((m.start(), m.end(), m.start(g), m.end(g)))
    return out


def _mask(text: str, quotes) -> str:
    chars = list(text)
    for qs, qe, a, b in quotes:  # quote marks too: an opening mark must not end a sentence
        chars[qs:qe] = "x" * (qe - qs)
        # « Add "It may set up groups." At the end ... »: a quote ending a sentence ends it
        if text[a:b].rstrip()[-1:] in (".", "!", "?") and _NEXT_STARTS_SENTENCE.match(text, qe):
            chars[qe - 1] = "."
    for m in _ABBREVIATIONS.finditer(text):
        chars[m.end() - 1] = "_"
    for m in _NUMBER_DOT.finditer(text):
        chars[m.start()] = "_"
    return "".join(chars)


def _sentences(units: list[_Unit], lang: str) -> list[list[_Sentence]]:
    nlp = pipeline(lang)
    prepared = []
    for unit in units:
        quotes = _quote_spans(unit.text)
        prepared.append((unit.text, quotes, _mask(unit.text, quotes)))
    out: list[list[_Sentence]] = []
    for (text, quotes, _masked), doc in zip(prepared, nlp.pipe(p[2] for p in prepared)):
        sents = []
        for sent in doc.sents:
            s, e = sent.start_char, sent.end_char
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                sents.append(_sentence(text, s, e, quotes))
        out.append(sents)
    return out


def _sentence(text: str, s: int, e: int, quotes) -> _Sentence:
    inner = [q for q in quotes if s <= q[0] and q[1] <= e]
    parts, pos, found = [], s, []
    for i, (qs, qe, a, b) in enumerate(inner):
        parts.append(text[pos:qs])
        parts.append(f"⟦{i}⟧")
        found.append(text[a:b].strip())
        pos = qe
    parts.append(text[pos:e])
    skeleton = "".join(parts)
    return _Sentence(text[s:e], found, skeleton, _fold(skeleton), find_references(skeleton))


# ============================================================================ patterns


def _q(name: str) -> str:
    return rf"⟦(?P<{name}>\d+)⟧"


_GAP = r"(?:[^⟦.;!?]|(?<=\d)\.(?=\d)){0,80}?"
_OBJ = {
    "en": r"(?:(?:the\s+)?(?:following\s+)?(?:words?|text|phrase|term|expression|sentence|wording|clause)\s*:?\s*)?",
    "fr": r"(?:(?:les?\s+|la\s+|l')?(?:mots?|termes?|expression|phrase|texte|membre\s+de\s+phrase|libelle|formulation)\s*:?\s*)?",
    "es": r"(?:(?:las?\s+|los?\s+|el\s+)?(?:palabras?|terminos?|expresion|frase|texto|oracion|redaccion)\s*:?\s*)?",
}
_MORE = (
    r"(?P<more>(?:\s*(?:,|;|\band\b|\bor\b|\bet\b|\bou\b|\by\b|\be\b|\bo\b|\bas\s+well\s+as\b|\bainsi\s+que\b"
    r"|\basi\s+como\b)\s*(?:,\s*)?(?:the\s+words?\s+|les?\s+mots?\s+|las?\s+palabras?\s+)?⟦\d+⟧)*)"
)


@dataclass(frozen=True)
class _Pattern:
    lang: str
    kind: str  # "replace" | "delete" | "insert" | "append" | "rewrite"
    rx: re.Pattern


def _patterns() -> list[_Pattern]:
    G = _GAP
    rows: list[tuple[str, str, str]] = []
    # ------------------------------------------------------------------ English
    O = _OBJ["en"]
    rows += [
        ("en", "replace", rf"\b(?:delete|remove|strike|drop)\b{G}{_q('old')}\s*,?\s*and\s+(?:replace|substitute)\s+(?:it\s+|them\s+|this\s+)?(?:with|by)\s+{O}{_q('new')}"),
        ("en", "replace", rf"\bsubstitut\w*\s+{O}{_q('new')}\s+for\s+{O}{_q('old')}"),
        ("en", "replace", rf"\b(?:replace|replacing|replacement\s+of|substitute|substituting|change|changing|amend|amending|modify|modifying|reword|rewording|rephrase|rephrasing|revise|revising)\b{G}{_q('old')}{G}(?:\bwith\b|\bby\b|\bto\s+read\b|\bto\b|\binto\b)\s*:?\s*{O}{_q('new')}"),
        ("en", "replace", rf"{_q('old')}{G}\b(?:should|shall|must|would|could|will|to|needs?\s+to|ought\s+to)\s+(?:now\s+|rather\s+|instead\s+|simply\s+)?(?:read|say|state|be\s+(?:replaced|substituted|changed|amended|reworded|modified)\s+(?:with|by|to|into)|be\s+read\s+as|become)\b\s*(?:as\s+follows\s*)?:?\s*{O}{_q('new')}"),
        ("en", "replace", rf"{_q('old')}\s*(?:->|→|=>|⇒|>>)\s*{_q('new')}"),
        ("en", "replace", rf"\b(?:instead\s+of|in\s+place\s+of|rather\s+than)\s+{O}{_q('old')}\s*,?{G}\b(?:use|say|write|read|put|insert|have)\b\s*:?\s*{O}{_q('new')}"),
        ("en", "replace", rf"\b(?:use|say|write|read|put)\s+{O}{_q('new')}\s*,?\s*(?:instead\s+of|in\s+place\s+of|rather\s+than)\s+{O}{_q('old')}"),
        ("en", "replace", rf"{_q('new')}\s*,?\s*(?:instead\s+of|in\s+place\s+of|rather\s+than)\s+{O}{_q('old')}"),
        ("en", "delete", rf"\b(?:delete|deleting|deletion\s+of|remove|removing|removal\s+of|strike|striking|drop|dropping|omit|omitting|suppress)\b{G}{_q('old')}{_MORE}"),
        ("en", "delete", rf"{_q('old')}{_MORE}{G}\b(?:should|must|shall|could|can|to|needs?\s+to|ought\s+to)\s+be\s+(?:deleted|removed|struck|dropped|omitted|suppressed)\b"),
        ("en", "insert", rf"\b(?:add|adding|addition\s+of|insert|inserting|insertion\s+of|include|including|introduce|introducing)\b{G}{_q('new')}{G}\b(?P<where>after|before|following|preceding|between)\s+{O}{_q('anchor')}"),
        ("en", "insert", rf"\b(?P<where>after|before|following)\s+{O}{_q('anchor')}\s*,?{G}\b(?:add|insert|include|introduce)\b{G}{_q('new')}"),
        ("en", "append", rf"\b(?:add|adding|addition\s+of|insert|inserting|append|appending|include|including|introduce)\b{G}{_q('new')}{G}\b(?:at|to)\s+the\s+(?P<pos>end|beginning|start)\s+of\b(?P<zone>[^⟦]{{0,60}})"),
        ("en", "append", rf"\bat\s+the\s+(?P<pos>end|beginning|start)\s+of\b(?P<zone>[^⟦]{{0,60}}?)\s*,?{G}\b(?:add|insert|append|include)\b{G}{_q('new')}"),
        ("en", "append", rf"\b(?:add|insert|append|include)\b{G}\bat\s+the\s+(?P<pos>end|beginning|start)\b(?:\s+of\b(?P<zone>[^⟦:]{{0,60}}?))?\s*[:,]?{G}{_q('new')}"),
        ("en", "list", rf"\b(?:add|adding|include|including|insert|inserting)\b{G}\b(?:to|in)\s+the\s+(?:list|bullet\s+points|bullets|enumeration)\b[^⟦.;]{{0,60}}?{_q('new')}"),
        ("en", "list", rf"\b(?:add|adding|include|including|insert|inserting)\b\s*:?\s*{_q('new')}{G}\b(?:to|in)\s+the\s+(?:list|bullet\s+points|bullets|enumeration)\b"),
        ("en", "rewrite", rf"\b(?:should|shall|must|to|could)\s+(?:now\s+|rather\s+|instead\s+)?(?:read|be\s+reworded\s+as|be\s+replaced\s+(?:with|by))\s*(?:as\s+follows)?\s*:?\s*{O}{_q('new')}"),
        ("en", "rewrite", rf"\breplace\b(?P<zone>[^⟦]{{0,60}}?)\b(?:with|by)\b\s*(?:the\s+following)?\s*:?\s*{_q('new')}"),
    ]
    # ------------------------------------------------------------------ French
    O = _OBJ["fr"]
    rows += [
        ("fr", "replace", rf"\b(?:supprim\w*|retir\w*)\b{G}{_q('old')}\s*,?\s*et\s+(?:les?\s+|la\s+|l')?rempla\w*\s+par\s+{O}{_q('new')}"),
        ("fr", "replace", rf"\bsubstitu\w*\s+{O}{_q('new')}\s+(?:a|au|aux)\s+{O}{_q('old')}"),
        ("fr", "replace", rf"\b(?:rempla\w*|substitu\w*|modifi\w*|chang\w*|reformul\w*)\b{G}{_q('old')}{G}\bpar\b\s*:?\s*{O}{_q('new')}"),
        ("fr", "replace", rf"{_q('old')}{G}\b(?:devrait|doit|devraient|doivent|pourrait|pourraient|serait|seraient|sera|seront|est|sont|soit|soient)\s+(?:etre\s+)?(?:rempla|substitu|modifi|chang|reformul)\w*\s+par\s+{O}{_q('new')}"),
        ("fr", "replace", rf"{_q('old')}{G}\b(?:devrait|doit|devraient|doivent|pourrait)\s+(?:se\s+lire|devenir|etre\s+lue?s?)\s*(?:comme\s+suit)?\s*:?\s*{O}{_q('new')}"),
        ("fr", "replace", rf"{_q('old')}\s+(?:devient|deviendrait|deviennent)\s*:?\s*{_q('new')}"),
        ("fr", "replace", rf"\b(?:au\s+lieu\s+de|a\s+la\s+place\s+de)\s+{O}{_q('old')}\s*,?{G}\b(?:lire|ecrire|mettre|utiliser|dire|employer)\b\s*:?\s*{O}{_q('new')}"),
        ("fr", "replace", rf"\b(?:lire|ecrire|mettre|utiliser|employer)\s+{O}{_q('new')}\s*,?\s*(?:au\s+lieu\s+de|a\s+la\s+place\s+de)\s+{O}{_q('old')}"),
        ("fr", "replace", rf"{_q('new')}\s*,?\s*(?:au\s+lieu\s+de|a\s+la\s+place\s+de|plutot\s+que)\s+{O}{_q('old')}"),
        ("fr", "delete", rf"\b(?:supprim\w*|suppression|retir\w*|effac\w*|biff\w*|rayer|rayez)\b{G}{_q('old')}{_MORE}"),
        ("fr", "delete", rf"{_q('old')}{_MORE}{G}\b(?:devrait|doit|devraient|doivent|pourrait|pourraient|est|sont|soit|soient|sera|seront)\s+(?:etre\s+)?(?:supprim|retir|effac|biff|raye)\w*"),
        ("fr", "insert", rf"\b(?:ajout\w*|rajout\w*|inser\w*|introdui\w*|introduction|inclu\w*)\b{G}{_q('new')}{G}\b(?P<where>apres|avant|entre)\s+{O}{_q('anchor')}"),
        ("fr", "insert", rf"\b(?P<where>apres|avant)\s+{O}{_q('anchor')}\s*,?{G}\b(?:ajout|rajout|inser|introdui|inclu)\w*{G}{_q('new')}"),
        ("fr", "append", rf"\b(?:ajout\w*|rajout\w*|inser\w*|inclu\w*|complet\w*)\b{G}{_q('new')}{G}\b(?:a\s+la|au)\s+(?P<pos>fin|debut)\b(?P<zone>[^⟦]{{0,60}})"),
        ("fr", "append", rf"\b(?:a\s+la|au)\s+(?P<pos>fin|debut)\b(?P<zone>[^⟦]{{0,60}}?)\s*,?{G}\b(?:ajout|rajout|inser|inclu)\w*{G}{_q('new')}"),
        ("fr", "append", rf"\b(?:ajout\w*|rajout\w*|inser\w*|complet\w*)\b{G}\b(?:a\s+la|au)\s+(?P<pos>fin|debut)\b(?:\s+(?:de|du|des|d')(?P<zone>[^⟦:]{{0,60}}?))?\s*[:,]?{G}{_q('new')}"),
        ("fr", "list", rf"\b(?:ajout\w*|rajout\w*|inser\w*|inclu\w*)\b{G}\ba\s+(?:la\s+liste|l'enumeration)\b[^⟦.;]{{0,60}}?{_q('new')}"),
        ("fr", "list", rf"\b(?:ajout\w*|rajout\w*|inser\w*|inclu\w*)\b\s*:?\s*{_q('new')}{G}\ba\s+(?:la\s+liste|l'enumeration)\b"),
        ("fr", "rewrite", rf"\b(?:(?:devrait|doit|devraient|doivent|pourrait)\s+(?:se\s+lire|etre\s+(?:libelle|redige|reformule)e?s?)|se\s+lit|se\s+lira|lire)\s*(?:comme\s+suit|ainsi)?\s*:?\s*{O}{_q('new')}"),
        ("fr", "rewrite", rf"\brempla\w*(?P<zone>[^⟦]{{0,60}}?)\bpar\b\s*(?:ce\s+qui\s+suit|le\s+texte\s+suivant)?\s*:?\s*{_q('new')}"),
    ]
    # ------------------------------------------------------------------ Spanish
    O = _OBJ["es"]
    rows += [
        ("es", "replace", rf"\b(?:suprim\w*|elimin\w*|borr\w*)\b{G}{_q('old')}\s*,?\s*y\s+(?:sustitu|reemplaz|reemplac)\w*\s+por\s+{O}{_q('new')}"),
        ("es", "replace", rf"\b(?:sustitu\w*|reemplaz\w*|reemplac\w*|remplaz\w*|cambi\w*|modific\w*|reformul\w*)\b{G}{_q('old')}{G}\bpor\b\s*:?\s*{O}{_q('new')}"),
        ("es", "replace", rf"{_q('old')}{G}\b(?:deberia|debe|deben|deberian|podria|podrian|seria|serian|sera|seran|es|son|sea|sean)\s+(?:ser\s+)?(?:sustitu|reemplaz|remplaz|cambi|modific)\w*\s+por\s+{O}{_q('new')}"),
        ("es", "replace", rf"{_q('old')}{G}\b(?:deberia|debe|deben|deberian|podria)\s+(?:decir|leerse|rezar|quedar\s+(?:redactad[oa]s?\s+)?(?:como|asi))\s*(?:sigue)?\s*:?\s*{O}{_q('new')}"),
        ("es", "replace", rf"\ben\s+(?:lugar|vez)\s+de\s+{O}{_q('old')}\s*,?{G}\b(?:decir|digase|poner|pongase|usar|usese|utilizar|utilicese|escribir|escribase|emplear|leer|lease)\b\s*:?\s*{O}{_q('new')}"),
        ("es", "replace", rf"{_q('new')}\s*,?\s*en\s+(?:lugar|vez)\s+de\s+{O}{_q('old')}"),
        ("es", "delete", rf"\b(?:suprim\w*|supresion|elimin\w*|borr\w*|quit\w*|tach\w*)\b{G}{_q('old')}{_MORE}"),
        ("es", "delete", rf"{_q('old')}{_MORE}{G}\b(?:deberia|debe|deben|deberian|podria|podrian|es|son|sea|sean)\s+(?:ser\s+)?(?:suprim|elimin|borr|quit|tach)\w*"),
        ("es", "insert", rf"\b(?:anad\w*|agreg\w*|insert\w*|inclu\w*|incorpor\w*|adicion\w*)\b{G}{_q('new')}{G}\b(?P<where>despues\s+de|tras|a\s+continuacion\s+de|antes\s+de|detras\s+de|entre)\s+{O}{_q('anchor')}"),
        ("es", "insert", rf"\b(?P<where>despues\s+de|tras|antes\s+de|a\s+continuacion\s+de)\s+{O}{_q('anchor')}\s*,?{G}\b(?:anad|agreg|insert|inclu|incorpor)\w*{G}{_q('new')}"),
        ("es", "append", rf"\b(?:anad\w*|agreg\w*|insert\w*|inclu\w*|incorpor\w*|complet\w*)\b{G}{_q('new')}{G}\bal\s+(?P<pos>final|principio|inicio|comienzo)\b(?P<zone>[^⟦]{{0,60}})"),
        ("es", "append", rf"\bal\s+(?P<pos>final|principio|inicio|comienzo)\b(?P<zone>[^⟦]{{0,60}}?)\s*,?{G}\b(?:anad|agreg|insert|inclu|incorpor)\w*{G}{_q('new')}"),
        ("es", "append", rf"\b(?:anad\w*|agreg\w*|insert\w*|inclu\w*|incorpor\w*)\b{G}\bal\s+(?P<pos>final|principio|inicio|comienzo)\b(?:\s+(?:de|del)\b(?P<zone>[^⟦:]{{0,60}}?))?\s*[:,]?{G}{_q('new')}"),
        ("es", "list", rf"\b(?:anad\w*|agreg\w*|inclu\w*|incorpor\w*)\b{G}\ba\s+la\s+(?:lista|enumeracion)\b[^⟦.;]{{0,60}}?{_q('new')}"),
        ("es", "list", rf"\b(?:anad\w*|agreg\w*|inclu\w*|incorpor\w*)\b\s*:?\s*{_q('new')}{G}\ba\s+la\s+(?:lista|enumeracion)\b"),
        ("es", "rewrite", rf"\b(?:deberia|debe|deben|deberian|podria)\s+(?:decir|leerse|rezar|quedar\s+(?:redactad[oa]s?\s+)?(?:como|asi|de\s+la\s+siguiente\s+(?:manera|forma)))\s*(?:sigue)?\s*:?\s*{O}{_q('new')}"),
        ("es", "rewrite", rf"\b(?:queda|quedara|quedaria)\s+redactad[oa]s?\s+(?:como\s+sigue|asi|de\s+la\s+siguiente\s+(?:manera|forma))\s*:?\s*{_q('new')}"),
    ]
    return [_Pattern(lang, kind, re.compile(rx)) for lang, kind, rx in rows]


_PATTERNS = _patterns()

# New wording for a passage quoted in an earlier sentence: "'Months 6 to 8' is optimistic.
# Replace with 'Months 6 to 11'." / "Suggest 'X'." / « Remplacer par "X" » / "Sustituir por 'X'".
_FOLLOW_UP = re.compile(
    r"^\W*(?:(?:we|i)\s+)?(?:would\s+)?(?:(?:strongly\s+)?(?:suggest|propose|recommend|prefer)(?:s|ed|ing)?|better|perhaps|proposal"
    r"|nous\s+(?:proposons|suggerons)|(?:je\s+)?(?:propose|suggere)|proposition|proponemos|sugerimos|propuesta)"
    r"\s*:?\s*(?:instead\s*:?\s*|a\s+la\s+place\s*:?\s*|en\s+su\s+lugar\s*:?\s*)?(?:to\s+(?:say|write|use|read)\s*:?\s*)?"
    r"⟦(?P<new>\d+)⟧\W*$"
    r"|\b(?:replace|substitute|change|amend|correct|reword|revise)(?:d)?\b(?:\s+(?:it|this|that|them|the\s+(?:text|wording|phrase)))?"
    r"\s+(?:with|by|to\s+read|to|into)\s*:?\s*⟦(?P<new2>\d+)⟧"
    r"|\b(?:rempla\w*|substitu\w*|corrig\w*|modifi\w*)\b(?:\s+(?:le|la|les|l'|ce|cette))?(?:\s+(?:texte|passage|formulation))?\s+par\s*:?\s*⟦(?P<new3>\d+)⟧"
    r"|\b(?:sustitu\w*|reemplaz\w*|cambi\w*|corregi\w*|corrij\w*|modific\w*)\b(?:\s+(?:el|la|los|las|este|esta))?(?:\s+(?:texto|pasaje|frase|redaccion))?\s+por\s*:?\s*⟦(?P<new4>\d+)⟧"
    r"|^\W*⟦(?P<new5>\d+)⟧\s+(?:would\s+be|is)\s+(?:better|clearer|preferable|more\s+\w+)"
    r"|^\W*⟦(?P<new6>\d+)⟧\s+(?:serait|est)\s+(?:preferable|mieux|plus\s+\w+)"
    r"|^\W*⟦(?P<new7>\d+)⟧\s+(?:seria|es)\s+(?:mejor|preferible|mas\s+\w+)"
)
_AFTER_WORDS = {"after", "following", "between", "apres", "entre", "despues de", "tras",
                "a continuacion de", "detras de"}
_END_WORDS = {"end", "fin", "final"}
_NEW_PARAGRAPH = re.compile(
    r"\b(?:new|separate|additional)\s+(?:paragraph|para)\b|\bnouve(?:au|l)\s+(?:paragraphe|alinea)\b"
    r"|\bparagraphe\s+supplementaire\b|\bnuevo\s+(?:parrafo|apartado)\b|\bparrafo\s+adicional\b"
)


@dataclass
class _Match:
    pattern: _Pattern
    m: re.Match
    quotes: frozenset[int]


def _proposals(sentence: _Sentence, lang: str) -> list[_Match]:
    """The pattern matches of a sentence, best first, no quote used twice, in text order."""
    if not sentence.quotes:
        return []
    ordered = sorted(_PATTERNS, key=lambda p: p.lang != lang)  # stable: own language first
    chosen: list[_Match] = []
    used: set[int] = set()
    for pat in ordered:
        for m in pat.rx.finditer(sentence.folded):
            qs = {int(m.group(g)) for g in ("old", "new", "anchor") if g in m.groupdict() and m.group(g)}
            if "more" in m.groupdict() and m.group("more"):
                qs |= {int(x) for x in _PLACEHOLDER.findall(m.group("more"))}
            if qs & used:
                continue
            used |= qs
            chosen.append(_Match(pat, m, frozenset(qs)))
    chosen.sort(key=lambda c: c.m.start())
    return chosen


# ============================================================================ intents and courtesy

_CONTRAST = re.compile(r"\b(?:but|however|although|mais|cependant|toutefois|pero|sin\s+embargo|no\s+obstante)\b")

_COURTESY = re.compile(
    r"^(?:dear|hi|hello|hey|good\s+(?:morning|afternoon|evening)|greetings)\b"
    r"|\b(?:thank\s+you|thanks|many\s+thanks)\b"
    r"|^(?:(?:best|kind|warm|warmest)\s+)?regards\b|^(?:sincerely|yours\s+(?:sincerely|faithfully|truly)|cheers|all\s+the\s+best|best\s+wishes)\b"
    r"|\bplease\s+(?:find|see)\s+(?:\w+\s+){0,3}?(?:attached|enclosed|below|herewith)\b|^attached\s+(?:please\s+find|is|are|you\s+will\s+find)\b"
    r"|\b(?:in|see)\s+the\s+attached\b|\bi\s+hope\s+(?:this|you)\b|\blook(?:ing)?\s+forward\b|\b(?:do\s+not|don't)\s+hesitate\b|\bfeel\s+free\b"
    r"|\b(?:we|i)\s+(?:are|am)\s+(?:pleased|happy|glad)\s+to\s+(?:submit|send|share|provide)\b"
    r"|\b(?:would\s+like|wish|have\s+the\s+honou?r)\s+to\s+(?:submit|send|share|provide|transmit)\b"
    r"|\b(?:the\s+following|our)\s+(?:comments|observations|remarks)\s*[.:]?$"
    r"|^(?:please\s+)?let\s+(?:me|us)\s+know\b|\bconfidential\b.*\brecipient\b"
    r"|^(?:(?:our|my|the\s+following)\s+(?:comments|observations|remarks|inputs?)(?:\s+on\s+the\s+(?:draft|document|text)\b[^,;]*)?(?:\s+(?:are|is))?(?:\s+(?:as\s+follows|below|attached))?)\s*[.:]?$"
    r"|^(?:bonjour|bonsoir|chers?|cheres?|madame|monsieur|mesdames)\b|\bmerci\b|\bcordialement\b"
    r"|\b(?:veuillez|vous)\s+trouver(?:ez)?\s+(?:\w+\s+){0,3}?ci-(?:joint|jointe|joints|dessous|apres)\b|^ci-joint\b"
    r"|\bremerci\w*|\b(?:reste|restons|restent)\s+a\s+(?:votre|vos|la)\s+(?:entiere\s+)?disposition\b|\bagradec\w*"
    r"|\b(?:remain|are|am)\s+(?:at\s+your\s+disposal|available\s+for\s+(?:any\s+)?(?:questions|clarification))\b"
    r"|\bsalutations\b|\bje\s+vous\s+prie\b|\bdans\s+l'attente\b|\bn'hesitez\s+pas\b|\bbien\s+a\s+vous\b|\bau\s+plaisir\b"
    r"|^(?:nos|mes)\s+(?:commentaires|observations)(?:\s+sur\s+le\s+(?:projet|document|texte)\b[^,;]*)?(?:\s+(?:sont|figurent))?(?:\s+ci-(?:dessous|joints?|apres))?\s*[.:]?$"
    r"|^(?:estimad[oa]s?|hola|buenos\s+dias|buenas\s+tardes|querid[oa]s?|senor(?:a|es|as)?|distinguid[oa]s?)\b|\bgracias\b"
    r"|\bsaludos?\b|\batentamente\b|\badjunt[oa]s?\b|\bquedo\s+a\s+(?:su|vuestra)\s+disposicion\b|\bno\s+duden?\s+en\b|\bcordialmente\b"
    r"|^(?:nuestros|mis)\s+comentarios(?:\s+(?:sobre|al)\s+(?:el\s+)?(?:proyecto|borrador|documento|texto)\b[^,;]*)?(?:\s+(?:son|figuran))?(?:\s+(?:a\s+continuacion|adjuntos))?\s*[.:]?$"
)
# Sentences about the submission itself, not about the draft: what is attached and how,
# that it is sent again, that the text was left unchanged (en/fr/es, folded: no accents).
_TRANSMITTAL = re.compile(
    r"\b(?:re-?send\w*|re-?sent|resubmit\w*|renv[oe]\w*|reenvi\w*|volver\s+a\s+enviar)\b"
    r"|\b(?:attached|attachment|enclosed|herewith|ci-joint\w*|en\s+piece\s+jointe|pieces?\s+jointes?|adjunt\w*|anexad\w*)\b"
    r"|\b(?:transmit|forward)(?:ting)?\s+(?:our|my|the)\s+(?:comments|observations|remarks|suggestions|inputs?)\b"
    r"|\b(?:in|with|using|as|rather\s+than\s+using)\s+(?:the\s+)?track(?:ed)?\s+changes?\b"
    r"|\b(?:did\s+not|didn't|may\s+not\s+have)\s+(?:arrive|reach\s+you|get\s+through)\b|\bmail\s+server\b"
    r"|\b(?:en\s+mode|avec\s+(?:le\s+)?suivi\s+des)\s+(?:revision|modification)s?\b|\bcontrol\s+de\s+cambios\b"
    r"|\b(?:apolog\w+|sorry|desole\w*|excus\w+|disculp\w+|perdon\w*)\b"
    r"|\b(?:no|any)\s+(?:further\s+|other\s+)?comments?\s+on\b|\bpas\s+de\s+(?:commentaires?|observations?)\b"
    r"|\b(?:sin|ningun|no\s+tenemos)\s+comentarios?\b"
    r"|\b(?:proposals|comments|suggestions|observations|remarks|points|propositions|propuestas|comentarios)\b[^.;]*:\s*$"
)
# What a transmittal sentence that names sections must be about: the submission itself.
_SUBMISSION_NOUN = re.compile(
    r"\b(?:comments|suggestions|observations|remarks|changes|edits|proposals|inputs?|version|copy"
    r"|commentaires|modifications|propositions|comentarios|sugerencias|cambios|observaciones|propuestas)\b"
)
# "We have not changed the text", "The attachment is unchanged": a statement, not a proposal.
_UNCHANGED = re.compile(
    r"\b(?:have|has|did)\s+not\s+(?:changed|modified|edited|amended|touched)\s+the\s+(?:text|document|draft)\b"
    r"|\bis\s+unchanged\b|\b(?:n'avons|n'ai|n'a)\s+pas\s+(?:modifie|change|touche)\b|\binchange\w*\b"
    r"|\bno\s+(?:hemos|he|ha)\s+(?:modificado|cambiado|tocado)\b|\bsin\s+cambios\b"
)
_HEADER_FILLER = {
    "comments", "comment", "on", "regarding", "re", "about", "concerning", "in", "for", "to", "the", "of",
    "sur", "commentaires", "commentaire", "observations", "la", "le", "les", "l", "de", "du", "des", "a", "au",
    "sobre", "comentarios", "comentario", "el", "del", "los", "las", "en",
}
_WORDS = re.compile(r"[^\W\d_]+")


def _is_courtesy(sentence: _Sentence, intent: str) -> bool:
    if sentence.quotes or sentence.refs:
        return False
    if not _COURTESY.search(sentence.folded.strip()):
        return False
    if _CONTRAST.search(sentence.folded):
        return False
    if intent == "support":  # "Thank you, we appreciate ..." is courtesy; "We support ..." is not
        return bool(re.search(r"\b(?:thank|thanks|merci|gracias)\b", sentence.folded))
    return intent == "general"


def _is_transmittal(sentence: _Sentence, intent: str) -> bool:
    """"Please find attached our comments, in track changes", "I am resending our comments",
    "Nous n'avons pas modifié le texte": about the submission, not the draft (no row).
    Sections named in passing ("including a paragraph in 4.2") do not make it a comment;
    a quote or a concrete proposal does (proposals are read before this is asked)."""
    if sentence.quotes:
        return False
    if _UNCHANGED.search(sentence.folded):
        return True
    if intent != "general" or _CONTRAST.search(sentence.folded) or not _TRANSMITTAL.search(sentence.folded):
        return False
    return not sentence.refs or bool(_SUBMISSION_NOUN.search(sentence.folded))


def _is_bare_header(sentence: _Sentence) -> bool:
    """"Section 4.2:", "Comments on Article 5": a pointer, not a comment."""
    if not sentence.refs or sentence.quotes:
        return False
    rest = list(sentence.skeleton)
    for r in sentence.refs:
        rest[r.span[0] : r.span[1]] = " " * (r.span[1] - r.span[0])
    words = [w for w in _WORDS.findall(_fold("".join(rest)))]
    return all(w in _HEADER_FILLER for w in words)


# ============================================================================ placing


@dataclass
class _Scope:
    refs: list[Reference]
    blocks: list[int]
    ranges: list[tuple[int, int]] | None
    notices: list[Notice]
    explicit: bool = True  # named in the sentence itself (not carried over from before)
    display: str = ""  # the one section its blocks are in, else the references as written
    first: list[int] = field(default_factory=list)  # the blocks of the first reference named
    how: str = "reference"  # "reference" | "topic" (a descriptive reference: "the part on ...")


def _scope(refs: list[Reference], ix: DraftIndex, explicit: bool) -> _Scope:
    blocks: list[int] = []
    used: list[Reference] = []
    notices: list[Notice] = []
    first: list[int] = []
    for ref in refs:
        found = resolve_indices(ref, ix)
        if found:
            blocks += found
            used.append(ref)
            first = first or list(found)
        elif explicit and _has_kind_word(ref):
            notices.append(Notice(f"{ref} not found in the draft"))
    blocks = sorted(set(blocks))
    ranges = ix.ranges(blocks) if blocks else None
    sections = {ix.blocks[i].section for i in blocks if ix.blocks[i].section}
    display = sections.pop() if len(sections) == 1 else ", ".join(dict.fromkeys(r.display for r in used))
    return _Scope(used, blocks, ranges, notices, explicit, display, first)


def _topic_scope(sentence: _Sentence, ctx: _Context) -> _Scope | None:
    """The section a descriptive reference ("the paragraph on the focal point") points at."""
    topic = find_topic(sentence.folded)
    if topic is None:
        return None
    block = by_topic(topic.text, ctx.lang, ctx.ix)
    if block is None:
        return None
    tix = topic_index(ctx.ix)
    section = tix.section_of(block)
    blocks = [i for i in range(len(ctx.ix.blocks)) if tix.section_of(i) == section]
    return _Scope([], blocks, ctx.ix.ranges(blocks), [], True, section, [block], "topic")


def _has_kind_word(ref: Reference) -> bool:
    """False for a bare "4.2", which may be a figure: an unknown one is not worth a notice."""
    return ref.kind != "section" or ref.span[1] - ref.span[0] > len(ref.label)


@dataclass
class _Place:
    how: str  # "located" | "ambiguous" | "missing"
    spans: list[tuple[int, int]]
    notices: list[Notice]


def _place_quote(quote: str, ix: DraftIndex, scope: _Scope) -> _Place:
    notices: list[Notice] = []
    m = locate_quote(quote, ix.text, scope.ranges)
    if not m.found and scope.ranges is not None:
        m = locate_quote(quote, ix.text, None)
        if m.found and scope.explicit:
            notices.append(Notice(f"quoted text found outside {_scope_words(scope)}"))
    if not m.found:
        return _Place("missing", [], [Notice(NOT_FOUND)])
    if m.how == "ignoring case":
        notices.append(Notice("quoted text matched ignoring case"))
    elif m.how == "fuzzy":
        s, e = m.spans[0]
        notices.append(Notice(f"quoted text matched approximately: “{ix.text[s:e]}”"))
    return _Place("located" if len(m.spans) == 1 else "ambiguous", list(m.spans), notices)


def _scope_words(scope: _Scope) -> str:
    return " and ".join(str(r) for r in scope.refs) or "the referenced part"


def _where(ix: DraftIndex, start: int, scope: _Scope | None) -> tuple[str, str]:
    """(section, block_id) of the block at `start`."""
    i = ix.block_index_at(start)
    if i is None:
        return (scope.display if scope else ""), ""
    block = ix.blocks[i]
    section = block.section or (_number_shown(block.number) if block.heading_level else "")
    if not section and scope and scope.refs:
        section = scope.display
    return section, block.id


def _number_shown(number: str) -> str:
    return number.strip().rstrip(".").strip()


def _spaced_insert(text: str, p: int, new: str) -> str:
    """`new` with a space added where it would otherwise glue onto a word."""
    left = text[p - 1] if p > 0 else "\n"
    right = text[p] if p < len(text) else "\n"
    if new and not new[0].isspace() and new[0] not in ",.;:)]}!?…»”’" and not left.isspace() \
            and left not in "([{«“‘\"'/-":
        new = " " + new
    if new and not new[-1].isspace() and (right.isalnum() or right in "([{«“"):
        new = new + " "
    return new


def _deletion_span(text: str, s: int, e: int) -> tuple[int, int]:
    """Widen a deletion by one space so no double space is left behind (punctuation untouched)."""
    before = text[s - 1] if s > 0 else "\n"
    after = text[e] if e < len(text) else "\n"
    if after == " " and (before in " \n" or before in "([{«“‘"):
        return s, e + 1
    if before == " " and after in ".;:!?)]}\n" and s >= 2 and (text[s - 2].isalnum() or text[s - 2] in "\"'”’»"):
        return s - 1, e
    return s, e


# ============================================================================ items


@dataclass
class _Context:
    lang: str
    ix: DraftIndex
    header_refs: list[Reference] = field(default_factory=list)
    unit_refs: list[Reference] = field(default_factory=list)
    similarity: bool = True  # place comments by their words when nothing else places them
    last_quote: tuple[int, int] | None = None  # the last quoted passage placed in this paragraph


def _item(sentence: _Sentence, lang: str, **kw) -> EmailItem:
    kw.setdefault("notices", ())
    kw["notices"] = tuple(dict.fromkeys(kw["notices"]))
    return EmailItem(text=sentence.text, lang=lang, **kw)


def _change_items(sentence: _Sentence, match: _Match, ctx: _Context, scope: _Scope) -> list[EmailItem]:
    ix, text = ctx.ix, ctx.ix.text
    pat, m = match.pattern, match.m
    lang = pat.lang
    q = sentence.quotes
    groups = m.groupdict()

    def general(kind, old, new, intent, notices):
        return _item(sentence, lang, intent=intent, kind=kind, old=old, new=new, start=None, end=None,
                     section=scope.display, located_by="general", notices=(*scope.notices, *notices))

    def ambiguous(kind, old, new, intent, cands, notices):
        return _item(sentence, lang, intent=intent, kind=kind, old=old, new=new, start=None, end=None,
                     section=scope.display, located_by="ambiguous", candidates=tuple(cands),
                     notices=(*scope.notices, *notices,
                              Notice(f"quoted text occurs {len(cands)} times in the draft")))

    def located(kind, s, e, new, intent, notices, by="quoted text"):
        section, block_id = _where(ix, s, scope)
        return _item(sentence, lang, intent=intent, kind=kind, old=text[s:e], new=new, start=s, end=e,
                     section=section, block_id=block_id, located_by=by, notices=(*scope.notices, *notices))

    if pat.kind == "replace":
        old, new = q[int(groups["old"])], q[int(groups["new"])]
        place = _place_quote(old, ix, scope)
        kind = "replace" if new else "delete"
        intent = "wording_change" if new else "deletion"
        if place.how == "missing":
            return [general(kind, old, new, intent, place.notices)]
        if place.how == "ambiguous":
            return [ambiguous(kind, old, new, intent, place.spans, place.notices)]
        s, e = place.spans[0]
        if not new:
            s, e = _deletion_span(text, s, e)
        return [located(kind, s, e, new, intent, place.notices)]

    if pat.kind == "delete":
        indices = [int(groups["old"])] + [int(x) for x in _PLACEHOLDER.findall(groups.get("more") or "")]
        out = []
        for i in indices:
            old = q[i]
            place = _place_quote(old, ix, scope)
            if place.how == "missing":
                out.append(general("delete", old, "", "deletion", place.notices))
            elif place.how == "ambiguous":
                cands = [_deletion_span(text, s, e) for s, e in place.spans]
                out.append(ambiguous("delete", old, "", "deletion", cands, place.notices))
            else:
                s, e = _deletion_span(text, *place.spans[0])
                out.append(located("delete", s, e, "", "deletion", place.notices))
        return out

    if pat.kind == "insert":
        new, anchor = q[int(groups["new"])], q[int(groups["anchor"])]
        after = " ".join(groups["where"].split()) in _AFTER_WORDS
        place = _place_quote(anchor, ix, scope)
        if place.how == "missing":
            return [general("insert", "", new, "addition", place.notices)]
        points = [(e, e) if after else (s, s) for s, e in place.spans]
        if place.how == "ambiguous":
            return [ambiguous("insert", "", new, "addition", points, place.notices)]
        p = points[0][0]
        return [located("insert", p, p, _spaced_insert(text, p, new), "addition", place.notices)]

    if pat.kind == "append":
        new = q[int(groups["new"])]
        zone_refs = find_references(sentence.skeleton[m.start("zone") : m.end("zone")]) if groups.get("zone") else []
        target = _scope(zone_refs, ix, True) if zone_refs else scope
        if not target.blocks:
            note = target.notices or [Notice("no section found for the insertion")]
            return [general("insert", "", new, "addition", note)]
        body = [i for i in target.blocks if ix.is_body(i)] or target.blocks
        at_end = groups["pos"] in _END_WORDS
        new_paragraph = bool(_NEW_PARAGRAPH.search(sentence.folded))
        if at_end:
            p = ix.block_span(body[-1])[1]
            new_text = "\n" + new if new_paragraph else _spaced_insert(text, p, new)
        else:
            p = ix.block_span(body[0])[0]
            new_text = new + "\n" if new_paragraph else _spaced_insert(text, p, new)
        return [
            _item(sentence, lang, intent="addition", kind="insert", old="", new=new_text, start=p, end=p,
                  section=_where(ix, p, target)[0], block_id=ix.blocks[body[-1] if at_end else body[0]].id,
                  located_by="reference", notices=tuple(target.notices))
        ]

    if pat.kind == "list":  # "add to the list in 3.4: '...'": a new last item of the list
        new = q[int(groups["new"])]
        items = [i for i in scope.blocks if ix.blocks[i].kind == "list-item"]
        if not items:
            return [general("insert", "", new, "addition", [*scope.notices, Notice("no list found for the new item")])]
        last = items[-1]
        p = ix.block_span(last)[1]
        return [_item(sentence, lang, intent="addition", kind="insert", old="", new="\n" + new, start=p, end=p,
                      section=_where(ix, p, scope)[0], block_id=ix.blocks[last].id, located_by="reference",
                      anchor=f"after the last item of the list: {ix.block_texts[last][:60]}",
                      notices=tuple(scope.notices))]

    if pat.kind == "rewrite":
        new = q[int(groups["new"])]
        if "zone" in groups:  # "replace paragraph 3 with: ..." names what it rewrites, or nothing
            zone_refs = find_references(sentence.skeleton[m.start("zone") : m.end("zone")])
            if not zone_refs:
                return []
            target = _scope(zone_refs, ix, True)
        else:
            target = scope
        if not target.refs:
            return []  # "should read 'Y'" with nothing to rewrite: left to the comment reading
        body = [i for i in target.blocks if ix.is_body(i)]
        if len(body) != 1:
            return [
                _item(sentence, lang, intent="wording_change", kind=None, old="", new=None,
                      start=ix.block_span(target.blocks[0])[0], end=ix.block_span(target.blocks[-1])[1],
                      section=_where(ix, ix.block_span(target.blocks[0])[0], target)[0],
                      block_id=ix.blocks[target.blocks[0]].id, located_by="reference",
                      notices=(*target.notices, Notice("new wording given for several paragraphs: not placed as a change")))
            ]
        s, e = ix.block_span(body[0])
        return [located("replace", s, e, new, "wording_change", target.notices, by="reference")]
    return []


def _comment_item(sentence: _Sentence, intent: str, ctx: _Context, scope: _Scope) -> EmailItem:
    ix, text = ctx.ix, ctx.ix.text
    ambiguous: _Place | None = None
    for quote in sentence.quotes:
        if len(quote) < 3:
            continue
        place = _place_quote(quote, ix, scope)
        if place.how == "located":
            s, e = place.spans[0]
            section, block_id = _where(ix, s, scope)
            return _item(sentence, ctx.lang, intent=intent, kind=None, old=text[s:e], new=None, start=s, end=e,
                         section=section, block_id=block_id, located_by="quoted text",
                         notices=(*scope.notices, *place.notices))
        if place.how == "ambiguous" and ambiguous is None:
            ambiguous = place
    if ambiguous is not None:
        return _item(sentence, ctx.lang, intent=intent, kind=None, old="", new=None, start=None, end=None,
                     section=scope.display, located_by="ambiguous", candidates=tuple(ambiguous.spans),
                     notices=(*scope.notices, Notice(f"quoted text occurs {len(ambiguous.spans)} times in the draft")))
    if scope.blocks:
        blocks = scope.first or scope.blocks
        s, e = ix.block_span(blocks[0])[0], ix.block_span(blocks[-1])[1]
        section, block_id = _where(ix, s, scope)
        return _item(sentence, ctx.lang, intent=intent, kind=None, old="", new=None, start=s, end=e,
                     section=section, block_id=block_id, located_by=scope.how, notices=tuple(scope.notices))
    found = _by_topic_or_similarity(sentence, ctx)
    if found is not None:
        block, how = found
        s, e = ix.block_span(block)
        section, block_id = _where(ix, s, None)
        return _item(sentence, ctx.lang, intent=intent, kind=None, old="", new=None, start=s, end=e,
                     section=section, block_id=block_id, located_by=how, notices=tuple(scope.notices))
    notices = list(scope.notices)
    if sentence.quotes:
        notices.append(Notice(NOT_FOUND))
    return _item(sentence, ctx.lang, intent=intent, kind=None, old="", new=None, start=None, end=None,
                 located_by="general", notices=tuple(notices))


def _by_topic_or_similarity(sentence: _Sentence, ctx: _Context) -> tuple[int, str] | None:
    """(block, "topic" | "similarity") for a sentence that names no section and quotes nothing found."""
    if ctx.similarity:
        block = by_similarity(sentence.text, ctx.lang, ctx.ix)
        if block is not None:
            return block, "similarity"
    return None


_DELETE_WHOLE = re.compile(
    r"^\W*(?:(?:we\s+)?(?:propose|suggest|recommend)\s+(?:to\s+)?|please\s+|il\s+est\s+propose\s+de\s+"
    r"|nous\s+proposons\s+de\s+|proponemos\s+)?"
    r"(?:delete|deleting|remove|removing|strike(?:\s+out)?|deleted|removed|supprimer|supprimez|a\s+supprimer"
    r"|suprimir|suprimase|suprimanse|eliminar|eliminese|eliminense"
    r"|(?:should|must|to)\s+be\s+(?:deleted|removed|struck\s+out)|(?:devrait|doit|devraient|doivent)\s+etre\s+supprime\w*"
    r"|(?:deberia|debe|deberian|deben)\s+(?:suprimirse|eliminarse|ser\s+(?:suprimid|eliminad)\w*))"
    r"(?:\s+(?:the|le|la|les|el|los|las|l'))?(?:\s+(?:whole|entire|entier|entiere|completo|completa))?\W*$"
)


def _whole_deletions(sentence: _Sentence, ctx: _Context, scope: _Scope) -> list[EmailItem]:
    """"Delete paragraph 3", "Para 3: delete", « Supprimer l'article 5 »: the whole part goes."""
    if sentence.quotes or not sentence.refs or not scope.blocks or not scope.explicit:
        return []
    rest = list(sentence.folded)
    for r in sentence.refs:
        rest[r.span[0] : r.span[1]] = " " * (r.span[1] - r.span[0])
    rest_text = re.sub(r"\b(?:of|in|de|du|del)\b", " ", "".join(rest))
    if not _DELETE_WHOLE.match(rest_text):
        return []
    ix = ctx.ix
    items = []
    for a, b in ix.ranges(scope.blocks):
        section, block_id = _where(ix, a, scope)
        items.append(_item(sentence, ctx.lang, intent="deletion", kind="delete", old=ix.text[a:b], new="",
                           start=a, end=b, section=section, block_id=block_id, located_by="reference",
                           notices=tuple(scope.notices)))
    return items


def _analyse(sentence: _Sentence, ctx: _Context) -> list[EmailItem]:
    own = sentence.refs
    scope = _scope(own, ctx.ix, explicit=True) if own else None
    if scope is None or not scope.blocks:
        scope = _topic_scope(sentence, ctx) or scope
    if scope is None:
        scope = _scope(ctx.unit_refs or ctx.header_refs, ctx.ix, explicit=False)
    matches = _proposals(sentence, ctx.lang)
    said = intent_of(sentence.text, sentence.folded)
    items: list[EmailItem] = []
    for match in matches:
        anchor = _anchor_of(match, sentence)
        for item in _change_items(sentence, match, ctx, scope):
            if item.kind is not None:
                item = replace(item, intent=change_intent(item.kind, item.old, item.new or "", said),
                               anchor=anchor or item.old)
            items.append(item)
    if not items:
        items = _follow_up(sentence, ctx, said)
    if not items:
        items = _whole_deletions(sentence, ctx, scope)
    if items:
        return [_with_method(item, scope, ctx.ix) for item in items]
    intent = said
    if _is_courtesy(sentence, intent) or _is_transmittal(sentence, intent):
        return []
    if not sentence.quotes and not own and intent == "general" and len(_WORDS.findall(sentence.text)) < 3:
        return []
    if _is_bare_header(sentence):
        return []
    item = _comment_item(sentence, intent, ctx, scope)
    if item.located_by == "quoted text" and item.start is not None:
        ctx.last_quote = (item.start, item.end)
    return [_with_method(item, scope, ctx.ix)]


def _follow_up(sentence: _Sentence, ctx: _Context, said: str) -> list[EmailItem]:
    """New wording for the passage an earlier sentence of the same paragraph quoted."""
    if ctx.last_quote is None or len(sentence.quotes) != 1:
        return []
    m = _FOLLOW_UP.search(sentence.folded)
    if m is None:
        return []
    new = sentence.quotes[0]
    s, e = ctx.last_quote
    ix = ctx.ix
    old = ix.text[s:e]
    if not new or new == old:
        return []
    section, block_id = _where(ix, s, None)
    ctx.last_quote = None
    return [_item(sentence, ctx.lang, intent=change_intent("replace", old, new, said), kind="replace", old=old,
                  new=new, start=s, end=e, section=section, block_id=block_id, located_by="quoted text",
                  anchor=old)]


def _anchor_of(match: _Match, sentence: _Sentence) -> str:
    """What an insertion hangs on: its quoted anchor, or "end of section 3.2"."""
    groups = match.m.groupdict()
    if groups.get("anchor"):
        return sentence.quotes[int(groups["anchor"])]
    if match.pattern.kind == "append":
        zone = sentence.skeleton[match.m.start("zone"): match.m.end("zone")].strip(" ,:;") if groups.get("zone") else ""
        return f"{groups['pos']} of {zone}".strip()
    return ""


def _with_method(item: EmailItem, scope: _Scope, ix: DraftIndex) -> EmailItem:
    """Record which step decided the place: the sentence's own reference when the quote was
    found inside the part it names, else how the item was located."""
    method = item.located_by
    if method in ("quoted text", "reference") and scope.explicit and scope.ranges and item.start is not None \
            and any(a <= item.start <= b for a, b in scope.ranges):
        method = scope.how
    return replace(item, method=method)


def mask_quotes(text: str) -> str:
    """`text` with every quoted passage blanked (its language and references are the writer's)."""
    return _QUOTE.sub(lambda m: " " * len(m.group(0)), text)


def extract_items(body: str, draft: Document, clean: bool = True, lang: str | None = None,
                  similarity: bool = True) -> list[EmailItem]:
    """Every proposal and comment in an e-mail body, placed on `draft` (see module doc).

    `clean=False` reads the text as it is (a single comment, not an e-mail); `lang` skips
    language detection; `similarity=False` leaves sentences placed by nothing else general.
    """
    cleaned = clean_body(body) if clean else body.replace("\r\n", "\n").replace("\r", "\n")
    if not cleaned.strip():
        return []
    if lang is None:
        without_quotes = mask_quotes(cleaned)
        lang = detect_language(without_quotes if len(without_quotes.split()) >= 3 else cleaned)
    ctx = _Context(lang, index_of(draft), similarity=similarity)
    units = _units(cleaned)
    items: list[EmailItem] = []
    for unit, sentences in zip(units, _sentences(units, lang)):
        ctx.unit_refs = []
        ctx.last_quote = None
        for sentence in sentences:
            items += _analyse(sentence, ctx)
            if sentence.refs:
                ctx.unit_refs = sentence.refs
        if unit.header and ctx.unit_refs:
            ctx.header_refs = ctx.unit_refs
    return items
