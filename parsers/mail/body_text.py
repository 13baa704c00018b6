"""The member's own words in an e-mail body: quoted replies, forwards and signature removed.

`clean_body(text)` returns ``(text, notices)``. It works line by line, with small rules:

Quoted and forwarded text
  - lines starting with ">" are dropped (what follows them is kept: bottom-posted and inline
    replies keep their answers);
  - a reply attribution ("On … wrote:", « Le … a écrit : », "El … escribió:", and German,
    Italian, Portuguese and Dutch forms) on up to 3 lines, holding a time, a numeric date or
    an address (so neither "On section 4.2 we…" nor "On 12 June 2018, the Council wrote:"
    is one), is dropped with the ">" lines after it; when no ">" lines follow (Outlook, HTML
    mail read as text), everything below it goes;
  - everything from a header block is dropped: From:/De :/De:/Von:/Da:/Van: followed within
    6 lines (or on the same line) by two more of Sent/Date/To/Subject, Envoyé/À/Objet,
    Enviado el/Para/Asunto…, with an address, a time or a year in them; likewise from a
    separator ("-----Original Message-----", "---------- Forwarded message ---------",
    "Begin forwarded message:", their French/Spanish/… forms), and the line of underscores
    Outlook puts above a header block.

Signature
  - a "-- " line and everything below it ("--" alone: only if a signature follows);
  - a sign-off line ("Best regards,", "Cordialement", "Un saludo, Ana"…) or a mobile line
    ("Sent from my iPhone", "Envoyé de mon iPad", "Enviado desde mi móvil", "Get Outlook
    for iOS"…) with everything below it, but only when all that follows looks like a
    signature: at most 15 short lines (names, titles, addresses, phone/e-mail/web lines)
    then, optionally, a disclaimer ("This e-mail is confidential…", « Ce message et … »,
    "Este mensaje…", naming two of confidentiality, intended recipient, printing…). Any
    line that reads like a comment (a sentence, "P.S.", a quotation, "section 4", "we",
    "should"…) keeps it all;
  - disclaimer paragraphs at the very end, even without a sign-off.

Nothing is ever lost silently: if nothing of the member's own is left, the text comes back
as it was, with a notice; a text that is only a signature comes back whole. Notices are only
for oddities: the whole text looked quoted; an inline reply lost its quoted lines; only a
short note (or one pointing "below") was kept above a forwarded or quoted message.

mail-parser-reply 1.36 (MIT) was evaluated on the mails of tests/test_mail_body_text.py and
is not used. It finds English and French Outlook and Gmail reply headers well (German and
Italian too), but it misses Spanish replies (its "escribió:" pattern wants two spaces before
the word, and "Enviado el:" is not among its Outlook fields, so "De:"/"Enviado el:" lines stay
in the text) and French Outlook's "Date :" form; it keeps the ">" lines of bottom-posted
replies; its signature rule drops everything from the first "- " bullet, or from any line
starting "Thanks,", "Best," or "Cordialement", real comments included, and misses "Envoyé de
mon iPhone" and "Saludos cordiales"; it strips every line; it takes ~2 s on a 5 MB body
(clean_body: ~0.15 s). The small rules here do better on every case tried, so the project
does not need the dependency.
"""

from __future__ import annotations

import re
import unicodedata

from ...models.notices import Notice

__all__ = ["clean_body", "ALL_QUOTED", "INLINE_REPLY", "CHECK_REMOVED"]

ALL_QUOTED = "the whole text of the e-mail looked quoted or forwarded; it was kept as it is"
INLINE_REPLY = (
    "the member wrote between quoted lines (an inline reply); the quoted lines were removed, "
    "so some remarks may need the original e-mail for context"
)
CHECK_REMOVED = (
    "only a short note above a forwarded or quoted message was kept (or the note points to "
    "text below it): check whether the removed part holds the comments"
)

MAX_HEADER_LINE = 600  # longer lines are never attributions or header lines
MAX_SIGNATURE_LINES = 15  # after a sign-off, before an optional disclaimer
MAX_TAIL = 80  # non-blank lines after a sign-off, disclaimers included
SHORT_NOTE = 300  # characters: own text this short above a forward may not be all


# --------------------------------------------------------------------------- folding


def _fold_table() -> dict[int, str]:
    """str.translate table: Latin letters (to U+024F) to their lower-case base letter."""
    table = {0x2019: "'", 0x00A0: " "}  # typographic apostrophe (d’origine), no-break space
    for code in range(0x41, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[:1].lower()
        if len(base) == 1 and base != chr(code):
            table[code] = base
    return table


_FOLD = _fold_table()


def _fold(text: str) -> str:
    """Lower case without accents for Latin letters, one character for one (positions match)."""
    return text.translate(_FOLD)


# --------------------------------------------------------------------------- quotes

# Mail clients put a time, a numeric date or an address in the attribution; a member citing
# a text ("On 12 June 2018, the Governing Body wrote:") does not.
_EVIDENCE = re.compile(r"@|\b\d{1,2}[:h]\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")
_ATTRIBUTION = re.compile(
    r"^(?:on\b.*\bwrote"  # English
    r"|le\b.*\ba\s+ecrit"  # French
    r"|el\b.*\bescribio"  # Spanish
    r"|am\b.*\bschrieb\b.*"  # German
    r"|il\b.*\bha\s+scritto"  # Italian
    r"|em\b.*\bescreveu"  # Portuguese
    r"|op\b.*\bschreef\b.*"  # Dutch
    r"|.*@.*\b(?:wrote|a\s+ecrit|escribio|schrieb|ha\s+scritto|escreveu|schreef))\s*:$"
)
_FROM_KEY = re.compile(r"^[*\s]*(?:from|de|von|da|van)[*\s]*:\s*\S")
_OTHER_KEY = (
    r"sent|date|to|cc|bcc|subject|reply-to|envoye|a|objet|enviado(?:\s+el)?|enviada(?:\s+em)?"
    r"|enviado\s+em|fecha|para|asunto|assunto|gesendet|datum|an|betreff|inviato|data|oggetto"
    r"|verzonden|aan|onderwerp"
)
_HEADER_EVIDENCE = re.compile(r"@|\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b")  # address, time, year
_OTHER_LINE = re.compile(rf"^[*\s]*({_OTHER_KEY})[*\s]*:")
_OTHER_INLINE = re.compile(rf"\s({_OTHER_KEY})[*\s]*:")
_SEPARATOR = re.compile(
    r"^(?:-{2,}\s*(?:original message|forwarded message|message d'origine|message original"
    r"|message transfere|mail original|mail transfere|courriel original|mensaje original"
    r"|mensaje reenviado|correo original|ursprungliche nachricht|weitergeleitete nachricht"
    r"|messaggio originale|messaggio inoltrato|mensagem original|mensagem encaminhada"
    r"|oorspronkelijk bericht|doorgestuurd bericht)\s*-{2,}"
    r"|(?:begin forwarded message|debut du message (?:reexpedie|transfere)"
    r"|inicio del mensaje reenviado|comienzo del mensaje reenviado"
    r"|anfang der weitergeleiteten nachricht|inizio messaggio inoltrato"
    r"|inicio da mensagem reencaminhada|begin doorgestuurd bericht)\s*:)$"
)
_FORWARD_WORDS = re.compile(
    r"forward|transfere|reexpedie|reenviado|weitergeleitet|inoltrato|encaminhada|doorgestuurd"
)
_RULE = re.compile(r"^[-_=*\s]{10,}$")  # Outlook's line of underscores above a header block
_POINTER = re.compile(r"\b(?:below|inline|ci-dessous|plus bas|en dessous|abajo|debajo)\b")


_WORD = re.compile(r"\w+")
_ATTRIBUTION_LEADS = frozenset("on le el am il em op".split())
_FROM_LEADS = frozenset("from de von da van".split())
_OTHER_LEADS = frozenset(  # first words of _OTHER_KEY
    "sent date to cc bcc subject reply envoye a objet enviado enviada fecha para asunto assunto "
    "gesendet datum an betreff inviato data oggetto verzonden aan onderwerp".split()
)


def _first_word(stripped: str) -> str:
    """The first word of a stripped line, folded ("" if it does not start with one)."""
    found = _WORD.match(stripped.lstrip("*[ "), 0, 40)
    return _fold(found.group(0)) if found else ""


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _is_separator(stripped: str) -> bool:
    if len(stripped) > 120 or not (stripped.startswith("-") or stripped.endswith(":")):
        return False
    return bool(_SEPARATOR.match(_fold(stripped)))


def _attribution_length(lines: list[str], i: int, word: str) -> int:
    """How many lines (1-3) starting at `i` (first word `word`) form a reply attribution."""
    if word not in _ATTRIBUTION_LEADS and "@" not in lines[i][: MAX_HEADER_LINE * 2]:
        return 0
    parts: list[str] = []
    for line in lines[i : i + 3]:
        stripped = line.strip()
        if not stripped or _is_quoted(line) or len(stripped) > MAX_HEADER_LINE:
            return 0
        parts.append(stripped)
        joined = _fold(" ".join(parts))
        if _ATTRIBUTION.match(joined) and _EVIDENCE.search(joined):
            return len(parts)
    return 0


def _is_header_block(lines: list[str], i: int) -> bool:
    """A From: line followed by two more mail header fields (Outlook, forwards).

    The fields must hold an address, a time or a year, as mail headers do.
    """
    first = lines[i].strip()
    if len(first) > MAX_HEADER_LINE or not _FROM_KEY.match(_fold(first)):
        return False
    keys = {m.group(1) for m in _OTHER_INLINE.finditer(_fold(first))}
    evidence = bool(_HEADER_EVIDENCE.search(first))
    seen = misses = 0  # lines looked at; lines that are no header field (a wrapped one)
    for j in range(i + 1, len(lines)):
        if seen == 6 or misses == 2 or len(keys) >= 2:
            break
        stripped = lines[j].strip()
        if not stripped:
            continue
        seen += 1
        found = None
        if len(stripped) <= MAX_HEADER_LINE and _first_word(stripped) in _OTHER_LEADS:
            found = _OTHER_LINE.match(_fold(stripped))
        if found:
            keys.add(found.group(1))
            evidence = evidence or bool(_HEADER_EVIDENCE.search(stripped))
        else:
            misses += 1
    return len(keys) >= 2 and evidence


def _next_text_is_quoted(lines: list[str], i: int) -> bool:
    for j in range(i, len(lines)):
        line = lines[j]
        if line.strip():
            return _is_quoted(line)
    return False


class _Quotes:
    """Result of removing quoted text: kept lines and what was seen on the way."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.removed = False
        self.forward = False  # cut at a forwarded message
        self.after_quote: list[int] = []  # indices in kept of own lines just after a quote
        self.text_before_quote = False  # own text above the first quoted line

    def note_removal(self) -> None:
        if not self.removed:
            self.text_before_quote = any(line.strip() for line in self.kept)
        self.removed = True


def _drop_quotes(lines: list[str]) -> _Quotes:
    """The member's lines: ">" lines and attributions dropped, cut at a header or separator."""
    result = _Quotes()
    kept = result.kept
    in_quote = False
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if _is_quoted(line):
            result.note_removal()
            in_quote = True
            i += 1
            continue
        if not stripped:
            kept.append(line)
            i += 1
            continue
        word = _first_word(stripped)
        length = _attribution_length(lines, i, word)
        if length and _next_text_is_quoted(lines, i + length):
            result.note_removal()
            in_quote = True
            i += length
            continue
        separator = _is_separator(stripped)
        if length or separator or (word in _FROM_LEADS and _is_header_block(lines, i)):
            result.note_removal()
            result.forward = separator and bool(_FORWARD_WORDS.search(_fold(stripped)))
            while kept and (not kept[-1].strip() or _RULE.match(kept[-1])):
                kept.pop()
            break
        if in_quote:
            result.after_quote.append(len(kept))
            in_quote = False
        kept.append(line)
        i += 1
    return result


# --------------------------------------------------------------------------- signature

def _any(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


# Sign-off phrases, folded (lower case, no accents); a short name may follow after a comma.
_PHRASE = _any(
    # English
    r"(?:(?:best|kind|kindest|warm|warmest|many|with\s+(?:best|kind|warm|many))\s+)?regards",
    r"best\s+wishes", r"all\s+the\s+best", r"(?:yours\s+)?sincerely(?:\s+yours)?",
    r"yours\s+(?:faithfully|truly)", r"cheers", r"respectfully(?:\s+yours)?", r"with\s+thanks",
    r"best", r"(?:many\s+)?thanks(?:\s+(?:again|a\s+lot|in\s+advance|so\s+much))?",
    r"thank\s+you(?:\s+(?:again|in\s+advance|very\s+much|so\s+much))?",
    # French
    r"(?:(?:bien|tres|tres\s+bien)\s+)?cordialement", r"bien\s+a\s+(?:vous|toi)", r"amicalement",
    r"(?:(?:mes|nos|avec\s+mes|avec\s+nos)\s+)?"
    r"(?:(?:meilleures|sinceres|bien\s+sinceres|respectueuses)\s+)?"
    r"salutations(?:\s+(?:distinguees|cordiales|respectueuses))?",
    r"(?:un\s+grand\s+)?merci(?:\s+(?:beaucoup|d'avance|par\s+avance|encore))?",
    r"bonne\s+(?:journee|reception|fin\s+de\s+journee|soiree|semaine)",
    r"(?:veuillez|je\s+vous\s+prie\s+d')\s*agreer\b.{0,200}",
    r"recevez\b.{0,120}\bsalutations\b.{0,60}", r"en\s+vous\s+remerciant\b.{0,120}",
    # Spanish
    r"(?:un\s+)?(?:(?:cordial|afectuoso|atento|fuerte)\s+)?saludos?"
    r"(?:\s+(?:cordiales|afectuosos|atentos))?",
    r"recib(?:a|e|an)\s+un\s+(?:cordial\s+)?saludo", r"atentamente", r"cordialmente",
    r"afectuosamente",
    r"(?:muchas\s+)?gracias(?:\s+(?:de\s+antemano|por\s+adelantado|por\s+todo))?",
    r"un\s+abrazo", r"sin\s+otro\s+particular\b.{0,120}",
    r"quedo\s+(?:a\s+la\s+espera|atent[oa]|a\s+(?:su|tu|vuestra)\s+disposicion)\b.{0,120}",
)
_SIGN_OFF = re.compile(
    rf"^{_PHRASE}(?:\s*(?:,|and|&|et|y|/|-)\s*{_PHRASE})?"
    r"(?P<name>\s*[,;\u2013-]\s*[^\d,;:]{1,60}?)?\s*[,.!]*$"
)
_SIGN_OFF_LEADS = frozenset(  # first words of _PHRASE: a cheap test before the regex
    "best kind kindest warm warmest many with regards all yours sincerely cheers respectfully "
    "thanks thank bien tres cordialement amicalement mes nos avec meilleures sinceres "
    "respectueuses salutations un merci bonne veuillez je recevez en saludo saludos cordial "
    "afectuoso atento fuerte reciba recibe reciban atentamente cordialmente afectuosamente "
    "muchas gracias sin quedo".split()
)
_NAME_PARTICLES = frozenset("de la del le van von der da dos das y e".split())

_FEW_WORDS = r"\s+\S+(?:\s+\S+){0,4}"  # "iPhone", "Samsung Galaxy smartphone"
_MOBILE = re.compile(
    "^"
    + _any(
        rf"sent from my{_FEW_WORDS}", r"sent from (?:outlook|mail|yahoo mail|samsung|gmail)\b.*",
        r"get outlook for \S+.*", rf"envoye de mon{_FEW_WORDS}",
        r"envoye depuis (?:mon|ma|l'application|outlook|yahoo)\b.*",
        r"envoye a partir de (?:mon|ma|outlook)\b.*", r"obtenir outlook pour \S+.*",
        r"enviado desde (?:mi|outlook|yahoo|correo)\b.*", r"obtener outlook para \S+.*",
        r"descargue outlook para \S+.*", rf"von meinem{_FEW_WORDS} gesendet",
        rf"inviato da(?:l mio)?{_FEW_WORDS}", rf"enviado do meu{_FEW_WORDS}",
        rf"verzonden (?:vanaf|met) mijn{_FEW_WORDS}",
    )
    + r"\.?$"
)
_MOBILE_LEADS = frozenset(
    "sent get envoye obtenir enviado obtener descargue von inviato verzonden".split()
)

# A disclaimer opens with one of these and has two of _DISCLAIMER_WORD in its paragraph.
_DISCLAIMER_START = re.compile(
    r"^[*\s]*"
    + _any(
        # English
        r"this\s+(?:e-?mail|message|communication|transmission)",
        r"the\s+(?:information|contents?)\s+(?:contained|in|of)\b", r"confidential",
        r"disclaimer", r"privileged", r"important\s+notice", r"legal\s+notice", r"notice\s*:",
        r"if\s+you\s+(?:are\s+not|have\s+received)",
        r"please\s+(?:consider|think\s+of)\s+the\s+environment", r"think\s+before\s+you\s+print",
        # French
        r"ce\s+(?:message|courriel|courrier|mail|e-?mail)",
        r"les\s+informations\s+(?:contenues|figurant)", r"le\s+contenu\s+de\s+ce",
        r"avis\s+de\s+confidentialite", r"avertissement",
        r"si\s+vous\s+(?:n'etes\s+pas|avez\s+recu)",
        r"(?:merci\s+de\s+penser|pensez)\s+a\s+l'environnement", r"avant\s+d'imprimer",
        # Spanish
        r"este\s+(?:mensaje|correo|e-?mail)", r"la\s+informacion\s+(?:contenida|de\s+este)",
        r"aviso\s+(?:legal|de\s+confidencialidad|de\s+privacidad)", r"confidencialidad",
        r"si\s+(?:usted\s+)?no\s+es\s+el\s+destinatario", r"si\s+ha\s+recibido",
        r"antes\s+de\s+imprimir", r"protege\s+el\s+medio\s+ambiente",
    )
)
_DISCLAIMER_LABEL = re.compile(
    r"^[*\s]*(?:disclaimer|confidentiality\s+(?:notice|note|statement)|legal\s+notice"
    r"|avis\s+de\s+confidentialite|clause\s+de\s+confidentialite|aviso\s+legal"
    r"|aviso\s+de\s+confidencialidad)\b"
)
_DISCLAIMER_WORD = re.compile(
    _any(
        r"confiden", r"intended\s+(?:solely\s+|only\s+|exclusively\s+)?for",
        r"intended\s+recipient",
        r"destinatai", r"destinatari", r"privileg", r"unauthori[sz]", r"non\s+autoris",
        r"no\s+autoriz", r"prohibid", r"interdit", r"environment", r"environnement",
        r"medio\s+ambiente", r"imprim", r"print", r"in\s+error", r"par\s+erreur", r"por\s+error",
        r"notify\s+the\s+sender", r"l'expediteur", r"el\s+remitente", r"data\s+protection",
        r"protection\s+des\s+donnees", r"proteccion\s+de\s+datos", r"gdpr", r"rgpd",
    )
)
_CONTACT = re.compile(
    _any(
        r"[\w.+-]+@[\w-]+\.\w", r"https?://", r"www\.",
        r"(?:\+|\b00)\s?\(?\d(?:[ ()./-]{0,2}\d){6,}",  # an international phone number
        r"\b(?:tel|phone|mobile|mob|cell|fax|movil|telefono|tfno|portable|gsm|skype|whatsapp)\b",
        r"^[tmfpe]\s?[.:]\s*[+(\d]",  # "T: +41 ...", "M. 079 ..."
    )
)
_REFERENCE = re.compile(  # "section 4", "para. 12", "§ 3": a comment, not a signature
    r"\b(?:section|seccion|paragraph|paragraphe|parrafo|para|article|articulo|annex|annexe"
    r"|anexo|point|punto|alinea|chapter|chapitre|capitulo|clause|clausula|page|pagina)\b\.?\s*\d"
    r"|§"
)
_SENTENCE_WORDS = frozenset(  # words of a comment, seldom of a name, title or address
    "we i is are was should must would could can will please propose suggest think believe "
    "agree support delete replace add insert remove also "
    "nous je est sont devrait doit proposons suggerons pensons supprimer remplacer ajouter "
    "inserer aussi "
    "nosotros es son deberia debe proponemos sugerimos creemos suprimir sustituir anadir "
    "eliminar reemplazar insertar tambien".split()
)
_CONTENT_START = re.compile(r"^(?:p\.?\s?s\b|n\.?\s?b\b)")
_QUOTE_MARKS = re.compile("[\"\u201c\u201d\u00ab\u00bb]")


def _is_name(text: str) -> bool:
    """A short capitalised name after a sign-off ("Ana", "Jean Dupont", "The Secretariat")."""
    words = text.split()
    return 0 < len(words) <= 5 and all(
        (w[0].isupper() or w.lower() in _NAME_PARTICLES) and not any(c.isdigit() for c in w)
        for w in words
    )


def _is_sign_off(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 250 or _first_word(stripped) not in _SIGN_OFF_LEADS:
        return False
    found = _SIGN_OFF.match(_fold(stripped))
    if not found:
        return False
    if found.group("name"):
        name = stripped[found.start("name") : found.end("name")]
        return _is_name(name.strip().lstrip(",;\u2013-").strip().rstrip(".!"))
    return True


def _is_mobile(line: str) -> bool:
    stripped = line.strip()
    if len(stripped) > 120 or _first_word(stripped) not in _MOBILE_LEADS:
        return False
    return bool(_MOBILE.match(_fold(stripped)))


def _is_disclaimer(lines: list[str], i: int) -> bool:
    """Line `i` starts a disclaimer: a known opening, and two disclaimer words in its paragraph
    (one after a label such as "Disclaimer:")."""
    first = _fold(lines[i].strip()[:200])
    if not _DISCLAIMER_START.match(first):
        return False
    paragraph: list[str] = []
    for j in range(i, min(i + 15, len(lines))):
        line = lines[j]
        if not line.strip():
            break
        paragraph.append(line.strip())
    found = {m.group(0) for m in _DISCLAIMER_WORD.finditer(_fold(" ".join(paragraph)[:1000]))}
    needed = 1 if _DISCLAIMER_LABEL.match(first) else 2  # "confidential … intended for"
    return len(found) >= needed


def _is_signature_line(line: str) -> bool:
    """A line that can belong to a signature: contact details, or a short non-sentence line."""
    stripped = line.strip()
    folded = _fold(stripped[:300])
    words = len(stripped.split())
    if _CONTENT_START.match(folded) or _QUOTE_MARKS.search(stripped) or _REFERENCE.search(folded):
        return False
    if _is_mobile(stripped):
        return True
    if not _SENTENCE_WORDS.isdisjoint(_WORD.findall(folded)):
        return False
    if words <= 20 and _CONTACT.search(folded):
        return True
    if stripped.startswith("[") and stripped.endswith("]") and len(stripped) <= 200:
        return True  # an image placeholder: [cid:image001.png@01D4...], [Logo]
    if len(stripped) > 80 or words > 10:
        return False
    return words <= 4 or stripped[-1] not in ".?!:;"


class _Signature:
    """Finds where the signature starts; each line is classified at most once (linear time)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.disclaimers: dict[int, bool] = {}
        self.signature_lines: dict[int, bool] = {}
        self.nonblank_after = [0] * (len(lines) + 1)  # non-blank lines from i to the end
        for j in range(len(lines) - 1, -1, -1):
            self.nonblank_after[j] = self.nonblank_after[j + 1] + (1 if lines[j].strip() else 0)

    def disclaimer(self, i: int) -> bool:
        if i not in self.disclaimers:
            self.disclaimers[i] = _is_disclaimer(self.lines, i)
        return self.disclaimers[i]

    def signature_line(self, i: int) -> bool:
        if i not in self.signature_lines:
            self.signature_lines[i] = _is_signature_line(self.lines[i])
        return self.signature_lines[i]

    def block(self, start: int) -> bool:
        """All of lines[start:] look like a signature (possibly ending with a disclaimer)."""
        count = 0
        for i in range(start, len(self.lines)):
            if not self.lines[i].strip():
                continue
            if self.disclaimer(i):
                return True
            count += 1
            if count > MAX_SIGNATURE_LINES or not self.signature_line(i):
                return False
        return True

    def start(self) -> int:
        """Index where the signature starts (len(lines) if there is none)."""
        own_text = False
        for i, line in enumerate(self.lines):
            after = self.nonblank_after[i + 1]
            if line == "-- ":
                return i
            if not line.strip():
                continue
            if line.strip() == "--" and after <= MAX_TAIL and self.block(i + 1):
                return i  # "-- " whose space was lost (HTML read as text)
            if after <= MAX_TAIL and (_is_mobile(line) or (own_text and _is_sign_off(line))):
                if self.block(i + 1):
                    return i
            own_text = True
        return self.trailing_disclaimers()

    def trailing_disclaimers(self) -> int:
        """Index of the first of the disclaimer paragraphs ending the text (len if none)."""
        lines = self.lines
        cut = end = len(lines)
        while True:
            while end and not lines[end - 1].strip():
                end -= 1
            start = end
            while start and lines[start - 1].strip():
                start -= 1
            if start == 0 or not self.disclaimer(start):
                return cut  # a disclaimer is never all the text
            cut = end = start


# --------------------------------------------------------------------------- clean_body

_MANY_BLANKS = re.compile(r"\n{3,}")
_BLANK_RUNS = re.compile(r"\n(?:[ \t]*\n){3,}")  # shortened before the line-by-line work


def _join(lines: list[str]) -> str:
    return _MANY_BLANKS.sub("\n\n", "\n".join(lines)).strip()


def clean_body(text: str) -> tuple[str, list[Notice]]:
    """The member's own text of an e-mail body, and notices for oddities (see module doc)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return "", []
    quotes = _drop_quotes(_BLANK_RUNS.sub("\n\n\n", text).split("\n"))
    kept = quotes.kept
    cut = _Signature(kept).start()
    own = _join(kept[:cut])
    if not own:
        if quotes.removed:
            return text.strip(), [Notice(ALL_QUOTED)]
        own, cut = _join(kept), len(kept)  # only a signature: it is all the member wrote
    notices: list[Notice] = []
    answers = sum(1 for index in quotes.after_quote if index < cut)  # each a non-blank line
    if answers >= 2 or (answers and quotes.text_before_quote):
        notices.append(Notice(INLINE_REPLY))
    points_below = quotes.removed and _POINTER.search(_fold(own))
    if len(own) <= SHORT_NOTE and (quotes.forward or points_below):
        notices.append(Notice(CHECK_REMOVED))
    return own, notices
