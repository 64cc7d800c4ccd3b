"""数据对接 (R-INT-1, R-DEM-6): projects kept on another platform — the finance department's
政府购买服务管理平台, a district system — taken in from a JSON or .xlsx file by
`python manage.py import_external_projects FILE --source 来源名称 [--dry-run]`.

The file format is documented in docs/external-import.md; `FIELDS` below is its one definition.

How a run goes:
1. The whole file is read and every value parsed the way `portal/excel.py` parses cells typed by
   people (amounts, dates, numbers). A problem with the file itself (not JSON, not a real .xlsx,
   missing or unknown columns) stops the run before anything is looked at: `ImportFileError`.
2. Every record is mapped to the platform's reference data (项目类别, 购买服务类型, 区, 街镇) and
   subjects (购买主体, 承接社会组织) by exact name or code only: an unmapped value is reported with
   the record's row/number, the field and the value, never guessed. Then it passes `Demand.clean()`
   (第四条 scope rules, confidentiality) like a demand typed on the site.
3. The plan is written through a django-import-export resource (`external_resource.py`), like the
   two Excel imports: keyed by (source, external id), in one transaction, a dry run writing
   nothing. A record with any problem is an invalid row (reported, not written); a record equal to
   what is stored is skipped, so a second run of the same file writes nothing and adds no history.
   A record published on this platform (source 本平台) is never touched.

The file's format and reading are in `external_file.py`, the report in `external_report.py`.
"""

import copy
from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import PurchaserUnit, SocialOrganization
from accounts.validators import is_valid_uscc, normalize_uscc
from portal import confidentiality, excel, transitions
from portal.errors import ServiceError
from portal.import_widgets import ReferenceData

from . import external_resource, services
from .external_file import (  # noqa: F401 (FIELDS, SPECS, xlsx_from_json: the command's and tests' names)
    AWARD_KEYS,
    CANCEL_KEYS,
    COMPARED,
    ECHOED,
    EVAL_KEYS,
    FIELD_ORDER,
    FIELDS,
    FOREIGN_KEYS,
    GRADE_TABLE,
    IMPORT_STATUSES,
    MODEL_TO_KEY,
    ORIENTATION_TABLE,
    PLAN_TABLE,
    SPECS,
    STATUS_TABLE,
    ImportFileError,
    _aware,
    _chinese,
    _label,
    _norm,
    _shown,
    check_source,
    parse_datetime,
    read_file,
    xlsx_from_json,
)
from .external_report import CREATE, REJECTED, UNCHANGED, UPDATE, Outcome, Report, _display, _value
from .models import PLATFORM_SOURCE, Demand, Orientation, PlanType, Status

# The purchaser's fields a record gives by name or label (looked up or chosen in `_build`).
CHOSEN = {"category", "purchase_type", "district", "street", "orientation", "plan_type"}


class _Lookups(ReferenceData):
    """The platform's reference data (the one lookup every import uses) and its subjects."""

    def __init__(self):
        self._units = None
        self._orgs = None

    @staticmethod
    def _index(rows):
        by_code, by_name = {}, {}
        for row in rows:
            by_code[normalize_uscc(row.uscc)] = row
            by_name.setdefault(_norm(row.name), []).append(row)
        return by_code, by_name

    def units(self):
        if self._units is None:
            self._units = self._index(PurchaserUnit.objects.only("pk", "name", "uscc", "is_active"))
        return self._units

    def organizations(self):
        if self._orgs is None:
            self._orgs = self._index(
                SocialOrganization.objects.only(
                    "pk", "name", "uscc", "registration_status", "on_serious_list"
                )
            )
        return self._orgs


def _subject(values, name_key, code_key, index, what, errors):
    """A purchaser unit or organization named by 名称 or 统一社会信用代码 (or both, which must agree)."""
    by_code, by_name = index
    found = {}
    for key in (name_key, code_key):
        value = values.get(key)
        if value is None:
            continue
        code = normalize_uscc(value)
        if key == code_key or is_valid_uscc(code):
            if key == code_key and not is_valid_uscc(code):
                errors[key] = f"“{value}”不是有效的统一社会信用代码"
                continue
            row = by_code.get(code)
            if row is None:
                errors[key] = f"本平台没有统一社会信用代码为“{code}”的{what}（须先在本平台开通）"
                continue
        else:
            rows = by_name.get(_norm(value), [])
            if not rows:
                errors[key] = (
                    f"本平台没有名称为“{value}”的{what}：名称须与本平台登记的名称一致，或改填统一社会信用代码"
                )
                continue
            if len(rows) > 1:
                errors[key] = f"本平台有 {len(rows)} 个名为“{value}”的{what}，请改填统一社会信用代码"
                continue
            row = rows[0]
        found[key] = row
    if len({row.pk for row in found.values()}) > 1:
        errors[code_key] = f"与“{_label(name_key)}”指向本平台不同的{what}，请核对"
        return None
    return next(iter(found.values()), None)


class ExternalImport:
    """Plans and applies one file's records for one source."""

    def __init__(self, *, source, file_name="", now=None):
        self.source = check_source(source)
        self.file_name = file_name
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)

    @property
    def reason_suffix(self):
        return f"（来源：{self.source}" + (f"，文件 {self.file_name}）" if self.file_name else "）")

    # ---- planning ------------------------------------------------------------------------

    def plan(self, records, *, lock=False):
        declared = getattr(records, "declared_source", None)
        if declared is not None and _norm(declared) != _norm(self.source):
            raise ImportFileError(
                f"文件声明的来源是“{declared}”，与 --source “{self.source}”不一致，未导入。"
            )
        lookups = _Lookups()
        outcomes = [Outcome(record=r, external_id=r.values.get("external_id") or "") for r in records]
        ids = [o.external_id for o in outcomes if o.external_id]
        counts = Counter(ids)
        places = {}
        for o in outcomes:
            if counts[o.external_id] > 1:
                places.setdefault(o.external_id, []).append(o.record.where)

        existing = {}
        platform = {}
        for chunk in _chunks(sorted(set(ids)), 500):
            qs = Demand.objects.filter(source=self.source, external_id__in=chunk).select_related(
                "category__parent", "purchase_type", "district", "street__district", "unit", "awarded_org"
            )
            if lock:
                qs = qs.select_for_update(of=("self",))
            existing.update({d.external_id: d for d in qs})
            platform.update(
                Demand.objects.filter(source=PLATFORM_SOURCE, external_id__in=chunk).values_list(
                    "external_id", "pk"
                )
            )

        for o in outcomes:
            errors = dict(o.record.errors)
            if o.external_id and counts[o.external_id] > 1:
                others = [where for where in places[o.external_id] if where != o.record.where]
                errors.setdefault(
                    "external_id",
                    f"“{o.external_id}”在本文件中出现了多次（{'、'.join(others)}），无法确定以哪一条为准",
                )
            if o.external_id in platform:
                errors.setdefault(
                    "external_id",
                    f"与本平台发布的需求（编号 {platform[o.external_id]}）的来源系统编号相同；"
                    "本平台发布的需求不能被导入覆盖",
                )
            self._build(o, errors, existing.get(o.external_id), lookups)

        self._refuse_platform_duplicates(outcomes)
        return outcomes

    def _build(self, o, errors, current, lookups):
        v = o.record.values
        o.title = v.get("title") or ""
        new = {}

        # Reference data and subjects: exact names or codes only.
        for key, lookup in (
            ("category", lookups.category),
            ("purchase_type", lookups.purchase_type),
            ("district", lookups.district),
        ):
            if v.get(key) is not None and key not in errors:
                try:
                    new[key] = lookup(v[key])
                except ValueError as exc:
                    errors[key] = str(exc)
        new["street"] = None
        if v.get("street") is not None and "street" not in errors:
            if new.get("district") is None:
                if "district" not in errors:
                    errors["street"] = "填写街镇时须同时填写服务区域（区）"
            else:
                try:
                    new["street"] = lookups.street(v["street"], new["district"])
                except ValueError as exc:
                    errors["street"] = str(exc)
        if v.get("unit") is None and v.get("unit_uscc") is None:
            if "unit" not in errors and "unit_uscc" not in errors:
                errors["unit"] = "必填：请填写购买主体名称或统一社会信用代码"
        else:
            unit = _subject(v, "unit", "unit_uscc", lookups.units(), "购买主体", errors)
            if unit is not None and not unit.is_active:
                errors["unit"] = f"购买主体“{unit.name}”在本平台已停用"
            new["unit"] = unit

        # Choices typed as their Chinese label or their stored value.
        for key, table, default in (
            ("orientation", ORIENTATION_TABLE, Orientation.PRIORITY),
            ("plan_type", PLAN_TABLE, PlanType.ANNUAL),
            ("status", STATUS_TABLE, Status.PUBLISHED),
        ):
            value = v.get(key)
            if value is None:
                new[key] = default
                continue
            found = table.get(_norm(value))
            if found is None:
                labels = "、".join(str(label) for value_, label in _choices(key))
                errors[key] = f"“{value}”不是可选的值，只能填写：{labels}"
            else:
                new[key] = found
        status = new.get("status")
        if status == Status.DRAFT:
            errors["status"] = "草稿不导入：只导入来源系统中已发布的项目"
            status = None

        # The rest of the purchaser's fields, as typed.
        for key in (f for f in Demand.EDITABLE_FIELDS if f not in CHOSEN):
            value = v.get(key)
            if value is None and Demand._meta.get_field(key).empty_strings_allowed:
                value = ""
            new[key] = value

        # 发布时间: from the file, else what is stored, else now.
        if v.get("published_at") is not None:
            try:
                new["published_at"] = parse_datetime(v["published_at"])
            except ValueError as exc:
                errors["published_at"] = _chinese(exc)
            else:
                if new["published_at"] > self.now:
                    errors["published_at"] = "发布时间不能晚于当前时间"
        if "published_at" not in new:
            new["published_at"] = current.published_at if current and current.published_at else self.now

        self._lifecycle(v, new, status, current, errors, lookups)

        action = services.import_action(status) if status is not None else None
        if current is not None and action is not None:
            try:
                transitions.check(services.IMPORT_TABLE, current, action)
            except ServiceError as exc:
                errors["status"] = exc.message

        if current is None:
            demand = Demand(source=self.source, external_id=o.external_id)
        else:
            demand = copy.copy(current)  # its own field cache: `current` keeps the stored values
        del new["status"]  # set by the data link's own transitions below, or refused
        for name, value in new.items():
            setattr(demand, name, value)
        if action is not None and "status" not in errors:
            transitions.apply(services.IMPORT_TABLE, demand, action, by=None, save=False)
        self._model_errors(demand, errors)

        o.problems = [
            self._problem(key, message, o.record)
            for key, message in sorted(errors.items(), key=lambda item: FIELD_ORDER.get(item[0], -1))
        ]
        if o.problems:
            o.action = REJECTED
            return
        o.demand = demand
        if current is None:
            o.action = CREATE
            return
        o.changes = [
            (name, _display(current, name), _display(demand, name))
            for name in COMPARED
            if _value(current, name) != _value(demand, name)
        ]
        o.action = UPDATE if o.changes else UNCHANGED

    def _lifecycle(self, v, new, status, current, errors, lookups):
        """承接、评价、取消: what each status needs, checked as the platform's own services check them."""
        given = {key for key in (*AWARD_KEYS, *EVAL_KEYS, *CANCEL_KEYS) if v.get(key) is not None}
        needs = {
            Status.PUBLISHED: (),
            Status.AWARDED: AWARD_KEYS,
            Status.EVALUATED: AWARD_KEYS + EVAL_KEYS,
            Status.CANCELLED: CANCEL_KEYS,
        }.get(status)
        new.update(
            awarded_org=None,
            award_amount=None,
            awarded_on=None,
            eval_grade="",
            eval_score=None,
            eval_summary="",
            evaluated_on=None,
            cancel_reason="",
            cancelled_at=None,
        )
        if needs is None:
            return
        label = Status(status).label
        for key in sorted(given - set(needs), key=FIELD_ORDER.get):
            errors.setdefault(key, f"状态为“{label}”时不应填写")
        for key in needs:
            if key in ("awarded_org", "awarded_org_uscc", "cancelled_on"):
                continue
            if v.get(key) is None:
                errors.setdefault(key, f"状态为“{label}”时必填")

        if status in (Status.AWARDED, Status.EVALUATED):
            if v.get("awarded_org") is None and v.get("awarded_org_uscc") is None:
                errors.setdefault("awarded_org", f"状态为“{label}”时必填：承接社会组织名称或统一社会信用代码")
            else:
                org = _subject(
                    v, "awarded_org", "awarded_org_uscc", lookups.organizations(), "社会组织", errors
                )
                new["awarded_org"] = org
                changed_org = current is None or current.awarded_org_id != getattr(org, "pk", None)
                if org is not None and changed_org and not org.is_eligible:
                    errors["awarded_org"] = (
                        f"{org.name}目前不具备承接资格（{org.credit_status}），不能录入为承接方（《管理和使用办法》第八条）"
                    )
            amount, awarded_on = v.get("award_amount"), v.get("awarded_on")
            new["award_amount"], new["awarded_on"] = amount, awarded_on
            budget = v.get("budget")
            if amount is not None:
                if amount <= 0:
                    errors.setdefault("award_amount", "成交金额必须大于 0 元")
                elif budget is not None and amount > budget:
                    errors.setdefault("award_amount", f"成交金额不能超过项目预算（{budget:,.2f} 元）")
            if v.get("published_at") is None and not (current and current.published_at):
                errors.setdefault("published_at", f"状态为“{label}”时必填（确定承接日期不能早于发布时间）")
            elif awarded_on is not None and "published_at" not in errors:
                published_on = timezone.localdate(new["published_at"])
                if awarded_on < published_on:
                    errors.setdefault(
                        "awarded_on", f"确定承接日期不能早于发布日期（{published_on:%Y-%m-%d}）"
                    )
            if awarded_on is not None and awarded_on > self.today:
                errors.setdefault("awarded_on", "确定承接日期不能晚于今天")

        if status == Status.EVALUATED:
            grade = v.get("eval_grade")
            if grade is not None:
                new["eval_grade"] = GRADE_TABLE.get(_norm(grade), "")
                if not new["eval_grade"]:
                    errors.setdefault(
                        "eval_grade", f"“{grade}”不是可选的值，只能填写：优秀、良好、合格、不合格"
                    )
            score = v.get("eval_score")
            if score is not None:
                try:
                    new["eval_score"] = excel.parse_amount(score)
                except ValueError:
                    errors.setdefault("eval_score", f"“{score}”不是 0～100 之间的分数（最多两位小数）")
            new["eval_summary"] = v.get("eval_summary") or ""
            evaluated_on = new["evaluated_on"] = v.get("evaluated_on")
            if evaluated_on is not None and evaluated_on > self.today:
                errors.setdefault("evaluated_on", "评价日期不能晚于今天")
            # The score's range, the grade against the score, the service having started and the
            # date against the award are Demand.clean's, reached through the model's validation (R-DEM-4).

        if status == Status.CANCELLED:
            new["cancel_reason"] = v.get("cancel_reason") or ""
            if v.get("cancelled_on") is not None:
                if v["cancelled_on"] > self.today:
                    errors.setdefault("cancelled_on", "取消日期不能晚于今天")
                new["cancelled_at"] = _aware(v["cancelled_on"])
            elif current is not None and current.status == Status.CANCELLED and current.cancelled_at:
                new["cancelled_at"] = current.cancelled_at
            else:
                new["cancelled_at"] = self.now

        # Free text shown on the demand's page passes the same confidentiality check as the rest (第十六条).
        for key in ("eval_summary", "cancel_reason"):
            reason = confidentiality.problem(new[key])
            if reason:
                errors.setdefault(key, f"“{_label(key)}”{reason}")

    def _model_errors(self, demand, errors):
        """Demand.clean() and the field checks, as for a demand typed on the site (第四条, 第十六条)."""
        exclude = set(FOREIGN_KEYS) | {"search_tokens", "created_by"}
        for key in errors:
            exclude.add(key)
        try:
            demand.full_clean(exclude=sorted(exclude), validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                key = MODEL_TO_KEY.get(name, name)
                if key not in errors:
                    errors[key] = "；".join(m.rstrip("。") for m in messages)

    def _problem(self, key, message, record):
        """“项目类别”（养老）：…; the value is echoed only for coded fields, never for free text,
        which may hold the very personal data being refused."""
        label = _label(key)
        message = message.rstrip("。").removeprefix(f"“{label}”")
        value = record.raw.get(key, record.values.get(key)) if key in ECHOED else None
        shown = _shown(value) if not isinstance(value, dict | list) else ""
        if shown and shown not in message:
            return f"“{label}”（{shown}）：{message}"
        return f"“{label}”：{message}"

    def _refuse_platform_duplicates(self, outcomes):
        """第三条/R-DEM-6: a project the purchaser already published here is not imported a second time."""
        candidates = [o for o in outcomes if o.action in (CREATE, UPDATE, UNCHANGED)]
        if not candidates:
            return
        unit_ids = {o.demand.unit_id for o in candidates}
        years = {o.demand.year for o in candidates}
        published = {}
        rows = (
            Demand.objects.filter(source=PLATFORM_SOURCE, unit_id__in=unit_ids, year__in=years)
            .exclude(status__in=(Status.CANCELLED, Status.DRAFT))
            .values_list("unit_id", "year", "title", "pk")
        )
        for unit_id, year, title, pk in rows:
            published.setdefault((unit_id, year, _norm(title)), pk)
        for o in candidates:
            pk = published.get((o.demand.unit_id, o.demand.year, _norm(o.demand.title)))
            if pk is not None:
                o.action = REJECTED
                o.changes = []
                o.problems = [
                    f"“项目名称”：购买主体已在本平台发布了同名的 {o.demand.year} 年度项目（编号 {pk}），"
                    "不再导入，以免重复（第三条）"
                ]
                o.demand = None

    # ---- writing ---------------------------------------------------------------------------

    def save(self, o):
        """Write one planned record (called by the resource for a new or changed one)."""
        demand = o.demand
        if o.action == CREATE:
            demand._change_reason = f"数据对接导入{self.reason_suffix}"
        else:
            demand._change_reason = f"数据对接更新{self.reason_suffix}"
            if any(name in Demand.EDITABLE_FIELDS for name, _, _ in o.changes):
                demand.adjusted_at = self.now
        if demand.status in (Status.AWARDED, Status.EVALUATED) and demand.awarded_at is None:
            demand.awarded_at = self.now
        if demand.status == Status.EVALUATED and demand.evaluated_at is None:
            demand.evaluated_at = self.now
        demand._history_user = None
        demand.save()


def _choices(key):
    return {
        "orientation": Orientation.choices,
        "plan_type": PlanType.choices,
        "status": IMPORT_STATUS_CHOICES,
    }[key]


IMPORT_STATUS_CHOICES = [(s.value, s.label) for s in IMPORT_STATUSES]


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def run(path, *, source, dry_run=False, now=None):
    """Read, plan and (unless dry_run) write one file's records; the Report says what happened."""
    path = Path(path)
    importer = ExternalImport(source=source, file_name=path.name, now=now)
    records = read_file(path)
    try:
        with transaction.atomic():
            outcomes = importer.plan(records, lock=not dry_run)
            counts = external_resource.write(importer, outcomes, dry_run=dry_run)
    except IntegrityError:
        raise ImportFileError(
            "写入时与数据库中的记录冲突（可能另一个导入正在同时运行），本次没有写入任何记录，请稍后重新运行。"
        ) from None
    return Report(importer.source, path.name, outcomes, dry_run, counts)
