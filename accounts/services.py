"""Writes on members: log-in activation, and fixed-IP plan changes (DESIGN §8: request, cancel,
retry, and the work a worker does). Every interface (pages, call-center API, staff ticket page,
Celery task) calls these."""

import datetime
import re
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network import provisioning
from network.services import PoolExhausted, address_allocate
from okbnet_portal import counters
from okbnet_portal.actors import Actor, actor_name
from okbnet_portal.emails import email_send_after_commit
from okbnet_portal.enqueue import Enqueued, enqueue_on_commit
from okbnet_portal.errors import ApplicationError, Conflict, InvalidInput, NotFound
from okbnet_portal.states import transition
from support import services as tickets
from support.models import Ticket

from .models import ConnectionPlan, IpType, Member, PlanChangeRequest, User
from .tasks import process_plan_change

# No 0/O/1/I/L: the code is typed from paper.
ACTIVATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ACTIVATION_CODE_LENGTH = 10
ACTIVATION_MAX_FAILURES = 5
ACTIVATION_LOCK_SECONDS = 15 * 60
ACTIVATION_ALERT_FAILURES = 20  # per member number, all client addresses together, per window


class ActivationError(Exception):
    """The activation was refused; the message is safe to show (it never says which part was wrong)."""


def member_issue_activation_code(*, member: Member) -> str:
    """A new activation code for the contract document. Only its hash is stored."""
    code = "".join(secrets.choice(ACTIVATION_ALPHABET) for _ in range(ACTIVATION_CODE_LENGTH))
    member.activation_code_hash = make_password(code)
    member.save(update_fields=["activation_code_hash", "updated_at"])
    return code


def _normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _count(key: str) -> int:
    """One more failure under `key` in the shared cache; the window starts at the first one."""
    return counters.count(key, timeout=ACTIVATION_LOCK_SECONDS)


def _alert_staff_of_activation_attack(member_number: str, failures: int) -> None:
    """Many addresses are guessing one member's code: tell staff (once a window), lock no one out."""
    if not cache.add(f"activation-alert:{member_number}", 1, ACTIVATION_LOCK_SECONDS):
        return
    ticket = tickets.ticket_open(
        member=None,  # an internal alert: not on the member's own ticket list
        category=Ticket.Category.OTHER,
        subject=str(_("Many failed activations for member %(number)s") % {"number": member_number}),
        description=str(
            _(
                "%(count)d wrong activation attempts for member %(number)s from several addresses within "
                "%(minutes)d minutes. Each address is locked out after %(limit)d failures; the member is not. "
                "Check whether the contract document leaked and issue a new activation code if needed."
            )
            % {
                "count": failures,
                "number": member_number,
                "minutes": ACTIVATION_LOCK_SECONDS // 60,
                "limit": ACTIVATION_MAX_FAILURES,
            }
        ),
        priority=Ticket.Priority.HIGH,
    )
    tickets.ticket_flag_for_person(ticket=ticket, reason=str(_("Possible guessing of an activation code.")))


def member_activate(
    *, member_number: str, connection_username: str, activation_code: str, password: str, client_address: str = ""
) -> User:
    """First log-in of a member who has only the contract document: check the three values
    printed on it, then set the chosen password on the member's log-in user (created if needed).
    The code works once.

    Failures are counted per member number *and* client address: member numbers are sequential,
    so a count per number alone would let anyone block a member's first log-in. Past
    ACTIVATION_ALERT_FAILURES for one number from all addresses together, staff get an alert
    (a ticket that needs a person) instead of the member being locked out.
    """
    number = member_number.strip().upper()
    pair_key = f"activation-failures:{number}:{client_address}"
    if cache.get(pair_key, 0) >= ACTIVATION_MAX_FAILURES:
        raise ActivationError(_("Too many attempts. Try again in 15 minutes or call the support center."))
    with transaction.atomic():
        member = (
            Member.objects.select_for_update()
            .filter(member_number=number, connection_username=connection_username.strip())
            .exclude(activation_code_hash="")
            .first()
        )
        matched = member is not None and check_password(_normalise_code(activation_code), member.activation_code_hash)
        if matched:
            user = member.user or User(username=f"member-{member.member_number}")
            validate_password(password, user)
            user.set_password(password)
            user.is_active = True
            user.save()
            member.user = user
            member.activation_code_hash = ""
            member.save(update_fields=["user", "activation_code_hash", "updated_at"])
    if not matched:
        if member is None:
            make_password(activation_code)  # same work either way: no timing hint
        _count(pair_key)
        total = _count(f"activation-failures:{number}")
        if total >= ACTIVATION_ALERT_FAILURES:
            _alert_staff_of_activation_attack(number, total)
        raise ActivationError(
            _("These details do not match our records, or the code was already used. Check the contract document.")
        )
    cache.delete(pair_key)
    return user


# --- Fixed-IP plan changes (DESIGN §8) ------------------------------------------------------

Status = PlanChangeRequest.Status
Reason = PlanChangeRequest.FailureReason

# Steps a request goes through, in order; the stepper on the member's page shows these.
STEPS: list[tuple[str, str]] = [
    ("received", _("Request received")),
    ("processing", _("Processing started")),
    ("address_allocated", _("Fixed IP address assigned")),
    ("username_issued", _("New connection user name issued")),
    ("plan_switched", _("Plan and fee switched")),
    ("email_queued", _("Notice e-mailed")),
    ("completed", _("Completed")),
]
# Every step a request's history can hold has a label: the stepper's steps, and the turns off it.
STEP_LABELS = {
    **dict(STEPS),
    "cancelled": _("Request cancelled"),
    "failed": _("Failed: a person will look at it"),
    "retried": _("Sent through again"),
}
PROCESSING_DELAYED = _(
    "Your request is saved. Processing may be delayed a little: it starts automatically within a few minutes."
)


class OpenRequestExists(Conflict):
    default_message = _("This member already has an open plan-change request.")


class MemberNotActive(Conflict):
    default_message = _("The member's contract is suspended or cancelled: plan changes are not possible.")


class RequestNotCancellable(Conflict):
    default_message = _("The request can no longer be cancelled: processing has started or it is finished.")


class RequestNotRetryable(Conflict):
    default_message = _("Only a failed request can be retried.")


class PlanChangeInvalid(InvalidInput):
    pass


class PermanentFailure(Exception):
    """A failure no retry will fix: the request ends `failed` and a person takes over."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def next_billing_date(today: datetime.date | None = None) -> datetime.date:
    """Billing runs from the 1st of each month: a change applies from the 1st of next month."""
    today = today or timezone.localdate()
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def open_request_for(member: Member) -> PlanChangeRequest | None:
    return PlanChangeRequest.objects.filter(member=member, status__in=PlanChangeRequest.OPEN_STATUSES).first()


def plan_change_refusal(*, member: Member, open_request: PlanChangeRequest | None) -> ApplicationError | None:
    """Why the member may not ask for a fixed-IP change now, or None: the one eligibility rule.
    The service raises it under the member lock; pages offer the change only when it is None."""
    if member.status != Member.Status.ACTIVE:
        return MemberNotActive()  # suspended/cancelled (support.abuse.services): no plan changes
    if member.plan.ip_type == IpType.FIXED:
        return PlanChangeInvalid({"target_plan": [_("This member is already on a fixed-IP plan.")]})
    if open_request is not None and open_request.is_open:
        return OpenRequestExists()
    return None


def plan_change_offered(*, member: Member, open_request: PlanChangeRequest | None) -> bool:
    """Pages link to and show the request form when the rule allows it and the plan has a variant."""
    return (
        member.plan.fixed_variant_id is not None
        and plan_change_refusal(member=member, open_request=open_request) is None
    )


def plan_change_request(*, member: Member, target_plan: ConnectionPlan | None = None, by: Actor) -> PlanChangeRequest:
    """Save the request and open its ticket in one transaction; queue the task after commit.

    The member row is locked while checking, so simultaneous requests of one member queue up
    and see each other; the partial unique constraint is the last guard. The lock reads the
    member row alone: on PostgreSQL a `FOR UPDATE` that waits re-checks its row after the other
    transaction commits, and with a join to the plan it would drop a member whose plan a worker
    has just switched (the joined plan row is the old one): `DoesNotExist` instead of a refusal.
    `request.processing_delayed` says, after commit, that the broker did not take the task.
    """
    if target_plan is not None and target_plan.ip_type != IpType.FIXED:
        raise PlanChangeInvalid({"target_plan": [_("The target plan must be a fixed-IP plan.")]})
    try:
        with transaction.atomic():
            member = Member.objects.select_for_update().filter(pk=member.pk).first()
            if member is None:
                raise NotFound(_("No member has this number."))
            # The plan and its fixed variant in one query, after the lock (see above).
            member.plan = ConnectionPlan.objects.select_related("fixed_variant").get(pk=member.plan_id)
            refusal = plan_change_refusal(member=member, open_request=open_request_for(member))
            if refusal is not None:
                raise refusal
            target = target_plan or member.plan.fixed_variant
            ticket = tickets.ticket_open(
                member=member,
                category=Ticket.Category.PLAN_CHANGE,
                subject=f"{_('Change to a fixed-IP plan')}: {member.member_number}",
                description=f"{member.plan.name} → {target.name if target else '-'}",
                by=by,
            )
            request = PlanChangeRequest.objects.create(
                member=member,
                from_plan=member.plan,
                target_plan=target,
                old_connection_username=member.connection_username,
                effective_date=next_billing_date(),
                ticket=ticket,
                requested_by=actor_name(by),
                steps=[_step("received")],
            )
            tickets.ticket_record_step(ticket=ticket, step="received")
            request.enqueued = _queue(request.pk)
    except IntegrityError:
        # Another request of this member won the race (the partial unique constraint).
        raise OpenRequestExists() from None
    return request


def plan_change_cancel(*, request: PlanChangeRequest | int, by: Actor) -> PlanChangeRequest:
    with transaction.atomic():
        request = _locked(request)
        transition(request, to=Status.CANCELLED, error=RequestNotCancellable)
        request.finished_at = timezone.now()
        request.steps = [*request.steps, _step("cancelled")]
        request.save(update_fields=["status", "finished_at", "steps", "updated_at"])
        tickets.ticket_record_step(ticket=request.ticket_id, step="cancelled", by=by)
        tickets.ticket_change_status(ticket=request.ticket_id, status=Ticket.Status.CLOSED, by=by)
    return request


def plan_change_retry(*, request: PlanChangeRequest | int, by: Actor) -> PlanChangeRequest:
    """Staff: send a failed request through again (e.g. after adding a pool)."""
    try:
        with transaction.atomic():
            request = _locked(request)
            transition(request, to=Status.SUBMITTED, error=RequestNotRetryable)
            request.failure_reason = ""
            request.failure_detail = ""
            request.finished_at = None
            request.claimed_at = None
            request.steps = [*request.steps, _step("retried")]
            request.save()
            tickets.ticket_record_step(ticket=request.ticket_id, step="retried", by=by)
            request.enqueued = _queue(request.pk)
    except IntegrityError:
        raise OpenRequestExists() from None
    return request


def plan_change_process(*, request_id: int) -> PlanChangeRequest | None:
    """The worker's job. Safe to run twice, concurrently, or after a worker died half-way.

    The claim (submitted → processing) is a conditional update, committed on its own (one
    statement). All the work then happens in one transaction that locks the request and re-checks
    it is still `processing`: a killed worker's transaction rolls back and leaves `processing`,
    which the next delivery (or the sweep) picks up; a second delivery that arrives while the
    first is working waits on the lock and then finds the request finished. The ticket's steps
    are written together at the end of that transaction (one INSERT), so the history shows them
    all or none.
    """
    now = timezone.now()
    claimed = PlanChangeRequest.objects.filter(id=request_id, status=Status.SUBMITTED).update(
        status=Status.PROCESSING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed and not PlanChangeRequest.objects.filter(id=request_id, status=Status.PROCESSING).exists():
        return None  # completed, failed, cancelled or gone: nothing to do twice

    with transaction.atomic():
        # A write first: it takes the row lock on PostgreSQL and the write lock on SQLite.
        if not PlanChangeRequest.objects.filter(id=request_id, status=Status.PROCESSING).update(
            updated_at=timezone.now()
        ):
            return None
        request = (
            PlanChangeRequest.objects.select_for_update(of=("self",))
            .select_related("target_plan", "from_plan", "ticket")
            .get(id=request_id)
        )
        member = Member.objects.select_for_update().get(pk=request.member_id)
        steps = _Steps(request)
        steps.add("processing")  # each run that does the work says so (a killed run's rolled back)
        try:
            _carry_out(request, member, steps)
        except PermanentFailure as failure:
            _fail(request, failure.reason, failure.detail, steps)
    return request


def plan_change_give_up(*, request_id: int, detail: str) -> None:
    """Transient errors outlasted every retry: fail the request so a person looks at it."""
    with transaction.atomic():
        request = PlanChangeRequest.objects.select_for_update().filter(id=request_id).first()
        if request is not None and request.is_open:
            _fail(request, Reason.GAVE_UP, detail, _Steps(request))


def plan_change_requeue_stuck(
    *,
    submitted_for: datetime.timedelta = datetime.timedelta(seconds=60),
    processing_for: datetime.timedelta = datetime.timedelta(minutes=5),
) -> list[int]:
    """The beat sweep: re-queue requests left `submitted` (the broker was down when they were
    saved) or left `processing` longer than any task may run (the worker and its message died)."""
    now = timezone.now()
    ids = list(
        PlanChangeRequest.objects.filter(status=Status.SUBMITTED, updated_at__lt=now - submitted_for).values_list(
            "id", flat=True
        )
    ) + list(
        PlanChangeRequest.objects.filter(status=Status.PROCESSING, updated_at__lt=now - processing_for).values_list(
            "id", flat=True
        )
    )
    for pk in ids:
        _queue(pk)
    return ids


# --- internals ------------------------------------------------------------------------------


def _step(code: str) -> dict[str, str]:
    return {"step": code, "at": timezone.now().isoformat()}


def _queue(request_id: int) -> Enqueued:
    return enqueue_on_commit(process_plan_change, request_id)


def _locked(request: PlanChangeRequest | int) -> PlanChangeRequest:
    pk = request.pk if isinstance(request, PlanChangeRequest) else request
    return PlanChangeRequest.objects.select_for_update().get(pk=pk)


def new_connection_username(member: Member) -> str:
    """A unique user name for the fixed-IP contract: `okbf` + the member number's digits."""
    digits = re.sub(r"\D", "", member.member_number) or str(member.pk)
    base = f"okbf{digits}"
    candidate, n = base, 1
    while Member.objects.filter(connection_username=candidate).exclude(pk=member.pk).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class _Steps:
    """The steps of one run of the worker: kept on the request (`steps`) and on its ticket
    (system-step events), each once; the events are written in one INSERT by `record`."""

    def __init__(self, request: PlanChangeRequest):
        self.request = request
        self.steps = list(request.steps)
        self.events: list[tuple[str, str]] = []

    def add(self, code: str, body: str = "") -> None:
        self.steps.append(_step(code))
        self.events.append((code, body))

    def record(self) -> None:
        """Write the steps on the request (not saved here) and their events on the ticket."""
        self.request.steps = self.steps
        tickets.ticket_record_steps(ticket=self.request.ticket_id, steps=self.events)
        self.events = []


def _carry_out(request: PlanChangeRequest, member: Member, steps: _Steps) -> None:
    if member.status != Member.Status.ACTIVE:
        raise PermanentFailure(Reason.MEMBER_SUSPENDED, member.status)
    target = request.target_plan
    if target is None or target.ip_type != IpType.FIXED:
        raise PermanentFailure(Reason.NO_FIXED_VARIANT, request.from_plan_id and str(request.from_plan_id))
    try:
        address = address_allocate(member=member, line_type=target.line_type)
    except PoolExhausted as exc:
        raise PermanentFailure(Reason.POOL_EXHAUSTED, str(exc)) from None
    steps.add("address_allocated", address.address)

    username = new_connection_username(member)
    steps.add("username_issued", username)

    # The request's from_plan is the member's plan unless staff changed it meanwhile.
    old_plan = request.from_plan if request.from_plan_id == member.plan_id else member.plan
    member.plan = target
    member.connection_username = username
    member.fixed_ip = address.address
    member.save(update_fields=["plan", "connection_username", "fixed_ip", "updated_at"])
    provisioning.member_plan_changed(request=request, member=member)  # RADIUS, after commit
    steps.add(
        "plan_switched",
        # Names and money as the staff read them (8,030円), not plan codes.
        f"{old_plan.name} → {target.name}: {target.monthly_fee:,}円 ({request.effective_date:%Y/%m/%d}〜)",
    )

    # The worker sends it itself right after commit (no second task for the broker to carry).
    email_send_after_commit(
        template="accounts/emails/plan_change_completed",
        to=[member.email],
        context={
            "name": member.name,
            "member_number": member.member_number,
            "plan_name": target.name,
            "plan_name_en": target.name_en,
            "monthly_fee": target.monthly_fee,
            "effective_date": request.effective_date.isoformat(),
            "mail_address": member.mail_address,
            "old_connection_username": request.old_connection_username,
            "new_connection_username": username,
            "fixed_ip": address.address,
            "ticket": request.ticket.number,
        },
    )
    steps.add("email_queued", member.email)

    steps.add("completed")
    transition(request, to=Status.COMPLETED)
    request.new_connection_username = username
    request.fixed_ip = address.address
    request.finished_at = timezone.now()
    steps.record()
    request.save()
    tickets.ticket_resolve_by_system(ticket=request.ticket_id, note=str(_("Fixed-IP plan change completed.")))


def _fail(request: PlanChangeRequest, reason: str, detail: str, steps: _Steps) -> None:
    """A permanent failure (raised before any work was done): the request says `failed` and why,
    and its ticket waits for a person."""
    transition(request, to=Status.FAILED)
    request.failure_reason = reason
    request.failure_detail = detail or ""
    request.finished_at = timezone.now()
    label = str(Reason(reason).label)
    steps.add("failed", f"{reason}: {label}")
    steps.record()
    request.save()
    tickets.ticket_flag_for_person(ticket=request.ticket_id, reason=label)
