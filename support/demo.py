"""Demo canned replies, so the reply box can be tried with `make run`."""

from .models import CannedReply

REPLIES = [
    (
        "OP25B: OKBNETの送信ゲートウェイを使う",
        "op25b",
        "{member_name} 様\n\nお問い合わせありがとうございます。OKBNET サポートセンターです。\n"
        "メールソフトの送信サーバーを次のとおり変更してください。\n\n"
        "送信サーバー: {gateway_host}\nポート: 587（STARTTLS）\nユーザー名: {smtp_username}\n\n"
        "{verdict_steps}\n\nご不明な点があれば、このお問い合わせにご返信ください。",
        "Dear {member_name},\n\nThank you for contacting the OKBNET support center.\n"
        "Please change the outgoing server of your mail program as follows.\n\n"
        "Outgoing server: {gateway_host}\nPort: 587 (STARTTLS)\nUser name: {smtp_username}\n\n"
        "{verdict_steps}\n\nIf anything is unclear, reply to this inquiry.",
    ),
    (
        "固定IPプランのご案内",
        "plan_change",
        "{member_name} 様\n\n固定IPプランの月額料金は {fixed_ip_fee} 円（税込）です。"
        "変更すると接続ユーザー名が変わります。マイページからお申し込みいただけます。",
        "Dear {member_name},\n\nThe fixed-IP plan costs {fixed_ip_fee} yen a month (tax included). "
        "Your connection user name changes with it. You can apply on My page.",
    ),
]


def seed() -> list[str]:
    for order, (title, category, ja, en) in enumerate(REPLIES):
        CannedReply.objects.update_or_create(
            title=title, defaults={"category": category, "body_ja": ja, "body_en": en, "sort_order": order}
        )
    return [f"Canned replies: {len(REPLIES)}"]
