"""Packaging for shequ, the county → township → community service site."""
from setuptools import find_packages, setup

requires = [
    'pyramid>=2.0,<3',
    'pyramid_chameleon>=0.3,<1',
    'pyramid_tm>=2.5,<3',
    'pyramid_retry>=2.1,<3',
    'pyramid_zodbconn>=0.8,<1',
    'zodburi>=2.5,<4',
    'ZODB>=5.8,<7',
    'transaction>=3,<6',
    'deform>=2.0.15,<4',
    'colander>=2,<3',
    'Whoosh-Reloaded==2.7.5',
    'jieba>=0.42,<0.43',
    'rjieba>=0.2,<0.3',
    'pypinyin>=0.50,<1',
    'opencc-python-reimplemented>=0.1.7,<0.2',
    'waitress>=3,<4',
    'PyYAML>=6,<7',
    'tqdm>=4.60,<5',
    'argon2-cffi>=23,<26',
    'nh3>=0.2.17,<0.4',
    'Babel>=2.12,<3',
    'segno>=1.6,<2',
    'openpyxl>=3.1,<4',
    'pypdf>=4,<8',
    'python-docx>=1.1,<2',
    'feedgen>=1.0,<2',
    'rapidfuzz>=3.9,<4',
    'icalendar>=6,<8',
    'pyramid_mailer>=0.15,<0.16',
    'dogpile.cache>=1.3,<2',      # the anonymous page cache (shequ.pagecache)
    'cachetools>=5,<9',           # its bounded in-process LRU
    'redis>=5,<8',                # shequ.page_cache = redis://…
    'pymemcache>=4,<5',           # shequ.page_cache = memcached://…
]

testing = [
    'WebTest>=3,<4',
    'pytest>=8,<10',
    'pytest-xdist>=3,<4',
    'zxing-cpp>=2.2,<4',
    'Pillow>=10,<14',
    'playwright>=1.45,<2',
    'lingua>=4.15,<5',
    'cairosvg>=2.7,<3',
    'axe-playwright-python>=0.1.8,<0.2',   # bundles axe-core's axe.min.js: no CDN
    'chinese-calendar>=1.11,<2',           # cross-checks config/holidays.yaml
    'hypothesis>=6.100,<7',               # property-based fuzz tests of forms and JSON
    'time-machine>=2.10,<4',      # moves the clock for the page cache's publish/expiry tests
]

# several app servers on one database (production.ini, README "Deployment"): ZEO for a
# small cluster, RelStorage on PostgreSQL with psycopg2, the driver its `postgresql` extra
# installs on CPython (built from source: needs libpq-dev, which Debian's postgresql brings)
scale = [
    'ZEO>=6,<7',
    'RelStorage[postgresql]>=4.1,<5',
    'psycopg2>=2.9,<3',
]

setup(
    name='shequ',
    version='0.1.0',
    description='shequ: service catalogue and notices for county, township and community governments',
    package_dir={'': 'src'},
    packages=find_packages('src'),
    include_package_data=True,
    zip_safe=False,
    python_requires='>=3.11',
    install_requires=requires,
    extras_require={'testing': testing, 'scale': scale},
    entry_points={
        'paste.app_factory': ['main = shequ:main'],
        'console_scripts': ['shequ = shequ.cli:main'],
    },
)
