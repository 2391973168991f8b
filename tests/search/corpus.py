"""A small Chinese archive and the relevance set searched against it.

Texts read like the OCR of real social-insurance papers (no spaces between
Chinese characters). Each query lists the records a clerk expects in the first
ten results, and records that must not come back (wrong matches).
"""

from __future__ import annotations

import datetime as dt

from catalog import services
from catalog.models import Page, RecordStatus, Sensitivity
from tests.catalog import factories


def _id_number(born: str, want_x: bool = False) -> str:
    for seq in range(100, 999):
        number = factories.citizen_id("110105", born, str(seq))
        if number.endswith("X") == want_x:
            return number
    raise AssertionError("no ID number found")


IDS = {
    "王小明": _id_number("19800312"),
    "王芳": _id_number("19850101"),
    "李娜": _id_number("19550620"),
    "张伟": _id_number("19620908", want_x=True),
    "刘洋": _id_number("19900215"),
    "陈静": _id_number("19880730"),
    "黄磊": _id_number("19700101"),
    "欧阳娜娜": _id_number("19920505"),
    "王建国": _id_number("19600811"),
    "孙丽": _id_number("19870404"),
}
CREDIT = {"某市第一建筑工程有限公司": factories.credit_code("91350100", "M0001000"),
          "某某机械有限公司": factories.credit_code("91350100", "M0002000")}

# key: (stage, formed_on, title, members, units, sensitivity, pages)
RECORDS = {
    "R1": ("GS02", "2018-04-02", "工伤认定决定书", ["王小明"], [], "normal",
           [f"工伤认定决定书\n王小明，男，公民身份号码{IDS['王小明']}，于2018年3月5日在工作中受伤，"
            "经调查核实，认定为工伤。", "送达回证\n受送达人王小明签收"]),
    "R2": ("GS01", "2017-09-12", "工伤备案表", ["张伟"], ["某某机械有限公司"], "normal",
           ["工伤备案\n用人单位某某机械有限公司职工张伟，事故经过：搬运货物时摔伤。认定结论待定。"]),
    "R3": ("YL01", "2015-06-18", "基本养老保险待遇核定表", ["李娜"], [], "normal",
           ["基本养老保险待遇核定表\n姓名李娜，退休时间2015年6月，缴费年限32年，月养老金3215.60元。"]),
    "R4": ("YL02", "2016-03-01", "养老保险个人账户一次性支付审批表", ["陈静"], [], "normal",
           ["养老保险个人账户一次性支付审批表\n陈静因出国定居申请一次性支付。"]),
    "R5": ("GL02", "2012-02-20", "参保人员增加登记表", ["王芳"], [], "normal",
           ["参保人员增加登记表\n王芳，女，参加养老、医疗、失业、工伤、生育保险。"]),
    "R6": ("GL01", "2013-05-02", "社会保险登记表", [], ["某市第一建筑工程有限公司"], "normal",
           ["社会保险登记表\n单位名称某市第一建筑工程有限公司，法定代表人赵刚。"]),
    "R7": ("ZJ01", "2014-01-15", "社会保险缴费基数核定表", [], ["某市第一建筑工程有限公司"],
           "normal", ["社会保险缴费基数核定表\n2014年度职工人数125人。"]),
    "R8": ("ZJ05", "2019-07-08", "社会保险费限期补缴通知书", [], ["某某机械有限公司"], "normal",
           ["社会保险费限期补缴通知书\n你单位欠缴2019年1月至6月社会保险费，请于十五日内补缴。"]),
    "R9": ("ZJ06", "2020-12-30", "参保缴费证明", ["刘洋"], [], "normal",
           ["参保缴费证明\n刘洋自2010年1月至2020年12月连续缴纳城镇职工基本养老保险。"]),
    "R10": ("YB03", "2019-11-11", "医疗保险住院待遇核定表", ["黄磊"], [], "restricted",
            ["医疗保险住院待遇核定\n黄磊，诊断：慢性肾病，住院天数21天。"]),
    "R11": ("SB03", "2011-08-08", "失业保险金申领登记表", ["欧阳娜娜"], [], "normal",
            ["失业保险金申领登记表\n欧阳娜娜，失业前单位某某贸易公司。"]),
    "R12": ("SY03", "2021-04-20", "生育津贴核定表", ["陈静"], [], "restricted",
            ["生育津贴核定\n陈静，生育日期2021年4月。"]),
    "R13": ("GS04", "2018-10-09", "工伤保险伤残待遇核定表", ["王小明"], [], "normal",
            ["工伤保险伤残待遇核定表\n王小明，伤残等级九级，一次性伤残补助金。"]),
    "R14": ("GL06", "2022-03-03", "待遇领取资格认证记录", ["张伟"], [], "normal",
            ["待遇领取资格认证\n张伟，认证方式：人脸识别。"]),
    "R15": ("YL03", "2010-05-06", "劳动能力鉴定结论书", ["王建国"], [], "normal",
            ["劳动能力鉴定结论书\n王建国，鉴定结论：完全丧失劳动能力。"]),
    "R16": ("ZJ03", "2018-06-30", "社会保险费申报明细表", [], [], "normal",
            ["社会保险费申报明细表\n申报月份201806，在职人数48。"]),
    "R17": ("GS02", "2020-08-18", "工伤认定申请受理通知", ["孙丽"], [], "normal",
            ["工伤认定申请受理通知书\n孙丽的工伤认定申请已受理。", "附件：事故调查表"]),
}

# (query text, extra filters, expected records, records that must not come back)
RELEVANCE = [
    ("王", {}, {"R1", "R5", "R13", "R15"}, {"R3", "R16"}),              # surname, one character
    ("李", {}, {"R3"}, {"R1"}),
    ("陈静", {}, {"R4", "R12"}, {"R3"}),                                 # two-character name
    ("欧阳", {}, {"R11"}, set()),                                        # compound surname
    ("养老", {}, {"R3", "R4", "R5", "R9"}, {"R1", "R16"}),               # two-character word
    ("工伤认定", {}, {"R1", "R17"}, {"R2", "R5"}),                       # four-character term
    ("一次性", {}, {"R4", "R13"}, {"R3"}),
    ("人脸识别", {}, {"R14"}, set()),
    ('"限期补缴通知书"', {}, {"R8"}, {"R7"}),                            # quoted phrase
    ("劳动能力 鉴定", {}, {"R15"}, set()),                               # two words, both must match
    (IDS["王小明"], {}, {"R1", "R13"}, {"R5"}),                          # ID number
    (IDS["张伟"].lower(), {}, {"R2", "R14"}, set()),                     # ID number, lower-case x
    (CREDIT["某市第一建筑工程有限公司"], {}, {"R6", "R7"}, {"R8"}),      # credit code
    ("201806", {}, {"R16"}, set()),                                      # digits
    ("某某机械", {}, {"R2", "R8"}, {"R6"}),                              # unit name
    ("保险", {"category": ["YL"]}, {"R3", "R4"}, {"R5", "R9"}),          # word + filter
    ("工伤", {"year_from": 2018, "year_to": 2018}, {"R1", "R13"}, {"R17", "R2"}),
]


def load(in_review: set[str] = frozenset()) -> dict[str, int]:
    """Catalogue the corpus through the services; return key -> record id.

    The records named in ``in_review`` wait for an officer's review instead of
    being in the holdings.
    """
    fonds = factories.fonds()
    members = {name: services.member_create(actor=None, id_number=number, name=name)
               for name, number in IDS.items()}
    units = {name: services.unit_create(actor=None, name=name, credit_code=code)
             for name, code in CREDIT.items()}
    ids = {}
    for key, (stage, formed, title, names, unit_names, sensitivity, pages) in RECORDS.items():
        record = services.record_create(
            actor=None, fonds=fonds, stage=factories.stage(stage),
            formed_on=dt.date.fromisoformat(formed), title=title,
            members=[members[n] for n in names], units=[units[u] for u in unit_names],
            sensitivity=Sensitivity(sensitivity),
            status=RecordStatus.PROCESSING if key in in_review else RecordStatus.READY)
        if key in in_review:
            record = factories.in_review(record)
        for number, text in enumerate(pages, start=1):
            Page.objects.create(record=record, number=number, text=text, text_source="pdf_text",
                                words=_words(text))
        ids[key] = record.pk
    return ids


def _words(text: str) -> list:
    """Word boxes as OCR gives them: one box per character, 20 px apart, one line per line."""
    words = []
    for row, line in enumerate(text.split("\n")):
        for col, char in enumerate(line):
            words.append([char, 10 + 20 * col, 10 + 30 * row, 18, 24, 95])
    return words
