"""The 推荐目录 to .xlsx: the whole published edition (with each member's 统一社会信用代码) and the
edition as filtered on its page (portal/listing_exports.py says what that one holds)."""

from portal.xlsx import ROW_CHUNK, Column, Sheet, file_response, to_bytes

NAME_COLUMN = Column("name", "社会组织名称", "text", 34)
MEMBER_COLUMNS = [
    NAME_COLUMN,
    Column("org_type", "组织类型", "text", 20),
    Column("authority", "登记管理机关", "text", 16),
    Column("district", "所在区", "text", 10),
    Column("evidence", "佐证项目", "text", 50),
    Column("categories", "项目类别", "text", 30),
]
# The whole edition's export adds the code after the name.
EDITION_COLUMNS = [NAME_COLUMN, Column("uscc", "统一社会信用代码", "text", 22), *MEMBER_COLUMNS[1:]]


def member_rows(qs):
    """One row per member of `qs` (applications with their evidence prefetched), keyed by column."""
    for app in qs.iterator(chunk_size=ROW_CHUNK):
        org = app.organization
        evidence = list(app.evidence.all())
        yield {
            "name": org.name,
            "uscc": org.uscc,
            "org_type": org.get_org_type_display(),
            "authority": org.registration_authority,
            "district": org.district.name,
            "evidence": "；".join(o.title for o in evidence),
            "categories": "；".join(str(o.category) for o in evidence),
        }


def members_sheets(qs, edition):
    return [Sheet("推荐目录", MEMBER_COLUMNS, member_rows(qs))], f"{edition.display_title}（筛选结果）.xlsx"


def members_response(qs, edition):
    return file_response(*members_sheets(qs, edition))


def edition_bytes(members):
    """The whole published edition `members` as one sheet, in one piece (small editions only: the
    rows are held as a list, so that the sheet states its size)."""
    return to_bytes([Sheet("推荐目录", EDITION_COLUMNS, list(member_rows(members)))])
