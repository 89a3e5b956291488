"""Demo data for `make run`: plans modelled on a typical Japanese provider's line-up."""

from django.db import transaction

from network import provisioning
from network.passwords import password_hash

from .models import ConnectionPlan, Member, User
from .services import member_issue_activation_code

# (code, Japanese name, English name, line type, dynamic fee, fixed fee)
PLANS = [
    ("hikari-home", "OKBNET光 ホーム", "OKBNET Hikari Home", "fibre", 5280, 8030),
    ("hikari-mansion", "OKBNET光 マンション", "OKBNET Hikari Mansion", "fibre", 4180, 6930),
    ("hikari-cross", "OKBNET光 クロス (10G)", "OKBNET Hikari Cross (10G)", "fibre", 6380, 9680),
    ("adsl", "OKBNET ADSL", "OKBNET ADSL", "adsl", 2970, 5720),
    ("catv", "OKBNET ケーブル", "OKBNET Cable", "catv", 3850, 6600),
]

DEMO_MEMBER_PASSWORD = "okbnet-demo-member"
DEMO_STAFF_PASSWORD = "okbnet-demo-staff"
# The connection (PPPoE) password of the demo members' contract documents; only its hash is stored.
DEMO_CONNECTION_PASSWORD = "Setsuzoku-demo-2026"


def seed_plans() -> None:
    for order, (code, name, name_en, line, fee, fixed_fee) in enumerate(PLANS):
        fixed, _ = ConnectionPlan.objects.update_or_create(
            code=f"{code}-fixed",
            defaults={
                "name": f"{name} 固定IP",
                "name_en": f"{name_en} Fixed IP",
                "line_type": line,
                "ip_type": "fixed",
                "monthly_fee": fixed_fee,
                "sort_order": order * 2 + 1,
            },
        )
        ConnectionPlan.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "line_type": line,
                "ip_type": "dynamic",
                "monthly_fee": fee,
                "fixed_variant": fixed,
                "sort_order": order * 2,
            },
        )


@transaction.atomic
def seed() -> list[str]:
    seed_plans()
    member_user, _ = User.objects.get_or_create(username="member-M1000001")
    member_user.set_password(DEMO_MEMBER_PASSWORD)
    member_user.save()
    Member.objects.update_or_create(
        member_number="M1000001",
        defaults={
            "user": member_user,
            "name": "岡部 太郎",
            "name_kana": "オカベ タロウ",
            "phone": "0859-00-0001",
            "email": "taro@example.jp",
            "connection_username": "okb1000001",
            "mail_address": "taro@okbnet.ne.jp",
            "plan": ConnectionPlan.objects.get(code="hikari-home"),
        },
    )
    # A member who has only the contract document: a fresh activation code on every seed
    # (only its hash is stored, so the printed one is the one that works).
    newcomer, _ = Member.objects.update_or_create(
        member_number="M1000002",
        defaults={
            "name": "岡部 花子",
            "name_kana": "オカベ ハナコ",
            "phone": "0859-00-0002",
            "email": "hanako@example.jp",
            "connection_username": "okb1000002",
            "mail_address": "hanako@okbnet.ne.jp",
            "plan": ConnectionPlan.objects.get(code="hikari-mansion"),
        },
    )
    activation_line = "Demo activation: M1000002 / okb1000002 already activated (log in with the password chosen then)"
    if newcomer.user_id is None:
        code = member_issue_activation_code(member=newcomer)
        activation_line = (
            f"Demo activation: at /accounts/activate/ enter member number M1000002, "
            f"connection user name okb1000002, activation code {code}"
        )
    for member in Member.objects.filter(member_number__in=["M1000001", "M1000002"]):
        if not member.connection_password_hash:  # set at activation of the contract
            member.connection_password_hash = password_hash(DEMO_CONNECTION_PASSWORD)
            member.save(update_fields=["connection_password_hash", "updated_at"])
        provisioning.member_provision(member=member)  # the worker writes the RADIUS rows
    staff, _ = User.objects.get_or_create(username="staff", defaults={"is_staff": True})
    staff.is_staff = True
    staff.set_password(DEMO_STAFF_PASSWORD)
    staff.save()
    return [
        f"Demo member: log in as okb1000001 (or taro@example.jp), password {DEMO_MEMBER_PASSWORD}",
        f"Demo staff:  log in as staff, password {DEMO_STAFF_PASSWORD}",
        f"Demo connection (RADIUS): okb1000001 or okb1000002, password {DEMO_CONNECTION_PASSWORD}"
        " (unless changed on My page)",
        activation_line,
    ]
