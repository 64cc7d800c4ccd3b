from django.conf import settings

# 第九条: the three main boards and the four auxiliary modules, in the header of every page.
NAV_ITEMS = [
    ("demands:list", "我要购买服务"),
    ("offerings:list", "我要提供服务"),
    ("directory:list", "推荐目录"),
    ("notices:policies", "政策法规"),
    ("notices:announcements", "公示公告"),
    ("notices:downloads", "资料下载"),
    ("notices:links", "友情链接"),
    ("dashboard:overview", "数据概览"),
]


def site(request):
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_HOTLINE": settings.PORTAL_HOTLINE,
        "PORTAL_CONTACT_EMAIL": settings.PORTAL_CONTACT_EMAIL,
        "NAV_ITEMS": NAV_ITEMS,
        "ELDER_MODE": request.COOKIES.get("elder") == "1",
    }
