import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import ConnectionPlan, Member, User
from network.passwords import password_hash

# Every factory member's connection password (the contract document's).
CONNECTION_PASSWORD = "Setsuzoku2026"


class FixedPlanFactory(DjangoModelFactory):
    class Meta:
        model = ConnectionPlan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"plan{n}-fixed")
    name = factory.Sequence(lambda n: f"プラン{n} 固定IP")
    name_en = factory.Sequence(lambda n: f"Plan {n} Fixed IP")
    line_type = "fibre"
    ip_type = "fixed"
    monthly_fee = 8030


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = ConnectionPlan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"plan{n}")
    name = factory.Sequence(lambda n: f"プラン{n}")
    name_en = factory.Sequence(lambda n: f"Plan {n}")
    line_type = "fibre"
    ip_type = "dynamic"
    monthly_fee = 5280
    fixed_variant = factory.SubFactory(
        FixedPlanFactory, code=factory.LazyAttribute(lambda o: f"{o.factory_parent.code}-fixed")
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    member_number = factory.Sequence(lambda n: f"M{2000000 + n:07d}")
    name = factory.Sequence(lambda n: f"会員 {n}")
    name_kana = factory.Sequence(lambda n: f"カイイン {n}")
    phone = factory.Sequence(lambda n: f"0859-10-{n:04d}")
    email = factory.Sequence(lambda n: f"member{n}@example.jp")
    connection_username = factory.Sequence(lambda n: f"okb{2000000 + n:07d}")
    mail_address = factory.Sequence(lambda n: f"member{n}@okbnet.ne.jp")
    plan = factory.SubFactory(PlanFactory)
    # Set at activation of the contract: only the RADIUS hash of CONNECTION_PASSWORD.
    connection_password_hash = factory.LazyFunction(lambda: password_hash(CONNECTION_PASSWORD))


class MailSetupFactory(DjangoModelFactory):
    class Meta:
        model = "mailsettings.MailSetup"

    member = factory.SubFactory(MemberFactory)
    label = factory.Sequence(lambda n: f"PC {n}")
    mail_program = "thunderbird"
    sending_via = "other_provider"
    port = 25
    provider_submission = "none"
    provider_host = "smtp.example.jp"


class TicketFactory(DjangoModelFactory):
    class Meta:
        model = "support.Ticket"

    number = factory.Sequence(lambda n: f"T-2026-{900000 + n:06d}")
    member = factory.SubFactory(MemberFactory)
    category = "op25b"
    subject = factory.Sequence(lambda n: f"Port 25 question {n}")


class FixedPoolFactory(DjangoModelFactory):
    """A fixed pool with its address rows (a /29 gives 6 usable addresses)."""

    class Meta:
        model = "network.IpPool"
        django_get_or_create = ("network",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Fixed pool {n}")
    network = factory.Sequence(lambda n: f"10.{n // 32 % 256}.{n % 32 * 8}.0/29")
    kind = "fixed"
    line_type = "fibre"

    @factory.post_generation
    def addresses(obj, create, extracted, **kwargs):
        if create:
            from network.services import pool_sync_addresses

            pool_sync_addresses(pool=obj)


class SessionImportFactory(DjangoModelFactory):
    class Meta:
        model = "network.SessionImport"

    filename = "radacct.csv"
    rows = 1


class RadiusSessionFactory(DjangoModelFactory):
    class Meta:
        model = "network.RadiusSession"

    member = factory.SubFactory(MemberFactory)
    username = factory.LazyAttribute(lambda o: o.member.connection_username)
    address = factory.Sequence(lambda n: f"203.0.113.{n % 250 + 1}")
    started_at = factory.LazyFunction(timezone.now)
    stopped_at = None
    imported = factory.SubFactory(SessionImportFactory)


class OwnDomainFactory(DjangoModelFactory):
    """An own domain OKBNET hosts (the registry that decides gw.<domain>)."""

    class Meta:
        model = "mailsettings.OwnDomain"
        django_get_or_create = ("domain",)

    domain = factory.Sequence(lambda n: f"own{n}.example.jp")
    member = None
