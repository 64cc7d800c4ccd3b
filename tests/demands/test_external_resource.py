"""数据对接 on django-import-export (issue 17 §4, R-INT-1): the data link writes through a
`ModelResource` keyed by (来源, 外部编号) like the two Excel imports; the dry run writes nothing, an
unchanged record is skipped by import-export (no save, no history record), a record with problems
is an invalid row that is not written, and the report's counts are import-export's."""

import pytest

from demands import external, external_resource
from demands.external_report import CREATE, REJECTED, UNCHANGED, UPDATE
from demands.models import Demand
from tests.demands.test_external_import import SOURCE, project, state, world, write_json  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]


def two_records(tmp_path, **changes):
    good = project(external_id="R-1", **changes)
    bad = project(external_id="R-2", title="第二个项目", category="不存在的类别")
    return write_json(tmp_path, [good, bad])


def test_the_report_counts_what_import_export_did(tmp_path):
    report = external.run(two_records(tmp_path), source=SOURCE)
    assert report.counts == {CREATE: 1, UPDATE: 0, UNCHANGED: 0, REJECTED: 1}
    assert report.summary() == "新增 1 条，更新 0 条，未变化 0 条，跳过 1 条。"
    assert list(Demand.objects.values_list("source", "external_id")) == [(SOURCE, "R-1")]


def test_a_dry_run_counts_the_same_and_writes_nothing(tmp_path):
    before = state()
    report = external.run(two_records(tmp_path), source=SOURCE, dry_run=True)
    assert report.counts == {CREATE: 1, UPDATE: 0, UNCHANGED: 0, REJECTED: 1}
    assert report.summary().startswith("将新增 1 条，将更新 0 条")
    assert state() == before


def test_an_unchanged_record_is_skipped_without_a_save(tmp_path, monkeypatch):
    path = two_records(tmp_path)
    external.run(path, source=SOURCE)
    saved = []
    original = external.ExternalImport.save
    monkeypatch.setattr(external.ExternalImport, "save", lambda self, o: saved.append(o) or original(self, o))
    before = state()

    report = external.run(path, source=SOURCE)

    assert report.counts == {CREATE: 0, UPDATE: 0, UNCHANGED: 1, REJECTED: 1}
    assert saved == [] and state() == before


def test_a_changed_record_is_an_update_keyed_by_source_and_external_id(tmp_path):
    external.run(two_records(tmp_path), source=SOURCE)
    demand = Demand.objects.get(source=SOURCE, external_id="R-1")
    history = demand.history.count()

    report = external.run(two_records(tmp_path, title="调整后的项目名称"), source=SOURCE)

    assert report.counts[UPDATE] == 1
    demand.refresh_from_db()
    assert demand.title == "调整后的项目名称" and demand.history.count() == history + 1
    assert Demand.objects.filter(external_id="R-1").count() == 1


def test_the_resource_declares_the_keys_and_skips_unchanged_rows():
    meta = external_resource.ExternalResource._meta
    assert tuple(meta.import_id_fields) == ("source", "external_id")
    assert meta.skip_unchanged and meta.report_skipped
