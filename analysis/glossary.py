"""A small French/Spanish → English glossary of the words consultations on governance
texts use, so that a French or Spanish comment on an English draft can still be placed by
its topic ("la rotation des membres" → rotation, member).

Keys are lemmas as `nlp.content_lemmas` gives them (lower case, accents folded); a value may
hold several English lemmas. Words missing here are kept as they are: many are the same or
nearly the same in English ("consultation", "secretariat" after folding), and those are
compared as they are.
"""

from __future__ import annotations

_FR = """
membre=member adhesion=membership composition=membership siege=seat sieges=seat rotation=rotation
reunion=meeting reunir=meet an=year annee=year annuel=annual annuelle=annual fois=time deux=twice
secretariat=secretariat president=chair presidence=chair vice-president=vice-chair copresident=co-chair
decision=decision decider=decide consensus=consensus vote=vote voter=vote majorite=majority
candidature=application candidat=application demande=application pays=country pionnier=pathfinder
pionniers=pathfinder eclaireur=pathfinder statut=status engagement=commitment engager=commit
consultation=consultation national=national nationale=national point=point focal=focal
gouvernement=government ministere=ministry ministre=minister travailleur=worker travailleurs=worker
employeur=employer employeurs=employer syndicat=union syndical=union organisation=organisation
societe=society civil=civil civile=civil victime=survivor survivant=survivor rescape=survivor
enfant=child travail=labour force=forced forcee=forced traite=trafficking esclavage=slavery
moderne=modern rapport=report rapporter=report rapports=report progres=progress suivi=monitoring
evaluation=evaluation examen=review revue=review financement=funding ressource=resource
ressources=resource budget=budget cout=cost couts=cost groupe=group action=action mandat=mandate
mandats=term duree=term principe=principle principes=principle droit=right droits=right
transparence=transparency responsabilite=accountability objectif=objective objectifs=objective
definition=definition eligibilite=eligibility admissibilite=eligibility critere=criteria
criteres=criteria observateur=observer observateurs=observer conflit=conflict interet=interest
confidentialite=confidentiality langue=language langues=language traduction=translation
communication=communication site=website visibilite=visibility partenaire=partner partenaires=partner
donateur=donor calendrier=timetable delai=deadline echeance=deadline semaine=week mois=month
lettre=letter ministeriel=ministerial plan=plan feuille=roadmap route=roadmap strategie=strategy
priorite=priority priorites=priority donnees=data recherche=research innovation=innovation
connaissance=knowledge echange=exchange experience=experience visite=visit pair=peer pairs=peer
regional=regional regionale=regional recrutement=recruitment migrant=migrant migration=migration
chaine=supply approvisionnement=supply entreprise=business entreprises=business secteur=sector
prive=private inclusif=inclusive inclusive=inclusive participation=participation genre=gender
femme=women femmes=women jeune=youth jeunes=youth retrait=withdrawal suspension=suspension
amendement=amendment modification=amendment revision=revision gouvernance=governance
"""

_ES = """
miembro=member membresia=membership composicion=membership asiento=seat puesto=seat escano=seat
rotacion=rotation reunion=meeting reunir=meet ano=year anual=annual vez=time veces=time dos=twice
secretaria=secretariat secretariado=secretariat presidente=chair presidencia=chair copresidente=co-chair
decision=decision decidir=decide consenso=consensus voto=vote votacion=vote votar=vote mayoria=majority
candidatura=application solicitud=application pais=country pionero=pathfinder pionera=pathfinder
estatus=status estatuto=status condicion=status compromiso=commitment comprometer=commit
consulta=consultation nacional=national punto=point focal=focal gobierno=government ministerio=ministry
ministro=minister trabajador=worker trabajadora=worker empleador=employer sindicato=union sindical=union
organizacion=organisation sociedad=society civil=civil victima=survivor sobreviviente=survivor
superviviente=survivor nino=child infantil=child trabajo=labour forzoso=forced forzado=forced
trata=trafficking esclavitud=slavery moderno=modern moderna=modern informe=report informar=report
progreso=progress avance=progress seguimiento=monitoring evaluacion=evaluation examen=review
revision=review financiacion=funding financiamiento=funding recurso=resource presupuesto=budget
costo=cost coste=cost grupo=group accion=action mandato=term duracion=term principio=principle
derecho=right transparencia=transparency rendicion=accountability objetivo=objective
definicion=definition elegibilidad=eligibility criterio=criteria observador=observer conflicto=conflict
interes=interest confidencialidad=confidentiality idioma=language lengua=language traduccion=translation
comunicacion=communication sitio=website visibilidad=visibility socio=partner asociado=partner
donante=donor calendario=timetable plazo=deadline semana=week mes=month carta=letter ministerial=ministerial
plan=plan hoja=roadmap ruta=roadmap estrategia=strategy prioridad=priority dato=data datos=data
investigacion=research innovacion=innovation conocimiento=knowledge intercambio=exchange
experiencia=experience visita=visit par=peer pares=peer regional=regional reclutamiento=recruitment
contratacion=recruitment migrante=migrant migracion=migration cadena=supply suministro=supply
empresa=business sector=sector privado=private inclusivo=inclusive participacion=participation
genero=gender mujer=women joven=youth retiro=withdrawal suspension=suspension enmienda=amendment
modificacion=amendment gobernanza=governance
"""


def _table(text: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for pair in text.split():
        word, _, english = pair.partition("=")
        out[word] = out.get(word, ()) + (english,)
    return out


_TO_ENGLISH = {"fr": _table(_FR), "es": _table(_ES)}


def to_draft_language(lemmas: list[str], lang: str, draft_lang: str) -> list[str]:
    """The lemmas with their glossary translations into the draft's language (English only)."""
    table = _TO_ENGLISH.get(lang) if draft_lang == "en" else None
    if not table:
        return list(lemmas)
    out = []
    for w in lemmas:
        out.extend(table.get(w, (w,)))
    return out
