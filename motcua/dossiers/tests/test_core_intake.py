"""Creating, submitting and receiving dossiers: clock start per channel (ADR 0008), the appointment, the
8-working-hour limit for online dossiers, the competent unit, the bound version, the checks at submission,
supplement and refusal at intake, counter intake in one transaction, guidance without a dossier."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from motcua.catalog.models import ProcedureVersion, RequiredDocument, VersionStatus
from motcua.core.errors import ApplicationError, Conflict, PermissionDenied
from motcua.core.models import AuditRecord, OutboxEvent
from motcua.dossiers import services
from motcua.dossiers.inputs import Applicant, ComponentInput
from motcua.dossiers.models import (
    Dossier,
    DossierCodeSequence,
    DossierComponent,
    DossierEvent,
    DossierStatusCounter,
    DossierStep,
    IntakeNote,
    SupplementRequest,
)
from motcua.dossiers.tests.helpers import (
    ITEMS,
    REASON,
    World,
    at,
    counter_draft,
    counter_received,
    make_procedure,
    online_draft,
    online_submitted,
    pdf,
    uploaded,
    walk_in,
)
from motcua.organizations.models import AgencyCode

S = Dossier.Status


def test_counter_intake_receives_with_code_clock_appointment_and_first_step(
    world: World, procedure: Any
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 10))

    assert dossier.status == S.PROCESSING
    assert dossier.code == "H15.50.05.13-261207-0001"
    assert (dossier.code_agency, dossier.code_day, dossier.code_sequence) == (
        "H15.50.05.13",
        dt.date(2026, 12, 7),
        1,
    )
    assert dossier.channel == Dossier.Channel.DIRECT
    assert dossier.submitted_at == dossier.received_at == dossier.system_received_at == at(7, 10)
    assert dossier.received_by == world.intake_a
    # Direct: the clock starts at the receipt; 8 working hours = Monday 10:00 → Tuesday 10:00.
    assert dossier.clock_started_at == at(7, 10)
    assert dossier.appointment_at == dossier.due_at == at(8, 10)
    assert dossier.received_late is False
    assert dossier.receive_due_at is None
    assert dossier.procedure_version == procedure.latest_version
    assert dossier.competent_unit == world.commune_a
    assert dossier.applicant is None
    assert (dossier.applicant_name, dossier.applicant_identifier) == ("Lê Văn Cường", "025085009999")
    assert dossier.version == 3
    assert list(dossier.events.values_list("sequence", "kind", "from_status", "to_status")) == [
        (1, "created", "", S.DRAFT),
        (2, "submitted", S.DRAFT, S.SUBMITTED),
        (3, "received", S.SUBMITTED, S.PROCESSING),
    ]
    step = dossier.current_step
    assert (step.key, step.role, step.unit, step.assignee, step.started_at) == (
        "appraise",
        "specialist",
        world.commune_a,
        None,
        at(7, 10),
    )
    assert dossier.assignee is None
    secret = dossier.lookup_secret
    assert len(secret) == 6
    assert set(secret) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    assert dossier.lookup_secret_matches(secret.lower())
    assert not dossier.lookup_secret_matches("AAAAAA" if secret != "AAAAAA" else "BBBBBB")
    assert Dossier.objects.get(pk=dossier.pk).lookup_secret == secret


def test_the_lookup_secret_is_empty_before_receipt(world: World, procedure: Any) -> None:
    dossier = online_submitted(world, procedure, when=at(7, 8))
    assert dossier.lookup_secret == ""
    assert dossier.lookup_secret_matches("") is False


def test_online_dossier_clock_starts_at_the_first_working_moment_after_system_receipt(
    world: World, procedure: Any
) -> None:
    # Saturday evening: the system receives it; the 8 working hours to receive run Monday 07:30 → 17:00.
    dossier = online_submitted(world, procedure, when=at(5, 20))
    assert dossier.system_received_at == at(5, 20)
    assert dossier.receive_due_at == at(7, 17)
    received = services.dossier_receive(dossier=dossier, actor=world.intake_a, at=at(7, 17))
    assert received.received_late is False
    assert received.clock_started_at == at(7, 7, 30)
    assert received.appointment_at == at(7, 17)
    event = received.events.get(kind="received")
    assert event.data["clock_start_rule"] == "system_receipt"
    assert event.data["received_late"] is False
    assert event.data["receive_due_at"] == "2026-12-07T17:00:00+07:00"


def test_online_dossier_received_after_eight_working_hours_is_flagged_late(
    world: World, procedure: Any
) -> None:
    dossier = online_submitted(world, procedure, when=at(5, 20))
    received = services.dossier_receive(dossier=dossier, actor=world.intake_a, at=at(7, 17, 1))
    assert received.received_late is True
    assert received.events.get(kind="received").data["received_late"] is True
    # The clock still starts at the system receipt (ADR 0008), not at the late receipt.
    assert received.clock_started_at == at(7, 7, 30)


def test_postal_dossier_clock_starts_at_the_postmark(world: World, procedure: Any) -> None:
    dossier = counter_draft(
        world, procedure, when=at(7, 9), channel=Dossier.Channel.POSTAL, postmarked_at=at(4, 16)
    )
    dossier = services.dossier_submit(dossier=dossier, actor=world.intake_a, at=at(7, 9))
    dossier = services.dossier_receive(dossier=dossier, actor=world.intake_a, at=at(7, 10))
    assert dossier.postmarked_at == at(4, 16)
    assert dossier.clock_started_at == at(4, 16)
    # Friday 16:00–17:00 (1 h), Monday 07:30–11:30 (4 h) and 13:00–16:00 (3 h).
    assert dossier.appointment_at == at(7, 16)
    assert dossier.events.get(kind="received").data["clock_start_rule"] == "postmark"


@pytest.mark.parametrize(
    ("postmark", "message"),
    [
        (None, "Nhập ngày giờ theo dấu bưu điện."),
        (at(8, 9), "Ngày giờ dấu bưu điện phải là thời điểm trong quá khứ, có múi giờ."),
    ],
)
def test_a_postal_dossier_needs_a_past_postmark(
    world: World, procedure: Any, postmark: Any, message: str
) -> None:
    with translation.override("vi"), pytest.raises(ApplicationError) as caught:
        counter_draft(world, procedure, when=at(7, 9), channel=Dossier.Channel.POSTAL, postmarked_at=postmark)
    assert caught.value.code == "invalid"
    with translation.override("vi"):
        assert {key: str(value) for key, value in caught.value.fields.items()} == {"postmarked_at": message}
    assert Dossier.objects.count() == 0


def test_direct_receipt_after_hours_starts_the_clock_the_next_working_morning(
    world: World, procedure: Any
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 18))
    assert dossier.received_at == at(7, 18)
    assert dossier.clock_started_at == at(8, 7, 30)
    assert dossier.appointment_at == at(8, 17)


def test_a_civil_convention_limit_ends_at_the_end_of_the_last_working_day(world: World) -> None:
    procedure = make_procedure(world, amount=3, unit="working_days", convention="civil")
    dossier = counter_received(world, procedure, when=at(10, 10))  # Thursday
    # Civil Code art. 147–148: Friday, Monday, Tuesday; due at the end of Tuesday.
    assert dossier.appointment_at == dt.datetime(2026, 12, 15, 23, 59, 59, tzinfo=at(1).tzinfo)


def test_a_provincial_centre_receives_a_communes_dossier(world: World, procedure: Any) -> None:
    dossier = services.counter_intake(
        actor=world.intake_province,
        procedure=procedure,
        applicant=walk_in(),
        receiving_unit=world.province_centre,
        competent_unit=world.commune_b,
        form_data={},
        components=[uploaded()],
        return_method="counter",
        at=at(7, 10),
    )
    assert dossier.receiving_unit == world.province_centre
    assert dossier.competent_unit == world.commune_b
    assert dossier.code == "H15.50-261207-0001"
    assert dossier.current_step.unit == world.commune_b
    forwarded = services.dossier_forward(dossier=dossier, actor=world.specialist_b, at=at(7, 11))
    assert forwarded.current_step.key == "approve"


def test_a_provincial_centre_must_name_the_competent_commune(world: World, procedure: Any) -> None:
    with translation.override("vi"), pytest.raises(ApplicationError) as caught:
        services.counter_intake(
            actor=world.intake_province,
            procedure=procedure,
            applicant=walk_in(),
            receiving_unit=world.province_centre,
            form_data={},
            components=[uploaded()],
            return_method="counter",
            at=at(7, 10),
        )
    assert caught.value.code == "competent_unit_required"
    with translation.override("vi"):
        assert str(caught.value.message) == (
            "Thủ tục này có nhiều cơ quan có thẩm quyền; hãy chọn cơ quan có thẩm quyền giải quyết."
        )


def test_a_competent_unit_the_procedure_does_not_name_is_refused(world: World, procedure: Any) -> None:
    with pytest.raises(ApplicationError) as caught:
        counter_draft(world, procedure, when=at(7, 9), competent_unit=world.province)
    assert caught.value.code == "invalid_competent_unit"
    assert set(caught.value.fields) == {"competent_unit"}


def test_the_version_in_force_at_submission_is_bound_for_good(world: World, procedure: Any) -> None:
    first = procedure.latest_version
    second = ProcedureVersion.objects.create(
        procedure=procedure,
        number=2,
        name=first.name,
        time_limit_amount=Decimal(16),
        time_limit_unit="working_hours",
        online_level="full",
    )
    for method in first.methods.all():
        second.methods.create(position=method.position, channel=method.channel)
    for agency in first.agencies.all():
        second.agencies.create(
            position=agency.position, role=agency.role, scope=agency.scope, name=agency.name
        )
    second.status = VersionStatus.PUBLISHED
    second.decision_number, second.decision_date, second.decision_signer = (
        "02/QĐ-UBND",
        dt.date(2026, 12, 1),
        "Chủ tịch",
    )
    second.effective_from, second.published_at, second.snapshot = dt.date(2026, 12, 9), at(1), {}
    second.save()

    before = counter_received(world, procedure, when=at(8, 10))
    after = counter_received(world, procedure, when=at(9, 10))
    assert before.procedure_version == first
    assert before.appointment_at == at(9, 10)
    assert after.procedure_version == second
    assert after.appointment_at == at(11, 10)
    assert Dossier.objects.get(pk=before.pk).procedure_version == first


def test_submission_refuses_missing_required_components(world: World) -> None:
    procedure = make_procedure(world, documents=["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"])
    declaration = RequiredDocument.objects.get(name="Tờ khai đăng ký khai sinh")
    dossier = counter_draft(world, procedure, when=at(7, 9))
    DossierComponent.objects.filter(dossier=dossier).update(required_document=declaration)
    with translation.override("vi"), pytest.raises(ApplicationError) as caught:
        services.dossier_submit(dossier=dossier, actor=world.intake_a, at=at(7, 9))
    assert caught.value.code == "missing_components"
    with translation.override("vi"):
        assert str(caught.value.message) == "Hồ sơ còn thiếu thành phần bắt buộc: Giấy chứng sinh."
    assert Dossier.objects.get(pk=dossier.pk).status == S.DRAFT


SCHEMA = {
    "type": "object",
    "properties": {"ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên người được khai sinh"}},
    "required": ["ho_ten"],
}


def test_submission_checks_the_e_forms(world: World) -> None:
    procedure = make_procedure(world, eforms={"to_khai": SCHEMA})
    dossier = counter_draft(world, procedure, when=at(7, 9))
    with translation.override("vi"), pytest.raises(ApplicationError) as caught:
        services.dossier_submit(dossier=dossier, actor=world.intake_a, at=at(7, 9))
    assert caught.value.code == "invalid_form"
    with translation.override("vi"):
        assert {key: str(value) for key, value in caught.value.fields.items()} == {
            "form_data.to_khai.ho_ten": "Vui lòng nhập “Họ, chữ đệm, tên người được khai sinh”."
        }
    Dossier.objects.filter(pk=dossier.pk).update(
        form_data={"to_khai": {"ho_ten": "Lê Minh Khang"}, "khac": {}}
    )
    with pytest.raises(ApplicationError) as caught:
        services.dossier_submit(dossier=dossier, actor=world.intake_a, at=at(7, 9))
    assert set(caught.value.fields) == {"form_data.khac"}
    Dossier.objects.filter(pk=dossier.pk).update(form_data={"to_khai": {"ho_ten": "Lê Minh Khang"}})
    submitted = services.dossier_submit(dossier=dossier, actor=world.intake_a, at=at(7, 9))
    assert submitted.status == S.SUBMITTED


def test_a_channel_or_return_method_the_procedure_does_not_offer_is_refused(world: World) -> None:
    procedure = make_procedure(world, channels=("direct",), returns=("counter",))
    with pytest.raises(ApplicationError) as caught:
        online_draft(world, procedure, when=at(7, 9))
    assert (caught.value.code, set(caught.value.fields)) == ("channel_not_offered", {"channel"})
    with pytest.raises(ApplicationError) as caught:
        services.counter_intake(
            actor=world.intake_a,
            procedure=procedure,
            applicant=walk_in(),
            receiving_unit=world.centre_a,
            form_data={},
            components=[uploaded()],
            return_method="post",
            at=at(7, 9),
        )
    assert (caught.value.code, set(caught.value.fields)) == ("return_method_not_offered", {"return_method"})
    assert Dossier.objects.count() == 0


def test_component_provenance_is_recorded(world: World, procedure: Any) -> None:
    earlier = online_submitted(world, procedure, when=at(7, 8))
    reused_from = earlier.components.get()
    components = [
        ComponentInput(
            name="Giấy chứng sinh", provenance="digitised_at_intake", file=pdf(), filename="gcs.pdf"
        ),
        ComponentInput(name="Căn cước", provenance="reused", reference="KHO-CD-0001"),
    ]
    dossier = counter_draft(world, procedure, when=at(7, 9))
    assert list(dossier.components.values_list("position", "provenance")) == [(1, "uploaded")]
    dossier = services.dossier_create(
        actor=world.citizen,
        procedure=procedure,
        applicant=world.citizen,
        channel=Dossier.Channel.ONLINE,
        receiving_unit=world.centre_a,
        form_data={},
        components=[ComponentInput(name="Tờ khai", provenance="reused", source_component=reused_from)],
        return_method="counter",
        at=at(7, 9),
    )
    assert list(dossier.components.values_list("provenance", "source_component")) == [
        ("reused", reused_from.pk)
    ]
    counter = services.counter_intake(
        actor=world.intake_a,
        procedure=procedure,
        applicant=walk_in(),
        receiving_unit=world.centre_a,
        form_data={},
        components=components,
        return_method="counter",
        at=at(7, 10),
    )
    assert list(counter.components.values_list("position", "name", "provenance", "reference")) == [
        (1, "Giấy chứng sinh", "digitised_at_intake", ""),
        (2, "Căn cước", "reused", "KHO-CD-0001"),
    ]
    created = counter.events.get(kind="created").data["components"]
    assert [(c["provenance"], c["sha256"] is not None, c["reference"]) for c in created] == [
        ("digitised_at_intake", True, ""),
        ("reused", False, "KHO-CD-0001"),
    ]


@pytest.mark.parametrize(
    ("component", "message"),
    [
        (ComponentInput(name="Tờ khai", provenance="uploaded"), "Đính kèm tệp của thành phần hồ sơ này."),
        (
            ComponentInput(name="Tờ khai", provenance="scanned"),
            "Cho biết thành phần hồ sơ được số hóa khi tiếp nhận, được tải lên hay được sử dụng lại.",
        ),
        (ComponentInput(name="Tờ khai", provenance="reused"), "Nêu giấy tờ được sử dụng lại."),
        (
            ComponentInput(name="Tờ khai", provenance="digitised_at_intake", file="placeholder"),  # type: ignore[arg-type]
            "Đính kèm tệp của thành phần hồ sơ này.",
        ),
    ],
)
def test_a_bad_component_is_refused_with_its_field(
    world: World, procedure: Any, component: Any, message: str
) -> None:
    with translation.override("vi"), pytest.raises(ApplicationError) as caught:
        services.dossier_create(
            actor=world.citizen,
            procedure=procedure,
            applicant=world.citizen,
            channel=Dossier.Channel.ONLINE,
            receiving_unit=world.centre_a,
            form_data={},
            components=[uploaded(), component],
            return_method="counter",
            at=at(7, 9),
        )
    assert caught.value.code == "invalid_components"
    with translation.override("vi"):
        assert {key: str(value) for key, value in caught.value.fields.items()} == {"components.1": message}
    assert (Dossier.objects.count(), DossierComponent.objects.count()) == (0, 0)


def test_an_online_applicant_cannot_claim_digitisation_nor_reuse_anothers_documents(
    world: World, procedure: Any
) -> None:
    others = services.dossier_create(
        actor=world.other_citizen,
        procedure=procedure,
        applicant=world.other_citizen,
        channel=Dossier.Channel.ONLINE,
        receiving_unit=world.centre_a,
        form_data={},
        components=[uploaded()],
        return_method="counter",
        at=at(7, 8),
    )
    for component, message in [
        (
            ComponentInput(name="Giấy chứng sinh", provenance="digitised_at_intake", file=pdf()),
            "Chỉ công chức tiếp nhận mới số hóa thành phần hồ sơ giấy tại Bộ phận Một cửa.",
        ),
        (
            ComponentInput(
                name="Giấy chứng sinh", provenance="reused", source_component=others.components.get()
            ),
            "Chỉ được sử dụng lại giấy tờ của chính người nộp hồ sơ.",
        ),
    ]:
        with translation.override("vi"), pytest.raises(ApplicationError) as caught:
            services.dossier_create(
                actor=world.citizen,
                procedure=procedure,
                applicant=world.citizen,
                channel=Dossier.Channel.ONLINE,
                receiving_unit=world.centre_a,
                form_data={},
                components=[component],
                return_method="counter",
                at=at(7, 9),
            )
        with translation.override("vi"):
            assert {key: str(value) for key, value in caught.value.fields.items()} == {
                "components.0": message
            }


def test_an_invalid_personal_id_is_refused(world: World, procedure: Any) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.counter_intake(
            actor=world.intake_a,
            procedure=procedure,
            applicant=Applicant(name="Lê Văn Cường", identifier="12345"),
            receiving_unit=world.centre_a,
            form_data={},
            components=[uploaded()],
            return_method="counter",
            at=at(7, 9),
        )
    assert (caught.value.code, set(caught.value.fields)) == ("invalid_applicant", {"applicant.identifier"})


def test_supplement_at_intake_then_resubmission(world: World, procedure: Any) -> None:
    dossier = online_submitted(world, procedure, when=at(7, 8))
    asked = services.dossier_ask_supplement_at_intake(
        dossier=dossier,
        actor=world.intake_a,
        items=[" Bản sao  giấy chứng sinh "],
        reason=REASON,
        at=at(7, 9),
    )
    assert asked.status == S.SUPPLEMENT_AT_INTAKE
    request = SupplementRequest.objects.get(dossier=dossier)
    assert (request.phase, request.items, request.reason, request.requested_at, request.completed_at) == (
        "intake",
        ["Bản sao giấy chứng sinh"],
        REASON,
        at(7, 9),
        None,
    )
    assert asked.events.get(kind="supplement_requested_at_intake").data == {
        "request": request.pk,
        "items": ["Bản sao giấy chứng sinh"],
        "reason": REASON,
    }
    resubmitted = services.dossier_resubmit(
        dossier=asked, actor=world.citizen, components=[uploaded("Giấy chứng sinh")], at=at(8, 14)
    )
    request.refresh_from_db()
    assert resubmitted.status == S.SUBMITTED
    assert (request.completed_at, request.completed_by) == (at(8, 14), world.citizen)
    assert resubmitted.submitted_at == at(7, 8)
    assert resubmitted.system_received_at == at(8, 14)
    # The 8 working hours run again from the complete dossier: Tuesday 14:00 → Wednesday 14:00.
    assert resubmitted.receive_due_at == at(9, 14)
    assert list(resubmitted.components.values_list("position", "name", "supplement_request")) == [
        (1, "Tờ khai đăng ký khai sinh", None),
        (2, "Giấy chứng sinh", request.pk),
    ]
    received = services.dossier_receive(dossier=resubmitted, actor=world.intake_a, at=at(9, 8))
    assert received.clock_started_at == at(8, 14)


@pytest.mark.parametrize("items", [[], [""], ["Giấy chứng sinh", "  "]])
def test_a_supplement_request_needs_items(world: World, procedure: Any, items: list[str]) -> None:
    dossier = online_submitted(world, procedure, when=at(7, 8))
    with pytest.raises(ApplicationError) as caught:
        services.dossier_ask_supplement_at_intake(
            dossier=dossier, actor=world.intake_a, items=items, reason=REASON
        )
    assert (caught.value.code, set(caught.value.fields)) == ("required", {"items"})


def test_refusal_at_intake_is_final_with_its_reason(world: World, procedure: Any) -> None:
    dossier = online_submitted(world, procedure, when=at(7, 8))
    with pytest.raises(ApplicationError) as caught:
        services.dossier_refuse_intake(dossier=dossier, actor=world.intake_a, reason="   ", at=at(7, 9))
    assert (caught.value.code, set(caught.value.fields)) == ("required", {"reason"})
    refused = services.dossier_refuse_intake(
        dossier=dossier, actor=world.intake_a, reason="Không thuộc thẩm quyền", at=at(7, 9)
    )
    assert (refused.status, refused.ended_at, refused.end_reason, refused.code) == (
        S.REFUSED_AT_INTAKE,
        at(7, 9),
        "Không thuộc thẩm quyền",
        None,
    )
    assert refused.is_final


def _nothing_left() -> None:
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert DossierComponent.objects.count() == 0
    assert DossierStep.objects.count() == 0
    assert DossierCodeSequence.objects.count() == 0
    assert list(DossierStatusCounter.objects.exclude(value=0)) == []
    assert OutboxEvent.objects.filter(kind__startswith="dossier.").count() == 0
    assert AuditRecord.objects.filter(object_type__model="dossier").count() == 0


def test_counter_intake_failing_at_receipt_leaves_nothing(world: World, procedure: Any) -> None:
    AgencyCode.objects.filter(unit=world.centre_a).delete()
    with translation.override("vi"), pytest.raises(Conflict) as caught:
        counter_received(world, procedure, when=at(7, 10))
    assert caught.value.code == "no_agency_code"
    with translation.override("vi"):
        assert str(caught.value.message) == (
            "Trung tâm Phục vụ hành chính công xã Ea Kar chưa có mã định danh điện tử còn hiệu lực vào ngày "
            "07/12/2026 nên không thể cấp mã hồ sơ. Đề nghị quản trị viên cập nhật mã định danh của đơn vị."
        )
    _nothing_left()


def test_counter_intake_failing_at_submission_leaves_nothing(world: World) -> None:
    procedure = make_procedure(world, eforms={"to_khai": SCHEMA})
    with pytest.raises(ApplicationError) as caught:
        counter_received(world, procedure, when=at(7, 10))
    assert caught.value.code == "invalid_form"
    _nothing_left()


def test_intake_guidance_is_recorded_without_a_dossier(world: World, procedure: Any) -> None:
    note = services.intake_guidance_record(
        actor=world.intake_a,
        receiving_unit=world.centre_a,
        procedure=procedure,
        applicant_name=" Phạm Thị Dung ",
        items=ITEMS,
        note="Hẹn quay lại",
        at=at(7, 9),
    )
    assert (note.applicant_name, note.items, note.note, note.recorded_at, note.recorded_by) == (
        "Phạm Thị Dung",
        ITEMS,
        "Hẹn quay lại",
        at(7, 9),
        world.intake_a,
    )
    assert Dossier.objects.count() == 0
    event = OutboxEvent.objects.get(kind="dossier.intake_guidance")
    assert event.payload == {
        "schema_version": 1,
        "intake_note": note.pk,
        "receiving_unit": world.centre_a.pk,
        "procedure": procedure.pk,
        "items": ITEMS,
        "at": "2026-12-07T09:00:00+07:00",
    }
    with pytest.raises(PermissionDenied):
        services.intake_guidance_record(
            actor=world.intake_b,
            receiving_unit=world.centre_a,
            procedure=procedure,
            applicant_name="Phạm Thị Dung",
            items=ITEMS,
        )
    assert IntakeNote.objects.count() == 1
