"""数据对接 (R-INT-1): what each record of a run does, and the report the command prints."""

from dataclasses import dataclass, field

from .external_file import MODEL_TO_KEY, Record, _label
from .models import Demand
from .selectors import field_display

CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"


@dataclass
class Outcome:
    record: Record
    external_id: str = ""
    title: str = ""
    action: str = ""
    demand: Demand | None = None
    changes: list = field(default_factory=list)  # [(model field name, old, new)] as shown
    problems: list = field(default_factory=list)  # ["“项目类别”：…"]

    @property
    def name(self):
        ident = f"（外部编号 {self.external_id}）" if self.external_id else ""
        return f"{self.record.where}{ident}"


def _change_label(name):
    return _label(MODEL_TO_KEY.get(name, name))


def _value(demand, name):
    """The comparable value of a field: the id for a foreign key."""
    return getattr(demand, Demand._meta.get_field(name).attname)


def _display(demand, name):
    """A field's value as the change list shows it: names for foreign keys, labels for choices."""
    model_field = Demand._meta.get_field(name)
    value = _value(demand, name)
    if model_field.is_relation and value is not None:
        value = getattr(demand, name)
    return field_display(model_field, value, limit=30)


@dataclass
class Report:
    source: str
    file_name: str
    outcomes: list
    dry_run: bool
    counts: dict | None = None  # by action, as django-import-export counted the rows it wrote or skipped

    def of(self, action):
        return [o for o in self.outcomes if o.action == action]

    @property
    def rejected(self):
        return self.of(REJECTED)

    def summary(self):
        counts = self.counts or {
            action: len(self.of(action)) for action in (CREATE, UPDATE, UNCHANGED, REJECTED)
        }
        verb = "将" if self.dry_run else ""
        return (
            f"{verb}新增 {counts[CREATE]} 条，{verb}更新 {counts[UPDATE]} 条，未变化 {counts[UNCHANGED]} 条，"
            f"跳过 {counts[REJECTED]} 条。"
        )

    def lines(self, *, verbosity=1):
        out = [
            f"外部项目导入：来源“{self.source}”，文件 {self.file_name}，共 {len(self.outcomes)} 条记录。"
            + ("【试运行：只显示将会发生的变化，没有写入数据库】" if self.dry_run else "")
        ]
        if verbosity >= 1:
            for o in self.of(CREATE):
                out.append(f"  {'将新增' if self.dry_run else '新增'}：{o.name} {o.title}")
            for o in self.of(UPDATE):
                changes = "；".join(f"{_change_label(name)}：{old} → {new}" for name, old, new in o.changes)
                out.append(f"  {'将更新' if self.dry_run else '更新'}：{o.name} {o.title}：{changes}")
        if verbosity >= 2:
            for o in self.of(UNCHANGED):
                out.append(f"  未变化：{o.name} {o.title}")
        if self.rejected:
            out.append(f"跳过（未导入）的 {len(self.rejected)} 条记录及原因：")
            for o in self.rejected:
                for problem in o.problems:
                    out.append(f"  {o.name}{problem}")
        out.append(self.summary())
        return out
