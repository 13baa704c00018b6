"""What a comment is: its intent (wording_change, addition, deletion, question, support,
objection, editorial, general) and its ISO type (ge general, te technical, ed editorial).

Rules read the comment *folded* (lower case, no accents) in English, French and Spanish;
quoted draft text is masked first by the caller so that a quoted "delete" does not count.
The first rule that fires decides, in this order: question, editorial, objection, support,
deletion, addition, wording change; nothing fires: general.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..models.changes import Proposal

INTENTS = ("wording_change", "addition", "deletion", "question", "support", "objection", "editorial", "general")

_QUESTION = re.compile(r"\?\s*[\"'”»’)]*$|^¿|^(?:could|can|would)\s+(?:you|the\s+secretariat)\b|\bplease\s+clarify\b"
                       r"|\bpourriez-vous\b|\bpodrian\b")
_OBJECTION = re.compile(
    r"\b(?:oppose[sd]?|object\s+to|objection|disagree[sd]?|(?:do|does|can)\s*(?:not|n't)\s+(?:agree|accept|support|endorse)"
    r"|cannot\s+(?:agree|accept|support|endorse)|not\s+acceptable|unacceptable|reject(?:s|ed)?|strongly\s+against"
    r"|(?:are|is)\s+against|not\s+in\s+favou?r|concerned\s+(?:about|with|that|by)|serious\s+concerns?"
    r"|concerns?\s+(?:about|with|regarding|over|on)|(?:serious\s+)?reservations?\s+(?:about|on|regarding)|have\s+(?:a|some|serious)\s+problems?\s+with"
    r"|(?:not|n't)\s+(?:comfortable|happy|convinced)|uncomfortable|unrealistic|unworkable|not\s+workable|cannot\s+(?:accept|support)\s+(?:it|this)"
    r"|pas\s+acceptable|irrealiste|pas\s+realiste|reserves?\s+(?:sur|quant)|no\s+es\s+aceptable|poco\s+realista|irrealista|reservas\s+(?:sobre|respecto)"
    r"|opposons|s'oppose|opposee?s?|desaccord|ne\s+(?:pouvons|peut|peuvent)\s+pas\s+(?:accepter|soutenir|appuyer|approuver)"
    r"|inacceptable|rejetons|rejette|ne\s+(?:soutenons|appuyons|approuvons)\s+pas|n'(?:appuyons|approuvons)\s+pas|preoccup\w+"
    r"|nos\s+oponemos|se\s+opone|oponemos|en\s+desacuerdo|no\s+(?:podemos|puede|pueden)\s+(?:aceptar|apoyar|respaldar)"
    r"|inaceptable|rechazamos|rechaza|no\s+(?:apoyamos|respaldamos)|nos\s+preocupa|preocupacion)\b"
)
_SUPPORT = re.compile(
    r"\b(?:(?:we|i|fully|strongly|firmly|also|therefore|warmly|wholeheartedly|broadly|would)\s+support|supports?\s+(?:the|this|these|that|its|it)\b"
    r"|supported\b|agree[sd]?|endorse[sd]?|welcome[sd]?|in\s+favou?r|appreciate[sd]?|fine\s+with"
    r"|happy\s+with|satisfied\s+with|concur|(?:strongest|best)\s+part|well\s+(?:drafted|written|balanced|done)"
    r"|(?:would|should)\s+not\s+change\s+it|(?:very|most|extremely)\s+(?:useful|helpful|welcome|clear)|good\s+(?:idea|practice|balance)"
    r"|soutenons|soutient|appuyons|appuie|approuvons|approuve|d'accord|favorables?|saluons|salue|accueillons|felicitons|felicite"
    r"|tres\s+utile|bienvenue?s?|excellente?s?"
    r"|apoyamos|apoya|respaldamos|respalda|de\s+acuerdo|acogemos|celebramos|aprobamos|aprueba|muy\s+util|excelente)\b"
)
_DELETION = re.compile(r"\b(?:delet|remov|strike|drop|omit|supprim|suppression|retir|elimin|suprim|supresion)\w*")
_ADDITION = re.compile(
    r"\b(?:add|adding|addition\s+of|insert|inserting|insertion|append)\b"
    r"|\b(?:should|must|could|shall|needs?\s+to|ought\s+to|to)\s+(?:also\s+|further\s+|explicitly\s+|clearly\s+)?(?:be\s+)?"
    r"(?:include[sd]?|mention(?:ed)?|cover(?:ed)?|specif(?:y|ied)|refer\s+to|address(?:ed)?|say\s+(?:something|that|who|how|what|when)"
    r"|state\s+that|provide\s+for|require|reflect(?:ed)?|make\s+(?:clear|reference)|given\s+in\s+writing)"
    r"|\bshould\s+(?:also|further)\b|\bplease\s+(?:include|mention|add|specify)\b|\bmissing\b|\bdoes\s+not\s+(?:mention|say|address|cover|refer|include)"
    r"|\bis\s+silent\b|\bno\s+mention\b|\bnothing\s+(?:on|about)\b|\bshould\s+have\s+(?:an?\s+)?(?:opportunity|right|possibility)"
    r"|\b(?:an?\s+)?(?:additional|fourth|fifth|extra|separate)\s+(?:seats?|members?|paragraphs?|bullets?|sentences?|provisions?|items?|sub-?sections?|sections?|points?)"
    r"|\b(?:ajout\w*|rajout\w*|inser\w*|introdui\w*|mentionner|preciser|prevoir)\b|\bdevrai(?:t|ent)\s+(?:aussi|egalement|en\s+outre)\b"
    r"|\bmanque\b|\bne\s+(?:mentionne|dit|prevoit)\s+(?:pas|rien)\b|\bsupplementaires?\b|\b(?:demandons|souhaitons)\s+(?:un|une|l'ajout)\b"
    r"|\b(?:anad\w*|agreg\w*|incorpor\w*|incluir|mencionar|precisar|prever)\b|\bdeberia\s+(?:tambien|ademas)\b|\bfalta\b"
    r"|\bno\s+(?:menciona|dice|preve)\b|\badicional(?:es)?\b|\bsolicitamos\s+(?:un|una)\b"
)
_WORDING = re.compile(
    r"\b(?:replac|reword|rephras|redraft|amend|clarif|wording|rewrit|simplif|rempla|reformul|modifi|libelle|redaction"
    r"|sustitu|reemplaz|redact|modific|precis)\w*"
    r"|\b(?:unclear|vague|ambiguous|imprecise|confusing|redundant|repetitive|says\s+the\s+same\s+thing|too\s+(?:weak|strong|broad|narrow)"
    r"|peu\s+clair|flou|ambigu|imprecis|redondant|trop\s+(?:faible|vague|large)|poco\s+claro|ambiguo|redundante|demasiado\s+(?:debil|vago|amplio)"
    r"|impreciso|vago)\b"
)
_EDITORIAL = re.compile(
    r"\b(?:typos?|typographical|typing\s+error|spelling|misspel\w*|misprint|spelt|grammar|grammatical\w*|punctuation"
    r"|commas?|full\s+stops?|apostrophes?|hyphen\w*|capitali[sz]\w*|capital\s+letters?|lower[\s-]?case|upper[\s-]?case"
    r"|formatting|font|italics?|in\s+bold|quotation\s+marks|alphabetical(?:\s+order)?|should\s+be\s+numbered|numbered\s+\(?[a-z1]\)?|empty\s+paragraph|numbering|renumber\w*|mis-?numbered|cross[\s-]?references?|footnote\s+numbering"
    r"|please\s+correct|correct\s+(?:to|it\s+to)|corriger|corregir|editorial|consisten(?:t|cy)\s+(?:use|spelling|terminology|with\s+the\s+(?:term|spelling))|inconsistent\s+(?:spelling|use|capitali[sz]ation)"
    r"|abbreviation|acronym"
    r"|coquilles?|faute\s+(?:de\s+frappe|d'orthographe|de\s+grammaire)|fautes|orthograph\w*|grammaire|ponctuation|virgules?"
    r"|majuscules?|minuscules?|mise\s+en\s+forme|numerotation|renvoi|typographique|redactionnel\w*|coquille|accord\s+du"
    r"|errata|erratas|errores?\s+(?:tipografic|ortografic|de\s+tipeo|de\s+escritura)\w*|ortografi\w*|gramatica\w*|puntuacion"
    r"|comas?|mayusculas?|minusculas?|problemas?\s+de\s+formato|formato\s+del?\s+(?:texto|documento|lista)|numeracion|remision|tipografic\w*|editorial(?:es)?|errata)\b"
)
_EDITORIAL_MAX_CHANGE = 2  # characters: a change this small within a word is a correction ("recieve")


def fold(text: str) -> str:
    """Lower case without accents, one character for one."""
    return "".join(map(_fold_char, text))


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    d = unicodedata.normalize("NFD", c)
    low = (d[0] if d else c).lower()
    return low if len(low) == 1 else c


_CONTRAST = re.compile(r"\b(?:but|however|although|mais|cependant|toutefois|pero|sin\s+embargo|no\s+obstante)\b")
_RULES = (("editorial", _EDITORIAL), ("objection", _OBJECTION), ("support", _SUPPORT),
          ("deletion", _DELETION), ("addition", _ADDITION), ("wording_change", _WORDING))
# a comment of several sentences: the strongest intent any sentence shows
PRECEDENCE = ("objection", "editorial", "deletion", "addition", "wording_change", "question", "support", "general")


def intent_of(text: str, folded: str | None = None) -> str:
    """The intent of a sentence or comment without a proposal. `folded` is its folded text
    with quoted passages masked (see module doc); it is computed from `text` when omitted.
    After "but" / « mais » / "pero" the rest of the sentence is read first: "We support the
    rotation, but civil society needs a fourth seat" is an addition."""
    folded = fold(text) if folded is None else folded
    if _QUESTION.search(text.strip()) or _QUESTION.search(folded):
        return "question"
    m = _CONTRAST.search(folded)
    if m:
        after = _first_rule(folded[m.end():])
        if after != "general":
            return after
    return _first_rule(folded)


def _first_rule(folded: str) -> str:
    for intent, rx in _RULES:
        if rx.search(folded):
            return intent
    return "general"


def strongest(intents) -> str:
    """The intent that sums up several sentences' intents (see PRECEDENCE)."""
    found = set(intents)
    return next((i for i in PRECEDENCE if i in found), "general")


def is_editorial_change(old: str, new: str) -> bool:
    """A correction rather than new wording: case, spacing or punctuation only, or a change of
    at most a few characters within one word ("recieve" -> "receive")."""
    a, b = old.strip(), new.strip()
    if a == b:
        return True
    if a.casefold() == b.casefold() or _letters(a) == _letters(b):
        return True
    if not any(ch.isalnum() for ch in a + b):
        return True
    if a and b and len(a.split()) == len(b.split()) <= 2:
        from rapidfuzz.distance import Levenshtein

        return Levenshtein.distance(a.casefold(), b.casefold()) <= _EDITORIAL_MAX_CHANGE and len(a) > 3
    return False


def _letters(s: str) -> str:
    return "".join(ch for ch in s.casefold() if ch.isalnum())


def change_intent(kind: str, old: str, new: str, said: str = "general") -> str:
    """The intent of a proposed change: what it does, unless it is a correction (editorial).
    `said` is the intent the words around it express ("Typo: replace ..." is editorial)."""
    if said == "editorial" or (kind == "replace" and is_editorial_change(old, new)):
        return "editorial"
    if kind == "insert" and not any(ch.isalnum() for ch in new):
        return "editorial"
    return {"replace": "wording_change", "delete": "deletion", "insert": "addition"}.get(kind, "general")


def iso_type(intent: str, located: bool) -> str:
    """ISO comment type: "ed" for editorial, "ge" for a remark on the whole text (general,
    or support/question/general remark placed nowhere), else "te" (technical)."""
    if intent == "editorial":
        return "ed"
    if not located and intent in ("general", "support", "question", "objection"):
        return "ge"
    return "te"


_QUOTED = re.compile(r'"[^"\n]+"|[“”][^“”\n]+[”“]|«[^«»\n]+»|‘[^‘’\n]+’')


def classify_proposal(p: Proposal) -> Proposal:
    """The proposal with its intent filled in (an e-mail item's own intent is kept)."""
    if p.intent:
        return p
    said = intent_of(p.comment, fold(_QUOTED.sub(" ", p.comment))) if p.comment.strip() else "general"
    if p.new is None:
        return p.with_(intent=said)
    kind = "insert" if not p.old else ("delete" if not p.new else "replace")
    return p.with_(intent=change_intent(kind, p.old, p.new, said))


_WHOLE_TEXT = re.compile(
    r"\b(?:throughout(?:\s+the\s+(?:text|document|draft))?|passim|general\s+(?:comment|remark|observation)s?"
    r"|(?:the\s+)?(?:whole|entire)\s+(?:text|document|draft)|as\s+a\s+whole|across\s+the\s+(?:text|document|draft)"
    r"|(?:dans|sur)\s+(?:tout|l'ensemble\s+du)\s+(?:le\s+)?(?:texte|document|projet)|commentaires?\s+generale?s?|observations?\s+generales?"
    r"|remarques?\s+generales?|de\s+maniere\s+generale|dans\s+l'ensemble"
    r"|en\s+todo\s+el\s+(?:texto|documento|borrador)|a\s+lo\s+largo\s+del\s+(?:texto|documento)|comentarios?\s+generale?s?"
    r"|observacion(?:es)?\s+generales?|en\s+su\s+conjunto)\b"
)


def about_whole_text(folded: str) -> bool:
    """The comment says it is about the whole text ("General comment:", "throughout")."""
    return bool(_WHOLE_TEXT.search(folded))
