"""Internal processes: the step graph (fan-out to coordinating agencies, joins), its critical path, and the
budget check against the legal time limit."""

from datetime import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.catalog import processes, services
from motcua.catalog.processes import StepNode, TimeLimit
from motcua.catalog.tests.builders import draft_procedure, full_content, process
from motcua.core.errors import ApplicationError
from motcua.worktime import Calendar


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    return Calendar.national()


def node(key: str, minutes: int, *after: str) -> StepNode:
    return StepNode(key, key.upper(), minutes, after)


def test_the_critical_path_of_parallel_branches_takes_the_longest_branch():
    steps = [
        node("receive", 60),
        node("survey", 2400, "receive"),
        node("post", 5280, "receive"),
        node("sign", 360, "survey", "post"),
    ]

    path = processes.critical_path(steps)

    assert (path.minutes, path.keys) == (60 + 5280 + 360, ("receive", "post", "sign"))


@pytest.mark.parametrize(
    ("steps", "problems"),
    [
        ([], [(None, "process", "Thêm ít nhất một bước vào quy trình nội bộ.")]),
        (
            [node("a", 60), node("a", 30, "a")],
            [
                (1, "key", "Mỗi bước cần một mã riêng; mã “a” đã dùng cho bước 1."),
                (1, "after", "Một bước không thể đứng sau chính nó."),
            ],
        ),
        (
            [node("a", 60), node("b", 0, "z")],
            [
                (1, "after", "Bước này đứng sau “z”, nhưng quy trình không có bước nào như vậy."),
                (1, "budget_minutes", "Thời gian thực hiện của bước phải từ một phút trở lên."),
            ],
        ),
        (
            [node("a", 60), node("b", 60, "a", "c"), node("c", 60, "b"), node("d", 60, "c")],
            [
                (
                    None,
                    "process",
                    "Các bước “b”, “c”, “d” nối tiếp nhau thành vòng lặp; quy trình phải luôn đi "
                    "tiếp về phía trước.",
                )
            ],
        ),
        (
            [node("a", 60), node("b", 60, "a"), node("c", 60, "a")],
            [
                (
                    None,
                    "process",
                    "Quy trình phải kết thúc ở một bước cuối duy nhất, nhưng các bước “b”, “c” đều "
                    "là bước cuối; hãy cho chúng dẫn về một bước.",
                )
            ],
        ),
    ],
)
def test_graph_problems_are_named(steps, problems):
    found = [(p.index, p.field, p.message) for p in processes.graph_problems(steps)]

    assert found == problems


@pytest.mark.parametrize(
    ("limit", "hours"),
    [
        (TimeLimit(Decimal(10), "working_hours"), 10),
        (TimeLimit(Decimal("0.25"), "working_days"), 2),
        (TimeLimit(Decimal(3), "working_days"), 24),
        # Civil Code counting, the worst case: received at the last moment still counted for the day.
        (TimeLimit(Decimal(3), "working_days", "civil"), 24),
        # Same day, or the next working day after 15:00: 15:00–17:00 is the least time a dossier gets.
        (TimeLimit(Decimal(0), "working_days", "civil", time(15, 0)), 2),
        # From Monday 2 March 2026 at 17:00: 15 days end on Tuesday 17 March: 11 working days.
        (TimeLimit(Decimal(15), "calendar_days"), 88),
        # 10 days end on Thursday 12 March: 8 working days.
        (TimeLimit(Decimal(10), "calendar_days"), 64),
        # One month ends on Thursday 2 April: 23 working days.
        (TimeLimit(Decimal(1), "months"), 184),
    ],
)
def test_limits_in_working_minutes(calendar, limit, hours):
    assert processes.limit_in_working_minutes(limit, calendar) == hours * 60


def test_the_smallest_channel_limit_applies(calendar):
    steps = [node("a", 600), node("b", 600, "a")]
    limits = [TimeLimit(Decimal(27), "working_days"), TimeLimit(Decimal(2), "working_days")]

    excess = processes.budget_excess(steps, limits, calendar)

    assert excess is not None
    assert (excess.limit_minutes, excess.excess_minutes) == (960, 240)


@pytest.mark.django_db
def test_a_process_over_the_limit_is_refused_naming_the_excess(province):
    procedure = draft_procedure(province)
    slow = full_content(
        province, process=process(90, 900, 120), time_limit_convention="hours", cutoff_time=None
    )

    with pytest.raises(ApplicationError) as refused:
        services.draft_save_content(version=procedure.versions.get(), actor=None, content=slow)

    assert refused.value.fields == {
        "process": (
            "Quy trình nội bộ cần 18 giờ 30 phút làm việc trên đường găng (Bước 1 → Bước 2 → Bước 3), vượt "
            "2 giờ 30 phút làm việc so với thời hạn giải quyết cho phép (16 giờ làm việc). Hãy rút "
            "ngắn thời gian "
            "của các bước trên đường găng."
        )
    }
    assert [step.budget_minutes for step in procedure.versions.get().process_steps.all()] == [
        60,
        240,
        480,
        300,
        60,
    ]


@pytest.mark.django_db
def test_a_process_exactly_at_the_limit_is_accepted(province):
    procedure = draft_procedure(province)
    exact = full_content(
        province, process=process(60, 840, 60), time_limit_convention="hours", cutoff_time=None
    )

    services.draft_save_content(version=procedure.versions.get(), actor=None, content=exact)

    assert sum(step.budget_minutes for step in procedure.versions.get().process_steps.all()) == 960


@pytest.mark.django_db
def test_shortening_the_time_limit_below_the_process_is_refused(province):
    procedure = draft_procedure(province)

    with pytest.raises(ApplicationError) as refused:
        services.draft_update(version=procedure.versions.get(), actor=None, time_limit_amount="1", methods=[])

    assert refused.value.fields["process"].startswith("Quy trình nội bộ cần 15 giờ làm việc trên đường găng")
    assert procedure.versions.get().time_limit_amount == Decimal("3.00")


@pytest.mark.django_db
def test_process_rows_are_checked(province):
    procedure = draft_procedure(province)
    content = full_content(province)
    content["agencies"] = [agency for agency in content["agencies"] if agency["role"] != "coordinating"]
    content["process"][0]["role"] = "citizen"
    content["process"][0]["actions"] = ["dance"]
    content["process"][3]["unit"] = ""
    content["process"][4]["key"] = "Trả Kết Quả"

    with pytest.raises(ApplicationError) as refused:
        services.draft_save_content(version=procedure.versions.get(), actor=None, content=content)

    assert refused.value.fields == {
        "process.0.role": (
            "Chọn một trong các giá trị: admin, catalog_editor, intake_officer, leader, specialist, "
            "supervisor."
        ),
        "process.0.actions": (
            "Giá trị không hợp lệ: dance; hãy chọn trong: receive, request_supplement, refuse, "
            "transfer, assign, "
            "appraise, verify, coordinate, post_notice, draft_result, approve, sign, reject, return_result."
        ),
    }
    content["process"][0]["role"], content["process"][0]["actions"] = "intake_officer", ["receive"]
    with pytest.raises(ApplicationError) as refused:
        services.draft_save_content(version=procedure.versions.get(), actor=None, content=content)

    assert refused.value.fields == {
        "process.3.unit": "Ghi mã của đơn vị (dòng này chỉ một đơn vị cụ thể).",
        "process.1.unit_scope": "Thủ tục chưa có cơ quan phối hợp để chuyển bước này đến.",
        "process.4.key": "Chỉ dùng chữ thường không dấu, chữ số, “-” và “_”.",
    }


def _chains(steps, key):
    """Every chain of budgets ending at `key` (brute force, for the property below)."""
    by_key = {step.key: step for step in steps}
    step = by_key[key]
    if not step.after:
        return [step.budget_minutes]
    return [step.budget_minutes + total for before in step.after for total in _chains(steps, before)]


@st.composite
def dags(draw):
    """A random process: step i follows some of the steps before it; one final step joins the loose ends."""
    count = draw(st.integers(min_value=1, max_value=8))
    steps = []
    for index in range(count):
        after = draw(st.lists(st.sampled_from(range(index)), unique=True, max_size=3)) if index else []
        steps.append(
            node(f"s{index}", draw(st.integers(min_value=1, max_value=2400)), *(f"s{i}" for i in after))
        )
    followed = {before for step in steps for before in step.after}
    loose = tuple(step.key for step in steps if step.key not in followed)
    steps.append(node("end", draw(st.integers(min_value=1, max_value=600)), *loose))
    return steps


@given(dags())
@settings(max_examples=200, deadline=None)
def test_the_critical_path_is_the_longest_chain(steps):
    assert processes.graph_problems(steps) == []

    path = processes.critical_path(steps)

    assert path.minutes == max(_chains(steps, "end"))
    by_key = {step.key: step for step in steps}
    assert sum(by_key[key].budget_minutes for key in path.keys) == path.minutes
    assert all(path.keys[i] in by_key[path.keys[i + 1]].after for i in range(len(path.keys) - 1))
