"""The fictional city, 江州市: its 县区 and how each office builds its file,
its 55 departments and the campaign's six categories.

Fixed facts the simulation starts from; nothing here is random.
"""
from __future__ import annotations

from dataclasses import dataclass

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
    ("梅岭县", "county", (10, 15), (90, 110), (12, 17),
     _Shape("xlwt", header2=True, dates="dot", habit=3, name="dash")),
    ("清河县", "county", (11, 17), (90, 110), (13, 18), _Shape("csv", dates="iso", habit=0, name="csv")),
    ("松溪县", "county", (8, 13), (85, 105), (10, 15), _Shape("html", dates="cn_full", habit=2, name="html")),
    ("江城区", "district", (8, 12), (70, 90), (8, 13),
     _Shape("xlwt", subtotal=True, dates="cn_end", habit=3, name="dash")),
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
