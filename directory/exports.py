"""The public 推荐目录 as filtered, to .xlsx (portal/listing_exports.py says what it holds)."""

from portal.xlsx import ROW_CHUNK, Column, Sheet, file_response

MEMBER_COLUMNS = [
    Column("name", "社会组织名称", "text", 34),
    Column("org_type", "组织类型", "text", 20),
    Column("authority", "登记管理机关", "text", 16),
    Column("district", "所在区", "text", 10),
    Column("evidence", "佐证项目", "text", 50),
    Column("categories", "项目类别", "text", 30),
]


def member_rows(qs):
    for app in qs.iterator(chunk_size=ROW_CHUNK):
        org = app.organization
        evidence = list(app.evidence.all())
        yield {
            "name": org.name,
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
