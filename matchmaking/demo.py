"""Matchmaking data of the demo congress: vocabulary, profiles, meeting slots, meetings and chats.

Called by ``manage.py seed_demo`` after the people exist. Everything derives from the tables below
and the random generator handed in, walking users in username order, so two runs on any database
plan the same profiles, meetings and conversations. Rows are matched by natural keys (tag slug,
profile user, slot times, deterministic meeting GUIDs, conversation pair) and only changed rows
are written; a full run removes the event's tags, slots, meetings and "match" conversations the
demo does not define.

The demo accounts: ``anna`` (a city's digitalisation officer) and ``ben`` (a LoRaWAN provider)
have complementary profiles, so each is among the other's first recommendations, and no meeting
with each other (the demo requests one by hand); each has a pending request to answer, an
accepted meeting and a conversation with someone else.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model

from congress.management.sync import sync_rows
from conversations.models import Conversation, ConversationMessage
from conversations.selectors import conversation_message_data
from treffpunkt.models import TopicCounter, TopicEvent
from treffpunkt.realtime.events import next_seq

from .models import Meeting, MeetingHold, MeetingSlot, Profile, Tag
from .services import bump_version

NAMESPACE = uuid.UUID("0b6c1f0e-7d1e-4a5b-8f0c-4e2d9a7c3b15")
ORIGIN = "match"
SLOT_MINUTES = 30
FIRST_SLOT, LAST_SLOT_END = time(9, 0), time(17, 30)
VISIBLE_SHARE = 0.58  # of generated attendees; speakers and demo accounts are all visible
MEETINGS = 90
CONVERSATIONS = 40
MAX_PENDING_PER_REQUESTER = 3

T = Profile.OrganisationType

# (slug, name, theme); themes group the tags for plausible choices below.
# fmt: off
TAGS = [
    ("open-data", "Open Data", "daten"),
    ("urbane-datenplattform", "Urbane Datenplattform", "daten"),
    ("digitaler-zwilling", "Digitaler Zwilling", "daten"),
    ("geodaten", "Geodaten/GIS", "daten"),
    ("datenstrategie", "Datenstrategie", "daten"),
    ("datenraeume", "Kommunale Datenräume", "daten"),
    ("dashboards", "Dashboards", "daten"),
    ("ki-verwaltung", "KI in der Verwaltung", "daten"),
    ("lorawan", "LoRaWAN", "iot"),
    ("iot-sensorik", "IoT-Sensorik", "iot"),
    ("smart-parking", "Smart Parking", "iot"),
    ("smart-lighting", "Intelligente Straßenbeleuchtung", "iot"),
    ("umweltmonitoring", "Umweltmonitoring", "iot"),
    ("hochwasser-fruehwarnung", "Hochwasser-Frühwarnung", "iot"),
    ("mobilitaetsdaten", "Mobilitätsdaten", "mobil"),
    ("on-demand-verkehr", "On-Demand-Verkehr", "mobil"),
    ("ladeinfrastruktur", "Ladeinfrastruktur", "mobil"),
    ("radverkehr", "Radverkehr", "mobil"),
    ("verkehrssteuerung", "Verkehrssteuerung", "mobil"),
    ("mobility-as-a-service", "Mobility as a Service", "mobil"),
    ("ozg-umsetzung", "Bürgerportal/OZG-Umsetzung", "egov"),
    ("e-akte", "E-Akte", "egov"),
    ("prozessdigitalisierung", "Prozessdigitalisierung", "egov"),
    ("low-code", "Low-Code-Plattformen", "egov"),
    ("digitale-beteiligung", "Digitale Bürgerbeteiligung", "egov"),
    ("verwaltungscloud", "Souveräne Verwaltungscloud", "egov"),
    ("ratsinformationssystem", "Ratsinformationssystem", "egov"),
    ("it-sicherheit", "IT-Sicherheit", "cyber"),
    ("isms", "Informationssicherheitsmanagement", "cyber"),
    ("it-notfallmanagement", "IT-Notfallmanagement", "cyber"),
    ("security-awareness", "Security Awareness", "cyber"),
    ("breitbandausbau", "Breitbandausbau", "netz"),
    ("mobilfunk-5g", "5G/Mobilfunk", "netz"),
    ("oeffentliches-wlan", "Öffentliches WLAN", "netz"),
    ("smart-metering", "Smart Metering", "energie"),
    ("waermeplanung", "Kommunale Wärmeplanung", "energie"),
    ("energiemonitoring", "Energiemonitoring", "energie"),
    ("klimaanpassung", "Klimaanpassung", "energie"),
    ("digitale-doerfer", "Digitale Dörfer", "region"),
    ("daseinsvorsorge", "Digitale Daseinsvorsorge", "region"),
    ("digitale-innenstadt", "Digitale Innenstadt", "region"),
    ("tourismus", "Digitaler Tourismus", "region"),
    ("smart-city-strategie", "Smart-City-Strategie", "steuerung"),
    ("foerderprogramme", "Förderprogramme", "steuerung"),
    ("interkommunale-zusammenarbeit", "Interkommunale Zusammenarbeit", "steuerung"),
    ("vergabe", "Vergabe/Beschaffung", "steuerung"),
    ("change-management", "Change-Management", "steuerung"),
    ("digitalkompetenz", "Digitalkompetenz", "steuerung"),
    ("open-source", "Open Source", "steuerung"),
    ("pilotprojekte", "Pilotprojekte/Reallabore", "praxis"),
    ("praxiserfahrung", "Praxiserfahrung aus Kommunen", "praxis"),
    ("begleitforschung", "Begleitforschung/Evaluation", "wissen"),
    ("studien", "Studien/Marktanalysen", "wissen"),
]
# fmt: on
TAG_NAMES = {slug: name for slug, name, _theme in TAGS}
THEMES = {
    theme: [slug for slug, _name, tag_theme in TAGS if tag_theme == theme]
    for theme in dict.fromkeys(theme for _slug, _name, theme in TAGS)
}
# The subject themes a public body works on and a provider sells.
SUBJECTS = ["daten", "iot", "mobil", "egov", "cyber", "netz", "energie", "region"]
# fmt: off
GOVERNANCE = [
    "smart-city-strategie", "foerderprogramme", "interkommunale-zusammenarbeit", "vergabe",
    "change-management", "digitalkompetenz", "open-source",
]
# fmt: on

# Expo categories (seed_demo.CATEGORIES) → themes an exhibitor's staff offer.
CATEGORY_THEMES = {
    "datenmanagement": ["daten"],
    "mobilitaet": ["mobil"],
    "cybersicherheit": ["cyber"],
    "smart-region": ["iot", "netz", "region"],
    "e-government": ["egov"],
    "energie-umwelt": ["energie"],
    "bildung-forschung": ["wissen"],
}

SUEDHESSEN, MITTELHESSEN, NORDHESSEN = "Südhessen", "Mittelhessen", "Nordhessen"
OSTHESSEN, RHEIN_MAIN, OUTSIDE = "Osthessen", "Rhein-Main", "außerhalb Hessens"

# (organisation, region) per type
# fmt: off
ORGANISATIONS = {
    T.MUNICIPALITY: [
        ("Wissenschaftsstadt Darmstadt", SUEDHESSEN), ("Stadt Kassel", NORDHESSEN),
        ("Stadt Fulda", OSTHESSEN), ("Universitätsstadt Gießen", MITTELHESSEN),
        ("Universitätsstadt Marburg", MITTELHESSEN), ("Landeshauptstadt Wiesbaden", RHEIN_MAIN),
        ("Stadt Offenbach am Main", RHEIN_MAIN), ("Stadt Frankfurt am Main", RHEIN_MAIN),
        ("Brüder-Grimm-Stadt Hanau", RHEIN_MAIN), ("Stadt Rüsselsheim am Main", RHEIN_MAIN),
        ("Stadt Bad Hersfeld", OSTHESSEN), ("Stadt Wetzlar", MITTELHESSEN),
        ("Kreisstadt Limburg a. d. Lahn", MITTELHESSEN), ("Stadt Bensheim", SUEDHESSEN),
        ("Stadt Viernheim", SUEDHESSEN), ("Stadt Baunatal", NORDHESSEN),
        ("Stadt Eschwege", NORDHESSEN), ("Stadt Alsfeld", OSTHESSEN),
        ("Gemeinde Biebertal", MITTELHESSEN), ("Stadt Dreieich", RHEIN_MAIN),
        ("Stadt Bad Homburg v. d. Höhe", RHEIN_MAIN), ("Stadt Korbach", NORDHESSEN),
        ("Stadt Lauterbach", OSTHESSEN), ("Stadt Michelstadt", SUEDHESSEN),
        ("Stadt Friedberg (Hessen)", RHEIN_MAIN), ("Gemeinde Lahntal", MITTELHESSEN),
        ("Landeshauptstadt Mainz", OUTSIDE), ("Stadt Aschaffenburg", OUTSIDE),
    ],
    T.COUNTY: [
        ("Landkreis Darmstadt-Dieburg", SUEDHESSEN), ("Kreis Bergstraße", SUEDHESSEN),
        ("Odenwaldkreis", SUEDHESSEN), ("Kreis Groß-Gerau", SUEDHESSEN),
        ("Main-Kinzig-Kreis", RHEIN_MAIN), ("Wetteraukreis", RHEIN_MAIN),
        ("Hochtaunuskreis", RHEIN_MAIN), ("Main-Taunus-Kreis", RHEIN_MAIN),
        ("Kreis Offenbach", RHEIN_MAIN), ("Rheingau-Taunus-Kreis", RHEIN_MAIN),
        ("Landkreis Gießen", MITTELHESSEN), ("Lahn-Dill-Kreis", MITTELHESSEN),
        ("Landkreis Marburg-Biedenkopf", MITTELHESSEN),
        ("Landkreis Limburg-Weilburg", MITTELHESSEN),
        ("Vogelsbergkreis", OSTHESSEN), ("Landkreis Fulda", OSTHESSEN),
        ("Landkreis Hersfeld-Rotenburg", OSTHESSEN), ("Werra-Meißner-Kreis", NORDHESSEN),
        ("Landkreis Kassel", NORDHESSEN), ("Schwalm-Eder-Kreis", NORDHESSEN),
        ("Landkreis Waldeck-Frankenberg", NORDHESSEN),
    ],
    T.STATE: [
        ("Hessisches Ministerium für Digitalisierung und Innovation", RHEIN_MAIN),
        ("Hessisches Ministerium des Innern, für Sicherheit und Heimatschutz", RHEIN_MAIN),
        ("Hessisches Ministerium für Wirtschaft, Energie, Verkehr, Wohnen und ländlichen Raum",
         RHEIN_MAIN),
        ("Regierungspräsidium Darmstadt", SUEDHESSEN), ("Regierungspräsidium Gießen", MITTELHESSEN),
        ("Regierungspräsidium Kassel", NORDHESSEN),
        ("Hessische Zentrale für Datenverarbeitung", RHEIN_MAIN),
        ("Hessen Mobil – Straßen- und Verkehrsmanagement", RHEIN_MAIN),
        ("Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen", OUTSIDE),
        ("Bundesinstitut für Bau-, Stadt- und Raumforschung", OUTSIDE),
    ],
    # Providers are the expo's exhibitors (handed in) and these.
    T.PROVIDER: [
        ("Kommunalwerk Digital GmbH", RHEIN_MAIN), ("Sensorik Mittelhessen GmbH", MITTELHESSEN),
        ("Datenbrücke Nordhessen AG", NORDHESSEN), ("Parkwerk Systems GmbH", SUEDHESSEN),
        ("Verwaltung 4.0 Beratung GmbH", RHEIN_MAIN), ("Klimadaten Odenwald GmbH", SUEDHESSEN),
        ("Rhön IT Services GmbH", OSTHESSEN), ("Portalfabrik AG", OUTSIDE),
    ],
    T.RESEARCH: [
        ("Technische Universität Darmstadt", SUEDHESSEN), ("Universität Kassel", NORDHESSEN),
        ("Hochschule Fulda", OSTHESSEN), ("Fraunhofer SIT", SUEDHESSEN),
        ("Hochschule RheinMain", RHEIN_MAIN), ("Hochschule Darmstadt", SUEDHESSEN),
        ("Justus-Liebig-Universität Gießen", MITTELHESSEN),
        ("Technische Hochschule Mittelhessen", MITTELHESSEN),
        ("Philipps-Universität Marburg", MITTELHESSEN),
        ("Frankfurt University of Applied Sciences", RHEIN_MAIN),
        ("Goethe-Universität Frankfurt", RHEIN_MAIN), ("Fraunhofer IGD", SUEDHESSEN),
        ("Deutsches Institut für Urbanistik", OUTSIDE),
    ],
    T.ASSOCIATION: [
        ("Hessischer Städtetag", RHEIN_MAIN), ("Hessischer Landkreistag", RHEIN_MAIN),
        ("Hessischer Städte- und Gemeindebund", RHEIN_MAIN),
        ("Geschäftsstelle Smart Region Hessen", RHEIN_MAIN), ("Dorfplatz Digital e. V.", OSTHESSEN),
        ("Netzwerk Digitale Kommune Nordhessen e. V.", NORDHESSEN),
        ("KGSt – Kommunale Gemeinschaftsstelle für Verwaltungsmanagement", OUTSIDE),
    ],
    T.OTHER: [
        ("ekom21 – KGRZ Hessen", MITTELHESSEN), ("Rhein-Main-Verkehrsverbund", RHEIN_MAIN),
        ("Nordhessischer VerkehrsVerbund", NORDHESSEN),
        ("Stadtwerke Lahntal Digital GmbH", MITTELHESSEN),
        ("Zweckverband Digitale Kommune Mittelhessen", MITTELHESSEN),
        ("Sparkasse Oberhessen", RHEIN_MAIN), ("Wirtschaftsförderung Region Fulda", OSTHESSEN),
    ],
}

# Positions as "masculine|feminine" (or one form for both), per type.
POSITIONS = {
    T.MUNICIPALITY: [
        "Digitalisierungsbeauftragter|Digitalisierungsbeauftragte", "Chief Digital Officer",
        "Amtsleitung IT", "Referent Smart City|Referentin Smart City",
        "Leitung der Stabsstelle Digitalisierung",
        "Projektleiter Smart City|Projektleiterin Smart City",
        "OZG-Koordinator|OZG-Koordinatorin", "Mobilitätsmanager|Mobilitätsmanagerin",
        "Klimaschutzmanager|Klimaschutzmanagerin", "Sachgebietsleitung E-Government",
        "Informationssicherheitsbeauftragter|Informationssicherheitsbeauftragte",
        "Bürgermeister|Bürgermeisterin", "Leitung Bürgerservice",
    ],
    T.COUNTY: [
        "Digitalisierungsbeauftragter|Digitalisierungsbeauftragte", "Leitung des Fachdienstes IT",
        "Smart-Region-Manager|Smart-Region-Managerin",
        "Referent Kreisentwicklung|Referentin Kreisentwicklung",
        "Breitbandkoordinator|Breitbandkoordinatorin",
        "Erster Kreisbeigeordneter|Erste Kreisbeigeordnete",
        "Leitung Stabsstelle Digitale Verwaltung", "Datenmanager|Datenmanagerin",
    ],
    T.STATE: [
        "Referent|Referentin", "Referatsleitung Digitale Kommune", "Abteilungsleitung",
        "Projektleiter Förderprogramme|Projektleiterin Förderprogramme",
        "Sachbearbeiter Digitalisierung|Sachbearbeiterin Digitalisierung",
    ],
    T.PROVIDER: [
        "Geschäftsführer|Geschäftsführerin", "Vertrieb Öffentlicher Sektor",
        "Key Account Manager Kommunen|Key Account Managerin Kommunen",
        "Produktmanager|Produktmanagerin", "Berater Public Sector|Beraterin Public Sector",
        "Lösungsarchitekt|Lösungsarchitektin", "Leitung Business Development",
    ],
    T.RESEARCH: [
        "Wissenschaftlicher Mitarbeiter|Wissenschaftliche Mitarbeiterin", "Professor|Professorin",
        "Doktorand|Doktorandin", "Projektleiter Reallabor|Projektleiterin Reallabor",
        "Gruppenleiter|Gruppenleiterin",
    ],
    T.ASSOCIATION: [
        "Referent Digitalisierung|Referentin Digitalisierung", "Geschäftsführer|Geschäftsführerin",
        "Netzwerkmanager|Netzwerkmanagerin", "Vorstand",
    ],
    T.OTHER: [
        "Projektleiter|Projektleiterin", "Leitung Digitalisierung", "Berater|Beraterin",
        "Innovationsmanager|Innovationsmanagerin",
    ],
}
# fmt: on

# Share of generated attendees per organisation type.
TYPE_WEIGHTS = [
    (T.MUNICIPALITY, 34),
    (T.COUNTY, 16),
    (T.STATE, 7),
    (T.PROVIDER, 22),
    (T.RESEARCH, 10),
    (T.ASSOCIATION, 6),
    (T.OTHER, 5),
]
PUBLIC = {T.MUNICIPALITY, T.COUNTY, T.STATE}

# fmt: off
FEMALE_NAMES = {
    "Andrea", "Anja", "Anke", "Anna", "Annika", "Ayşe", "Barbara", "Birgit", "Carina",
    "Christina", "Claudia", "Cornelia", "Doris", "Elena", "Elif", "Eva", "Franziska",
    "Gabriele", "Hannah", "Heike", "Helga", "Ines", "Ingrid", "Jana", "Jasmin", "Jessica",
    "Johanna", "Julia", "Karin", "Katharina", "Katja", "Katrin", "Kerstin", "Lara", "Laura",
    "Lea", "Lena", "Leonie", "Lisa", "Maria", "Marie", "Marina", "Martina", "Melanie", "Merve",
    "Michaela", "Miriam", "Monika", "Nadine", "Natalia", "Petra", "Renate", "Sabine", "Sandra",
    "Sarah", "Sophie", "Stefanie", "Susanne", "Tanja", "Ulrike", "Ute", "Vanessa", "Yvonne",
    "Zeynep",
}
# fmt: on

# What a public body's person is busy with, per subject theme (for the first bio sentence).
# fmt: off
FOCUS = {
    "daten": ["den Aufbau der urbanen Datenplattform",
              "die Open-Data-Strategie der Verwaltung", "das kommunale Datenmanagement"],
    "iot": ["den Aufbau eines LoRaWAN-Netzes", "die Sensorikprojekte der Kommune",
            "das Umweltmonitoring mit eigenen Sensoren"],
    "mobil": ["die Mobilitätsplanung und die Auswertung von Verkehrsdaten",
              "das digitale Parkraummanagement", "den Ausbau des On-Demand-Verkehrs"],
    "egov": ["die OZG-Umsetzung und das Bürgerportal",
             "die Digitalisierung der Verwaltungsprozesse", "die Einführung der E-Akte"],
    "cyber": ["die Informationssicherheit der Verwaltung", "das IT-Notfallmanagement",
              "den Aufbau eines ISMS"],
    "netz": ["den Breitband- und Glasfaserausbau",
             "das öffentliche WLAN und den Mobilfunkausbau"],
    "energie": ["die kommunale Wärmeplanung", "Klimaanpassung und Starkregenvorsorge",
                "das Energiemonitoring der Liegenschaften"],
    "region": ["digitale Angebote für die Ortsteile", "die Digitalisierung der Innenstadt",
               "die digitale Daseinsvorsorge im ländlichen Raum"],
}
# fmt: on
LEADS = ["Verantwortet", "Koordiniert", "Leitet", "Treibt", "Begleitet"]

MEETING_MESSAGES = [
    "Guten Tag, ich würde mich gern mit Ihnen zum Thema {tag} austauschen. Passt Ihnen der Termin?",
    "Hallo, wir planen gerade ein Vorhaben zum Thema {tag} – hätten Sie eine halbe Stunde "
    "für mich?",
    "Guten Tag, Ihr Profil passt gut zu unserem Projekt ({tag}). Ich freue mich auf ein kurzes "
    "Kennenlernen.",
    "Gern würde ich Ihnen unsere Erfahrungen zum Thema {tag} vorstellen und von Ihren hören.",
    "",
]
LOCATIONS = [
    "Networking-Lounge, Tisch {table}",
    "Café im Foyer",
    "Ausstellung, Treffpunkt am Infostand",
    "https://meet.example.org/dsdr-{code}",
]
# Conversations: alternating lines, the first from the one who started it.
SCRIPTS = [
    [
        "Guten Tag, Ihr Profil wurde mir empfohlen. Beschäftigen Sie sich auch mit dem Thema "
        "{tag}?",
        "Guten Tag, ja – wir stehen gerade vor der Ausschreibung. Wie sind Ihre Erfahrungen?",
        "Wir haben im vergangenen Jahr einen Pilotbetrieb gestartet. Die größte Hürde war die "
        "Datenqualität.",
        "Das klingt vertraut. Wollen wir uns morgen kurz in der Networking-Lounge treffen?",
        "Gern, ich schicke Ihnen eine Terminanfrage.",
    ],
    [
        "Vielen Dank für das Gespräch! Wie besprochen der Hinweis auf unseren Leitfaden zum Thema "
        "{tag}.",
        "Herzlichen Dank, das hilft uns sehr. Ich gebe ihn an unser Projektteam weiter.",
        "Melden Sie sich gern, wenn Fragen auftauchen.",
        "Mache ich. Bis zum nächsten Kongress!",
    ],
    [
        "Guten Tag, ich habe den Vortrag zum Thema {tag} leider verpasst. Gibt es die Folien "
        "irgendwo?",
        "Die Folien werden nach dem Kongress veröffentlicht. Ich schicke sie Ihnen gern vorab.",
        "Das wäre prima, vielen Dank!",
    ],
    [
        "Guten Tag, für unser Förderprojekt zum Thema {tag} suchen wir noch Partnerkommunen. "
        "Hätten Sie Interesse?",
        "Grundsätzlich ja. Welche Laufzeit und welcher Eigenanteil sind geplant?",
        "Drei Jahre, der Eigenanteil liegt bei zehn Prozent. Details besprechen wir gern "
        "persönlich.",
        "Klingt gut. Ich stimme mich intern ab und melde mich bis Ende der Woche.",
    ],
    [
        "Guten Tag, kurze Frage: Setzen Sie beim Thema {tag} eine Open-Source-Lösung ein?",
        "Ja, seit zwei Jahren, und wir sind sehr zufrieden damit.",
        "Wer übernimmt bei Ihnen den Betrieb – die eigene IT oder ein Dienstleister?",
        "Den Betrieb macht unser kommunaler IT-Dienstleister, die Weiterentwicklung steuern wir "
        "selbst.",
        "Danke, das hilft mir für unsere Entscheidungsvorlage weiter.",
    ],
]


@dataclass(frozen=True)
class DemoProfile:
    username: str
    organisation: str
    organisation_type: str
    position: str
    region: str
    interests: tuple
    offers: tuple
    seeks: tuple
    bio: str
    languages: tuple = ("de",)
    is_visible: bool = True


ANNA = DemoProfile(
    "anna",
    "Universitätsstadt Gießen",
    T.MUNICIPALITY,
    "Digitalisierungsbeauftragte",
    MITTELHESSEN,
    ("smart-city-strategie", "urbane-datenplattform", "smart-parking", "mobilitaetsdaten"),
    ("praxiserfahrung", "pilotprojekte", "open-data"),
    ("lorawan", "smart-parking", "iot-sensorik"),
    "Verantwortet die Smart-City-Strategie der Stadt und den Aufbau eines stadtweiten "
    "Sensornetzes. Sucht Partner für ein Pilotprojekt zum digitalen Parkraummanagement.",
)
BEN = DemoProfile(
    "ben",
    "Hessenfunk Netze GmbH",
    T.PROVIDER,
    "Vertrieb Öffentlicher Sektor",
    RHEIN_MAIN,
    ("smart-parking", "urbane-datenplattform", "lorawan", "mobilitaetsdaten"),
    ("lorawan", "smart-parking", "iot-sensorik"),
    ("pilotprojekte", "praxiserfahrung", "open-data"),
    "Berät Städte und Landkreise beim Aufbau von LoRaWAN-Netzen und Sensorik für Parkraum und "
    "Umwelt. Sucht Pilotkommunen, die ihre Daten offen bereitstellen.",
    ("de", "en"),
)


def _guid(*parts):
    return uuid.uuid5(NAMESPACE, ":".join(map(str, parts)))


def _gendered(position, first_name):
    masculine, _bar, feminine = position.partition("|")
    return (feminine or masculine) if first_name in FEMALE_NAMES else masculine


def _weighted(rng, pairs):
    return rng.choices([value for value, _w in pairs], [weight for _v, weight in pairs])[0]


def _pick(rng, pool, low, high, exclude=()):
    pool = [slug for slug in dict.fromkeys(pool) if slug not in exclude]
    return rng.sample(pool, min(len(pool), rng.randint(low, high)))


def _names(slugs):
    names = [TAG_NAMES[slug] for slug in slugs]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} und {names[-1]}"


def organisation_type_of(name):
    """Classify a speaker's organisation by its name."""
    lowered = name.lower()
    rules = [
        (T.ASSOCIATION, ("städtetag", "landkreistag", "gemeindebund", "e. v.", "geschäftsstelle")),
        (T.PROVIDER, ("gmbh", "mbh", " ag", " eg")),
        (T.RESEARCH, ("universität", "hochschule", "fraunhofer", "institut", "athene")),
        (T.STATE, ("ministerium", "landesamt", "bundesamt", "hessen mobil", "regierungspräsidium")),
        (T.COUNTY, ("kreis",)),
        (T.MUNICIPALITY, ("stadt", "gemeinde")),
    ]
    for kind, words in rules:
        if any(word in lowered for word in words):
            return kind
    return T.OTHER


def plan_profile(
    rng, kind, *, first_name, organisation=None, region=None, position=None, themes=None
):
    """One plausible profile of ``kind``: what such a person is interested in, offers and seeks."""
    if organisation is None:
        organisation, region = rng.choice(ORGANISATIONS[kind])
    if position is None:
        position = _gendered(rng.choice(POSITIONS[kind]), first_name)
    main = (themes or [rng.choice(SUBJECTS)])[0]
    second = rng.choice([theme for theme in SUBJECTS if theme != main])
    subject = THEMES[main] + THEMES[second]
    if kind in (T.MUNICIPALITY, T.COUNTY):
        extra = (
            ["digitale-doerfer", "daseinsvorsorge", "breitbandausbau"] if kind == T.COUNTY else []
        )
        seeks = (
            _pick(rng, THEMES[main], 2, 3)
            + _pick(rng, extra, 0, 1)
            + _pick(rng, ["foerderprogramme", "studien"], 0, 1)
        )
        interests = _pick(rng, subject + GOVERNANCE, 3, 5)
        offers = _pick(
            rng, ["praxiserfahrung", "pilotprojekte", "interkommunale-zusammenarbeit"], 1, 2
        )
        offers += _pick(rng, THEMES[main], 0, 1, exclude=seeks)
        focus = rng.choice(FOCUS[main])
        lead = rng.choice(LEADS)
        bio = f"{lead} {focus}{' voran' if lead == 'Treibt' else ''}."
        bio += rng.choice(
            [
                f" Sucht Erfahrungen und Lösungen rund um {_names(seeks[:2])}.",
                " Interessiert an Erfahrungen anderer Kommunen mit dem Thema "
                f"{TAG_NAMES[seeks[0]]}.",
                f" Freut sich auf Gespräche rund um {_names(interests[:2])}.",
            ]
        )
    elif kind == T.STATE:
        offers = ["foerderprogramme"] + _pick(
            rng, ["ozg-umsetzung", "verwaltungscloud", "studien", "digitalkompetenz"], 1, 2
        )
        seeks = _pick(rng, ["praxiserfahrung", "pilotprojekte", "begleitforschung"], 1, 2)
        interests = _pick(rng, subject + GOVERNANCE, 3, 5)
        bio = (
            f"Betreut im Haus Vorhaben rund um {_names(interests[:2])} und berät Kommunen zu "
            "Förderprogrammen. Interessiert an Erfahrungen aus der kommunalen Praxis."
        )
    elif kind == T.PROVIDER:
        pool = [slug for theme in (themes or [main]) for slug in THEMES[theme]]
        offers = _pick(rng, pool, 2, 4)
        seeks = _pick(
            rng,
            [
                "pilotprojekte",
                "praxiserfahrung",
                "foerderprogramme",
                "open-data",
                "interkommunale-zusammenarbeit",
            ],
            1,
            3,
        )
        interests = _pick(rng, pool + GOVERNANCE, 2, 4)
        bio = rng.choice(
            [
                f"Berät Kommunen in den Bereichen {_names(offers[:2])}.",
                f"Begleitet Städte und Landkreise bei Projekten rund um {_names(offers[:2])}.",
                f"Verantwortet Lösungen rund um {_names(offers[:2])} für den öffentlichen Sektor.",
            ]
        ) + rng.choice(
            [
                " Sucht Pilotkommunen für neue Anwendungen.",
                " Freut sich auf den Austausch mit der Verwaltungspraxis.",
                "",
            ]
        )
    elif kind == T.RESEARCH:
        offers = _pick(rng, ["begleitforschung", "studien", "digitalkompetenz"], 1, 2)
        offers += _pick(rng, THEMES[main], 1, 1)
        seeks = _pick(
            rng, ["pilotprojekte", "praxiserfahrung", "open-data", "mobilitaetsdaten"], 1, 2
        )
        interests = _pick(rng, subject, 3, 5)
        bio = f"Forschungsschwerpunkte: {_names(interests[:2])}. " + rng.choice(
            [
                "Sucht Kommunen für Befragungen und Reallabore.",
                "Begleitet kommunale Pilotprojekte wissenschaftlich.",
            ]
        )
    elif kind == T.ASSOCIATION:
        offers = _pick(
            rng,
            [
                "interkommunale-zusammenarbeit",
                "digitalkompetenz",
                "foerderprogramme",
                "praxiserfahrung",
            ],
            2,
            3,
        )
        seeks = _pick(rng, ["praxiserfahrung", "studien", "begleitforschung"], 1, 2, exclude=offers)
        interests = _pick(rng, subject + GOVERNANCE, 3, 5)
        bio = (
            f"Vernetzt die Mitglieder rund um {_names(interests[:2])}. Vertritt kommunale "
            "Interessen gegenüber Land und Bund."
        )
    else:
        offers = _pick(rng, THEMES[main], 1, 2)
        seeks = _pick(rng, subject + ["pilotprojekte"], 1, 2, exclude=offers)
        interests = _pick(rng, subject, 2, 4)
        bio = f"Arbeitet in der Region an Projekten rund um {_names(offers)}."
    return {
        "organisation": organisation,
        "organisation_type": str(kind),
        "position": position,
        "region": region,
        "interests": interests,
        "offers": offers,
        "seeks": seeks,
        "bio": bio[:500],
    }


def plan_profiles(rng, people, speakers, exhibitors, provider_accounts):
    """``{username: profile fields}`` for every demo person, anna and ben as defined above.

    ``people``: (username, first name) of attendees; ``speakers``: (username, first name,
    organisation, position, track); ``exhibitors``: (name, category slugs);
    ``provider_accounts``: (username, first name, exhibitor name) of booth staff.
    """
    hessen = [SUEDHESSEN, MITTELHESSEN, NORDHESSEN, OSTHESSEN, RHEIN_MAIN]
    providers = [
        (name, rng.choice(hessen), [t for slug in categories for t in CATEGORY_THEMES[slug]])
        for name, categories in exhibitors
    ]
    providers += [
        (name, region, [rng.choice(SUBJECTS)]) for name, region in ORGANISATIONS[T.PROVIDER]
    ]
    planned = {}
    for username, first_name in people:
        kind = _weighted(rng, TYPE_WEIGHTS)
        visible = rng.random() < VISIBLE_SHARE
        languages = ["de", "en"] if rng.random() < 0.15 else ["de"]
        if kind == T.PROVIDER:
            name, region, themes = rng.choice(providers)
            fields = plan_profile(
                rng, kind, first_name=first_name, organisation=name, region=region, themes=themes
            )
        else:
            fields = plan_profile(rng, kind, first_name=first_name)
        planned[username] = {**fields, "is_visible": visible, "languages": languages}
    track_themes = {
        "daten": "daten",
        "mobil": "mobil",
        "cyber": "cyber",
        "smart": "iot",
        "orga": "egov",
        "foerder": "region",
        "ikz": "region",
    }
    for username, first_name, organisation, position, track in speakers:
        kind = organisation_type_of(organisation)
        fields = plan_profile(
            rng,
            kind,
            first_name=first_name,
            organisation=organisation,
            region=rng.choice([RHEIN_MAIN, SUEDHESSEN, MITTELHESSEN]),
            position=position,
            themes=[track_themes.get(track, "daten")],
        )
        planned[username] = {**fields, "is_visible": True, "languages": ["de", "en"]}
    by_name = {name: (region, themes) for name, region, themes in providers}
    for username, first_name, exhibitor in provider_accounts:
        region, themes = by_name[exhibitor]
        fields = plan_profile(
            rng,
            T.PROVIDER,
            first_name=first_name,
            organisation=exhibitor,
            region=region,
            position=_gendered(POSITIONS[T.PROVIDER][0], first_name),
            themes=themes,
        )
        planned[username] = {**fields, "is_visible": True, "languages": ["de"]}
    for demo in (ANNA, BEN):
        planned[demo.username] = {
            "organisation": demo.organisation,
            "organisation_type": str(demo.organisation_type),
            "position": demo.position,
            "region": demo.region,
            "interests": list(demo.interests),
            "offers": list(demo.offers),
            "seeks": list(demo.seeks),
            "bio": demo.bio,
            "is_visible": demo.is_visible,
            "languages": list(demo.languages),
        }
    return planned


# --- meetings and conversations -------------------------------------------------------------------


def slot_times(event):
    """Every (start, end) of the demo's 30-minute meeting slots, 09:00–17:30 on each event day."""
    slots = []
    for day in event.days:
        start = datetime.combine(day, FIRST_SLOT, tzinfo=event.tz)
        last = datetime.combine(day, LAST_SLOT_END, tzinfo=event.tz)
        while start + timedelta(minutes=SLOT_MINUTES) <= last:
            slots.append((start, start + timedelta(minutes=SLOT_MINUTES)))
            start += timedelta(minutes=SLOT_MINUTES)
    return slots


def _topic_of(mine, theirs):
    """A tag the two share (what one seeks and the other offers first), for message texts."""
    for first, second in (
        (mine["seeks"], theirs["offers"]),
        (theirs["seeks"], mine["offers"]),
        (mine["interests"], theirs["interests"]),
    ):
        shared = [slug for slug in first if slug in second]
        if shared:
            return TAG_NAMES[shared[0]]
    return TAG_NAMES[(mine["interests"] or mine["offers"] or ["open-data"])[0]]


def _complements(kind):
    if kind in PUBLIC:
        return [(T.PROVIDER, 6), (T.RESEARCH, 2), (T.MUNICIPALITY, 1), (T.COUNTY, 1)]
    if kind in (T.PROVIDER, T.RESEARCH):
        return [(T.MUNICIPALITY, 5), (T.COUNTY, 3), (T.STATE, 1)]
    return [(T.MUNICIPALITY, 2), (T.COUNTY, 2), (T.PROVIDER, 1)]


@dataclass
class PlannedMeeting:
    requester: str
    invitee: str
    slot: int  # index into slot_times()
    state: str
    message: str
    location: str


def plan_meetings(rng, profiles, slot_count):
    """Meetings among visible profiles; nobody has two meetings in one slot, whatever the state.

    anna and ben each get a pending request to answer and an accepted meeting on day two (so they
    lie ahead whenever the demo is shown) and nothing else; they never meet each other.
    """
    per_day = slot_count // 2
    visible = sorted(name for name, fields in profiles.items() if fields["is_visible"])
    by_type = {}
    for name in visible:
        if name not in (ANNA.username, BEN.username):
            by_type.setdefault(profiles[name]["organisation_type"], []).append(name)
    busy = {name: set() for name in visible}
    pending = dict.fromkeys(visible, 0)
    pairs, meetings = set(), []

    def add(requester, invitee, slot, state):
        mine, theirs = profiles[requester], profiles[invitee]
        message = rng.choice(MEETING_MESSAGES).format(tag=_topic_of(mine, theirs))
        location = rng.choice(LOCATIONS).format(
            table=rng.randint(1, 24), code=f"{rng.getrandbits(24):06x}"
        )
        meetings.append(PlannedMeeting(requester, invitee, slot, state, message, location))
        busy[requester].add(slot)
        busy[invitee].add(slot)
        pairs.add(frozenset((requester, invitee)))
        pending[requester] += state == Meeting.State.PENDING

    day_two = per_day  # first slot of the second day
    for demo, kinds in ((ANNA, (T.PROVIDER, T.RESEARCH)), (BEN, (T.MUNICIPALITY, T.COUNTY))):
        asking = rng.choice(by_type[kinds[0]])
        add(asking, demo.username, day_two + 3 + (demo is BEN), Meeting.State.PENDING)
        asked = rng.choice([name for name in by_type[kinds[1]] if name != asking])
        add(demo.username, asked, day_two + 10 + 3 * (demo is BEN), Meeting.State.ACCEPTED)

    states = [
        (Meeting.State.ACCEPTED, 50),
        (Meeting.State.PENDING, 30),
        (Meeting.State.DECLINED, 10),
        (Meeting.State.CANCELLED, 10),
    ]
    others = [name for name in visible if name not in (ANNA.username, BEN.username)]
    for _attempt in range(20 * MEETINGS):
        if len(meetings) >= MEETINGS:
            break
        requester = rng.choice(others)
        kind = _weighted(rng, _complements(profiles[requester]["organisation_type"]))
        candidates = by_type.get(kind, [])
        if not candidates:
            continue
        invitee = rng.choice(candidates)
        if invitee == requester or frozenset((requester, invitee)) in pairs:
            continue
        free = [
            slot
            for slot in range(slot_count)
            if slot not in busy[requester] and slot not in busy[invitee]
        ]
        if not free:
            continue
        state = _weighted(rng, states)
        if state == Meeting.State.PENDING and pending[requester] >= MAX_PENDING_PER_REQUESTER:
            state = Meeting.State.ACCEPTED
        add(requester, invitee, rng.choice(free), state)
    return meetings


@dataclass
class PlannedConversation:
    starter: str
    other: str
    lines: list  # texts, alternating from the starter
    unread_for: str | None  # who has not read the last message yet


def plan_conversations(rng, profiles, meetings):
    """Conversations of visible profiles: some between meeting partners, the others new contacts.

    anna and ben each have one (not with each other) whose last message they have not read yet.
    """
    visible = sorted(name for name, fields in profiles.items() if fields["is_visible"])
    demo = (ANNA.username, BEN.username)
    others = [name for name in visible if name not in demo]
    pairs, planned = set(), []

    def add(starter, other, script, count, unread_for=None):
        text = _topic_of(profiles[starter], profiles[other])
        lines = [line.format(tag=text) for line in SCRIPTS[script][:count]]
        planned.append(PlannedConversation(starter, other, lines, unread_for))
        pairs.add(frozenset((starter, other)))

    met = {frozenset((m.requester, m.invitee)) for m in meetings}
    for username, script, count, starts in (
        (ANNA.username, 0, 3, True),
        (BEN.username, 3, 4, False),
    ):
        partners = [
            name
            for name in others
            if frozenset((name, username)) not in met
            and profiles[name]["organisation_type"] != profiles[username]["organisation_type"]
        ]
        partner = rng.choice(partners)
        # The partner writes the last line: with 3 lines the starter, with 4 the other one.
        starter, other = (partner, username) if starts else (username, partner)
        add(starter, other, script, count, unread_for=username)

    meeting_pairs = sorted(
        ((m.requester, m.invitee) for m in meetings if not set(demo) & {m.requester, m.invitee}),
    )
    for requester, invitee in rng.sample(
        meeting_pairs, min(len(meeting_pairs), CONVERSATIONS // 2)
    ):
        script = rng.choice([0, 1])
        add(requester, invitee, script, rng.randint(1, len(SCRIPTS[script])))
    for _attempt in range(20 * CONVERSATIONS):
        if len(planned) >= CONVERSATIONS:
            break
        starter, other = rng.sample(others, 2)
        if frozenset((starter, other)) in pairs:
            continue
        script = rng.choice([2, 3, 4])
        add(starter, other, script, rng.randint(1, len(SCRIPTS[script])))
    return planned


# --- writing -------------------------------------------------------------------------------------


def _sync_holds(event):
    """Make the holds of the event's meetings mirror them: one per participant, same time,
    active while pending or accepted. Replaced wholesale, so no moved hold ever meets an old one
    under PostgreSQL's overlap constraint."""
    meetings = list(
        Meeting.objects.filter(event=event).values_list(
            "pk", "requester_id", "invitee_id", "start", "end", "state"
        )
    )
    wanted = {
        (pk, user_id, start, end, state in Meeting.ACTIVE_STATES)
        for pk, requester_id, invitee_id, start, end, state in meetings
        for user_id in (requester_id, invitee_id)
    }
    holds = MeetingHold.objects.filter(meeting__event=event)
    existing = set(holds.values_list("meeting_id", "user_id", "start", "end", "active"))
    if existing != wanted:
        holds.delete()
        MeetingHold.objects.bulk_create(
            [
                MeetingHold(meeting_id=pk, user_id=user_id, start=start, end=end, active=active)
                for pk, user_id, start, end, active in sorted(wanted)
            ],
            batch_size=500,
        )


def sync_slots(event, times):
    """Make the event's meeting slots exactly ``times``; returns their number."""
    existing = {(slot.start, slot.end): slot.pk for slot in MeetingSlot.objects.filter(event=event)}
    wanted = set(times)
    MeetingSlot.objects.filter(
        pk__in=[pk for key, pk in existing.items() if key not in wanted]
    ).delete()
    MeetingSlot.objects.bulk_create(
        [
            MeetingSlot(event=event, start=start, end=end)
            for start, end in sorted(wanted - existing.keys())
        ]
    )
    return len(wanted)


def redate_matchmaking(event, moved):
    """Move slots and meetings with the event; ``moved(moment)`` gives a moment's new time.

    Slots are replaced (moving them one by one could meet a not yet moved one of the same time);
    holds follow their meetings.
    """
    times = [
        (moved(start), moved(end))
        for start, end in MeetingSlot.objects.filter(event=event).values_list("start", "end")
    ]
    MeetingSlot.objects.filter(event=event).delete()
    MeetingSlot.objects.bulk_create(
        [MeetingSlot(event=event, start=start, end=end) for start, end in sorted(set(times))]
    )
    meetings = list(Meeting.objects.filter(event=event).only("pk", "start", "end"))
    for meeting in meetings:
        meeting.start, meeting.end = moved(meeting.start), moved(meeting.end)
    MeetingHold.objects.filter(meeting__event=event).delete()
    Meeting.objects.bulk_update(meetings, ["start", "end"], batch_size=500)
    _sync_holds(event)


def _sync_conversations(event, planned, users):
    """Conversations by pair; a conversation's messages are rewritten only when they differ.

    New messages get their seq from the topic's event log exactly as ``emit`` assigns it (one
    ``chat.message`` per message), without publishing: nobody is subscribed to a seeded chat.
    Returns the number of messages.
    """
    wanted = {}
    for conversation in planned:
        first, second = users[conversation.starter], users[conversation.other]
        user_a, user_b = sorted((first, second), key=lambda user: user.pk)
        senders = [first if index % 2 == 0 else second for index in range(len(conversation.lines))]
        wanted[(user_a.pk, user_b.pk)] = (conversation, senders)

    conversations = Conversation.objects.filter(event=event)
    existing = {(c.user_a_id, c.user_b_id): c for c in conversations}
    stale = [
        c.pk for pair, c in existing.items() if pair not in wanted and c.origin.startswith(ORIGIN)
    ]
    if stale:
        topics = [f"conversation:{pk}" for pk in stale]
        TopicEvent.objects.filter(topic__in=topics).delete()
        TopicCounter.objects.filter(topic__in=topics).delete()
        Conversation.objects.filter(pk__in=stale).delete()
    Conversation.objects.bulk_create(
        [
            Conversation(event=event, user_a_id=a, user_b_id=b, origin=ORIGIN)
            for a, b in wanted
            if (a, b) not in existing
        ]
    )
    existing = {(c.user_a_id, c.user_b_id): c for c in Conversation.objects.filter(event=event)}

    current = {}
    for conversation_id, sender_id, text, client_id, seq in (
        ConversationMessage.objects.filter(conversation__event=event)
        .order_by("seq", "pk")
        .values_list("conversation_id", "sender_id", "text", "client_id", "seq")
    ):
        current.setdefault(conversation_id, []).append((sender_id, text, client_id, seq))

    rewrite, messages = [], []
    for pair, (plan, senders) in wanted.items():
        conversation = existing[pair]
        rows = [
            (sender.pk, text, f"demo-{index + 1}")
            for index, (sender, text) in enumerate(zip(senders, plan.lines, strict=True))
        ]
        if [row[:3] for row in current.get(conversation.pk, [])] != rows:
            rewrite.append(conversation.pk)
            messages += [
                ConversationMessage(
                    conversation=conversation, sender=sender, text=text, client_id=client_id
                )
                for (sender_id, text, client_id), sender in zip(rows, senders, strict=True)
            ]
    ConversationMessage.objects.filter(conversation_id__in=rewrite).delete()
    ConversationMessage.objects.bulk_create(messages, batch_size=500)
    events = []
    for message in messages:
        message.seq = next_seq(message.conversation.topic)
        events.append(
            TopicEvent(
                topic=message.conversation.topic,
                seq=message.seq,
                type="chat.message",
                data=conversation_message_data(message),
            )
        )
    TopicEvent.objects.bulk_create(events, batch_size=500)
    ConversationMessage.objects.bulk_update(messages, ["seq"], batch_size=500)
    for message in messages:
        current.setdefault(message.conversation_id, [])
    for conversation_id in rewrite:
        current[conversation_id] = []
    for message in messages:
        current[message.conversation_id].append(
            (message.sender_id, message.text, message.client_id, message.seq)
        )

    # Read up to one's own last message; everyone but the demo accounts has read everything.
    changed = []
    for pair, (plan, _senders) in wanted.items():
        conversation = existing[pair]
        rows = current[conversation.pk]
        for field, user_id in (
            ("user_a_read_seq", conversation.user_a_id),
            ("user_b_read_seq", conversation.user_b_id),
        ):
            if plan.unread_for is not None and users[plan.unread_for].pk == user_id:
                seq = max((row[3] for row in rows if row[0] == user_id), default=0)
            else:
                seq = rows[-1][3]
            if getattr(conversation, field) != seq:
                setattr(conversation, field, seq)
                changed.append(conversation)
    Conversation.objects.bulk_update(
        list({c.pk: c for c in changed}.values()), ["user_a_read_seq", "user_b_read_seq"]
    )
    return sum(len(plan.lines) for plan, _senders in wanted.values())


def seed_matchmaking(event, rng, stdout, *, people, speakers, exhibitors, provider_accounts):
    """Tags, profiles, slots, meetings and conversations of the demo; prints one line.

    ``people`` … ``provider_accounts`` as in ``plan_profiles``; every username must exist.
    Returns the counts it printed.
    """
    profiles = plan_profiles(rng, people, speakers, exhibitors, provider_accounts)
    users = get_user_model().objects.in_bulk(list(profiles), field_name="username")

    tag_rows = [{"event_id": event.pk, "slug": slug, "name": name} for slug, name, _t in TAGS]
    Tag.objects.filter(event=event).exclude(slug__in=TAG_NAMES).delete()
    sync_rows(Tag.objects.filter(event=event), "slug", tag_rows)

    profile_rows = [
        {"event_id": event.pk, "user_id": users[username].pk, **fields}
        for username, fields in sorted(profiles.items())
    ]
    sync_rows(Profile.objects.filter(event=event), "user_id", profile_rows)

    times = slot_times(event)
    slots = sync_slots(event, times)

    planned = plan_meetings(rng, profiles, len(times))
    meeting_rows = []
    for index, meeting in enumerate(planned):
        start, end = times[meeting.slot]
        requester, invitee = users[meeting.requester], users[meeting.invitee]
        meeting_rows.append(
            {
                "event_id": event.pk,
                "guid": _guid("meeting", index),
                "requester_id": requester.pk,
                "invitee_id": invitee.pk,
                "awaiting_id": invitee.pk if meeting.state == Meeting.State.PENDING else None,
                "start": start,
                "end": end,
                "message": meeting.message,
                "location": meeting.location,
                "state": meeting.state,
            }
        )
    guids = [row["guid"] for row in meeting_rows]
    Meeting.objects.filter(event=event).exclude(guid__in=guids).delete()
    sync_rows(Meeting.objects.filter(event=event), "guid", meeting_rows)
    _sync_holds(event)

    conversations = plan_conversations(rng, profiles, planned)
    message_count = _sync_conversations(event, conversations, users)
    bump_version(event)

    states = {state: 0 for state in Meeting.State.values}
    for meeting in planned:
        states[meeting.state] += 1
    visible = sum(1 for fields in profiles.values() if fields["is_visible"])
    counts = {
        "tags": len(TAGS),
        "profiles": len(profiles),
        "visible": visible,
        "slots": slots,
        "meetings": len(planned),
        "states": states,
        "conversations": len(conversations),
        "messages": message_count,
    }
    stdout.write(
        f"Matchmaking: {len(TAGS)} Schlagworte, {len(profiles)} Profile ({visible} sichtbar), "
        f"{slots} Termin-Slots, {len(planned)} Treffen ({states['accepted']} zugesagt, "
        f"{states['pending']} offen, {states['declined']} abgelehnt, {states['cancelled']} "
        f"abgesagt), {len(conversations)} Unterhaltungen mit {message_count} Nachrichten"
    )
    return counts
