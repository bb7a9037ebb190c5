"""``manage.py seed_demo [--if-empty]``: the demo congress "Digitale Städte – Digitale Regionen".

The demo is defined entirely by the data in this module and a fixed random seed, so every run
leaves the same programme, exhibitors and accounts behind. Objects are matched by natural keys
(room and track names, deterministic GUIDs for speakers and sessions, slugs, usernames) and
updated in place, so ids, favourites and tokens survive a re-run. A full run restores the demo
event's programme and expo to this definition: sessions, speakers, rooms, tracks, categories and
exhibitors of the demo event that it does not define are deleted.

Every booth gets 1–3 products, one or two contact persons, social links, a video on premium booths
and a logo generated with Pillow (the initials on a colour derived from the slug), stored as
``expo/logos/demo-<slug>.png`` in MEDIA_ROOT; an existing file of that name is kept.

The event always runs today and tomorrow in Europe/Berlin. ``--if-empty`` leaves an existing demo
alone except for moving it to today, keeping every session's local time relative to day one.
"""

import colorsys
import hashlib
import io
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from congress.management.sync import sync_rows
from congress.models import Event, Favourite, Registration, Room, Session, Speaker, Track
from congress.services import ProgrammeError, check_session
from expo.models import Category, ContactPerson, Exhibitor, ExhibitorStaff, ExpoSettings, Product
from matchmaking.demo import redate_matchmaking, seed_matchmaking

SLUG = "digitale-staedte"
TIMEZONE = "Europe/Berlin"
PASSWORD = "treffpunkt"
SEED = 2026
# Speaker and session GUIDs derive from their names, so exports stay stable across re-seeds.
GUID_NAMESPACE = uuid.UUID("6f1d7c2e-5b7a-4d6e-9a51-2d0c8e3b7f42")

EVENT = {
    "name": "Digitale Städte – Digitale Regionen",
    "acronym": "dsdr2026",
    "timezone": TIMEZONE,
    "languages": ["de", "en"],
    "is_published": True,
    "description": (
        "Der Kongress der Geschäftsstelle Smart Region Hessen für Städte, Landkreise und "
        "Gemeinden: zwei Tage zu Datenmanagement, Mobilität, Cybersicherheit und neuen Formen "
        "der Zusammenarbeit. Praktikerinnen und Praktiker aus Verwaltung, Wissenschaft und "
        "Wirtschaft zeigen, was in hessischen Kommunen heute schon funktioniert – und was es "
        "braucht, damit aus Pilotprojekten Regelbetrieb wird. Diskutieren Sie mit, besuchen Sie "
        "die digitale Ausstellung und vernetzen Sie sich mit Kolleginnen und Kollegen aus dem "
        "ganzen Land."
    ),
}

# (key, name, capacity, stream slug, description)
ROOMS = [
    ("haupt", "Hauptbühne", 800, "hauptbuehne", "Eröffnung, Keynotes und die großen Podien."),
    (
        "daten",
        "Bühne Datenmanagement",
        300,
        "datenmanagement",
        "Datenplattformen, Datenräume, Open Data und Geodaten.",
    ),
    ("mobil", "Bühne Mobilität", 300, "mobilitaet", "Verkehrswende, ÖPNV und Mobilitätsdaten."),
    (
        "forum",
        "Forum Smart Region",
        200,
        "forum-smart-region",
        "Praxisberichte aus Landkreisen und Gemeinden, Runde Tische.",
    ),
    (
        "werk",
        "Werkstatt",
        40,
        "werkstatt",
        "Workshops und Runde Tische in kleiner Runde, mit begrenzter Platzzahl.",
    ),
]

# (key, name, colour)
TRACKS = [
    ("daten", "Datenmanagement", "#005ea8"),
    ("mobil", "Mobilität", "#2e7d32"),
    ("cyber", "Cybersicherheit", "#c62828"),
    ("smart", "Smart Region", "#7b1fa2"),
    ("orga", "Organisationsformen für Kommunen", "#ef6c00"),
    ("foerder", "Förderung", "#00838f"),
    ("ikz", "Interkommunale Zusammenarbeit", "#6d4c41"),
]


@dataclass(frozen=True)
class PlannedSpeaker:
    title: str
    first_name: str
    last_name: str
    organisation: str
    position: str
    track: str
    bio: str

    @property
    def name(self):
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)


# The content tables below keep one record per few lines, out of the formatter's reach, so
# they read as tables rather than as one field per line.
# fmt: off
SPEAKERS = [PlannedSpeaker(*row) for row in [
    # Datenmanagement
    ("Dr.", "Julia", "Hofmann", "Stadt Darmstadt", "Chief Data Officer", "daten",
     "Verantwortet die Datenstrategie der Digitalstadt Darmstadt und den Aufbau der urbanen "
     "Datenplattform. Zuvor forschte sie zu Datenqualität an der TU Darmstadt."),
    ("", "Markus", "Weber", "Stadt Frankfurt am Main", "Leiter Open Data", "daten",
     "Baut das Open-Data-Portal der Stadt auf und koordiniert die Datenverantwortlichen in den "
     "Ämtern."),
    ("Prof. Dr.", "Heike", "Sommer", "Hochschule Darmstadt", "Professorin für Datenmanagement",
     "daten",
     "Forscht zu Datenqualität, Metadaten und Datenkatalogen im öffentlichen Sektor."),
    ("Dr.-Ing.", "Florian", "Maier", "Fraunhofer-Institut für Graphische Datenverarbeitung IGD",
     "Abteilungsleiter Urbane Digitale Zwillinge", "daten",
     "Entwickelt digitale Zwillinge für Stadtplanung, Klimaanpassung und Beteiligung."),
    ("", "Christina", "Wolf", "Landkreis Gießen", "Datenmanagerin", "daten",
     "Hat im Landkreis Gießen den ersten kreisweiten Datenkatalog eingeführt und betreut die "
     "Datenverantwortlichen der Fachdienste."),
    ("", "Tobias", "Schäfer", "Datenwerk Rhein-Main GmbH", "Geschäftsführer", "daten",
     "Gründete das Unternehmen 2017 und begleitet seitdem Kommunen beim Betrieb urbaner "
     "Datenplattformen."),
    ("Dr.", "Katharina", "Neumann", "Goethe-Universität Frankfurt",
     "Wissenschaftliche Mitarbeiterin, Professur für Wirtschaftsinformatik", "daten",
     "Untersucht Governance-Modelle für kommunale Datenräume und Datentreuhänder."),
    ("", "Daniel", "Krüger", "Stadt Kassel", "Leiter der Stabsstelle Digitalisierung", "daten",
     "Steuert die Digitalisierungsprojekte der Stadt Kassel, vom Sensornetz bis zum "
     "Ratsinformationssystem."),
    ("", "Sandra", "Becker", "GeoVista Analytics GmbH", "Leiterin Produktmanagement", "daten",
     "Verantwortet die Geodaten- und Zwillingsplattform von GeoVista und arbeitet eng mit "
     "Vermessungs- und Planungsämtern zusammen."),
    ("", "Michael", "Zimmermann", "Landeshauptstadt Wiesbaden",
     "Leiter des Amts für Geoinformation", "daten",
     "Betreibt die Geodateninfrastruktur der Landeshauptstadt und ihr 3D-Stadtmodell."),
    ("Dr.", "Anja", "Richter", "Hessisches Landesamt für Naturschutz, Umwelt und Geologie",
     "Referatsleiterin Umweltinformation", "daten",
     "Verantwortet die Bereitstellung von Luft-, Lärm- und Klimadaten für Kommunen."),
    ("", "Stefan", "Koch", "KGSt – Kommunale Gemeinschaftsstelle für Verwaltungsmanagement",
     "Programmbereichsleiter Steuerung", "daten",
     "Berät Kommunen bei Kennzahlensystemen und datenbasierter Steuerung."),
    ("", "Lena", "Hartwig", "Stadtwerke Lahntal Digital GmbH", "Leiterin Energiedatenmanagement",
     "daten",
     "Verbindet Verbrauchs-, Netz- und Gebäudedaten für die kommunale Wärmeplanung."),
    # Mobilität
    ("Prof. Dr.-Ing.", "Ralf", "Hoffmann", "Universität Kassel",
     "Leiter des Fachgebiets Verkehrsplanung und Verkehrssysteme", "mobil",
     "Forscht zu Mobilität im ländlichen Raum und zu On-Demand-Verkehren."),
    ("", "Nadine", "Schulz", "Rhein-Main-Verkehrsverbund", "Leiterin Mobilitätsdaten", "mobil",
     "Verantwortet Fahrplan- und Echtzeitdaten des Verbunds und deren Bereitstellung über offene "
     "Schnittstellen."),
    ("Dr.", "Oliver", "Brandt", "Hessen Mobil – Straßen- und Verkehrsmanagement",
     "Abteilungsleiter Verkehrsmanagement", "mobil",
     "Leitet die Verkehrszentrale und das landesweite Baustellenmanagement."),
    ("", "Jana", "Lehmann", "Stadt Offenbach am Main", "Mobilitätsmanagerin", "mobil",
     "Plant Mobilitätsstationen, Sharing-Angebote und betriebliches Mobilitätsmanagement."),
    ("", "Kai", "Schröder", "Mobilitätsschmiede GmbH", "Gründer und Geschäftsführer", "mobil",
     "Entwickelt Software für On-Demand-Verkehre und Mobilitätsplattformen."),
    ("", "Martina", "Fischer", "Nordhessischer VerkehrsVerbund",
     "Projektleiterin On-Demand-Verkehr", "mobil",
     "Hat Rufbus-Angebote in zwölf nordhessischen Gemeinden eingeführt."),
    ("Dr.", "Sebastian", "Roth", "Frankfurt University of Applied Sciences",
     "Leiter des Research Lab for Urban Transport", "mobil",
     "Forscht zu urbaner Logistik, Parkraum und Verkehrsmodellen."),
    ("", "Elif", "Demir", "Stadt Hanau", "Radverkehrsbeauftragte", "mobil",
     "Plant das Radverkehrsnetz der Stadt auf Basis von Zähl- und Befragungsdaten."),
    ("", "Andreas", "Vogt", "Landkreis Darmstadt-Dieburg", "Leiter des Fachbereichs Mobilität",
     "mobil",
     "Verantwortet Nahverkehrsplanung und Schülerbeförderung im Landkreis."),
    ("", "Birgit", "Schmitt", "Ladenetz Hessen GmbH", "Leiterin kommunale Projekte", "mobil",
     "Begleitet Kommunen von der Standortanalyse bis zum Betrieb öffentlicher Ladepunkte."),
    ("Dr.", "Marco", "Bauer", "Fraunhofer-Institut für Materialfluss und Logistik IML",
     "Gruppenleiter Urbane Logistik", "mobil",
     "Untersucht Mikro-Hubs, Lastenräder und Lieferverkehre in Innenstädten."),
    ("", "Thomas", "Keller", "Kreisverkehrsgesellschaft Main-Kinzig mbH", "Geschäftsführer",
     "mobil",
     "Organisiert den Busverkehr im Main-Kinzig-Kreis und testet autonome Shuttles."),
    # Cybersicherheit
    ("Prof. Dr.", "Stefan", "Hartmann",
     "ATHENE – Nationales Forschungszentrum für angewandte Cybersicherheit",
     "Professor für IT-Sicherheit", "cyber",
     "Forscht zu sicheren Infrastrukturen und berät Bund, Länder und Kommunen zu Cyberresilienz."),
    ("Dr.", "Melanie", "Kraus", "Hessen CyberCompetenceCenter (Hessen3C)",
     "Leiterin Kommunalberatung", "cyber",
     "Unterstützt hessische Kommunen bei Prävention und im Ernstfall."),
    ("", "Jörg", "Baumann", "Hessischer Landkreistag",
     "Referent für Digitalisierung und IT-Sicherheit", "cyber",
     "Vertritt die Landkreise in den IT-Gremien von Land und Bund."),
    ("", "Claudia", "Meyer", "CivicSecure GmbH", "Leiterin Incident Response", "cyber",
     "Hat mit ihrem Team mehr als dreißig Verwaltungen nach Sicherheitsvorfällen begleitet."),
    ("Dr.", "Patrick", "Engel", "Fraunhofer-Institut für Sichere Informationstechnologie SIT",
     "Abteilungsleiter Cloud-Sicherheit", "cyber",
     "Forscht zu souveränen Cloud-Architekturen und deren Prüfung."),
    ("", "Susanne", "Lang", "Universitätsstadt Marburg", "Informationssicherheitsbeauftragte",
     "cyber",
     "Hat das Informationssicherheits-Managementsystem der Stadt aufgebaut."),
    ("", "Benjamin", "Albrecht", "ekom21 – KGRZ Hessen", "Leiter Informationssicherheit", "cyber",
     "Verantwortet die Sicherheit der Rechenzentrumsdienste für hessische Kommunen."),
    ("", "Ayşe", "Kaya", "Schutzschild IT-Sicherheit GmbH", "Leiterin Security Operations Center",
     "cyber",
     "Betreut das Security Operations Center für Kommunen und kommunale Unternehmen."),
    ("Dr.", "Frank", "Winter", "Bundesamt für Sicherheit in der Informationstechnik",
     "Referent Kommunale Informationssicherheit", "cyber",
     "Arbeitet an Mindeststandards und Hilfsmitteln für die kommunale Informationssicherheit."),
    # Smart Region
    ("Dr.", "Miriam", "Lorenz", "Hessisches Ministerium für Digitalisierung und Innovation",
     "Staatssekretärin", "smart",
     "Verantwortet im Ministerium die Digitalisierung von Land und Kommunen."),
    ("", "Sabine", "Krämer", "Geschäftsstelle Smart Region Hessen", "Leiterin der Geschäftsstelle",
     "smart",
     "Vernetzt seit 2021 die hessischen Kommunen in ihren Smart-Region-Vorhaben und verantwortet "
     "diesen Kongress."),
    ("Prof. Dr.", "Thomas", "Reuter", "Technische Universität Darmstadt",
     "Professor für Stadtplanung und digitale Transformation", "smart",
     "Forscht dazu, wie Digitalisierung Städte und ländliche Räume verändert, und berät Kommunen "
     "bei ihren Strategien."),
    ("Dr.", "Leonie", "Brandes", "Deutsches Institut für Urbanistik",
     "Wissenschaftliche Leiterin Smart Cities", "smart",
     "Begleitet bundesweit Modellprojekte Smart Cities wissenschaftlich."),
    ("", "Johannes", "Pfeiffer", "Vogelsbergkreis", "Smart-Region-Beauftragter", "smart",
     "Koordiniert die Smart-Region-Strategie des Vogelsbergkreises."),
    ("", "Katja", "Schwarz", "Hessenfunk Netze GmbH", "Leiterin IoT-Netze", "smart",
     "Plant und betreibt LoRaWAN-Netze in hessischen Landkreisen."),
    ("", "Matthias", "Franke", "Gemeinde Biebertal", "Digitalisierungsbeauftragter", "smart",
     "Bringt digitale Angebote in eine Gemeinde mit zehn Ortsteilen."),
    ("", "Julia", "Krause", "Dorfplatz Digital e. V.", "Vorstand", "smart",
     "Engagiert sich für digitale Dorfplattformen und das Ehrenamt auf dem Land."),
    ("", "Rainer", "Hahn", "Werra-Meißner-Kreis", "Leiter Kreisentwicklung", "smart",
     "Verbindet Regionalentwicklung, Breitbandausbau und digitale Daseinsvorsorge."),
    ("Dr.", "Eva", "Scholz", "Fraunhofer-Institut für Experimentelles Software Engineering IESE",
     "Projektleiterin Digitale Ökosysteme", "smart",
     "Entwickelt mit Kommunen digitale Plattformen für ländliche Regionen."),
    ("", "Julia", "Kern", "", "Journalistin und Moderatorin", "smart",
     "Moderiert seit zehn Jahren Fachkongresse zu Verwaltung und Digitalisierung."),
    # Organisationsformen für Kommunen
    ("Dr.", "Christian", "Wagner", "Hessischer Städtetag", "Referent für Digitalisierung", "orga",
     "Begleitet die Mitgliedsstädte bei Organisations- und Rechtsfragen der Digitalisierung."),
    ("", "Petra", "Schmid", "Stadt Fulda", "Digitallotsin", "orga",
     "Unterstützt Fachämter bei der Digitalisierung ihrer Verfahren."),
    ("Prof. Dr.", "Nils", "Hansen", "Deutsche Universität für Verwaltungswissenschaften Speyer",
     "Professor für Verwaltungsinformatik", "orga",
     "Forscht zu Organisationsformen und Steuerung der Verwaltungsdigitalisierung."),
    ("", "Carina", "Seidel", "Zweckverband Digitale Kommune Mittelhessen", "Geschäftsführerin",
     "orga",
     "Leitet den Zweckverband, über den 23 Kommunen ihre IT gemeinsam betreiben."),
    ("Dr.", "Holger", "Arnold", "Hessischer Städte- und Gemeindebund",
     "Referatsleiter Organisation und IT", "orga",
     "Berät kreisangehörige Städte und Gemeinden zu Organisation und IT."),
    ("", "Marie", "Kühn", "Akademie für Verwaltungsdigitalisierung", "Leiterin Weiterbildung",
     "orga",
     "Qualifiziert Digitallotsinnen, Digitallotsen und Führungskräfte."),
    ("", "Frank", "Dietrich", "Universitätsstadt Gießen",
     "Leiter Organisation und Digitalisierung", "orga",
     "Verantwortet die Organisationsentwicklung der Stadtverwaltung."),
    # Förderung
    ("Dr.", "Ulrike", "Berger",
     "Hessisches Ministerium für Wirtschaft, Energie, Verkehr, Wohnen und ländlichen Raum",
     "Referatsleiterin Förderung ländlicher Raum", "foerder",
     "Verantwortet Förderprogramme für die digitale Entwicklung ländlicher Räume."),
    ("", "Sven", "Möller", "WIBank – Wirtschafts- und Infrastrukturbank Hessen",
     "Förderberater Kommunen", "foerder",
     "Berät Kommunen zu Förderprogrammen von Land und EU."),
    ("Dr.", "Tanja", "Weiß", "Hessen Trade & Invest GmbH", "Leiterin EU-Förderberatung", "foerder",
     "Unterstützt Kommunen und Unternehmen bei Anträgen für EU-Programme."),
    ("", "Jens", "Lindner", "Landkreis Marburg-Biedenkopf", "Fördermittelmanager", "foerder",
     "Hat für den Landkreis mehr als vierzig Förderanträge koordiniert."),
    ("", "Monika", "Graf", "Geschäftsstelle Smart Region Hessen", "Referentin Förderprogramme",
     "foerder",
     "Betreut das Landesprogramm „Digitale Modellregionen Hessen“."),
    ("", "Alexander", "Peters", "Bundesinstitut für Bau-, Stadt- und Raumforschung",
     "Referent Modellprojekte Smart Cities", "foerder",
     "Begleitet die Modellprojekte Smart Cities des Bundes."),
    # Interkommunale Zusammenarbeit
    ("Dr.", "Karin", "Herrmann", "Landkreis Fulda",
     "Leiterin der Stabsstelle Interkommunale Zusammenarbeit", "ikz",
     "Baut gemeinsame Dienste des Landkreises und seiner Gemeinden auf."),
    ("", "Peter", "Schuster", "Kompetenzzentrum für Interkommunale Zusammenarbeit Hessen",
     "Leiter", "ikz",
     "Berät Kommunen bei Kooperationsvorhaben, von der Idee bis zur Vereinbarung."),
    ("", "Nicole", "Jung", "Lahn-Dill-Kreis", "Projektleiterin Digitale Modellregion", "ikz",
     "Leitet das Modellprojekt, in dem fünf Landkreise eine Datenplattform teilen."),
    ("Dr.", "Volker", "Ziegler", "Wetteraukreis", "Leiter des Fachdienstes IT", "ikz",
     "Betreibt IT-Dienste für den Kreis und mehrere kreisangehörige Gemeinden."),
    ("", "Sarah", "Walter", "Stadt Bad Hersfeld", "Digitalisierungsbeauftragte", "ikz",
     "Koordiniert die digitale Zusammenarbeit der Stadt mit ihren Nachbargemeinden."),
    ("", "Timo", "Friedrich", "Hochtaunuskreis", "Leiter des Shared-Service-Centers", "ikz",
     "Verantwortet gemeinsame Verwaltungsdienste für dreizehn Kommunen."),
    ("Prof. Dr.", "Ingrid", "Ludwig", "Justus-Liebig-Universität Gießen",
     "Professorin für Regionalentwicklung", "ikz",
     "Forscht zu Kooperation und Daseinsvorsorge in ländlichen Regionen."),
]]
# fmt: on

# These speakers get user accounts (sprecher01 … in this order), so they can log in as speakers.
SPEAKERS_WITH_ACCOUNTS = [
    "Hofmann",
    "Schäfer",
    "Schulz",
    "Hartmann",
    "Kraus",
    "Reuter",
    "Pfeiffer",
    "Wagner",
    "Möller",
    "Herrmann",
]

# Local start and end of each slot; every day runs 09:00–18:00.
SLOTS = {
    "open": ("09:00", "09:30"),
    "keynote": ("09:30", "10:15"),
    "s1": ("10:30", "11:15"),
    "s2": ("11:30", "12:15"),
    "lunch": ("12:15", "13:15"),
    "s3": ("13:15", "14:00"),
    "s4": ("14:15", "15:00"),
    "coffee": ("15:00", "15:30"),
    "s5": ("15:30", "16:15"),
    "s6": ("16:30", "17:15"),
    "close": ("17:30", "18:00"),
    "w1": ("10:30", "12:00"),
    "w2": ("13:15", "14:45"),
    "w3": ("15:30", "17:00"),
}

K = Session.Kind
SPEAKERS_PER_KIND = {K.KEYNOTE: 1, K.TALK: 1, K.PANEL: 4, K.WORKSHOP: 2, K.ROUND_TABLE: 3}
# How many speakers a session can take when a speaker still needs a session.
MAX_SPEAKERS_PER_KIND = {K.KEYNOTE: 1, K.TALK: 2, K.PANEL: 5, K.WORKSHOP: 3, K.ROUND_TABLE: 4}
MAX_SESSIONS_PER_SPEAKER = 3
WORKSHOP_CAPACITY = 30


@dataclass(frozen=True)
class PlannedSession:
    day: int
    room: str | None
    slot: str
    kind: str
    track: str | None
    title: str
    abstract: str
    # A number of speakers to draw, or the last names of speakers set in advance.
    speakers: int | tuple = 0

    @property
    def minutes(self):
        start, end = SLOTS[self.slot]
        return _minutes(start), _minutes(end)


def _minutes(hhmm):
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


P = PlannedSession


def _break(day, slot, title, abstract):
    return PlannedSession(day, None, slot, K.BREAK, None, title, abstract)


LUNCH = "Zeit für Mittagessen, Gespräche und einen Besuch in der Ausstellung."
COFFEE = "Kaffee, Networking und Zeit für die Stände der Ausstellerinnen und Aussteller."

# fmt: off
PROGRAMME = [
    # Day 1 – Hauptbühne
    P(0, "haupt", "open", K.TALK, "smart",
      "Begrüßung und Eröffnung",
      "Die Staatssekretärin für Digitalisierung und die Leiterin der Geschäftsstelle Smart Region "
      "Hessen eröffnen den Kongress. Sie geben einen Überblick über das Programm und die Ziele "
      "der beiden Kongresstage.",
      speakers=("Lorenz", "Krämer")),
    P(0, "haupt", "keynote", K.KEYNOTE, "smart",
      "Smarte Regionen gestalten: Digitalisierung als Daseinsvorsorge",
      "Digitale Angebote sind längst Teil der Daseinsvorsorge – vom Rufbus bis zur "
      "Online-Sprechstunde. Die Keynote zeigt, warum Städte und ländliche Räume nur gemeinsam "
      "digital erfolgreich sind und welche Weichen Kommunen jetzt stellen sollten.",
      speakers=("Reuter",)),
    P(0, "haupt", "s1", K.PANEL, "daten",
      "Urbane Datenplattformen: vom Pilot in den Regelbetrieb",
      "Viele Kommunen haben eine Datenplattform pilotiert, wenige betreiben sie dauerhaft. Das "
      "Podium diskutiert Betriebsmodelle, Kosten und Zuständigkeiten. Im Mittelpunkt steht die "
      "Frage, wie aus einem Förderprojekt eine verlässliche Infrastruktur wird."),
    P(0, "haupt", "s2", K.TALK, "ikz",
      "Gemeinsam statt einsam: interkommunale Digitalisierung in Hessen",
      "Kleine Gemeinden können nicht jede Fachanwendung allein einführen. Der Vortrag zeigt "
      "erfolgreiche Kooperationen in Hessen und die rechtlichen Formen, die sich bewährt haben.",
      speakers=("Schuster",)),
    P(0, "haupt", "s3", K.PANEL, "cyber",
      "Nach dem Cyberangriff: Lehren aus Monaten im Notbetrieb",
      "Mehrere deutsche Verwaltungen waren nach Cyberangriffen wochenlang kaum arbeitsfähig. "
      "Expertinnen und Experten berichten, was im Ernstfall zählt, welche Vorbereitung geholfen "
      "hat und was sie heute anders machen würden."),
    P(0, "haupt", "s4", K.TALK, "foerder",
      "Förderlandschaft 2026: Bund, Land und EU im Überblick",
      "Welche Programme fördern Digitalisierungsvorhaben von Kommunen, und wie lassen sie sich "
      "kombinieren? Der Vortrag ordnet die wichtigsten Förderzugänge ein und nennt Fristen, "
      "Eigenanteile und typische Stolpersteine.",
      speakers=("Möller",)),
    P(0, "haupt", "s5", K.PANEL, "mobil",
      "Mobilität im ländlichen Raum: On-Demand-Verkehre auf dem Prüfstand",
      "Rufbusse und On-Demand-Shuttles sollen Lücken im Fahrplan schließen. Das Podium zieht eine "
      "ehrliche Bilanz: Nachfrage, Kosten pro Fahrgast und die Rolle der Digitalisierung für "
      "einen dauerhaften Betrieb."),
    P(0, "haupt", "s6", K.PANEL, "orga",
      "Digitalagentur, Zweckverband oder GmbH? Organisationsformen im Vergleich",
      "Kommunen organisieren ihre Digitalisierung sehr unterschiedlich. Das Podium vergleicht "
      "Stabsstelle, Digitalagentur, Zweckverband und kommunale GmbH und fragt, welche Form zu "
      "welcher Aufgabe passt."),
    P(0, "haupt", "close", K.TALK, "smart",
      "Resümee des ersten Tages",
      "Die wichtigsten Erkenntnisse des Tages in einer halben Stunde, mit Stimmen aus dem "
      "Publikum und einem Ausblick auf den zweiten Kongresstag.",
      speakers=("Krämer", "Kern")),
    # Day 1 – Bühne Datenmanagement
    P(0, "daten", "s1", K.TALK, "daten",
      "Open Data als Standard: Wie Darmstadt seine Daten öffnet",
      "Darmstadt veröffentlicht Daten grundsätzlich offen, sofern nichts dagegen spricht. Der "
      "Vortrag zeigt den Weg zu diesem Grundsatz, die Rolle der Datenverantwortlichen in den "
      "Ämtern und die ersten Anwendungen aus der Zivilgesellschaft.",
      speakers=("Hofmann",)),
    P(0, "daten", "s2", K.TALK, "daten",
      "Datenräume für Kommunen: Architektur, Governance und erste Anwendungen",
      "Datenräume versprechen souveränen Datenaustausch zwischen Kommunen, Versorgern und "
      "Unternehmen. Der Vortrag erklärt die Bausteine, stellt Governance-Modelle vor und zeigt "
      "erste Anwendungen aus Hessen.",
      speakers=("Neumann",)),
    P(0, "daten", "s3", K.TALK, "daten",
      "Datenqualität ist Teamarbeit: Rollen im kommunalen Datenmanagement",
      "Schlechte Daten machen jede Plattform wertlos. Der Vortrag stellt Rollen wie "
      "Datenverantwortliche und Data Stewards vor und zeigt, wie Prozesse für gute Datenqualität "
      "im Verwaltungsalltag verankert werden."),
    P(0, "daten", "s4", K.TALK, "daten",
      "Urbane Digitale Zwillinge: Was sie leisten und was nicht",
      "Digitale Zwillinge sind in aller Munde. Der Vortrag trennt Anspruch und Wirklichkeit und "
      "zeigt an Beispielen aus Stadtplanung und Klimaanpassung, wo sich der Aufwand lohnt.",
      speakers=("Maier",)),
    P(0, "daten", "s5", K.TALK, "cyber",
      "Datenschutz by Design bei Sensornetzen im öffentlichen Raum",
      "Sensoren zählen Fahrräder, messen Lärm und erkennen freie Parkplätze. Der Vortrag zeigt, "
      "wie Kommunen solche Netze datenschutzkonform planen und welche technischen und "
      "organisatorischen Maßnahmen sich bewährt haben."),
    P(0, "daten", "s6", K.TALK, "daten",
      "Von der Excel-Tabelle zum Datenkatalog: Ein Landkreis räumt auf",
      "Hunderte Tabellen, verteilt über zwanzig Fachdienste: Der Landkreis Gießen hat "
      "inventarisiert, bewertet und einen Datenkatalog aufgebaut. Ein Erfahrungsbericht mit allen "
      "Umwegen.",
      speakers=("Wolf", "Sommer")),
    # Day 1 – Bühne Mobilität
    P(0, "mobil", "s1", K.TALK, "mobil",
      "Mobilitätsdaten in Echtzeit: Die Verkehrsdatenplattform Rhein-Main",
      "Fahrplandaten, Verspätungen, Baustellen und Sharing-Angebote an einem Ort: Der Vortrag "
      "stellt die Verkehrsdatenplattform vor und zeigt, wie Kommunen sie für eigene Anwendungen "
      "nutzen können.",
      speakers=("Schulz",)),
    P(0, "mobil", "s2", K.TALK, "mobil",
      "Parken digital steuern: Sensorik, Apps und Parkraummanagement",
      "Parksuchverkehr verursacht einen großen Teil des Innenstadtverkehrs. Der Vortrag zeigt, "
      "wie Sensorik und digitale Bezahlung das Parkraummanagement verändern und welche Daten "
      "dafür wirklich nötig sind."),
    P(0, "mobil", "s3", K.TALK, "mobil",
      "Radverkehr datenbasiert planen",
      "Zählstellen, Befragungen und anonymisierte App-Daten ergeben zusammen ein gutes Bild des "
      "Radverkehrs. Der Vortrag zeigt, wie Hanau daraus Prioritäten für den Netzausbau ableitet.",
      speakers=("Demir",)),
    P(0, "mobil", "s4", K.PANEL, "mobil",
      "Der ÖPNV als Rückgrat: Verbünde, Kommunen und Daten",
      "Ohne verlässliche Daten keine gute Fahrgastinformation und keine vernetzte Mobilität. "
      "Verkehrsverbünde und Kommunen diskutieren, wer welche Daten bereitstellt und wie die "
      "Zusammenarbeit besser gelingt."),
    P(0, "mobil", "s5", K.TALK, "mobil",
      "Ladeinfrastruktur für E-Mobilität kommunal planen",
      "Wo werden öffentliche Ladepunkte gebraucht, und wer soll sie betreiben? Der Vortrag stellt "
      "ein datenbasiertes Verfahren zur Standortplanung und Modelle für den Betrieb vor.",
      speakers=("Schmitt",)),
    P(0, "mobil", "s6", K.TALK, "ikz",
      "Mobilitätsstationen im Verbund: Ein Projekt, zwölf Gemeinden",
      "Zwölf Gemeinden haben gemeinsam Mobilitätsstationen mit Carsharing, Leihrädern und "
      "Busanschluss geplant. Der Vortrag berichtet von Ausschreibung, Betrieb und ersten "
      "Nutzungszahlen.",
      speakers=("Walter", "Lehmann")),
    # Day 1 – Forum Smart Region
    P(0, "forum", "s1", K.TALK, "smart",
      "Smart-Region-Strategie Vogelsberg: Von der Vision zur Umsetzung",
      "Der Vogelsbergkreis hat in einem breiten Beteiligungsprozess eine Smart-Region-Strategie "
      "entwickelt. Der Vortrag zeigt, welche Projekte daraus entstanden sind und wie der Kreis "
      "die Umsetzung steuert.",
      speakers=("Pfeiffer", "Reuter")),
    P(0, "forum", "s2", K.TALK, "smart",
      "LoRaWAN für alle: Ein kreisweites Funknetz als Basisinfrastruktur",
      "Ein offenes Funknetz für Sensoren verbindet Pegelmesser, Schulräume und Winterdienst. Der "
      "Vortrag erklärt Aufbau, Betrieb und Kosten eines kreisweiten LoRaWAN-Netzes.",
      speakers=("Schwarz",)),
    P(0, "forum", "s3", K.TALK, "orga",
      "Die Digitallotsin im Rathaus: Neue Rollen in der Verwaltung",
      "Digitallotsinnen und Digitallotsen übersetzen zwischen Fachamt und IT. Der Vortrag "
      "beschreibt die Rolle, ihre Einbindung in die Organisation und was sie in Fulda bewirkt "
      "hat.",
      speakers=("Schmid",)),
    P(0, "forum", "s4", K.ROUND_TABLE, "ikz",
      "Runder Tisch: Shared Services für kleine Gemeinden",
      "Personalabrechnung, E-Rechnung, IT-Betreuung: Viele Aufgaben lassen sich gemeinsam "
      "erledigen. Am Runden Tisch tauschen Sie sich mit Kommunen aus, die es bereits tun, und "
      "klären Ihre eigenen Fragen."),
    P(0, "forum", "s5", K.TALK, "smart",
      "Smarte Dörfer: Digitale Dorfplätze und Ehrenamt",
      "Dorf-Apps, digitale Schwarze Bretter und Mitfahrbänke mit Buchungsfunktion stärken das "
      "Miteinander. Der Vortrag zeigt, was in hessischen Dörfern funktioniert und warum das "
      "Ehrenamt der Schlüssel ist.",
      speakers=("Krause",)),
    P(0, "forum", "s6", K.TALK, "foerder",
      "Fördermittel erfolgreich beantragen: Erfahrungen aus drei Förderrunden",
      "Ein Landkreis berichtet aus drei Förderrunden: wie Projektideen entstehen, wie Anträge "
      "überzeugen und wie die Berichtspflichten nach der Bewilligung gut zu bewältigen sind.",
      speakers=("Lindner",)),
    # Day 1 – Werkstatt
    P(0, "werk", "w1", K.WORKSHOP, "daten",
      "Workshop: Ihr erster Datenkatalog – DCAT-AP.de in der Praxis",
      "In diesem Workshop beschreiben Sie eigene Datensätze nach DCAT-AP.de und lernen Werkzeuge "
      "für die Pflege eines Datenkatalogs kennen. Bringen Sie gern ein Beispiel aus Ihrer "
      "Verwaltung mit. Die Platzzahl ist begrenzt."),
    P(0, "werk", "w2", K.WORKSHOP, "cyber",
      "Workshop: Notfallübung Ransomware – ein Planspiel für Verwaltungen",
      "Ein Freitagnachmittag, alle Bildschirme zeigen eine Lösegeldforderung. Im Planspiel "
      "treffen Sie in verteilten Rollen die ersten Entscheidungen und prüfen, ob Ihr Notfallplan "
      "trägt."),
    P(0, "werk", "w3", K.WORKSHOP, "orga",
      "Workshop: Digitalstrategie in 90 Minuten – Methoden für die Kommune",
      "Der Workshop stellt kompakte Methoden vor, mit denen Sie eine Digitalstrategie gemeinsam "
      "mit Politik, Verwaltung und Bürgerschaft entwickeln. Sie erproben die Methoden an einem "
      "Fallbeispiel."),
    # Day 2 – Hauptbühne
    P(1, "haupt", "keynote", K.KEYNOTE, "cyber",
      "Resilienz als Leitbild: Cybersicherheit für Kommunen neu denken",
      "Hundertprozentige Sicherheit gibt es nicht – aber Verwaltungen, die nach einem Angriff "
      "schnell wieder arbeiten. Die Keynote erklärt, warum Resilienz das bessere Leitbild ist und "
      "was das für Organisation, Technik und Zusammenarbeit bedeutet.",
      speakers=("Hartmann",)),
    P(1, "haupt", "s1", K.PANEL, "daten",
      "Künstliche Intelligenz in der Verwaltung: Zwischen Erwartung und Erfahrung",
      "KI-Assistenten beantworten Bürgeranfragen, werten Anträge vor und fassen Akten zusammen. "
      "Das Podium diskutiert erste Erfahrungen, rechtliche Grenzen und die Frage, welche Daten "
      "Kommunen dafür brauchen."),
    P(1, "haupt", "s2", K.TALK, "foerder",
      "„Digitale Modellregionen Hessen“: Bilanz nach drei Jahren",
      "Das Landesprogramm hat Projekte in allen Regierungsbezirken gefördert. Der Vortrag zieht "
      "Bilanz, zeigt übertragbare Lösungen und gibt einen Ausblick auf die nächste Förderphase.",
      speakers=("Graf",)),
    P(1, "haupt", "s3", K.PANEL, "ikz",
      "Stadt und Land gemeinsam: Metropolregion und ländlicher Raum im Dialog",
      "Pendlerströme, Wohnungsmarkt und Fachkräfte verbinden Stadt und Land. Das Podium fragt, "
      "wie digitale Angebote über Verwaltungsgrenzen hinweg entstehen und wer sie bezahlt."),
    P(1, "haupt", "s4", K.TALK, "cyber",
      "Lagebild Cybersicherheit Kommunen 2026",
      "Welche Angriffe treffen Kommunen, und wie gut sind sie vorbereitet? Der Vortrag stellt das "
      "aktuelle Lagebild vor und leitet daraus die wichtigsten Maßnahmen für die nächsten zwölf "
      "Monate ab.",
      speakers=("Kraus",)),
    P(1, "haupt", "s5", K.PANEL, "smart",
      "Die Region als Plattform: Wer betreibt die digitale Infrastruktur von morgen?",
      "Funknetze, Datenplattformen, Rechenzentren: Die digitale Infrastruktur einer Region hat "
      "viele Betreiber. Das Podium diskutiert Rollen von Land, Kreisen, Kommunen und Stadtwerken."),
    P(1, "haupt", "s6", K.KEYNOTE, "smart",
      "Zukunftsbild 2035: Wie digitale Regionen leben und arbeiten werden",
      "Wie sieht ein Tag in einer digitalen Region im Jahr 2035 aus? Die Keynote entwirft ein "
      "Zukunftsbild auf Grundlage aktueller Forschung und fragt, welche Entscheidungen heute "
      "dafür nötig sind.",
      speakers=("Brandes",)),
    P(1, "haupt", "close", K.TALK, "smart",
      "Abschluss und Ausblick",
      "Die Gastgeberinnen ziehen Bilanz, danken allen Beteiligten und geben einen Ausblick auf "
      "die nächsten Schritte der Smart-Region-Initiative.",
      speakers=("Lorenz", "Krämer", "Kern")),
    # Day 2 – Bühne Datenmanagement
    P(1, "daten", "keynote", K.TALK, "daten",
      "Datenstrategie für Kommunen: Ein Leitfaden in fünf Schritten",
      "Eine Datenstrategie muss kein Hundert-Seiten-Papier sein. Der Vortrag stellt einen "
      "praxiserprobten Leitfaden in fünf Schritten vor, mit Vorlagen für Bestandsaufnahme, Ziele "
      "und Zuständigkeiten."),
    P(1, "daten", "s1", K.TALK, "daten",
      "Geodaten als Schlüssel: Von der Kartenanwendung zum Lagebild",
      "Fast jede kommunale Information hat einen Ortsbezug. Der Vortrag zeigt, wie Wiesbaden "
      "seine Geodateninfrastruktur zu einem Lagebild für Planung, Katastrophenschutz und "
      "Bürgerinformation ausgebaut hat.",
      speakers=("Zimmermann",)),
    P(1, "daten", "s2", K.TALK, "daten",
      "Umweltdaten teilen: Luftqualität, Lärm und Hitze im Stadtgebiet",
      "Umweltdaten des Landes und kommunale Messungen ergänzen sich. Der Vortrag zeigt, wie "
      "Kommunen diese Daten beziehen, kombinieren und verständlich veröffentlichen.",
      speakers=("Richter",)),
    P(1, "daten", "s3", K.TALK, "daten",
      "Datensouveränität in der Cloud: Was Kommunen vertraglich absichern sollten",
      "Wer Daten in die Cloud gibt, muss Zugriff, Standort und Ausstieg regeln. Der Vortrag nennt "
      "die wichtigsten Vertragsklauseln und Nachweise und zeigt, worauf es bei Ausschreibungen "
      "ankommt."),
    P(1, "daten", "s4", K.TALK, "daten",
      "Dashboards, die genutzt werden: Steuerung mit Kennzahlen im Rathaus",
      "Viele Dashboards werden gebaut und nie wieder geöffnet. Der Vortrag zeigt, wie Kennzahlen "
      "gemeinsam mit Führungskräften entwickelt werden und wie sie in Sitzungen und "
      "Haushaltsberatungen tatsächlich ankommen.",
      speakers=("Koch",)),
    P(1, "daten", "s5", K.TALK, "daten",
      "Energiedaten im Quartier: Wärmeplanung braucht Daten",
      "Die kommunale Wärmeplanung verlangt Daten zu Gebäuden, Verbräuchen und Netzen. Der Vortrag "
      "zeigt, wie Stadtwerke und Kommune diese Daten datenschutzkonform zusammenführen.",
      speakers=("Hartwig",)),
    P(1, "daten", "s6", K.TALK, "ikz",
      "Gemeinsame Datenplattform für fünf Landkreise: Ein Werkstattbericht",
      "Fünf Landkreise betreiben eine gemeinsame Datenplattform. Der Werkstattbericht schildert "
      "Vertragsgestaltung, Kostenverteilung und den Alltag einer Kooperation über Kreisgrenzen "
      "hinweg.",
      speakers=("Jung", "Ziegler")),
    # Day 2 – Bühne Mobilität
    P(1, "mobil", "keynote", K.TALK, "mobil",
      "Autonomes Fahren im ÖPNV: Erfahrungen aus dem Testfeld",
      "Seit zwei Jahren fahren autonome Shuttles im Linienbetrieb. Der Vortrag berichtet von "
      "Technik, Genehmigung, Akzeptanz bei den Fahrgästen und den nächsten Schritten.",
      speakers=("Keller",)),
    P(1, "mobil", "s1", K.TALK, "mobil",
      "Mobility as a Service: Eine App für alle Verkehrsmittel",
      "Bus, Bahn, Leihrad und Carsharing in einer App buchen und bezahlen: Der Vortrag zeigt, was "
      "dafür technisch und vertraglich nötig ist und welche Rolle Kommunen spielen."),
    P(1, "mobil", "s2", K.TALK, "mobil",
      "Baustellenmanagement digital: Koordination über Gemeindegrenzen",
      "Wenn Land, Kreis und Gemeinde gleichzeitig bauen, steht der Verkehr. Der Vortrag stellt "
      "ein digitales Baustellenkataster vor, das Maßnahmen aller Baulastträger koordiniert.",
      speakers=("Brandt",)),
    P(1, "mobil", "s3", K.PANEL, "mobil",
      "Pendlerverkehr neu organisieren: Arbeitgeber, Kommunen, Verbünde",
      "Jobtickets, Werksbusse und Mitfahrplattformen: Das Podium diskutiert, wie Arbeitgeber, "
      "Kommunen und Verkehrsverbünde den Pendlerverkehr gemeinsam organisieren können."),
    P(1, "mobil", "s4", K.TALK, "mobil",
      "Logistik auf der letzten Meile: Mikro-Hubs in Innenstädten",
      "Mikro-Hubs und Lastenräder entlasten Innenstädte vom Lieferverkehr. Der Vortrag stellt "
      "Ergebnisse aus Pilotprojekten vor und zeigt, welche Flächen und Regeln Kommunen "
      "bereitstellen müssen.",
      speakers=("Bauer",)),
    P(1, "mobil", "s5", K.TALK, "foerder",
      "Mobilitätsprojekte finanzieren: Förderprogramme von Bund und Land",
      "Von der Radverkehrsförderung bis zum On-Demand-Verkehr: Der Vortrag gibt einen Überblick "
      "über Förderprogramme für kommunale Mobilitätsprojekte und zeigt, wie sie sich kombinieren "
      "lassen."),
    P(1, "mobil", "s6", K.TALK, "mobil",
      "Verkehrssicherheit durch Daten: Unfallschwerpunkte früh erkennen",
      "Beinaheunfälle hinterlassen Spuren in Daten. Der Vortrag zeigt, wie Kommunen "
      "Unfallschwerpunkte erkennen, bevor etwas passiert, und welche Maßnahmen daraus folgen."),
    # Day 2 – Forum Smart Region
    P(1, "forum", "keynote", K.TALK, "orga",
      "Interkommunale Anstalt des öffentlichen Rechts: Ein Gründungsbericht",
      "Sieben Kommunen haben eine gemeinsame Anstalt für ihre Digitalisierung gegründet. Der "
      "Bericht schildert Satzung, Finanzierung und die ersten zwölf Monate im Betrieb.",
      speakers=("Herrmann", "Hansen")),
    P(1, "forum", "s1", K.TALK, "cyber",
      "Informationssicherheit mit kleinem Team: Ein ISMS für Gemeinden",
      "Auch eine Gemeinde mit drei IT-Stellen kann ein Informationssicherheits-Managementsystem "
      "betreiben. Der Vortrag zeigt einen pragmatischen Einstieg und Hilfsmittel, die Sie sofort "
      "nutzen können.",
      speakers=("Winter",)),
    P(1, "forum", "s2", K.ROUND_TABLE, "smart",
      "Runder Tisch: Smart-Region-Beauftragte im Austausch",
      "Smart-Region-Beauftragte aus Landkreisen und Städten tauschen sich über Strategien, "
      "Projekte und Stolpersteine aus. Bringen Sie Ihre Fragen mit."),
    P(1, "forum", "s3", K.TALK, "smart",
      "Bürgerbeteiligung digital: Plattformen, die wirklich genutzt werden",
      "Beteiligungsplattformen gibt es viele, rege Beteiligung seltener. Der Vortrag zeigt, "
      "welche Formate Menschen erreichen und wie Verwaltung und Politik mit den Ergebnissen "
      "umgehen."),
    P(1, "forum", "s4", K.TALK, "orga",
      "Change-Management in der Verwaltung: Menschen mitnehmen",
      "Digitalisierung verändert Arbeitsabläufe und Rollen. Der Vortrag zeigt, wie Beschäftigte "
      "früh eingebunden werden und wie Führungskräfte den Wandel begleiten."),
    P(1, "forum", "s5", K.TALK, "ikz",
      "Gemeinsame IT-Dienstleister: Was Kommunen von ihrem Rechenzentrum erwarten",
      "Kommunale Rechenzentren betreiben Fachverfahren für Hunderte Verwaltungen. Der Vortrag "
      "fasst eine Befragung hessischer Kommunen zusammen und zeigt, wo Erwartungen und Angebot "
      "auseinanderliegen."),
    P(1, "forum", "s6", K.TALK, "foerder",
      "EU-Förderung für Regionen: EFRE, Interreg und Digital Europe",
      "EU-Programme bieten Kommunen große Chancen, aber auch hohe Hürden. Der Vortrag erklärt die "
      "wichtigsten Programme für digitale Vorhaben und zeigt, wie Sie Partner für europäische "
      "Projekte finden.",
      speakers=("Weiß",)),
    # Day 2 – Werkstatt
    P(1, "werk", "w1", K.WORKSHOP, "mobil",
      "Workshop: Mobilitätsdaten richtig bereitstellen – GTFS, NeTEx und Co.",
      "Der Workshop führt in die gängigen Formate für Fahrplan- und Echtzeitdaten ein. Sie prüfen "
      "gemeinsam Beispieldaten und lernen, welche Pflichten aus der europäischen Gesetzgebung "
      "folgen."),
    P(1, "werk", "w2", K.ROUND_TABLE, "foerder",
      "Runder Tisch: Förderanträge gemeinsam stellen",
      "Verbundanträge mehrerer Kommunen haben oft bessere Chancen. Am Runden Tisch klären Sie mit "
      "Fördermittelberaterinnen und -beratern, wie Sie Partner finden und Aufgaben verteilen."),
    P(1, "werk", "w3", K.WORKSHOP, "cyber",
      "Workshop: IT-Notfallkarte und Meldewege für Ihr Rathaus",
      "Wer ist im Ernstfall zuerst anzurufen, und wer entscheidet über die Abschaltung? Im "
      "Workshop erstellen Sie eine IT-Notfallkarte und klären Meldewege für Ihre Verwaltung."),
    _break(0, "lunch", "Mittagspause", LUNCH),
    _break(0, "coffee", "Kaffeepause", COFFEE),
    _break(1, "lunch", "Mittagspause", LUNCH),
    _break(1, "coffee", "Kaffeepause", COFFEE),
]
# fmt: on

# (slug, name)
CATEGORIES = [
    ("datenmanagement", "Datenmanagement"),
    ("mobilitaet", "Mobilität"),
    ("cybersicherheit", "Cybersicherheit"),
    ("smart-region", "Smart Region"),
    ("e-government", "E-Government"),
    ("energie-umwelt", "Energie & Umwelt"),
    ("bildung-forschung", "Bildung & Forschung"),
]

# (name, tier, category slugs, tagline, description)
# fmt: off
EXHIBITORS = [
    ("Datenwerk Rhein-Main GmbH", "premium", ("datenmanagement", "smart-region"),
     "Urbane Datenplattformen für Städte und Landkreise",
     "Datenwerk Rhein-Main entwickelt und betreibt offene urbane Datenplattformen nach DIN SPEC "
     "91357. Mehr als vierzig Kommunen nutzen die Plattform für Sensordaten, Dashboards und Open "
     "Data. Am Stand zeigen wir, wie der Weg vom Pilotprojekt in den Regelbetrieb gelingt."),
    ("Kommunalwolke eG", "premium", ("e-government", "cybersicherheit"),
     "Die souveräne Cloud von Kommunen für Kommunen",
     "Die Kommunalwolke ist eine Genossenschaft hessischer Städte und Gemeinden. Sie betreibt "
     "Fachverfahren, Kollaborationswerkzeuge und Speicher in zertifizierten Rechenzentren in "
     "Hessen. Mitglieder bestimmen gemeinsam über Angebot und Preise."),
    ("CivicSecure GmbH", "premium", ("cybersicherheit", "e-government"),
     "Informationssicherheit für die öffentliche Verwaltung",
     "CivicSecure unterstützt Verwaltungen beim Aufbau eines ISMS, bei Notfallübungen und im "
     "Ernstfall mit einem rund um die Uhr erreichbaren Incident-Response-Team. Unsere "
     "Beraterinnen und Berater kennen die Abläufe in Rathaus und Kreisverwaltung."),
    ("Hessenfunk Netze GmbH", "premium", ("smart-region", "energie-umwelt"),
     "LoRaWAN- und Glasfasernetze für die Region",
     "Hessenfunk plant, baut und betreibt Funknetze für das Internet der Dinge und "
     "Glasfaseranbindungen im ländlichen Raum. Kommunen erhalten ein offenes Netz, an das sie "
     "eigene Sensoren und Anwendungen anschließen können."),
    ("Mobilitätsschmiede GmbH", "premium", ("mobilitaet", "datenmanagement"),
     "Software für On-Demand-Verkehr und vernetzte Mobilität",
     "Die Mobilitätsschmiede entwickelt Buchungs- und Dispositionssoftware für Rufbusse und "
     "On-Demand-Shuttles. Verkehrsunternehmen und Kommunen in fünf Bundesländern setzen sie "
     "bereits ein. Am Stand können Sie eine Fahrt live buchen."),
    ("GeoVista Analytics GmbH", "premium", ("datenmanagement", "energie-umwelt", "smart-region"),
     "Digitale Zwillinge und Geodatenanalysen",
     "GeoVista verbindet Geodaten, 3D-Stadtmodelle und Sensordaten zu digitalen Zwillingen. "
     "Planungsämter simulieren damit Hitze, Starkregen und Verkehr. Die Plattform basiert auf "
     "offenen Standards und lässt sich in bestehende Geodateninfrastrukturen einbinden."),
    ("SensorLand GmbH", "standard", ("smart-region", "energie-umwelt"),
     "Sensorik für Umwelt, Parken und Infrastruktur",
     "SensorLand liefert robuste Sensoren für Pegel, Luftqualität, Bodenfeuchte und Parkplätze. "
     "Alle Geräte funken über LoRaWAN und liefern ihre Daten in offenen Formaten."),
    ("Formwerk Digital GmbH", "standard", ("e-government",),
     "Online-Dienste nach dem OZG, einfach gebaut",
     "Mit dem Formularbaukasten von Formwerk erstellen Verwaltungen Online-Dienste ohne "
     "Programmierkenntnisse. Anbindungen an Servicekonto, E-Payment und Fachverfahren sind "
     "bereits enthalten."),
    ("Zweckverband Digitale Kommune Mittelhessen", "standard", ("e-government", "smart-region"),
     "IT-Dienstleister von und für Kommunen in Mittelhessen",
     "Der Zweckverband betreibt IT-Arbeitsplätze, Fachverfahren und Rechenzentrumsdienste für 23 "
     "Mitgliedskommunen. Am Stand erfahren Sie, wie der Beitritt funktioniert und welche "
     "Leistungen gemeinsam günstiger werden."),
    ("Institut für Kommunale Digitalisierung e. V.", "standard",
     ("bildung-forschung", "e-government"),
     "Forschung und Transfer für die digitale Kommune",
     "Das Institut verbindet Hochschulen und Kommunen in gemeinsamen Forschungsprojekten. Es "
     "veröffentlicht Leitfäden, Studien und Reifegradmodelle für die Verwaltungsdigitalisierung."),
    ("Kompetenzzentrum Stadtdaten Kassel", "standard", ("bildung-forschung", "datenmanagement"),
     "Wissen rund um kommunale Daten",
     "Das Kompetenzzentrum berät nordhessische Kommunen bei Datenstrategie, Open Data und "
     "Datenschutz. Es bietet Schulungen für Datenverantwortliche und einen offenen Austausch für "
     "alle Interessierten."),
    ("OpenCivic Software eG", "standard", ("e-government", "datenmanagement"),
     "Open-Source-Software für die öffentliche Hand",
     "OpenCivic entwickelt und betreut quelloffene Lösungen für Ratsinformation, "
     "Bürgerbeteiligung und Open Data. Als Genossenschaft gehört sie ihren Mitarbeitenden und "
     "Kundinnen. Der Quellcode aller Produkte ist öffentlich."),
    ("Parkwerk Systems GmbH", "standard", ("mobilitaet",),
     "Digitales Parkraummanagement",
     "Parkwerk verbindet Parksensoren, Handyparken und Kontrolle in einem System. Kommunen sehen "
     "die Auslastung in Echtzeit und können Tarife gezielt steuern."),
    ("Ladenetz Hessen GmbH", "standard", ("mobilitaet", "energie-umwelt"),
     "Ladeinfrastruktur für Kommunen planen und betreiben",
     "Ladenetz Hessen übernimmt Standortanalyse, Förderantrag, Aufbau und Betrieb öffentlicher "
     "Ladepunkte. Kommunen behalten die Hoheit über Standorte und Tarife."),
    ("Rufbus Digital GmbH", "standard", ("mobilitaet", "smart-region"),
     "On-Demand-Verkehr für den ländlichen Raum",
     "Rufbus Digital plant und betreibt On-Demand-Angebote gemeinsam mit Verkehrsunternehmen vor "
     "Ort. Fahrgäste buchen per App oder Telefon, ohne feste Fahrpläne."),
    ("Stadtwerke Lahntal Digital GmbH", "standard", ("energie-umwelt", "smart-region"),
     "Energie, Wasser und Daten aus einer Hand",
     "Die Digitaltochter der Stadtwerke Lahntal bündelt Energiedaten, Smart Metering und "
     "Straßenbeleuchtung. Kommunen erhalten Daten für ihre Wärmeplanung aus einer Hand."),
    ("KlimaSense GmbH", "standard", ("energie-umwelt", "datenmanagement"),
     "Hitze- und Starkregenvorsorge mit Daten",
     "KlimaSense berechnet Hitze- und Starkregengefahren bis auf Straßenebene. Die Ergebnisse "
     "fließen in Bebauungspläne, Hitzeaktionspläne und Warnsysteme ein."),
    ("Schutzschild IT-Sicherheit GmbH", "standard", ("cybersicherheit",),
     "Security Operations Center für Kommunen",
     "Das Security Operations Center von Schutzschild überwacht Netze und Endgeräte rund um die "
     "Uhr. Bei Auffälligkeiten reagiert das Team sofort und informiert die Verwaltung. Das "
     "Angebot ist auf die Größe kleiner und mittlerer Kommunen zugeschnitten."),
    ("Netzwächter Cyberabwehr GmbH", "standard", ("cybersicherheit", "bildung-forschung"),
     "Penetrationstests und Awareness-Trainings",
     "Netzwächter prüft Verwaltungsnetze mit Penetrationstests und schult Beschäftigte im "
     "sicheren Umgang mit E-Mail und Internet. Die Trainings gibt es in Präsenz und online."),
    ("Archivio Dokumentenmanagement GmbH", "standard", ("e-government",),
     "E-Akte und digitale Archivierung",
     "Archivio bietet eine E-Akte für Kommunen mit revisionssicherer Archivierung und Anbindung "
     "an gängige Fachverfahren. Die Einführung begleitet ein erfahrenes Projektteam."),
    ("Bürgerdialog Online GmbH", "standard", ("smart-region", "e-government"),
     "Beteiligungsplattformen für Städte und Gemeinden",
     "Mit den Plattformen von Bürgerdialog Online beteiligen Kommunen ihre Bürgerinnen und "
     "Bürger an Planungen, Haushalten und Ideenwettbewerben. Die Moderation der Beiträge "
     "übernimmt auf Wunsch das Team von Bürgerdialog."),
    ("Dorfplatz Digital e. V.", "standard", ("smart-region",),
     "Digitale Dorfplattformen für Ehrenamt und Nachbarschaft",
     "Der Verein stellt Gemeinden eine Dorfplattform mit Neuigkeiten, Marktplatz und "
     "Mitfahrbörse zur Verfügung. Ehrenamtliche pflegen die Inhalte, der Verein kümmert sich um "
     "Technik und Schulung."),
    ("GovData Consult GmbH", "standard", ("datenmanagement", "e-government"),
     "Beratung für Datenstrategie und Open Data",
     "GovData Consult begleitet Kommunen von der Datenstrategie bis zum ersten Open-Data-Portal. "
     "Die Beraterinnen und Berater kommen selbst aus der Verwaltung."),
    ("Mobilstation Hessen GmbH", "standard", ("mobilitaet",),
     "Mobilitätsstationen und Sharing-Angebote",
     "Mobilstation Hessen plant und betreibt Mobilitätsstationen mit Carsharing, Leihrädern und "
     "Ladepunkten. Mehrere Gemeinden können ein gemeinsames Netz aufbauen."),
    ("Akademie für Verwaltungsdigitalisierung", "standard", ("bildung-forschung", "e-government"),
     "Weiterbildung für Digitallotsen und Führungskräfte",
     "Die Akademie bietet berufsbegleitende Lehrgänge zu Digitalisierung, Prozessmanagement und "
     "Führung im Wandel. Alle Kurse sind auf die kommunale Praxis ausgerichtet und schließen mit "
     "einem Zertifikat ab."),
    ("Lichtpunkt Smart Lighting GmbH", "standard", ("energie-umwelt", "smart-region"),
     "Intelligente Straßenbeleuchtung",
     "Lichtpunkt rüstet Straßenbeleuchtung auf LED um und steuert sie bedarfsgerecht. Die "
     "Leuchten dienen zugleich als Träger für Sensoren und Funknetze."),
    ("AquaSmart Systeme GmbH", "standard", ("energie-umwelt",),
     "Digitales Wassermanagement",
     "AquaSmart überwacht Wassernetze, Pegel und Regenrückhaltebecken. Leckagen und "
     "Hochwassergefahren werden früh erkannt, Einsatzkräfte automatisch informiert."),
    ("Trafiq Verkehrsanalyse GmbH", "standard", ("mobilitaet", "datenmanagement"),
     "Verkehrszählung und Verkehrsmodelle",
     "Trafiq erhebt Verkehrsdaten mit anonymisierenden Sensoren und erstellt Verkehrsmodelle für "
     "Planung und Förderanträge. Die Daten stehen Kommunen über eine offene Schnittstelle zur "
     "Verfügung."),
    ("Cloudhafen GmbH", "standard", ("e-government", "cybersicherheit"),
     "Rechenzentrum in Hessen, testiert nach BSI C5",
     "Cloudhafen betreibt zwei georedundante Rechenzentren in Hessen. Öffentliche Auftraggeber "
     "erhalten Infrastruktur und Plattformdienste mit C5-Testat und Verträgen nach EVB-IT."),
    ("Schulcampus Digital GmbH", "standard", ("bildung-forschung",),
     "IT für Schulen in kommunaler Trägerschaft",
     "Schulcampus Digital plant, beschafft und betreut die IT von Schulen für ihre kommunalen "
     "Träger. Lehrkräfte können sich auf den Unterricht konzentrieren."),
    ("Breitband Nordhessen GmbH", "standard", ("smart-region",),
     "Glasfaserausbau im ländlichen Raum",
     "Breitband Nordhessen baut Glasfasernetze in Gemeinden, die für private Anbieter nicht "
     "wirtschaftlich sind. Das Netz bleibt in kommunaler Hand."),
    ("Quartiersdaten UG (haftungsbeschränkt)", "startup", ("datenmanagement", "energie-umwelt"),
     "Quartiersanalysen für die Wärmeplanung",
     "Quartiersdaten verknüpft Gebäude-, Energie- und Sozialdaten zu Analysen auf "
     "Quartiersebene. Kommunen erhalten so schnell eine belastbare Grundlage für ihre "
     "Wärmeplanung."),
    ("Flinkbus GmbH", "startup", ("mobilitaet",),
     "Autonome Shuttles für Zubringerverkehre",
     "Flinkbus betreibt autonome Kleinbusse als Zubringer zu Bahnhöfen und Gewerbegebieten. Das "
     "Start-up übernimmt Genehmigung, Betrieb und Leitstelle."),
    ("Phishfang GmbH", "startup", ("cybersicherheit", "bildung-forschung"),
     "Phishing-Simulationen für Verwaltungen",
     "Phishfang verschickt realistische Test-Mails und schult Beschäftigte genau dann, wenn sie "
     "auf einen Link geklickt haben. Die Auswertung ist anonym und mit Personalräten abgestimmt."),
    ("Amtsbot GmbH", "startup", ("e-government",),
     "KI-Assistenten für Bürgeranfragen",
     "Amtsbot beantwortet Fragen von Bürgerinnen und Bürgern rund um die Uhr auf Grundlage der "
     "Inhalte Ihrer Website. Alle Daten werden in Deutschland verarbeitet."),
    ("Hitzeradar GmbH", "startup", ("energie-umwelt", "datenmanagement"),
     "Hitzewarnungen auf Straßenebene",
     "Hitzeradar kombiniert Wetterdaten, Satellitenbilder und Sensoren zu kleinräumigen "
     "Hitzewarnungen. Pflegeeinrichtungen und Schulen werden gezielt informiert."),
    ("Velometrik GmbH", "startup", ("mobilitaet", "datenmanagement"),
     "Radverkehrszählung mit KI-Kameras – datenschutzkonform",
     "Velometrik zählt Radfahrende, Fußgänger und Fahrzeuge mit Kameras, die keine Bilder "
     "speichern. Die Zählungen stehen in Echtzeit als offene Daten bereit."),
    ("Helferherz UG (haftungsbeschränkt)", "startup", ("smart-region",),
     "Ehrenamt digital organisieren",
     "Mit Helferherz organisieren Vereine und Gemeinden Einsätze, Fahrdienste und "
     "Nachbarschaftshilfe. Die App ist einfach genug für alle Generationen."),
    ("Termino GmbH", "startup", ("e-government",),
     "Online-Terminvergabe für Bürgerbüros",
     "Termino verkürzt Wartezeiten im Bürgerbüro durch Online-Termine, Erinnerungen und "
     "Aufrufsysteme. Die Einrichtung dauert weniger als einen Tag."),
    ("Letzte Meile Hub GmbH", "startup", ("mobilitaet", "energie-umwelt"),
     "Mikro-Hubs für die Innenstadtlogistik",
     "Letzte Meile Hub betreibt Umschlagpunkte, von denen aus Lastenräder Pakete in die "
     "Innenstadt bringen. Kommunen stellen Flächen, das Start-up organisiert den Rest."),
    ("Schnittstellenwerk GmbH", "startup", ("datenmanagement", "e-government", "smart-region"),
     "Schnittstellen zwischen Fachverfahren ohne Programmieraufwand",
     "Schnittstellenwerk verbindet Fachverfahren, Datenplattformen und Online-Dienste über "
     "standardisierte Schnittstellen wie XÖV. Neue Verbindungen werden konfiguriert statt "
     "programmiert."),
]
# fmt: on

# Product ideas per category: (name after the exhibitor's brand, description). An exhibitor
# gets 1–3 of them, taken in turn from its categories.
# fmt: off
PRODUCTS = {
    "datenmanagement": [
        ("Datenkatalog", "Ein Katalog aller kommunalen Datensätze mit Metadaten nach DCAT-AP.de. "
         "Fachämter pflegen ihre Daten selbst, Open Data geht mit einem Klick ins Portal."),
        ("Datenplattform", "Die Plattform sammelt Sensor-, Fach- und Geodaten an einem Ort und "
         "stellt sie über offene Schnittstellen bereit."),
        ("Dashboard-Baukasten", "Kennzahlen für Rat, Verwaltung und Öffentlichkeit, ohne "
         "Programmierkenntnisse zusammengestellt und barrierearm veröffentlicht."),
    ],
    "mobilitaet": [
        ("Verkehrslage", "Echtzeitdaten zu Verkehr, Parken und ÖPNV in einer Karte. Die Daten "
         "fließen als Open Data an Routenplaner und Navigationsdienste."),
        ("Mobilitätsplaner", "Plant Fahrten mit Bus, Rad und Rufbus in einer App und verbindet "
         "ländliche Orte mit dem nächsten Bahnhof."),
        ("Zählstelle", "Automatische Zählung von Rad- und Fußverkehr mit datensparsamer Sensorik. "
         "Die Ergebnisse liegen täglich im Dashboard."),
    ],
    "cybersicherheit": [
        ("Sicherheitscheck", "Ein Schwachstellen-Scan der Verwaltungs-IT mit verständlichem "
         "Bericht und priorisierten Maßnahmen nach BSI-Grundschutz."),
        ("Notfallteam", "Rund um die Uhr erreichbare Hilfe bei IT-Sicherheitsvorfällen, mit "
         "vereinbarten Reaktionszeiten für Kommunen."),
        ("Awareness-Training", "Kurze Lerneinheiten und simulierte Phishing-Kampagnen, die "
         "Beschäftigte für Angriffe sensibilisieren."),
    ],
    "smart-region": [
        ("Sensornetz", "Ein LoRaWAN-Netz für Landkreis und Gemeinden: Pegel, Parkplätze und "
         "Winterdienst melden sich selbst."),
        ("Dorf-App", "Neuigkeiten, Termine und Nachbarschaftshilfe für Gemeinden in einer App, "
         "gepflegt von Ehrenamt und Verwaltung gemeinsam."),
        ("Regionsportal", "Ein gemeinsames Portal für mehrere Kommunen, mit Diensten, Karten und "
         "Beteiligung unter einer Adresse."),
    ],
    "e-government": [
        ("Online-Antrag", "Formulare nach dem Onlinezugangsgesetz, angebunden an Servicekonto und "
         "Fachverfahren. Anträge kommen vollständig und medienbruchfrei an."),
        ("E-Akte", "Die elektronische Akte für Ämter jeder Größe, revisionssicher und mit "
         "Schnittstellen zu gängigen Fachverfahren."),
        ("Terminservice", "Online-Terminvergabe für Bürgerbüro und Fachämter, mit Erinnerung per "
         "E-Mail und Aufrufanlage im Wartebereich."),
    ],
    "energie-umwelt": [
        ("Energiemonitor", "Verbräuche aller kommunalen Liegenschaften im Blick, mit Warnungen bei "
         "Auffälligkeiten und Berichten für das Klimaschutzmanagement."),
        ("Klimakarte", "Hitzeinseln, Starkregenrisiken und Grünflächen auf einer Karte als "
         "Grundlage für die Klimaanpassung."),
        ("Wärmeplaner", "Unterstützt die kommunale Wärmeplanung mit Gebäudedaten, Szenarien und "
         "Berichten für den Gemeinderat."),
    ],
    "bildung-forschung": [
        ("Lernplattform", "Online-Kurse zur Verwaltungsdigitalisierung, im eigenen Tempo und mit "
         "Zertifikat."),
        ("Praxislabor", "Forschende und Verwaltung erproben gemeinsam neue Lösungen an echten "
         "Daten, begleitet und ausgewertet."),
        ("Schulungsprogramm", "Workshops für Führungskräfte und Fachpersonal, zugeschnitten auf die "
         "Aufgaben der eigenen Kommune."),
    ],
}
# fmt: on
CONTACT_POSITIONS = [
    "Geschäftsführung",
    "Vertrieb öffentlicher Sektor",
    "Leitung Kundenprojekte",
    "Partnermanagement Kommunen",
    "Produktmanagement",
    "Presse und Öffentlichkeitsarbeit",
]
# Words that do not make a booth's initials.
LEGAL_FORMS = {"GmbH", "eG", "e.", "V.", "UG", "(haftungsbeschränkt)", "für"}
LOGO_SIZE = 256
LOGO_DIR = "expo/logos/"

EXHIBITOR_OF_DEMO_ACCOUNT = "Datenwerk Rhein-Main GmbH"
# (username, first name, last name, role, what the accounts table says)
DEMO_ACCOUNTS = [
    ("orga", "Katrin", "Vogel", Registration.Role.ORGANIZER, "Organisation, Django-Admin"),
    ("anna", "Anna", "Schneider", Registration.Role.ATTENDEE, "Teilnehmerin, 3 Favoriten"),
    ("ben", "Ben", "Yilmaz", Registration.Role.ATTENDEE, "Teilnehmer"),
    (
        "aussteller",
        "Lukas",
        "Hoffmeister",
        Registration.Role.EXHIBITOR,
        f"Aussteller, Stand-Admin von {EXHIBITOR_OF_DEMO_ACCOUNT}",
    ),
]
ANNAS_FAVOURITES = [
    "Smarte Regionen gestalten: Digitalisierung als Daseinsvorsorge",
    "Urbane Datenplattformen: vom Pilot in den Regelbetrieb",
    "Mobility as a Service: Eine App für alle Verkehrsmittel",
]

# Attendees in total, anna and ben included.
ATTENDEE_COUNT = 650
GENERATED_ATTENDEES = ATTENDEE_COUNT - sum(
    1 for account in DEMO_ACCOUNTS if account[3] == Registration.Role.ATTENDEE
)

# fmt: off
FIRST_NAMES = [
    "Alexander", "Andrea", "Anja", "Anke", "Annika", "Barbara", "Bernd", "Birgit", "Björn",
    "Carsten", "Christian", "Christina", "Claudia", "Cornelia", "Daniel", "Dennis", "Dirk", "Doris",
    "Elena", "Emre", "Erik", "Fabian", "Felix", "Finn", "Franziska", "Gabriele", "Georg", "Hannah",
    "Heike", "Helga", "Ines", "Jan", "Jana", "Jasmin", "Jens", "Jessica", "Johanna", "Jonas",
    "Jürgen", "Karin", "Katja", "Kerstin", "Klaus", "Lara", "Laura", "Lea", "Lisa", "Manuel",
    "Marc", "Maria", "Marina", "Mario", "Martin", "Maximilian", "Mehmet", "Merve", "Michaela",
    "Monika", "Natalia", "Nils", "Oliver", "Paul", "Petra", "Philipp", "Ralf", "Renate", "Robert",
    "Sabine", "Sarah", "Simon", "Sophie", "Stefanie", "Sven", "Tanja", "Thomas", "Tim", "Ulrike",
    "Ute", "Uwe", "Vanessa", "Werner", "Wolfgang", "Yvonne", "Zeynep",
]
LAST_NAMES = [
    "Albrecht", "Arnold", "Bauer", "Baumann", "Beck", "Becker", "Bergmann", "Böhm", "Braun",
    "Busch", "Dietrich", "Engel", "Fischer", "Frank", "Friedrich", "Fuchs", "Günther", "Haas",
    "Hahn", "Hartmann", "Heinrich", "Herrmann", "Hofmann", "Huber", "Jäger", "Jung", "Kaiser",
    "Keller", "Klein", "Koch", "Kowalski", "Kraft", "Krause", "Krüger", "Kuhn", "Lange", "Lehmann",
    "Lorenz", "Ludwig", "Maier", "Martin", "Mayer", "Meyer", "Möller", "Müller", "Neumann",
    "Nguyen", "Öztürk", "Peters", "Pohl", "Richter", "Roth", "Sauer", "Schäfer", "Schmid",
    "Schmidt", "Schneider", "Schreiber", "Schröder", "Schubert", "Schulz", "Schumacher", "Schwarz",
    "Seidel", "Simon", "Sommer", "Stein", "Thomas", "Vogel", "Vogt", "Wagner", "Walter", "Weber",
    "Weiß", "Werner", "Winkler", "Wolf", "Wolff", "Yıldız", "Zimmermann",
]
# fmt: on


def demo_usernames():
    """Every username the demo creates, for tests and for cleaning up."""
    return (
        [account[0] for account in DEMO_ACCOUNTS]
        + [_speaker_username(index) for index in range(len(SPEAKERS_WITH_ACCOUNTS))]
        + [_attendee_username(index) for index in range(GENERATED_ATTENDEES)]
    )


def _speaker_username(index):
    return f"sprecher{index + 1:02d}"


def _attendee_username(index):
    return f"teilnehmer{index + 1:03d}"


def _guid(kind, *parts):
    return uuid.uuid5(GUID_NAMESPACE, ":".join([kind, *map(str, parts)]))


def _slug(name):
    for umlaut, replacement in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        name = name.replace(umlaut, replacement).replace(umlaut.upper(), replacement.title())
    return slugify(name)


def _digest(*parts):
    """A stable integer from ``parts`` (``hash()`` of a str changes between runs)."""
    return int.from_bytes(hashlib.sha256(":".join(parts).encode()).digest()[:8], "big")


def _brand(name):
    return name.split()[0]


def _initials(name):
    words = [word for word in name.split() if word not in LEGAL_FORMS]
    return "".join(word[0] for word in words[:2]).upper()


def booth_products(name, tier, category_slugs):
    """(name, description, link) of the 1–3 products of an exhibitor; premium booths show 3."""
    slug = _slug(name)
    count = 3 if tier == "premium" else 1 + _digest("products", slug) % 3
    products = []
    for index in range(count):
        product, description = PRODUCTS[category_slugs[index % len(category_slugs)]][
            index // len(category_slugs)
        ]
        product_name = f"{_brand(name)} {product}"
        link = f"https://{slug}.example.com/produkte/{_slug(product_name)}"
        products.append((product_name, description, link))
    return products


def booth_contacts(name, tier):
    """(name, position, email) of the one or two contact persons of an exhibitor."""
    slug = _slug(name)
    rng = random.Random(_digest("contacts", slug))
    count = 2 if tier == "premium" else 1 + _digest("contact-count", slug) % 2
    positions = rng.sample(CONTACT_POSITIONS, count)
    contacts = []
    for position in positions:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{_slug(first)}.{_slug(last)}@{slug}.example.com"
        contacts.append((f"{first} {last}", position, email))
    return contacts


def logo_png(name):
    """A 256 px PNG: the booth's initials in white on a colour derived from its slug."""
    hue = _digest("logo", _slug(name)) % 360 / 360
    red, green, blue = (round(channel * 255) for channel in colorsys.hls_to_rgb(hue, 0.35, 0.6))
    image = Image.new("RGB", (LOGO_SIZE, LOGO_SIZE), (red, green, blue))
    try:
        font = ImageFont.load_default(size=96)
    except (TypeError, ImportError):  # Pillow without FreeType or older than 10.1
        font = ImageFont.load_default()
    draw = ImageDraw.Draw(image)
    draw.text((LOGO_SIZE / 2, LOGO_SIZE / 2), _initials(name), fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def logo_name(slug):
    return f"{LOGO_DIR}demo-{slug}.png"


def _moved_by_days(moment, days, tz):
    """The same local wall time ``days`` later, so a move across a DST change keeps 09:30."""
    local = moment.astimezone(tz)
    return datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=tz)


def plan_speakers(programme, speakers, rng):
    """Speaker indices per session: set ones first, then drawn so nobody is in two places.

    Drawn speakers come from the session's track first, the least busy first. A speaker left
    without a session then joins a session that has room for one more. Raises CommandError if
    the data cannot be planned, which only a change to this module can cause.
    """
    by_last_name = {speaker.last_name: index for index, speaker in enumerate(speakers)}
    busy = {index: [] for index in range(len(speakers))}
    plan = {index: [] for index in range(len(programme))}

    def is_free(speaker, session):
        start, end = session.minutes
        return all(
            day != session.day or not (start < other_end and end > other_start)
            for day, other_start, other_end in busy[speaker]
        )

    def assign(speaker, index):
        session = programme[index]
        if not is_free(speaker, session):
            raise CommandError(f"{speakers[speaker].name} is double-booked: {session.title}")
        busy[speaker].append((session.day, *session.minutes))
        plan[index].append(speaker)

    for index, session in enumerate(programme):
        if isinstance(session.speakers, tuple):
            for last_name in session.speakers:
                assign(by_last_name[last_name], index)

    for index, session in enumerate(programme):
        if session.kind == K.BREAK or isinstance(session.speakers, tuple):
            continue
        wanted = session.speakers or SPEAKERS_PER_KIND[session.kind]
        candidates = [
            speaker
            for speaker in busy
            if len(busy[speaker]) < MAX_SESSIONS_PER_SPEAKER and is_free(speaker, session)
        ]
        candidates.sort(
            key=lambda speaker: (
                speakers[speaker].track != session.track,
                len(busy[speaker]),
                rng.random(),
            )
        )
        if len(candidates) < wanted:
            raise CommandError(f"Not enough free speakers for {session.title}")
        for speaker in candidates[:wanted]:
            assign(speaker, index)

    for speaker in busy:
        if busy[speaker]:
            continue
        open_sessions = [
            index
            for index, session in enumerate(programme)
            if session.kind != K.BREAK
            and not isinstance(session.speakers, tuple)
            and len(plan[index]) < MAX_SPEAKERS_PER_KIND[session.kind]
            and is_free(speaker, session)
        ]
        if not open_sessions:
            raise CommandError(f"No session left for {speakers[speaker].name}")
        open_sessions.sort(
            key=lambda index: (programme[index].track != speakers[speaker].track, index)
        )
        assign(speaker, open_sessions[0])
    return plan


def _sync_links(through, owner_field, target_field, owner_ids, wanted_pairs):
    """Make the many-to-many rows of ``owner_ids`` exactly ``wanted_pairs``."""
    existing = {
        (owner, target): pk
        for pk, owner, target in through.objects.filter(
            **{f"{owner_field}__in": owner_ids}
        ).values_list("pk", owner_field, target_field)
    }
    stale = [pk for pair, pk in existing.items() if pair not in wanted_pairs]
    through.objects.filter(pk__in=stale).delete()
    through.objects.bulk_create(
        [
            through(**{owner_field: owner, target_field: target})
            for owner, target in sorted(wanted_pairs - existing.keys())
        ]
    )


def redate_event(event, today):
    """Move the event to start ``today``, every session by the same number of days.

    Matchmaking slots and meetings move along. Returns whether anything moved. Retags the
    exports (``programme_version``) when it did.
    """
    days = (today - event.start_date).days
    if days == 0:
        return False
    tz = event.tz
    sessions = list(event.sessions.only("pk", "start", "end"))
    for session in sessions:
        session.start = _moved_by_days(session.start, days, tz)
        session.end = _moved_by_days(session.end, days, tz)
    with transaction.atomic():
        Session.objects.bulk_update(sessions, ["start", "end"], batch_size=500)
        redate_matchmaking(event, lambda moment: _moved_by_days(moment, days, tz))
        Event.objects.filter(pk=event.pk).update(
            start_date=today,
            end_date=event.end_date + timedelta(days=days),
            programme_version=F("programme_version") + 1,
        )
    event.refresh_from_db()
    return True


class Command(BaseCommand):
    help = (
        "Create or restore the demo congress “Digitale Städte – Digitale Regionen”, running today."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only move an existing demo congress to today; create nothing.",
        )

    def handle(self, *args, if_empty=False, **options):
        today = timezone.localdate(timezone=ZoneInfo(TIMEZONE))
        event = Event.objects.filter(slug=SLUG).first()
        if event is not None and if_empty:
            moved = redate_event(event, today)
            when = f"{event.start_date:%d.%m.}–{event.end_date:%d.%m.%Y}"
            self.stdout.write(
                f"Demo-Kongress vorhanden ({'verschoben auf ' if moved else ''}{when}), "
                "nichts angelegt."
            )
            return
        with transaction.atomic():
            self.seed(today)
        self.write_accounts()

    def seed(self, today):
        rng = random.Random(SEED)
        event = self.seed_event(today)
        rooms = self.seed_rooms(event)
        tracks = self.seed_tracks(event)
        self.seed_programme(event, rooms, tracks, rng)
        exhibitors = self.seed_expo(event)
        people = self.seed_people(event, exhibitors, rng)
        self.seed_matchmaking(event, people)
        self.check_programme(event)
        Event.objects.filter(pk=event.pk).update(programme_version=F("programme_version") + 1)

    def seed_event(self, today):
        event, _created = Event.objects.update_or_create(
            slug=SLUG,
            defaults={**EVENT, "start_date": today, "end_date": today + timedelta(days=1)},
        )
        self.stdout.write(
            f"Veranstaltung „{event.name}“ ({event.start_date:%d.%m.}–{event.end_date:%d.%m.%Y})"
        )
        return event

    def seed_rooms(self, event):
        rows = [
            {
                "event_id": event.pk,
                "name": name,
                "capacity": capacity,
                "stream_url": f"https://stream.example.org/{stream}.m3u8",
                "description": description,
                "position": position,
            }
            for position, (_key, name, capacity, stream, description) in enumerate(ROOMS)
        ]
        names = [row["name"] for row in rows]
        Session.objects.filter(event=event).exclude(room__name__in=names).exclude(
            room=None
        ).delete()
        Room.objects.filter(event=event).exclude(name__in=names).delete()
        by_name = sync_rows(Room.objects.filter(event=event), "name", rows)
        self.stdout.write(f"{len(by_name)} Räume ({len(by_name) - 1} Bühnen und die Werkstatt)")
        return {key: by_name[name] for key, name, *_rest in ROOMS}

    def seed_tracks(self, event):
        rows = [{"event_id": event.pk, "name": name, "color": color} for _k, name, color in TRACKS]
        Track.objects.filter(event=event).exclude(name__in=[row["name"] for row in rows]).delete()
        by_name = sync_rows(Track.objects.filter(event=event), "name", rows)
        self.stdout.write(f"{len(by_name)} Themen-Tracks")
        return {key: by_name[name] for key, name, _color in TRACKS}

    def seed_programme(self, event, rooms, tracks, rng):
        speaker_rows = [
            {
                "event_id": event.pk,
                "guid": _guid("speaker", speaker.name),
                "name": speaker.name,
                "organisation": speaker.organisation,
                "position": speaker.position,
                "bio": f"{speaker.name} {speaker.bio[0].lower()}{speaker.bio[1:]}",
            }
            for speaker in SPEAKERS
        ]
        guids = [row["guid"] for row in speaker_rows]
        Speaker.objects.filter(event=event).exclude(guid__in=guids).delete()
        by_guid = sync_rows(Speaker.objects.filter(event=event), "guid", speaker_rows)
        speakers = [by_guid[guid] for guid in guids]
        self.stdout.write(f"{len(speakers)} Sprecher*innen")

        session_rows = []
        for planned in PROGRAMME:
            start, end = SLOTS[planned.slot]
            day = event.start_date + timedelta(days=planned.day)
            has_limited_places = planned.kind in (K.WORKSHOP, K.ROUND_TABLE)
            session_rows.append(
                {
                    "event_id": event.pk,
                    "guid": _guid("session", planned.day, planned.title),
                    "title": planned.title,
                    "abstract": planned.abstract,
                    "kind": planned.kind,
                    "language": "de",
                    "start": datetime.combine(day, time.fromisoformat(start), tzinfo=event.tz),
                    "end": datetime.combine(day, time.fromisoformat(end), tzinfo=event.tz),
                    "room_id": rooms[planned.room].pk if planned.room else None,
                    "track_id": tracks[planned.track].pk if planned.track else None,
                    "capacity": WORKSHOP_CAPACITY if has_limited_places else None,
                    "state": Session.State.SCHEDULED,
                }
            )
        guids = [row["guid"] for row in session_rows]
        Session.objects.filter(event=event).exclude(guid__in=guids).delete()
        by_guid = sync_rows(Session.objects.filter(event=event), "guid", session_rows)
        sessions = [by_guid[guid] for guid in guids]

        plan = plan_speakers(PROGRAMME, SPEAKERS, rng)
        _sync_links(
            Session.speakers.through,
            "session_id",
            "speaker_id",
            [session.pk for session in sessions],
            {
                (sessions[index].pk, speakers[speaker].pk)
                for index, planned_speakers in plan.items()
                for speaker in planned_speakers
            },
        )
        breaks = sum(1 for planned in PROGRAMME if planned.kind == K.BREAK)
        self.stdout.write(f"{len(sessions)} Sessions ({breaks} davon Pausen)")

    def seed_expo(self, event):
        category_rows = [
            {"event_id": event.pk, "slug": slug, "name": name} for slug, name in CATEGORIES
        ]
        slugs = [row["slug"] for row in category_rows]
        Category.objects.filter(event=event).exclude(slug__in=slugs).delete()
        categories = sync_rows(Category.objects.filter(event=event), "slug", category_rows)

        exhibitor_rows = [
            {
                "event_id": event.pk,
                "slug": _slug(name),
                "name": name,
                "tier": tier,
                "tagline": tagline,
                "description": description,
                "website": f"https://{_slug(name)}.example.com",
                "status": Exhibitor.Status.PUBLISHED,
            }
            for name, tier, _categories, tagline, description in EXHIBITORS
        ]
        slugs = [row["slug"] for row in exhibitor_rows]
        Exhibitor.objects.filter(event=event).exclude(slug__in=slugs).delete()
        exhibitors = sync_rows(Exhibitor.objects.filter(event=event), "slug", exhibitor_rows)
        _sync_links(
            Exhibitor.categories.through,
            "exhibitor_id",
            "category_id",
            [exhibitor.pk for exhibitor in exhibitors.values()],
            {
                (exhibitors[_slug(name)].pk, categories[slug].pk)
                for name, _tier, category_slugs, *_rest in EXHIBITORS
                for slug in category_slugs
            },
        )
        self.stdout.write(f"{len(categories)} Kategorien, {len(exhibitors)} Aussteller")
        ExpoSettings.objects.update_or_create(event=event, defaults={"edits_need_review": True})
        self.seed_booth_content(exhibitors)
        return {exhibitor.name: exhibitor for exhibitor in exhibitors.values()}

    def seed_booth_content(self, exhibitors):
        """Products, contact persons, social links, videos and generated logos of every booth.

        Products and contacts of a booth are replaced only when they differ from the definition;
        a logo file is written only when no file of its (deterministic) name exists yet.
        """
        wanted_products, wanted_contacts, changed = {}, {}, []
        for name, tier, category_slugs, *_rest in EXHIBITORS:
            slug = _slug(name)
            exhibitor = exhibitors[slug]
            wanted_products[exhibitor.pk] = [
                (product, description, link, position)
                for position, (product, description, link) in enumerate(
                    booth_products(name, tier, category_slugs)
                )
            ]
            wanted_contacts[exhibitor.pk] = booth_contacts(name, tier)
            fields = {
                "social_links": [
                    f"https://www.linkedin.com/company/{slug}",
                    f"https://mastodon.example.org/@{slug}",
                ],
                "video_url": f"https://video.example.org/{slug}.mp4" if tier == "premium" else "",
            }
            logo = logo_name(slug)
            if not default_storage.exists(logo):
                logo = default_storage.save(logo, ContentFile(logo_png(name)))
            if exhibitor.logo.name != logo:
                fields["logo"] = logo
            changes = {
                field: value
                for field, value in fields.items()
                if getattr(exhibitor, field) != value
            }
            if changes:
                for field, value in changes.items():
                    setattr(exhibitor, field, value)
                changed.append(exhibitor)
        if changed:
            Exhibitor.objects.bulk_update(changed, ["social_links", "video_url", "logo"])

        products = self._replace_rows(
            Product, ("name", "description", "link", "position"), wanted_products
        )
        contacts = self._replace_rows(ContactPerson, ("name", "position", "email"), wanted_contacts)
        self.stdout.write(
            f"Expo: {products} Produkte, {contacts} Ansprechpersonen, {len(exhibitors)} Logos"
        )

    def _replace_rows(self, model, fields, wanted):
        """Make each exhibitor's ``model`` rows exactly ``wanted[exhibitor_id]``; return the count."""
        existing = {}
        for exhibitor_id, *values in model.objects.filter(exhibitor_id__in=wanted).values_list(
            "exhibitor_id", *fields
        ):
            existing.setdefault(exhibitor_id, []).append(tuple(values))
        stale = [
            exhibitor_id
            for exhibitor_id, rows in wanted.items()
            if sorted(existing.get(exhibitor_id, [])) != sorted(rows)
        ]
        model.objects.filter(exhibitor_id__in=stale).delete()
        model.objects.bulk_create(
            [
                model(exhibitor_id=exhibitor_id, **dict(zip(fields, row, strict=True)))
                for exhibitor_id in stale
                for row in wanted[exhibitor_id]
            ]
        )
        return sum(len(rows) for rows in wanted.values())

    def seed_people(self, event, exhibitors, rng):
        speakers = {speaker.last_name: speaker for speaker in SPEAKERS}
        # (username, first name, last name, role)
        accounts = [
            (username, first, last, role) for username, first, last, role, _ in DEMO_ACCOUNTS
        ]
        accounts += [
            (_speaker_username(index), speakers[name].first_name, name, Registration.Role.SPEAKER)
            for index, name in enumerate(SPEAKERS_WITH_ACCOUNTS)
        ]
        attendees = [
            (
                _attendee_username(index),
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                Registration.Role.ATTENDEE,
            )
            for index in range(GENERATED_ATTENDEES)
        ]
        people = accounts + attendees
        users = self.seed_users(people, accounts=[username for username, *_ in accounts])

        registered = set(Registration.objects.filter(event=event).values_list("user_id", flat=True))
        Registration.objects.bulk_create(
            [
                Registration(event=event, user_id=users[username].pk, role=role)
                for username, _first, _last, role in people
                if users[username].pk not in registered
            ],
            batch_size=500,
        )
        for role in Registration.Role.values:
            user_ids = [
                users[username].pk for username, *_names, wanted in people if wanted == role
            ]
            Registration.objects.filter(event=event, user_id__in=user_ids).exclude(
                role=role
            ).update(role=role)

        for index, name in enumerate(SPEAKERS_WITH_ACCOUNTS):
            Speaker.objects.filter(event=event, guid=_guid("speaker", speakers[name].name)).update(
                user=users[_speaker_username(index)]
            )
        ExhibitorStaff.objects.update_or_create(
            exhibitor=exhibitors[EXHIBITOR_OF_DEMO_ACCOUNT],
            user=users["aussteller"],
            defaults={"role": ExhibitorStaff.Role.ADMIN},
        )
        for session in Session.objects.filter(event=event, title__in=ANNAS_FAVOURITES):
            Favourite.objects.get_or_create(user=users["anna"], session=session)

        attendee_count = sum(1 for *_person, role in people if role == Registration.Role.ATTENDEE)
        self.stdout.write(f"{attendee_count} Teilnehmende")
        return people

    def seed_matchmaking(self, event, people):
        """Profiles for every attendee, speaker account and ``aussteller``, meetings and chats.

        Its own random generator, so changes to the other steps leave the matchmaking alone.
        """
        speakers = {speaker.last_name: speaker for speaker in SPEAKERS}
        staff = next(account for account in DEMO_ACCOUNTS if account[0] == "aussteller")
        seed_matchmaking(
            event,
            random.Random(f"{SEED}:matchmaking"),
            self.stdout,
            people=[
                (username, first)
                for username, first, _last, role in people
                if role == Registration.Role.ATTENDEE
            ],
            speakers=[
                (
                    _speaker_username(index),
                    speakers[name].first_name,
                    speakers[name].organisation,
                    speakers[name].position,
                    speakers[name].track,
                )
                for index, name in enumerate(SPEAKERS_WITH_ACCOUNTS)
            ],
            exhibitors=[(name, categories) for name, _tier, categories, *_rest in EXHIBITORS],
            provider_accounts=[(staff[0], staff[1], EXHIBITOR_OF_DEMO_ACCOUNT)],
        )

    def seed_users(self, people, *, accounts):
        """Create missing users; hashing the password once keeps 650 users to a bulk insert.

        The demo ``accounts`` get their password reset, since the table printed at the end
        promises it even after someone changed it while trying the demo.
        """
        user_model = get_user_model()
        password = make_password(PASSWORD)
        usernames = [username for username, *_rest in people]
        existing = set(
            user_model.objects.filter(username__in=usernames).values_list("username", flat=True)
        )
        user_model.objects.bulk_create(
            [
                user_model(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    password=password,
                    is_staff=role == Registration.Role.ORGANIZER,
                    is_superuser=role == Registration.Role.ORGANIZER,
                )
                for username, first, last, role in people
                if username not in existing
            ],
            batch_size=500,
        )
        user_model.objects.filter(username__in=accounts).update(password=password, is_active=True)
        organizers = [username for username, *_, role in people if role == "organizer"]
        user_model.objects.filter(username__in=organizers).update(is_staff=True, is_superuser=True)
        return user_model.objects.in_bulk(usernames, field_name="username")

    def check_programme(self, event):
        """Every session must pass the same rules as one scheduled through the API."""
        sessions = event.sessions.select_related("room").prefetch_related("speakers")
        for session in sessions:
            try:
                check_session(
                    event,
                    session_id=session.pk,
                    start=session.start,
                    end=session.end,
                    room=session.room,
                    speakers=list(session.speakers.all()),
                    capacity=session.capacity,
                    state=session.state,
                )
            except ProgrammeError as error:
                raise CommandError(f"{session.title}: {error.message}") from error

    def write_accounts(self):
        self.stdout.write("Demo-Zugänge")
        rows = [(username, role) for username, _first, _last, _role, role in DEMO_ACCOUNTS]
        first, last = _speaker_username(0), _speaker_username(len(SPEAKERS_WITH_ACCOUNTS) - 1)
        rows.append((f"{first} … {last}", "Sprecher*innen"))
        first, last = _attendee_username(0), _attendee_username(GENERATED_ATTENDEES - 1)
        rows.append((f"{first} … {last}", "Teilnehmende"))
        width = max(len(username) for username, _role in rows)
        self.stdout.write(f"  {'Benutzername':<{width}}  {'Passwort':<{len(PASSWORD)}}  Rolle")
        for username, role in rows:
            self.stdout.write(f"  {username:<{width}}  {PASSWORD}  {role}")
