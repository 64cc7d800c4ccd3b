"""URLs, readers and service shortcuts shared by the 内容监测 tests (R-SUP-1…3)."""

from inbox.models import Kind, Notification
from notices import services as notice_services
from notices.models import Article
from supervision import findings
from supervision.models import CreditRecord, Finding

LIST = "/supervision/findings/"


NEW = "/supervision/findings/new/"


def new_url(target_type, target_id):
    return f"{NEW}?type={target_type}&id={target_id}"


def finding_url(finding):
    return f"/supervision/findings/{finding.pk}/"


def finding_notes(user):
    return list(Notification.objects.filter(recipient=user, kind=Kind.FINDING).order_by("pk"))


def published_article(user, title):
    """An announcement saved and published by `user` through the notices services (setup)."""
    article = notice_services.item_save(
        item=Article(kind=Article.Kind.NOTICE, title=title, body="<p>公示内容</p>"), by=user
    )
    return notice_services.item_transition(item=article, by=user, action="publish")


def open_by_service(monitor, target_type, target, kind="false", description="服务对象人数与实际不符"):
    return findings.open_finding(
        by=monitor, target_type=target_type, target_id=target.pk, kind=kind, description=description
    )


def close_by_service(monitor, finding, result="confirmed", result_text="已责令整改并通报"):
    return findings.close_finding(finding=finding, by=monitor, result=result, result_text=result_text)


def snapshot(finding):
    """The stored finding, its history length and the credit records: equal before and after a refusal."""
    return (
        Finding.objects.filter(pk=finding.pk).values().get(),
        finding.history.count(),
        list(CreditRecord.objects.values()),
    )


def record_row(model, pk):
    return model.objects.filter(pk=pk).values().get()
