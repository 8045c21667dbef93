"""Every message the foundation dialog says, in one place. Facts cite 令和7年度 実施要領 (seed 001)."""

from __future__ import annotations

DESK = "くまもと中小企業デジタル相談窓口"
PHONE = "096-223-5568"

GREETING = (
    f"友だち追加ありがとうございます。{DESK}です。\n"
    "ITツール・EC・SNS・キャッシュレスなど、デジタル化のご相談をLINEで受け付けています。"
)
MENU_PROMPT = "ご用件をお選びください。文字で入力していただいても大丈夫です。"
RESTARTED = "最初からやり直します。"
CANCELLED = "中止しました。またいつでもお声がけください。"
NOT_UNDERSTOOD = "すみません、うまく読み取れませんでした。下のボタンからお選びください。"
NOT_TEXT = "ありがとうございます。スタンプや画像、ファイルの内容はまだ読み取れません。下のボタンからお選びください。"
HUMAN_ACK = (
    "担当者への取り次ぎを受け付けました。受付時間内ですので、このトークで担当者から順にご連絡します。"
    f"お急ぎの場合は {PHONE} へお電話ください。"
)
PERSONAL_DATA_ACK = (
    "個人情報についてのご依頼を承り、担当者に引き継ぎました。お預かりしている情報の開示・削除・利用停止は、"
    "ご本人であることを確認したうえで担当者が対応し、このトークでご連絡します。"
    "お預かりした情報は、このご相談のためだけに使い、窓口と地域の商工会・商工会議所だけが見ます。"
)
HUMAN_ACK_CLOSED = (
    "担当者への取り次ぎを受け付けました。ただいま受付時間外のため、{when}にこのトークで担当者からご連絡します。"
    "（受付：{hours}）"
)
FAQ_PROMPT = "ご質問を文字で入力するか、下から選んでください。（例：オンラインでも相談できますか）"
FAQ_SOLVED = "解決しましたか？"
FAQ_THANKS = "よかったです。ほかにもご質問があれば、そのまま入力してください。"
FAQ_SORRY = "お役に立てず申し訳ありません。"
FAQ_DECLINE = "申し訳ありません。そのご質問には、ここではお答えできません。"
FAQ_DECLINE_NEXT = "担当者におつなぎしましょうか？"
FAQ_WHICH = "どちらについてのご質問ですか？"
LABEL_CONSULT = "相談したい"
LABEL_FAQ = "よくある質問"
LABEL_HUMAN = "担当者と話したい"
LABEL_RESTART = "最初から"
PERSON_STARTED = "担当者が対応します。このトークでお返事しますので、しばらくお待ちください。"
PERSON_ACK = "メッセージを担当者に伝えました。担当者からお返事します。"
PERSON_ACK_CLOSED = "メッセージを担当者に伝えました。ただいま受付時間外のため、{when}にお返事します。（受付：{hours}）"
PERSON_ENDED = "ボットの自動応答に戻りました。"
ASK_ITEM_INTRO = "担当者から、お申し込みの内容についてひとつ確認させてください。"
ASK_ITEM_AGAIN = "すみません、うまく読み取れませんでした。もう一度お願いします。"
ASK_ITEM_THANKS = "ありがとうございます。担当者に伝えました。"
ASK_ITEM_LATER = "ありがとうございます。いただいた内容をそのまま担当者に伝えました。"
ASK_ITEM_SKIPPED = "承知しました。担当者からあらためてご連絡します。"
ASK_ITEM_RESUME = "それでは、先ほどの質問の続きです。"
STATUS_NONE = "いまお預かりしている申請・ご相談はありません。「相談したい」から事前確認を始められます。"
STATUS_HEAD = "お預かりしている申請・ご相談の状況です。"
STATUS_LINE = "・{reference}：{status}"
STATUS_TAIL = "くわしくは、担当者からこのトークでご連絡します。"
STATUS_ONE = "{reference} の状況です。\n{status}\nくわしくは、担当者からこのトークでご連絡します。"
STATUS_NOT_YOURS = ("申し訳ありません。{reference} は、このアカウントからのお申し込みとしては確認できませんでした。"
                    "番号をお確かめいただくか、「担当者と話したい」からお問い合わせください。")
STATUS_WORDS = {"new": "受け付けました（担当者の確認待ち）", "claimed": "担当者が確認しています",
                "approved": "専門家の派遣が決まりました", "rejected": "今回は対象外となりました",
                "routed": "窓口でご相談を承ります", "in_support": "専門家が支援しています",
                "closed": "対応が終わりました", "resolved": "対応が終わりました"}
# Images and files (Inbound.facts["file"]: what the shell could say of one when it arrived).
FILE_KEPT = "画像・ファイルを受け取りました。担当者にお伝えする場合は「担当者と話したい」を押してください。"
FILE_KEPT_IN_FORM = "画像・ファイルを受け取りました。お申し込みと一緒に担当者に届けます。"
FILE_TOO_LARGE = "ファイルが大きすぎるため受け取れませんでした。10MBまででお送りください。"
FILE_WRONG_TYPE = "この種類のファイルは受け取れません。画像（JPEG・PNG）かPDFでお送りください。"
