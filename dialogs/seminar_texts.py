"""What the bot says about 講習会 and 個別相談会 (001 4(2)・4(3)), in one place."""

from __future__ import annotations

from dialogs.texts import DESK, PHONE

LABEL = "講習会・相談会"
KIND = {"lecture": "講習会", "consultation": "個別相談会"}
NONE = ("いま申し込める講習会・個別相談会はありません。開催が決まると、このメニューの「講習会」からご覧いただけます。"
        "今年度の開催時期は令和7年4月1日から令和8年2月27日までです（実施要領 4(2)ア・4(3)ア）。"
        f"（お問い合わせ：{DESK} {PHONE}）")
HEAD = "申し込める講習会・個別相談会です（参加は無料です：実施要領 4(2)キ①・4(3)キ①）。見たいものを選んでください。"
NONE_MATCH = "その条件に合う催しはありません。ほかの条件でお探しください。"
LINE = "・{day} {kind}「{title}」{area}"
PICK_THEME = "テーマを選んでください。"
PICK_AREA = "地域を選んでください。"
BY_THEME = "テーマで探す"
BY_AREA = "地域で探す"
MINE = "申込の確認・取消"
BACK = "一覧に戻る"
JOIN = "申し込む"
FULL_NOW = "満席のため、受付を終了しました。"
NO_SLOTS = "相談枠はすべて埋まりました。"
PICK_SLOT = "ご希望の時間を選んでください（1枠ずつ専門家と個別にご相談いただけます）。"
ALREADY_IN = "この催しはお申し込み済みです。取り消すときは「申込の確認・取消」からどうぞ。"
# ※3 (講習会) / ※8 (個別相談会): 企業組合や協同組合などが対象。
# 一般社団法人や公益社団法人、医療法人、社会福祉法人等は対象外。
EXCLUDED = {"lecture": ("申し訳ありません。一般社団法人・公益社団法人・医療法人・社会福祉法人などは、"
                        "講習会の参加対象外です（実施要領 4(2)ウ ※3）。"),
            "consultation": ("申し訳ありません。一般社団法人・公益社団法人・医療法人・社会福祉法人などは、個別相談会の"
                             "対象外です（実施要領 4(3)ウ ※8）。")}
ASK_ORG = "参加の対象を確かめます。事業の形態を教えてください。"
# Said before the business name and the participant's name are asked (issue 17: consent before anything personal).
ASK_AGREE_FIRST = ("お申し込みには、事業所名と参加される方のお名前をお聞きします。"
                   f"この催しの受付と当日の運営のためだけに使い、{DESK}と開催する商工会・商工会議所だけが見ます。同意いただけますか？")
AGREE_FIRST = "同意する"
ASK_BUSINESS = "事業所名（屋号）を入力してください。"
ASK_NAME = "参加される方のお名前を入力してください。"
TOO_LONG = "長すぎるようです。短くして入力してください。"
CONFIRM_TITLE = "お申し込みの内容"
CONFIRM = ("この内容で申し込みます。お名前と事業所名は、この催しの受付と当日の運営のためだけに使い、"
           f"{DESK}と開催する商工会・商工会議所だけが見ます。同意いただけますか？")
AGREE = "同意して申し込む"
EDIT = "名前を変える"
STOP = "やめる"
STOPPED = "お申し込みをやめました。またいつでもどうぞ。"
MINE_HEAD = "お申し込み中の催しです。取り消すものを選んでください。"
MINE_NONE = "お申し込み中の催しはありません。"
CANCEL_ASK = "「{title}」（{when}）のお申し込みを取り消しますか？"
CANCEL_YES = "取り消す"
CANCEL_NO = "取り消さない"
KEPT = "お申し込みはそのままです。"
# What the shell's booking says (handoff.seminar_signups.Booked.outcome → text)
OUTCOMES = {
    "signed_up": "お申し込みを受け付けました。「{title}」{when}、会場：{venue}。前日にこのトークでお知らせします。"
                 "行けなくなったときは「申込の確認・取消」から取り消せます。",
    "already": ALREADY_IN,
    "full": "申し訳ありません。ちょうど満席になりました。ほかの催しをご覧ください。",
    "taken": "申し訳ありません。その時間はほかの方が先に予約されました。別の時間をお選びください。",
    "closed": "申し訳ありません。この催しの受付は終了しました。",
}
EVENT_CANCELLED = ("申し訳ありません。お申し込みいただいた「{title}」（{when}）は、都合により中止になりました。"
                   f"ご不明な点は{DESK}（{PHONE}）までお問い合わせください。")
CANCEL_DONE = "「{title}」のお申し込みを取り消しました。"
CANCEL_NOTHING = "取り消せるお申し込みが見つかりませんでした。"
REMINDER = ("【お申し込みの催しのお知らせ】「{title}」は{when}からです。会場：{venue}。お気をつけてお越しください。"
            "行けなくなったときは「申込の確認・取消」から取り消せます。")
