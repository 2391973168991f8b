"""Suggest a record's business stage from its text, and find identifiers in it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from catalog.identifiers import check_citizen_id, check_credit_code
from catalog.models import Stage

_SPLIT = re.compile(r"[、，,；;：:。．.（）()\s/]+")
_GENERIC = {"材料", "相关", "审核", "表单", "登记", "及", "等", "的", "业务", "社会保险", "相关材料"}
_DATE = re.compile(r"(19[5-9]\d|20[0-4]\d)\s*年\s*(1[0-2]|0?[1-9])\s*月\s*(3[01]|[12]\d|0?[1-9])\s*日")
_CITIZEN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_CREDIT = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")


# What agencies call the forms of a stage, beyond the file plan's own words (its names are
# the archive's, an agency's forms are named by the business they serve).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "GL01": ("参保单位登记", "单位参保登记", "单位信息变更", "单位变更登记", "单位注销", "注销登记", "单位登记"),
    "GL02": ("参保人员登记", "职工参保", "参加社会保险登记", "个人参保", "居民基本养老保险参保", "参保登记",
             "人员增减", "增员", "减员", "人员基本信息变更", "关系转移", "转移接续", "关系变动", "关系接续"),
    "GL03": ("个人账户", "账户对账", "对账单", "账户修改", "账户合并", "账户记账"),
    "GL04": ("社会保险登记证", "登记证", "验证换证", "补证"),
    "GL05": ("社会保障卡", "社保卡", "保障卡", "挂失", "补卡", "换卡", "社会保险手册"),
    "GL06": ("资格认证", "资格验证", "领取资格", "待遇资格", "生存认证", "资格核查"),
    "GL07": ("社会化管理", "信息采集", "退休人员管理", "退休人员信息"),
    "GL08": ("异地安置", "安置地", "派驻", "异地居住备案"),
    "GL09": ("服务协议", "协议书", "定点医疗机构", "定点零售药店", "协议银行", "协议管理"),
    "ZJ01": ("缴费申报", "缴费基数", "基数核定", "基数申报", "费率", "补缴", "中断缴费", "恢复缴费", "退费",
             "滞纳金", "征缴核定", "缴费核定", "社会保险费申报"),
    "ZJ03": ("征缴明细", "征缴汇总"),
    "ZJ04": ("征缴年度汇总",),
    "ZJ05": ("催缴", "欠缴", "限期缴纳", "责令缴纳"),
    "ZJ06": ("缴费证明", "参保证明", "参保缴费证明", "缴费记录"),
    "YL01": ("养老保险待遇核定", "养老金核定", "退休待遇", "养老待遇", "基本养老金", "退休审批", "养老金计发"),
    "YL02": ("一次性支付", "个人账户一次性", "个人账户储存额", "终止养老保险关系"),
    "YL03": ("劳动能力鉴定", "丧失劳动能力", "因病提前退休", "病退"),
    "YB01": ("门诊特殊病", "特殊病种", "门诊慢特病", "门特", "慢性病登记"),
    "YB02": ("就医登记", "异地就医", "转诊转院", "就医备案"),
    "YB03": ("住院医疗费用", "住院费用", "住院待遇", "住院报销", "住院"),
    "YB04": ("门诊医疗费用", "门诊费用", "门诊报销", "门诊待遇"),
    "SB01": ("失业备案", "失业登记", "失业人员登记"),
    "SB02": ("失业保险关系转移", "失业保险转移"),
    "SB03": ("失业保险金", "失业保险待遇", "失业金", "申领失业"),
    "SB04": ("促进就业补贴", "稳岗", "技能提升补贴", "就业补贴", "社会保险补贴", "职业培训补贴"),
    "GS01": ("工伤备案", "工伤事故备案", "事故备案", "工伤事故报告"),
    "GS02": ("工伤认定",),
    "GS03": ("工伤人员登记", "工伤职工登记", "工伤登记变更", "工伤职工变更"),
    "GS04": ("伤残补助金", "伤残待遇", "伤残津贴", "工亡", "丧葬补助金", "抚恤金", "伤残等级"),
    "GS05": ("工伤医疗", "工伤医疗费用", "工伤医疗待遇", "工伤康复", "辅助器具"),
    "GS06": ("工伤预防",),
    "SY01": ("妊娠登记", "生育登记", "产前检查", "怀孕"),
    "SY02": ("并发症",),
    "SY03": ("生育保险待遇", "生育津贴", "生育医疗费", "产假"),
    "TJ01": ("年度统计报表", "年报"),
    "TJ02": ("分析报告", "统计分析"),
    "TJ03": ("月报", "季报", "月度统计", "季度统计"),
    "TJ04": ("预决算", "基金预算", "基金决算"),
    "JH01": ("稽核",),
    "JH02": ("监察", "举报", "投诉"),
    "JH03": ("内部控制", "内控"),
    "JH04": ("大案要案", "特殊案件"),
}
# Words every form has: they say nothing about its stage.
_BOILERPLATE = re.compile(r"参保人员基本信息|参保单位信息|单位基本信息|申请事项|经办机构|社会保险事业管理中心|"
                          r"本人承诺.*|注[:：].*|本表一式.*")
HEADING_WEIGHT = 4.0


@dataclass(frozen=True)
class Suggestion:
    stage_code: str | None
    confidence: float
    scores: dict[str, float]


@lru_cache(maxsize=1)
def _stage_terms() -> dict[str, list[tuple[str, float]]]:
    """Terms per stage: its name (weighted most), the agencies' names for its forms and the
    phrases of its filing scope."""
    terms: dict[str, list[tuple[str, float]]] = {}
    for stage in Stage.objects.all():
        name = stage.name.removesuffix("材料")
        found = [(name, 3.0)] if len(name) >= 2 else []
        found += [(word, 2.0) for word in SYNONYMS.get(stage.code, ())]
        for phrase in _SPLIT.split(stage.scope):
            phrase = phrase.strip()
            if len(phrase) >= 3 and phrase not in _GENERIC:
                found.append((phrase, 1.0))
        terms[stage.code] = found
    return terms


def _near(term: str, text: str) -> bool:
    """Say whether ``term`` stands in ``text`` with at most one character misread (4+ long)."""
    size = len(term)
    if size < 4 or len(text) < size:
        return False
    # With at most one character wrong, one half of the term stands in the text exactly:
    # a cheap test that rules out almost every stage before the character-by-character scan.
    half = size // 2
    if term[:half] not in text and term[half:] not in text:
        return False
    return any(sum(a != b for a, b in zip(term, text[i:i + size], strict=True)) <= 1
               for i in range(len(text) - size + 1))


def _score(text: str, *, fuzzy: bool = False) -> dict[str, float]:
    """Each stage's terms found in ``text``, by weight and length; overlapping terms of one
    stage count once (the longest). ``fuzzy`` also counts a term with one character misread
    (an OCR slip in a short heading), at a lower weight."""
    scores = {}
    for code, terms in _stage_terms().items():
        hits = sorted(((t, w) for t, w in terms if t and t in text), key=lambda tw: -len(tw[0]))
        if fuzzy and not hits:
            hits = sorted(((t, w * 0.7) for t, w in terms if _near(t, text)),
                          key=lambda tw: -len(tw[0]))
        kept: list[str] = []
        for term, _weight in hits:
            if not any(term in longer for longer in kept):
                kept.append(term)
        score = sum(w * len(t) for t, w in hits if t in kept)
        if score:
            scores[code] = float(score)
    return scores


def suggest_stage(text: str, *, heading: str | None = None) -> Suggestion:
    """Score every stage by its terms in the form's heading (weighted most) and in its text;
    confidence is the winner's share of the two best, lowered when the heading says nothing."""
    body = _BOILERPLATE.sub("", re.sub(r"[ \t]+", "", text))
    scores = _score(body)
    head = _score(re.sub(r"\s+", "", heading), fuzzy=True) if heading else {}
    for code, value in head.items():
        scores[code] = scores.get(code, 0.0) * 0.25 + HEADING_WEIGHT * value
    if not scores:
        return Suggestion(None, 0.0, {})
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best_code, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = best / (best + runner_up) if best else 0.0
    if heading is not None and best_code not in head:
        confidence *= 0.8  # the text alone: forms share much of their wording
    return Suggestion(best_code, round(confidence, 3), dict(ranked[:5]))


def find_date(text: str) -> dt.date | None:
    """Return the latest plausible date written as YYYY年M月D日 in the text."""
    dates = []
    for year, month, day in _DATE.findall(text):
        try:
            dates.append(dt.date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return max(dates) if dates else None


def find_identifiers(text: str) -> tuple[list[str], list[str]]:
    """Return the citizen ID numbers and credit codes in ``text`` whose check digits hold."""
    compact = text.replace(" ", "")
    citizens = sorted({check_citizen_id(m).normalized for m in _CITIZEN.findall(compact)
                       if check_citizen_id(m).valid})
    credits = sorted({m for m in _CREDIT.findall(compact) if check_credit_code(m).valid})
    return citizens, credits
