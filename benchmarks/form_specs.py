"""The forms an agency files, by business stage of the file plan (catalog/data).

Each spec names the form's heading, its stage, whether it carries a member and/or a
unit, the other fields (label, kind of value), the table (``$kind`` cells are filled
in) and the label of the date the form was filled in. Kinds are read by
``benchmarks.forms._value``.
"""

from __future__ import annotations

from dataclasses import dataclass

INSURANCES = ["基本养老保险", "基本医疗保险", "失业保险", "工伤保险", "生育保险"]


@dataclass(frozen=True)
class FormSpec:
    title: str
    stage: str
    person: bool
    unit: bool
    fields: tuple = ()
    table: tuple = ()
    date_label: str = "填表日期"
    signer: str = "申请人（签字）"


def _rows(header, kinds, labels=INSURANCES):
    return (tuple(header),) + tuple((label, *kinds) for label in labels)


_CONTRIB = _rows(["险种", "缴费基数", "单位费率", "单位缴费", "个人缴费"],
                 ["$money:2000-30000", "$percent", "$money:100-5000", "$money:10-1000"])
_PAYMENTS = _rows(["项目", "标准", "月数", "金额（元）"],
                  ["$money:100-3000", "$count:1-24", "$money:500-50000"],
                  ["基础养老金", "个人账户养老金", "过渡性养老金", "调节金"])
_MEDICAL = _rows(["费用项目", "发生金额", "自付金额", "报销金额"],
                 ["$money:100-20000", "$money:10-5000", "$money:50-15000"],
                 ["床位费", "检查费", "治疗费", "药品费", "手术费"])
_WORK_HISTORY = _rows(["起止时间", "工作单位", "缴费月数"],
                      ["$choice:福州某厂|厦门某公司|本单位", "$count:12-240"],
                      ["2001.03-2008.06", "2008.07-2015.12", "2016.01-至今"])
_STAFF = _rows(["序号", "姓名", "变动类型", "缴费基数"],
               ["$choice:张伟|李娜|王芳|刘洋", "$choice:增员|减员|基数调整", "$money:2000-20000"],
               ["1", "2", "3", "4"])
_SUBSIDY = _rows(["项目", "人数", "金额（元）"], ["$count:5-300", "$money:1000-500000"],
                 ["稳岗返还", "技能提升补贴", "社会保险补贴"])

FORMS: tuple[FormSpec, ...] = (
    FormSpec("社会保险参保单位登记表", "GL01", False, True,
             (("单位类型", "choice:企业|事业单位|民办非企业单位"), ("开户银行", "choice:中国工商银行|中国建设银行|中国农业银行"),
              ("参保险种", "choice:养老 医疗 失业 工伤 生育|养老 失业 工伤")), _STAFF, "申报日期", "经办人（签字）"),
    FormSpec("参保单位信息变更登记表", "GL01", False, True,
             (("变更项目", "choice:单位名称|单位地址|法定代表人|开户银行"), ("变更原因", "choice:迁址|更名|换届")),
             (), "申请日期", "经办人（签字）"),
    FormSpec("社会保险注销登记申请表", "GL01", False, True,
             (("注销原因", "choice:依法终止|被吊销营业执照|迁出统筹地区"),), (), "申请日期", "经办人（签字）"),
    FormSpec("职工参加社会保险登记表", "GL02", True, True,
             (("参加工作时间", "date_before:4000"), ("用工形式", "choice:合同制|劳务派遣|临时工")), _CONTRIB),
    FormSpec("城乡居民基本养老保险参保登记表", "GL02", True, False,
             (("缴费档次", "choice:200元|500元|1000元|2000元"), ("户籍性质", "choice:农业|非农业")), ()),
    FormSpec("基本养老保险关系转移接续申请表", "GL02", True, True,
             (("转出地", "choice:福建省福州市|广东省深圳市|浙江省杭州市"), ("转入地", "choice:上海市|江苏省南京市|北京市")),
             _WORK_HISTORY, "申请日期"),
    FormSpec("参保人员基本信息变更表", "GL02", True, False,
             (("变更项目", "choice:姓名|联系电话|户籍地址|身份证件"), ("变更前", "choice:原登记信息"),), ()),
    FormSpec("养老保险个人账户对账单", "GL03", True, True,
             (("账户年度", "choice:2015|2018|2020|2022"), ("本年记账金额", "money:1000-20000"),
              ("累计储存额", "money:10000-300000")), (), "打印日期", "参保人（签字）"),
    FormSpec("个人账户修改审批表", "GL03", True, False,
             (("修改原因", "choice:缴费基数有误|重复记账|漏记"), ("修改金额", "money:100-8000")), (), "申请日期"),
    FormSpec("社会保障卡申领登记表", "GL05", True, False,
             (("申领类型", "choice:首次申领|补领|换领"), ("领卡网点", "choice:工商银行营业部|社保服务大厅")), ()),
    FormSpec("社会保障卡挂失补办申请表", "GL05", True, False,
             (("补办原因", "choice:遗失|损坏|被盗"),), (), "申请日期"),
    FormSpec("领取养老金人员待遇资格认证表", "GL06", True, False,
             (("认证方式", "choice:社区认证|人脸识别|上门认证"), ("认证结果", "choice:通过|待复核")), (), "认证日期",
             "被认证人（签字）"),
    FormSpec("退休人员社会化管理服务信息采集表", "GL07", True, True,
             (("退休时间", "date_before:3000"), ("居住社区", "choice:东街社区|南湖社区|温泉社区")), ()),
    FormSpec("异地安置人员登记备案表", "GL08", True, False,
             (("安置地", "choice:海南省三亚市|广西南宁市|云南省昆明市"), ("安置原因", "choice:随子女|异地长期居住")), (),
             "申请日期"),
    FormSpec("定点医疗机构服务协议书", "GL09", False, True,
             (("协议期限", "choice:一年|二年|三年"), ("医疗机构等级", "choice:一级|二级|三级")), (), "签订日期",
             "法定代表人（签字）"),
    FormSpec("社会保险费缴费申报表", "ZJ01", False, True,
             (("所属期", "choice:2019年1月|2020年6月|2023年3月"), ("申报人数", "count:5-500")), _CONTRIB, "申报日期",
             "经办人（签字）"),
    FormSpec("社会保险缴费基数核定表", "ZJ01", True, True,
             (("上年度月平均工资", "money:2000-30000"), ("核定缴费基数", "money:2000-30000")), _CONTRIB),
    FormSpec("社会保险费补缴申请表", "ZJ01", True, True,
             (("补缴起止年月", "choice:2010.01-2012.12|2015.03-2016.02"), ("补缴金额", "money:1000-50000")), _CONTRIB,
             "申请日期"),
    FormSpec("社会保险费催缴通知书", "ZJ05", False, True,
             (("欠缴期间", "choice:2021年1月至6月|2022年3月至12月"), ("欠缴金额", "money:5000-900000")), (),
             "送达日期", "签收人（签字）"),
    FormSpec("社会保险参保缴费证明", "ZJ06", True, True,
             (("参保起始年月", "choice:2003年7月|2010年1月|2015年9月"), ("累计缴费月数", "count:12-360")), _CONTRIB,
             "开具日期", "经办人（签字）"),
    FormSpec("基本养老保险待遇核定表", "YL01", True, True,
             (("退休时间", "date_before:120"), ("视同缴费年限", "count:0-20"), ("实际缴费年限", "count:15-40"),
              ("月养老金", "money:1500-9000")), _PAYMENTS, "办理日期"),
    FormSpec("养老保险个人账户一次性支付申请表", "YL02", True, False,
             (("支付原因", "choice:参保人员死亡|出国定居|不符合领取条件"), ("个人账户储存额", "money:5000-150000")), (),
             "申请日期"),
    FormSpec("劳动能力鉴定申请表", "YL03", True, True,
             (("鉴定类别", "choice:因病丧失劳动能力|提前退休"), ("伤病情况", "choice:慢性病|肢体伤残")), (), "申请日期"),
    FormSpec("门诊特殊病种登记表", "YB01", True, False,
             (("病种名称", "choice:恶性肿瘤|尿毒症透析|器官移植术后抗排异|糖尿病"), ("定点医院", "choice:市第一医院|省立医院")),
             (), "登记日期"),
    FormSpec("异地就医登记备案表", "YB02", True, False,
             (("就医地", "choice:北京市|上海市|广州市"), ("备案类型", "choice:异地长期居住|临时外出就医|转诊转院")), (),
             "申请日期"),
    FormSpec("住院医疗费用报销审批表", "YB03", True, False,
             (("入院日期", "date_before:90"), ("出院日期", "date_before:30"), ("医疗机构", "choice:市第二医院|省立医院")),
             _MEDICAL, "申请日期"),
    FormSpec("门诊医疗费用报销申请表", "YB04", True, False,
             (("就诊医院", "choice:社区卫生服务中心|市中医院"), ("就诊日期", "date_before:60")), _MEDICAL, "申请日期"),
    FormSpec("失业人员登记备案表", "SB01", True, True,
             (("终止劳动合同日期", "date_before:60"), ("失业原因", "choice:合同期满|单位裁员|单位破产")), (),
             "登记日期"),
    FormSpec("失业保险关系转移申请表", "SB02", True, False,
             (("转出地", "choice:福州市|泉州市|漳州市"), ("转入地", "choice:厦门市|莆田市|南平市"),
              ("累计缴费月数", "count:12-240")), (), "申请日期"),
    FormSpec("失业保险金申领登记表", "SB03", True, True,
             (("离职日期", "date_before:60"), ("缴费年限", "count:1-20"), ("申领月数", "count:3-24"),
              ("月失业保险金", "money:1200-2500")), (), "申领日期"),
    FormSpec("稳岗补贴申请表", "SB04", False, True,
             (("参保人数", "count:10-800"), ("申请金额", "money:5000-500000")), _SUBSIDY, "申请日期",
             "经办人（签字）"),
    FormSpec("工伤事故备案表", "GS01", True, True,
             (("事故时间", "date_before:10"), ("事故地点", "choice:生产车间|施工现场|上下班途中")), (), "报告日期",
             "报告人（签字）"),
    FormSpec("工伤认定申请表", "GS02", True, True,
             (("受伤害时间", "date_before:200"), ("受伤害部位", "choice:左手|右腿|腰部|头部"),
              ("职业病名称", "choice:无|尘肺病")), (), "申请日期"),
    FormSpec("工伤职工登记变更表", "GS03", True, True,
             (("变更事项", "choice:伤残等级|工作单位|供养亲属"), ("原伤残等级", "choice:七级|九级|十级")), (), "申请日期"),
    FormSpec("一次性伤残补助金核定表", "GS04", True, True,
             (("伤残等级", "choice:五级|七级|九级|十级"), ("本人工资", "money:3000-15000"), ("补助月数", "count:7-27")),
             _PAYMENTS, "核定日期"),
    FormSpec("工伤医疗费用报销审核表", "GS05", True, True,
             (("受伤时间", "date_before:120"), ("治疗机构", "choice:工伤协议医院|市骨科医院")), _MEDICAL, "申请日期"),
    FormSpec("工伤预防项目费用核定表", "GS06", False, True,
             (("项目名称", "choice:安全生产培训|职业健康体检|工伤预防宣传"), ("核定金额", "money:10000-300000")), (),
             "申请日期", "经办人（签字）"),
    FormSpec("生育保险妊娠登记表", "SY01", True, True,
             (("末次月经日期", "date_before:200"), ("产检医院", "choice:市妇幼保健院|省妇产医院")), (), "登记日期"),
    FormSpec("生育保险并发症登记表", "SY02", True, True,
             (("并发症名称", "choice:妊娠期高血压|产后出血|前置胎盘"), ("诊断日期", "date_before:60")), (), "登记日期"),
    FormSpec("生育津贴申领核定表", "SY03", True, True,
             (("分娩日期", "date_before:120"), ("产假天数", "choice:98|128|158"), ("生育津贴", "money:5000-60000")),
             (), "申请日期"),
    FormSpec("社会保险稽核通知书", "JH01", False, True,
             (("稽核事项", "choice:缴费基数申报|参保人数|缴费情况"), ("稽核期间", "choice:2019年度|2021年度|2023年度")),
             _STAFF, "通知日期", "签收人（签字）"),
    FormSpec("社会保险监察举报投诉登记表", "JH02", True, True,
             (("举报事项", "choice:未足额缴纳社会保险费|骗取社会保险待遇"),), (), "受理日期", "举报人（签字）"),
)
