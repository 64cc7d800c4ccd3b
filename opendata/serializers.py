"""Records as open data: what a visitor sees on the public pages, and nothing more.

Left out on purpose (R-ACC-4): every contact field (联系人, 电话, 邮箱, 地址 of demands, offers, units and
organizations), who created or changed a record, internal timestamps of data entry, the search
tokens, the change history, self-recommendation statements and files. The 统一社会信用代码 of units
and organizations is public registration data and is included, so records can be joined with other
registers. Amounts are strings with two decimals ("380000.00", 元) so no precision is lost; times
are ISO 8601 in Asia/Shanghai with their offset; dates are ISO 8601.
"""

from django.urls import reverse
from django.utils import timezone


def money(value):
    return None if value is None else f"{value:.2f}"


def moment(value):
    return None if value is None else timezone.localtime(value).replace(microsecond=0).isoformat()


def day(value):
    return None if value is None else value.isoformat()


def category(c):
    parent = c.parent
    return {
        "code": c.code,
        "name": c.name,
        "parent": {"code": parent.code, "name": parent.name} if parent else None,
        "label": str(c),
    }


def district(d):
    return None if d is None else {"code": d.code, "name": d.name}


def organization(org, *, members=None):
    data = {
        "name": org.name,
        "uscc": org.uscc,
        "org_type": org.org_type,
        "org_type_display": org.get_org_type_display(),
        "registration_authority": org.registration_authority,
    }
    if members is not None:
        data["directory_member"] = org.pk in members
    return data


class Serializer:
    """Turns records into dicts for one request (absolute links, the directory members, district names)."""

    def __init__(self, request, *, members=frozenset(), district_names=None, questions=None):
        self.request = request
        self.members = members
        self.district_names = district_names or {}
        self.questions = (
            questions or {}
        )  # demand id → its answered 公开答疑 (matching.questions.answered_for)

    def link(self, name, pk):
        return self.request.build_absolute_uri(reverse(name, args=[pk]))

    def org(self, org, **extra):
        """An organization with the address of its 社会组织主页."""
        return {**organization(org, **extra), "profile_url": self.link("matching:organization", org.pk)}

    def demand(self, d):
        unit = d.unit
        award = None
        if d.awarded_org_id:
            award = {
                "organization": self.org(d.awarded_org, members=self.members),
                "amount": money(d.award_amount),
                "awarded_on": day(d.awarded_on),
            }
        evaluation = None
        if d.eval_grade:
            evaluation = {
                "grade": d.eval_grade,
                "grade_display": d.get_eval_grade_display(),
                "score": money(d.eval_score),
                "summary": d.eval_summary,
                "evaluated_on": day(d.evaluated_on),
            }
        cancellation = None
        if d.status == "cancelled":
            cancellation = {"cancelled_at": moment(d.cancelled_at), "reason": d.cancel_reason}
        return {
            "id": d.pk,
            "url": self.link("demands:detail", d.pk),
            "api_url": self.link("opendata:v1:demand", d.pk),
            "title": d.title,
            "status": d.status,
            "status_display": d.get_status_display(),
            "source": d.source,
            "unit": {
                "name": unit.name,
                "uscc": unit.uscc,
                "level": unit.level,
                "level_display": unit.get_level_display(),
                "district": district(unit.district),
                "profile_url": self.link("matching:unit", unit.pk),
            },
            "budget": money(d.budget),
            "category": category(d.category),
            "purchase_type": {"code": d.purchase_type.code, "name": d.purchase_type.name},
            "orientation": d.orientation,
            "orientation_display": d.get_orientation_display(),
            "service_targets": d.service_targets,
            "district": district(d.district),
            "street": d.street.name if d.street_id else None,
            "period_start": day(d.period_start),
            "period_end": day(d.period_end),
            "year": d.year,
            "plan_type": d.plan_type,
            "plan_type_display": d.get_plan_type_display(),
            "budget_approved_on": day(d.budget_approved_on),
            "qualification": d.qualification,
            "other_info": d.other_info,
            "published_at": moment(d.published_at),
            "adjusted_at": moment(d.adjusted_at),
            "updated_at": moment(d.updated_at),
            "publish_deadline": day(d.publish_deadline),
            "published_on_time": d.published_on_time,
            "award_overdue": d.award_overdue,
            "evaluation_overdue": d.evaluation_overdue,
            "cancellation": cancellation,
            "award": award,
            "evaluation": evaluation,
            "questions": [
                {
                    "question": q.text,
                    "answer": q.answer,
                    "asked_at": moment(q.asked_at),
                    "answered_at": moment(q.answered_at),
                }
                for q in self.questions.get(d.pk, [])
            ],
        }

    def offering(self, o):
        purchase = None
        if o.previously_purchased:
            purchase = {
                "purchaser_name": o.purchaser_name,
                "amount": money(o.purchase_amount),
                "place": o.implementation_place,
                "start": day(o.implementation_start),
                "end": day(o.implementation_end),
            }
        districts = [{"code": c, "name": self.district_names.get(c, c)} for c in o.service_codes]
        return {
            "id": o.pk,
            "url": self.link("offerings:detail", o.pk),
            "api_url": self.link("opendata:v1:offering", o.pk),
            "title": o.title,
            "status": o.status,
            "status_display": o.get_status_display(),
            "organization": self.org(o.organization, members=self.members),
            "category": category(o.category),
            "summary": o.summary,
            "service_targets": o.service_targets,
            "service_area": {
                "citywide": o.citywide,
                "districts": [] if o.citywide else districts,
                "label": "全市" if o.citywide else "、".join(d["name"] for d in districts),
            },
            "previously_purchased": o.previously_purchased,
            "purchase": purchase,
            "published_at": moment(o.published_at),
            "updated_at": moment(o.updated_at),
        }

    def member(self, application):
        org = application.organization
        edition = application.edition
        removed = not application.is_member
        return {
            "id": application.pk,
            "status": "removed" if removed else "member",
            "status_display": "列入严重失信名单期间移出" if removed else "推荐目录成员",
            "updated_at": moment(getattr(application, "changed_at", None)),
            "year": edition.year,
            "edition_title": edition.display_title,
            "edition_url": self.request.build_absolute_uri(reverse("directory:edition", args=[edition.year])),
            "organization": {**self.org(org), "district": district(org.district)},
            "evidence": [
                {
                    "id": o.pk,
                    "title": o.title,
                    "category": category(o.category),
                    "url": self.link("offerings:detail", o.pk),
                }
                for o in ([] if removed else application.evidence.all())
            ],
        }
