"""Read a form's data from its pages: heading, members, units, formation date, stage.

Works on the text of either OCR engine: rows are rebuilt from the word boxes when
there are any (a form's cells come out of Tesseract as separate blocks, the row is
what puts a label beside its value), else the page's text lines are used. Tesseract's
spaces between Chinese characters and full-width punctuation are normalised first.

Every finding is a suggestion with a confidence in [0, 1]; ``Extraction.suggestions``
is the shape stored on ``Record.suggestions``.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from catalog.identifiers import check_citizen_id, check_credit_code
from kernel.han import HAN_CLASS

from . import classify
from .ocr import join_cjk

HAN = HAN_CLASS
CELL = "|"  # a wide gap between two words of a row: a cell boundary
# The most common Chinese surnames (about 90 % of the population), compound ones first.
SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯", "尉迟", "公孙", "长孙", "宇文", "轩辕", "端木", "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤", "常", "温", "康", "施", "文", "牛", "樊", "葛", "邢", "安", "齐", "易", "乔", "伍", "庞", "颜", "倪", "庄", "聂", "章", "鲁", "岳", "翟", "殷", "詹", "申", "欧", "耿", "关", "兰", "焦", "俞", "左", "柳", "甘", "祝", "包", "宁", "尚", "符", "舒", "阮", "柯", "纪", "梅", "童", "凌", "毕", "单", "季", "裴", "霍", "涂", "成", "苗", "谷", "盛", "曲", "翁", "冉", "骆", "蓝", "路", "游", "辛", "靳", "管", "柴", "蒙", "鲍", "华", "喻", "祁", "蒲", "房", "滕", "屈", "饶", "解", "牟", "艾", "尤", "阳", "时", "穆", "农", "司", "卓", "古", "吉", "缪", "简", "车", "项", "连", "芦", "麦", "褚", "娄", "窦", "戚", "岑", "景", "党", "宫", "费", "卜", "冷", "晏", "席", "卫", "米", "柏", "宗", "瞿", "桂", "全", "佟", "应", "臧", "闵", "苟", "邬", "边", "卞", "姬", "师", "和", "仇", "栾", "隋", "商", "刁", "沙", "荣", "巫", "寇", "桑", "郎", "甄", "丛", "仲", "虞", "敖", "巩", "明", "佘", "池", "查", "麻", "苑", "迟", "邝", "封", "井", "练", "竺", "鞠", "郁", "惠", "燕", "信", "楼", "扈", "冀", "浦"]
# Labels a form prints: a value runs until the next one.
LABELS = ["姓名", "性别", "民族", "公民身份号码", "身份证号码", "身份证号", "社会保障号码", "证件号码", "出生日期", "联系电话", "户籍地址", "单位名称", "统一社会信用代码", "信用代码", "法定代表人", "单位地址", "单位类型", "参加工作时间", "用工形式", "申请事项", "经办人", "复核人", "审核人", "审核日期", "签字", "盖章", "申请人", "本人承诺"]
_NAME_LABEL = re.compile(r"(?:姓名|参保人姓名|职工姓名|申请人姓名|被认证人姓名|姓 名)[:|]*")
_UNIT_LABEL = re.compile(r"(?:单位名称|用人单位名称|用人单位|参保单位名称|参保单位|单位全称|工作单位)[:|]*")
_SIGNER = re.compile(r"(?:申请人|参保人|本人|报告人|被认证人|举报人)(?:[(（〈《].{1,3}?[)）〉》]|签字|签名)[:,|]*"
                     rf"([{HAN}]{{2,4}})")
_UNIT_SUFFIX = re.compile(r"(?:有限责任公司|股份有限公司|有限公司|公司|集团|厂|中心|医院|卫生院|学校|大学|学院|"
                          r"幼儿园|研究所|事务所|合作社|商行|商店|店|局|委员会|办事处|站|所|院|馆)$")
_DATE = re.compile(r"((?:19[5-9]|20[0-4])\d)[年./-]((?:1[0-2])|0?[1-9])[月./-]((?:3[01])|[12]\d|0?[1-9])日?")
# What the date beside a label says: the form's own date (filled in, applied, handled …).
_FORMED_LABEL = re.compile(r"(填表|填报|申请|申领|申报|办理|经办|登记|报告|签订|开具|核定|认证|受理|通知|送达|打印|"
                           r"制表|立卷)(?:日期|时间)?[:|]*$")
_OTHER_LABEL = re.compile(r"(出生|审核|复核|审批|入院|出院|事故|受伤|受伤害|离职|退休|参加工作|分娩|诊断|就诊|终止|"
                          r"末次|发生|生效|有效)")
# A lone 1 between 年/月/日 is often read as a stroke (":", "I", "l", "|").
_ONE_IN_DATE = re.compile(r"(?<=[年月])[:;Il|!](?=[月日])")
_TITLE_SUFFIX = re.compile(r"(表|书|单|证明|清册|报告|通知|笔录|协议|凭证|目录|台账|明细|汇总)$")
_NOT_TITLE = re.compile(r"(表号|编号|经办机构|金额单位|单位[:：]|填表说明|第\d+页)")
# A section's heading inside the form, not the form's.
_SECTION = re.compile(r"参保人员基本信息|参保单位信息|单位基本信息|申请事项|审核意见|经办机构意见")
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1",
                             "i": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6",
                             "x": "X", "×": "X"})
_ID_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9OoDQIlSsZzBG]{17}[0-9OoDQIlSsZzBGXx×](?![0-9A-Za-z])")
_CREDIT_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")
_CREDIT_FIX = str.maketrans({"O": "0", "I": "1", "S": "5", "Z": "2", "V": "U"})


@dataclass
class Row:
    """One row of a page: its text (cells joined by ``|``), height, mean confidence, top,
    and its words with their confidences."""

    text: str
    height: float = 0.0
    confidence: float = 90.0
    top: float = 0.0
    page: int = 1
    words: list[tuple[str, float]] = field(default_factory=list)

    def sureness(self, value: str) -> float:
        """Return a factor in [0.5, 1] from the least sure word of ``value``: one misread
        character is enough to make a name wrong."""
        chars = set(value)
        confs = [c for t, c in self.words if t and set(t) <= chars]
        return min(1.0, max(0.5, (min(confs) if confs else self.confidence) / 90))


@dataclass
class Extraction:
    title: tuple[str, float] | None = None
    formed_on: tuple[dt.date, float] | None = None
    stage: tuple[str, float] | None = None
    members: list[dict] = field(default_factory=list)  # id_number, name, confidence
    units: list[dict] = field(default_factory=list)  # credit_code, name, confidence

    @property
    def suggestions(self) -> dict:
        """Return the findings in the shape ``Record.suggestions`` keeps."""
        out: dict = {}
        if self.title:
            out["title"] = {"value": self.title[0], "confidence": self.title[1]}
        if self.formed_on:
            out["formed_on"] = {"value": self.formed_on[0].isoformat(), "confidence": self.formed_on[1]}
        if self.stage:
            out["stage"] = {"value": self.stage[0], "confidence": self.stage[1]}
        out["members"] = self.members
        out["units"] = self.units
        return out


# --- rows ----------------------------------------------------------------------------------

def normalise(text: str) -> str:
    """Full-width to ASCII, no spaces between Chinese characters, one space elsewhere."""
    text = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    text = re.sub(rf"(?<=[{HAN}])\s+(?=[\d:|(（])|(?<=[\d:|)）])\s+(?=[{HAN}])", "", text)
    return re.sub(r"[ \t]+", " ", join_cjk(text)).strip()


def rows_from_words(words: Sequence[Sequence], page: int = 1) -> list[Row]:
    """Group word boxes ``[text, left, top, width, height, conf]`` into rows, top to bottom."""
    boxes = [w for w in words if str(w[0]).strip() and w[4] > 0]
    if not boxes:
        return []
    typical = statistics.median(w[4] for w in boxes)
    rows: list[list] = []
    for word in sorted(boxes, key=lambda w: w[2] + w[4] / 2):
        middle = word[2] + word[4] / 2
        if rows and abs(middle - rows[-1][0]) < typical * 0.8:
            rows[-1][1].append(word)
            members = rows[-1][1]
            rows[-1][0] = sum(w[2] + w[4] / 2 for w in members) / len(members)
        else:
            rows.append([middle, [word]])
    out = []
    for _, members in rows:
        members.sort(key=lambda w: w[1])
        parts, right = [], None
        for w in members:
            if right is not None:
                parts.append(f" {CELL} " if w[1] - right > typical * 1.6 else " ")
            parts.append(str(w[0]))
            right = w[1] + w[3]
        text = normalise("".join(parts))
        out.append(Row(text=text, height=statistics.median(w[4] for w in members) / typical,
                       confidence=statistics.mean(float(w[5]) for w in members),
                       top=min(w[2] for w in members), page=page,
                       words=[(normalise(str(w[0])).replace(" ", ""), float(w[5])) for w in members]))
    return out


def page_rows(pages: Iterable) -> list[Row]:
    """Rows of every page: rebuilt from word boxes where there are any, and the text lines."""
    rows: list[Row] = []
    for number, (text, words) in enumerate(pages, start=1):
        boxed = rows_from_words(words or [], number)
        # Where there are boxes, a text line says nothing a row does not, and its own
        # confidence is unknown: it counts as the page's least sure.
        unsure = min((r.confidence for r in boxed), default=90.0)
        rows += boxed + [Row(text=normalise(line), page=number, top=-1.0, confidence=unsure)
                         for line in (text or "").splitlines() if line.strip()]
    return rows


def _compact(text: str) -> str:
    """Drop the spaces but keep the cell boundaries."""
    return re.sub(r"\s*\|\s*", CELL, text).replace(" ", "")


# --- identifiers and the names beside them ------------------------------------------------

def _cut_at_label(value: str) -> str:
    cut = len(value)
    for label in LABELS:
        at = value.find(label)
        if 0 < at < cut:
            cut = at
    return value[:cut]


def plausible_name(value: str) -> bool:
    if not 2 <= len(value) <= 4 or not re.fullmatch(rf"[{HAN}]+", value):
        return False
    return any(value.startswith(s) and len(value) - len(s) >= 1 for s in SURNAMES)


def _names_near(rows: list[Row], index: int, pattern: re.Pattern, window: int = 3):
    """Yield (value, rows away) for each label match in the rows around ``index``."""
    for distance in range(window + 1):
        for i in {index - distance, index + distance}:
            if 0 <= i < len(rows) and rows[i].page == rows[index].page:
                compact = _compact(rows[i].text)
                for m in pattern.finditer(compact):
                    tail = compact[m.end():].lstrip(CELL + ":")
                    if tail:
                        yield tail, distance, rows[i]
                        continue
                    # A label alone on its row: its value was read a little above or below.
                    for j in (i - 1, i + 1):
                        if 0 <= j < len(rows) and rows[j].page == rows[i].page:
                            yield _compact(rows[j].text).split(CELL)[0], distance + 1, rows[j]


def _find_citizen_ids(compact: str) -> list[str]:
    found = []
    for run in _ID_RUN.findall(compact.replace(CELL, " ")):
        check = check_citizen_id(run.translate(_OCR_DIGITS))
        if check.valid:
            found.append(check.normalized)
    return found


def _find_credit_codes(compact: str) -> list[str]:
    found = []
    for run in _CREDIT_RUN.findall(compact.replace(CELL, " ")):
        check = check_credit_code(run.upper().translate(_CREDIT_FIX))
        if check.valid:
            found.append(check.normalized)
    return found


def find_members(rows: list[Row], signers: set[str]) -> list[dict]:
    """Each valid ID number with the name in the 姓名 field nearest to it."""
    best: dict[str, dict] = {}
    for index, row in enumerate(rows):
        for number in _find_citizen_ids(row.text.replace(" ", "")):
            name, confidence = "", 0.0
            for tail, distance, near in _names_near(rows, index, _NAME_LABEL):
                value = _cut_at_label(re.match(rf"[{HAN}·]*", tail).group())[:4]
                if not plausible_name(value):
                    value = value[:3] if plausible_name(value[:3]) else value
                if len(value) < 2:
                    continue
                score = 0.55 + (0.25 if plausible_name(value) else 0) + (0.1 if value in signers else 0)
                score = score * near.sureness(value) - 0.08 * max(0, distance - 1)
                if score > confidence:
                    name, confidence = value, score
            if not name and len(signers) == 1:  # no 姓名 field: the applicant's signature
                name, confidence = next(iter(signers)), 0.5
            entry = {"id_number": number, "name": name, "confidence": round(min(confidence, 0.97), 2)}
            if number not in best or entry["confidence"] > best[number]["confidence"]:
                best[number] = entry
    return list(best.values())


def find_units(rows: list[Row]) -> list[dict]:
    """Each valid credit code with the unit name in the 单位名称 field nearest to it."""
    best: dict[str, dict] = {}
    for index, row in enumerate(rows):
        for code in _find_credit_codes(row.text.replace(" ", "")):
            name, confidence = "", 0.0
            for tail, distance, near in _names_near(rows, index, _UNIT_LABEL):
                value = _cut_at_label(re.match(rf"[{HAN}()（）]*", tail).group())
                if len(value) < 4:
                    continue
                score = 0.5 + (0.35 if _UNIT_SUFFIX.search(value) else 0)
                score = score * near.sureness(value) - 0.08 * max(0, distance - 1)
                if score > confidence:
                    name, confidence = value, score
            entry = {"credit_code": code, "name": name, "confidence": round(min(confidence, 0.97), 2)}
            if code not in best or entry["confidence"] > best[code]["confidence"]:
                best[code] = entry
    return list(best.values())


# --- title, date, stage --------------------------------------------------------------------

def find_title(rows: list[Row]) -> tuple[str, float] | None:
    """The form's heading: a tall, all-Chinese row near the top of the first page ending
    like a form's name (…表, …书, …证明)."""
    first = [r for r in rows if r.page == 1]
    boxed = [r for r in first if r.top >= 0]
    candidates = (boxed[:8] if boxed else []) + [r for r in first if r.top < 0][:8]
    best, best_score = None, 0.0
    for row in candidates:
        value = re.sub(rf"[^{HAN}()（）]", "", row.text)
        if (not 4 <= len(value) <= 32 or _NOT_TITLE.search(_compact(row.text))
                or _SECTION.fullmatch(value) or any(label in value for label in LABELS)):
            continue
        han = len(re.findall(rf"[{HAN}]", row.text)) / max(1, len(row.text.replace(" ", "")))
        # Without a form's ending (…表, …书) it may be cut short: never sure enough alone.
        score = 0.3 + (0.3 if _TITLE_SUFFIX.search(value) else 0) + 0.1 * min(1.0, han)
        if row.height >= 1.3:
            score += 0.15
        if classify.suggest_stage("", heading=value).stage_code:
            score += 0.1
        score *= row.sureness(value)
        if score > best_score:
            best, best_score = value, score
    return (best, round(min(best_score, 0.97), 2)) if best else None


def find_formed_on(rows: list[Row]) -> tuple[dt.date, float] | None:
    """The date the form was filled in: beside 填表/申请/办理… rather than birth or review dates."""
    best, best_score = None, 0.0
    for row in rows:
        compact = _ONE_IN_DATE.sub("1", _compact(row.text))
        for m in _DATE.finditer(compact):
            try:
                day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
            before = compact[max(0, m.start() - 12):m.start()]
            label = before.split(CELL)[-1] if CELL in before.rstrip(CELL) else before
            if _FORMED_LABEL.search(label.rstrip(":")):
                score = 0.9
            elif _OTHER_LABEL.search(label):
                score = 0.15
            else:
                score = 0.45
            score *= row.sureness(m.group())
            if score > best_score or (score == best_score and best and day > best):
                best, best_score = day, score
    return (best, round(best_score, 2)) if best else None


def extract(pages: Iterable) -> Extraction:
    """Read everything a record's pages say; ``pages`` is (text, words) per page."""
    rows = page_rows(pages)
    signers = {m.group(1) for r in rows for m in _SIGNER.finditer(_compact(r.text))
               if plausible_name(m.group(1))}
    title = find_title(rows)
    text = "\n".join(r.text for r in rows if r.top < 0) or "\n".join(r.text for r in rows)
    suggestion = classify.suggest_stage(text, heading=title[0] if title else None)
    stage = (suggestion.stage_code, suggestion.confidence) if suggestion.stage_code else None
    return Extraction(title=title, formed_on=find_formed_on(rows), stage=stage,
                      members=find_members(rows, signers), units=find_units(rows))
