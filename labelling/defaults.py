"""Default content of referential version 1: audit criteria and level rules.

The thresholds are ILLUSTRATIVE: the official ones are not public and belong to the national
label commission, which publishes a new referential version to change them. They are chosen so
that the DGFiP platform's published figures (98 % satisfied users, 77 % involved agents, a good
audit) reach Argent but not Or (Or asks for 85 % involved agents).

Migration 0004 loads these values; once released they are frozen (a change is a new version).
"""

from decimal import Decimal

# (engagement number, code, wording, weight). From the concrete requirements behind the
# engagements of 2023 (agents give their name, a non-digital channel, no surcharged calls...).
CRITERIA = [
    (1, "1.1", "Les agents donnent leur nom et leur service à l'usager.", 3),
    (1, "1.2", "Le droit à l'erreur est expliqué et appliqué aux erreurs de bonne foi.", 2),
    (1, "1.3", "L'accueil est courtois et respectueux, y compris en situation tendue.", 2),
    (2, "2.1", "Un canal non numérique est toujours proposé.", 3),
    (2, "2.2", "Les appels ne sont pas surtaxés.", 3),
    (2, "2.3", "Les horaires d'ouverture et les heures d'affluence sont publiés.", 2),
    (3, "3.1", "Un accompagnement adapté est proposé aux usagers en difficulté.", 3),
    (3, "3.2", "Un rappel ou un rendez-vous est proposé quand la situation l'exige.", 2),
    (
        4,
        "4.1",
        "Les demandes écrites reçoivent un accusé de réception sous 1 semaine "
        "(voie électronique) ou 2 semaines (voie postale).",
        3,
    ),
    (4, "4.2", "Les délais de traitement annoncés sont publiés et suivis.", 2),
    (5, "5.1", "Les courriers et scripts d'appel sont rédigés en langage clair.", 3),
    (5, "5.2", "L'information est accessible (RGAA, formats adaptés).", 2),
    (6, "6.1", "Les résultats de qualité de service sont publiés au moins une fois par an.", 3),
    (6, "6.2", "Les résultats sont affichés au niveau local.", 2),
    (6, "6.3", "Le réseau a désigné un correspondant national.", 1),
    (7, "7.1", "L'avis des usagers est recueilli (enquêtes, « Je donne mon avis »).", 2),
    (7, "7.2", "Les avis publiés reçoivent une réponse sous une semaine.", 2),
    (7, "7.3", "Un plan d'action est publié après l'auto-diagnostic.", 3),
    (8, "8.1", "Des actions de réduction de l'impact environnemental sont identifiées.", 2),
    (8, "8.2", "Les éco-gestes et la dématérialisation font l'objet d'un suivi.", 1),
]

D = Decimal
# level -> thresholds (fractions) and counts. Illustrative, to be set by the commission.
# Loaded by migration 0004: the fields added later are in LEVEL_RULE_ADDITIONS.
LEVEL_RULES = {
    "bronze": {
        "min_citizen_rate_engagement": D("0.60"),
        "min_citizen_rate_overall": D("0.70"),
        "min_agent_involvement": D("0.50"),
        "min_audit_conformity": D("0.60"),
        "max_open_major_nc": 1,
        "max_open_minor_nc": 10,
        "min_citizen_sample": 200,
        "min_agent_sample": 30,
    },
    "argent": {
        "min_citizen_rate_engagement": D("0.70"),
        "min_citizen_rate_overall": D("0.80"),
        "min_agent_involvement": D("0.70"),
        "min_audit_conformity": D("0.75"),
        "max_open_major_nc": 0,
        "max_open_minor_nc": 5,
        "min_citizen_sample": 400,
        "min_agent_sample": 50,
    },
    "or": {
        "min_citizen_rate_engagement": D("0.80"),
        "min_citizen_rate_overall": D("0.90"),
        "min_agent_involvement": D("0.85"),
        "min_audit_conformity": D("0.90"),
        "max_open_major_nc": 0,
        "max_open_minor_nc": 2,
        "min_citizen_sample": 1000,
        "min_agent_sample": 100,
    },
}

# Fields added by migration 0009 (level -> values). An engagement answered by too few citizens
# caps the result at Bronze (Argent and Or need every asked engagement measured); at least
# 30 / 40 / 50 % of the centres' agents answer; an open major NC blocks every level (the
# field's default) and rates are compared as point estimates (use_wilson_lower_bound off).
LEVEL_RULE_ADDITIONS = {
    "bronze": {"min_agent_participation": D("0.30"), "below_min_sample": "cap"},
    "argent": {"min_agent_participation": D("0.40"), "below_min_sample": "block"},
    "or": {"min_agent_participation": D("0.50"), "below_min_sample": "block"},
}


def level_rule_values(level: str) -> dict:
    """Every field of a default level rule, as the migrations leave version 1."""
    return {**LEVEL_RULES[level], **LEVEL_RULE_ADDITIONS[level]}
