"""The default questionnaires, as data (used by a data migration and by the demo).

Citizen: one 4-point satisfaction question per engagement a caller can judge after a phone call
(1 welcome, 2 ease of contact, 3 adapted help, 5 clear information), an overall question and an
optional comment. Engagements 4, 6, 7 and 8 (delays, published results, opinion taken into
account, environment) cannot be judged from one call: the audit and the agent survey cover them.
Agent: the headline question of the label (feeling part of the continuous-improvement approach)
on a 4-point agreement scale, and an optional comment.
"""

CITIZEN_CODE = "usager-telephone"
AGENT_CODE = "agent"

DEFAULT_QUESTIONNAIRES = [
    {
        "code": CITIZEN_CODE,
        "audience": "citizen",
        "name": "Enquête de satisfaction des usagers (téléphone)",
        "questions": [
            (
                "e1",
                "satisfaction_4",
                1,
                True,
                "Êtes-vous satisfait(e) de l'accueil et de la courtoisie de votre interlocuteur ?",
                "How satisfied are you with the courtesy and kindness of the person you spoke to?",
            ),
            (
                "e2",
                "satisfaction_4",
                2,
                True,
                "Êtes-vous satisfait(e) de la facilité à joindre le service "
                "(temps d'attente, horaires) ?",
                "How satisfied are you with how easy it was to reach the service "
                "(waiting time, opening hours)?",
            ),
            (
                "e3",
                "satisfaction_4",
                3,
                True,
                "Êtes-vous satisfait(e) de l'aide apportée à votre situation personnelle ?",
                "How satisfied are you with the help given for your personal situation?",
            ),
            (
                "e5",
                "satisfaction_4",
                5,
                True,
                "Êtes-vous satisfait(e) de la clarté des informations données ?",
                "How satisfied are you with the clarity of the information you were given?",
            ),
            (
                "overall",
                "satisfaction_4",
                None,
                True,
                "Globalement, êtes-vous satisfait(e) de votre échange avec le service ?",
                "Overall, how satisfied are you with your call to the service?",
            ),
            (
                "comment",
                "comment",
                None,
                False,
                "Souhaitez-vous ajouter un commentaire ? N'indiquez aucune donnée personnelle.",
                "Would you like to add a comment? Please do not include any personal details.",
            ),
        ],
    },
    {
        "code": AGENT_CODE,
        "audience": "agent",
        "name": "Enquête auprès des agents",
        "questions": [
            (
                "involvement",
                "agreement_4",
                None,
                True,
                "Je me sens partie prenante de la démarche d'amélioration continue.",
                "I feel part of the continuous-improvement approach.",
            ),
            (
                "comment",
                "comment",
                None,
                False,
                "Souhaitez-vous ajouter un commentaire ? N'indiquez aucune donnée personnelle.",
                "Would you like to add a comment? Please do not include any personal details.",
            ),
        ],
    },
]


def default_questionnaires_seed(questionnaire_model, question_model) -> None:
    """Create version 1 of each default questionnaire if absent (models may be historical)."""
    for spec in DEFAULT_QUESTIONNAIRES:
        questionnaire, created = questionnaire_model.objects.get_or_create(
            code=spec["code"],
            version=1,
            defaults={"audience": spec["audience"], "name": spec["name"]},
        )
        if not created:
            continue
        for position, (code, kind, number, required, text_fr, text_en) in enumerate(
            spec["questions"], start=1
        ):
            question_model.objects.create(
                questionnaire=questionnaire,
                position=position,
                code=code,
                kind=kind,
                engagement_number=number,
                is_headline=spec["audience"] == "agent" and code == "involvement",
                required=required,
                text_fr=text_fr,
                text_en=text_en,
            )
