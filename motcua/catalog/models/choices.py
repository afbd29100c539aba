"""The closed vocabularies of the catalogue (LEGAL.md §6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.worktime import ClockMode, Convention, TimeUnit


class Level(models.TextChoices):
    """Which tier implements the procedure after the two-tier reform of 1 July 2025 (LEGAL.md §9)."""

    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    BOTH = "both", _("Province and commune")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class TimeLimitUnit(models.TextChoices):
    """The published units of a time limit (the national field `DonViTinh`; LEGAL.md §3.1)."""

    WORKING_HOURS = TimeUnit.WORKING_HOURS.value, _("working hours")
    WORKING_DAYS = TimeUnit.WORKING_DAYS.value, _("working days")
    CALENDAR_DAYS = TimeUnit.CALENDAR_DAYS.value, _("calendar days")
    MONTHS = TimeUnit.MONTHS.value, _("months")


class CountingConvention(models.TextChoices):
    """How a working-day limit is counted, chosen per procedure (LEGAL.md §3.2)."""

    HOURS = Convention.HOURS.value, _("Receipt moment plus 8 working hours per day")
    CIVIL = Convention.CIVIL.value, _("Civil Code: from the day after receipt to the end of the last day")


class Channel(models.TextChoices):
    """Methods of submission (cách thức thực hiện; ND 118/2025 art. 15)."""

    DIRECT = "direct", _("In person")
    POSTAL = "postal", _("By post")
    ONLINE = "online", _("Online")


class OnlineLevel(models.TextChoices):
    """Online public service level (ND 224/2026 art. 14; LEGAL.md §6.2)."""

    FULL = "full", _("Full-process online service")
    PARTIAL = "partial", _("Partial online service")
    NONE = "none", _("No online service")


class OnlineReason(models.TextChoices):
    """ND 224/2026 art. 14: the published reason why a service is not full-process."""

    PRESENCE = "presence", _("The applicant must be present in person")
    FIELD_VERIFICATION = "field_verification", _("A verification on site is required")
    TECHNICAL_ISSUE = "technical_issue", _("A technical issue is not yet resolved")
    OTHER_TECHNICAL = "other_technical", _("Other technical reasons")


class SupplementClock(models.TextChoices):
    """What a supplement request does to the clock (LEGAL.md §1.6; DESIGN.md, Legal time)."""

    PAUSE = ClockMode.PAUSE.value, _("Pause the clock until the dossier is completed")
    RESTART = ClockMode.RESTART.value, _("Restart the whole time limit when the dossier is completed")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronically")


class AgencyRole(models.TextChoices):
    """The parts units play in a procedure (ND 63/2010 art. 8(2)(g); DESIGN.md, The dossier)."""

    IMPLEMENTING = "implementing", _("Implementing agency")
    COMPETENT = "competent", _("Competent authority")
    RECEIVING = "receiving", _("Receiving unit")
    COORDINATING = "coordinating", _("Coordinating agency")


class AgencyScope(models.TextChoices):
    """Whether an agency is one unit or every unit of a kind in the province (a commune-level procedure
    is implemented by every commune's people's committee)."""

    UNIT = "unit", _("This unit")
    EACH_COMMUNE_COMMITTEE = "each_commune_committee", _("Each commune people's committee")
    EACH_COMMUNE_CENTRE = "each_commune_centre", _("Each commune public administrative service centre")


class DocumentKind(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    SHOW = "show", _("Shown for checking")


class LookupDatabase(models.TextChoices):
    """National databases a document may be replaced by (NQ 66.7/2025/NQ-CP; ND 45/2020 art. 4)."""

    NONE = "", _("None")
    POPULATION = "population", _("National population database")
    CIVIL_STATUS = "civil_status", _("Electronic civil-status database")
    RESIDENCE = "residence", _("Residence database")
    LAND = "land", _("Land database")
    BUSINESS = "business", _("National business registration database")
    DATA_STORE = "data_store", _("The applicant's electronic data store")


class FeeKind(models.TextChoices):
    FEE = "fee", _("Fee (phí)")
    CHARGE = "charge", _("Charge (lệ phí)")


class LegalKind(models.TextChoices):
    LAW = "law", _("Law")
    RESOLUTION = "resolution", _("Resolution")
    DECREE = "decree", _("Decree")
    CIRCULAR = "circular", _("Circular")
    DECISION = "decision", _("Decision")
    OTHER = "other", _("Other document")


class StepScope(models.TextChoices):
    """Where an internal-process step runs: a fixed unit, or the unit the dossier names."""

    UNIT = "unit", _("A specific unit")
    COMPETENT = "competent", _("The dossier's competent unit")
    RECEIVING = "receiving", _("The dossier's receiving unit")
    # Fans out to every coordinating agency of the procedure and joins when all have answered.
    COORDINATING = "coordinating", _("Each coordinating agency, in parallel")


class ProcessAction(models.TextChoices):
    """What a person may do at an internal-process step (the dossier engine offers these)."""

    RECEIVE = "receive", _("Receive")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    REFUSE = "refuse", _("Refuse at intake")
    TRANSFER = "transfer", _("Transfer")
    ASSIGN = "assign", _("Assign")
    APPRAISE = "appraise", _("Appraise")
    VERIFY = "verify", _("Verify on site")
    COORDINATE = "coordinate", _("Give an opinion (coordination)")
    POST_NOTICE = "post_notice", _("Post a public notice")
    DRAFT_RESULT = "draft_result", _("Draft the result")
    APPROVE = "approve", _("Approve")
    SIGN = "sign", _("Sign")
    REJECT = "reject", _("Reject")
    RETURN_RESULT = "return_result", _("Return the result")


class PostingChannel(models.TextChoices):
    """Where a published version was made public (indicator 1.2 counts the national database)."""

    NATIONAL_DATABASE = "national_database", _("National database on administrative procedures")
    PORTAL = "portal", _("Public service portal")
    NOTICEBOARD = "noticeboard", _("Noticeboard at the one-stop desk")
