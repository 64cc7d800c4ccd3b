"""A city-scale data set for `make bench` (issue 9), on PostgreSQL.

    make bench-data
    # or: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/city_data.py

(Re)creates the database named by BENCH_DATABASE_URL (default portal_bench on 127.0.0.1; a
database whose name does not contain "bench" is never dropped), migrates it, loads the demo data
(`seed_demo`: the demo logins, notices, a few real 街镇) and fills it up to

    20,000 social organizations, 2,000 purchaser units, 100,000 demands, 50,000 offers
    (--scale or BENCH_SCALE sets the demands: 10k, 100k, 1M; offers are half of it),

published over five years (2022 to today), with the directory editions 2022–2025 published and
their members, and this year's edition collecting. Everything is seeded (same rows every run).

Realistic shape: a few districts and categories carry most of the work (Zipf-like weights: 浦东新区
about a quarter of the demands, 养老服务 about a third); units of each business line buy mostly in their
own field; most demands are published in spring (annual plans are due by 30 April); older demands
have been awarded and evaluated, this year's are mostly still open; a few organizations win many
projects. Titles, summaries and requirements are composed from vocabulary lists of real service
words, with rare terms (渐冻症) in a few hundred rows.

Rows are written with COPY (psycopg 3), the search tokens computed by `portal.search.tokens_for`
over each model's own SEARCH_FIELDS (what `Demand.save()`/`Offering.save()` store); PostgreSQL computes
the generated `search_vector` column itself, and the GIN indexes are dropped during the load and
rebuilt with the migrations' own SQL. No django-simple-history rows are written for the bulk rows:
no public page reads them, and one per row would double the load time (the seeded demo rows keep
theirs). Then VACUUM ANALYZE, as autovacuum would have done on a live database.
"""

import argparse
import bisect
import contextlib
import datetime
import functools
import io
import itertools
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"

TARGETS = {"organizations": 20_000, "units": 2_000, "demands": 100_000, "offerings": 50_000}
DEFAULT_SCALE = 100_000


def parse_scale(text):
    """ "10k", "100k", "1M", "1000000", "1_000_000" → the number of demands."""
    text = str(text).strip().lower().replace("_", "").replace(",", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor > 1 else text
    try:
        value = int(float(number) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a scale: {text!r} (e.g. 10k, 100k, 1M)") from None
    if value < 1_000:
        raise argparse.ArgumentTypeError("the scale is the number of demands, at least 1,000")
    return value


def set_scale(demands):
    """Demands = the scale, offers half of it (the 100k set's ratio). Organizations (20,000, about
    Shanghai's registered social organizations), purchaser units (2,000) and the directory stay fixed:
    more years of demands and offers, not more organizations."""
    TARGETS["demands"] = demands
    TARGETS["offerings"] = demands // 2


SEED = 20260909
TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai, no DST
START_YEAR = 2022

# --- vocabulary --------------------------------------------------------------------------------

# Districts by size of their social-service budget, largest first: weights 1/rank (Zipf).
DISTRICT_ORDER = [
    "浦东新区", "闵行区", "徐汇区", "黄浦区", "静安区", "杨浦区", "宝山区", "普陀区",
    "长宁区", "虹口区", "嘉定区", "松江区", "青浦区", "奉贤区", "金山区", "崇明区",
]  # fmt: skip
# Top-level categories, most bought first (Zipf).
CATEGORY_ORDER = ["01", "05", "04", "02", "03", "06", "11", "09", "08", "13", "10", "07", "12"]

# More real 街镇 beside the ones seed_demo loads (Shanghai has about 215).
MORE_STREETS = {
    "黄浦区": ["半淞园路街道", "小东门街道", "老西门街道", "五里桥街道"],
    "徐汇区": ["湖南路街道", "斜土路街道", "康健新村街道", "虹梅路街道", "长桥街道", "凌云路街道", "漕河泾街道"],
    "长宁区": ["周家桥街道", "天山路街道", "仙霞新村街道", "程家桥街道", "北新泾街道"],
    "静安区": ["江宁路街道", "石门二路街道", "天目西路街道", "北站街道", "宝山路街道", "共和新路街道",
              "大宁路街道", "临汾路街道", "芷江西路街道"],
    "普陀区": ["宜川路街道", "石泉路街道", "长寿路街道", "万里街道", "长征镇"],
    "虹口区": ["广中路街道", "嘉兴路街道", "北外滩街道"],
    "杨浦区": ["定海路街道", "平凉路街道", "江浦路街道", "四平路街道", "大桥街道", "延吉新村街道", "长海路街道"],
    "闵行区": ["新虹街道", "浦锦街道", "虹桥镇", "华漕镇", "颛桥镇", "马桥镇", "吴泾镇", "浦江镇"],
    "宝山区": ["张庙街道", "淞南镇", "高境镇", "庙行镇", "月浦镇", "杨行镇", "罗泾镇"],
    "嘉定区": ["真新街道", "马陆镇", "徐行镇", "华亭镇", "外冈镇"],
    "浦东新区": ["塘桥街道", "上钢新村街道", "南码头路街道", "沪东新村街道", "金杨新村街道", "洋泾街道",
              "浦兴路街道", "东明路街道", "周家渡街道", "高行镇", "高桥镇", "北蔡镇", "合庆镇", "唐镇",
              "曹路镇", "金桥镇", "三林镇", "惠南镇", "周浦镇", "新场镇", "大团镇", "康桥镇", "航头镇",
              "祝桥镇", "泥城镇", "宣桥镇", "书院镇", "万祥镇", "老港镇"],
    "金山区": ["山阳镇", "金山卫镇", "张堰镇", "漕泾镇", "吕巷镇", "廊下镇"],
    "松江区": ["永丰街道", "中山街道", "广富林街道", "九里亭街道", "佘山镇", "车墩镇", "新桥镇",
              "小昆山镇", "叶榭镇", "泖港镇", "石湖荡镇", "新浜镇"],
    "青浦区": ["香花桥街道", "重固镇", "白鹤镇", "华新镇", "练塘镇", "金泽镇"],
    "奉贤区": ["金汇镇", "四团镇", "青村镇", "奉城镇", "海湾镇"],
    "崇明区": ["新河镇", "庙镇", "竖新镇", "向化镇", "三星镇", "港沿镇", "中兴镇", "绿华镇", "港西镇",
              "建设镇", "新海镇", "东平镇"],
}  # fmt: skip

# (name, business line, preferred top-level category or None, weight as a buyer)
CITY_UNITS = [
    ("教育委员会", "教育", "03", 2), ("人力资源和社会保障局", "人社", "07", 2), ("司法局", "司法", "13", 2),
    ("文化和旅游局", "文旅", "08", 1), ("体育局", "体育", "08", 1), ("残疾人联合会", "残联", "02", 3),
    ("妇女联合会", "妇联", "03", 2), ("退役军人事务局", "退役军人", "09", 1), ("应急管理局", "应急", "12", 1),
    ("老龄工作委员会办公室", "老龄", "01", 3), ("总工会", "工会", "07", 1), ("红十字会", "红十字", "06", 1),
    ("科学技术协会", "科协", "11", 1), ("医疗保障局", "医保", "06", 1), ("精神文明建设委员会办公室", "文明办", "10", 2),
    ("社会工作委员会", "社工委", "04", 2), ("住房和城乡建设管理委员会", "住建", "04", 1),
    ("绿化和市容管理局", "绿化市容", "05", 1), ("民族和宗教事务局", "民宗", "05", 1),
    ("禁毒委员会办公室", "禁毒", "06", 1), ("志愿服务工作协调小组办公室", "志愿", "10", 1),
]  # fmt: skip
CITY_UNITS.append(("共青团上海市委员会", "共青团", "03", 2))
DISTRICT_UNITS = [
    ("卫生健康委员会", "卫生健康", "06", 3), ("教育局", "教育", "03", 2), ("人力资源和社会保障局", "人社", "07", 2),
    ("司法局", "司法", "13", 2), ("文化和旅游局", "文旅", "08", 1), ("体育局", "体育", "08", 1),
    ("残疾人联合会", "残联", "02", 4), ("妇女联合会", "妇联", "03", 2), ("退役军人事务局", "退役军人", "09", 1),
    ("应急管理局", "应急", "12", 1), ("老龄工作委员会办公室", "老龄", "01", 3), ("总工会", "工会", "07", 1),
    ("红十字会", "红十字", "06", 1), ("科学技术协会", "科协", "11", 1), ("精神文明建设办公室", "文明办", "10", 2),
    ("社会工作部", "社工", "04", 3), ("医疗保障局", "医保", "06", 1), ("禁毒办公室", "禁毒", "06", 1),
    ("住房保障和房屋管理局", "房管", "04", 1), ("民族和宗教事务委员会", "民宗", "05", 1),
    ("社会组织服务中心", "民政", "11", 2), ("志愿者协会", "志愿", "10", 1),
]  # fmt: skip
DISTRICT_UNITS.append(("共青团区委", "共青团", "03", 2))
STREET_UNITS = [
    ("社区事务受理服务中心", "民政", "05", 2), ("社区党群服务中心", "社工", "04", 3),
    ("社区卫生服务中心", "卫生健康", "06", 2), ("社区文化活动中心", "文旅", "08", 1),
    ("综合为老服务中心", "民政", "01", 3), ("平安办", "综治", "13", 1), ("社区自治办公室", "社工", "04", 2),
]  # fmt: skip

# Service phrases per sub-category; a few rare ones carry low weights (second item).
PHRASES = {
    "0101": ["居家养老上门服务", "独居老人居家照护服务", "老年人居家环境适老化改造", "长护险居家照护衔接服务", "家庭照护床位服务"],
    "0102": ["长者照护之家专业服务", "社区综合为老服务中心运营", "社区嵌入式养老服务", "养老顾问点运营", "日间照料中心运营"],
    "0103": ["老年助餐点运营服务", "社区长者食堂助餐服务", "助餐配送上门服务", "老年助餐服务点管理"],
    "0104": ["认知症友好社区建设", "认知障碍早期筛查与照护支持", "认知症家庭照护者喘息服务"],
    "0105": ["独居老人关爱探访服务", "老年人精神慰藉“老伙伴”计划", "高龄老人心理关爱服务", "老年人社会参与促进"],
    "0201": ["残疾人社区康复服务", "残疾儿童康复训练支持服务", "精神障碍社区康复服务", "辅具适配与康复指导"],
    "0202": ["阳光之家托养服务", "重度残疾人日间照料服务", "残疾人寄宿制托养服务"],
    "0203": ["残疾人就业帮扶", "阳光职业康复援助服务", "残疾人辅助性就业支持"],
    "0204": ["助残社会工作服务", "残疾人家庭支持服务", "助残志愿服务", ("渐冻症患者家庭照护支持服务", 0.5)],
    "0301": ["儿童之家运营服务", "困境儿童关爱保护", "留守儿童关爱服务", "儿童友好社区建设"],
    "0302": ["青少年暑期成长营", "青少年社区服务与成长支持", "青少年心理健康辅导", "社区青少年事务社会工作"],
    "0303": ["妇女儿童维权服务", "女性创业就业支持", "反家庭暴力援助服务"],
    "0304": ["家庭教育指导服务", "新手父母家庭教育课堂", "婚姻家庭辅导服务"],
    "0401": ["居民区议事协商能力提升", "“家门口”议事会培育服务", "社区自治项目孵化"],
    "0402": ["社区营造“微更新”参与式规划", "美丽楼组建设社区营造", "睦邻花园共建"],
    "0403": ["社区社会组织孵化培育", "社区社会组织能力提升服务", "社区基金会运营支持"],
    "0501": ["社区便民服务综合体运营", "社区服务中心运营", "15分钟社区生活圈便民服务"],
    "0502": ["邻里互助睦邻点建设", "睦邻中心社区服务", "楼组邻里互助服务"],
    "0503": ["社区文化服务配送", "社区文化活动中心运营服务", "社区读书会运营"],
    "0601": ["社区健康教育与促进", "健康自我管理小组服务", "社区健康素养提升"],
    "0602": ["心理健康服务站运营", "社区心理咨询与危机干预服务", "中小学生心理健康辅导", "职工心理健康关爱服务"],
    "0603": ["慢病管理社区支持服务", "糖尿病患者自我管理小组", "家庭医生签约辅助服务"],
    "0701": ["职业技能培训", "失业青年职业技能提升培训", "新就业形态劳动者技能培训"],
    "0702": ["就业困难人员援助服务", "长期失业青年就业见习服务", "社区就业服务站运营"],
    "0801": ["群众文化活动组织服务", "社区文艺团队培育服务", "非遗进社区服务"],
    "0802": ["全民健身指导服务", "社区健身点科学健身指导", "老年人健身活动组织"],
    "0901": ["社会救助帮扶服务", "低保家庭综合帮扶服务", "社会救助顾问服务"],
    "0902": ["困难群体关爱", "支出型贫困家庭关爱服务", "临时救助对象跟踪服务"],
    "1001": ["志愿者招募与管理服务", "社区志愿服务站运营", "志愿服务激励与培训"],
    "1002": ["志愿服务项目运营", "为老志愿服务项目运营", "“时间银行”互助服务"],
    "1101": ["社会组织能力建设", "社会组织规范化建设辅导", "社会组织财务管理培训"],
    "1102": ["政府购买服务项目第三方评估", "社会组织等级评估辅助服务", "项目绩效评价服务"],
    "1103": ["社会工作专业督导服务", "社区社会工作站运营服务", "社会工作人才培养"],
    "1201": ["应急安全宣传进社区", "家庭防灾应急能力提升服务", "社区应急志愿者队伍建设"],
    "1202": ["社区防灾减灾演练服务", "高层住宅消防疏散演练服务", "韧性社区建设"],
    "1301": ["人民调解工作室运营服务", "物业纠纷人民调解服务", "家事纠纷调解服务"],
    "1302": ["矛盾纠纷化解服务", "邻里纠纷多元化解服务", "信访矛盾化解社会工作"],
    "1303": ["社区法律援助服务", "老年人法律咨询与援助服务", "法治宣传进社区"],
}  # fmt: skip
TITLE_PREFIX = [("", 12), ("{year}年", 3), ("{year}年度", 2)]
TITLE_SUFFIX = [
    ("项目", 8),
    ("服务项目", 3),
    ("", 3),
    ("购买服务项目", 2),
    ("（第二期）", 1),
    ("（续签）", 1),
]
SERVICE_TARGETS = [
    "辖区内80周岁以上独居老人", "辖区内高龄、失能、失智老人", "辖区内持证残疾人及其家庭", "辖区内困境儿童及其家庭",
    "辖区居民", "辖区内低保、低收入家庭", "辖区内失业青年", "辖区内社区社会组织", "辖区内楼组长和居民骨干",
    "辖区内中小学生及家长", "辖区内精神障碍康复者及其家属", "辖区内新就业形态劳动者", "辖区内退役军人及其家属",
    "辖区内外来务工人员家庭", "辖区内社区志愿者", "辖区内慢性病患者",
]  # fmt: skip
QUALIFICATION_CLAUSES = [
    "在民政部门依法登记的社会组织", "具有{n}年以上同类服务经验", "配备持证社会工作者不少于{m}名",
    "未被列入严重失信名单", "上一年度年检合格", "社会组织评估等级3A及以上",
    "具有健全的财务管理制度和独立的银行账户", "近三年内无重大违法记录", "具备开展专业服务所需的场地和设备",
    "项目负责人具有中级社会工作者职业资格", "熟悉本辖区社区情况", "有为老服务或助残服务经验者优先",
]  # fmt: skip
OTHER_INFO = [
    "", "", "项目实施期间接受购买主体和第三方机构的监督评估。", "请有意向的社会组织于发布之日起15日内联系。",
    "服务场地由购买主体提供。", "按季度提交服务报告，年终进行绩效评价。",
    "优先考虑在本区登记的社会组织，欢迎跨区承接。", "项目资金按合同约定分期拨付。",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
TITLES_OF_PERSON = ["老师", "女士", "先生", "主任", "科长", "社工"]
ORG_WORDS = (
    "乐龄 阳光 同心 睦邻 益友 绿叶 彩虹 向阳 和美 安康 善水 春晖 馨家 融爱 恒爱 仁德 福寿 欣悦 晨曦 启明 "
    "明德 心航 心语 悦心 乐群 聚力 携手 同行 暖心 爱心 滴水 微光 星光 海燕 浦江 申城 长风 青松 翠柏 兰馨 "
    "益家 和谐 乐活 康乐 安馨 颐和 福康 惠民 仁爱 博爱 友善 睿智 致远 知行 新航 启航 青禾 蒲公英 向日葵 "
    "手牵手 百家 千帆 众心 凝心 汇善 合力 齐心 四叶草 星语 乐助 弘毅 正和 恩泽 德馨 思源 立德 嘉禾"
).split()
ORG_FOCUS = ["", "", "", "社区", "社工", "公益", "养老", "助老", "助残", "青少年", "心理", "家庭", "健康",
             "邻里", "文化", "法律", "志愿者", "儿童", "睦邻", "康复"]  # fmt: skip
ORG_KINDS = {
    "service_agency": ["服务中心", "社会工作服务社", "社工服务社", "服务社", "发展中心", "事务所", "服务站",
                       "研究中心", "照护中心", "康复中心", "指导中心"],
    "social_group": ["协会", "促进会", "联合会", "研究会"],
    "foundation": ["公益基金会", "慈善基金会", "基金会"],
}  # fmt: skip
ROADS = ["中山路", "人民路", "建国路", "共和路", "长宁路", "延安路", "淮海路", "复兴路", "四平路", "浦东大道",
         "世纪大道", "沪闵路", "漕宝路", "吴中路", "虹桥路", "天目路", "大连路", "军工路", "长江路", "园林路"]  # fmt: skip
OFFER_TEAMS = ["持证社会工作者和心理咨询师", "社会工作者、护理员和志愿者", "康复治疗师和社会工作者", "律师和人民调解员",
               "教师、社会工作者和大学生志愿者", "营养师、护理员和社区志愿者", "医生、护士和健康管理师"]  # fmt: skip
OFFER_METHODS = ["个案管理与小组活动相结合", "上门服务与集中活动相结合", "线上咨询与线下服务相结合",
                 "专业服务与志愿服务相结合", "社区营造与居民参与相结合"]  # fmt: skip
OFFER_CONTENTS = [
    "为服务对象提供需求评估、个性化服务计划和定期回访", "整合社区资源，链接志愿者开展常态化关爱",
    "建立服务档案，定期开展满意度调查和成效评估", "开展政策宣传、能力培训和互助小组",
    "提供专业咨询、危机干预和转介服务", "组织主题活动，增强社区归属感和凝聚力",
]  # fmt: skip
OFFER_SUFFIX = [("服务方案", 4), ("品牌项目", 2), ("服务", 2), ("计划", 1), ("支持服务", 1)]
GRADES = [("excellent", 3, 93), ("good", 5, 84), ("pass", 2, 72), ("fail", 0.3, 55)]


# --- helpers ---------------------------------------------------------------------------------------


class Weighted:
    """A seeded weighted choice with cumulative weights computed once (O(log n) per draw)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def zipf(n, s=1.0):
    return [1 / (k**s) for k in range(1, n + 1)]


def weighted_list(pairs):
    return Weighted([p for p, _ in pairs], [w for _, w in pairs])


class Timer:
    def __init__(self):
        self.start = time.perf_counter()
        self.rows = []

    def step(self, label, count):
        now = time.perf_counter()
        print(f"  {label:<34} {count:>8,} rows  {now - self.start:6.1f} s", flush=True)
        self.rows.append((label, count, now - self.start))
        self.start = now


# --- the database ---------------------------------------------------------------------------------


def prepare_database(url, keep):
    """Drop (if its name says it is a bench database) and create the database; return True if new."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and keep:
            return False
        if exists:
            if "bench" not in name:
                sys.exit(
                    f"refusing to drop database {name!r}: only a database whose name contains 'bench' is "
                    "recreated. Point BENCH_DATABASE_URL at one (default portal_bench)."
                )
            print(f"dropping and recreating database {name}")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        else:
            print(f"creating database {name}")
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def copy_rows(model, rows):
    """COPY `rows` (dicts of attname → value, with explicit ids; any iterable) into the model's table.
    A generator streams: PostgreSQL works on one batch while Python builds the next. Returns the count."""
    from django.db import connection

    fields = model._meta.concrete_fields
    defaults = {}
    for f in fields:
        if f.has_default() and not callable(f.default):
            defaults[f.attname] = f.default
        elif f.null:
            defaults[f.attname] = None
        elif f.get_internal_type() in ("CharField", "TextField", "EmailField", "FileField", "URLField"):
            defaults[f.attname] = ""
    columns = ", ".join(f'"{f.column}"' for f in fields)
    names = [f.attname for f in fields]
    count = 0
    with connection.cursor() as cursor:
        with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[n] if n in row else defaults[n] for n in names])
                count += 1
    return count


def tokens_function(model):
    """`model.build_search_tokens()` for a dict row: `portal.search.tokens_for` over the model's own
    SEARCH_FIELDS. tokens_for(a, b) is tokens_for(a) + " " + tokens_for(b) (a text with no words adds
    nothing), so each field's tokens are computed once per distinct text and joined; `check()` compares
    the result with build_search_tokens() on sampled rows."""
    from portal import search

    cached = functools.lru_cache(maxsize=100_000)(search.tokens_for)
    fields = model.SEARCH_FIELDS

    def tokens(row):
        return " ".join(t for t in (cached(row[f]) for f in fields) if t)

    return tokens


def analyze(*models):
    """Statistics right after a bulk load: later steps query these tables, and without statistics
    PostgreSQL can pick a plan that takes minutes instead of milliseconds."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def reset_sequences(*models):
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def next_id(model):
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def execute(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)


# --- the data -------------------------------------------------------------------------------------


def aware(day, rng):
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=TZ
    )


class City:
    """Reference data and the weights every table draws from."""

    def __init__(self, rng):
        from portal.models import Category, District, PurchaseType

        self.today = datetime.date.today()
        self.now = datetime.datetime.now(TZ)
        self.districts = {d.name: d for d in District.objects.all()}
        self.district_weights = dict(zip(DISTRICT_ORDER, zipf(len(DISTRICT_ORDER)), strict=True))
        self.pick_district = Weighted(
            [self.districts[n] for n in DISTRICT_ORDER], [self.district_weights[n] for n in DISTRICT_ORDER]
        )
        cats = list(Category.objects.select_related("parent"))
        self.subs = {c.code: c for c in cats if c.parent_id}
        top_weight = dict(zip(CATEGORY_ORDER, zipf(len(CATEGORY_ORDER), 1.1), strict=True))
        self.subs_of = {}
        for _code, sub in sorted(self.subs.items()):
            self.subs_of.setdefault(sub.parent.code, []).append(sub)
        sub_items, sub_weights = [], []
        for top, subs in self.subs_of.items():
            for rank, sub in enumerate(subs, 1):
                sub_items.append(sub)
                sub_weights.append(top_weight[top] / rank**0.7)
        self.pick_sub = Weighted(sub_items, sub_weights)
        self.pick_sub_in = {
            top: Weighted(subs, [1 / r**0.7 for r in range(1, len(subs) + 1)])
            for top, subs in self.subs_of.items()
        }
        self.pick_top = Weighted(CATEGORY_ORDER, [top_weight[c] for c in CATEGORY_ORDER])
        self.phrase = {}
        for code, phrases in PHRASES.items():
            items = [p if isinstance(p, str) else p[0] for p in phrases]
            weights = [1 if isinstance(p, str) else p[1] for p in phrases]
            self.phrase[code] = Weighted(items, weights)
        types = list(PurchaseType.objects.filter(allowed=True))
        self.pick_type = Weighted(
            types,
            [8 if t.code == "basic_public" else 3 if t.code == "social_management" else 1 for t in types],
        )
        self.prefix = weighted_list(TITLE_PREFIX)
        self.suffix = weighted_list(TITLE_SUFFIX)
        self.offer_suffix = weighted_list(OFFER_SUFFIX)
        self.grade = Weighted([(g, s) for g, _, s in GRADES], [w for _, w, _ in GRADES])
        # Platform use grows year on year; the current year is partial.
        years = list(range(START_YEAR, self.today.year + 1))
        share = [1 + 0.25 * i for i in range(len(years))]
        share[-1] *= (self.today.timetuple().tm_yday / 366) ** 0.5
        self.pick_year = Weighted(years, share)

    def person(self, rng):
        return rng.choice(SURNAMES) + rng.choice(TITLES_OF_PERSON)

    def phone(self, rng):
        if rng.random() < 0.7:
            return f"021-{rng.randint(5000, 6999)}{rng.randint(1000, 9999)}"
        return f"1{rng.choice('35789')}{rng.randint(100000000, 999999999)}"


def fill_streets(city, rng, timer):
    from portal.models import Street

    have = {(s.district_id, s.name) for s in Street.objects.all()}
    rows, pk = [], next_id(Street)
    for district_name, names in MORE_STREETS.items():
        d = city.districts[district_name]
        for name in names:
            if (d.pk, name) in have:
                continue
            kind = "subdistrict" if name.endswith("街道") else "township" if name.endswith("乡") else "town"
            rows.append({"id": pk, "district_id": d.pk, "name": name, "kind": kind, "is_active": True})
            pk += 1
    copy_rows(Street, rows)
    reset_sequences(Street)
    timer.step("portal_street (街镇)", len(rows))


def fill_units(city, rng, timer):
    from accounts.models import PurchaserUnit
    from accounts.validators import uscc_check_char
    from portal.models import Street

    def code(area, index):
        first17 = "11" + area + f"K{index:08d}"
        return first17 + uscc_check_char(first17)

    existing = {u.name for u in PurchaserUnit.objects.all()}
    need = TARGETS["units"] - len(existing)
    candidates = []  # (name, level, district, street, line)
    for name, line, _, _ in CITY_UNITS:
        candidates.append(
            (f"上海市{name}" if not name.startswith("共青团") else name, "city", None, None, line)
        )
    streets = list(Street.objects.select_related("district").order_by("district__code", "name"))
    for st in streets:
        suffix = "办事处" if st.name.endswith("街道") else "人民政府"
        candidates.append((f"{st.district.name}{st.name}{suffix}", "street", st.district, st, "民政"))
    for name, line, _, _ in DISTRICT_UNITS:
        for d in city.districts.values():
            full = f"共青团上海市{d.name}委员会" if name.startswith("共青团") else f"{d.name}{name}"
            candidates.append((full, "district", d, None, line))
    for name, line, _, _ in STREET_UNITS:
        for st in streets:
            candidates.append((f"{st.district.name}{st.name}{name}", "street", st.district, st, line))
    rows, pk = [], next_id(PurchaserUnit)
    for index, (name, level, district, street, line) in enumerate(candidates):
        if len(rows) >= need:
            break
        if name in existing:
            continue
        existing.add(name)
        area = district.code if district else "310000"
        rows.append(
            {
                "id": pk,
                "name": name,
                "level": level,
                "district_id": district.pk if district else None,
                "street_id": street.pk if street else None,
                "uscc": code(area, index),
                "business_line": line,
                "contact_person": city.person(rng),
                "contact_phone": city.phone(rng),
                "is_active": True,
                "created_at": aware(datetime.date(START_YEAR - 1, 12, 1), rng),
                "updated_at": aware(datetime.date(START_YEAR - 1, 12, 1), rng),
            }
        )
        pk += 1
    if len(rows) < need:
        sys.exit(f"only {len(rows)} purchaser unit names available, {need} needed")
    copy_rows(PurchaserUnit, rows)
    reset_sequences(PurchaserUnit)
    analyze(PurchaserUnit)
    timer.step("accounts_purchaserunit (购买主体)", len(rows))


def fill_organizations(city, rng, timer):
    from accounts.models import SeriousDishonestyEntry, SocialOrganization
    from accounts.validators import SOCIAL_ORG_CATEGORY, uscc_check_char

    need = TARGETS["organizations"] - SocialOrganization.objects.count()
    names = set(SocialOrganization.objects.values_list("name", flat=True))
    pick_type = Weighted(["service_agency", "social_group", "foundation"], [75, 20, 5])
    rows, entries = [], []
    pk, entry_pk = next_id(SocialOrganization), next_id(SeriousDishonestyEntry)
    for index in range(need):
        org_type = pick_type.pick(rng)
        district = city.pick_district.pick(rng)
        city_registered = org_type == "foundation" or rng.random() < 0.08
        while True:
            word, focus = rng.choice(ORG_WORDS), rng.choice(ORG_FOCUS)
            kind = rng.choice(ORG_KINDS[org_type])
            place = "" if city_registered else district.name
            name = f"上海市{place}{word}{focus}{kind}"
            if name not in names:
                break
        names.add(name)
        head = "5" + SOCIAL_ORG_CATEGORY[org_type] + ("310000" if city_registered else district.code)
        first17 = head + f"MA{index:07d}"
        specialty = city.pick_top.pick(rng)
        scope = "、".join(rng.sample(PHRASES[city.subs_of[specialty][0].code], 2))
        founded = datetime.date(rng.randint(1995, 2024), rng.randint(1, 12), rng.randint(1, 28))
        created = aware(
            datetime.date(rng.randint(START_YEAR - 1, city.today.year), rng.randint(1, 12), 1), rng
        )
        created = min(created, city.now)
        revoked = rng.random() < 0.02
        listed = not revoked and rng.random() < 0.003
        rows.append(
            {
                "id": pk,
                "name": name,
                "uscc": first17 + uscc_check_char(first17),
                "org_type": org_type,
                "registration_district_id": None if city_registered else district.pk,
                "district_id": district.pk,
                "founded_on": founded,
                "business_scope": f"开展{scope}等{city.subs_of[specialty][0].parent.name}，承接政府购买服务项目。",
                "contact_person": city.person(rng),
                "contact_phone": city.phone(rng),
                "contact_email": f"org{pk}@example.org.cn" if rng.random() < 0.6 else "",
                "address": f"上海市{district.name}{rng.choice(ROADS)}{rng.randint(1, 2000)}号",
                "registration_status": "revoked" if revoked else "active",
                "on_serious_list": listed,
                "created_at": created,
                "updated_at": created,
                "_specialty": specialty,
            }
        )
        if listed:
            entries.append(
                {
                    "id": entry_pk,
                    "organization_id": pk,
                    "listed_on": city.today - datetime.timedelta(days=rng.randint(10, 600)),
                    "reason": "年度检查中发现提供虚假材料，经查属实，列入严重失信名单。",
                }
            )
            entry_pk += 1
        pk += 1
    copy_rows(SocialOrganization, rows)
    copy_rows(SeriousDishonestyEntry, entries)
    reset_sequences(SocialOrganization, SeriousDishonestyEntry)
    analyze(SocialOrganization, SeriousDishonestyEntry)
    timer.step("accounts_socialorganization (社会组织)", len(rows))
    return {r["id"]: r["_specialty"] for r in rows}


class Orgs:
    """Eligible organizations by district, with a few winning most of the projects (Zipf)."""

    def __init__(self, rng, specialties):
        from accounts.models import SocialOrganization

        orgs = list(
            SocialOrganization.objects.filter(
                registration_status="active", on_serious_list=False
            ).values_list("pk", "district_id", "name")
        )
        rng.shuffle(orgs)
        self.name = {pk: name for pk, _, name in orgs}
        self.all = Weighted([pk for pk, _, _ in orgs], zipf(len(orgs), 0.9))
        by_district = {}
        for pk, district_id, _ in orgs:
            by_district.setdefault(district_id, []).append(pk)
        self.local = {d: Weighted(pks, zipf(len(pks), 0.9)) for d, pks in by_district.items()}
        self.specialty = specialties

    def pick(self, rng, district_id):
        if district_id in self.local and rng.random() < 0.75:
            return self.local[district_id].pick(rng)
        return self.all.pick(rng)


def demand_title(city, rng, sub, place, year):
    prefix = city.prefix.pick(rng).format(year=year)
    return f"{place}{prefix}{city.phrase[sub.code].pick(rng)}{city.suffix.pick(rng)}"[:100]


def fill_demands(city, rng, orgs, timer):
    from accounts.models import PurchaserUnit
    from demands.models import Demand
    from portal import search

    preferred = {}
    for table in (CITY_UNITS, DISTRICT_UNITS, STREET_UNITS):
        for _name, line, top, _weight in table:
            preferred[line] = top
    buyer_weight = {}
    for table in (CITY_UNITS, DISTRICT_UNITS, STREET_UNITS):
        for name, _line, _top, weight in table:
            buyer_weight[name] = weight
    # Each district's units together buy its Zipf share (city departments 6% of all); within a
    # district, 街道办事处/镇政府 and the 民政局 buy most, and units differ (log-normal).
    units = list(PurchaserUnit.objects.select_related("district", "street").order_by("pk"))
    raw = []
    for u in units:
        if u.name.endswith(("办事处", "人民政府")):
            w = 6
        elif u.name.endswith("民政局"):
            w = 12
        else:
            w = next((v for k, v in buyer_weight.items() if u.name.endswith(k)), 1)
        raw.append(w * rng.lognormvariate(0, 0.6))
    total_by_district = {}
    for u, w in zip(units, raw, strict=True):
        total_by_district[u.district_id] = total_by_district.get(u.district_id, 0) + w
    district_total = sum(city.district_weights.values())
    unit_weights = []
    for u, w in zip(units, raw, strict=True):
        share = (
            0.06 if u.district_id is None else 0.94 * city.district_weights[u.district.name] / district_total
        )
        unit_weights.append(share * w / total_by_district[u.district_id])
    pick_unit = Weighted(units, unit_weights)
    need = TARGETS["demands"] - Demand.objects.count()
    tokens = tokens_function(Demand)
    start_pk = next_id(Demand)
    execute('DROP INDEX IF EXISTS "demand_search_gin"')
    count = copy_rows(Demand, demand_rows(city, rng, orgs, pick_unit, preferred, need, start_pk, tokens))
    reset_sequences(Demand)
    analyze(Demand)
    timer.step("demands_demand (generate + COPY)", count)
    execute(search.add_vector_sql("demands_demand", "search_tokens", "demand_search_gin")[1])
    timer.step("  demand_search_gin (GIN index)", count)


def demand_rows(city, rng, orgs, pick_unit, preferred, need, first_pk, tokens):
    today, now = city.today, city.now
    for pk in range(first_pk, first_pk + need):
        unit = pick_unit.pick(rng)
        top = preferred.get(unit.business_line)
        if top and unit.business_line != "民政" and rng.random() < 0.7:
            sub = city.pick_sub_in[top].pick(rng)
        else:
            sub = city.pick_sub.pick(rng)
        district = unit.district or city.pick_district.pick(rng)
        year = city.pick_year.pick(rng)
        annual = rng.random() < 0.7
        approved = None
        while True:
            if annual:
                published_on = datetime.date(year, 1, 4) + datetime.timedelta(
                    days=int(rng.triangular(0, 160, 80))
                )
            else:
                approved = datetime.date(year, 2, 1) + datetime.timedelta(days=rng.randint(0, 300))
                published_on = approved + datetime.timedelta(
                    days=rng.choice([rng.randint(1, 20)] * 9 + [rng.randint(21, 45)])
                )
            if published_on <= today:
                break
            year = city.pick_year.pick(rng)
        published_at = aware(published_on, rng)
        start = published_on + datetime.timedelta(days=rng.randint(15, 60))
        end = start + datetime.timedelta(days=rng.choice([180, 364, 364, 364, 729]))
        budget = Decimal(min(990, max(20, int(rng.lognormvariate(5.3, 0.6))))) * 1000
        street = unit.street if unit.street_id and rng.random() < 0.85 else None
        place = street.name if street else (district.name if unit.district_id or rng.random() < 0.5 else "")
        roll = rng.random()
        status = "published"
        if roll < 0.02:
            status = "draft"
        elif roll < 0.05:
            status = "cancelled"
        elif start + datetime.timedelta(days=30) < today and roll < 0.93:
            status = "awarded"
            if end + datetime.timedelta(days=60) < today and roll < 0.85:
                status = "evaluated"
        elif start > today and roll < 0.25:
            status = "awarded"
        row = {
            "id": pk,
            "title": demand_title(city, rng, sub, place, year),
            "budget": budget,
            "category_id": sub.pk,
            "purchase_type_id": city.pick_type.pick(rng).pk,
            "service_targets": rng.choice(SERVICE_TARGETS),
            "district_id": district.pk,
            "street_id": street.pk if street else None,
            "period_start": start,
            "period_end": end,
            "contact_person": unit.contact_person or city.person(rng),
            "contact_phone": unit.contact_phone or city.phone(rng),
            "contact_email": "",
            "qualification": "；".join(rng.sample(QUALIFICATION_CLAUSES, rng.randint(2, 5))).format(
                n=rng.randint(1, 5), m=rng.randint(1, 4)
            )
            + "。",
            "other_info": rng.choice(OTHER_INFO),
            "year": year,
            "plan_type": "annual" if annual else "added",
            "budget_approved_on": approved,
            "orientation": "priority" if rng.random() < 0.8 else "open",
            "unit_id": unit.pk,
            "source": "本平台",
            "external_id": "",
            "status": status,
            "created_at": published_at - datetime.timedelta(days=rng.randint(0, 10)),
            "updated_at": published_at,
            "published_at": None if status == "draft" else published_at,
        }
        if status == "cancelled":
            row["cancelled_at"] = min(published_at + datetime.timedelta(days=rng.randint(3, 40)), now)
            row["cancel_reason"] = rng.choice(
                [
                    "因实施条件发生变化，本年度不再实施。",
                    "项目调整合并至其他项目实施。",
                    "预算调整，项目取消。",
                ]
            )
        if status in ("awarded", "evaluated"):
            awarded_on = min(published_on + datetime.timedelta(days=rng.randint(10, 45)), today)
            row["awarded_org_id"] = orgs.pick(rng, district.pk)
            row["award_amount"] = (budget * Decimal(rng.choice(["0.85", "0.9", "0.95", "1"]))).quantize(
                Decimal("1")
            )
            row["awarded_on"] = awarded_on
            row["awarded_at"] = min(aware(awarded_on + datetime.timedelta(days=rng.randint(0, 20)), rng), now)
            row["updated_at"] = row["awarded_at"]
        if status == "evaluated":
            grade, score = city.grade.pick(rng)
            evaluated_on = min(end + datetime.timedelta(days=rng.randint(5, 60)), today)
            row["eval_grade"] = grade
            row["eval_score"] = Decimal(score + rng.randint(-4, 4))
            row["eval_summary"] = "项目按计划实施，服务对象满意度较高，档案资料完整。"
            row["evaluated_on"] = evaluated_on
            row["evaluated_at"] = min(aware(evaluated_on, rng), now)
            row["updated_at"] = row["evaluated_at"]
        row["search_tokens"] = tokens(row)
        yield row


def fill_offerings(city, rng, orgs, timer):
    from accounts.models import PurchaserUnit, SocialOrganization
    from offerings.models import Offering
    from portal import search

    all_orgs = list(
        SocialOrganization.objects.filter(registration_status="active").values_list("pk", "district_id")
    )
    rng.shuffle(all_orgs)
    pick_org = Weighted(all_orgs, zipf(len(all_orgs), 0.6))
    district_code = {d.pk: d.code for d in city.districts.values()}
    district_name = {d.pk: d.name for d in city.districts.values()}
    codes = [d.code for d in city.districts.values()]
    unit_names = list(PurchaserUnit.objects.values_list("name", flat=True))
    need = TARGETS["offerings"] - Offering.objects.count()
    context = (pick_org, district_code, district_name, codes, unit_names, tokens_function(Offering))
    execute('DROP INDEX IF EXISTS "offering_search_gin"')
    count = copy_rows(Offering, offering_rows(city, rng, orgs, context, need, next_id(Offering)))
    reset_sequences(Offering)
    analyze(Offering)
    timer.step("offerings_offering (generate + COPY)", count)
    execute(search.add_vector_sql("offerings_offering", "search_tokens", "offering_search_gin")[1])
    timer.step("  offering_search_gin (GIN index)", count)


def offering_rows(city, rng, orgs, context, need, first_pk):
    pick_org, district_code, district_name, codes, unit_names, tokens = context
    today, now = city.today, city.now
    for pk in range(first_pk, first_pk + need):
        org_id, district_id = pick_org.pick(rng)
        top = orgs.specialty.get(org_id)
        sub = city.pick_sub_in[top].pick(rng) if top and rng.random() < 0.75 else city.pick_sub.pick(rng)
        brand = f"“{rng.choice(ORG_WORDS)}”" if rng.random() < 0.3 else ""
        title = f"{brand}{city.phrase[sub.code].pick(rng)}{city.offer_suffix.pick(rng)}".replace(
            "服务服务", "服务"
        )
        published_on = datetime.date(city.pick_year.pick(rng), 1, 1) + datetime.timedelta(
            days=rng.randint(0, 364)
        )
        published_on = min(published_on, today)
        published_at = aware(published_on, rng)
        roll = rng.random()
        status = "published" if roll < 0.85 else "withdrawn" if roll < 0.93 else "draft"
        citywide = rng.random() < 0.12
        area = []
        if not citywide:
            area = [district_code[district_id]] + rng.sample(codes, rng.choice([0, 0, 0, 1, 2]))
            area = list(dict.fromkeys(area))
        row = {
            "id": pk,
            "organization_id": org_id,
            "title": title[:100],
            "category_id": sub.pk,
            "summary": (
                f"项目由{rng.choice(OFFER_TEAMS)}组成的专业团队实施，采用{rng.choice(OFFER_METHODS)}的方式，"
                f"{rng.choice(OFFER_CONTENTS)}；重点开展{city.phrase[sub.code].pick(rng)}。"
                f"近三年累计服务{rng.randint(300, 20000)}人次，服务对象满意度保持在{rng.randint(88, 99)}%以上。"
            ),
            "service_targets": rng.choice(SERVICE_TARGETS).replace("辖区内", "").replace("辖区", "社区"),
            "citywide": citywide,
            "service_district_codes": ",".join(area),
            "contact_person": city.person(rng),
            "contact_phone": city.phone(rng),
            "contact_email": "",
            "previously_purchased": False,
            "purchaser_name": "",
            "implementation_place": "",
            "status": status,
            "created_at": published_at - datetime.timedelta(days=rng.randint(0, 5)),
            "updated_at": published_at,
            "published_at": None if status == "draft" else published_at,
        }
        if status == "withdrawn":
            row["withdrawn_at"] = min(published_at + datetime.timedelta(days=rng.randint(30, 400)), now)
            row["updated_at"] = row["withdrawn_at"]
        if rng.random() < 0.4:
            start = published_on - datetime.timedelta(days=rng.randint(200, 1500))
            row.update(
                previously_purchased=True,
                purchaser_name=rng.choice(unit_names),
                purchase_amount=Decimal(rng.randint(50, 900) * 1000),
                implementation_place=f"上海市{district_name[district_id]}",
                implementation_start=start,
                implementation_end=start + datetime.timedelta(days=364),
            )
        row["search_tokens"] = tokens(row)
        yield row


def fill_directory(city, rng, timer):
    """Editions 2022–2024 published (seed_demo publishes last year's and opens this year's), each with
    a growing number of members, some rejected applications, and this year's still in review."""
    from accounts.models import Role, SocialOrganization, User
    from directory.models import Application, Edition, ReviewStep
    from offerings.models import Offering

    city_admin = User.objects.filter(role=Role.CITY_ADMIN).order_by("pk").first()
    admins = {u.district_id: u.pk for u in User.objects.filter(role=Role.DISTRICT_ADMIN).order_by("-pk")}
    missing = [d for d in city.districts.values() if d.pk not in admins]
    for d in missing:
        u = User(
            username=f"bench_admin_{d.code}",
            role=Role.DISTRICT_ADMIN,
            district=d,
            is_staff=True,
            must_change_password=False,
        )
        u.set_unusable_password()
        u.full_name = f"{d.name}管理员"
        admins[d.pk] = u
    if missing:
        User.objects.bulk_create([admins[d.pk] for d in missing])
        admins = {u.district_id: u.pk for u in User.objects.filter(role=Role.DISTRICT_ADMIN).order_by("-pk")}

    requirements = "在本市民政部门登记、近两年年检合格、未被列入严重失信名单的社会组织，可从已发布项目中挑选1至2个作为佐证。"
    for year in range(START_YEAR, city.today.year - 1):
        Edition.objects.get_or_create(
            year=year,
            defaults=dict(
                starts_on=datetime.date(year, 5, 1),
                deadline=datetime.date(year, 6, 30),
                requirements=requirements,
                status="published",
                published_at=datetime.datetime(year, 11, 15, 10, tzinfo=TZ),
            ),
        )
    editions = {e.year: e for e in Edition.objects.all()}
    offers = {}
    for org_id, offer_id in (
        Offering.objects.filter(
            status="published",
            organization__registration_status="active",
            organization__on_serious_list=False,
        )
        .order_by("organization_id", "pk")
        .values_list("organization_id", "pk")
    ):
        offers.setdefault(org_id, []).append(offer_id)
    registration = dict(SocialOrganization.objects.values_list("pk", "registration_district_id"))
    candidates = sorted(offers)
    taken = set(Application.objects.values_list("edition_id", "organization_id"))
    plan = {START_YEAR: 600, START_YEAR + 1: 800, START_YEAR + 2: 1000, city.today.year - 1: 1200}
    app_rows, evidence_rows, step_rows = [], [], []
    app_pk, step_pk = next_id(Application), next_id(ReviewStep)
    for year, edition in sorted(editions.items()):
        members = plan.get(year, 0)
        collecting = edition.status != "published"
        total = min(500 if collecting else int(members * 1.3), len(candidates))  # small scales
        chosen = rng.sample(candidates, total)
        for index, org_id in enumerate(chosen):
            if (edition.pk, org_id) in taken:
                continue
            district_id = registration[org_id]
            submitted = aware(datetime.date(year, 5, 1) + datetime.timedelta(days=rng.randint(0, 59)), rng)
            submitted = min(submitted, city.now)
            if collecting:
                status = rng.choice(["district", "district", "city"]) if district_id else "city"
            else:
                status = "approved" if index < members else "rejected"
            decided = None
            if status in ("approved", "rejected"):
                decided = aware(datetime.date(year, 9, 1) + datetime.timedelta(days=rng.randint(0, 60)), rng)
            app_rows.append(
                {
                    "id": app_pk,
                    "edition_id": edition.pk,
                    "organization_id": org_id,
                    "statement": "本机构长期扎根社区，服务规范，项目成效得到购买主体和服务对象认可。",
                    "recommendation_form": "",
                    "form_original_name": "",
                    "form_extension": "",
                    "status": status,
                    "review_district_id": district_id,
                    "created_at": submitted,
                    "submitted_at": submitted,
                    "decided_at": decided,
                }
            )
            for offer_id in offers[org_id][: rng.choice([1, 2, 2])]:
                evidence_rows.append({"application_id": app_pk, "offering_id": offer_id})
            if district_id and status in ("city", "approved", "rejected"):
                step_rows.append(
                    {
                        "id": step_pk,
                        "application_id": app_pk,
                        "action": "pass",
                        "opinion": "材料齐全，同意报送市民政局。",
                        "by_id": admins[district_id],
                        "at": submitted + datetime.timedelta(days=20),
                    }
                )
                step_pk += 1
            if decided:
                step_rows.append(
                    {
                        "id": step_pk,
                        "application_id": app_pk,
                        "action": "approve" if status == "approved" else "reject",
                        "opinion": "专业能力突出，同意入选。"
                        if status == "approved"
                        else "佐证项目不足以体现专业能力。",
                        "by_id": city_admin.pk,
                        "at": decided,
                    }
                )
                step_pk += 1
            app_pk += 1
    copy_rows(Application, app_rows)
    from django.db import connection

    through = Application.evidence.through
    with connection.cursor() as cursor:
        with cursor.copy(f'COPY "{through._meta.db_table}" (application_id, offering_id) FROM STDIN') as copy:
            for row in evidence_rows:
                copy.write_row([row["application_id"], row["offering_id"]])
    copy_rows(ReviewStep, step_rows)
    reset_sequences(Application, ReviewStep, through)
    analyze(Application, ReviewStep, through)
    timer.step("directory (applications)", len(app_rows))
    timer.step("  evidence + review steps", len(evidence_rows) + len(step_rows))


def check(timer):
    """The rows search finds are the rows that contain the words; tokens match the models' own."""
    from demands import selectors
    from demands.models import Demand
    from offerings.models import Offering

    for model in (Demand, Offering):
        sample = list(model.objects.order_by("?")[:2000])
        bad = [o.pk for o in sample if o.build_search_tokens() != o.search_tokens]
        if bad:
            sys.exit(f"{model.__name__}: search_tokens differ from build_search_tokens() for {bad[:5]}")
    base = selectors.public_demands()
    lines = []
    for q in ("养老", "社区服务", "渐冻症", "心理健康"):
        found = selectors.demands_search(base, q).count()
        from django.db.models import Q

        cond = Q()
        for f in Demand.SEARCH_FIELDS + Demand.SEARCH_NAMES:  # names joined here, not looked up
            cond |= Q(**{f"{f}__contains": q})
        expected = base.filter(cond).count()
        if found != expected:
            sys.exit(f"search {q}: {found} found, {expected} contain it")
        lines.append(f"{q} {found:,}")
    print("  search check (index = substring):", "; ".join(lines))
    timer.step("checks", 0)


def summary():
    from django.db import connection
    from django.db.models import Count

    from accounts.models import PurchaserUnit, SocialOrganization
    from demands.models import Demand
    from directory.models import Application
    from offerings.models import Offering

    print(
        "totals: "
        f"{SocialOrganization.objects.count():,} organizations, {PurchaserUnit.objects.count():,} purchaser units, "
        f"{Demand.objects.count():,} demands, {Offering.objects.count():,} offers, "
        f"{Application.objects.filter(status='approved').count():,} directory members"
    )
    top = Demand.objects.values("district__name").annotate(n=Count("pk")).order_by("-n")[:4]
    print("demands by district (top 4): " + ", ".join(f"{r['district__name']} {r['n']:,}" for r in top))
    top = Demand.objects.values("category__parent__name").annotate(n=Count("pk")).order_by("-n")[:4]
    print(
        "demands by category (top 4): " + ", ".join(f"{r['category__parent__name']} {r['n']:,}" for r in top)
    )
    by_year = Demand.objects.values("year").annotate(n=Count("pk")).order_by("year")
    print("demands by year: " + ", ".join(f"{r['year']} {r['n']:,}" for r in by_year))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cursor.fetchone()[0]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL,
        help="PostgreSQL database to (re)create (default: $BENCH_DATABASE_URL or %(default)s)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="do nothing if the database exists already (no drop)"
    )
    parser.add_argument(
        "--scale",
        type=parse_scale,
        default=parse_scale(os.environ.get("BENCH_SCALE") or DEFAULT_SCALE),
        help="number of demands: 10k, 100k (default, or $BENCH_SCALE), 1M; offers are half of it",
    )
    args = parser.parse_args()
    set_scale(args.scale)
    print(f"scale: {TARGETS['demands']:,} demands, {TARGETS['offerings']:,} offers")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("the city-scale data set needs PostgreSQL (a postgres:// URL)")

    started = time.perf_counter()
    if not prepare_database(args.database_url, args.keep):
        print("database exists; --keep given, nothing to do")
        return
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    timer = Timer()
    call_command("migrate", verbosity=0)
    execute("SET maintenance_work_mem = '256MB'")  # this session's GIN builds
    call_command("createcachetable", verbosity=0)
    timer.step("migrate", 0)
    # The demo logins' passwords are hashed with 1,000 PBKDF2 iterations instead of Django's 1,000,000
    # (12 logins: ~10 s saved on a busy machine). The iteration count is stored in each hash, so they
    # verify with the normal settings, and Django re-hashes each at its first login.
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    with (
        mock.patch.object(PBKDF2PasswordHasher, "iterations", 1000),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        call_command("seed_demo")
    timer.step("seed_demo (demo logins and records)", 0)

    # Each COPY commits on its own (autocommit): foreign keys are checked at its end, and the
    # database is recreated from scratch by the next run anyway.
    rng = random.Random(SEED)
    city = City(rng)
    fill_streets(city, rng, timer)
    fill_units(city, rng, timer)
    specialties = fill_organizations(city, rng, timer)
    orgs = Orgs(rng, specialties)
    fill_demands(city, rng, orgs, timer)
    fill_offerings(city, rng, orgs, timer)
    with transaction.atomic():
        fill_directory(city, rng, timer)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timer.step("VACUUM ANALYZE", 0)
    check(timer)
    summary()
    print(f"bench data ready in {time.perf_counter() - started:.1f} s: {args.database_url}")


if __name__ == "__main__":
    main()
