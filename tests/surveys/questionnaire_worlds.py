"""Data builders for the questionnaire pages: a small questionnaire, and functions of `world`
returning URL kwargs for the browser tests (they create what the page needs)."""

from surveys.defaults import AGENT_CODE, CITIZEN_CODE, default_questionnaires_seed
from surveys.models import Question, Questionnaire
from surveys.services.questionnaires import QuestionData, questionnaire_version_create

from .worlds import campaign_of


def questionnaire_with_questions(pk: int | None = None, code: str = "matrice") -> Questionnaire:
    """A citizen questionnaire, version 1, with a question on engagement 1 and an overall one."""
    questionnaire = Questionnaire.objects.create(
        pk=pk, code=code, audience="citizen", name="Questionnaire de test"
    )
    for position, (qcode, number) in enumerate([("e1", 1), ("overall", None)], start=1):
        Question.objects.create(
            questionnaire=questionnaire,
            position=position,
            code=qcode,
            kind="satisfaction_4",
            engagement_number=number,
            text_fr=f"Question {qcode} ?",
            text_en=f"Question {qcode}?",
        )
    return questionnaire


def default_citizen_questionnaire(world) -> dict:
    default_questionnaires_seed(Questionnaire, Question)
    return {"pk": Questionnaire.objects.get(code=CITIZEN_CODE, version=1).pk}


def agent_questionnaire(world) -> dict:
    default_questionnaires_seed(Questionnaire, Question)
    return {"pk": Questionnaire.objects.get(code=AGENT_CODE, version=1).pk}


def derived_questionnaire(world) -> dict:
    """Version 2 of the citizen questionnaire (version 1 used by a campaign): one question
    removed, one reworded."""
    source = campaign_of(CITIZEN_CODE, "usagers-test").questionnaire
    questions = [QuestionData.of(q) for q in source.questions.exclude(code="e5")]
    questions[0] = QuestionData(**{**questions[0].__dict__, "text_fr": "Accueil : satisfait(e) ?"})
    return {"pk": questionnaire_version_create(source=source, questions=questions).pk}
