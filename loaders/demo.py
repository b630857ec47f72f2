"""Demo ledger FILES, written the way offices really send them.

`write_demo_files(out_dir)` invents one fictional city, 江州市, with 14 县区,
their 乡镇/街道 and 55 city departments, and writes a year of monthly ledgers
(台账) for the "我为群众办实事" campaign. `python -m loaders demo` then loads
every file through the real loader, exactly like a clerk's upload, so the files
stay within what CONTRACT.md promises to read while looking as messy as real
ones: title rows, 填报单位 lines, two-row merged headers, category group rows,
merged 乡镇 cells, 合计/小计 rows, 注 footers, varied status wording and date
forms, amounts in 万元 / 亿元 / with units in the cell, legacy .xls, GB18030
CSV and HTML saved under an .xls name.

Nothing here touches a database. Output is deterministic for a seed (also byte
for byte: zip timestamps and document properties are fixed).

Per month (every unit reports in the first month; later some skip):

* 市直单位 ledger (.xlsx, openpyxl): sheets 填报说明 + 项目台账, ~1,106 tasks.
* 13 county/district/zone ledgers with a 乡镇（街道） column, ~60-115 projects
  each, in several shapes (see REGIONS).
* 北湖区 微实事 ledger (.xlsx, xlsxwriter): 是否完成 instead of 进展情况.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import html
import io
import math
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

__all__ = ["DemoFile", "write_demo_files", "CITY", "CITY_REGION", "CATEGORIES",
           "REGIONS", "DEPARTMENTS", "STATUS_WORDS"]

CITY = "江州市"
CITY_REGION = "市直"

# The campaign's six categories and the city departments' task counts in 2021.
CATEGORIES: tuple[tuple[str, int], ...] = (
    ("解民忧暖民心", 473),
    ("关爱老区关心英烈后代", 41),
    ("党员志愿活动", 239),
    ("政策惠民", 108),
    ("项目建设服务", 209),
    ("历史遗留问题及信访积案化解", 36),
)
_CAT_NAMES = tuple(c for c, _ in CATEGORIES)
_CN_NUM = "一二三四五六七八九十"

# Every status wording used in the files, by the status it means.
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "completed": ("已完成", "已办结", "✔已完成", "已完成（长期坚持）", "已竣工"),
    "in_progress": ("正在推进", "按序时推进", "已启动，正在实施", "推进中", "正在施工", "已开工"),
    "not_started": ("未启动", "尚未开始", "未开工"),
}

# Wording habits of clerks: (completed, in progress, not started) choices.
_HABITS: tuple[dict[str, tuple[str, ...]], ...] = (
    {"completed": ("已完成",), "in_progress": ("正在推进",), "not_started": ("未启动",)},
    {"completed": ("已办结", "已完成"), "in_progress": ("按序时推进", "正在推进"),
     "not_started": ("尚未开始",)},
    {"completed": ("✔已完成",), "in_progress": ("已启动，正在实施",), "not_started": ("未启动",)},
    {"completed": ("已完成",), "in_progress": ("推进中", "正在推进"), "not_started": ("未启动", "尚未开始")},
    {"completed": ("已完成", "已办结"), "in_progress": ("正在推进", "已启动，正在实施"),
     "not_started": ("尚未开始",)},
)
# County project ledgers (项目进度) speak of construction.
_PROJECT_HABITS: tuple[dict[str, tuple[str, ...]], ...] = (
    {"completed": ("已完成",), "in_progress": ("正在施工",), "not_started": ("未开工",)},
    {"completed": ("已竣工", "已完成"), "in_progress": ("已开工", "正在施工"), "not_started": ("未开工",)},
    {"completed": ("已完成",), "in_progress": ("正在推进", "按序时推进"), "not_started": ("未启动",)},
    {"completed": ("已完成",), "in_progress": ("推进中",), "not_started": ("尚未开始",)},
)
_LONG_TERM_WORDS = ("长期坚持", "长期")


@dataclass(frozen=True)
class DemoFile:
    """One written file: where it is, which month it reports, what it holds."""
    path: Path
    report_month: date
    region: str | None
    units: tuple[str, ...]
    tasks: int


@dataclass(frozen=True)
class _Shape:
    """How a region's office builds its monthly file."""
    fmt: str                 # openpyxl | xlsxwriter | xlwt | csv | html | micro
    header2: bool = False    # two-row header with an 投资情况 band
    amount: str = "wan"      # wan | yi (亿元 header) | text (units in the cell)
    subtotal: bool = False   # 小计 row after every 乡镇
    merge_town: bool = True  # 乡镇 cells merged vertically over the township's rows
    dates: str = "excel"     # excel | cn_end | dot | iso | cn_full | mixed
    habit: int = 0           # index into _PROJECT_HABITS
    name: str = "title"      # file name pattern, see _file_name


# name, kind, number of 乡镇 (lo, hi), projects (lo, hi), total planned in 亿元 (lo, hi), shape
REGIONS: tuple[tuple[str, str, tuple[int, int], tuple[int, int], tuple[float, float], _Shape], ...] = (
    ("青山县", "county", (12, 18), (95, 115), (14, 19), _Shape("openpyxl", dates="excel", habit=0)),
    ("云溪县", "county", (10, 16), (90, 110), (12, 18),
     _Shape("openpyxl", header2=True, subtotal=True, dates="cn_end", habit=1)),
    ("石桥县", "county", (12, 20), (95, 115), (15, 20), _Shape("openpyxl", amount="yi", dates="cn_full", habit=0)),
    ("白沙县", "county", (9, 14), (85, 105), (10, 16), _Shape("openpyxl", amount="text", dates="dot", habit=2)),
    ("枫林县", "county", (14, 20), (95, 115), (14, 20), _Shape("xlwt", dates="excel", habit=1, name="dash")),
    ("梅岭县", "county", (10, 15), (90, 110), (12, 17), _Shape("xlwt", header2=True, dates="dot", habit=3, name="dash")),
    ("清河县", "county", (11, 17), (90, 110), (13, 18), _Shape("csv", dates="iso", habit=0, name="csv")),
    ("松溪县", "county", (8, 13), (85, 105), (10, 15), _Shape("html", dates="cn_full", habit=2, name="html")),
    ("江城区", "district", (8, 12), (70, 90), (8, 13), _Shape("xlwt", subtotal=True, dates="cn_end", habit=3, name="dash")),
    ("东湖区", "district", (8, 12), (70, 90), (8, 12),
     _Shape("xlsxwriter", merge_town=False, dates="excel", habit=1, name="plain")),
    ("南浦区", "district", (9, 13), (70, 95), (9, 14), _Shape("openpyxl", dates="mixed", habit=2)),
    ("北湖区", "district", (10, 14), (0, 0), (0, 0), _Shape("micro", dates="excel")),
    ("江州经济技术开发区", "zone", (8, 10), (60, 80), (18, 26), _Shape("openpyxl", header2=True, dates="iso", habit=1)),
    ("江州高新技术产业开发区", "zone", (8, 9), (60, 80), (16, 24),
     _Shape("xlsxwriter", dates="cn_end", habit=0, name="plain")),
)
_OFFICES = {"江州经济技术开发区": "江州经开区党工委办公室", "江州高新技术产业开发区": "江州高新区党工委办公室"}

# The 55 city departments and a few words of what they do.
DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("市教育局", ("课后服务", "校园安全", "学前教育")),
    ("市卫生健康委", ("家庭医生签约", "基层医疗", "疫苗接种")),
    ("市民政局", ("养老服务", "社会救助", "婚姻登记")),
    ("市住房城乡建设局", ("老旧小区改造", "物业管理", "燃气安全")),
    ("市交通运输局", ("城乡公交", "农村公路", "出租车服务")),
    ("市医保局", ("医保报销", "异地就医", "门诊慢特病")),
    ("市人社局", ("就业创业", "社保经办", "根治欠薪")),
    ("市公安局", ("户籍办理", "交通安全", "反诈宣传")),
    ("市财政局", ("惠民补贴", "直达资金")),
    ("市自然资源局", ("不动产登记", "农村宅基地")),
    ("市生态环境局", ("污染防治", "噪声治理")),
    ("市水利局", ("农村饮水", "防汛抗旱", "河湖治理")),
    ("市农业农村局", ("农技服务", "人居环境", "农产品销售")),
    ("市商务局", ("便民市场", "消费促进")),
    ("市文化广电旅游局", ("文化惠民", "公共阅读", "乡村旅游")),
    ("市退役军人事务局", ("优待抚恤", "双拥共建", "烈士褒扬")),
    ("市应急管理局", ("安全生产", "防灾减灾")),
    ("市市场监管局", ("食品安全", "放心消费", "登记注册")),
    ("市城管局", ("市容环境", "停车管理", "垃圾分类")),
    ("市司法局", ("法律援助", "人民调解", "公证服务")),
    ("市信访局", ("信访积案", "领导接访")),
    ("市发展改革委", ("重点项目", "价格监督")),
    ("市工业和信息化局", ("企业服务", "5G覆盖")),
    ("市科技局", ("科技特派员", "科技下乡")),
    ("市体育局", ("全民健身", "体育场馆开放")),
    ("市统计局", ("统计服务", "数据开放")),
    ("市审计局", ("民生资金审计", "惠民政策审计")),
    ("市林业局", ("国土绿化", "森林防火")),
    ("市乡村振兴局", ("防返贫监测", "产业帮扶")),
    ("市行政审批局", ("一件事一次办", "帮办代办")),
    ("市数据管理局", ("掌上办", "数据共享")),
    ("市机关事务管理局", ("机关食堂开放", "公共机构节能")),
    ("市住房公积金中心", ("公积金提取", "租房提取")),
    ("市供销社", ("农资供应", "电商进村")),
    ("市总工会", ("职工服务", "困难职工帮扶", "户外劳动者驿站")),
    ("团市委", ("青少年关爱", "青年就业")),
    ("市妇联", ("妇女儿童关爱", "家庭教育")),
    ("市残联", ("残疾人康复", "无障碍改造")),
    ("市科协", ("科普惠民", "科技志愿")),
    ("市红十字会", ("应急救护培训", "博爱送万家")),
    ("市委组织部", ("党员服务", "人才服务")),
    ("市委宣传部", ("文明实践", "理论宣讲")),
    ("市委统战部", ("同心服务", "民族团结")),
    ("市委政法委", ("平安建设", "网格化管理")),
    ("市委网信办", ("网上群众工作", "网络安全宣传")),
    ("市委老干部局", ("老干部服务", "银发志愿")),
    ("市税务局", ("办税服务", "减税降费")),
    ("市气象局", ("气象为农服务", "预警信息发布")),
    ("国网江州供电公司", ("农网改造", "用电服务")),
    ("市消防救援支队", ("消防安全", "高层建筑消防")),
    ("市中级人民法院", ("执行难", "诉讼服务")),
    ("市人民检察院", ("公益诉讼", "未成年人保护")),
    ("市融媒体中心", ("民生热线", "问政直播")),
    ("市人防办", ("人防工程开放", "防空警报")),
    ("市档案馆", ("档案查询", "民生档案")),
)
assert len(DEPARTMENTS) == 55

# Department-category affinity (more tasks of that category).
_AFFINITY = {
    "关爱老区关心英烈后代": ("市退役军人事务局", "市民政局", "市委组织部", "市委老干部局", "市委宣传部"),
    "政策惠民": ("市人社局", "市医保局", "市民政局", "市财政局", "市农业农村局", "市住房公积金中心",
              "市税务局", "市残联", "市乡村振兴局"),
    "项目建设服务": ("市住房城乡建设局", "市交通运输局", "市水利局", "市发展改革委", "市教育局",
                "市卫生健康委", "国网江州供电公司", "市自然资源局", "市工业和信息化局", "市城管局"),
    "历史遗留问题及信访积案化解": ("市信访局", "市住房城乡建设局", "市自然资源局", "市人社局", "市公安局",
                        "市中级人民法院"),
}
_BIG = ("市教育局", "市卫生健康委", "市民政局", "市住房城乡建设局", "市交通运输局", "市人社局", "市医保局",
        "市公安局", "市农业农村局", "市城管局", "市水利局", "市市场监管局")

# --- word lists ---------------------------------------------------------------
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟汪"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
          "秀英", "霞", "平", "刚", "桂英", "华", "建国", "建华", "文", "斌", "波", "辉", "鹏", "红", "玲", "婷",
          "浩", "宇", "晨", "晓东", "志强", "海燕", "春梅", "国庆", "卫东", "丽华", "德明", "永红", "小平",
          "金凤", "文华", "俊", "欣怡", "志刚", "红梅", "新民", "立新")
_PLACE1 = "青石白龙凤金银柳桃梅松竹云清长安新兴和平永宁福丰黄马高双三太官花杨湖塘溪林岭坪河沙枫茶樟桂荷"
_PLACE2 = "田桥口坪塘溪湾源山岗铺埠冲坊市港洲坝林圩门头集店渡岭湖"
_ISSUES = ("饮水难", "出行难", "就医难", "停车难", "办证难", "入学难", "用电不稳", "排水不畅", "路灯不亮",
           "垃圾清运不及时", "网络信号差", "农产品销售难")
_FACILITIES = ("老旧小区", "农贸市场", "公共厕所", "背街小巷", "便民服务中心", "村卫生室", "文化广场",
               "健身步道", "公交站台", "日间照料中心", "充电桩", "雨污管网")
_CROWDS = ("困难群众", "留守儿童", "空巢老人", "残疾人", "退役军人", "外卖骑手", "环卫工人", "农民工",
           "独居老人", "低保户", "高校毕业生", "新市民")
_SERVICES = ("上门服务", "免费体检", "法律援助", "技能培训", "就业推荐", "心理疏导", "助餐服务", "代办服务",
             "义诊服务", "暖心包发放")
_POLICIES = ("城乡居民医保参保资助", "高龄津贴发放", "稳岗返还", "创业担保贷款贴息", "农机购置补贴",
             "耕地地力保护补贴", "困难残疾人生活补贴", "重度残疾人护理补贴", "住房公积金提取便利化",
             "义务教育营养改善计划", "临时救助", "退役军人优待", "农村危房改造补助", "公租房保障",
             "失业保险金申领")
_CITY_PROJECTS = ("污水处理厂提标改造工程", "农村公路提质改造", "城市停车场建设", "社区养老服务中心建设",
                  "中小学校舍改扩建", "乡镇卫生院改扩建", "安置小区建设", "体育公园建设", "供水管网改造",
                  "农贸市场改造", "城市排涝工程", "公共租赁住房建设", "农田水利设施建设", "乡村旅游公路建设",
                  "垃圾中转站建设", "幼儿园新建工程", "人行天桥建设", "老旧管网改造", "标准化厂房建设",
                  "冷链物流中心建设")
_LEGACIES = ("安置小区办证难问题", "拖欠农民工工资信访案件", "征地补偿遗留问题", "企业改制遗留问题",
             "小区物业纠纷信访积案", "土地权属争议", "烂尾楼盘交房问题", "民办教师待遇遗留问题",
             "库区移民后期扶持问题", "退休人员社会化管理遗留问题")
_ACTIVITIES = ("义诊", "清洁家园", "文明交通劝导", "政策宣讲", "防溺水宣传", "反诈宣传", "助农采摘",
               "爱心助学", "敬老助老", "植树护绿", "垃圾分类宣传", "文明创建")
_HEROES = ("烈士遗属", "老党员", "老红军后代", "老游击队员", "五老人员", "老区困难群众")
_DELAYS = ("用地手续", "资金拨付", "招投标", "雨季施工", "疫情防控", "征迁协调")

_CITY_TEMPLATES: dict[str, tuple[str, ...]] = {
    "解民忧暖民心": (
        "解决{county}{town}群众{issue}问题", "{comm}{facility}改造提升", "开展“{topic}进万家”便民服务（{county}）",
        "为{county}{crowd}提供{service}", "{topic}“一件事一次办”改革", "推进{topic}“就近办”“掌上办”",
        "{vil}{issue}专项整治", "{town}{facility}新建项目", "{topic}“暖心”行动进{town}",
    ),
    "关爱老区关心英烈后代": (
        "走访慰问{county}革命老区{hero}", "{town}革命烈士纪念设施修缮", "为{county}英烈后代开展{service}",
        "{county}革命老区{facility}建设", "开展“传承红色基因·{topic}”主题活动（{town}）",
    ),
    "党员志愿活动": (
        "组织党员志愿者到{comm}开展{activity}", "“{topic}”党员志愿服务队进{vil}", "党员干部结对帮扶{vil}{crowd}",
        "开展{activity}志愿服务活动（{town}）", "党员“{topic}”志愿服务进{comm}",
    ),
    "政策惠民": (
        "落实{policy}政策（{county}）", "{policy}“免申即享”", "开展{policy}政策宣传进{town}",
        "{county}{policy}集中兑付", "{topic}惠民政策“一站式”落实（{town}）",
    ),
    "项目建设服务": (
        "{county}{project}", "{town}{project}", "服务保障{county}{project}", "{topic}项目服务保障（{town}）",
    ),
    "历史遗留问题及信访积案化解": (
        "化解{county}{legacy}", "{town}{legacy}化解", "{comm}{legacy}",
    ),
}
# (project, 建设内容 template) for county ledgers.
# (project, 建设内容 template, categories it is filed under) for county ledgers. In the
# templates {n} is an area (平方米/亩/立方米), {m} a count, {k} a length in 公里, {w} a small count.
_B, _J, _Z, _L, _H = "项目建设服务", "解民忧暖民心", "政策惠民", "关爱老区关心英烈后代", "历史遗留问题及信访积案化解"
_COUNTY_PROJECTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("卫生院改扩建工程", "新建业务用房{n}平方米，购置医疗设备{w}0台（套）", (_B, _J)),
    ("中心小学教学楼新建工程", "新建教学楼{n}平方米，配套建设运动场", (_B, _J)),
    ("污水处理站建设", "建设日处理{m}吨污水处理站，铺设管网{k}公里", (_B,)),
    ("农村公路提质改造", "改造道路{k}公里，路面宽{w}米", (_B, _B, _J, _L)),
    ("集镇道路改造", "改造集镇主街{k}公里，配套雨污分流", (_B,)),
    ("农贸市场改造", "改造市场{n}平方米，新增摊位{m}个", (_J, _B)),
    ("养老服务中心建设", "新建养老服务中心{n}平方米，设床位{m}张", (_J, _B, _L)),
    ("安全饮水巩固提升工程", "新建水厂一座，铺设供水管网{k}公里", (_J, _B, _L)),
    ("高标准农田建设", "建设高标准农田{n}亩", (_B, _Z)),
    ("河道综合治理", "整治河道{k}公里，新建护岸{w}公里", (_B,)),
    ("文化广场建设", "新建文化广场{n}平方米", (_J, _L)),
    ("便民服务中心改造", "改造便民服务中心{n}平方米", (_J,)),
    ("垃圾中转站建设", "新建垃圾中转站一座，日转运能力{m}吨", (_B, _J)),
    ("幼儿园新建工程", "新建幼儿园{n}平方米，设{w}个班", (_J, _B)),
    ("老旧小区改造", "改造老旧小区{w}个，惠及居民{m}户", (_J,)),
    ("停车场建设", "新建停车位{m}个", (_J, _B)),
    ("体育公园建设", "建设体育公园{n}平方米，含健身步道{k}公里", (_B, _J)),
    ("安置小区建设", "建设安置房{m}套", (_B, _H)),
    ("标准化厂房建设", "建设标准化厂房{n}平方米", (_B,)),
    ("乡村旅游公路建设", "新建旅游公路{k}公里", (_B, _L)),
    ("农产品冷链物流中心", "建设冷库{n}立方米", (_B, _Z)),
    ("分布式光伏发电项目", "建设分布式光伏{m}千瓦", (_Z, _B)),
    ("排涝泵站建设", "新建排涝泵站一座，装机{m}千瓦", (_B,)),
    ("农村电网升级改造", "新建改造线路{k}公里，新增变压器{w}台", (_B, _J)),
    ("烈士陵园提升改造", "修缮烈士纪念碑、英名墙，改造园区{n}平方米", (_L,)),
    ("征迁安置遗留问题化解", "为{m}户群众办理安置房不动产权证", (_H,)),
)
_MICRO_TEMPLATES = (
    "{comm}楼道照明改造", "{vil}村组道路修缮", "为{comm}安装健身器材", "{comm}小区垃圾清运",
    "{vil}饮水管网维修", "{comm}增设休闲座椅", "{vil}路灯安装", "为{comm}独居老人安装烟感报警器",
    "{comm}化粪池清掏", "{vil}排水沟疏通", "{comm}电动车充电桩安装", "{vil}文化墙绘制", "{comm}单元门禁维修",
    "{vil}危桥护栏加固", "为{comm}留守儿童开设“四点半课堂”", "{comm}破损路面修补", "{vil}便民桥修复",
    "{comm}晾衣架安装", "{vil}公共厕所改造", "{comm}消防通道清理",
)
_MICRO_LEADERS = ("区委书记", "区长", "区委副书记", "区委常委、组织部部长", "区委常委、宣传部部长", "副区长",
                  "区人大常委会副主任", "区政协副主席")
_MICRO_LOCALS = ("街道党工委书记", "街道办事处主任", "镇党委书记", "镇长", "社区党委书记", "村党支部书记",
                 "党员", "党员", "党员", "党员")
_CITY_POSITIONS = ("局长", "副局长", "主任", "副主任", "科长", "副科长")


# --- the world ------------------------------------------------------------------
@dataclass
class _Task:
    unit: str
    title: str
    category: str | None
    content: str
    person: str
    deadline: date | None   # None: open-ended (长期)
    date_form: str
    planned: float | None   # 万元
    ratio: float            # actual / planned once completed
    bene: int               # people served when completed
    added: int              # month index the task first appears
    start: int | None       # month index it starts (None: never within the year)
    done: int | None        # month index it is completed
    shape: float            # progress curve exponent
    pick: int               # picks the wording among a habit's choices
    town: str = ""          # 乡镇 for county / 微实事 tasks


@dataclass
class _Unit:
    name: str
    diligence: float
    habit: int
    date_form: str
    tasks: list[_Task] = field(default_factory=list)
    communities: tuple[str, ...] = ()
    villages: tuple[str, ...] = ()


@dataclass
class _Region:
    name: str
    kind: str
    shape: _Shape
    diligence: float
    office: str
    towns: list[_Unit]


@dataclass
class _World:
    first_month: date
    departments: list[_Unit]
    regions: list[_Region]


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _comp_curve(i: int) -> float:
    """Share of tasks of an average unit completed by month index i (~10% → ~85%)."""
    return 0.10 + 0.75 * min(i, 11) / 11


def _start_curve(i: int) -> float:
    """Share started by month index i; always above _comp_curve."""
    return 0.30 + 0.65 * min(i, 11) / 11


class _Namer:
    """Invents names; township names are unique in the whole city."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        pairs = [a + b for a in _PLACE1 for b in _PLACE2 if a != b]
        rng.shuffle(pairs)
        self._places = pairs
        self._used: set[str] = set()

    def place(self) -> str:
        while True:
            p = self._places.pop()
            if p not in self._used:
                self._used.add(p)
                return p

    def local(self) -> str:
        """A 2-character place name for villages and communities (may repeat)."""
        return self.rng.choice(_PLACE1) + self.rng.choice(_PLACE2)

    def person(self) -> str:
        return self.rng.choice(_SURNAMES) + self.rng.choice(_GIVEN)


def _diligence(rng: random.Random, n: int, spread: float, star: float, k: int) -> list[float]:
    """Per-unit diligence: a little noise, k consistent stars and k laggards."""
    vals = [max(-0.12, min(0.12, rng.gauss(0, spread))) for _ in range(n)]
    idx = list(range(n))
    rng.shuffle(idx)
    for i in idx[:k]:
        vals[i] = star + rng.uniform(0, 0.05)
    for i in idx[k:2 * k]:
        vals[i] = -star - rng.uniform(0, 0.05)
    return vals


def _trajectory(rng: random.Random, diligence: float) -> tuple[int | None, int | None, float, float]:
    """(start, done, shape, ratio) for a task of a unit with this diligence."""
    u = min(0.9999, max(0.0, rng.random() - diligence))
    done = next((i for i in range(12) if _comp_curve(i) > u), None)
    w = rng.uniform(0.45, 0.95)
    start = next((i for i in range(12) if _start_curve(i) > u * w), None)
    shape = rng.uniform(0.7, 1.4)
    ratio = 1.0 if rng.random() < 0.7 else round(rng.uniform(0.9, 1.05), 3)
    return start, done, shape, ratio


def _deadline(rng: random.Random, first: date, done: int | None, p_long: float) -> date | None:
    if rng.random() < p_long:
        return None
    if done is not None:
        d = done + rng.choice((-1, 0, 0, 1, 1, 1, 2, 3))
    else:
        d = rng.randint(2, 11)
    month = _add_months(first, max(0, min(11, d)))
    if rng.random() < 0.85:
        return _month_end(month)
    return month.replace(day=rng.choice((10, 15, 20)))


def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def _fill(rng: random.Random, template: str, ctx: dict[str, Callable[[], str]]) -> str:
    out = template
    for key, make in ctx.items():
        token = "{" + key + "}"
        while token in out:
            out = out.replace(token, make(), 1)
    return out


def _unique(rng: random.Random, used: set[str], make: Callable[[], str]) -> str:
    for _ in range(40):
        t = make()
        if t not in used:
            used.add(t)
            return t
    base = make()
    for suffix in ("（二期）", "（三期）", "（四期）", "（五期）"):
        if base + suffix not in used:
            used.add(base + suffix)
            return base + suffix
    n = 6
    while f"{base}（第{n}批）" in used:
        n += 1
    used.add(f"{base}（第{n}批）")
    return f"{base}（第{n}批）"


def _build_world(seed: int, first: date) -> _World:
    rng = random.Random(seed)
    namer = _Namer(rng)

    # Regions and their townships first: city tasks mention them.
    regions: list[_Region] = []
    region_dil = _diligence(rng, len(REGIONS), 0.05, 0.08, 2)
    for (name, kind, (tlo, thi), _, _, shape), rdil in zip(REGIONS, region_dil):
        n_towns = rng.randint(tlo, thi)
        town_dil = _diligence(rng, n_towns, 0.07, 0.18, 1)
        towns = []
        for i in range(n_towns):
            if kind == "county":
                suffix = "街道" if i < rng.choice((1, 2, 2, 3)) else ("乡" if rng.random() < 0.25 else "镇")
            elif kind == "district":
                suffix = "镇" if rng.random() < 0.25 else "街道"
            else:
                suffix = "镇" if i >= n_towns - rng.choice((1, 2)) else "街道"
            towns.append(_Unit(
                name=namer.place() + suffix, diligence=rdil + town_dil[i],
                habit=rng.randrange(len(_PROJECT_HABITS)), date_form=shape.dates,
                communities=tuple(sorted({namer.local() + "社区" for _ in range(4)})),
                villages=tuple(sorted({namer.local() + "村" for _ in range(5)})),
            ))
        office = _OFFICES.get(name, f"{name}委办公室")
        regions.append(_Region(name, kind, shape, rdil, office, towns))

    all_towns = [(r.name, t) for r in regions for t in r.towns]

    def place_ctx(topics: tuple[str, ...]) -> dict[str, Callable[[], str]]:
        rname, town = rng.choice(all_towns)
        return {
            "county": lambda: rname, "town": lambda: town.name,
            "comm": lambda: town.name + rng.choice(town.communities),
            "vil": lambda: town.name + rng.choice(town.villages),
            "topic": lambda: rng.choice(topics), "issue": lambda: rng.choice(_ISSUES),
            "facility": lambda: rng.choice(_FACILITIES), "crowd": lambda: rng.choice(_CROWDS),
            "service": lambda: rng.choice(_SERVICES), "policy": lambda: rng.choice(_POLICIES),
            "project": lambda: rng.choice(_CITY_PROJECTS), "legacy": lambda: rng.choice(_LEGACIES),
            "activity": lambda: rng.choice(_ACTIVITIES), "hero": lambda: rng.choice(_HEROES),
        }

    # City departments and their 1,106 tasks.
    dept_dil = _diligence(rng, len(DEPARTMENTS), 0.06, 0.2, 4)
    date_forms = ("excel", "excel", "excel", "cn_end", "dot", "cn_full", "iso")
    departments = [
        _Unit(name=n, diligence=d, habit=rng.randrange(len(_HABITS)), date_form=rng.choice(date_forms))
        for (n, _), d in zip(DEPARTMENTS, dept_dil)
    ]
    topics = dict(DEPARTMENTS)
    base = {"解民忧暖民心": 3, "党员志愿活动": 4}
    counts = {(d.name, c): 0 for d in departments for c in _CAT_NAMES}
    for cat, total in CATEGORIES:
        per = base.get(cat, 0)
        for d in departments:
            counts[(d.name, cat)] += per
        rest = total - per * len(departments)
        weights = [(3.0 if d.name in _AFFINITY.get(cat, ()) else 1.0) * (2.0 if d.name in _BIG else 1.0)
                   for d in departments]
        if cat in _AFFINITY:
            weights = [w if d.name in _AFFINITY[cat] else w * 0.15 for w, d in zip(weights, departments)]
        for d in rng.choices(departments, weights=weights, k=rest):
            counts[(d.name, cat)] += 1

    def city_task(dept: _Unit, cat: str, used: set[str], added: int) -> _Task:
        title = _unique(rng, used, lambda: _fill(rng, rng.choice(_CITY_TEMPLATES[cat]), place_ctx(topics[dept.name])))
        start, done, shape, ratio = _trajectory(rng, dept.diligence)
        p_long = 0.12 if cat in ("党员志愿活动", "政策惠民") else 0.04
        deadline = _deadline(rng, first, done, p_long)
        p_inv, lo, hi = {"项目建设服务": (0.85, 20, 20000), "解民忧暖民心": (0.35, 2, 800),
                         "政策惠民": (0.3, 10, 3000), "关爱老区关心英烈后代": (0.4, 1, 200),
                         "党员志愿活动": (0.05, 0.5, 10), "历史遗留问题及信访积案化解": (0.1, 20, 2000)}[cat]
        planned = round(_log_uniform(rng, lo, hi), rng.choice((0, 1, 2))) if rng.random() < p_inv else None
        if planned is not None and planned < 0.1:
            planned = 0.5
        bene = int(round(_log_uniform(rng, 30, 60000), -1))
        when = "长期坚持，常态化推进" if deadline is None else f"计划{deadline.year}年{deadline.month}月底前完成"
        content = rng.choice((
            f"聚焦群众急难愁盼，{title}，{when}。",
            f"由{dept.name}牵头、属地配合推进“{title}”，预计服务群众{bene}人次。",
            f"{title}，建立工作台账，实行清单化管理、销号式推进，{when}。",
            f"{when}；{rng.choice(_SERVICES)}与{rng.choice(_ACTIVITIES)}同步开展。",
        ))
        person = namer.person()
        if rng.random() < 0.6:
            person += f"（{rng.choice(_CITY_POSITIONS)}）"
        return _Task(unit=dept.name, title=title, category=cat, content=content, person=person,
                     deadline=deadline, date_form=dept.date_form, planned=planned, ratio=ratio, bene=bene,
                     added=added, start=start, done=done, shape=shape, pick=rng.randrange(1000))

    for dept in departments:
        used: set[str] = set()
        for cat in _CAT_NAMES:
            for _ in range(counts[(dept.name, cat)]):
                dept.tasks.append(city_task(dept, cat, used, 0))
    # A few tasks added during the year.
    for _ in range(rng.randint(18, 26)):
        dept = rng.choice(departments)
        cat = rng.choices(_CAT_NAMES, weights=(6, 1, 3, 2, 1, 1))[0]
        used = {t.title for t in dept.tasks}
        dept.tasks.append(city_task(dept, cat, used, rng.randint(2, 7)))

    # County projects and 微实事.
    for region, (_, kind, _, (plo, phi), (ilo, ihi), shape) in zip(regions, REGIONS):
        used = set()
        if shape.fmt == "micro":
            for town in region.towns:
                for _ in range(rng.randint(18, 30)):
                    town.tasks.append(_micro_task(rng, namer, town, used, 0, first))
            for _ in range(rng.randint(8, 14)):
                town = rng.choice(region.towns)
                town.tasks.append(_micro_task(rng, namer, town, used, rng.randint(1, 6), first))
            continue
        n = rng.randint(plo, phi)
        total = rng.uniform(ilo, ihi) * 10000   # 万元
        weights = [rng.uniform(0.5, 2.0) for _ in region.towns]
        owners = list(region.towns) + rng.choices(region.towns, weights=weights, k=max(0, n - len(region.towns)))
        sizes = [_log_uniform(rng, 50, 30000) for _ in owners]
        scale = total / sum(sizes)
        for k, (town, size) in enumerate(zip(owners, sizes)):
            added = 0 if k < n - rng.randint(3, 6) else rng.randint(1, 6)
            planned = size * scale
            planned = round(planned) if shape.amount in ("yi", "text") else round(planned, 1)
            town.tasks.append(_county_task(rng, namer, town, used, added, first, max(planned, 5.0)))
    return _World(first, departments, regions)


def _county_task(rng: random.Random, namer: _Namer, town: _Unit, used: set[str], added: int,
                 first: date, planned: float) -> _Task:
    project, tmpl, cats = rng.choice(_COUNTY_PROJECTS)

    def make() -> str:
        place = town.name if rng.random() < 0.55 else town.name + rng.choice(town.villages)
        if "小区" in project or "停车" in project:
            place = town.name + rng.choice(town.communities)
        return place + project

    title = _unique(rng, used, make)
    # Sizes roughly follow the money.
    content = tmpl.format(n=max(200, int(round(planned * rng.uniform(2, 6), -1))),
                          m=max(10, int(round(planned * rng.uniform(0.05, 0.4), -1))),
                          k=round(max(0.3, min(60.0, planned / rng.uniform(80, 400))), 1),
                          w=max(2, min(30, round(planned / rng.uniform(100, 600)))))
    start, done, shape, ratio = _trajectory(rng, town.diligence)
    person = namer.person()
    if rng.random() < 0.5:
        person += "（" + rng.choice(("镇长", "副镇长", "党委委员", "主任", "副主任")) + "）"
    return _Task(unit=town.name, title=title, category=rng.choice(cats),
                 content=content, person=person, deadline=_deadline(rng, first, done, 0.03),
                 date_form=town.date_form, planned=planned, ratio=ratio,
                 bene=int(round(_log_uniform(rng, 200, 80000), -1)), added=added, start=start, done=done,
                 shape=shape, pick=rng.randrange(1000), town=town.name)


def _micro_task(rng: random.Random, namer: _Namer, town: _Unit, used: set[str], added: int,
                first: date) -> _Task:
    title = _unique(rng, used, lambda: _fill(rng, rng.choice(_MICRO_TEMPLATES), {
        "comm": lambda: rng.choice(town.communities), "vil": lambda: rng.choice(town.villages)}))
    # Small tasks move faster than projects.
    start, done, shape, ratio = _trajectory(rng, town.diligence + 0.05)
    if rng.random() < 0.2:
        who = namer.person() + "（" + rng.choice(_MICRO_LEADERS) + "）"
    else:
        who = namer.person() + "（" + rng.choice(_MICRO_LOCALS) + "）"
    return _Task(unit=town.name, title=title, category=None, content="", person=who,
                 deadline=_deadline(rng, first, done, 0.0), date_form="excel",
                 planned=round(_log_uniform(rng, 0.5, 50), 1), ratio=ratio,
                 bene=int(_log_uniform(rng, 20, 3000)), added=added, start=start, done=done, shape=shape,
                 pick=rng.randrange(1000), town=town.name)


@dataclass
class _Row:
    """A task as reported in one month."""
    task: _Task
    status: str
    actual: float | None
    bene: int | None
    overdue: bool


def _report(task: _Task, idx: int, month: date) -> _Row:
    if task.done is not None and idx >= task.done:
        status = "completed"
    elif task.start is not None and idx >= task.start:
        status = "in_progress"
    else:
        status = "not_started"
    if status == "completed":
        frac = 1.0
    elif status == "in_progress":
        end = task.done if task.done is not None else 13
        frac = min(0.95, ((idx - task.start + 1) / (end - task.start + 1)) ** task.shape)
    else:
        frac = 0.0
    actual = None
    if task.planned is not None and status != "not_started":
        actual = round(task.planned * (task.ratio if status == "completed" else frac), 2)
    bene = None
    if status != "not_started":
        grow = 1.0
        if status == "completed" and task.deadline is None:
            grow = 1.0 + 0.08 * (idx - task.done)   # long-term tasks keep serving people
        bene = int(task.bene * frac * grow)
    overdue = status != "completed" and task.deadline is not None and task.deadline < month
    return _Row(task, status, actual, bene, overdue)


# --- cell formatting --------------------------------------------------------------
def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def _g(v: float) -> str:
    """A number as a clerk types it: no exponent, no trailing zeros."""
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return s or "0"


def _amount_text(v: float, pick: int = 1) -> str:
    """The amount as some clerks type it, with its unit: "350万元", "1.2亿元", "80000元"."""
    if v == 0:
        return "0"
    if v >= 10000:
        return f"{_g(round(v / 10000, 2))}亿元"
    if v < 10 or (v < 100 and pick % 3 == 0):
        return f"{int(round(v * 10000, -2))}元"
    return f"{_g(round(v, 1))}万元"


def _amount(v: float | None, style: str, pick: int = 1) -> float | int | str | None:
    if v is None:
        return None
    if style == "yi":
        return _num(round(v / 10000, 4))
    if style == "text":
        return _amount_text(v, pick)
    return _num(round(v, 2))


def _date_cell(d: date | None, form: str, pick: int, *, long_word: str | None = None) -> date | str:
    if d is None:
        return long_word or _LONG_TERM_WORDS[pick % 2]
    if form == "mixed":
        form = ("excel", "cn_end", "dot", "cn_full", "iso")[pick % 5]
    if form == "cn_end" and d != _month_end(d):
        form = "cn_full"
    if form == "excel":
        return d
    if form == "cn_end":
        return f"{d.year}年{d.month}月底前"
    if form == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if form == "cn_full":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def _status_word(row: _Row, habits: tuple[dict[str, tuple[str, ...]], ...], habit: int) -> str:
    t = row.task
    if row.status == "completed" and t.deadline is None and t.pick % 3 == 0:
        return "已完成（长期坚持）"
    choices = habits[habit % len(habits)][row.status]
    return choices[t.pick % len(choices)]


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --- a sheet as a grid with merges, and the writers ----------------------------------
@dataclass
class _Grid:
    name: str
    ncols: int
    widths: tuple[int, ...] = ()
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 (0-based, inclusive)
    styles: dict[int, str] = field(default_factory=dict)                  # row -> title | header | total
    date_format: str = "yyyy-mm-dd"
    nrows: int = 0

    def put(self, r: int, c: int, v: object) -> None:
        if v is not None and v != "":
            self.cells[(r, c)] = v
        self.nrows = max(self.nrows, r + 1)

    def row(self, r: int, values: list[object]) -> None:
        for c, v in enumerate(values):
            self.put(r, c, v)

    def merge(self, r1: int, c1: int, r2: int, c2: int, v: object = None) -> None:
        if v is not None:
            self.put(r1, c1, v)
        self.nrows = max(self.nrows, r2 + 1)
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))


_FIXED_ZIP_TIME = (2021, 1, 1, 0, 0, 0)


def _normalize_zip(path: Path, when: dt.datetime) -> None:
    """Make an openpyxl file byte-deterministic: fixed zip times and document dates."""
    with zipfile.ZipFile(path) as zin:
        items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\3", data)
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)
    path.write_bytes(buf.getvalue())


def _write_openpyxl(path: Path, grids: list[_Grid], when: dt.datetime) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "江州市"
    wb.properties.created = when
    title_font, bold = Font(bold=True, size=16), Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for g in grids:
        ws = wb.create_sheet(g.name)
        for (r, c), v in g.cells.items():
            cell = ws.cell(row=r + 1, column=c + 1, value=v)
            if isinstance(v, date):
                cell.number_format = g.date_format
            kind = g.styles.get(r)
            if kind == "title":
                cell.font, cell.alignment = title_font, center
            elif kind == "header":
                cell.font, cell.alignment = bold, center
            elif kind == "total":
                cell.font = bold
        for r1, c1, r2, c2 in g.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        for c, w in enumerate(g.widths):
            ws.column_dimensions[get_column_letter(c + 1)].width = w
    wb.save(path)
    _normalize_zip(path, when)


def _write_xlsxwriter(path: Path, grids: list[_Grid], when: dt.datetime) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"author": "江州市", "created": when})
    fmts = {
        "title": wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "header": wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                                 "text_wrap": True}),
        "total": wb.add_format({"bold": True, "border": 1}),
        None: wb.add_format({"border": 1, "valign": "vcenter"}),
    }
    for g in grids:
        ws = wb.add_worksheet(g.name)
        date_fmt = wb.add_format({"num_format": g.date_format, "border": 1})
        covered = set()
        for r1, c1, r2, c2 in g.merges:
            v = g.cells.get((r1, c1), "")
            fmt = fmts.get(g.styles.get(r1)) or fmts[None]
            if isinstance(v, date):
                v, fmt = dt.datetime.combine(v, dt.time()), date_fmt
            ws.merge_range(r1, c1, r2, c2, v, fmt)
            covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        for (r, c), v in sorted(g.cells.items()):
            if (r, c) in covered:
                continue
            fmt = fmts.get(g.styles.get(r)) or fmts[None]
            if isinstance(v, date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
            elif isinstance(v, str):
                ws.write_string(r, c, v, fmt)
            else:
                ws.write_number(r, c, v, fmt)
        for c, w in enumerate(g.widths):
            ws.set_column(c, c, w)
    wb.close()


def _write_xlwt(path: Path, grids: list[_Grid]) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    styles = {
        "title": xlwt.easyxf("font: bold on, height 320; align: horiz center, vert center"),
        "header": xlwt.easyxf("font: bold on; align: horiz center, vert center, wrap on; borders: left thin, "
                              "right thin, top thin, bottom thin"),
        "total": xlwt.easyxf("font: bold on; borders: left thin, right thin, top thin, bottom thin"),
        None: xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin; align: vert center"),
    }
    for g in grids:
        ws = wb.add_sheet(g.name)
        date_style = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin",
                                 num_format_str=g.date_format)
        covered = set()
        for r1, c1, r2, c2 in g.merges:
            v = g.cells.get((r1, c1), "")
            ws.write_merge(r1, r2, c1, c2, v, date_style if isinstance(v, date) else styles[g.styles.get(r1)])
            covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        for (r, c), v in sorted(g.cells.items()):
            if (r, c) not in covered:
                ws.write(r, c, v, date_style if isinstance(v, date) else styles[g.styles.get(r)])
        for c, w in enumerate(g.widths):
            ws.col(c).width = 256 * w
    wb.save(str(path))


def _write_html(path: Path, g: _Grid) -> None:
    """The HTML table a web system saves under an .xls name."""
    starts = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in g.merges}
    covered = {(r, c) for r1, c1, r2, c2 in g.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
               if (r, c) != (r1, c1)}
    out = ['<html xmlns:o="urn:schemas-microsoft-com:office:office" '
           'xmlns:x="urn:schemas-microsoft-com:office:excel">',
           '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
           f"<title>{html.escape(g.name)}</title></head>", "<body>",
           '<table border="1" cellspacing="0" cellpadding="2">']
    for r in range(g.nrows):
        tag = "th" if g.styles.get(r) == "header" else "td"
        cells = []
        for c in range(g.ncols):
            if (r, c) in covered:
                continue
            v = g.cells.get((r, c), "")
            if isinstance(v, date):
                v = v.isoformat()
            elif isinstance(v, float):
                v = _g(v)
            attrs = ""
            if (r, c) in starts:
                rs, cs = starts[(r, c)]
                attrs += f' rowspan="{rs}"' if rs > 1 else ""
                attrs += f' colspan="{cs}"' if cs > 1 else ""
            cells.append(f"<{tag}{attrs}>{html.escape(str(v))}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</table>", "</body>", "</html>", ""]
    path.write_text("\n".join(out), encoding="utf-8", newline="\r\n")


# --- the sheets -----------------------------------------------------------------------
def _city_grids(rows: list[_Row], month: date, filler: str, filled: date,
                habits: dict[str, int]) -> tuple[_Grid, _Grid]:
    y, m = month.year, month.month
    notes = _Grid("填报说明", 1, widths=(90,))
    lines = [
        f"{CITY}市直单位“我为群众办实事”实践活动项目台账填报说明",
        "",
        "一、本表由各市直单位党组（党委）填报，市直机关工委汇总，每月25日前报送当月进展，逾期视为未报。",
        "二、项目名称应与年初确定的任务清单一致，新增项目请在备注中注明“新增”。",
        "三、进展情况统一填写“已完成”“正在推进”“未启动”，长期任务完成阶段性目标的填写“已完成（长期坚持）”。",
        "四、完成时限填写具体日期，长期任务填写“长期坚持”。",
        "五、投资情况以万元为单位，保留两位小数；服务群众按人次累计填报。",
        "六、请勿增删列、合并单元格，不要在表格中插入图片。",
        "",
        "联系人：市直机关工委办公室，联系电话：0000-1234567",
    ]
    for i, line in enumerate(lines):
        notes.put(i, 0, line)
    notes.styles[0] = "title"

    g = _Grid("项目台账", 11, widths=(6, 18, 34, 44, 14, 14, 10, 10, 12, 14, 18), date_format="yyyy/m/d")
    last = 10
    g.merge(0, 0, 0, last, f"{CITY}市直单位“我为群众办实事”实践活动项目台账（{y}年{m}月）")
    g.styles[0] = "title"
    g.merge(1, 0, 1, last, f"填报单位（盖章）：市直机关工委    填报人：{filler}    填报时间：{_cn_date(filled)}")
    for c, label in enumerate(("序号", "责任单位", "项目名称", "具体内容", "责任人", "完成时限")):
        g.merge(2, c, 3, c, label)
    g.merge(2, 6, 2, 7, "投资情况（万元）")
    g.put(3, 6, "计划投资")
    g.put(3, 7, "完成投资")
    g.merge(2, 8, 3, 8, "服务群众（人次）")
    g.merge(2, 9, 3, 9, "进展情况")
    g.merge(2, 10, 3, 10, "备注")
    g.styles[2] = g.styles[3] = "header"
    r = 4
    tot_p = tot_a = 0.0
    tot_b = 0
    by_status = {"completed": 0, "in_progress": 0, "not_started": 0}
    for ci, cat in enumerate(_CAT_NAMES):
        cat_rows = [x for x in rows if x.task.category == cat]
        if not cat_rows:
            continue
        g.merge(r, 0, r, last, f"{_CN_NUM[ci]}、{cat}（{len(cat_rows)}条）")
        r += 1
        for n, x in enumerate(cat_rows, 1):
            t = x.task
            remark = None
            if x.overdue and x.status == "in_progress":
                remark = f"受{_DELAYS[t.pick % len(_DELAYS)]}影响滞后，正在加快推进"
            elif t.added:
                remark = "新增"
            elif t.pick % 17 == 0:
                remark = "已纳入省级民生实事"
            g.row(r, [n, t.unit, t.title, t.content, t.person, _date_cell(t.deadline, t.date_form, t.pick),
                      _amount(t.planned, "wan"), _amount(x.actual, "wan"), x.bene,
                      _status_word(x, _HABITS, habits[t.unit] + (t.pick % 7 == 0)), remark])
            tot_p += t.planned or 0
            tot_a += x.actual or 0
            tot_b += x.bene or 0
            by_status[x.status] += 1
            r += 1
    g.merge(r, 0, r, 5, "合计")
    g.put(r, 6, round(tot_p, 2))
    g.put(r, 7, round(tot_a, 2))
    g.put(r, 8, tot_b)
    g.merge(r, 9, r, last, f"已完成{by_status['completed']}项，正在推进{by_status['in_progress']}项，"
                           f"未启动{by_status['not_started']}项")
    g.styles[r] = "total"
    g.merge(r + 1, 0, r + 1, last, "注：1. 进展情况填写已完成、正在推进或未启动；2. 完成时限填写具体日期，"
                                   "长期任务填写“长期坚持”；3. 投资情况以万元为单位；4. 服务群众人次为累计数。")
    return notes, g


def _county_grid(region: _Region, rows_by_town: list[tuple[_Unit, list[_Row]]], month: date, filler: str,
                 filled: date, sheet: str) -> _Grid:
    sh = region.shape
    y, m = month.year, month.month
    unit_word = {"wan": "（万元）", "yi": "（亿元）", "text": ""}[sh.amount]
    g = _Grid(sheet, 10, widths=(6, 14, 34, 16, 40, 14, 14, 16, 12, 14),
              date_format="yyyy-mm-dd" if sh.habit % 2 else 'yyyy"年"m"月"d"日"')
    last = 9
    g.merge(0, 0, 0, last, f"{region.name}我为群众办实事重点项目台账（{y}年{m}月）")
    g.styles[0] = "title"
    g.merge(1, 0, 1, last, f"填报单位：{region.office}          填报人：{filler}          填报时间：{_cn_date(filled)}")
    labels = ["序号", "乡镇（街道）", "项目名称", "类别", "建设内容", f"计划投资{unit_word}", f"已完成投资{unit_word}",
              "计划完成时间", "项目进度", "责任人"]
    if sh.header2:
        for c, label in enumerate(labels):
            if c in (5, 6):
                continue
            g.merge(2, c, 3, c, label)
        g.merge(2, 5, 2, 6, f"投资情况{unit_word}")
        g.put(3, 5, "计划投资")
        g.put(3, 6, "已完成投资")
        g.styles[2] = g.styles[3] = "header"
        r = 4
    else:
        g.row(2, labels)
        g.styles[2] = "header"
        r = 3
    n = 0
    tot_p = tot_a = 0.0
    for town, rows in rows_by_town:
        first_row = r
        sub_p = sub_a = 0.0
        for x in rows:
            t = x.task
            n += 1
            g.row(r, [n, town.name if (r == first_row or not sh.merge_town) else None, t.title, t.category,
                      t.content, _amount(t.planned, sh.amount, t.pick), _amount(x.actual, sh.amount, t.pick),
                      _date_cell(t.deadline, t.date_form, t.pick),
                      _status_word(x, _PROJECT_HABITS, sh.habit + (town.habit if t.pick % 5 == 0 else 0)),
                      t.person])
            sub_p += t.planned or 0
            sub_a += x.actual or 0
            r += 1
        if sh.merge_town and r - first_row > 1:
            g.merge(first_row, 1, r - 1, 1)
        if sh.subtotal:
            g.merge(r, 0, r, 4, "小计")
            g.put(r, 5, _amount(sub_p, sh.amount))
            g.put(r, 6, _amount(sub_a, sh.amount))
            g.styles[r] = "total"
            r += 1
        tot_p += sub_p
        tot_a += sub_a
    g.merge(r, 0, r, 4, "合计")
    g.put(r, 5, _amount(tot_p, sh.amount))
    g.put(r, 6, _amount(tot_a, sh.amount))
    g.styles[r] = "total"
    words = _PROJECT_HABITS[sh.habit]
    g.merge(r + 1, 0, r + 1, last, f"注：项目进度填写“{words['completed'][0]}”“{words['in_progress'][0]}”"
                                   f"或“{words['not_started'][0]}”；投资额为累计数。")
    return g


def _micro_grid(region: _Region, rows_by_town: list[tuple[_Unit, list[_Row]]], month: date, filler: str,
                filled: date) -> _Grid:
    y, m = month.year, month.month
    g = _Grid("微实事台账", 8, widths=(6, 14, 36, 30, 14, 10, 14, 14), date_format="yyyy/m/d")
    last = 7
    g.merge(0, 0, 0, last, f"{region.name}“微实事”认领办理台账（{y}年{m}月）")
    g.styles[0] = "title"
    g.merge(1, 0, 1, last, f"填报单位：{region.name}委组织部      填报人：{filler}      填报时间：{_cn_date(filled)}")
    g.row(2, ["序号", "乡镇（街道）", "微实事名称", "认领人", "计划投资（万元）", "是否完成", "服务群众（人次）",
              "完成时限"])
    g.styles[2] = "header"
    r, n, tot_b, done = 3, 0, 0, 0
    for town, rows in rows_by_town:
        first_row = r
        for x in rows:
            t = x.task
            n += 1
            flag = "是" if x.status == "completed" else "否"
            done += flag == "是"
            g.row(r, [n, town.name if r == first_row else None, t.title, t.person, _amount(t.planned, "wan"),
                      flag, x.bene or 0, _date_cell(t.deadline, "excel", t.pick)])
            tot_b += x.bene or 0
            r += 1
        if r - first_row > 1:
            g.merge(first_row, 1, r - 1, 1)
    g.merge(r, 0, r, 3, f"合计（共{n}件，已完成{done}件）")
    g.put(r, 6, tot_b)
    g.styles[r] = "total"
    return g


def _csv_bytes(region: _Region, rows_by_town: list[tuple[_Unit, list[_Row]]]) -> bytes:
    """A county system's export: header row only, GB18030, amounts like "1,234.5"."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["县区", "乡镇", "项目名称", "类别", "进展情况", "计划投资", "完成投资", "完成时限", "服务群众（人次）"])

    def amt(v: float | None) -> str:
        if v is None:
            return ""
        s = f"{v:,.2f}".rstrip("0").rstrip(".")
        return s

    for town, rows in rows_by_town:
        for x in rows:
            t = x.task
            w.writerow([region.name, town.name, t.title, t.category,
                        _status_word(x, _PROJECT_HABITS, region.shape.habit), amt(t.planned), amt(x.actual),
                        _date_cell(t.deadline, "iso", t.pick, long_word="长期"),
                        "" if x.bene is None else str(x.bene)])
    return buf.getvalue().encode("gb18030")


def _file_name(region: _Region, month: date) -> str:
    y, m = month.year, month.month
    kind = region.shape.name
    if kind == "dash":
        return f"{y}-{m:02d}_{region.name}.xls"
    if kind == "csv":
        return f"{region.name}_{y}-{m:02d}.csv"
    if kind == "html":
        return f"{region.name}重点项目台账_{y}-{m:02d}.xls"
    if kind == "plain":
        return f"{y}年{m}月{region.name}办实事项目台账.xlsx"
    if region.shape.fmt == "micro":
        return f"{region.name}微实事台账（{y}年{m}月）.xlsx"
    return f"{region.name}我为群众办实事重点项目台账（{y}年{m}月）.xlsx"


def _have_xlwt() -> bool:
    try:
        import xlwt  # noqa: F401
    except ImportError:
        return False
    return True


# --- entry point ------------------------------------------------------------------------
def write_demo_files(out_dir: Path, *, seed: int = 2021, months: int = 12, first_month: date = date(2021, 1, 1),
                     progress: Callable[[int, int], None] | None = None) -> list[DemoFile]:
    """Write `months` monthly ledgers of every office into out_dir/YYYY-MM/ and describe them.

    Deterministic for a seed. The first month has every unit; later, laggard
    units now and then skip a month (their rows or their whole file are
    missing) and report late (a later 填报时间).
    """
    out_dir = Path(out_dir)
    first_month = date(first_month.year, first_month.month, 1)
    world = _build_world(seed, first_month)
    habits = {d.name: d.habit for d in world.departments}
    xlwt_ok = _have_xlwt()

    # Plan every file first, so progress can count them.
    plan: list[tuple[int, date, _Region | None, random.Random]] = []
    for idx in range(months):
        month = _add_months(first_month, idx)
        mrng = random.Random(seed * 1000 + idx)
        plan.append((idx, month, None, mrng))
        for region in world.regions:
            skip = idx > 0 and mrng.random() < 0.03 + max(0.0, -region.diligence) * 0.6
            if not skip:
                plan.append((idx, month, region, mrng))

    written: list[DemoFile] = []
    for k, (idx, month, region, mrng) in enumerate(plan, 1):
        folder = out_dir / f"{month.year}-{month.month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        late = mrng.random() < 0.15
        filled = (_add_months(month, 1).replace(day=mrng.randint(2, 9)) if late
                  else month.replace(day=mrng.randint(22, 28)))
        when = dt.datetime.combine(filled, dt.time(9 + mrng.randrange(8), mrng.randrange(60)))
        filler = mrng.choice(_SURNAMES) + mrng.choice(_GIVEN)

        def present(unit: _Unit) -> list[_Row]:
            if idx > 0 and mrng.random() < 0.015 + max(0.0, -unit.diligence) * 0.3:
                return []   # this unit did not report this month
            return [_report(t, idx, month) for t in unit.tasks if t.added <= idx]

        if region is None:
            by_dept = [(d, present(d)) for d in world.departments]
            rows = [x for _, xs in by_dept for x in xs]
            rows.sort(key=lambda x: _CAT_NAMES.index(x.task.category))  # stable: department order inside
            path = folder / f"{CITY}市直单位我为群众办实事台账（{month.year}年{month.month}月）.xlsx"
            _write_openpyxl(path, list(_city_grids(rows, month, filler, filled, habits)), when)
            written.append(DemoFile(path, month, CITY_REGION, tuple(d.name for d, xs in by_dept if xs), len(rows)))
        else:
            by_town = [(t, xs) for t in region.towns if (xs := present(t))]
            n_rows = sum(len(xs) for _, xs in by_town)
            sh = region.shape
            name = _file_name(region, month)
            path = folder / name
            if sh.fmt == "csv":
                path.write_bytes(_csv_bytes(region, by_town))
            elif sh.fmt == "html":
                _write_html(path, _county_grid(region, by_town, month, filler, filled, region.name))
            elif sh.fmt == "micro":
                _write_xlsxwriter(path, [_micro_grid(region, by_town, month, filler, filled)], when)
            else:
                grid = _county_grid(region, by_town, month, filler, filled, "Sheet1" if sh.fmt == "xlwt" else "台账")
                if sh.fmt == "xlwt" and xlwt_ok:
                    _write_xlwt(path, [grid])
                elif sh.fmt == "xlsxwriter":
                    _write_xlsxwriter(path, [grid], when)
                else:
                    if path.suffix == ".xls":   # xlwt missing: the same sheet as .xlsx
                        path = path.with_suffix(".xlsx")
                    _write_openpyxl(path, [grid], when)
            written.append(DemoFile(path, month, region.name, tuple(t.name for t, _ in by_town), n_rows))
        if progress is not None:
            progress(k, len(plan))
    return written
