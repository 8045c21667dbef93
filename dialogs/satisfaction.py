"""Owner satisfaction, pure: after a handoff is handed back or a case is decided the shell sends one tap question
(five faces); a tap records the score and asks for an optional comment; the next text is the comment (「なし」 skips).
The shell records each answer once per case. Hooked into `dialogs.main.step` ahead of everything else."""

from __future__ import annotations

from dialogs.model import Choice, Choices, Effect, Inbound, Kind, Reply, State, Text, Transition
from dialogs.normalize import normalize
from dialogs.ports import redact

NODE = "satisfaction"
PREFIX = "sat:"
SKIP = "sat:skip"
FACES = (("😄 とても満足", 5), ("🙂 満足", 4), ("😐 ふつう", 3), ("🙁 不満", 2), ("😞 とても不満", 1))
QUESTION = "今回の対応はいかがでしたか？ よろしければお選びください。"
COMMENT = "ありがとうございます。ご意見があれば、ひとことお送りください。"
THANKS = "ご回答ありがとうございました。今後の改善に役立てます。"
NONE_WORDS = {normalize(w) for w in ("なし", "特になし", "ないです", "ありません", "スキップ")}
MAX_COMMENT = 500


def question(case: str) -> tuple[Reply, ...]:
    """The tap question for a case (the shell sends it once)."""
    return (Choices(QUESTION, tuple(Choice(label, f"{PREFIX}{case}:{score}") for label, score in FACES)),)


def _tapped(inbound: Inbound) -> tuple[str, int] | None:
    if inbound.kind is not Kind.POSTBACK or not inbound.data.startswith(PREFIX) or inbound.data == SKIP:
        return None
    case, _, score = inbound.data.removeprefix(PREFIX).rpartition(":")
    return (case, int(score)) if case and score.isdigit() and 1 <= int(score) <= 5 else None


def _back(state: State) -> State:
    return State.from_dict(state.slots.get("previous"))


def step(state: State, inbound: Inbound) -> Transition | None:
    """A face tapped (anywhere), or the comment after it; None when this turn is not about satisfaction."""
    tapped = _tapped(inbound)
    if tapped is not None:
        case, score = tapped
        previous = _back(state) if state.node == NODE else state
        return Transition(State(NODE, {"case": case, "previous": previous.to_dict()}),
                          (Choices(COMMENT, (Choice("なし", SKIP),)),),
                          (Effect("satisfaction_rated", {"case": case, "score": score}),))
    if state.node != NODE:
        return None
    skipped = inbound.data == SKIP or inbound.kind is not Kind.TEXT or normalize(inbound.text) in NONE_WORDS
    if skipped:
        return Transition(_back(state), (Text(THANKS),))
    comment = Effect("satisfaction_comment", {"case": state.slots.get("case"),
                                              "text": redact(inbound.text[:MAX_COMMENT])})
    return Transition(_back(state), (Text(THANKS),), (comment,))
