"""Status transitions keyed by action, for every record type with a status (issue 17 §2).

Each record type declares ONE table, ``action: (from-states, to-state)``, wrapped in a
:class:`Table` that knows how to word a refusal. :func:`apply` is the only code that sets a
``status``: it checks the from-state, sets the to-state and (unless told not to) validates and
saves the record with the acting user and the reason in its history (django-simple-history).

- ``NEW`` as a from-state means "a record not saved yet", so creating (and publishing at once, or
  importing as published) goes through the same table.
- A to-state of ``None`` keeps the status the record has (an edit that is not a status change).
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from .errors import ServiceError

NEW = None  # the from-state of a record that has not been saved yet


@dataclass(frozen=True)
class Table:
    """The transitions of one record type.

    ``states``: every status of the record (its model's choices). ``actions``: action →
    (from-states, to-state). ``labels``: action → the Chinese verb phrase used
    in a refusal (“草稿”的需求不能{label}). ``noun``: what the record is called (需求, 服务项目).
    ``messages``: action → a refusal worded for that action (``str.format`` with ``obj`` and
    ``status``), instead of the generic one. ``notes``: from-state → a sentence added to every refusal
    out of that state (已取消的需求不能再作任何变更。). ``error``: the exception class raised.
    ``validate``: run the model's ``full_clean()`` before saving (field rules live there).
    ``says_already``: a refusal out of the action's own to-state reads 该…已经…; False: it reads like
    any other (“已发布”的内容不能改为“已发布”。), for tables labelled by `moved_to`.
    """

    noun: str
    states: tuple
    actions: dict
    labels: dict
    messages: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    error: type = ServiceError
    validate: bool = True
    says_already: bool = True

    def __post_init__(self):
        missing = set(self.actions) - set(self.labels)
        if missing:
            raise ValueError(f"actions without a label: {sorted(missing)}")
        known = {NEW, *self.states}
        for action, (sources, target) in self.actions.items():
            if not set(sources) <= known or target not in known:
                raise ValueError(f"action {action!r} names a state that is not in states")

    def sources(self, action):
        return self.actions[action][0]

    def target(self, action):
        return self.actions[action][1]

    def allows(self, status, action):
        return status in self.sources(action)

    def available(self, status):
        """The actions that may be applied to a record in ``status`` (for buttons on its page)."""
        return {action for action in self.actions if self.allows(status, action)}

    def targets(self):
        """from-state → the states it may reach: the table read the other way round."""
        reach = {state: set() for state in self.states}
        for sources, target in self.actions.values():
            for source in sources:
                if source is not NEW:
                    reach[source].add(source if target is None else target)
        return reach

    def action_to(self, to):
        """The one action whose to-state is ``to`` (for pages that post the wanted state)."""
        found = [action for action, (_, target) in self.actions.items() if target == to]
        if len(found) != 1:
            raise self.error(f"无法将{self.noun}改为该状态。")
        return found[0]

    def refusal(self, obj, action):
        status = current_status(obj)
        shown = obj.get_status_display() if status is not NEW else "新建"
        if action in self.messages:
            message = self.messages[action].format(obj=obj, status=shown)
        elif self.says_already and status is not NEW and status == self.target(action):
            message = f"该{self.noun}已经{self.labels[action]}。"
        else:
            message = f"“{shown}”的{self.noun}不能{self.labels[action]}。"
        return message + self.notes.get(status, "")


def moved_to(state):
    """The label of an action named by the state it reaches: 改为“已发布”."""
    return f"改为“{state.label}”"


def _worded(obj, exc):
    """A model's ValidationError as one Chinese sentence, each message after its field's name."""
    if not hasattr(exc, "error_dict"):
        return "；".join(exc.messages)
    parts = []
    for name, errors in exc.message_dict.items():
        label = "" if name == NON_FIELD_ERRORS else f"{obj._meta.get_field(name).verbose_name}："
        parts.extend(
            f"{label}{message}" if label and not message.startswith(label[:-1]) else message
            for message in errors
        )
    return "；".join(parts)


def current_status(obj):
    return NEW if obj._state.adding else obj.status


def check(table, obj, action):
    """Refuse (``table.error``, in Chinese) when ``action`` may not be applied to ``obj`` now."""
    if action not in table.actions:
        raise table.error(f"没有“{action}”这一操作。")
    if not table.allows(current_status(obj), action):
        raise table.error(table.refusal(obj, action))


def apply(table, obj, action, *, by, reason="", current=None, save=True):
    """Apply ``action`` to ``obj``: check the from-state, set the to-state, save with history.

    ``current``: the row as just read (locked) from the database, when ``obj`` carries edits from a
    form; its status is the one checked and kept. ``save=False`` leaves saving to the caller (an
    import that saves in bulk); the history user and reason are set all the same.
    """
    state = current if current is not None else obj
    check(table, state, action)
    target = table.target(action)
    obj.status = current_status(state) if target is None else target
    obj._history_user = by
    if reason:
        obj._change_reason = reason
    if save:
        if table.validate:
            try:
                obj.full_clean()
            except ValidationError as exc:
                if table.error is ValidationError:
                    raise
                raise table.error(_worded(obj, exc)) from exc
        obj.save()
    return obj


def create(table, obj, *, by, publish=False):
    """Save a new record written by ``by``: as a draft (``create``), or published now (``publish``)."""
    obj.created_by = by
    if publish:
        obj.published_at = timezone.now()
        return apply(table, obj, "publish", by=by, reason="发布")
    return apply(table, obj, "create", by=by, reason="创建草稿")
