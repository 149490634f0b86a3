"""`shequ province CONFIG_URI`: a province-sized tree for benchmarks, reused between runs.

100 counties × 15 townships/streets × 10 communities/villages (15,000) and ≥ 500,000 items
(services, notices, documents, duty lists, volunteer teams and activities, a week of duty
roster per community), with Chinese titles from a few templates. Items are written straight
through the content classes (`Container.add`), in one transaction per township, without the
audit log and search journal of the normal write path; the derived data the site reads
(section indexes, newest notices below, services' pinyin keys) is built as the normal path
would, so the result is a valid tree the site serves. Only one county (the first, or
`--index-county`) is indexed in Whoosh.

A `province.json` beside Data.fs records the counts, the time taken, the size and sample
pages (bench/pages.py reads it); a finished tree with the same counts is reused, an
interrupted one resumes after the last finished county.
"""
import json
import math
import os
import random
import sys
import time
from datetime import date, timedelta
from urllib.parse import urlsplit

from ..clock import utcnow
from ..content import PUBLISHED
from ..content.ordering import build_section_index
from ..documents import Document
from ..duties import DutyList
from ..duties.roster import Roster
from ..duties.schema import KINDS as DUTY_KINDS
from ..notices import Notice
from ..notices.below import note_subtree
from ..services import Service
from ..tree import Section, Tenant
from ..volunteers import VolunteerActivity, VolunteerTeam
from . import app_env, command, progress

MARKER = 'province.json'

PLACE = ['安', '宁', '平', '兴', '和', '丰', '永', '新', '清', '河', '山', '泉', '东', '西',
         '南', '北', '长', '青', '红', '金', '龙', '凤', '花', '石', '柳', '松', '桥', '源']
SERVICES = [
    ('最低生活保障申请', '社会救助'), ('特困人员救助供养申请', '社会救助'), ('临时救助申请', '社会救助'),
    ('老年人优待证办理', '养老服务'), ('高龄津贴申领', '养老服务'), ('居家养老服务补贴申请', '养老服务'),
    ('残疾人证办理', '残疾人服务'), ('残疾人两项补贴申请', '残疾人服务'), ('社会保障卡挂失补办', '社会保障'),
    ('城乡居民基本养老保险参保登记', '社会保障'), ('养老保险待遇资格认证', '社会保障'),
    ('城乡居民医疗保险参保缴费', '医疗保障'), ('异地就医备案', '医疗保障'), ('门诊慢特病待遇认定', '医疗保障'),
    ('就业失业登记', '就业创业'), ('创业担保贷款申请', '就业创业'), ('出生登记', '户籍证件'),
    ('户口迁移', '户籍证件'), ('居住证申领', '户籍证件'), ('家庭医生签约服务', '卫生健康'),
    ('公共租赁住房申请', '住房保障'), ('法律援助申请', '法律服务'), ('退役军人优待证申领', '退役军人'),
    ('耕地地力保护补贴申领', '农业农村'), ('义务教育新生入学登记', '教育'), ('社区活动室预约', '社区服务'),
    ('住房公积金提取', '公积金'), ('生育登记服务', '生育'), ('基本殡葬服务费用减免', '殡葬'),
    ('集中供热报停', '水电气暖'),
]
TOPICS = ['停水', '停电', '疫苗接种', '垃圾分类', '防汛值班', '志愿者招募', '医保缴费', '消防安全检查',
          '低保复核', '高龄津贴发放', '党员大会', '居民议事会', '环境整治', '冬季供暖', '人口普查']
NOTICE_CATEGORIES = ['通知公告', '居务公开', '财务公开', '党务公开', '活动预告']
DOCUMENTS = [('居民公约', 'convention'), ('村规民约', 'village_rules'), ('自治章程', 'charter'),
             ('会议制度', 'work_rules'), ('防汛应急预案', 'emergency_plan'), ('档案管理办法', 'other')]
ACTIVITIES = ['敬老院探访', '河道清洁', '文明交通劝导', '义诊', '图书整理', '反诈宣传', '垃圾分类督导']
# shares of a community's items by kind (the rest of the counts follow from --items)
SHARES = (('notice', 0.45), ('document', 0.19), ('service', 0.13), ('activity', 0.13),
          ('duty', 0.06), ('team', 0.04))


# slugs of each level differ, so a standard from above is never shadowed by a local item
LEVEL_PREFIX = {'county': 'x', 'township': 'z', 'street': 'z', 'community': '', 'village': ''}


def place_name(rng, n=2):
    return ''.join(rng.choice(PLACE) for _ in range(n))


class Builder:
    """Writes one county after another, one transaction per township."""

    def __init__(self, registry, args, rng):
        self.registry = registry
        self.args = args
        self.rng = rng
        self.now = utcnow()
        self.items = 0
        self.full = args.counties >= 100
        above = args.counties * ((40 + 30 + 20 + 4) if self.full else (3 + 2 + 1 + 4)) + \
            args.counties * args.townships * (20 if self.full else 3)
        communities = max(1, args.counties * args.townships * args.communities)
        per_community = math.ceil(max(0, args.items - above) / communities)
        self.per_community = {kind: max(1, round(per_community * share)) for kind, share in SHARES}
        short = per_community - sum(self.per_community.values())
        if short > 0:        # rounding down never leaves the tree below --items
            self.per_community['notice'] += short

    def when(self, days=730):
        return self.now - timedelta(seconds=self.rng.randrange(days * 86400))

    def add(self, section, name, item, published=True):
        created = self.when()
        item.created = item.modified = created
        if published:
            item.state = PUBLISHED
            if isinstance(item, Notice):
                item.published = created
        section.add(name, item, registry=self.registry)
        self.items += 1
        return item

    def tenant(self, parent, slug, kind, title):
        return parent.add(slug, Tenant(kind, title), registry=self.registry)

    # --- each kind ---

    def services(self, tenant, count, standard=False):
        section = tenant['services']
        offset = self.rng.randrange(len(SERVICES))
        for i in range(count):
            title, category = SERVICES[(offset + i) % len(SERVICES)]
            if i >= len(SERVICES):
                title = '%s（%d）' % (title, i // len(SERVICES) + 1)
            self.add(section, '%sfw%03d' % (LEVEL_PREFIX[tenant.kind], i), Service(
                title=title if standard else '%s%s' % (tenant.title[:4], title),
                category=category, standard=standard,
                summary='%s：符合条件的居民可向%s提出申请。' % (title, tenant.title),
                location='%s便民服务中心' % tenant.title, hours='工作日 8:30-17:00',
                phone='0456-%07d' % self.rng.randrange(10 ** 7),
                materials=({'name': '居民身份证', 'form': '原件'}, {'name': '户口簿', 'form': '复印件'}),
                steps=('提交申请', '审核', '办结'), keywords=(category,)))

    def notices(self, tenant, count):
        section = tenant['notices']
        for i in range(count):
            topic = self.rng.choice(TOPICS)
            when = self.when()
            self.add(section, 'tz%04d' % i, Notice(
                title='%s关于%s的通知（%d月%d日）' % (tenant.title, topic, when.month, when.day),
                category=self.rng.choice(NOTICE_CATEGORIES), pinned=(i == 0),
                body='<p>各位居民：%s工作将于近期开展，请相互转告，积极配合。</p><p>联系电话：'
                     '0456-%07d</p>' % (topic, self.rng.randrange(10 ** 7))))

    def documents(self, tenant, count):
        section = tenant['documents']
        for i in range(count):
            title, doc_type = DOCUMENTS[i % len(DOCUMENTS)]
            self.add(section, 'wj%03d' % i, Document(
                title='%s%s%s' % (tenant.title, title, '' if i < len(DOCUMENTS) else
                                  '（%d）' % (i // len(DOCUMENTS) + 1)),
                doc_type=doc_type, number='%s〔%d〕%d号' % (tenant.title[:2], 2020 + i % 6, i + 1),
                effective_date=date(2020 + i % 6, 1 + i % 12, 1), issuer=tenant.title))

    def duties(self, tenant, count, standard=False):
        section = tenant['duties']
        for i in range(count):
            kind = DUTY_KINDS[i % len(DUTY_KINDS)]
            self.add(section, '%sqd%02d' % (LEVEL_PREFIX[tenant.kind], i), DutyList(
                title='%s%s' % (tenant.title, kind), kind=kind, standard=standard,
                summary='%s的%s。' % (tenant.title, kind),
                items=tuple({'name': '%s第%d项' % (kind, n + 1), 'basis': '有关法律法规',
                             'responsible': tenant.title, 'form': '', 'note': ''}
                            for n in range(8))))

    def roster(self, tenant):
        section = tenant['duties']
        roster = Roster()
        roster.__parent__ = section
        section.roster = roster
        today = self.now.date()
        roster.update(days={(today + timedelta(days=d)).isoformat(): [
            {'start': '08:30', 'end': '17:30', 'name': '值班员%d' % (d + 1), 'post': '社区干部',
             'duty_phone': '0456-%07d' % self.rng.randrange(10 ** 7)}] for d in range(-3, 4)})

    def volunteers(self, tenant, teams, activities):
        section = tenant['volunteers']
        for i in range(teams):
            self.add(section, 'dui%02d' % i, VolunteerTeam(
                title='%s志愿服务队' % tenant.title if i == 0 else '%s第%d志愿服务队' % (tenant.title, i + 1),
                summary='为居民提供帮扶服务。', leader='队长', phone='0456-%07d' % self.rng.randrange(10 ** 7)))
        for i in range(activities):
            starts = self.now + timedelta(days=self.rng.randrange(-300, 60), hours=1)
            self.add(section, 'hd%03d' % i, VolunteerActivity(
                title='%s%s志愿服务活动' % (tenant.title, self.rng.choice(ACTIVITIES)),
                summary='欢迎居民报名参加。', team='dui00', starts=starts,
                ends=starts + timedelta(hours=3), place='%s活动室' % tenant.title, places=20))

    def community(self, township, slug, title, kind):
        tenant = self.tenant(township, slug, kind, title)
        n = self.per_community
        self.services(tenant, n['service'])
        self.notices(tenant, n['notice'])
        self.documents(tenant, n['document'])
        self.duties(tenant, n['duty'])
        self.roster(tenant)
        self.volunteers(tenant, n['team'], n['activity'])
        return tenant

    def county(self, root, number, tm, bar):
        rng = self.rng
        slug = 'xian%03d' % number
        county = self.tenant(root, slug, 'county', '%s县' % place_name(rng))
        full = self.full
        self.services(county, 40 if full else 3, standard=True)
        self.notices(county, 30 if full else 2)
        self.documents(county, 20 if full else 1)
        self.duties(county, 4, standard=True)
        for t in range(self.args.townships):
            street = t % 3 == 0
            township = self.tenant(county, 'zhen%02d' % (t + 1), 'street' if street else 'township',
                                   '%s%s' % (place_name(rng), '街道' if street else '镇'))
            self.services(township, 5 if full else 1)
            self.notices(township, 10 if full else 1)
            self.documents(township, 5 if full else 1)
            for c in range(self.args.communities):
                before = self.items
                self.community(township, 'cun%02d' % (c + 1),
                               '%s%s' % (place_name(rng), '社区' if street else '村'),
                               'community' if street else 'village')
                bar.update(self.items - before)
            finish(township)
            tm.commit()
        finish(county, walk=False)
        tm.commit()
        return county


def finish(tenant, walk=True):
    """The derived data the normal write path keeps: section indexes, notices below."""
    from ..tree import walk_tenants
    for node in [tenant] + (list(walk_tenants(tenant)) if walk else []):
        for section in node.values():
            if isinstance(section, Section):
                build_section_index(section)
    if walk:
        note_subtree(tenant, Notice)


def data_folder(settings):
    uri = settings.get('zodbconn.uri', '')
    if not uri.startswith('file://'):
        return None
    return os.path.dirname(urlsplit(uri).path)


def sample_pages(root, county_slug):
    """(name, path) of the pages bench/pages.py drives on this tree."""
    county = root[county_slug]
    township = county.tenants()[0]
    community = township.tenants()[0]
    base = '/%s/%s/%s/' % (county_slug, township.__name__, community.__name__)
    notice = next(iter(community['notices'].keys()))
    document = next(iter(community['documents'].keys()))
    guide = next(iter(county['services'].keys()))
    return [('root', '/'), ('county', '/%s/' % county_slug), ('community', base),
            ('catalogue', base + 'services/'), ('guide', base + 'services/' + guide),
            ('search', base + '@@search?q=低保'), ('county-notices', '/%s/notices/' % county_slug),
            ('notice', base + 'notices/' + notice), ('document', base + 'documents/' + document),
            ('search-json', base + '@@search.json?q=低保')]


def _arguments(sub):
    sub.add_argument('config_uri', help='配置文件（如 bench/province.ini）')
    sub.add_argument('--counties', type=int, default=100)
    sub.add_argument('--townships', type=int, default=15, help='每县乡镇/街道数')
    sub.add_argument('--communities', type=int, default=10, help='每个乡镇/街道的社区/村数')
    sub.add_argument('--items', type=int, default=500000, help='内容总数（至少）')
    sub.add_argument('--index-county', default=None, help='建立搜索索引的县（默认第一个）')
    sub.add_argument('--seed', type=int, default=14)


@command('province', '生成省级规模的测试数据树（性能测试用，已生成则复用）')
def cmd_province(args, parser):
    wanted = {'counties': args.counties, 'townships': args.townships,
              'communities': args.communities, 'items': args.items}
    with app_env(args.config_uri) as (registry, root, tm):
        folder = data_folder(registry.settings) or '.'
        marker_path = os.path.join(folder, MARKER)
        marker = {}
        if os.path.exists(marker_path):
            with open(marker_path, encoding='utf-8') as f:
                marker = json.load(f)
        if marker.get('complete') and marker.get('wanted') == wanted:
            tm.abort()
            print('省级数据树已存在，直接复用: %s（%d 个县，%d 项内容，%.0f MB）'
                  % (folder, args.counties, marker['items'], marker['size_mb']))
            return 0
        if marker.get('wanted') not in (None, wanted) or (not marker and len(root)):
            tm.abort()
            print('%s 已有不同的数据，请先删除该目录再生成。' % folder, file=sys.stderr)
            return 2
        done = marker.get('counties_done', 0)
        builder = Builder(registry, args, random.Random(args.seed))
        builder.rng.seed('%d-%d' % (args.seed, done))
        builder.items = marker.get('items', 0)
        started = time.time() - marker.get('seconds', 0)
        stale = 'xian%03d' % (done + 1)
        if stale in root:             # an interrupted county: build it again
            del root.data[stale]
            root._num.change(-1)
            tm.commit()
        total = builder.items + (args.counties - done) * (
            args.townships * args.communities * sum(builder.per_community.values()))
        with progress(total, '生成') as bar:
            bar.update(builder.items)
            for number in range(done + 1, args.counties + 1):
                builder.county(root, number, tm, bar)
                root._p_jar.cacheMinimize()    # keep memory flat: a county at a time
                marker = {'wanted': wanted, 'counties_done': number, 'items': builder.items,
                          'seconds': time.time() - started, 'complete': False}
                write_marker(marker_path, marker)
        county = args.index_county or 'xian001'
        from ..search import get_search
        indexer = get_search(registry).indexer
        indexed = indexer.count(root, '/' + county)
        t = time.time()
        with indexer.lock(), progress(indexed, '索引') as bar:
            indexer.rebuild(root, '/' + county, tick=bar.update)
        index_seconds = time.time() - t
        size = os.path.getsize(os.path.join(folder, 'Data.fs')) / 1e6 \
            if os.path.exists(os.path.join(folder, 'Data.fs')) else 0
        marker.update(complete=True, seconds=time.time() - started, size_mb=size,
                      indexed_county=county, indexed_docs=indexed, index_seconds=index_seconds,
                      pages=sample_pages(root, county))
        tm.abort()
        write_marker(marker_path, marker)
    print('已生成省级数据树: %d 个县、%d 个乡镇/街道、%d 个社区/村，%d 项内容；用时 %.0f 秒，'
          'Data.fs %.0f MB。只为 %s 建立了搜索索引（%d 项，%.0f 秒）。'
          % (args.counties, args.counties * args.townships,
             args.counties * args.townships * args.communities, marker['items'],
             marker['seconds'], marker['size_mb'], county, indexed, index_seconds))
    return 0


def write_marker(path, marker):
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(marker, f, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


cmd_province.arguments = _arguments
