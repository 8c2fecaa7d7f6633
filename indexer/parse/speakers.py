"""Who said it: each sentence of a paragraph attributed to a speaker and a side, where the
readout says so.

The Ministry writes who speaks in a few fixed ways, and only those are read:

- 〇〇から（は）…述べた / 〇〇より…説明した: the speaker is 〇〇;
- 〇〇は、…述べた (a speech verb in the sentence): the same;
- 双方は／両首脳は／両外相は…一致した: both sides;
- これに対し、〇〇から… names the speaker; これに対し alone is the other side of the
  sentence before it in the paragraph (先方 or 当方);
- a sentence with no speaker of its own that goes on with また／さらに／その上で… or
  ends in a speech verb (…旨述べた) keeps the speaker of the sentence before it, within
  the paragraph.

Anything else is not attributed: no speaker is guessed where the text does not say.

The side comes from the speaker as written: 当方, 日本側, 総理, 大臣 and the Japanese
titles (総理大臣, 外務大臣, 官房長官, 副大臣, 政務官…) are 日本側; 先方, 〇〇側 and the
titles the Ministry gives the other side (大統領, 首相, 外相, 国家主席, 国務長官,
部長…) are 相手側; a name in katakana is 相手側 whatever its title. A speaker whose side
the text does not settle (温家宝総理: a Chinese premier with a Japanese title) keeps
its name and no side.

May touch: text only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

JAPAN, OTHER, BOTH = "日本側", "相手側", "双方"
SIDES = (JAPAN, OTHER, BOTH)
# One-letter codes of the sides in the index ("said" terms are j:…, o:…, b:…).
SIDE_CODES = {JAPAN: "j", OTHER: "o", BOTH: "b"}

_C = "[、,，]"  # a comma as the Ministry writes it, full or half width
# Titles the Ministry gives the other side's people.
_OTHER_TITLES = (
    "大統領|副大統領|国家主席|主席|首相|副首相|外相|外務長官|国務長官|国防長官|部長|国王|皇太子|首長|議長|"
    "事務総長|事務局長|補佐官|委員長|長官|首席|書記長|総督|代表|特使|外交部長"
)
# Titles of Japan's side.
_JAPAN_TITLES = (
    "内閣総理大臣|総理大臣|総理|外務大臣|防衛大臣|官房長官|大臣|副大臣|大臣政務官|政務官|"
    "外務審議官|審議官|事務次官|次官|局長|大使|総領事|参事官|課長"
)
_SIDE_WORDS_JAPAN = ("当方", "我が方", "我が国", "日本側", "日本")
_SIDE_WORDS_OTHER = ("先方", "相手側", "先方側", "参加国", "各国")
# Japanese prime ministers are 総理; other premiers the Ministry also calls 総理 (China's).
_FOREIGN_PREMIERS = ("朱鎔基", "温家宝", "李克強", "李強", "李鵬")
_SPEAKER = rf"(?:(?:「[^」]{{1,8}}」|[^\s、,，。「」『』()（）]){{0,24}}?(?:{_JAPAN_TITLES}|{_OTHER_TITLES})|当方|我が方|日本側|先方|相手側|先方側|参加国|各国|[^\s、,，。「」]{{1,10}}側)"
_LEAD_IN = (
    rf"^(?:(?:冒頭|また|さらに|更に|続いて|次に|最後に|その上で|加えて|併せて|あわせて|これに対し(?:て)?|"
    rf"これに対して|これを受けて|これに続き|他方|一方|なお|そして|その中で|この中で|[^、,，。「」]{{1,40}}(?:について(?:は)?|に関し(?:ては|て)?|の後|に先立ち)){_C}?\s*)*"
)
_FROM = re.compile(_LEAD_IN + rf"(?P<who>{_SPEAKER})(?:から|より)(?!の)(?:は|も)?")
# Who attended, not who spoke: 日本側からは…が出席しました.
_ATTENDED = re.compile(r"(?:出席|同席|陪席)(?:した|しました|する|。|$)")
_TOPIC = re.compile(_LEAD_IN + rf"(?P<who>{_SPEAKER})(?:は|も)(?:{_C}|(?=[^、,，。]{{1,30}}{_C}))")
_BOTH = re.compile(
    _LEAD_IN
    + r"(?P<who>双方|両首脳|両外相|両大臣|両首相|両者|両氏|両国首脳|両国|[^\s、,，。]{1,8}両国)(?:は|とも|も)"
)
_REPLY = re.compile(rf"^(?:これに対し(?:て)?|これに対して){_C}")
_GOES_ON = re.compile(rf"^(?:また|さらに|更に|加えて|併せて|あわせて|その上で|続けて|同時に){_C}")
_SPEECH = re.compile(
    "述べ|説明|表明|応じ|発言|言及|強調|紹介|要請|求め|提起|伝え|指摘|歓迎|感謝|謝意|祝意|敬意|弔意|"
    "呼びかけ|提案|回答|答え|主張|期待|賛同|支持|懸念|確認|一致|示し|意見交換|招待|要望|反論|抗議|"
    "申し入れ|語っ|話し|触れ|訴え|働きかけ|協議|議論|共有|合意"
)

# A sentence whose predicate is a speech act: the verb within its last few characters.
_SPEECH_END = re.compile(rf"(?:{_SPEECH.pattern})[^。、,，]{{0,14}}[。.、,，]?\s*$")
# Agreement is both sides': a sentence of it does not carry one side's speaker on.
_MUTUAL_END = re.compile(r"(?:一致|合意)[^。、,，]{0,12}[。.]?\s*$")


@dataclass(frozen=True, slots=True)
class Said:
    """One sentence of a paragraph: its span in the text, and who said it."""

    start: int
    end: int
    speaker: str  # as written: 安倍総理, オバマ大統領, 先方, 双方
    side: str  # 日本側, 相手側, 双方, or "" when the text does not settle it


# A turn within one sentence: after a clause that reports speech (…旨述べ、/…述べたところ、),
# another speaker, both sides or これに対し begins.
_TURN = re.compile(
    rf"[、,，](?=(?:これに対し|これを受けて|(?:両首脳|両外相|両大臣|両首相|双方|両者)(?:は|とも)|"
    rf"{_SPEAKER}(?:から|より)(?!の)))"
)


_SENTENCE_MARKS = re.compile(r"[「『（(【」』）)】。．、,，]")


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of text: each ends after a 。 outside brackets and quotes, or
    before a 、これに対し… that turns to the other side within one sentence."""
    spans = []
    depth = 0
    start = 0
    for mark in _SENTENCE_MARKS.finditer(text):
        char, at = mark.group(), mark.start()
        if char in "「『（(【":
            depth += 1
        elif char in "」』）)】":
            depth = max(depth - 1, 0)
        elif depth == 0 and (char in "。．" or (_TURN.match(text, at) and _SPEECH.search(text, start, at))):
            spans.append((start, at + 1))
            start = at + 1
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def side_of(speaker: str) -> str:
    """日本側, 相手側 or 双方 for a speaker as written; "" where the words do not settle it."""
    if speaker == BOTH or speaker.startswith("両") or speaker.endswith("両国") or "と" in speaker:
        return BOTH  # 双方, 両首脳, 日中両国, 岸田外相とビショップ外相
    if speaker in _SIDE_WORDS_JAPAN:
        return JAPAN
    if speaker in _SIDE_WORDS_OTHER or (speaker.endswith("側") and not speaker.startswith("日本")):
        return OTHER
    other = re.search(rf"(?:{_OTHER_TITLES})$", speaker)
    japan = re.search(rf"(?:{_JAPAN_TITLES})$", speaker)
    name = speaker[: (japan or other).start()] if (japan or other) else speaker
    if re.search(r"[ァ-ヺ]", name):
        return OTHER  # a katakana name: ビショップ大臣, キエム副首相兼外相
    if japan and not (other and other.start() < japan.start()):
        if name.startswith(_FOREIGN_PREMIERS):
            return ""
        return OTHER if "駐日" in name else JAPAN
    if other:
        return "" if other.group() == "長官" and name.endswith("官房") else OTHER
    return ""


def _explicit(sentence: str) -> tuple[str, str] | None:
    """The speaker a sentence names, and its side."""
    both = _BOTH.match(sentence)
    if both:
        return both.group("who"), BOTH
    said = _FROM.match(sentence) if not _ATTENDED.search(sentence) else None
    if said is None and _SPEECH_END.search(sentence):
        said = _TOPIC.match(sentence)
    if said:
        who = said.group("who")
        return who, side_of(who)
    return None


def attribute(text: str) -> list[Said]:
    """Who said each sentence of a paragraph that the readout attributes (others left out)."""
    found: list[Said] = []
    previous: tuple[str, str] | None = None
    for start, end in sentences(text):
        sentence = unicodedata.normalize("NFKC", text[start:end]).strip()
        who = _explicit(sentence)
        if who is None and _REPLY.match(sentence) and previous is not None and previous[1] in (JAPAN, OTHER):
            who = ("先方", OTHER) if previous[1] == JAPAN else ("当方", JAPAN)
        if (
            who is None
            and previous is not None
            and (_GOES_ON.match(sentence) or _ends_in_speech(sentence))
            and (previous[1] == BOTH or not _MUTUAL_END.search(sentence))
        ):
            who = previous
        if who is not None:
            found.append(Said(start, end, who[0], who[1]))
        previous = who
    return found


def _ends_in_speech(sentence: str) -> bool:
    """…旨述べた, …と説明した: the sentence reports speech without naming the speaker."""
    return bool(
        re.search(r"(?:旨|と)(?:を)?(?:述べ|説明|表明|応じ|発言|強調|要請|伝え|指摘)[^。]{0,8}。?$", sentence)
    )
