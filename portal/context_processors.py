from django.conf import settings

# 第九条: the three main boards and the four auxiliary modules, in the header of every page.
# (URL name, label, whether only the exact address is "this page": /data/ is the public 数据概览,
# /data/dashboard/ is the administrators' 统计分析, not part of it).
NAV_ITEMS = [
    ("demands:list", "我要购买服务", False),
    ("offerings:list", "我要提供服务", False),
    ("directory:list", "推荐目录", False),
    ("notices:policies", "政策法规", False),
    ("notices:announcements", "公示公告", False),
    ("notices:downloads", "资料下载", False),
    ("notices:links", "友情链接", False),
    ("dashboard:overview", "数据概览", True),
]


def site(request):
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_HOTLINE": settings.PORTAL_HOTLINE,
        "PORTAL_CONTACT_EMAIL": settings.PORTAL_CONTACT_EMAIL,
        "NAV_ITEMS": NAV_ITEMS,
        "ELDER_MODE": request.COOKIES.get("elder") == "1",
        "CONTRAST_MODE": request.COOKIES.get("contrast") == "1",
    }
